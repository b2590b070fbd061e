// Package webhooks is orgplane's validating admission webhook. It judges
// every orgplane object being created or updated exactly as the controller
// will once the write lands (the policy engine over the manager's cache,
// with the incoming object in place of the stored one) and returns the
// violations as admission warnings, which kubectl prints:
//
//	Warning: platform "analytics": spec.ownerRef: team "bi-team" not found (builtin/integrity, High, Audit)
//
// It admits everything, except what a GovernancePolicy with
// `enforcement: Enforce` and `admission: Deny` forbids: that policy's
// violations of the incoming object are denied. An update is denied only for
// violations the stored object does not already have (ratcheting), so an
// object that some other change broke (its owner team was deleted) can
// still be labelled or fixed step by step. Deletes are never judged (the
// webhook does not register them), and a GovernancePolicy is never denied:
// it gets warnings for its rules that cannot be evaluated and for what its
// rules find in its namespace.
//
// The webhook fails open: its configuration has failurePolicy Ignore, and
// when it cannot read the objects it admits with a warning that says so,
// so an outage of the controller never blocks users.
//
// References that the cache cannot resolve are looked up live before they
// are reported, so that objects applied together in one `kubectl apply`
// (a Team, then the Platform it owns) do not warn about each other.
package webhooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/watchscope"
)

// One validating webhook per kind: controller-runtime serves each kind on
// its own path. CREATE and UPDATE only: a delete is never judged, hence
// never denied. failurePolicy=ignore: an unreachable webhook admits.
//
// +kubebuilder:webhook:path=/validate-org-orgplane-io-v1alpha1-organization,mutating=false,failurePolicy=ignore,sideEffects=None,groups=org.orgplane.io,resources=organizations,verbs=create;update,versions=v1alpha1,name=vorganization.org.orgplane.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-org-orgplane-io-v1alpha1-team,mutating=false,failurePolicy=ignore,sideEffects=None,groups=org.orgplane.io,resources=teams,verbs=create;update,versions=v1alpha1,name=vteam.org.orgplane.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-org-orgplane-io-v1alpha1-platform,mutating=false,failurePolicy=ignore,sideEffects=None,groups=org.orgplane.io,resources=platforms,verbs=create;update,versions=v1alpha1,name=vplatform.org.orgplane.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-org-orgplane-io-v1alpha1-steeringcommittee,mutating=false,failurePolicy=ignore,sideEffects=None,groups=org.orgplane.io,resources=steeringcommittees,verbs=create;update,versions=v1alpha1,name=vsteeringcommittee.org.orgplane.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-org-orgplane-io-v1alpha1-responsibilitymatrix,mutating=false,failurePolicy=ignore,sideEffects=None,groups=org.orgplane.io,resources=responsibilitymatrices,verbs=create;update,versions=v1alpha1,name=vresponsibilitymatrix.org.orgplane.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-org-orgplane-io-v1alpha1-governancepolicy,mutating=false,failurePolicy=ignore,sideEffects=None,groups=org.orgplane.io,resources=governancepolicies,verbs=create;update,versions=v1alpha1,name=vgovernancepolicy.org.orgplane.io,admissionReviewVersions=v1,timeoutSeconds=5

// Bounds on what one admission returns. The API server keeps at most 4096
// runes of warnings per request and cuts each to 256 once over that.
const (
	// MaxWarnings is how many findings one admission lists; a last
	// warning counts the rest.
	MaxWarnings = 10
	// MaxWarningRunes is the length at which a warning is cut.
	MaxWarningRunes = 300
	// evaluationTimeout bounds one evaluation, below the webhook's
	// timeoutSeconds so that the webhook answers (and admits) first.
	evaluationTimeout = 4 * time.Second
)

// SetupWebhooks registers the validating webhook of every orgplane kind with
// the manager's webhook server. The manager must have the field index of
// cachegraph.SetupIndexes. engine may be nil (a new one is made); pass the
// reconcilers' engine to share its compiled CEL programs. watchNamespaces
// (--watch-namespaces; nil for all) confines the live lookups as the
// manager's cache is confined.
func SetupWebhooks(mgr ctrl.Manager, engine *policy.Engine, watchNamespaces []string) error {
	if engine == nil {
		e, err := policy.NewEngine(policy.Options{})
		if err != nil {
			return err
		}
		engine = e
	}
	a := &admitter{cache: mgr.GetClient(), live: watchscope.Reader(mgr.GetAPIReader(), watchNamespaces), engine: engine, now: time.Now,
		teams: &teamPlaces{cache: mgr.GetCache()}}
	return errors.Join(
		mgr.Add(a.teams),
		register[orgv1.Organization](mgr, a, orgv1.KindOrganization),
		register[orgv1.Team](mgr, a, orgv1.KindTeam),
		register[orgv1.Platform](mgr, a, orgv1.KindPlatform),
		register[orgv1.SteeringCommittee](mgr, a, orgv1.KindSteeringCommittee),
		register[orgv1.ResponsibilityMatrix](mgr, a, orgv1.KindResponsibilityMatrix),
		register[orgv1.GovernancePolicy](mgr, a, orgv1.KindGovernancePolicy),
		mgr.AddReadyzCheck("webhook", mgr.GetWebhookServer().StartedChecker()),
	)
}

