package policy

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Functional options for the test objects of the model, martech, transition
// and temporary-team tests (issue 11), which came before package builders.
// Every object lives in namespace ns unless an option moves it.
// TODO: port these tests to package builders and remove this file.

func meta(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }

// inNS works on any kind.
func inNS[T metav1.Object](namespace string) func(T) {
	return func(o T) { o.SetNamespace(namespace) }
}

func apply[T any](o T, opts []func(T)) T {
	for _, f := range opts {
		f(o)
	}
	return o
}

func ref(name string) orgv1.TeamRef { return orgv1.TeamRef{Name: name} }

func person(name, teamName string) orgv1.Person {
	p := orgv1.Person{Name: name}
	if teamName != "" {
		p.TeamRef = &orgv1.TeamRef{Name: teamName}
	}
	return p
}

// Organization.

// acmeOrg is Organization "acme".
func acmeOrg(model orgv1.OrganizationModel, opts ...func(*orgv1.Organization)) *orgv1.Organization {
	return apply(&orgv1.Organization{ObjectMeta: meta("acme"), Spec: orgv1.OrganizationSpec{Model: model}}, opts)
}

func withMartech(m orgv1.MartechModel) func(*orgv1.Organization) {
	return func(o *orgv1.Organization) { o.Spec.MartechModel = m }
}

// Team: Marketing Department by default.

func team(name string, opts ...func(*orgv1.Team)) *orgv1.Team {
	return apply(&orgv1.Team{ObjectMeta: meta(name), Spec: orgv1.TeamSpec{Function: "Marketing", Type: "Department"}}, opts)
}

func withFunction(f orgv1.TeamFunction) func(*orgv1.Team) {
	return func(t *orgv1.Team) { t.Spec.Function = f }
}

func withType(tt orgv1.TeamType) func(*orgv1.Team) {
	return func(t *orgv1.Team) { t.Spec.Type = tt }
}

func withParent(name string) func(*orgv1.Team) {
	return withParentRef(ref(name))
}

func withParentRef(r orgv1.TeamRef) func(*orgv1.Team) {
	return func(t *orgv1.Team) { t.Spec.ParentRef = &r }
}

func withDottedLine(names ...string) func(*orgv1.Team) {
	return func(t *orgv1.Team) {
		for _, n := range names {
			t.Spec.DottedLineRefs = append(t.Spec.DottedLineRefs, ref(n))
		}
	}
}

func withMembers(ps ...orgv1.Person) func(*orgv1.Team) {
	return func(t *orgv1.Team) { t.Spec.Members = append(t.Spec.Members, ps...) }
}

func expiringAt(at time.Time) func(*orgv1.Team) {
	return func(t *orgv1.Team) { t.Spec.ExpiresAt = &metav1.Time{Time: at} }
}

// Platform: a CRM by default.

func platform(name string, opts ...func(*orgv1.Platform)) *orgv1.Platform {
	return apply(&orgv1.Platform{ObjectMeta: meta(name), Spec: orgv1.PlatformSpec{Category: "CRM"}}, opts)
}

func ownedBy(name string) func(*orgv1.Platform) { return ownedByRef(ref(name)) }

func ownedByRef(r orgv1.TeamRef) func(*orgv1.Platform) {
	return func(p *orgv1.Platform) { p.Spec.OwnerRef = &r }
}

func operatedBy(names ...string) func(*orgv1.Platform) {
	return func(p *orgv1.Platform) {
		for _, n := range names {
			p.Spec.OperatorRefs = append(p.Spec.OperatorRefs, ref(n))
		}
	}
}

func withCategory(c orgv1.PlatformCategory) func(*orgv1.Platform) {
	return func(p *orgv1.Platform) { p.Spec.Category = c }
}

func withTier(t orgv1.PlatformTier) func(*orgv1.Platform) {
	return func(p *orgv1.Platform) { p.Spec.Tier = t }
}

// SteeringCommittee.

// ResponsibilityMatrix.

func matrix(name, platformName string, activities ...orgv1.Activity) *orgv1.ResponsibilityMatrix {
	m := &orgv1.ResponsibilityMatrix{ObjectMeta: meta(name), Spec: orgv1.ResponsibilityMatrixSpec{Activities: activities}}
	if platformName != "" {
		m.Spec.PlatformRef = &orgv1.PlatformRef{Name: platformName}
	}
	return m
}

// activity has the given accountable team ("" for none) and the
// responsible team "ops".
func activity(name, accountable string, informed ...string) orgv1.Activity {
	a := orgv1.Activity{Name: name, Responsible: []orgv1.TeamRef{ref("ops")}}
	if accountable != "" {
		a.Accountable = &orgv1.TeamRef{Name: accountable}
	}
	for _, n := range informed {
		a.Informed = append(a.Informed, ref(n))
	}
	return a
}

// GovernancePolicy.

// gov is GovernancePolicy "gov".
func gov(rules ...orgv1.Rule) *orgv1.GovernancePolicy {
	return &orgv1.GovernancePolicy{ObjectMeta: meta("gov"), Spec: orgv1.GovernancePolicySpec{Rules: rules}}
}

func rule(name string, t orgv1.RuleType, opts ...func(*orgv1.Rule)) orgv1.Rule {
	return *apply(&orgv1.Rule{Name: name, Type: t}, opts)
}

func withParams(p orgv1.RuleParams) func(*orgv1.Rule) {
	return func(r *orgv1.Rule) { r.Params = &p }
}

// Harness.

func matrixRef(name string) ObjectRef {
	return ObjectRef{Kind: orgv1.KindResponsibilityMatrix, Namespace: ns, Name: name}
}
