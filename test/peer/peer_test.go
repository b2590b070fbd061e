package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestPeerFindSame is the benchmark's smoke test: on a small generated org,
// kubectl org check, conftest and opa eval must find exactly the same. It
// times nothing; `make bench` does (go run ./test/peer).
func TestPeerFindSame(t *testing.T) {
	t.Chdir("../..")
	for _, tool := range []string{"opa", "conftest"} {
		if _, err := os.Stat(filepath.Join("bin", tool)); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("bin/%s is missing: run make opa", tool)
			}
			t.Skipf("bin/%s is missing: run make opa", tool)
		}
	}
	if err := compare(io.Discard, 400, 1, 7, "bin", "", ""); err != nil {
		t.Fatal(err)
	}
}
