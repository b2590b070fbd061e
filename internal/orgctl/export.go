package orgctl

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/export/backstage"
	"github.com/orgplane/orgplane/internal/policy"
)

func newExport(s streams, kube *genericclioptions.ConfigFlags) *cobra.Command {
	var (
		files        []string
		all          bool
		output, link string
	)
	cmd := &cobra.Command{
		Use:   "export -o backstage [-f PATH | -n NAMESPACE | -A]",
		Short: "Publish the org to a Backstage catalog, with its compliance",
		Long: `Export writes the org that orgplane governs as Backstage catalog entities
(backstage.io/v1alpha1), a multi-document YAML ready for a catalog-info.yaml
location: a Group per Team (type, parent, children, members, profile), a
User per person (named from the e-mail address, else the name, with
memberOf), a System per Platform owned by its team (Backstage requires an
owner: a platform without one is left out, with a warning), and a Domain per
Organization, owned by its top team. Each entity carries orgplane's verdict
as annotations (orgplane.io/compliant, orgplane.io/violations, and on
Domains orgplane.io/inferred-model) and a link back: the kubectl command
that shows the object (annotation orgplane.io/kubectl) or, with
--link-template, a link to a URL made from .Kind, .Namespace and .Name.
Entity namespaces are the Kubernetes namespaces.

With -f (files, directories or - as for check) the verdict comes from the
policy engine, offline. Without it, objects and their verdicts come from the
live status of the namespace of -n (else the kubeconfig context's), or of
every namespace with -A. The same input always gives the same bytes.`,
		Example: `  # Publish a namespace's org, with links to a dashboard
  kubectl org export -o backstage -n acme \
    --link-template 'https://orgplane.example.com/{{.Namespace}}/{{.Kind}}/{{.Name}}' > catalog-info.yaml

  # From the GitOps repository's manifests, in CI
  kubectl org export -o backstage -f org/ > catalog/orgplane.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf(cmd, "output", output, []string{"backstage"}); err != nil {
				return err
			}
			if err := exclusive(cmd, all, len(files) > 0, "--all-namespaces", "--filename"); err != nil {
				return err
			}
			if err := exclusive(cmd, all, *kube.Namespace != "", "--all-namespaces", "--namespace"); err != nil {
				return err
			}
			var opts backstage.Options
			if link != "" {
				t, err := backstage.ParseLinkTemplate(link)
				if err != nil {
					return usageError(cmd, "--link-template: %v", err)
				}
				opts.Link = t
			}
			prog := startProgress(s.errOut)
			defer prog.stop()
			g, j, err := judged(cmd, s, kube, files, all, prog)
			if err != nil {
				return err
			}
			prog.stop()
			warnings, err := backstage.Export(s.out, g, j, opts)
			for _, w := range warnings {
				fmt.Fprintf(s.errOut, "warning: %s\n", w)
			}
			if err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("error: %w", err)}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "export manifests: a file, a directory (recursive) or - for standard input; repeatable")
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "export every namespace of the cluster")
	cmd.Flags().StringVarP(&output, "output", "o", "backstage", "output format: backstage")
	cmd.Flags().StringVar(&link, "link-template", "", "a Go template of each entity's link back, seeing .Kind, .Namespace and .Name")
	return cmd
}

// judged is the org graph with the engine's verdict on manifests (-f), or
// with the status the controller wrote in the cluster.
func judged(cmd *cobra.Command, s streams, kube *genericclioptions.ConfigFlags, files []string, all bool, prog *progress) (policy.Graph, backstage.Judgement, error) {
	if len(files) == 0 {
		live, _, err := readCluster(cmd.Context(), kube, all, prog)
		if err != nil {
			return nil, backstage.Judgement{}, err
		}
		return live, backstage.Judgement{Violations: statusViolations(live), InferredModel: statusInferredModel(live)}, nil
	}
	set, err := loadManifests(s, kube, files, prog)
	if err != nil {
		return nil, backstage.Judgement{}, err
	}
	g, err := set.Graph()
	if err != nil {
		return nil, backstage.Judgement{}, &exitError{code: ExitError, err: err}
	}
	prog.set("judging %d orgplane objects from %d files", len(set.Objects), set.Files)
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		return nil, backstage.Judgement{}, &exitError{code: ExitError, err: err}
	}
	return g, backstage.FromEvaluation(engine.Evaluate(g, time.Now())), nil
}

// statusInferredModel reads a namespace's inferred model off the status the
// controller wrote on its Organizations.
func statusInferredModel(g policy.Graph) func(string) orgv1.OrganizationModel {
	return func(ns string) orgv1.OrganizationModel {
		for _, o := range g.Organizations(ns) {
			if o.Status.InferredModel != "" {
				return o.Status.InferredModel
			}
		}
		return ""
	}
}
