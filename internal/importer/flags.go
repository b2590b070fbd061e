package importer

import (
	"fmt"
	"strings"
)

// ParseMap reads the pairs of a --function-map, --type-map or
// --category-map flag (KEY=VALUE, each flag value possibly several joined
// by commas) into a map from KEY in lower case to the allowed value VALUE
// names, in any case.
func ParseMap[T ~string](flag string, pairs []string, allowed []T) (map[string]T, error) {
	out := map[string]T{}
	for _, arg := range pairs {
		for pair := range strings.SplitSeq(arg, ",") {
			key, value, ok := strings.Cut(pair, "=")
			key, value = strings.TrimSpace(key), strings.TrimSpace(value)
			if !ok || key == "" {
				return nil, fmt.Errorf("--%s: %q is not KEY=VALUE", flag, pair)
			}
			v, found := canonical(value, allowed)
			if !found {
				return nil, fmt.Errorf("--%s: %q: %q is not one of %s", flag, pair, value, join(allowed))
			}
			out[strings.ToLower(key)] = v
		}
	}
	return out, nil
}

func canonical[T ~string](value string, allowed []T) (T, bool) {
	for _, a := range allowed {
		if strings.EqualFold(value, string(a)) {
			return a, true
		}
	}
	return "", false
}

func join[T ~string](l []T) string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
