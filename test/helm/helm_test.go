package helm_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var (
	// allValues turns every toggle on and sets every value.
	allValues = filepath.Join(chart, "ci", "all-values.yaml")
	// namespacedValues is the namespaced install: watchNamespaces.
	namespacedValues = filepath.Join(chart, "ci", "namespaced-values.yaml")
)

// TestLint lints the chart, warnings as errors, with its default values,
// with every toggle on and namespaced; values.schema.json refuses wrong
// values, policy reports with the namespaced RBAC among them.
func TestLint(t *testing.T) {
	helm(t, "lint", "--strict", chart)
	helm(t, "lint", "--strict", chart, "-f", allValues)
	helm(t, "lint", "--strict", chart, "-f", namespacedValues)

	for _, tc := range []struct{ set, want string }{
		{"reportApi=PolicyReport", "at '/reportApi': value must be one of"},
		{"replicas=-1", "at '/replicas': minimum"},
		{"extraArgs[0]=leader-elect=false", "at '/extraArgs/0'"},
		{"logLevel=verbose", "at '/logLevel'"},
		{"webhook.issuerRef.kind=ClusterIssuer", "'name' required"},
		{"image.digest=latest", "at '/image/digest'"},
		{"metrics.enabled=true", "additional properties 'enabled' not allowed"},
		{"watchNamespaces={Team-A}", "at '/watchNamespaces/0'"},
		{"watchNamespaces={a,a}", "at '/watchNamespaces'"},
		{"watchNamespaces={a},reportApi=openreports.io", "at '/reportApi': value must be one of '', 'none'"},
	} {
		out, err := exec.Command(helmBin, "lint", chart, "--set", tc.set).CombinedOutput()
		if err == nil || !strings.Contains(string(out), tc.want) {
			t.Errorf("helm lint --set %s: %v, want a schema error with %q:\n%s", tc.set, err, tc.want, out)
		}
	}
}

// TestDryRun applies renderings of the chart, and the kustomizations it
// mirrors, server-side: every object is valid for the real apiserver,
// cert-manager's and prometheus-operator's objects included.
func TestDryRun(t *testing.T) {
	needHelm(t)
	for _, tc := range []struct {
		name   string
		render func(t *testing.T) []byte
		// crds are the CRD folders that the rendering's objects need.
		crds []string
		// want are strings the rendering must hold, one for each value set.
		want []string
	}{{
		name:   "default values",
		render: func(t *testing.T) []byte { return template(t) },
	}, {
		name:   "every toggle on",
		render: func(t *testing.T) []byte { return template(t, "-f", allValues) },
		crds:   []string{certManagerCRDs, monitoringCRDs},
		want: []string{
			"ghcr.io/orgplane/orgplane:v0.0.0-dev@sha256:0123", "name: regcred", "replicas: 2", "memory: 512Mi",
			"kubernetes.io/os: linux", "key: dedicated", "podAntiAffinity:",
			"example.com/team: platform", "example.com/tier: control", "eks.amazonaws.com/role-arn:",
			"- --report-api=openreports.io", "- --concurrency=4", "- --zap-log-level=debug", `- "--kube-api-burst=200"`,
			"- --enable-webhooks", "kind: ValidatingWebhookConfiguration", "kind: Issuer", "kind: Certificate",
			"kind: ServiceMonitor", "kind: PrometheusRule", "grafana_dashboard:",
		},
	}, {
		name: "webhook signed by a ClusterIssuer",
		render: func(t *testing.T) []byte {
			return template(t, "--set", "webhook.enabled=true,webhook.issuerRef.kind=ClusterIssuer,webhook.issuerRef.name=internal-ca")
		},
		crds: []string{certManagerCRDs},
		want: []string{"issuerRef:\n    kind: ClusterIssuer\n    name: internal-ca"},
	}, {
		name: "watchNamespaces",
		render: func(t *testing.T) []byte {
			// The Roles and RoleBindings need their namespaces.
			env.Namespace(t, "team-a")
			env.Namespace(t, "team-b")
			return template(t, "-f", namespacedValues)
		},
		want: []string{"- --watch-namespaces=team-a,team-b", "- --report-api=none", "  namespace: team-a\n", "  namespace: team-b\n"},
	}, {
		name: "watchNamespaces with the webhook",
		render: func(t *testing.T) []byte {
			env.Namespace(t, "team-a")
			env.Namespace(t, "team-b")
			return template(t, "-f", namespacedValues, "--set", "webhook.enabled=true")
		},
		crds: []string{certManagerCRDs},
		want: []string{watchedSelector},
	}, {
		name:   "config/default",
		render: func(t *testing.T) []byte { return testenv.Kustomize(t, "config/default") },
	}, {
		name:   "config/webhook-certmanager",
		render: func(t *testing.T) []byte { return testenv.Kustomize(t, "config/webhook-certmanager") },
		crds:   []string{certManagerCRDs},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, dir := range tc.crds {
				needCRDs(t, dir)
			}
			out := tc.render(t)
			for _, want := range tc.want {
				if !strings.Contains(string(out), want) {
					t.Errorf("the rendering lacks %q", want)
				}
			}
			dryRun(t, out)
		})
	}
}

// watchedSelector is the namespaceSelector of each webhook with
// namespacedValues' watchNamespaces.
const watchedSelector = `  namespaceSelector:
    matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: In
      values:
      - team-a
      - team-b
`

// TestWebhookWatchesNamespaces: with watchNamespaces, every webhook is
// confined to those namespaces, whose objects alone the manager can read;
// without, none is.
func TestWebhookWatchesNamespaces(t *testing.T) {
	needHelm(t)
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"-f", namespacedValues, "--set", "webhook.enabled=true"}, len(orgv1.Kinds)}, // one webhook per kind
		{[]string{"--set", "webhook.enabled=true"}, 0},
	} {
		out := string(template(t, tc.args...))
		if !strings.Contains(out, "kind: ValidatingWebhookConfiguration") {
			t.Fatalf("helm template %s renders no webhook", tc.args)
		}
		if got := strings.Count(out, "namespaceSelector:"); got != tc.want {
			t.Errorf("helm template %s: %d webhooks with a namespaceSelector, want %d", tc.args, got, tc.want)
		}
		if tc.want > 0 && strings.Count(out, watchedSelector) != tc.want {
			t.Errorf("helm template %s: a namespaceSelector is not the watched namespaces':\n%s", tc.args, out)
		}
	}
}
