package naming

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation"
)

func TestDNSLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"marketing", "marketing"},
		{"Équipe Données", "equipe-donnees"},
		{"EMEA Marketing & Sales", "emea-marketing-sales"},
		{"Straße der Øresund-Brücke", "strasse-der-oresund-brucke"},
		{"  --Leading and trailing--  ", "leading-and-trailing"},
		{"team_a.b", "team-a.b"},
		{"unit.7", "unit.7"},
		{"a. b", "a-b"},
		{"a..b", "a.b"},
		{"ＦＵＬＬ width", "full-width"},
		{"数据团队", "unnamed"},
		{"", "unnamed"},
		{"Łódź Œuvre Æsir", "lodz-oeuvre-aesir"},
		{strings.Repeat("a", 62) + " b", strings.Repeat("a", 62)},
	} {
		got := DNSLabel(c.in)
		if got != c.want {
			t.Errorf("DNSLabel(%q) = %q, want %q", c.in, got, c.want)
		}
		if errs := validation.IsDNS1123Subdomain(got); len(errs) > 0 {
			t.Errorf("DNSLabel(%q) = %q: %v", c.in, got, errs)
		}
	}
}

// TestNamer: the first key keeps the label, the others get a suffix made
// from their own key, so that a name does not depend on what else exists;
// asking again gives the same name.
func TestNamer(t *testing.T) {
	n := New()
	var got []string
	for _, k := range []struct{ key, want string }{
		{"group:default/marketing", "Marketing"},
		{"group:emea/marketing", "marketing"},
		{"group:apac/marketing", "MARKETING!"},
		{"group:default/marketing", "Marketing"},
		{"group:default/sales", "Sales"},
	} {
		name, renamed := n.Name(k.key, k.want)
		if renamed != (name != "marketing" && name != "sales") {
			t.Errorf("%s: renamed %v for %q", k.key, renamed, name)
		}
		got = append(got, name)
	}
	want := []string{"marketing", "marketing-" + hash("group:emea/marketing"), "marketing-" + hash("group:apac/marketing"), "marketing", "sales"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The suffix of a key is the same in another Namer, whatever came first.
	other := New()
	other.Name("group:x/marketing", "marketing")
	if name, _ := other.Name("group:emea/marketing", "marketing"); name != got[1] {
		t.Errorf("group:emea/marketing named %q in another Namer, %q in the first", name, got[1])
	}
	// Long names keep room for the suffix.
	long := strings.Repeat("x", 80)
	n.Name("a", long)
	name, _ := n.Name("b", long)
	if len(name) > MaxLength || len(validation.IsDNS1123Subdomain(name)) > 0 {
		t.Errorf("long collision named %q", name)
	}
}

func hash(key string) string {
	n := New()
	n.Name("", "x")
	name, _ := n.Name(key, "x")
	return strings.TrimPrefix(name, "x-")
}
