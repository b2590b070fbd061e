// Package policyreport_test runs the manager, with its real reconcilers and
// indexes, against a real kube-apiserver on which the PolicyReport CRD
// (config/policyreport) is installed and the OpenReports one
// (config/openreports) is not, until a test installs it. Each test starts
// its own manager (Env.NewManager) and stops it when it ends, counting
// every report the manager writes and keeping every line it logs.
package policyreport_test

import (
	"context"
	"strings"
	"testing"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var (
	env *testenv.Env
	ctx = context.Background()
)

func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.WithCRDs("config/policyreport")) }

// reconciles is how many times the report reconciler has run, in every
// manager of the process.
func reconciles(t *testing.T) float64 {
	t.Helper()
	total := 0.0
	for labels, n := range testenv.Series(t, "controller_runtime_reconcile_total") {
		if strings.Contains(","+labels, ",controller=policyreport,") {
			total += n
		}
	}
	return total
}
