package plugin

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	sigsyaml "sigs.k8s.io/yaml"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// The generator writes random but reproducible organizations (one seed per
// organization) with every shape the engine judges: dangling and
// cross-namespace references, parentRef cycles, expired teams, personal
// data with and without privacy owners, RACI gaps, Audit and Enforce
// policies with label selectors, CEL rules (including ones that read fields
// only the CRDs' defaults fill in, and one that does not compile), display
// names in several scripts and names with dots. Objects stay far below the
// 50 violations that status lists, so that status holds every finding.

const seed = 20260301

var (
	functions = []orgv1.TeamFunction{"Executive", "Marketing", "IT", "Data", "Analytics", "Legal", "Privacy", "Sales", "Support", "Digital"}
	teamTypes = []orgv1.TeamType{"BusinessUnit", "Department", "CenterOfExcellence", "TigerTeam", "Agency"}
	people    = []string{"Ana Souza", "Zoë Martin", "Karim Benali", "Élodie Roux", "陈伟", "Ngozi Okafor", "Søren Lund", "Priya Raman"}
	displays  = []string{"Équipe Données", "データ基盤", "Marketing & Ops", `The "Core" Team`, "Vertrieb Süd", ""}
	models    = []orgv1.OrganizationModel{orgv1.ModelIndependent, orgv1.ModelCentralized, orgv1.ModelHybrid}
	cats      = []orgv1.PlatformCategory{"CDP", "CRM", "AIML", "Analytics", "CMS", "MarketingAutomation"}
)

type gen struct {
	r         *rand.Rand
	ns        string
	others    []string // the namespaces of the other organizations
	teams     []string
	platforms []string
	comms     []string
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, l []T) T { return l[g.r.IntN(len(l))] }

// teamRef refers to a team of this organization ("name", or
// "namespace/name" as builders take them), mostly; sometimes to one that
// does not exist, or to one of another organization's namespace.
func (g *gen) teamRef() string {
	switch {
	case g.chance(0.07):
		return fmt.Sprintf("ghost-%d", g.r.IntN(3))
	case g.chance(0.07) && len(g.others) > 0:
		return pick(g, g.others) + "/team-0"
	case g.chance(0.03):
		return "plugin-nowhere/team-0"
	}
	return pick(g, g.teams)
}

func (g *gen) person() orgv1.Person {
	name := pick(g, people)
	if g.chance(0.6) {
		return builders.Person(name, g.teamRef())
	}
	return builders.Person(name, "")
}

// tier is the value of the "tier" label that every object carries.
func (g *gen) tier() string { return pick(g, []string{"gold", "silver"}) }

// generate makes organization i of namespaces.
func generate(i int, namespaces []string) []client.Object {
	g := &gen{r: rand.New(rand.NewPCG(seed, uint64(i))), ns: namespaces[i]}
	for j, ns := range namespaces {
		if j != i {
			g.others = append(g.others, ns)
		}
	}
	for j := range 5 + g.r.IntN(4) {
		name := fmt.Sprintf("team-%d", j)
		if j%4 == 3 {
			name = fmt.Sprintf("unit.%d", j) // a name with a dot
		}
		g.teams = append(g.teams, name)
	}
	for j := range 3 + g.r.IntN(3) {
		g.platforms = append(g.platforms, fmt.Sprintf("plat-%d", j))
	}
	for j := range 1 + g.r.IntN(2) {
		g.comms = append(g.comms, fmt.Sprintf("steer-%d", j))
	}
	org := builders.MakeOrganization("org", g.ns).Label("tier", g.tier()).DisplayName(pick(g, displays)).Model(pick(g, models))
	if g.chance(0.2) {
		org.Martech(orgv1.MartechHostile)
	}
	objs := []client.Object{org.Executive("CMO", g.person()).Obj()}
	objs = append(objs, g.makeTeams()...)
	objs = append(objs, g.makePlatforms()...)
	objs = append(objs, g.makeCommittees()...)
	objs = append(objs, g.makeMatrices()...)
	return append(objs, g.makePolicies(i)...)
}

