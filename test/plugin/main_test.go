// Package plugin tests `kubectl org` against a real kube-apiserver and etcd
// with the controller running in-process: check must find in manifests
// exactly what the controller writes into status once they are applied, and
// report and graph must show the live status.
package plugin

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/orgplane/orgplane/internal/orgctl"
	"github.com/orgplane/orgplane/internal/testenv"
	"github.com/orgplane/orgplane/test/harness"
)

var (
	env    *testenv.Env
	k8s    client.Client
	scheme *runtime.Scheme
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.ErrorLevel)))
	c, stop, err := harness.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	env, k8s, scheme = c.Env, c.Client, c.Scheme
	return m.Run()
}

// kubectl runs kubectl against the test cluster.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("kubectl", append([]string{"--kubeconfig", env.Kubeconfig}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// plugin runs `kubectl org` in-process through its entry point, pointed at
// the test cluster.
func plugin(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = orgctl.Run(append(args, "--kubeconfig", env.Kubeconfig), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}
