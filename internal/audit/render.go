package audit

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Formats are the output formats, by their -o name.
var Formats = map[string]func(w io.Writer, r *Report) error{
	"text":     WriteText,
	"markdown": WriteMarkdown,
	"html":     WriteHTML,
	"json":     WriteJSON,
}

// document is the report laid out as headings, paragraphs and tables, which
// the text, Markdown and HTML writers each render in their own syntax.
type document struct {
	Title    string
	Meta     []string
	Sections []section
}

type section struct {
	Title  string
	Level  int // 2 or 3
	Text   []string
	Tables []table
}

type table struct {
	Columns []string
	Rows    []row
}

// row is a table row; Alert marks one that needs an auditor's attention.
type row struct {
	Cells []string
	Alert bool
}

func (r *Report) document() document {
	d := document{Title: "orgplane audit report", Meta: []string{
		fmt.Sprintf("Generated %s from the live status of %s.", r.GeneratedAt.Format("2006-01-02 15:04:05 MST"), r.Scope),
		totalsLine(r.Totals),
	}}
	d.Sections = append(d.Sections, section{Title: "Totals", Level: 2, Text: unlistedNote(r.Totals), Tables: totalsTables(r.Totals)})
	for _, ns := range r.Namespaces {
		d.Sections = append(d.Sections, section{Title: "Namespace " + ns.Name, Level: 2, Text: []string{totalsLine(ns.Totals)}})
		d.Sections = append(d.Sections, ns.sections()...)
	}
	return d
}

func totalsLine(t Totals) string {
	return fmt.Sprintf("%d objects: %d non-compliant, %d pending evaluation; %d violations.", t.Objects, t.NonCompliant, t.Pending, t.Violations)
}

func unlistedNote(t Totals) []string {
	if t.Unlisted == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d violations beyond the 50 listed per object are counted in the total but not by severity or policy.", t.Unlisted)}
}

func totalsTables(t Totals) []table {
	sev := table{Columns: []string{"Severity", "Violations"}}
	for _, s := range orgv1.Severities {
		sev.Rows = append(sev.Rows, row{Cells: []string{string(s), fmt.Sprint(t.BySeverity[s])}, Alert: t.BySeverity[s] > 0 && s != orgv1.SeverityLow})
	}
	pol := table{Columns: []string{"Policy", "Violations"}}
	for _, p := range sortedKeys(t.ByPolicy) {
		pol.Rows = append(pol.Rows, row{Cells: []string{p, fmt.Sprint(t.ByPolicy[p])}})
	}
	return []table{sev, pol}
}

// modelsSection lays out the organizations' models: declared against
// inferred, each reason, the units' evidence, the martech team and the
// transition with its phase.
func (ns *Namespace) modelsSection() section {
	orgs := table{Columns: []string{"Organization", "Declared model", "Inferred model", "Declared martech model", "Inferred martech model", "Martech team", "Transition", "Compliance"}}
	units := table{Columns: []string{"Organization", "Unit", "Unit type", "Owns", "Foundational", "Operates"}}
	var reasons []string
	for _, o := range ns.Organizations {
		accepted := []string{o.DeclaredModel, string(orgv1.ModelUnknown), "-"}
		if t := o.Transition; t != nil && t.Phase != string(orgv1.TransitionOverdue) {
			accepted = append(accepted, t.Model)
		}
		mismatch := !slices.Contains(accepted, o.InferredModel) || o.Transition != nil && o.Transition.Phase == string(orgv1.TransitionOverdue)
		orgs.Rows = append(orgs.Rows, row{Cells: []string{label(o.DisplayName, o.Name), o.DeclaredModel, o.InferredModel, dash(o.MartechModel),
			dash(o.InferredMartechModel), dash(o.MartechTeam), transitionWords(o.Transition), o.Compliance}, Alert: mismatch || o.Compliance == NonCompliant})
		if o.ModelReason != "" {
			reasons = append(reasons, fmt.Sprintf("%s is %s: %s.", o.Name, o.InferredModel, o.ModelReason))
		}
		if o.MartechReason != "" {
			reasons = append(reasons, fmt.Sprintf("%s's martech model is %s: %s.", o.Name, dash(o.InferredMartechModel), o.MartechReason))
		}
		if t := o.Transition; t != nil && t.Reason != "" {
			reasons = append(reasons, fmt.Sprintf("%s's transition: %s", o.Name, t.Reason))
		}
		for _, e := range o.ModelEvidence {
			units.Rows = append(units.Rows, row{Cells: []string{o.Name, e.Unit, string(e.UnitType), fmt.Sprint(e.Owns), fmt.Sprint(e.OwnsFoundational), fmt.Sprint(e.Operates)}})
		}
	}
	return section{Title: "Organization model", Level: 3, Text: reasons, Tables: []table{orgs, units}}
}

