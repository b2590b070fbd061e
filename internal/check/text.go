package check

import (
	"fmt"
	"io"
	"strings"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Options tune the output.
type Options struct {
	// FailOn decides the verdict the outputs state.
	FailOn FailOn
	// Color writes ANSI colours (text only): for a terminal.
	Color bool
}

// Formats are the output formats, by their -o name.
var Formats = map[string]func(w io.Writer, r *Result, o Options) error{
	"text":  WriteText,
	"json":  WriteJSON,
	"junit": WriteJUnit,
	"sarif": WriteSARIF,
}

// palette writes ANSI colours, or nothing when off.
type palette bool

func (p palette) paint(code, s string) string {
	if !p || code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

var severityColors = map[orgv1.Severity]string{
	orgv1.SeverityCritical: "1;31",
	orgv1.SeverityHigh:     "31",
	orgv1.SeverityMedium:   "33",
	orgv1.SeverityLow:      "36",
}

const (
	bold = "1"
	dim  = "2"
	red  = "1;31"
	grn  = "32"
)

// WriteText writes the findings grouped by object, each object with the file
// and line it starts at and each finding with the line of its field when
// that differs, then the rule errors and a summary with the verdict.
func WriteText(w io.Writer, r *Result, o Options) error {
	p := palette(o.Color)
	var b strings.Builder
	idWidth := 0
	for _, f := range r.Findings() {
		idWidth = max(idWidth, len(f.Violation.Policy)+1+len(f.Violation.Rule))
	}
	for _, obj := range r.Objects {
		if len(obj.Findings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", p.paint(bold, fmt.Sprintf("%s %s/%s", obj.Ref.Kind, obj.Ref.Namespace, obj.Ref.Name)), p.paint(dim, obj.Location.String()))
		for _, f := range obj.Findings {
			v := f.Violation
			line := ""
			if f.Location.Line != obj.Location.Line {
				line = p.paint(dim, fmt.Sprintf(" (line %d)", f.Location.Line))
			}
			fmt.Fprintf(&b, "  %s %-7s %-*s  %s%s\n", p.paint(severityColors[v.Severity], fmt.Sprintf("%-8s", v.Severity)), v.Enforcement, idWidth, v.Policy+"/"+v.Rule, v.Message, line)
		}
		b.WriteString("\n")
	}
	if len(r.RuleErrors) > 0 {
		b.WriteString(p.paint(bold, "Rules that cannot be evaluated (the controller stalls their policies):") + "\n")
		for _, e := range r.RuleErrors {
			fmt.Fprintf(&b, "  GovernancePolicy %s/%s %s: %s\n", e.Namespace, e.Policy, p.paint(dim, e.Location.String()), e.Message)
		}
		b.WriteString("\n")
	}
	s := r.Summarize(o.FailOn)
	if s.Violations == 0 {
		fmt.Fprintf(&b, "No violations in %d judged %s.\n", s.Judged, plural(s.Judged, "object"))
	} else {
		var parts []string
		for _, sev := range orgv1.Severities {
			if n := s.BySeverity[sev]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, sev))
			}
		}
		fmt.Fprintf(&b, "%d %s (%s) in %d of %d judged objects, %d from Enforce policies.\n",
			s.Violations, plural(s.Violations, "violation"), strings.Join(parts, ", "), s.NonCompliant, s.Judged, s.EnforceViolations)
	}
	fmt.Fprintf(&b, "Read %d orgplane %s from %d %s", s.Objects, plural(s.Objects, "object"), s.Files, plural(s.Files, "file"))
	if s.Ignored > 0 {
		fmt.Fprintf(&b, "; ignored %d %s of other kinds", s.Ignored, plural(s.Ignored, "document"))
	}
	b.WriteString(".\n")
	if s.Failed {
		fmt.Fprintf(&b, "%s (--fail-on=%s)\n", p.paint(red, "FAIL"), o.FailOn)
	} else {
		fmt.Fprintf(&b, "%s (--fail-on=%s)\n", p.paint(grn, "PASS"), o.FailOn)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
