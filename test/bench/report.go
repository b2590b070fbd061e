package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// results are everything one run measured; a nil or missing part was not
// run, and its targets read "not measured".
type results struct {
	Date       string
	CPUs       int
	TargetSize int
	Flags      []string // the manager's flags beyond the defaults
	Cluster    map[int]clusterResult
	Bench      map[string]benchResult
	Check      []Timing
}

// verdict is how a target fared.
type verdict string

const (
	met         verdict = "met"
	notMet      verdict = "**not met**"
	notMeasured verdict = "not measured"
)

func judge(ok bool) verdict {
	if ok {
		return met
	}
	return notMet
}

// target is one row of the targets table.
type target struct {
	name, measured string
	verdict        verdict
}

func (r results) targets() []target {
	var ts []target
	ts = append(ts, r.engineTargets()...)
	return append(ts, r.clusterTargets()...)
}

func (r results) engineTargets() []target {
	within := func(name, bench string, limit time.Duration) target {
		b, ok := r.Bench[bench]
		if !ok {
			return target{name, "–", notMeasured}
		}
		return target{name, fmt.Sprintf("%s (limit %s)", dur(b.duration()), dur(limit)), judge(b.duration() <= limit)}
	}
	ts := []target{within("engine: full evaluation of a 10k-object namespace ≤ 40 ms", "BenchmarkEvaluate/objects=10000", 40*time.Millisecond)}
	small, okSmall := r.Bench["BenchmarkEvaluateObject/objects=1000"]
	large, okLarge := r.Bench["BenchmarkEvaluateObject/objects=100000"]
	flat := target{"engine: `EvaluateObject` independent of N (100k objects within 2× of 1k)", "–", notMeasured}
	if okSmall && okLarge && small.NsPerOp > 0 {
		ratio := large.NsPerOp / small.NsPerOp
		flat.measured = fmt.Sprintf("%s vs %s (%.2f×)", dur(large.duration()), dur(small.duration()), ratio)
		flat.verdict = judge(ratio <= 2)
	}
	ts = append(ts, flat)
	for _, b := range []string{"BenchmarkHierarchy/chain=100000", "BenchmarkHierarchy/cycle=100000", "BenchmarkCheckHierarchy/chain=100000", "BenchmarkCheckHierarchy/cycle=100000"} {
		ts = append(ts, within(fmt.Sprintf("hierarchy: %#q < 1 s", b), b, time.Second))
	}
	return ts
}

func (r results) clusterTargets() []target {
	c, ok := r.Cluster[r.TargetSize]
	names := []string{
		"cold start: converged within 1.5× the floor",
		"cold start: exactly one status write per object",
		"warm restart: zero status writes",
		"bulk apply: last status write ≤ 5 s after the last create",
		"bulk apply: ≤ 1.2 status writes per object",
		"memory: manager RSS ≤ 100 MB above its idle baseline (peak while converging)",
	}
	if !ok {
		ts := make([]target, len(names))
		for i, n := range names {
			ts[i] = target{n, "–", notMeasured}
		}
		return ts
	}
	ratio := c.coldRatio()
	perObject := c.perObject(c.BulkWrites)
	growth := c.PeakRSS - c.IdleRSS
	return []target{
		{names[0], fmt.Sprintf("%s vs floor %s: %s×%s", dur(c.Cold), dur(c.Floor), beside(ratio, 1.5), c.againstStatuses()), judge(ratio <= 1.5)},
		{names[1], fmt.Sprintf("%d writes for %d objects, at most %d on one; %d conflicting patches", c.ColdWrites, c.Objects, c.ColdMax, c.ColdConflicts), judge(c.ColdWrites == c.Objects && c.ColdMax == 1)},
		{names[2], fmt.Sprintf("%d", c.WarmWrites), judge(c.WarmWrites == 0)},
		{names[3], fmt.Sprintf("%s s (after the last create: %d first writes, %d rewrites)", beside(c.BulkLag.Seconds(), 5), c.BulkLagFirsts, c.BulkLagRewrites), judge(c.BulkLag <= 5*time.Second)},
		{names[4], fmt.Sprintf("%s (%d writes; most on %s: %d; %d conflicting patches)", beside(perObject, 1.2), c.BulkWrites, c.BulkMostWritten, c.BulkMax, c.BulkConflicts), judge(perObject <= 1.2)},
		{names[5], fmt.Sprintf("+%s (idle %s, peak %s, %s after converging)", mb(growth), mb(c.IdleRSS), mb(c.PeakRSS), mb(c.RSS)), judge(growth <= 100e6)},
	}
}

