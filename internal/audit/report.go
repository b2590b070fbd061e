// Package audit builds an auditor's report from the status the controller
// wrote on live objects: per platform its owner, privacy owner, committee
// and compliance; per committee its coverage; per team and every other
// object its findings; the declared and inferred organization model; the
// policies and their rule counts; totals by severity and policy. It writes
// the report as text, Markdown, JSON or a self-contained HTML page.
//
// Names: in orgplane, "report" alone means the PolicyReports that the
// controller keeps per namespace (package policyreport), and "audit" this
// document, written for auditors. `kubectl org report` prints it: the
// command keeps the name users and scripts already run (and its help says it
// prints an audit report, not PolicyReports); the package is named for what
// it builds.
package audit

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// Report is the whole audit report.
type Report struct {
	GeneratedAt time.Time `json:"generatedAt"`
	// Scope is "namespace <name>" or "all namespaces".
	Scope      string      `json:"scope"`
	Namespaces []Namespace `json:"namespaces"`
	Totals     Totals      `json:"totals"`
}

// Namespace is the report of one namespace.
type Namespace struct {
	Name                   string         `json:"name"`
	Organizations          []Organization `json:"organizations"`
	Platforms              []Platform     `json:"platforms"`
	SteeringCommittees     []Committee    `json:"steeringCommittees"`
	Teams                  []Team         `json:"teams"`
	ResponsibilityMatrices []Object       `json:"responsibilityMatrices"`
	GovernancePolicies     []Policy       `json:"governancePolicies"`
	Totals                 Totals         `json:"totals"`
}

// Compliance values.
const (
	Compliant    = "Compliant"
	NonCompliant = "NonCompliant"
	// Pending: the controller has not evaluated the current generation.
	Pending = "Pending"
)

// Status is what the controller wrote on a judged object.
type Status struct {
	// Compliance is Compliant, NonCompliant or Pending.
	Compliance string `json:"compliance"`
	// Ready is the Ready condition's status: True, False or Unknown.
	Ready string `json:"ready"`
	// ViolationCount counts every violation, Violations lists the first 50.
	ViolationCount int               `json:"violationCount"`
	Violations     []orgv1.Violation `json:"violations"`
}

// Object is a judged object with its status.
type Object struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	Status
}

// Organization is an Organization's models: declared, inferred with the
// reason and the units' evidence, the martech team, and a planned
// transition.
type Organization struct {
	Object
	DisplayName   string                `json:"displayName,omitempty"`
	DeclaredModel string                `json:"declaredModel"`
	InferredModel string                `json:"inferredModel"`
	ModelReason   string                `json:"modelReason,omitempty"`
	ModelEvidence []orgv1.ModelEvidence `json:"modelEvidence"`
	// MartechModel is the declared martech model.
	MartechModel         string      `json:"martechModel,omitempty"`
	InferredMartechModel string      `json:"inferredMartechModel,omitempty"`
	MartechTeam          string      `json:"martechTeam,omitempty"`
	MartechReason        string      `json:"martechReason,omitempty"`
	Transition           *Transition `json:"transition,omitempty"`
}

// Transition is a planned move and how far it has come.
type Transition struct {
	Model        string    `json:"model"`
	MartechModel string    `json:"martechModel,omitempty"`
	By           time.Time `json:"by"`
	Reason       string    `json:"reason,omitempty"`
	// Phase is Planned, Completed or Overdue; Pending while the controller
	// has not evaluated the current generation.
	Phase string `json:"phase"`
}

// Platform is who owns, runs, answers for privacy and governs a platform.
type Platform struct {
	Object
	DisplayName  string   `json:"displayName,omitempty"`
	Category     string   `json:"category"`
	Tier         string   `json:"tier"`
	Owner        string   `json:"owner"`
	Operators    []string `json:"operators"`
	PersonalData bool     `json:"personalData"`
	PrivacyOwner string   `json:"privacyOwner"`
	Committee    string   `json:"steeringCommittee"`
}

// Committee is a steering committee's coverage.
type Committee struct {
	Object
	DisplayName       string   `json:"displayName,omitempty"`
	Members           []string `json:"members"`
	CoveredFunctions  []string `json:"coveredFunctions"`
	MissingFunctions  []string `json:"missingFunctions"`
	GovernedPlatforms int32    `json:"governedPlatforms"`
}

// Team is a team's place in the structure.
type Team struct {
	Object
	DisplayName string `json:"displayName,omitempty"`
	Function    string `json:"function"`
	Type        string `json:"type"`
	Parent      string `json:"parent,omitempty"`
}

