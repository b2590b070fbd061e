package controllers

import "sync"

// echoes are the status writes whose own update events have not reached
// the reconcilers yet. Such an event (the write's echo) tells a reconciler
// nothing it does not know: judging the object again only confirmed the
// write, and in a cold start those confirmations queued behind every first
// evaluation and then ran all at once (about 3,000 in one second at 10,000
// objects, the manager's largest burst of garbage). So an echo is dropped
// before it is enqueued. Every other update passes: another writer's has a
// resourceVersion of its own. A patch that conflicts asks for a retry
// itself, since the newer version it waits for may be such an echo.
type echoes struct {
	mu sync.Mutex
	rv map[objectID]string
}

func newEchoes() *echoes { return &echoes{rv: map[objectID]string{}} }

// wrote records a status write that left the object at resourceVersion rv.
func (e *echoes) wrote(id objectID, rv string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rv[id] = rv
}

// echo reports whether an update of the object to resourceVersion rv is
// the echo of its last recorded write, which it then forgets. An update
// from before that write may still arrive first; it is no echo, and the
// write stays recorded.
func (e *echoes) echo(id objectID, rv string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if want, ok := e.rv[id]; ok && want == rv {
		delete(e.rv, id)
		return true
	}
	return false
}

// forget drops what is recorded of a deleted object.
func (e *echoes) forget(id objectID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.rv, id)
}
