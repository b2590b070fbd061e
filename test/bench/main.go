// Command bench runs every performance measurement of issue 10 in one go
// and records the results:
//
//	go run ./test/bench -docs docs/performance.md -plots docs
//
// It runs the engine's and check's Go benchmarks (BenchmarkEvaluate,
// BenchmarkEvaluateObject, BenchmarkHierarchy, BenchmarkCheckHierarchy), the
// offline check against OPA and conftest at each size (test/peer -json),
// and, for each size, on a fresh kube-apiserver and etcd (bin/k8s): the
// floor (8 plain client workers patching every object's status once), the
// real manager binary's idle memory, its cold start on the org with its
// default flags, a warm restart, and a bulk apply while it runs. It then
// judges the targets at -target objects, rewrites the marked section of
// -docs with the tables and draws the SVG plots into -plots. A part that
// fails or is skipped is reported "not measured"; the command exits 1 when
// a part failed. `make bench` runs it; `make test` runs TestSmoke, which
// checks the counts on a small org and times nothing.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/orgplane/orgplane/internal/testing/docsection"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

const (
	sectionBegin = "<!-- bench:begin (written by go run ./test/bench; do not edit) -->"
	sectionEnd   = "<!-- bench:end -->"
)

// config is the command's flags.
type config struct {
	sizes                  []int
	target                 int
	engine, check, cluster bool
	benchtime              string
	managerFlags           []string
	seed                   uint64
	timeout                time.Duration
	docs, plots            string
}

func main() {
	var c config
	sizes := flag.String("sizes", "1000,5000,10000,20000", "org sizes (objects) for the in-cluster runs and the check plot")
	flag.IntVar(&c.target, "target", 10000, "the size whose results are judged against the targets (one of -sizes)")
	flag.BoolVar(&c.engine, "engine", true, "run the engine's and check's Go benchmarks")
	flag.BoolVar(&c.check, "check", true, "time the offline check against OPA and conftest at each size")
	flag.BoolVar(&c.cluster, "cluster", true, "run the in-cluster floor, cold start, warm restart and bulk apply at each size")
	flag.StringVar(&c.benchtime, "benchtime", "3x", "-benchtime of check's Go benchmarks (BenchmarkCheckHierarchy; the engine's run for 1s, three times)")
	managerFlags := flag.String("manager-flags", "", "flags for the manager beyond its defaults, space-separated (to compare settings)")
	flag.Uint64Var(&c.seed, "seed", 1, "the generator's seed")
	flag.DurationVar(&c.timeout, "timeout", 10*time.Minute, "the longest each in-cluster phase may take")
	flag.StringVar(&c.docs, "docs", "", "a markdown file whose marked section gets the tables")
	flag.StringVar(&c.plots, "plots", "", "a folder for the SVG plots")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -sizes: %q is not a positive number\n", s)
			os.Exit(2)
		}
		c.sizes = append(c.sizes, n)
	}
	c.managerFlags = strings.Fields(*managerFlags)
	if err := c.run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func (c config) run(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "orgplane-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r := results{Date: time.Now().UTC().Format("2006-01-02"), CPUs: runtime.NumCPU(), TargetSize: c.target, Flags: c.managerFlags, Cluster: map[int]clusterResult{}}
	var errs error
	if c.engine {
		r.Bench, err = runGoBenchmarks(c.benchtime, os.Stdout)
		errs = errors.Join(errs, err)
	}
	if c.check {
		r.Check, err = checkBySize(dir, c.sizes, c.seed)
		errs = errors.Join(errs, err)
	}
	if c.cluster {
		errs = errors.Join(errs, c.inCluster(ctx, dir, &r))
	}
	fmt.Print(r.report())
	return errors.Join(errs, c.record(r))
}

// record writes the report into -docs and the plots into -plots.
func (c config) record(r results) error {
	var errs error
	if c.docs != "" {
		errs = docsection.Rewrite(c.docs, sectionBegin, sectionEnd, r.report())
	}
	if c.plots != "" {
		files, err := r.plots(c.plots)
		errs = errors.Join(errs, err)
		for _, f := range files {
			fmt.Println("wrote", f)
		}
	}
	return errs
}

// inCluster builds the manager and runs the in-cluster scenario at each
// size; a size that fails is left out of r. After each size it records
// what it has, so that a run cut short by the machine's time still leaves
// its results.
func (c config) inCluster(ctx context.Context, dir string, r *results) error {
	manager := filepath.Join(dir, "manager")
	if err := build(manager, "."); err != nil {
		return err
	}
	run := clusterRun{manager: manager, flags: c.managerFlags, seed: c.seed, timeout: c.timeout}
	var errs error
	for _, n := range c.sizes {
		fmt.Printf("in-cluster, %d objects...\n", n)
		res, err := run.inCluster(ctx, n)
		if err != nil {
			errs = errors.Join(errs, fmt.Errorf("%d objects: %w", n, err))
			continue
		}
		fmt.Printf("%+v\n", res)
		r.Cluster[n] = res
		errs = errors.Join(errs, c.record(*r))
	}
	return errs
}

// Timing is test/peer's -json output: one tool's median at one size.
type Timing struct {
	Tool    string  `json:"tool"`
	Objects int     `json:"objects"`
	Seconds float64 `json:"seconds"`
	PeakRSS int64   `json:"peakRSS"`
}

// checkBySize runs test/peer once at each size and collects its timings.
func checkBySize(dir string, sizes []int, seed uint64) ([]Timing, error) {
	peer := filepath.Join(dir, "peer")
	if err := build(peer, "./test/peer"); err != nil {
		return nil, err
	}
	var all []Timing
	for _, n := range sizes {
		file := filepath.Join(dir, fmt.Sprintf("check-%d.json", n))
		cmd := exec.Command(peer, "-objects", strconv.Itoa(n), "-runs", "1", "-seed", strconv.FormatUint(seed, 10), "-json", file)
		cmd.Dir, cmd.Stdout, cmd.Stderr = repo.Root(), os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return all, fmt.Errorf("test/peer at %d objects: %w", n, err)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return all, err
		}
		var ts []Timing
		if err := json.Unmarshal(b, &ts); err != nil {
			return all, fmt.Errorf("%s: %w", file, err)
		}
		all = append(all, ts...)
	}
	return all, nil
}

// build builds the package pkg of the repository into file.
func build(file, pkg string) error {
	cmd := exec.Command("go", "build", "-o", file, pkg)
	cmd.Dir = repo.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return nil
}