func register[T any, P interface {
	*T
	orgv1.Object
}](mgr ctrl.Manager, a *admitter, kind orgv1.Kind) error {
	return ctrl.NewWebhookManagedBy(mgr, P(new(T))).
		WithValidator(validator[P]{kind: kind, admitter: a}).
		RecoverPanic(true).
		Complete()
}

// validator is the admission.Validator of one kind.
type validator[P orgv1.Object] struct {
	kind orgv1.Kind
	*admitter
}

func (v validator[P]) ValidateCreate(ctx context.Context, obj P) (admission.Warnings, error) {
	return v.admit(ctx, v.kind, obj, nil)
}

func (v validator[P]) ValidateUpdate(ctx context.Context, old, obj P) (admission.Warnings, error) {
	return v.admit(ctx, v.kind, obj, old)
}

// ValidateDelete is never called (the webhooks do not register DELETE); it
// admits, as a delete must never be denied.
func (v validator[P]) ValidateDelete(context.Context, P) (admission.Warnings, error) {
	return nil, nil
}

// admitter judges incoming objects.
type admitter struct {
	cache  client.Reader // the manager's cache, with cachegraph's field index
	live   client.Reader // the API server, for references the cache misses
	engine *policy.Engine
	now    func() time.Time
	teams  *teamPlaces // nil for none
}

