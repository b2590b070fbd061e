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

// teamRef refers to a team of this organization, mostly; sometimes to one
// that does not exist, or to one of another organization's namespace.
func (g *gen) teamRef() orgv1.TeamRef {
	switch {
	case g.chance(0.07):
		return orgv1.TeamRef{Name: fmt.Sprintf("ghost-%d", g.r.IntN(3))}
	case g.chance(0.07) && len(g.others) > 0:
		return orgv1.TeamRef{Name: "team-0", Namespace: pick(g, g.others)}
	case g.chance(0.03):
		return orgv1.TeamRef{Name: "team-0", Namespace: "plugin-nowhere"}
	}
	return orgv1.TeamRef{Name: pick(g, g.teams)}
}

func (g *gen) person() *orgv1.Person {
	p := &orgv1.Person{Name: pick(g, people)}
	if g.chance(0.6) {
		r := g.teamRef()
		p.TeamRef = &r
	}
	return p
}

func (g *gen) meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: g.ns, Labels: map[string]string{"tier": pick(g, []string{"gold", "silver"})}}
}

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
	var objs []client.Object
	org := &orgv1.Organization{ObjectMeta: g.meta("org"), Spec: orgv1.OrganizationSpec{DisplayName: pick(g, displays), Model: pick(g, models)}}
	switch {
	case g.chance(0.2):
		org.Spec.MartechModel = orgv1.MartechHostile
	case g.chance(0.5):
		org.Spec.MartechModel = pick(g, []orgv1.MartechModel{orgv1.MartechEmbedded, orgv1.MartechTraditional, orgv1.MartechCommittee})
	}
	if g.chance(0.4) {
		// A transition, overdue or planned; the CRD rejects one that changes nothing.
		by := pick(g, []time.Time{time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)})
		org.Spec.Transition = &orgv1.Transition{Model: pick(g, models), By: metav1.NewTime(by)}
		if org.Spec.Transition.Model == org.Spec.Model || g.chance(0.5) {
			org.Spec.Transition.MartechModel = orgv1.MartechJointVenture
		}
	}
	org.Spec.Executives = []orgv1.Executive{{Role: "CMO", Person: *g.person()}}
	objs = append(objs, org)

	teams := map[string]*orgv1.Team{}
	for j, name := range g.teams {
		t := &orgv1.Team{ObjectMeta: g.meta(name), Spec: orgv1.TeamSpec{DisplayName: pick(g, displays), Function: pick(g, functions), Type: pick(g, teamTypes)}}
		if j > 0 && g.chance(0.9) {
			if g.chance(0.08) {
				t.Spec.ParentRef = &orgv1.TeamRef{Name: "ghost-parent"}
			} else {
				t.Spec.ParentRef = &orgv1.TeamRef{Name: g.teams[g.r.IntN(j)]}
			}
		}
		for range g.r.IntN(3) {
			// The CRD rejects a dotted line to the team itself.
			if r := g.teamRef(); r.Name != name || r.Namespace != "" {
				t.Spec.DottedLineRefs = append(t.Spec.DottedLineRefs, r)
			}
		}
		if r := g.teamRef(); g.chance(0.2) && (r.Name != name || r.Namespace != "") {
			t.Spec.SuccessorRef = &r
		}
		seen := map[string]bool{}
		for range 1 + g.r.IntN(3) {
			if n := pick(g, people); !seen[n] {
				seen[n] = true
				t.Spec.Members = append(t.Spec.Members, orgv1.Person{Name: n})
			}
		}
		if g.chance(0.8) {
			t.Spec.Lead = &orgv1.Person{Name: pick(g, people)}
		}
		switch {
		case g.chance(0.1):
			t.Spec.ExpiresAt = &metav1.Time{Time: time.Date(2024, 6, 30, 23, 59, 59, 0, time.UTC)}
		case g.chance(0.1):
			t.Spec.ExpiresAt = &metav1.Time{Time: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}
		}
		teams[name] = t
		objs = append(objs, t)
	}
	if g.chance(0.6) {
		// A reporting cycle between two teams.
		a, b := teams[g.teams[1]], teams[g.teams[2]]
		a.Spec.ParentRef, b.Spec.ParentRef = &orgv1.TeamRef{Name: b.Name}, &orgv1.TeamRef{Name: a.Name}
	}

	for _, name := range g.platforms {
		p := &orgv1.Platform{ObjectMeta: g.meta(name), Spec: orgv1.PlatformSpec{DisplayName: pick(g, displays), Category: pick(g, cats)}}
		if g.chance(0.6) { // else the CRD's default, which CEL rules read
			p.Spec.Tier = pick(g, []orgv1.PlatformTier{orgv1.TierFoundational, orgv1.TierEngagement})
		}
		if g.chance(0.9) {
			r := g.teamRef()
			p.Spec.OwnerRef = &r
		}
		for range g.r.IntN(3) {
			p.Spec.OperatorRefs = append(p.Spec.OperatorRefs, g.teamRef())
		}
		switch {
		case g.chance(0.15):
		case g.chance(0.1):
			p.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: "ghost-committee"}
		default:
			p.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: pick(g, g.comms)}
		}
		if g.chance(0.6) {
			p.Spec.Data = &orgv1.PlatformData{PersonalData: g.chance(0.7)}
			if g.chance(0.5) {
				p.Spec.Data.Jurisdictions = []string{pick(g, []string{"GDPR", "CCPA", "LGPD"})}
			}
		}
		if g.chance(0.6) {
			p.Spec.PrivacyOwner = g.person()
		}
		if g.chance(0.5) {
			p.Spec.RoadmapOwner = g.person()
		}
		objs = append(objs, p)
	}

	for _, name := range g.comms {
		c := &orgv1.SteeringCommittee{ObjectMeta: g.meta(name), Spec: orgv1.SteeringCommitteeSpec{DisplayName: pick(g, displays)}}
		seen := map[orgv1.TeamRef]bool{}
		for range 1 + g.r.IntN(4) {
			if r := g.teamRef(); !seen[r] {
				seen[r] = true
				c.Spec.Members = append(c.Spec.Members, orgv1.CommitteeMember{TeamRef: r})
			}
		}
		if g.chance(0.7) {
			c.Spec.Chair = g.person()
		}
		objs = append(objs, c)
	}

	for j := range 1 + g.r.IntN(2) {
		m := &orgv1.ResponsibilityMatrix{ObjectMeta: g.meta(fmt.Sprintf("raci-%d", j))}
		if g.chance(0.85) {
			m.Spec.PlatformRef = &orgv1.PlatformRef{Name: pick(g, g.platforms)}
		} else {
			m.Spec.PlatformRef = &orgv1.PlatformRef{Name: "ghost-platform"}
		}
		for k := range 1 + g.r.IntN(3) {
			a := orgv1.Activity{Name: fmt.Sprintf("Activity %d", k)}
			for range g.r.IntN(3) {
				a.Responsible = append(a.Responsible, g.teamRef())
			}
			if g.chance(0.8) {
				r := g.teamRef()
				a.Accountable = &r
				if g.chance(0.3) {
					a.Informed = append(a.Informed, r)
				}
			}
			if g.chance(0.4) {
				a.Informed = append(a.Informed, g.teamRef())
			}
			m.Spec.Activities = append(m.Spec.Activities, a)
		}
		objs = append(objs, m)
	}
	return append(objs, g.policies(i)...)
}

