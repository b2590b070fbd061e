# The rules of orgplane's contract (internal/policy: the built-in reference
# integrity check and the eight built-in rule types of GovernancePolicies),
# written in Rego, for the benchmark only: `make bench` runs them with
# `conftest test --combine` on the same YAML that `kubectl org check` reads,
# and with `opa eval` on the same objects as one JSON document, and requires
# the three to find the same. The input is what conftest's --combine gives:
# a list of {"path": file, "contents": object}.
#
# What the peer leaves out, because the benchmark's org does not use it: CEL
# rules (Rego has no CEL), rule errors (an invalid rule is skipped here),
# and Unicode normalization of person names (compared byte by byte; the
# generator writes them in NFC, as the engine compares them).
package main

import rego.v1

group := "org.orgplane.io/v1alpha1"

kind_words := {
	"Organization": "organization",
	"Team": "team",
	"Platform": "platform",
	"SteeringCommittee": "steering committee",
	"ResponsibilityMatrix": "responsibility matrix",
}

# Objects by kind, then by "namespace/name". Objects without a namespace
# are in "default", as `kubectl org check` gives them without -n.

ns_of(o) := ns if {
	ns := o.metadata.namespace
	ns != ""
} else := "default"

key(o) := concat("/", [ns_of(o), o.metadata.name])

# Each kind is gathered by a comprehension (a complete rule, which OPA
# evaluates once) rather than a partial rule, which OPA may evaluate again
# at each use.
of_kind(kind) := {key(o): o |
	some d in input
	o := d.contents
	o.apiVersion == group
	o.kind == kind
}

teams := of_kind("Team")

platforms := of_kind("Platform")

committees := of_kind("SteeringCommittee")

matrices := of_kind("ResponsibilityMatrix")

organizations := of_kind("Organization")

policies := of_kind("GovernancePolicy")

objects := {
	"Organization": organizations,
	"Team": teams,
	"Platform": platforms,
	"SteeringCommittee": committees,
	"ResponsibilityMatrix": matrices,
}

# A reference's namespace defaults to the referring object's.
ref_ns(referrer_ns, r) := r.namespace if {
	r.namespace != ""
} else := referrer_ns

ref_key(referrer_ns, r) := concat("/", [ref_ns(referrer_ns, r), r.name])

resolves("Team", k) if teams[k]

resolves("Platform", k) if platforms[k]

resolves("SteeringCommittee", k) if committees[k]

# rel names an object as the subject in namespace ns sees it.
rel(ns, rns, name) := sprintf("%q", [name]) if rns == ns

rel(ns, rns, name) := sprintf("%q", [concat("/", [rns, name])]) if rns != ns

rel_key(ns, k) := rel(ns, rns, name) if {
	[rns, name] := split(k, "/")
}

problem(kind, o, field, msg) := sprintf("%s %q: %s: %s", [kind_words[kind], o.metadata.name, field, msg])

tier(p) := object.get(p.spec, "tier", "Engagement")

timestamp(t) := time.format([time.parse_rfc3339_ns(t), "UTC", "2006-01-02T15:04:05Z07:00"])

expired(t) if time.parse_rfc3339_ns(t.spec.expiresAt) <= time.now_ns()

# The reporting hierarchy: each team's chain (itself, then up its
# parentRefs, stopping at a parent that does not resolve or before one
# already in the chain), as graph.reachable_paths walks it.

parent_key(t) := pk if {
	pk := ref_key(ns_of(t), t.spec.parentRef)
	teams[pk]
}

parent_graph := {k: [pk | pk := parent_key(t)] | some k, t in teams}

chain := {k: path |
	some k, _ in teams
	some path in graph.reachable_paths(parent_graph, {k})
}

# cycle[k] lists the cycle of parentRefs through team k, from k back to k.
cycle := {k: array.concat(path, [k]) |
	some k, path in chain
	last := path[count(path) - 1]
	parent_key(teams[last]) == k
}

cycle_message(kind, o, k) := problem(kind, o, "spec.parentRef", sprintf("team is on a cycle of parentRefs: %s", [concat(" -> ", [rel_key(ns_of(o), m) | some m in cycle[k]])]))

# ---------------------------------------------------------------------------
# Findings, as `kubectl org check -o json` lists them.

