package testenv

import (
	"os"
	"testing"
)

// NeedTool stops a test whose outside tool is missing: it skips, naming the
// make target that installs the tool, except under CI (CI non-empty), where
// it fails, so that CI never passes by skipping what checks its output.
func NeedTool(t testing.TB, missing, target string) {
	t.Helper()
	msg := missing + ": run `make " + target + "` to install it"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set: a missing tool fails the test instead of skipping it)")
	}
	t.Skip(msg)
}
