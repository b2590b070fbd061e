package audit

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// judged sets the status the controller writes on an evaluated object.
func judged(o orgv1.Judged, vs ...orgv1.Violation) {
	o.SetGeneration(1)
	o.CommonStatus().ObservedGeneration = 1
	compliant := metav1.ConditionTrue
	if len(vs) > 0 {
		compliant = metav1.ConditionFalse
	}
	o.CommonStatus().Conditions = []metav1.Condition{
		{Type: orgv1.ConditionReady, Status: metav1.ConditionTrue},
		{Type: orgv1.ConditionCompliant, Status: compliant},
	}
	o.Judgement().Violations = vs
	o.Judgement().ViolationCount = int32(len(vs))
}

func violation(sev orgv1.Severity, pol, rule, msg string) orgv1.Violation {
	return orgv1.Violation{Policy: pol, Rule: rule, Severity: sev, Enforcement: orgv1.EnforcementAudit, Message: msg}
}

// graph is a namespace as the controller leaves it: statuses written, one
// object not evaluated yet, one with more violations than its status lists,
// and names that markup would read as syntax.
func graph(t *testing.T) policy.Graph {
	t.Helper()
	org := builders.MakeOrganization("acme", "acme").DisplayName("Acme <script>alert(1)</script>").Model(orgv1.ModelCentralized).Obj()
	judged(org, violation(orgv1.SeverityMedium, "gov", "model", `organization "acme": spec.model: declared "Centralized" but platform ownership shows "Hybrid"`))
	org.Status.InferredModel = orgv1.ModelHybrid
	org.Spec.MartechModel, org.Spec.Transition = orgv1.MartechEmbedded, &orgv1.Transition{
		Model: orgv1.ModelHybrid, MartechModel: orgv1.MartechJointVenture, By: metav1.NewTime(now.Add(48 * time.Hour)), Reason: "IT joins the CoE"}
	org.Status.ModelReason = `CenterOfExcellence "coe" owns 1 platform (none Foundational); BusinessUnit "eu/emea" operates 1`
	org.Status.ModelEvidence = []orgv1.ModelEvidence{{Unit: "coe", UnitType: orgv1.UnitCenterOfExcellence, Owns: 1}, {Unit: "eu/emea", UnitType: orgv1.UnitBusinessUnit, Operates: 1}}
	org.Status.InferredMartechModel, org.Status.MartechTeam = orgv1.MartechEmbedded, "coe"
	org.Status.MartechReason = `team "coe" owns the most marketing platforms (1 of 1); it has function Marketing and is not on the IT side`
	org.Status.Transition = &orgv1.TransitionStatus{Phase: orgv1.TransitionPlanned, By: org.Spec.Transition.By}
	coe := builders.MakeTeam("coe", "acme").DisplayName("Marketing | Ops").Function("Marketing").Type("CenterOfExcellence").Obj()
	judged(coe)
	legal := builders.MakeTeam("legal", "acme").Function("Legal").Parent("coe").
		Generation(2).Obj() // changed since the controller last looked
	cdp := builders.MakePlatform("cdp", "acme").Category("CDP").Owner("coe").Operators("eu/emea").Committee("steer").
		PersonalData("GDPR").PrivacyOwner(builders.Person("Élodie", "legal")).Obj()
	judged(cdp)
	crm := builders.MakePlatform("crm", "acme").Owner("bi-team").Obj()
	judged(crm,
		violation(orgv1.SeverityHigh, "builtin", "integrity", `platform "crm": spec.ownerRef: team "bi-team" not found`),
		violation(orgv1.SeverityHigh, "gov", "owned", `platform "crm": spec.ownerRef: owner team "bi-team" not found`))
	crm.Status.ViolationCount = 60 // as if 58 more were beyond the listed maximum
	steer := builders.MakeSteeringCommittee("steer", "acme").Members("coe").Obj()
	judged(steer, violation(orgv1.SeverityMedium, "gov", "coverage", `steering committee "steer": spec.members: no member team covers IT`))
	steer.Status.CoveredFunctions, steer.Status.MissingFunctions, steer.Status.GovernedPlatforms = []string{"Marketing"}, []string{"IT", "Sales|Support"}, 1
	gp := builders.MakeGovernancePolicy("gov", "acme").Enforcement(orgv1.EnforcementAudit).Obj()
	gp.Status.Rules = []orgv1.RuleStatus{{Name: "owned", Evaluated: 2, Violations: 1}}
	gp.Status.Conditions = []metav1.Condition{{Type: orgv1.ConditionReady, Status: metav1.ConditionFalse}, {Type: orgv1.ConditionStalled, Status: metav1.ConditionTrue, Message: `rule "x": cel.expression: ERROR`}}
	g, err := policy.NewMemoryGraph(org, coe, legal, cdp, crm, steer, gp)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestBuild(t *testing.T) {
	r := Build(graph(t), "namespace acme", now)
	ns := r.Namespaces[0]
	type platform struct{ Name, Owner, Operators, PrivacyOwner, Committee, Compliance string }
	var plats []platform
	for _, p := range ns.Platforms {
		plats = append(plats, platform{p.Name, p.Owner, strings.Join(p.Operators, ","), p.PrivacyOwner, p.Committee, p.Compliance})
	}
	if diff := cmp.Diff([]platform{
		{"cdp", "coe", "eu/emea", "Élodie (legal)", "steer", Compliant},
		{"crm", "bi-team", "", "-", "-", NonCompliant},
	}, plats); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
	if c := ns.SteeringCommittees[0]; !cmp.Equal(c.MissingFunctions, []string{"IT", "Sales|Support"}) || c.GovernedPlatforms != 1 || c.Compliance != NonCompliant {
		t.Errorf("committee %+v", c)
	}
	if got := []string{ns.Teams[0].Compliance, ns.Teams[1].Compliance}; !cmp.Equal(got, []string{Compliant, Pending}) {
		t.Errorf("team compliance %v: a changed team is Pending", got)
	}
	if diff := cmp.Diff(Organization{
		Object:        Object{Kind: "Organization", Name: "acme", Status: status(graph(t).Organizations("acme")[0])},
		DisplayName:   "Acme <script>alert(1)</script>",
		DeclaredModel: "Centralized", InferredModel: "Hybrid",
		ModelReason:   `CenterOfExcellence "coe" owns 1 platform (none Foundational); BusinessUnit "eu/emea" operates 1`,
		ModelEvidence: []orgv1.ModelEvidence{{Unit: "coe", UnitType: "CenterOfExcellence", Owns: 1}, {Unit: "eu/emea", UnitType: "BusinessUnit", Operates: 1}},
		MartechModel:  "Embedded", InferredMartechModel: "Embedded", MartechTeam: "coe",
		MartechReason: `team "coe" owns the most marketing platforms (1 of 1); it has function Marketing and is not on the IT side`,
		Transition:    &Transition{Model: "Hybrid", MartechModel: "JointVenture", By: now.Add(48 * time.Hour), Reason: "IT joins the CoE", Phase: "Planned"},
	}, ns.Organizations[0]); diff != "" {
		t.Errorf("organization (-want +got):\n%s", diff)
	}
	want := Totals{Objects: 6, NonCompliant: 3, Pending: 1, Violations: 62, Unlisted: 58,
		Counts: policy.Counts{BySeverity: map[orgv1.Severity]int{"High": 2, "Medium": 2}, ByPolicy: map[string]int{"builtin": 1, "gov": 3}}}
	if diff := cmp.Diff(want, r.Totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if p := ns.GovernancePolicies[0]; p.Ready != "False" || p.Stalled == "" {
		t.Errorf("policy %+v", p)
	}
}

func render(t *testing.T, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Formats[format](&b, Build(graph(t), "namespace acme", now)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestJSON(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(render(t, "json")))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Build(graph(t), "namespace acme", now), &r); diff != "" {
		t.Errorf("JSON round trip (-built +decoded):\n%s", diff)
	}
}

func TestHTML(t *testing.T) {
	page := render(t, "html")
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var title string
	var scripts, tables, alerts int
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "title":
				title = n.FirstChild.Data
			case "script":
				scripts++
			case "table":
				tables++
			case "tr":
				for _, a := range n.Attr {
					if a.Key == "class" && a.Val == "alert" {
						alerts++
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || title != "orgplane audit report" {
		t.Errorf("not a complete page: title %q", title)
	}
	if scripts != 0 || !strings.Contains(page, "Acme &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("a display name was not escaped")
	}
	if tables < 8 || alerts == 0 {
		t.Errorf("%d tables, %d alert rows", tables, alerts)
	}
}

// TestMarkdown parses the Markdown as GitHub does (CommonMark with GFM
// tables) and checks the headings, that each table row has its header's
// cells, no more and no fewer (the parser would pad or drop them silently),
// that a pipe in a value stays inside its cell, and that no value reads as
// raw HTML.
func TestMarkdown(t *testing.T) {
	src := []byte(render(t, "markdown"))
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(src))
	// inline is the text of a node's inlines, as a reader sees it.
	var inline func(ast.Node) string
	inline = func(n ast.Node) string {
		var b strings.Builder
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text: // escapes and entities as the HTML renderer reads them
				b.Write(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(c.Value(src)))))
			case *ast.String:
				b.Write(c.Value)
			default:
				b.WriteString(inline(c))
			}
		}
		return b.String()
	}
	headings := map[string]int{}
	var tables, rawHTML int
	var cells []string
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings[inline(n)] = n.Level
		case *ast.RawHTML, *ast.HTMLBlock:
			rawHTML++
		case *east.Table:
			tables++
			header := n.FirstChild().(*east.TableHeader)
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				var last text.Segment
				for c := row.FirstChild(); c != nil; c = c.NextSibling() {
					if c.Lines().Len() == 0 { // padded by the parser
						t.Errorf("table %d: a row has fewer cells than its header's %d: %q", tables, header.ChildCount(), lineAt(src, row))
						break
					}
					last = c.Lines().At(0)
					cells = append(cells, inline(c))
				}
				// What follows the last cell on the line is its closing pipe, or cells the parser dropped.
				if rest := strings.TrimSpace(lineAt(src, row)[last.Stop-lineStart(src, row):]); rest != "|" {
					t.Errorf("table %d: a row has more cells than its header's %d: %q", tables, header.ChildCount(), lineAt(src, row))
				}
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for title, level := range map[string]int{"orgplane audit report": 1, "Namespace acme": 2, "Platforms": 3} {
		if headings[title] != level {
			t.Errorf("no level-%d heading %q in %v", level, title, headings)
		}
	}
	if tables < 8 {
		t.Errorf("%d tables", tables)
	}
	if !slices.Contains(cells, "Marketing | Ops (coe)") || !slices.Contains(cells, "IT, Sales|Support") {
		t.Errorf("a pipe in a value split its cell: cells %q", cells)
	}
	if rawHTML != 0 || !slices.Contains(cells, "Acme <script>alert(1)</script> (acme)") {
		t.Errorf("%d raw HTML nodes: a display name was not escaped", rawHTML)
	}
}

