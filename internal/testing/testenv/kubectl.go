package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

// Kubectl runs kubectl against the control plane and returns what it
// printed (standard output and error); a failure fails t with its output.
func (e *Env) Kubectl(t testing.TB, args ...string) string {
	t.Helper()
	return e.KubectlInput(t, nil, args...)
}

// KubectlInput is Kubectl with stdin as kubectl's standard input.
func (e *Env) KubectlInput(t testing.TB, stdin []byte, args ...string) string {
	t.Helper()
	cmd := e.KubectlCommand(args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// KubectlCommand is kubectl against the control plane, not started, for a
// test that expects it to fail, reads only its standard output or runs a
// plugin found on a PATH of its own (append PATH=... to cmd.Env). The
// control plane is in KUBECONFIG, not a flag, which kubectl would refuse
// before a plugin's name.
func (e *Env) KubectlCommand(args ...string) *exec.Cmd {
	cmd := exec.Command("kubectl", args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+e.Kubeconfig)
	return cmd
}

// ApplySamples applies config/samples into namespace ns, as the README
// does.
func (e *Env) ApplySamples(t testing.TB, ns string) {
	t.Helper()
	e.Kubectl(t, "apply", "-n", ns, "-k", repo.Path("config", "samples"))
}

// Kustomize renders a kustomization of the repository (such as
// config/default), as kubectl does.
func Kustomize(t testing.TB, dir string) []byte {
	t.Helper()
	cmd := exec.Command("kubectl", "kustomize", repo.Path(dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, stderr.Bytes())
	}
	return out
}
