package monitoring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// TestPackDryRunsServerSide applies `kubectl kustomize config/prometheus`
// with a server-side dry-run, with the prometheus-operator CRDs of
// bin/crds/monitoring (`make monitoring-crds`) installed: the apiserver
// validates every field of the ServiceMonitor and PrometheusRule against
// their schemas, strictly.
func TestPackDryRunsServerSide(t *testing.T) {
	crds := repo.Path("bin", "crds", "monitoring")
	if _, err := os.Stat(filepath.Join(crds, ".version")); err != nil {
		repo.NeedTool(t, "the prometheus-operator CRDs are not in bin/crds/monitoring", "monitoring-crds")
	}
	if _, err := envtest.InstallCRDs(env.Config, envtest.CRDInstallOptions{Paths: []string{crds}, ErrorIfPathMissing: true}); err != nil {
		t.Fatal(err)
	}
	rendered := testenv.Kustomize(t, pack)
	env.Namespace(t, "orgplane-system")
	out := env.KubectlInput(t, rendered, "apply", "--server-side", "--dry-run=server", "--validate=strict", "-f", "-")
	for _, want := range []string{
		"servicemonitor.monitoring.coreos.com/orgplane-controller-manager-metrics-monitor",
		"prometheusrule.monitoring.coreos.com/orgplane-alerts",
		"clusterrolebinding.rbac.authorization.k8s.io/orgplane-metrics-reader-prometheus",
		"configmap/orgplane-grafana-dashboard",
	} {
		if !strings.Contains(out, want+" serverside-applied (server dry run)") {
			t.Errorf("the dry-run did not apply %s:\n%s", want, out)
		}
	}
}
