package controllers

import (
	"slices"
	"sync"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/cachetrim"
)

// echoes are the status writes whose own update events have not reached
// the reconcilers yet. Such an event (the write's echo) tells a reconciler
// nothing it does not know: judging the object again only confirmed the
// write, and in a cold start those confirmations queued behind every first
// evaluation and then ran all at once (about 3,000 in one second at 10,000
// objects, the manager's largest burst of garbage). So an echo is dropped
// before it is enqueued. Every other update passes: another writer's has a
// resourceVersion of its own. A patch that conflicts asks for a retry
// itself, since the newer version it waits for may be such an echo.
//
// Until its echo, a write also stands in for the cache's older version
// (latest): a reconcile of the object in between would otherwise judge the
// stale version, find its status out of date and send a patch bound to
// conflict (in a bulk apply of 10,000 objects, 800 of 12,700 status
// patches did, each retried after conflictRetry).
type echoes struct {
	mu      sync.Mutex
	written map[objectID]*written
}

// written is an object's writes since the version the cache held:
// versions[0] is that version, the others are the writes', oldest first.
// obj is the object as the last write left it, until the cache has it.
type written struct {
	versions []string
	obj      orgv1.Object
}

func newEchoes() *echoes { return &echoes{written: map[objectID]*written{}} }

// wrote records a status write made from resourceVersion from that left
// the object as obj, which the caller no longer changes; it is trimmed as
// the cache's objects are.
func (e *echoes) wrote(id objectID, from string, obj orgv1.Object) {
	_, _ = cachetrim.Transform(obj)
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.written[id]
	if w == nil || w.versions[len(w.versions)-1] != from {
		w = &written{versions: []string{from}}
		e.written[id] = w
	}
	w.versions = append(w.versions, obj.GetResourceVersion())
	w.obj = obj
}

// echo reports whether an update of the object to resourceVersion rv is
// the echo of one of its recorded writes. An update from before them may
// still arrive first; it is no echo, and the writes stay recorded.
func (e *echoes) echo(id objectID, rv string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.written[id]
	if w == nil {
		return false
	}
	switch i := slices.Index(w.versions, rv); {
	case i <= 0:
		return false
	case i == len(w.versions)-1:
		delete(e.written, id)
	default:
		w.versions = w.versions[i:]
	}
	return true
}

// latest returns the object as its last write left it when the cache
// holds an older version (cached), and nil when it holds that write or
// another writer's.
func (e *echoes) latest(id objectID, cached string) orgv1.Object {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.written[id]
	if w == nil {
		return nil
	}
	switch i := slices.Index(w.versions, cached); {
	case i < 0: // another writer's: what was recorded is past
		delete(e.written, id)
	case i == len(w.versions)-1: // the cache caught up; the echo may be on its way
		w.obj = nil
	default:
		return w.obj
	}
	return nil
}

// forget drops what is recorded of a deleted object.
func (e *echoes) forget(id objectID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.written, id)
}
