package orgctl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

var (
	backstageFixture = repo.Path("internal", "importer", "backstage", "testdata", "acme-org.yaml")
	peribolosFixture = repo.Path("internal", "importer", "peribolos", "testdata", "org.yaml")
	csvFixture       = repo.Path("internal", "importer", "csv", "testdata", "hr.csv")
)

// TestImportExitCodes: bad flags and malformed input exit 2 with the
// file and line; good input exits 0, its guesses on stderr.
func TestImportExitCodes(t *testing.T) {
	bad := writeFile(t, "bad.csv", "team,member\na,b\nc\n")
	for _, c := range []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
	}{
		{"no --from", []string{"import", "-f", csvFixture}, "", ExitError, `--from must be one of backstage, peribolos, csv, not ""`},
		{"no -f", []string{"import", "--from", "csv"}, "", ExitError, "at least one -f PATH is required"},
		{"bad map", []string{"import", "--from", "csv", "-f", csvFixture, "--type-map", "a=Tribe"}, "", ExitError, `--type-map: "a=Tribe": "Tribe" is not one of`},
		{"bad columns", []string{"import", "--from", "csv", "-f", csvFixture, "--columns", "boss=Manager"}, "", ExitError, `--columns: "boss=Manager"`},
		{"bad platforms", []string{"import", "--from", "backstage", "-f", backstageFixture, "--platforms", "Widget"}, "", ExitError, `--platforms: "Widget"`},
		{"malformed", []string{"import", "--from", "csv", "-f", bad}, "", ExitError, bad + ":3: wrong number of fields"},
		{"malformed stdin", []string{"import", "--from", "peribolos", "-f", "-"}, "orgs: [a]\n", ExitError, "stdin:1: orgs: want a mapping of organizations"},
		{"missing file", []string{"import", "--from", "csv", "-f", "/nonexistent.csv"}, "", ExitError, "/nonexistent.csv: no such file or directory"},
		{"csv", []string{"import", "--from", "csv", "-f", csvFixture}, "", ExitOK, "guess: " + csvFixture + ":5: Team \"equipe-donnees\": type CenterOfExcellence, for \"CoE\""},
		{"peribolos", []string{"import", "--from", "peribolos", "-f", peribolosFixture}, "", ExitOK, "imported 4 teams and 0 platforms from 1 files"},
		{"backstage", []string{"import", "--from", "backstage", "-f", backstageFixture}, "", ExitOK, "imported 9 teams and 2 platforms from 1 files"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(c.stdin, c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s", code, c.code, c.stderr, stderr)
			}
		})
	}
}

// TestImportDeterministic: the same input gives the same bytes, on
// standard output and in --out files, in YAML and JSON.
func TestImportDeterministic(t *testing.T) {
	for _, format := range []string{"yaml", "json"} {
		args := []string{"import", "--from", "backstage", "-f", backstageFixture, "-n", "acme", "-o", format, "--platforms", "System,Component:website"}
		_, first, _ := run("", args...)
		_, second, _ := run("", args...)
		if first == "" || first != second {
			t.Errorf("-o %s: two runs differ or are empty:\n%s", format, cmp.Diff(first, second))
		}
		dir := t.TempDir()
		if code, _, stderr := run("", append(args, "--out", dir)...); code != ExitOK {
			t.Fatalf("--out: exit %d\n%s", code, stderr)
		}
		var files []string
		for _, kind := range []string{"teams", "platforms"} {
			data, err := os.ReadFile(filepath.Join(dir, kind+"."+format))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, string(data))
		}
		// The YAML stream is the two files, one after the other.
		if format == "yaml" && first != strings.Join(files, "---\n") {
			t.Errorf("--out files differ from standard output:\n%s", cmp.Diff(first, strings.Join(files, "---\n")))
		}
	}
}

// TestImportThenCheck: what import writes, check reads without an error.
func TestImportThenCheck(t *testing.T) {
	for _, c := range [][]string{
		{"--from", "backstage", "-f", backstageFixture},
		{"--from", "peribolos", "-f", peribolosFixture},
		{"--from", "csv", "-f", csvFixture},
	} {
		code, out, stderr := run("", append([]string{"import"}, c...)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", c, code, stderr)
		}
		if code, _, stderr := run(out, "check", "-f", "-", "--fail-on", "none"); code != ExitOK {
			t.Errorf("%v: check of the import: exit %d\n%s", c, code, stderr)
		}
	}
}

// TestExportFromFiles: export -f judges the manifests with the engine and
// writes the same bytes twice; bad flags exit 2.
func TestExportFromFiles(t *testing.T) {
	file := writeFile(t, "org.yaml", auditOnly)
	code, first, stderr := run("", "export", "-f", file, "-n", "acme")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	_, second, _ := run("", "export", "-f", file, "-n", "acme")
	if first != second {
		t.Errorf("two runs differ:\n%s", cmp.Diff(first, second))
	}
	for _, want := range []string{"kind: Group\nmetadata:\n  name: it\n  namespace: acme\n", "orgplane.io/compliant: \"true\""} {
		if !strings.Contains(first, want) {
			t.Errorf("output lacks %q:\n%s", want, first)
		}
	}
	// The platform's owner does not exist: not exported, with a warning.
	if !strings.Contains(stderr, "warning: Platform acme/crm: no spec.ownerRef that names a team") || strings.Contains(first, "kind: System") {
		t.Errorf("the unowned platform: stderr %q", stderr)
	}
	for _, args := range [][]string{
		{"export", "-o", "yaml", "-f", file},
		{"export", "-A", "-f", file},
		{"export", "-f", file, "--link-template", "{{.Nope}}"},
	} {
		if code, _, _ := run("", args...); code != ExitError {
			t.Errorf("%v: exit %d, want %d", args, code, ExitError)
		}
	}
}
