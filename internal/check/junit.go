package check

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes a JUnit XML report: a test suite per namespace, and a
// test case per object and rule that judged it (classname Kind/name, name
// policy/rule), failed with the rule's violations of the object, or passed.
// A rule that cannot be evaluated is a test case in error.
func WriteJUnit(w io.Writer, r *Result, _ Options) error {
	out := junitSuites{Name: "orgplane"}
	index := map[string]int{}
	add := func(ns string, c junitCase) {
		i, ok := index[ns]
		if !ok {
			i = len(out.Suites)
			index[ns] = i
			out.Suites = append(out.Suites, junitSuite{Name: ns})
		}
		s := &out.Suites[i]
		s.Cases = append(s.Cases, c)
		s.Tests++
		out.Tests++
		if c.Failure != nil {
			s.Failures++
			out.Failures++
		}
		if c.Error != nil {
			s.Errors++
			out.Errors++
		}
	}
	for _, o := range r.Objects {
		byRule := map[string][]Finding{}
		for _, f := range o.Findings {
			id := f.Violation.Policy + "/" + f.Violation.Rule
			byRule[id] = append(byRule[id], f)
		}
		for _, rule := range o.Rules {
			id := rule.ID()
			c := junitCase{Name: id, Classname: string(o.Ref.Kind) + "/" + o.Ref.Name, File: o.Location.File, Line: o.Location.Line}
			if fs := byRule[id]; len(fs) > 0 {
				c.Failure = failure(fs)
				c.Line = fs[0].Location.Line
			}
			add(o.Ref.Namespace, c)
		}
	}
	for _, e := range r.RuleErrors {
		add(e.Namespace, junitCase{
			Name: e.ID(), Classname: "GovernancePolicy/" + e.Policy, File: e.Location.File, Line: e.Location.Line,
			Error: &junitProblem{Message: e.Message, Type: "RuleError", Text: e.Message},
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// failure describes one rule's violations of one object: the first message,
// typed by its severity, and every violation with its location in the text.
func failure(fs []Finding) *junitProblem {
	var text strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&text, "[%s, %s] %s (%s)\n", f.Violation.Severity, f.Violation.Enforcement, f.Violation.Message, f.Location)
	}
	msg := fs[0].Violation.Message
	if len(fs) > 1 {
		msg = fmt.Sprintf("%d violations: %s; ...", len(fs), msg)
	}
	return &junitProblem{Message: msg, Type: string(fs[0].Violation.Severity), Text: text.String()}
}
