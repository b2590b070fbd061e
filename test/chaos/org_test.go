package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/check"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/orggen"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
	"github.com/orgplane/orgplane/internal/testing/docsection"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// reportAPI is the manager's --report-api in every scenario, so that
// policy reports are written (and compared) too.
const reportAPI = "--report-api=wgpolicyk8s.io"

// seed makes every scenario's org the same in any namespace.
const seed = 20261126

// converge is how long a scenario waits for the controller to agree with
// the engine: a generous bound for a loaded 2-core machine, not a target.
var converge = 10 * time.Minute

// generate is an enterprise org of about n objects in ns (internal/orggen).
func generate(ns string, n int) []orgv1.Object {
	return orggen.Generate(orggen.Enterprise(ns, n, seed))
}

// converged creates an org of about n objects in a new namespace named
// after prefix, starts a manager with args (and reportAPI), and waits until
// its status agrees with the engine.
func converged(t testing.TB, prefix string, n int, args ...string) (string, []orgv1.Object, *testenv.Process) {
	t.Helper()
	ns := env.Namespace(t, prefix)
	discard(t, ns)
	objs := generate(ns, n)
	if err := create(t.Context(), env.Client, objs); err != nil {
		t.Fatal(err)
	}
	m := env.RunManager(t, "manager", append([]string{reportAPI}, args...)...)
	if err := m.WaitReady(t.Context()); err != nil {
		t.Fatal(err)
	}
	agrees(t, ns, offline(t, objs))
	return ns, objs, m
}

// discard deletes ns's org when t ends (deleteOrg).
func discard(t testing.TB, ns string) {
	t.Cleanup(func() {
		if err := deleteOrg(context.Background(), ns); err != nil {
			t.Error(err)
		}
	})
}

// deleteOrg deletes the orgplane objects and policy reports of ns (envtest
// runs no namespace controller to delete a namespace), so that the
// managers of later scenarios do not carry them.
func deleteOrg(ctx context.Context, ns string) error {
	for _, k := range orgv1.Kinds {
		if err := env.Client.DeleteAllOf(ctx, k.New(), client.InNamespace(ns)); err != nil {
			return fmt.Errorf("deleting the %ss of %s: %w", k.Kind, ns, err)
		}
	}
	if err := env.Client.DeleteAllOf(ctx, &v1alpha2.PolicyReport{}, client.InNamespace(ns)); err != nil {
		return fmt.Errorf("deleting the policy reports of %s: %w", ns, err)
	}
	return nil
}

