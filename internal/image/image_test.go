package image

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

var spec = Spec{Version: "v0.2.0", Revision: "0123456789abcdef0123456789abcdef01234567", Created: time.Unix(1767225600, 0).UTC()}

var platforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}

// TestBuildIsReproducible builds the manager for every platform once, and
// the image twice from those binaries: the two archives are the same bytes
// and name the same index digest, which reading the archive back also gives.
// Binaries cost a link per platform (the build cache holds the compiled
// packages once `make image` ran); the assembly is what this test repeats.
func TestBuildIsReproducible(t *testing.T) {
	dir := t.TempDir()
	var bins []Binary
	for _, p := range platforms {
		path, err := BuildManager(context.Background(), repo.Root(), filepath.Join(dir, "bin"), p, spec.Version, spec.Revision)
		if err != nil {
			t.Fatal(err)
		}
		bins = append(bins, Binary{Platform: p, Path: path})
	}
	var archives [2][]byte
	var digests [2]v1.Hash
	for i := range archives {
		idx, err := Build(spec, bins)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "run"+string(rune('a'+i)), "image.tar")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if digests[i], err = WriteArchive(file, idx, Repository+":"+spec.Version, spec.Created); err != nil {
			t.Fatal(err)
		}
		if archives[i], err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
		read, _, err := OpenArchive(file, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if got, err := read.Digest(); err != nil || got != digests[i] {
			t.Errorf("the archive's index is %v (%v), Build's %v", got, err, digests[i])
		}
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds from the same binaries: digests %v and %v", digests[0], digests[1])
	}
	if !bytes.Equal(archives[0], archives[1]) {
		t.Errorf("two builds from the same binaries: archives differ (%d and %d bytes)", len(archives[0]), len(archives[1]))
	}
	t.Logf("index %v, archive %d bytes", digests[0], len(archives[0]))
}

// TestBuildManagerIsReproducible builds the manager twice into two folders
// and expects the same bytes: no path, VCS state or time gets in. Compiled
// packages come from the build cache, so this proves the link and the
// flags; the compiler's own determinism is the Go toolchain's promise
// (go.dev/blog/rebuild), which the build cache itself relies on.
func TestBuildManagerIsReproducible(t *testing.T) {
	p := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	var bins [2][]byte
	for i := range bins {
		path, err := BuildManager(context.Background(), repo.Root(), t.TempDir(), p, spec.Version, spec.Revision)
		if err != nil {
			t.Fatal(err)
		}
		if bins[i], err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(bins[0], bins[1]) {
		t.Errorf("two builds of the manager differ (%d and %d bytes)", len(bins[0]), len(bins[1]))
	}
}

// TestArchiveFormat checks what each loader reads (see archive.go) in an
// archive of stand-in binaries: an OCI layout whose index.json names the
// one image index for containerd and podman, a manifest.json for Docker's
// classic store and crane with the first platform's image, blobs that hash
// to their names, and fixed tar headers.
func TestArchiveFormat(t *testing.T) {
	dir := t.TempDir()
	idx := standInIndex(t, dir)
	const ref = "ghcr.io/orgplane/orgplane:v0.2.0"
	file := filepath.Join(dir, "image.tar")
	digest, err := WriteArchive(file, idx, ref, spec.Created)
	if err != nil {
		t.Fatal(err)
	}
	entries := readArchive(t, file)

	var names []string
	for name, e := range entries {
		names = append(names, name)
		if !e.hdr.ModTime.Equal(spec.Created) || e.hdr.Uid != 0 || e.hdr.Gid != 0 || e.hdr.Uname != "" || e.hdr.Gname != "" {
			t.Errorf("%s: header %+v: want mtime %v, owner 0:0 with no names", name, e.hdr, spec.Created)
		}
		if blob, ok := strings.CutPrefix(name, "blobs/sha256/"); ok && blob != "" {
			if sum := sha256.Sum256(e.data); hex.EncodeToString(sum[:]) != blob {
				t.Errorf("%s: content hashes to %x", name, sum)
			}
		}
	}
	for _, want := range []string{"oci-layout", "index.json", "manifest.json", "blobs/", "blobs/sha256/", blobPath(digest)} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s in the archive: %q", want, names)
		}
	}

	var index v1.IndexManifest
	if err := json.Unmarshal(entries["index.json"].data, &index); err != nil {
		t.Fatal(err)
	}
	want := []v1.Descriptor{{
		MediaType: types.OCIImageIndex, Digest: digest, Size: int64(len(entries[blobPath(digest)].data)),
		Annotations: map[string]string{"org.opencontainers.image.ref.name": ref, "io.containerd.image.name": ref},
	}}
	if diff := cmp.Diff(want, index.Manifests); diff != "" {
		t.Errorf("index.json (-want +got):\n%s", diff)
	}

	var docker []dockerManifestEntry
	if err := json.Unmarshal(entries["manifest.json"].data, &docker); err != nil {
		t.Fatal(err)
	}
	var archs []string
	for _, e := range docker {
		for _, p := range append([]string{e.Config}, e.Layers...) {
			if _, ok := entries[p]; !ok {
				t.Errorf("manifest.json names %s, which the archive lacks", p)
			}
		}
		var cfg v1.ConfigFile
		if err := json.Unmarshal(entries[e.Config].data, &cfg); err != nil {
			t.Fatal(err)
		}
		archs = append(archs, cfg.Architecture)
		if diff := cmp.Diff([]string{ref}, e.RepoTags); diff != "" {
			t.Errorf("manifest.json RepoTags (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff([]string{"amd64"}, archs); diff != "" {
		t.Errorf("manifest.json's images, by architecture (-want +got):\n%s", diff)
	}
}

type archiveEntry struct {
	hdr  *tar.Header
	data []byte
}

func readArchive(t *testing.T, file string) map[string]archiveEntry {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries := map[string]archiveEntry{}
	var order []string
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries[hdr.Name] = archiveEntry{hdr, data}
		order = append(order, hdr.Name)
	}
	if !slices.IsSorted(order) {
		t.Errorf("entries are not sorted: %q", order)
	}
	return entries
}

