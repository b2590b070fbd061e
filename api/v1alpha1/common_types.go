package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Bounds on lists and strings. Every list and string in the API is bounded so
// that no object can grow without limit and every CEL validation rule has a
// known cost. docs/api.md lists them for users.
const (
	// MaxViolations is how many violations an object's status lists; the
	// full count is in status.violationCount.
	MaxViolations = 50
)

// TeamRef refers to a Team, by default in the referring object's namespace.
type TeamRef struct {
	// name of the Team.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +required
	Name string `json:"name"`

	// namespace of the Team; defaults to the referring object's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// SteeringCommitteeRef refers to a SteeringCommittee, by default in the
// referring object's namespace.
type SteeringCommitteeRef struct {
	// name of the SteeringCommittee.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +required
	Name string `json:"name"`

	// namespace of the SteeringCommittee; defaults to the referring object's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// PlatformRef refers to a Platform, by default in the referring object's
// namespace.
type PlatformRef struct {
	// name of the Platform.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +required
	Name string `json:"name"`

	// namespace of the Platform; defaults to the referring object's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// Person is someone in the organization: a lead, a member, a chair, a
// representative, an executive, an owner.
type Person struct {
	// name is the person's display name, in any script ("Élodie Martin").
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	Name string `json:"name"`

	// email is the person's e-mail address.
	// +kubebuilder:validation:Format=email
	// +kubebuilder:validation:MaxLength=254
	// +optional
	Email string `json:"email,omitempty"`

	// teamRef is the Team the person belongs to.
	// +optional
	TeamRef *TeamRef `json:"teamRef,omitempty"`
}

// Severity ranks a violation.
// +kubebuilder:validation:Enum=Low;Medium;High;Critical
type Severity string

// Severities, lowest first.
const (
	SeverityLow      Severity = "Low"
	SeverityMedium   Severity = "Medium"
	SeverityHigh     Severity = "High"
	SeverityCritical Severity = "Critical"
)

// Severities lists the severities, most severe first: the one order in
// which findings are sorted and counts by severity are listed.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}

// Enforcement says what a policy's violations mean for readiness.
// +kubebuilder:validation:Enum=Audit;Enforce
type Enforcement string

const (
	// EnforcementAudit reports violations; the object stays Ready.
	EnforcementAudit Enforcement = "Audit"
	// EnforcementEnforce reports violations and makes the object not Ready.
	EnforcementEnforce Enforcement = "Enforce"
)

// AdmissionAction says what the admission webhook does with a policy's
// violations of an object being created or updated.
// +kubebuilder:validation:Enum=Warn;Deny
type AdmissionAction string

const (
	// AdmissionWarn admits the object and returns the violations as warnings.
	AdmissionWarn AdmissionAction = "Warn"
	// AdmissionDeny rejects the object for the violations of an Enforce
	// policy; those of an Audit policy stay warnings.
	AdmissionDeny AdmissionAction = "Deny"
)

// Violation is one finding of a governance rule on an object.
type Violation struct {
	// policy is the GovernancePolicy that found it, or "builtin" for
	// reference integrity, which is always checked.
	Policy string `json:"policy"`
	// rule is the name of the rule within the policy.
	Rule string `json:"rule"`
	// severity of the rule.
	Severity Severity `json:"severity"`
	// enforcement of the policy.
	Enforcement Enforcement `json:"enforcement"`
	// message names the object and the field at fault.
	Message string `json:"message"`
}

// Status holds what every orgplane kind's status has in common.
type Status struct {
	// observedGeneration is the metadata.generation last evaluated.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, Compliant, Reconciling and Stalled.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// JudgedStatus is the status of a kind that governance rules judge.
type JudgedStatus struct {
	Status `json:",inline"`

	// violations are the object's findings, most severe first, then by
	// policy and rule; at most 50 are listed.
	// +optional
	Violations []Violation `json:"violations,omitempty"`

	// violationCount is the number of violations, including those beyond
	// the listed maximum.
	// +optional
	ViolationCount int32 `json:"violationCount,omitempty"`
}
