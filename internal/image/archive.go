package image

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// The archive is an OCI image layout in a tar, with what each loader reads:
//
//   - index.json lists one descriptor, the multi-platform index, annotated
//     with the image's full name twice: io.containerd.image.name, which
//     containerd's importer (`ctr images import`, so `kind load
//     image-archive`, and docker with the containerd image store) names the
//     image by, and org.opencontainers.image.ref.name, which podman (and
//     skopeo's oci-archive) read; podman also reads the containerd one
//     (containers/common#853). containerd and podman ignore manifest.json
//     once an oci-layout file is present.
//   - manifest.json, the docker-archive index, naming the first platform's
//     image only, its blobs shared with the layout. Docker's classic image
//     store (moby image/tarexport/load.go) reads only this file and fails
//     without it; `crane push FILE IMAGE` reads a file as a docker tarball
//     holding exactly one image (go-containerregistry
//     cmd/crane/cmd/push.go, pkg/v1/tarball), and pushes that image. Both
//     thus get the first platform (make image PLATFORMS=linux/arm64,... puts
//     arm64 first); the index with every platform goes through the layout:
//     `make image-push`, or `crane push DIR IMAGE` on the unpacked archive.
const (
	annotationRefName        = "org.opencontainers.image.ref.name"
	annotationContainerdName = "io.containerd.image.name"
)

// dockerManifestEntry is one image of manifest.json.
type dockerManifestEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// WriteArchive writes idx, named ref (a tagged reference), as an OCI image
// layout archive at file, replacing it atomically, with every entry's time
// mtime. It returns the index's digest.
func WriteArchive(file string, idx v1.ImageIndex, ref string, mtime time.Time) (v1.Hash, error) {
	if _, err := name.NewTag(ref); err != nil {
		return v1.Hash{}, fmt.Errorf("image name %q: %w", ref, err)
	}
	dir, err := os.MkdirTemp(filepath.Dir(file), ".image-layout-")
	if err != nil {
		return v1.Hash{}, err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		annotationRefName: ref, annotationContainerdName: ref,
	})); err != nil {
		return v1.Hash{}, err
	}
	manifest, err := dockerManifest(idx, ref)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := p.WriteFile("manifest.json", manifest, 0o644); err != nil {
		return v1.Hash{}, err
	}
	files, err := readTree(dir)
	if err != nil {
		return v1.Hash{}, err
	}
	tmp := file + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return v1.Hash{}, err
	}
	err = writeTar(out, mtime, files)
	if err = errors.Join(err, out.Close()); err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		return v1.Hash{}, errors.Join(err, os.Remove(tmp))
	}
	return idx.Digest()
}

// dockerManifest lists the first image of idx for Docker's classic store
// and crane (see the comment on the archive's format).
func dockerManifest(idx v1.ImageIndex, ref string) ([]byte, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(im.Manifests) == 0 {
		return nil, errors.New("the image index is empty")
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		return nil, err
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	e := dockerManifestEntry{Config: blobPath(m.Config.Digest), RepoTags: []string{ref}}
	for _, l := range m.Layers {
		e.Layers = append(e.Layers, blobPath(l.Digest))
	}
	return json.Marshal([]dockerManifestEntry{e})
}

func blobPath(h v1.Hash) string { return path.Join("blobs", h.Algorithm, h.Hex) }

// readTree reads every folder and file under dir, in lexical order, never
// following a link out of it.
func readTree(dir string) (files []file, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, root.Close()) }()
	tree := root.FS()
	err = fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		if d.IsDir() {
			files = append(files, file{name: p + "/", mode: 0o755})
			return nil
		}
		data, err := fs.ReadFile(tree, p)
		files = append(files, file{name: p, mode: 0o644, data: data})
		return err
	})
	return files, err
}

// OpenArchive unpacks the archive at file into dir, which must outlive the
// index, and returns the index it names and that name.
func OpenArchive(file, dir string) (v1.ImageIndex, string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, "", err
	}
	_, err = Untar(f, dir)
	if err = errors.Join(err, f.Close()); err != nil {
		return nil, "", fmt.Errorf("%s: %w", file, err)
	}
	l, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", file, err)
	}
	im, err := l.IndexManifest()
	if err != nil {
		return nil, "", err
	}
	if len(im.Manifests) != 1 || !im.Manifests[0].MediaType.IsIndex() {
		return nil, "", fmt.Errorf("%s: index.json: want one image index, got %d entries", file, len(im.Manifests))
	}
	d := im.Manifests[0]
	idx, err := l.ImageIndex(d.Digest)
	return idx, d.Annotations[annotationRefName], err
}

// Untar writes the folders and regular files of a tar stream into dir, with
// their modes, and returns their headers. It refuses names that would leave
// dir and every other type of entry: neither the archive nor the image has
// any.
func Untar(r io.Reader, dir string) (hdrs []*tar.Header, err error) {
	// Every write goes through root, which no name or link can leave.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, root.Close()) }()
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hdrs, nil
		}
		if err != nil {
			return nil, err
		}
		if !filepath.IsLocal(hdr.Name) {
			return nil, fmt.Errorf("entry %q: outside the tree", hdr.Name)
		}
		entry, mode := filepath.FromSlash(hdr.Name), os.FileMode(hdr.Mode).Perm()
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = errors.Join(root.MkdirAll(entry, mode), root.Chmod(entry, mode))
		case tar.TypeReg:
			err = writeFile(root, entry, mode, tr)
		default:
			err = fmt.Errorf("entry %q: type %c: want only folders and regular files", hdr.Name, hdr.Typeflag)
		}
		if err != nil {
			return nil, err
		}
		hdrs = append(hdrs, hdr)
	}
}

func writeFile(root *os.Root, target string, mode os.FileMode, r io.Reader) error {
	if err := root.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := root.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	// Chmod: the umask narrowed OpenFile's mode.
	return errors.Join(err, f.Close(), root.Chmod(target, mode))
}
