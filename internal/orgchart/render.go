package orgchart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// style is how a format draws one kind of edge or node.
type style struct {
	dot      string // DOT attributes
	dotStyle string // a node's DOT style, to which a missing node adds dashed
	mermaid  string // Mermaid link, or node shape opening and closing
}

var edgeStyles = map[EdgeKind]style{
	ReportsTo:  {dot: `style=solid`, mermaid: `-->`},
	DottedLine: {dot: `style=dashed, label="dotted line"`, mermaid: `-. dotted line .->`},
	Owns:       {dot: `color="#1f5fbf", fontcolor="#1f5fbf", label="owns"`, mermaid: `-->|owns|`},
	Operates:   {dot: `color="#1f5fbf", fontcolor="#1f5fbf", style=dotted, label="operates"`, mermaid: `-.->|operates|`},
	Governs:    {dot: `color="#7a3fb0", fontcolor="#7a3fb0", label="governs"`, mermaid: `-->|governs|`},
	MemberOf:   {dot: `color="#2e7d32", fontcolor="#2e7d32", style=dashed, arrowhead=empty, label="member"`, mermaid: `-.->|member|`},
}

var nodeShapes = map[orgv1.Kind]style{
	orgv1.KindTeam:              {dot: `shape=box`, dotStyle: "rounded", mermaid: `(|)`},
	orgv1.KindPlatform:          {dot: `shape=cylinder`, mermaid: `[(|)]`},
	orgv1.KindSteeringCommittee: {dot: `shape=hexagon`, mermaid: `{{|}}`},
}

// unitAbbrev names unit types as the chart marks them.
var unitAbbrev = map[orgv1.UnitType]string{orgv1.UnitBusinessUnit: "BU", orgv1.UnitCenterOfExcellence: "CoE"}

// unitFills are the fills of the teams that head a unit.
var unitFills = map[orgv1.UnitType]style{
	orgv1.UnitBusinessUnit:       {dot: `fillcolor="#fff4d6"`, mermaid: "fill:#fff4d6"},
	orgv1.UnitCenterOfExcellence: {dot: `fillcolor="#e3f0ff"`, mermaid: "fill:#e3f0ff"},
}

// unitWords says which unit a team belongs to: "heads a BU unit", "in CoE
// unit moc", "in the central unit".
func (n *Node) unitWords() string {
	switch u := n.Unit; {
	case u.Type == orgv1.UnitCentral:
		return "in the central unit"
	case n.UnitHead():
		return "heads a " + unitAbbrev[u.Type] + " unit"
	default:
		return fmt.Sprintf("in %s unit %s", unitAbbrev[u.Type], u.Name(n.Ref.Namespace))
	}
}

// headOf is the type of the unit the node heads; empty when it heads none.
func (n *Node) headOf() orgv1.UnitType {
	if !n.UnitHead() {
		return ""
	}
	return n.Unit.Type
}

// text is what a node says: its label, what it is, its unit and whether it
// is the martech team, and its violations.
func (n *Node) text() []string {
	lines := []string{n.Label, n.Detail}
	if n.Label != n.Ref.Name {
		lines[1] = n.Ref.Name + " · " + n.Detail
	}
	if n.Unit != nil {
		lines = append(lines, n.unitWords())
	}
	if n.Martech != "" {
		lines = append(lines, "★ martech team · "+string(n.Martech))
	}
	if n.Violations > 0 {
		lines = append(lines, fmt.Sprintf("⚠ %d %s", n.Violations, plural(n.Violations, "violation")))
	}
	return lines
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// dotQuote writes s as a DOT quoted string. Backslashes are doubled because
// Graphviz reads escapes such as \N and \l in labels.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", ``)
	return `"` + r.Replace(s) + `"`
}

