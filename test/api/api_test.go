package api_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

func TestUnicodeNamesRoundTripByteForByte(t *testing.T) {
	ns := env.Namespace(t, "unicode")
	names := []string{"Équipe Données", "Zoë Ñúñez-Ångström", "李雷", "Ελένη Παπαδοπούλου", "Nadia Ağaoğlu 🙂"}
	w := builders.MakeTeam("donnees", ns).DisplayName(names[0]).Function("Data").
		Lead(orgv1.Person{Name: names[1], Email: "zoe@example.fr"})
	for _, n := range names[1:] {
		w.Members(builders.Person(n, ""))
	}
	team := w.Obj()
	env.Create(t, team)
	got := &orgv1.Team{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(team), got); err != nil {
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
	ns := env.Namespace(t, "defaults")
	p := builders.MakePlatform("cdp", ns).Category("CDP").Obj()
	env.Create(t, p)
	if p.Spec.Tier != orgv1.TierEngagement || p.Spec.Scope != "Global" {
		t.Errorf("platform defaults: tier %q scope %q, want Engagement Global", p.Spec.Tier, p.Spec.Scope)
	}
	gp := builders.MakeGovernancePolicy("baseline", ns).Rules(builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj()).Obj()
	env.Create(t, gp)
	if gp.Spec.Enforcement != orgv1.EnforcementAudit || gp.Spec.Rules[0].Severity != orgv1.SeverityMedium {
		t.Errorf("policy defaults: enforcement %q severity %q, want Audit Medium", gp.Spec.Enforcement, gp.Spec.Rules[0].Severity)
	}
}

func TestEverySampleApplies(t *testing.T) {
	ns := env.Namespace(t, "samples")
	env.ApplySamples(t, ns)
	dir := repo.Path("config", "samples")

	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		// Each file also applies on its own, so users can copy any one of them.
		env.Kubectl(t, "apply", "--dry-run=server", "-n", ns, "-f", f)
	}
	for _, kind := range []string{"organizations", "teams", "platforms", "steeringcommittees", "responsibilitymatrices", "governancepolicies"} {
		if out := env.Kubectl(t, "get", kind, "-n", ns, "-o", "name"); out == "" {
			t.Errorf("the samples hold no %s", kind)
		}
	}
}

func TestDefaultKustomizationAppliesServerSide(t *testing.T) {
	if _, err := os.Stat(repo.Path("config", "default", "kustomization.yaml")); err != nil {
		t.Fatal(err)
	}
	// The namespace must exist for a server-side dry run of the objects in it.
	env.Namespace(t, "orgplane-system")
	env.Kubectl(t, "apply", "--dry-run=server", "-k", repo.Path("config", "default"))
}

// Before any controller evaluates them (no manager runs in this suite), every
// kind reads InProgress for kstatus-based tools (Flux, kpt, cli-utils): the
// schema defaults status.observedGeneration to 0, behind metadata.generation.
func TestUnevaluatedObjectsAreInProgressForKstatus(t *testing.T) {
	ns := env.Namespace(t, "kstatus")
	for _, obj := range builders.EveryKind(ns) {
		env.Create(t, obj)
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(orgv1.GroupVersion.WithKind(reflect.TypeOf(obj).Elem().Name()))
		if err := env.Client.Get(ctx, client.ObjectKeyFromObject(obj), u); err != nil {
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
