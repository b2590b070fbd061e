package testenv

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

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
	var out []string
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
			obj, judged := item.(orgv1.Judged)
			if !judged {
				continue
			}
			if g := obj.CommonStatus().ObservedGeneration; g != obj.GetGeneration() {
				return nil, fmt.Errorf("%s %q: status.observedGeneration: %d, not yet %d", k.Kind, obj.GetName(), g, obj.GetGeneration())
			}
			for _, v := range obj.Judgement().Violations {
				out = append(out, fmt.Sprintf("%s/%s %s %s/%s %s", k.Kind, obj.GetName(), v.Severity, v.Policy, v.Rule, v.Message))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