func (g *gen) makeTeams() []client.Object {
	var objs []client.Object
	teams := map[string]*builders.TeamWrapper{}
	for j, name := range g.teams {
		t := builders.MakeTeam(name, g.ns).Label("tier", g.tier()).DisplayName(pick(g, displays)).
			Function(pick(g, functions)).Type(pick(g, teamTypes))
		if j > 0 && g.chance(0.9) {
			if g.chance(0.08) {
				t.Parent("ghost-parent")
			} else {
				t.Parent(g.teams[g.r.IntN(j)])
			}
		}
		for range g.r.IntN(3) {
			// The CRD rejects a dotted line to the team itself.
			if r := g.teamRef(); r != name {
				t.DottedLines(r)
			}
		}
		seen := map[string]bool{}
		for range 1 + g.r.IntN(3) {
			if n := pick(g, people); !seen[n] {
				seen[n] = true
				t.Members(builders.Person(n, ""))
			}
		}
		if g.chance(0.8) {
			t.Lead(builders.Person(pick(g, people), ""))
		}
		if g.chance(0.1) {
			t.ExpiresAt(time.Date(2024, 6, 30, 23, 59, 59, 0, time.UTC))
		} else if g.chance(0.1) {
			t.ExpiresAt(time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
		}
		teams[name] = t
		objs = append(objs, t.Obj())
	}
	if g.chance(0.6) {
		// A reporting cycle between two teams.
		a, b := teams[g.teams[1]], teams[g.teams[2]]
		a.Parent(b.Name)
		b.Parent(a.Name)
	}
	return objs
}

func (g *gen) makePlatforms() []client.Object {
	var objs []client.Object
	for _, name := range g.platforms {
		p := builders.MakePlatform(name, g.ns).Label("tier", g.tier()).DisplayName(pick(g, displays)).Category(pick(g, cats))
		if g.chance(0.6) { // else the CRD's default, which CEL rules read
			p.Tier(pick(g, []orgv1.PlatformTier{orgv1.TierFoundational, orgv1.TierEngagement}))
		}
		if g.chance(0.9) {
			p.Owner(g.teamRef())
		}
		for range g.r.IntN(3) {
			p.Operators(g.teamRef())
		}
		switch {
		case g.chance(0.15):
		case g.chance(0.1):
			p.Committee("ghost-committee")
		default:
			p.Committee(pick(g, g.comms))
		}
		if g.chance(0.6) {
			data := orgv1.PlatformData{PersonalData: g.chance(0.7)}
			if g.chance(0.5) {
				data.Jurisdictions = []string{pick(g, []string{"GDPR", "CCPA", "LGPD"})}
			}
			p.Data(data)
		}
		if g.chance(0.6) {
			p.PrivacyOwner(g.person())
		}
		if g.chance(0.5) {
			p.RoadmapOwner(g.person())
		}
		objs = append(objs, p.Obj())
	}
	return objs
}

func (g *gen) makeCommittees() []client.Object {
	var objs []client.Object
	for _, name := range g.comms {
		c := builders.MakeSteeringCommittee(name, g.ns).Label("tier", g.tier()).DisplayName(pick(g, displays))
		seen := map[string]bool{}
		for range 1 + g.r.IntN(4) {
			if r := g.teamRef(); !seen[r] {
				seen[r] = true
				c.Members(r)
			}
		}
		if g.chance(0.7) {
			c.Chair(g.person())
		}
		objs = append(objs, c.Obj())
	}
	return objs
}

func (g *gen) makeMatrices() []client.Object {
	var objs []client.Object
	for j := range 1 + g.r.IntN(2) {
		m := builders.MakeResponsibilityMatrix(fmt.Sprintf("raci-%d", j), g.ns).Label("tier", g.tier())
		if g.chance(0.85) {
			m.Platform(pick(g, g.platforms))
		} else {
			m.Platform("ghost-platform")
		}
		for k := range 1 + g.r.IntN(3) {
			a := builders.MakeActivity(fmt.Sprintf("Activity %d", k))
			for range g.r.IntN(3) {
				a.Responsible(g.teamRef())
			}
			if g.chance(0.8) {
				r := g.teamRef()
				a.Accountable(r)
				if g.chance(0.3) {
					a.Informed(r)
				}
			}
			if g.chance(0.4) {
				a.Informed(g.teamRef())
			}
			m.Activities(a.Obj())
		}
		objs = append(objs, m.Obj())
	}
	return objs
}

func (g *gen) makePolicies(i int) []client.Object {
	sev := func() orgv1.Severity {
		return pick(g, []orgv1.Severity{orgv1.SeverityLow, orgv1.SeverityMedium, orgv1.SeverityHigh, orgv1.SeverityCritical})
	}
	rule := builders.MakeRule
	cel := func(name string, kind orgv1.Kind, expr, msg string) orgv1.Rule {
		return builders.MakeCELRule(name, expr, msg).Severity(sev()).MatchKinds(kind).Obj()
	}
	baseline := builders.MakeGovernancePolicy("baseline", g.ns).Label("tier", g.tier()).Rules(
		rule("owned", orgv1.RulePlatformOwnership).Severity(sev()).Obj(),
		rule("governed", orgv1.RulePlatformGoverned).Params(orgv1.RuleParams{Tiers: []orgv1.PlatformTier{orgv1.TierFoundational}}).Obj(),
		rule("coverage", orgv1.RuleSteeringCommitteeCoverage).Severity(sev()).Obj(),
		rule("privacy", orgv1.RulePrivacyOwner).Severity(orgv1.SeverityCritical).Obj(),
		rule("raci", orgv1.RuleResponsibilityAssignment).Params(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{orgv1.TierFoundational}}).Obj(),
		rule("structure", orgv1.RuleTeamStructure).Severity(orgv1.SeverityLow).Obj(),
		rule("model", orgv1.RuleOrganizationModel).Obj(),
		rule("ai", orgv1.RuleEnterpriseAI).Severity(orgv1.SeverityHigh).Obj(),
		cel("roadmap", orgv1.KindPlatform, "has(object.spec.roadmapOwner)", "every platform needs a roadmap owner"),
		// Reads tier and scope, which only the CRDs' defaults fill in when
		// a manifest leaves them out.
		cel("global-engagement", orgv1.KindPlatform, "object.spec.scope == 'Global' && (object.spec.tier == 'Engagement' || owner != null)", ""),
	).Obj()
	strict := builders.MakeGovernancePolicy("strict", g.ns).Label("tier", g.tier()).Enforcement(orgv1.EnforcementEnforce).Rules(
		rule("gold-owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).
			Params(orgv1.RuleParams{AllowedOwnerFunctions: []orgv1.TeamFunction{"Marketing", "IT", "Data"}}).
			MatchLabels(&metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}).Obj(),
		cel("plain-team-names", orgv1.KindTeam, "!object.metadata.name.contains('.')", "team names have no dots"),
		cel("chaired", orgv1.KindSteeringCommittee, "has(object.spec.chair)", "a committee needs a chair"),
		cel("owner-not-sales", orgv1.KindPlatform, "owner == null || owner.spec.function != 'Sales'", "sales does not own platforms"),
	).Obj()
	out := []client.Object{baseline, strict}
	if i == 1 {
		out = append(out, builders.MakeGovernancePolicy("broken", g.ns).Label("tier", g.tier()).Rules(
			cel("does-not-compile", orgv1.KindTeam, "object.spec.(", ""),
			rule("structure-again", orgv1.RuleTeamStructure).Obj(),
		).Obj())
	}
	return out
}

