// Package orggen generates organizations for tests and benchmarks: random
// but reproducible (one seed per organization), of any size, with every
// shape the policy engine judges: dangling and cross-namespace references,
// reporting cycles, expired teams, personal data with and without privacy
// owners, RACI gaps, policies with parameters and label selectors, and
// optionally CEL rules (the Rego peer of test/peer has no CEL, so the
// benchmark's org has none).
//
// Person names are written in Unicode normal form C, so that comparing them
// byte by byte (as the Rego peer does) agrees with the engine, which
// compares them in that form.
package orggen

import (
	"fmt"
	"math/rand/v2"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Options say what to generate.
type Options struct {
	// Namespace holds the organization.
	Namespace string
	// Others are the namespaces of other organizations, which team
	// references cross into with probability Foreign.
	Others  []string
	Foreign float64
	// Seed makes the organization reproducible.
	Seed uint64
	// How many objects of each kind; an Organization and the policies come
	// on top.
	Teams, Platforms, Committees, Matrices int
	// Dangling is the probability that a reference names no object.
	Dangling float64
	// Cycles is how many reporting cycles (of two to four teams) to make.
	Cycles int
	// CEL adds CEL rules to the policies; Broken adds a policy whose CEL
	// rule does not compile.
	CEL, Broken bool
	// Models adds the organization's models: declared martech models,
	// planned and overdue transitions, successors of temporary teams, and
	// the OrganizationModel, MartechModel and TemporaryTeam rules (the Rego
	// peer of test/peer has none of them).
	Models bool
}

// Enterprise is an org of about n objects in one namespace, in the
// proportions of a large company: 70% teams, 15% platforms, 10% RACI
// matrices, 5% steering committees, an Organization and a baseline policy;
// about 2% of references dangle and a few reporting cycles. It has no CEL
// rules.
func Enterprise(namespace string, n int, seed uint64) Options {
	teams, platforms, matrices := n*70/100, n*15/100, n*10/100
	return Options{
		Namespace: namespace, Seed: seed,
		Teams: max(teams, 3), Platforms: max(platforms, 1), Matrices: max(matrices, 1),
		Committees: max(n-teams-platforms-matrices-2, 1),
		Dangling:   0.02, Cycles: max(n/3000, 1),
	}
}

var (
	functions  = []orgv1.TeamFunction{"Executive", "Marketing", "IT", "Data", "Analytics", "Legal", "Privacy", "Sales", "Support", "Digital"}
	teamTypes  = []orgv1.TeamType{"BusinessUnit", "Department", "Department", "Department", "CenterOfExcellence", "TigerTeam", "Agency"}
	people     = []string{"Ana Souza", "Zoë Martin", "Karim Benali", "Élodie Roux", "陈伟", "Ngozi Okafor", "Søren Lund", "Priya Raman"}
	displays   = []string{"Équipe Données", "データ基盤", "Marketing & Ops", `The "Core" Team`, "Vertrieb Süd", ""}
	models     = []orgv1.OrganizationModel{orgv1.ModelIndependent, orgv1.ModelCentralized, orgv1.ModelHybrid}
	cats       = []orgv1.PlatformCategory{"CDP", "CRM", "AIML", "Analytics", "CMS", "MarketingAutomation"}
	severities = []orgv1.Severity{orgv1.SeverityLow, orgv1.SeverityMedium, orgv1.SeverityHigh, orgv1.SeverityCritical}
	expired    = time.Date(2024, 6, 30, 23, 59, 59, 0, time.UTC)
	future     = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
)

type gen struct {
	Options
	r         *rand.Rand
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
	case g.chance(g.Dangling):
		if len(g.Others) > 0 && g.chance(0.3) {
			return orgv1.TeamRef{Name: "team-0", Namespace: g.Namespace + "-nowhere"}
		}
		return orgv1.TeamRef{Name: fmt.Sprintf("ghost-%d", g.r.IntN(3))}
	case len(g.Others) > 0 && g.chance(g.Foreign):
		return orgv1.TeamRef{Name: "team-0", Namespace: pick(g, g.Others)}
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
	return metav1.ObjectMeta{Name: name, Namespace: g.Namespace, Labels: map[string]string{"tier": pick(g, []string{"gold", "silver"})}}
}

// Generate makes the organization that o describes: the Organization, then
// teams, platforms, committees, matrices and policies, each kind by name.
func Generate(o Options) []orgv1.Object {
	g := &gen{Options: o, r: rand.New(rand.NewPCG(o.Seed, 0))} //nolint:gosec // G404: reproducible from the seed, not secret
	for j := range max(o.Teams, 1) {
		name := fmt.Sprintf("team-%d", j)
		if j%4 == 3 {
			name = fmt.Sprintf("unit.%d", j) // a name with a dot
		}
		g.teams = append(g.teams, name)
	}
	for j := range o.Platforms {
		g.platforms = append(g.platforms, fmt.Sprintf("plat-%d", j))
	}
	for j := range max(o.Committees, 1) {
		g.comms = append(g.comms, fmt.Sprintf("steer-%d", j))
	}
	var objs []orgv1.Object
	org := &orgv1.Organization{ObjectMeta: g.meta("org"), Spec: orgv1.OrganizationSpec{DisplayName: pick(g, displays), Model: pick(g, models)}}
	if g.chance(0.2) {
		org.Spec.MartechModel = orgv1.MartechHostile
	} else if g.Models && g.chance(0.5) {
		org.Spec.MartechModel = pick(g, []orgv1.MartechModel{orgv1.MartechEmbedded, orgv1.MartechTraditional, orgv1.MartechCommittee})
	}
	if g.Models && g.chance(0.4) {
		// A transition, overdue or planned; the CRD rejects one that changes nothing.
		org.Spec.Transition = &orgv1.Transition{Model: pick(g, models), By: metav1.NewTime(pick(g, []time.Time{expired, future}))}
		if org.Spec.Transition.Model == org.Spec.Model || g.chance(0.5) {
			org.Spec.Transition.MartechModel = orgv1.MartechJointVenture
		}
	}
	org.Spec.Executives = []orgv1.Executive{{Role: "CMO", Person: *g.person()}}
	objs = append(objs, org)
	objs = append(objs, g.teamObjects()...)
	objs = append(objs, g.platformObjects()...)
	objs = append(objs, g.committeeObjects()...)
	objs = append(objs, g.matrixObjects()...)
	return append(objs, g.policies()...)
}

func (g *gen) teamObjects() []orgv1.Object {
	teams := make([]*orgv1.Team, len(g.teams))
	for j, name := range g.teams {
		t := &orgv1.Team{ObjectMeta: g.meta(name), Spec: orgv1.TeamSpec{DisplayName: pick(g, displays), Function: pick(g, functions), Type: pick(g, teamTypes)}}
		if j > 0 && g.chance(0.9) {
			if g.chance(g.Dangling) {
				t.Spec.ParentRef = &orgv1.TeamRef{Name: "ghost-parent"}
			} else {
				// Any earlier team: a tree about ln(teams) deep.
				t.Spec.ParentRef = &orgv1.TeamRef{Name: g.teams[g.r.IntN(j)]}
			}
		}
		for range g.r.IntN(3) {
			// The CRD rejects a dotted line to the team itself.
			if r := g.teamRef(); r.Name != name || r.Namespace != "" {
				t.Spec.DottedLineRefs = append(t.Spec.DottedLineRefs, r)
			}
		}
		if r := g.teamRef(); g.Models && g.chance(0.2) && (r.Name != name || r.Namespace != "") {
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
			lead := t.Spec.Members[0].Name // mostly a member, as it should be
			if g.chance(0.05) {
				lead = pick(g, people)
			}
			t.Spec.Lead = &orgv1.Person{Name: lead}
		}
		switch {
		case g.chance(0.03):
			t.Spec.ExpiresAt = &metav1.Time{Time: expired}
		case g.chance(0.05):
			t.Spec.ExpiresAt = &metav1.Time{Time: future}
		}
		teams[j] = t
	}
	// Reporting cycles, among teams spread over the list.
	for c := range g.Cycles {
		size := 2 + c%3
		if len(teams) < size+1 {
			break
		}
		ring := make([]*orgv1.Team, size)
		for k := range ring {
			ring[k] = teams[1+(c*7919+k*(len(teams)-1)/size)%(len(teams)-1)]
		}
		for k, t := range ring {
			t.Spec.ParentRef = &orgv1.TeamRef{Name: ring[(k+1)%size].Name}
		}
	}
	out := make([]orgv1.Object, len(teams))
	for j, t := range teams {
		out[j] = t
	}
	return out
}

func (g *gen) platformObjects() []orgv1.Object {
	var out []orgv1.Object
	for _, name := range g.platforms {
		p := &orgv1.Platform{ObjectMeta: g.meta(name), Spec: orgv1.PlatformSpec{DisplayName: pick(g, displays), Category: pick(g, cats)}}
		if g.chance(0.6) { // else the CRD's default, which rules read
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
		case g.chance(g.Dangling):
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
		out = append(out, p)
	}
	return out
}

func (g *gen) committeeObjects() []orgv1.Object {
	var out []orgv1.Object
	for _, name := range g.comms {
		c := &orgv1.SteeringCommittee{ObjectMeta: g.meta(name), Spec: orgv1.SteeringCommitteeSpec{DisplayName: pick(g, displays)}}
		seen := map[orgv1.TeamRef]bool{}
		for range 2 + g.r.IntN(5) {
			if r := g.teamRef(); !seen[r] {
				seen[r] = true
				m := orgv1.CommitteeMember{TeamRef: r}
				if g.chance(0.2) {
					m.Representative = g.person()
				}
				c.Spec.Members = append(c.Spec.Members, m)
			}
		}
		if g.chance(0.7) {
			c.Spec.Chair = g.person()
		}
		out = append(out, c)
	}
	return out
}

func (g *gen) matrixObjects() []orgv1.Object {
	var out []orgv1.Object
	for j := range g.Matrices {
		m := &orgv1.ResponsibilityMatrix{ObjectMeta: g.meta(fmt.Sprintf("raci-%d", j))}
		if len(g.platforms) > 0 && !g.chance(g.Dangling) {
			m.Spec.PlatformRef = &orgv1.PlatformRef{Name: pick(g, g.platforms)}
		} else {
			m.Spec.PlatformRef = &orgv1.PlatformRef{Name: "ghost-platform"}
		}
		for k := range 1 + g.r.IntN(3) {
			a := orgv1.Activity{Name: fmt.Sprintf("Activity %d", k)}
			for range g.r.IntN(3) {
				a.Responsible = append(a.Responsible, g.teamRef())
			}
			if g.chance(0.9) {
				r := g.teamRef()
				a.Accountable = &r
				if g.chance(0.1) {
					a.Informed = append(a.Informed, r)
				}
			}
			if g.chance(0.4) {
				a.Informed = append(a.Informed, g.teamRef())
			}
			if g.chance(0.2) {
				a.Consulted = append(a.Consulted, g.teamRef())
			}
			m.Spec.Activities = append(m.Spec.Activities, a)
		}
		out = append(out, m)
	}
	return out
}

func (g *gen) policies() []orgv1.Object {
	sev := func() orgv1.Severity { return pick(g, severities) }
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
		{Name: "ai", Type: orgv1.RuleEnterpriseAI, Severity: orgv1.SeverityHigh},
	}}}
	strict := &orgv1.GovernancePolicy{ObjectMeta: g.meta("strict"), Spec: orgv1.GovernancePolicySpec{Enforcement: orgv1.EnforcementEnforce, Rules: []orgv1.Rule{
		{Name: "gold-owned", Type: orgv1.RulePlatformOwnership, Severity: orgv1.SeverityHigh,
			Params: &orgv1.RuleParams{AllowedOwnerFunctions: []orgv1.TeamFunction{"Marketing", "IT", "Data"}, AllowedOwnerTypes: []orgv1.TeamType{"Department", "CenterOfExcellence"}},
			Match:  &orgv1.RuleMatch{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}}},
		{Name: "silver-committees", Type: orgv1.RuleSteeringCommitteeCoverage, Severity: orgv1.SeverityMedium,
			Params: &orgv1.RuleParams{RequiredFunctions: []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{"Marketing", "Digital"}}, {AnyOf: []orgv1.TeamFunction{"Legal", "Privacy"}}}},
			Match: &orgv1.RuleMatch{LabelSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"silver"}}}}}},
	}}}
	if g.Models {
		baseline.Spec.Rules = append(baseline.Spec.Rules,
			orgv1.Rule{Name: "model", Type: orgv1.RuleOrganizationModel},
			orgv1.Rule{Name: "martech", Type: orgv1.RuleMartechModel},
			orgv1.Rule{Name: "temporary", Type: orgv1.RuleTemporaryTeam, Params: &orgv1.RuleParams{Types: []orgv1.TeamType{"TigerTeam", "DigitalUnit", "Department"}}})
	}
	if g.CEL {
		baseline.Spec.Rules = append(baseline.Spec.Rules,
			cel("roadmap", orgv1.KindPlatform, "has(object.spec.roadmapOwner)", "every platform needs a roadmap owner"),
			// Reads tier and scope, which only the CRDs' defaults fill in
			// when a manifest leaves them out.
			cel("global-engagement", orgv1.KindPlatform, "object.spec.scope == 'Global' && (object.spec.tier == 'Engagement' || owner != null)", ""))
		strict.Spec.Rules = append(strict.Spec.Rules,
			cel("plain-team-names", orgv1.KindTeam, "!object.metadata.name.contains('.')", "team names have no dots"),
			cel("chaired", orgv1.KindSteeringCommittee, "has(object.spec.chair)", "a committee needs a chair"),
			cel("owner-not-sales", orgv1.KindPlatform, "owner == null || owner.spec.function != 'Sales'", "sales does not own platforms"))
	}
	out := []orgv1.Object{baseline, strict}
	if g.Broken {
		out = append(out, &orgv1.GovernancePolicy{ObjectMeta: g.meta("broken"), Spec: orgv1.GovernancePolicySpec{Rules: []orgv1.Rule{
			cel("does-not-compile", orgv1.KindTeam, "object.spec.(", ""),
			{Name: "structure-again", Type: orgv1.RuleTeamStructure},
		}}})
	}
	return out
}
