package controllers

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/orgplane/orgplane/internal/policy"
)

// NewGraph returns the policy.Graph the reconcilers evaluate over, reading
// from r: the manager's cache, with the field index SetupIndexes registers.
// The Graph interface has no errors, so err returns the first read error,
// to check once the evaluation is done. The admission webhook evaluates
// incoming objects over it, exactly as the reconcilers will.
func NewGraph(ctx context.Context, r client.Reader) (g policy.Graph, err func() error) {
	cg := newCacheGraph(ctx, r)
	return cg, func() error { return cg.err }
}
