package chaos

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// edit runs workers that change specs until d has passed: each owns every
// workers-th object of objs (workers must not outnumber objs), in turn, and calls change on one object at a
// time, at most once per interval (as fast as it can when 0). change keeps
// the object it is given up to date with what it wrote; a change under way
// when d has passed completes, so that each object ends as written. It
// returns the changes made and the first error.
func edit(ctx context.Context, objs []orgv1.Object, workers int, interval, d time.Duration, change func(context.Context, orgv1.Object) error) (int64, error) {
	stop, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var n atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var tick <-chan time.Time
			if interval > 0 {
				t := time.NewTicker(interval)
				defer t.Stop()
				tick = t.C
			}
			for i := w; ; i += workers {
				if tick != nil {
					select {
					case <-stop.Done():
						return
					case <-tick:
					}
				} else if stop.Err() != nil {
					return
				}
				if err := change(ctx, objs[i%len(objs)]); err != nil {
					errs[w] = err
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return n.Load(), err
		}
	}
	return n.Load(), nil
}
