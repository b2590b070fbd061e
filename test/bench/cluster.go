package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/orggen"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// workers is how many client goroutines write at once, for the floor and
// the bulk apply alike.
const workers = 8

// quiet is how long without a status write counts as converged.
const quiet = 3 * time.Second

// clusterResult is one size's in-cluster run.
type clusterResult struct {
	Objects int
	// Create is how long 8 workers took to create the org (floor's first
	// half); Floor how long they took to patch every object's status once.
	Create, Floor time.Duration
	// FloorStatuses is the floor with the statuses the manager wrote on
	// the cold start, copied onto a twin org: what the apiserver takes
	// for these statuses, which are larger than the floor's.
	FloorStatuses time.Duration
	// Cold is from starting the manager until the last status write of a
	// converged org; ColdWrites and ColdMax its writes in all and per
	// object.
	Cold                time.Duration
	ColdWrites, ColdMax int
	WarmWrites          int
	// BulkCreate is how long the creates took with the manager running;
	// BulkLag from the last create to the last status write.
	BulkCreate, BulkLag time.Duration
	BulkWrites, BulkMax int
	BulkMostWritten     string
	// BulkLagFirsts and BulkLagRewrites are the status writes after the
	// last create: objects' first ones, and the others.
	BulkLagFirsts, BulkLagRewrites int
	// KindOrderLag and KindOrderWrites are the bulk apply's lag and writes
	// for a third org, created as Helm creates custom resources: sorted by
	// kind name, so its GovernancePolicies come first and its Teams last
	// (the generated order creates the policies last).
	KindOrderLag    time.Duration
	KindOrderWrites int
	// ColdConflicts and BulkConflicts are the manager's status patches the
	// apiserver refused as conflicting (409) in each phase.
	ColdConflicts, BulkConflicts int
	IdleRSS, RSS, PeakRSS        int64
}

// clusterRun is what a run of the in-cluster scenario needs.
type clusterRun struct {
	manager string   // the manager binary
	flags   []string // the manager's flags beyond the defaults
	seed    uint64
	timeout time.Duration // for each phase
}

// inCluster starts a control plane of its own, with the policy report
// CRDs that the manager's default --report-api writes, and runs, in order:
// the floor, the manager's idle memory, the cold start, the warm restart
// and the bulk applies.
func (r clusterRun) inCluster(ctx context.Context, n int) (res clusterResult, err error) {
	env, err := testenv.Start(testenv.WithCRDs("config/policyreport"))
	if err != nil {
		return res, err
	}
	defer func() { err = errors.Join(err, env.Stop()) }()
	cfg := rest.CopyConfig(env.Config)
	cfg.QPS = -1 // no client-side limit: the apiserver is what is measured
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: env.Scheme})
	if err != nil {
		return res, err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return res, err
	}
	conflicts := func() (int, error) { return statusConflicts(ctx, cs.Discovery().RESTClient()) }
	org := func(ns string) ([]orgv1.Object, error) {
		return orggen.Generate(orggen.Enterprise(ns, n, r.seed)), c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}
	objs, err := org("floor")
	if err != nil {
		return res, err
	}
	res.Objects = len(objs)
	if res.Create, err = createAll(ctx, c, objs); err != nil {
		return res, err
	}
	if res.Floor, err = watched(ctx, c, "floor", func() (time.Duration, error) { return patchAll(ctx, c, objs) }); err != nil {
		return res, err
	}
	for _, k := range orgv1.Kinds {
		if err := c.DeleteAllOf(ctx, k.New(), client.InNamespace("floor")); err != nil {
			return res, err
		}
	}
	if res.IdleRSS, err = r.idleMemory(ctx, env.Kubeconfig); err != nil {
		return res, fmt.Errorf("idle manager: %w", err)
	}
	if err := r.coldAndWarm(ctx, c, env.Kubeconfig, org, conflicts, &res); err != nil {
		return res, err
	}
	return res, nil
}

// idleMemory is the resident set of a manager that has nothing to do.
func (r clusterRun) idleMemory(ctx context.Context, kubeconfig string) (int64, error) {
	p, err := startManager(r.manager, kubeconfig, r.flags)
	if err != nil {
		return 0, err
	}
	err = p.idle(ctx, 0, quiet, time.Now().Add(r.timeout))
	rss, _, merr := p.memory()
	return rss, errors.Join(err, merr, p.stop())
}

