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

// text is what a node says: its label, what it is, and its violations.
func (n *Node) text() []string {
	lines := []string{n.Label, n.Detail}
	if n.Label != n.Ref.Name {
		lines[1] = n.Ref.Name + " · " + n.Detail
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
// objects dashed and grey, violating ones red and bold.
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
	var violating, missing []string
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
	if len(violating) > 0 {
		fmt.Fprintf(&b, "  class %s violating\n", strings.Join(violating, ","))
	}
	if len(missing) > 0 {
		fmt.Fprintf(&b, "  class %s missing\n", strings.Join(missing, ","))
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
