package policy

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

var update = flag.Bool("update", false, "rewrite the dependency table of doc.go from the declarations")

// FuzzImpact checks that the declared dependencies are complete: on a random
// organization, a random change to one object (org and change are the
// bytes that build them) alters the evaluation of no object, and the summary
// of no namespace, that ImpactOf misses.
func FuzzImpact(f *testing.F) {
	f.Add([]byte("seed: a small organization"), []byte{0, 1})
	f.Fuzz(func(t *testing.T, org, change []byte) {
		checkImpact(t, newEngine(t), impactOrg(len(org), org), change)
	})
}

// impactOrg is organization number i of FuzzImpact: random objects in one
// to three namespaces (fewer than FuzzEvaluate's, so that more references
// resolve and a change reaches further) and, in every other organization, a
// policy with a rule of every type in each namespace, so that every declared
// dependency is read.
func impactOrg(i int, data []byte) impactCase {
	nss := [][]string{{"a"}, {"a", "b"}, {"a", "b", ""}}[i%3]
	objects := randomOrg(data, nss)
	if i%2 == 0 {
		for _, ns := range nss {
			objects = append(objects, everyRule(ns))
		}
	}
	return impactCase{namespaces: nss, objects: objects}
}

type impactCase struct {
	namespaces []string
	objects    []metav1.Object
}

// everyRule is a policy with a rule of every type, each reading all it can.
func everyRule(ns string) *orgv1.GovernancePolicy {
	tiers := []orgv1.PlatformTier{orgv1.TierFoundational, orgv1.TierEngagement}
	return builders.MakeGovernancePolicy("every-rule", ns).Rules(
		builders.MakeRule("owned", orgv1.RulePlatformOwnership).Params(orgv1.RuleParams{AllowedOwnerFunctions: []orgv1.TeamFunction{"IT", "Data"}}).Obj(),
		builders.MakeRule("governed", orgv1.RulePlatformGoverned).Obj(),
		builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Obj(),
		builders.MakeRule("privacy", orgv1.RulePrivacyOwner).Obj(),
		builders.MakeRule("raci", orgv1.RuleResponsibilityAssignment).Params(orgv1.RuleParams{RequireForTiers: tiers, RequiredActivities: []string{"act1"}}).Obj(),
		builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj(),
		builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj(),
		builders.MakeRule("martech", orgv1.RuleMartechModel).Obj(),
		builders.MakeRule("temporary", orgv1.RuleTemporaryTeam).Params(orgv1.RuleParams{Types: fuzzTypes[:len(fuzzTypes)-1], NoticeDays: ptr.To(int32(1))}).Obj(),
		builders.MakeRule("ai", orgv1.RuleEnterpriseAI).Obj(),
		builders.MakeCELRule("cel", `(owner != null && owner.spec.function == "IT") || (committee != null && committee.metadata.labels["tier"] == "gold")`, "").MatchKinds(orgv1.KindPlatform).Obj(),
	).Obj()
}

// TestImpact is FuzzImpact over many generated inputs, so that every test
// run covers far more than the seed corpus.
func TestImpact(t *testing.T) {
	e := newEngine(t)
	rng := rand.New(rand.NewPCG(9, 9))
	bytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	for i := range 1000 {
		// One change, or (a controller's fan-out takes them together) a few.
		changes := make([][]byte, 1+rng.IntN(3)*(i%2))
		for j := range changes {
			changes[j] = bytes(64 + rng.IntN(600))
		}
		checkImpact(t, e, impactOrg(i, bytes(64+rng.IntN(600))), changes...)
		if t.Failed() {
			return
		}
	}
}