// transitionWords writes a transition: "Hybrid, martech JointVenture, by
// 2030-06-30 (Planned)".
func transitionWords(t *Transition) string {
	if t == nil {
		return "-"
	}
	target := t.Model
	if t.MartechModel != "" {
		target += ", martech " + t.MartechModel
	}
	return fmt.Sprintf("%s, by %s (%s)", target, t.By.Format(time.RFC3339), t.Phase)
}

func (ns *Namespace) sections() []section {
	plats := table{Columns: []string{"Platform", "Category", "Tier", "Owner", "Operators", "Personal data", "Privacy owner", "Steering committee", "Compliance", "Violations"}}
	for _, p := range ns.Platforms {
		plats.Rows = append(plats.Rows, row{Cells: []string{
			label(p.DisplayName, p.Name), p.Category, p.Tier, p.Owner, dash(strings.Join(p.Operators, ", ")), yesNo(p.PersonalData),
			p.PrivacyOwner, p.Committee, p.Compliance, fmt.Sprint(p.ViolationCount),
		}, Alert: p.Compliance == NonCompliant})
	}
	comms := table{Columns: []string{"Steering committee", "Members", "Covered functions", "Missing functions", "Governed platforms", "Compliance"}}
	for _, c := range ns.SteeringCommittees {
		comms.Rows = append(comms.Rows, row{Cells: []string{
			label(c.DisplayName, c.Name), dash(strings.Join(c.Members, ", ")), dash(strings.Join(c.CoveredFunctions, ", ")),
			dash(strings.Join(c.MissingFunctions, ", ")), fmt.Sprint(c.GovernedPlatforms), c.Compliance,
		}, Alert: len(c.MissingFunctions) > 0 || c.Compliance == NonCompliant})
	}
	teams := table{Columns: []string{"Team", "Function", "Type", "Parent", "Compliance", "Violations"}}
	for _, t := range ns.Teams {
		teams.Rows = append(teams.Rows, row{Cells: []string{label(t.DisplayName, t.Name), t.Function, t.Type, dash(t.Parent), t.Compliance, fmt.Sprint(t.ViolationCount)}, Alert: t.Compliance == NonCompliant})
	}
	findings := table{Columns: []string{"Object", "Severity", "Policy/rule", "Enforcement", "Message"}}
	for _, o := range ns.objects() {
		for _, v := range o.Violations {
			findings.Rows = append(findings.Rows, row{Cells: []string{o.Kind + "/" + o.Name, string(v.Severity), v.Policy + "/" + v.Rule, string(v.Enforcement), v.Message}, Alert: v.Enforcement == orgv1.EnforcementEnforce})
		}
		if more := o.ViolationCount - len(o.Violations); more > 0 {
			findings.Rows = append(findings.Rows, row{Cells: []string{o.Kind + "/" + o.Name, "", "", "", fmt.Sprintf("... and %d more (see the object's status.violationCount)", more)}})
		}
	}
	pols := table{Columns: []string{"Policy", "Enforcement", "Ready", "Rules (judged objects / violations)", "Stalled"}}
	for _, p := range ns.GovernancePolicies {
		var rules []string
		for _, r := range p.Rules {
			rules = append(rules, fmt.Sprintf("%s: %d / %d", r.Name, r.Evaluated, r.Violations))
		}
		pols.Rows = append(pols.Rows, row{Cells: []string{p.Name, p.Enforcement, p.Ready, dash(strings.Join(rules, ", ")), dash(p.Stalled)}, Alert: p.Stalled != ""})
	}
	return []section{
		ns.modelsSection(),
		{Title: "Platforms", Level: 3, Tables: []table{plats}},
		{Title: "Steering committees", Level: 3, Tables: []table{comms}},
		{Title: "Teams", Level: 3, Tables: []table{teams}},
		{Title: "Findings", Level: 3, Tables: []table{findings}},
		{Title: "Governance policies", Level: 3, Tables: []table{pols}},
		{Title: "Totals of namespace " + ns.Name, Level: 3, Text: unlistedNote(ns.Totals), Tables: totalsTables(ns.Totals)},
	}
}

