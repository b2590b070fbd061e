package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/catalog"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// kubectlOrg runs `kubectl org args...` through kubectl's plugin mechanism,
// with stdin, and returns its standard output; a failure fails t.
func kubectlOrg(t *testing.T, path string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := env.KubectlCommand(append([]string{"org"}, args...)...)
	cmd.Env = append(cmd.Env, path)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl org %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

const organization = `---
apiVersion: org.orgplane.io/v1alpha1
kind: Organization
metadata:
  name: acme
spec:
  displayName: ACME
  model: Centralized
---
apiVersion: org.orgplane.io/v1alpha1
kind: GovernancePolicy
metadata:
  name: baseline
spec:
  rules:
    - {name: model, type: OrganizationModel}
    - {name: governed, type: PlatformGoverned}
`

// team is what a round trip through Backstage keeps of a Team.
type team struct {
	Name, DisplayName, Function, Type, Parent string
	Lead                                      string
	Members                                   []orgv1.Person
}

func teamsOf(ts []orgv1.Team) []team {
	var out []team
	for _, t := range ts {
		c := team{Name: t.Name, DisplayName: t.Spec.DisplayName, Function: string(t.Spec.Function), Type: string(t.Spec.Type)}
		if t.Spec.ParentRef != nil {
			c.Parent = t.Spec.ParentRef.Name
		}
		if t.Spec.Lead != nil {
			c.Lead = t.Spec.Lead.Name
		}
		for _, m := range t.Spec.Members {
			c.Members = append(c.Members, orgv1.Person{Name: m.Name, Email: m.Email})
		}
		slices.SortFunc(c.Members, func(a, b orgv1.Person) int { return strings.Compare(a.Name, b.Name) })
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b team) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// TestAdoptAndPublish walks docs/interop.md's adoption for a Backstage
// catalog and a Peribolos config: import, apply with kubectl, wait until
// the controller has judged every object and agrees with check, export the
// live org to Backstage, validate it with Backstage's own code, and import
// it back to the same Teams.
func TestAdoptAndPublish(t *testing.T) {
	path := pluginPath(t)
	for _, c := range []struct {
		ns, from, fixture string
		args              []string
		// violations: the policy finds some (the platforms are not
		// governed), which the export must publish.
		violations bool
	}{
		{ns: "adopt-backstage", from: "backstage", fixture: repo.Path("internal", "importer", "backstage", "testdata", "acme-org.yaml"),
			args: []string{"--function-map", "infrastructure=IT,boxoffice=Commerce", "--category-map", "podcast=CMS"}, violations: true},
		{ns: "adopt-peribolos", from: "peribolos", fixture: repo.Path("internal", "importer", "peribolos", "testdata", "org.yaml")},
	} {
		t.Run(c.from, func(t *testing.T) {
			env.Namespace(t, c.ns)
			manifests := kubectlOrg(t, path, nil, append([]string{"import", "--from", c.from, "-f", c.fixture}, c.args...)...)
			// What no source has, added as the walk-through says: the
			// Organization, whose inferred model the export publishes,
			// and a policy, whose findings check and the controller must
			// agree on.
			manifests = append(manifests, []byte(organization)...)
			env.KubectlInput(t, manifests, "apply", "-n", c.ns, "-f", "-")
			env.Kubectl(t, "wait", "-n", c.ns, "--for=condition=Ready", "organizations,teams,platforms", "--all", "--timeout=60s")
			if n := converges(t, path, c.ns, manifests); c.violations != (n > 0) {
				t.Errorf("%d violations, want some: %v", n, c.violations)
			}

			published := kubectlOrg(t, path, nil, "export", "-o", "backstage", "-n", c.ns)
			validInBackstage(t, published)
			var org orgv1.Organization
			if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: c.ns, Name: "acme"}, &org); err != nil {
				t.Fatal(err)
			}
			if want := "orgplane.io/inferred-model: " + string(org.Status.InferredModel) + "\n"; org.Status.InferredModel == "" || !strings.Contains(string(published), want) {
				t.Errorf("the Domain lacks %q, the controller's status:\n%s", want, published)
			}
			if c.violations != strings.Contains(string(published), `orgplane.io/compliant: "false"`) {
				t.Errorf("the published publishes no violation of the controller's status:\n%s", published)
			}
			back := kubectlOrg(t, path, published, "import", "--from", "backstage", "-f", "-", "-o", "json")
			var list struct{ Items []orgv1.Team }
			if err := json.Unmarshal(back, &list); err != nil {
				t.Fatal(err)
			}
			list.Items = slices.DeleteFunc(list.Items, func(t orgv1.Team) bool { return t.Kind != "Team" })
			var live orgv1.TeamList
			if err := env.Client.List(context.Background(), &live, client.InNamespace(c.ns)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(teamsOf(live.Items), teamsOf(list.Items)); diff != "" {
				t.Errorf("the live Teams (-) and the Teams imported back from Backstage (+):\n%s", diff)
			}
		})
	}

	// Every namespace at once: both orgs, each entity in its namespace.
	all := kubectlOrg(t, path, nil, "export", "-o", "backstage", "-A")
	validInBackstage(t, all)
	for _, ns := range []string{"adopt-backstage", "adopt-peribolos"} {
		if !strings.Contains(string(all), "  namespace: "+ns+"\n") {
			t.Errorf("export -A lacks namespace %s", ns)
		}
	}
}

// converges waits until the controller has judged every object of ns, and
// holds its verdict to the one check gives offline for the manifests; it
// returns how many violations they agree on.
func converges(t *testing.T, path, ns string, manifests []byte) int {
	t.Helper()
	out := kubectlOrg(t, path, manifests, "check", "-n", ns, "-f", "-", "-o", "json", "--fail-on", "none")
	var doc struct{ Findings []map[string]string }
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	offline := []string{}
	for _, f := range doc.Findings {
		offline = append(offline, fmt.Sprintf("%s/%s %s %s/%s %s", f["kind"], f["name"], f["severity"], f["policy"], f["rule"], f["message"]))
	}
	slices.Sort(offline)
	deadline := time.Now().Add(30 * time.Second)
	for {
		live, err := testenv.Findings(context.Background(), env.Client, ns)
		// The violations only: the Organization's model lines are held
		// to the export's annotations instead.
		live = slices.DeleteFunc(live, func(l string) bool {
			f := strings.Fields(l)
			return len(f) < 2 || !slices.Contains(orgv1.Severities, orgv1.Severity(f[1]))
		})
		if err == nil && cmp.Equal(offline, nonNil(live)) {
			return len(offline)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the controller's verdict does not converge to check's: %v\n%s", err, cmp.Diff(offline, live))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// validInBackstage runs Backstage's own validators on the catalog and
// requires zero errors.
func validInBackstage(t *testing.T, data []byte) {
	t.Helper()
	n, errs := catalog.Validate(t, data)
	if len(errs) > 0 || n == 0 {
		t.Errorf("Backstage's validators read %d entities, with errors:\n%s", n, strings.Join(errs, "\n"))
	}
}
