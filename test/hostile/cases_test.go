package hostile

import (
	"fmt"
	"slices"
	"strings"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// sizes are the hierarchy sizes of the large cases.
type sizes struct{ chain, cycle, fanOut int }

// sizesFor gives `make chaos`'s full sizes, or those `make test` runs.
func sizesFor(full bool) sizes {
	if full {
		return sizes{chain: 20_000, cycle: 5_000, fanOut: 10_000}
	}
	return sizes{chain: 2_000, cycle: 500, fanOut: 2_000}
}

// doc is one object's YAML; each field is a line under spec (indent
// nested lines by two more spaces). The spec starts at line 7.
func doc(kind orgv1.Kind, ns, name string, fields ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: org.orgplane.io/v1alpha1\nkind: %s\nmetadata:\n  name: %q\n  namespace: %s\nspec:\n", kind, name, ns)
	for _, f := range fields {
		b.WriteString("  " + f + "\n")
	}
	return b.String()
}

func team(ns, name string, fields ...string) string {
	return doc(orgv1.KindTeam, ns, name, append([]string{"function: IT", "type: Department"}, fields...)...)
}

func platform(ns, name string, fields ...string) string {
	return doc(orgv1.KindPlatform, ns, name, append([]string{"category: CDP"}, fields...)...)
}

// policy is a GovernancePolicy with one rule per entry of rules, each a
// flow mapping ("{name: x, type: TeamStructure}").
func policy(ns, name string, head []string, rules ...string) string {
	fields := append(slices.Clone(head), "rules:")
	for _, r := range rules {
		fields = append(fields, "- "+r)
	}
	return doc(orgv1.KindGovernancePolicy, ns, name, fields...)
}

// teamStructure is a policy with the TeamStructure rule.
func teamStructure(ns string) string {
	return policy(ns, "structure", nil, "{name: structure, type: TeamStructure}")
}

// celPolicy is a policy with one CEL rule over Teams.
func celPolicy(ns, expression string) string {
	return policy(ns, "cel", nil, fmt.Sprintf("{name: rule, type: CEL, match: {kinds: [Team]}, cel: {expression: %q}}", expression))
}

// chain is a line of n teams, t0 reporting to a team that does not exist.
func chain(ns string, n int) []string {
	docs := []string{team(ns, "t0", "parentRef: {name: ghost}")}
	for i := 1; i < n; i++ {
		docs = append(docs, team(ns, fmt.Sprintf("t%d", i), fmt.Sprintf("parentRef: {name: t%d}", i-1)))
	}
	return docs
}

// cycle is a ring of n teams.
func cycle(ns string, n int) []string {
	var docs []string
	for i := range n {
		docs = append(docs, team(ns, fmt.Sprintf("t%d", i), fmt.Sprintf("parentRef: {name: t%d}", (i+1)%n)))
	}
	return docs
}

// members is a members list of n people, the first the lead.
func members(n int) []string {
	fields := []string{"lead: {name: p0}", "members:"}
	for i := range n {
		fields = append(fields, fmt.Sprintf("- {name: p%d, email: p%d@example.com}", i, i))
	}
	return fields
}

// comprehension nests a loop over ten items depth times: 10^depth steps.
func comprehension(depth int) string {
	expr := "true"
	for range depth {
		expr = fmt.Sprintf("[0,1,2,3,4,5,6,7,8,9].all(x, %s)", expr)
	}
	return expr
}

// billionLaughs is the YAML alias bomb: nine levels of nine aliases.
func billionLaughs(ns string) string {
	var b strings.Builder
	b.WriteString(team(ns, "lol", `displayName: &a "lol"`))
	b.WriteString("  labels0: [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n")
	prev := "labels0"
	for i := 1; i < 9; i++ {
		name := fmt.Sprintf("labels%d", i)
		fmt.Fprintf(&b, "  %s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", "))
		prev = name
	}
	return strings.Replace(b.String(), "labels0: [", "labels0: &labels0 [", 1)
}

const (
	// rtl is U+202E RIGHT-TO-LEFT OVERRIDE: "evil\u202egpj.exe" reads as
	// "evilexe.jpg".
	rtl = "\u202e"
	// cyrillicA is U+0430, which looks like the Latin a.
	cyrillicA = "\u0430"
	// zoeNFC and zoeNFD are the same name, composed and decomposed.
	zoeNFC = "Zo\u00eb"
	zoeNFD = "Zoe\u0308"
)

// sameAsAPI, as a case's malformed, says that check must report what the
// apiserver's rejection says (rejected): the same field and message, as
// check validates against the CRDs with the apiserver's own code.
const sameAsAPI = "(the apiserver's message)"

// hostileCases lists every case.
func hostileCases(sz sizes) []hostileCase {
	return []hostileCase{
		// Hierarchies.
		{name: "deep-chain", docs: func(ns string) []string { return chain(ns, sz.chain) },
			want: []finding{{orgv1.KindTeam, "t0", `team "ghost" not found`}, {orgv1.KindTeam, fmt.Sprintf("t%d", sz.chain-1), ""}}},
		{name: "long-cycle", docs: func(ns string) []string { return cycle(ns, sz.cycle) },
			want: []finding{{orgv1.KindTeam, "t0", "cycle of parentRefs"}, {orgv1.KindTeam, fmt.Sprintf("t%d", sz.cycle-1), "cycle of parentRefs"}}},
		{name: "fan-out-to-one-parent", docs: func(ns string) []string {
			docs := []string{team(ns, "root")}
			for i := range sz.fanOut {
				docs = append(docs, team(ns, fmt.Sprintf("c%d", i), "parentRef: {name: root}"))
			}
			return docs
		}, want: []finding{{orgv1.KindTeam, "root", ""}, {orgv1.KindTeam, fmt.Sprintf("c%d", sz.fanOut-1), ""}}},
		{name: "self-parent", docs: func(ns string) []string { return []string{team(ns, "narcissus", "parentRef: {name: narcissus}")} },
			rejected: "spec.parentRef.name: Invalid value: spec.parentRef.name: a team cannot be its own parent", malformed: sameAsAPI, line: 9},
		{name: "many-dotted-lines-over-bound", docs: func(ns string) []string {
			fields := []string{"dottedLineRefs:"}
			for i := range 33 {
				fields = append(fields, fmt.Sprintf("- {name: d%d}", i))
			}
			return []string{team(ns, "busy", fields...)}
		}, rejected: "spec.dottedLineRefs: Too many: 33", malformed: sameAsAPI, line: 9},

		// Bounds.
		{name: "members-at-bound-500", docs: func(ns string) []string {
			return []string{teamStructure(ns), team(ns, "crowd", members(500)...)}
		}, want: []finding{{orgv1.KindTeam, "crowd", ""}}},
		{name: "members-10000-over-bound", docs: func(ns string) []string { return []string{team(ns, "mob", members(10_000)...)} },
			rejected: "spec.members: Too many: 10000: must have at most 500 items", malformed: sameAsAPI, line: 10},
		{name: "duplicate-member-names", docs: func(ns string) []string {
			return []string{team(ns, "twins", "members:", "- {name: Ann}", "- {name: Ann}")}
		}, rejected: `spec.members[1]: Duplicate value`, malformed: sameAsAPI, line: 11},
		{name: "rules-over-bound", docs: func(ns string) []string {
			var rules []string
			for i := range 65 {
				rules = append(rules, fmt.Sprintf("{name: r%d, type: TeamStructure}", i))
			}
			return []string{policy(ns, "many", nil, rules...), team(ns, "a")}
		}, rejected: "spec.rules: Too many: 65", malformed: sameAsAPI, line: 7},
		{name: "display-name-overlong", docs: func(ns string) []string {
			return []string{team(ns, "long", "displayName: "+strings.Repeat("x", 257))}
		}, rejected: "spec.displayName: Too long", malformed: sameAsAPI, line: 9},
		{name: "person-name-overlong", docs: func(ns string) []string {
			return []string{team(ns, "long", "lead: {name: "+strings.Repeat("y", 129)+"}")}
		}, rejected: "spec.lead.name: Too long", malformed: sameAsAPI, line: 9},
		{name: "huge-annotation-over-256KiB", docs: func(ns string) []string {
			return []string{strings.Replace(team(ns, "fat"), "  namespace:", "  annotations:\n    blob: "+strings.Repeat("z", 300<<10)+"\n  namespace:", 1)}
		}, rejected: "metadata.annotations: Too long: may not be more than 262144 bytes", malformed: sameAsAPI, line: 5},
		{name: "annotation-under-256KiB", docs: func(ns string) []string {
			return []string{strings.Replace(team(ns, "plump", "parentRef: {name: ghost}"), "  namespace:", "  annotations:\n    blob: "+strings.Repeat("z", 200<<10)+"\n  namespace:", 1)}
		}, want: []finding{{orgv1.KindTeam, "plump", `team "ghost" not found`}}},

		// Names.
		{name: "empty-name", docs: func(ns string) []string { return []string{team(ns, "")} },
			rejected: "name or generateName is required", malformed: `missing required field "metadata.name"`, line: 3},
		{name: "overlong-name", docs: func(ns string) []string { return []string{team(ns, strings.Repeat("n", 254))} },
			rejected: "metadata.name", malformed: sameAsAPI, line: 4},
		{name: "invalid-name-characters", docs: func(ns string) []string { return []string{team(ns, "Bad_Name")} },
			rejected: "metadata.name", malformed: sameAsAPI, line: 4},
		{name: "homoglyph-name", docs: func(ns string) []string { return []string{team(ns, "p"+cyrillicA+"yments")} },
			rejected: "metadata.name", malformed: sameAsAPI, line: 4},
		{name: "homoglyph-reference", docs: func(ns string) []string {
			return []string{team(ns, "payments"), team(ns, "billing", "parentRef: {name: p"+cyrillicA+"yments}")}
		}, rejected: "spec.parentRef.name", malformed: sameAsAPI, line: 18},
		{name: "rtl-override-reference", docs: func(ns string) []string {
			return []string{team(ns, "billing", "parentRef: {name: \"evil"+rtl+"gpj\"}")}
		}, rejected: "spec.parentRef.name", malformed: sameAsAPI, line: 9},

		// Unicode that is valid and must round-trip.
		{name: "rtl-mark-display-name", docs: func(ns string) []string {
			return []string{team(ns, "arabic", "displayName: \"\u200fفريق البيانات"+rtl+"\"", "parentRef: {name: ghost}")}
		}, want: []finding{{orgv1.KindTeam, "arabic", `team "ghost" not found`}}},
		{name: "zero-width-display-name", docs: func(ns string) []string {
			return []string{team(ns, "zw", "displayName: \"Da\u200bta\u200d Team\ufeff\"")}
		}, want: []finding{{orgv1.KindTeam, "zw", ""}}},
		{name: "nfc-lead-nfd-member", docs: func(ns string) []string {
			return []string{teamStructure(ns), team(ns, "umlaut", "lead: {name: \""+zoeNFC+"\"}", "members:", "- {name: \""+zoeNFD+"\"}")}
		}, want: []finding{{orgv1.KindTeam, "umlaut", ""}}},
		{name: "nfc-nfd-members-distinct-keys", docs: func(ns string) []string {
			return []string{team(ns, "umlauts", "members:", "- {name: \""+zoeNFC+"\"}", "- {name: \""+zoeNFD+"\"}")}
		}, want: []finding{{orgv1.KindTeam, "umlauts", ""}}},
		{name: "invalid-utf8", docs: func(ns string) []string { return []string{team(ns, "bytes", "displayName: \"caf\xe9\"")} },
			rejected: "invalid", malformed: "invalid trailing UTF-8 octet", line: 0},

		// Types, enums, nulls.
		{name: "invalid-enum", docs: func(ns string) []string {
			return []string{doc(orgv1.KindTeam, ns, "wizards", "function: Wizardry", "type: Department")}
		}, rejected: `spec.function: Unsupported value: "Wizardry"`, malformed: sameAsAPI, line: 7},
		{name: "missing-required", docs: func(ns string) []string { return []string{doc(orgv1.KindTeam, ns, "shapeless", "function: IT")} },
			rejected: "spec.type: Required value", malformed: "spec.type", line: 6},
		{name: "wrong-type-bool", docs: func(ns string) []string { return []string{team(ns, "pnl", `profitAndLoss: "yes"`)} },
			rejected: "spec.profitAndLoss", malformed: "spec.profitAndLoss", line: 9},
		{name: "wrong-type-list", docs: func(ns string) []string { return []string{team(ns, "lst", "members: {name: Ann}")} },
			rejected: "spec.members", malformed: "spec.members", line: 9},
		{name: "null-fields", docs: func(ns string) []string {
			return []string{team(ns, "nulls", "parentRef: null", "members: null", "lead: null", "displayName: null")}
		}, want: []finding{{orgv1.KindTeam, "nulls", ""}}},
		{name: "unknown-field", docs: func(ns string) []string { return []string{team(ns, "extra", "colour: red")} },
			rejected: `unknown field "spec.colour"`, malformed: "spec.colour", line: 9},
		{name: "negative-number", docs: func(ns string) []string {
			return []string{policy(ns, "neg", nil, "{name: temp, type: TemporaryTeam, params: {noticeDays: -1}}"), team(ns, "a")}
		}, rejected: "noticeDays: Invalid value: -1", malformed: sameAsAPI, line: 8},
		{name: "number-over-maximum", docs: func(ns string) []string {
			return []string{policy(ns, "big", nil, "{name: temp, type: TemporaryTeam, params: {noticeDays: 99999999999}}"), team(ns, "a")}
		}, rejected: "spec.rules[0].params.noticeDays", malformed: "spec.rules[0].params.noticeDays: wrong type", line: 8},
		{name: "invalid-email", docs: func(ns string) []string { return []string{team(ns, "mail", "lead: {name: Ann, email: not-an-email}")} },
			rejected: "spec.lead.email", malformed: sameAsAPI, line: 9},

		// Dates.
		{name: "expires-far-future", docs: func(ns string) []string {
			return []string{teamStructure(ns), team(ns, "forever", "expiresAt: \"9999-12-31T23:59:59Z\"")}
		}, want: []finding{{orgv1.KindTeam, "forever", ""}}},
		{name: "expires-far-past", docs: func(ns string) []string {
			return []string{teamStructure(ns), team(ns, "ancient", "expiresAt: \"0001-01-01T00:00:00Z\"")}
		}, want: []finding{{orgv1.KindTeam, "ancient", "expired"}}},
		{name: "invalid-date", docs: func(ns string) []string { return []string{team(ns, "when", `expiresAt: "2024-13-45T99:00:00Z"`)} },
			rejected: "spec.expiresAt", malformed: `parsing time "2024-13-45T99:00:00Z": month out of range`, line: 3},

		// YAML.
		{name: "duplicate-key", docs: func(ns string) []string { return []string{team(ns, "dup", "function: Data")} },
			rejected: `line 9: key "function" already set`, malformed: `duplicate field "spec.function"`, line: 9},
		{name: "billion-laughs", docs: func(ns string) []string { return []string{billionLaughs(ns)} },
			rejected: "alias", malformed: "alias", line: 0},

		// Namespaces and references.
		{name: "namespace-does-not-exist", docs: func(string) []string {
			return []string{team("no-such-namespace", "orphan", "parentRef: {name: ghost}")}
		}, rejected: `namespaces "no-such-namespace" not found`, gap: "no namespaces offline",
			want: []finding{{orgv1.KindTeam, "orphan", `team "ghost" not found`}}},
		{name: "reference-to-unseen-namespace", docs: func(ns string) []string {
			return []string{team(ns, "spy", "parentRef: {name: admins, namespace: kube-system}")}
		}, want: []finding{{orgv1.KindTeam, "spy", "not found"}}},

		// CEL.
		{name: "cel-cost-exhaustion", docs: func(ns string) []string {
			return []string{celPolicy(ns, comprehension(7)), team(ns, "a")}
		}, want: []finding{{orgv1.KindTeam, "a", "cost limit exceeded"}}},
		{name: "cel-memory-exhaustion", docs: func(ns string) []string {
			expr := "size(" + strings.Repeat("[0,1,2,3,4,5,6,7,8,9].map(x, ", 7) + "'xxxxxxxxxxxxxxxx'" + strings.Repeat(")", 7) + ") > 0"
			return []string{celPolicy(ns, expr), team(ns, "a")}
		}, want: []finding{{orgv1.KindTeam, "a", "cost limit exceeded"}}},
		{name: "cel-quadratic-over-members", docs: func(ns string) []string {
			return []string{
				celPolicy(ns, "object.spec.members.all(a, object.spec.members.all(b, object.spec.members.all(c, a.name != '' && b.name != '' && c.name != '')))"),
				team(ns, "crowd", members(500)...),
			}
		}, want: []finding{{orgv1.KindTeam, "crowd", "cost limit exceeded"}}},
		{name: "cel-expression-overlong", docs: func(ns string) []string {
			return []string{celPolicy(ns, strings.Repeat("true && ", 600)+"true"), team(ns, "a")}
		}, rejected: "spec.rules[0].cel.expression: Too long", malformed: sameAsAPI, line: 8},
		{name: "cel-syntax-error", docs: func(ns string) []string { return []string{celPolicy(ns, "object.spec.(("), team(ns, "a")} },
			want: []finding{{orgv1.KindGovernancePolicy, "cel", "Syntax error"}}},
		{name: "cel-not-bool", docs: func(ns string) []string { return []string{celPolicy(ns, "'yes'"), team(ns, "a")} },
			want: []finding{{orgv1.KindGovernancePolicy, "cel", "want bool"}}},
		{name: "cel-without-kinds", docs: func(ns string) []string {
			return []string{policy(ns, "cel", nil, "{name: rule, type: CEL, cel: {expression: 'true'}}"), team(ns, "a")}
		}, rejected: "match.kinds is required", malformed: sameAsAPI, line: 8},
		{name: "cel-on-non-cel-rule", docs: func(ns string) []string {
			return []string{policy(ns, "cel", nil, "{name: rule, type: TeamStructure, cel: {expression: 'false'}}"), team(ns, "a")}
		}, rejected: "cel is only allowed on a rule of type CEL", malformed: sameAsAPI, line: 8},

		// Policies.
		{name: "policy-every-kind-every-rule", docs: func(ns string) []string {
			var rules []string
			for i, t := range []string{"PlatformOwnership", "PlatformGoverned", "SteeringCommitteeCoverage", "PrivacyOwner", "ResponsibilityAssignment",
				"TeamStructure", "OrganizationModel", "MartechModel", "TemporaryTeam", "EnterpriseAI"} {
				rules = append(rules, fmt.Sprintf("{name: r%d, type: %s, severity: Critical, match: {kinds: [Organization, Team, Platform, SteeringCommittee, ResponsibilityMatrix]}}", i, t))
			}
			rules = append(rules, "{name: cel, type: CEL, match: {kinds: [Organization, Team, Platform, SteeringCommittee, ResponsibilityMatrix]}, cel: {expression: 'has(object.spec)'}}")
			return []string{
				policy(ns, "everything", []string{"enforcement: Enforce"}, rules...),
				doc(orgv1.KindOrganization, ns, "org", "model: Centralized"),
				doc(orgv1.KindTeam, ns, "it", "function: IT", "type: TigerTeam"),
				platform(ns, "cdp", "data: {personalData: true}"),
				doc(orgv1.KindSteeringCommittee, ns, "board", "members: [{teamRef: {name: it}}]"),
				doc(orgv1.KindResponsibilityMatrix, ns, "raci", "activities: [{name: launch}]"),
			}
		}, want: []finding{{orgv1.KindPlatform, "cdp", "ownerRef"}, {orgv1.KindResponsibilityMatrix, "raci", "accountable"}}},
		{name: "webhook-denies-enforced", docs: func(ns string) []string {
			return []string{
				policy(ns, "owned", []string{"enforcement: Enforce", "admission: Deny"}, "{name: owned, type: PlatformOwnership}"),
				platform(ns, "stray"),
			}
		}, rejected: "spec.ownerRef",
			want: []finding{{orgv1.KindPlatform, "stray", "ownerRef"}}},
	}
}
