package orgchart

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awalterschulze/gographviz"
	"github.com/google/go-cmp/cmp"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

// chart draws an organization whose names need quoting (dots), whose display
// names hold quotes, backslashes, angle brackets and other scripts, with a
// dangling reference of each kind and a cross-namespace one.
func chart(t *testing.T) *Chart {
	t.Helper()
	g, err := policy.NewMemoryGraph(
		builders.MakeOrganization("acme", "acme").DisplayName(`Acmé "Retail" <Group>`).Obj(),
		builders.MakeTeam("exec", "acme").DisplayName(`C:\Suite`).Function("Executive").Obj(),
		builders.MakeTeam("marketing.coe", "acme").DisplayName("Équipe Marketing").Type("CenterOfExcellence").
			Parent("exec").DottedLines("corp/data").Obj(),
		builders.MakeTeam("bu", "acme").Function("Sales").Type("BusinessUnit").Parent("ghost").Obj(),
		builders.MakeTeam("data", "corp").DisplayName("データ").Function("Data").Obj(),
		builders.MakePlatform("cdp", "acme").Category("CDP").Tier(orgv1.TierFoundational).
			Owner("marketing.coe").Operators("bu").Committee("steer").Obj(),
		builders.MakePlatform("crm", "acme").Owner("bi-team").Committee("nobody").Obj(),
		builders.MakeSteeringCommittee("steer", "acme").Members("exec", "corp/data", "exec").Obj(),
	)
	if err != nil {
		t.Fatal(err)
	}
	violations := map[policy.ObjectRef]int{
		{Kind: orgv1.KindPlatform, Namespace: "acme", Name: "crm"}:      2,
		{Kind: orgv1.KindTeam, Namespace: "acme", Name: "bu"}:           1,
		{Kind: orgv1.KindOrganization, Namespace: "acme", Name: "acme"}: 1,
	}
	martech := MartechTeams{{Kind: orgv1.KindTeam, Namespace: "acme", Name: "marketing.coe"}: orgv1.MartechEmbedded}
	return Build(g, func(r policy.ObjectRef) int { return violations[r] }, martech)
}

