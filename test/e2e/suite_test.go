// Package e2e drives the controller the way users and GitOps tools do: with
// kubectl against a real kube-apiserver, the manager running in-process with
// its real indexes and reconcilers.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

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
	ctrl.SetLogger(logr.Discard())
	c, stop, err := harness.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	env, k8s, scheme = c.Env, c.Client, c.Scheme
	return m.Run()
}

// kubectl runs kubectl against the test cluster and returns its combined
// output and error.
func kubectl(args ...string) (string, error) {
	out, err := exec.Command("kubectl", append([]string{"--kubeconfig", env.Kubeconfig}, args...)...).CombinedOutput()
	return string(out), err
}

func mustKubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := kubectl(args...)
	if err != nil {
		t.Fatalf("kubectl %v: %v\n%s", args, err, out)
	}
	return out
}

// namespace creates a fresh namespace named after prefix.
func namespace(t *testing.T, prefix string) string {
	t.Helper()
	nsCounter++
	name := fmt.Sprintf("%s-%d", prefix, nsCounter)
	mustKubectl(t, "create", "namespace", name)
	return name
}

var nsCounter int
