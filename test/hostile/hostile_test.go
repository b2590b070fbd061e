package hostile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/orgctl"
)

// hostileCase is one hostile input: its documents (for a namespace of its
// own) and what each path must make of them.
type hostileCase struct {
	name string
	// docs are the YAML documents, in the order they are applied.
	docs func(ns string) []string
	// rejected, when set, is what the apiserver's refusal must contain:
	// the field at fault (schema, CEL validation or webhook).
	rejected string
	// malformed, when set, is what `kubectl org check` must report with
	// exit 2, at line (of the case's file) when line is not 0; sameAsAPI
	// for rejected, what the apiserver says (check validates against the
	// CRDs with the apiserver's code).
	malformed string
	line      int
	// gap, when set, says why check admits what the apiserver rejects:
	// what only the cluster knows, such as which namespaces exist. Check
	// must then still judge the objects without failing.
	gap string
	// want are the findings (or their absence) that each path which admits
	// the documents must report.
	want []finding
}

// finding is what an object's status (or check's report of it) must show:
// a violation or condition message containing contains, or, when contains
// is empty, no violation at all.
type finding struct {
	kind     orgv1.Kind
	name     string
	contains string
}

func (f finding) String() string {
	if f.contains == "" {
		return fmt.Sprintf("%s/%s clean", f.kind, f.name)
	}
	return fmt.Sprintf("%s/%s: %#q", f.kind, f.name, f.contains)
}

// outcome is what one path made of a case, for the report.
type outcome struct {
	api, check         string
	apiTook, checkTook time.Duration
}

// TestHostile runs every case through the apiserver and through check, in
// parallel (each in a namespace of its own).
func TestHostile(t *testing.T) {
	a := newAPI(t)
	sz := sizesFor(os.Getenv("CHAOS") != "")
	cases := hostileCases(sz)
	outcomes := make([]outcome, len(cases))
	t.Cleanup(func() {
		if path := os.Getenv("HOSTILE_REPORT"); path != "" {
			if err := writeReport(path, sz, cases, outcomes); err != nil {
				t.Error(err)
			}
		}
	})
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// A failure is recorded too: the report tells what was tried.
			t.Cleanup(func() {
				if t.Failed() {
					o := &outcomes[i]
					if o.api == "" {
						o.api = "**failed** (see the test log)"
					} else {
						o.check = "**failed** (see the test log)"
					}
				}
			})
			ns := env.Namespace(t, "hostile-")
			docs := c.docs(ns)
			start := time.Now()
			outcomes[i].api = a.run(t, c, docs)
			outcomes[i].apiTook = time.Since(start)
			start = time.Now()
			outcomes[i].check = runCheck(t, c, filepath.Join(dir, c.name+".yaml"), docs)
			outcomes[i].checkTook = time.Since(start)
		})
	}
}

// api applies documents as `kubectl create --raw` would: the YAML as the
// request body, with strict field validation, so that the apiserver's own
// YAML decoder meets duplicate keys and alias bombs.
type api struct {
	rest rest.Interface
	// warned counts the warnings the webhook returned.
	warned atomic.Int64
}

func newAPI(t *testing.T) *api {
	a := &api{}
	cfg := rest.CopyConfig(env.Config)
	cfg.WarningHandler = warningCounter{&a.warned}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.rest = cs.CoreV1().RESTClient()
	a.waitForWebhook(t)
	return a
}

type warningCounter struct{ n *atomic.Int64 }

func (w warningCounter) HandleWarningHeader(int, string, string) { w.n.Add(1) }

