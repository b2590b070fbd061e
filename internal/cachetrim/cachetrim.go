// Package cachetrim keeps the manager's informer cache small: what the
// apiserver sends for each object is trimmed, before it is cached, of what
// neither the rules nor the reconcilers read. managedFields (server-side
// apply's bookkeeping) is often as large as the object itself, and kubectl's
// last-applied-configuration annotation is a whole copy of it; every deep
// copy of a cached object would copy both.
package cachetrim

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// LastApplied is the annotation in which client-side `kubectl apply` keeps
// a copy of the applied object. CEL rules see every other annotation.
const LastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Transform trims one object the cache is given: its managedFields, and
// LastApplied (with the annotations then empty, none at all, as a manifest
// without annotations reads). Anything else, such as a cache's tombstone,
// passes unchanged. The object is the informer's own, fresh from a watch or
// list, so it is trimmed in place.
func Transform(obj any) (any, error) {
	o, ok := obj.(metav1.Object)
	if !ok {
		return obj, nil
	}
	o.SetManagedFields(nil)
	if a := o.GetAnnotations(); a != nil {
		if _, found := a[LastApplied]; found {
			delete(a, LastApplied)
			if len(a) == 0 {
				a = nil
			}
			o.SetAnnotations(a)
		}
	}
	return obj, nil
}

// Options are the manager's cache options: Transform on every object.
func Options() cache.Options {
	return cache.Options{DefaultTransform: Transform}
}
