package monitoring

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// query is one PromQL expression and where it comes from.
type query struct{ where, expr string }

type grafanaPanel struct {
	Title   string         `json:"title"`
	Panels  []grafanaPanel `json:"panels"` // a row's panels
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
}

// grafanaMacros are Grafana's $__ variables; in PromQL they stand for
// durations.
var grafanaMacros = regexp.MustCompile(`\$__\w+|\$\{__\w+\}`)

// Grafana's Prometheus variable queries that select series.
var (
	labelValues = regexp.MustCompile(`(?s)^\s*label_values\((.+),\s*\w+\s*\)\s*$`)
	queryResult = regexp.MustCompile(`(?s)^\s*query_result\((.+)\)\s*$`)
)

// dashboardQueries returns every PromQL expression of the Grafana dashboard:
// each panel's targets (rows' panels included) and each query variable's
// selector, with Grafana's macros replaced by a duration.
func dashboardQueries(t *testing.T) []query {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pack, "dashboards", "orgplane.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels     []grafanaPanel `json:"panels"`
		Templating struct {
			List []struct {
				Name  string          `json:"name"`
				Type  string          `json:"type"`
				Query json.RawMessage `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	var out []query
	add := func(where, expr string) {
		out = append(out, query{"dashboard " + where, grafanaMacros.ReplaceAllString(expr, "5m")})
	}
	var walk func([]grafanaPanel)
	walk = func(panels []grafanaPanel) {
		for _, p := range panels {
			for _, tg := range p.Targets {
				add(fmt.Sprintf("panel %q target %s", p.Title, tg.RefID), tg.Expr)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		// Current Grafana stores {"query": "..."}, older versions a string.
		var q struct {
			Query string `json:"query"`
		}
		if json.Unmarshal(v.Query, &q.Query) != nil {
			if err := json.Unmarshal(v.Query, &q); err != nil {
				t.Fatalf("dashboard variable %s: query: %v", v.Name, err)
			}
		}
		where := fmt.Sprintf("variable %s", v.Name)
		if m := labelValues.FindStringSubmatch(q.Query); m != nil {
			add(where, m[1])
		} else if m := queryResult.FindStringSubmatch(q.Query); m != nil {
			add(where, m[1])
		} else {
			t.Errorf("dashboard %s: %q selects no metric: want label_values(<metric selector>, <label>) or query_result(<expr>)", where, q.Query)
		}
	}
	if len(out) == 0 {
		t.Fatal("the dashboard has no PromQL expression")
	}
	return out
}

// ruleQueries returns the expression of every rule of the PrometheusRule.
func ruleQueries(t *testing.T) []query {
	t.Helper()
	_, rules := prometheusRule(t)
	out := make([]query, len(rules))
	for i, r := range rules {
		out[i] = query{"rule " + r.Alert + r.Record, r.Expr}
	}
	return out
}
