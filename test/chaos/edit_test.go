package chaos

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// edit runs workers that change specs until d has passed: each owns every
// workers-th object of objs, which no other worker touches (change writes
// into the object it is given), and calls change on them in turn, one
// object at a time, at most once per interval (as fast as it can when 0). change keeps
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
			var mine []orgv1.Object
			for i := w; i < len(objs); i += workers {
				mine = append(mine, objs[i])
			}
			if len(mine) == 0 {
				return
			}
			for i := 0; ; i++ {
				if tick != nil {
					select {
					case <-stop.Done():
						return
					case <-tick:
					}
				} else if stop.Err() != nil {
					return
				}
				if err := change(ctx, mine[i%len(mine)]); err != nil {
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
