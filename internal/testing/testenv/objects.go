package testenv

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Namespace creates a namespace for a test and returns its name. A name
// ending in "-" is a prefix, to which the apiserver appends a random suffix
// (generateName): a namespace of the test's own. Any other name is the
// namespace's, which may exist already (from an earlier test, or run with
// -count). Namespaces are never deleted: envtest runs no namespace
// controller to finish the deletion.
func (e *Env) Namespace(t testing.TB, name string) string {
	t.Helper()
	ns := &corev1.Namespace{}
	if prefix, ok := strings.CutSuffix(name, "-"); ok {
		ns.GenerateName = prefix + "-"
	} else {
		ns.Name = name
	}
	if err := e.Client.Create(t.Context(), ns); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	return ns.Name
}

// Create creates objects in order; a failure fails t, naming the object.
func (e *Env) Create(t testing.TB, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		if err := e.Client.Create(t.Context(), o); err != nil {
			t.Fatalf("creating %T %s: %v", o, o.GetName(), err)
		}
	}
}

// Findings lists, in the samples-findings format and sorted, the violations
// the controller wrote into the status of every judged object in ns. It
// fails while an object's status is behind its generation, so that callers
// retry until the controller has caught up.
func Findings(ctx context.Context, c client.Reader, ns string) ([]string, error) {
	objs, err := List(ctx, c, ns)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, item := range objs {
		obj, judged := item.(orgv1.Judged)
		if !judged {
			continue
		}
		kind, _ := orgv1.KindOf(obj)
		if g := obj.CommonStatus().ObservedGeneration; g != obj.GetGeneration() {
			return nil, fmt.Errorf("%s %q: status.observedGeneration: %d, not yet %d", kind, obj.GetName(), g, obj.GetGeneration())
		}
		for _, v := range obj.Judgement().Violations {
			out = append(out, fmt.Sprintf("%s/%s %s %s/%s %s", kind, obj.GetName(), v.Severity, v.Policy, v.Rule, v.Message))
		}
		if o, ok := obj.(*orgv1.Organization); ok {
			out = append(out, ModelLines(o.Name, &o.Status)...)
		}
	}
	slices.Sort(out)
	return out, nil
}

// List reads every orgplane object of ns, kind after kind (as
// orgv1.Kinds lists them).
func List(ctx context.Context, c client.Reader, ns string) ([]orgv1.Object, error) {
	var out []orgv1.Object
	for _, k := range orgv1.Kinds {
		l := k.NewList()
		if err := c.List(ctx, l, client.InNamespace(ns)); err != nil {
			return nil, err
		}
		items, err := meta.ExtractList(l)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			out = append(out, item.(orgv1.Object))
		}
	}
	return out, nil
}

// ModelLines writes an Organization's inferred models, its units and its
// transition in the samples-findings format:
//
//	Organization/acme model Hybrid: <status.modelReason>
//	Organization/acme martech Embedded by team moc: <status.martechReason>
//	Organization/acme unit moc CenterOfExcellence owns 4 (2 Foundational), operates 0
//	Organization/acme transition Planned by 2030-06-30T00:00:00Z
func ModelLines(name string, st *orgv1.OrganizationStatus) []string {
	prefix := "Organization/" + name + " "
	out := []string{
		prefix + fmt.Sprintf("model %s: %s", st.InferredModel, st.ModelReason),
		prefix + fmt.Sprintf("martech %s by team %s: %s", st.InferredMartechModel, cmp.Or(st.MartechTeam, "-"), st.MartechReason),
	}
	for _, e := range st.ModelEvidence {
		out = append(out, prefix+fmt.Sprintf("unit %s %s owns %d (%d Foundational), operates %d", e.Unit, e.UnitType, e.Owns, e.OwnsFoundational, e.Operates))
	}
	if t := st.Transition; t != nil {
		out = append(out, prefix+fmt.Sprintf("transition %s by %s", t.Phase, t.By.UTC().Format(time.RFC3339)))
	}
	return out
}