finding(kind, o, pr, msg) := {
	"msg": msg,
	"kind": kind,
	"namespace": ns_of(o),
	"name": o.metadata.name,
	"policy": pr.policy,
	"rule": pr.rule,
	"severity": pr.severity,
	"enforcement": pr.enforcement,
}

builtin := {"policy": "builtin", "rule": "integrity", "severity": "High", "enforcement": "Audit"}

# Reference integrity: every reference that does not resolve, on the object
# holding it, and a team on a cycle. One rule per kind of reference, each
# checking as it goes (building sets of every reference first costs OPA
# more than the checks).

# dangling is the integrity finding of a reference r, held at the field that
# sprintf(format, args) names, when it does not resolve.
dangling(kind, o, rkind, format, args, r) := finding(kind, o, builtin, not_found(kind, o, sprintf(format, args), rkind, rk)) if {
	rk := ref_key(ns_of(o), r)
	not resolves(rkind, rk)
}

not_found(kind, o, field, rkind, rk) := problem(kind, o, field, sprintf("%s %s not found", [kind_words[rkind], rel_key(ns_of(o), rk)]))

violation contains dangling("Organization", o, "Team", "spec.executives[%d].person.teamRef", [i], e.person.teamRef) if {
	some o in organizations
	some i, e in o.spec.executives
}

violation contains dangling("Team", o, "Team", "spec.parentRef", [], o.spec.parentRef) if some o in teams

violation contains dangling("Team", o, "Team", "spec.dottedLineRefs[%d]", [i], r) if {
	some o in teams
	some i, r in o.spec.dottedLineRefs
}

violation contains dangling("Team", o, "Team", "spec.lead.teamRef", [], o.spec.lead.teamRef) if some o in teams

violation contains dangling("Team", o, "Team", "spec.members[%d].teamRef", [i], m.teamRef) if {
	some o in teams
	some i, m in o.spec.members
}

violation contains dangling("Platform", o, "Team", "spec.ownerRef", [], o.spec.ownerRef) if some o in platforms

violation contains dangling("Platform", o, "Team", "spec.operatorRefs[%d]", [i], r) if {
	some o in platforms
	some i, r in o.spec.operatorRefs
}

violation contains dangling("Platform", o, "Team", "spec.%s.teamRef", [f], o.spec[f].teamRef) if {
	some o in platforms
	some f in ["roadmapOwner", "privacyOwner"]
}

violation contains dangling("Platform", o, "SteeringCommittee", "spec.steeringCommitteeRef", [], o.spec.steeringCommitteeRef) if {
	some o in platforms
}

violation contains dangling("SteeringCommittee", o, "Team", "spec.chair.teamRef", [], o.spec.chair.teamRef) if some o in committees

violation contains dangling("SteeringCommittee", o, "Team", "spec.members[%d].teamRef", [i], m.teamRef) if {
	some o in committees
	some i, m in o.spec.members
}

violation contains dangling("SteeringCommittee", o, "Team", "spec.members[%d].representative.teamRef", [i], m.representative.teamRef) if {
	some o in committees
	some i, m in o.spec.members
}

violation contains dangling("ResponsibilityMatrix", o, "Platform", "spec.platformRef", [], o.spec.platformRef) if some o in matrices

violation contains dangling("ResponsibilityMatrix", o, "Team", "%s", [field], r) if {
	some o in matrices
	some [field, r] in activity_refs(o)
}

activity_refs(o) := [[field, r] |
	some i, a in o.spec.activities
	some [f, r] in activity_team_refs(a)
	field := sprintf("spec.activities[%d].%s", [i, f])
]

activity_team_refs(a) := array.concat(
	array.concat(
		[[sprintf("responsible[%d]", [j]), r] | some j, r in object.get(a, "responsible", [])],
		[["accountable", a.accountable] | a.accountable],
	),
	array.concat(
		[[sprintf("consulted[%d]", [j]), r] | some j, r in object.get(a, "consulted", [])],
		[[sprintf("informed[%d]", [j]), r] | some j, r in object.get(a, "informed", [])],
	),
)

violation contains finding("Team", o, builtin, cycle_message("Team", o, k)) if {
	some k, _ in cycle
	o := teams[k]
}

# ---------------------------------------------------------------------------
# The rules of the GovernancePolicies of each namespace.

