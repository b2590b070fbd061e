package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/orgplane/orgplane/internal/orggen"
)

// finding is what all three must agree on: a violation of one object.
type finding struct {
	Kind, Namespace, Name, Policy, Rule, Severity, Enforcement, Message string
}

func (f finding) String() string {
	return fmt.Sprintf("%s %s/%s %s/%s %s %s: %s", f.Kind, f.Namespace, f.Name, f.Policy, f.Rule, f.Severity, f.Enforcement, f.Message)
}

// tool is one of the three runners, on the same org.
type tool struct {
	name string
	// args is the command line; ok says which exit codes mean success.
	args []string
	ok   func(code int) bool
	// parse reads the findings from the command's standard output.
	parse func([]byte) ([]finding, error)
}

// run is one timed run of a tool.
type run struct {
	wall   time.Duration
	maxRSS int64 // bytes
	out    []byte
}

// org writes a generated org of about n objects into dir as block-style
// YAML (org.yaml) and as the one JSON document that opa eval reads
// (org.json), and returns the two paths.
func org(dir string, n int, seed uint64) (yamlPath, jsonPath string, objects int, err error) {
	objs := orggen.Generate(orggen.Enterprise("acme", n, seed))
	yamlPath, jsonPath = filepath.Join(dir, "org.yaml"), filepath.Join(dir, "org.json")
	var y, j bytes.Buffer
	if err := orggen.WriteYAML(&y, objs, true); err != nil {
		return "", "", 0, err
	}
	if err := orggen.WriteCombinedJSON(&j, "org.yaml", objs, true); err != nil {
		return "", "", 0, err
	}
	if err := os.WriteFile(yamlPath, y.Bytes(), 0o644); err != nil {
		return "", "", 0, err
	}
	return yamlPath, jsonPath, len(objs), os.WriteFile(jsonPath, j.Bytes(), 0o644)
}

// tools are the three runners: kubectl org check on the YAML, conftest on
// the same YAML, opa eval on the JSON; rego is the policy directory.
func tools(kubectlOrg, conftest, opa, rego, yamlPath, jsonPath string) []tool {
	return []tool{{
		name:  "kubectl org check",
		args:  []string{kubectlOrg, "check", "-f", yamlPath, "-o", "json", "--fail-on", "none"},
		ok:    func(c int) bool { return c == 0 },
		parse: parseCheck,
	}, {
		name:  "conftest test --combine",
		args:  []string{conftest, "test", "--combine", "--no-color", "-p", rego, "-o", "json", yamlPath},
		ok:    func(c int) bool { return c == 0 || c == 1 }, // 1: failures found
		parse: parseConftest,
	}, {
		name:  "opa eval",
		args:  []string{opa, "eval", "-d", rego, "-i", jsonPath, "-f", "json", "data.main.violation"},
		ok:    func(c int) bool { return c == 0 },
		parse: parseOPA,
	}}
}

// timed runs a tool once, as a whole process, and measures its wall time
// and peak RSS (from the child's rusage).
func (t tool) timed() (run, error) {
	cmd := exec.Command(t.args[0], t.args[1:]...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return run{}, fmt.Errorf("%s: %w", t.name, err)
	}
	if code := cmd.ProcessState.ExitCode(); !t.ok(code) {
		return run{}, fmt.Errorf("%s: exit %d\n%s", t.name, code, errOut.String())
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return run{wall: wall, maxRSS: rss, out: out.Bytes()}, nil
}

func parseCheck(b []byte) ([]finding, error) {
	var doc struct {
		Findings []struct {
			Kind, Namespace, Name, Policy, Rule, Severity, Enforcement, Message string
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	out := make([]finding, len(doc.Findings))
	for i, f := range doc.Findings {
		out[i] = finding(f)
	}
	return out, nil
}

// regoFinding is a finding as the Rego peer writes it (conftest wants the
// message in msg).
type regoFinding struct {
	Msg                                                        string `json:"msg"`
	Kind, Namespace, Name, Policy, Rule, Severity, Enforcement string
}

func (r regoFinding) finding() finding {
	return finding{r.Kind, r.Namespace, r.Name, r.Policy, r.Rule, r.Severity, r.Enforcement, r.Msg}
}

func parseOPA(b []byte) ([]finding, error) {
	var doc struct {
		Result []struct {
			Expressions []struct {
				Value []regoFinding
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var out []finding
	for _, r := range doc.Result {
		for _, e := range r.Expressions {
			for _, v := range e.Value {
				out = append(out, v.finding())
			}
		}
	}
	return out, nil
}

func parseConftest(b []byte) ([]finding, error) {
	var doc []struct {
		Failures []struct {
			Msg      string
			Metadata regoFinding
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var out []finding
	for _, file := range doc {
		for _, f := range file.Failures {
			f.Metadata.Msg = f.Msg
			out = append(out, f.Metadata.finding())
		}
	}
	return out, nil
}

// differences lists what one tool found and the reference did not, and the
// reverse, as multisets; empty when they agree.
func differences(name string, got, want []finding) []string {
	count := map[finding]int{}
	for _, f := range want {
		count[f]++
	}
	for _, f := range got {
		count[f]--
	}
	var out []string
	for f, n := range count {
		switch {
		case n > 0:
			out = append(out, fmt.Sprintf("only kubectl org check finds (%d×): %s", n, f))
		case n < 0:
			out = append(out, fmt.Sprintf("only %s finds (%d×): %s", name, -n, f))
		}
	}
	slices.Sort(out)
	return out
}

// median of durations or sizes.
func median[T int64 | time.Duration](l []T) T {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[len(s)/2]
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// replaceSection replaces, in doc, what lies between the begin and end
// markers with body.
func replaceSection(doc, begin, end, body string) (string, error) {
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("markers %q and %q not found", begin, end)
	}
	return doc[:i+len(begin)] + "\n" + body + doc[j:], nil
}
