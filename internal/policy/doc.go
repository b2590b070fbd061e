// Package policy is orgplane's policy engine: it judges an organization's
// declared structure (Organizations, Teams, Platforms, SteeringCommittees,
// ResponsibilityMatrices) against the GovernancePolicies of each namespace
// and infers the organization model the structure shows.
//
// The engine is pure: it reads objects through the Graph interface (the
// controller's informer cache, or NewMemoryGraph for the kubectl plugin and
// tests), never calls Kubernetes, never reads a clock (callers pass now) and
// never mutates what it reads. The same graph and instant give the same
// findings in the same order.
//
// # Evaluations
//
// Evaluate (every namespace), EvaluateNamespace and EvaluateObject return
// one Evaluation: every rule's verdict on every object it judged, pass or
// fail, each finding with the field at fault as its own field; each
// policy's rules with what they judged and the rules that cannot be
// evaluated; the roll-ups (a namespace's inferred model and summary, a
// SteeringCommittee's coverage); and when time alone may change it. The
// controller's status, the plugin's check, the policy reports and the
// admission webhook's warnings are all read off it, so they agree by
// construction. ImpactOf is the other entry point: what a change concerns.
//
// # What judges an object
//
// An object is judged by the built-in reference integrity check and by the
// rules of the GovernancePolicies in its own namespace whose type judges its
// kind, narrowed by match.kinds and match.labelSelector. Reference integrity
// (policy "builtin", rule "integrity", severity High, enforcement Audit) is
// reported on the object holding the reference: every TeamRef,
// SteeringCommitteeRef and PlatformRef that does not resolve, a Person's
// teamRef included (one into a namespace that a Scoped graph does not watch
// says so instead of not found), and a team on a cycle of parentRefs. It is
// Audit because it cannot be switched off, so it must not gate readiness;
// see integrity.go.
//
// A rule that cannot be evaluated at all (unknown type, a CEL rule without
// cel or match.kinds, match.kinds that leave no kind the type judges, an
// invalid label selector, a CEL expression that does not compile or whose
// type is not bool or dyn) is a RuleError of its policy and judges nothing;
// the policy's other rules still run. A CEL expression that fails at run
// time on an object (a missing field, the cost limit, a non-bool result) is
// a violation of that object naming the error: a rule that cannot be shown
// to hold does not hold.
//
// # Messages
//
// Every violation message names the object and the field at fault:
//
//	<kind> "<name>": <field>: <problem>
//
// where <kind> is one of organization, team, platform, steering committee,
// responsibility matrix; <field> is a JSON path with list indexes
// (spec.activities[0].informed[1]); objects of another namespace are named
// "namespace/name". For example:
//
//	platform "analytics": spec.ownerRef: owner team "bi-team" not found
//	team "emea": spec.parentRef: team is on a cycle of parentRefs: "emea" -> "europe" -> "emea"
//
// CEL rules have no field: `<kind> "<name>": <cel.message>`, where the
// message defaults to `CEL rule "<rule>" is not satisfied`; a CEL runtime
// error reads `<kind> "<name>": CEL rule "<rule>" could not be evaluated:
// <error>`. Instants are RFC 3339 in UTC. Rule errors read
// `rule "<rule>": <field>: <problem>`; CEL compile errors keep cel-go's
// position but not its source excerpt:
//
//	rule "must-have-vendor": cel.expression: ERROR: <input>:1:23: undeclared reference to 'vendor' (in container '')
//
// # CEL
//
// A CEL rule sees `object`, the judged object as JSON (apiVersion, kind,
// metadata with name, namespace, labels and annotations, and spec; omitted
// fields are absent, so use has()), and `owner` and `committee`, the
// Platform's owner Team and SteeringCommittee in the same shape, or null
// (always null for other kinds). All three are dyn. Programs are compiled
// once per policy, UID, generation and rule, cached in the Engine, and run
// under a cost limit so that no expression can hang.
//
// # The inferred models and transitions
//
// A namespace's roll-up (NamespaceResult) holds the organization model its
// structure shows, with a one-sentence reason and the units' evidence
// (inferModel and UnitsOf state the rule), and the martech model its martech
// team shows, with the team and a reason (inferMartech). An Organization's
// result holds the phase of its spec.transition (evalCtx.transition); a
// planned one falls due at its deadline, which RequeueAt announces, as it
// does a team's expiry and a temporary team's notice.
//
// # Dependency rules
//
// An object's findings depend on the object itself and on what the engine
// reads to judge it. Every part of the engine that reads the graph declares
// that, per kind it judges, as paths from the judged object to the objects
// it reads (deps.go): the GovernancePolicies of the namespace, the integrity
// check, each rule type, and the status roll-ups (an Organization's
// inferred model and summary, a GovernancePolicy's rule counts, a
// SteeringCommittee's coverage). The table below is
// generated from the declarations by TestDependencyDoc:
//
//	judged                read by                       reads                                                                                       what
//	Organization          GovernancePolicies            GovernancePolicies of its namespace                                                         rules, match, params
//	                      integrity                     Teams it references                                                                         executives': existence
//	                      MartechModel                  Platforms of its namespace → Teams they reference → their ancestors                         tier; owners (existence, expiresAt), operators, solid lines up: type
//	                      MartechModel                  Platforms of its namespace → Teams they reference → their ancestors                         category; owners (existence, expiresAt, type, lines, members), solid lines up: function
//	                      MartechModel                  Platforms of its namespace → Teams they reference → Teams they reference → their ancestors  teams of the owners' lines and members, solid lines up: function
//	                      OrganizationModel             Platforms of its namespace → Teams they reference → their ancestors                         tier; owners (existence, expiresAt), operators, solid lines up: type
//	                      OrganizationModel             Platforms of its namespace → Teams they reference → their ancestors                         category; owners (existence, expiresAt, type, lines, members), solid lines up: function
//	                      OrganizationModel             Platforms of its namespace → Teams they reference → Teams they reference → their ancestors  teams of the owners' lines and members, solid lines up: function
//	                      status.inferredModel          Platforms of its namespace → Teams they reference → their ancestors                         tier; owners (existence, expiresAt), operators, solid lines up: type
//	                      status.inferredMartechModel   Platforms of its namespace → Teams they reference → their ancestors                         category; owners (existence, expiresAt, type, lines, members), solid lines up: function
//	                      status.inferredMartechModel   Platforms of its namespace → Teams they reference → Teams they reference → their ancestors  teams of the owners' lines and members, solid lines up: function
//	                      status.transition             Platforms of its namespace → Teams they reference → their ancestors                         tier; owners (existence, expiresAt), operators, solid lines up: type
//	                      status.transition             Platforms of its namespace → Teams they reference → their ancestors                         category; owners (existence, expiresAt, type, lines, members), solid lines up: function
//	                      status.transition             Platforms of its namespace → Teams they reference → Teams they reference → their ancestors  teams of the owners' lines and members, solid lines up: function
//	                      status.summary, status.rules  findings in its namespace                                                                   objects and violations by severity
//	Team                  GovernancePolicies            GovernancePolicies of its namespace                                                         rules, match, params
//	                      integrity                     Teams it references                                                                         existence
//	                      integrity                     its ancestors                                                                               parentRefs (cycles)
//	                      TeamStructure                 Teams it references                                                                         parent: existence
//	                      TeamStructure                 its ancestors                                                                               parentRefs (cycles)
//	                      TemporaryTeam                 Platforms naming it (any namespace)                                                         the platforms naming it: ownerRef
//	Platform              GovernancePolicies            GovernancePolicies of its namespace                                                         rules, match, params
//	                      integrity                     Teams it references                                                                         existence
//	                      integrity                     SteeringCommittees it references                                                            existence
//	                      CEL                           Teams it references                                                                         owner (CEL owner): labels, spec
//	                      CEL                           SteeringCommittees it references                                                            CEL committee: labels, spec
//	                      EnterpriseAI                  Teams it references                                                                         owner: existence, function
//	                      PlatformGoverned              SteeringCommittees it references                                                            existence
//	                      PlatformOwnership             Teams it references                                                                         owner: existence, function, type, expiresAt
//	                      PrivacyOwner                  Teams it references                                                                         privacy owner's: existence, function, lead, members
//	                      ResponsibilityAssignment      ResponsibilityMatrices naming it (any namespace)                                            existence (requireForTiers)
//	SteeringCommittee     GovernancePolicies            GovernancePolicies of its namespace                                                         rules, match, params
//	                      integrity                     Teams it references                                                                         existence
//	                      SteeringCommitteeCoverage     Teams it references                                                                         members: existence, function
//	                      status coverage               Teams it references                                                                         members: existence, function
//	                      status coverage               GovernancePolicies of its namespace                                                         the groups of SteeringCommitteeCoverage rules
//	                      status coverage               Platforms naming it (any namespace)                                                         governedPlatforms
//	ResponsibilityMatrix  GovernancePolicies            GovernancePolicies of its namespace                                                         rules, match, params
//	                      integrity                     Teams it references                                                                         existence
//	                      integrity                     Platforms it references                                                                     existence
//	                      ResponsibilityAssignment      Teams it references                                                                         activities': existence
//	GovernancePolicy      status.summary, status.rules  findings in its namespace                                                                   what each rule judged and found
//
// The fan-out (ImpactOf) walks every path backward from a changed object,
// from each hop whose kind is the changed object's kind (a hop's fields
// lead to the next, so a change on the way matters as much as one at the
// end): the objects referencing it (the controller's field index on
// References), the objects its own references name, the teams below it
// (their ancestor chains pass through it), or every object of the kind in
// its namespace. A GovernancePolicy concerns only the kinds its rules judge
// (by type and match.kinds). The namespace summaries then concern every
// namespace that holds the changed object or an object found so far. The
// controller enqueues what ImpactOf returns, computed once per event for
// every reconciler; FuzzImpact checks on random graphs that a change alters
// the evaluation of nothing it misses.
package policy
