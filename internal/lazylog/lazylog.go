// Package lazylog defers a logger's values until it logs. zapr encodes the
// values of each WithValues call at once, into a buffer it then drops:
// controller-runtime makes a logger with the request's name, namespace and
// reconcile ID for every reconcile, which cost a cold start of 10,000
// objects about 10 kB of garbage per reconcile, though a reconcile at the
// default level logs nothing.
package lazylog

import (
	"slices"

	"github.com/go-logr/logr"
)

// New returns l, with its values kept until a line is logged.
func New(l logr.Logger) logr.Logger {
	sink := l.GetSink()
	if sink == nil {
		return l
	}
	// Info and Error below add a frame between the caller and sink.
	if cd, ok := sink.(logr.CallDepthLogSink); ok {
		sink = cd.WithCallDepth(1)
	}
	return logr.New(lazy{sink: sink})
}

// lazy is a LogSink whose values wait for a line to go with.
type lazy struct {
	sink   logr.LogSink
	values []any
}

var _ logr.CallDepthLogSink = lazy{}

// Init is a no-op: the sink was initialized by the logger New was given.
func (lazy) Init(logr.RuntimeInfo) {}

func (l lazy) Enabled(level int) bool { return l.sink.Enabled(level) }

func (l lazy) Info(level int, msg string, keysAndValues ...any) {
	l.bound().Info(level, msg, keysAndValues...)
}

func (l lazy) Error(err error, msg string, keysAndValues ...any) {
	l.bound().Error(err, msg, keysAndValues...)
}

func (l lazy) WithValues(keysAndValues ...any) logr.LogSink {
	// A new slice: loggers derived from one another must not share appends.
	return lazy{sink: l.sink, values: slices.Concat(l.values, keysAndValues)}
}

func (l lazy) WithName(name string) logr.LogSink {
	return lazy{sink: l.sink.WithName(name), values: l.values}
}

func (l lazy) WithCallDepth(depth int) logr.LogSink {
	if cd, ok := l.sink.(logr.CallDepthLogSink); ok {
		return lazy{sink: cd.WithCallDepth(depth), values: l.values}
	}
	return l
}

// bound is the sink with the values kept so far.
func (l lazy) bound() logr.LogSink {
	if len(l.values) == 0 {
		return l.sink
	}
	return l.sink.WithValues(l.values...)
}
