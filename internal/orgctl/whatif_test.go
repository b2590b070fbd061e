package orgctl

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWhatifExitCodes(t *testing.T) {
	base := writeFile(t, "base.yaml", enforced)
	// The proposal fixes the dangling owner (clearing two findings) and
	// retires the team, whose deletion needs no spec.
	fix := writeFile(t, "fix.yaml", `apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata: {name: crm}
spec: {category: CRM, ownerRef: {name: sales}}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata: {name: sales}
spec: {function: Sales, type: Department}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata: {name: it, annotations: {orgplane.io/whatif: delete}}
`)
	// The proposal orphans a new platform: an Enforce finding.
	orphan := writeFile(t, "orphan.yaml", `apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata: {name: cdp}
spec: {category: CDP}
`)
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"clears findings", []string{"--base", base, "-f", fix}, ExitOK},
		{"adds an Enforce finding", []string{"--base", base, "-f", orphan}, ExitFailed},
		{"adds one, --fail-on=none", []string{"--base", base, "-f", orphan, "--fail-on", "none"}, ExitOK},
		{"no proposal", []string{"--base", base}, ExitError},
		{"no base", []string{"-f", fix}, ExitError},
		{"both bases", []string{"--base", base, "--base-cluster", "-f", fix}, ExitError},
		{"-A without the cluster", []string{"--base", base, "-A", "-f", fix}, ExitError},
		{"a malformed proposal", []string{"--base", base, "-f", writeFile(t, "bad.yaml", "kind: Team\napiVersion: org.orgplane.io/v1alpha1\nmetadata: {name: x}\n")}, ExitError},
		{"an unknown format", []string{"--base", base, "-f", fix, "-o", "yaml"}, ExitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, out, stderr := run("", append([]string{"whatif"}, tc.args...)...); code != tc.want {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.want, out, stderr)
			}
		})
	}
	code, out, stderr := run("", "whatif", "--base", base, "-f", fix, "-o", "json")
	var res struct {
		Cleared []struct{ Object string }
		Summary struct{ Added, Cleared int }
	}
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, stderr)
	}
	if res.Summary.Added != 0 || res.Summary.Cleared != 2 || len(res.Cleared) != 1 || res.Cleared[0].Object != "Platform/default/crm" {
		t.Errorf("json %s", out)
	}
	if _, out, _ := run("", "whatif", "--base", base, "-f", fix); !strings.Contains(out, "adds 0 findings (0 from Enforce policies) and clears 2") {
		t.Errorf("text %s", out)
	}
}
