// Package bench measures how fast the controller converges a whole org on a
// real kube-apiserver, for the manager's --concurrency, --kube-api-qps and
// --kube-api-burst defaults. Run it with
//
//	make bench-convergence
//
// and record the numbers in docs/performance.md. Without -bench the package
// starts nothing.
package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/testenv"
)

var (
	env    *testenv.Env
	scheme = runtime.NewScheme()
)

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		os.Exit(m.Run())
	}
	ctrl.SetLogger(logr.Discard())
	_ = clientgoscheme.AddToScheme(scheme)
	_ = orgv1.AddToScheme(scheme)
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// orgOf builds a generated org: teams under business units and a CoE,
// platforms owned and operated across them (some owners missing), committees,
// matrices and one policy with every built-in rule type.
func orgOf(ns string, teams int) []client.Object {
	m := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }
	objs := []client.Object{
		&orgv1.Organization{ObjectMeta: m("org"), Spec: orgv1.OrganizationSpec{Model: orgv1.ModelHybrid}},
		&orgv1.Team{ObjectMeta: m("coe"), Spec: orgv1.TeamSpec{Function: "Marketing", Type: "CenterOfExcellence"}},
		&orgv1.GovernancePolicy{ObjectMeta: m("baseline"), Spec: orgv1.GovernancePolicySpec{Rules: []orgv1.Rule{
			{Name: "owned", Type: orgv1.RulePlatformOwnership}, {Name: "governed", Type: orgv1.RulePlatformGoverned},
			{Name: "coverage", Type: orgv1.RuleSteeringCommitteeCoverage}, {Name: "privacy", Type: orgv1.RulePrivacyOwner},
			{Name: "raci", Type: orgv1.RuleResponsibilityAssignment}, {Name: "structure", Type: orgv1.RuleTeamStructure},
			{Name: "model", Type: orgv1.RuleOrganizationModel}, {Name: "ai", Type: orgv1.RuleEnterpriseAI},
		}}},
	}
	for i := range teams {
		parent := "coe"
		if i%10 != 0 {
			parent = fmt.Sprintf("team-%d", i-i%10)
		}
		typ := orgv1.TeamType("Department")
		if i%10 == 0 {
			typ = "BusinessUnit"
		}
		objs = append(objs, &orgv1.Team{ObjectMeta: m(fmt.Sprintf("team-%d", i)), Spec: orgv1.TeamSpec{
			Function: "Marketing", Type: typ, ParentRef: &orgv1.TeamRef{Name: parent},
			Lead: &orgv1.Person{Name: "Lead"}, Members: []orgv1.Person{{Name: "Lead"}, {Name: "Member"}}}})
		if i%2 == 0 {
			objs = append(objs, &orgv1.Platform{ObjectMeta: m(fmt.Sprintf("platform-%d", i)), Spec: orgv1.PlatformSpec{
				Category: "CDP", OwnerRef: &orgv1.TeamRef{Name: fmt.Sprintf("team-%d", (i+7)%(teams+10))},
				OperatorRefs:         []orgv1.TeamRef{{Name: fmt.Sprintf("team-%d", (i+1)%teams)}},
				SteeringCommitteeRef: &orgv1.SteeringCommitteeRef{Name: fmt.Sprintf("committee-%d", i%5)}}})
		}
	}
	for i := range 5 {
		objs = append(objs, &orgv1.SteeringCommittee{ObjectMeta: m(fmt.Sprintf("committee-%d", i)), Spec: orgv1.SteeringCommitteeSpec{
			Members: []orgv1.CommitteeMember{{TeamRef: orgv1.TeamRef{Name: "coe"}}, {TeamRef: orgv1.TeamRef{Name: fmt.Sprintf("team-%d", i)}}}}},
			&orgv1.ResponsibilityMatrix{ObjectMeta: m(fmt.Sprintf("raci-%d", i)), Spec: orgv1.ResponsibilityMatrixSpec{
				PlatformRef: &orgv1.PlatformRef{Name: fmt.Sprintf("platform-%d", 2*i)},
				Activities:  []orgv1.Activity{{Name: "Operate", Accountable: &orgv1.TeamRef{Name: "coe"}, Informed: []orgv1.TeamRef{{Name: "coe"}}}}}})
	}
	return objs
}

