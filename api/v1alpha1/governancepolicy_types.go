package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// RuleType names what a rule checks; docs/rules.md describes each.
// +kubebuilder:validation:Enum=PlatformOwnership;PlatformGoverned;SteeringCommitteeCoverage;PrivacyOwner;ResponsibilityAssignment;TeamStructure;OrganizationModel;MartechModel;TemporaryTeam;EnterpriseAI;CEL
type RuleType string

// Rule types.
const (
	RulePlatformOwnership         RuleType = "PlatformOwnership"
	RulePlatformGoverned          RuleType = "PlatformGoverned"
	RuleSteeringCommitteeCoverage RuleType = "SteeringCommitteeCoverage"
	RulePrivacyOwner              RuleType = "PrivacyOwner"
	RuleResponsibilityAssignment  RuleType = "ResponsibilityAssignment"
	RuleTeamStructure             RuleType = "TeamStructure"
	RuleOrganizationModel         RuleType = "OrganizationModel"
	RuleMartechModel              RuleType = "MartechModel"
	RuleTemporaryTeam             RuleType = "TemporaryTeam"
	RuleEnterpriseAI              RuleType = "EnterpriseAI"
	RuleCEL                       RuleType = "CEL"
)

// Kind is an orgplane kind that rules can judge.
// +kubebuilder:validation:Enum=Organization;Team;Platform;SteeringCommittee;ResponsibilityMatrix
type Kind string

// The kinds that rules judge.
const (
	KindOrganization         Kind = "Organization"
	KindTeam                 Kind = "Team"
	KindPlatform             Kind = "Platform"
	KindSteeringCommittee    Kind = "SteeringCommittee"
	KindResponsibilityMatrix Kind = "ResponsibilityMatrix"
)

// FunctionGroup is satisfied by a team of any one of its functions.
type FunctionGroup struct {
	// anyOf lists the functions of which one suffices.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	// +required
	AnyOf []TeamFunction `json:"anyOf"`
}

// RuleParams tunes a rule; each field applies to the rule types its
// description names and is ignored by the others.
type RuleParams struct {
	// allowedOwnerFunctions: PlatformOwnership and EnterpriseAI; the functions
	// an owning team may have. EnterpriseAI defaults to IT and Data.
	// +kubebuilder:validation:MaxItems=16
	// +listType=set
	// +optional
	AllowedOwnerFunctions []TeamFunction `json:"allowedOwnerFunctions,omitempty"`

	// allowedOwnerTypes: PlatformOwnership; the team types an owning team may
	// have.
	// +kubebuilder:validation:MaxItems=9
	// +listType=set
	// +optional
	AllowedOwnerTypes []TeamType `json:"allowedOwnerTypes,omitempty"`

	// tiers: PlatformGoverned; only platforms of these tiers must name a
	// steering committee (default: all).
	// +kubebuilder:validation:MaxItems=2
	// +listType=set
	// +optional
	Tiers []PlatformTier `json:"tiers,omitempty"`

	// requiredFunctions: SteeringCommitteeCoverage; each group must be covered
	// by a member team's function. Default: IT, Data, and Sales or Support.
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	// +optional
	RequiredFunctions []FunctionGroup `json:"requiredFunctions,omitempty"`

	// ownerFunctions: PrivacyOwner; the functions the privacy owner's team may
	// have. Default: Legal and Privacy.
	// +kubebuilder:validation:MaxItems=16
	// +listType=set
	// +optional
	OwnerFunctions []TeamFunction `json:"ownerFunctions,omitempty"`

	// requireForTiers: ResponsibilityAssignment; platforms of these tiers must
	// be covered by a ResponsibilityMatrix.
	// +kubebuilder:validation:MaxItems=2
	// +listType=set
	// +optional
	RequireForTiers []PlatformTier `json:"requireForTiers,omitempty"`

	// requiredActivities: ResponsibilityAssignment; every matrix must have
	// an activity of each of these names.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=128
	// +listType=set
	// +optional
	RequiredActivities []string `json:"requiredActivities,omitempty"`

	// types: TemporaryTeam; the team types that are temporary. Default:
	// DigitalUnit and TigerTeam.
	// +kubebuilder:validation:MaxItems=9
	// +listType=set
	// +optional
	Types []TeamType `json:"types,omitempty"`

	// noticeDays: TemporaryTeam; how many days before its end a temporary
	// team that owns platforms must name a successor. Default: 30.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3650
	// +optional
	NoticeDays *int32 `json:"noticeDays,omitempty"`
}

