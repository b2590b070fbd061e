package controllers

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
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
		got = nil
		for _, l := range []client.ObjectList{&orgv1.OrganizationList{}, &orgv1.TeamList{}, &orgv1.PlatformList{},
			&orgv1.SteeringCommitteeList{}, &orgv1.ResponsibilityMatrixList{}} {
			g.Expect(k8s.List(ctx, l, client.InNamespace(ns))).To(Succeed())
			items, err := meta.ExtractList(l)
			g.Expect(err).NotTo(HaveOccurred())
			for _, item := range items {
				obj := item.(orgv1.Judged)
				g.Expect(obj.CommonStatus().ObservedGeneration).To(Equal(obj.GetGeneration()), obj.GetName())
				kind, _ := orgv1.KindOf(obj)
				for _, v := range obj.Judgement().Violations {
					got = append(got, fmt.Sprintf("%s/%s %s %s/%s %s", kind, obj.GetName(), v.Severity, v.Policy, v.Rule, v.Message))
				}
			}
		}
		slices.Sort(got)
		g.Expect(got).To(Equal(want))
	}, 2*eventually, 100*time.Millisecond).Should(Succeed(), func() string { return cmp.Diff(want, got) })
}
