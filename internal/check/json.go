package check

import (
	"encoding/json"
	"io"
)

// jsonFinding is a finding as -o json writes it: exactly these keys, the
// same as a violation in status plus the object, so that scripts can compare
// the two.
type jsonFinding struct {
	Kind        string `json:"kind"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Policy      string `json:"policy"`
	Rule        string `json:"rule"`
	Severity    string `json:"severity"`
	Enforcement string `json:"enforcement"`
	Message     string `json:"message"`
}

type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Summary  Summary       `json:"summary"`
}

// WriteJSON writes {"findings": [...], "summary": {...}}.
func WriteJSON(w io.Writer, r *Result, o Options) error {
	rep := jsonReport{Findings: []jsonFinding{}, Summary: r.Summarize(o.FailOn)}
	for _, f := range r.Findings() {
		v := f.Violation
		rep.Findings = append(rep.Findings, jsonFinding{
			Kind: string(f.Object.Kind), Namespace: f.Object.Namespace, Name: f.Object.Name,
			Policy: v.Policy, Rule: v.Rule, Severity: string(v.Severity), Enforcement: string(v.Enforcement), Message: v.Message,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
