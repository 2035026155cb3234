package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

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

// BenchmarkNameOrderOfIndex is the list by name made from a list index
// of a province's 300,000 entries with 6,660 different names (the names'
// bytes as readListIndex keeps them): numbering the names, then
// orderByName. Before migration 24 the names were read from the store
// instead (~40 ms of SQL and ~15 ms of parsing on the province store).
func BenchmarkNameOrderOfIndex(b *testing.B) {
	rng := rand.New(rand.NewPCG(22, 10))
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Lý",
		"Đinh", "Lâm", "Mai", "Tô", "Cao", "Châu", "Hà", "Tạ"}
	given := []string{"An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quyên", "Sơn",
		"Tâm", "Uyên", "Vinh", "Xuân", "Yến", "Hùng", "Hoa", "Lợi", "Thảo", "Trinh", "Tuấn", "Việt", "Ánh", "Bảo", "Chi"}
	middle := []string{"Văn", "Thị", "Hoàng", "Minh", "Ngọc", "Thanh", "Hữu", "Kim", "Quốc", "Bảo"}
	var names []string
	for _, f := range family {
		for _, m := range middle {
			for _, g := range given {
				names = append(names, f+" "+m+" "+g)
			}
		}
	}
	names = names[:6660]
	idx, nameBytes := benchListIndex(rng, names)
	for b.Loop() {
		idx.nameBytes = nameBytes // nameOrder lets them go
		nameOrder(idx)
	}
}

// benchListIndex is a list index of a province's 300,000 entries, their
// consumer names drawn from names, in 3 statuses, 4 sectors and 2 kinds,
// over 5 years, a few flagged; and the names' bytes.
func benchListIndex(rng *rand.Rand, names []string) (*listIndex, []byte) {
	idx := &listIndex{entries: make([]listEntry, 300_000)}
	for _, s := range []string{app.StatusReceived, app.StatusInProgress, app.StatusClosed} {
		idx.statuses.code(s)
	}
	for _, s := range []string{"thuc_pham_do_uong", "dien_tu_gia_dung", "tmdt", "khac"} {
		idx.sectors.code(s)
	}
	idx.kinds.code("khieu_nai")
	idx.kinds.code("to_cao")
	var nameBytes []byte
	for i := range idx.entries {
		e := &idx.entries[i]
		e.rowid = int64(i + 1)
		e.day = int32(20_800 - i*5*365/len(idx.entries))
		e.status, e.sector, e.kind = uint16(rng.IntN(3)), uint16(rng.IntN(4)), uint16(rng.IntN(2))
		e.flags = uint8(rng.IntN(32)) & uint8(rng.IntN(32)) & (fVulnerable | fOverdue | fVoided)
		e.name = int32(len(nameBytes))
		nameBytes = append(nameBytes, names[rng.IntN(len(names))]...)
	}
	idx.nameBytes = nameBytes
	return idx, nameBytes
}

