package orgctl

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/orgchart"
	"github.com/orgplane/orgplane/internal/policy"
)

// pageSize bounds each list call, so that -A on a big cluster neither
// holds the apiserver to one huge response nor shows no progress.
const pageSize = 500

// readCluster reads every orgplane object, with the status the controller
// wrote, of the namespace of -n (or the kubeconfig's) or, with all, of every
// namespace. It returns them as a graph and the scope read, for reports.
func readCluster(ctx context.Context, kube *genericclioptions.ConfigFlags, all bool, prog *progress) (*policy.MemoryGraph, string, error) {
	fail := func(err error) (*policy.MemoryGraph, string, error) {
		return nil, "", &exitError{code: ExitError, err: fmt.Errorf("error: %w", err)}
	}
	cfg, err := kube.ToRESTConfig()
	if err != nil {
		return fail(err)
	}
	ns, scope := "", "all namespaces"
	if !all {
		if ns, _, err = kube.ToRawKubeConfigLoader().Namespace(); err != nil {
			return fail(err)
		}
		scope = "namespace " + ns
	}
	scheme := runtime.NewScheme()
	if err := orgv1.AddToScheme(scheme); err != nil {
		return fail(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return fail(err)
	}
	var objs []metav1.Object
	for _, k := range orgv1.Kinds {
		for cont := ""; ; {
			// A fresh list per page: the objects of the last page are kept.
			l := k.NewList()
			opts := []client.ListOption{client.Limit(pageSize), client.Continue(cont)}
			if ns != "" {
				opts = append(opts, client.InNamespace(ns))
			}
			if err := c.List(ctx, l, opts...); err != nil {
				if meta.IsNoMatchError(err) {
					err = fmt.Errorf("the orgplane CRDs (org.orgplane.io) are not installed in this cluster: %w", err)
				}
				return fail(err)
			}
			items, err := meta.ExtractList(l)
			if err != nil {
				return fail(err)
			}
			for _, it := range items {
				objs = append(objs, it.(metav1.Object))
			}
			prog.set("reading %s: %d orgplane objects", scope, len(objs))
			if cont = l.GetContinue(); cont == "" {
				break
			}
		}
	}
	g, err := policy.NewMemoryGraph(objs...)
	if err != nil {
		return fail(err)
	}
	return g, scope, nil
}

// statusViolations counts an object's violations from the status the
// controller wrote.
func statusViolations(g policy.Graph) func(policy.ObjectRef) int {
	count := func(o orgv1.Judged) int {
		j := o.Judgement()
		return max(int(j.ViolationCount), len(j.Violations))
	}
	return func(r policy.ObjectRef) int {
		switch r.Kind {
		case orgv1.KindTeam:
			if t := g.Team(r.Namespace, r.Name); t != nil {
				return count(t)
			}
		case orgv1.KindPlatform:
			if p := g.Platform(r.Namespace, r.Name); p != nil {
				return count(p)
			}
		case orgv1.KindSteeringCommittee:
			if c := g.SteeringCommittee(r.Namespace, r.Name); c != nil {
				return count(c)
			}
		case orgv1.KindOrganization:
			for _, o := range g.Organizations(r.Namespace) {
				if o.Name == r.Name {
					return count(o)
				}
			}
		}
		return 0
	}
}

// statusMartechTeams reads the martech teams off the status the controller
// wrote on the Organizations: status.martechTeam names a team of the
// organization's namespace, or "namespace/name".
func statusMartechTeams(g policy.Graph) orgchart.MartechTeams {
	out := orgchart.MartechTeams{}
	for _, ns := range g.Namespaces() {
		for _, o := range g.Organizations(ns) {
			if o.Status.MartechTeam == "" {
				continue
			}
			tns, name, found := strings.Cut(o.Status.MartechTeam, "/")
			if !found {
				tns, name = ns, o.Status.MartechTeam
			}
			out[policy.ObjectRef{Kind: orgv1.KindTeam, Namespace: tns, Name: name}] = o.Status.InferredMartechModel
		}
	}
	return out
}
