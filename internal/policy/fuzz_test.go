package policy

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// byteSource draws choices from fuzz bytes; once they run out every choice
// is 0, so short inputs make small graphs.
type byteSource struct {
	data []byte
	i    int
}

func (s *byteSource) intn(n int) int {
	if s.i >= len(s.data) || n <= 0 {
		return 0
	}
	s.i++
	return int(s.data[s.i-1]) % n
}

// chance is true about once in n draws, and never once the bytes run out.
func (s *byteSource) chance(n int) bool { return s.i < len(s.data) && s.intn(n) == 0 }

func pick[T any](s *byteSource, l []T) T { return l[s.intn(len(l))] }

var (
	fuzzNamespaces = []string{"a", "b", ""}
	fuzzFunctions  = []orgv1.TeamFunction{"IT", "Data", "Sales", "Support", "Legal", "Privacy", "Marketing", "Analytics", ""}
	fuzzTypes      = []orgv1.TeamType{"BusinessUnit", "CenterOfExcellence", "Department", "TigerTeam", "DigitalUnit", "PracticeCenter", "Agency", ""}
	fuzzCategories = []orgv1.PlatformCategory{"AIML", "CRM", "CDP", "DAM", "Social", ""}
	fuzzTiers      = []orgv1.PlatformTier{"Foundational", "Engagement", ""}
	fuzzRuleTypes  = []orgv1.RuleType{
		orgv1.RulePlatformOwnership, orgv1.RulePlatformGoverned, orgv1.RuleSteeringCommitteeCoverage, orgv1.RulePrivacyOwner,
		orgv1.RuleResponsibilityAssignment, orgv1.RuleTeamStructure, orgv1.RuleOrganizationModel, orgv1.RuleEnterpriseAI,
		orgv1.RuleMartechModel, orgv1.RuleTemporaryTeam, orgv1.RuleCEL, orgv1.RuleCEL, "Bogus",
	}
	fuzzKinds       = append([]orgv1.Kind{"GovernancePolicy"}, judgedKinds...)
	fuzzSeverities  = []orgv1.Severity{"Low", "Medium", "High", "Critical", ""}
	fuzzExpressions = []string{
		`true`, `false`, `has(object.spec.vendor)`, `object.spec.vendor == "x"`, `object.spec.category`,
		`owner != null && owner.spec.function == "IT"`, `committee == null || size(committee.spec.members) > 1`,
		`object.metadata.labels["tier"] == "gold"`, `1 + `, `undeclared`, `[1,2,3].all(x, [1,2,3].all(y, x * y < 9))`,
		`object.metadata.name.startsWith("t")`, `2`,
	}
	fuzzPeople        = []string{"Ana", "Bo", "Élodie", ""}
	fuzzModels        = []orgv1.OrganizationModel{"Independent", "Centralized", "Hybrid", ""}
	fuzzMartechModels = []orgv1.MartechModel{"", "Hostile", "Committee", "Embedded", "Traditional", "JointVenture", "OutsourcedMarketing"}
)

// randomObjects builds an organization from fuzz bytes: every kind, several
// namespaces, references that resolve or dangle (the name pools are larger
// than what is created), cycles, expiries around now, long lists, and
// policies with every rule type, valid and invalid.
func randomObjects(data []byte) []metav1.Object { return randomOrg(data, fuzzNamespaces) }

