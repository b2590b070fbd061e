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
// roles) has a row of docs/security.md's table, which says why, and every
// row claims only what they hold, so that a verb dropped from a role is
// dropped from its explanation; and the namespaced Role of config/namespaced
// holds nothing the ClusterRole does not.
func TestManagerRBACExplained(t *testing.T) {
	doc, err := os.ReadFile(repo.Path("docs", "security.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []row
	for _, l := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(l, "| `") {
			r, ok := parseRow(l)
			if !ok {
				t.Fatalf("docs/security.md: a row of the RBAC tables without group, resources, verbs and why: %s", l)
			}
			rows = append(rows, r)
		}
	}
	all := rules(t, rendered(t, "config/default"))
	var held []rbacv1.PolicyRule
	for _, name := range []string{"ClusterRole /orgplane-manager", "Role orgplane-system/orgplane-leader-election-role", "ClusterRole /orgplane-metrics-auth-role"} {
		rs, ok := all[name]
		if !ok {
			t.Fatalf("config/default has no %s", name)
		}
		held = append(held, rs...)
		eachGrant(rs, func(g, res, v string) {
			if !slices.ContainsFunc(rows, func(r row) bool { return r.claims(g, res, v) }) {
				t.Errorf("docs/security.md does not explain %s: %s %s.%s", name, v, res, cmp.Or(g, "core"))
			}
		})
	}
	for _, r := range rows {
		for _, g := range r.groups {
			for _, res := range r.resources {
				for _, v := range r.verbs {
					if !grants(held, g, res, v) {
						t.Errorf("docs/security.md explains %s %s.%s, which the manager does not hold", v, res, g)
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
		eachGrant(rs, func(g, res, v string) {
			if !grants(cluster, g, res, v) {
				t.Errorf("config/namespaced %s grants %s %s.%s, which the ClusterRole does not", name, v, res, g)
			}
		})
	}
}

// eachGrant calls f with every group, resource and verb that rs grant.
func eachGrant(rs []rbacv1.PolicyRule, f func(group, resource, verb string)) {
	for _, r := range rs {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					f(g, res, v)
				}
			}
		}
	}
}

// grants tells whether one of rs grants verb on group's resource.
func grants(rs []rbacv1.PolicyRule, group, resource, verb string) bool {
	return slices.ContainsFunc(rs, func(r rbacv1.PolicyRule) bool {
		return slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) && slices.Contains(r.Verbs, verb)
	})
}

// row is one row of docs/security.md's RBAC tables: "| `group` |
// `resources` | verbs | why |", the core group written `core`.
type row struct{ groups, resources, verbs []string }

func parseRow(l string) (row, bool) {
	cells := strings.Split(l, "|")
	if len(cells) < 6 {
		return row{}, false
	}
	r := row{groups: quoted(cells[1]), resources: quoted(cells[2]), verbs: strings.Fields(strings.ReplaceAll(cells[3], ",", " "))}
	for i, g := range r.groups {
		if g == "core" {
			r.groups[i] = ""
		}
	}
	return r, len(r.groups) > 0 && len(r.resources) > 0 && len(r.verbs) > 0 && strings.TrimSpace(cells[4]) != ""
}

// quoted lists the `quoted` words of a cell.
func quoted(cell string) []string {
	parts := strings.Split(cell, "`")
	var out []string
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

func (r row) claims(group, resource, verb string) bool {
	return slices.Contains(r.groups, group) && slices.Contains(r.resources, resource) && slices.Contains(r.verbs, verb)
}
