package monitoring

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"
)

// rule is one rule of the PrometheusRule's groups.
type rule struct {
	Alert  string `json:"alert"`
	Record string `json:"record"`
	Expr   string `json:"expr"`
}

// prometheusRule reads config/prometheus/prometheusrule.yaml: its spec as
// it is (a Prometheus rule file: groups) and its rules.
func prometheusRule(t *testing.T) (spec []byte, rules []rule) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pack, "prometheusrule.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Spec map[string]any `json:"spec"`
	}
	var typed struct {
		Spec struct {
			Groups []struct {
				Rules []rule `json:"rules"`
			} `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &typed); err != nil {
		t.Fatal(err)
	}
	if spec, err = yaml.Marshal(raw.Spec); err != nil {
		t.Fatal(err)
	}
	for _, g := range typed.Spec.Groups {
		rules = append(rules, g.Rules...)
	}
	return spec, rules
}

// TestAlertRules checks the PrometheusRule's groups with `promtool check
// rules` and runs the unit tests of testdata/alerts_test.yaml on them with
// `promtool test rules`, which must show every alert both firing and not
// firing.
func TestAlertRules(t *testing.T) {
	promtool := tool(t, "promtool")
	spec, rules := prometheusRule(t)
	dir := t.TempDir()
	tests, err := os.ReadFile(filepath.Join("testdata", "alerts_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// promtool resolves the test file's rule_files (rules.yaml) beside it.
	for name, data := range map[string][]byte{"rules.yaml": spec, "alerts_test.yaml": tests} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "alerts_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}

	var unit struct {
		Tests []struct {
			AlertRuleTest []struct {
				Alertname string `json:"alertname"`
				ExpAlerts []any  `json:"exp_alerts"`
			} `json:"alert_rule_test"`
		} `json:"tests"`
	}
	if err := yaml.Unmarshal(tests, &unit); err != nil {
		t.Fatal(err)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, ut := range unit.Tests {
		for _, c := range ut.AlertRuleTest {
			if len(c.ExpAlerts) > 0 {
				fires[c.Alertname] = true
			} else {
				quiet[c.Alertname] = true
			}
		}
	}
	var alerts []string
	for _, r := range rules {
		if r.Alert == "" {
			continue
		}
		alerts = append(alerts, r.Alert)
		if !fires[r.Alert] || !quiet[r.Alert] {
			t.Errorf("alert %s: testdata/alerts_test.yaml must test it firing (%v) and not firing (%v)", r.Alert, fires[r.Alert], quiet[r.Alert])
		}
	}
	for _, ut := range unit.Tests {
		for _, c := range ut.AlertRuleTest {
			if !slices.Contains(alerts, c.Alertname) {
				t.Errorf("testdata/alerts_test.yaml tests alert %s, which the PrometheusRule does not define", c.Alertname)
			}
		}
	}
}
