package security

import (
	"cmp"
	"os"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

// installs are the kustomizations a user installs orgplane with.
var installs = []string{"config/default", "config/namespaced", "config/webhook-certmanager"}

// rules are the rules of every Role and ClusterRole that objs hold, by
// "Kind namespace/name".
func rules(t *testing.T, objs []*unstructured.Unstructured) map[string][]rbacv1.PolicyRule {
	t.Helper()
	out := map[string][]rbacv1.PolicyRule{}
	for _, o := range objs {
		if o.GetKind() != "Role" && o.GetKind() != "ClusterRole" {
			continue
		}
		var r rbacv1.ClusterRole // a Role has the same rules
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &r); err != nil {
			t.Fatal(err)
		}
		out[o.GetKind()+" "+o.GetNamespace()+"/"+o.GetName()] = r.Rules
	}
	return out
}

// TestNoWildcards: no role of any install grants a wildcard group,
// resource, verb or name. test/image holds the running manager's effective
// access to the same rule (SelfSubjectRulesReview).
func TestNoWildcards(t *testing.T) {
	for _, dir := range installs {
		for name, rs := range rules(t, rendered(t, dir)) {
			for _, r := range rs {
				for _, l := range [][]string{r.APIGroups, r.Resources, r.Verbs, r.ResourceNames, r.NonResourceURLs} {
					if slices.ContainsFunc(l, func(s string) bool { return strings.Contains(s, "*") }) {
						t.Errorf("%s: %s has a wildcard rule: %+v", dir, name, r)
					}
				}
			}
		}
	}
}

// TestManagerRBACExplained: every group, resource and verb the manager
// holds (the ClusterRole orgplane-manager, the leader election and metrics
// roles) has a row of docs/security.md's table, which says why; and the
// namespaced Role of config/namespaced holds nothing the ClusterRole does
// not.
func TestManagerRBACExplained(t *testing.T) {
	doc, err := os.ReadFile(repo.Path("docs", "security.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(l, "| `") {
			rows = append(rows, l)
		}
	}
	all := rules(t, rendered(t, "config/default"))
	for _, name := range []string{"ClusterRole /orgplane-manager", "Role orgplane-system/orgplane-leader-election-role", "ClusterRole /orgplane-metrics-auth-role"} {
		rs, ok := all[name]
		if !ok {
			t.Fatalf("config/default has no %s", name)
		}
		for _, r := range rs {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					for _, v := range r.Verbs {
						if !slices.ContainsFunc(rows, func(row string) bool { return explains(row, g, res, v) }) {
							t.Errorf("docs/security.md does not explain %s: %s %s.%s", name, v, res, cmp.Or(g, "core"))
						}
					}
				}
			}
		}
	}
	cluster := all["ClusterRole /orgplane-manager"]
	for name, rs := range rules(t, rendered(t, "config/namespaced")) {
		if !strings.HasPrefix(name, "Role team-") {
			continue
		}
		for _, r := range rs {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					for _, v := range r.Verbs {
						if !slices.ContainsFunc(cluster, func(c rbacv1.PolicyRule) bool {
							return slices.Contains(c.APIGroups, g) && slices.Contains(c.Resources, res) && slices.Contains(c.Verbs, v)
						}) {
							t.Errorf("config/namespaced %s grants %s %s.%s, which the ClusterRole does not", name, v, res, g)
						}
					}
				}
			}
		}
	}
}

// explains tells whether a table row ("| `group` | `resources` | verbs |
// why |") covers group, resource and verb.
func explains(row, group, resource, verb string) bool {
	cells := strings.Split(row, "|")
	if len(cells) < 5 {
		return false
	}
	return strings.Contains(cells[1], "`"+cmp.Or(group, "core")+"`") &&
		strings.Contains(cells[2], "`"+resource+"`") &&
		slices.Contains(strings.Fields(strings.ReplaceAll(cells[3], ",", " ")), verb)
}