// coldRatio is the cold start's time over the floor's, which the target
// judges and the by-size table shows.
func (c clusterResult) coldRatio() float64 { return c.Cold.Seconds() / c.Floor.Seconds() }

// perObject is a bulk apply's status writes per object.
func (c clusterResult) perObject(writes int) float64 { return float64(writes) / float64(c.Objects) }

// againstStatuses is the cold start's ratio to the floor that writes the
// manager's own statuses, as a parenthesis; empty when not measured.
func (c clusterResult) againstStatuses() string {
	if c.FloorStatuses <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%.2f× the floor with the manager's statuses)", c.Cold.Seconds()/c.FloorStatuses.Seconds())
}

// report is the markdown that replaces docs/performance.md's bench
// section.
func (r results) report() string {
	var b strings.Builder
	flags := "its default flags"
	if len(r.Flags) > 0 {
		flags = "the default flags and `" + strings.Join(r.Flags, " ") + "`"
	}
	fmt.Fprintf(&b, "One run of `make bench`, %s, %d CPUs; the in-cluster targets at %d objects (`orggen.Enterprise`), the manager binary with %s.\n\n", r.Date, r.CPUs, r.TargetSize, flags)
	b.WriteString("| target | measured | |\n|---|---|---|\n")
	for _, t := range r.targets() {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.name, t.measured, t.verdict)
	}
	if len(r.Cluster) > 0 {
		b.WriteString("\nIn-cluster, by size (each size on a fresh kube-apiserver and etcd; 8 client workers; times from the watch of the objects):\n\n")
		b.WriteString("| objects | create | floor | floor, the manager's statuses | cold start | cold / floor | cold writes (max/object) | warm writes | bulk create | bulk lag | bulk writes/object | bulk lag (writes/object), Helm's order | idle RSS | RSS converged | peak RSS |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, n := range sortedKeys(r.Cluster) {
			c := r.Cluster[n]
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %.2f×%s | %d (%d) | %d | %s | %s | %.2f | %s (%.2f) | %s | %s | %s |\n", c.Objects, dur(c.Create), dur(c.Floor), dur(c.FloorStatuses), dur(c.Cold),
				c.coldRatio(), c.againstStatuses(), c.ColdWrites, c.ColdMax, c.WarmWrites, dur(c.BulkCreate), dur(c.BulkLag),
				c.perObject(c.BulkWrites), dur(c.KindOrderLag), c.perObject(c.KindOrderWrites), mb(c.IdleRSS), mb(c.RSS), mb(c.PeakRSS))
		}
	}
	if len(r.Bench) > 0 {
		b.WriteString("\nGo benchmarks (`go test -bench -benchmem`; the engine's run for 1 s, three times, and the median counts):\n\n| benchmark | time/op | memory/op | allocs/op |\n|---|---|---|---|\n")
		for _, name := range sortedKeys(r.Bench) {
			x := r.Bench[name]
			fmt.Fprintf(&b, "| `%s` | %s | %s | %d |\n", name, dur(x.duration()), bytesOf(x.BytesPerOp), x.Allocs)
		}
	}
	if len(r.Check) > 0 {
		b.WriteString("\nOffline check by size (`go run ./test/peer -runs 1`, whole processes):\n\n| objects | tool | wall | peak RSS |\n|---|---|---|---|\n")
		for _, t := range r.Check {
			fmt.Fprintf(&b, "| %d | `%s` | %s | %s |\n", t.Objects, t.Tool, dur(time.Duration(t.Seconds*float64(time.Second))), mb(t.PeakRSS))
		}
	}
	return b.String()
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// beside writes x, measured against limit, to two decimals, or to as many
// more as it takes for the written value to fall on the same side of the
// limit as x: 1.2011 writes per object over a limit of 1.2 reads 1.201,
// not a 1.20 judged not met.
func beside(x, limit float64) string {
	for prec := 2; ; prec++ {
		text := strconv.FormatFloat(x, 'f', prec, 64)
		written, _ := strconv.ParseFloat(text, 64)
		if (written <= limit) == (x <= limit) || prec == 6 {
			return text
		}
	}
}

// dur writes a duration at a precision that suits its size.
func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
	}
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

// bytesOf writes an allocation size, in kB below a megabyte.
func bytesOf(b int64) string {
	if b < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(b)/1e3)
	}
	return mb(b)
}
