package orgctl

import (
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/orgplane/orgplane/internal/audit"
)

func newReport(s streams, kube *genericclioptions.ConfigFlags) *cobra.Command {
	var (
		all    bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "report [-n NAMESPACE | -A] [-o text|markdown|json|html]",
		Short: "Print an audit report from the live status in the cluster",
		Long: `Report reads the orgplane objects of a namespace (-n, else the kubeconfig
context's) or of every namespace (-A) with the status the controller wrote,
and prints the audit, a document for auditors (not the PolicyReports that
the controller keeps per namespace: see kubectl get policyreports): per
platform its owner, operators, privacy owner, steering committee and
compliance; per steering committee its coverage (covered and missing
functions, governed platforms); per team and every other object its
findings; each organization's declared and inferred model; the governance
policies with per-rule counts; totals by severity and by policy.

An object whose current generation the controller has not evaluated yet is
reported as Pending.

Output (-o): text, markdown (GitHub-flavoured tables), json, or html (a
complete, self-contained page).`,
		Example: `  # The report of the current namespace
  kubectl org report

  # Every namespace, as an HTML page for auditors
  kubectl org report -A -o html > orgplane-audit.html

  # One namespace of another cluster, as Markdown for a wiki or an issue
  kubectl org report --context prod -n acme-retail -o markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf(cmd, "output", output, slices.Sorted(maps.Keys(audit.Formats))); err != nil {
				return err
			}
			if err := exclusive(cmd, all, *kube.Namespace != "", "--all-namespaces", "--namespace"); err != nil {
				return err
			}
			prog := startProgress(s.errOut)
			defer prog.stop()
			g, scope, err := readCluster(cmd.Context(), kube, all, prog)
			if err != nil {
				return err
			}
			prog.stop()
			if err := audit.Formats[output](s.out, audit.Build(g, scope, time.Now())); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "report every namespace")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, markdown, json or html")
	return cmd
}
