// Package repo gives tests the repository they run in: its root, the
// findings its README promises for config/samples, and the make targets
// that install the outside tools some tests need. Unit tests of any package
// may import it; it imports nothing of orgplane's.
package repo

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Root is the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Path is a file or folder of the repository, from its root
// (Path("config", "samples")); an absolute path stays as it is.
func Path(elems ...string) string {
	p := filepath.Join(elems...)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(Root(), p)
}

// NeedTool stops a test whose outside tool is missing, as Unavailable does,
// naming the make target that installs the tool.
func NeedTool(t testing.TB, missing, target string) {
	t.Helper()
	Unavailable(t, missing+": run `make "+target+"` to install it")
}

// Unavailable stops a test that cannot run here, saying why: it skips,
// except under CI (CI non-empty), where it fails, so that CI never passes by
// skipping what checks its output.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why + " (CI is set: this fails the test instead of skipping it)")
	}
	t.Skip(why)
}

var samplesFindings = regexp.MustCompile("(?s)<!-- samples-findings -->\n```text\n(.*?)```")

// SamplesFindings reads the findings that README.md promises for
// config/samples (its samples-findings block, one a line), sorted: the
// controller's suite, the plugin's check and the image's suite all hold
// themselves to it. Besides violations, the block holds each Organization's
// models, units and transition (testenv.ModelLines).
func SamplesFindings() ([]string, error) {
	readme, err := os.ReadFile(Path("README.md"))
	if err != nil {
		return nil, err
	}
	m := samplesFindings.FindSubmatch(readme)
	if m == nil {
		return nil, errors.New("README.md has no <!-- samples-findings --> block")
	}
	lines := strings.Split(strings.TrimSpace(string(m[1])), "\n")
	slices.Sort(lines)
	return lines, nil
}

// Tool is the path of bin/<name>, which `make <target>` builds; a test
// without it stops as NeedTool says.
func Tool(t testing.TB, name, target string) string {
	t.Helper()
	path := Path("bin", name)
	if _, err := os.Stat(path); err != nil {
		NeedTool(t, "bin/"+name+" is missing", target)
	}
	return path
}
