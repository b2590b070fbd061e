package controllers

import (
	"context"

	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/policy"
)

// sharedGraph is the graph the reconcilers evaluate over: the informer
// cache, whose evaluations share the controller's TeamHierarchy
// (policy.HierarchyCache). Each team is judged by an evaluation of its own;
// placing it afresh each time would walk its whole parent chain, and
// judging a 20,000-deep chain would take time quadratic in its depth.
type sharedGraph struct {
	*cachegraph.Graph
	teams *policy.TeamHierarchy
}

// TeamHierarchy implements policy.HierarchyCache.
func (g sharedGraph) TeamHierarchy() *policy.TeamHierarchy { return g.teams }

// graph is a sharedGraph for one evaluation under ctx.
func (d *deps) graph(ctx context.Context) sharedGraph {
	return sharedGraph{cachegraph.New(ctx, d.reader), d.teams}
}
