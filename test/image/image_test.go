package image_test

import (
	"archive/tar"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/orgplane/orgplane/internal/image"
)

// TestImageConfig checks what a runtime reads from the image's config.
func TestImageConfig(t *testing.T) {
	needImage(t)
	cfg, err := hostImage.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field     string
		got, want any
	}{
		{"user", cfg.Config.User, "65532:65532"},
		{"entrypoint", cfg.Config.Entrypoint, []string{"/manager"}},
		{"cmd", cfg.Config.Cmd, []string(nil)},
		{"working dir", cfg.Config.WorkingDir, "/"},
		{"env", cfg.Config.Env, []string(nil)},
		{"platform", cfg.OS + "/" + cfg.Architecture, runtime.GOOS + "/" + runtime.GOARCH},
	} {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.field, diff)
		}
	}
	labels := cfg.Config.Labels
	for _, l := range []string{"source", "version", "revision", "licenses", "title", "description", "created"} {
		if labels["org.opencontainers.image."+l] == "" {
			t.Errorf("label org.opencontainers.image.%s is missing", l)
		}
	}
	if got := labels["org.opencontainers.image.source"]; got != image.Source {
		t.Errorf("source label %q, want %q", got, image.Source)
	}
	if got := labels["org.opencontainers.image.licenses"]; got != "Apache-2.0" {
		t.Errorf("licenses label %q, want Apache-2.0", got)
	}
	// Registries show the index's annotations for a multi-platform image.
	im, err := index.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(labels, im.Annotations); diff != "" {
		t.Errorf("the index's annotations are not the image's labels (-labels +annotations):\n%s", diff)
	}
	var platforms []string
	for _, d := range im.Manifests {
		platforms = append(platforms, d.Platform.String())
	}
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, platforms); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
}

// TestImageFilesystem: the manager, the two files that name its user, and
// nothing else: no shell, no package manager, nothing to exec into.
func TestImageFilesystem(t *testing.T) {
	needImage(t)
	got, err := unpack(hostImage, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"etc dir 0755 0:0",
		"etc/group file 0644 0:0",
		"etc/passwd file 0644 0:0",
		"manager file 0755 0:0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the image's files (-want +got):\n%s", diff)
	}
	// The same, said the way a reviewer asks it.
	for _, absent := range []string{
		"bin/sh", "bin/bash", "bin/ash", "bin/dash", "bin/busybox", "usr/bin/env", // shells
		"sbin/apk", "lib/apk", "etc/apk", // Alpine
		"usr/bin/apt", "usr/bin/apt-get", "usr/bin/dpkg", "var/lib/dpkg", "etc/apt", // Debian
		"usr/bin/rpm", "var/lib/rpm", "usr/bin/dnf", "usr/bin/yum", "usr/bin/microdnf", // Red Hat
	} {
		if slices.ContainsFunc(got, func(f string) bool { return strings.HasPrefix(f, absent+" ") || strings.HasPrefix(f, absent+"/ ") }) {
			t.Errorf("the image has %s", absent)
		}
	}
}

// TestImageUser: 65532 is nonroot in the image's passwd and group, and root
// is only root.
func TestImageUser(t *testing.T) {
	needImage(t)
	dir := t.TempDir()
	if _, err := unpack(hostImage, dir); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"etc/passwd", "nonroot:x:65532:65532:"},
		{"etc/group", "nonroot:x:65532:"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(strings.Split(string(data), "\n"), func(l string) bool { return strings.HasPrefix(l, tc.want) }) {
			t.Errorf("%s has no line %q...:\n%s", tc.file, tc.want, data)
		}
	}
}

// unpack writes img's filesystem (its layers flattened, as a runtime does)
// into dir and lists it as "<path> <type> <mode> <uid>:<gid>", sorted.
func unpack(img v1.Image, dir string) ([]string, error) {
	fsTar := mutate.Extract(img)
	defer fsTar.Close()
	hdrs, err := image.Untar(fsTar, dir)
	if err != nil {
		return nil, err
	}
	var list []string
	for _, h := range hdrs {
		kind := "file"
		if h.Typeflag == tar.TypeDir {
			kind = "dir"
		}
		list = append(list, fmt.Sprintf("%s %s %04o %d:%d", h.Name, kind, os.FileMode(h.Mode).Perm(), h.Uid, h.Gid))
	}
	slices.Sort(list)
	return list, nil
}
