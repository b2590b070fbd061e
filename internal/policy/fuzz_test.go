package policy

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
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
	objMeta := func(prefix string, i int) metav1.ObjectMeta {
		m := metav1.ObjectMeta{Name: fmt.Sprintf("%s%d", prefix, i), Namespace: pick(s, namespaces)}
		if s.chance(3) {
			m.Labels = map[string]string{"tier": pick(s, []string{"gold", "silver"})}
		}
		return m
	}
	teamRef := func() orgv1.TeamRef {
		return orgv1.TeamRef{Name: fmt.Sprintf("t%d", s.intn(14)), Namespace: pick(s, namespaces)}
	}
	teamRefs := func() []orgv1.TeamRef {
		n := s.intn(4)
		if s.chance(16) {
			n = 70 // longer than the API allows
		}
		var l []orgv1.TeamRef
		for range n {
			l = append(l, teamRef())
		}
		return l
	}
	optTeamRef := func() *orgv1.TeamRef {
		if s.chance(3) {
			return nil
		}
		r := teamRef()
		return &r
	}
	personP := func() *orgv1.Person {
		if s.chance(2) {
			return nil
		}
		return &orgv1.Person{Name: pick(s, fuzzPeople), TeamRef: optTeamRef()}
	}
	for i := range s.intn(12) {
		t := &orgv1.Team{ObjectMeta: objMeta("t", i), Spec: orgv1.TeamSpec{
			Function: pick(s, fuzzFunctions), Type: pick(s, fuzzTypes), ParentRef: optTeamRef(), Lead: personP(),
		}}
		if s.chance(3) {
			t.Spec.DottedLineRefs = teamRefs()
		}
		for range s.intn(4) {
			if p := personP(); p != nil {
				t.Spec.Members = append(t.Spec.Members, *p)
			}
		}
		if s.chance(3) {
			t.Spec.ExpiresAt = &metav1.Time{Time: now.Add(time.Duration(s.intn(5)-2) * time.Hour)}
		}
		if s.chance(4) {
			t.Spec.SuccessorRef = optTeamRef()
		}
		out = append(out, t)
	}
	for i := range s.intn(10) {
		p := &orgv1.Platform{ObjectMeta: objMeta("p", i), Spec: orgv1.PlatformSpec{
			Category: pick(s, fuzzCategories), Tier: pick(s, fuzzTiers), OwnerRef: optTeamRef(), OperatorRefs: teamRefs(),
			RoadmapOwner: personP(), PrivacyOwner: personP(), Vendor: pick(s, []string{"", "x"}),
		}}
		if !s.chance(3) {
			p.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: fmt.Sprintf("s%d", s.intn(5)), Namespace: pick(s, namespaces)}
		}
		if s.chance(2) {
			p.Spec.Data = &orgv1.PlatformData{PersonalData: s.chance(2)}
			if s.chance(2) {
				p.Spec.Data.Jurisdictions = []string{"GDPR"}
			}
		}
		out = append(out, p)
	}
	for i := range s.intn(4) {
		sc := &orgv1.SteeringCommittee{ObjectMeta: objMeta("s", i), Spec: orgv1.SteeringCommitteeSpec{Chair: personP()}}
		for _, r := range teamRefs() {
			sc.Spec.Members = append(sc.Spec.Members, orgv1.CommitteeMember{TeamRef: r, Representative: personP()})
		}
		out = append(out, sc)
	}
	for i := range s.intn(4) {
		m := &orgv1.ResponsibilityMatrix{ObjectMeta: objMeta("m", i)}
		if !s.chance(3) {
			m.Spec.PlatformRef = &orgv1.PlatformRef{Name: fmt.Sprintf("p%d", s.intn(12)), Namespace: pick(s, namespaces)}
		}
		for j := range s.intn(4) {
			m.Spec.Activities = append(m.Spec.Activities, orgv1.Activity{
				Name: fmt.Sprintf("act%d", j), Responsible: teamRefs(), Accountable: optTeamRef(), Consulted: teamRefs(), Informed: teamRefs(),
			})
		}
		out = append(out, m)
	}
	for i := range s.intn(3) {
		o := &orgv1.Organization{ObjectMeta: objMeta("o", i), Spec: orgv1.OrganizationSpec{
			Model:        pick(s, fuzzModels),
			MartechModel: pick(s, fuzzMartechModels),
			Executives:   []orgv1.Executive{{Role: "CMO", Person: orgv1.Person{Name: "Ana", TeamRef: optTeamRef()}}},
		}}
		if s.chance(2) {
			o.Spec.Transition = &orgv1.Transition{Model: pick(s, fuzzModels), MartechModel: pick(s, fuzzMartechModels),
				By: metav1.Time{Time: now.Add(time.Duration(s.intn(5)-2) * time.Hour)}}
		}
		out = append(out, o)
	}
	for i := range s.intn(4) {
		p := &orgv1.GovernancePolicy{ObjectMeta: objMeta("g", i), Spec: orgv1.GovernancePolicySpec{
			Enforcement: pick(s, []orgv1.Enforcement{"", "Audit", "Enforce"}),
		}}
		for j := range s.intn(10) {
			p.Spec.Rules = append(p.Spec.Rules, randomRule(s, fmt.Sprintf("r%d", j)))
		}
		out = append(out, p)
	}
	return out
}

func randomRule(s *byteSource, name string) orgv1.Rule {
	r := orgv1.Rule{Name: name, Type: pick(s, fuzzRuleTypes), Severity: pick(s, fuzzSeverities)}
	if s.chance(2) {
		r.Params = &orgv1.RuleParams{
			AllowedOwnerFunctions: []orgv1.TeamFunction{pick(s, fuzzFunctions)},
			AllowedOwnerTypes:     []orgv1.TeamType{pick(s, fuzzTypes)},
			Tiers:                 []orgv1.PlatformTier{pick(s, fuzzTiers)},
			RequiredFunctions:     []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{pick(s, fuzzFunctions), pick(s, fuzzFunctions)}}},
			OwnerFunctions:        []orgv1.TeamFunction{pick(s, fuzzFunctions)},
			RequireForTiers:       []orgv1.PlatformTier{pick(s, fuzzTiers)},
			RequiredActivities:    []string{pick(s, []string{"act0", "act3"})},
			Types:                 []orgv1.TeamType{pick(s, fuzzTypes)},
		}
		if s.chance(2) {
			days := int32(s.intn(3))
			r.Params.NoticeDays = &days
		}
	}
	if !s.chance(3) {
		r.Match = &orgv1.RuleMatch{}
		for range s.intn(3) {
			r.Match.Kinds = append(r.Match.Kinds, pick(s, fuzzKinds))
		}
		if s.chance(3) {
			r.Match.LabelSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "tier", Operator: pick(s, []metav1.LabelSelectorOperator{"In", "Exists", "Bogus"}), Values: []string{"gold"},
			}}}
		}
	}
	if r.Type == orgv1.RuleCEL || s.chance(8) {
		r.CEL = &orgv1.CELRule{Expression: pick(s, fuzzExpressions), Message: pick(s, []string{"", "custom message"})}
	}
	return r
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
