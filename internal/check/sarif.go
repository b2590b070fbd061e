package check

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/policy"
)

// The SARIF 2.1.0 subset written: one run of the orgplane tool, its rules,
// one result per finding at the file and line of the field at fault, and
// the rules that cannot be evaluated as configuration notifications.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Language    string            `json:"language"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Language       string      `json:"language"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		ShortDescription     sarifMessage       `json:"shortDescription"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
		Properties           map[string]any     `json:"properties"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifMessage      `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]string `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation  `json:"physicalLocation"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogicalLocation struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifInvocation struct {
		ExecutionSuccessful            bool                `json:"executionSuccessful"`
		ToolConfigurationNotifications []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
	}
	sarifNotification struct {
		Level          string          `json:"level"`
		Message        sarifMessage    `json:"message"`
		Locations      []sarifLocation `json:"locations"`
		AssociatedRule sarifRuleRef    `json:"associatedRule"`
	}
	sarifRuleRef struct {
		ID    string `json:"id"`
		Index int    `json:"index"`
	}
)

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// sarifLevels maps severities to SARIF levels.
var sarifLevels = map[orgv1.Severity]string{
	orgv1.SeverityCritical: "error",
	orgv1.SeverityHigh:     "error",
	orgv1.SeverityMedium:   "warning",
	orgv1.SeverityLow:      "note",
}

// WriteSARIF writes a SARIF 2.1.0 log for code-scanning UIs: rule ids are
// policy/rule, levels follow severity (Critical and High are errors, Medium
// warnings, Low notes), and each result points at the file and line of the
// field at fault. File paths are written relative to the working directory,
// as code scanning expects paths relative to the repository's root.
func WriteSARIF(w io.Writer, r *Result, _ Options) error {
	driver := sarifDriver{Name: "orgplane", Language: "en-US", InformationURI: "https://github.com/orgplane/orgplane"}
	index := map[string]int{}
	for i, rule := range r.Rules {
		index[rule.ID()] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   rule.ID(),
			ShortDescription:     sarifMessage{Text: describe(rule)},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevels[rule.Severity]},
			Properties: map[string]any{
				"tags":     []string{"orgplane", "governance"},
				"severity": rule.Severity, "enforcement": rule.Enforcement,
			},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Language: "en-US", Results: []sarifResult{}}
	for _, f := range r.Findings() {
		v, ref := f.Violation, f.Object
		id := v.Policy + "/" + v.Rule
		sum := sha256.Sum256([]byte(strings.Join([]string{string(ref.Kind), ref.Namespace, ref.Name, id, v.Message}, "\x00")))
		run.Results = append(run.Results, sarifResult{
			RuleID: id, RuleIndex: index[id], Level: sarifLevels[v.Severity], Message: sarifMessage{Text: v.Message},
			Locations: []sarifLocation{{
				PhysicalLocation: physical(f.Location),
				LogicalLocations: []sarifLogicalLocation{{
					Name: ref.Name, FullyQualifiedName: ref.Namespace + "/" + string(ref.Kind) + "/" + ref.Name, Kind: "object",
				}},
			}},
			// A stable identity, so that code scanning tracks a finding
			// across commits however the file around it moves.
			PartialFingerprints: map[string]string{"orgplaneFinding/v1": hex.EncodeToString(sum[:16])},
			Properties: map[string]string{
				"kind": string(ref.Kind), "namespace": ref.Namespace, "name": ref.Name,
				"severity": string(v.Severity), "enforcement": string(v.Enforcement),
			},
		})
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, e := range r.RuleErrors {
		id := e.ID()
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications, sarifNotification{
			Level: "error", Message: sarifMessage{Text: e.Message},
			Locations:      []sarifLocation{{PhysicalLocation: physical(e.Location)}},
			AssociatedRule: sarifRuleRef{ID: id, Index: index[id]},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func describe(r policy.RuleRef) string {
	if r == policy.Integrity {
		return "Reference integrity (always on): every reference resolves and no team is on a cycle of parentRefs"
	}
	return string(r.Type) + " rule " + r.Rule + " of GovernancePolicy " + r.Policy + " (" + string(r.Enforcement) + ")"
}

func physical(l Location) sarifPhysicalLocation {
	return sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: artifactURI(l.File)}, Region: sarifRegion{StartLine: max(l.Line, 1)}}
}

// artifactURI writes a file as a URI reference: relative to the working
// directory when it lies below it, else an absolute file URI.
func artifactURI(file string) string {
	if file == manifest.StdinName {
		return file
	}
	if filepath.IsAbs(file) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = rel
			}
		}
	}
	if filepath.IsAbs(file) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()
	}
	return (&url.URL{Path: filepath.ToSlash(filepath.Clean(file))}).EscapedPath()
}
