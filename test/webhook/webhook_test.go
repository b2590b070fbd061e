package webhook_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

func team(ns, name string) *orgv1.Team {
	return builders.MakeTeam(name, ns).Function("Analytics").Obj()
}

func platform(ns, name, owner string) *orgv1.Platform {
	return builders.MakePlatform(name, ns).Category("Analytics").Owner(owner).Obj()
}

func ownershipPolicy(ns, name string, enforcement orgv1.Enforcement, admission orgv1.AdmissionAction) *orgv1.GovernancePolicy {
	return builders.MakeGovernancePolicy(name, ns).Enforcement(enforcement).Admission(admission).
		Rules(builders.MakeRule("ownership", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj()).Obj()
}

// create creates obj and returns the warnings.
func create(t *testing.T, obj client.Object, opts ...client.CreateOption) ([]string, error) {
	t.Helper()
	return do(t, func() error { return k8s.Create(ctx, obj, opts...) })
}

func mustCreate(t *testing.T, obj client.Object) []string {
	t.Helper()
	w, err := create(t, obj)
	if err != nil {
		t.Fatalf("creating %s: %v", obj.GetName(), err)
	}
	return w
}

func wantWarnings(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
		t.Errorf("%s: warnings\n got %q\nwant %q", what, got, want)
	}
}

func TestDanglingReferenceIsAdmittedWithAWarning(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	p := platform(ns, "analytics", "bi-team")
	w := mustCreate(t, p)
	wantWarnings(t, "create", w, `platform "analytics": spec.ownerRef: team "bi-team" not found (builtin/integrity, High, Audit)`)
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(p), &orgv1.Platform{}); err != nil {
		t.Errorf("the platform was not stored: %v", err)
	}

	// Updates are judged too: the incoming version, not the stored one.
	orig := p.DeepCopy()
	p.Spec.OperatorRefs = []orgv1.TeamRef{{Name: "ops", Namespace: "elsewhere"}}
	w, err := do(t, func() error { return k8s.Patch(ctx, p, client.MergeFrom(orig)) })
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings(t, "update", w,
		`platform "analytics": spec.operatorRefs[0]: team "elsewhere/ops" not found (builtin/integrity, High, Audit)`,
		`platform "analytics": spec.ownerRef: team "bi-team" not found (builtin/integrity, High, Audit)`)
}

func TestCleanObjectsGetNoWarnings(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	mustCreate(t, ownershipPolicy(ns, "governance", orgv1.EnforcementEnforce, orgv1.AdmissionDeny))
	// The platform follows its team at once, as in one `kubectl apply`,
	// before the cache may have seen the team: no warning, no denial.
	wantWarnings(t, "team", mustCreate(t, team(ns, "bi-team")))
	wantWarnings(t, "platform", mustCreate(t, platform(ns, "analytics", "bi-team")))
	w, err := create(t, builders.MakeOrganization("acme", ns).Model(orgv1.ModelCentralized).Obj(), client.DryRunAll)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings(t, "organization", w)
}

