package app

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"FullName", "Nguyễn Thị Hồng ĐÀO", "nguyen thi hong dao"},
		{"DStrokeLower", "đường", "duong"},
		{"DStrokeUpper", "ĐẶNG VĂN ĐỨC", "dang van duc"},
		{"AllToneMarks", "à á ả ã ạ", "a a a a a"},
		{"HornAndBreve", "Ơn Ưng Ăn Ân Ôn", "on ung an an on"},
		{"UnitName", "Phường Mỹ Tho", "phuong my tho"},
		{"ASCIIUnchanged", "abc 123", "abc 123"},
		{"UpperASCII", "CASE-2026", "case-2026"},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// Input methods and pasted text may be decomposed.
			nfd := norm.NFD.String(tt.in)
			if got := Fold(nfd); got != tt.want {
				t.Errorf("Fold(NFD %q) = %q, want %q", nfd, got, tt.want)
			}
		})
	}
}

// Every Vietnamese letter folds to a single ASCII letter.
func TestFoldVietnameseAlphabetIsASCII(t *testing.T) {
	const letters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
	for _, r := range letters + strings.ToUpper(letters) {
		got := Fold(string(r))
		if len(got) != 1 || got[0] < 'a' || got[0] > 'z' {
			t.Errorf("Fold(%q) = %q, want one ASCII lower-case letter", r, got)
		}
	}
}

func TestNFC(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"DecomposedToComposed", norm.NFD.String("Nguyễn Thị Ánh"), "Nguyễn Thị Ánh"},
		{"CollapsesInnerSpaces", "Nguyễn   Thị \t Ánh", "Nguyễn Thị Ánh"},
		{"TrimsEnds", "  Phường Mỹ Tho \n", "Phường Mỹ Tho"},
		{"NoBreakSpace", "Mỹ\u00a0Tho", "Mỹ Tho"},
		{"NewlineBecomesSpace", "Ấp 1\nxã Mỹ Hiệp", "Ấp 1 xã Mỹ Hiệp"},
		{"OnlySpaces", "   ", ""},
		{"Empty", "", ""},
		{"AlreadyTidy", "Đồng Tháp", "Đồng Tháp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NFC(tt.in)
			if got != tt.want {
				t.Errorf("NFC(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !norm.NFC.IsNormalString(got) {
				t.Errorf("NFC(%q) = %q is not in NFC", tt.in, got)
			}
		})
	}
}

func TestNFCText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"KeepsLineBreaks", "Dòng một\nDòng hai", "Dòng một\nDòng hai"},
		{"WindowsLineBreaks", "Dòng một\r\nDòng hai\r\n", "Dòng một\nDòng hai"},
		{"KeepsInnerBlankLine", "Đoạn một\n\nĐoạn hai", "Đoạn một\n\nĐoạn hai"},
		{"TrimsEachLine", "  Dòng   một  \n\t dòng  hai ", "Dòng một\ndòng hai"},
		{"DropsBlankLinesAtEnds", "\n  \nNội dung\n \n\n", "Nội dung"},
		{"DecomposedToComposed", norm.NFD.String("Khiếu nại về hàng giả\nĐề nghị xử lý"), "Khiếu nại về hàng giả\nĐề nghị xử lý"},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NFCText(tt.in)
			if got != tt.want {
				t.Errorf("NFCText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !norm.NFC.IsNormalString(got) {
				t.Errorf("NFCText(%q) = %q is not in NFC", tt.in, got)
			}
		})
	}
}

func TestSortVietnamese(t *testing.T) {
	// Vietnamese alphabet order: a ă â … d đ … o ô ơ … u ư, tones secondary
	// (docs/machine-notes.md §8). Byte order would put Đào, Ân, Ôn … after Yến.
	want := strings.Fields("An Anh Ăn Ân Ấn Bình Dũng Dương Đào Đặng Nga Ngô Nguyễn On Ôn Ổn ơn Uyên Ưng Yến")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		got := slices.Clone(want)
		rng.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		if i == 0 {
			slices.Reverse(got)
		}
		SortVietnamese(got)
		if !slices.Equal(got, want) {
			t.Fatalf("SortVietnamese =\n%v\nwant\n%v", got, want)
		}
	}
}

func TestSortVietnameseDecomposed(t *testing.T) {
	// A name typed in NFD sorts where its NFC form does.
	got := []string{"Đào", norm.NFD.String("Dương"), "An"}
	SortVietnamese(got)
	want := []string{"An", norm.NFD.String("Dương"), "Đào"}
	if !slices.Equal(got, want) {
		t.Errorf("SortVietnamese = %q, want %q", got, want)
	}
}

func TestNewCollator(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"CaseIgnored", "nguyễn thị đào", "NGUYỄN THỊ ĐÀO", 0},
		{"DStrokeAfterD", "Dương", "đào", -1},
		{"BreveBeforeCircumflex", "ăn", "Ân", -1},
		{"HornAfterCircumflex", "ơn", "Ôn", 1},
		{"CircumflexIsALetter", "Ấn", "Anh", 1},
		{"ToneOnlyDecidesTies", "Ấn", "Ân", 1},
		{"ToneLosesToLetters", "Ấn", "Âng", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewCollator().CompareString(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareString(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestMatchesWords(t *testing.T) {
	for _, tc := range []struct {
		q, text string
		want    bool
	}{
		{"nguyen van a", "Nguyễn Văn An", true},
		{"Đào", "Nguyễn Thị Hồng Đào", true},
		{"dao", "Nguyễn Thị Hồng Đào", true},
		{"an nguyen", "Nguyễn Văn An", true}, // any order
		{"van b", "Nguyễn Văn An", false},
		{"", "Nguyễn Văn An", true},
		{"guyen", "Nguyễn Văn An", false}, // word starts only
	} {
		if got := MatchesWords(tc.q, tc.text); got != tc.want {
			t.Errorf("MatchesWords(%q, %q) = %v", tc.q, tc.text, got)
		}
	}
}
