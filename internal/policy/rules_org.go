package policy

import (
	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// checkOrganizationModel: spec.model differs from the inferred model, or
// martechModel is Hostile. An inferred Unknown (no platform is owned) is no
// evidence either way, so it never contradicts spec.model: a new
// organization is not flagged before it declares its platforms, and the
// unowned platforms are PlatformOwnership's to report.
func checkOrganizationModel(c *evalCtx, s *subject, _ *orgv1.Rule) []problem {
	o := s.obj.(*orgv1.Organization)
	var out []problem
	if inferred := c.model(o.Namespace); inferred != orgv1.ModelUnknown && o.Spec.Model != inferred {
		out = append(out, s.problem("spec.model", "declared %q but platform ownership shows %q", o.Spec.Model, inferred))
	}
	if o.Spec.MartechModel == orgv1.MartechHostile {
		out = append(out, s.problem("spec.martechModel", "marketing and IT relate as Hostile"))
	}
	return out
}