func TestBuild(t *testing.T) {
	c := chart(t)
	var nodes []string
	for _, ns := range c.Namespaces {
		for _, n := range ns.Nodes {
			s := n.ID
			if n.Missing {
				s += " missing"
			}
			if n.Violations > 0 {
				s += " violating"
			}
			nodes = append(nodes, s)
		}
	}
	want := []string{
		"Team/acme/bu violating", "Team/acme/exec", "Team/acme/marketing.coe", "Platform/acme/cdp", "Platform/acme/crm violating",
		"SteeringCommittee/acme/steer", "Team/acme/ghost missing", "Team/acme/bi-team missing", "SteeringCommittee/acme/nobody missing",
		"Team/corp/data",
	}
	if diff := cmp.Diff(want, nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	var edges []string
	for _, e := range c.Edges {
		edges = append(edges, e.From+" "+string(e.Kind)+" "+e.To)
	}
	wantEdges := []string{
		"Team/acme/ghost reports-to Team/acme/bu",
		"Team/acme/exec reports-to Team/acme/marketing.coe",
		"Team/corp/data dotted-line Team/acme/marketing.coe",
		"Team/acme/marketing.coe owns Platform/acme/cdp",
		"Team/acme/bu operates Platform/acme/cdp",
		"SteeringCommittee/acme/steer governs Platform/acme/cdp",
		"Team/acme/bi-team owns Platform/acme/crm",
		"SteeringCommittee/acme/nobody governs Platform/acme/crm",
		"Team/acme/exec member-of SteeringCommittee/acme/steer", // once, though listed twice
		"Team/corp/data member-of SteeringCommittee/acme/steer",
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if !c.Namespaces[0].Violating || c.Namespaces[0].Label != `Acmé "Retail" <Group> (namespace acme) · Hybrid` {
		t.Errorf("namespace acme: %+v", c.Namespaces[0])
	}
	// Each declared team says its unit; the martech team says so.
	var marks []string
	for _, ns := range c.Namespaces {
		for _, n := range ns.Nodes {
			if n.Ref.Kind == orgv1.KindTeam && !n.Missing {
				marks = append(marks, n.ID+": "+strings.Join(n.text()[2:], " | "))
			}
		}
	}
	wantMarks := []string{
		"Team/acme/bu: heads a BU unit | ⚠ 1 violation",
		"Team/acme/exec: in the central unit",
		"Team/acme/marketing.coe: heads a CoE unit | ★ martech team · Embedded",
		"Team/corp/data: in the central unit",
	}
	if diff := cmp.Diff(wantMarks, marks); diff != "" {
		t.Errorf("units and martech team (-want +got):\n%s", diff)
	}
}

func TestDOTParses(t *testing.T) {
	c := chart(t)
	var b bytes.Buffer
	if err := WriteDOT(&b, c); err != nil {
		t.Fatal(err)
	}
	ast, err := gographviz.ParseString(b.String())
	if err != nil {
		t.Fatalf("DOT does not parse: %v\n%s", err, b.String())
	}
	g := gographviz.NewGraph()
	if err := gographviz.Analyse(ast, g); err != nil {
		t.Fatal(err)
	}
	for _, ns := range c.Namespaces {
		for _, n := range ns.Nodes {
			node := g.Nodes.Lookup[dotQuote(n.ID)]
			if node == nil {
				t.Fatalf("node %s not in the parsed graph", n.ID)
			}
			if got, want := node.Attrs["color"] == "red", n.Violations > 0 && !n.Missing; got != want {
				t.Errorf("%s: red %v, want %v", n.ID, got, want)
			}
			if !g.IsNode(dotQuote(n.ID)) || !g.Relations.ParentToChildren[dotQuote("cluster_"+ns.Name)][dotQuote(n.ID)] {
				t.Errorf("%s is not in the cluster of namespace %s", n.ID, ns.Name)
			}
		}
	}
	if len(g.Edges.Edges) != len(c.Edges) {
		t.Errorf("%d edges parsed, want %d", len(g.Edges.Edges), len(c.Edges))
	}
	// Labels come back as written: quotes and backslashes escaped.
	if got := g.Nodes.Lookup[dotQuote("Team/acme/exec")].Attrs["label"]; got != `"C:\\Suite\nexec · Team · Executive · Department\nin the central unit"` {
		t.Errorf("label %s", got)
	}
	// Heads of units are filled, the martech team doubly bordered.
	coe, bu := g.Nodes.Lookup[dotQuote("Team/acme/marketing.coe")].Attrs, g.Nodes.Lookup[dotQuote("Team/acme/bu")].Attrs
	if coe["fillcolor"] != `"#e3f0ff"` || coe["style"] != `"rounded,filled"` || coe["peripheries"] != "2" || bu["fillcolor"] != `"#fff4d6"` {
		t.Errorf("marketing.coe %v, bu %v", coe, bu)
	}
	if got := g.SubGraphs.SubGraphs[dotQuote("cluster_acme")].Attrs["label"]; got != `"Acmé \"Retail\" <Group> (namespace acme) · Hybrid"` {
		t.Errorf("cluster label %s", got)
	}
	dashed := 0
	for _, e := range g.Edges.Edges {
		if e.Attrs["style"] == "dashed" && e.Attrs["label"] == `"dotted line"` {
			dashed++
		}
	}
	if dashed != 1 {
		t.Errorf("%d dashed dotted-line edges, want 1", dashed)
	}
}

// needTool stops a test whose outside tool is missing (repo.NeedTool),
// naming `make test-tools`, which installs them.
func needTool(t *testing.T, missing string) {
	t.Helper()
	repo.NeedTool(t, missing, "test-tools")
}

// parseMermaid runs the official Mermaid parser (hack/mermaid/parse.mjs, on
// the packages that `make test-tools` installs into bin/mermaid) on src with
// args, returning what it printed and, when src does not parse, its error.
func parseMermaid(t *testing.T, src string, args ...string) (string, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		needTool(t, "Node.js (node) is not on the PATH")
	}
	root := repo.Root()
	if _, err := os.Stat(filepath.Join(root, "bin", "mermaid", "node_modules", "mermaid", "package.json")); err != nil {
		needTool(t, "the Mermaid parser is not installed in bin/mermaid")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(node, append([]string{filepath.Join(root, "hack", "mermaid", "parse.mjs")}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(src), &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if exit := (*exec.ExitError)(nil); errors.As(err, &exit) && exit.ExitCode() == 1 {
			return stdout.String(), errors.New(strings.TrimSpace(stderr.String()))
		}
		t.Fatalf("parse.mjs: %v\n%s", err, stderr.String())
	}
	return stdout.String(), nil
}

// mermaidFlowchart is what parse.mjs --json prints: what the parser read,
// labels as a reader sees them.
type mermaidFlowchart struct {
	DiagramType string
	Nodes       []struct {
		ID, Shape, Text string
		Classes, Styles []string
	}
	Edges []struct {
		From, To, Type, Stroke, Text string
	}
	Subgraphs []struct {
		ID, Title string
		Nodes     []string
	}
	ClassDefs []string
}

// TestMermaidParses parses the flowchart with the official Mermaid parser and
// checks what it read against the chart: each node once, in its namespace's
// subgraph, with its shape, class and label (quotes, backslashes, angle
// brackets and other scripts shown as written), and each edge with its style.
func TestMermaidParses(t *testing.T) {
	c := chart(t)
	var b bytes.Buffer
	if err := WriteMermaid(&b, c); err != nil {
		t.Fatal(err)
	}
	out, err := parseMermaid(t, b.String(), "--json")
	if err != nil {
		t.Fatalf("Mermaid does not parse: %v\n%s", err, b.String())
	}
	var got mermaidFlowchart
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("parse.mjs --json: %v\n%s", err, out)
	}
	if got.DiagramType != "flowchart-v2" {
		t.Errorf("diagram type %q", got.DiagramType)
	}
	if len(got.Subgraphs) != len(c.Namespaces) {
		t.Fatalf("%d subgraphs for %d namespaces:\n%s", len(got.Subgraphs), len(c.Namespaces), b.String())
	}
	// The parser's nodes by label; a style statement on a subgraph reads as
	// a node of the subgraph's id.
	subgraphStyles := map[string][]string{}
	for _, s := range got.Subgraphs {
		subgraphStyles[s.ID] = nil
	}
	byText := map[string]string{}
	shapes, classes := map[string]string{}, map[string]string{}
	for _, n := range got.Nodes {
		if _, ok := subgraphStyles[n.ID]; ok {
			subgraphStyles[n.ID] = n.Styles
			continue
		}
		if _, dup := byText[n.Text]; dup {
			t.Errorf("two nodes labelled %q", n.Text)
		}
		byText[n.Text], shapes[n.ID], classes[n.ID] = n.ID, n.Shape, strings.Join(n.Classes, " ")
	}
	wantShapes := map[orgv1.Kind]string{orgv1.KindTeam: "round", orgv1.KindPlatform: "cylinder", orgv1.KindSteeringCommittee: "hexagon"}
	ids := map[string]string{} // chart node id -> Mermaid node id
	for i, ns := range c.Namespaces {
		sub := got.Subgraphs[i]
		if sub.Title != ns.Label {
			t.Errorf("subgraph %s titled %q, want %q", sub.ID, sub.Title, ns.Label)
		}
		if red := slices.Contains(subgraphStyles[sub.ID], "stroke:#d00"); red != ns.Violating {
			t.Errorf("subgraph %s (namespace %s): red %v, want %v", sub.ID, ns.Name, red, ns.Violating)
		}
		var members []string
		for _, n := range ns.Nodes {
			label := strings.Join(n.text(), "\n")
			id, ok := byText[label]
			if !ok {
				t.Errorf("%s: no node labelled %q", n.ID, label)
				continue
			}
			ids[n.ID] = id
			members = append(members, id)
			var want []string
			switch {
			case n.Violations > 0 && !n.Missing:
				want = append(want, "violating")
			case n.Missing:
				want = append(want, "missing")
			}
			if n.UnitHead() {
				want = append(want, map[orgv1.UnitType]string{orgv1.UnitBusinessUnit: "bu", orgv1.UnitCenterOfExcellence: "coe"}[n.Unit.Type])
			}
			if n.Martech != "" {
				want = append(want, "martech")
			}
			if class := strings.Join(want, " "); shapes[id] != wantShapes[n.Ref.Kind] || classes[id] != class {
				t.Errorf("%s: shape %q, class %q; want %q, %q", n.ID, shapes[id], classes[id], wantShapes[n.Ref.Kind], class)
			}
		}
		slices.Sort(members)
		slices.Sort(sub.Nodes)
		if diff := cmp.Diff(members, sub.Nodes); diff != "" {
			t.Errorf("subgraph %s (namespace %s) nodes (-want +got):\n%s", sub.ID, ns.Name, diff)
		}
	}
	// No node beyond the chart's: an edge to an undeclared id would add one.
	if len(byText) != len(ids) {
		t.Errorf("%d nodes parsed, want %d:\n%s", len(byText), len(ids), b.String())
	}
	links := map[EdgeKind]string{ReportsTo: "normal ", DottedLine: "dotted dotted line", Owns: "normal owns",
		Operates: "dotted operates", Governs: "normal governs", MemberOf: "dotted member"}
	var wantEdges, gotEdges []string
	for _, e := range c.Edges {
		wantEdges = append(wantEdges, ids[e.From]+" "+ids[e.To]+" arrow_point "+links[e.Kind])
	}
	for _, e := range got.Edges {
		gotEdges = append(gotEdges, e.From+" "+e.To+" "+e.Type+" "+e.Stroke+" "+e.Text)
	}
	if diff := cmp.Diff(wantEdges, gotEdges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if !slices.Contains(got.ClassDefs, "violating") || !slices.Contains(got.ClassDefs, "missing") || !slices.Contains(got.ClassDefs, "martech") {
		t.Errorf("class definitions %q", got.ClassDefs)
	}
}

// TestMermaidParserRejects shows that the parser check has teeth: the
// flowchart, broken in ways a writer bug would break it, does not parse.
func TestMermaidParserRejects(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMermaid(&b, chart(t)); err != nil {
		t.Fatal(err)
	}
	src := b.String()
	for name, broken := range map[string]string{
		"unclosed node":     strings.Replace(src, `Foundational")]`, `Foundational"`, 1),
		"bogus arrow":       strings.Replace(src, " --> ", " -~> ", 1),
		"unescaped quote":   strings.Replace(src, "#quot;Retail#quot;", `"Retail"`, 1),
		"unclosed subgraph": strings.Replace(src, "  end\n", "", 1),
	} {
		t.Run(name, func(t *testing.T) {
			if broken == src {
				t.Fatal("the flowchart changed: update the breakage")
			}
			if _, err := parseMermaid(t, broken); err == nil || !strings.Contains(err.Error(), "Parse error") {
				t.Errorf("parsed (err %v):\n%s", err, broken)
			}
		})
	}
}

func TestSVG(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		needTool(t, "Graphviz's dot is not on the PATH (Debian package graphviz)")
	}
	var b bytes.Buffer
	if err := WriteSVG(context.Background(), &b, chart(t)); err != nil {
		t.Fatal(err)
	}
	var svg struct {
		XMLName xml.Name
		Titles  []string `xml:"g>g>title"`
	}
	if err := xml.Unmarshal(b.Bytes(), &svg); err != nil {
		t.Fatalf("SVG does not parse: %v", err)
	}
	if svg.XMLName.Local != "svg" || !slices.Contains(svg.Titles, "Team/acme/marketing.coe") {
		t.Errorf("root %s, titles %q", svg.XMLName.Local, svg.Titles)
	}
}

func TestSVGWithoutGraphviz(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := WriteSVG(context.Background(), &bytes.Buffer{}, chart(t))
	if !errors.Is(err, ErrNoGraphviz) {
		t.Fatalf("err = %v, want ErrNoGraphviz", err)
	}
	for _, want := range []string{`"dot"`, "Graphviz", "apt-get install graphviz", "-o dot"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not say %q: %v", want, err)
		}
	}
}
