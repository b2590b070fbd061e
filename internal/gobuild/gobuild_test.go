package gobuild

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLDFlags(t *testing.T) {
	want := "-s -w -X github.com/orgplane/orgplane/internal/version.Version=v1.2.3 -X github.com/orgplane/orgplane/internal/version.Revision=abc"
	if diff := cmp.Diff(want, LDFlags("v1.2.3", "abc")); diff != "" {
		t.Errorf("LDFlags (-want +got):\n%s", diff)
	}
}
