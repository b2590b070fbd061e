// Package e2e drives the controller the way users and GitOps tools do: with
// kubectl against a real kube-apiserver, the manager running in-process with
// its real indexes and reconcilers.
package e2e

import (
	"testing"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.WithManager()) }