// coldAndWarm creates the org, starts the manager and waits for it to
// converge; restarts it and counts the writes of the warm start; then,
// with that manager running, creates a second org and waits again.
func (r clusterRun) coldAndWarm(ctx context.Context, c client.WithWatch, kubeconfig string, org func(string) ([]orgv1.Object, error), conflicts func() (int, error), res *clusterResult) error {
	objs, err := org("cold")
	if err != nil {
		return err
	}
	if _, err := createAll(ctx, c, objs); err != nil {
		return err
	}
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	cold, err := track(watchCtx, c, "cold")
	if err != nil {
		return err
	}
	before, err := conflicts()
	if err != nil {
		return err
	}
	start := time.Now()
	p, err := startManager(r.manager, kubeconfig, r.flags)
	if err != nil {
		return err
	}
	s, err := cold.converged(ctx, len(objs), quiet, start.Add(r.timeout), p.exited)
	if err != nil {
		if p.exited() != nil {
			return fmt.Errorf("cold start: %w", err)
		}
		return errors.Join(fmt.Errorf("cold start: %w", err), p.stop())
	}
	res.Cold, res.ColdWrites, res.ColdMax = s.lastWrite.Sub(start), s.writes, s.maxPerObject
	after, err := conflicts()
	if err != nil {
		return errors.Join(err, p.stop())
	}
	res.ColdConflicts = after - before
	if res.RSS, res.PeakRSS, err = p.memory(); err != nil {
		return errors.Join(err, p.stop())
	}
	if err := p.stop(); err != nil {
		return fmt.Errorf("stopping the manager: %w", err)
	}
	if res.FloorStatuses, err = replayStatuses(ctx, c, org, "cold"); err != nil {
		return fmt.Errorf("floor with the manager's statuses: %w", err)
	}
	if p, err = startManager(r.manager, kubeconfig, r.flags); err != nil {
		return err
	}
	defer func() { _ = p.stop() }()
	if err := p.idle(ctx, len(objs), quiet, time.Now().Add(r.timeout)); err != nil {
		return fmt.Errorf("warm restart: %w", err)
	}
	warm, err := cold.snapshot()
	if err != nil {
		return err
	}
	res.WarmWrites = warm.writes - s.writes
	return r.bulk(ctx, c, p, org, conflicts, res)
}

// bulk creates a second org while the manager runs and waits until it has
// converged; then does the same with a third, created in Helm's order.
func (r clusterRun) bulk(ctx context.Context, c client.WithWatch, p *process, org func(string) ([]orgv1.Object, error), conflicts func() (int, error), res *clusterResult) error {
	objs, err := org("bulk")
	if err != nil {
		return err
	}
	a, err := r.apply(ctx, c, p, "bulk", objs, conflicts)
	if err != nil {
		return fmt.Errorf("bulk apply: %w", err)
	}
	res.BulkCreate, res.BulkLag, res.BulkConflicts = a.create, a.lag, a.conflicts
	res.BulkLagFirsts, res.BulkLagRewrites = a.firsts, a.rewrites
	res.BulkWrites, res.BulkMax, res.BulkMostWritten = a.writes, a.maxPerObject, a.mostWritten
	if objs, err = org("by-kind"); err != nil {
		return err
	}
	slices.SortStableFunc(objs, byKindName)
	if a, err = r.apply(ctx, c, p, "by-kind", objs, conflicts); err != nil {
		return fmt.Errorf("bulk apply in Helm's order: %w", err)
	}
	res.KindOrderLag, res.KindOrderWrites = a.lag, a.writes
	return nil
}

// byKindName orders objects as Helm installs custom resources: kinds it
// does not know are sorted by kind name, and a kind's objects keep their
// order.
func byKindName(a, b orgv1.Object) int {
	ka, _ := orgv1.KindOf(a)
	kb, _ := orgv1.KindOf(b)
	return strings.Compare(string(ka), string(kb))
}

// applied is one bulk apply's outcome.
type applied struct {
	snapshot
	create, lag      time.Duration
	firsts, rewrites int
	conflicts        int
}

// apply creates objs in ns with 8 workers while the manager p runs, and
// waits until it has converged.
func (r clusterRun) apply(ctx context.Context, c client.WithWatch, p *process, ns string, objs []orgv1.Object, conflicts func() (int, error)) (a applied, err error) {
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	t, err := track(watchCtx, c, ns)
	if err != nil {
		return a, err
	}
	before, err := conflicts()
	if err != nil {
		return a, err
	}
	start := time.Now()
	if a.create, err = createAll(ctx, c, objs); err != nil {
		return a, err
	}
	if a.snapshot, err = t.converged(ctx, len(objs), quiet, start.Add(r.timeout), p.exited); err != nil {
		return a, err
	}
	after, err := conflicts()
	if err != nil {
		return a, err
	}
	a.conflicts = after - before
	a.lag = max(a.lastWrite.Sub(a.lastCreate), 0)
	a.firsts, a.rewrites = t.afterCreates()
	return a, nil
}

