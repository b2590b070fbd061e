// Command release writes the kubectl plugin's part of a release into the
// dist folder, then the checksums of everything in it (hack/release.sh runs
// it last, after the image, the manifests and the chart):
//
//   - kubectl-org_<version>_<os>_<arch>.tar.gz (.zip on Windows): the
//     plugin built for each platform, with LICENSE, byte for byte the same
//     for the same commit;
//   - orgplane.yaml: the krew plugin manifest, one platform entry per
//     archive with its sha256 and bin;
//   - checksums.txt: the sha256 of every file, in sha256sum's format.
//
// The krew plugin is named orgplane, as krew's naming guide asks (a name
// specific to the tool, not the generic noun "org"): krew links it as
// `kubectl orgplane`. The binary in the archives stays kubectl-org, so that
// an archive unpacked onto the PATH, like `make install-plugin`, gives
// `kubectl org`.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/orgplane/orgplane/internal/gobuild"
)

// Platforms the plugin is released for.
var platforms = []struct{ os, arch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

type options struct {
	version, revision, dist, downloads string
	epoch                              time.Time
}

func main() {
	var o options
	var epoch int64
	flag.StringVar(&o.version, "version", "", "The release version, vX.Y.Z.")
	flag.StringVar(&o.revision, "revision", "", "The source commit stamped into the plugin.")
	flag.Int64Var(&epoch, "epoch", 0, "The time of every archive entry, in seconds since 1970 (the commit time).")
	flag.StringVar(&o.dist, "dist", "dist", "The release folder.")
	flag.StringVar(&o.downloads, "downloads", "https://github.com/orgplane/orgplane/releases/download", "Where the release's files are downloaded from: the krew manifest's URIs are <downloads>/<version>/<archive>.")
	flag.Parse()
	o.epoch = time.Unix(epoch, 0).UTC()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.version == "" {
		return errors.New("--version is required")
	}
	license, err := os.ReadFile("LICENSE")
	if err != nil {
		return err
	}
	build, err := os.MkdirTemp("", "orgplane-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(build)
	var entries []krewPlatform
	for _, p := range platforms {
		bin := "kubectl-org"
		if p.os == "windows" {
			bin += ".exe"
		}
		exe := filepath.Join(build, p.os+"_"+p.arch, bin)
		if err := gobuild.Build(ctx, ".", "./cmd/kubectl-org", exe, p.os, p.arch, o.version, o.revision); err != nil {
			return err
		}
		binary, err := os.ReadFile(exe)
		if err != nil {
			return err
		}
		files := []file{{bin, 0o755, binary}, {"LICENSE", 0o644, license}}
		var archive []byte
		name := fmt.Sprintf("kubectl-org_%s_%s_%s", o.version, p.os, p.arch)
		if p.os == "windows" {
			name += ".zip"
			archive, err = zipArchive(files, o.epoch)
		} else {
			name += ".tar.gz"
			archive, err = tarGzArchive(files, o.epoch)
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(o.dist, name), archive, 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(archive)
		entries = append(entries, krewPlatform{OS: p.os, Arch: p.arch, URI: o.downloads + "/" + o.version + "/" + name, SHA256: hex.EncodeToString(sum[:]), Bin: bin})
		fmt.Fprintln(os.Stderr, "release: wrote", name)
	}
	if err := writeKrewManifest(filepath.Join(o.dist, "orgplane.yaml"), o.version, entries); err != nil {
		return err
	}
	return writeChecksums(o.dist)
}

// file is one archive entry.
type file struct {
	name string
	mode int64
	data []byte
}

// tarGzArchive writes files with fixed times and owners, and a gzip header
// without name or time, so that the same files give the same bytes.
func tarGzArchive(files []file, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	for _, f := range files {
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := errors.Join(tw.Close(), gz.Close()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// zipArchive is tarGzArchive's Windows counterpart.
func zipArchive(files []file, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		hdr := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: mtime}
		hdr.SetMode(fs.FileMode(f.mode))
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type krewPlatform struct {
	OS, Arch, URI, SHA256, Bin string
}

var krewManifest = template.Must(template.New("krew").Parse(`apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: orgplane
spec:
  version: {{.Version}}
  homepage: https://github.com/orgplane/orgplane
  shortDescription: Check, report and draw orgplane organizations
  description: |
    orgplane declares an organization's structure (teams, platforms,
    steering committees, RACI matrices and governance policies) as
    Kubernetes objects, and its controller checks them continuously.
    This plugin checks orgplane manifests offline with the controller's own
    policy engine (for CI, with JSON, JUnit and SARIF output), prints an
    audit report of a cluster's live status, and draws the organization
    chart.
  caveats: |
    Run it as "kubectl orgplane" (for example: kubectl orgplane check -f org/).
    The documentation says "kubectl org", the name of the same binary when
    installed from a release archive or with make install-plugin.
    The report and graph commands read org.orgplane.io objects: the
    orgplane CRDs must be installed in the cluster.
  platforms:
{{- range .Platforms}}
  - selector:
      matchLabels:
        os: {{.OS}}
        arch: {{.Arch}}
    uri: {{.URI}}
    sha256: {{.SHA256}}
    bin: {{.Bin}}
{{- end}}
`))

func writeKrewManifest(path, version string, entries []krewPlatform) error {
	var buf bytes.Buffer
	if err := krewManifest.Execute(&buf, struct {
		Version   string
		Platforms []krewPlatform
	}{version, entries}); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// writeChecksums writes checksums.txt: "<sha256>  <name>" per file, sorted,
// which `sha256sum -c checksums.txt` verifies.
func writeChecksums(dist string) error {
	dirents, err := os.ReadDir(dist)
	if err != nil {
		return err
	}
	var lines []string
	for _, d := range dirents {
		if d.IsDir() || d.Name() == "checksums.txt" {
			continue
		}
		f, err := os.Open(filepath.Join(dist, d.Name()))
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		if err := errors.Join(err, f.Close()); err != nil {
			return err
		}
		lines = append(lines, hex.EncodeToString(h.Sum(nil))+"  "+d.Name())
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	return os.WriteFile(filepath.Join(dist, "checksums.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
