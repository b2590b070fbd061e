// Package api_test checks the CRDs in a real kube-apiserver: what they accept,
// what they reject and with which message, and what they default.
package api_test

import (
	"context"
	"testing"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var (
	env *testenv.Env
	ctx = context.Background()
)

func TestMain(m *testing.M) { testenv.Main(m, &env) }
