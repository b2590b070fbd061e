package builders

import orgv1 "github.com/orgplane/orgplane/api/v1alpha1"

// SteeringCommitteeWrapper builds a SteeringCommittee.
type SteeringCommitteeWrapper struct {
	orgv1.SteeringCommittee
	meta[*SteeringCommitteeWrapper]
}

// MakeSteeringCommittee is a committee with no members.
func MakeSteeringCommittee(name, namespace string) *SteeringCommitteeWrapper {
	w := &SteeringCommitteeWrapper{SteeringCommittee: orgv1.SteeringCommittee{ObjectMeta: objectMeta(name, namespace)}}
	w.meta = meta[*SteeringCommitteeWrapper]{w, &w.ObjectMeta}
	return w
}

// Obj returns the SteeringCommittee.
func (w *SteeringCommitteeWrapper) Obj() *orgv1.SteeringCommittee { return &w.SteeringCommittee }

// DisplayName sets spec.displayName.
func (w *SteeringCommitteeWrapper) DisplayName(s string) *SteeringCommitteeWrapper {
	w.Spec.DisplayName = s
	return w
}

// Members adds member teams.
func (w *SteeringCommitteeWrapper) Members(teams ...string) *SteeringCommitteeWrapper {
	for _, t := range teams {
		w.Spec.Members = append(w.Spec.Members, orgv1.CommitteeMember{TeamRef: teamRef(t)})
	}
	return w
}

// Representative adds a member team with its representative.
func (w *SteeringCommitteeWrapper) Representative(team string, p orgv1.Person) *SteeringCommitteeWrapper {
	w.Spec.Members = append(w.Spec.Members, orgv1.CommitteeMember{TeamRef: teamRef(team), Representative: &p})
	return w
}

// Cadence sets spec.cadence.
func (w *SteeringCommitteeWrapper) Cadence(s string) *SteeringCommitteeWrapper {
	w.Spec.Cadence = s
	return w
}

// Chair sets spec.chair.
func (w *SteeringCommitteeWrapper) Chair(p orgv1.Person) *SteeringCommitteeWrapper {
	w.Spec.Chair = &p
	return w
}
