package lazylog

import (
	"errors"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/google/go-cmp/cmp"
)

func TestLazyLoggerLogsWhatAnEagerOneDoes(t *testing.T) {
	var lines []string
	base := funcr.New(func(prefix, args string) { lines = append(lines, prefix+" "+args) },
		funcr.Options{Verbosity: 1, LogCaller: funcr.All})
	use := func(l logr.Logger) {
		parent := l.WithName("ctrl").WithValues("controller", "team")
		a := parent.WithValues("name", "a")
		b := parent.WithValues("name", "b") // must not see a's values
		a.Info("reconciled", "writes", 1)
		b.V(1).Info("verbose")
		b.V(2).Info("never")
		a.WithName("sub").Error(errors.New("boom"), "failed")
		logr.Logger{}.Info("discarded")
	}

	use(base)
	eager := lines
	lines = nil
	use(New(base))
	if diff := cmp.Diff(eager, lines); diff != "" {
		t.Errorf("the lazy logger's lines differ from the eager one's (-eager +lazy):\n%s", diff)
	}
	if len(eager) != 3 {
		t.Errorf("%d lines, want 3: %q", len(eager), eager)
	}
}