// waitForWebhook waits until the apiserver reaches the webhook (it warns
// about a dangling owner): with failurePolicy Ignore, what is applied
// before that is admitted unjudged.
func (a *api) waitForWebhook(t *testing.T) {
	ns := env.Namespace(t, "hostile-probe-")
	probe := platform(ns, "probe", "ownerRef: {name: nobody}")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		before := a.warned.Load()
		if err := a.post(t, ns, probe, true); err != nil {
			t.Fatal(err)
		}
		if a.warned.Load() > before {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the webhook never answered")
}

var (
	kindRE      = regexp.MustCompile(`(?m)^kind:\s*(\S+)`)
	namespaceRE = regexp.MustCompile(`(?m)^ {2}namespace:\s*(\S+)`)
	nameRE      = regexp.MustCompile(`(?m)^ {2}name:\s*"?([^"\n]*)"?`)
)

// post creates one document; dryRun only judges it.
func (a *api) post(t *testing.T, ns, doc string, dryRun bool) error {
	kind := "Team"
	if m := kindRE.FindStringSubmatch(doc); m != nil {
		kind = m[1]
	}
	if m := namespaceRE.FindStringSubmatch(doc); m != nil {
		ns = m[1]
	}
	mapping, err := env.Client.RESTMapper().RESTMapping(schema.GroupKind{Group: orgv1.GroupVersion.Group, Kind: kind}, orgv1.GroupVersion.Version)
	if err != nil {
		return err
	}
	req := a.rest.Post().AbsPath("/apis", orgv1.GroupVersion.Group, orgv1.GroupVersion.Version, "namespaces", ns, mapping.Resource.Resource).
		Param("fieldValidation", "Strict").SetHeader("Content-Type", "application/yaml").Body([]byte(doc))
	if dryRun {
		req = req.Param("dryRun", "All")
	}
	return req.Do(t.Context()).Error()
}

// run applies the case's documents and checks what the apiserver made of
// them; it returns that outcome for the report.
func (a *api) run(t *testing.T, c hostileCase, docs []string) string {
	t.Helper()
	ns := namespaceOf(docs)
	errs := a.apply(t, ns, docs)
	if c.rejected != "" {
		if len(errs) == 0 {
			t.Fatalf("apiserver: admitted, want a rejection naming %q", c.rejected)
		}
		for _, err := range errs {
			if !strings.Contains(err.Error(), c.rejected) {
				t.Fatalf("apiserver: rejected with %q, want a message naming %q", err, c.rejected)
			}
		}
		return fmt.Sprintf("rejected: %#q", c.rejected)
	}
	if len(errs) > 0 {
		t.Fatalf("apiserver: rejected %d documents, first: %v", len(errs), errs[0])
	}
	for _, f := range c.want {
		waitForFinding(t, ns, f)
	}
	return "admitted; " + describe(c.want)
}

// apply posts the documents in order (a GovernancePolicy only once the
// manager's cache, which the webhook reads, holds it), many of them in
// parallel; it returns the rejections.
func (a *api) apply(t *testing.T, ns string, docs []string) []error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	work := make(chan string)
	workers := 1
	if len(docs) > 50 {
		workers = 8
	}
	for range workers {
		wg.Go(func() {
			for doc := range work {
				if err := a.post(t, ns, doc, false); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				} else if strings.Contains(doc, "\nkind: GovernancePolicy\n") {
					cached(t, ns, doc)
				}
			}
		})
	}
	for _, doc := range docs {
		work <- doc
	}
	close(work)
	wg.Wait()
	return errs
}

// cached waits until the manager's cache holds the GovernancePolicy doc.
func cached(t *testing.T, ns, doc string) {
	key := client.ObjectKey{Namespace: ns, Name: nameRE.FindStringSubmatch(doc)[1]}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if env.Manager.GetCache().Get(t.Context(), key, &orgv1.GovernancePolicy{}) == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("the cache never held GovernancePolicy %s", key)
}

// namespaceOf is the namespace that the first document names.
func namespaceOf(docs []string) string {
	return namespaceRE.FindStringSubmatch(docs[0])[1]
}

// waitForFinding waits until the controller has judged the object's current
// generation and its status shows f.
func waitForFinding(t *testing.T, ns string, f finding) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	var last string
	for time.Now().Before(deadline) {
		msgs, err := statusMessages(t, ns, f)
		switch {
		case err != nil:
			last = err.Error()
		case f.contains == "" && len(msgs.violations) == 0:
			return
		case f.contains != "" && slices.ContainsFunc(append(msgs.violations, msgs.conditions...), func(m string) bool { return strings.Contains(m, f.contains) }):
			return
		default:
			last = fmt.Sprintf("violations %q, conditions %q", msgs.violations, msgs.conditions)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("apiserver: %s/%s never showed %s: %s", f.kind, f.name, f, last)
}

type messages struct{ violations, conditions []string }

// statusMessages reads the object's violation and condition messages, once
// its status has caught up with its generation.
func statusMessages(t *testing.T, ns string, f finding) (messages, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(orgv1.GroupVersion.WithKind(string(f.kind)))
	if err := env.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: f.name}, u); err != nil {
		return messages{}, err
	}
	if g, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); g != u.GetGeneration() {
		return messages{}, fmt.Errorf("status.observedGeneration %d, generation %d", g, u.GetGeneration())
	}
	var m messages
	vs, _, _ := unstructured.NestedSlice(u.Object, "status", "violations")
	for _, v := range vs {
		s, _, _ := unstructured.NestedString(v.(map[string]any), "message")
		m.violations = append(m.violations, s)
	}
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range cs {
		s, _, _ := unstructured.NestedString(c.(map[string]any), "message")
		m.conditions = append(m.conditions, s)
	}
	return m, nil
}

// checkReport is what `kubectl org check -o json` prints.
type checkReport struct {
	Findings []struct {
		Kind, Namespace, Name, Message string
	}
	Summary struct {
		Judged     int
		RuleErrors []string
	}
}

