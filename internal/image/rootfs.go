package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The users and groups of the image, as distroless writes them: root for
// files, nonroot (65532) to run as. No shell exists; /sbin/nologin is only a
// name.
const (
	passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" //nolint:gosec // G101: /etc/passwd's format holds no password ("x": see the absent shadow file)
	group  = "root:x:0:\nnonroot:x:65532:\n"
)

// file is one entry of the image's filesystem, owned by root.
type file struct {
	name string
	mode int64
	data []byte // nil for a directory
}

// rootfsLayer is the image's only layer: /etc/group, /etc/passwd and the
// manager, in tar order. It is compressed once here, at the default gzip
// level, so that its digest and the written bytes come from one pass.
func rootfsLayer(manager string, mtime time.Time) (v1.Layer, error) {
	bin, err := os.ReadFile(manager)
	if err != nil {
		return nil, err
	}
	var raw bytes.Buffer
	if err := writeTar(&raw, mtime, []file{
		{"etc/", 0o755, nil},
		{"etc/group", 0o644, []byte(group)},
		{"etc/passwd", 0o644, []byte(passwd)},
		{Entrypoint[1:], 0o755, bin},
	}); err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz) // no name or time in the gzip header
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(gz.Bytes())), nil
	}, tarball.WithMediaType(types.OCILayer))
}

// writeTar writes files in their order with fixed headers: only the name,
// the mode, the size and mtime vary, so equal files give equal bytes.
func writeTar(w io.Writer, mtime time.Time, files []file) error {
	tw := tar.NewWriter(w)
	for _, f := range files {
		hdr := &tar.Header{
			Name:    f.name,
			Mode:    f.mode,
			Size:    int64(len(f.data)),
			ModTime: mtime,
			Format:  tar.FormatUSTAR,
		}
		if f.data == nil {
			hdr.Typeflag = tar.TypeDir
		} else {
			hdr.Typeflag = tar.TypeReg
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return tw.Close()
}
