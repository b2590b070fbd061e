// Package image_test runs the manager as a cluster would: from the image
// that `make image` wrote (bin/orgplane-image.tar), its filesystem unpacked
// and chrooted into, as UID/GID 65532, with the arguments of the release
// manifest's Deployment, authenticated as its ServiceAccount and authorized
// only by the release manifest's RBAC, against a real kube-apiserver.
//
// Running it needs root (chroot and setuid, as a container runtime does);
// without root, or without the archive, the tests skip, naming what is
// missing, except under CI, where they fail.
package image_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/orgplane/orgplane/internal/image"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var (
	env *testenv.Env
	ctx = context.Background()

	// deployment is the release manifest's Deployment of the manager.
	deployment *appsv1.Deployment

	// index and hostImage come from the archive; imageErr says why not.
	index     v1.ImageIndex
	hostImage v1.Image
	imageErr  error
)

// The PolicyReport CRD is an optional install, as a user would `kubectl
// apply -k config/policyreport`.
func TestMain(m *testing.M) {
	testenv.Main(m, &env, testenv.WithCRDs("config/policyreport"), testenv.Setup(func(env *testenv.Env) error {
		dir, err := os.MkdirTemp("", "orgplane-image-layout-")
		if err != nil {
			return err
		}
		env.Cleanup(func() { os.RemoveAll(dir) })
		index, hostImage, imageErr = openImage(dir)
		deployment, err = installRelease(env)
		return err
	}))
}

// openImage opens the archive `make image` wrote and picks the host's image.
func openImage(dir string) (v1.ImageIndex, v1.Image, error) {
	archive := repo.Path(image.Archive)
	if _, err := os.Stat(archive); err != nil {
		return nil, nil, fmt.Errorf("no image archive: run `make image` (`make test` does): %w", err)
	}
	idx, _, err := image.OpenArchive(archive, dir)
	if err != nil {
		return nil, nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, err
	}
	host := v1.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}
	for _, d := range im.Manifests {
		if d.Platform != nil && d.Platform.Equals(host) {
			img, err := idx.Image(d.Digest)
			return idx, img, err
		}
	}
	return nil, nil, fmt.Errorf("%s: no image for %s", archive, host)
}

// needImage stops a test when the archive could not be read (skips, naming
// `make image`, but fails under CI).
func needImage(t *testing.T) {
	t.Helper()
	if imageErr != nil {
		repo.Unavailable(t, imageErr.Error())
	}
}

// releaseKinds are what this suite installs from the release manifest: what
// a cluster admin's `kubectl apply` creates before the manager's pod runs.
// The Deployment is what the test runs itself; the metrics Service is not
// needed.
var releaseKinds = map[string]bool{
	"Namespace": true, "ServiceAccount": true, "CustomResourceDefinition": true,
	"ClusterRole": true, "ClusterRoleBinding": true, "Role": true, "RoleBinding": true,
}

// installRelease renders config/default (the release manifest), applies
// its releaseKinds with kubectl as the admin, and returns its Deployment.
func installRelease(env *testenv.Env) (*appsv1.Deployment, error) {
	rendered, err := env.KubectlCommand("kustomize", repo.Path("config", "default")).Output()
	if err != nil {
		return nil, fmt.Errorf("kubectl kustomize config/default: %w", err)
	}
	var apply bytes.Buffer
	var deploy *appsv1.Deployment
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(rendered), 4096)
	for {
		var u unstructured.Unstructured
		if err := dec.Decode(&u.Object); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		switch kind := u.GetKind(); {
		case kind == "Deployment":
			deploy = &appsv1.Deployment{}
			if err := k8sruntime.DefaultUnstructuredConverter.FromUnstructured(u.Object, deploy); err != nil {
				return nil, err
			}
		case releaseKinds[kind]:
			doc, err := yaml.Marshal(u.Object)
			if err != nil {
				return nil, err
			}
			apply.WriteString("---\n")
			apply.Write(doc)
		}
	}
	if deploy == nil {
		return nil, errors.New("config/default renders no Deployment")
	}
	cmd := env.KubectlCommand("apply", "--server-side", "--force-conflicts", "-f", "-")
	cmd.Stdin = &apply
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("kubectl apply: %w\n%s", err, out)
	}
	return deploy, nil
}