// randomOrg is randomObjects with objects and references in namespaces.
func randomOrg(data []byte, namespaces []string) []metav1.Object {
	s := &byteSource{data: data}
	var out []metav1.Object
	// place draws an object's namespace and, at times, a tier label.
	place := func(prefix string, i int) (name, ns, tier string) {
		name, ns = fmt.Sprintf("%s%d", prefix, i), pick(s, namespaces)
		if s.chance(3) {
			tier = pick(s, []string{"gold", "silver"})
		}
		return name, ns, tier
	}
	// qualified draws a namespace for a reference to name, as builders
	// take references: "namespace/name", or "name" in the object's own.
	qualified := func(name string) string {
		if ns := pick(s, namespaces); ns != "" {
			return ns + "/" + name
		}
		return name
	}
	teamRef := func() string { return qualified(fmt.Sprintf("t%d", s.intn(14))) }
	teamRefs := func() []string {
		n := s.intn(4)
		if s.chance(16) {
			n = 70 // longer than the API allows
		}
		var l []string
		for range n {
			l = append(l, teamRef())
		}
		return l
	}
	// optTeamRef is "" (no reference) about a third of the time.
	optTeamRef := func() string {
		if s.chance(3) {
			return ""
		}
		return teamRef()
	}
	person := func() (orgv1.Person, bool) {
		if s.chance(2) {
			return orgv1.Person{}, false
		}
		return builders.Person(pick(s, fuzzPeople), optTeamRef()), true
	}
	for i := range s.intn(12) {
		name, ns, tier := place("t", i)
		t := builders.MakeTeam(name, ns).Function(pick(s, fuzzFunctions)).Type(pick(s, fuzzTypes)).Parent(optTeamRef())
		if p, ok := person(); ok {
			t.Lead(p)
		}
		if s.chance(3) {
			t.DottedLines(teamRefs()...)
		}
		for range s.intn(4) {
			if p, ok := person(); ok {
				t.Members(p)
			}
		}
		if s.chance(3) {
			t.ExpiresAt(now.Add(time.Duration(s.intn(5)-2) * time.Hour))
		}
		if s.chance(4) {
			t.Successor(optTeamRef())
		}
		out = append(out, labeled(t.Obj(), tier))
	}
	for i := range s.intn(10) {
		name, ns, tier := place("p", i)
		p := builders.MakePlatform(name, ns).Category(pick(s, fuzzCategories)).Tier(pick(s, fuzzTiers)).
			Owner(optTeamRef()).Operators(teamRefs()...)
		if o, ok := person(); ok {
			p.RoadmapOwner(o)
		}
		if o, ok := person(); ok {
			p.PrivacyOwner(o)
		}
		p.Vendor(pick(s, []string{"", "x"}))
		if !s.chance(3) {
			p.Committee(qualified(fmt.Sprintf("s%d", s.intn(5))))
		}
		if s.chance(2) {
			d := orgv1.PlatformData{PersonalData: s.chance(2)}
			if s.chance(2) {
				d.Jurisdictions = []string{"GDPR"}
			}
			p.Data(d)
		}
		out = append(out, labeled(p.Obj(), tier))
	}
	for i := range s.intn(4) {
		name, ns, tier := place("s", i)
		sc := builders.MakeSteeringCommittee(name, ns)
		if p, ok := person(); ok {
			sc.Chair(p)
		}
		for _, r := range teamRefs() {
			if p, ok := person(); ok {
				sc.Representative(r, p)
			} else {
				sc.Members(r)
			}
		}
		out = append(out, labeled(sc.Obj(), tier))
	}
	for i := range s.intn(4) {
		name, ns, tier := place("m", i)
		m := builders.MakeResponsibilityMatrix(name, ns)
		if !s.chance(3) {
			m.Platform(qualified(fmt.Sprintf("p%d", s.intn(12))))
		}
		for j := range s.intn(4) {
			m.Activities(builders.MakeActivity(fmt.Sprintf("act%d", j)).Responsible(teamRefs()...).
				Accountable(optTeamRef()).Consulted(teamRefs()...).Informed(teamRefs()...).Obj())
		}
		out = append(out, labeled(m.Obj(), tier))
	}
	for i := range s.intn(3) {
		name, ns, tier := place("o", i)
		o := builders.MakeOrganization(name, ns).Model(pick(s, fuzzModels)).Martech(pick(s, fuzzMartechModels)).
			Executive("CMO", builders.Person("Ana", optTeamRef()))
		if s.chance(2) {
			o.Transition(pick(s, fuzzModels), pick(s, fuzzMartechModels), now.Add(time.Duration(s.intn(5)-2)*time.Hour), "")
		}
		out = append(out, labeled(o.Obj(), tier))
	}
	for i := range s.intn(4) {
		name, ns, tier := place("g", i)
		p := builders.MakeGovernancePolicy(name, ns).Enforcement(pick(s, []orgv1.Enforcement{"", "Audit", "Enforce"}))
		for j := range s.intn(10) {
			p.Rules(randomRule(s, fmt.Sprintf("r%d", j)))
		}
		out = append(out, labeled(p.Obj(), tier))
	}
	return out
}