// BenchmarkSelectionByName is the answer to the list by name of a
// province's 300,000 entries (the order made once), without a filter and
// with one: the entries are counted and chosen in their own order, then
// taken in the order by name.
func BenchmarkSelectionByName(b *testing.B) {
	rng := rand.New(rand.NewPCG(22, 11))
	var names []string
	for i := range 6660 {
		names = append(names, fmt.Sprintf("Nguyễn Văn %d", i))
	}
	idx, _ := benchListIndex(rng, names)
	db, ctx := &DB{}, context.Background()
	now := time.Date(2026, 12, 15, 9, 0, 0, 0, app.ICT)
	if _, err := db.order(ctx, idx, app.SortName); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    app.CaseFilter
	}{{"all", app.CaseFilter{}}, {"in-progress-vulnerable", app.CaseFilter{Status: app.StatusInProgress, Vulnerable: true}}} {
		f := c.f
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				idx.sels = nil // made each time
				if _, err := db.selection(ctx, idx, app.CaseQuery{Sort: app.SortName}, f, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// nameOrderBefore is the list by name as it was made before the names
// came with the list index (migration 24): each different name read once
// from case_list with its cases' rowids, then orderByName.
func nameOrderBefore(ctx context.Context, db *DB, idx *listIndex) ([]int32, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT consumer_name, group_concat(rowid) FROM case_list GROUP BY consumer_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	nameOf := make([]int32, len(idx.entries))
	number := map[string]int32{"": 0}
	names := []string{""}
	for rows.Next() {
		var name, rowids string
		if err := rows.Scan(&name, &rowids); err != nil {
			return nil, err
		}
		n, ok := number[name]
		if !ok {
			n = int32(len(names))
			number[name] = n
			names = append(names, name)
		}
		for f := range strings.SplitSeq(rowids, ",") {
			rowid, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, err
			}
			if p := idx.at(rowid); p >= 0 {
				nameOf[p] = n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return orderByName(names, nameOf), nil
}

// randomName is a Vietnamese name drawn by rng: with diacritics, at times
// in NFD or another case (names the collation does not tell apart from
// the NFC one), or a name of one word.
func randomName(rng *rand.Rand) string {
	family := []string{"Nguyễn", "Nguyen", "Trần", "Lê", "Le", "Phạm", "Huỳnh", "Võ", "Đặng", "Dang", "Đỗ", "Ông", "Ưng", "Ân", "An"}
	middle := []string{"Văn", "Thị", "Hữu", "Ngọc", "", "Thanh"}
	given := []string{"An", "Ân", "Ấn", "Ẩn", "Bình", "Binh", "Đức", "Duc", "Lan", "Lân", "Mai", "Mãi", "Yến", "Ý"}
	name := family[rng.IntN(len(family))]
	if m := middle[rng.IntN(len(middle))]; m != "" {
		name += " " + m
	}
	if rng.IntN(8) > 0 {
		name += " " + given[rng.IntN(len(given))]
	}
	switch rng.IntN(10) {
	case 0:
		name = norm.NFD.String(name)
	case 1:
		name = strings.ToUpper(name)
	case 2:
		name = strings.ToLower(name)
	}
	return name
}

// The names come with the list index, and the list by name is the order
// it was before (read from an index of the names, orderByName) for every
// case: random Vietnamese names with diacritics, equal names, names equal
// to the collation only (NFD, case), empty names, a name holding the
// list index's separator, cases received at the same minute (ties go
// newest first, then by number); and a page of it, with a search, a
// filter and voided or restricted cases left out, is the newest-first
// list's cases in that order. After writes (a new case, a name changed)
// it is so again.
func TestNameOrder_IsTheOrderBefore(t *testing.T) {
	ctx := context.Background()
	db, now := pagedStore(t)
	rng := rand.New(rand.NewPCG(22, 9))
	sectors := []string{"thuc_pham_do_uong", "dien_tu_gia_dung"}
	var ids []string
	for i := range 300 {
		c := newCase(db, randomName(rng))
		c.ReceivedAt = now.Add(-time.Duration(rng.IntN(40)) * 24 * time.Hour).Truncate(time.Hour)
		c.Sector = sectors[rng.IntN(len(sectors))]
		c.Restricted = i%29 == 0
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		if i%37 == 0 {
			if err := db.VoidCase(ctx, c.ID, "Ghi trùng."); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Names the window cannot type but a store may hold (the list reads
	// case_list): empty, with the list index's separator, with a comma.
	for i, name := range []string{"", "", "Nguyễn\x1fVăn An", "Lê, Văn An", " Trần"} {
		if _, err := db.w.ExecContext(ctx, `UPDATE case_list SET consumer_name = ? WHERE id = ?`, name, ids[i*7]); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		idx, err := db.caseList(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := nameOrderBefore(ctx, db, idx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.order(ctx, idx, app.SortName)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 500 || !slices.Equal(got, want) {
			t.Fatalf("%s: the order by name differs from the order before (%d entries)", when, len(want))
		}
		// The ids of the entries, in the order before.
		idOf := map[int64]string{}
		rows, err := db.r.QueryContext(ctx, `SELECT rowid, id FROM case_list`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var rowid int64
			var id string
			if err := rows.Scan(&rowid, &id); err != nil {
				t.Fatal(err)
			}
			idOf[rowid] = id
		}
		rows.Close()
		queries := []app.CaseQuery{{}, {Text: "nguyen"}, {Text: "an"}, {Text: "28249"}, {IncludeVoided: true}, {HideRestricted: true},
			{Text: "van", IncludeVoided: true, HideRestricted: true}}
		filters := []app.CaseFilter{{}, {Overdue: true}, {Sector: "dien_tu_gia_dung"}, {Vulnerable: true},
			{From: now.AddDate(0, 0, -20), To: now.AddDate(0, 0, -3)}, {Status: app.StatusReceived, Sector: "thuc_pham_do_uong"}}
		for _, q := range queries {
			for _, f := range filters {
				name := fmt.Sprintf("%s: %+v %+v", when, q, f)
				newest, err := db.CasePage(ctx, q, f, 0, 0, now)
				if err != nil {
					t.Fatal(err)
				}
				in := map[string]bool{}
				for _, r := range newest.Rows {
					in[r.ID] = true
				}
				var wantIDs []string
				for _, p := range want {
					if id := idOf[idx.entries[p].rowid]; in[id] {
						wantIDs = append(wantIDs, id)
					}
				}
				q.Sort = app.SortName
				for _, p := range [][2]int{{0, 0}, {0, 25}, {13, 25}, {len(wantIDs) - 5, 25}} {
					page, err := db.CasePage(ctx, q, f, p[0], p[1], now)
					if err != nil {
						t.Fatal(err)
					}
					lo, hi := min(max(p[0], 0), len(wantIDs)), len(wantIDs)
					if p[1] > 0 {
						hi = min(lo+p[1], hi)
					}
					var gotIDs []string
					for _, r := range page.Rows {
						gotIDs = append(gotIDs, r.ID)
					}
					if page.Total != len(wantIDs) || !reflect.DeepEqual(page.Counts, newest.Counts) ||
						!slices.Equal(gotIDs, wantIDs[lo:hi]) {
						t.Fatalf("%s: page %v: %d of %d rows differ from the order before", name, p, len(gotIDs), page.Total)
					}
				}
			}
		}
	}
	check("made")
	// A new case and a name changed: the list index is read again.
	c := newCase(db, "Ẩn Văn Mới")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	name, _ := json.Marshal("Nguyễn Văn Ẩn")
	if err := db.Edit(ctx, app.EntityCase, got.ID, got.Version, map[string]json.RawMessage{"consumer_name": name}); err != nil {
		t.Fatal(err)
	}
	check("after writes")
}
