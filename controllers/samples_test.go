package controllers_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"

	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// TestSamplesConvergeToTheFindingsTheREADMEPredicts applies config/samples
// with kubectl, as a user would, and compares every violation the
// controller writes with the list in the README.
func TestSamplesConvergeToTheFindingsTheREADMEPredicts(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	env.ApplySamples(t, ns)
	want, err := repo.SamplesFindings()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	g.Eventually(func(g Gomega) {
		var err error
		got, err = testenv.Findings(ctx, env.Client, ns)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(got).To(Equal(want))
	}, 2*eventually, 100*time.Millisecond).Should(Succeed(), func() string { return cmp.Diff(want, got) })
}
