package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Activity is one program activity and who is Responsible, Accountable,
// Consulted and Informed for it.
type Activity struct {
	// name of the activity, unique in the matrix ("Campaign execution").
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	Name string `json:"name"`

	// responsible are the teams that do the work.
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	Responsible []TeamRef `json:"responsible,omitempty"`

	// accountable is the one team that answers for the outcome. It is
	// optional on purpose: a missing accountable team is reported by the
	// ResponsibilityAssignment rule, not rejected.
	// +optional
	Accountable *TeamRef `json:"accountable,omitempty"`

	// consulted are the teams asked before decisions.
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	Consulted []TeamRef `json:"consulted,omitempty"`

	// informed are the teams told of decisions.
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	Informed []TeamRef `json:"informed,omitempty"`
}

// ResponsibilityMatrixSpec declares a RACI matrix.
type ResponsibilityMatrixSpec struct {
	// platformRef is the platform or program the matrix covers.
	// +optional
	PlatformRef *PlatformRef `json:"platformRef,omitempty"`

	// activities of the program, unique by name.
	// +kubebuilder:validation:MaxItems=128
	// +listType=map
	// +listMapKey=name
	// +optional
	Activities []Activity `json:"activities,omitempty"`
}

// ResponsibilityMatrixStatus is what the controller observed of the matrix.
type ResponsibilityMatrixStatus struct {
	JudgedStatus `json:",inline"`
}

// ResponsibilityMatrix is a RACI matrix for a platform or program: for each
// key activity, who is Responsible, Accountable, Consulted and Informed.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=raci,categories=orgplane
// +kubebuilder:printcolumn:name="Platform",type=string,JSONPath=`.spec.platformRef.name`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Compliant",type=string,JSONPath=`.status.conditions[?(@.type=="Compliant")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ResponsibilityMatrix struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the matrix.
	// +required
	Spec ResponsibilityMatrixSpec `json:"spec"`

	// status is what the controller observed.
	// Until the controller has evaluated the object, status reads
	// observedGeneration 0, so kstatus-based tools see it InProgress.
	// +kubebuilder:default={observedGeneration: 0}
	// +optional
	Status ResponsibilityMatrixStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ResponsibilityMatrixList is a list of ResponsibilityMatrices.
type ResponsibilityMatrixList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ResponsibilityMatrix `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &ResponsibilityMatrix{}, &ResponsibilityMatrixList{})
}