// Policy is a governance policy's state and per-rule counts.
type Policy struct {
	Name        string             `json:"name"`
	Enforcement string             `json:"enforcement"`
	Ready       string             `json:"ready"`
	Stalled     string             `json:"stalled,omitempty"`
	Rules       []orgv1.RuleStatus `json:"rules"`
}

// Totals count objects and violations.
type Totals struct {
	Objects      int `json:"objects"`
	NonCompliant int `json:"nonCompliant"`
	Pending      int `json:"pending"`
	// Violations counts every violation; Unlisted those beyond the 50 that
	// an object's status lists, which Counts (by severity and policy)
	// cannot count.
	Violations int `json:"violations"`
	Unlisted   int `json:"unlisted"`
	policy.Counts
}

func newTotals() Totals { return Totals{Counts: policy.NewCounts()} }

func (t *Totals) count(s Status) {
	t.Objects++
	switch s.Compliance {
	case NonCompliant:
		t.NonCompliant++
	case Pending:
		t.Pending++
	}
	t.Violations += s.ViolationCount
	t.Unlisted += s.ViolationCount - len(s.Violations)
	for _, v := range s.Violations {
		t.Add(v)
	}
}

func (t *Totals) add(o Totals) {
	t.Objects += o.Objects
	t.NonCompliant += o.NonCompliant
	t.Pending += o.Pending
	t.Violations += o.Violations
	t.Unlisted += o.Unlisted
	t.Merge(o.Counts)
}

// Build reads the report off g, whose objects carry the status the
// controller wrote.
func Build(g policy.Graph, scope string, now time.Time) *Report {
	r := &Report{GeneratedAt: now.UTC(), Scope: scope, Namespaces: []Namespace{}, Totals: newTotals()}
	for _, ns := range g.Namespaces() {
		n := buildNamespace(g, ns)
		r.Totals.add(n.Totals)
		r.Namespaces = append(r.Namespaces, n)
	}
	return r
}

// buildNamespace reads one namespace, kind by kind, counting every judged
// object into its totals.
func buildNamespace(g policy.Graph, ns string) Namespace {
	n := &Namespace{Name: ns, Totals: newTotals(),
		Organizations: []Organization{}, Platforms: []Platform{}, SteeringCommittees: []Committee{},
		Teams: []Team{}, ResponsibilityMatrices: []Object{}, GovernancePolicies: []Policy{}}
	for _, o := range g.Organizations(ns) {
		n.Organizations = append(n.Organizations, n.organization(o))
	}
	for _, p := range g.Platforms(ns) {
		n.Platforms = append(n.Platforms, n.platform(p))
	}
	for _, c := range g.SteeringCommittees(ns) {
		n.SteeringCommittees = append(n.SteeringCommittees, n.committee(c))
	}
	for _, t := range g.Teams(ns) {
		n.Teams = append(n.Teams, n.team(t))
	}
	for _, m := range g.ResponsibilityMatrices(ns) {
		n.ResponsibilityMatrices = append(n.ResponsibilityMatrices, n.object(orgv1.KindResponsibilityMatrix, m))
	}
	for _, gp := range g.GovernancePolicies(ns) {
		n.GovernancePolicies = append(n.GovernancePolicies, governancePolicy(gp))
	}
	return *n
}

// object reads a judged object's status and counts it.
func (n *Namespace) object(kind orgv1.Kind, o orgv1.Judged) Object {
	obj := Object{Kind: string(kind), Name: o.GetName(), Status: status(o)}
	n.Totals.count(obj.Status)
	return obj
}

// organization reads an Organization's models off its spec and status.
func (n *Namespace) organization(o *orgv1.Organization) Organization {
	obj := n.object(orgv1.KindOrganization, o)
	st := o.Status
	org := Organization{
		Object: obj, DisplayName: o.Spec.DisplayName,
		DeclaredModel: string(o.Spec.Model), InferredModel: cmp.Or(string(st.InferredModel), "-"), ModelReason: st.ModelReason,
		ModelEvidence: nonNil(st.ModelEvidence), MartechModel: string(o.Spec.MartechModel),
		InferredMartechModel: string(st.InferredMartechModel), MartechTeam: st.MartechTeam, MartechReason: st.MartechReason,
	}
	if tr := o.Spec.Transition; tr != nil {
		org.Transition = &Transition{Model: string(tr.Model), MartechModel: string(tr.MartechModel), By: tr.By.UTC(), Reason: tr.Reason, Phase: Pending}
		if st.Transition != nil && obj.Compliance != Pending {
			org.Transition.Phase = string(st.Transition.Phase)
		}
	}
	return org
}