// create creates objs through c with a few clients at once.
func create(ctx context.Context, c client.Client, objs []orgv1.Object) error {
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for w := range errs {
		wg.Go(func() {
			for i := w; i < len(objs); i += len(errs) {
				if err := c.Create(ctx, objs[i]); err != nil && errs[w] == nil {
					errs[w] = fmt.Errorf("creating %s: %w", key(objs[i]), err)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func key(o client.Object) string {
	kind, _ := orgv1.KindOf(o)
	return string(kind) + "/" + o.GetName()
}

// findings are an org's violations, by object ("Kind/name"), each
// "severity enforcement policy/rule message", sorted; objects without any
// are absent.
type findings map[string][]string

func addFinding(f findings, key string, v orgv1.Violation) {
	f[key] = append(f[key], fmt.Sprintf("%s %s %s/%s %s", v.Severity, v.Enforcement, v.Policy, v.Rule, v.Message))
}

func (f findings) sort() findings {
	for _, l := range f {
		slices.Sort(l)
	}
	return f
}

// offline is what `kubectl org check` finds in objs: they are written as
// manifests, read back by its reader and judged by its engine
// (internal/check), now.
func offline(t testing.TB, objs []orgv1.Object) findings {
	t.Helper()
	var buf bytes.Buffer
	if err := orggen.WriteYAML(&buf, objs, true); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "org.yaml")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Load([]string{file}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := check.Evaluate(set, engine, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := findings{}
	for _, f := range res.Findings() {
		addFinding(out, string(f.Object.Kind)+"/"+f.Object.Name, f.Violation)
	}
	return out.sort()
}

// live is what the controller wrote into the status of ns's objects; it
// fails while an object's status is behind its generation, or lists fewer
// violations than it counts (the comparison needs them all).
func live(ctx context.Context, c client.Reader, ns string) (findings, error) {
	objs, err := testenv.List(ctx, c, ns)
	if err != nil {
		return nil, err
	}
	out := findings{}
	for _, o := range objs {
		st := o.CommonStatus()
		if st.ObservedGeneration != o.GetGeneration() || meta.FindStatusCondition(st.Conditions, orgv1.ConditionReady) == nil {
			return nil, fmt.Errorf("%s: status.observedGeneration %d, not yet generation %d with a Ready condition", key(o), st.ObservedGeneration, o.GetGeneration())
		}
		j, ok := o.(orgv1.Judged)
		if !ok {
			continue
		}
		if js := j.Judgement(); int(js.ViolationCount) != len(js.Violations) {
			return nil, fmt.Errorf("%s: %d violations, %d listed", key(o), js.ViolationCount, len(js.Violations))
		}
		for _, v := range j.Judgement().Violations {
			addFinding(out, key(o), v)
		}
	}
	return out.sort(), nil
}

// agrees waits until the controller's status of ns equals want, and
// returns how long that took; on time out it fails t with the difference.
func agrees(t testing.TB, ns string, want findings) time.Duration {
	t.Helper()
	start := time.Now()
	var got findings
	var err error
	if settle(t, ns, func() bool {
		got, err = live(t.Context(), env.Client, ns)
		return err == nil && cmp.Equal(want, got)
	}) {
		return time.Since(start)
	}
	if err != nil {
		t.Fatalf("status of %s never settled within %s: %v", ns, converge, err)
	}
	t.Fatalf("status of %s never agreed with the engine within %s (-engine +status):\n%s", ns, converge, cmp.Diff(want, got))
	return 0
}

// settle calls done after each change in ns (to an orgplane object or a
// policy report; at most once a second, the lists being large) until it
// returns true, t has failed (a manager exited, say) or converge has
// passed, and returns its last answer.
func settle(t testing.TB, ns string, done func() bool) bool {
	t.Helper()
	// Its end stops the watches too.
	ctx, cancel := context.WithTimeout(t.Context(), converge)
	defer cancel()
	changed := make(chan struct{}, 1)
	w := newWatcher(t)
	lists := []client.ObjectList{&v1alpha2.PolicyReportList{}}
	for _, k := range orgv1.Kinds {
		lists = append(lists, k.NewList())
	}
	for _, l := range lists {
		ch, err := w.Watch(ctx, l, client.InNamespace(ns))
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer ch.Stop()
			for range ch.ResultChan() {
				select {
				case changed <- struct{}{}:
				default:
				}
			}
		}()
	}
	// A watch that the apiserver ends (it does after some minutes) must
	// not leave settle waiting for nothing: look again now and then.
	again := time.NewTicker(5 * time.Second)
	defer again.Stop()
	for {
		last := time.Now()
		if done() {
			return true
		}
		if t.Failed() {
			return false
		}
		select {
		case <-ctx.Done():
			return done()
		case <-changed:
		case <-again.C:
		}
		time.Sleep(time.Until(last.Add(time.Second))) // a pace, not a wait for anything
	}
}

// snapshot is the whole status of every orgplane object and policy report
// of ns, as JSON by "Kind/name", without what differs between two equal
// runs: times, UIDs, resource versions, and the namespace's name.
func snapshot(ctx context.Context, c client.Reader, ns string) (map[string]string, error) {
	objs, err := testenv.List(ctx, c, ns)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, o := range objs {
		out[key(o)] = scrubbedStatus(o, ns)
	}
	var reports v1alpha2.PolicyReportList
	if err := c.List(ctx, &reports, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	for _, r := range reports.Items {
		body, err := json.Marshal(map[string]any{"labels": r.Labels, "scope": r.Scope, "summary": r.Summary, "results": r.Results})
		if err != nil {
			return nil, err
		}
		out["PolicyReport/"+strings.ReplaceAll(r.Name, ns, "NS")] = scrub(body, ns)
	}
	return out, nil
}

// scrubbedStatus is an object's status, scrubbed.
func scrubbedStatus(o orgv1.Object, ns string) string {
	var m map[string]json.RawMessage
	js, _ := json.Marshal(o) //nolint:errchkjson // an API type always marshals
	_ = json.Unmarshal(js, &m)
	return scrub(m["status"], ns)
}

// scrub drops the fields that differ between equal runs and names the
// namespace NS.
func scrub(js []byte, ns string) string {
	var v any
	_ = json.Unmarshal(js, &v)
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range []string{"lastTransitionTime", "timestamp", "uid", "resourceVersion"} {
				delete(v, k)
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(v)
	out, _ := json.Marshal(v) //nolint:errchkjson // decoded JSON always marshals
	return strings.ReplaceAll(string(out), ns, "NS")
}

// mutator changes specs in ways that change findings: a team's parent or a
// platform's owner, to another team of the org or to one that does not
// exist.
type mutator struct {
	r     *rand.Rand
	teams []string
}

func newMutator(objs []orgv1.Object, seed uint64) *mutator {
	m := &mutator{r: rand.New(rand.NewPCG(seed, 1))}
	for _, o := range objs {
		if _, ok := o.(*orgv1.Team); ok {
			m.teams = append(m.teams, o.GetName())
		}
	}
	return m
}

// mutable are the objects the mutator changes.
func mutable(objs []orgv1.Object) []orgv1.Object {
	var out []orgv1.Object
	for _, o := range objs {
		switch o.(type) {
		case *orgv1.Team, *orgv1.Platform:
			out = append(out, o)
		}
	}
	return out
}

// ref is a team of the org, or one that does not exist once in four.
func (m *mutator) ref() *orgv1.TeamRef {
	if m.r.IntN(4) == 0 {
		return &orgv1.TeamRef{Name: fmt.Sprintf("nobody-%d", m.r.IntN(1000))}
	}
	return &orgv1.TeamRef{Name: m.teams[m.r.IntN(len(m.teams))]}
}

// mutate changes o's spec in place.
func (m *mutator) mutate(o orgv1.Object) {
	switch o := o.(type) {
	case *orgv1.Team:
		if p := m.ref(); p.Name != o.Name {
			o.Spec.ParentRef = p
		}
	case *orgv1.Platform:
		o.Spec.OwnerRef = m.ref()
	}
}

// recordFigures writes body into the section of docs/reliability.md
// between <!-- name:begin --> and <!-- name:end -->, under -chaos.record.
func recordFigures(t testing.TB, name, body string) {
	t.Helper()
	t.Logf("%s:\n%s", name, body)
	if !*record || t.Failed() {
		return
	}
	path := repo.Path("docs", "reliability.md")
	if err := docsection.Rewrite(path, "<!-- "+name+":begin -->", "<!-- "+name+":end -->", body); err != nil {
		t.Fatal(err)
	}
}

func objKey(o client.Object) client.ObjectKey { return client.ObjectKeyFromObject(o) }
