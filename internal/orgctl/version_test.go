package orgctl

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgplane/orgplane/internal/version"
)

func TestImageTag(t *testing.T) {
	for ref, want := range map[string]string{
		"ghcr.io/orgplane/orgplane:v0.2.0@sha256:0123": "v0.2.0",
		"ghcr.io/orgplane/orgplane:v0.2.0":             "v0.2.0",
		"ghcr.io/orgplane/orgplane@sha256:0123":        "",
		"registry:5000/orgplane":                       "",
		"registry:5000/orgplane:v1.0.0":                "v1.0.0",
		"orgplane":                                     "",
	} {
		if got := imageTag(ref); got != want {
			t.Errorf("imageTag(%q) = %q, want %q", ref, got, want)
		}
	}
}

func TestCommonVersion(t *testing.T) {
	for _, tc := range []struct {
		byCRD map[string]string
		want  string
	}{
		{map[string]string{}, "not installed"},
		{map[string]string{"teams.org.orgplane.io": "v0.2.0", "platforms.org.orgplane.io": "v0.2.0"}, "v0.2.0"},
		{map[string]string{"teams.org.orgplane.io": "v0.2.0", "platforms.org.orgplane.io": "v0.1.0"}, "mixed (v0.1.0, v0.2.0)"},
		{map[string]string{"teams.org.orgplane.io": ""}, "unknown"},
	} {
		if got := commonVersion(tc.byCRD); got != tc.want {
			t.Errorf("commonVersion(%v) = %q, want %q", tc.byCRD, got, tc.want)
		}
	}
}

// TestVersionCommand: without --cluster the plugin reads no cluster and
// prints its own version, in text and JSON.
func TestVersionCommand(t *testing.T) {
	code, out, errOut := run("", "version", "-o", "json", "--kubeconfig", "/nonexistent")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got versions
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(versions{Client: version.Get()}, got); diff != "" {
		t.Errorf("version -o json (-want +got):\n%s", diff)
	}
	if code, out, _ := run("", "version"); code != ExitOK || out != "Client Version: "+version.Get().String()+"\n" {
		t.Errorf("version: exit %d, %q", code, out)
	}
	if code, _, _ := run("", "version", "-o", "yaml"); code != ExitError {
		t.Errorf("version -o yaml: exit %d, want %d", code, ExitError)
	}
}
