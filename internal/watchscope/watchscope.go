// Package watchscope confines the manager to the namespaces that
// --watch-namespaces lists, for clusters where orgplane may not read every
// namespace (the namespaced RBAC of config/namespaced): its cache watches
// only those namespaces, and its client answers a read in any other
// namespace as not found, without asking the apiserver (whose RBAC would
// refuse it). A reference into another namespace is then reported as
// unresolvable because it lies outside them (Watches; policy.Scoped).
package watchscope

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Parse reads the comma-separated namespaces of --watch-namespaces, sorted
// and without repeats; an empty list means every namespace (nil).
func Parse(list string) ([]string, error) {
	var out []string
	for _, ns := range strings.Split(list, ",") {
		ns = strings.TrimSpace(ns)
		if ns == "" {
			continue
		}
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return nil, fmt.Errorf("--watch-namespaces: %q is not a namespace name: %s", ns, strings.Join(errs, "; "))
		}
		out = append(out, ns)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Options scopes the manager's cache (opts) and client to namespaces;
// without namespaces it changes nothing. Set the results as ctrl.Options'
// Cache and NewClient.
func Options(opts cache.Options, namespaces []string) (cache.Options, client.NewClientFunc) {
	if len(namespaces) == 0 {
		return opts, nil
	}
	opts.DefaultNamespaces = map[string]cache.Config{}
	for _, ns := range namespaces {
		opts.DefaultNamespaces[ns] = cache.Config{}
	}
	return opts, func(cfg *rest.Config, o client.Options) (client.Client, error) {
		c, err := client.New(cfg, o)
		if err != nil {
			return nil, err
		}
		return Client(c, namespaces), nil
	}
}

// Client is c, whose reads in a namespace outside namespaces find nothing.
func Client(c client.Client, namespaces []string) client.Client {
	return &scopedClient{Client: c, reader: scopedReader{c, namespaces}}
}

// Reader is r, whose reads in a namespace outside namespaces find nothing;
// without namespaces, r itself.
func Reader(r client.Reader, namespaces []string) client.Reader {
	if len(namespaces) == 0 {
		return r
	}
	return scopedReader{r, namespaces}
}

// Watches reports whether r reads namespace's objects: always, unless r is
// a Client or Reader of this package confined to other namespaces. It lets
// what reads through r (cachegraph) tell a reference outside the watched
// namespaces from one that is not found.
func Watches(r client.Reader, namespace string) bool {
	switch s := r.(type) {
	case *scopedClient:
		return !s.reader.outside(namespace)
	case scopedReader:
		return !s.outside(namespace)
	}
	return true
}

type scopedClient struct {
	client.Client
	reader scopedReader
}

func (s *scopedClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	return s.reader.Get(ctx, key, obj, opts...)
}

func (s *scopedClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	return s.reader.List(ctx, list, opts...)
}

type scopedReader struct {
	client.Reader
	namespaces []string
}

func (s scopedReader) outside(ns string) bool {
	return ns != "" && !slices.Contains(s.namespaces, ns)
}

func (s scopedReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if s.outside(key.Namespace) {
		return apierrors.NewNotFound(schema.GroupResource{}, key.String())
	}
	return s.Reader.Get(ctx, key, obj, opts...)
}

func (s scopedReader) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	var o client.ListOptions
	o.ApplyOptions(opts)
	if s.outside(o.Namespace) {
		return meta.SetList(list, nil)
	}
	return s.Reader.List(ctx, list, opts...)
}
