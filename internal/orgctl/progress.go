package orgctl

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress keeps one status line on a terminal's stderr, rewritten in place
// with \r, so that a long run (a large directory, -A on a big cluster)
// shows what it is doing. A goroutine draws the latest status, so that one
// long step (the engine judging a big namespace) shows too. The line appears
// only once a run has lasted delay, so quick runs never flicker, and is
// erased at the end. A nil progress does nothing: there is none when stderr
// is not a terminal, so CI logs and pipes never see it.
type progress struct {
	w               io.Writer
	delay, interval time.Duration

	once   sync.Once
	mu     sync.Mutex
	status string
	drawn  string
	quit   chan struct{}
	exited chan struct{}
}

func startProgress(w io.Writer) *progress {
	if !isTerminal(w) {
		return nil
	}
	return newProgress(w, 300*time.Millisecond, 100*time.Millisecond)
}

func newProgress(w io.Writer, delay, interval time.Duration) *progress {
	p := &progress{w: w, delay: delay, interval: interval, quit: make(chan struct{}), exited: make(chan struct{})}
	go p.run()
	return p
}

func (p *progress) run() {
	defer close(p.exited)
	select {
	case <-p.quit:
		return
	case <-time.After(p.delay):
	}
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	for {
		p.mu.Lock()
		if p.status != p.drawn {
			fmt.Fprint(p.w, "\r\x1b[K"+p.status)
			p.drawn = p.status
		}
		p.mu.Unlock()
		select {
		case <-p.quit:
			return
		case <-tick.C:
		}
	}
}

// set replaces the status.
func (p *progress) set(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.status = fmt.Sprintf(format, args...)
	p.mu.Unlock()
}

// stop erases the line, before the command writes its output; once
// stopped, it stays stopped.
func (p *progress) stop() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		close(p.quit)
		<-p.exited
		if p.drawn != "" {
			fmt.Fprint(p.w, "\r\x1b[K")
		}
	})
}
