package policy

import (
	"fmt"
	"slices"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// orgDeps are what an Organization's models and transition read: both
// inferences, since a transition's phase depends on both.
var orgDeps = append(slices.Clone(modelDeps), martechDeps...)

// transitionRead is the Organization's status.transition.
var transitionRead = reader{name: "status.transition", judges: []reads{on(orgv1.KindOrganization, orgDeps...)}}

// transition is the phase of o's spec.transition; nil when it has none.
//
//	Completed  the inferred model equals transition.model (and the
//	           inferred martech model equals transition.martechModel, when
//	           given), before or after transition.by;
//	Planned    otherwise, while transition.by lies ahead (the evaluation
//	           then changes at by, which RequeueAt says);
//	Overdue    otherwise.
func (c *evalCtx) transition(o *orgv1.Organization) *orgv1.TransitionStatus {
	tr := o.Spec.Transition
	if tr == nil {
		return nil
	}
	st := &orgv1.TransitionStatus{By: tr.By}
	switch {
	case c.model(o.Namespace).Model == tr.Model && (tr.MartechModel == "" || c.martech(o.Namespace).Model == tr.MartechModel):
		st.Phase = orgv1.TransitionCompleted
	case !c.reached(tr.By.Time):
		st.Phase = orgv1.TransitionPlanned
	default:
		st.Phase = orgv1.TransitionOverdue
	}
	return st
}

// phase is o's transition phase; empty without a transition.
func (c *evalCtx) phase(o *orgv1.Organization) orgv1.TransitionPhase {
	if st := c.transition(o); st != nil {
		return st.Phase
	}
	return ""
}

// checkOrganizationModel: spec.model differs from the inferred model while
// the inferred model is not Unknown (no evidence either way: a new
// organization is not flagged before it declares its platforms, and the
// unowned platforms are PlatformOwnership's to report); a Planned
// transition's model is accepted as well, a Completed one's is what the
// structure shows, and an Overdue one is a violation of its own. Or
// martechModel is Hostile.
func checkOrganizationModel(c *evalCtx, s *subject, _ *orgv1.Rule) []problem {
	o := s.obj.(*orgv1.Organization)
	m := c.model(o.Namespace)
	var out []problem
	switch c.phase(o) {
	case orgv1.TransitionCompleted:
	case orgv1.TransitionOverdue:
		tr := o.Spec.Transition
		target, shows := fmt.Sprintf("%q", tr.Model), fmt.Sprintf("%q", m.Model)
		if tr.MartechModel != "" {
			target += fmt.Sprintf(" with martech model %q", tr.MartechModel)
			shows += fmt.Sprintf(" with martech model %q", c.martech(o.Namespace).Model)
		}
		out = append(out, s.problem("spec.transition", "the move to %s was due by %s, but the structure shows %s: %s",
			target, timestamp(tr.By.Time), shows, m.Reason))
	case orgv1.TransitionPlanned:
		if tr := o.Spec.Transition; m.Model != orgv1.ModelUnknown && m.Model != o.Spec.Model && m.Model != tr.Model {
			out = append(out, s.problem("spec.model", "declared %q, moving to %q by %s, but platform ownership shows %q: %s",
				o.Spec.Model, tr.Model, timestamp(tr.By.Time), m.Model, m.Reason))
		}
	default:
		if m.Model != orgv1.ModelUnknown && m.Model != o.Spec.Model {
			out = append(out, s.problem("spec.model", "declared %q but platform ownership shows %q: %s", o.Spec.Model, m.Model, m.Reason))
		}
	}
	if o.Spec.MartechModel == orgv1.MartechHostile {
		out = append(out, s.problem("spec.martechModel", "marketing and IT relate as Hostile"))
	}
	return out
}

// checkMartechModel: spec.martechModel is one of the inferable models, the
// inferred martech model is not Unknown, and they differ; while a
// transition is Planned or Completed, its martechModel is accepted too.
// The declared-only models (Committee, Liaison, Hostile, Merged) are never
// flagged: the structure cannot show them.
func checkMartechModel(c *evalCtx, s *subject, _ *orgv1.Rule) []problem {
	o := s.obj.(*orgv1.Organization)
	declared := o.Spec.MartechModel
	if !slices.Contains(InferableMartechModels, declared) {
		return nil
	}
	mt := c.martech(o.Namespace)
	if mt.Model == orgv1.MartechUnknown || mt.Model == declared {
		return nil
	}
	if tr := o.Spec.Transition; tr != nil && tr.MartechModel != "" {
		switch c.phase(o) {
		case orgv1.TransitionCompleted: // the structure shows the target
			return nil
		case orgv1.TransitionPlanned:
			if mt.Model == tr.MartechModel {
				return nil
			}
			return []problem{s.problem("spec.martechModel", "declared %q, moving to %q by %s, but the structure shows %q: %s",
				declared, tr.MartechModel, timestamp(tr.By.Time), mt.Model, mt.Reason)}
		}
	}
	return []problem{s.problem("spec.martechModel", "declared %q but the structure shows %q: %s", declared, mt.Model, mt.Reason)}
}
