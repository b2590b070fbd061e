package policy

import (
	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// unitKind is where a team sits for the inferred model.
type unitKind int

const (
	unitOther        unitKind = iota // under neither a CoE nor a BU
	unitCoE                          // in a CenterOfExcellence's subtree
	unitBusinessUnit                 // in a BusinessUnit's subtree
)

// unitOf classifies a team by the nearest team, itself first and then up its
// parentRef chain (stopping at a parent that does not resolve or at a cycle),
// whose type is CenterOfExcellence or BusinessUnit; it also returns that
// team. A team with neither above it is unitOther.
func unitOf(g Graph, t *orgv1.Team) (unitKind, ObjectRef) {
	teams, _ := chain(g, t)
	for _, a := range teams {
		switch a.Spec.Type {
		case orgv1.TeamTypeCenterOfExcellence:
			return unitCoE, refOf(a)
		case orgv1.TeamTypeBusinessUnit:
			return unitBusinessUnit, refOf(a)
		}
	}
	return unitOther, ObjectRef{}
}

// modelDeps are what InferModel reads for an Organization.
var modelDeps = []dependency{
	dep("owners, operators and their ancestors: type (nearest CoE or BU)", inNamespace(orgv1.KindPlatform), toTeams, ancestors()),
}

// modelRead is the Organization's status.inferredModel, whatever the rules.
var modelRead = reader{name: "status.inferredModel", judges: []reads{on(orgv1.KindOrganization, modelDeps...)}}

// InferModel reads the organization model off who owns and operates the
// platforms of a namespace.
//
// Rule:
//
//	A platform is owned when its ownerRef resolves to a Team (in any
//	namespace; an expired owner still counts). Each owner, and each operator
//	that resolves, is classified by the nearest team, itself first, then up
//	its parentRef chain (the walk stops at a parent that does not resolve and
//	at a cycle), whose type is CenterOfExcellence or BusinessUnit:
//	  CoE-owned   the nearest such team is a CenterOfExcellence;
//	  BU-owned    the nearest is a BusinessUnit, which identifies the BU;
//	  other-owned neither is found (a corporate department, say).
//	A BU operates a platform when one of the platform's operatorRefs is
//	classified under a BusinessUnit. Then, first match wins:
//	  Unknown      no platform is owned;
//	  Hybrid       a CoE owns a platform and a BU owns or operates one;
//	  Independent  two or more distinct BUs own platforms;
//	  Hybrid       exactly one BU owns platforms and another team (outside
//	               any BU) owns others;
//	  Centralized  otherwise: every owned platform lies outside BUs (in CoEs
//	               or other teams; BUs may operate when no CoE owns), or one
//	               BU owns them all ("one team's subtree").
func InferModel(g Graph, namespace string) orgv1.OrganizationModel {
	var owned, coeOwns, otherOwns, buOperates bool
	bus := map[ObjectRef]bool{}
	for _, p := range g.Platforms(namespace) {
		if p == nil {
			continue
		}
		if owner := lookupTeam(g, p.Namespace, p.Spec.OwnerRef); owner != nil {
			owned = true
			switch kind, unit := unitOf(g, owner); kind {
			case unitCoE:
				coeOwns = true
			case unitBusinessUnit:
				bus[unit] = true
			default:
				otherOwns = true
			}
		}
		for i := range p.Spec.OperatorRefs {
			if op := lookupTeam(g, p.Namespace, &p.Spec.OperatorRefs[i]); op != nil {
				if kind, _ := unitOf(g, op); kind == unitBusinessUnit {
					buOperates = true
				}
			}
		}
	}
	switch {
	case !owned:
		return orgv1.ModelUnknown
	case coeOwns && (len(bus) > 0 || buOperates):
		return orgv1.ModelHybrid
	case len(bus) >= 2:
		return orgv1.ModelIndependent
	case len(bus) == 1 && otherOwns:
		return orgv1.ModelHybrid
	default:
		return orgv1.ModelCentralized
	}
}
