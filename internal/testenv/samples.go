package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

var samplesFindings = regexp.MustCompile("(?s)<!-- samples-findings -->\n```text\n(.*?)```")

// SamplesFindings reads the findings that README.md promises for
// config/samples (its samples-findings block, one a line), sorted: the
// controller's suite and the plugin's check both hold themselves to it.
func SamplesFindings() ([]string, error) {
	readme, err := os.ReadFile(filepath.Join(Root(), "README.md"))
	if err != nil {
		return nil, err
	}
	m := samplesFindings.FindSubmatch(readme)
	if m == nil {
		return nil, errors.New("README.md has no <!-- samples-findings --> block")
	}
	lines := strings.Split(strings.TrimSpace(string(m[1])), "\n")
	slices.Sort(lines)
	return lines, nil
}

// Findings lists, in the samples-findings format and sorted, the violations
// the controller wrote into the status of every judged object in ns. It
// fails while an object's status is behind its generation, so that callers
// retry until the controller has caught up.
func Findings(ctx context.Context, c client.Reader, ns string) ([]string, error) {
	var out []string
	for _, k := range orgv1.Kinds {
		l := k.NewList()
		if err := c.List(ctx, l, client.InNamespace(ns)); err != nil {
			return nil, err
		}
		items, err := meta.ExtractList(l)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			obj, judged := item.(orgv1.Judged)
			if !judged {
				continue
			}
			if g := obj.CommonStatus().ObservedGeneration; g != obj.GetGeneration() {
				return nil, fmt.Errorf("%s %q: status.observedGeneration: %d, not yet %d", k.Kind, obj.GetName(), g, obj.GetGeneration())
			}
			for _, v := range obj.Judgement().Violations {
				out = append(out, fmt.Sprintf("%s/%s %s %s/%s %s", k.Kind, obj.GetName(), v.Severity, v.Policy, v.Rule, v.Message))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
