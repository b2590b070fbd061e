package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest/fake"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

// TestSmoke runs the in-cluster scenario of `make bench` on a small org
// against a real apiserver and the real manager binary, and checks its
// counts: the cold start converges with exactly one status write per
// object, the warm restart writes nothing, and the bulk applies (in the
// generated order and in Helm's) converge.
// It times nothing; `make bench` does.
func TestSmoke(t *testing.T) {
	if _, err := os.Stat(repo.Path("bin", "k8s", "kube-apiserver")); err != nil && os.Getenv("KUBEBUILDER_ASSETS") == "" {
		repo.NeedTool(t, "no kube-apiserver", "envtest")
	}
	manager := filepath.Join(t.TempDir(), "manager")
	if err := build(manager, "."); err != nil {
		t.Fatal(err)
	}
	res, err := clusterRun{manager: manager, seed: 3, timeout: 3 * time.Minute}.inCluster(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	if res.Objects < 200 {
		t.Errorf("the org has %d objects, want about 200", res.Objects)
	}
	if res.ColdWrites != res.Objects || res.ColdMax != 1 {
		t.Errorf("cold start: %d status writes for %d objects, at most %d on one; want exactly one each", res.ColdWrites, res.Objects, res.ColdMax)
	}
	if res.WarmWrites != 0 {
		t.Errorf("warm restart: %d status writes, want none", res.WarmWrites)
	}
	if res.BulkWrites < res.Objects || res.KindOrderWrites < res.Objects {
		t.Errorf("bulk apply: %d and, in Helm's order, %d status writes for %d converged objects: the watch missed some", res.BulkWrites, res.KindOrderWrites, res.Objects)
	}
	if res.IdleRSS == 0 || res.PeakRSS < res.RSS {
		t.Errorf("memory not read: idle %d, converged %d, peak %d", res.IdleRSS, res.RSS, res.PeakRSS)
	}
}

func TestParseBench(t *testing.T) {
	out := `goos: linux
pkg: github.com/orgplane/orgplane/internal/policy
BenchmarkEvaluate/objects=1000-2         	      50	  2345678 ns/op	 1048576 B/op	   12345 allocs/op
BenchmarkHierarchy/cycle=100000          	       1	912345678 ns/op
BenchmarkEvaluateObject/objects=100000-8 	  100000	     10.5 ns/op	       0 B/op	       0 allocs/op
BenchmarkEvaluateObject/objects=100000-8 	  100000	     30.5 ns/op	       8 B/op	       1 allocs/op
BenchmarkEvaluateObject/objects=100000-8 	  100000	      9.5 ns/op	       0 B/op	       0 allocs/op
PASS
ok  	github.com/orgplane/orgplane/internal/policy	3.2s
`
	want := map[string]benchResult{
		"BenchmarkEvaluate/objects=1000":         {Name: "BenchmarkEvaluate/objects=1000", NsPerOp: 2345678, BytesPerOp: 1048576, Allocs: 12345},
		"BenchmarkHierarchy/cycle=100000":        {Name: "BenchmarkHierarchy/cycle=100000", NsPerOp: 912345678},
		"BenchmarkEvaluateObject/objects=100000": {Name: "BenchmarkEvaluateObject/objects=100000", NsPerOp: 10.5},
	}
	if diff := cmp.Diff(want, parseBench(out), cmp.AllowUnexported(benchResult{})); diff != "" {
		t.Errorf("parseBench (-want +got):\n%s", diff)
	}
}

// TestReport checks the tables and the verdicts: met, not met, and not
// measured for what the run lacks.
func TestReport(t *testing.T) {
	r := results{
		Date: "2026-11-26", CPUs: 2, TargetSize: 1000,
		Cluster: map[int]clusterResult{1000: {
			Objects: 1001, Create: 4 * time.Second, Floor: 2 * time.Second, FloorStatuses: 2 * time.Second, Cold: 2500 * time.Millisecond,
			ColdWrites: 1001, ColdMax: 1, WarmWrites: 0, BulkCreate: 4 * time.Second, BulkLag: 6 * time.Second,
			BulkWrites: 1300, BulkMax: 3, BulkMostWritten: "Organization/org", IdleRSS: 50e6, RSS: 90e6, PeakRSS: 120e6,
			BulkLagFirsts: 40, BulkLagRewrites: 200, ColdConflicts: 0, BulkConflicts: 7, KindOrderLag: 3 * time.Second, KindOrderWrites: 1100,
		}},
		Bench: map[string]benchResult{
			"BenchmarkEvaluate/objects=10000":        {NsPerOp: 35e6, BytesPerOp: 9e6, Allocs: 1000},
			"BenchmarkEvaluateObject/objects=1000":   {NsPerOp: 10e3, BytesPerOp: 2000, Allocs: 20},
			"BenchmarkEvaluateObject/objects=100000": {NsPerOp: 30e3},
			"BenchmarkHierarchy/chain=100000":        {NsPerOp: 0.5e9},
		},
		Check: []Timing{{Tool: "opa eval", Objects: 1000, Seconds: 0.5, PeakRSS: 60e6}},
	}
	want := "One run of `make bench`, 2026-11-26, 2 CPUs; the in-cluster targets at 1000 objects (`orggen.Enterprise`), the manager binary with its default flags.\n" +
		"\n| target | measured | |\n|---|---|---|\n" +
		"| engine: full evaluation of a 10k-object namespace ≤ 40 ms | 35.0 ms (limit 40.0 ms) | met |\n" +
		"| engine: `EvaluateObject` independent of N (100k objects within 2× of 1k) | 30.0 µs vs 10.0 µs (3.00×) | **not met** |\n" +
		"| hierarchy: `BenchmarkHierarchy/chain=100000` < 1 s | 500.0 ms (limit 1.00 s) | met |\n" +
		"| hierarchy: `BenchmarkHierarchy/cycle=100000` < 1 s | – | not measured |\n" +
		"| hierarchy: `BenchmarkCheckHierarchy/chain=100000` < 1 s | – | not measured |\n" +
		"| hierarchy: `BenchmarkCheckHierarchy/cycle=100000` < 1 s | – | not measured |\n" +
		"| cold start: converged within 1.5× the floor | 2.50 s vs floor 2.00 s: 1.25× (1.25× the floor with the manager's statuses) | met |\n" +
		"| cold start: exactly one status write per object | 1001 writes for 1001 objects, at most 1 on one; 0 conflicting patches | met |\n" +
		"| warm restart: zero status writes | 0 | met |\n" +
		"| bulk apply: last status write ≤ 5 s after the last create | 6.00 s (after the last create: 40 first writes, 200 rewrites) | **not met** |\n" +
		"| bulk apply: ≤ 1.2 status writes per object | 1.30 (1300 writes; most on Organization/org: 3; 7 conflicting patches) | **not met** |\n" +
		"| memory: manager RSS ≤ 100 MB above its idle baseline (peak while converging) | +70.0 MB (idle 50.0 MB, peak 120.0 MB, 90.0 MB after converging) | met |\n" +
		"\nIn-cluster, by size (each size on a fresh kube-apiserver and etcd; 8 client workers; times from the watch of the objects):\n\n" +
		"| objects | create | floor | floor, the manager's statuses | cold start | cold / floor | cold writes (max/object) | warm writes | bulk create | bulk lag | bulk writes/object | bulk lag (writes/object), Helm's order | idle RSS | RSS converged | peak RSS |\n" +
		"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n" +
		"| 1001 | 4.00 s | 2.00 s | 2.00 s | 2.50 s | 1.25× (1.25× the floor with the manager's statuses) | 1001 (1) | 0 | 4.00 s | 6.00 s | 1.30 | 3.00 s (1.10) | 50.0 MB | 90.0 MB | 120.0 MB |\n" +
		"\nGo benchmarks (`go test -bench -benchmem`; the engine's run for 1 s, three times, and the median counts):\n\n| benchmark | time/op | memory/op | allocs/op |\n|---|---|---|---|\n" +
		"| `BenchmarkEvaluate/objects=10000` | 35.0 ms | 9.0 MB | 1000 |\n" +
		"| `BenchmarkEvaluateObject/objects=1000` | 10.0 µs | 2.0 kB | 20 |\n" +
		"| `BenchmarkEvaluateObject/objects=100000` | 30.0 µs | 0.0 kB | 0 |\n" +
		"| `BenchmarkHierarchy/chain=100000` | 500.0 ms | 0.0 kB | 0 |\n" +
		"\nOffline check by size (`go run ./test/peer -runs 1`, whole processes):\n\n| objects | tool | wall | peak RSS |\n|---|---|---|---|\n" +
		"| 1000 | `opa eval` | 500.0 ms | 60.0 MB |\n"
	if diff := cmp.Diff(want, r.report()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

// TestBeside: a measured value is written on the side of its limit that
// it is judged on.
func TestBeside(t *testing.T) {
	for _, tc := range []struct {
		x, limit float64
		want     string
	}{
		{1.25, 1.5, "1.25"},
		{1.2, 1.2, "1.20"},
		{1.1996, 1.2, "1.20"},
		{1.2011, 1.2, "1.201"},
		{5.0004, 5, "5.0004"},
		{1.5000000001, 1.5, "1.500000"}, // gives up at six decimals
	} {
		if got := beside(tc.x, tc.limit); got != tc.want {
			t.Errorf("beside(%v, %v) = %q, want %q", tc.x, tc.limit, got, tc.want)
		}
	}
}

// TestReportWithoutCluster: a run without the in-cluster part judges none
// of its targets.
func TestReportWithoutCluster(t *testing.T) {
	for _, tg := range (results{TargetSize: 10000}).clusterTargets() {
		if tg.verdict != notMeasured {
			t.Errorf("%s: %s, want %s", tg.name, tg.verdict, notMeasured)
		}
	}
}

func TestPlots(t *testing.T) {
	dir := t.TempDir()
	r := results{
		Cluster: map[int]clusterResult{
			1000: {Objects: 1001, Floor: time.Second, Cold: 2 * time.Second, BulkCreate: time.Second},
			5000: {Objects: 5001, Floor: 5 * time.Second, Cold: 8 * time.Second, BulkCreate: 5 * time.Second},
		},
		Check: []Timing{{Tool: "opa eval", Objects: 1000, Seconds: 0.5}, {Tool: "opa eval", Objects: 5000, Seconds: 2}},
	}
	files, err := r.plots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, "perf-convergence.svg"), filepath.Join(dir, "perf-check.svg")}, files); diff != "" {
		t.Errorf("plots (-want +got):\n%s", diff)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 1000 || string(b[:5]) != "<?xml" {
			t.Errorf("%s is not an SVG plot: %.80q", f, b)
		}
	}
}

