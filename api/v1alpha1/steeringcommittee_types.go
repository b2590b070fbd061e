package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// CommitteeMember is a team's seat on a steering committee.
type CommitteeMember struct {
	// teamRef is the team that holds the seat; its function counts towards
	// the committee's coverage.
	// +required
	TeamRef TeamRef `json:"teamRef"`

	// representative is the person who sits for the team.
	// +optional
	Representative *Person `json:"representative,omitempty"`
}

// SteeringCommitteeSpec declares a steering committee and who sits on it.
type SteeringCommitteeSpec struct {
	// displayName is the committee's name, in any script.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// chair is the person who chairs the committee.
	// +optional
	Chair *Person `json:"chair,omitempty"`

	// cadence is how often the committee meets, such as "monthly".
	// +kubebuilder:validation:MaxLength=64
	// +optional
	Cadence string `json:"cadence,omitempty"`

	// members are the teams with a seat on the committee.
	// +kubebuilder:validation:MaxItems=64
	// +listType=atomic
	// +optional
	Members []CommitteeMember `json:"members,omitempty"`
}

// SteeringCommitteeStatus is what the controller observed of the committee.
type SteeringCommitteeStatus struct {
	JudgedStatus `json:",inline"`

	// coveredFunctions are the functions of the member teams, sorted.
	// +optional
	CoveredFunctions []string `json:"coveredFunctions,omitempty"`

	// missingFunctions are the required function groups no member covers; a
	// group of alternatives is written joined by "|" (Sales|Support).
	// +optional
	MissingFunctions []string `json:"missingFunctions,omitempty"`

	// governedPlatforms is the number of platforms that name this committee.
	// +optional
	GovernedPlatforms int32 `json:"governedPlatforms,omitempty"`
}

// SteeringCommittee is a cross-functional body that governs platforms; it
// should represent IT, enterprise data and adjacent services such as sales
// and support.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=steer;stc,categories=orgplane
// +kubebuilder:printcolumn:name="Display Name",type=string,JSONPath=`.spec.displayName`,priority=1
// +kubebuilder:printcolumn:name="Cadence",type=string,JSONPath=`.spec.cadence`,priority=1
// +kubebuilder:printcolumn:name="Platforms",type=integer,JSONPath=`.status.governedPlatforms`
// +kubebuilder:printcolumn:name="Missing",type=string,JSONPath=`.status.missingFunctions`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Compliant",type=string,JSONPath=`.status.conditions[?(@.type=="Compliant")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SteeringCommittee struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the committee.
	// +required
	Spec SteeringCommitteeSpec `json:"spec"`

	// status is what the controller observed.
	// Until the controller has evaluated the object, status reads
	// observedGeneration 0, so kstatus-based tools see it InProgress.
	// +kubebuilder:default={observedGeneration: 0}
	// +optional
	Status SteeringCommitteeStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// SteeringCommitteeList is a list of SteeringCommittees.
type SteeringCommitteeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SteeringCommittee `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &SteeringCommittee{}, &SteeringCommitteeList{})
}
