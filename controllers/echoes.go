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
	// writing holds the objects whose status patch is under way, with the
	// resourceVersion of an update that arrived meanwhile: an echo may
	// outrun the patch's response, and then needs no record.
	writing map[objectID]string
}

// written is an object's writes since the version the cache held:
// versions[0] is that version, the others are the writes', oldest first.
// obj is the object as the last write left it, until the cache has it.
type written struct {
	versions []string
	obj      orgv1.Object
}

func newEchoes() *echoes {
	return &echoes{written: map[objectID]*written{}, writing: map[objectID]string{}}
}

// write marks a status patch of the object under way.
func (e *echoes) write(id objectID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.writing[id] = ""
}

// wrote ends the status patch marked by write: it was made from
// resourceVersion from and left the object as obj, which the caller no
// longer changes (it is trimmed as the cache's objects are), or it wrote
// nothing (obj nil).
func (e *echoes) wrote(id objectID, from string, obj orgv1.Object) {
	e.mu.Lock()
	defer e.mu.Unlock()
	early := e.writing[id]
	delete(e.writing, id)
	if obj == nil {
		return
	}
	if early == obj.GetResourceVersion() {
		// The echo came first and went through: the cache holds the write.
		delete(e.written, id)
		return
	}
	_, _ = cachetrim.Transform(obj)
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
// still arrive first; it is no echo, and the writes stay recorded. Any
// other update during a patch is noted for wrote: it may be that patch's
// echo, outrunning the response.
func (e *echoes) echo(id objectID, rv string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.written[id]
	i := -1
	if w != nil {
		i = slices.Index(w.versions, rv)
	}
	switch {
	case i <= 0:
		if _, ok := e.writing[id]; ok {
			e.writing[id] = rv
		}
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
	delete(e.writing, id)
}
