package orgctl

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/orgplane/orgplane/internal/check"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/policy"
)

func newCheck(s streams, kube *genericclioptions.ConfigFlags) *cobra.Command {
	var (
		files  []string
		output string
		failOn string
	)
	cmd := &cobra.Command{
		Use:   "check -f PATH [-f PATH ...]",
		Short: "Judge manifests offline with the controller's policy engine",
		Long: `Check reads orgplane manifests and judges them with the same policy engine as
the controller, at the current time, without a cluster: the findings are the
violations the controller would write into the objects' status once the
manifests are applied.

PATH is a file, a directory (read recursively: its .yaml, .yml and .json
files) or - for standard input; files may hold several YAML documents and
kind: List. Documents of other API groups are counted and skipped. Objects
without a namespace get the one of -n (default "default"), as kubectl apply
-n would give them; the kubeconfig is not read.

The orgplane kinds are decoded strictly: an unknown or duplicate field, a
missing required field or an unknown kind of the org.orgplane.io group is
an error naming the file and line. Each object is then validated as the
apiserver validates a create, against the CRDs the plugin is built with and
by the apiserver's own code (enums, bounds, patterns, formats, list keys,
the CRDs' CEL rules, metadata.name and annotations): what it would reject
is an error at the field's line, in the apiserver's words.

Exit codes: 0 when nothing that --fail-on counts was found; 1 when it was;
2 when the input cannot be read, is malformed or the apiserver would reject
it. --fail-on=enforce (the
default) fails on a violation of an Enforce policy, which would make the
object not Ready, and on a rule of an Enforce policy that cannot be
evaluated; any fails on every violation and rule error; none never fails.

Output (-o): text (grouped by object, coloured on a terminal unless NO_COLOR
is set), json ({"findings": [...], "summary": {...}}), junit (JUnit XML, a
test case per object and rule) or sarif (SARIF 2.1.0, for code scanning).`,
		Example: `  # Check a directory of manifests, as a pipeline step
  kubectl org check -f config/

  # Upload findings to code scanning, failing on any violation
  kubectl org check -f config/ -o sarif --fail-on=any > orgplane.sarif

  # JUnit for a CI test report; never fail the step
  kubectl org check -f config/ -f policies.yaml -o junit --fail-on=none > orgplane-junit.xml

  # Check rendered manifests from standard input, in namespace acme
  kustomize build config/overlays/prod | kubectl org check -n acme -f -

  # Findings as JSON, for scripts
  kubectl org check -f config/ -o json | jq '.findings[] | select(.severity == "Critical")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(files) == 0 {
				return usageError(cmd, "at least one -f PATH is required")
			}
			if err := oneOf(cmd, "output", output, slices.Sorted(maps.Keys(check.Formats))); err != nil {
				return err
			}
			if err := oneOf(cmd, "fail-on", failOn, toStrings(check.FailOns)); err != nil {
				return err
			}
			prog := startProgress(s.errOut)
			defer prog.stop()
			set, err := loadManifests(s, kube, files, prog)
			if err != nil {
				return err
			}
			res, err := evaluate(set, prog)
			if err != nil {
				return err
			}
			prog.stop()
			opts := check.Options{FailOn: check.FailOn(failOn), Color: colorFor(s.out)}
			if err := check.Formats[output](s.out, res, opts); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if res.Failed(opts.FailOn) {
				return &exitError{code: ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "a manifest file, a directory (recursive) or - for standard input; repeatable")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, json, junit or sarif")
	cmd.Flags().StringVar(&failOn, "fail-on", string(check.FailOnEnforce), "what fails the check (exit 1): enforce, any or none")
	return cmd
}

// loadManifests reads the manifests that -f names, giving objects without a
// namespace the one of -n, and turns malformed input into exit code 2 with
// one file:line per problem.
func loadManifests(s streams, kube *genericclioptions.ConfigFlags, files []string, prog *progress) (*manifest.Set, error) {
	set, err := manifest.Load(files, manifest.Options{
		Namespace: cmp.Or(*kube.Namespace, "default"),
		Stdin:     s.in,
		Progress: func(done, total int) {
			prog.set("reading manifests: %d/%d files", done, total)
		},
	})
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	return set, nil
}

// evaluate judges the manifests now, as the controller would.
func evaluate(set *manifest.Set, prog *progress) (*check.Result, error) {
	prog.set("judging %d orgplane objects from %d files", len(set.Objects), set.Files)
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	res, err := check.Evaluate(set, engine, time.Now())
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	return res, nil
}

func toStrings[T ~string](l []T) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = string(v)
	}
	return out
}
