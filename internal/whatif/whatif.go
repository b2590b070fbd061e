// Package whatif shows what a proposed reorganization does to an
// organization's governance: it lays proposed objects over a base (the
// manifests of today, or the live objects of a cluster), judges both with
// the one policy engine, and reports what changes: the inferred models and
// their reasons, the findings added and cleared, the steering committees'
// coverage, and the platforms whose owner moves to another unit. It writes
// the comparison as text, Markdown (for a pull-request comment) or JSON.
package whatif

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// DeleteAnnotation marks a proposed object whose namesake in the base the
// proposal removes, when its value is "delete".
const DeleteAnnotation = "orgplane.io/whatif"

// Apply lays the proposal over the base: a proposed object replaces the
// base's object of the same kind, namespace and name, or joins the base;
// one annotated DeleteAnnotation: delete removes its namesake. Neither list
// is modified.
func Apply(base, proposal []metav1.Object) []metav1.Object {
	key := func(o metav1.Object) policy.ObjectRef {
		k, _ := orgv1.KindOf(o)
		return policy.ObjectRef{Kind: k, Namespace: o.GetNamespace(), Name: o.GetName()}
	}
	proposed := map[policy.ObjectRef]metav1.Object{}
	for _, o := range proposal {
		proposed[key(o)] = o
	}
	var out []metav1.Object
	for _, o := range base {
		if _, replaced := proposed[key(o)]; !replaced {
			out = append(out, o)
		}
	}
	for _, o := range proposal {
		if o.GetAnnotations()[DeleteAnnotation] != "delete" {
			out = append(out, o)
		}
	}
	return out
}

// Result is what a proposal changes.
type Result struct {
	// Models are the namespaces whose inferred model or martech model, or
	// their reasons, change; in namespace order.
	Models []ModelChange `json:"models"`
	// Added are the findings the proposal adds, Cleared those it clears,
	// grouped by object, in the engine's object order.
	Added   []ObjectFindings `json:"added"`
	Cleared []ObjectFindings `json:"cleared"`
	// Coverage are the steering committees whose covered functions change.
	Coverage []CoverageChange `json:"coverage"`
	// Owners are the platforms whose owner moves to another unit.
	Owners []OwnerChange `json:"owners"`
}

// Models is one namespace's inferred models.
type Models struct {
	Model         orgv1.OrganizationModel `json:"model"`
	Reason        string                  `json:"reason"`
	MartechModel  orgv1.MartechModel      `json:"martechModel"`
	MartechTeam   string                  `json:"martechTeam,omitempty"`
	MartechReason string                  `json:"martechReason"`
}

// ModelChange is a namespace's models before and after the proposal.
type ModelChange struct {
	Namespace string `json:"namespace"`
	Before    Models `json:"before"`
	After     Models `json:"after"`
}

// Finding is one violation of an object.
type Finding struct {
	Policy      string            `json:"policy"`
	Rule        string            `json:"rule"`
	Severity    orgv1.Severity    `json:"severity"`
	Enforcement orgv1.Enforcement `json:"enforcement"`
	Message     string            `json:"message"`
}

// ObjectFindings are the findings of one object.
type ObjectFindings struct {
	// Object is Kind/namespace/name.
	Object   string    `json:"object"`
	Findings []Finding `json:"findings"`
}

// CoverageChange is a committee's covered functions gained and lost.
type CoverageChange struct {
	Committee string   `json:"committee"`
	Gained    []string `json:"gained"`
	Lost      []string `json:"lost"`
}

// OwnerChange is a platform whose owner's unit changes: "BusinessUnit
// emea", "CenterOfExcellence moc", "central", or "none" when no team owns it.
type OwnerChange struct {
	Platform string `json:"platform"`
	Before   string `json:"before"`
	After    string `json:"after"`
}

// Compare judges base and proposed with engine at now and reports what
// changes from one to the other.
func Compare(engine *policy.Engine, base, proposed *policy.MemoryGraph, now time.Time) *Result {
	before, after := engine.Evaluate(base, now), engine.Evaluate(proposed, now)
	r := &Result{Models: []ModelChange{}, Coverage: []CoverageChange{}, Owners: []OwnerChange{}}
	r.Added, r.Cleared = diffFindings(before, after), diffFindings(after, before)
	r.compareModels(before, after)
	r.compareCoverage(before, after)
	r.compareOwners(before, after)
	return r
}

