package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// KindGovernancePolicy names GovernancePolicies: the one kind that rules do
// not judge, so it is not among Kind's enum.
const KindGovernancePolicy Kind = "GovernancePolicy"

// ObjectList is a list of one kind; it is a controller-runtime
// ObjectList, which the API does not import.
// +kubebuilder:object:generate=false
type ObjectList interface {
	metav1.ListInterface
	runtime.Object
}

// KindType is one kind of the API, with how to make an empty object and an
// empty list of it.
// +kubebuilder:object:generate=false
type KindType struct {
	Kind    Kind
	New     func() Object
	NewList func() ObjectList
}

// Kinds lists every kind of the API: the one table that the controller's
// watches and indexes, the plugin's readers and the tests range over.
var Kinds = []KindType{
	{KindOrganization, func() Object { return &Organization{} }, func() ObjectList { return &OrganizationList{} }},
	{KindTeam, func() Object { return &Team{} }, func() ObjectList { return &TeamList{} }},
	{KindPlatform, func() Object { return &Platform{} }, func() ObjectList { return &PlatformList{} }},
	{KindSteeringCommittee, func() Object { return &SteeringCommittee{} }, func() ObjectList { return &SteeringCommitteeList{} }},
	{KindResponsibilityMatrix, func() Object { return &ResponsibilityMatrix{} }, func() ObjectList { return &ResponsibilityMatrixList{} }},
	{KindGovernancePolicy, func() Object { return &GovernancePolicy{} }, func() ObjectList { return &GovernancePolicyList{} }},
}

// KindOf names the kind of obj, when it is one of the API's.
func KindOf(obj any) (Kind, bool) {
	switch obj.(type) {
	case *Organization:
		return KindOrganization, true
	case *Team:
		return KindTeam, true
	case *Platform:
		return KindPlatform, true
	case *SteeringCommittee:
		return KindSteeringCommittee, true
	case *ResponsibilityMatrix:
		return KindResponsibilityMatrix, true
	case *GovernancePolicy:
		return KindGovernancePolicy, true
	}
	return "", false
}

// KindTypeOf finds a kind in Kinds.
func KindTypeOf(kind Kind) (KindType, bool) {
	for _, k := range Kinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return KindType{}, false
}
