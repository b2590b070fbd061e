package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// TeamFunction is the business function a team serves.
// +kubebuilder:validation:Enum=Executive;Marketing;IT;Data;Analytics;Legal;Privacy;Sales;Support;Product;Digital;Commerce;Finance;HR;Operations;Other
type TeamFunction string

// Team functions that governance rules refer to by default.
const (
	FunctionIT      TeamFunction = "IT"
	FunctionData    TeamFunction = "Data"
	FunctionLegal   TeamFunction = "Legal"
	FunctionPrivacy TeamFunction = "Privacy"
	FunctionSales   TeamFunction = "Sales"
	FunctionSupport TeamFunction = "Support"
	// FunctionMarketing and FunctionIT are the two sides of the martech
	// model inference.
	FunctionMarketing TeamFunction = "Marketing"
)

// TeamType is the kind of organizational unit a team is.
// +kubebuilder:validation:Enum=BusinessUnit;Department;CenterOfExcellence;DigitalUnit;PracticeCenter;TigerTeam;CommunityOfPractice;AdvisoryBoard;Agency
type TeamType string

// Team types that the inferences and rules look for.
const (
	TeamTypeBusinessUnit       TeamType = "BusinessUnit"
	TeamTypeCenterOfExcellence TeamType = "CenterOfExcellence"
	TeamTypeDigitalUnit        TeamType = "DigitalUnit"
	TeamTypePracticeCenter     TeamType = "PracticeCenter"
	TeamTypeTigerTeam          TeamType = "TigerTeam"
	TeamTypeAgency             TeamType = "Agency"
)

// TeamSpec declares a team, where it reports and who is in it.
type TeamSpec struct {
	// displayName is the team's name, in any script ("Équipe Données").
	// +kubebuilder:validation:MaxLength=256
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// function is the business function the team serves.
	// +required
	Function TeamFunction `json:"function"`

	// type is the kind of unit: BusinessUnit, Department, CenterOfExcellence,
	// DigitalUnit, PracticeCenter, TigerTeam, CommunityOfPractice,
	// AdvisoryBoard or Agency.
	// +required
	Type TeamType `json:"type"`

	// parentRef is the team this one reports to (the solid line).
	// +optional
	ParentRef *TeamRef `json:"parentRef,omitempty"`

	// dottedLineRefs are teams this one also answers to (dotted lines).
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	DottedLineRefs []TeamRef `json:"dottedLineRefs,omitempty"`

	// lead is the person who leads the team; the TeamStructure rule expects
	// the lead among the members.
	// +optional
	Lead *Person `json:"lead,omitempty"`

	// members of the team, unique by name.
	// +kubebuilder:validation:MaxItems=500
	// +listType=map
	// +listMapKey=name
	// +optional
	Members []Person `json:"members,omitempty"`

	// region the team serves, such as EMEA or North America.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	Region string `json:"region,omitempty"`

	// profitAndLoss is true when the team carries its own P&L.
	// +optional
	ProfitAndLoss bool `json:"profitAndLoss,omitempty"`

	// expiresAt marks a temporary construct (a digital unit, a tiger team):
	// past this RFC 3339 time the team is reported as expired, and the
	// platforms it owns no longer count for the inferred models.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// successorRef is the team that takes over a temporary team's platforms
	// when it ends; the TemporaryTeam rule asks for one when the team owns
	// platforms and its end is near.
	// +optional
	SuccessorRef *TeamRef `json:"successorRef,omitempty"`
}

// TeamStatus is what the controller observed of the team.
type TeamStatus struct {
	JudgedStatus `json:",inline"`
}

// Team is an organizational unit: a business unit, a department, a center of
// excellence, a tiger team. Teams form a reporting hierarchy through
// parentRef and dottedLineRefs.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=tm,categories=orgplane
// +kubebuilder:validation:XValidation:rule="!has(self.spec.parentRef) || has(self.spec.parentRef.namespace) || self.spec.parentRef.name != self.metadata.name",message="spec.parentRef.name: a team cannot be its own parent",fieldPath=".spec.parentRef.name",reason=FieldValueInvalid
// +kubebuilder:validation:XValidation:rule="!has(self.spec.successorRef) || has(self.spec.successorRef.namespace) || self.spec.successorRef.name != self.metadata.name",message="spec.successorRef.name: a team cannot be its own successor",fieldPath=".spec.successorRef.name",reason=FieldValueInvalid
// +kubebuilder:validation:XValidation:rule="!has(self.spec.dottedLineRefs) || self.spec.dottedLineRefs.all(r, has(r.namespace) || r.name != self.metadata.name)",message="spec.dottedLineRefs: a team cannot have a dotted line to itself",fieldPath=".spec.dottedLineRefs",reason=FieldValueInvalid
// +kubebuilder:printcolumn:name="Display Name",type=string,JSONPath=`.spec.displayName`,priority=1
// +kubebuilder:printcolumn:name="Function",type=string,JSONPath=`.spec.function`
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Parent",type=string,JSONPath=`.spec.parentRef.name`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`,priority=1
// +kubebuilder:printcolumn:name="Compliant",type=string,JSONPath=`.status.conditions[?(@.type=="Compliant")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Team struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the team.
	// +required
	Spec TeamSpec `json:"spec"`

	// status is what the controller observed.
	// Until the controller has evaluated the object, status reads
	// observedGeneration 0, so kstatus-based tools see it InProgress.
	// +kubebuilder:default={observedGeneration: 0}
	// +optional
	Status TeamStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TeamList is a list of Teams.
type TeamList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Team `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &Team{}, &TeamList{})
}
