package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// OrganizationModel is how digital and marketing-technology work is
// organized across business units. Unknown is only ever inferred, never
// declared, so the declared field carries its own enum.
type OrganizationModel string

const (
	// ModelIndependent means business units run their own teams and
	// platforms.
	ModelIndependent OrganizationModel = "Independent"
	// ModelCentralized means one center of excellence runs the platforms for
	// all.
	ModelCentralized OrganizationModel = "Centralized"
	// ModelHybrid means a center of excellence runs shared platforms and
	// business units own or operate others ("centralized platforms, local
	// expression").
	ModelHybrid OrganizationModel = "Hybrid"
	// ModelUnknown is only inferred, never declared: no platform is owned.
	ModelUnknown OrganizationModel = "Unknown"
)

// MartechModel is one of Scott Brinker's fourteen organizational models of
// how marketing and IT relate.
// +kubebuilder:validation:Enum=Traditional;Committee;CoLocated;Liaison;Embedded;DirectReport;Independent;OutsourcedMarketing;JointVenture;OutsourcedIT;PracticeCenter;OutsourcedTriangle;Hostile;Merged
type MartechModel string

// MartechHostile is the model that the OrganizationModel rule always flags.
const MartechHostile MartechModel = "Hostile"

// Executive is an executive role and the person who holds it.
type Executive struct {
	// role is the executive title, such as CMO, CIO, CDO, CEO or DPO.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +required
	Role string `json:"role"`

	// person who holds the role.
	// +required
	Person Person `json:"person"`
}

// OrganizationSpec declares the organization and the model it claims.
type OrganizationSpec struct {
	// displayName is the organization's name, in any script.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// model is the organizational model the organization declares: Independent,
	// Centralized or Hybrid. The OrganizationModel rule compares it with the
	// model its teams and platforms actually show (status.inferredModel).
	// +kubebuilder:validation:Enum=Independent;Centralized;Hybrid
	// +required
	Model OrganizationModel `json:"model"`

	// martechModel is the marketing/IT relationship, as one of Scott
	// Brinker's fourteen organizational models.
	// +optional
	MartechModel MartechModel `json:"martechModel,omitempty"`

	// executives are the executive roles relevant to governance (CMO, CIO,
	// CDO, DPO, ...).
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	Executives []Executive `json:"executives,omitempty"`
}

// OrganizationSummary counts the objects and violations of the
// organization's namespace.
type OrganizationSummary struct {
	// teams in the namespace.
	Teams int32 `json:"teams"`
	// platforms in the namespace.
	Platforms int32 `json:"platforms"`
	// steeringCommittees in the namespace.
	SteeringCommittees int32 `json:"steeringCommittees"`
	// responsibilityMatrices in the namespace.
	ResponsibilityMatrices int32 `json:"responsibilityMatrices"`
	// governancePolicies in the namespace.
	GovernancePolicies int32 `json:"governancePolicies"`
	// violations of every object in the namespace.
	Violations int32 `json:"violations"`
	// violationsBySeverity counts the namespace's violations per severity.
	// +optional
	ViolationsBySeverity map[string]int32 `json:"violationsBySeverity,omitempty"`
}

// OrganizationStatus is what the controller observed of the organization.
type OrganizationStatus struct {
	JudgedStatus `json:",inline"`

	// inferredModel is the model that the declared ownership of platforms
	// shows: Independent, Centralized, Hybrid, or Unknown when no platform is
	// owned.
	// +kubebuilder:validation:Enum=Independent;Centralized;Hybrid;Unknown
	// +optional
	InferredModel OrganizationModel `json:"inferredModel,omitempty"`

	// summary counts the namespace's objects and violations.
	// +optional
	Summary *OrganizationSummary `json:"summary,omitempty"`
}

// Organization declares an organization, the model it claims (Independent,
// Centralized, Hybrid) and its executives. One per namespace is the normal
// case; its status summarizes the whole namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=org;orgs,categories=orgplane
// +kubebuilder:printcolumn:name="Display Name",type=string,JSONPath=`.spec.displayName`,priority=1
// +kubebuilder:printcolumn:name="Model",type=string,JSONPath=`.spec.model`
// +kubebuilder:printcolumn:name="Inferred",type=string,JSONPath=`.status.inferredModel`
// +kubebuilder:printcolumn:name="Violations",type=integer,JSONPath=`.status.summary.violations`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Compliant",type=string,JSONPath=`.status.conditions[?(@.type=="Compliant")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Organization struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the organization.
	// +required
	Spec OrganizationSpec `json:"spec"`

	// status is what the controller observed.
	// Until the controller has evaluated the object, status reads
	// observedGeneration 0, so kstatus-based tools see it InProgress.
	// +kubebuilder:default={observedGeneration: 0}
	// +optional
	Status OrganizationStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// OrganizationList is a list of Organizations.
type OrganizationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Organization `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &Organization{}, &OrganizationList{})
}
