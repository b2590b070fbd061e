// Package naming turns the names people write ("Équipe Données", "EMEA
// Marketing & Sales") into Kubernetes object names: DNS-1123 subdomains of
// at most 63 characters, which are also valid Backstage entity names, so that an
// imported org can be exported again under the same names. The same input
// always gives the same name; names that collide get a stable suffix.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxLength is the longest name made: a DNS-1123 label, and a Backstage
// entity name.
const MaxLength = 63

// suffixLength is the length of a collision suffix's hash.
const suffixLength = 6

// fallback is the name of a name with no letter or digit at all ("???").
const fallback = "unnamed"

// letters that do not decompose into a base letter and marks.
var spelled = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'ø': "o", 'Ø': "o", 'œ': "oe", 'Œ': "oe",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th",
	'ı': "i",
}

// DNSLabel is s as a Kubernetes object name (a DNS-1123 subdomain of at
// most MaxLength characters, which is also a Backstage entity name): lower
// case ASCII letters and digits (accents dropped, other letters spelled
// out where they have a usual spelling), every other run of characters a
// single separator (a dot when the run is only dots, as in unit.7, else a
// hyphen), none at either end; "unnamed" when nothing is left.
func DNSLabel(s string) string {
	var b strings.Builder
	sep := ""
	letter := func(l string) {
		if sep != "" && b.Len() > 0 {
			b.WriteString(sep)
		}
		sep = ""
		b.WriteString(l)
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // an accent of the letter before
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			letter(string(unicode.ToLower(r)))
		case spelled[r] != "":
			letter(spelled[r])
		case r == '.' && (sep == "" || sep == "."):
			sep = "."
		default:
			sep = "-"
		}
	}
	out := b.String()
	if len(out) > MaxLength {
		out = strings.TrimRight(out[:MaxLength], "-.")
	}
	if out == "" {
		return fallback
	}
	return out
}

// Namer gives each key a name that no other key of the same Namer has.
type Namer struct {
	taken map[string]string // name -> key
}

// New returns a Namer with no name taken.
func New() *Namer { return &Namer{taken: map[string]string{}} }

// Name is the name of key, from want (a name as people write it): its
// DNSLabel, or, when another key already has that, the label with a suffix
// made from a hash of key, so that the name stays the same whatever else is
// named. renamed reports the suffix. Asking again for a key gives the name
// it got.
func (n *Namer) Name(key, want string) (name string, renamed bool) {
	base := DNSLabel(want)
	if k, ok := n.taken[base]; !ok || k == key {
		n.taken[base] = key
		return base, false
	}
	sum := sha256.Sum256([]byte(key))
	suffix := "-" + hex.EncodeToString(sum[:])[:suffixLength]
	for i := 2; ; i++ {
		name = strings.TrimRight(base[:min(len(base), MaxLength-len(suffix))], "-") + suffix
		if k, ok := n.taken[name]; !ok || k == key {
			n.taken[name] = key
			return name, true
		}
		// A hash prefix shared by two keys (or a name taken as written):
		// count on.
		suffix = "-" + hex.EncodeToString(sum[:])[:suffixLength] + "-" + strconv.Itoa(i)
	}
}
