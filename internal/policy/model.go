package policy

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Unit is where a team sits for the inferred model: under a BusinessUnit,
// else under a CenterOfExcellence, else central.
type Unit struct {
	// Head is the team that heads the unit; zero for the central unit.
	Head ObjectRef
	Type orgv1.UnitType
}

// Name is the unit's name as status.modelEvidence writes it for an
// organization of namespace ns: the head's name ("namespace/name" when it
// lies in another namespace), or "central".
func (u Unit) Name(ns string) string {
	if u.Type == orgv1.UnitCentral {
		return orgv1.CentralUnitName
	}
	return relName(ns, u.Head)
}

// relName names a team as seen from namespace ns.
func relName(ns string, r ObjectRef) string {
	if r.Namespace == ns {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// UnitsOf returns the function that tells which unit a team of g belongs
// to: walking up its solid parentRef line from the team itself (stopping at
// a parent that does not resolve and at a repeat), the nearest
// BusinessUnit; if there is none, the nearest CenterOfExcellence; if
// neither, the central unit. A CenterOfExcellence inside a BusinessUnit
// therefore belongs to that BusinessUnit. Every call of the one function
// shares the hierarchy's places, so asking of every team walks the teams
// once, however deep the chains.
func UnitsOf(g Graph) (unitOf func(*orgv1.Team) Unit) { return newHierarchy(g).unit }

// unit is UnitsOf over the hierarchy's places.
func (h *hierarchy) unit(t *orgv1.Team) Unit {
	p := h.place(t)
	if bu := p.nearest[markBusinessUnit]; bu != nil {
		return Unit{Head: bu.ref(), Type: orgv1.UnitBusinessUnit}
	}
	if coe := p.nearest[markCenterOfExcellence]; coe != nil {
		return Unit{Head: coe.ref(), Type: orgv1.UnitCenterOfExcellence}
	}
	return Unit{Type: orgv1.UnitCentral}
}

// ModelInference is a namespace's inferred organization model and what
// decided it: Organization status.inferredModel, modelReason and
// modelEvidence.
type ModelInference struct {
	Model orgv1.OrganizationModel
	// Reason states the deciding facts in one sentence.
	Reason string
	// Evidence lists every unit that owns or operates a counted platform,
	// by owns (descending), then unit name; the status lists the first
	// orgv1.MaxModelEvidence.
	Evidence []orgv1.ModelEvidence
	// Owners are the units of the counted platforms' owners.
	Owners map[ObjectRef]Unit
}

// counted is a platform that counts for the inferences, with its owner.
type counted struct {
	p     *orgv1.Platform
	owner *orgv1.Team
}

// counted lists the platforms of ns that count for the inferred models:
// those whose ownerRef resolves to a team that has not expired. A future
// expiry of an owner is remembered: the models change then.
func (c *evalCtx) counted(ns string) []counted { return memo(c.countedByNS, ns, c.countPlatforms) }

func (c *evalCtx) countPlatforms(ns string) []counted {
	var out []counted
	for _, p := range c.g.Platforms(ns) {
		if p == nil {
			continue
		}
		if owner := lookupTeam(c.g, p.Namespace, p.Spec.OwnerRef); owner != nil && !c.expired(owner) {
			out = append(out, counted{p: p, owner: owner})
		}
	}
	return out
}

// modelDeps are what the inferred model reads for an Organization.
var modelDeps = []dependency{
	dep("tier; owners (existence, expiresAt), operators, solid lines up: type",
		inNamespace(orgv1.KindPlatform), toTeams, ancestors()),
}

// modelRead is the Organization's status.inferredModel, modelReason and
// modelEvidence, whatever the rules.
var modelRead = reader{name: "status.inferredModel", judges: []reads{on(orgv1.KindOrganization, modelDeps...)}}

// tally is what one unit owns and operates.
type tally struct {
	unit               Unit
	name               string
	owns, foundational int32
	operates           map[ObjectRef]bool // the platforms it operates
}

// inferModel infers the model of namespace ns.
//
// Rule (the contract's "Units and the inferred model"):
//
//	Only platforms whose ownerRef resolves to a team that has not expired
//	count. Each owning team, and each team in such a platform's
//	operatorRefs that resolves, belongs to one unit (UnitsOf). "A BU" is a
//	unit of type BusinessUnit; every other unit is central-side. The
//	first that holds:
//	  Unknown      no platform counts;
//	  Centralized  no BU owns or operates a platform; or exactly one unit
//	               owns every counted platform, it is a BU, and no other
//	               BU operates one;
//	  Independent  two or more BUs own platforms and no central-side unit
//	               owns a Foundational platform;
//	  Hybrid       otherwise.
func (c *evalCtx) inferModel(ns string) ModelInference {
	platforms := c.counted(ns)
	units := map[Unit]*tally{}
	owners := map[ObjectRef]Unit{}
	at := func(u Unit) *tally {
		if units[u] == nil {
			units[u] = &tally{unit: u, name: u.Name(ns), operates: map[ObjectRef]bool{}}
		}
		return units[u]
	}
	for _, cp := range platforms {
		u := c.teams.unit(cp.owner)
		owners[ObjectRef{Kind: orgv1.KindPlatform, Namespace: cp.p.Namespace, Name: cp.p.Name}] = u
		t := at(u)
		t.owns++
		if tier(cp.p) == orgv1.TierFoundational {
			t.foundational++
		}
		for i := range cp.p.Spec.OperatorRefs {
			if op := lookupTeam(c.g, cp.p.Namespace, &cp.p.Spec.OperatorRefs[i]); op != nil {
				at(c.teams.unit(op)).operates[ObjectRef{Kind: orgv1.KindPlatform, Namespace: cp.p.Namespace, Name: cp.p.Name}] = true
			}
		}
	}
	all := slices.SortedFunc(maps.Values(units), func(a, b *tally) int {
		return cmp.Or(cmp.Compare(b.owns, a.owns), cmp.Compare(a.name, b.name), cmp.Compare(a.unit.Type, b.unit.Type))
	})
	inf := ModelInference{Model: decideModel(all, len(platforms)), Owners: owners}
	for _, t := range all {
		inf.Evidence = append(inf.Evidence, orgv1.ModelEvidence{Unit: t.name, UnitType: t.unit.Type,
			Owns: t.owns, OwnsFoundational: t.foundational, Operates: int32(len(t.operates))})
	}
	inf.Reason = modelReason(inf.Model, all, len(platforms), len(c.g.Platforms(ns)))
	return inf
}

func isBU(t *tally) bool { return t.unit.Type == orgv1.UnitBusinessUnit }

// decideModel applies the rule of inferModel to the units' tallies.
func decideModel(units []*tally, counted int) orgv1.OrganizationModel {
	var owners, buOwners []*tally
	buActive, centralFoundational := false, false
	for _, t := range units {
		if t.owns > 0 {
			owners = append(owners, t)
		}
		if isBU(t) {
			buActive = buActive || t.owns > 0 || len(t.operates) > 0
			if t.owns > 0 {
				buOwners = append(buOwners, t)
			}
		} else if t.foundational > 0 {
			centralFoundational = true
		}
	}
	switch {
	case counted == 0:
		return orgv1.ModelUnknown
	case !buActive, len(owners) == 1 && isBU(owners[0]) && !otherBUOperates(units, owners[0]):
		return orgv1.ModelCentralized
	case len(buOwners) >= 2 && !centralFoundational:
		return orgv1.ModelIndependent
	}
	return orgv1.ModelHybrid
}

// otherBUOperates reports whether a BU other than owner operates a platform.
func otherBUOperates(units []*tally, owner *tally) bool {
	return slices.ContainsFunc(units, func(t *tally) bool { return t != owner && isBU(t) && len(t.operates) > 0 })
}

// modelReason states the facts that decide the model in one sentence: what
// the central side owns, what the BUs own and operate, and, for
// Centralized, that no (other) BU owns or operates.
//
//	CenterOfExcellence "moc" and central teams own 4 platforms (3 Foundational); BusinessUnits "emea", "na" own 2 and operate 1
func modelReason(model orgv1.OrganizationModel, units []*tally, counted, declared int) string {
	if model == orgv1.ModelUnknown {
		switch declared {
		case 0:
			return "the namespace declares no platform"
		case 1:
			return "its one platform has no owner team that exists and has not expired"
		}
		return fmt.Sprintf("none of its %d platforms has an owner team that exists and has not expired", declared)
	}
	var central, buOwners, buOperators []*tally
	var centralOwns, centralFoundational, buOwns int32
	for _, t := range units {
		switch {
		case !isBU(t) && t.owns > 0:
			central = append(central, t)
			centralOwns += t.owns
			centralFoundational += t.foundational
		case isBU(t) && t.owns > 0:
			buOwners = append(buOwners, t)
			buOwns += t.owns
		case isBU(t) && len(t.operates) > 0:
			buOperators = append(buOperators, t)
		}
	}
	var clauses []string
	if len(central) > 0 {
		subject, plural := centralSubject(central)
		clauses = append(clauses, fmt.Sprintf("%s %s %s (%s)", subject, verb("own", plural),
			quantity(centralOwns, counted, true), foundationalWords(centralFoundational, centralOwns)))
	}
	if len(buOwners) > 0 {
		subject, plural := unitSubject("BusinessUnit", "BusinessUnits", buOwners)
		clause := fmt.Sprintf("%s %s %s", subject, verb("own", plural), quantity(buOwns, counted, len(clauses) == 0))
		if n := operated(buOwners); n > 0 {
			clause += fmt.Sprintf(" and %s %d", verb("operate", plural), n)
		}
		clauses = append(clauses, clause)
	}
	if len(buOperators) > 0 {
		subject, plural := unitSubject("BusinessUnit", "BusinessUnits", buOperators)
		clauses = append(clauses, fmt.Sprintf("%s %s %d", subject, verb("operate", plural), operated(buOperators)))
	}
	if model == orgv1.ModelCentralized {
		if len(buOwners) == 0 {
			clauses = append(clauses, "no BusinessUnit owns or operates one")
		} else {
			clauses = append(clauses, "no other BusinessUnit operates one")
		}
	}
	return strings.Join(clauses, "; ")
}

// operated counts the distinct platforms the units operate.
func operated(units []*tally) int {
	seen := map[ObjectRef]bool{}
	for _, t := range units {
		maps.Copy(seen, t.operates)
	}
	return len(seen)
}

// maxNamed is how many units a reason names before "and N more".
const maxNamed = 3

// centralSubject names the central-side owners: their CentersOfExcellence,
// and "central teams" for the central unit; plural tells the verb's number.
func centralSubject(units []*tally) (string, bool) {
	var coes []*tally
	centralOwns := false
	for _, t := range units {
		if t.unit.Type == orgv1.UnitCentral {
			centralOwns = true
		} else {
			coes = append(coes, t)
		}
	}
	if len(coes) == 0 {
		return "central teams", true
	}
	subject, plural := unitSubject("CenterOfExcellence", "CentersOfExcellence", coes)
	if centralOwns {
		return subject + " and central teams", true
	}
	return subject, plural
}

// unitSubject names units, at most maxNamed of them: `BusinessUnits "a", "b"
// and 2 more`.
func unitSubject(one, many string, units []*tally) (string, bool) {
	names := make([]string, 0, maxNamed)
	for _, t := range units[:min(len(units), maxNamed)] {
		names = append(names, strconv.Quote(t.name))
	}
	s := strings.Join(names, ", ")
	if len(units) > maxNamed {
		s += fmt.Sprintf(" and %d more", len(units)-maxNamed)
	}
	if len(units) == 1 {
		return one + " " + s, false
	}
	return many + " " + s, true
}

func verb(v string, plural bool) string {
	if plural {
		return v
	}
	return v + "s"
}

// quantity writes n of the counted platforms: "all 4 platforms", "the one
// platform", "2 platforms", or the bare number after the first clause.
func quantity(n int32, counted int, first bool) string {
	switch {
	case !first:
		return strconv.Itoa(int(n))
	case int(n) == counted && n == 1:
		return "the one platform"
	case int(n) == counted:
		return fmt.Sprintf("all %d platforms", n)
	case n == 1:
		return "1 platform"
	}
	return fmt.Sprintf("%d platforms", n)
}

// foundationalWords says how many of owned platforms are Foundational.
func foundationalWords(foundational, owned int32) string {
	switch {
	case foundational == 0:
		return "none Foundational"
	case foundational == owned && owned == 1:
		return "Foundational"
	case foundational == owned:
		return "all Foundational"
	}
	return fmt.Sprintf("%d Foundational", foundational)
}