// TestArchiveInRegistries pushes the archive into a registry (the
// in-memory one of go-containerregistry) the two ways docs/install.md
// gives: as crane push reads a file (one image, the first platform), and as
// make image-push and crane push on the unpacked folder do (the whole index,
// keeping its digest, which install.yaml pins).
func TestArchiveInRegistries(t *testing.T) {
	dir := t.TempDir()
	idx := standInIndex(t, dir)
	file := filepath.Join(dir, "image.tar")
	digest, err := WriteArchive(file, idx, "ghcr.io/orgplane/orgplane:v0.2.0", spec.Created)
	if err != nil {
		t.Fatal(err)
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")

	img, err := crane.Load(file)
	if err != nil {
		t.Fatalf("crane push %s: loading the file: %v", file, err)
	}
	if err := crane.Push(img, host+"/orgplane/single:v0.2.0"); err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Architecture != platforms[0].Architecture {
		t.Errorf("crane push of the file pushed the %s image, want the first platform's, %s", cfg.Architecture, platforms[0].Architecture)
	}

	opened, _, err := OpenArchive(file, filepath.Join(dir, "layout"))
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(host + "/orgplane/orgplane:v0.2.0")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(tag, opened); err != nil {
		t.Fatal(err)
	}
	got, err := crane.Digest(tag.String())
	if err != nil {
		t.Fatal(err)
	}
	if got != digest.String() {
		t.Errorf("the registry serves the pushed index as %s, want the archive's %s", got, digest)
	}
}

// standInIndex builds the image index of stand-in binaries written in dir.
func standInIndex(t *testing.T, dir string) v1.ImageIndex {
	t.Helper()
	var bins []Binary
	for _, p := range platforms {
		path := filepath.Join(dir, p.Architecture)
		if err := os.WriteFile(path, []byte("#!manager for "+p.Architecture), 0o755); err != nil {
			t.Fatal(err)
		}
		bins = append(bins, Binary{Platform: p, Path: path})
	}
	idx, err := Build(spec, bins)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}