// checkImpact applies the changes that changes' bytes describe to objects,
// one after the other: each the deletion of one object, or a random object
// put in place of the one of its kind, namespace and name, if any. It
// evaluates before and after, and fails for every difference that ImpactOf
// of every change together, over the objects after them, does not announce.
func checkImpact(t *testing.T, e *Engine, c impactCase, changes ...[]byte) {
	t.Helper()
	objects := c.objects
	after := objects
	var versions []metav1.Object
	var whats []string
	for _, change := range changes {
		var old, changed metav1.Object
		after, old, changed = applyChange(after, change, c.namespaces)
		versions = append(versions, old, changed)
		whats = append(whats, describeChange(old, changed))
	}
	ga := graph(t, after...)
	before, now2 := e.Evaluate(graph(t, objects...), now), e.Evaluate(ga, now)
	imp := ImpactOf(ga, versions...)
	what := strings.Join(whats, ", then ")

	results := func(ev *Evaluation) map[ObjectRef]any {
		m := map[ObjectRef]any{}
		for _, o := range ev.Objects {
			m[o.Ref] = o
		}
		for _, p := range ev.Policies {
			m[ObjectRef{Kind: orgv1.KindGovernancePolicy, Namespace: p.Namespace, Name: p.Name}] = p
		}
		return m
	}
	rb, ra := results(before), results(now2)
	for ref := range joinKeys(rb, ra) {
		if !cmp.Equal(rb[ref], ra[ref]) && !slices.Contains(imp.Objects, ref) {
			t.Errorf("%s changes the evaluation of %s, which ImpactOf misses (it finds %v):\n%s",
				what, ref, imp.Objects, cmp.Diff(rb[ref], ra[ref]))
		}
	}
	summaries := func(ev *Evaluation) map[string]NamespaceResult {
		m := map[string]NamespaceResult{}
		for _, n := range ev.Namespaces {
			m[n.Namespace] = n
		}
		return m
	}
	sb, sa := summaries(before), summaries(now2)
	for ns := range joinKeys(sb, sa) {
		if cmp.Equal(sb[ns], sa[ns]) {
			continue
		}
		if !slices.Contains(imp.Namespaces, ns) {
			t.Errorf("%s changes the summary of namespace %q, which ImpactOf misses (it finds %v)", what, ns, imp.Namespaces)
		}
		for _, org := range ga.InNamespace(orgv1.KindOrganization, ns) {
			if !slices.Contains(imp.Objects, org) {
				t.Errorf("%s changes the summary of namespace %q, but ImpactOf misses its %s", what, ns, org)
			}
		}
	}
}

// applyChange returns objects with one change applied, and the changed
// object's versions before and after (nil where it does not exist): the
// deletion of one object, or an object of a random kind put in place of the
// one of its kind, namespace and name, if any.
func applyChange(objects []metav1.Object, change []byte, namespaces []string) (after []metav1.Object, old, changed metav1.Object) {
	s := &byteSource{data: change}
	after = slices.Clone(objects)
	if len(objects) > 0 && s.chance(4) {
		i := s.intn(len(objects))
		return slices.Delete(after, i, i+1), objects[i], nil
	}
	put := randomOrg(change, namespaces)
	kind := pick(s, fuzzKinds)
	if of := slices.DeleteFunc(slices.Clone(put), func(o metav1.Object) bool { return kindOfObject(o) != kind }); len(of) > 0 {
		put = of
	}
	if len(put) == 0 {
		return after, nil, nil
	}
	changed = put[s.intn(len(put))]
	i := slices.IndexFunc(after, func(o metav1.Object) bool {
		return kindOfObject(o) == kindOfObject(changed) && o.GetNamespace() == changed.GetNamespace() && o.GetName() == changed.GetName()
	})
	if i < 0 {
		return append(after, changed), nil, changed
	}
	old, after[i] = after[i], changed
	return after, old, changed
}

func kindOfObject(o metav1.Object) orgv1.Kind {
	k, _ := orgv1.KindOf(o)
	return k
}

func describeChange(old, changed metav1.Object) string {
	name := func(o metav1.Object) string {
		return fmt.Sprintf("%s %s/%s", kindOfObject(o), o.GetNamespace(), o.GetName())
	}
	switch {
	case old == nil && changed == nil:
		return "no change"
	case old == nil:
		return "creating " + name(changed)
	case changed == nil:
		return "deleting " + name(old)
	}
	return "changing " + name(old)
}