// objects lists the namespace's judged objects in the engine's finding
// order: by kind, then name.
func (ns *Namespace) objects() []Object {
	var out []Object
	for _, o := range ns.Organizations {
		out = append(out, o.Object)
	}
	for _, o := range ns.Teams {
		out = append(out, o.Object)
	}
	for _, o := range ns.Platforms {
		out = append(out, o.Object)
	}
	for _, o := range ns.SteeringCommittees {
		out = append(out, o.Object)
	}
	return append(out, ns.ResponsibilityMatrices...)
}

func label(display, name string) string {
	if display == "" || display == name {
		return name
	}
	return display + " (" + name + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// WriteJSON writes the report as JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a terminal: underlined headings and
// aligned columns.
func WriteText(w io.Writer, r *Report) error {
	d := r.document()
	var b strings.Builder
	underline := func(s string, c string) { fmt.Fprintf(&b, "%s\n%s\n\n", s, strings.Repeat(c, len([]rune(s)))) }
	underline(strings.ToUpper(d.Title), "=")
	for _, m := range d.Meta {
		b.WriteString(m + "\n")
	}
	b.WriteString("\n")
	for _, s := range d.Sections {
		underline(s.Title, map[int]string{2: "=", 3: "-"}[s.Level])
		for _, t := range s.Text {
			b.WriteString(t + "\n\n")
		}
		for _, t := range s.Tables {
			if len(t.Rows) == 0 {
				b.WriteString("(none)\n\n")
				continue
			}
			tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, strings.ToUpper(strings.Join(t.Columns, "\t")))
			for _, r := range t.Rows {
				fmt.Fprintln(tw, strings.Join(r.Cells, "\t"))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// EscapeMarkdown escapes what Markdown would read as syntax in a table cell
// or a paragraph, so that names and messages show as written.
func EscapeMarkdown(s string) string { return markdownCell.Replace(s) }

// markdownCell escapes what Markdown would read as syntax in a table cell.
var markdownCell = strings.NewReplacer(`\`, `\\`, `|`, `\|`, `*`, `\*`, `_`, `\_`, "`", "\\`", `[`, `\[`, `]`, `\]`, `<`, `&lt;`, `>`, `&gt;`, "\n", " ")

// WriteMarkdown writes the report as GitHub-flavoured Markdown.
func WriteMarkdown(w io.Writer, r *Report) error {
	d := r.document()
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", markdownCell.Replace(d.Title))
	for _, m := range d.Meta {
		b.WriteString(markdownCell.Replace(m) + "\n\n")
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "%s %s\n\n", strings.Repeat("#", s.Level), markdownCell.Replace(s.Title))
		for _, t := range s.Text {
			b.WriteString(markdownCell.Replace(t) + "\n\n")
		}
		for _, t := range s.Tables {
			if len(t.Rows) == 0 {
				b.WriteString("_None._\n\n")
				continue
			}
			writeMarkdownRow(&b, t.Columns)
			b.WriteString("|" + strings.Repeat(" --- |", len(t.Columns)) + "\n")
			for _, r := range t.Rows {
				writeMarkdownRow(&b, r.Cells)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + markdownCell.Replace(c) + " |")
	}
	b.WriteString("\n")
}

// htmlPage is a complete, self-contained page; html/template escapes every
// value, names and messages included.
var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
h2 { border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr.alert td { background: #ffebe9; }
p.meta { color: #57606a; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Meta}}<p class="meta">{{.}}</p>
{{end}}{{range .Sections}}{{if eq .Level 2}}<h2>{{.Title}}</h2>{{else}}<h3>{{.Title}}</h3>{{end}}
{{range .Text}}<p>{{.}}</p>
{{end}}{{range .Tables}}{{if .Rows}}<table>
<thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Alert}} class="alert"{{end}}>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{else}}<p><em>None.</em></p>
{{end}}{{end}}{{end}}</body>
</html>
`))

// WriteHTML writes the report as a complete HTML page.
func WriteHTML(w io.Writer, r *Report) error {
	return htmlPage.Execute(w, r.document())
}
