package app

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C with surrounding spaces
// trimmed and inner runs of white space collapsed to one space. Every text
// value goes through it when it enters the domain: input methods (Telex,
// VNI) and pasted text can arrive decomposed.
func NFC(s string) string {
	s = norm.NFC.String(s)
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// NFCText is like NFC but keeps line breaks: for multi-line text such as a
// case summary. Each line is trimmed and blank lines at both ends removed.
func NFCText(s string) string {
	s = norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

var foldMarks = runes.Remove(runes.In(unicode.Mn))

// Fold returns the search form of s: no diacritics, đ/Đ → d, lower case.
// "Nguyễn Thị Hồng ĐÀO" → "nguyen thi hong dao". It is never stored as the
// canonical value of a field, only in search columns.
func Fold(s string) string {
	if out, ok := foldFast(s); ok {
		return out
	}
	return foldSlow(s)
}

// foldSlow is Fold by the book: NFD, marks removed, đ → d, lower case,
// NFC, with a transformer chain from foldPool.
func foldSlow(s string) string {
	if isASCII(s) {
		return strings.ToLower(s) // what the transformers give for ASCII
	}
	t := foldPool.Get().(transform.Transformer)
	defer foldPool.Put(t)
	t.Reset()
	out, _, err := transform.String(t, s)
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// foldPool holds Fold's chains of transformers: a chain allocates its
// buffers (some kilobytes) when made, and Fold runs once per word when
// the register masks a case's summary (scrubber, retention.go).
var foldPool = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, foldMarks, runes.Map(func(r rune) rune {
		if r == 'đ' || r == 'Đ' {
			return 'd'
		}
		return unicode.ToLower(r)
	}), norm.NFC)
}}

// isASCII reports whether s has only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// NewCollator returns a collator for Vietnamese alphabetical order
// (a ă â … d đ … o ô ơ … u ư). A collator is not safe for concurrent use:
// make one per goroutine.
func NewCollator() *collate.Collator {
	return collate.New(language.Vietnamese, collate.IgnoreCase)
}

// SortVietnamese sorts s in place in Vietnamese alphabetical order.
func SortVietnamese(s []string) {
	NewCollator().SortStrings(s)
}

// MatchesWords reports whether every word of query, folded (Fold), starts
// a word of text, folded: how the lists find people and records as the
// officer types ("nguyen van a" finds "Nguyễn Văn An").
func MatchesWords(query, text string) bool {
	words := strings.Fields(Fold(text))
	for _, q := range strings.Fields(Fold(query)) {
		found := false
		for _, w := range words {
			if strings.HasPrefix(w, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
