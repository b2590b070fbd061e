// Command promqlcheck parses PromQL expressions with Prometheus's own parser
// (at the version hack/prometheus/go.mod pins, the one promtool uses) and
// prints, for each, the metric names it selects or the parse error with its
// line:column position. The monitoring tests use it to hold the Grafana
// dashboard and the alert rules to the metrics the manager really exposes.
//
// Usage:
//
//	promqlcheck 'rate(foo_total[5m])' ...   # expressions as arguments
//	promqlcheck < exprs.json                # or a JSON array of strings
//
// It writes one JSON object a line, in input order:
// {"expr":...,"metrics":[...]} or {"expr":...,"error":"1:7: parse error: ..."},
// and exits 1 when an expression does not parse or selects no named metric.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

type result struct {
	Expr    string   `json:"expr"`
	Metrics []string `json:"metrics,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func main() {
	exprs := os.Args[1:]
	if len(exprs) == 0 {
		if err := json.NewDecoder(os.Stdin).Decode(&exprs); err != nil {
			fmt.Fprintln(os.Stderr, "promqlcheck: stdin: want a JSON array of PromQL expressions:", err)
			os.Exit(2)
		}
	}
	p := parser.NewParser(parser.Options{})
	out := json.NewEncoder(os.Stdout)
	failed := false
	for _, e := range exprs {
		r := result{Expr: e}
		metrics, err := selectedMetrics(p, e)
		if err != nil {
			r.Error, failed = err.Error(), true
		} else {
			r.Metrics = metrics
		}
		if err := out.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, "promqlcheck:", err)
			os.Exit(2)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// selectedMetrics returns the sorted, distinct metric names that expr's
// selectors name. A selector that names no metric (only {__name__=~"..."} or
// label matchers) is an error: nothing could check what it reads.
func selectedMetrics(p parser.Parser, expr string) ([]string, error) {
	ast, err := p.ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	var names []string
	var errs []error
	parser.Inspect(ast, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: selector %s names no metric", vs.PosRange.StartPosInput(expr, 0), vs))
		} else {
			names = append(names, name)
		}
		return nil
	})
	slices.Sort(names)
	return slices.Compact(names), errors.Join(errs...)
}