rule_types := {
	"PlatformOwnership": ["Platform"],
	"PlatformGoverned": ["Platform"],
	"SteeringCommitteeCoverage": ["SteeringCommittee"],
	"PrivacyOwner": ["Platform"],
	"ResponsibilityAssignment": ["ResponsibilityMatrix", "Platform"],
	"TeamStructure": ["Team"],
	"EnterpriseAI": ["Platform"],
}

# rule_kinds: the kinds a rule judges, by type, narrowed by match.kinds;
# ResponsibilityAssignment judges platforms only with requireForTiers.
rule_kinds(r) := {k |
	some k in type_kinds(r)
	match_kinds := object.get(r, ["match", "kinds"], [])
	any_kind(match_kinds, k)
}

type_kinds(r) := ["ResponsibilityMatrix"] if {
	r.type == "ResponsibilityAssignment"
	count(object.get(r, ["params", "requireForTiers"], [])) == 0
} else := rule_types[r.type]

any_kind(kinds, _) if count(kinds) == 0

any_kind(kinds, k) if k in kinds

# prepared[ns] lists the rules of namespace ns that can be evaluated.
prepared := {ns: rules | some ns in {ns_of(p) | some p in policies}; rules := prepared_in(ns)}

prepared_in(ns) := [pr |
	some p in policies
	ns_of(p) == ns
	some r in p.spec.rules
	kinds := rule_kinds(r)
	count(kinds) > 0
	pr := {
		"policy": p.metadata.name,
		"rule": r.name,
		"type": r.type,
		"kinds": kinds,
		"params": object.get(r, "params", {}),
		"selector": object.get(r, ["match", "labelSelector"], {}),
		"severity": object.get(r, "severity", "Medium"),
		"enforcement": object.get(p.spec, "enforcement", "Audit"),
	}
]

# judging(type, kind, o) lists the rules of a type that judge object o.
judging(type, kind, o) := [pr |
	some pr in object.get(prepared, ns_of(o), [])
	pr.type == type
	kind in pr.kinds
	selects(pr.selector, object.get(o.metadata, "labels", {}))
]

selects(sel, labels) if {
	every k, v in object.get(sel, "matchLabels", {}) {
		labels[k] == v
	}
	every e in object.get(sel, "matchExpressions", []) {
		requirement(e, labels)
	}
}

requirement(e, labels) if {
	e.operator == "In"
	labels[e.key] in e.values
}

requirement(e, labels) if {
	e.operator == "NotIn"
	not labels[e.key] in e.values
}

requirement(e, labels) if {
	e.operator == "Exists"
	labels[e.key]
}

requirement(e, labels) if {
	e.operator == "DoesNotExist"
	not labels[e.key]
}

allowed(_, list) if count(list) == 0

allowed(v, list) if v in list

list_or(params, name, def) := l if {
	l := params[name]
	count(l) > 0
} else := def

joined(l) := concat(", ", l)

is_member(t, name) if {
	some m in t.spec.members
	m.name == name
}

is_lead_or_member(t, name) if t.spec.lead.name == name

is_lead_or_member(t, name) if is_member(t, name)

# --- Team: TeamStructure

violation contains finding("Team", o, pr, msg) if {
	some [k, msg] in team_structure
	o := teams[k]
	some pr in judging("TeamStructure", "Team", o)
}

team_structure contains [k, problem("Team", o, "spec.parentRef", sprintf("parent team %s not found", [rel_key(ns_of(o), rk)]))] if {
	some k, o in teams
	rk := ref_key(ns_of(o), o.spec.parentRef)
	not teams[rk]
}

team_structure contains [k, cycle_message("Team", teams[k], k)] if some k, _ in cycle

team_structure contains [k, problem("Team", o, "spec.lead", sprintf("lead %q is not among spec.members", [lead]))] if {
	some k, o in teams
	lead := o.spec.lead.name
	not is_member(o, lead)
}

team_structure contains [k, problem("Team", o, "spec.expiresAt", sprintf("team expired at %s", [timestamp(o.spec.expiresAt)]))] if {
	some k, o in teams
	expired(o)
}

# --- Platform: PlatformOwnership, PlatformGoverned, PrivacyOwner,
# EnterpriseAI, ResponsibilityAssignment (requireForTiers)

violation contains finding("Platform", o, pr, msg) if {
	some [k, msg] in ownership
	o := platforms[k]
	some pr in judging("PlatformOwnership", "Platform", o)
}

