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
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		os.Exit(m.Run())
	}
	testenv.Main(m, &env)
}

// orgOf builds a generated org: teams under business units and a CoE,
// platforms owned and operated across them (some owners missing), committees,
// matrices and one policy with every built-in rule type.
func orgOf(ns string, teams int) []client.Object {
	rule := func(name string, t orgv1.RuleType) orgv1.Rule { return builders.MakeRule(name, t).Obj() }
	rules := []orgv1.Rule{
		rule("owned", orgv1.RulePlatformOwnership), rule("governed", orgv1.RulePlatformGoverned),
		rule("coverage", orgv1.RuleSteeringCommitteeCoverage), rule("privacy", orgv1.RulePrivacyOwner),
		rule("raci", orgv1.RuleResponsibilityAssignment), rule("structure", orgv1.RuleTeamStructure),
		rule("model", orgv1.RuleOrganizationModel), rule("ai", orgv1.RuleEnterpriseAI),
	}
	objs := []client.Object{
		builders.MakeOrganization("org", ns).Obj(),
		builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Obj(),
		builders.MakeGovernancePolicy("baseline", ns).Rules(rules...).Obj(),
	}
	for i := range teams {
		team := builders.MakeTeam(fmt.Sprintf("team-%d", i), ns).Lead(builders.Person("Lead", "")).
			Members(builders.Person("Lead", ""), builders.Person("Member", ""))
		if i%10 == 0 {
			team.Type("BusinessUnit").Parent("coe")
		} else {
			team.Parent(fmt.Sprintf("team-%d", i-i%10))
		}
		objs = append(objs, team.Obj())
		if i%2 == 0 {
			objs = append(objs, builders.MakePlatform(fmt.Sprintf("platform-%d", i), ns).Category("CDP").
				Owner(fmt.Sprintf("team-%d", (i+7)%(teams+10))).Operators(fmt.Sprintf("team-%d", (i+1)%teams)).
				Committee(fmt.Sprintf("committee-%d", i%5)).Obj())
		}
	}
	for i := range 5 {
		objs = append(objs, builders.MakeSteeringCommittee(fmt.Sprintf("committee-%d", i), ns).Members("coe", fmt.Sprintf("team-%d", i)).Obj(),
			builders.MakeResponsibilityMatrix(fmt.Sprintf("raci-%d", i), ns).Platform(fmt.Sprintf("platform-%d", 2*i)).
				Activities(builders.MakeActivity("Operate").Accountable("coe").Informed("coe").Obj()).Obj())
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
	m := env.NewManager(b, testenv.WithConcurrency(workers), testenv.WithClientLimits(qps, burst))
	defer func() {
		if err := m.Stop(); err != nil {
			b.Errorf("manager: %v", err)
		}
	}()
	ctx := context.Background()
	ns := env.Namespace(b, "bench-")
	objs := orgOf(ns, teams)
	start := time.Now()
	env.Create(b, objs...)
	applied := time.Since(start)
	for {
		ok, err := converged(ctx, env.Client, ns)
		if err != nil {
			b.Fatal(err)
		}
		if ok {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Settled: no status write for a second.
	writes := &m.StatusWrites
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

func metaItems(l client.ObjectList) ([]orgv1.Object, error) {
	items, err := meta.ExtractList(l)
	out := make([]orgv1.Object, len(items))
	for i, it := range items {
		out[i] = it.(orgv1.Object)
	}
	return out, err
}
