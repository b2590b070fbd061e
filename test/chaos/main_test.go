// Package chaos holds orgplane's reliability scenarios, each against a real
// kube-apiserver and etcd with the manager binary running as a process of
// its own (testenv.RunManager): SIGKILLed while it converges an org, its
// apiserver stopped under it, two replicas electing a leader, a client
// fighting it over the same objects, and a flood of spec changes.
//
// `make test` runs them small; `make chaos` runs them at full size
// (-chaos.full) and writes their figures into docs/reliability.md
// (-chaos.record), each scenario into its own marked section. The tests
// assert correctness only; times, counts and memory are figures.
package chaos

import (
	"flag"
	"testing"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var (
	env    *testenv.Env
	full   = flag.Bool("chaos.full", false, "run every scenario at full size, as make chaos does")
	record = flag.Bool("chaos.record", false, "write the figures into docs/reliability.md")
)

func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.WithCRDs("config/policyreport")) }

// size is small under `make test`, big under -chaos.full.
func size[T any](small, big T) T {
	if *full {
		return big
	}
	return small
}
