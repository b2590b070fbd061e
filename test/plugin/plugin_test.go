package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awalterschulze/gographviz"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/audit"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

const orgs = 4

// TestPlugin applies generated organizations with kubectl, waits for the
// controller, and holds check, report and graph to what it wrote.
func TestPlugin(t *testing.T) {
	ctx := context.Background()
	var namespaces, dirs []string
	for i := range orgs {
		namespaces = append(namespaces, fmt.Sprintf("plugin-org-%d", i))
	}
	objects := 0
	for i, ns := range namespaces {
		env.Namespace(t, ns)
		dir := filepath.Join(t.TempDir(), ns)
		objs := generate(i, namespaces)
		objects += len(objs)
		// The first organization's manifests carry no namespace: apply -n
		// and check -n give it.
		writeOrg(t, dir, objs, i > 0)
		dirs = append(dirs, dir)
		env.Kubectl(t, "apply", "-n", ns, "-R", "-f", dir)
	}
	offline := []string{"-n", namespaces[0]}
	for _, d := range dirs {
		offline = append(offline, "-f", d)
	}

	t.Run("check finds what the controller writes", func(t *testing.T) {
		code, out, stderr := plugin(t, append([]string{"check", "-o", "json", "--fail-on", "none"}, offline...)...)
		if code != 0 {
			t.Fatalf("check: exit %d\n%s", code, stderr)
		}
		var doc struct {
			Findings []map[string]string
			Summary  struct {
				Objects, Ignored, Violations int
				RuleErrors                   []string
			}
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Summary.Objects != objects || doc.Summary.Ignored != orgs || len(doc.Summary.RuleErrors) != 1 {
			t.Errorf("summary %+v: want %d objects, %d ignored ConfigMaps, 1 rule error", doc.Summary, objects, orgs)
		}
		var offline []string
		for _, f := range doc.Findings {
			offline = append(offline, strings.Join([]string{f["kind"], f["namespace"], f["name"], f["severity"], f["enforcement"], f["policy"], f["rule"], f["message"]}, " "))
		}
		slices.Sort(offline)
		// Poll until the controller has evaluated every object's current
		// generation and agrees; on time out, show the difference.
		var live []string
		deadline := time.Now().Add(30 * time.Second)
		for {
			var settled bool
			live, settled = statusFindings(t, namespaces)
			if settled && cmp.Equal(offline, live) || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if diff := cmp.Diff(live, offline); diff != "" {
			t.Errorf("findings (-status +check):\n%s", diff)
		}
		if len(offline) < 50 {
			t.Errorf("only %d findings: the generated organizations exercise too little", len(offline))
		}
		t.Logf("%d objects, %d findings, equal in status and offline", objects, len(offline))
	})

	t.Run("report shows the live status", func(t *testing.T) {
		for _, ns := range namespaces {
			code, out, stderr := plugin(t, "report", "-n", ns, "-o", "json")
			if code != 0 {
				t.Fatalf("report -n %s: exit %d\n%s", ns, code, stderr)
			}
			var r audit.Report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			checkReport(t, ctx, ns, &r)
		}
		code, page, stderr := plugin(t, "report", "-A", "-o", "html")
		if code != 0 {
			t.Fatalf("report -A -o html: exit %d\n%s", code, stderr)
		}
		if _, err := html.Parse(strings.NewReader(page)); err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"html", "markdown", "text"} {
			_, out, _ := plugin(t, "report", "-A", "-o", format)
			for _, ns := range namespaces {
				if !strings.Contains(out, "Namespace "+ns) {
					t.Errorf("report -A -o %s does not show namespace %s", format, ns)
				}
			}
		}
	})

	t.Run("graph draws the live organization as the manifests do", func(t *testing.T) {
		code, live, stderr := plugin(t, "graph", "-A", "-o", "dot")
		if code != 0 {
			t.Fatalf("graph -A: exit %d\n%s", code, stderr)
		}
		code, fromFiles, stderr := plugin(t, append([]string{"graph", "-o", "dot"}, offline...)...)
		if code != 0 {
			t.Fatalf("graph -f: exit %d\n%s", code, stderr)
		}
		if diff := cmp.Diff(fromFiles, live); diff != "" {
			t.Errorf("graph (-manifests +live):\n%s", diff)
		}
		ast, err := gographviz.ParseString(live)
		if err != nil {
			t.Fatal(err)
		}
		g := gographviz.NewGraph()
		if err := gographviz.Analyse(ast, g); err != nil {
			t.Fatal(err)
		}
		var red, violating []string
		for _, n := range g.Nodes.Nodes {
			if n.Attrs["color"] == "red" {
				red = append(red, strings.Trim(n.Name, `"`))
			}
		}
		for _, o := range list(t, namespaces) {
			// The chart draws teams, platforms and committees.
			kind := kindOf(o)
			if j, ok := o.(orgv1.Judged); ok && j.Judgement().ViolationCount > 0 && kind != "Organization" && kind != "ResponsibilityMatrix" {
				violating = append(violating, kind+"/"+o.GetNamespace()+"/"+o.GetName())
			}
		}
		slices.Sort(red)
		slices.Sort(violating)
		if diff := cmp.Diff(violating, red); diff != "" {
			t.Errorf("red nodes (-violating in status +red):\n%s", diff)
		}
		if code, out, _ := plugin(t, "graph", "-n", namespaces[1], "-o", "mermaid"); code != 0 || !strings.HasPrefix(out, "flowchart TD\n") {
			t.Errorf("graph -o mermaid: exit %d\n%s", code, out)
		}
	})
}

// list reads every orgplane object of the namespaces from the apiserver.
func list(t *testing.T, namespaces []string) []client.Object {
	t.Helper()
	var out []client.Object
	for _, k := range orgv1.Kinds {
		for _, ns := range namespaces {
			l := k.NewList()
			if err := env.Client.List(context.Background(), l, client.InNamespace(ns)); err != nil {
				t.Fatal(err)
			}
			items, err := meta.ExtractList(l)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				out = append(out, it.(client.Object))
			}
		}
	}
	return out
}

