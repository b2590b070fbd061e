// Package monitoring tests the monitoring pack in config/prometheus: its
// alert rules with promtool (check and unit tests), its dashboard's and
// alerts' PromQL with Prometheus's own parser (hack/prometheus/promqlcheck)
// against a scrape of the real manager's secure metrics endpoint, and its
// manifests with a server-side dry-run against the real apiserver with the
// prometheus-operator CRDs installed.
package monitoring

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var env *testenv.Env

// pack is the monitoring pack's folder.
var pack = repo.Path("config", "prometheus")

func TestMain(m *testing.M) {
	testenv.Main(m, &env, testenv.WithManager(testenv.WithSecureMetrics()))
}

// tool is the path of a tool that `make test-tools` builds into bin/.
func tool(t *testing.T, name string) string { return repo.Tool(t, name, "test-tools") }

// ensure creates objs unless they exist, so that tests can run again
// (-count) against the same cluster.
func ensure(t *testing.T, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		if err := env.Client.Create(context.Background(), o); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("creating %T %s: %v", o, o.GetName(), err)
		}
	}
}
