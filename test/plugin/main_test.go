// Package plugin tests `kubectl org` against a real kube-apiserver and etcd
// with the controller running in-process: check must find in manifests
// exactly what the controller writes into status once they are applied, and
// report and graph must show the live status.
package plugin

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orgplane/orgplane/internal/orgctl"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.WithManager()) }

// plugin runs `kubectl org` in-process through its entry point, pointed at
// the test cluster.
func plugin(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = orgctl.Run(append(args, "--kubeconfig", env.Kubeconfig), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}
