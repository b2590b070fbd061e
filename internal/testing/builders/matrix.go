package builders

import orgv1 "github.com/orgplane/orgplane/api/v1alpha1"

// ResponsibilityMatrixWrapper builds a ResponsibilityMatrix.
type ResponsibilityMatrixWrapper struct {
	orgv1.ResponsibilityMatrix
	meta[*ResponsibilityMatrixWrapper]
}

// MakeResponsibilityMatrix is a matrix of no platform and no activity.
func MakeResponsibilityMatrix(name, namespace string) *ResponsibilityMatrixWrapper {
	w := &ResponsibilityMatrixWrapper{ResponsibilityMatrix: orgv1.ResponsibilityMatrix{ObjectMeta: objectMeta(name, namespace)}}
	w.meta = meta[*ResponsibilityMatrixWrapper]{w, &w.ObjectMeta}
	return w
}

// Obj returns the ResponsibilityMatrix.
func (w *ResponsibilityMatrixWrapper) Obj() *orgv1.ResponsibilityMatrix {
	return &w.ResponsibilityMatrix
}

// Platform sets spec.platformRef; "" removes it.
func (w *ResponsibilityMatrixWrapper) Platform(platform string) *ResponsibilityMatrixWrapper {
	w.Spec.PlatformRef = nil
	if platform != "" {
		ns, name := split(platform)
		w.Spec.PlatformRef = &orgv1.PlatformRef{Name: name, Namespace: ns}
	}
	return w
}

// Activities adds activities (see MakeActivity).
func (w *ResponsibilityMatrixWrapper) Activities(as ...orgv1.Activity) *ResponsibilityMatrixWrapper {
	w.Spec.Activities = append(w.Spec.Activities, as...)
	return w
}

// ActivityWrapper builds one activity of a matrix.
type ActivityWrapper struct{ orgv1.Activity }

// MakeActivity is an activity nobody is assigned to.
func MakeActivity(name string) *ActivityWrapper {
	return &ActivityWrapper{orgv1.Activity{Name: name}}
}

// Obj returns the activity.
func (w *ActivityWrapper) Obj() orgv1.Activity { return w.Activity }

// Responsible adds responsible teams.
func (w *ActivityWrapper) Responsible(teams ...string) *ActivityWrapper {
	w.Activity.Responsible = append(w.Activity.Responsible, teamRefs(teams)...)
	return w
}

// Accountable sets the accountable team; "" removes it.
func (w *ActivityWrapper) Accountable(team string) *ActivityWrapper {
	w.Activity.Accountable = nil
	if team != "" {
		r := teamRef(team)
		w.Activity.Accountable = &r
	}
	return w
}

// Consulted adds consulted teams.
func (w *ActivityWrapper) Consulted(teams ...string) *ActivityWrapper {
	w.Activity.Consulted = append(w.Activity.Consulted, teamRefs(teams)...)
	return w
}

// Informed adds informed teams.
func (w *ActivityWrapper) Informed(teams ...string) *ActivityWrapper {
	w.Activity.Informed = append(w.Activity.Informed, teamRefs(teams)...)
	return w
}