func TestDenyPolicyDeniesItsEnforceViolations(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	gp := ownershipPolicy(ns, "ownership-gate", orgv1.EnforcementEnforce, orgv1.AdmissionDeny)
	mustCreate(t, gp)
	cached(t, gp, false)

	// A create that violates the policy is denied, naming the violation;
	// the builtin (Audit) finding stays a warning.
	w, err := create(t, platform(ns, "analytics", "bi-team"))
	if !apierrors.IsForbidden(err) {
		t.Fatalf("create of a platform whose owner does not exist: got %v, want Forbidden", err)
	}
	for _, want := range []string{
		`admission webhook "vplatform.org.orgplane.io" denied the request`,
		`1 violation(s) of GovernancePolicy "ownership-gate" (enforcement: Enforce, admission: Deny)`,
		`platform "analytics": spec.ownerRef: owner team "bi-team" not found (ownership-gate/ownership, High, Enforce)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("denial %q does not say %q", err, want)
		}
	}
	wantWarnings(t, "denied create", w, `platform "analytics": spec.ownerRef: team "bi-team" not found (builtin/integrity, High, Audit)`)
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "analytics"}, &orgv1.Platform{}); !apierrors.IsNotFound(err) {
		t.Errorf("the denied platform exists: %v", err)
	}

	// With its owner, it is admitted.
	owner := team(ns, "bi-team")
	mustCreate(t, owner)
	p := platform(ns, "analytics", "bi-team")
	wantWarnings(t, "compliant create", mustCreate(t, p))

	// An update that introduces a violation is denied.
	bad := p.DeepCopy()
	bad.Spec.OwnerRef.Name = "nobody"
	if _, err := do(t, func() error { return k8s.Patch(ctx, bad, client.MergeFrom(p)) }); !apierrors.IsForbidden(err) ||
		!strings.Contains(err.Error(), `owner team "nobody" not found`) {
		t.Errorf("update to a missing owner: got %v, want Forbidden naming the owner", err)
	}

	// A delete is never denied, even one that breaks another object.
	if err := k8s.Delete(ctx, owner); err != nil {
		t.Fatalf("deleting the owner team: %v", err)
	}
	cached(t, owner, true)

	// The platform now violates the policy, but not because of this update:
	// relabelling it is admitted, with the violation as a warning.
	w, err = do(t, func() error {
		return k8s.Patch(ctx, p, client.RawPatch("application/merge-patch+json", []byte(`{"metadata":{"labels":{"tier":"gold"}}}`)))
	})
	if err != nil {
		t.Fatalf("relabelling a platform that already violates: %v", err)
	}
	wantWarnings(t, "relabel", w,
		`platform "analytics": spec.ownerRef: team "bi-team" not found (builtin/integrity, High, Audit)`,
		`platform "analytics": spec.ownerRef: owner team "bi-team" not found (ownership-gate/ownership, High, Enforce)`)
	if err := k8s.Delete(ctx, p); err != nil {
		t.Fatalf("deleting the violating platform: %v", err)
	}

	// The same policy with admission Warn admits, with the warning.
	orig := gp.DeepCopy()
	gp.Spec.Admission = orgv1.AdmissionWarn
	if err := k8s.Patch(ctx, gp, client.MergeFrom(orig)); err != nil {
		t.Fatal(err)
	}
	cached(t, gp, false)
	w, err = create(t, platform(ns, "reporting", "bi-team"))
	if err != nil {
		t.Fatalf("create under admission Warn: %v", err)
	}
	wantWarnings(t, "create under Warn", w,
		`platform "reporting": spec.ownerRef: team "bi-team" not found (builtin/integrity, High, Audit)`,
		`platform "reporting": spec.ownerRef: owner team "bi-team" not found (ownership-gate/ownership, High, Enforce)`)
}

func TestAuditPolicyNeverDenies(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	gp := ownershipPolicy(ns, "audit-only", orgv1.EnforcementAudit, orgv1.AdmissionDeny)
	w := mustCreate(t, gp)
	wantWarnings(t, "policy", w, `governance policy "audit-only": spec.admission: Deny has no effect unless spec.enforcement is Enforce`)
	cached(t, gp, false)
	p := platform(ns, "analytics", "")
	w = mustCreate(t, p)
	wantWarnings(t, "platform", w, `platform "analytics": spec.ownerRef: platform has no owner team (audit-only/ownership, High, Audit)`)
}

func TestGovernancePoliciesAreWarnedNeverDenied(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	p := platform(ns, "analytics", "bi-team")
	mustCreate(t, p)
	cached(t, p, false)
	gp := ownershipPolicy(ns, "strict", orgv1.EnforcementEnforce, orgv1.AdmissionDeny)
	gp.Spec.Rules = append(gp.Spec.Rules, builders.MakeCELRule("bad-cel", "object.spec.nonsense +", "").MatchKinds(orgv1.KindPlatform).Obj())
	w := mustCreate(t, gp)
	if len(w) != 3 ||
		!strings.HasPrefix(w[0], `governance policy "strict": rule "bad-cel": cel.expression: ERROR: <input>:1:`) ||
		w[1] != `governance policy "strict": its rules find 1 violation(s) on 1 object(s) in namespace "`+ns+`"` ||
		w[2] != `platform "analytics": spec.ownerRef: owner team "bi-team" not found (strict/ownership, High, Enforce)` {
		t.Errorf("warnings of a policy with a broken rule that existing objects violate:\n%s", strings.Join(w, "\n"))
	}
}

func TestWarningsAreCapped(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	hub := builders.MakeTeam("hub", ns).Function("Analytics")
	for i := range 14 {
		hub.DottedLines(fmt.Sprintf("missing-%02d", i))
	}
	w := mustCreate(t, hub.Obj())
	if len(w) != 11 || w[0] != `team "hub": spec.dottedLineRefs[0]: team "missing-00" not found (builtin/integrity, High, Audit)` ||
		!strings.HasPrefix(w[10], "... and 4 more finding(s)") {
		t.Errorf("14 findings gave %d warnings:\n%s", len(w), strings.Join(w, "\n"))
	}
}

func TestKubectlApplyPrintsTheWarning(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	gp := ownershipPolicy(ns, "governance", orgv1.EnforcementAudit, "")
	mustCreate(t, gp)
	cached(t, gp, false)
	manifest := `apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata:
  name: analytics
spec:
  category: Analytics
  ownerRef:
    name: bi-team
`
	for _, args := range [][]string{{"--dry-run=server"}, nil} {
		out := env.KubectlInput(t, []byte(manifest), append([]string{"apply", "-n", ns, "-f", "-"}, args...)...)
		for _, want := range []string{
			`Warning: platform "analytics": spec.ownerRef: owner team "bi-team" not found (governance/ownership, High, Audit)`,
			`Warning: platform "analytics": spec.ownerRef: team "bi-team" not found (builtin/integrity, High, Audit)`,
			`platform.org.orgplane.io/analytics created`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("kubectl apply %v printed\n%s\nwithout %q", args, out, want)
			}
		}
	}
}

// TestWarningsAreTheControllersFindings applies the samples, lets the
// controller write their status, then has the webhook judge each object
// again (a server-side dry-run of an empty patch): its warnings are the object's
// status.violations, in the same order.
func TestWarningsAreTheControllersFindings(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	env.ApplySamples(t, ns)
	lists := []client.ObjectList{&orgv1.OrganizationList{}, &orgv1.TeamList{}, &orgv1.PlatformList{}, &orgv1.SteeringCommitteeList{}, &orgv1.ResponsibilityMatrixList{}}
	var problems []string
	compare := func() int {
		problems = nil
		objects := 0
		for _, l := range lists {
			if err := k8s.List(ctx, l, client.InNamespace(ns)); err != nil {
				t.Fatal(err)
			}
			items := reflect.ValueOf(l).Elem().FieldByName("Items")
			for i := range items.Len() {
				obj := items.Index(i).Addr().Interface().(orgv1.Judged)
				objects++
				if obj.CommonStatus().ObservedGeneration != obj.GetGeneration() {
					problems = append(problems, obj.GetName()+" not reconciled yet")
					continue
				}
				var want []string
				for _, v := range obj.Judgement().Violations {
					want = append(want, fmt.Sprintf("%s (%s/%s, %s, %s)", v.Message, v.Policy, v.Rule, v.Severity, v.Enforcement))
				}
				got, err := do(t, func() error {
					return k8s.Patch(ctx, obj, client.RawPatch("application/merge-patch+json", []byte("{}")), client.DryRunAll)
				})
				if err != nil {
					t.Fatalf("dry-run update of %s: %v", obj.GetName(), err)
				}
				if !slices.Equal(got, want) {
					problems = append(problems, fmt.Sprintf("%s: webhook warns %q, status says %q", obj.GetName(), got, want))
				}
			}
		}
		return objects
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		n := compare()
		if len(problems) == 0 && n == 30 { // the samples' judged objects
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s, %d objects:\n%s", n, strings.Join(problems, "\n"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestAdmissionField: spec.admission defaults to Warn and takes only Warn
// and Deny.
func TestAdmissionField(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	gp := ownershipPolicy(ns, "defaulted", orgv1.EnforcementEnforce, "")
	mustCreate(t, gp)
	if gp.Spec.Admission != orgv1.AdmissionWarn {
		t.Errorf("spec.admission defaulted to %q, want Warn", gp.Spec.Admission)
	}
	_, err := create(t, ownershipPolicy(ns, "invalid", orgv1.EnforcementEnforce, "Block"))
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), `spec.admission: Unsupported value: "Block": supported values: "Warn", "Deny"`) {
		t.Errorf("spec.admission: Block: got %v, want Invalid naming Warn and Deny", err)
	}
}
