package app

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// The table folds every rune it holds as foldSlow does, and Fold gives
// foldSlow's answer on random strings (seeded) mixing the table's runes
// with ASCII, combining marks (decomposed input), Hangul jamo (which
// compose across runes), other scripts and invalid UTF-8.
func TestFold_FastEqualsSlow(t *testing.T) {
	foldTableOnce.Do(buildFoldTable)
	var held []rune
	for r := rune(0); r < 0x80; r++ {
		held = append(held, r)
		if got, ok := foldFast(string(r)); !ok || got != foldSlow(string(r)) {
			t.Fatalf("ASCII %U: %q, want %q", r, got, foldSlow(string(r)))
		}
	}
	for r, out := range foldTable {
		if out == "" {
			continue
		}
		held = append(held, rune(r))
		if want := foldSlow(string(rune(r))); out != want {
			t.Fatalf("%U %q: table %q, want %q", r, string(rune(r)), out, want)
		}
	}
	if len(held) < 600 {
		t.Fatalf("the table holds %d runes", len(held))
	}
	others := []string{"\u0301", "\u0323", "\u0309", "\u1100\u1161", "\u11a8", "가", "Ω", "ß", "\u2028", "\xff", "\xe1\xba", "İ", "ǅ", "ﬁ", "日本"}
	rng := rand.New(rand.NewPCG(22, 1))
	n := 200_000
	if raceDetector {
		n = 10_000
	}
	for i := range n {
		var b strings.Builder
		for range rng.IntN(12) {
			if rng.IntN(6) == 0 {
				b.WriteString(others[rng.IntN(len(others))])
			} else {
				b.WriteRune(held[rng.IntN(len(held))])
			}
		}
		s := b.String()
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Fatalf("string %d %q (valid %v): Fold %q, want %q", i, s, utf8.ValidString(s), got, want)
		}
	}
	for _, s := range []string{"Nguyễn Thị Hồng ĐÀO", "Đỗ Thanh Đào", "Số 171 đường Đinh Bộ Lĩnh", "NGUYỄN VĂN AN", ""} {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
	}
}

// BenchmarkFold folds a case's search text, as the store does for every
// case it writes.
func BenchmarkFold(b *testing.B) {
	s := "Nguyễn Thị Hồng Đào 0912345678 Số 12 đường Lê Lợi, Phường Mỹ Tho Cửa hàng Điện máy Hòa Phát " +
		"Mua nồi cơm điện qua mạng, nhận hàng bị vỡ. Cửa hàng không đổi trả."
	b.Run("fast", func(b *testing.B) {
		for range b.N {
			Fold(s)
		}
	})
	b.Run("slow", func(b *testing.B) {
		for range b.N {
			foldSlow(s)
		}
	})
}
