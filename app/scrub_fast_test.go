package app

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The scrubber as it was before its fast paths (wordsOf folding each word
// alone, foldedWords through NFC, the phone pattern run on every text):
// the oracle the fast one must equal.

func isWordRuneBefore(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func wordsOfBefore(rs []rune) words {
	var out words
	for i := 0; i < len(rs); {
		if !isWordRuneBefore(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && isWordRuneBefore(rs[j]) {
			j++
		}
		out = append(out, word{from: i, to: j, folded: Fold(string(rs[i:j])), capital: unicode.IsUpper(rs[i])})
		i = j
	}
	return out
}

func foldedWordsBefore(s string) []string {
	var out []string
	for _, w := range wordsOfBefore([]rune(NFC(s))) {
		out = append(out, w.folded)
	}
	return out
}

// scrubBefore is scrub as it was, with s's values folded as before.
func scrubBefore(names, phones, addresses, dates []string, text string) string {
	s := scrubber{phones: map[string]bool{}}
	for _, n := range names {
		if w := foldedWordsBefore(n); len(w) > 0 && !IsInitials(n) {
			s.names = append(s.names, w)
		}
	}
	for _, p := range phones {
		if p = NormalizePhone(p); len(p) >= 9 {
			s.phones[p] = true
		}
	}
	for _, a := range append(slices.Clone(addresses), dates...) {
		if w := foldedWordsBefore(a); len(w) > 0 {
			s.texts = append(s.texts, w)
		}
	}
	for _, d := range dates {
		if t, ok := parseDay(d); ok {
			for _, f := range []string{"02/01/2006", "2/1/2006"} {
				s.texts = append(s.texts, foldedWordsBefore(t.Format(f)))
			}
		}
	}
	if text == "" {
		return text
	}
	rs := []rune(text)
	var cut [][2]int
	if len(s.phones) > 0 {
		for _, m := range phoneLikeRE.FindAllStringIndex(text, -1) {
			if s.phones[NormalizePhone(text[m[0]:m[1]])] {
				cut = append(cut, [2]int{len([]rune(text[:m[0]])), len([]rune(text[:m[1]]))})
			}
		}
	}
	ws := wordsOfBefore(rs)
	for _, n := range s.names {
		for i := range ws {
			if k := ws.match(rs, i, n, false); k > 0 {
				cut = append(cut, [2]int{ws[i].from, ws[i+k-1].to})
				continue
			}
			for j := 1; j <= len(n)-2; j++ {
				if k := ws.match(rs, i, n[j:], true); k > 0 {
					cut = append(cut, [2]int{ws[i].from, ws[i+k-1].to})
					break
				}
			}
			if len(n) > 1 && i+1 < len(ws) && honorifics[ws[i].folded] && ws.gapIsSpace(rs, i) &&
				ws[i+1].folded == n[len(n)-1] && ws[i+1].capital {
				cut = append(cut, [2]int{ws[i+1].from, ws[i+1].to})
			}
		}
	}
	for _, t := range s.texts {
		for i := range ws {
			if k := ws.matchLoose(rs, i, t); k > 0 {
				cut = append(cut, [2]int{ws[i].from, ws[i+k-1].to})
			}
		}
	}
	if len(cut) == 0 {
		return text
	}
	slices.SortFunc(cut, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	pos := 0
	for _, c := range cut {
		if c[0] < pos {
			if c[1] > pos {
				pos = c[1]
			}
			continue
		}
		b.WriteString(string(rs[pos:c[0]]))
		b.WriteString(Redacted)
		pos = c[1]
	}
	b.WriteString(string(rs[pos:]))
	return b.String()
}

// scrubPieces are the bits random texts are made of: the person's values
// in several spellings, phone numbers near and far from theirs, digits
// with separators, marks that combine across runes, jamo, invalid UTF-8.
var scrubPieces = []string{
	"Nguyễn", "Thị", "Hồng", "Đào", "nguyen", "THI", "hong", "dao", "chị", "Chị", "anh", "ông", "bà", "Bà",
	"0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "(+84)912345678", "84912345678", "091-234-5678",
	"0987 654 321", "7.289.000", "29.490.000", "17/10/2029", "07/05/1990", "7/5/1990", "1990", "12", "Số", "so",
	"ấp", "Tân", "Hòa", "tan", "hoa", "xã", "Phước", "phuoc", ",", ", ", ".", " ", "  ", "\n", "-", "–", "(", ")",
	"đồng", "mua", "hàng", "máy", "giặt", "e\u0301", "A\u0300\u0323", "\u1100\u1161", "Ωμέγα", "日本", "\xff", "\xe1\x80",
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "İ", "ǅ", "ß", "Ǆ",
}

// The fast scrubber gives what the one before it gave, on the person and
// texts of TestScrubFreeText and on 100,000 random texts and people made
// of scrubPieces.
func TestScrub_SameAsBefore(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 6))
	pick := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(scrubPieces[r.IntN(len(scrubPieces))])
			if r.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		return b.String()
	}
	type person struct{ names, phones, addresses, dates []string }
	people := []person{
		{[]string{"Nguyễn Thị Hồng Đào", ""}, []string{"0912 345 678"}, []string{"Số 12, ấp Tân Hòa, xã Tân Phước", ""}, []string{"1990-05-07"}},
		{[]string{"Lê Văn Út", "Nguyễn Thị  Hồng\tĐào"}, []string{"+84 912 345 678"}, []string{"ấp Tân Hòa", "e\u0301 \u1100\u1161"}, []string{""}},
	}
	for range 200 {
		people = append(people, person{[]string{pick(3), pick(2)}, []string{pick(2)}, []string{pick(5), pick(2)}, []string{fmt.Sprintf("19%02d-%02d-%02d", r.IntN(100), r.IntN(13), r.IntN(32))}})
	}
	texts := []string{"Bà Nguyễn Thị Hồng Đào, SĐT 0912345678, phản ánh.", "Gọi 0912 345 678 hoặc 0912.345.678 hay +84 912 345 678 hoặc (+84)912345678",
		"Chị Đào nói chị Hồng Đào đã trả tiền", "Giao tới so 12 ap Tan Hoa xa Tan Phuoc", "Sinh ngày 07/05/1990.", ""}
	n := 100_000
	if raceDetector {
		n = 5_000
	}
	for i := range n {
		p := people[i%len(people)]
		text := pick(r.IntN(40))
		if i < len(texts)*len(people) {
			text = texts[i%len(texts)]
		}
		s := scrubberFor(p.names, p.phones, p.addresses, p.dates)
		if got, want := s.scrub(text), scrubBefore(p.names, p.phones, p.addresses, p.dates, text); got != want {
			t.Fatalf("text %d %q, person %q:\n got %q\nwant %q", i, text, p, got, want)
		}
	}
}

// isWordRune's shortcut for ASCII says what the Unicode tables say.
func TestIsWordRune_ASCII(t *testing.T) {
	for r := range rune(0x80) {
		if isWordRune(r) != isWordRuneBefore(r) {
			t.Errorf("%q: %v", r, isWordRune(r))
		}
	}
}

// BenchmarkScrubCaseText scrubs a case's summary as a masked register
// prints it, once per case: the case's values folded, then the summary.
//
//	go test -tags ci -run '^$' -bench ScrubCaseText ./app/
func BenchmarkScrubCaseText(b *testing.B) {
	c := &Case{ConsumerName: "Phạm Hoàng Dũng", ConsumerPhone: "0912 345 678",
		ConsumerAddress: "Số 33 đường 30 Tháng 4, Phường Tân Long, tỉnh Tiền Giang", ConsumerBirthDate: "1972-01-01"}
	summaries := []string{
		"Người tiêu dùng mua máy giặt tại Trung tâm điện lạnh Đại Nam ngày 17/10/2029 (7.289.000 đồng). Máy giao đến bị móp vỏ, không vắt được; cửa hàng hẹn đổi máy mới nhưng quá 3 tuần chưa thực hiện.",
		"Người tiêu dùng vay tiêu dùng 29.490.000 đồng của Công ty Tài chính TNHH Thành Công từ ngày 10/10/2029, chậm trả 2 kỳ. Nhân viên thu hồi nợ gọi điện, nhắn tin đe dọa người thân, đồng nghiệp của người tiêu dùng.",
		"Anh Phạm Hoàng Dũng (0912.345.678) mua nước giặt tại Cửa hàng tạp hóa Hồng Phúc; sản phẩm loãng, mùi lạ, nghi hàng giả.",
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ScrubCaseText(c, summaries[i%len(summaries)])
		i++
	}
}
