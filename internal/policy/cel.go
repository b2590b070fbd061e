package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	apitypes "k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// maxExpressionLength matches the API's bound on cel.expression, so that
// manifests the API server would reject are rejected here too.
const maxExpressionLength = 4096

// newCELEnv declares the variables every CEL rule sees: object, and for a
// Platform owner and committee (null otherwise). All are dyn, JSON-shaped
// maps, so field names are the API's JSON names.
func newCELEnv() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("object", cel.DynType),
		cel.Variable("owner", cel.DynType),
		cel.Variable("committee", cel.DynType),
		cel.ParserExpressionSizeLimit(maxExpressionLength),
	)
}

// programKey names a CEL rule; the cache keeps one program per rule.
type programKey struct{ namespace, policy, rule string }

// programEntry is a compiled rule, valid for one policy UID, generation and
// expression. The expression is compared too because objects that never
// went through an API server (manifests, tests) all have generation 0.
type programEntry struct {
	uid        apitypes.UID
	generation int64
	expression string
	prg        cel.Program
	err        error
	lastUse    uint64
}

// program returns the compiled program of a CEL rule, compiling it on first
// use and whenever the policy's UID, generation or the expression changes
// (which replaces the stale entry). When the cache is full, the least
// recently used entry is evicted.
func (e *Engine) program(p *orgv1.GovernancePolicy, r *orgv1.Rule) (cel.Program, error) {
	key := programKey{namespace: p.Namespace, policy: p.Name, rule: r.Name}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.uses++
	en := e.programs[key]
	if en == nil || en.uid != p.UID || en.generation != p.Generation || en.expression != r.CEL.Expression {
		if en == nil && len(e.programs) >= e.maxPrograms {
			e.evictLeastRecentlyUsed()
		}
		en = &programEntry{uid: p.UID, generation: p.Generation, expression: r.CEL.Expression}
		en.prg, en.err = e.compile(r.CEL.Expression)
		e.programs[key] = en
	}
	en.lastUse = e.uses
	return en.prg, en.err
}

// evictLeastRecentlyUsed drops one entry; a linear scan, as eviction only
// happens when more rules exist than the cache holds.
func (e *Engine) evictLeastRecentlyUsed() {
	var oldest programKey
	var oldestUse uint64
	found := false
	for k, en := range e.programs {
		if !found || en.lastUse < oldestUse {
			oldest, oldestUse, found = k, en.lastUse, true
		}
	}
	delete(e.programs, oldest)
}

// compile checks an expression and plans it with the cost limit. Errors
// keep the position ("ERROR: <input>:1:8: ...") but not the source excerpt
// that cel-go adds on further lines, so they fit a condition message.
func (e *Engine) compile(expr string) (cel.Program, error) {
	ast, iss := e.env.Compile(expr)
	if err := iss.Err(); err != nil {
		var lines []string
		for _, l := range strings.Split(err.Error(), "\n") {
			if strings.HasPrefix(l, "ERROR:") {
				lines = append(lines, l)
			}
		}
		return nil, fmt.Errorf("%s", strings.Join(lines, "; "))
	}
	if t := ast.OutputType(); t.Kind() != types.BoolKind && t.Kind() != types.DynKind {
		return nil, fmt.Errorf("expression has type %s, want bool", cel.FormatCELType(t))
	}
	return e.env.Program(ast, cel.CostLimit(e.costLimit))
}

// defaultCELMessage is reported when a CEL rule gives no cel.message.
func defaultCELMessage(rule string) string {
	return fmt.Sprintf("CEL rule %q is not satisfied", rule)
}

// celCheck judges objects with a compiled rule. The message is the rule's
// cel.message after the object prefix. An evaluation that fails at run time
// (a missing field, the cost limit, a non-bool result) is a violation too,
// reporting the error: a rule that cannot be shown to hold does not hold,
// and the finding lands on the object the expression could not judge.
func celCheck(prg cel.Program, r *orgv1.Rule) checkFunc {
	msg := r.CEL.Message
	if msg == "" {
		msg = defaultCELMessage(r.Name)
	}
	return func(c *evalCtx, s *subject, _ *orgv1.Rule) []problem {
		ok, err := evalBool(prg, c.celVars(s))
		switch {
		case err != nil:
			return []problem{{message: s.prefix() + fmt.Sprintf("CEL rule %q could not be evaluated: %v", r.Name, err)}}
		case !ok:
			return []problem{{message: s.prefix() + msg}}
		}
		return nil
	}
}

func evalBool(prg cel.Program, vars map[string]any) (bool, error) {
	out, _, err := prg.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("expression returned %s, want bool", out.Type().TypeName())
	}
	return bool(b), nil
}

// celVars binds object, owner and committee for a subject.
func (c *evalCtx) celVars(s *subject) map[string]any {
	vars := map[string]any{"object": c.view(s.ref, s.obj), "owner": types.NullValue, "committee": types.NullValue}
	p, ok := s.obj.(*orgv1.Platform)
	if !ok {
		return vars
	}
	if owner := lookupTeam(c.g, p.Namespace, p.Spec.OwnerRef); owner != nil {
		vars["owner"] = c.view(refOf(owner), owner)
	}
	if r := p.Spec.SteeringCommitteeRef; r != nil {
		ref := refKey(orgv1.KindSteeringCommittee, p.Namespace, r.Namespace, r.Name)
		if sc := resolve(c.g, ref); sc != nil {
			vars["committee"] = c.view(ref, sc)
		}
	}
	return vars
}

// view is an object as CEL sees it, built once per evaluation.
func (c *evalCtx) view(ref ObjectRef, obj metav1.Object) map[string]any {
	v, ok := c.views[ref]
	if !ok {
		v = celView(ref.Kind, obj)
		c.views[ref] = v
	}
	return v
}

// celView is the JSON shape of an object: apiVersion, kind, metadata (name,
// namespace, labels, annotations; the maps always present) and spec. Status
// is left out on purpose: a rule reading the findings it produces would
// never settle.
func celView(kind orgv1.Kind, obj metav1.Object) map[string]any {
	var spec any
	switch o := obj.(type) {
	case *orgv1.Organization:
		spec = o.Spec
	case *orgv1.Team:
		spec = o.Spec
	case *orgv1.Platform:
		spec = o.Spec
	case *orgv1.SteeringCommittee:
		spec = o.Spec
	case *orgv1.ResponsibilityMatrix:
		spec = o.Spec
	}
	nonNil := func(m map[string]string) map[string]string {
		if m == nil {
			return map[string]string{}
		}
		return m
	}
	doc := map[string]any{
		"apiVersion": orgv1.GroupVersion.String(),
		"kind":       string(kind),
		"metadata": map[string]any{
			"name":        obj.GetName(),
			"namespace":   obj.GetNamespace(),
			"labels":      nonNil(obj.GetLabels()),
			"annotations": nonNil(obj.GetAnnotations()),
		},
		"spec": spec,
	}
	// A round trip through JSON gives the API's field names and drops
	// omitted fields, so has(object.spec.vendor) means what users expect.
	// It cannot fail on these types.
	b, _ := json.Marshal(doc)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return v
}