func joinKeys[K comparable, V any](a, b map[K]V) map[K]bool {
	out := map[K]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// TestDeclarations checks the shape of every declared path.
func TestDeclarations(t *testing.T) {
	for _, r := range readers() {
		for _, rd := range r.judges {
			for _, d := range rd.deps {
				if len(d.path) == 0 {
					t.Errorf("%s on %s: an empty path (the object itself needs no declaration)", r.name, rd.kind)
				}
				for i, st := range d.path {
					from := rd.kind
					if i > 0 {
						from = d.path[i-1].kind
					}
					switch {
					case st.op == opReferrers && i != len(d.path)-1:
						t.Errorf("%s on %s: a referrers step that is not the last", r.name, rd.kind)
					case st.op == opAncestors && from != orgv1.KindTeam:
						t.Errorf("%s on %s: ancestors of a %s", r.name, rd.kind, from)
					case st.op == opFindings && len(d.path) != 1:
						t.Errorf("%s on %s: findings with other steps", r.name, rd.kind)
					}
				}
			}
		}
	}
}

// TestDependencyDoc keeps the package doc's dependency table equal to the
// declarations; go test -run TestDependencyDoc -update rewrites it.
func TestDependencyDoc(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	const begin, end = "// generated from the declarations by TestDependencyDoc:\n//\n", "\n//\n// The fan-out"
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("doc.go has no dependency table between %q and %q", begin, end)
	}
	i += len(begin)
	want := dependencyTable()
	if doc[i:j] == want {
		return
	}
	if *update {
		if err := os.WriteFile("doc.go", []byte(doc[:i]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("doc.go's dependency table is stale (go test -run TestDependencyDoc -update rewrites it):\n%s", cmp.Diff(doc[i:j], want))
}

// dependencyTable renders the declarations as doc.go's table: one row per
// kind, reader and dependency.
func dependencyTable() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "judged\tread by\treads\twhat")
	for _, k := range append(slices.Clone(judgedKinds), orgv1.KindGovernancePolicy) {
		kind := string(k)
		for _, r := range readers() {
			for _, rd := range r.judges {
				for _, d := range rd.deps {
					if rd.kind == k {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", kind, r.name, pathWords(d.path), d.what)
						kind = ""
					}
				}
			}
		}
	}
	if err := tw.Flush(); err != nil {
		panic(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = "//\t" + strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// pathWords writes a path as the table's reads column.
func pathWords(path []step) string {
	var parts []string
	for i, st := range path {
		its, it, they := "its", "it", "it references"
		if i > 0 {
			its, it, they = "their", "them", "they reference"
		}
		switch st.op {
		case opRefs:
			parts = append(parts, plural(st.kind)+" "+they)
		case opReferrers:
			parts = append(parts, plural(st.kind)+" naming "+it+" (any namespace)")
		case opAncestors:
			parts = append(parts, its+" ancestors")
		case opNamespace:
			parts = append(parts, plural(st.kind)+" of "+its+" namespace")
		case opFindings:
			parts = append(parts, "findings in "+its+" namespace")
		}
	}
	return strings.Join(parts, " → ")
}

func plural(k orgv1.Kind) string {
	switch k {
	case orgv1.KindResponsibilityMatrix:
		return "ResponsibilityMatrices"
	case orgv1.KindGovernancePolicy:
		return "GovernancePolicies"
	}
	return string(k) + "s"
}

// TestImpactOf pins what ImpactOf finds for one change of each kind of
// relation, across namespaces.
func TestImpactOf(t *testing.T) {
	d := builders.MakeTeam("d", "other").Parent("third/t").Obj()
	tm := builders.MakeTeam("t", "third").Obj()
	crm := builders.MakePlatform("crm", ns).Owner("other/d").Committee("steer").Obj()
	m := builders.MakeResponsibilityMatrix("m", "other").Platform(ns + "/crm").Obj()
	teamsOnly := builders.MakeGovernancePolicy("teams-only", "other").
		Rules(builders.MakeCELRule("named", `object.metadata.name != ""`, "").MatchKinds(orgv1.KindTeam).Obj()).Obj()
	otherOrg := builders.MakeOrganization("other-org", "other").Model("").Obj()
	g := graph(t, builders.MakeOrganization("acme-org", ns).Model("").Obj(), otherOrg, crm, d, tm,
		builders.MakeTeam("leaf", "other").Parent("d").Obj(), builders.MakeSteeringCommittee("steer", ns).Obj(), m,
		builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj()).Obj(), teamsOnly)
	summaries := []string{"GovernancePolicy/acme/gov", "GovernancePolicy/other/teams-only", "Organization/acme/acme-org", "Organization/other/other-org"}
	cases := []struct {
		name    string
		changed metav1.Object
		objects []string
		nss     []string
	}{{
		name:    "a team: the teams below it, and the organization whose platforms they own",
		changed: tm,
		objects: append(slices.Clone(summaries), "Team/other/d", "Team/other/leaf", "Team/third/t"),
		nss:     []string{"acme", "other", "third"},
	}, {
		name:    "a matrix: the platform it names, in another namespace",
		changed: m,
		objects: append(slices.Clone(summaries), "Platform/acme/crm", "ResponsibilityMatrix/other/m"),
		nss:     []string{"acme", "other"},
	}, {
		name:    "a platform: its committee, its organization, the matrices naming it, its owner (a temporary team's platforms)",
		changed: crm,
		objects: append(slices.Clone(summaries), "Platform/acme/crm", "ResponsibilityMatrix/other/m", "SteeringCommittee/acme/steer", "Team/other/d"),
		nss:     []string{"acme", "other"},
	}, {
		name:    "a policy: the kinds its rules judge in its namespace",
		changed: teamsOnly,
		objects: []string{"GovernancePolicy/other/teams-only", "Organization/other/other-org", "Team/other/d", "Team/other/leaf"},
		nss:     []string{"other"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			imp := ImpactOf(g, tc.changed)
			var got []string
			for _, o := range imp.Objects {
				got = append(got, o.String())
			}
			slices.Sort(tc.objects)
			if diff := cmp.Diff(tc.objects, got); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.nss, imp.Namespaces); diff != "" {
				t.Errorf("namespaces (-want +got):\n%s", diff)
			}
		})
	}
}
