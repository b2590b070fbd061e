package controllers

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// maxNamedViolations is how many violations a condition message quotes.
const maxNamedViolations = 3

// verdict is what one evaluation concluded about an object.
type verdict struct {
	// violations are all findings, sorted; status lists the first MaxViolations.
	violations []orgv1.Violation
	// stalled, when not empty, says why the object cannot be evaluated until
	// it changes.
	stalled string
}

// setConditions records a verdict in the common status. Conditions go through
// meta.SetStatusCondition, which moves LastTransitionTime only when a
// condition's status changes, so re-evaluating an unchanged object writes
// nothing. Compliant is only set for judged kinds (judged == true).
func setConditions(st *orgv1.Status, generation int64, v verdict, judged bool) {
	st.ObservedGeneration = generation
	// Evaluation is synchronous: once status is written, the current generation
	// is fully evaluated, so Reconciling is never left True.
	meta.RemoveStatusCondition(&st.Conditions, orgv1.ConditionReconciling)

	ready := metav1.Condition{Type: orgv1.ConditionReady, Status: metav1.ConditionTrue, Reason: orgv1.ReasonReconciled,
		Message: "the current generation has been evaluated", ObservedGeneration: generation}
	if v.stalled != "" {
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: orgv1.ConditionStalled, Status: metav1.ConditionTrue,
			Reason: orgv1.ReasonInvalidRule, Message: v.stalled, ObservedGeneration: generation})
		ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, orgv1.ReasonInvalidRule, v.stalled
	} else {
		meta.RemoveStatusCondition(&st.Conditions, orgv1.ConditionStalled)
	}
	if enforced := filterEnforced(v.violations); len(enforced) > 0 && v.stalled == "" {
		ready.Status, ready.Reason = metav1.ConditionFalse, orgv1.ReasonEnforcedViolation
		ready.Message = summarize(enforced, "violation", "of an Enforce policy")
	}
	meta.SetStatusCondition(&st.Conditions, ready)

	if !judged {
		return
	}
	compliant := metav1.Condition{Type: orgv1.ConditionCompliant, Status: metav1.ConditionTrue, Reason: orgv1.ReasonNoViolations,
		Message: "no governance rule is violated", ObservedGeneration: generation}
	if len(v.violations) > 0 {
		compliant.Status, compliant.Reason = metav1.ConditionFalse, orgv1.ReasonPolicyViolation
		compliant.Message = summarize(v.violations, "violation", "")
	}
	meta.SetStatusCondition(&st.Conditions, compliant)
}

// setViolations lists the first MaxViolations findings and the full count.
func setViolations(js *orgv1.JudgedStatus, all []orgv1.Violation) {
	js.ViolationCount = int32(len(all))
	js.Violations = nil
	if len(all) > 0 {
		js.Violations = append([]orgv1.Violation(nil), all[:min(len(all), orgv1.MaxViolations)]...)
	}
}

func filterEnforced(vs []orgv1.Violation) []orgv1.Violation {
	var out []orgv1.Violation
	for _, v := range vs {
		if v.Enforcement == orgv1.EnforcementEnforce {
			out = append(out, v)
		}
	}
	return out
}

// summarize names the first violations: `2 violations: [High] baseline/owner: ...; ...`.
func summarize(vs []orgv1.Violation, noun, qualifier string) string {
	var b strings.Builder
	if len(vs) != 1 {
		noun += "s"
	}
	fmt.Fprintf(&b, "%d %s", len(vs), noun)
	if qualifier != "" {
		b.WriteString(" " + qualifier)
	}
	b.WriteString(": ")
	for i, v := range vs[:min(len(vs), maxNamedViolations)] {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "[%s] %s/%s: %s", v.Severity, v.Policy, v.Rule, v.Message)
	}
	if len(vs) > maxNamedViolations {
		fmt.Fprintf(&b, "; and %d more", len(vs)-maxNamedViolations)
	}
	return b.String()
}
