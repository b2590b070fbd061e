package policy

import (
	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Graph is a read-only view of the orgplane objects, across namespaces, that
// the engine judges. The controller implements it over its informer cache
// (with field indexes), the kubectl plugin and the benchmarks over manifests
// in memory (NewMemoryGraph). Implementations return objects sorted by name
// and must not be mutated by the engine.
type Graph interface {
	// Namespaces lists the namespaces that hold at least one object, sorted.
	Namespaces() []string

	Organizations(namespace string) []*orgv1.Organization
	Teams(namespace string) []*orgv1.Team
	Platforms(namespace string) []*orgv1.Platform
	SteeringCommittees(namespace string) []*orgv1.SteeringCommittee
	ResponsibilityMatrices(namespace string) []*orgv1.ResponsibilityMatrix
	GovernancePolicies(namespace string) []*orgv1.GovernancePolicy

	// Team, Platform and SteeringCommittee return nil when the object does not exist.
	Team(namespace, name string) *orgv1.Team
	Platform(namespace, name string) *orgv1.Platform
	SteeringCommittee(namespace, name string) *orgv1.SteeringCommittee

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
