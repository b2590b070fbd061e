package whatif

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

var update = flag.Bool("update", false, "rewrite the golden outputs in testdata")

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func load(t *testing.T, deletions bool, paths ...string) []metav1.Object {
	t.Helper()
	opts := manifest.Options{Namespace: "acme-retail"}
	if deletions {
		opts.DeleteAnnotation = DeleteAnnotation
	}
	set, err := manifest.Load(paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []metav1.Object
	for _, o := range set.Objects {
		out = append(out, o.Object)
	}
	return out
}

func graph(t *testing.T, objs []metav1.Object) *policy.MemoryGraph {
	t.Helper()
	g, err := policy.NewMemoryGraph(objs...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// samplesProposal compares config/samples with testdata/proposal.yaml laid
// over them.
func samplesProposal(t *testing.T) *Result {
	t.Helper()
	base := load(t, false, repo.Path("config", "samples"))
	proposal := load(t, true, filepath.Join("testdata", "proposal.yaml"))
	e, err := policy.NewEngine(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Compare(e, graph(t, base), graph(t, Apply(base, proposal)), now)
}

func TestApply(t *testing.T) {
	team := func(name, fn string, ann map[string]string) metav1.Object {
		return &orgv1.Team{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: name, Annotations: ann}, Spec: orgv1.TeamSpec{Function: orgv1.TeamFunction(fn)}}
	}
	platform := &orgv1.Platform{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "it"}}
	base := []metav1.Object{team("it", "IT", nil), team("tiger", "Digital", nil), platform}
	proposal := []metav1.Object{team("it", "Data", nil), team("tiger", "", map[string]string{DeleteAnnotation: "delete"}), team("new", "Sales", nil),
		team("ghost", "", map[string]string{DeleteAnnotation: "delete"})}
	var got []string
	for _, o := range Apply(base, proposal) {
		k, _ := orgv1.KindOf(o)
		s := string(k) + "/" + o.GetName()
		if tm, ok := o.(*orgv1.Team); ok {
			s += " " + string(tm.Spec.Function)
		}
		got = append(got, s)
	}
	// The platform of the team's name stays: kinds differ. Deleting what the
	// base lacks deletes nothing.
	if diff := cmp.Diff([]string{"Platform/it", "Team/it Data", "Team/new Sales"}, got); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
}

// TestGolden holds each format's output for the samples and the proposal
// to testdata (go test -run TestGolden -update rewrites them).
func TestGolden(t *testing.T) {
	r := samplesProposal(t)
	for format, ext := range map[string]string{"text": "txt", "markdown": "md", "json": "json"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Formats[format](&b, r); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", "proposal."+ext)
			if *update {
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-golden +got):\n%s", file, diff)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, samplesProposal(t)); err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"models", "added", "cleared", "coverage", "owners", "summary"} {
		if _, ok := got[key]; !ok {
			t.Errorf("no %q in %s", key, b.String())
		}
	}
	var s Summary
	if err := json.Unmarshal(got["summary"], &s); err != nil || s != (Summary{Added: 2, Cleared: 3}) {
		t.Errorf("summary %+v (%v)", s, err)
	}
}

// TestMarkdown parses the comment as GitHub does: headings, and tables whose
// every row has its header's number of cells, messages whole.
func TestMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, samplesProposal(t)); err != nil {
		t.Fatal(err)
	}
	src := b.Bytes()
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(src))
	var headings []string
	cells := map[string]bool{}
	tables := 0
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, string(n.Lines().Value(src)))
		case *east.Table:
			tables++
			want := n.FirstChild().ChildCount()
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				if row.ChildCount() != want {
					t.Errorf("a row of %d cells under a header of %d", row.ChildCount(), want)
				}
				for c := row.FirstChild(); c != nil; c = c.NextSibling() {
					if c.Lines().Len() > 0 {
						cells[strings.NewReplacer(`\`, "").Replace(string(c.Lines().Value(src)))] = true
					}
				}
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"orgplane what-if", "Models", "Findings added", "Findings cleared", "Steering committee coverage", "Platforms whose owner changes unit"}, headings); diff != "" {
		t.Errorf("headings (-want +got):\n%s", diff)
	}
	if tables != 5 {
		t.Errorf("%d tables, want 5", tables)
	}
	for _, want := range []string{
		`steering committee "digital-experience-steering": spec.members: no member team covers Sales|Support`,
		"BusinessUnit consumer-europe",
	} {
		if !cells[want] {
			t.Errorf("no cell %q", want)
		}
	}
}

func TestFailed(t *testing.T) {
	r := samplesProposal(t)
	for failOn, want := range map[string]bool{"enforce": false, "any": true, "none": false} {
		if got := r.Failed(failOn); got != want {
			t.Errorf("Failed(%s) = %v, want %v", failOn, got, want)
		}
	}
	r.Added[0].Findings[0].Enforcement = orgv1.EnforcementEnforce
	if !r.Failed("enforce") {
		t.Error("an added Enforce finding does not fail --fail-on=enforce")
	}
}

func TestNothingChanges(t *testing.T) {
	base := load(t, false, repo.Path("config", "samples"))
	e, _ := policy.NewEngine(policy.Options{})
	var b bytes.Buffer
	if err := WriteText(&b, Compare(e, graph(t, base), graph(t, Apply(base, base)), now)); err != nil {
		t.Fatal(err)
	}
	if b.String() != "The proposal changes nothing that orgplane judges.\n" {
		t.Errorf("got %q", b.String())
	}
}
