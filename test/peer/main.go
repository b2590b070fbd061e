// Command peer runs `kubectl org check` side by side with the same rules
// written in Rego (test/peer/rego), run by conftest and by opa eval, on one
// generated org, and holds the three to the same findings:
//
//	go run ./test/peer -objects 10000 -runs 5 -docs docs/performance.md
//
// It builds the real kubectl-org binary, writes the org as block-style YAML
// (what check and conftest read) and as one JSON document (what opa eval
// reads), runs each tool -runs times as a whole process, taking turns, and
// reports the median wall time and peak RSS (the child's rusage) of each.
// It exits 1 when the findings differ, whatever the times. With -docs it
// rewrites the marked section of that file with the table. `make bench`
// runs it; `make test` runs only TestPeerFindSame, on a small org. OPA and
// conftest are bin/opa and bin/conftest (`make opa`).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

const (
	sectionBegin = "<!-- peer:begin (written by go run ./test/peer; do not edit) -->"
	sectionEnd   = "<!-- peer:end -->"
)

func main() {
	objects := flag.Int("objects", 10000, "about how many objects the generated org has")
	runs := flag.Int("runs", 5, "runs of each tool; the median counts")
	seed := flag.Uint64("seed", 1, "the generator's seed")
	bin := flag.String("bin", "bin", "where opa and conftest are (make opa)")
	docs := flag.String("docs", "", "a markdown file whose marked section gets the results")
	flag.Parse()
	if err := compare(os.Stdout, *objects, *runs, *seed, *bin, *docs); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

// result is one tool's runs.
type result struct {
	tool     tool
	walls    []time.Duration
	rss      []int64
	findings []finding
}

func compare(w io.Writer, objects, runs int, seed uint64, bin, docs string) error {
	dir, err := os.MkdirTemp("", "orgplane-peer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	kubectlOrg := filepath.Join(dir, "kubectl-org")
	if out, err := exec.Command("go", "build", "-o", kubectlOrg, "./cmd/kubectl-org").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/kubectl-org: %w\n%s", err, out)
	}
	yamlPath, jsonPath, n, err := org(dir, objects, seed)
	if err != nil {
		return err
	}
	rs, err := measure(tools(kubectlOrg, filepath.Join(bin, "conftest"), filepath.Join(bin, "opa"), "test/peer/rego", yamlPath, jsonPath), runs)
	if err != nil {
		return err
	}
	var diffs []string
	for _, r := range rs[1:] {
		diffs = append(diffs, differences(r.tool.name, r.findings, rs[0].findings)...)
	}
	yamlInfo, _ := os.Stat(yamlPath)
	jsonInfo, _ := os.Stat(jsonPath)
	table := report(rs, n, runs, yamlInfo.Size(), jsonInfo.Size(), len(diffs) == 0)
	fmt.Fprint(w, table)
	if len(diffs) > 0 {
		return fmt.Errorf("the findings differ (%d):\n%s", len(diffs), strings.Join(diffs[:min(len(diffs), 40)], "\n"))
	}
	if docs == "" {
		return nil
	}
	doc, err := os.ReadFile(docs)
	if err != nil {
		return err
	}
	updated, err := replaceSection(string(doc), sectionBegin, sectionEnd, table)
	if err != nil {
		return fmt.Errorf("%s: %w", docs, err)
	}
	return os.WriteFile(docs, []byte(updated), 0o644) //nolint:gosec // G703: docs is the repository's own file, not input
}

// measure runs every tool runs times, taking turns so that all three share
// whatever else the machine is doing, and keeps the last run's findings.
func measure(ts []tool, runs int) ([]*result, error) {
	rs := make([]*result, len(ts))
	for i, t := range ts {
		rs[i] = &result{tool: t}
	}
	for range runs {
		for _, r := range rs {
			run, err := r.tool.timed()
			if err != nil {
				return nil, err
			}
			r.walls = append(r.walls, run.wall)
			r.rss = append(r.rss, run.maxRSS)
			if r.findings, err = r.tool.parse(run.out); err != nil {
				return nil, fmt.Errorf("%s: reading its output: %w", r.tool.name, err)
			}
		}
	}
	return rs, nil
}

// report writes the markdown table of the runs and the targets.
func report(rs []*result, objects, runs int, yamlSize, jsonSize int64, same bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Generated org of %d objects in one namespace (`orggen.Enterprise`: 70%% teams, 15%% platforms, "+
		"10%% RACI matrices, 5%% committees, ~2%% dangling references, reporting cycles; two policies), "+
		"%.1f MB of block-style YAML, %.1f MB as JSON for opa eval; median of %d runs each, taking turns, "+
		"whole processes, %d CPUs (GOMAXPROCS %d), %s.\n\n",
		objects, float64(yamlSize)/1e6, float64(jsonSize)/1e6, runs, runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02"))
	b.WriteString("| tool | input | wall (median) | wall (min–max) | peak RSS (median) | findings |\n|---|---|---|---|---|---|\n")
	inputs := []string{"YAML", "YAML", "JSON"}
	for i, r := range rs {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s–%s | %s | %d |\n", r.tool.name, inputs[i], secs(median(r.walls)),
			secs(minOf(r.walls)), secs(maxOf(r.walls)), mib(median(r.rss)), len(r.findings))
	}
	check, conftest, opa := rs[0], rs[1], rs[2]
	ratio := func(r *result) float64 { return median(r.walls).Seconds() / median(check.walls).Seconds() }
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	verdict := "identical"
	if !same {
		verdict = "**differ**"
	}
	fmt.Fprintf(&b, "\n| target | measured | |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| findings identical in all three (kind, namespace, name, policy, rule, severity, enforcement, message) | %s | %s |\n", verdict, met(same))
	fmt.Fprintf(&b, "| check ≥ 5× faster than conftest | %.1f× | %s |\n", ratio(conftest), met(ratio(conftest) >= 5))
	fmt.Fprintf(&b, "| check ≥ 2× faster than opa eval | %.1f× | %s |\n", ratio(opa), met(ratio(opa) >= 2))
	fmt.Fprintf(&b, "| check's peak RSS ≤ opa eval's | %s vs %s | %s |\n", mib(median(check.rss)), mib(median(opa.rss)), met(median(check.rss) <= median(opa.rss)))
	return b.String()
}

func minOf(l []time.Duration) time.Duration {
	m := l[0]
	for _, d := range l {
		m = min(m, d)
	}
	return m
}

func maxOf(l []time.Duration) time.Duration {
	m := l[0]
	for _, d := range l {
		m = max(m, d)
	}
	return m
}
