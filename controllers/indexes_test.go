package controllers_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// The manager's field indexes (cachegraph.InformerIndexer) keep only the
// keys that look across namespaces, under the names and in the form the
// cache's reader asks for: a reverse lookup through the manager's cache
// finds a referrer in another namespace, and one confined to a namespace
// finds nothing.
func TestInformerIndexerLooksAcrossNamespaces(t *testing.T) {
	g := NewWithT(t)
	top, below := env.Namespace(t, "test-"), env.Namespace(t, "test-")
	head := builders.MakeTeam("head", top).Obj()
	child := builders.MakeTeam("child", below).Parent(top + "/head").Obj()
	g.Expect(env.Client.Create(ctx, head)).To(Succeed())
	g.Expect(env.Client.Create(ctx, child)).To(Succeed())

	headRef := policy.ObjectRef{Kind: orgv1.KindTeam, Namespace: top, Name: "head"}
	want := []policy.ObjectRef{{Kind: orgv1.KindTeam, Namespace: below, Name: "child"}}
	cached := env.Manager.GetCache()
	g.Eventually(func(g Gomega) {
		graph := cachegraph.New(ctx, cached)
		g.Expect(graph.Children(headRef)).To(Equal(want))
		g.Expect(graph.Referrers(orgv1.KindTeam, headRef)).To(Equal(want))
		g.Expect(graph.Err()).NotTo(HaveOccurred())
	}, eventually).Should(Succeed())

	var confined orgv1.TeamList
	g.Expect(cached.List(ctx, &confined, client.InNamespace(below),
		client.MatchingFields{".orgplane.parent": policy.ParentKey(child)})).To(Succeed())
	g.Expect(confined.Items).To(BeEmpty())
}
