package orgctl

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// run runs the plugin in-process.
func run(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

const (
	team = `apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata: {name: it}
spec: {function: IT, type: Department}
`
	// An Audit finding (a dangling owner: builtin/integrity).
	auditOnly = team + `---
apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata: {name: crm}
spec: {category: CRM, ownerRef: {name: ghost}}
`
	// An Enforce finding besides it.
	enforced = auditOnly + `---
apiVersion: org.orgplane.io/v1alpha1
kind: GovernancePolicy
metadata: {name: strict}
spec:
  enforcement: Enforce
  rules: [{name: owned, type: PlatformOwnership}]
`
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckExitCodes(t *testing.T) {
	clean, audit, enforce := writeFile(t, "clean.yaml", team), writeFile(t, "audit.yaml", auditOnly), writeFile(t, "enforce.yaml", enforced)
	for _, tc := range []struct {
		file, failOn string
		want         int
	}{
		{clean, "enforce", ExitOK}, {clean, "any", ExitOK}, {clean, "none", ExitOK},
		{audit, "enforce", ExitOK}, {audit, "any", ExitFailed}, {audit, "none", ExitOK},
		{enforce, "enforce", ExitFailed}, {enforce, "any", ExitFailed}, {enforce, "none", ExitOK},
		{enforce, "", ExitFailed}, // the default is enforce
	} {
		args := []string{"check", "-f", tc.file, "-o", "json"}
		if tc.failOn != "" {
			args = append(args, "--fail-on", tc.failOn)
		}
		code, out, stderr := run("", args...)
		if code != tc.want {
			t.Errorf("%s --fail-on=%q: exit %d, want %d\n%s", filepath.Base(tc.file), tc.failOn, code, tc.want, stderr)
		}
		var doc struct{ Summary struct{ Failed bool } }
		if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Summary.Failed != (tc.want == ExitFailed) {
			t.Errorf("%s --fail-on=%q: summary.failed = %v (%v), exit %d", filepath.Base(tc.file), tc.failOn, doc.Summary.Failed, err, code)
		}
	}
}

func TestCheckErrors(t *testing.T) {
	malformed := writeFile(t, "bad.yaml", team+"---\nkind: Team\napiVersion: org.orgplane.io/v1alpha1\nmetadata: {name: x}\nspec:\n  function: IT\n  type: Department\n  colour: red\n")
	invalid := writeFile(t, "invalid.yaml", team+"---\nkind: Team\napiVersion: org.orgplane.io/v1alpha1\nmetadata: {name: wizards}\nspec:\n  type: Department\n  function: Wizardry\n"+
		"---\nkind: Team\napiVersion: org.orgplane.io/v1alpha1\nmetadata: {name: narcissus}\nspec:\n  function: IT\n  type: Department\n  parentRef: {name: narcissus}\n")
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string
		stderr string
	}{
		{"malformed input names the file and line", []string{"check", "-f", malformed}, "", malformed + `:12: Team "x": unknown field "spec.colour"`},
		{"input the CRDs' schema rejects names the file, line and field as the apiserver does", []string{"check", "-f", invalid}, "",
			invalid + `:11: Team "wizards": spec.function: Unsupported value: "Wizardry": supported values: `},
		{"input a CRD's CEL rule rejects names the file, line and field as the apiserver does", []string{"check", "-f", invalid}, "",
			invalid + `:19: Team "narcissus": spec.parentRef.name: Invalid value: spec.parentRef.name: a team cannot be its own parent`},
		{"unreadable input", []string{"check", "-f", "/nonexistent/x.yaml"}, "", "/nonexistent/x.yaml: no such file or directory"},
		{"malformed stdin", []string{"check", "-f", "-"}, "a: [", "stdin:1: did not find expected node content"},
		{"no -f", []string{"check"}, "", "error: at least one -f PATH is required\nSee 'kubectl org check --help' for usage."},
		{"bad -o", []string{"check", "-f", malformed, "-o", "xml"}, "", `error: --output must be one of json, junit, sarif, text, not "xml"`},
		{"bad --fail-on", []string{"check", "-f", malformed, "--fail-on", "high"}, "", `error: --fail-on must be one of enforce, any, none, not "high"`},
		{"unknown flag", []string{"check", "--bogus"}, "", "error: unknown flag: --bogus\nSee 'kubectl org check --help' for usage."},
		{"unknown command", []string{"chekc"}, "", `error: unknown command "chekc" for "kubectl org"`},
		{"graph -A with -f", []string{"graph", "-A", "-f", malformed}, "", "error: --all-namespaces and --filename cannot be used together"},
		{"report against no cluster", []string{"report", "--server", "http://127.0.0.1:1", "-n", "x"}, "", "error: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(tc.stdin, tc.args...)
			if code != ExitError || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tc.stderr)
			}
		})
	}
}

