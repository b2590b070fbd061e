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
// # What judges an object
//
// An object is judged by the built-in reference integrity check and by the
// rules of the GovernancePolicies in its own namespace whose type judges its
// kind, narrowed by match.kinds and match.labelSelector. Reference integrity
// (policy "builtin", rule "integrity", severity High, enforcement Audit) is
// reported on the object holding the reference: every TeamRef,
// SteeringCommitteeRef and PlatformRef that does not resolve, a Person's
// teamRef included, and a team on a cycle of parentRefs. It is Audit because
// it cannot be switched off, so it must not gate readiness; see integrity.go.
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
// # The inferred model
//
// See InferModel for the exact rule.
//
// # Dependency rules
//
// An object's findings depend on the object itself, on the GovernancePolicies
// of its namespace, on the existence of everything its references name
// (References), and on:
//
//   - Team: the teams up its parentRef chain (cycle and parent checks), and
//     now when it has an expiresAt.
//   - Platform: its owner team (existence, function, type, expiresAt; its
//     labels and spec through CEL owner), its operator teams (existence), the
//     privacy owner's team (existence, function, lead and members), its
//     roadmap owner's team (existence), its steering committee (existence;
//     its spec through CEL committee), and the ResponsibilityMatrices naming
//     it in any namespace (ResponsibilityAssignment with requireForTiers).
//   - SteeringCommittee: its member teams (existence, function), and the
//     teams its chair and representatives name (existence). Its status
//     fields (CommitteeCoverage) also depend on the Platforms naming it in
//     any namespace.
//   - ResponsibilityMatrix: the teams its activities name and the platform
//     it names (existence).
//   - Organization: the teams its executives name (existence) and, through
//     the inferred model, every Platform of its namespace and every Team up
//     the parentRef chains of their owners and operators (in any namespace).
//     Its summary depends on every object of its namespace.
//
// So when an object changes, the objects to re-evaluate are: those whose
// References name it; for a Team, also the Teams below it (their chains pass
// through it), the Platforms whose owner, operators or privacy owner's team
// is it, and the Organization of every namespace whose platforms it owns or
// operates or sits above; for a Platform or a matrix, the platform's
// committee, the platforms the matrix names, and the Organization of its
// namespace; for a GovernancePolicy, every object of its namespace. The
// controller finds these with field indexes on References. It re-evaluates
// the Organizations and GovernancePolicies of every namespace a change can
// reach: the changed object's own, those of what it references and of what
// references it and, for a Team, of what references the teams below it,
// however deep the chain and whichever namespaces it crosses.
package policy
