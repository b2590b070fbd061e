package policy

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// What the engine's tests share: their namespace and instant, an engine, a
// graph, and the violations and references they expect. Objects come from
// package builders.

const ns = "acme"

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := NewEngine(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func graph(t testing.TB, objs ...metav1.Object) *MemoryGraph {
	t.Helper()
	g, err := NewMemoryGraph(objs...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// violationsOf evaluates one object and keeps the violations of one policy
// ("builtin" for integrity).
func violationsOf(t testing.TB, objs []metav1.Object, obj ObjectRef, policyName string) []orgv1.Violation {
	t.Helper()
	res := newEngine(t).EvaluateObject(graph(t, objs...), obj, now).Object(obj)
	var out []orgv1.Violation
	for _, v := range res.Violations() {
		if v.Policy == policyName {
			out = append(out, v)
		}
	}
	return out
}

// v builds the expected violation of policy "gov" (Audit) with a rule.
func v(ruleName string, sev orgv1.Severity, msg string) orgv1.Violation {
	return orgv1.Violation{Policy: "gov", Rule: ruleName, Severity: sev, Enforcement: orgv1.EnforcementAudit, Message: msg}
}

// builtin builds an expected integrity violation.
func builtin(msg string) orgv1.Violation {
	return orgv1.Violation{Policy: "builtin", Rule: "integrity", Severity: orgv1.SeverityHigh, Enforcement: orgv1.EnforcementAudit, Message: msg}
}

func teamRef(name string) ObjectRef {
	return ObjectRef{Kind: orgv1.KindTeam, Namespace: ns, Name: name}
}

func matrixRef(name string) ObjectRef {
	return ObjectRef{Kind: orgv1.KindResponsibilityMatrix, Namespace: ns, Name: name}
}

func platformRef(name string) ObjectRef {
	return ObjectRef{Kind: orgv1.KindPlatform, Namespace: ns, Name: name}
}

// The committee, matrix and organization that tests judge: there is one of
// each kind in a test.
var (
	steerRef = ObjectRef{Kind: orgv1.KindSteeringCommittee, Namespace: ns, Name: "steer"}
	mRef     = ObjectRef{Kind: orgv1.KindResponsibilityMatrix, Namespace: ns, Name: "m"}
	acmeRef  = ObjectRef{Kind: orgv1.KindOrganization, Namespace: ns, Name: "acme"}
)

func objs(o ...metav1.Object) []metav1.Object { return o }
