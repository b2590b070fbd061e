package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

// goBenchmark is a package's benchmarks that the targets read, and how
// often each runs: the engine's take microseconds to a second, so they run
// for a time, three times over, and the median counts (on these shared
// cores a handful of iterations measures the noise); check's take seconds
// each and run a fixed number of times.
type goBenchmark struct {
	pkg, pattern, benchtime string
	count                   int
}

func goBenchmarks(benchtime string) []goBenchmark {
	return []goBenchmark{
		{"./internal/policy/", "^(BenchmarkEvaluate|BenchmarkEvaluateObject|BenchmarkHierarchy)$", "1s", 3},
		{"./internal/check/", "^BenchmarkCheckHierarchy$", benchtime, 1},
	}
}

// benchResult is one line of `go test -bench` output.
type benchResult struct {
	Name               string // without the -GOMAXPROCS suffix
	NsPerOp            float64
	BytesPerOp, Allocs int64
}

// runGoBenchmarks runs goBenchmarks (check's for benchtime each) and
// returns their results by name; their output goes to log as it comes.
func runGoBenchmarks(benchtime string, log io.Writer) (map[string]benchResult, error) {
	out := map[string]benchResult{}
	for _, b := range goBenchmarks(benchtime) {
		cmd := exec.Command("go", "test", "-run", "^$", "-bench", b.pattern, "-benchmem", "-benchtime", b.benchtime,
			"-count", strconv.Itoa(b.count), "-timeout", "30m", b.pkg)
		cmd.Dir, cmd.Stderr = repo.Root(), os.Stderr
		stdout, err := cmd.Output()
		_, _ = log.Write(stdout)
		if err != nil {
			return nil, fmt.Errorf("go test -bench %s: %w", b.pkg, err)
		}
		for name, r := range parseBench(string(stdout)) {
			out[name] = r
		}
	}
	return out, nil
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseBench reads the result lines of `go test -bench -benchmem` output;
// of a benchmark run more than once (-count), the run of median time.
func parseBench(out string) map[string]benchResult {
	runs := map[string][]benchResult{}
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
		runs[r.Name] = append(runs[r.Name], r)
	}
	rs := make(map[string]benchResult, len(runs))
	for name, l := range runs {
		slices.SortFunc(l, func(a, b benchResult) int { return cmp.Compare(a.NsPerOp, b.NsPerOp) })
		rs[name] = l[len(l)/2]
	}
	return rs
}

func (r benchResult) duration() time.Duration { return time.Duration(r.NsPerOp) }
