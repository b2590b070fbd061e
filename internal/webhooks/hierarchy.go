package webhooks

import (
	"context"
	"sync/atomic"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// teamPlaces keeps the webhooks' own policy.TeamHierarchy over the manager's
// cache, which admissions borrow team places from (policy.HierarchyBase):
// without it, admitting a team under a 20,000-deep chain walked the whole
// chain, and admissions near the bottom ran past their deadline. It is not
// the reconcilers' hierarchy: their fan-out tells theirs of changes on the
// leader only, while every replica serves the webhook. The hierarchy is
// offered once its handler is registered: from then on it hears of every
// change of a team in the cache, so no place it keeps is older than one.
type teamPlaces struct {
	cache cache.Cache
	ready atomic.Pointer[policy.TeamHierarchy]
}

// hierarchy is the TeamHierarchy admissions may borrow from; nil until it
// hears of every change.
func (p *teamPlaces) hierarchy() *policy.TeamHierarchy {
	if p == nil {
		return nil
	}
	return p.ready.Load()
}

// NeedLeaderElection: every replica admits.
func (p *teamPlaces) NeedLeaderElection() bool { return false }

// Start tells the hierarchy of every change of a team, until ctx ends.
func (p *teamPlaces) Start(ctx context.Context) error {
	inf, err := p.cache.GetInformer(ctx, &orgv1.Team{})
	if err != nil {
		return err
	}
	h := policy.NewTeamHierarchy()
	reg, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { h.Changed(nil, team(obj)) },
		UpdateFunc: func(old, obj any) { h.Changed(team(old), team(obj)) },
		DeleteFunc: func(obj any) { h.Changed(team(obj), nil) },
	})
	if err != nil {
		return err
	}
	p.ready.Store(h)
	<-ctx.Done()
	p.ready.Store(nil)
	return inf.RemoveEventHandler(reg)
}

// team is an informer's object as a Team; nil when it is none.
func team(obj any) metav1.Object {
	if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	if t, ok := obj.(*orgv1.Team); ok && t != nil {
		return t
	}
	return nil
}
