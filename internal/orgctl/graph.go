package orgctl

import (
	"errors"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/orgplane/orgplane/internal/orgchart"
	"github.com/orgplane/orgplane/internal/policy"
)

func newGraph(s streams, kube *genericclioptions.ConfigFlags) *cobra.Command {
	var (
		files  []string
		all    bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "graph [-f PATH | -n NAMESPACE | -A] [-o dot|mermaid|svg]",
		Short: "Draw the organization chart",
		Long: `Graph draws the organization chart, a picture of the org graph that the
policy engine reads: the team hierarchy (solid lines for spec.parentRef,
dashed for spec.dottedLineRefs), which team owns and which teams operate
each platform, which steering committee governs it, and which teams sit on
each committee. Objects with violations are drawn red and bold
with their count; references to objects that do not exist are drawn as
dashed grey "not found" nodes. Each team says which unit of the inferred
model it belongs to (a BusinessUnit, a CenterOfExcellence, or central; the
teams that head a unit are filled, business units amber and centers of
excellence blue), and the martech team is starred (a double border in dot)
with its inferred martech model.

With -f (files, directories or - as for check) the chart is drawn from
manifests and violations come from the policy engine, offline. Without it,
objects and their violations come from the live status of the namespace of
-n (else the kubeconfig context's), or of every namespace with -A.

Output (-o): dot (Graphviz), mermaid (a flowchart for Markdown renderers
such as GitHub's), or svg, which runs Graphviz's dot: install Graphviz
(Debian and Ubuntu: apt-get install graphviz) or write dot and render it
elsewhere.`,
		Example: `  # The live chart of a namespace, as SVG (needs Graphviz)
  kubectl org graph -n acme-retail -o svg > acme.svg

  # From manifests, before they are applied, as a Mermaid block for a pull request
  kubectl org graph -f config/samples -o mermaid

  # Every namespace, rendered by a Graphviz installed elsewhere
  kubectl org graph -A -o dot | dot -Tpng > org.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf(cmd, "output", output, []string{"dot", "mermaid", "svg"}); err != nil {
				return err
			}
			if err := exclusive(cmd, all, len(files) > 0, "--all-namespaces", "--filename"); err != nil {
				return err
			}
			if err := exclusive(cmd, all, *kube.Namespace != "", "--all-namespaces", "--namespace"); err != nil {
				return err
			}
			prog := startProgress(s.errOut)
			defer prog.stop()
			var (
				g          policy.Graph
				violations orgchart.Violations
				martech    orgchart.MartechTeams
			)
			if len(files) > 0 {
				set, err := loadManifests(s, kube, files, prog)
				if err != nil {
					return err
				}
				res, err := evaluate(set, prog)
				if err != nil {
					return err
				}
				counts := map[policy.ObjectRef]int{}
				for _, f := range res.Findings() {
					counts[f.Object]++
				}
				if g, err = set.Graph(); err != nil {
					return &exitError{code: ExitError, err: err}
				}
				violations = func(r policy.ObjectRef) int { return counts[r] }
				martech = orgchart.MartechTeams{}
				for _, n := range res.Namespaces {
					if r := n.Martech.Team; r != nil {
						martech[*r] = n.Martech.Model
					}
				}
			} else {
				live, _, err := readCluster(cmd.Context(), kube, all, prog)
				if err != nil {
					return err
				}
				g, violations, martech = live, statusViolations(live), statusMartechTeams(live)
			}
			chart := orgchart.Build(g, violations, martech)
			prog.stop()
			var err error
			switch output {
			case "dot":
				err = orgchart.WriteDOT(s.out, chart)
			case "mermaid":
				err = orgchart.WriteMermaid(s.out, chart)
			case "svg":
				err = orgchart.WriteSVG(cmd.Context(), s.out, chart)
			}
			if errors.Is(err, orgchart.ErrNoGraphviz) {
				err = errors.New("error: " + err.Error())
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "draw from manifests: a file, a directory (recursive) or - for standard input; repeatable")
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "draw every namespace of the cluster")
	cmd.Flags().StringVarP(&output, "output", "o", "dot", "output format: dot, mermaid or svg")
	return cmd
}
