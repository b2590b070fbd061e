package policy

import (
	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Graph is a read-only view of the orgplane objects, across namespaces, that
// the engine judges. The controller implements it over its informer cache
// (with field indexes), the kubectl plugin and the benchmarks over manifests
// in memory (NewMemoryGraph). Implementations return objects sorted by name;
// the engine never mutates them, so they may be the stored objects
// themselves. The lookups of one object and the reverse lookups must cost
// about the same whatever the number of objects (a map, an index): judging
// one object uses nothing else, so that its cost does not grow with the
// organization; only a whole namespace's evaluation lists a kind.
type Graph interface {
	// Namespaces lists the namespaces that hold at least one object, sorted.
	Namespaces() []string

	Organizations(namespace string) []*orgv1.Organization
	Teams(namespace string) []*orgv1.Team
	Platforms(namespace string) []*orgv1.Platform
	SteeringCommittees(namespace string) []*orgv1.SteeringCommittee
	ResponsibilityMatrices(namespace string) []*orgv1.ResponsibilityMatrix
	GovernancePolicies(namespace string) []*orgv1.GovernancePolicy

	// The lookups of one object return nil when it does not exist.
	Organization(namespace, name string) *orgv1.Organization
	Team(namespace, name string) *orgv1.Team
	Platform(namespace, name string) *orgv1.Platform
	SteeringCommittee(namespace, name string) *orgv1.SteeringCommittee
	ResponsibilityMatrix(namespace, name string) *orgv1.ResponsibilityMatrix

	// MatricesFor lists the ResponsibilityMatrices whose platformRef resolves
	// to the given platform, in any namespace.
	MatricesFor(namespace, name string) []*orgv1.ResponsibilityMatrix
	// PlatformsGovernedBy lists the Platforms whose steeringCommitteeRef
	// resolves to the given committee, in any namespace.
	PlatformsGovernedBy(namespace, name string) []*orgv1.Platform
	// PlatformsReferencing lists the Platforms that reference the given
	// team in any field (ownerRef, operatorRefs, a person's teamRef), in
	// any namespace.
	PlatformsReferencing(namespace, name string) []*orgv1.Platform
}

// Scoped is what a Graph that holds the objects of some namespaces only
// implements: the controller's under --watch-namespaces (cachegraph, over
// the client of internal/watchscope). A reference into a namespace it does
// not watch cannot be resolved, whether or not the object exists there, and
// the engine says so in place of "not found": the same finding (reference
// integrity, and the rules that report a missing reference), with the reason.
// A Graph that does not implement Scoped watches every namespace:
// MemoryGraph, since kubectl org check sees every namespace of its files.
// ImpactOf does not consult it: what a change concerns does not depend on why
// a reference does not resolve.
type Scoped interface {
	// Watches reports whether the graph holds namespace's objects.
	Watches(namespace string) bool
}

// Watches reports whether g holds namespace's objects: always, unless g is
// Scoped. Graphs that wrap another forward Scoped through it.
func Watches(g Graph, namespace string) bool {
	s, ok := g.(Scoped)
	return !ok || s.Watches(namespace)
}
