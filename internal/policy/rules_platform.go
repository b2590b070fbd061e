package policy

import (
	"cmp"
	"slices"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Defaults of the platform rules' params.
var (
	defaultPrivacyOwnerFunctions = []orgv1.TeamFunction{orgv1.FunctionLegal, orgv1.FunctionPrivacy}
	defaultAIOwnerFunctions      = []orgv1.TeamFunction{orgv1.FunctionIT, orgv1.FunctionData}
)

// tier is the platform's tier, defaulted as the API defaults it.
func tier(p *orgv1.Platform) orgv1.PlatformTier {
	return cmp.Or(p.Spec.Tier, orgv1.TierEngagement)
}

// checkPlatformOwnership: no ownerRef; the owner team is not found, has
// expired, or has a function or type outside params.allowedOwnerFunctions /
// params.allowedOwnerTypes (when given).
func checkPlatformOwnership(c *evalCtx, s *subject, r *orgv1.Rule) []problem {
	p := s.obj.(*orgv1.Platform)
	const field = "spec.ownerRef"
	if p.Spec.OwnerRef == nil {
		return []problem{s.problem(field, "platform has no owner team")}
	}
	ref := teamKey(p.Namespace, *p.Spec.OwnerRef)
	owner := c.g.Team(ref.Namespace, ref.Name)
	if owner == nil {
		return []problem{s.problem(field, "owner team %s %s", s.rel(ref), unresolved(c.g, ref))}
	}
	var out []problem
	if c.expired(owner) {
		out = append(out, s.problem(field, "owner team %s expired at %s", s.rel(ref), timestamp(owner.Spec.ExpiresAt.Time)))
	}
	prm := params(r)
	if ok, list := allowed(owner.Spec.Function, prm.AllowedOwnerFunctions, nil); !ok {
		out = append(out, s.problem(field, "owner team %s has function %s, not one of %s", s.rel(ref), owner.Spec.Function, list))
	}
	if ok, list := allowed(owner.Spec.Type, prm.AllowedOwnerTypes, nil); !ok {
		out = append(out, s.problem(field, "owner team %s has type %s, not one of %s", s.rel(ref), owner.Spec.Type, list))
	}
	return out
}

// checkPlatformGoverned: a platform of params.tiers (default: every tier)
// has no steeringCommitteeRef, or it does not resolve.
func checkPlatformGoverned(c *evalCtx, s *subject, r *orgv1.Rule) []problem {
	p := s.obj.(*orgv1.Platform)
	if tiers := params(r).Tiers; len(tiers) > 0 && !slices.Contains(tiers, tier(p)) {
		return nil
	}
	const field = "spec.steeringCommitteeRef"
	ref := p.Spec.SteeringCommitteeRef
	if ref == nil {
		return []problem{s.problem(field, "platform has no steering committee")}
	}
	fr := fieldRef{field: path(field), ref: refKey(orgv1.KindSteeringCommittee, p.Namespace, ref.Namespace, ref.Name)}
	if resolve(c.g, fr.ref) == nil {
		return []problem{notFound(c.g, s, fr)}
	}
	return nil
}

// checkPrivacyOwner: a platform with personal data (personalData, or any
// jurisdiction) has no privacyOwner, or the owner's team is missing or not
// found, or its function is outside params.ownerFunctions (default Legal,
// Privacy), or the person is neither the team's lead nor a member (by name).
func checkPrivacyOwner(c *evalCtx, s *subject, r *orgv1.Rule) []problem {
	p := s.obj.(*orgv1.Platform)
	d := p.Spec.Data
	if d == nil || (!d.PersonalData && len(d.Jurisdictions) == 0) {
		return nil
	}
	po := p.Spec.PrivacyOwner
	if po == nil {
		if len(d.Jurisdictions) > 0 {
			return []problem{s.problem("spec.privacyOwner", "platform holds personal data under %s but has no privacy owner", joinList(d.Jurisdictions))}
		}
		return []problem{s.problem("spec.privacyOwner", "platform holds personal data but has no privacy owner")}
	}
	const field = "spec.privacyOwner.teamRef"
	if po.TeamRef == nil {
		return []problem{s.problem(field, "privacy owner %q names no team", po.Name)}
	}
	ref := teamKey(p.Namespace, *po.TeamRef)
	team := c.g.Team(ref.Namespace, ref.Name)
	if team == nil {
		return []problem{s.problem(field, "team %s %s", s.rel(ref), unresolved(c.g, ref))}
	}
	var out []problem
	if ok, list := allowed(team.Spec.Function, params(r).OwnerFunctions, defaultPrivacyOwnerFunctions); !ok {
		out = append(out, s.problem(field, "team %s has function %s, not one of %s", s.rel(ref), team.Spec.Function, list))
	}
	if !isLeadOrMember(team, po.Name) {
		out = append(out, s.problem("spec.privacyOwner", "%q is neither the lead nor a member of team %s", po.Name, s.rel(ref)))
	}
	return out
}

// checkEnterpriseAI: an AIML platform whose owner team's function is outside
// params.allowedOwnerFunctions (default IT, Data). A missing owner is
// PlatformOwnership's to report.
func checkEnterpriseAI(c *evalCtx, s *subject, r *orgv1.Rule) []problem {
	p := s.obj.(*orgv1.Platform)
	if p.Spec.Category != orgv1.PlatformCategoryAIML {
		return nil
	}
	owner := lookupTeam(c.g, p.Namespace, p.Spec.OwnerRef)
	if owner == nil {
		return nil
	}
	if ok, list := allowed(owner.Spec.Function, params(r).AllowedOwnerFunctions, defaultAIOwnerFunctions); !ok {
		return []problem{s.problem("spec.ownerRef", "AIML platform owned by team %s of function %s, not one of %s",
			s.rel(refOf(owner)), owner.Spec.Function, list)}
	}
	return nil
}
