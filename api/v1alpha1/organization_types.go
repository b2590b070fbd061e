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
// how marketing and IT relate. Unknown is only ever inferred, never
// declared, so each field carries its own enum.
type MartechModel string

// Brinker's fourteen models, in the order of his list.
const (
	MartechTraditional         MartechModel = "Traditional"
	MartechCommittee           MartechModel = "Committee"
	MartechCoLocated           MartechModel = "CoLocated"
	MartechLiaison             MartechModel = "Liaison"
	MartechEmbedded            MartechModel = "Embedded"
	MartechDirectReport        MartechModel = "DirectReport"
	MartechIndependent         MartechModel = "Independent"
	MartechOutsourcedMarketing MartechModel = "OutsourcedMarketing"
	MartechJointVenture        MartechModel = "JointVenture"
	MartechOutsourcedIT        MartechModel = "OutsourcedIT"
	MartechPracticeCenter      MartechModel = "PracticeCenter"
	MartechOutsourcedTriangle  MartechModel = "OutsourcedTriangle"
	// MartechHostile is the model that the OrganizationModel rule always flags.
	MartechHostile MartechModel = "Hostile"
	MartechMerged  MartechModel = "Merged"
	// MartechUnknown is only inferred, never declared: no team owns a
	// marketing platform, or the martech team's structure matches no
	// signature.
	MartechUnknown MartechModel = "Unknown"
)

// Transition is a planned move from the declared model (and martech model)
// to other values, due by a date.
type Transition struct {
	// model the organization is moving to: Independent, Centralized or
	// Hybrid.
	// +kubebuilder:validation:Enum=Independent;Centralized;Hybrid
	// +required
	Model OrganizationModel `json:"model"`

	// martechModel the organization is moving to, when the move changes it.
	// +kubebuilder:validation:Enum=Traditional;Committee;CoLocated;Liaison;Embedded;DirectReport;Independent;OutsourcedMarketing;JointVenture;OutsourcedIT;PracticeCenter;OutsourcedTriangle;Hostile;Merged
	// +optional
	MartechModel MartechModel `json:"martechModel,omitempty"`

	// by is when the structure should show the target, an RFC 3339 time.
	// Until then the OrganizationModel and MartechModel rules accept the
	// declared and the target models alike; past it, a structure that does
	// not show the target is reported as an overdue transition.
	// +required
	By metav1.Time `json:"by"`

	// reason for the move, for the people who read the organization.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Reason string `json:"reason,omitempty"`
}

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
	// Brinker's fourteen organizational models. The MartechModel rule
	// compares it with the model the martech team's place in the structure
	// shows (status.inferredMartechModel).
	// +kubebuilder:validation:Enum=Traditional;Committee;CoLocated;Liaison;Embedded;DirectReport;Independent;OutsourcedMarketing;JointVenture;OutsourcedIT;PracticeCenter;OutsourcedTriangle;Hostile;Merged
	// +optional
	MartechModel MartechModel `json:"martechModel,omitempty"`

	// transition is a planned move from model (and martechModel) to other
	// values by a date; status.transition shows its phase.
	// +optional
	Transition *Transition `json:"transition,omitempty"`

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

// UnitType is the kind of unit that owns or operates platforms, for the
// inferred model.
// +kubebuilder:validation:Enum=BusinessUnit;CenterOfExcellence;Central
type UnitType string

// Unit types.
const (
	UnitBusinessUnit       UnitType = "BusinessUnit"
	UnitCenterOfExcellence UnitType = "CenterOfExcellence"
	UnitCentral            UnitType = "Central"
)

// CentralUnitName names the unit of the teams under neither a BusinessUnit
// nor a CenterOfExcellence in status.modelEvidence.
const CentralUnitName = "central"

// MaxModelEvidence is how many units status.modelEvidence lists.
const MaxModelEvidence = 20

