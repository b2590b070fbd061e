package image

import (
	"context"
	"fmt"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/orgplane/orgplane/internal/gobuild"
)

// BuildManager builds the manager (the main package in root) for p into
// dir/<os>_<arch>/manager with gobuild, and returns that path. The folder
// per platform lets go build skip an up-to-date link.
func BuildManager(ctx context.Context, root, dir string, p v1.Platform, ver, revision string) (string, error) {
	if p.OS != "linux" || p.Variant != "" {
		return "", fmt.Errorf("platform %s: only linux/<arch> is supported", p)
	}
	out, err := filepath.Abs(filepath.Join(dir, p.OS+"_"+p.Architecture, "manager"))
	if err != nil {
		return "", err
	}
	if err := gobuild.Build(ctx, root, ".", out, p.OS, p.Architecture, ver, revision); err != nil {
		return "", err
	}
	return out, nil
}
