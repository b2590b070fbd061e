package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// PlatformCategory is what a marketing or customer-experience platform does.
// +kubebuilder:validation:Enum=CDP;DAM;CRM;MarketingAutomation;Analytics;CMS;Commerce;Personalization;AIML;Social;Advertising;DataWarehouse;Other
type PlatformCategory string

// PlatformCategoryAIML is the category the EnterpriseAI rule judges.
const PlatformCategoryAIML PlatformCategory = "AIML"

// PlatformTier separates the foundational platforms everyone builds on from
// the engagement platforms closer to customers.
// +kubebuilder:validation:Enum=Foundational;Engagement
type PlatformTier string

// Platform tiers.
const (
	TierFoundational PlatformTier = "Foundational"
	TierEngagement   PlatformTier = "Engagement"
)

// PlatformScope is how widely a platform is used.
// +kubebuilder:validation:Enum=Global;Regional;Local
type PlatformScope string

// PlatformData describes the data a platform holds.
type PlatformData struct {
	// personalData is true when the platform holds personal data; the
	// PrivacyOwner rule then requires a privacy owner.
	// +optional
	PersonalData bool `json:"personalData,omitempty"`

	// categories of data held, such as contact, behavioral or transactional.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=64
	// +listType=set
	// +optional
	Categories []string `json:"categories,omitempty"`

	// jurisdictions whose privacy law applies, such as GDPR, CCPA or LGPD;
	// listing one implies personal data.
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=32
	// +listType=set
	// +optional
	Jurisdictions []string `json:"jurisdictions,omitempty"`
}

// PlatformSpec declares a platform, who owns it, who runs it and who
// answers for its data.
type PlatformSpec struct {
	// displayName is the platform's name, in any script.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// category of the platform.
	// +required
	Category PlatformCategory `json:"category"`

	// tier: Foundational or Engagement.
	// +kubebuilder:default=Engagement
	// +optional
	Tier PlatformTier `json:"tier,omitempty"`

	// scope: Global, Regional or Local.
	// +kubebuilder:default=Global
	// +optional
	Scope PlatformScope `json:"scope,omitempty"`

	// ownerRef is the team that owns the platform. It is optional on purpose:
	// an unowned platform is reported by the PlatformOwnership rule, not
	// rejected.
	// +optional
	OwnerRef *TeamRef `json:"ownerRef,omitempty"`

	// operatorRefs are the local teams that run the platform ("local
	// expression" of a centralized platform).
	// +kubebuilder:validation:MaxItems=64
	// +listType=atomic
	// +optional
	OperatorRefs []TeamRef `json:"operatorRefs,omitempty"`

	// roadmapOwner is the person who owns the platform's roadmap.
	// +optional
	RoadmapOwner *Person `json:"roadmapOwner,omitempty"`

	// steeringCommitteeRef is the committee that governs the platform.
	// +optional
	SteeringCommitteeRef *SteeringCommitteeRef `json:"steeringCommitteeRef,omitempty"`

	// vendor is the outsourced supplier, if any.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Vendor string `json:"vendor,omitempty"`

	// data describes the data the platform holds.
	// +optional
	Data *PlatformData `json:"data,omitempty"`

	// privacyOwner is the person who answers for the platform's personal
	// data; their teamRef names the team they answer from.
	// +optional
	PrivacyOwner *Person `json:"privacyOwner,omitempty"`
}

// PlatformStatus is what the controller observed of the platform.
type PlatformStatus struct {
	JudgedStatus `json:",inline"`
}

// Platform is a marketing or customer-experience technology platform (a
// CDP, a DAM, a CRM, ...) with its owning team, operators, steering
// committee and privacy owner.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=plat,categories=orgplane
// +kubebuilder:printcolumn:name="Display Name",type=string,JSONPath=`.spec.displayName`,priority=1
// +kubebuilder:printcolumn:name="Category",type=string,JSONPath=`.spec.category`
// +kubebuilder:printcolumn:name="Tier",type=string,JSONPath=`.spec.tier`,priority=1
// +kubebuilder:printcolumn:name="Owner",type=string,JSONPath=`.spec.ownerRef.name`
// +kubebuilder:printcolumn:name="Committee",type=string,JSONPath=`.spec.steeringCommitteeRef.name`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Compliant",type=string,JSONPath=`.status.conditions[?(@.type=="Compliant")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Platform struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the platform.
	// +required
	Spec PlatformSpec `json:"spec"`

	// status is what the controller observed.
	// Until the controller has evaluated the object, status reads
	// observedGeneration 0, so kstatus-based tools see it InProgress.
	// +kubebuilder:default={observedGeneration: 0}
	// +optional
	Status PlatformStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PlatformList is a list of Platforms.
type PlatformList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Platform `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &Platform{}, &PlatformList{})
}
