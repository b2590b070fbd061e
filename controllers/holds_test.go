package controllers

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// newTestHolds returns holds whose releases arrive on the channel.
func newTestHolds(quiet, patience time.Duration) (*holds, chan []policy.ObjectRef) {
	released := make(chan []policy.ObjectRef, 10)
	h := newHolds(quiet, patience)
	h.release = func(imp policy.Impact) {
		refs := slices.Clone(imp.Objects)
		slices.SortFunc(refs, func(a, b policy.ObjectRef) int { return strings.Compare(a.String(), b.String()) })
		released <- refs
	}
	return h, released
}

func awaitRelease(t *testing.T, ch chan []policy.ObjectRef) []policy.ObjectRef {
	t.Helper()
	select {
	case refs := <-ch:
		return refs
	case <-time.After(30 * time.Second):
		t.Fatal("nothing was released")
		return nil
	}
}

func teamRef(ns, name string) policy.ObjectRef {
	return policy.ObjectRef{Kind: orgv1.KindTeam, Namespace: ns, Name: name}
}

func TestHolds(t *testing.T) {
	x, y := teamRef("a", "x"), teamRef("a", "y")

	t.Run("a namespace without changes holds nothing", func(t *testing.T) {
		h, _ := newTestHolds(time.Hour, time.Hour)
		h.changed("b")
		if h.holding("a") || h.hold(x) {
			t.Error("held an object of a namespace that has not changed")
		}
		if !h.holding("b") {
			t.Error("a namespace that just changed is not holding")
		}
	})

	t.Run("a changing namespace holds until it settles, then releases each held object once", func(t *testing.T) {
		h, ch := newTestHolds(20*time.Millisecond, time.Hour)
		h.changed("a")
		for _, r := range []policy.ObjectRef{x, y, x} {
			if !h.hold(r) {
				t.Fatalf("%v was not held in a namespace that just changed", r)
			}
		}
		if diff := cmp.Diff([]policy.ObjectRef{x, y}, awaitRelease(t, ch)); diff != "" {
			t.Errorf("released (-want +got):\n%s", diff)
		}
		time.Sleep(100 * time.Millisecond) // any late timer has fired
		if len(ch) != 0 {
			t.Errorf("released again: %v", <-ch)
		}
		// Settled: the next change holds again.
		h.changed("a")
		if !h.hold(y) {
			t.Error("a new change of a settled namespace holds nothing")
		}
		if diff := cmp.Diff([]policy.ObjectRef{y}, awaitRelease(t, ch)); diff != "" {
			t.Errorf("released after the second change (-want +got):\n%s", diff)
		}
	})

	t.Run("a namespace that never settles releases after patience, then holds nothing", func(t *testing.T) {
		h, ch := newTestHolds(time.Hour, 20*time.Millisecond)
		h.changed("a")
		if !h.hold(x) {
			t.Fatal("not held")
		}
		if diff := cmp.Diff([]policy.ObjectRef{x}, awaitRelease(t, ch)); diff != "" {
			t.Errorf("released (-want +got):\n%s", diff)
		}
		h.changed("a")
		if h.holding("a") || h.hold(x) || h.hold(y) {
			t.Error("held objects after patience ran out, before the namespace settled")
		}
	})
}
