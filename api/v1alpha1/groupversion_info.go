// Package v1alpha1 contains the orgplane API: an organization's structure
// (Organization, Team, Platform, SteeringCommittee, ResponsibilityMatrix) and
// the GovernancePolicies that judge it.
//
// +kubebuilder:object:generate=true
// +groupName=org.orgplane.io
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of every orgplane kind.
	GroupVersion = schema.GroupVersion{Group: "org.orgplane.io", Version: "v1alpha1"}

	// SchemeBuilder registers the orgplane kinds with a runtime.Scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the orgplane kinds to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
