package crdschema

import (
	"fmt"
	"testing"

	"github.com/orgplane/orgplane/internal/testing/builders"
)

// BenchmarkValidate times Validate on a team of ten members with a parent,
// the commonest object of a generated org (orggen.Enterprise: 70% teams).
func BenchmarkValidate(b *testing.B) {
	w := builders.MakeTeam("team", "ns").Parent("root").DottedLines("data").Lead(builders.Person("p0", ""))
	for i := range 10 {
		w.Members(builders.Person(fmt.Sprintf("p%d", i), ""))
	}
	t := &testing.T{}
	obj := unstructuredOf(t, w.Obj())
	b.ReportAllocs()
	for b.Loop() {
		if errs := Validate(b.Context(), obj); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