func (g *gen) policies(i int) []client.Object {
	sev := func() orgv1.Severity {
		return pick(g, []orgv1.Severity{orgv1.SeverityLow, orgv1.SeverityMedium, orgv1.SeverityHigh, orgv1.SeverityCritical})
	}
	cel := func(name string, kind orgv1.Kind, expr, msg string) orgv1.Rule {
		return orgv1.Rule{Name: name, Type: orgv1.RuleCEL, Severity: sev(), Match: &orgv1.RuleMatch{Kinds: []orgv1.Kind{kind}}, CEL: &orgv1.CELRule{Expression: expr, Message: msg}}
	}
	baseline := &orgv1.GovernancePolicy{ObjectMeta: g.meta("baseline"), Spec: orgv1.GovernancePolicySpec{Rules: []orgv1.Rule{
		{Name: "owned", Type: orgv1.RulePlatformOwnership, Severity: sev()},
		{Name: "governed", Type: orgv1.RulePlatformGoverned, Params: &orgv1.RuleParams{Tiers: []orgv1.PlatformTier{orgv1.TierFoundational}}},
		{Name: "coverage", Type: orgv1.RuleSteeringCommitteeCoverage, Severity: sev()},
		{Name: "privacy", Type: orgv1.RulePrivacyOwner, Severity: orgv1.SeverityCritical},
		{Name: "raci", Type: orgv1.RuleResponsibilityAssignment, Params: &orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{orgv1.TierFoundational}}},
		{Name: "structure", Type: orgv1.RuleTeamStructure, Severity: orgv1.SeverityLow},
		{Name: "model", Type: orgv1.RuleOrganizationModel},
		{Name: "martech", Type: orgv1.RuleMartechModel},
		{Name: "temporary", Type: orgv1.RuleTemporaryTeam, Params: &orgv1.RuleParams{Types: []orgv1.TeamType{"TigerTeam", "DigitalUnit", "Department"}}},
		{Name: "ai", Type: orgv1.RuleEnterpriseAI, Severity: orgv1.SeverityHigh},
		cel("roadmap", orgv1.KindPlatform, "has(object.spec.roadmapOwner)", "every platform needs a roadmap owner"),
		// Reads tier and scope, which only the CRDs' defaults fill in when
		// a manifest leaves them out.
		cel("global-engagement", orgv1.KindPlatform, "object.spec.scope == 'Global' && (object.spec.tier == 'Engagement' || owner != null)", ""),
	}}}
	strict := &orgv1.GovernancePolicy{ObjectMeta: g.meta("strict"), Spec: orgv1.GovernancePolicySpec{Enforcement: orgv1.EnforcementEnforce, Rules: []orgv1.Rule{
		{Name: "gold-owned", Type: orgv1.RulePlatformOwnership, Severity: orgv1.SeverityHigh,
			Params: &orgv1.RuleParams{AllowedOwnerFunctions: []orgv1.TeamFunction{"Marketing", "IT", "Data"}},
			Match:  &orgv1.RuleMatch{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}}},
		cel("plain-team-names", orgv1.KindTeam, "!object.metadata.name.contains('.')", "team names have no dots"),
		cel("chaired", orgv1.KindSteeringCommittee, "has(object.spec.chair)", "a committee needs a chair"),
		cel("owner-not-sales", orgv1.KindPlatform, "owner == null || owner.spec.function != 'Sales'", "sales does not own platforms"),
	}}}
	out := []client.Object{baseline, strict}
	if i == 1 {
		out = append(out, &orgv1.GovernancePolicy{ObjectMeta: g.meta("broken"), Spec: orgv1.GovernancePolicySpec{Rules: []orgv1.Rule{
			cel("does-not-compile", orgv1.KindTeam, "object.spec.(", ""),
			{Name: "structure-again", Type: orgv1.RuleTeamStructure},
		}}})
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
	gvk, err := apiutil.GVKForObject(o, scheme)
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