// createAll creates objs with 8 workers and returns how long it took.
func createAll(ctx context.Context, c client.Client, objs []orgv1.Object) (time.Duration, error) {
	return parallel(objs, func(o orgv1.Object) error { return c.Create(ctx, o.DeepCopyObject().(client.Object)) })
}

// patchAll writes every object's status once, as a merge patch that
// records its generation: the floor.
func patchAll(ctx context.Context, c client.Client, objs []orgv1.Object) (time.Duration, error) {
	return parallel(objs, func(o orgv1.Object) error {
		patch := client.RawPatch(types.MergePatchType, []byte(`{"status":{"observedGeneration":1}}`))
		return c.Status().Patch(ctx, o.DeepCopyObject().(client.Object), patch)
	})
}

// replayStatuses creates a twin of the org in namespace from and writes
// each twin's status as the object in from has it, one merge patch per
// object from 8 workers, then deletes the twin; it returns how long the
// patches took. No manager runs meanwhile.
func replayStatuses(ctx context.Context, c client.WithWatch, org func(string) ([]orgv1.Object, error), from string) (time.Duration, error) {
	const twin = "replay"
	objs, err := org(twin)
	if err != nil {
		return 0, err
	}
	if _, err := createAll(ctx, c, objs); err != nil {
		return 0, err
	}
	patches := make(map[orgv1.Object][]byte, len(objs))
	for _, o := range objs {
		src := o.DeepCopyObject().(orgv1.Object)
		if err := c.Get(ctx, client.ObjectKey{Namespace: from, Name: o.GetName()}, src); err != nil {
			return 0, err
		}
		status, err := statusOf(src)
		if err != nil {
			return 0, err
		}
		patches[o] = []byte(`{"status":` + string(status) + `}`)
	}
	took, err := watched(ctx, c, twin, func() (time.Duration, error) {
		return parallel(objs, func(o orgv1.Object) error {
			return c.Status().Patch(ctx, o.DeepCopyObject().(client.Object), client.RawPatch(types.MergePatchType, patches[o]))
		})
	})
	if err != nil {
		return 0, err
	}
	for _, k := range orgv1.Kinds {
		if err := c.DeleteAllOf(ctx, k.New(), client.InNamespace(twin)); err != nil {
			return 0, err
		}
	}
	return took, nil
}

// statusOf is an object's status as JSON.
func statusOf(o orgv1.Object) (json.RawMessage, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var fields struct {
		Status json.RawMessage `json:"status"`
	}
	return fields.Status, json.Unmarshal(b, &fields)
}

// watched runs f while the objects of ns are watched as the cold start
// and the bulk apply watch theirs, so that the floors pay for the same
// measuring watch as the runs they are compared with.
func watched(ctx context.Context, c client.WithWatch, ns string, f func() (time.Duration, error)) (time.Duration, error) {
	watchCtx, stop := context.WithCancel(ctx)
	defer stop()
	if _, err := track(watchCtx, c, ns); err != nil {
		return 0, err
	}
	return f()
}

// parallel runs f on every object with 8 workers and times it; it stops at
// the first error.
func parallel(objs []orgv1.Object, f func(orgv1.Object) error) (time.Duration, error) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs error
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(objs)); i = next.Add(1) - 1 {
				if err := f(objs[i]); err != nil {
					mu.Lock()
					errs = errors.Join(errs, fmt.Errorf("%T %s: %w", objs[i], objs[i].GetName(), err))
					mu.Unlock()
					next.Store(int64(len(objs)))
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), errs
}

// statusConflicts is how many status patches of orgplane objects the
// apiserver has refused as conflicting since it started, from its own
// apiserver_request_total.
func statusConflicts(ctx context.Context, rc rest.Interface) (int, error) {
	body, err := rc.Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the apiserver's metrics: %w", err)
	}
	families, err := testenv.ParseFamilies(bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("parsing the apiserver's metrics: %w", err)
	}
	return int(families.Sum("apiserver_request_total", func(ls map[string]string) bool {
		return ls["code"] == "409" && ls["verb"] == http.MethodPatch && ls["subresource"] == "status" && ls["group"] == orgv1.GroupVersion.Group
	})), nil
}
