package policy

import (
	"fmt"
	"slices"
	"strconv"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// MartechInference is a namespace's inferred martech model (Brinker's
// models) and the team it is about: Organization status.inferredMartechModel,
// martechTeam and martechReason.
type MartechInference struct {
	Model orgv1.MartechModel
	// Team is the martech team; nil when no team owns a marketing platform.
	Team *ObjectRef
	// Reason states in one sentence why the team shows the model.
	Reason string
}

// TeamName is the martech team as status.martechTeam names it for an
// organization of namespace ns; empty when there is none.
func (m MartechInference) TeamName(ns string) string {
	if m.Team == nil {
		return ""
	}
	return relName(ns, *m.Team)
}

// marketingCategories are the categories of marketing platforms.
var marketingCategories = []orgv1.PlatformCategory{"CDP", "DAM", "MarketingAutomation", "CMS", "Personalization", "Social", "Advertising", "Analytics"}

// InferableMartechModels are the martech models a structure can show;
// Brinker's other four (Committee, Liaison, Hostile, Merged) are
// declared-only, and the MartechModel rule never flags them.
var InferableMartechModels = []orgv1.MartechModel{
	orgv1.MartechOutsourcedTriangle, orgv1.MartechOutsourcedMarketing, orgv1.MartechOutsourcedIT,
	orgv1.MartechDirectReport, orgv1.MartechPracticeCenter, orgv1.MartechJointVenture, orgv1.MartechIndependent,
	orgv1.MartechCoLocated, orgv1.MartechTraditional, orgv1.MartechEmbedded,
}

// martechDeps are what the inferred martech model reads for an
// Organization: the owners of the namespace's platforms, their solid lines
// up, and the teams their lines and members name with the solid lines up
// from those.
var martechDeps = []dependency{
	dep("category; owners (existence, expiresAt, type, lines, members), solid lines up: function",
		inNamespace(orgv1.KindPlatform), toTeams, ancestors()),
	dep("teams of the owners' lines and members, solid lines up: function",
		inNamespace(orgv1.KindPlatform), toTeams, toTeams, ancestors()),
}

// martechRead is the Organization's status.inferredMartechModel,
// martechTeam and martechReason, whatever the rules.
var martechRead = reader{name: "status.inferredMartechModel", judges: []reads{on(orgv1.KindOrganization, martechDeps...)}}

// inferMartech infers the martech model of namespace ns.
//
// Rule (the contract's "Martech model inference"):
//
//	The martech team T owns the most marketing platforms (categories
//	marketingCategories) among the counted ones; ties go to the team
//	whose namespace/name sorts first; with none, Unknown. A team is on
//	the IT (marketing) side when it or a team above it on its solid line
//	has function IT (Marketing). T's lines are its parentRef and
//	dottedLineRefs; a line reaches a side when the team it names is on
//	it. The first that holds:
//	  T is an Agency: OutsourcedTriangle (lines reach both sides),
//	    OutsourcedMarketing (marketing only), OutsourcedIT (IT only),
//	    else Unknown;
//	  DirectReport    T is on the IT side and a Marketing team lies above
//	                  its nearest IT team (itself, else the closest above);
//	  PracticeCenter  T is on the IT side and is a PracticeCenter or has
//	                  function Marketing;
//	  JointVenture    T's members include people whose teamRef teams are
//	                  on the IT side and people whose are on the marketing
//	                  side;
//	  Independent     T is on neither side and its lines reach both;
//	  CoLocated       T is on the IT side with a dotted line reaching the
//	                  marketing side;
//	  Traditional     T is on the IT side;
//	  Embedded        T is on the marketing side;
//	  Unknown         otherwise.
func (c *evalCtx) inferMartech(ns string) MartechInference {
	owned := map[ObjectRef]int{}
	teams := map[ObjectRef]*orgv1.Team{}
	total := 0
	for _, cp := range c.counted(ns) {
		if slices.Contains(marketingCategories, cp.p.Spec.Category) {
			r := refOf(cp.owner)
			owned[r]++
			teams[r] = cp.owner
			total++
		}
	}
	if total == 0 {
		return MartechInference{Model: orgv1.MartechUnknown, Reason: "no team that exists and has not expired owns a marketing platform (CDP, DAM, MarketingAutomation, CMS, Personalization, Social, Advertising, Analytics)"}
	}
	var best ObjectRef
	for r, n := range owned {
		if n > owned[best] || n == owned[best] && compareRefs(r, best) < 0 {
			best = r
		}
	}
	t := teams[best]
	model, why := martechSignature(sides{h: c.teams, ns: ns}, t)
	who := fmt.Sprintf("team %q owns the most marketing platforms (%d of %d)", relName(ns, best), owned[best], total)
	return MartechInference{Model: model, Team: &best, Reason: who + "; " + why}
}

// sides is where a team stands between marketing and IT, as seen from
// namespace ns.
type sides struct {
	h  *hierarchy
	ns string
}

// first is the nearest team with function fn, IT or Marketing (the two
// sides there are), on t's solid line, t included; nil when t is not on
// that side.
func (sd sides) first(t *orgv1.Team, fn orgv1.TeamFunction) *placedTeam {
	if fn == orgv1.FunctionIT {
		return sd.h.place(t).nearest[markIT]
	}
	return sd.h.place(t).nearest[markMarketing]
}

// on reports whether t is on fn's side.
func (sd sides) on(t *orgv1.Team, fn orgv1.TeamFunction) bool { return sd.first(t, fn) != nil }

// line is one of a team's lines: its parentRef or one of its dottedLineRefs.
type line struct {
	to     *orgv1.Team
	dotted bool
}

// lines lists t's lines that resolve.
func (sd sides) lines(t *orgv1.Team) []line {
	var out []line
	if p := parent(sd.h.g, t); p != nil {
		out = append(out, line{to: p})
	}
	for i := range t.Spec.DottedLineRefs {
		if d := lookupTeam(sd.h.g, t.Namespace, &t.Spec.DottedLineRefs[i]); d != nil {
			out = append(out, line{to: d, dotted: true})
		}
	}
	return out
}

// reaching returns the first of t's lines (only dotted ones when
// dottedOnly) that reaches fn's side; nil when none does.
func (sd sides) reaching(t *orgv1.Team, fn orgv1.TeamFunction, dottedOnly bool) *orgv1.Team {
	for _, l := range sd.lines(t) {
		if (l.dotted || !dottedOnly) && sd.on(l.to, fn) {
			return l.to
		}
	}
	return nil
}

// memberFrom returns the first member of t whose teamRef team is on fn's
// side, with that team.
func (sd sides) memberFrom(t *orgv1.Team, fn orgv1.TeamFunction) (string, *orgv1.Team) {
	for _, m := range t.Spec.Members {
		if mt := lookupTeam(sd.h.g, t.Namespace, m.TeamRef); mt != nil && sd.on(mt, fn) {
			return m.Name, mt
		}
	}
	return "", nil
}

func (sd sides) name(t *orgv1.Team) string { return sd.quote(refOf(t)) }

func (sd sides) quote(ref ObjectRef) string { return strconv.Quote(relName(sd.ns, ref)) }

// onWords says why t is on fn's side: its own function, or the team above.
func (sd sides) onWords(t *orgv1.Team, fn orgv1.TeamFunction) string {
	if f := sd.first(t, fn); f.teamName != nameOf(t) {
		return fmt.Sprintf("reports up its solid line to %s team %s", fn, sd.quote(f.ref()))
	}
	return fmt.Sprintf("has function %s", fn)
}

// martechSignature is the first signature of inferMartech that t matches,
// and why, as the second half of a sentence about t.
func martechSignature(sd sides, t *orgv1.Team) (orgv1.MartechModel, string) {
	const it, mkt = orgv1.FunctionIT, orgv1.FunctionMarketing
	onIT, onMkt := sd.on(t, it), sd.on(t, mkt)
	lineIT, lineMkt := sd.reaching(t, it, false), sd.reaching(t, mkt, false)
	if t.Spec.Type == orgv1.TeamTypeAgency {
		switch {
		case lineIT != nil && lineMkt != nil:
			return orgv1.MartechOutsourcedTriangle, fmt.Sprintf("it is an Agency whose lines reach both marketing (%s) and IT (%s)", sd.name(lineMkt), sd.name(lineIT))
		case lineMkt != nil:
			return orgv1.MartechOutsourcedMarketing, fmt.Sprintf("it is an Agency whose lines reach marketing (%s) but not IT", sd.name(lineMkt))
		case lineIT != nil:
			return orgv1.MartechOutsourcedIT, fmt.Sprintf("it is an Agency whose lines reach IT (%s) but not marketing", sd.name(lineIT))
		}
		return orgv1.MartechUnknown, "it is an Agency whose lines reach neither marketing nor IT"
	}
	if onIT {
		// One walk up the one martech team's line: it costs its depth.
		above := chain(sd.h.g, t)
		nearest := sd.first(t, it).ref()
		i := slices.IndexFunc(above, func(a *orgv1.Team) bool { return refOf(a) == nearest })
		for _, a := range above[i+1:] {
			if a.Spec.Function == mkt {
				return orgv1.MartechDirectReport, fmt.Sprintf("it is on the IT side, and its IT team %s reports up its solid line to Marketing team %s", sd.name(above[i]), sd.name(a))
			}
		}
		switch {
		case t.Spec.Type == orgv1.TeamTypePracticeCenter:
			return orgv1.MartechPracticeCenter, fmt.Sprintf("it is a PracticeCenter on the IT side (it %s)", sd.onWords(t, it))
		case t.Spec.Function == mkt:
			return orgv1.MartechPracticeCenter, fmt.Sprintf("it has function Marketing but %s", sd.onWords(t, it))
		}
	}
	if itName, itTeam := sd.memberFrom(t, it); itTeam != nil {
		if mktName, mktTeam := sd.memberFrom(t, mkt); mktTeam != nil {
			return orgv1.MartechJointVenture, fmt.Sprintf("its members include %q from IT-side team %s and %q from marketing-side team %s",
				itName, sd.name(itTeam), mktName, sd.name(mktTeam))
		}
	}
	switch {
	case !onIT && !onMkt && lineIT != nil && lineMkt != nil:
		return orgv1.MartechIndependent, fmt.Sprintf("it is on neither side, and its lines reach both marketing (%s) and IT (%s)", sd.name(lineMkt), sd.name(lineIT))
	case onIT:
		if d := sd.reaching(t, mkt, true); d != nil {
			return orgv1.MartechCoLocated, fmt.Sprintf("it %s and has a dotted line to marketing-side team %s", sd.onWords(t, it), sd.name(d))
		}
		return orgv1.MartechTraditional, fmt.Sprintf("it %s and has no dotted line to marketing", sd.onWords(t, it))
	case onMkt:
		return orgv1.MartechEmbedded, fmt.Sprintf("it %s and is not on the IT side", sd.onWords(t, mkt))
	}
	return orgv1.MartechUnknown, "it is on neither the marketing nor the IT side, and its lines do not reach both"
}
