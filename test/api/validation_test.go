package api_test

import (
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// createYAML creates the manifest in ns and returns the apiserver's answer.
func createYAML(t *testing.T, ns, manifest string) error {
	t.Helper()
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(manifest), &obj.Object); err != nil {
		t.Fatalf("test manifest does not parse: %v\n%s", err, manifest)
	}
	obj.SetNamespace(ns)
	return env.Client.Create(ctx, obj)
}

// listOf renders n YAML flow-sequence items from a format with one %d.
func listOf(n int, format string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(format, i)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

func TestInvalidManifestsAreRejectedNamingTheField(t *testing.T) {
	ns := env.Namespace(t, "invalid-manifests")
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name     string
		manifest string
		field    string // the path the rejection must name
	}{
		{"team with an unknown function", `
kind: Team
metadata: {name: t1}
spec: {function: Marketting, type: Department}`, "spec.function"},
		{"team without a type", `
kind: Team
metadata: {name: t2}
spec: {function: IT}`, "spec.type"},
		{"team that is its own parent", `
kind: Team
metadata: {name: t3}
spec: {function: IT, type: Department, parentRef: {name: t3}}`, "spec.parentRef.name"},
		{"team with a dotted line to itself", `
kind: Team
metadata: {name: t4}
spec: {function: IT, type: Department, dottedLineRefs: [{name: other}, {name: t4}]}`, "spec.dottedLineRefs"},
		{"lead with a malformed email", `
kind: Team
metadata: {name: t5}
spec: {function: IT, type: Department, lead: {name: Ana, email: "ana-at-example"}}`, "spec.lead.email"},
		{"two members of the same name", `
kind: Team
metadata: {name: t6}
spec: {function: IT, type: Department, members: [{name: Ana}, {name: Ana}]}`, "spec.members[1]"},
		{"over-long display name", `
kind: Team
metadata: {name: t7}
spec: {function: IT, type: Department, displayName: ` + long(257) + `}`, "spec.displayName"},
		{"too many members", `
kind: Team
metadata: {name: t8}
spec: {function: IT, type: Department, members: ` + listOf(501, "{name: m%d}") + `}`, "spec.members"},
		{"malformed expiresAt", `
kind: Team
metadata: {name: t9}
spec: {function: IT, type: TigerTeam, expiresAt: "next tuesday"}`, "spec.expiresAt"},
		{"parent ref that is not a DNS-1123 name", `
kind: Team
metadata: {name: t10}
spec: {function: IT, type: Department, parentRef: {name: Marketing_Ops}}`, "spec.parentRef.name"},
		{"member without a name", `
kind: Team
metadata: {name: t11}
spec: {function: IT, type: Department, members: [{email: a@example.com}]}`, "spec.members[0].name"},
		{"organization without a model", `
kind: Organization
metadata: {name: o1}
spec: {displayName: Acme}`, "spec.model"},
		{"organization with an unknown martech model", `
kind: Organization
metadata: {name: o2}
spec: {model: Hybrid, martechModel: Friendly}`, "spec.martechModel"},
		{"too many executives", `
kind: Organization
metadata: {name: o3}
spec: {model: Hybrid, executives: ` + listOf(33, "{role: R%d, person: {name: P}}") + `}`, "spec.executives"},
		{"transition without a deadline", `
kind: Organization
metadata: {name: o4}
spec: {model: Centralized, transition: {model: Hybrid}}`, "spec.transition.by"},
		{"transition that changes nothing", `
kind: Organization
metadata: {name: o5}
spec: {model: Hybrid, martechModel: Embedded, transition: {model: Hybrid, martechModel: Embedded, by: "2030-01-01T00:00:00Z"}}`, "spec.transition"},
		{"transition to an unknown model", `
kind: Organization
metadata: {name: o6}
spec: {model: Hybrid, transition: {model: Unknown, by: "2030-01-01T00:00:00Z"}}`, "spec.transition.model"},
		{"team that is its own successor", `
kind: Team
metadata: {name: t12}
spec: {function: Digital, type: DigitalUnit, expiresAt: "2030-01-01T00:00:00Z", successorRef: {name: t12}}`, "spec.successorRef.name"},
		{"platform without a category", `
kind: Platform
metadata: {name: p1}
spec: {ownerRef: {name: it}}`, "spec.category"},
		{"platform with an unknown tier", `
kind: Platform
metadata: {name: p2}
spec: {category: CDP, tier: Core}`, "spec.tier"},
		{"owner ref namespace that is not a DNS-1123 label", `
kind: Platform
metadata: {name: p3}
spec: {category: CDP, ownerRef: {name: it, namespace: Not.A.Namespace}}`, "spec.ownerRef.namespace"},
		{"duplicate jurisdiction", `
kind: Platform
metadata: {name: p4}
spec: {category: CDP, data: {personalData: true, jurisdictions: [GDPR, GDPR]}}`, "spec.data.jurisdictions[1]"},
		{"over-long vendor", `
kind: Platform
metadata: {name: p5}
spec: {category: CDP, vendor: ` + long(129) + `}`, "spec.vendor"},
		{"committee member without a team", `
kind: SteeringCommittee
metadata: {name: s1}
spec: {members: [{representative: {name: Ana}}]}`, "spec.members[0].teamRef"},
		{"chair with a malformed email", `
kind: SteeringCommittee
metadata: {name: s2}
spec: {chair: {name: Ana, email: "@example.com"}}`, "spec.chair.email"},
		{"two activities of the same name", `
kind: ResponsibilityMatrix
metadata: {name: r1}
spec: {activities: [{name: Launch}, {name: Launch}]}`, "spec.activities[1]"},
		{"accountable ref that is not a DNS-1123 name", `
kind: ResponsibilityMatrix
metadata: {name: r2}
spec: {activities: [{name: Launch, accountable: {name: "Marketing Ops"}}]}`, "spec.activities[0].accountable.name"},
		{"CEL rule without an expression", `
kind: GovernancePolicy
metadata: {name: g1}
spec: {rules: [{name: custom, type: CEL, match: {kinds: [Platform]}}]}`, "spec.rules[0].cel"},
		{"CEL rule without match.kinds", `
kind: GovernancePolicy
metadata: {name: g2}
spec: {rules: [{name: custom, type: CEL, cel: {expression: "true"}}]}`, "spec.rules[0].match.kinds"},
		{"cel on a rule that is not of type CEL", `
kind: GovernancePolicy
metadata: {name: g3}
spec: {rules: [{name: owned, type: PlatformOwnership, cel: {expression: "true"}}]}`, "spec.rules[0].cel"},
		{"unknown rule type", `
kind: GovernancePolicy
metadata: {name: g4}
spec: {rules: [{name: owned, type: PlatformOwned}]}`, "spec.rules[0].type"},
		{"two rules of the same name", `
kind: GovernancePolicy
metadata: {name: g5}
spec: {rules: [{name: owned, type: PlatformOwnership}, {name: owned, type: PlatformGoverned}]}`, "spec.rules[1]"},
		{"unknown severity", `
kind: GovernancePolicy
metadata: {name: g6}
spec: {rules: [{name: owned, type: PlatformOwnership, severity: Urgent}]}`, "spec.rules[0].severity"},
		{"unknown enforcement", `
kind: GovernancePolicy
metadata: {name: g7}
spec: {enforcement: Block, rules: [{name: owned, type: PlatformOwnership}]}`, "spec.enforcement"},
		{"policy without rules", `
kind: GovernancePolicy
metadata: {name: g8}
spec: {rules: []}`, "spec.rules"},
		{"over-long CEL expression", `
kind: GovernancePolicy
metadata: {name: g9}
spec: {rules: [{name: custom, type: CEL, match: {kinds: [Platform]}, cel: {expression: "` + long(4097) + `"}}]}`, "spec.rules[0].cel.expression"},
		{"match kind that is not an orgplane kind", `
kind: GovernancePolicy
metadata: {name: g10}
spec: {rules: [{name: custom, type: CEL, match: {kinds: [Deployment]}, cel: {expression: "true"}}]}`, "spec.rules[0].match.kinds[0]"},
		{"rule name that is not a DNS-1123 label", `
kind: GovernancePolicy
metadata: {name: g11}
spec: {rules: [{name: Owned Platforms, type: PlatformOwnership}]}`, "spec.rules[0].name"},
		{"notice of more than ten years", `
kind: GovernancePolicy
metadata: {name: g13}
spec: {rules: [{name: temporary, type: TemporaryTeam, params: {noticeDays: 3651}}]}`, "spec.rules[0].params.noticeDays"},
		{"required function group with no function", `
kind: GovernancePolicy
metadata: {name: g12}
spec: {rules: [{name: coverage, type: SteeringCommitteeCoverage, params: {requiredFunctions: [{anyOf: []}]}}]}`, "spec.rules[0].params.requiredFunctions[0].anyOf"},
	}
	if len(tests) < 20 {
		t.Fatalf("the issue asks for at least 20 invalid manifests, have %d", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := createYAML(t, ns, "apiVersion: org.orgplane.io/v1alpha1"+tc.manifest)
			if err == nil {
				t.Fatalf("accepted; want a rejection naming %s", tc.field)
			}
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error naming %s, got %v", tc.field, err)
			}
			if !strings.Contains(err.Error(), tc.field+":") && !strings.Contains(err.Error(), tc.field+" ") {
				t.Errorf("rejection does not name %s:\n%v", tc.field, err)
			}
		})
	}
}
