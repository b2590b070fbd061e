// Package hostile feeds orgplane the shapes a careless or hostile script can
// produce (very deep and cyclic hierarchies, bounds exceeded, costly CEL,
// Unicode tricks, YAML bombs, huge payloads, wrong types) twice: through a
// real kube-apiserver, with the admission webhook and the controller
// running, which must reject each with a message naming the field or admit
// it and report it in status; and through `kubectl org check`, which must
// exit 2 naming the file and line, or report the same findings. Nothing may
// crash or hang.
//
// `make test` runs the table at sizes that keep the suite short; `make
// chaos` sets CHAOS=1 for the full sizes (a 20,000-deep chain, a
// 5,000-team cycle) and HOSTILE_REPORT to the file whose hostile section
// the run rewrites (docs/reliability.md).
package hostile

import (
	"testing"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	testenv.Main(m, &env, testenv.WithWebhooks(), testenv.WithManager())
}
