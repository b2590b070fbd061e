package whatif

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/audit"
)

// Formats are the output formats, by their -o name.
var Formats = map[string]func(w io.Writer, r *Result) error{
	"text":     WriteText,
	"markdown": WriteMarkdown,
	"json":     WriteJSON,
}

// Summary counts the findings a proposal adds and clears.
type Summary struct {
	Added int `json:"added"`
	// AddedEnforced counts the added findings of Enforce policies: those
	// that would make objects not Ready.
	AddedEnforced int `json:"addedEnforced"`
	Cleared       int `json:"cleared"`
}

// Summarize counts the findings added and cleared.
func (r *Result) Summarize() Summary {
	var s Summary
	for _, o := range r.Added {
		for _, f := range o.Findings {
			s.Added++
			if f.Enforcement == orgv1.EnforcementEnforce {
				s.AddedEnforced++
			}
		}
	}
	for _, o := range r.Cleared {
		s.Cleared += len(o.Findings)
	}
	return s
}

// headline says in one sentence what the proposal does.
func (r *Result) headline() string {
	s := r.Summarize()
	if s.Added+s.Cleared+len(r.Models)+len(r.Coverage)+len(r.Owners) == 0 {
		return "The proposal changes nothing that orgplane judges."
	}
	return fmt.Sprintf("The proposal adds %d %s (%d from Enforce policies) and clears %d.", s.Added, plural(s.Added, "finding"), s.AddedEnforced, s.Cleared)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// modelRow is one line of a model change: what, before, after.
type modelRow struct{ namespace, what, before, after, beforeWhy, afterWhy string }

// rows lays a namespace's model change out as its model's row and its
// martech model's, each only when it changes.
func (m ModelChange) rows() []modelRow {
	var out []modelRow
	if m.Before.Model != m.After.Model || m.Before.Reason != m.After.Reason {
		out = append(out, modelRow{m.Namespace, "model", string(m.Before.Model), string(m.After.Model), m.Before.Reason, m.After.Reason})
	}
	team := func(x Models) string {
		if x.MartechTeam == "" {
			return string(x.MartechModel)
		}
		return fmt.Sprintf("%s (team %s)", x.MartechModel, x.MartechTeam)
	}
	if b, a := team(m.Before), team(m.After); b != a || m.Before.MartechReason != m.After.MartechReason {
		out = append(out, modelRow{m.Namespace, "martech model", b, a, m.Before.MartechReason, m.After.MartechReason})
	}
	return out
}

// findingPart is a titled list of findings by object.
type findingPart struct {
	title string
	objs  []ObjectFindings
}

// findingParts are the findings added and cleared, each when there are any.
func (r *Result) findingParts() []findingPart {
	var out []findingPart
	for _, p := range []findingPart{{"Findings added", r.Added}, {"Findings cleared", r.Cleared}} {
		if len(p.objs) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// WriteText writes the comparison for a terminal.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	b.WriteString(r.headline() + "\n")
	if len(r.Models) > 0 {
		b.WriteString("\nModels\n")
		for _, m := range r.Models {
			for _, row := range m.rows() {
				change := row.before + " → " + row.after
				if row.before == row.after {
					change = row.after + ", for other reasons"
				}
				fmt.Fprintf(&b, "  namespace %s: %s %s\n    before: %s\n    after:  %s\n", row.namespace, row.what, change, row.beforeWhy, row.afterWhy)
			}
		}
	}
	for _, part := range r.findingParts() {
		fmt.Fprintf(&b, "\n%s\n", part.title)
		for _, o := range part.objs {
			fmt.Fprintf(&b, "  %s\n", o.Object)
			tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
			for _, f := range o.Findings {
				fmt.Fprintf(tw, "    %s\t%s\t%s/%s\t%s\n", f.Severity, f.Enforcement, f.Policy, f.Rule, f.Message)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	if len(r.Coverage) > 0 {
		b.WriteString("\nSteering committee coverage\n")
		for _, c := range r.Coverage {
			fmt.Fprintf(&b, "  %s: gains %s; loses %s\n", c.Committee, list(c.Gained), list(c.Lost))
		}
	}
	if len(r.Owners) > 0 {
		b.WriteString("\nPlatforms whose owner changes unit\n")
		for _, o := range r.Owners {
			fmt.Fprintf(&b, "  %s: %s → %s\n", o.Platform, o.Before, o.After)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func list(l []string) string {
	if len(l) == 0 {
		return "nothing"
	}
	return strings.Join(l, ", ")
}

// WriteMarkdown writes the comparison as GitHub-flavoured Markdown, fit for
// a pull-request comment.
func WriteMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	esc := audit.EscapeMarkdown
	b.WriteString("### orgplane what-if\n\n" + esc(r.headline()) + "\n")
	row := func(cells ...string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + esc(c) + " |")
		}
		b.WriteString("\n")
	}
	table := func(title string, columns ...string) {
		fmt.Fprintf(&b, "\n#### %s\n\n", title)
		row(columns...)
		b.WriteString("|" + strings.Repeat(" --- |", len(columns)) + "\n")
	}
	if len(r.Models) > 0 {
		table("Models", "Namespace", "", "Before", "After")
		for _, m := range r.Models {
			for _, x := range m.rows() {
				row(x.namespace, x.what, x.before+": "+x.beforeWhy, x.after+": "+x.afterWhy)
			}
		}
	}
	for _, part := range r.findingParts() {
		table(part.title, "Object", "Severity", "Policy/rule", "Enforcement", "Message")
		for _, o := range part.objs {
			for _, f := range o.Findings {
				row(o.Object, string(f.Severity), f.Policy+"/"+f.Rule, string(f.Enforcement), f.Message)
			}
		}
	}
	if len(r.Coverage) > 0 {
		table("Steering committee coverage", "Committee", "Gains", "Loses")
		for _, c := range r.Coverage {
			row(c.Committee, list(c.Gained), list(c.Lost))
		}
	}
	if len(r.Owners) > 0 {
		table("Platforms whose owner changes unit", "Platform", "Before", "After")
		for _, o := range r.Owners {
			row(o.Platform, o.Before, o.After)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes {"models": [...], "added": [...], "cleared": [...],
// "coverage": [...], "owners": [...], "summary": {...}}.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		*Result
		Summary Summary `json:"summary"`
	}{r, r.Summarize()})
}