// TestStatusConflicts reads the apiserver's metrics as kube-apiserver
// writes them: only status patches of orgplane objects refused with 409
// count.
func TestStatusConflicts(t *testing.T) {
	metrics := `# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="org.orgplane.io",resource="teams",scope="resource",subresource="status",verb="PATCH",version="v1alpha1"} 7438
apiserver_request_total{code="409",component="apiserver",dry_run="",group="org.orgplane.io",resource="teams",scope="resource",subresource="status",verb="PATCH",version="v1alpha1"} 5
apiserver_request_total{code="409",component="apiserver",dry_run="",group="org.orgplane.io",resource="platforms",scope="resource",subresource="status",verb="PATCH",version="v1alpha1"} 2
apiserver_request_total{code="409",component="apiserver",dry_run="",group="org.orgplane.io",resource="teams",scope="resource",subresource="",verb="PUT",version="v1alpha1"} 4
apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="status",verb="PATCH",version="v1"} 9
`
	rc := &fake.RESTClient{
		NegotiatedSerializer: scheme.Codecs.WithoutConversion(),
		Client: fake.CreateHTTPClient(func(req *http.Request) (*http.Response, error) {
			if req.URL.Path != "/metrics" {
				return &http.Response{StatusCode: http.StatusNotFound, Body: io.NopCloser(strings.NewReader(""))}, nil
			}
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader(metrics))}, nil
		}),
	}
	got, err := statusConflicts(context.Background(), rc)
	if err != nil {
		t.Fatal(err)
	}
	if got != 7 {
		t.Errorf("statusConflicts = %d, want 7 (5 teams + 2 platforms)", got)
	}
}
