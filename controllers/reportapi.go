package controllers

import (
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	openreportsv1alpha1 "github.com/orgplane/orgplane/internal/policyreport/api/openreports/v1alpha1"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
)

// The report APIs the controller can write (Options.ReportAPI, the
// manager's --report-api flag).
const (
	// ReportAPIPolicyReport writes wg-policy PolicyReports
	// (wgpolicyk8s.io/v1alpha2), the manager's default.
	ReportAPIPolicyReport = "wgpolicyk8s.io"
	// ReportAPIOpenReports writes OpenReports Reports (openreports.io/v1alpha1).
	ReportAPIOpenReports = "openreports.io"
	// ReportAPINone writes no reports; so does "".
	ReportAPINone = "none"
)

// reportAPI is one report shape: its CRD and how its objects hold content.
type reportAPI struct {
	name      string // the ReportAPI value
	crd       string // the CRD's name
	install   string // where its CRD is shipped
	addScheme func(*runtime.Scheme) error
	newObj    func() client.Object
	newList   func() client.ObjectList
	// content points into a report's source (nil where the shape has
	// none at the top), summary and results.
	content func(client.Object) (*string, *v1alpha2.PolicyReportSummary, *[]v1alpha2.PolicyReportResult)
}

var reportAPIs = map[string]reportAPI{
	ReportAPIPolicyReport: {
		name: ReportAPIPolicyReport, crd: "policyreports.wgpolicyk8s.io", install: "config/policyreport",
		addScheme: v1alpha2.AddToScheme,
		newObj:    func() client.Object { return &v1alpha2.PolicyReport{} },
		newList:   func() client.ObjectList { return &v1alpha2.PolicyReportList{} },
		content: func(o client.Object) (*string, *v1alpha2.PolicyReportSummary, *[]v1alpha2.PolicyReportResult) {
			r := o.(*v1alpha2.PolicyReport)
			return nil, &r.Summary, &r.Results
		},
	},
	ReportAPIOpenReports: {
		name: ReportAPIOpenReports, crd: "reports.openreports.io", install: "config/openreports",
		addScheme: openreportsv1alpha1.AddToScheme,
		newObj:    func() client.Object { return &openreportsv1alpha1.Report{} },
		newList:   func() client.ObjectList { return &openreportsv1alpha1.ReportList{} },
		content: func(o client.Object) (*string, *v1alpha2.PolicyReportSummary, *[]v1alpha2.PolicyReportResult) {
			r := o.(*openreportsv1alpha1.Report)
			return &r.Source, &r.Summary, &r.Results
		},
	},
}
