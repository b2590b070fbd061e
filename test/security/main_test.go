// Package security holds the security review of docs/security.md to what
// ships: the manager's RBAC has no wildcard and every permission is
// explained, its Deployment passes the apiserver's own Pod Security
// admission at the restricted level, and with --watch-namespaces and the
// namespaced RBAC of config/namespaced it reads nothing outside the watched
// namespaces.
package security

import (
	"testing"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { testenv.Main(m, &env) }