// converged reports whether every object in ns has observed its generation.
func converged(ctx context.Context, c client.Client, ns string) (bool, error) {
	for _, k := range orgv1.Kinds {
		l := k.NewList()
		if err := c.List(ctx, l, client.InNamespace(ns)); err != nil {
			return false, err
		}
		items, _ := metaItems(l)
		for _, o := range items {
			if o.CommonStatus().ObservedGeneration != o.GetGeneration() {
				return false, nil
			}
		}
	}
	return true, nil
}

func BenchmarkConvergence(b *testing.B) {
	for _, teams := range []int{100, 400} {
		for _, tc := range []struct {
			workers    int
			qps, burst float32
		}{{1, 20, 30}, {2, 50, 100}, {4, 50, 100}, {2, 200, 300}} {
			b.Run(fmt.Sprintf("teams=%d/concurrency=%d/qps=%g", teams, tc.workers, tc.qps), func(b *testing.B) {
				for range b.N {
					runConvergence(b, teams, tc.workers, tc.qps, int(tc.burst))
				}
			})
		}
	}
}

func runConvergence(b *testing.B, teams, workers int, qps float32, burst int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := rest.CopyConfig(env.Config)
	cfg.QPS, cfg.Burst = qps, burst
	var writes atomic.Int64
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0",
		NewClient: func(cfg *rest.Config, opts client.Options) (client.Client, error) {
			c, err := client.NewWithWatch(cfg, opts)
			return interceptor.NewClient(c, interceptor.Funcs{SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, p client.Patch, o ...client.SubResourcePatchOption) error {
				writes.Add(1)
				return c.SubResource(sub).Patch(ctx, obj, p, o...)
			}}), err
		},
		Controller: ctrlConfig(),
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := cachegraph.SetupIndexes(ctx, mgr.GetFieldIndexer()); err != nil {
		b.Fatal(err)
	}
	if err := controllers.SetupReconcilers(mgr, controllers.Options{MaxConcurrentReconciles: workers}); err != nil {
		b.Fatal(err)
	}
	go func() { _ = mgr.Start(ctx) }()
	mgr.GetCache().WaitForCacheSync(ctx)

	fast := rest.CopyConfig(env.Config)
	fast.QPS, fast.Burst = 1000, 2000
	c, err := client.New(fast, client.Options{Scheme: scheme})
	if err != nil {
		b.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "bench-"}}
	if err := c.Create(ctx, ns); err != nil {
		b.Fatal(err)
	}
	objs := orgOf(ns.Name, teams)
	start := time.Now()
	for _, o := range objs {
		if err := c.Create(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
	applied := time.Since(start)
	for {
		ok, err := converged(ctx, c, ns.Name)
		if err != nil {
			b.Fatal(err)
		}
		if ok {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Settled: no status write for a second.
	for last := writes.Load(); ; last = writes.Load() {
		time.Sleep(time.Second)
		if writes.Load() == last {
			break
		}
	}
	settled := time.Since(start) - time.Second
	b.ReportMetric(float64(len(objs)), "objects")
	b.ReportMetric(applied.Seconds(), "apply-s")
	b.ReportMetric(settled.Seconds(), "settle-s")
	b.ReportMetric(float64(writes.Load()), "status-writes")
}

// ctrlConfig lets one process start a manager per benchmark run, each
// registering the same controller names.
func ctrlConfig() config.Controller { return config.Controller{SkipNameValidation: ptr.To(true)} }

func metaItems(l client.ObjectList) ([]orgv1.Object, error) {
	items, err := meta.ExtractList(l)
	out := make([]orgv1.Object, len(items))
	for i, it := range items {
		out[i] = it.(orgv1.Object)
	}
	return out, err
}