// WriteDOT writes the chart in Graphviz DOT: a cluster per namespace, teams
// as rounded boxes, platforms as cylinders, committees as hexagons, missing
// objects dashed and grey, violating ones red and bold, the heads of units
// filled (business units amber, centers of excellence blue) and the
// martech team with a double border.
func WriteDOT(w io.Writer, c *Chart) error {
	var b strings.Builder
	b.WriteString("digraph orgplane {\n")
	b.WriteString("  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, labeljust=l];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, ns := range c.Namespaces {
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n", dotQuote("cluster_"+ns.Name), dotQuote(ns.Label))
		if ns.Violating {
			b.WriteString("    color=red; fontcolor=red; penwidth=2;\n")
		}
		for _, n := range ns.Nodes {
			shape := nodeShapes[n.Ref.Kind]
			attrs := []string{"label=" + dotQuote(strings.Join(n.text(), "\n")), shape.dot}
			styles := []string{shape.dotStyle}
			switch {
			case n.Missing:
				styles = append(styles, "dashed")
				attrs = append(attrs, `color=gray50, fontcolor=gray40`)
			case n.Violations > 0:
				attrs = append(attrs, `color=red, fontcolor=red, penwidth=2.5`)
			}
			if fill, ok := unitFills[n.headOf()]; ok {
				styles = append(styles, "filled")
				attrs = append(attrs, fill.dot)
			}
			if n.Martech != "" {
				attrs = append(attrs, "peripheries=2")
			}
			if style := strings.Trim(strings.Join(styles, ","), ","); style != "" {
				attrs = append(attrs, "style="+dotQuote(style))
			}
			fmt.Fprintf(&b, "    %s [%s];\n", dotQuote(n.ID), strings.Join(attrs, ", "))
		}
		b.WriteString("  }\n")
	}
	for _, e := range c.Edges {
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", dotQuote(e.From), dotQuote(e.To), edgeStyles[e.Kind].dot)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes a label for Mermaid, which reads quotes and angle
// brackets in labels as syntax and HTML.
func mermaidText(lines []string) string {
	r := strings.NewReplacer(`"`, "#quot;", "&", "#amp;", "<", "#lt;", ">", "#gt;", "\n", " ")
	for i, l := range lines {
		lines[i] = r.Replace(l)
	}
	return `"` + strings.Join(lines, "<br/>") + `"`
}

// WriteMermaid writes the chart as a Mermaid flowchart, for Markdown
// renderers (GitHub, GitLab) that draw Mermaid blocks. Node ids are
// generated, since object names may hold dots and other characters that
// Mermaid ids cannot.
func WriteMermaid(w io.Writer, c *Chart) error {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	ids := map[string]string{}
	var violating, missing, martech []string
	heads := map[orgv1.UnitType][]string{}
	for i, ns := range c.Namespaces {
		fmt.Fprintf(&b, "  subgraph ns%d[%s]\n", i, mermaidText([]string{ns.Label}))
		for _, n := range ns.Nodes {
			id := "n" + strconv.Itoa(len(ids))
			ids[n.ID] = id
			opening, closing, _ := strings.Cut(nodeShapes[n.Ref.Kind].mermaid, "|")
			fmt.Fprintf(&b, "    %s%s%s%s\n", id, opening, mermaidText(n.text()), closing)
			switch {
			case n.Missing:
				missing = append(missing, id)
			case n.Violations > 0:
				violating = append(violating, id)
			}
			if t := n.headOf(); t != "" {
				heads[t] = append(heads[t], id)
			}
			if n.Martech != "" {
				martech = append(martech, id)
			}
		}
		b.WriteString("  end\n")
		if ns.Violating {
			fmt.Fprintf(&b, "  style ns%d stroke:#d00,stroke-width:2px\n", i)
		}
	}
	for _, e := range c.Edges {
		fmt.Fprintf(&b, "  %s %s %s\n", ids[e.From], edgeStyles[e.Kind].mermaid, ids[e.To])
	}
	b.WriteString("  classDef violating stroke:#d00,stroke-width:3px,color:#d00\n")
	b.WriteString("  classDef missing stroke:#888,stroke-dasharray:4 3,color:#666\n")
	fmt.Fprintf(&b, "  classDef bu %s\n  classDef coe %s\n", unitFills[orgv1.UnitBusinessUnit].mermaid, unitFills[orgv1.UnitCenterOfExcellence].mermaid)
	b.WriteString("  classDef martech stroke-width:4px,font-weight:bold\n")
	for _, c := range []struct {
		ids   []string
		class string
	}{{violating, "violating"}, {missing, "missing"}, {heads[orgv1.UnitBusinessUnit], "bu"}, {heads[orgv1.UnitCenterOfExcellence], "coe"}, {martech, "martech"}} {
		if len(c.ids) > 0 {
			fmt.Fprintf(&b, "  class %s %s\n", strings.Join(c.ids, ","), c.class)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ErrNoGraphviz is returned by WriteSVG when Graphviz is not installed.
var ErrNoGraphviz = errors.New(`-o svg needs the "dot" command of Graphviz, which is not on the PATH: ` +
	`install Graphviz (Debian and Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; macOS: brew install graphviz), ` +
	`or write -o dot and render it with any Graphviz tool`)

// WriteSVG renders the chart to SVG with Graphviz's dot.
func WriteSVG(ctx context.Context, w io.Writer, c *Chart) error {
	dot, err := exec.LookPath("dot")
	if err != nil {
		return ErrNoGraphviz
	}
	var src, stderr bytes.Buffer
	if err := WriteDOT(&src, c); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, dot, "-Tsvg")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &src, w, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("dot -Tsvg: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