func TestCheckStdin(t *testing.T) {
	code, out, stderr := run(enforced, "check", "-n", "acme", "-f", "-", "-o", "json", "--fail-on", "none")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Findings []map[string]string
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range doc.Findings {
		got = append(got, f["namespace"]+"/"+f["name"]+" "+f["policy"]+"/"+f["rule"])
	}
	if diff := cmp.Diff([]string{"acme/crm builtin/integrity", "acme/crm strict/owned"}, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range [][]string{{}, {"check"}, {"report"}, {"graph"}} {
		code, out, _ := run("", append(cmd, "--help")...)
		name := strings.TrimSpace("kubectl org " + strings.Join(cmd, " "))
		if code != ExitOK || !strings.Contains(out, "Usage:\n  "+name) {
			t.Errorf("%s --help: exit %d:\n%s", name, code, out)
		}
		if len(cmd) > 0 && !strings.Contains(out, "Examples:\n  # ") {
			t.Errorf("%s --help has no examples", name)
		}
	}
}

func TestGraphFromFiles(t *testing.T) {
	f := writeFile(t, "org.yaml", enforced)
	code, out, stderr := run("", "graph", "-n", "acme", "-f", f)
	if code != ExitOK || !strings.HasPrefix(out, "digraph orgplane {") || !strings.Contains(out, `"Platform/acme/crm" [label="crm\nPlatform · CRM · Engagement\n⚠ 2 violations"`) {
		t.Errorf("exit %d: %s\n%s", code, stderr, out)
	}
	code, out, _ = run("", "graph", "-f", f, "-o", "mermaid")
	if code != ExitOK || !strings.HasPrefix(out, "flowchart TD\n") {
		t.Errorf("mermaid: exit %d:\n%s", code, out)
	}
	t.Setenv("PATH", t.TempDir())
	code, _, stderr = run("", "graph", "-f", f, "-o", "svg")
	if code != ExitError || !strings.Contains(stderr, "error: -o svg needs the \"dot\" command of Graphviz") {
		t.Errorf("svg without Graphviz: exit %d: %s", code, stderr)
	}
}

func TestProgress(t *testing.T) {
	if startProgress(&bytes.Buffer{}) != nil {
		t.Error("progress on something that is not a terminal")
	}
	w := &signalWriter{wrote: make(chan struct{}, 100)}
	p := newProgress(w, 0, time.Millisecond)
	p.set("reading: %d", 1)
	<-w.wrote
	p.set("reading: %d", 2)
	<-w.wrote
	p.stop()
	p.stop()
	if got := w.String(); got != "\r\x1b[Kreading: 1\r\x1b[Kreading: 2\r\x1b[K" {
		t.Errorf("progress wrote %q", got)
	}
	var none *progress
	none.set("x")
	none.stop()
}

// signalWriter is a buffer that signals each write.
type signalWriter struct {
	bytes.Buffer
	wrote chan struct{}
}

func (w *signalWriter) Write(b []byte) (int, error) {
	defer func() { w.wrote <- struct{}{} }()
	return w.Buffer.Write(b)
}
