package app

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Fold runs on every case a laptop stores (its search and person columns),
// so the text of Latin scripts takes a table instead of the normalisation
// chain: each rune of ASCII, Latin-1, Latin Extended-A/B and Latin
// Extended Additional (Vietnamese) is folded alone by foldSlow once, at
// first use. A string made of such runes only — no combining mark, which
// could attach across runes, valid UTF-8 — folds rune by rune to exactly
// what foldSlow gives: their decompositions carry only marks that Fold
// removes, and what is left composes with nothing. Any other string takes
// foldSlow. TestFold_FastEqualsSlow checks every rune of the table.

var (
	foldTableOnce sync.Once
	foldTable     []string // by rune below foldTableEnd; "": not in the table
)

const foldTableEnd = 0x1F00

// foldRanges are the runes the table holds (besides ASCII).
var foldRanges = [][2]rune{{0x80, 0x24F}, {0x1E00, 0x1EFF}}

func buildFoldTable() {
	t := make([]string, foldTableEnd)
	for _, rg := range foldRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			if !unicode.IsPrint(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) {
				continue
			}
			out := foldSlow(string(r))
			if out == "" || strings.IndexFunc(out, func(c rune) bool { return unicode.In(c, unicode.Mn, unicode.Mc, unicode.Me) }) >= 0 {
				continue
			}
			t[r] = out
		}
	}
	foldTable = t
}

// foldFast folds s by the table; false when s has a rune it does not hold.
func foldFast(s string) (string, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s), true
	}
	foldTableOnce.Do(buildFoldTable)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= foldTableEnd || foldTable[r] == "" { // RuneError is not in the table
			return "", false
		}
		b.WriteString(foldTable[r])
		i += size
	}
	return b.String(), true
}