// RuleMatch narrows the objects a rule judges.
type RuleMatch struct {
	// kinds the rule judges; required for CEL rules, and for the built-in
	// types a subset of the kinds they judge.
	// +kubebuilder:validation:MaxItems=5
	// +listType=set
	// +optional
	Kinds []Kind `json:"kinds,omitempty"`

	// labelSelector limits the rule to objects with matching labels.
	// +optional
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty"`
}

// CELRule is a user's own rule as a CEL expression.
type CELRule struct {
	// expression must evaluate to true for a compliant object. It sees
	// `object` (the judged object), and for a Platform `owner` (its owner Team,
	// or null) and `committee` (its SteeringCommittee, or null).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	// +required
	Expression string `json:"expression"`

	// message is reported when the expression is false.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Message string `json:"message,omitempty"`
}

// Rule is one governance check.
// +kubebuilder:validation:XValidation:rule="self.type != 'CEL' || has(self.cel)",message="cel.expression is required for a rule of type CEL",fieldPath=".cel",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="self.type != 'CEL' || (has(self.match) && has(self.match.kinds) && size(self.match.kinds) > 0)",message="match.kinds is required for a rule of type CEL",fieldPath=".match.kinds",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="self.type == 'CEL' || !has(self.cel)",message="cel is only allowed on a rule of type CEL",fieldPath=".cel",reason=FieldValueForbidden
type Rule struct {
	// name of the rule, unique in the policy.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +required
	Name string `json:"name"`

	// type of check; see docs/rules.md for each.
	// +required
	Type RuleType `json:"type"`

	// severity of the rule's violations.
	// +kubebuilder:default=Medium
	// +optional
	Severity Severity `json:"severity,omitempty"`

	// params tune the rule.
	// +optional
	Params *RuleParams `json:"params,omitempty"`

	// match narrows the objects the rule judges.
	// +optional
	Match *RuleMatch `json:"match,omitempty"`

	// cel is the expression of a rule of type CEL.
	// +optional
	CEL *CELRule `json:"cel,omitempty"`
}

// GovernancePolicySpec declares governance rules for the policy's namespace.
type GovernancePolicySpec struct {
	// enforcement: Audit reports violations; Enforce also makes the violating
	// objects not Ready.
	// +kubebuilder:default=Audit
	// +optional
	Enforcement Enforcement `json:"enforcement,omitempty"`

	// admission: what the admission webhook, when it is deployed, does with
	// the violations this policy would find on an object being created or
	// updated. Warn (the default) admits the object and returns the
	// violations as warnings (kubectl prints them); Deny rejects it when the
	// policy's enforcement is Enforce, naming the violations. An update is
	// only rejected for violations that the stored object does not already
	// have. Deletes, and GovernancePolicies themselves, are never rejected.
	// +kubebuilder:default=Warn
	// +optional
	Admission AdmissionAction `json:"admission,omitempty"`

	// rules of the policy, unique by name.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=name
	// +required
	Rules []Rule `json:"rules"`
}

// RuleStatus counts what one rule judged.
type RuleStatus struct {
	// name of the rule.
	Name string `json:"name"`
	// evaluated is how many objects the rule judged.
	Evaluated int32 `json:"evaluated"`
	// violations is how many violations the rule found.
	Violations int32 `json:"violations"`
}

// GovernancePolicyStatus is what the controller observed of the policy.
type GovernancePolicyStatus struct {
	Status `json:",inline"`

	// rules counts, per rule, the objects judged and the violations found.
	// +listType=map
	// +listMapKey=name
	// +optional
	Rules []RuleStatus `json:"rules,omitempty"`
}

// GovernancePolicy holds governance rules that judge the organization's
// structure in its namespace: platform ownership, steering-committee
// coverage, privacy owners, RACI, team structure, the organization model,
// and users' own CEL rules.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=gp;govpol,categories=orgplane
// +kubebuilder:printcolumn:name="Enforcement",type=string,JSONPath=`.spec.enforcement`
// +kubebuilder:printcolumn:name="Admission",type=string,JSONPath=`.spec.admission`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Stalled",type=string,JSONPath=`.status.conditions[?(@.type=="Stalled")].status`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type GovernancePolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the rules.
	// +required
	Spec GovernancePolicySpec `json:"spec"`

	// status is what the controller observed.
	// Until the controller has evaluated the object, status reads
	// observedGeneration 0, so kstatus-based tools see it InProgress.
	// +kubebuilder:default={observedGeneration: 0}
	// +optional
	Status GovernancePolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// GovernancePolicyList is a list of GovernancePolicies.
type GovernancePolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GovernancePolicy `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &GovernancePolicy{}, &GovernancePolicyList{})
}
