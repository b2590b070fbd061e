package orgctl

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/orgplane/orgplane/internal/check"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/whatif"
)

func newWhatif(s streams, kube *genericclioptions.ConfigFlags) *cobra.Command {
	var (
		base, files []string
		fromCluster bool
		all         bool
		output      string
		failOn      string
	)
	cmd := &cobra.Command{
		Use:   "whatif (--base PATH... | --base-cluster [-n NAMESPACE | -A]) -f PROPOSAL...",
		Short: "Show what a proposed reorganization changes",
		Long: `Whatif lays a proposal over a base organization and judges both with the
controller's policy engine, at the current time, to show what the proposal
changes: the inferred model and martech model before and after, with their
reasons; the findings it adds and clears, by object; the steering
committees' coverage gained and lost; the platforms whose owner moves to
another unit (a BusinessUnit, a CenterOfExcellence, or central).

The base is manifests (--base, read as check reads -f) or the live objects
of a cluster (--base-cluster, of the namespace of -n or the kubeconfig
context's, or of every namespace with -A). A proposed object replaces the
base's object of the same kind, namespace and name, or joins the base; one
annotated orgplane.io/whatif: delete (it needs only its kind and name)
removes its namesake.

Exit codes: 0 when the proposal adds nothing that --fail-on counts; 1 when
it does (enforce, the default: a violation of an Enforce policy, which
would make an object not Ready; any: any violation; none: never); 2 when
the input cannot be read or is malformed.

Output (-o): text, markdown (fit for a pull-request comment) or json
({"models", "added", "cleared", "coverage", "owners", "summary"}).`,
		Example: `  # A pull request's effect, as a comment: main's manifests against the branch's
  kubectl org whatif --base main/org/ -f org/ -o markdown > whatif.md

  # Moving a platform to a business unit, against the live namespace
  kubectl org whatif --base-cluster -n acme-retail -f move-cdp-to-emea.yaml

  # Retiring a team: a deletion needs only kind, name and the annotation
  kubectl org whatif --base org/ -f retire-tiger-team.yaml --fail-on=any`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case len(files) == 0:
				return usageError(cmd, "at least one -f PROPOSAL is required")
			case len(base) == 0 && !fromCluster:
				return usageError(cmd, "the base is --base PATH or --base-cluster")
			case !fromCluster && all:
				return usageError(cmd, "--all-namespaces needs --base-cluster")
			}
			if err := exclusive(cmd, fromCluster, len(base) > 0, "--base-cluster", "--base"); err != nil {
				return err
			}
			if err := exclusive(cmd, all, *kube.Namespace != "", "--all-namespaces", "--namespace"); err != nil {
				return err
			}
			if err := oneOf(cmd, "output", output, slices.Sorted(maps.Keys(whatif.Formats))); err != nil {
				return err
			}
			if err := oneOf(cmd, "fail-on", failOn, toStrings(check.FailOns)); err != nil {
				return err
			}
			prog := startProgress(s.errOut)
			defer prog.stop()
			var before []metav1.Object
			if fromCluster {
				g, _, err := readCluster(cmd.Context(), kube, all, prog)
				if err != nil {
					return err
				}
				before = graphObjects(g)
			} else {
				set, err := loadManifests(s, kube, base, prog)
				if err != nil {
					return err
				}
				before = setObjects(set)
			}
			proposal, err := manifest.Load(files, manifest.Options{
				Namespace: cmp.Or(*kube.Namespace, "default"), Stdin: s.in, DeleteAnnotation: whatif.DeleteAnnotation,
			})
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			res, err := compare(before, setObjects(proposal))
			if err != nil {
				return err
			}
			prog.stop()
			if err := whatif.Formats[output](s.out, res); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if res.Failed(failOn) {
				return &exitError{code: ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&base, "base", nil, "the base organization: a manifest file, a directory (recursive) or - ; repeatable")
	cmd.Flags().BoolVar(&fromCluster, "base-cluster", false, "take the base from the cluster's live objects")
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "the proposal: a manifest file, a directory (recursive) or - ; repeatable")
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "with --base-cluster, every namespace")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, markdown or json")
	cmd.Flags().StringVar(&failOn, "fail-on", string(check.FailOnEnforce), "what fails (exit 1) when the proposal adds it: enforce, any or none")
	return cmd
}

// compare judges the base and the proposal laid over it, now.
func compare(base, proposal []metav1.Object) (*whatif.Result, error) {
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	before, err := policy.NewMemoryGraph(base...)
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	after, err := policy.NewMemoryGraph(whatif.Apply(base, proposal)...)
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	return whatif.Compare(engine, before, after, time.Now()), nil
}

func setObjects(set *manifest.Set) []metav1.Object {
	out := make([]metav1.Object, len(set.Objects))
	for i, o := range set.Objects {
		out[i] = o.Object
	}
	return out
}

// graphObjects lists every object of g.
func graphObjects(g *policy.MemoryGraph) []metav1.Object {
	var out []metav1.Object
	for _, ns := range g.Namespaces() {
		out = appendAll(out, g.Organizations(ns))
		out = appendAll(out, g.Teams(ns))
		out = appendAll(out, g.Platforms(ns))
		out = appendAll(out, g.SteeringCommittees(ns))
		out = appendAll(out, g.ResponsibilityMatrices(ns))
		out = appendAll(out, g.GovernancePolicies(ns))
	}
	return out
}

func appendAll[T metav1.Object](out []metav1.Object, l []T) []metav1.Object {
	for _, o := range l {
		out = append(out, o)
	}
	return out
}