// writeOrg writes an organization's manifests under dir as a repository
// would hold them: several files, multi-document, one in a subdirectory,
// with a ConfigMap among them. With explicitNS the manifests name their
// namespace; without, they get the one that apply -n and check -n give.
func writeOrg(t *testing.T, dir string, objs []client.Object, explicitNS bool) {
	t.Helper()
	files := map[string][]string{}
	for _, o := range objs {
		file := "org.yaml"
		switch o.(type) {
		case *orgv1.Team:
			file = filepath.Join("teams", "teams.yaml")
		case *orgv1.Platform:
			file = "platforms.yaml"
		case *orgv1.SteeringCommittee, *orgv1.ResponsibilityMatrix:
			file = filepath.Join("governance", "committees.yml")
		}
		files[file] = append(files[file], manifest(t, o, explicitNS))
	}
	cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Name: "not-orgplane", Namespace: objs[0].GetNamespace()}, Data: map[string]string{"a": "b"}}
	files["platforms.yaml"] = append(files["platforms.yaml"], manifest(t, cm, explicitNS))
	for name, docs := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("# generated by test/plugin\n---\n"+strings.Join(docs, "---\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// manifest writes an object as a user would: kind and apiVersion set, no
// status, no server-set metadata.
func manifest(t *testing.T, o client.Object, explicitNS bool) string {
	t.Helper()
	gvk, err := apiutil.GVKForObject(o, env.Scheme)
	if err != nil {
		t.Fatal(err)
	}
	o.GetObjectKind().SetGroupVersionKind(gvk)
	js, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "status")
	md := m["metadata"].(map[string]any)
	delete(md, "creationTimestamp")
	if !explicitNS {
		delete(md, "namespace")
	}
	y, err := sigsyaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(y)
}
