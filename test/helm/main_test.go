// Package helm_test checks the Helm chart (charts/orgplane) with the helm
// that `make helm` builds into bin/helm: it lints, its renderings apply
// server-side to a real kube-apiserver (with cert-manager's and
// prometheus-operator's CRDs installed), and with default values it renders
// exactly the objects of install.yaml (config/default), so that the two
// install paths cannot drift.
package helm_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// namespace is the release's namespace, the one config/default uses, so
// that the chart's and kustomize's renderings compare as they are.
const namespace = "orgplane-system"

var (
	// helmBin is bin/helm, empty when `make helm` has not built it.
	helmBin = repo.Path("bin", "helm")
	chart   = repo.Path("charts", "orgplane")
	// The CRDs that the chart's optional objects need, and the make targets
	// that write them; crdDirs holds those present.
	certManagerCRDs = repo.Path("bin", "crds", "cert-manager")
	monitoringCRDs  = repo.Path("bin", "crds", "monitoring")
	crdTargets      = map[string]string{certManagerCRDs: "helm", monitoringCRDs: "monitoring-crds"}
	crdDirs         = map[string]bool{}
	env             *testenv.Env
)

func TestMain(m *testing.M) {
	if _, err := os.Stat(helmBin); err != nil {
		helmBin = ""
		os.Exit(m.Run()) // every test skips, naming `make helm`
	}
	var crds []string
	for dir := range crdTargets {
		if _, err := os.Stat(dir); err == nil {
			crdDirs[dir] = true
			crds = append(crds, dir)
		}
	}
	testenv.Main(m, &env, testenv.WithCRDs(crds...))
}

// needHelm skips (fails under CI) a test when bin/helm is missing.
func needHelm(t *testing.T) {
	t.Helper()
	if helmBin == "" {
		repo.NeedTool(t, "bin/helm is missing", "helm")
	}
}

// needCRDs skips (fails under CI) a test when dir, a folder of CRDs that a
// tools target writes, was missing when the control plane started.
func needCRDs(t *testing.T, dir string) {
	t.Helper()
	if !crdDirs[dir] {
		rel, _ := filepath.Rel(repo.Root(), dir)
		repo.NeedTool(t, rel+" is missing", crdTargets[dir])
	}
}

// helm runs bin/helm and returns its standard output, failing the test with
// its standard error.
func helm(t *testing.T, args ...string) []byte {
	t.Helper()
	needHelm(t)
	cmd := exec.Command(helmBin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// template renders the chart as the release "orgplane" in namespace, with
// its CRDs, and args (--set, -f).
func template(t *testing.T, args ...string) []byte {
	t.Helper()
	return helm(t, append([]string{"template", "orgplane", chart, "--namespace", namespace, "--include-crds"}, args...)...)
}

// dryRun applies manifests server-side without persisting them, as a
// server-side apply (as `make deploy` does) that takes over the fields of
// the CRDs envtest installed.
func dryRun(t *testing.T, manifests []byte) {
	t.Helper()
	// The namespaced objects need their namespace, even in a dry run.
	env.Namespace(t, namespace)
	env.KubectlInput(t, manifests, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-")
}

// objects decodes a multi-document YAML stream.
func objects(t *testing.T, data []byte) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []*unstructured.Unstructured
	for {
		var doc json.RawMessage
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return objs
		}
		if err != nil {
			t.Fatalf("decoding YAML: %v", err)
		}
		if len(doc) == 0 || string(doc) == "null" {
			continue // an empty document
		}
		// Unstructured's own decoding keeps integers int64, as in the API.
		obj := &unstructured.Unstructured{}
		if err := obj.UnmarshalJSON(doc); err != nil {
			t.Fatalf("decoding %s: %v", doc, err)
		}
		objs = append(objs, obj)
	}
}