// Failed reports whether the proposal adds a finding that failOn counts:
// "enforce" a violation of an Enforce policy, "any" any, "none" never.
func (r *Result) Failed(failOn string) bool {
	for _, o := range r.Added {
		for _, f := range o.Findings {
			if failOn == "any" || failOn == "enforce" && f.Enforcement == orgv1.EnforcementEnforce {
				return true
			}
		}
	}
	return false
}

// findingKey identifies a finding across the two evaluations.
type findingKey struct {
	object policy.ObjectRef
	v      orgv1.Violation
}

// diffFindings lists the findings of b that a lacks, grouped by object.
func diffFindings(a, b *policy.Evaluation) []ObjectFindings {
	in := map[findingKey]bool{}
	for _, f := range a.Findings() {
		in[findingKey{f.Object, f.Violation}] = true
	}
	out := []ObjectFindings{}
	for _, o := range b.Objects {
		var fs []Finding
		for _, f := range o.Findings() {
			if !in[findingKey{f.Object, f.Violation}] {
				v := f.Violation
				fs = append(fs, Finding{Policy: v.Policy, Rule: v.Rule, Severity: v.Severity, Enforcement: v.Enforcement, Message: v.Message})
			}
		}
		if len(fs) > 0 {
			out = append(out, ObjectFindings{Object: o.Ref.String(), Findings: fs})
		}
	}
	return out
}

func modelsOf(n policy.NamespaceResult) Models {
	return Models{Model: n.Model.Model, Reason: n.Model.Reason, MartechModel: n.Martech.Model,
		MartechTeam: n.Martech.TeamName(n.Namespace), MartechReason: n.Martech.Reason}
}

// compareModels lists the namespaces, of either evaluation, whose models
// change; a namespace that one side lacks shows Unknown there.
func (r *Result) compareModels(before, after *policy.Evaluation) {
	none := Models{Model: orgv1.ModelUnknown, MartechModel: orgv1.MartechUnknown}
	models := func(ev *policy.Evaluation) map[string]Models {
		m := map[string]Models{}
		for _, n := range ev.Namespaces {
			m[n.Namespace] = modelsOf(n)
		}
		return m
	}
	b, a := models(before), models(after)
	for _, ns := range slices.Sorted(maps.Keys(union(b, a))) {
		mb, ok := b[ns]
		if !ok {
			mb = none
		}
		ma, ok := a[ns]
		if !ok {
			ma = none
		}
		if mb != ma {
			r.Models = append(r.Models, ModelChange{Namespace: ns, Before: mb, After: ma})
		}
	}
}

// compareCoverage lists the committees whose covered functions change.
func (r *Result) compareCoverage(before, after *policy.Evaluation) {
	covered := func(ev *policy.Evaluation) map[string][]string {
		m := map[string][]string{}
		for _, o := range ev.Objects {
			if o.Coverage != nil {
				m[o.Ref.String()] = o.Coverage.Covered
			}
		}
		return m
	}
	b, a := covered(before), covered(after)
	for _, c := range slices.Sorted(maps.Keys(union(b, a))) {
		gained, lost := minus(a[c], b[c]), minus(b[c], a[c])
		if len(gained)+len(lost) > 0 {
			r.Coverage = append(r.Coverage, CoverageChange{Committee: c, Gained: gained, Lost: lost})
		}
	}
}

// compareOwners lists the platforms, of either evaluation, whose owner's
// unit changes, as the inferred model counts owners: "none" for a platform
// whose owner does not resolve or has expired.
func (r *Result) compareOwners(before, after *policy.Evaluation) {
	units := func(ev *policy.Evaluation) map[string]string {
		m := map[string]string{}
		for _, n := range ev.Namespaces {
			for p, u := range n.Model.Owners {
				m[p.String()] = unitWords(u, n.Namespace)
			}
		}
		return m
	}
	b, a := units(before), units(after)
	for _, p := range slices.Sorted(maps.Keys(union(b, a))) {
		ub, ua := cmp.Or(b[p], "none"), cmp.Or(a[p], "none")
		if ub != ua {
			r.Owners = append(r.Owners, OwnerChange{Platform: p, Before: ub, After: ua})
		}
	}
}

// unitWords names a unit: "BusinessUnit emea", "CenterOfExcellence moc",
// "central".
func unitWords(u policy.Unit, ns string) string {
	if u.Type == orgv1.UnitCentral {
		return orgv1.CentralUnitName
	}
	return fmt.Sprintf("%s %s", u.Type, u.Name(ns))
}

func union[V any](a, b map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// minus lists the items of a that b lacks, in a's order.
func minus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
