package testenv

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// Kubectl runs kubectl against the control plane, with stdin when not nil,
// and returns what it printed; a failure fails the test with its output.
func (e *Env) Kubectl(t testing.TB, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("kubectl", append([]string{"--kubeconfig", e.Kubeconfig}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
