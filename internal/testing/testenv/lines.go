package testenv

import (
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
)

// Lines keeps what a manager logs or a process prints; it is safe for
// concurrent use.
type Lines struct {
	mu  sync.Mutex
	buf strings.Builder
}

// Write appends p, as an io.Writer (a process's output).
func (l *Lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Logger is a logger that writes into l, one line a message, with V(1)
// messages.
func (l *Lines) Logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		_, _ = l.Write([]byte(prefix + " " + args + "\n"))
	}, funcr.Options{Verbosity: 1})
}

func (l *Lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Matching lists the lines that contain s, in any case.
func (l *Lines) Matching(s string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		if strings.Contains(strings.ToLower(line), strings.ToLower(s)) {
			out = append(out, line)
		}
	}
	return out
}

// Last is the last n lines.
func (l *Lines) Last(n int) string {
	lines := strings.Split(strings.TrimRight(l.String(), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
