// Package orgctl is the kubectl plugin `kubectl org`: check manifests
// offline with the controller's policy engine, show what a proposed
// reorganization changes, report the live status of a cluster to auditors,
// draw the organization chart, adopt an org from where it already lives and
// publish it to a Backstage catalog. Run is its whole
// entry point, so that tests drive it in-process exactly as kubectl does.
//
// Each command is a file here and its work a package of its own:
//
//	kubectl org check    check.go    internal/check     findings of manifests, offline
//	kubectl org report   report.go   internal/audit     the audit: the auditor's document (not PolicyReports)
//	kubectl org graph    graph.go    internal/orgchart  the organization chart, a picture of the org graph
//	kubectl org import   import.go   internal/importer  manifests from a Backstage catalog, Peribolos, an HR CSV
//	kubectl org export   export.go   internal/export    the org as Backstage catalog entities, with compliance
//	kubectl org version  version.go  internal/version
//
// The commands keep the names users run; the packages are named for what
// they make, in the project's words ("report" alone is a PolicyReport,
// "audit" the auditor's document, "graph" the org graph the engine reads,
// "chart" the picture).
package orgctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// Exit codes, the same for every command.
const (
	// ExitOK: done, and nothing that --fail-on counts was found.
	ExitOK = 0
	// ExitFailed: check found a violation that --fail-on counts.
	ExitFailed = 1
	// ExitError: the command could not do its job: unreadable or
	// malformed input, a bad flag, an unreachable cluster, no Graphviz.
	ExitError = 2
)

// exitError ends a command with a code; err, when set, is printed to
// stderr as is.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// usageError is a bad invocation, reported with a pointer to --help.
func usageError(cmd *cobra.Command, format string, args ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf("error: "+format+"\nSee '%s --help' for usage.", append(args, cmd.CommandPath())...)}
}

// streams are the command's standard streams.
type streams struct {
	in          io.Reader
	out, errOut io.Writer
}

// Run runs `kubectl org` with args (without the program name) and returns
// its exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := streams{in: stdin, out: stdout, errOut: stderr}
	root := newRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	var ee *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintln(stderr, ee.err)
		}
		return ee.code
	default:
		// Cobra's own errors: unknown commands and flags.
		fmt.Fprintf(stderr, "error: %v\nSee '%s --help' for usage.\n", err, root.CommandPath())
		return ExitError
	}
}

func newRoot(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "org",
		Short: "Check, compare, report, draw, import and export orgplane organizations",
		Long: `kubectl org checks orgplane manifests offline with the same policy engine as
the controller, shows what a proposed reorganization changes, reports the
status the controller wrote in a cluster to auditors, draws the
organization chart, imports an org from a Backstage catalog, a Peribolos
config or an HR export, and exports it to the Backstage catalog.

Exit codes: 0 done, 1 check or whatif found violations that --fail-on counts,
2 the command could not run (unreadable or malformed input, a bad flag, an
unreachable cluster, Graphviz missing for -o svg).`,
		Annotations:       map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl org"},
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.errOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError(cmd, "%v", err)
	})
	kube := genericclioptions.NewConfigFlags(true)
	kube.AddFlags(root.PersistentFlags())
	root.AddCommand(newCheck(s, kube), newWhatif(s, kube), newReport(s, kube), newGraph(s, kube), newImport(s, kube), newExport(s, kube), newVersion(s, kube))
	return root
}

// oneOf validates an enumerated flag.
func oneOf(cmd *cobra.Command, flag, value string, allowed []string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return usageError(cmd, "--%s must be one of %s, not %q", flag, strings.Join(allowed, ", "), value)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// colorFor reports whether to colour what goes to w: on a terminal, unless
// NO_COLOR is set (https://no-color.org).
func colorFor(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == ""
}

// exclusive rejects two flags given together.
func exclusive(cmd *cobra.Command, a, b bool, aName, bName string) error {
	if a && b {
		return usageError(cmd, "%s and %s cannot be used together", aName, bName)
	}
	return nil
}