// runCheck writes the documents into file and runs `kubectl org check` on
// it; it returns that outcome for the report.
func runCheck(t *testing.T, c hostileCase, file string, docs []string) string {
	t.Helper()
	if err := os.WriteFile(file, []byte(strings.Join(docs, "---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := orgctl.Run([]string{"check", "-f", file, "-o", "json", "--fail-on", "none"}, strings.NewReader(""), &stdout, &stderr)
	if c.malformed != "" {
		at, want, as := file, c.malformed, ""
		if c.line != 0 {
			at = fmt.Sprintf("%s:%d:", file, c.line) // not line 40 for line 4
		}
		if want == sameAsAPI {
			want, as = c.rejected, ", as the apiserver"
		}
		if code != orgctl.ExitError || !strings.Contains(stderr.String(), at) || !strings.Contains(stderr.String(), want) {
			t.Fatalf("check: exit %d, stderr %q; want exit 2 naming %s and %q", code, trim(stderr.String()), at, want)
		}
		return fmt.Sprintf("exit 2 at line %d%s: %#q", c.line, as, want)
	}
	if code != orgctl.ExitOK {
		t.Fatalf("check: exit %d: %s", code, trim(stderr.String()))
	}
	var rep checkReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("check: %v\n%s", err, trim(stdout.String()))
	}
	if rep.Summary.Judged == 0 {
		t.Fatalf("check judged nothing")
	}
	ns := namespaceOf(docs)
	for _, f := range c.want {
		if msg, ok := rep.shows(ns, f); !ok {
			t.Errorf("check: %s, want %s", msg, f)
		}
	}
	if c.gap != "" {
		if len(c.want) == 0 {
			return "gap: judged, not rejected (" + c.gap + ")"
		}
		return "gap: " + describe(c.want) + " (" + c.gap + ")"
	}
	return describe(c.want)
}

// shows tells whether the report holds f, and otherwise what it holds.
func (r *checkReport) shows(ns string, f finding) (string, bool) {
	var got []string
	for _, x := range r.Findings {
		if string(f.kind) == x.Kind && x.Namespace == ns && x.Name == f.name {
			got = append(got, x.Message)
		}
	}
	if f.kind == orgv1.KindGovernancePolicy {
		for _, e := range r.Summary.RuleErrors {
			if strings.HasPrefix(e, ns+"/"+f.name+": ") {
				got = append(got, e)
			}
		}
	}
	if f.contains == "" {
		return fmt.Sprintf("findings %q", got), len(got) == 0
	}
	return fmt.Sprintf("findings %q", got), slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, f.contains) })
}

func describe(want []finding) string {
	var parts []string
	for _, f := range want {
		parts = append(parts, f.String())
	}
	return strings.Join(parts, "; ")
}

// trim keeps the start of a long output.
func trim(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// The markers of the section this suite owns in docs/reliability.md.
const (
	beginMarker = "<!-- hostile:begin -->"
	endMarker   = "<!-- hostile:end -->"
)

// writeReport rewrites the hostile section of path (appending it when the
// file has none) with the table of cases and outcomes.
func writeReport(path string, sz sizes, cases []hostileCase, outcomes []outcome) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Hostile input\n\n", beginMarker)
	fmt.Fprintf(&b, "Written by `make chaos` (test/hostile; this run: a %d-deep chain, a %d-team cycle, %d teams under one parent). %d cases, each applied to a real kube-apiserver with the admission webhook and the controller running, and checked offline with `kubectl org check`. A case passes when the apiserver rejected it naming the field, or admitted it and the controller reported the finding in status; check exited 2 naming the file and line, or reported the same findings. Check validates each object against the CRDs with the apiserver's own code (schema, CEL rules, metadata), so what the apiserver rejects by schema it rejects with the same field and message. A *gap* is input the apiserver rejects that check judges without rejecting: what only the cluster knows. Times are wall-clock on the shared 2-core machine.\n\n", sz.chain, sz.cycle, sz.fanOut, len(cases))
	failed := 0
	for _, o := range outcomes {
		if strings.Contains(o.api+o.check, "**failed**") {
			failed++
		}
	}
	fmt.Fprintf(&b, "**%d of %d cases passed.**\n\n", len(cases)-failed, len(cases))
	b.WriteString("| # | case | apiserver | time | kubectl org check | time |\n|---|---|---|---|---|---|\n")
	for i, c := range cases {
		o := outcomes[i]
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", i+1, c.name, cell(o.api), o.apiTook.Round(10*time.Millisecond), cell(o.check), o.checkTook.Round(time.Millisecond))
	}
	b.WriteString(endMarker)
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	doc := string(old)
	start, end := strings.Index(doc, beginMarker), strings.Index(doc, endMarker)
	switch {
	case start >= 0 && end > start:
		doc = doc[:start] + b.String() + doc[end+len(endMarker):]
	case doc == "":
		doc = "# Reliability\n\n" + b.String() + "\n"
	default:
		doc = strings.TrimRight(doc, "\n") + "\n\n" + b.String() + "\n"
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

// cell escapes a table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
