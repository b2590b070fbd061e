package controllers_test

import (
	"context"
	"testing"
	"time"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// The suite runs the real reconcilers, with their real indexes, against a
// real kube-apiserver and etcd; tests read straight from the apiserver.
var (
	env *testenv.Env
	ctx = context.Background()
)

func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.WithManager()) }

const eventually = 10 * time.Second
