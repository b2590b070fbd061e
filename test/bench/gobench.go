package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

// goBenchmarks are the engine's and check's benchmarks that the targets
// read, by package.
var goBenchmarks = map[string]string{
	"./internal/policy/": "^(BenchmarkEvaluate|BenchmarkEvaluateObject|BenchmarkHierarchy)$",
	"./internal/check/":  "^BenchmarkCheckHierarchy$",
}

// benchResult is one line of `go test -bench` output.
type benchResult struct {
	Name               string // without the -GOMAXPROCS suffix
	NsPerOp            float64
	BytesPerOp, Allocs int64
}

// runGoBenchmarks runs goBenchmarks (benchtime each) and returns their
// results by name; their output goes to log as it comes.
func runGoBenchmarks(benchtime string, log io.Writer) (map[string]benchResult, error) {
	out := map[string]benchResult{}
	for _, pkg := range []string{"./internal/policy/", "./internal/check/"} {
		cmd := exec.Command("go", "test", "-run", "^$", "-bench", goBenchmarks[pkg], "-benchmem", "-benchtime", benchtime, "-timeout", "30m", pkg)
		cmd.Dir, cmd.Stderr = repo.Root(), os.Stderr
		stdout, err := cmd.Output()
		_, _ = log.Write(stdout)
		if err != nil {
			return nil, fmt.Errorf("go test -bench %s: %w", pkg, err)
		}
		for name, r := range parseBench(string(stdout)) {
			out[name] = r
		}
	}
	return out, nil
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseBench reads the result lines of `go test -bench -benchmem` output.
func parseBench(out string) map[string]benchResult {
	rs := map[string]benchResult{}
	s := bufio.NewScanner(strings.NewReader(out))
	for s.Scan() {
		m := benchLine.FindStringSubmatch(s.Text())
		if m == nil {
			continue
		}
		r := benchResult{Name: m[1]}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				r.NsPerOp = v
			case "B/op":
				r.BytesPerOp = int64(v)
			case "allocs/op":
				r.Allocs = int64(v)
			}
		}
		rs[r.Name] = r
	}
	return rs
}

func (r benchResult) duration() time.Duration { return time.Duration(r.NsPerOp) }