// labeled labels o tier=<tier>, unless tier is "".
func labeled[T metav1.Object](o T, tier string) T {
	if tier != "" {
		o.SetLabels(map[string]string{"tier": tier})
	}
	return o
}

func randomRule(s *byteSource, name string) orgv1.Rule {
	r := builders.MakeRule(name, pick(s, fuzzRuleTypes)).Severity(pick(s, fuzzSeverities))
	if s.chance(2) {
		r.Params(orgv1.RuleParams{
			AllowedOwnerFunctions: []orgv1.TeamFunction{pick(s, fuzzFunctions)},
			AllowedOwnerTypes:     []orgv1.TeamType{pick(s, fuzzTypes)},
			Tiers:                 []orgv1.PlatformTier{pick(s, fuzzTiers)},
			RequiredFunctions:     []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{pick(s, fuzzFunctions), pick(s, fuzzFunctions)}}},
			OwnerFunctions:        []orgv1.TeamFunction{pick(s, fuzzFunctions)},
			RequireForTiers:       []orgv1.PlatformTier{pick(s, fuzzTiers)},
			RequiredActivities:    []string{pick(s, []string{"act0", "act3"})},
			Types:                 []orgv1.TeamType{pick(s, fuzzTypes)},
		})
		if s.chance(2) {
			days := int32(s.intn(3))
			r.Rule.Params.NoticeDays = &days
		}
	}
	if !s.chance(3) {
		var kinds []orgv1.Kind
		for range s.intn(3) {
			kinds = append(kinds, pick(s, fuzzKinds))
		}
		r.MatchKinds(kinds...)
		if s.chance(3) {
			r.MatchLabels(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "tier", Operator: pick(s, []metav1.LabelSelectorOperator{"In", "Exists", "Bogus"}), Values: []string{"gold"},
			}}})
		}
	}
	if r.Type == orgv1.RuleCEL || s.chance(8) {
		r.CEL(pick(s, fuzzExpressions), pick(s, []string{"", "custom message"}))
	}
	return r.Obj()
}

// FuzzEvaluate builds random organizations and checks that evaluation never
// panics, is deterministic (twice on one engine, and on a fresh engine over
// the objects in shuffled order), and that EvaluateObject agrees with
// Evaluate on every object. Run it with -fuzzminimizetime=2s: each
// input is a whole organization, and minimizing every new input for the
// default 60s leaves little time to fuzz.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("seed: a small organization"))
	f.Fuzz(func(t *testing.T, data []byte) {
		objects := randomObjects(data)
		g, err := NewMemoryGraph(objects...)
		if err != nil {
			t.Fatal(err)
		}
		e := newEngine(t)
		first := e.Evaluate(g, now)
		if diff := cmp.Diff(first, e.Evaluate(g, now)); diff != "" {
			t.Fatalf("second evaluation differs (-first +second):\n%s", diff)
		}
		rng := rand.New(rand.NewPCG(uint64(len(data)), 7))
		rng.Shuffle(len(objects), func(a, b int) { objects[a], objects[b] = objects[b], objects[a] })
		shuffled, err := NewMemoryGraph(objects...)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, newEngine(t).Evaluate(shuffled, now)); diff != "" {
			t.Fatalf("shuffled insertion order changes the result (-first +shuffled):\n%s", diff)
		}
		assertConsistent(t, e, g, first)
		for _, o := range objects {
			References(o)
		}
	})
}
