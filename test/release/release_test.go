// Package release_test runs `make release`'s script for a version and checks
// every artefact as its users' tools would: the checksums with sha256
// arithmetic, the krew manifest by installing the plugin with krew itself,
// the manifests by server-side apply against a real apiserver, and the
// versions stamped into the binaries by running them.
package release_test

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"sigs.k8s.io/yaml"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/image"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

const (
	version   = "v0.2.0"
	imageRepo = "ghcr.io/orgplane/orgplane"
)

var (
	env  *testenv.Env
	dist string
)

func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.Setup(release)) }

// release runs `make release`'s script into a temporary dist/.
func release(env *testenv.Env) error {
	tmp, err := os.MkdirTemp("", "orgplane-release-test-")
	if err != nil {
		return err
	}
	env.Cleanup(func() { os.RemoveAll(tmp) })
	dist = filepath.Join(tmp, "dist")
	cmd := exec.Command("hack/release.sh", version, imageRepo, dist)
	cmd.Dir = repo.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("hack/release.sh %s: %w\n%s", version, err, out)
	}
	return nil
}

// The platforms of the plugin's archives.
var pluginPlatforms = []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64", "windows_arm64"}

func pluginArchive(platform string) string {
	if strings.HasPrefix(platform, "windows") {
		return "kubectl-org_" + version + "_" + platform + ".zip"
	}
	return "kubectl-org_" + version + "_" + platform + ".tar.gz"
}

func TestEveryArtefact(t *testing.T) {
	want := []string{
		"checksums.txt", "crds.yaml", "install-webhook.yaml", "install.yaml", "monitoring.yaml",
		"openreports-crds.yaml", "orgplane-" + strings.TrimPrefix(version, "v") + ".tgz",
		"orgplane-image-" + version + ".tar", "orgplane.yaml", "policyreport-crds.yaml",
	}
	for _, p := range pluginPlatforms {
		want = append(want, pluginArchive(p))
	}
	slices.Sort(want)
	var got []string
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dist/ (-want +got):\n%s", diff)
	}
}

// TestChecksums: checksums.txt covers every other file, each sum right.
func TestChecksums(t *testing.T) {
	f, err := os.Open(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	for sc := bufio.NewScanner(f); sc.Scan(); {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("checksums.txt: malformed line %q", sc.Text())
		}
		listed[name] = true
		if got := sha256File(t, filepath.Join(dist, name)); got != sum {
			t.Errorf("%s: sha256 %s, checksums.txt says %s", name, got, sum)
		}
	}
	entries, _ := os.ReadDir(dist)
	for _, e := range entries {
		if e.Name() != "checksums.txt" && !listed[e.Name()] {
			t.Errorf("checksums.txt does not list %s", e.Name())
		}
	}
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

type krewPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version   string `json:"version"`
		Platforms []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			SHA256 string `json:"sha256"`
			Bin    string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

// TestKrewManifest: one platform entry per archive, with the archive's
// sha256 and a bin the archive holds, beside the LICENSE.
func TestKrewManifest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(dist, "orgplane.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var p krewPlugin
	if err := yaml.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" || p.Metadata.Name != "orgplane" || p.Spec.Version != version {
		t.Errorf("krew manifest header: %s %s %s %s", p.APIVersion, p.Kind, p.Metadata.Name, p.Spec.Version)
	}
	var platforms []string
	for _, pl := range p.Spec.Platforms {
		platform := pl.Selector.MatchLabels["os"] + "_" + pl.Selector.MatchLabels["arch"]
		platforms = append(platforms, platform)
		archive := pluginArchive(platform)
		if want := "https://github.com/orgplane/orgplane/releases/download/" + version + "/" + archive; pl.URI != want {
			t.Errorf("%s: uri %s, want %s", platform, pl.URI, want)
		}
		if got := sha256File(t, filepath.Join(dist, archive)); pl.SHA256 != got {
			t.Errorf("%s: sha256 %s, the archive's is %s", platform, pl.SHA256, got)
		}
		names := archiveNames(t, filepath.Join(dist, archive))
		if diff := cmp.Diff([]string{pl.Bin, "LICENSE"}, names); diff != "" {
			t.Errorf("%s: entries (-want +got):\n%s", archive, diff)
		}
	}
	if diff := cmp.Diff(pluginPlatforms, platforms); diff != "" {
		t.Errorf("krew platforms (-want +got):\n%s", diff)
	}
}

// archiveNames lists a .tar.gz's or .zip's entries, in order.
func archiveNames(t *testing.T, path string) []string {
	t.Helper()
	var names []string
	if strings.HasSuffix(path, ".zip") {
		z, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer z.Close()
		for _, f := range z.File {
			names = append(names, f.Name)
		}
		return names
	}
	for _, f := range readTarGz(t, path) {
		names = append(names, f.name)
	}
	return names
}

