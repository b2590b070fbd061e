// Package version holds the release version and source revision of
// orgplane's binaries. Releases stamp both at link time:
//
//	-ldflags "-X github.com/orgplane/orgplane/internal/version.Version=v0.2.0
//	          -X github.com/orgplane/orgplane/internal/version.Revision=<commit>"
//
// An unstamped build (go build, go run) reports a development version and the
// commit the Go toolchain recorded, so that a bug report still names its code.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set with -ldflags -X; see the package doc.
var (
	Version  = "v0.0.0-dev"
	Revision = ""
)

// Info is what a binary reports about itself.
type Info struct {
	Version   string `json:"version"`
	Revision  string `json:"revision,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns this binary's version information.
func Get() Info {
	rev := Revision
	if rev == "" {
		rev = vcsRevision()
	}
	return Info{Version: Version, Revision: rev, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
}

// String is the one-line form printed by --version.
func (i Info) String() string {
	rev := i.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		rev = "unknown"
	}
	return fmt.Sprintf("%s (revision %s, %s, %s)", i.Version, rev, i.GoVersion, i.Platform)
}

// vcsRevision is the commit the toolchain stamped into a build from a git
// checkout, with "-dirty" when the tree had local changes.
func vcsRevision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
