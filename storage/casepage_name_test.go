package storage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/unicode/norm"

	"bvntd/app"
)

// sortByKeys is the name order as it was made before orderByName: each
// entry's collation key, and a stable sort.
func sortByKeys(names []string, nameOf []int32) []int32 {
	var buf collate.Buffer
	col := app.NewCollator()
	keys := make([]string, len(nameOf))
	for e, n := range nameOf {
		keys[e] = string(col.KeyFromString(&buf, names[n]))
		buf.Reset()
	}
	out := make([]int32, len(nameOf))
	for i := range out {
		out[i] = int32(i)
	}
	sort.SliceStable(out, func(a, b int) bool { return keys[out[a]] < keys[out[b]] })
	return out
}

// TestOrderByName_IsAStableSortByKey: ranking the different names and
// counting gives the order a stable sort of every entry's key gives, with
// repeated names, names the collation does not tell apart (NFC and NFD,
// case), empty names and diacritics that order Vietnamese words.
func TestOrderByName_IsAStableSortByKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 7))
	base := []string{"", "Nguyễn Văn An", "Nguyen Van An", "Nguyễn Văn Ân", "Nguyễn Văn Ẩn", "nguyễn văn an", "Trần Thị Bình",
		"Tran Thi Binh", "Đặng Hữu Đức", "Dang Huu Duc", "Lê Ánh", "Le Anh", "Ông Ích Khiêm", "Ưng Hoàng Phúc", "Z", "a"}
	var names []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			names = append(names, s)
		}
	}
	add("") // number 0, as nameOrder has it
	for _, s := range base {
		add(s)
		add(norm.NFD.String(s))
	}
	for i := range 200 {
		add(fmt.Sprintf("%s %d", base[rng.IntN(len(base))], i%17))
	}
	for _, n := range []int{0, 1, 2, 50, 5000} {
		nameOf := make([]int32, n)
		for i := range nameOf {
			nameOf[i] = int32(rng.IntN(len(names)))
		}
		got, want := orderByName(names, nameOf), sortByKeys(names, nameOf)
		if !slices.Equal(got, want) {
			t.Fatalf("%d entries: the orders differ", n)
		}
	}
}

// BenchmarkNameOrder orders a province's 300,000 entries with 3,000
// different names (sort by name, the first time: issue 22).
func BenchmarkNameOrder(b *testing.B) {
	rng := rand.New(rand.NewPCG(22, 8))
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Lý"}
	given := []string{"An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quyên", "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến"}
	middle := []string{"Văn", "Thị", "Hoàng", "Minh", "Ngọc", "Thanh", "Hữu", "Kim", "Quốc", "Bảo"}
	names := []string{""}
	for _, f := range family {
		for _, m := range middle {
			for _, g := range given {
				names = append(names, f+" "+m+" "+g)
			}
		}
	}
	nameOf := make([]int32, 300_000)
	for i := range nameOf {
		nameOf[i] = int32(1 + rng.IntN(len(names)-1))
	}
	b.Run("ranked", func(b *testing.B) {
		for b.Loop() {
			orderByName(names, nameOf)
		}
	})
	b.Run("every-key", func(b *testing.B) {
		for b.Loop() {
			sortByKeys(names, nameOf)
		}
	})
}
