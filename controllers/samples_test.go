package controllers

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"

	"github.com/orgplane/orgplane/internal/testenv"
)

// TestSamplesConvergeToTheFindingsTheREADMEPredicts applies config/samples
// with kubectl, as a user would, and compares every violation the
// controller writes with the list in the README.
func TestSamplesConvergeToTheFindingsTheREADMEPredicts(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	out, err := exec.Command("kubectl", "--kubeconfig", env.Kubeconfig, "apply", "-n", ns,
		"-k", filepath.Join(testenv.Root(), "config", "samples")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	want, err := testenv.SamplesFindings()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	g.Eventually(func(g Gomega) {
		var err error
		got, err = testenv.Findings(ctx, k8s, ns)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(got).To(Equal(want))
	}, 2*eventually, 100*time.Millisecond).Should(Succeed(), func() string { return cmp.Diff(want, got) })
}
