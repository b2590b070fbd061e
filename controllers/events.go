package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// recordTransitions emits an event when an object turns non-compliant or
// compliant again, or when it stalls, and none while nothing changes. A first
// evaluation that finds the object compliant is not news.
func recordTransitions(rec recorder.EventRecorder, before, after orgv1.Object) {
	if rec == nil {
		return
	}
	changed := func(t string) (*metav1.Condition, bool) {
		was := meta.FindStatusCondition(before.CommonStatus().Conditions, t)
		now := meta.FindStatusCondition(after.CommonStatus().Conditions, t)
		return now, now != nil && (was == nil || was.Status != now.Status)
	}
	if c, ok := changed(orgv1.ConditionCompliant); ok {
		switch {
		case c.Status == metav1.ConditionFalse:
			rec.Eventf(after, nil, corev1.EventTypeWarning, orgv1.ReasonPolicyViolation, "Evaluate", "%s", c.Message)
		case meta.FindStatusCondition(before.CommonStatus().Conditions, orgv1.ConditionCompliant) != nil:
			rec.Eventf(after, nil, corev1.EventTypeNormal, orgv1.ReasonCompliant, "Evaluate", "%s", c.Message)
		}
	}
	if c, ok := changed(orgv1.ConditionStalled); ok && c.Status == metav1.ConditionTrue {
		rec.Eventf(after, nil, corev1.EventTypeWarning, c.Reason, "Evaluate", "%s", c.Message)
	}
}