func (n *Namespace) platform(p *orgv1.Platform) Platform {
	pl := Platform{
		Object: n.object(orgv1.KindPlatform, p), DisplayName: p.Spec.DisplayName,
		Category: string(p.Spec.Category), Tier: cmp.Or(string(p.Spec.Tier), string(orgv1.TierEngagement)),
		Owner: "-", Operators: []string{}, PrivacyOwner: "-", Committee: "-",
	}
	if r := p.Spec.OwnerRef; r != nil {
		pl.Owner = qualified(n.Name, r.Namespace, r.Name)
	}
	for _, r := range p.Spec.OperatorRefs {
		pl.Operators = append(pl.Operators, qualified(n.Name, r.Namespace, r.Name))
	}
	if d := p.Spec.Data; d != nil {
		pl.PersonalData = d.PersonalData || len(d.Jurisdictions) > 0
	}
	if po := p.Spec.PrivacyOwner; po != nil {
		pl.PrivacyOwner = person(n.Name, po)
	}
	if r := p.Spec.SteeringCommitteeRef; r != nil {
		pl.Committee = qualified(n.Name, r.Namespace, r.Name)
	}
	return pl
}

func (n *Namespace) committee(c *orgv1.SteeringCommittee) Committee {
	cm := Committee{
		Object: n.object(orgv1.KindSteeringCommittee, c), DisplayName: c.Spec.DisplayName, Members: []string{},
		CoveredFunctions: nonNil(c.Status.CoveredFunctions), MissingFunctions: nonNil(c.Status.MissingFunctions),
		GovernedPlatforms: c.Status.GovernedPlatforms,
	}
	for _, m := range c.Spec.Members {
		cm.Members = append(cm.Members, qualified(n.Name, m.TeamRef.Namespace, m.TeamRef.Name))
	}
	return cm
}

func (n *Namespace) team(t *orgv1.Team) Team {
	tm := Team{Object: n.object(orgv1.KindTeam, t), DisplayName: t.Spec.DisplayName, Function: string(t.Spec.Function), Type: string(t.Spec.Type)}
	if r := t.Spec.ParentRef; r != nil {
		tm.Parent = qualified(n.Name, r.Namespace, r.Name)
	}
	return tm
}

func governancePolicy(gp *orgv1.GovernancePolicy) Policy {
	return Policy{
		Name: gp.Name, Enforcement: cmp.Or(string(gp.Spec.Enforcement), string(orgv1.EnforcementAudit)),
		Ready: conditionStatus(gp.Status.Conditions, orgv1.ConditionReady), Stalled: stalled(gp.Status.Conditions),
		Rules: nonNil(gp.Status.Rules),
	}
}

// status reads a judged object's verdict. An object whose current
// generation the controller has not evaluated is Pending, whatever an older
// evaluation said.
func status(o orgv1.Judged) Status {
	common, j := o.CommonStatus(), o.Judgement()
	s := Status{
		Compliance:     Pending,
		Ready:          conditionStatus(common.Conditions, orgv1.ConditionReady),
		ViolationCount: max(int(j.ViolationCount), len(j.Violations)),
		Violations:     nonNil(j.Violations),
	}
	if common.ObservedGeneration == o.GetGeneration() {
		switch conditionStatus(common.Conditions, orgv1.ConditionCompliant) {
		case "True":
			s.Compliance = Compliant
		case "False":
			s.Compliance = NonCompliant
		}
	}
	return s
}

func conditionStatus(conds []metav1.Condition, t string) string {
	if c := meta.FindStatusCondition(conds, t); c != nil {
		return string(c.Status)
	}
	return "Unknown"
}

// stalled is a Stalled condition's message while it holds.
func stalled(conds []metav1.Condition) string {
	if c := meta.FindStatusCondition(conds, orgv1.ConditionStalled); c != nil && c.Status == "True" {
		return c.Message
	}
	return ""
}

// qualified names a referenced object, with its namespace when that is not
// the referring object's.
func qualified(from, ns, name string) string {
	if ns == "" || ns == from {
		return name
	}
	return ns + "/" + name
}

func person(ns string, p *orgv1.Person) string {
	if p.TeamRef == nil {
		return p.Name
	}
	return p.Name + " (" + qualified(ns, p.TeamRef.Namespace, p.TeamRef.Name) + ")"
}

// nonNil makes nil lists empty, so that JSON shows [] rather than null.
func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// sortedKeys lists a count map's keys in order.
func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }
