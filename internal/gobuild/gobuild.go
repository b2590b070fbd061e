// Package gobuild builds orgplane's release binaries (the manager in the
// image, the kubectl plugin in its archives) one way: static, with no local
// paths, the version stamped, and the same bytes from the same commit on
// any machine with the same Go toolchain.
package gobuild

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"

	"github.com/orgplane/orgplane/internal/version"
)

// versionPkg is the package whose variables -ldflags -X stamps, taken from
// the code so that a rename cannot silently drop the stamp.
var versionPkg = reflect.TypeFor[version.Info]().PkgPath()

// LDFlags strips the symbol tables and stamps the version and revision.
func LDFlags(ver, revision string) string {
	return fmt.Sprintf("-s -w -X %s.Version=%s -X %s.Revision=%s", versionPkg, ver, versionPkg, revision)
}

// Build builds the main package pkg of the module in root for goos/goarch
// into out. No VCS stamp (the revision comes from -ldflags; the toolchain's
// stamp would change with uncommitted files), no cgo, and the environment's
// GOFLAGS and microarchitecture levels overridden, so that two machines on
// the same toolchain build the same bytes. Writing to the same out again
// lets go build skip an up-to-date link.
func Build(ctx context.Context, root, pkg, out, goos, goarch, ver, revision string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", LDFlags(ver, revision), "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch,
		"GOFLAGS=", "GOAMD64=v1", "GOARM64=v8.0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s for %s/%s: %w\n%s", pkg, goos, goarch, err, msg)
	}
	return nil
}
