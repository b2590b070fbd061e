package plugin

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	orgmanifest "github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
	"github.com/orgplane/orgplane/internal/whatif"
)

// TestWhatifPredictsTheController compares the live samples with a proposal
// (--base-cluster), applies the proposal, and expects the controller to
// converge to what whatif said: the findings before, less those cleared,
// plus those added, and the models after.
func TestWhatifPredictsTheController(t *testing.T) {
	ctx := context.Background()
	const ns = "whatif-samples"
	env.Namespace(t, ns)
	env.ApplySamples(t, ns)
	want, err := repo.SamplesFindings()
	if err != nil {
		t.Fatal(err)
	}
	before := converge(t, ctx, ns, func(got []string) bool { return cmp.Equal(want, got) })

	proposalFile := repo.Path("internal", "whatif", "testdata", "proposal.yaml")
	code, out, stderr := plugin(t, "whatif", "--base-cluster", "-n", ns, "-f", proposalFile, "-o", "json")
	if code != 0 {
		t.Fatalf("whatif: exit %d\n%s", code, stderr)
	}
	var res whatif.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	line := func(object string, f whatif.Finding) string {
		kind, rest, _ := strings.Cut(object, "/")
		_, name, _ := strings.Cut(rest, "/")
		return kind + "/" + name + " " + string(f.Severity) + " " + f.Policy + "/" + f.Rule + " " + f.Message
	}
	expected := violationLines(before)
	for _, o := range res.Cleared {
		for _, f := range o.Findings {
			expected = slices.DeleteFunc(expected, func(l string) bool { return l == line(o.Object, f) })
		}
	}
	for _, o := range res.Added {
		for _, f := range o.Findings {
			expected = append(expected, line(o.Object, f))
		}
	}
	slices.Sort(expected)

	set, err := orgmanifest.Load([]string{proposalFile}, orgmanifest.Options{Namespace: ns, DeleteAnnotation: whatif.DeleteAnnotation})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range set.Objects {
		obj := o.Object
		if obj.GetAnnotations()[whatif.DeleteAnnotation] == "delete" {
			if err := env.Client.Delete(ctx, obj); err != nil {
				t.Fatal(err)
			}
			continue
		}
		current := obj.DeepCopyObject().(client.Object)
		if err := env.Client.Get(ctx, client.ObjectKeyFromObject(obj), current); err == nil {
			obj.SetResourceVersion(current.GetResourceVersion())
			err = env.Client.Update(ctx, obj)
			if err != nil {
				t.Fatal(err)
			}
		} else if err := env.Client.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	after := converge(t, ctx, ns, func(got []string) bool { return cmp.Equal(expected, violationLines(got)) })
	if diff := cmp.Diff(expected, violationLines(after)); diff != "" {
		t.Errorf("findings (-whatif +controller):\n%s", diff)
	}
	if len(res.Models) != 1 {
		t.Fatalf("models %+v", res.Models)
	}
	// The Organization sums up the namespace a coalescing window after the
	// objects it summarizes have converged.
	m := res.Models[0].After
	var got whatif.Models
	testenv.Eventually(30*time.Second, 200*time.Millisecond, func() bool {
		var org orgv1.Organization
		if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "acme-retail"}, &org); err != nil {
			return false
		}
		got = whatif.Models{Model: org.Status.InferredModel, Reason: org.Status.ModelReason, MartechModel: org.Status.InferredMartechModel,
			MartechTeam: org.Status.MartechTeam, MartechReason: org.Status.MartechReason}
		return got == m
	})
	if got != m {
		t.Errorf("models after: whatif %+v, controller %+v", m, got)
	}
}

// converge polls the namespace's findings (testenv.Findings) until done
// holds of them, or for 30s.
func converge(t *testing.T, ctx context.Context, ns string, done func([]string) bool) []string {
	t.Helper()
	var got []string
	testenv.Eventually(30*time.Second, 200*time.Millisecond, func() bool {
		var err error
		got, err = testenv.Findings(ctx, env.Client, ns)
		return err == nil && done(got)
	})
	return got
}

// violationLines keeps the lines of violations, without the organization's
// models.
func violationLines(lines []string) []string {
	return slices.DeleteFunc(slices.Clone(lines), func(l string) bool {
		f := strings.Fields(l)
		return len(f) < 2 || !slices.Contains(orgv1.Severities, orgv1.Severity(f[1]))
	})
}
