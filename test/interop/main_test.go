// Package interop tests `kubectl org import` and `kubectl org export -o
// backstage` the way a platform team adopts an org: kubectl runs the plugin
// binary, the imported manifests are applied to a real kube-apiserver with
// the controller running, the controller's verdict must converge to what
// check predicts offline, and the live org exported to Backstage must be
// valid under Backstage's own validators and import back to the same
// Teams.
package interop

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.WithManager()) }

// pluginPath builds kubectl-org into a folder of its own, once per test,
// and returns the PATH that makes kubectl find it.
func pluginPath(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "kubectl-org"), "./cmd/kubectl-org")
	build.Dir = repo.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
}
