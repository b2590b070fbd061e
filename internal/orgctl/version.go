package orgctl

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/version"
)

// VersionLabel is the label the release puts on every object it installs,
// CRDs included, so that a cluster tells which release it runs.
const VersionLabel = "orgplane.io/version"

// managerSelector finds the manager's Deployment, installed by install.yaml
// or the Helm chart.
var managerSelector = client.MatchingLabels{"app.kubernetes.io/name": "orgplane", "control-plane": "controller-manager"}

// versions is what `kubectl org version` prints.
type versions struct {
	Client version.Info `json:"clientVersion"`
	// Manager and CRDs only with --cluster.
	Manager *managerVersion `json:"managerVersion,omitempty"`
	CRDs    *crdVersion     `json:"crdVersion,omitempty"`
}

type managerVersion struct {
	// Version is the image's tag (what a release pins), else "unknown".
	Version    string `json:"version"`
	Image      string `json:"image"`
	Deployment string `json:"deployment"`
}

type crdVersion struct {
	// Version is the orgplane.io/version label the CRDs share; "mixed" when
	// they disagree (a half-done upgrade), "unknown" when unlabelled.
	Version string `json:"version"`
	// ByCRD is each orgplane CRD's label.
	ByCRD map[string]string `json:"byCRD"`
}

func newVersion(s streams, kube *genericclioptions.ConfigFlags) *cobra.Command {
	var (
		cluster   bool
		output    string
		managerNS string
	)
	cmd := &cobra.Command{
		Use:   "version [--cluster] [-o text|json]",
		Short: "Print the plugin's version and, with --cluster, the manager's and the CRDs'",
		Long: `Version prints the version of this plugin. With --cluster it also reads the
cluster: the manager's version from its Deployment's image tag, and the CRDs'
from their orgplane.io/version label, so that a skew between the plugin, the
manager and the CRDs shows at a glance.`,
		Example: `  kubectl org version
  kubectl org version --cluster -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf(cmd, "output", output, []string{"text", "json"}); err != nil {
				return err
			}
			v := versions{Client: version.Get()}
			if cluster {
				var err error
				if v.Manager, v.CRDs, err = readClusterVersions(cmd.Context(), kube, managerNS); err != nil {
					return &exitError{code: ExitError, err: fmt.Errorf("error: %w", err)}
				}
			}
			if output == "json" {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			printVersions(s.out, v)
			return nil
		},
	}
	cmd.Flags().BoolVar(&cluster, "cluster", false, "also read the manager's and the CRDs' versions from the cluster")
	cmd.Flags().StringVar(&managerNS, "manager-namespace", "orgplane-system", "the namespace the manager runs in")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

func printVersions(w io.Writer, v versions) {
	fmt.Fprintf(w, "Client Version: %s\n", v.Client)
	if v.Manager != nil {
		fmt.Fprintf(w, "Manager Version: %s (%s, image %s)\n", v.Manager.Version, v.Manager.Deployment, v.Manager.Image)
	}
	if v.CRDs != nil {
		fmt.Fprintf(w, "CRD Version: %s\n", v.CRDs.Version)
	}
}

func readClusterVersions(ctx context.Context, kube *genericclioptions.ConfigFlags, managerNS string) (*managerVersion, *crdVersion, error) {
	cfg, err := kube.ToRESTConfig()
	if err != nil {
		return nil, nil, err
	}
	scheme := runtime.NewScheme()
	if err := appsv1.AddToScheme(scheme); err != nil {
		return nil, nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, nil, err
	}
	var deps appsv1.DeploymentList
	if err := c.List(ctx, &deps, client.InNamespace(managerNS), managerSelector); err != nil {
		return nil, nil, fmt.Errorf("reading the manager's Deployment in %s: %w", managerNS, err)
	}
	if len(deps.Items) == 0 {
		return nil, nil, fmt.Errorf("no orgplane manager Deployment in namespace %s (is orgplane installed? see --manager-namespace)", managerNS)
	}
	d := deps.Items[0]
	mv := &managerVersion{Version: "unknown", Deployment: d.Namespace + "/" + d.Name}
	for _, ctr := range d.Spec.Template.Spec.Containers {
		if ctr.Name == "manager" {
			mv.Image = ctr.Image
			if tag := imageTag(ctr.Image); tag != "" {
				mv.Version = tag
			}
		}
	}
	crds := &metav1.PartialObjectMetadataList{}
	crds.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinitionList"})
	if err := c.List(ctx, crds); err != nil {
		return nil, nil, fmt.Errorf("reading the CRDs: %w", err)
	}
	cv := &crdVersion{ByCRD: map[string]string{}}
	for _, crd := range crds.Items {
		if strings.HasSuffix(crd.Name, "."+orgv1.GroupVersion.Group) {
			cv.ByCRD[crd.Name] = crd.Labels[VersionLabel]
		}
	}
	cv.Version = commonVersion(cv.ByCRD)
	return mv, cv, nil
}

// imageTag returns the tag of an image reference such as
// ghcr.io/orgplane/orgplane:v0.2.0@sha256:..., or "" when it has none.
func imageTag(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	i := strings.LastIndexByte(ref, ':')
	if i < 0 || strings.Contains(ref[i:], "/") { // a registry port, not a tag
		return ""
	}
	return ref[i+1:]
}

// commonVersion is the one version all CRDs carry.
func commonVersion(byCRD map[string]string) string {
	vs := slices.Compact(slices.Sorted(maps.Values(byCRD)))
	switch {
	case len(byCRD) == 0:
		return "not installed"
	case len(vs) > 1:
		return "mixed (" + strings.Join(vs, ", ") + ")"
	case vs[0] == "":
		return "unknown"
	}
	return vs[0]
}