// statusFindings lists every violation in the objects' status, and whether
// the controller has evaluated every object's current generation. It fails
// the test for an object whose status lists fewer violations than it has:
// the comparison needs all of them.
func statusFindings(t *testing.T, namespaces []string) (findings []string, settled bool) {
	t.Helper()
	settled = true
	for _, o := range list(t, namespaces) {
		common := o.(orgv1.Object).CommonStatus()
		if common.ObservedGeneration != o.GetGeneration() || meta.FindStatusCondition(common.Conditions, orgv1.ConditionReady) == nil {
			settled = false
		}
		j, ok := o.(orgv1.Judged)
		if !ok {
			continue
		}
		st := j.Judgement()
		if int(st.ViolationCount) != len(st.Violations) {
			t.Fatalf("%s/%s: %d violations, %d listed: the generator must stay below the cap", o.GetNamespace(), o.GetName(), st.ViolationCount, len(st.Violations))
		}
		kind := kindOf(o)
		for _, v := range st.Violations {
			findings = append(findings, strings.Join([]string{kind, o.GetNamespace(), o.GetName(), string(v.Severity), string(v.Enforcement), v.Policy, v.Rule, v.Message}, " "))
		}
	}
	slices.Sort(findings)
	return findings, settled
}

func kindOf(o client.Object) string {
	kind, _ := orgv1.KindOf(o)
	return string(kind)
}

// checkReport holds a namespace's report to the objects in the cluster.
func checkReport(t *testing.T, ctx context.Context, ns string, r *audit.Report) {
	t.Helper()
	if len(r.Namespaces) != 1 || r.Namespaces[0].Name != ns || r.Scope != "namespace "+ns {
		t.Fatalf("report of %s covers %q: %+v", ns, r.Scope, r.Namespaces)
	}
	rep := r.Namespaces[0]
	var (
		org   orgv1.OrganizationList
		plats orgv1.PlatformList
		comms orgv1.SteeringCommitteeList
	)
	for _, l := range []client.ObjectList{&org, &plats, &comms} {
		if err := env.Client.List(ctx, l, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
	}
	if o, st := rep.Organizations[0], org.Items[0].Status; o.InferredModel != string(st.InferredModel) || o.DeclaredModel != string(org.Items[0].Spec.Model) ||
		o.ModelReason != st.ModelReason || !cmp.Equal(o.ModelEvidence, nonNil(st.ModelEvidence)) || o.MartechTeam != st.MartechTeam ||
		o.InferredMartechModel != string(st.InferredMartechModel) || o.MartechReason != st.MartechReason {
		t.Errorf("%s: report's models %+v, status %+v", ns, o, st)
	}
	for i, p := range plats.Items {
		got := rep.Platforms[i]
		owner := "-"
		if p.Spec.OwnerRef != nil {
			owner = p.Spec.OwnerRef.Name
			if p.Spec.OwnerRef.Namespace != "" {
				owner = p.Spec.OwnerRef.Namespace + "/" + owner
			}
		}
		compliance := audit.Compliant
		if p.Status.ViolationCount > 0 {
			compliance = audit.NonCompliant
		}
		if got.Name != p.Name || got.Owner != owner || got.Compliance != compliance || got.ViolationCount != int(p.Status.ViolationCount) {
			t.Errorf("%s: platform %s reported as %+v", ns, p.Name, got)
		}
	}
	for i, c := range comms.Items {
		got := rep.SteeringCommittees[i]
		if !cmp.Equal(got.MissingFunctions, nonNil(c.Status.MissingFunctions)) || !cmp.Equal(got.CoveredFunctions, nonNil(c.Status.CoveredFunctions)) || got.GovernedPlatforms != c.Status.GovernedPlatforms {
			t.Errorf("%s: committee %s reported as %+v, status %+v", ns, c.Name, got, c.Status)
		}
	}
	// The report counts the violations in the objects' status. (The
	// Organization's summary would not do as the expectation: it can lag
	// behind a change in another namespace that this namespace references.)
	total := 0
	for _, o := range list(t, []string{ns}) {
		if j, ok := o.(orgv1.Judged); ok {
			total += int(j.Judgement().ViolationCount)
		}
	}
	if rep.Totals.Violations != total {
		t.Errorf("%s: %d violations reported, %d in status", ns, rep.Totals.Violations, total)
	}
}

func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// TestKubectlRunsThePlugin builds the binary and runs it the way users do:
// `kubectl org`, found by kubectl's plugin mechanism on the PATH.
func TestKubectlRunsThePlugin(t *testing.T) {
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "kubectl-org"), "./cmd/kubectl-org")
	build.Dir = repo.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := env.KubectlCommand("org", "--help")
	cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl org --help: %v\n%s", err, out)
	}
	for _, want := range []string{"Usage:\n  kubectl org [command]", "check       Judge manifests offline", "report      Print an audit report", "graph       Draw the organization chart"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("kubectl org --help lacks %q:\n%s", want, out)
		}
	}
}
