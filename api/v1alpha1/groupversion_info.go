// Package v1alpha1 contains the orgplane API: an organization's structure
// (Organization, Team, Platform, SteeringCommittee, ResponsibilityMatrix) and
// the GovernancePolicies that judge it.
//
// +kubebuilder:object:generate=true
// +groupName=org.orgplane.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of every orgplane kind.
	GroupVersion = schema.GroupVersion{Group: "org.orgplane.io", Version: "v1alpha1"}

	// AddToScheme adds the orgplane kinds to a runtime.Scheme.
	AddToScheme = schemeBuilder.AddToScheme

	schemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// objectTypes are the kinds' Go types, as each file registers them.
	objectTypes []runtime.Object
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, objectTypes...)
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
