// Command kubectl-org is the kubectl plugin `kubectl org`: installed on the
// PATH (make install-plugin), kubectl runs it for `kubectl org ...`. See
// docs/plugin.md.
package main

import (
	"os"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/orgplane/orgplane/internal/orgctl"
)

func main() {
	// The plugin reports through its own output; the client library's
	// logger would only add noise (and a warning that none was set).
	ctrllog.SetLogger(logr.Discard())
	os.Exit(orgctl.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
