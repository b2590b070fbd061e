package helm_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// helmLabels are the labels that Helm's conventions add and kustomize's
// differ on; they say who manages an object, not what it does.
var helmLabels = []string{
	"helm.sh/chart",
	"app.kubernetes.io/managed-by",
	"app.kubernetes.io/instance",
	"app.kubernetes.io/version",
}

// TestParity holds the chart equal to the kustomizations that install.yaml
// and install-webhook.yaml are made of, to the namespaced install (with
// watchNamespaces) and to the monitoring pack: the same
// objects (but the Namespace, which `helm install --create-namespace`
// makes), field for field, once normalised (normalise). Changing the
// Deployment, a role or a binding on one side only fails here.
func TestParity(t *testing.T) {
	for _, tc := range []struct {
		kustomizations []string
		set            string
	}{
		{[]string{"config/default"}, ""},
		{[]string{"config/webhook-certmanager"}, "webhook.enabled=true"},
		{[]string{"config/namespaced"}, "watchNamespaces={team-a,team-b}"},
		{[]string{"config/default", "config/prometheus"}, "metrics.serviceMonitor.enabled=true,prometheusRule.enabled=true,dashboard.enabled=true"},
	} {
		t.Run(strings.Join(tc.kustomizations, "+"), func(t *testing.T) {
			var want []byte
			for _, k := range tc.kustomizations {
				want = append(want, testenv.Kustomize(t, k)...)
				want = append(want, "\n---\n"...)
			}
			kustomized := normalise(t, objects(t, want))
			rendered := normalise(t, objects(t, template(t, "--set", tc.set)))
			for key, want := range kustomized {
				if got, ok := rendered[key]; !ok {
					t.Errorf("%s: only in kubectl kustomize", key)
				} else if diff := gocmp.Diff(want, got); diff != "" {
					t.Errorf("%s differs (-kubectl kustomize +helm template):\n%s", key, diff)
				}
			}
			for key := range rendered {
				if _, ok := kustomized[key]; !ok {
					t.Errorf("%s: only in helm template", key)
				}
			}
		})
	}
}

// TestParityNoticesChanges checks that normalise hides nothing that matters:
// a value that changes the Deployment or the RBAC makes the chart differ.
func TestParityNoticesChanges(t *testing.T) {
	want := normalise(t, objects(t, testenv.Kustomize(t, "config/default")))
	for _, set := range []string{
		"replicas=2",
		"resources.limits.memory=1Gi",
		"securityContext.readOnlyRootFilesystem=false",
		"image.repository=example.com/orgplane",
		"extraArgs[0]=--kube-api-qps=1",
		"podLabels.tier=control",
		"serviceAccount.annotations.role=x",
	} {
		if gocmp.Equal(want, normalise(t, objects(t, template(t, "--set", set)))) {
			t.Errorf("helm template --set %s renders what config/default does", set)
		}
	}
}

// normalise indexes objs by kind, namespace and name, leaving out the
// Namespace and what legitimately differs between Helm and kustomize:
// Helm's labels, the image's tag or digest (install.yaml pins its digest at
// release, the chart follows its appVersion), the order of container ports,
// and the CRDs' labels (Helm installs crds/ as they are; their content must
// still match).
func normalise(t *testing.T, objs []*unstructured.Unstructured) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, obj := range objs {
		switch obj.GetKind() {
		case "Namespace":
			continue
		case "CustomResourceDefinition":
			unstructured.RemoveNestedField(obj.Object, "metadata", "labels")
		case "Deployment":
			containers, _, err := unstructured.NestedSlice(obj.Object, "spec", "template", "spec", "containers")
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range containers {
				c := c.(map[string]any)
				c["image"] = repository(c["image"].(string))
				// Kubernetes keys ports by number; kustomize's patch puts
				// the webhook's first, the chart last.
				ports, _ := c["ports"].([]any)
				slices.SortFunc(ports, func(a, b any) int {
					return cmp.Compare(a.(map[string]any)["containerPort"].(int64), b.(map[string]any)["containerPort"].(int64))
				})
			}
			if err := unstructured.SetNestedSlice(obj.Object, containers, "spec", "template", "spec", "containers"); err != nil {
				t.Fatal(err)
			}
		}
		dropLabels(t, obj.Object, "metadata", "labels")
		key := obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
		if _, dup := out[key]; dup {
			t.Fatalf("%s is rendered twice", key)
		}
		out[key] = obj.Object
	}
	return out
}

// dropLabels removes helmLabels from the label map at path.
func dropLabels(t *testing.T, obj map[string]any, path ...string) {
	t.Helper()
	labels, found, err := unstructured.NestedStringMap(obj, path...)
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		return
	}
	for _, l := range helmLabels {
		delete(labels, l)
	}
	if err := unstructured.SetNestedStringMap(obj, labels, path...); err != nil {
		t.Fatal(err)
	}
}

// repository strips an image reference's tag and digest.
func repository(image string) string {
	image, _, _ = strings.Cut(image, "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}
