package policyreport_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/policyreport"
	openreportsv1alpha1 "github.com/orgplane/orgplane/internal/policyreport/api/openreports/v1alpha1"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

const eventually = 20 * time.Second

// smallOrg is a team, a platform it owns, a platform whose owner does not
// exist, and a policy with an ownership rule and a CEL rule that does not
// compile.
func smallOrg(ns string) []client.Object {
	return []client.Object{
		builders.MakeTeam("it", ns).Function("IT").Type("CenterOfExcellence").Obj(),
		builders.MakePlatform("crm", ns).Owner("it").Obj(),
		builders.MakePlatform("cdp", ns).Category("CDP").Owner("data").Obj(),
		builders.MakeGovernancePolicy("gov", ns).Enforcement(orgv1.EnforcementEnforce).Rules(
			builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityCritical).Obj(),
			builders.MakeRule("broken", orgv1.RuleCEL).CEL("object.spec.(", "").MatchKinds(orgv1.KindTeam).Obj(),
		).Obj(),
	}
}

// policyReports lists orgplane's PolicyReports of a namespace, by name.
func policyReports(g Gomega, ns string) []v1alpha2.PolicyReport {
	var l v1alpha2.PolicyReportList
	g.Expect(env.Client.List(ctx, &l, client.InNamespace(ns), client.MatchingLabels{"app.kubernetes.io/managed-by": "orgplane"})).To(Succeed())
	sort.Slice(l.Items, func(i, j int) bool { return l.Items[i].Name < l.Items[j].Name })
	return l.Items
}

// verdicts lists results as "policy/rule kind/name: result", in order.
func verdicts(rs []v1alpha2.PolicyReportResult) []string {
	var out []string
	for _, r := range rs {
		obj := "-"
		if len(r.Subjects) > 0 {
			obj = r.Subjects[0].Kind + "/" + r.Subjects[0].Name
		}
		out = append(out, fmt.Sprintf("%s/%s %s: %s %s", r.Policy, r.Rule, obj, r.Result, r.Severity))
	}
	return out
}