ownership contains [k, problem("Platform", o, "spec.ownerRef", "platform has no owner team")] if {
	some k, o in platforms
	not o.spec.ownerRef
}

ownership contains [k, problem("Platform", o, "spec.ownerRef", sprintf("owner team %s not found", [rel_key(ns_of(o), rk)]))] if {
	some k, o in platforms
	rk := ref_key(ns_of(o), o.spec.ownerRef)
	not teams[rk]
}

ownership contains [k, problem("Platform", o, "spec.ownerRef", sprintf("owner team %s expired at %s", [rel_key(ns_of(o), rk), timestamp(owner.spec.expiresAt)]))] if {
	some k, o in platforms
	rk := ref_key(ns_of(o), o.spec.ownerRef)
	owner := teams[rk]
	expired(owner)
}

violation contains finding("Platform", o, pr, msg) if {
	some k, o in platforms
	rk := ref_key(ns_of(o), o.spec.ownerRef)
	owner := teams[rk]
	some pr in judging("PlatformOwnership", "Platform", o)
	some [what, v, list] in [
		["function", owner.spec.function, object.get(pr.params, "allowedOwnerFunctions", [])],
		["type", owner.spec.type, object.get(pr.params, "allowedOwnerTypes", [])],
	]
	not allowed(v, list)
	msg := problem("Platform", o, "spec.ownerRef", sprintf("owner team %s has %s %s, not one of %s", [rel_key(ns_of(o), rk), what, v, joined(list)]))
}

violation contains finding("Platform", o, pr, msg) if {
	some [k, msg] in governed
	o := platforms[k]
	some pr in judging("PlatformGoverned", "Platform", o)
	allowed(tier(o), object.get(pr.params, "tiers", []))
}

governed contains [k, problem("Platform", o, "spec.steeringCommitteeRef", "platform has no steering committee")] if {
	some k, o in platforms
	not o.spec.steeringCommitteeRef
}

governed contains [k, not_found("Platform", o, "spec.steeringCommitteeRef", "SteeringCommittee", rk)] if {
	some k, o in platforms
	rk := ref_key(ns_of(o), o.spec.steeringCommitteeRef)
	not committees[rk]
}

violation contains finding("Platform", o, pr, msg) if {
	some [k, msg] in privacy
	o := platforms[k]
	some pr in judging("PrivacyOwner", "Platform", o)
}

personal_data(d) if d.personalData == true

personal_data(d) if count(object.get(d, "jurisdictions", [])) > 0

privacy contains [k, problem("Platform", o, "spec.privacyOwner", no_privacy_owner(object.get(o.spec.data, "jurisdictions", [])))] if {
	some k, o in platforms
	personal_data(o.spec.data)
	not o.spec.privacyOwner
}

no_privacy_owner(j) := sprintf("platform holds personal data under %s but has no privacy owner", [joined(j)]) if count(j) > 0

no_privacy_owner(j) := "platform holds personal data but has no privacy owner" if count(j) == 0

privacy contains [k, problem("Platform", o, "spec.privacyOwner.teamRef", sprintf("privacy owner %q names no team", [po.name]))] if {
	some k, o in platforms
	personal_data(o.spec.data)
	po := o.spec.privacyOwner
	not po.teamRef
}

privacy contains [k, problem("Platform", o, "spec.privacyOwner.teamRef", sprintf("team %s not found", [rel_key(ns_of(o), rk)]))] if {
	some k, o in platforms
	personal_data(o.spec.data)
	rk := ref_key(ns_of(o), o.spec.privacyOwner.teamRef)
	not teams[rk]
}

privacy contains [k, problem("Platform", o, "spec.privacyOwner", sprintf("%q is neither the lead nor a member of team %s", [po.name, rel_key(ns_of(o), rk)]))] if {
	some k, o in platforms
	personal_data(o.spec.data)
	po := o.spec.privacyOwner
	rk := ref_key(ns_of(o), po.teamRef)
	team := teams[rk]
	not is_lead_or_member(team, po.name)
}

