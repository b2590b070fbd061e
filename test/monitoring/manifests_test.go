package monitoring

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/orgplane/orgplane/internal/testenv"
)

// TestPackDryRunsServerSide applies `kubectl kustomize config/prometheus`
// with a server-side dry-run, with the prometheus-operator CRDs of
// bin/crds/monitoring (`make monitoring-crds`) installed: the apiserver
// validates every field of the ServiceMonitor and PrometheusRule against
// their schemas, strictly.
func TestPackDryRunsServerSide(t *testing.T) {
	crds := filepath.Join(testenv.Root(), "bin", "crds", "monitoring")
	if _, err := os.Stat(filepath.Join(crds, ".version")); err != nil {
		testenv.NeedTool(t, "the prometheus-operator CRDs are not in bin/crds/monitoring", "monitoring-crds")
	}
	if _, err := envtest.InstallCRDs(cluster.Env.Config, envtest.CRDInstallOptions{Paths: []string{crds}, ErrorIfPathMissing: true}); err != nil {
		t.Fatal(err)
	}
	rendered, err := exec.Command("kubectl", "kustomize", pack).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v", pack, err)
	}
	ensure(t, namespace("orgplane-system"))
	out := cluster.Env.Kubectl(t, rendered, "apply", "--server-side", "--dry-run=server", "--validate=strict", "-f", "-")
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
