package webhook_test

import (
	"bytes"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// generated reads the ValidatingWebhookConfiguration of config/webhook.
func generated(t *testing.T) *admissionv1.ValidatingWebhookConfiguration {
	t.Helper()
	data, err := os.ReadFile(repo.Path("config", "webhook", "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	vwc := &admissionv1.ValidatingWebhookConfiguration{}
	if err := yaml.UnmarshalStrict(bytes.TrimPrefix(data, []byte("---\n")), vwc); err != nil {
		t.Fatal(err)
	}
	return vwc
}

// TestGeneratedConfiguration: one webhook per kind, on the path the manager
// serves, for creates and updates only (a delete is never judged, so never
// denied), failing open, without side effects (so dry runs are judged too).
func TestGeneratedConfiguration(t *testing.T) {
	var resources []string
	for _, w := range generated(t).Webhooks {
		if w.FailurePolicy == nil || *w.FailurePolicy != admissionv1.Ignore {
			t.Errorf("%s: failurePolicy %v, want Ignore", w.Name, w.FailurePolicy)
		}
		if w.SideEffects == nil || *w.SideEffects != admissionv1.SideEffectClassNone {
			t.Errorf("%s: sideEffects %v, want None", w.Name, w.SideEffects)
		}
		if w.TimeoutSeconds == nil || *w.TimeoutSeconds > 10 {
			t.Errorf("%s: timeoutSeconds %v, want at most 10", w.Name, w.TimeoutSeconds)
		}
		for _, r := range w.Rules {
			if !slices.Equal(r.Operations, []admissionv1.OperationType{admissionv1.Create, admissionv1.Update}) {
				t.Errorf("%s: operations %v, want CREATE and UPDATE", w.Name, r.Operations)
			}
			resources = append(resources, r.Resources...)
		}
		path := w.ClientConfig.Service.Path
		if _, pattern := env.Manager.GetWebhookServer().WebhookMux().Handler(&http.Request{URL: &url.URL{Path: *path}}); pattern != *path {
			t.Errorf("%s: the manager serves nothing on %s", w.Name, *path)
		}
	}
	slices.Sort(resources)
	if want := []string{"governancepolicies", "organizations", "platforms", "responsibilitymatrices", "steeringcommittees", "teams"}; !slices.Equal(resources, want) {
		t.Errorf("resources %v, want %v", resources, want)
	}
}

// TestOutageAdmits registers, beside the real one, a copy of the generated
// platform webhook that points at a port nobody listens on: with
// failurePolicy Fail, creates fail (so the API server does call it); with
// the generated failurePolicy, they are admitted.
func TestOutageAdmits(t *testing.T) {
	ns := env.Namespace(t, "wh-")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	var w admissionv1.ValidatingWebhook
	for _, x := range generated(t).Webhooks {
		if x.Name == "vplatform.org.orgplane.io" {
			w = *x.DeepCopy()
		}
	}
	generatedPolicy := *w.FailurePolicy
	w.Name = "vdead.org.orgplane.io"
	w.ClientConfig = admissionv1.WebhookClientConfig{
		URL:      ptr.To("https://" + dead + *w.ClientConfig.Service.Path),
		CABundle: env.WebhookInstallOptions.LocalServingCAData,
	}
	w.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}}
	w.FailurePolicy = ptr.To(admissionv1.Fail)
	vwc := &admissionv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "orgplane-outage-" + ns},
		Webhooks:   []admissionv1.ValidatingWebhook{w},
	}
	if err := k8s.Create(ctx, vwc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, vwc) })

	try := func() error {
		return k8s.Create(ctx, platform(ns, "analytics", "bi-team"), client.DryRunAll)
	}
	if !testenv.Eventually(15*time.Second, 100*time.Millisecond, func() bool {
		err := try()
		return err != nil && strings.Contains(err.Error(), "failed calling webhook")
	}) {
		t.Fatal("timed out waiting for creates to fail while a Fail webhook is down")
	}

	vwc.Webhooks[0].FailurePolicy = &generatedPolicy
	if err := k8s.Update(ctx, vwc); err != nil {
		t.Fatal(err)
	}
	if !testenv.Eventually(15*time.Second, 100*time.Millisecond, func() bool { return try() == nil }) {
		t.Fatal("timed out waiting for creates to be admitted with the generated failurePolicy")
	}
}

// TestCertManagerOverlay builds config/webhook-certmanager: config/default
// with the webhook switched on, its Service and configuration in the
// manager's namespace, the serving certificate mounted and cert-manager
// injecting its CA; every resource but cert-manager's applies server-side
// (test/helm, whose control plane has cert-manager's CRDs, applies them all).
func TestCertManagerOverlay(t *testing.T) {
	out := testenv.Kustomize(t, "config/webhook-certmanager")
	var kept []string
	for _, doc := range strings.Split(string(out), "\n---\n") {
		if !strings.Contains(doc, "apiVersion: cert-manager.io/v1") {
			kept = append(kept, doc)
		}
	}
	for _, want := range []string{
		"- --enable-webhooks",
		"cert-manager.io/inject-ca-from: orgplane-system/orgplane-serving-cert",
		"secretName: orgplane-webhook-server-cert",
		"mountPath: /tmp/k8s-webhook-server/serving-certs",
		"name: orgplane-webhook-service\n      namespace: orgplane-system\n      path: /validate-org-orgplane-io-v1alpha1-platform",
		"- orgplane-webhook-service.orgplane-system.svc",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("config/webhook-certmanager lacks %q", want)
		}
	}
	if len(kept) == strings.Count(string(out), "\n---\n")+1 {
		t.Errorf("config/webhook-certmanager has no cert-manager resources")
	}
	// The Namespace must exist for a server-side dry run of the objects in it.
	env.Namespace(t, "orgplane-system")
	env.KubectlInput(t, []byte(strings.Join(kept, "\n---\n")), "apply", "--dry-run=server", "-f", "-")
}
