package webhooks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/watchscope"
)

func TestCapWarnings(t *testing.T) {
	if got := capWarnings(nil); got != nil {
		t.Errorf("capWarnings(nil) = %q, want nil", got)
	}
	var ws []string
	for i := range 25 {
		ws = append(ws, fmt.Sprintf("warning %d", i))
	}
	got := capWarnings(ws)
	if len(got) != MaxWarnings+1 || got[MaxWarnings-1] != "warning 9" {
		t.Fatalf("capWarnings(25 warnings) = %q", got)
	}
	if last := got[MaxWarnings]; !strings.HasPrefix(last, "... and 15 more finding(s)") {
		t.Errorf("last warning %q does not count the 15 left out", last)
	}
	if got := capWarnings(ws[:MaxWarnings]); len(got) != MaxWarnings {
		t.Errorf("capWarnings(%d warnings) = %d warnings, want them all and no count", MaxWarnings, len(got))
	}
}

func TestClean(t *testing.T) {
	if got := clean("a\nb\tc\x00d"); got != "a b c d" {
		t.Errorf("clean = %q", got)
	}
	long := strings.Repeat("é", 1000)
	got := clean(long)
	if n := utf8.RuneCountInString(got); n != MaxWarningRunes || !strings.HasSuffix(got, "…") {
		t.Errorf("clean(1000 runes) has %d runes (%q...), want %d ending in …", n, got[:10], MaxWarningRunes)
	}
	if got := clean(`team "Équipe": ok`); got != `team "Équipe": ok` {
		t.Errorf("clean changed a clean Unicode warning: %q", got)
	}
}

func TestDenial(t *testing.T) {
	v := func(p, msg string) orgv1.Violation {
		return orgv1.Violation{Policy: p, Rule: "r", Severity: orgv1.SeverityHigh, Enforcement: orgv1.EnforcementEnforce, Message: msg}
	}
	err := denial([]orgv1.Violation{v("a", "platform \"x\": one"), v("b", "platform \"x\": two"), v("a", "platform \"x\": three")})
	want := `3 violation(s) of GovernancePolicy "a", "b" (enforcement: Enforce, admission: Deny): ` +
		`platform "x": one (a/r, High, Enforce); platform "x": two (b/r, High, Enforce); platform "x": three (a/r, High, Enforce)`
	if err.Error() != want {
		t.Errorf("denial:\n got %s\nwant %s", err, want)
	}
	var many []orgv1.Violation
	for i := range 13 {
		many = append(many, v("a", fmt.Sprint(i)))
	}
	if msg := denial(many).Error(); !strings.HasSuffix(msg, "; and 3 more") || strings.Contains(msg, "(a/r, High, Enforce); 10 ") {
		t.Errorf("denial of 13 does not list 10 and count 3: %s", msg)
	}
}

func TestDenying(t *testing.T) {
	gp := func(name string, e orgv1.Enforcement, a orgv1.AdmissionAction) *orgv1.GovernancePolicy {
		return builders.MakeGovernancePolicy(name, "").Enforcement(e).Admission(a).Obj()
	}
	got := denying([]*orgv1.GovernancePolicy{
		gp("enforce-deny", orgv1.EnforcementEnforce, orgv1.AdmissionDeny),
		gp("enforce-warn", orgv1.EnforcementEnforce, orgv1.AdmissionWarn),
		gp("enforce-default", orgv1.EnforcementEnforce, ""),
		gp("audit-deny", orgv1.EnforcementAudit, orgv1.AdmissionDeny),
		gp("default-deny", "", orgv1.AdmissionDeny),
		nil,
	})
	if len(got) != 1 || !got["enforce-deny"] {
		t.Errorf("denying = %v, want only enforce-deny", got)
	}
}

// failingReader fails every read, as a cache that cannot sync would.
type failingReader struct{}

func (failingReader) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return errors.New("cache unavailable")
}

func (failingReader) List(context.Context, client.ObjectList, ...client.ListOption) error {
	return errors.New("cache unavailable")
}

// panickingReader panics on every read, as a bug would.
type panickingReader struct{ failingReader }

func (panickingReader) List(context.Context, client.ObjectList, ...client.ListOption) error {
	panic("boom")
}

// TestFailsOpen: when the objects cannot be read, or the evaluation
// panics, the object is admitted with a warning that says it was not
// checked, never denied.
func TestFailsOpen(t *testing.T) {
	p := builders.MakePlatform("analytics", "ns").Owner("bi-team").Obj()
	for name, r := range map[string]client.Reader{"failing": failingReader{}, "panicking": panickingReader{}} {
		a := &admitter{cache: r, live: r, engine: newEngine(t), now: func() time.Time { return now }}
		for _, old := range []orgv1.Object{nil, p} {
			ws, err := a.admit(context.Background(), orgv1.KindPlatform, p, old)
			if err != nil || len(ws) != 1 || !strings.HasPrefix(ws[0], `orgplane could not check platform "analytics": `) {
				t.Errorf("%s reader: admit = %q, %v; want admitted with one warning that it was not checked", name, ws, err)
			}
		}
	}
}

// TestWatchNamespaces: under --watch-namespaces, the webhook's graphs (the
// overlay over the live lookups over the cache's) keep the cache's scope,
// so that a reference outside the watched namespaces is warned as such,
// though it exists there; one missing inside them is not found.
func TestWatchNamespaces(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := orgv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	b := fake.NewClientBuilder().WithScheme(scheme).WithObjects(builders.MakeTeam("secret", "other").Obj())
	if err := cachegraph.SetupIndexes(t.Context(), indexer{b}); err != nil {
		t.Fatal(err)
	}
	c, watched := b.Build(), []string{"acme"}
	a := &admitter{cache: watchscope.Client(c, watched), live: watchscope.Reader(c, watched), engine: newEngine(t), now: func() time.Time { return now }}
	for _, tc := range []struct {
		parent, want string
	}{
		{"other/secret", `team "spy": spec.parentRef: team "other/secret" is in a namespace this controller does not watch (--watch-namespaces), so it cannot be resolved (builtin/integrity, High, Audit)`},
		{"gone", `team "spy": spec.parentRef: team "gone" not found (builtin/integrity, High, Audit)`},
	} {
		ws, err := a.admit(t.Context(), orgv1.KindTeam, builders.MakeTeam("spy", "acme").Parent(tc.parent).Obj(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{tc.want}, []string(ws)); diff != "" {
			t.Errorf("parent %s: warnings (-want +got):\n%s", tc.parent, diff)
		}
	}
}
