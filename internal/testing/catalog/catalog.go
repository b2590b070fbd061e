// Package catalog checks Backstage catalog entities with Backstage's own
// code, for tests: hack/backstage/validate.mjs on the @backstage/
// catalog-model that `make test-tools` installs into bin/backstage.
package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

// Packages is the folder that holds the installed packages (its
// node_modules): require @backstage/catalog-model from there.
var Packages = repo.Path("bin", "backstage")

// Node is the path of node, once it and the packages are found; without
// them, the test stops as repo.NeedTool says (skips, or fails under CI).
func Node(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		repo.NeedTool(t, "Node.js (node) is not on the PATH", "test-tools")
	}
	if _, err := os.Stat(filepath.Join(Packages, "node_modules", "@backstage", "catalog-model", "package.json")); err != nil {
		repo.NeedTool(t, "Backstage's catalog-model is not installed in bin/backstage", "test-tools")
	}
	return node
}

// Validate runs Backstage's validators on a multi-document catalog and
// returns how many entities they read and every error they found. Without
// Node.js or the packages, the test stops as repo.NeedTool says (skips, or
// fails under CI).
func Validate(t testing.TB, catalog []byte) (entities int, errs []string) {
	t.Helper()
	node := Node(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(node, repo.Path("hack", "backstage", "validate.mjs"))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(catalog), &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// Exit 1 is "errors found", which the output lists.
		if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("validate.mjs: %v\n%s", err, stderr.String())
		}
	}
	var out struct {
		Entities int
		Errors   []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("validate.mjs: %v\n%s", err, stdout.String())
	}
	return out.Entities, out.Errors
}
