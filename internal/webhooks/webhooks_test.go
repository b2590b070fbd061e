package webhooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	"github.com/orgplane/orgplane/internal/policy"
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

// TestBorrowedPlaces: admissions that borrow team places from a
// TeamHierarchy over the cache answer as admissions that place every team
// themselves: cycles closed in a chain, a type changed at its top, and
// cycles through the top's missing parent, which only a live lookup finds.
func TestBorrowedPlaces(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := orgv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	const ns, depth = "acme", 30
	objs := []client.Object{
		builders.MakeOrganization("acme", ns).Model(orgv1.ModelHybrid).Obj(),
		builders.MakeGovernancePolicy("gov", ns).Enforcement(orgv1.EnforcementEnforce).Admission(orgv1.AdmissionDeny).Rules(
			builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj(),
			builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj()).Obj(),
		builders.MakeTeam("t0", ns).Type(orgv1.TeamTypeBusinessUnit).Parent("ghost").Obj(),
	}
	for i := 1; i < depth; i++ {
		objs = append(objs, builders.MakeTeam(fmt.Sprintf("t%d", i), ns).Parent(fmt.Sprintf("t%d", i-1)).Obj())
	}
	reader := func(objs ...client.Object) client.Client {
		b := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...)
		if err := cachegraph.SetupIndexes(context.Background(), indexer{b}); err != nil {
			t.Fatal(err)
		}
		return b.Build()
	}
	cache := reader(objs...)
	// The live reader also holds the parent that t0 names, which the cache
	// has not heard of yet, under a team "new" that the cases create.
	live := reader(append(slices.Clone(objs), builders.MakeTeam("ghost", ns).Type(orgv1.TeamTypeCenterOfExcellence).Parent("new").Obj())...)
	places := &teamPlaces{}
	places.ready.Store(policy.NewTeamHierarchy())
	fresh := &admitter{cache: cache, live: cache, engine: newEngine(t), now: func() time.Time { return now }}
	borrowing := &admitter{cache: cache, live: cache, engine: fresh.engine, now: fresh.now, teams: places}
	freshLive, borrowingLive := *fresh, *borrowing
	freshLive.live, borrowingLive.live = live, live

	team := func(name, parent string, typ orgv1.TeamType) *orgv1.Team {
		return builders.MakeTeam(name, ns).Parent(parent).Type(typ).Obj()
	}
	stored := func(name string) orgv1.Object {
		for _, o := range objs {
			if _, ok := o.(*orgv1.Team); ok && o.GetName() == name {
				return o.(orgv1.Object)
			}
		}
		return nil
	}
	cases := []struct {
		name        string
		obj         *orgv1.Team
		fresh, with *admitter
	}{
		{"a team in the middle put under the bottom: a cycle", team("t10", fmt.Sprintf("t%d", depth-1), ""), fresh, borrowing},
		{"the top put under the bottom: a cycle of the chain", team("t0", fmt.Sprintf("t%d", depth-1), orgv1.TeamTypeBusinessUnit), fresh, borrowing},
		{"the top no longer a BusinessUnit", team("t0", "ghost", orgv1.TeamTypePracticeCenter), fresh, borrowing},
		{"a team created at the bottom, parent of the top's parent found live: a cycle", team("new", fmt.Sprintf("t%d", depth-1), ""), &freshLive, &borrowingLive},
		{"a team created halfway, parent of the top's parent found live: a cycle", team("new", "t5", ""), &freshLive, &borrowingLive},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Twice: the first admission fills the hierarchy, the second
			// borrows what it filled.
			for range 2 {
				want, wantErr := tc.fresh.admit(context.Background(), orgv1.KindTeam, tc.obj, stored(tc.obj.Name))
				got, gotErr := tc.with.admit(context.Background(), orgv1.KindTeam, tc.obj, stored(tc.obj.Name))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("warnings (-fresh +borrowing):\n%s", diff)
				}
				if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
					t.Errorf("denial: borrowing %v, fresh %v", gotErr, wantErr)
				}
				if len(want) == 0 && wantErr == nil {
					t.Error("no finding: the case tests nothing")
				}
			}
		})
	}
}