// admit judges obj, the object being written (old, the stored one, is nil
// on a create). It returns the findings as warnings, and an error naming
// the findings that a GovernancePolicy with admission Deny forbids.
func (a *admitter) admit(ctx context.Context, kind orgv1.Kind, obj, old orgv1.Object) (ws admission.Warnings, err error) {
	if obj.GetDeletionTimestamp() != nil {
		return nil, nil // finalizing: the object is on its way out
	}
	defer func() {
		// controller-runtime would turn a panic into an error, which the
		// API server reads as a denial: fail open instead.
		if r := recover(); r != nil {
			ws, err = notChecked(ctx, kind, obj, fmt.Errorf("panic: %v", r)), nil
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, evaluationTimeout)
	defer cancel()
	cached := cachegraph.New(ctx, a.cache)
	base := withLiveLookups(ctx, cached, a.live)
	teams := a.teams.hierarchy()
	with := func(obj client.Object) *overlay { return withObject(base, obj).borrowing(teams, cached) }
	now := a.now()
	var denied []orgv1.Violation
	if gp, ok := obj.(*orgv1.GovernancePolicy); ok {
		ws = a.policyWarnings(with(gp), gp, now)
	} else {
		var warned []orgv1.Violation
		denied, warned = a.judge(with, kind, obj, old, now)
		ws = capWarnings(describeAll(warned))
	}
	// A verdict on what could not be read is no verdict: admit, saying so.
	if err := errors.Join(cached.Err(), base.err); err != nil {
		return notChecked(ctx, kind, obj, err), nil
	}
	log := logf.FromContext(ctx).V(1).WithValues("kind", kind, "namespace", obj.GetNamespace(), "name", obj.GetName())
	if len(denied) > 0 {
		log.Info("denied", "violations", len(denied))
		return ws, denial(denied)
	}
	log.Info("admitted", "warnings", len(ws))
	return ws, nil
}

// judge evaluates obj in place of the stored object, over with(obj), and
// splits its violations: those a Deny policy forbids, and the others, which
// are warned. An update is denied only what the stored object (old) does not
// already violate (ratcheting).
func (a *admitter) judge(with func(client.Object) *overlay, kind orgv1.Kind, obj, old orgv1.Object, now time.Time) (denied, warned []orgv1.Violation) {
	g := with(obj)
	ref := policy.ObjectRef{Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
	found := a.engine.EvaluateObject(g, ref, now).Object(ref).Violations()
	deny := denying(g.GovernancePolicies(obj.GetNamespace()))
	denies := func(v orgv1.Violation) bool { return v.Enforcement == orgv1.EnforcementEnforce && deny[v.Policy] }
	had := map[orgv1.Violation]bool{}
	if old != nil && slices.ContainsFunc(found, denies) {
		for _, v := range a.engine.EvaluateObject(with(old), ref, now).Object(ref).Violations() {
			had[v] = true
		}
	}
	for _, v := range found {
		if denies(v) && !had[v] {
			denied = append(denied, v)
		} else {
			warned = append(warned, v)
		}
	}
	return denied, warned
}

// notChecked is the warning of an evaluation that could not read the
// objects: the webhook fails open.
func notChecked(ctx context.Context, kind orgv1.Kind, obj client.Object, err error) admission.Warnings {
	logf.FromContext(ctx).Error(err, "cannot evaluate; admitting", "kind", kind, "namespace", obj.GetNamespace(), "name", obj.GetName())
	return admission.Warnings{clean(fmt.Sprintf("orgplane could not check %s %q: %v", strings.ToLower(string(kind)), obj.GetName(), err))}
}

// denying is the set of the policies whose Enforce violations are denied.
func denying(policies []*orgv1.GovernancePolicy) map[string]bool {
	out := map[string]bool{}
	for _, p := range policies {
		if p != nil && p.Spec.Admission == orgv1.AdmissionDeny && p.Spec.Enforcement == orgv1.EnforcementEnforce {
			out[p.Name] = true
		}
	}
	return out
}

// policyWarnings are a GovernancePolicy's warnings: its rules that cannot be
// evaluated, an admission setting that has no effect, and what its rules
// find in its namespace as it stands.
func (a *admitter) policyWarnings(g policy.Graph, gp *orgv1.GovernancePolicy, now time.Time) admission.Warnings {
	prefix := fmt.Sprintf("governance policy %q: ", gp.Name)
	ev := a.engine.EvaluateNamespace(g, gp.Namespace, now)
	var out []string
	for _, e := range ev.Policy(gp.Namespace, gp.Name).Errors() {
		out = append(out, prefix+e.Message)
	}
	if gp.Spec.Admission == orgv1.AdmissionDeny && gp.Spec.Enforcement != orgv1.EnforcementEnforce {
		out = append(out, prefix+"spec.admission: Deny has no effect unless spec.enforcement is Enforce")
	}
	var found []orgv1.Violation
	objects := map[policy.ObjectRef]bool{}
	for _, f := range ev.Findings() {
		if f.Violation.Policy == gp.Name {
			found = append(found, f.Violation)
			objects[f.Object] = true
		}
	}
	if len(found) > 0 {
		out = append(out, fmt.Sprintf("%sits rules find %d violation(s) on %d object(s) in namespace %q", prefix, len(found), len(objects), gp.Namespace))
		out = append(out, describeAll(found)...)
	}
	return capWarnings(out)
}

// describe is a violation as one line: its message, then where it comes from.
func describe(v orgv1.Violation) string {
	return fmt.Sprintf("%s (%s/%s, %s, %s)", v.Message, v.Policy, v.Rule, v.Severity, v.Enforcement)
}

func describeAll(vs []orgv1.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = describe(v)
	}
	return out
}

// capWarnings keeps the first MaxWarnings warnings, each cleaned and cut to
// MaxWarningRunes, and counts the rest in one more.
func capWarnings(ws []string) admission.Warnings {
	if len(ws) == 0 {
		return nil
	}
	n := min(len(ws), MaxWarnings)
	out := make(admission.Warnings, 0, n+1)
	for _, w := range ws[:n] {
		out = append(out, clean(w))
	}
	if rest := len(ws) - n; rest > 0 {
		out = append(out, fmt.Sprintf("... and %d more finding(s); the object's status will list them", rest))
	}
	return out
}

// clean makes s a safe warning: control characters (a CEL rule's message
// may hold newlines) become spaces, and it is cut to MaxWarningRunes.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > MaxWarningRunes {
		s = string(r[:MaxWarningRunes-1]) + "…"
	}
	return s
}

// denial is the error of an admission that Deny policies forbid; the API
// server reports it as `admission webhook "..." denied the request: ...`.
func denial(vs []orgv1.Violation) error {
	var policies []string
	seen := map[string]bool{}
	for _, v := range vs {
		if !seen[v.Policy] {
			seen[v.Policy] = true
			policies = append(policies, fmt.Sprintf("%q", v.Policy))
		}
	}
	n := min(len(vs), MaxWarnings)
	msgs := make([]string, 0, n+1)
	for _, v := range vs[:n] {
		msgs = append(msgs, clean(describe(v)))
	}
	if rest := len(vs) - n; rest > 0 {
		msgs = append(msgs, fmt.Sprintf("and %d more", rest))
	}
	return fmt.Errorf("%d violation(s) of GovernancePolicy %s (enforcement: Enforce, admission: Deny): %s",
		len(vs), strings.Join(policies, ", "), strings.Join(msgs, "; "))
}
