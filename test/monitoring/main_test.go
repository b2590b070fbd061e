// Package monitoring tests the monitoring pack in config/prometheus: its
// alert rules with promtool (check and unit tests), its dashboard's and
// alerts' PromQL with Prometheus's own parser (hack/prometheus/promqlcheck)
// against a scrape of the real manager's secure metrics endpoint, and its
// manifests with a server-side dry-run against the real apiserver with the
// prometheus-operator CRDs installed.
package monitoring

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/orgplane/orgplane/internal/testenv"
	"github.com/orgplane/orgplane/test/harness"
)

var cluster *harness.Cluster

// pack is the monitoring pack's folder.
var pack = filepath.Join(testenv.Root(), "config", "prometheus")

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.ErrorLevel)))
	c, stop, err := harness.Start(harness.WithSecureMetrics())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	cluster = c
	return m.Run()
}

// tool is the path of a tool that `make test-tools` builds into bin/.
func tool(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(testenv.Root(), "bin", name)
	if _, err := os.Stat(path); err != nil {
		testenv.NeedTool(t, name+" is not built in bin/", "test-tools")
	}
	return path
}

// ensure creates objs unless they exist, so that tests can run again
// (-count) against the same cluster.
func ensure(t *testing.T, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		if err := cluster.Client.Create(context.Background(), o); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("creating %T %s: %v", o, o.GetName(), err)
		}
	}
}

func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}
