package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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