violation contains finding("Platform", o, pr, msg) if {
	some k, o in platforms
	personal_data(o.spec.data)
	rk := ref_key(ns_of(o), o.spec.privacyOwner.teamRef)
	team := teams[rk]
	some pr in judging("PrivacyOwner", "Platform", o)
	list := list_or(pr.params, "ownerFunctions", ["Legal", "Privacy"])
	not allowed(team.spec.function, list)
	msg := problem("Platform", o, "spec.privacyOwner.teamRef", sprintf("team %s has function %s, not one of %s", [rel_key(ns_of(o), rk), team.spec.function, joined(list)]))
}

violation contains finding("Platform", o, pr, msg) if {
	some k, o in platforms
	o.spec.category == "AIML"
	rk := ref_key(ns_of(o), o.spec.ownerRef)
	owner := teams[rk]
	some pr in judging("EnterpriseAI", "Platform", o)
	list := list_or(pr.params, "allowedOwnerFunctions", ["IT", "Data"])
	not allowed(owner.spec.function, list)
	msg := problem("Platform", o, "spec.ownerRef", sprintf("AIML platform owned by team %s of function %s, not one of %s", [rel_key(ns_of(o), rk), owner.spec.function, joined(list)]))
}

# The platforms that a ResponsibilityMatrix names (in any namespace), as one
# set: OPA would otherwise scan the matrices for each platform.
with_matrix := {pk |
	some _, m in matrices
	pk := ref_key(ns_of(m), m.spec.platformRef)
	platforms[pk]
}

violation contains finding("Platform", o, pr, msg) if {
	some k, o in platforms
	not with_matrix[k]
	some pr in judging("ResponsibilityAssignment", "Platform", o)
	tier(o) in object.get(pr.params, "requireForTiers", [])
	msg := problem("Platform", o, "spec.tier", sprintf("%s platform has no responsibility matrix", [tier(o)]))
}

# --- ResponsibilityMatrix: ResponsibilityAssignment

violation contains finding("ResponsibilityMatrix", o, pr, msg) if {
	some [k, msg] in activities
	o := matrices[k]
	some pr in judging("ResponsibilityAssignment", "ResponsibilityMatrix", o)
}

activities contains [k, not_found("ResponsibilityMatrix", o, field, "Team", rk)] if {
	some k, o in matrices
	some [field, r] in activity_refs(o)
	rk := ref_key(ns_of(o), r)
	not teams[rk]
}

activities contains [k, problem("ResponsibilityMatrix", o, sprintf("spec.activities[%d].responsible", [i]), sprintf("activity %q has no responsible team", [a.name]))] if {
	some k, o in matrices
	some i, a in o.spec.activities
	count(object.get(a, "responsible", [])) == 0
}

activities contains [k, problem("ResponsibilityMatrix", o, sprintf("spec.activities[%d].accountable", [i]), sprintf("activity %q has no accountable team", [a.name]))] if {
	some k, o in matrices
	some i, a in o.spec.activities
	not a.accountable
}

activities contains [k, problem("ResponsibilityMatrix", o, sprintf("spec.activities[%d].informed[%d]", [i, j]), sprintf("activity %q informs its accountable team %s", [a.name, rel_key(ns_of(o), acc)]))] if {
	some k, o in matrices
	some i, a in o.spec.activities
	acc := ref_key(ns_of(o), a.accountable)
	some j, inf in a.informed
	ref_key(ns_of(o), inf) == acc
}

# --- SteeringCommittee: SteeringCommitteeCoverage

default_groups := [{"anyOf": ["IT"]}, {"anyOf": ["Data"]}, {"anyOf": ["Sales", "Support"]}]

violation contains finding("SteeringCommittee", o, pr, msg) if {
	some k, o in committees
	some pr in judging("SteeringCommitteeCoverage", "SteeringCommittee", o)
	funcs := {f |
		some m in o.spec.members
		f := teams[ref_key(ns_of(o), m.teamRef)].spec.function
		f != ""
	}
	some g in list_or(pr.params, "requiredFunctions", default_groups)
	not covered(g.anyOf, funcs)
	msg := problem("SteeringCommittee", o, "spec.members", sprintf("no member team covers %s", [concat("|", g.anyOf)]))
}

covered(any_of, funcs) if {
	some f in any_of
	f in funcs
}

# OrganizationModel, MartechModel and TemporaryTeam (the second round of the
# contract: units, martech signatures, transitions) are not written in Rego:
# the peer's org (orggen.Enterprise) has no rule of those types.
