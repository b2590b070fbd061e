// Package v1alpha1 holds the Go types of the OpenReports Report
// (openreports.io/v1alpha1), the successor of the wg-policy PolicyReport
// that Kyverno is moving to. Only Report is declared, with every field of
// the upstream CRD and the same JSON names; its results and summary have
// exactly the PolicyReport's shape, so they reuse its types.
//
// `make manifests` generates the CRD that config/openreports installs from these
// types.
//
// +kubebuilder:object:generate=true
// +groupName=openreports.io
package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
)

// GroupVersion is openreports.io/v1alpha1.
var GroupVersion = schema.GroupVersion{Group: "openreports.io", Version: "v1alpha1"}

// AddToScheme adds Report to a runtime.Scheme.
func AddToScheme(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, &Report{}, &ReportList{})
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}

// StatusFilter is a result outcome a report generator may restrict itself to.
// +kubebuilder:validation:Enum=pass;fail;warn;error;skip
type StatusFilter string

// Limits is what a report generator promises about a report's results.
type Limits struct {
	// MaxResults is the most results the report holds.
	// +optional
	MaxResults int `json:"maxResults"`
	// StatusFilter lists the outcomes the report holds.
	// +optional
	StatusFilter []StatusFilter `json:"statusFilter,omitempty"`
}

// ReportConfiguration is a contract between report generators and consumers.
type ReportConfiguration struct {
	Limits Limits `json:"limits"`
}

// Report holds policy results for the resources of a namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=reps
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.scope.kind`,priority=1
// +kubebuilder:printcolumn:name="Name",type=string,JSONPath=`.scope.name`,priority=1
// +kubebuilder:printcolumn:name="Pass",type=integer,JSONPath=`.summary.pass`
// +kubebuilder:printcolumn:name="Fail",type=integer,JSONPath=`.summary.fail`
// +kubebuilder:printcolumn:name="Warn",type=integer,JSONPath=`.summary.warn`
// +kubebuilder:printcolumn:name="Error",type=integer,JSONPath=`.summary.error`
// +kubebuilder:printcolumn:name="Skip",type=integer,JSONPath=`.summary.skip`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Report struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Source names the engine that produced every result of the report.
	// +optional
	Source string `json:"source"`
	// Scope is the resource the report is about, if it is about one.
	// +optional
	Scope *corev1.ObjectReference `json:"scope,omitempty"`
	// ScopeSelector selects the resources the report is about, instead of Scope.
	// +optional
	ScopeSelector *metav1.LabelSelector `json:"scopeSelector,omitempty"`
	// Configuration is what the generator promises about the report.
	// +optional
	Configuration *ReportConfiguration `json:"configuration,omitempty"`
	// Summary counts the results.
	// +optional
	Summary v1alpha2.PolicyReportSummary `json:"summary,omitempty"`
	// Results are the report's results.
	// +optional
	Results []v1alpha2.PolicyReportResult `json:"results,omitempty"`
}

// ReportList is a list of Reports.
//
// +kubebuilder:object:root=true
type ReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Report `json:"items"`
}
