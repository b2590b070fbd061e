// Package docsection rewrites the part of a markdown file that a benchmark
// command owns: what lies between its two marker comments.
package docsection

import (
	"fmt"
	"os"
	"strings"
)

// Replace replaces, in doc, what lies between the begin and end markers
// with body.
func Replace(doc, begin, end, body string) (string, error) {
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("markers %q and %q not found", begin, end)
	}
	return doc[:i+len(begin)] + "\n" + body + doc[j:], nil
}

// Rewrite replaces the marked section of the file at path with body.
func Rewrite(path, begin, end, body string) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated, err := Replace(string(doc), begin, end, body)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, []byte(updated), 0o644)
}
