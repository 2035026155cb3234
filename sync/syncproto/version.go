package syncproto

import (
	"strconv"
	"strings"
)

// CompareVersions compares two app versions of the form MAJOR.MINOR.PATCH
// (missing parts are 0; anything after a '-' or '+' is ignored; a part that
// is not a number counts as 0). It returns -1, 0 or +1.
func CompareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	for i := range pa {
		switch {
		case pa[i] < pb[i]:
			return -1
		case pa[i] > pb[i]:
			return 1
		}
	}
	return 0
}

func versionParts(v string) [3]int {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	var out [3]int
	for i, p := range strings.SplitN(v, ".", 3) {
		n, err := strconv.Atoi(p)
		if err == nil && n > 0 {
			out[i] = n
		}
	}
	return out
}
