package app

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldOracle is Fold as it was before its chains were pooled and ASCII
// took a short cut: a new chain of transformers per call.
func foldOracle(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(func(r rune) rune {
		if r == 'đ' || r == 'Đ' {
			return 'd'
		}
		return unicode.ToLower(r)
	}), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// Fold gives what a new chain of transformers gives, for ASCII, for
// Vietnamese composed and decomposed, for other scripts and for bytes
// that are not UTF-8, one after the other from the pool.
func TestFold_SameAsAChainPerCall(t *testing.T) {
	fixed := []string{"", "abc", "ABC Def 123", "Nguyễn Thị Hồng ĐÀO", norm.NFD.String("Nguyễn Thị Hồng ĐÀO"),
		"Đường 30/4, P. Mỹ Phú", "한국어 テスト Ωμέγα", "\xff\xfeabc", "a\u0301\u0323", "ǅ ß İ ﬁ", strings.Repeat("Ế", 5000)}
	r := rand.New(rand.NewPCG(22, 4))
	alphabet := []rune("aAăĂâÂbcdđĐeêÊghiklmnoôơpqrstuưvxyzÝỹỵ ̣́̀̉̃0123456789 .,-\u0301\u0309\t\n한ßİ")
	for range 2000 {
		rs := make([]rune, r.IntN(40))
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		fixed = append(fixed, string(rs))
	}
	for _, s := range fixed {
		if got, want := Fold(s), foldOracle(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}

// BenchmarkFold_Words folds the words of a case's summary, as the register's
// masking does.
func BenchmarkFold_Words(b *testing.B) {
	words := strings.Fields("Ông Nguyễn Văn An mua tủ lạnh tại cửa hàng điện máy ngày 12/3, sau 5 ngày máy hỏng, cửa hàng không đổi")
	b.ReportAllocs()
	for range b.N {
		for _, w := range words {
			Fold(w)
		}
	}
}