// TestReports: a small org gets one report with a pass or a fail per
// object and rule and an error for the rule that does not compile; the
// report follows changes, keeps the timestamps of unchanged results, is
// not rewritten at rest nor by a restart, and goes when the namespace's
// objects go.
func TestReports(t *testing.T) {
	g := NewWithT(t)
	m := env.NewManager(t, testenv.WithReportAPI(controllers.ReportAPIPolicyReport))
	ns := env.Namespace(t, "reports-")
	objs := smallOrg(ns)
	env.Create(t, objs...)

	name := "orgplane-" + ns + "-1"
	var report v1alpha2.PolicyReport
	g.Eventually(func(g Gomega) {
		reports := policyReports(g, ns)
		g.Expect(reports).To(HaveLen(1))
		report = reports[0]
		g.Expect(report.Name).To(Equal(name))
		g.Expect(verdicts(report.Results)).To(Equal([]string{
			"gov/broken -: error medium",
			"builtin/integrity Team/it: pass high",
			"builtin/integrity Platform/cdp: fail high",
			"gov/owned Platform/cdp: fail critical",
			"builtin/integrity Platform/crm: pass high",
			"gov/owned Platform/crm: pass critical",
		}))
	}).WithTimeout(eventually).Should(Succeed())
	g.Expect(report.Summary).To(Equal(v1alpha2.PolicyReportSummary{Pass: 3, Fail: 2, Error: 1}))
	g.Expect(report.Annotations).To(HaveKeyWithValue(policyreport.AnnotationParts, "1"))
	crm := objs[1].(*orgv1.Platform)
	for _, r := range report.Results {
		g.Expect(r.Source).To(Equal("orgplane"))
		g.Expect(r.Scored).To(BeTrue())
		g.Expect(r.Timestamp.Seconds).NotTo(BeZero())
		if len(r.Subjects) > 0 && r.Subjects[0].Name == "crm" {
			s := r.Subjects[0]
			g.Expect([]string{s.APIVersion, s.Kind, s.Namespace, s.Name, string(s.UID)}).To(
				Equal([]string{"org.orgplane.io/v1alpha1", "Platform", ns, "crm", string(crm.UID)}))
		}
	}
	g.Expect(report.Results[3].Description).To(Equal(`platform "cdp": spec.ownerRef: owner team "data" not found`))
	g.Expect(report.Results[3].Properties).To(Equal(map[string]string{"enforcement": "Enforce", "violations": "1"}))

	// At rest: a change that the reports do not show (a label no rule
	// selects) is reconciled, and nothing is written.
	time.Sleep(time.Second) // let the creation's last events settle
	writes, runs := m.ReportWrites.Load(), reconciles(t)
	g.Expect(writes).NotTo(BeZero(), "the report's creation was not counted")
	team := objs[0].(*orgv1.Team)
	g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(team), team)).To(Succeed())
	team.Labels = map[string]string{"cost-center": "42"}
	g.Expect(env.Client.Update(ctx, team)).To(Succeed())
	g.Eventually(func() float64 { return reconciles(t) }).WithTimeout(eventually).Should(BeNumerically(">", runs))
	time.Sleep(500 * time.Millisecond)
	g.Expect(m.ReportWrites.Load()).To(Equal(writes), "a reconcile with nothing new wrote a report")

	// The missing owner appears, a second later (timestamps have seconds):
	// cdp passes, the other results keep their timestamps.
	time.Sleep(time.Second)
	env.Create(t, builders.MakeTeam("data", ns).Function("Data").Obj())
	var updated v1alpha2.PolicyReport
	g.Eventually(func(g Gomega) {
		reports := policyReports(g, ns)
		g.Expect(reports).To(HaveLen(1))
		updated = reports[0]
		g.Expect(updated.Summary).To(Equal(v1alpha2.PolicyReportSummary{Pass: 6, Error: 1}))
	}).WithTimeout(eventually).Should(Succeed())
	before := map[string]metav1.Timestamp{}
	for i, v := range verdicts(report.Results) {
		before[v] = report.Results[i].Timestamp
	}
	for i, v := range verdicts(updated.Results) {
		ts, unchanged := before[v]
		g.Expect(updated.Results[i].Timestamp == ts).To(Equal(unchanged), "timestamp of %s", v)
	}

	// Idle, nothing is written.
	writes = m.ReportWrites.Load()
	time.Sleep(500 * time.Millisecond)
	g.Expect(m.ReportWrites.Load()).To(Equal(writes), "an idle manager wrote a report")

	// A report edited or deleted by someone else is written again, with no
	// change to any orgplane object (the results it lost with new
	// timestamps).
	tampered := updated.DeepCopy()
	tampered.Results = tampered.Results[:1]
	tampered.Summary = v1alpha2.PolicyReportSummary{Pass: 1}
	g.Expect(env.Client.Update(ctx, tampered)).To(Succeed())
	g.Eventually(func(g Gomega) {
		reports := policyReports(g, ns)
		g.Expect(reports).To(HaveLen(1))
		g.Expect(verdicts(reports[0].Results)).To(Equal(verdicts(updated.Results)))
	}).WithTimeout(eventually).Should(Succeed())
	g.Expect(env.Client.Delete(ctx, &updated)).To(Succeed())
	g.Eventually(func(g Gomega) {
		reports := policyReports(g, ns)
		g.Expect(reports).To(HaveLen(1))
		g.Expect(reports[0].UID).NotTo(Equal(updated.UID))
		g.Expect(verdicts(reports[0].Results)).To(Equal(verdicts(updated.Results)))
	}).WithTimeout(eventually).Should(Succeed())

	// Without orgplane objects, the namespace has no report.
	for _, o := range append(objs, builders.MakeTeam("data", ns).Obj()) {
		g.Expect(client.IgnoreNotFound(env.Client.Delete(ctx, o))).To(Succeed())
	}
	g.Eventually(func(g Gomega) { g.Expect(policyReports(g, ns)).To(BeEmpty()) }).WithTimeout(eventually).Should(Succeed())
}

// TestRestartWritesNothing: a manager that starts over converged reports
// reconciles every namespace and writes nothing.
func TestRestartWritesNothing(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "reports-")
	t.Run("first manager", func(t *testing.T) {
		g := NewWithT(t)
		env.NewManager(t, testenv.WithReportAPI(controllers.ReportAPIPolicyReport))
		env.Create(t, smallOrg(ns)...)
		g.Eventually(func(g Gomega) {
			reports := policyReports(g, ns)
			g.Expect(reports).To(HaveLen(1))
			g.Expect(reports[0].Results).To(HaveLen(6))
		}).WithTimeout(eventually).Should(Succeed())
		time.Sleep(time.Second)
	})
	runs := reconciles(t)
	m := env.NewManager(t, testenv.WithReportAPI(controllers.ReportAPIPolicyReport))
	g.Eventually(func() float64 { return reconciles(t) }).WithTimeout(eventually).Should(BeNumerically(">", runs))
	time.Sleep(time.Second)
	g.Expect(m.ReportWrites.Load()).To(BeZero(), "a restarted manager rewrote converged reports")
}

