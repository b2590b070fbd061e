package builders

import orgv1 "github.com/orgplane/orgplane/api/v1alpha1"

// PlatformWrapper builds a Platform.
type PlatformWrapper struct {
	orgv1.Platform
	meta[*PlatformWrapper]
}

// MakePlatform is a CRM, with no owner.
func MakePlatform(name, namespace string) *PlatformWrapper {
	w := &PlatformWrapper{Platform: orgv1.Platform{
		ObjectMeta: objectMeta(name, namespace),
		Spec:       orgv1.PlatformSpec{Category: "CRM"},
	}}
	w.meta = meta[*PlatformWrapper]{w, &w.ObjectMeta}
	return w
}

// Obj returns the Platform.
func (w *PlatformWrapper) Obj() *orgv1.Platform { return &w.Platform }

// DisplayName sets spec.displayName.
func (w *PlatformWrapper) DisplayName(s string) *PlatformWrapper {
	w.Spec.DisplayName = s
	return w
}

// Category sets spec.category.
func (w *PlatformWrapper) Category(c orgv1.PlatformCategory) *PlatformWrapper {
	w.Spec.Category = c
	return w
}

// Tier sets spec.tier.
func (w *PlatformWrapper) Tier(t orgv1.PlatformTier) *PlatformWrapper {
	w.Spec.Tier = t
	return w
}

// Vendor sets spec.vendor.
func (w *PlatformWrapper) Vendor(v string) *PlatformWrapper {
	w.Spec.Vendor = v
	return w
}

// Owner sets spec.ownerRef; "" removes it.
func (w *PlatformWrapper) Owner(team string) *PlatformWrapper {
	w.Spec.OwnerRef = nil
	if team != "" {
		r := teamRef(team)
		w.Spec.OwnerRef = &r
	}
	return w
}

// Operators adds operator teams.
func (w *PlatformWrapper) Operators(teams ...string) *PlatformWrapper {
	w.Spec.OperatorRefs = append(w.Spec.OperatorRefs, teamRefs(teams)...)
	return w
}

// Committee sets spec.steeringCommitteeRef.
func (w *PlatformWrapper) Committee(committee string) *PlatformWrapper {
	ns, name := split(committee)
	w.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: name, Namespace: ns}
	return w
}

// PersonalData says the platform holds personal data: spec.data.personalData
// when no jurisdiction is named, else the jurisdictions (which imply it).
func (w *PlatformWrapper) PersonalData(jurisdictions ...string) *PlatformWrapper {
	return w.Data(orgv1.PlatformData{PersonalData: len(jurisdictions) == 0, Jurisdictions: jurisdictions})
}

// Data sets spec.data.
func (w *PlatformWrapper) Data(d orgv1.PlatformData) *PlatformWrapper {
	w.Spec.Data = &d
	return w
}

// PrivacyOwner sets spec.privacyOwner.
func (w *PlatformWrapper) PrivacyOwner(p orgv1.Person) *PlatformWrapper {
	w.Spec.PrivacyOwner = &p
	return w
}

// RoadmapOwner sets spec.roadmapOwner.
func (w *PlatformWrapper) RoadmapOwner(p orgv1.Person) *PlatformWrapper {
	w.Spec.RoadmapOwner = &p
	return w
}