type archived struct {
	name string
	data []byte
}

// readTarGz reads a .tar.gz's files, in order.
func readTarGz(t *testing.T, path string) []archived {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var files []archived
	for tr := tar.NewReader(gz); ; {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, archived{h.Name, b})
	}
}

// TestKrewInstall installs the plugin with krew itself, from the manifest
// and this platform's archive (krew checks the archive's sha256 against the
// manifest), and runs it as kubectl runs it: `kubectl orgplane version`.
func TestKrewInstall(t *testing.T) {
	krew := repo.Tool(t, "krew", "krew")
	root := t.TempDir()
	archive := filepath.Join(dist, pluginArchive(runtime.GOOS+"_"+runtime.GOARCH))
	cmd := exec.Command(krew, "install", "--manifest="+filepath.Join(dist, "orgplane.yaml"), "--archive="+archive)
	cmd.Env = append(os.Environ(), "KREW_ROOT="+root, "KREW_NO_UPGRADE_CHECK=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("krew install: %v\n%s", err, out)
	}
	kubectl := env.KubectlCommand("orgplane", "version", "-o", "json")
	kubectl.Env = append(kubectl.Env, "PATH="+filepath.Join(root, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := kubectl.Output()
	if err != nil {
		t.Fatalf("kubectl orgplane version: %v\n%s", err, out)
	}
	var v struct {
		Client struct{ Version, Revision string } `json:"clientVersion"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v.Client.Version != version || v.Client.Revision != revision(t) {
		t.Errorf("kubectl orgplane version: %+v, want %s at %s", v.Client, version, revision(t))
	}

	// A tampered archive is refused.
	bad := filepath.Join(t.TempDir(), filepath.Base(archive))
	b, _ := os.ReadFile(archive)
	if err := os.WriteFile(bad, append(b, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(krew, "install", "--manifest="+filepath.Join(dist, "orgplane.yaml"), "--archive="+bad)
	cmd.Env = append(os.Environ(), "KREW_ROOT="+t.TempDir(), "KREW_NO_UPGRADE_CHECK=1")
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("krew installed an archive whose sha256 differs from the manifest's:\n%s", out)
	}
}

func revision(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", repo.Root(), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// TestManagerVersion: the image's manager for this machine's platform says
// the release's version and commit.
func TestManagerVersion(t *testing.T) {
	idx, _, err := image.OpenArchive(filepath.Join(dist, "orgplane-image-"+version+".tar"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	manager := extractManager(t, idx, v1.Platform{OS: "linux", Architecture: runtime.GOARCH})
	out, err := exec.Command(manager, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("/manager --version: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("orgplane manager %s (revision %s,", version, revision(t)[:12]); !strings.HasPrefix(string(out), want) {
		t.Errorf("/manager --version = %q, want the prefix %q", out, want)
	}
}

// extractManager writes the /manager of idx's image for p to a file.
func extractManager(t *testing.T, idx v1.ImageIndex, p v1.Platform) string {
	t.Helper()
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range im.Manifests {
		if d.Platform == nil || !d.Platform.Satisfies(p) {
			continue
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(mutate.Extract(img))
		for {
			h, err := tr.Next()
			if err != nil {
				t.Fatalf("no /manager in the %s image: %v", p, err)
			}
			if h.Name == "manager" || h.Name == "/manager" {
				out := filepath.Join(t.TempDir(), "manager")
				b, err := io.ReadAll(tr)
				if err == nil {
					err = os.WriteFile(out, b, 0o755)
				}
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
		}
	}
	t.Fatalf("no %s image in the index", p)
	return ""
}

// TestManifests: every manifest pins the image by the archive's digest,
// labels every object with the version, and applies server-side; then
// `kubectl org version --cluster` reads the version back from the cluster.
func TestManifests(t *testing.T) {
	idx, ref, err := image.OpenArchive(filepath.Join(dist, "orgplane-image-"+version+".tar"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	digest, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if ref != imageRepo+":"+version {
		t.Errorf("the image archive is named %q, want %s:%s", ref, imageRepo, version)
	}
	pinned := "image: " + imageRepo + ":" + version + "@" + digest.String()
	for _, name := range []string{"install.yaml", "install-webhook.yaml"} {
		if b, _ := os.ReadFile(filepath.Join(dist, name)); !bytes.Contains(b, []byte(pinned)) {
			t.Errorf("%s does not pin %q", name, pinned)
		}
	}
	for _, name := range []string{"install.yaml", "install-webhook.yaml", "crds.yaml", "policyreport-crds.yaml", "openreports-crds.yaml", "monitoring.yaml"} {
		for i, doc := range documents(t, filepath.Join(dist, name)) {
			var o struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name   string            `json:"name"`
					Labels map[string]string `json:"labels"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
				t.Fatalf("%s document %d: %v", name, i, err)
			}
			if o.Metadata.Labels["orgplane.io/version"] != version || o.Metadata.Labels["app.kubernetes.io/version"] != version {
				t.Errorf("%s: %s %s lacks the version labels: %v", name, o.Kind, o.Metadata.Name, o.Metadata.Labels)
			}
		}
	}
	for _, name := range []string{"install.yaml", "policyreport-crds.yaml", "openreports-crds.yaml"} {
		kubectl(t, "apply", "--server-side", "-f", filepath.Join(dist, name))
	}

	out := kubectl(t, "org", "version", "--cluster", "-o", "json")
	var v struct {
		Manager struct{ Version, Image string } `json:"managerVersion"`
		CRDs    struct{ Version string }        `json:"crdVersion"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v.Manager.Version != version || v.Manager.Image != imageRepo+":"+version+"@"+digest.String() || v.CRDs.Version != version {
		t.Errorf("kubectl org version --cluster: %s", out)
	}
}

// kubectl runs kubectl against the test's apiserver, with the plugin built
// from this checkout on the PATH.
func kubectl(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := env.KubectlCommand(args...)
	cmd.Env = append(cmd.Env, "PATH="+pluginDir(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
	}
	return out
}

// pluginDir holds kubectl-org unpacked from this platform's release archive.
func pluginDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(dist, "..", "plugin")
	if _, err := os.Stat(filepath.Join(dir, "kubectl-org")); err == nil {
		return dir
	}
	for _, f := range readTarGz(t, filepath.Join(dist, pluginArchive(runtime.GOOS+"_"+runtime.GOARCH))) {
		if f.name == "kubectl-org" {
			if err := errors.Join(os.MkdirAll(dir, 0o755), os.WriteFile(filepath.Join(dir, f.name), f.data, 0o755)); err != nil {
				t.Fatal(err)
			}
			return dir
		}
	}
	t.Fatal("no kubectl-org in the archive")
	return ""
}

// documents splits a multi-document YAML file.
func documents(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, d := range strings.Split(string(b), "\n---\n") {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// TestChart: the packaged chart carries the release's version and renders
// the manager with the image pinned by the archive's digest.
func TestChart(t *testing.T) {
	helm := repo.Tool(t, "helm", "helm")
	chart := filepath.Join(dist, "orgplane-"+strings.TrimPrefix(version, "v")+".tgz")
	out, err := exec.Command(helm, "show", "chart", chart).Output()
	if err != nil {
		t.Fatalf("helm show chart: %v", err)
	}
	for _, want := range []string{"\nversion: " + strings.TrimPrefix(version, "v") + "\n", "\nappVersion: " + version + "\n"} {
		if !strings.Contains("\n"+string(out), want) {
			t.Errorf("helm show chart lacks %q:\n%s", strings.TrimSpace(want), out)
		}
	}
	idx, _, err := image.OpenArchive(filepath.Join(dist, "orgplane-image-"+version+".tar"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := idx.Digest()
	out, err = exec.Command(helm, "template", "orgplane", chart, "-n", "orgplane-system", "--include-crds").Output()
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	if want := imageRepo + ":" + version + "@" + digest.String(); !bytes.Contains(out, []byte(want)) {
		t.Errorf("the chart does not render the image %s", want)
	}
	// The CRDs carry the version, as install.yaml's do.
	if n := bytes.Count(out, []byte("\n    orgplane.io/version: "+version+"\n")); n < len(orgv1.Kinds) {
		t.Errorf("%d objects of the chart carry orgplane.io/version: %s, want at least the %d CRDs", n, version, len(orgv1.Kinds))
	}
}

// TestReproducible: the plugin's archives and the krew manifest come out
// byte for byte the same from a second run on the same commit.
func TestReproducible(t *testing.T) {
	again := t.TempDir()
	out, err := exec.Command("git", "-C", repo.Root(), "log", "-1", "--format=%ct").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./hack/release", "--version="+version, "--revision="+revision(t),
		"--epoch="+strings.TrimSpace(string(out)), "--dist="+again)
	cmd.Dir = repo.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/release: %v\n%s", err, out)
	}
	names := []string{"orgplane.yaml"}
	for _, p := range pluginPlatforms {
		names = append(names, pluginArchive(p))
	}
	for _, name := range names {
		if a, b := sha256File(t, filepath.Join(dist, name)), sha256File(t, filepath.Join(again, name)); a != b {
			t.Errorf("%s differs between two runs: %s, %s", name, a, b)
		}
	}
}