// TestLargeNamespaceIsSplit: 3,300 results go into four reports, each
// within the limits, and parts that are no longer needed go.
func TestLargeNamespaceIsSplit(t *testing.T) {
	g := NewWithT(t)
	env.NewManager(t, testenv.WithReportAPI(controllers.ReportAPIPolicyReport))
	ns := env.Namespace(t, "reports-")
	var rules []orgv1.Rule
	for i := range 10 {
		rules = append(rules, builders.MakeCELRule(fmt.Sprintf("rule-%d", i), fmt.Sprintf("size(object.metadata.name) %% %d != 0", i+2), "").
			Severity(orgv1.SeverityLow).MatchKinds(orgv1.KindTeam).Obj())
	}
	env.Create(t, builders.MakeGovernancePolicy("many", ns).Rules(rules...).Obj())
	const teams = 300
	var wg sync.WaitGroup
	errs := make(chan error, teams)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < teams; i += 8 {
				team := builders.MakeTeam(fmt.Sprintf("team-%0*d", 3+i%5, i), ns).Function("IT").Label("batch", strconv.Itoa(i%3)).Obj()
				if err := env.Client.Create(ctx, team); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	check := func(g Gomega, results, parts int) {
		reports := policyReports(g, ns)
		g.Expect(reports).To(HaveLen(parts))
		total := 0
		for i, r := range reports {
			g.Expect(r.Name).To(Equal(fmt.Sprintf("orgplane-%s-%d", ns, i+1)))
			g.Expect(r.Annotations).To(HaveKeyWithValue(policyreport.AnnotationParts, strconv.Itoa(parts)))
			g.Expect(r.Annotations).To(HaveKeyWithValue(policyreport.AnnotationResults, strconv.Itoa(results)))
			g.Expect(len(r.Results)).To(BeNumerically("<=", 1000))
			b, err := json.Marshal(r)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(len(b)).To(BeNumerically("<", 1<<20), "report %s", r.Name)
			g.Expect(r.Summary.Pass + r.Summary.Fail).To(Equal(len(r.Results)))
			total += len(r.Results)
		}
		g.Expect(total).To(Equal(results))
	}
	g.Eventually(func(g Gomega) { check(g, teams*11, 4) }).WithTimeout(eventually).Should(Succeed())

	// Two thirds of the teams go: two reports are enough, the others go.
	g.Expect(env.Client.DeleteAllOf(ctx, &orgv1.Team{}, client.InNamespace(ns), client.MatchingLabels{"batch": "1"})).To(Succeed())
	g.Expect(env.Client.DeleteAllOf(ctx, &orgv1.Team{}, client.InNamespace(ns), client.MatchingLabels{"batch": "2"})).To(Succeed())
	g.Eventually(func(g Gomega) { check(g, teams/3*11, 2) }).WithTimeout(eventually).Should(Succeed())
}

// TestOpenReportsAndAbsentCRD: with --report-api=openreports.io and its CRD
// not installed, the manager logs it once and carries on; once the CRD is
// installed, every namespace gets its Report without any change.
func TestOpenReportsAndAbsentCRD(t *testing.T) {
	g := NewWithT(t)
	// A run before this one (go test -count) leaves the CRD terminating:
	// the apiserver deletes its instances, polling every 5s for up to a
	// minute, before the CRD goes.
	crd := &metav1.PartialObjectMetadata{}
	crd.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"})
	g.Eventually(func() bool {
		return apierrors.IsNotFound(env.Client.Get(ctx, client.ObjectKey{Name: "reports.openreports.io"}, crd))
	}).WithTimeout(90 * time.Second).Should(BeTrue())
	m := env.NewManager(t, testenv.WithReportAPI(controllers.ReportAPIOpenReports))
	ns := env.Namespace(t, "reports-")
	env.Create(t, smallOrg(ns)...)

	// The reconcilers work all the same: the platform's status is written.
	g.Eventually(func(g Gomega) {
		var p orgv1.Platform
		g.Expect(env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cdp"}, &p)).To(Succeed())
		g.Expect(p.Status.Violations).NotTo(BeEmpty())
	}).WithTimeout(eventually).Should(Succeed())
	time.Sleep(time.Second) // the absence is logged once, however many changes come
	g.Expect(len(m.Logs.Matching("the report CRD is not installed"))).To(Equal(1))
	g.Expect(m.ReportWrites.Load()).To(BeZero())

	crds := envtest.CRDInstallOptions{
		Paths: []string{repo.Path("config", "openreports")}, ErrorIfPathMissing: true,
	}
	_, err := envtest.InstallCRDs(env.Config, crds)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		var l openreportsv1alpha1.ReportList
		g.Expect(env.Client.List(ctx, &l, client.InNamespace(ns))).To(Succeed())
		g.Expect(l.Items).To(HaveLen(1))
		r := l.Items[0]
		g.Expect(r.Name).To(Equal("orgplane-" + ns + "-1"))
		g.Expect(r.Source).To(Equal("orgplane"))
		g.Expect(r.Summary).To(Equal(v1alpha2.PolicyReportSummary{Pass: 3, Fail: 2, Error: 1}))
		g.Expect(r.Results).To(HaveLen(6))
	}).WithTimeout(eventually).Should(Succeed())
	g.Expect(len(m.Logs.Matching("the report CRD is installed now"))).To(Equal(1))
	g.Expect(len(m.Logs.Matching("the report CRD is not installed"))).To(Equal(1))

	// Uninstalled again, the CRD is missed once more (as soon as it is
	// terminating), and logged as such.
	g.Expect(envtest.UninstallCRDs(env.Config, crds)).To(Succeed())
	g.Eventually(func() int { return len(m.Logs.Matching("the report CRD is not installed")) }).WithTimeout(eventually).Should(Equal(2))
	g.Expect(len(m.Logs.Matching("the report CRD is installed now"))).To(Equal(1))
	g.Expect(len(m.Logs.Matching("watching reports"))).To(BeZero())
}