// lineStart is where the source line of a table row starts.
func lineStart(src []byte, row ast.Node) int {
	return bytes.LastIndexByte(src[:row.Pos()+1], '\n') + 1
}

// lineAt is the source line of a table row.
func lineAt(src []byte, row ast.Node) string {
	line := src[lineStart(src, row):]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return string(line)
}

func TestText(t *testing.T) {
	txt := render(t, "text")
	for _, want := range []string{
		"ORGPLANE AUDIT REPORT\n=====================",
		"6 objects: 3 non-compliant, 1 pending evaluation; 62 violations.",
		"58 violations beyond the 50 listed per object",
		"Platform/crm  ",
		"... and 58 more",
		`acme is Hybrid: CenterOfExcellence "coe" owns 1 platform (none Foundational); BusinessUnit "eu/emea" operates 1.`,
		`acme's martech model is Embedded: team "coe" owns the most marketing platforms (1 of 1); it has function Marketing and is not on the IT side.`,
		"acme's transition: IT joins the CoE",
		"Hybrid, martech JointVenture, by 2026-03-03T12:00:00Z (Planned)",
		"ORGANIZATION  UNIT     UNIT TYPE           OWNS  FOUNDATIONAL  OPERATES\nacme          coe      CenterOfExcellence  1     0             0\nacme          eu/emea  BusinessUnit        0     0             1\n", //nolint:dupword // the columns UNIT and UNIT TYPE
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("no %q in:\n%s", want, txt)
		}
	}
}
