package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testenv"
)

func TestUnicodeNamesRoundTripByteForByte(t *testing.T) {
	ns := namespace(t, "unicode")
	names := []string{"Équipe Données", "Zoë Ñúñez-Ångström", "李雷", "Ελένη Παπαδοπούλου", "Nadia Ağaoğlu 🙂"}
	team := &orgv1.Team{
		ObjectMeta: metav1.ObjectMeta{Name: "donnees", Namespace: ns},
		Spec: orgv1.TeamSpec{
			DisplayName: names[0], Function: "Data", Type: "Department",
			Lead: &orgv1.Person{Name: names[1], Email: "zoe@example.fr"},
		},
	}
	for _, n := range names[1:] {
		team.Spec.Members = append(team.Spec.Members, orgv1.Person{Name: n})
	}
	if err := k8s.Create(ctx, team); err != nil {
		t.Fatal(err)
	}
	got := &orgv1.Team{}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(team), got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(team.Spec, got.Spec); diff != "" {
		t.Errorf("spec did not round-trip (-sent +read):\n%s", diff)
	}
	if []byte(got.Spec.DisplayName)[0] != 0xC3 || got.Spec.DisplayName != "Équipe Données" {
		t.Errorf("display name bytes changed: %q", got.Spec.DisplayName)
	}
}

func TestDefaultsAreApplied(t *testing.T) {
	ns := namespace(t, "defaults")
	p := &orgv1.Platform{ObjectMeta: metav1.ObjectMeta{Name: "cdp", Namespace: ns}, Spec: orgv1.PlatformSpec{Category: "CDP"}}
	if err := k8s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p.Spec.Tier != orgv1.TierEngagement || p.Spec.Scope != "Global" {
		t.Errorf("platform defaults: tier %q scope %q, want Engagement Global", p.Spec.Tier, p.Spec.Scope)
	}
	gp := &orgv1.GovernancePolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "baseline", Namespace: ns},
		Spec:       orgv1.GovernancePolicySpec{Rules: []orgv1.Rule{{Name: "owned", Type: orgv1.RulePlatformOwnership}}},
	}
	if err := k8s.Create(ctx, gp); err != nil {
		t.Fatal(err)
	}
	if gp.Spec.Enforcement != orgv1.EnforcementAudit || gp.Spec.Rules[0].Severity != orgv1.SeverityMedium {
		t.Errorf("policy defaults: enforcement %q severity %q, want Audit Medium", gp.Spec.Enforcement, gp.Spec.Rules[0].Severity)
	}
}

// kubectl runs kubectl against the test control plane, as a user would.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("kubectl", append([]string{"--kubeconfig", env.Kubeconfig}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestEverySampleApplies(t *testing.T) {
	ns := namespace(t, "samples")
	dir := filepath.Join(testenv.Root(), "config", "samples")
	kubectl(t, "apply", "-n", ns, "-k", dir)

	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		// Each file also applies on its own, so users can copy any one of them.
		kubectl(t, "apply", "--dry-run=server", "-n", ns, "-f", f)
	}
	for _, kind := range []string{"organizations", "teams", "platforms", "steeringcommittees", "responsibilitymatrices", "governancepolicies"} {
		if out := kubectl(t, "get", kind, "-n", ns, "-o", "name"); out == "" {
			t.Errorf("the samples hold no %s", kind)
		}
	}
}

func TestDefaultKustomizationAppliesServerSide(t *testing.T) {
	if _, err := os.Stat(filepath.Join(testenv.Root(), "config", "default", "kustomization.yaml")); err != nil {
		t.Fatal(err)
	}
	// The namespace must exist for a server-side dry run of the objects in it.
	kubectl(t, "create", "namespace", "orgplane-system")
	kubectl(t, "apply", "--dry-run=server", "-k", filepath.Join(testenv.Root(), "config", "default"))
}

// Before any controller evaluates them (no manager runs in this suite), every
// kind reads InProgress for kstatus-based tools (Flux, kpt, cli-utils): the
// schema defaults status.observedGeneration to 0, behind metadata.generation.
func TestUnevaluatedObjectsAreInProgressForKstatus(t *testing.T) {
	ns := namespace(t, "kstatus")
	m := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }
	for _, obj := range []client.Object{
		&orgv1.Organization{ObjectMeta: m("acme"), Spec: orgv1.OrganizationSpec{Model: orgv1.ModelHybrid}},
		&orgv1.Team{ObjectMeta: m("it"), Spec: orgv1.TeamSpec{Function: "IT", Type: "Department"}},
		&orgv1.Platform{ObjectMeta: m("cdp"), Spec: orgv1.PlatformSpec{Category: "CDP"}},
		&orgv1.SteeringCommittee{ObjectMeta: m("steering")},
		&orgv1.ResponsibilityMatrix{ObjectMeta: m("raci")},
		&orgv1.GovernancePolicy{ObjectMeta: m("baseline"), Spec: orgv1.GovernancePolicySpec{
			Rules: []orgv1.Rule{{Name: "owned", Type: orgv1.RulePlatformOwnership}}}},
	} {
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(orgv1.GroupVersion.WithKind(reflect.TypeOf(obj).Elem().Name()))
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), u); err != nil {
			t.Fatal(err)
		}
		res, err := status.Compute(u)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != status.InProgressStatus {
			t.Errorf("%s: kstatus %s (%s) before evaluation, want InProgress", u.GetKind(), res.Status, res.Message)
		}
	}
}
