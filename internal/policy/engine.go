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

// Evaluate judges every object of every namespace of g. The result depends
// only on g's contents and now.
func (e *Engine) Evaluate(g Graph, now time.Time) *Evaluation {
	return e.evaluate(g, g.Namespaces(), nil, now)
}

// EvaluateNamespace judges every object of one namespace, as Evaluate
// would, and summarizes the namespace.
func (e *Engine) EvaluateNamespace(g Graph, namespace string, now time.Time) *Evaluation {
	return e.evaluate(g, []string{namespace}, nil, now)
}

// EvaluateObject judges the object ref names, as Evaluate would: the
// built-in reference integrity check and every rule of the
// GovernancePolicies of its namespace that judges its kind and matches its
// labels. It judges nothing when the object does not exist.
func (e *Engine) EvaluateObject(g Graph, ref ObjectRef, now time.Time) *Evaluation {
	return e.evaluate(g, []string{ref.Namespace}, &ref, now)
}

// evaluate judges the objects of namespaces, or only the object only names.
func (e *Engine) evaluate(g Graph, namespaces []string, only *ObjectRef, now time.Time) *Evaluation {
	c := newEvalCtx(g, now)
	ev := &Evaluation{}
	for _, ns := range namespaces {
		policies := e.prepare(g, ns)
		var subs []*subject
		if only == nil {
			subs = subjects(g, ns)
		} else if s := lookupSubject(g, *only); s != nil {
			subs = []*subject{s}
		}
		first := len(ev.Objects)
		ev.Objects = slices.Grow(ev.Objects, len(subs))
		for _, s := range subs {
			ev.Objects = append(ev.Objects, judge(c, policies, s))
		}
		for _, p := range policies {
			ev.Policies = append(ev.Policies, p.result())
		}
		if only == nil {
			ev.Namespaces = append(ev.Namespaces, NamespaceResult{
				Namespace: ns,
				Model:     c.model(ns),
				Martech:   c.martech(ns),
				Summary:   summarize(g, ns, ev.Objects[first:]),
			})
		}
	}
	ev.RequeueAt = c.requeue()
	return ev
}

// judge applies to a subject the built-in integrity check, then every rule
// that judges it (by policy, in spec order), counting them on the rules.
func judge(c *evalCtx, policies []*preparedPolicy, s *subject) ObjectResult {
	o := ObjectResult{Ref: s.ref, UID: s.obj.GetUID(), Generation: s.obj.GetGeneration(), Verdicts: make([]Verdict, 0, 1+judging(policies, s))}
	o.Verdicts = append(o.Verdicts, verdict(s, Integrity, integrity(c, s)))
	for _, p := range policies {
		for _, r := range p.rules {
			if !r.judges(s) {
				continue
			}
			v := verdict(s, r.ref, r.check(c, s, r.rule))
			r.evaluated++
			r.violations += int32(len(v.Findings))
			o.Verdicts = append(o.Verdicts, v)
		}
	}
	switch obj := s.obj.(type) {
	case *orgv1.SteeringCommittee:
		o.Coverage = coverage(c.g, policies, s, obj)
	case *orgv1.Organization:
		o.Transition = c.transition(obj)
	}
	return o
}

// judging counts the rules that may judge s, whatever its labels.
func judging(policies []*preparedPolicy, s *subject) int {
	n := 0
	for _, p := range policies {
		for _, r := range p.rules {
			if r.err == nil && slices.Contains(r.kinds, s.ref.Kind) {
				n++
			}
		}
	}
	return n
}

// verdict turns a rule's problems with a subject into its findings.
func verdict(s *subject, rule RuleRef, problems []problem) Verdict {
	v := Verdict{Rule: rule}
	for _, p := range problems {
		v.Findings = append(v.Findings, Finding{Object: s.ref, Field: p.field, Violation: orgv1.Violation{
			Policy:      rule.Policy,
			Rule:        rule.Rule,
			Severity:    rule.Severity,
			Enforcement: rule.Enforcement,
			Message:     p.message,
		}})
	}
	sortFindings(v.Findings)
	return v
}

// summarize counts a namespace's objects and the findings on them.
func summarize(g Graph, ns string, objects []ObjectResult) orgv1.OrganizationSummary {
	sum := orgv1.OrganizationSummary{
		Teams:                  count(g.Teams(ns)),
		Platforms:              count(g.Platforms(ns)),
		SteeringCommittees:     count(g.SteeringCommittees(ns)),
		ResponsibilityMatrices: count(g.ResponsibilityMatrices(ns)),
		GovernancePolicies:     count(g.GovernancePolicies(ns)),
	}
	counts := NewCounts()
	for _, o := range objects {
		for _, v := range o.Verdicts {
			for _, f := range v.Findings {
				counts.Add(f.Violation)
				sum.Violations++
			}
		}
	}
	for sev, n := range counts.BySeverity {
		if sum.ViolationsBySeverity == nil {
			sum.ViolationsBySeverity = map[string]int32{}
		}
		sum.ViolationsBySeverity[string(sev)] = int32(n)
	}
	return sum
}

// count counts the non-nil objects of a list.
func count[T comparable](l []T) int32 {
	var zero T
	var n int32
	for _, o := range l {
		if o != zero {
			n++
		}
	}
	return n
}

// evalCtx is the state of one evaluation: the graph, the instant judged,
// and what the evaluation learned along the way.
type evalCtx struct {
	g     Graph
	now   time.Time
	teams *hierarchy
	refs  []fieldRef // integrity's buffer, reused from object to object
	// requeueAt is the earliest future instant consulted; zero if none.
	requeueAt   time.Time
	countedByNS map[string][]counted         // platforms that count, by namespace
	models      map[string]ModelInference    // inferred model by namespace
	martechs    map[string]MartechInference  // inferred martech model by namespace
	views       map[ObjectRef]map[string]any // CEL views of objects
}

func newEvalCtx(g Graph, now time.Time) *evalCtx {
	return &evalCtx{
		g:           g,
		now:         now,
		teams:       newHierarchy(g),
		countedByNS: map[string][]counted{},
		models:      map[string]ModelInference{},
		martechs:    map[string]MartechInference{},
		views:       map[ObjectRef]map[string]any{},
	}
}

// reached reports whether the instant at has come (at <= now). A future
// instant is remembered, since the result that consulted it changes then.
func (c *evalCtx) reached(at time.Time) bool {
	if !at.After(c.now) {
		return true
	}
	if c.requeueAt.IsZero() || at.Before(c.requeueAt) {
		c.requeueAt = at
	}
	return false
}

// expired reports whether t has expired (expiresAt <= now), remembering a
// future expiry.
func (c *evalCtx) expired(t *orgv1.Team) bool {
	return t.Spec.ExpiresAt != nil && c.reached(t.Spec.ExpiresAt.Time)
}

func (c *evalCtx) requeue() *time.Time {
	if c.requeueAt.IsZero() {
		return nil
	}
	at := c.requeueAt
	return &at
}

// model is inferModel, computed once per namespace and evaluation.
func (c *evalCtx) model(ns string) ModelInference { return memo(c.models, ns, c.inferModel) }

// martech is inferMartech, computed once per namespace and evaluation.
func (c *evalCtx) martech(ns string) MartechInference { return memo(c.martechs, ns, c.inferMartech) }

// memo returns m[key], computing and keeping it on the first call.
func memo[T any](m map[string]T, key string, compute func(string) T) T {
	v, ok := m[key]
	if !ok {
		v = compute(key)
		m[key] = v
	}
	return v
}