// ModelEvidence is what one unit owns and operates: the facts the inferred
// model is read off.
type ModelEvidence struct {
	// unit is the team that heads the unit (the nearest BusinessUnit, else
	// the nearest CenterOfExcellence, up a team's solid line), named
	// "namespace/name" when it lies in another namespace; or "central" for
	// the teams under neither.
	Unit string `json:"unit"`
	// unitType is BusinessUnit, CenterOfExcellence or Central.
	UnitType UnitType `json:"unitType"`
	// owns counts the platforms owned by teams of the unit.
	Owns int32 `json:"owns"`
	// ownsFoundational counts those of tier Foundational.
	OwnsFoundational int32 `json:"ownsFoundational"`
	// operates counts the platforms that teams of the unit operate
	// (spec.operatorRefs).
	Operates int32 `json:"operates"`
}

// TransitionPhase is how far a planned transition has come.
// +kubebuilder:validation:Enum=Planned;Completed;Overdue
type TransitionPhase string

// Transition phases.
const (
	// TransitionPlanned: the structure does not show the target yet, and
	// the deadline lies ahead.
	TransitionPlanned TransitionPhase = "Planned"
	// TransitionCompleted: the structure shows the target.
	TransitionCompleted TransitionPhase = "Completed"
	// TransitionOverdue: the deadline has passed and the structure does not
	// show the target.
	TransitionOverdue TransitionPhase = "Overdue"
)

// TransitionStatus is the phase of spec.transition.
type TransitionStatus struct {
	// phase is Planned, Completed or Overdue.
	Phase TransitionPhase `json:"phase"`
	// by is spec.transition.by.
	By metav1.Time `json:"by"`
}

// OrganizationStatus is what the controller observed of the organization.
type OrganizationStatus struct {
	JudgedStatus `json:",inline"`

	// inferredModel is the model that the ownership and operation of
	// platforms shows: Independent, Centralized, Hybrid, or Unknown when no
	// platform has an owner team that exists and has not expired.
	// +kubebuilder:validation:Enum=Independent;Centralized;Hybrid;Unknown
	// +optional
	InferredModel OrganizationModel `json:"inferredModel,omitempty"`

	// modelReason states in one sentence the facts that decide
	// inferredModel.
	// +optional
	ModelReason string `json:"modelReason,omitempty"`

	// modelEvidence lists what each unit owns and operates, by owns
	// (descending), then unit; at most 20 units.
	// +kubebuilder:validation:MaxItems=20
	// +listType=atomic
	// +optional
	ModelEvidence []ModelEvidence `json:"modelEvidence,omitempty"`

	// inferredMartechModel is the martech model that the martech team's
	// place in the structure shows, or Unknown.
	// +kubebuilder:validation:Enum=Traditional;Committee;CoLocated;Liaison;Embedded;DirectReport;Independent;OutsourcedMarketing;JointVenture;OutsourcedIT;PracticeCenter;OutsourcedTriangle;Hostile;Merged;Unknown
	// +optional
	InferredMartechModel MartechModel `json:"inferredMartechModel,omitempty"`

	// martechTeam is the team that owns the most marketing platforms, which
	// inferredMartechModel is about ("namespace/name" when it lies in
	// another namespace); empty when no team owns one.
	// +optional
	MartechTeam string `json:"martechTeam,omitempty"`

	// martechReason states in one sentence why the martech team shows
	// inferredMartechModel.
	// +optional
	MartechReason string `json:"martechReason,omitempty"`

	// transition is the phase of spec.transition, while it is set.
	// +optional
	Transition *TransitionStatus `json:"transition,omitempty"`

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
// +kubebuilder:validation:XValidation:rule="!has(self.spec.transition) || self.spec.transition.model != self.spec.model || (has(self.spec.transition.martechModel) && (!has(self.spec.martechModel) || self.spec.transition.martechModel != self.spec.martechModel))",message="spec.transition: a transition must change spec.model or spec.martechModel; once the structure shows the target, declare it and remove spec.transition",fieldPath=".spec.transition",reason=FieldValueInvalid
// +kubebuilder:printcolumn:name="Display Name",type=string,JSONPath=`.spec.displayName`,priority=1
// +kubebuilder:printcolumn:name="Model",type=string,JSONPath=`.spec.model`
// +kubebuilder:printcolumn:name="Inferred",type=string,JSONPath=`.status.inferredModel`
// +kubebuilder:printcolumn:name="Martech",type=string,JSONPath=`.status.inferredMartechModel`,priority=1
// +kubebuilder:printcolumn:name="Transition",type=string,JSONPath=`.status.transition.phase`,priority=1
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
