package chaos

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCrashConsistency SIGKILLs the manager at random moments while an org
// converges (restarting it each time), and holds the final status of every
// object and policy report to that of an undisturbed run of the same org
// in another namespace, and the violations to what `kubectl org check`
// finds in the same manifests.
func TestCrashConsistency(t *testing.T) {
	ctx := t.Context()
	objects, kills := size(200, 2000), size(3, 12)
	// The longest a run lasts before its kill: the org's creation and a
	// restart's full resync both take longer than this, so every kill
	// lands mid-work.
	maxLife := size(3*time.Second, 6*time.Second)

	// The undisturbed run.
	calm := env.Namespace(t, "calm-")
	discard(t, calm)
	calmObjs := generate(calm, objects)
	want := offline(t, calmObjs)
	m := env.RunManager(t, "undisturbed", reportAPI)
	if err := m.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if err := create(ctx, env.Client, calmObjs); err != nil {
		t.Fatal(err)
	}
	undisturbed := agrees(t, calm, want)
	if err := m.Terminate(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	reference, err := snapshot(ctx, env.Client, calm)
	if err != nil {
		t.Fatal(err)
	}
	// The next runs need not carry it.
	if err := deleteOrg(ctx, calm); err != nil {
		t.Fatal(err)
	}

	// The same org, created while the manager is killed again and again.
	ns := env.Namespace(t, "crash-")
	discard(t, ns)
	objs := generate(ns, objects)
	created := make(chan error, 1)
	go func() { created <- create(ctx, env.Client, objs) }()
	r := rand.New(rand.NewPCG(seed, 4))
	lives := make([]time.Duration, kills)
	for i := range lives {
		m := env.RunManager(t, fmt.Sprintf("run-%d", i), reportAPI)
		lives[i] = time.Duration(r.Int64N(int64(maxLife)))
		select {
		case <-time.After(lives[i]): // the random moment is the point, not a wait
		case <-m.Exited():
			t.Fatalf("manager run-%d exited by itself", i)
		}
		m.Kill()
	}
	if err := <-created; err != nil {
		t.Fatal(err)
	}
	last := env.RunManager(t, "last", reportAPI)
	if err := last.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	recovered := agrees(t, ns, offline(t, objs))
	// Every object's findings agree with check; now the whole status and
	// the reports must equal the undisturbed run's, once they settle.
	var got map[string]string
	settle(t, ns, func() bool {
		got, err = snapshot(ctx, env.Client, ns)
		return err == nil && cmp.Equal(reference, got)
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(reference, got); diff != "" {
		t.Fatalf("status after %d kills differs from the undisturbed run's (-undisturbed +killed):\n%s", kills, diff)
	}
	if len(want) == 0 {
		t.Fatal("the generated org has no findings: the comparison proves little")
	}
	rss, err := last.RSS()
	if err != nil {
		t.Fatal(err)
	}
	var spans []string
	for _, l := range lives {
		spans = append(spans, fmt.Sprintf("%.1f", l.Seconds()))
	}
	recordFigures(t, "crash", fmt.Sprintf(`| Figure | Value |
|---|---|
| Objects (and policy reports) compared | %d |
| Objects with findings | %d |
| SIGKILLs survived | %d |
| Seconds each killed run lived | %v |
| Undisturbed run: agreed with check after | %.1f s |
| Last run: agreed with check after its start | %.1f s |
| Objects and reports whose status differs from the undisturbed run's | 0 |
| Last run's RSS | %d MiB |
`, len(reference), len(want), kills, spans, undisturbed.Seconds(), recovered.Seconds(), rss>>20))
}
