package builders

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// TeamWrapper builds a Team.
type TeamWrapper struct {
	orgv1.Team
	meta[*TeamWrapper]
}

// MakeTeam is a Marketing Department.
func MakeTeam(name, namespace string) *TeamWrapper {
	w := &TeamWrapper{Team: orgv1.Team{
		ObjectMeta: objectMeta(name, namespace),
		Spec:       orgv1.TeamSpec{Function: "Marketing", Type: "Department"},
	}}
	w.meta = meta[*TeamWrapper]{w, &w.ObjectMeta}
	return w
}

// Obj returns the Team.
func (w *TeamWrapper) Obj() *orgv1.Team { return &w.Team }

// DisplayName sets spec.displayName.
func (w *TeamWrapper) DisplayName(s string) *TeamWrapper {
	w.Spec.DisplayName = s
	return w
}

// Function sets spec.function.
func (w *TeamWrapper) Function(f orgv1.TeamFunction) *TeamWrapper {
	w.Spec.Function = f
	return w
}

// Type sets spec.type.
func (w *TeamWrapper) Type(t orgv1.TeamType) *TeamWrapper {
	w.Spec.Type = t
	return w
}

// Parent sets spec.parentRef; "" removes it.
func (w *TeamWrapper) Parent(team string) *TeamWrapper {
	w.Spec.ParentRef = nil
	if team != "" {
		r := teamRef(team)
		w.Spec.ParentRef = &r
	}
	return w
}

// DottedLines adds dotted-line teams.
func (w *TeamWrapper) DottedLines(teams ...string) *TeamWrapper {
	w.Spec.DottedLineRefs = append(w.Spec.DottedLineRefs, teamRefs(teams)...)
	return w
}

// Lead sets spec.lead.
func (w *TeamWrapper) Lead(p orgv1.Person) *TeamWrapper {
	w.Spec.Lead = &p
	return w
}

// Members adds members.
func (w *TeamWrapper) Members(ps ...orgv1.Person) *TeamWrapper {
	w.Spec.Members = append(w.Spec.Members, ps...)
	return w
}

// ExpiresAt sets spec.expiresAt.
func (w *TeamWrapper) ExpiresAt(t time.Time) *TeamWrapper {
	w.Spec.ExpiresAt = &metav1.Time{Time: t}
	return w
}

// Successor sets spec.successorRef ("name" or "namespace/name"); ""
// removes it.
func (w *TeamWrapper) Successor(team string) *TeamWrapper {
	w.Spec.SuccessorRef = nil
	if team != "" {
		r := teamRef(team)
		w.Spec.SuccessorRef = &r
	}
	return w
}
