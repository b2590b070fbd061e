package controllers

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
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

// teamChanged tells the shared hierarchy of a team's change (before and
// after are nil on a creation and a deletion); any other object's change
// moves no team. The fan-out calls it before delivering the change: the
// evaluations it then causes see the hierarchy without what the change
// moved, and one already under way, which may have read it before, is
// among them.
func teamChanged(h *policy.TeamHierarchy, before, after client.Object) {
	o := after
	if o == nil {
		o = before
	}
	if _, ok := o.(*orgv1.Team); !ok {
		return
	}
	now, _ := after.(*orgv1.Team)
	h.TeamChanged(o.GetNamespace(), o.GetName(), now)
}
