// Package v1alpha2 holds the Go types of the wg-policy PolicyReport
// (wgpolicyk8s.io/v1alpha2), the report format that Kyverno, Policy Reporter
// and other policy dashboards read. Upstream's Go module is not published,
// so the types are declared here: only PolicyReport, with every field of
// the upstream CRD and the same JSON names, so that what orgplane writes
// reads the same to every consumer.
//
// `make manifests` generates the CRD that config/policyreport installs from these
// types.
//
// +kubebuilder:object:generate=true
// +groupName=wgpolicyk8s.io
package v1alpha2

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is wgpolicyk8s.io/v1alpha2.
var GroupVersion = schema.GroupVersion{Group: "wgpolicyk8s.io", Version: "v1alpha2"}

// AddToScheme adds PolicyReport to a runtime.Scheme.
func AddToScheme(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, &PolicyReport{}, &PolicyReportList{})
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}

// Result values.
const (
	ResultPass  PolicyResult = "pass"
	ResultFail  PolicyResult = "fail"
	ResultWarn  PolicyResult = "warn"
	ResultError PolicyResult = "error"
	ResultSkip  PolicyResult = "skip"
)

// PolicyResult is a result's outcome: pass, fail, warn (failed but not
// scored), error (could not be evaluated) or skip.
// +kubebuilder:validation:Enum=pass;fail;warn;error;skip
type PolicyResult string

// PolicySeverity is a result's criticality.
// +kubebuilder:validation:Enum=critical;high;low;medium;info
type PolicySeverity string

// PolicyReportSummary counts a report's results by outcome.
type PolicyReportSummary struct {
	// Pass counts the results whose requirements were met.
	// +optional
	Pass int `json:"pass"`
	// Fail counts the results whose requirements were not met.
	// +optional
	Fail int `json:"fail"`
	// Warn counts the unscored results whose requirements were not met.
	// +optional
	Warn int `json:"warn"`
	// Error counts the results that could not be evaluated.
	// +optional
	Error int `json:"error"`
	// Skip counts the results that were not evaluated.
	// +optional
	Skip int `json:"skip"`
}

// PolicyReportResult is the outcome of one policy rule, usually on one
// resource.
type PolicyReportResult struct {
	// Source names the engine that produced the result.
	// +optional
	Source string `json:"source"`
	// Policy names the policy.
	Policy string `json:"policy"`
	// Rule names the rule within the policy.
	// +optional
	Rule string `json:"rule,omitempty"`
	// Category groups policies.
	// +optional
	Category string `json:"category,omitempty"`
	// Severity is the result's criticality.
	// +optional
	Severity PolicySeverity `json:"severity,omitempty"`
	// Timestamp is when the result was found.
	// +optional
	Timestamp metav1.Timestamp `json:"timestamp,omitempty"`
	// Result is the outcome.
	// +optional
	Result PolicyResult `json:"result,omitempty"`
	// Scored tells whether the result counts towards a score.
	// +optional
	Scored bool `json:"scored,omitempty"`
	// Subjects are the resources checked.
	// +optional
	Subjects []corev1.ObjectReference `json:"resources,omitempty"`
	// SubjectSelector selects the resources checked, instead of Subjects.
	// With neither, the result is about the report's scope.
	// +optional
	SubjectSelector *metav1.LabelSelector `json:"resourceSelector,omitempty"`
	// Description is a short message for people.
	// +optional
	Description string `json:"message,omitempty"`
	// Properties hold more about the result.
	// +optional
	Properties map[string]string `json:"properties,omitempty"`
}

// PolicyReport holds policy results for the resources of a namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=polr
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.scope.kind`,priority=1
// +kubebuilder:printcolumn:name="Name",type=string,JSONPath=`.scope.name`,priority=1
// +kubebuilder:printcolumn:name="Pass",type=integer,JSONPath=`.summary.pass`
// +kubebuilder:printcolumn:name="Fail",type=integer,JSONPath=`.summary.fail`
// +kubebuilder:printcolumn:name="Warn",type=integer,JSONPath=`.summary.warn`
// +kubebuilder:printcolumn:name="Error",type=integer,JSONPath=`.summary.error`
// +kubebuilder:printcolumn:name="Skip",type=integer,JSONPath=`.summary.skip`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type PolicyReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Scope is the resource the report is about, if it is about one.
	// +optional
	Scope *corev1.ObjectReference `json:"scope,omitempty"`
	// ScopeSelector selects the resources the report is about, instead of Scope.
	// +optional
	ScopeSelector *metav1.LabelSelector `json:"scopeSelector,omitempty"`
	// Summary counts the results.
	// +optional
	Summary PolicyReportSummary `json:"summary,omitempty"`
	// Results are the report's results.
	// +optional
	Results []PolicyReportResult `json:"results,omitempty"`
}

// PolicyReportList is a list of PolicyReports.
//
// +kubebuilder:object:root=true
type PolicyReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PolicyReport `json:"items"`
}
