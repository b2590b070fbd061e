package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

const manifests = `
apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata: {name: it}
spec: {function: IT, type: Department}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata: {name: governed}
spec: {category: CDP, ownerRef: {name: it}, steeringCommitteeRef: {name: steering}}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata: {name: ungoverned}
spec: {category: DAM, ownerRef: {name: it}}
---
apiVersion: org.orgplane.io/v1alpha1
kind: SteeringCommittee
metadata: {name: steering}
spec: {members: [{teamRef: {name: it}}]}
---
apiVersion: org.orgplane.io/v1alpha1
kind: GovernancePolicy
metadata: {name: gate}
spec:
  enforcement: Enforce
  rules:
  - {name: governed, type: PlatformGoverned}
---
apiVersion: org.orgplane.io/v1alpha1
kind: GovernancePolicy
metadata: {name: broken}
spec:
  rules:
  - {name: bad-cel, type: CEL, match: {kinds: [Team]}, cel: {expression: "object.spec.function =="}}
`

// TestKstatusKubectlWaitAndArgoCDAgree applies an org in which one platform
// violates an Enforce policy and one policy cannot be evaluated, then checks
// for every object that `kubectl wait --for=condition=Ready`, kstatus and the
// Argo CD health script reach the same verdict.
func TestKstatusKubectlWaitAndArgoCDAgree(t *testing.T) {
	ns := env.Namespace(t, "gitops-")
	file := filepath.Join(t.TempDir(), "org.yaml")
	if err := os.WriteFile(file, []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	env.Kubectl(t, "apply", "-n", ns, "-f", file)

	want := map[string]status.Status{
		"team/it":                    status.CurrentStatus,
		"platform/governed":          status.CurrentStatus,
		"platform/ungoverned":        status.InProgressStatus, // violates the Enforce policy
		"steeringcommittee/steering": status.CurrentStatus,
		"governancepolicy/gate":      status.CurrentStatus,
		"governancepolicy/broken":    status.FailedStatus, // Stalled
	}
	argo := map[status.Status]string{status.CurrentStatus: "Healthy", status.InProgressStatus: "Progressing", status.FailedStatus: "Degraded"}

	// kubectl wait: succeeds for the Ready objects; for the others, once
	// evaluated (observedGeneration caught up), it times out.
	for name, st := range want {
		if st == status.CurrentStatus {
			env.Kubectl(t, "wait", "-n", ns, "--for=condition=Ready", "--timeout=30s", name)
			continue
		}
		env.Kubectl(t, "wait", "-n", ns, "--for=jsonpath={.status.observedGeneration}=1", "--timeout=30s", name)
		if out, err := env.KubectlCommand("wait", "-n", ns, "--for=condition=Ready", "--timeout=2s", name).CombinedOutput(); err == nil {
			t.Errorf("kubectl wait --for=condition=Ready succeeded on %s (kstatus %s)\n%s", name, st, out)
		}
	}
	for name, st := range want {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON([]byte(env.Kubectl(t, "get", "-n", ns, name, "-o", "json"))); err != nil {
			t.Fatal(err)
		}
		res, err := status.Compute(u)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != st {
			t.Errorf("%s: kstatus %s (%s), want %s", name, res.Status, res.Message, st)
		}
		if health, msg := argoHealth(t, u.Object); health != argo[st] {
			t.Errorf("%s: Argo CD health %s (%s), want %s as kstatus is %s", name, health, msg, argo[st], st)
		}
	}
}

// TestBeforeEvaluationEveryToolSaysInProgress covers the states no live
// object holds for long: the defaulted status of an unevaluated object (see
// test/api for the live check), and a status of an older generation.
func TestBeforeEvaluationEveryToolSaysInProgress(t *testing.T) {
	fresh := map[string]any{"apiVersion": "org.orgplane.io/v1alpha1", "kind": "Team",
		"metadata": map[string]any{"name": "t", "generation": int64(1)},
		"status":   map[string]any{"observedGeneration": int64(0)}}
	stale := map[string]any{"apiVersion": "org.orgplane.io/v1alpha1", "kind": "Team",
		"metadata": map[string]any{"name": "t", "generation": int64(2)},
		"status": map[string]any{"observedGeneration": int64(1), "conditions": []any{
			map[string]any{"type": "Ready", "status": "True", "reason": "Reconciled", "message": "ok"}}}}
	for name, obj := range map[string]map[string]any{"unevaluated": fresh, "older generation": stale} {
		res, err := status.Compute(&unstructured.Unstructured{Object: obj})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != status.InProgressStatus {
			t.Errorf("%s: kstatus %s, want InProgress", name, res.Status)
		}
		if health, _ := argoHealth(t, obj); health != "Progressing" {
			t.Errorf("%s: Argo CD health %s, want Progressing", name, health)
		}
	}
}

// argoHealth runs config/argocd/health.lua on obj as Argo CD does: obj is a
// global table, the script returns {status, message}.
func argoHealth(t *testing.T, obj map[string]any) (string, string) {
	t.Helper()
	script, err := os.ReadFile(repo.Path("config", "argocd", "health.lua"))
	if err != nil {
		t.Fatal(err)
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: false})
	defer L.Close()
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(string(script)); err != nil {
		t.Fatalf("health.lua: %v", err)
	}
	ret, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatalf("health.lua returned %v, not a table", L.Get(-1))
	}
	return ret.RawGetString("status").String(), ret.RawGetString("message").String()
}

func toLua(state *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case int64:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case []any:
		tbl := state.NewTable()
		for _, e := range v {
			tbl.Append(toLua(state, e))
		}
		return tbl
	case map[string]any:
		tbl := state.NewTable()
		for k, e := range v {
			tbl.RawSetString(k, toLua(state, e))
		}
		return tbl
	}
	panic(fmt.Sprintf("toLua: unexpected %T", v))
}
