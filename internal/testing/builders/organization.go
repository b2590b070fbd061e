package builders

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// OrganizationWrapper builds an Organization.
type OrganizationWrapper struct {
	orgv1.Organization
	meta[*OrganizationWrapper]
}

// MakeOrganization is a Hybrid organization.
func MakeOrganization(name, namespace string) *OrganizationWrapper {
	w := &OrganizationWrapper{Organization: orgv1.Organization{
		ObjectMeta: objectMeta(name, namespace),
		Spec:       orgv1.OrganizationSpec{Model: orgv1.ModelHybrid},
	}}
	w.meta = meta[*OrganizationWrapper]{w, &w.ObjectMeta}
	return w
}

// Obj returns the Organization.
func (w *OrganizationWrapper) Obj() *orgv1.Organization { return &w.Organization }

// DisplayName sets spec.displayName.
func (w *OrganizationWrapper) DisplayName(s string) *OrganizationWrapper {
	w.Spec.DisplayName = s
	return w
}

// Model sets the declared spec.model.
func (w *OrganizationWrapper) Model(m orgv1.OrganizationModel) *OrganizationWrapper {
	w.Spec.Model = m
	return w
}

// Martech sets spec.martechModel.
func (w *OrganizationWrapper) Martech(m orgv1.MartechModel) *OrganizationWrapper {
	w.Spec.MartechModel = m
	return w
}

// Executive adds an executive.
func (w *OrganizationWrapper) Executive(role string, p orgv1.Person) *OrganizationWrapper {
	w.Spec.Executives = append(w.Spec.Executives, orgv1.Executive{Role: role, Person: p})
	return w
}

// Transition sets spec.transition: a move to model (and martech, unless
// "") by a deadline.
func (w *OrganizationWrapper) Transition(model orgv1.OrganizationModel, martech orgv1.MartechModel, by time.Time, reason string) *OrganizationWrapper {
	w.Spec.Transition = &orgv1.Transition{Model: model, MartechModel: martech, By: metav1.NewTime(by), Reason: reason}
	return w
}
