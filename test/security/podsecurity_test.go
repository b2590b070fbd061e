package security

import (
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// warnings keeps the warnings the apiserver returned.
type warnings struct {
	mu  sync.Mutex
	got []string
}

func (w *warnings) HandleWarningHeader(_ int, _, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	got := w.got
	w.got = nil
	return got
}

// TestDeploymentMeetsRestricted server-side applies the Deployment of
// config/default into a namespace that enforces (and warns about) the
// restricted Pod Security level, and a Pod of its template, which the
// apiserver's PodSecurity admission judges: both are admitted without a
// warning. Each non-compliant change of the negative controls makes the Pod
// rejected and the Deployment warned, naming what violates the profile.
func TestDeploymentMeetsRestricted(t *testing.T) {
	objs := rendered(t, "config/default")
	ns := env.Namespace(t, "psa-")
	nsObj := &corev1.Namespace{}
	if err := env.Client.Get(t.Context(), client.ObjectKey{Name: ns}, nsObj); err != nil {
		t.Fatal(err)
	}
	nsObj.Labels = map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
	}
	if err := env.Client.Update(t.Context(), nsObj); err != nil {
		t.Fatal(err)
	}
	w := &warnings{}
	cfg := rest.CopyConfig(env.Config)
	cfg.WarningHandler = w
	c, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(u *unstructured.Unstructured) error {
		u.SetNamespace(ns)
		u.SetResourceVersion("")
		//nolint:staticcheck // client.Apply on unstructured is the server-side apply that kubectl --server-side does.
		return c.Patch(t.Context(), u, client.Apply, client.FieldOwner("security-test"), client.ForceOwnership)
	}
	if err := apply(find(t, objs, "ServiceAccount", "orgplane-controller-manager")); err != nil {
		t.Fatal(err)
	}
	deployment := find(t, objs, "Deployment", "orgplane-controller-manager")
	podOf := func(d *unstructured.Unstructured) *unstructured.Unstructured {
		spec, _, _ := unstructured.NestedMap(d.Object, "spec", "template", "spec")
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": "manager"}, "spec": spec,
		}}
	}

	w.take()
	if err := apply(deployment.DeepCopy()); err != nil {
		t.Fatalf("the Deployment: %v", err)
	}
	if err := apply(podOf(deployment)); err != nil {
		t.Fatalf("a Pod of the Deployment's template: %v", err)
	}
	for _, got := range w.take() {
		if strings.Contains(got, "PodSecurity") {
			t.Errorf("warned: %s", got)
		}
	}

	for _, tc := range []struct {
		name   string
		change func(spec map[string]any)
		want   string
	}{
		{"privileged", func(s map[string]any) {
			sc := container(s)["securityContext"].(map[string]any)
			sc["privileged"], sc["allowPrivilegeEscalation"] = true, true
		}, "privileged"},
		{"privilege escalation", func(s map[string]any) {
			container(s)["securityContext"].(map[string]any)["allowPrivilegeEscalation"] = true
		}, "allowPrivilegeEscalation != false"},
		{"capabilities kept", func(s map[string]any) { delete(container(s)["securityContext"].(map[string]any), "capabilities") }, "unrestricted capabilities"},
		{"root allowed", func(s map[string]any) { s["securityContext"].(map[string]any)["runAsNonRoot"] = false }, "runAsNonRoot != true"},
		{"no seccomp profile", func(s map[string]any) { delete(s["securityContext"].(map[string]any), "seccompProfile") }, "seccompProfile"},
		{"host network", func(s map[string]any) { s["hostNetwork"] = true }, "host namespaces"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deployment.DeepCopy()
			d.SetName("non-compliant")
			spec, _, _ := unstructured.NestedMap(d.Object, "spec", "template", "spec")
			tc.change(spec)
			if err := unstructured.SetNestedMap(d.Object, spec, "spec", "template", "spec"); err != nil {
				t.Fatal(err)
			}
			pod := podOf(d)
			pod.SetName("non-compliant")
			err := apply(pod)
			if err == nil || !strings.Contains(err.Error(), `violates PodSecurity "restricted:latest"`) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("the Pod: %v; want a PodSecurity rejection naming %q", err, tc.want)
			}
			w.take()
			if err := apply(d); err != nil {
				t.Fatalf("the Deployment: %v", err)
			}
			got := strings.Join(w.take(), "\n")
			if !strings.Contains(got, `would violate PodSecurity "restricted:latest"`) || !strings.Contains(got, tc.want) {
				t.Errorf("the Deployment's warnings %q do not name %q", got, tc.want)
			}
		})
	}
}

// container is the manager container of a pod spec.
func container(spec map[string]any) map[string]any {
	return spec["containers"].([]any)[0].(map[string]any)
}
