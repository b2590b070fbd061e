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
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/orgplane/orgplane/internal/testenv"
)

// namespace is the release's namespace, the one config/default uses, so
// that the chart's and kustomize's renderings compare as they are.
const namespace = "orgplane-system"

var (
	root = testenv.Root()
	// helmBin is bin/helm, empty when `make helm` has not built it.
	helmBin = filepath.Join(root, "bin", "helm")
	chart   = filepath.Join(root, "charts", "orgplane")
	// The CRDs that the chart's optional objects need, and the make targets
	// that write them; crdDirs holds those present.
	certManagerCRDs = filepath.Join(root, "bin", "crds", "cert-manager")
	monitoringCRDs  = filepath.Join(root, "bin", "crds", "monitoring")
	crdTargets      = map[string]string{certManagerCRDs: "helm", monitoringCRDs: "monitoring-crds"}
	crdDirs         = map[string]bool{}
	env             *testenv.Env
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if _, err := os.Stat(helmBin); err != nil {
		helmBin = ""
		return m.Run() // every test skips, naming `make helm`
	}
	var opts []testenv.Option
	for dir := range crdTargets {
		if _, err := os.Stat(dir); err == nil {
			crdDirs[dir] = true
			opts = append(opts, testenv.WithCRDs(dir))
		}
	}
	var err error
	if env, err = testenv.Start(opts...); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
	// The namespaced objects need their namespace, even in a dry run.
	if out, err := exec.Command("kubectl", "--kubeconfig", env.Kubeconfig, "create", "namespace", namespace).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "kubectl create namespace: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// needHelm skips (fails under CI) a test when bin/helm is missing.
func needHelm(t *testing.T) {
	t.Helper()
	if helmBin == "" {
		testenv.NeedTool(t, "bin/helm is missing", "helm")
	}
}

// needCRDs skips (fails under CI) a test when dir, a folder of CRDs that a
// tools target writes, was missing when the control plane started.
func needCRDs(t *testing.T, dir string) {
	t.Helper()
	if !crdDirs[dir] {
		rel, _ := filepath.Rel(root, dir)
		testenv.NeedTool(t, rel+" is missing", crdTargets[dir])
	}
}

// command runs name with args (and stdin, when not nil) and returns its
// standard output, failing the test with its standard error.
func command(t *testing.T, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// helm runs bin/helm.
func helm(t *testing.T, args ...string) []byte {
	t.Helper()
	needHelm(t)
	return command(t, nil, helmBin, args...)
}

// template renders the chart as the release "orgplane" in namespace, with
// its CRDs, and args (--set, -f).
func template(t *testing.T, args ...string) []byte {
	t.Helper()
	return helm(t, append([]string{"template", "orgplane", chart, "--namespace", namespace, "--include-crds"}, args...)...)
}

// kustomize renders a kustomization of config/, as install.yaml is made.
func kustomize(t *testing.T, dir string) []byte {
	t.Helper()
	return command(t, nil, "kubectl", "kustomize", filepath.Join(root, dir))
}

// dryRun applies manifests server-side without persisting them, as a
// server-side apply (as `make deploy` does) that takes over the fields of
// the CRDs envtest installed.
func dryRun(t *testing.T, manifests []byte) {
	t.Helper()
	command(t, manifests, "kubectl", "--kubeconfig", env.Kubeconfig, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-")
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
