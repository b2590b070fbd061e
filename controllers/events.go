package controllers

import (
	"fmt"
	"time"

	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// limitedRecorder emits events at most at its limiter's rate and drops
// (and counts) the rest, as the kubelet's --event-qps does: events are
// notices, the status is the record. A first evaluation of an org applied
// at once finds thousands of objects non-compliant, and one event each
// would cost the apiserver about as much as their status writes.
type limitedRecorder struct {
	recorder.EventRecorder
	limiter *rate.Limiter
}

func (r limitedRecorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	if r.allow() {
		r.EventRecorder.Eventf(regarding, related, eventtype, reason, action, note, args...)
	}
}

func (r limitedRecorder) AnnotatedEventf(regarding, related runtime.Object, annotations map[string]string, eventtype, reason, action, note string, args ...any) {
	if r.allow() {
		r.EventRecorder.AnnotatedEventf(regarding, related, annotations, eventtype, reason, action, note, args...)
	}
}

// allow takes a token for one event, or counts it as dropped.
func (r limitedRecorder) allow() bool {
	if r.limiter.Allow() {
		return true
	}
	eventsDropped.Inc()
	return false
}

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
	if o, ok := after.(*orgv1.Organization); ok {
		recordPhase(rec, before.(*orgv1.Organization), o)
	}
}

// phaseEvents are the type and reason of the event of each transition phase.
var phaseEvents = map[orgv1.TransitionPhase][2]string{
	orgv1.TransitionPlanned:   {corev1.EventTypeNormal, orgv1.ReasonTransitionPlanned},
	orgv1.TransitionCompleted: {corev1.EventTypeNormal, orgv1.ReasonTransitionCompleted},
	orgv1.TransitionOverdue:   {corev1.EventTypeWarning, orgv1.ReasonTransitionOverdue},
}

// recordPhase emits an event when an organization's transition enters a
// phase: once planned, once completed, once overdue; none at rest.
func recordPhase(rec recorder.EventRecorder, before, after *orgv1.Organization) {
	tr, st := after.Spec.Transition, after.Status.Transition
	if tr == nil || st == nil || before.Status.Transition != nil && before.Status.Transition.Phase == st.Phase {
		return
	}
	target, shows := fmt.Sprintf("%q", tr.Model), fmt.Sprintf("%q", after.Status.InferredModel)
	if tr.MartechModel != "" {
		target += fmt.Sprintf(" with martech model %q", tr.MartechModel)
		shows += fmt.Sprintf(" with martech model %q", after.Status.InferredMartechModel)
	}
	by := tr.By.UTC().Format(time.RFC3339)
	var msg string
	switch st.Phase {
	case orgv1.TransitionPlanned:
		msg = fmt.Sprintf("transition to %s planned by %s; the structure shows %s", target, by, shows)
	case orgv1.TransitionCompleted:
		msg = fmt.Sprintf("transition to %s completed: the structure shows it", target)
	default:
		msg = fmt.Sprintf("transition to %s was due by %s; the structure shows %s", target, by, shows)
	}
	ev := phaseEvents[st.Phase]
	rec.Eventf(after, nil, ev[0], ev[1], "Evaluate", "%s", msg)
}
