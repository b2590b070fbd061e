package policy

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/google/cel-go/cel"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Defaults for Options.
const (
	// DefaultCELCostLimit bounds one CEL evaluation: enough for any rule over
	// one object, small enough that a runaway comprehension stops in
	// milliseconds.
	DefaultCELCostLimit uint64 = 1_000_000
	// DefaultMaxCachedPrograms bounds the compiled-program cache.
	DefaultMaxCachedPrograms = 1024
)

// Options tune an Engine; zero values take the defaults.
type Options struct {
	// CELCostLimit is the runtime cost limit of one CEL evaluation.
	CELCostLimit uint64
	// MaxCachedPrograms is how many compiled CEL programs the Engine keeps.
	MaxCachedPrograms int
}

// Engine judges objects against the governance policies of their namespace.
// It holds no state but a cache of compiled CEL programs, and is safe for
// concurrent use. It never reads a clock: callers pass now.
type Engine struct {
	env         *cel.Env
	costLimit   uint64
	maxPrograms int

	mu       sync.Mutex
	programs map[programKey]*programEntry
	uses     uint64 // logical clock of cache uses, for eviction
}

// NewEngine creates an Engine.
func NewEngine(opts Options) (*Engine, error) {
	env, err := newCELEnv()
	if err != nil {
		return nil, err
	}
	return &Engine{
		env:         env,
		costLimit:   cmp.Or(opts.CELCostLimit, DefaultCELCostLimit),
		maxPrograms: cmp.Or(opts.MaxCachedPrograms, DefaultMaxCachedPrograms),
		programs:    map[programKey]*programEntry{},
	}, nil
}

// ObjectResult is what the engine found on one object.
type ObjectResult struct {
	// Violations are all the object's findings, most severe first, then by
	// policy, rule and message. The caller caps the list to
	// orgv1.MaxViolations.
	Violations []orgv1.Violation
	// RequeueAt is the earliest future instant at which the result may change
	// by the passing of time alone (a team the result consulted expires), or
	// nil when only a change to some object can change it.
	RequeueAt *time.Time
}

// EvaluateObject judges the object ref names: the built-in reference
// integrity check and every rule of the GovernancePolicies of the object's
// namespace that judges its kind and matches its labels. It returns an empty
// result when the object does not exist.
func (e *Engine) EvaluateObject(g Graph, ref ObjectRef, now time.Time) ObjectResult {
	s := lookupSubject(g, ref)
	if s == nil {
		return ObjectResult{}
	}
	c := newEvalCtx(g, now)
	return ObjectResult{Violations: judge(c, e.prepare(g, ref.Namespace), s), RequeueAt: c.requeue()}
}

// judge collects a subject's violations, counting them on the rules.
func judge(c *evalCtx, policies []*preparedPolicy, s *subject) []orgv1.Violation {
	var vs []orgv1.Violation
	judgeEach(c, policies, s, func(_ *preparedPolicy, _ *preparedRule, rvs []orgv1.Violation) {
		vs = append(vs, rvs...)
	})
	sortViolations(vs)
	return vs
}

// judgeEach applies to a subject the built-in integrity check, then every
// rule that judges it (by policy, in spec order), counting them on the
// rules, and hands each check's violations, unsorted, to yield: p and r are
// nil for the integrity check.
func judgeEach(c *evalCtx, policies []*preparedPolicy, s *subject, yield func(p *preparedPolicy, r *preparedRule, vs []orgv1.Violation)) {
	yield(nil, nil, integrity(c, s))
	for _, p := range policies {
		for _, r := range p.rules {
			if !r.judges(s) {
				continue
			}
			r.evaluated++
			var vs []orgv1.Violation
			for _, msg := range r.check(c, s, r.rule) {
				vs = append(vs, orgv1.Violation{
					Policy:      p.name,
					Rule:        r.rule.Name,
					Severity:    r.severity,
					Enforcement: p.enforcement,
					Message:     msg,
				})
				r.violations++
			}
			yield(p, r, vs)
		}
	}
}

// severityRank orders severities, most severe first; unknown ones last.
var severityRank = map[orgv1.Severity]int{
	orgv1.SeverityCritical: 0,
	orgv1.SeverityHigh:     1,
	orgv1.SeverityMedium:   2,
	orgv1.SeverityLow:      3,
}

func rank(s orgv1.Severity) int {
	if r, ok := severityRank[s]; ok {
		return r
	}
	return len(severityRank)
}

// sortViolations orders violations by severity, policy, rule, message (and
// enforcement, so that the order is total).
func sortViolations(vs []orgv1.Violation) {
	slices.SortFunc(vs, func(a, b orgv1.Violation) int {
		return cmp.Or(
			cmp.Compare(rank(a.Severity), rank(b.Severity)),
			cmp.Compare(a.Policy, b.Policy),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Enforcement, b.Enforcement),
		)
	})
}

// evalCtx is the state of one evaluation: the graph, the instant judged,
// and what the evaluation learned along the way.
type evalCtx struct {
	g   Graph
	now time.Time
	// requeueAt is the earliest future expiry consulted; zero if none.
	requeueAt time.Time
	models    map[string]orgv1.OrganizationModel // inferred model by namespace
	views     map[ObjectRef]map[string]any       // CEL views of objects
}

func newEvalCtx(g Graph, now time.Time) *evalCtx {
	return &evalCtx{
		g:      g,
		now:    now,
		models: map[string]orgv1.OrganizationModel{},
		views:  map[ObjectRef]map[string]any{},
	}
}

// expired reports whether t has expired (expiresAt <= now). A future expiry
// is remembered, since the result that consulted it changes then.
func (c *evalCtx) expired(t *orgv1.Team) bool {
	if t.Spec.ExpiresAt == nil {
		return false
	}
	at := t.Spec.ExpiresAt.Time
	if !at.After(c.now) {
		return true
	}
	if c.requeueAt.IsZero() || at.Before(c.requeueAt) {
		c.requeueAt = at
	}
	return false
}

func (c *evalCtx) requeue() *time.Time {
	if c.requeueAt.IsZero() {
		return nil
	}
	at := c.requeueAt
	return &at
}

// model is InferModel, computed once per namespace and evaluation.
func (c *evalCtx) model(ns string) orgv1.OrganizationModel {
	m, ok := c.models[ns]
	if !ok {
		m = InferModel(c.g, ns)
		c.models[ns] = m
	}
	return m
}
