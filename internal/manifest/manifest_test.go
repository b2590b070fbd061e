package manifest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// writeTree writes files (path -> content) under a new temporary directory
// and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// summary is what a test compares of a load: objects as kind/ns/name@file:line,
// counts, and error lines with the directory made relative.
type summary struct {
	Objects []string
	Ignored int
	Files   int
	Errors  []string
}

func load(t *testing.T, dir string, paths []string, stdin string) summary {
	t.Helper()
	set, err := Load(paths, Options{Namespace: "default", Stdin: strings.NewReader(stdin)})
	var s summary
	for _, o := range set.Objects {
		rel := strings.TrimPrefix(o.File, dir+string(filepath.Separator))
		s.Objects = append(s.Objects, o.Kind()+"/"+o.Object.GetNamespace()+"/"+o.Object.GetName()+"@"+rel+":"+strconv.Itoa(o.Line))
	}
	s.Ignored, s.Files = set.Ignored, set.Files
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			s.Errors = append(s.Errors, strings.ReplaceAll(line, dir+string(filepath.Separator), ""))
		}
	}
	return s
}

const team = `apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata:
  name: data
spec:
  function: Data
  type: Department
`

func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		paths []string // relative to the tree; "-" is stdin
		stdin string
		want  summary
	}{{
		name: "multi-document file, other kinds counted, empty documents skipped",
		files: map[string]string{"org.yaml": `# leading comment
---
apiVersion: v1
kind: ConfigMap
metadata: {name: x}
---
` + team + `---
# only a comment
---
apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata:
  name: crm
  namespace: sales
spec: {category: CRM}
`},
		paths: []string{"org.yaml"},
		want: summary{
			Objects: []string{"Team/default/data@org.yaml:9", "Platform/sales/crm@org.yaml:19"},
			Ignored: 1, Files: 1,
		},
	}, {
		name: "directories recursively, only manifest extensions, lexical order",
		files: map[string]string{
			"b/team.yml":           team,
			"a/deep/er/team.json":  `{"apiVersion": "org.orgplane.io/v1alpha1", "kind": "Team", "metadata": {"name": "json"}, "spec": {"function": "IT", "type": "Department"}}`,
			"a/README.md":          "not: [yaml",
			"a/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
		},
		paths: []string{"."},
		want: summary{
			Objects: []string{"Team/default/json@a/deep/er/team.json:1", "Team/default/data@b/team.yml:3"},
			Ignored: 1, Files: 3,
		},
	}, {
		name:  "stdin beside a file",
		files: map[string]string{"t.yaml": team},
		paths: []string{"-", "t.yaml"},
		stdin: strings.ReplaceAll(team, "name: data", "name: from-stdin"),
		want: summary{
			Objects: []string{"Team/default/from-stdin@stdin:3", "Team/default/data@t.yaml:3"},
			Files:   2,
		},
	}, {
		name: "a List is unpacked",
		files: map[string]string{"list.yaml": `apiVersion: v1
kind: List
items:
- apiVersion: org.orgplane.io/v1alpha1
  kind: Team
  metadata: {name: a}
  spec: {function: IT, type: Department}
- apiVersion: v1
  kind: Namespace
  metadata: {name: b}
`},
		paths: []string{"list.yaml"},
		want:  summary{Objects: []string{"Team/default/a@list.yaml:6"}, Ignored: 1, Files: 1},
	}, {
		name:  "malformed YAML names the file and line, and later files are still read",
		files: map[string]string{"a.yaml": team + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n", "b.yaml": team},
		paths: []string{"a.yaml", "b.yaml"},
		want: summary{
			Objects: []string{"Team/default/data@a.yaml:3"},
			Files:   2,
			Errors: []string{
				"a.yaml:12: did not find expected ',' or ']'",
				`b.yaml:3: Team "data": already defined in namespace "default" at a.yaml:3`,
			},
		},
	}, {
		name: "strict decoding: unknown and duplicate fields by path and line",
		files: map[string]string{"p.yaml": `apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata:
  name: crm
spec:
  category: CRM
  ownerRef:
    name: sales
    nmespace: x
  colour: blue
  operatorRefs:
  - name: a
  - name: b
    name: c
`},
		paths: []string{"p.yaml"},
		want: summary{Files: 1, Errors: []string{
			`p.yaml:14: Platform "crm": duplicate field "spec.operatorRefs[1].name" (first at line 13)`,
		}},
	}, {
		name: "strict decoding: unknown fields",
		files: map[string]string{"p.yaml": `apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata:
  name: crm
spec:
  category: CRM
  ownerRef:
    name: sales
    nmespace: x
  colour: blue
`},
		paths: []string{"p.yaml"},
		want: summary{Files: 1, Errors: []string{
			`p.yaml:9: Platform "crm": unknown field "spec.ownerRef.nmespace"`,
			`p.yaml:10: Platform "crm": unknown field "spec.colour"`,
		}},
	}, {
		name: "wrong type names the field, with its index, and the wanted type",
		files: map[string]string{"t.yaml": `apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata:
  name: t
spec:
  function: IT
  type: Department
  members: {name: x}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata:
  name: u
spec:
  function: IT
  type: Department
  members:
  - name: "y"
  - name: y
`},
		paths: []string{"t.yaml"},
		want: summary{Files: 1, Errors: []string{
			`t.yaml:8: Team "t": spec.members: wrong type: got object, want list`,
			`t.yaml:19: Team "u": spec.members[1].name: wrong type: got bool, want string (YAML reads y as a boolean: quote it)`,
		}},
	}, {
		name: "missing required fields, at the field that should hold them",
		files: map[string]string{"gp.yaml": `apiVersion: org.orgplane.io/v1alpha1
kind: GovernancePolicy
metadata:
  name: gp
spec:
  rules:
  - name: a
    type: PlatformOwnership
  - type: CEL
    cel: {message: m}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata:
  name: p
spec:
  ownerRef: {namespace: x}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Team
metadata: {labels: {a: b}}
spec: {function: IT, type: Department}
---
apiVersion: org.orgplane.io/v1alpha1
kind: Organization
metadata: {name: o}
`},
		paths: []string{"gp.yaml"},
		want: summary{Files: 1, Errors: []string{
			`gp.yaml:9: GovernancePolicy "gp": missing required field "spec.rules[1].name"`,
			`gp.yaml:10: GovernancePolicy "gp": missing required field "spec.rules[1].cel.expression"`,
			`gp.yaml:16: Platform "p": missing required field "spec.category"`,
			`gp.yaml:17: Platform "p": missing required field "spec.ownerRef.name"`,
			`gp.yaml:21: Team: missing required field "metadata.name"`,
			`gp.yaml:24: Organization "o": missing required field "spec"`,
		}},
	}, {
		name: "unknown kind and version in the orgplane group, missing kind",
		files: map[string]string{"k.yaml": `apiVersion: org.orgplane.io/v1alpha1
kind: Platfrom
metadata: {name: p}
---
apiVersion: org.orgplane.io/v1
kind: Team
metadata: {name: t}
---
metadata: {name: nothing}
---
- a list
`},
		paths: []string{"k.yaml"},
		want: summary{Files: 1, Errors: []string{
			`k.yaml:2: unknown kind "Platfrom" in org.orgplane.io/v1alpha1 (known kinds: GovernancePolicy, Organization, Platform, ResponsibilityMatrix, SteeringCommittee, Team)`,
			`k.yaml:5: Team "t": unknown version "v1" of org.orgplane.io (this plugin reads org.orgplane.io/v1alpha1)`,
			`k.yaml:9: apiVersion and kind are required`,
			`k.yaml:11: a manifest must be an object (a YAML mapping)`,
		}},
	}, {
		name:  "unreadable paths",
		files: map[string]string{"empty/notes.txt": "x"},
		paths: []string{"missing.yaml", "empty", "-", "-"},
		want: summary{Files: 2, Errors: []string{
			"missing.yaml: no such file or directory",
			"empty: no .yaml, .yml or .json files in this directory",
			"stdin: standard input can be read only once",
		}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			var paths []string
			for _, p := range tc.paths {
				if p != Stdin {
					p = filepath.Join(dir, p)
				}
				paths = append(paths, p)
			}
			if diff := cmp.Diff(tc.want, load(t, dir, paths, tc.stdin)); diff != "" {
				t.Errorf("load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLineOf(t *testing.T) {
	dir := writeTree(t, map[string]string{"m.yaml": `apiVersion: org.orgplane.io/v1alpha1
kind: ResponsibilityMatrix
metadata:
  name: m
spec:
  activities:
  - name: a
    informed:
    - name: x
    - name: z
  - name: b
`})
	set, err := Load([]string{filepath.Join(dir, "m.yaml")}, Options{Namespace: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	o := set.Lookup("ResponsibilityMatrix", "ns", "m")
	for path, want := range map[string]int{
		"":                                3,
		"spec":                            5,
		"spec.activities[0].informed[1]":  10,
		"spec.activities[1].accountable":  11, // absent: its activity
		"spec.activities[7]":              6,
		"metadata.name":                   4,
		"spec.activities[0].informed[1].": 10,
	} {
		if got := o.LineOf(path); got != want {
			t.Errorf("LineOf(%q) = %d, want %d", path, got, want)
		}
	}
}

func TestDefaultsAndNamespace(t *testing.T) {
	dir := writeTree(t, map[string]string{"d.yaml": `apiVersion: org.orgplane.io/v1alpha1
kind: Platform
metadata: {name: p}
spec: {category: CRM}
---
apiVersion: org.orgplane.io/v1alpha1
kind: GovernancePolicy
metadata: {name: gp, namespace: other}
spec:
  rules: [{name: r, type: TeamStructure}]
`})
	set, err := Load([]string{dir}, Options{Namespace: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	p := set.Lookup("Platform", "mine", "p").Object.(*orgv1.Platform)
	gp := set.Lookup("GovernancePolicy", "other", "gp").Object.(*orgv1.GovernancePolicy)
	got := []string{string(p.Spec.Tier), string(p.Spec.Scope), string(gp.Spec.Enforcement), string(gp.Spec.Admission), string(gp.Spec.Rules[0].Severity)}
	if diff := cmp.Diff([]string{"Engagement", "Global", "Audit", "Warn", "Medium"}, got); diff != "" {
		t.Error(diff)
	}
}
