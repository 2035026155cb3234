package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// caseListFacts checks that case_list holds, for every case, the columns
// caseIndex derives from its document (the facts KPIFacts reads instead
// of the document: transaction type, issue types, forwarded to, and the
// others), and that KPIFacts gives each case the facts its document has.
func caseListFacts(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.r.QueryContext(ctx, `SELECT d.fields, c.`+joinCols(caseIndexColumns)+`
		FROM cases d JOIN case_list c ON c.id = d.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	docs := map[string]*app.Case{}
	for rows.Next() {
		var fields string
		got := make([]any, len(caseIndexColumns))
		dst := []any{&fields}
		for i := range got {
			dst = append(dst, &got[i])
		}
		if err := rows.Scan(dst...); err != nil {
			t.Fatal(err)
		}
		var c app.Case
		if err := json.Unmarshal([]byte(fields), &c); err != nil {
			t.Fatal(err)
		}
		docs[c.ID] = &c
		want := caseIndex(&c)
		for i, col := range caseIndexColumns {
			if g, w := normalizeCol(got[i]), normalizeCol(want[i]); g != w {
				t.Errorf("case %s: case_list.%s = %q, its document gives %q", c.Number, col, g, w)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	d, err := db.KPIFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Facts {
		c := docs[f.ID]
		if c == nil || f.TransactionType != c.TransactionType || f.ForwardedTo != c.ForwardedTo ||
			!reflect.DeepEqual(f.IssueTypes, nilIfEmpty(c.IssueTypes)) {
			t.Errorf("case %s: facts %q %q %q, document %+v", f.Number, f.TransactionType, f.IssueTypes, f.ForwardedTo, c)
		}
	}
}

func joinCols(cols []string) string {
	s := cols[0]
	for _, c := range cols[1:] {
		s += ", c." + c
	}
	return s
}

// normalizeCol writes a column's value as text (bools and integers as
// SQLite stores them).
func normalizeCol(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "1"
		}
		return "0"
	case []byte:
		return string(x)
	}
	b, _ := json.Marshal(v)
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return string(b)
}

func nilIfEmpty(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	return l
}

// TestCaseListFacts_KeptAtEveryWrite: the facts of a case the dashboard
// reads from case_list (migration 22) are those of its document after a
// case is created, edited, voided, pulled (new and changed, forwarded to
// another commune) and imported.
func TestCaseListFacts_KeptAtEveryWrite(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, 11, 20, 9, 0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})

	typed, plain := newCase(db, "Nguyễn Thị Bình"), newCase(db, "Trần Văn Hai")
	typed.TransactionType, typed.IssueTypes = "tmdt", []string{"thong_tin_ca_nhan", "giao_ket_hop_dong"}
	for _, c := range []*app.Case{typed, plain} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	caseListFacts(t, db)

	// Edited: the transaction and the issues change, then are cleared.
	clock.Advance(time.Minute)
	if err := db.Edit(ctx, app.EntityCase, plain.ID, 0, map[string]json.RawMessage{
		"transaction_type": json.RawMessage(`"truc_tiep"`), "issue_types": json.RawMessage(`["cung_cap_thong_tin_sai"]`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.Edit(ctx, app.EntityCase, typed.ID, 0, map[string]json.RawMessage{
		"transaction_type": json.RawMessage(`""`), "issue_types": json.RawMessage(`[]`)}); err != nil {
		t.Fatal(err)
	}
	caseListFacts(t, db)

	// Voided.
	if err := db.VoidCase(ctx, typed.ID, "Ghi trùng"); err != nil {
		t.Fatal(err)
	}
	caseListFacts(t, db)

	// Pulled: a case of 28273, then the same case forwarded to 28249.
	other := newCase(db, "Phạm Thị Khác")
	other.ID, other.UnitCode, other.Number, other.Status = app.NewID(), "28273", "28273-2026-X-0001", app.StatusReceived
	other.CreatedAt, other.UpdatedAt = other.ReceivedAt, other.ReceivedAt
	other.TransactionType, other.IssueTypes = "tmdt", []string{"chat_luong_so_luong_giao_hang"}
	pull := func(seq int64, version int64) {
		t.Helper()
		if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "province", Epoch: "e1", NextSeq: seq, Records: []app.PulledRecord{
			{Entity: app.EntityCase, ID: other.ID, Fields: other.Fields(), Version: version}}}}); err != nil {
			t.Fatal(err)
		}
	}
	pull(1, 1)
	caseListFacts(t, db)
	other.ForwardedTo, other.Status, other.IssueTypes = "28249", app.StatusReferred, []string{"tu_choi_thuong_luong", "thong_tin_ca_nhan"}
	other.UpdatedAt = other.UpdatedAt.Add(time.Hour)
	pull(2, 2)
	caseListFacts(t, db)

	// Imported.
	imp := importCase("Lê Văn Nhập", "0912000009", "Cửa hàng Y", "Cân thiếu.", importDay(db, 10))
	imp.TransactionType, imp.IssueTypes = "tmdt", []string{"giao_ket_hop_dong"}
	if _, err := ImportCases(ctx, db, []CaseImport{{Source: "7/2026", Case: imp}}); err != nil {
		t.Fatal(err)
	}
	caseListFacts(t, db)

	d, err := db.KPIFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	forwarded, tmdt := 0, 0
	for _, f := range d.Facts {
		if f.ForwardedTo != "" {
			forwarded++
		}
		if f.TransactionType == "tmdt" {
			tmdt++
		}
	}
	if len(d.Facts) != 3 || forwarded != 1 || tmdt != 2 {
		t.Fatalf("%d cases, %d forwarded, %d e-commerce: want 3, 1, 2", len(d.Facts), forwarded, tmdt)
	}
}

// oldSyncedUnits is the last sync of each commune as syncedUnits read it
// before migration 22: one scan of every case, record and step that came
// through the server.
func oldSyncedUnits(t *testing.T, db *DB, unit string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	rows, err := db.r.Query(`
		SELECT c.unit_code, max(c.updated_at) FROM case_list c JOIN cases d ON d.id = c.id
			WHERE d.server_version > 0 GROUP BY c.unit_code
		UNION ALL
		SELECT unit_code, max(json_extract(fields, '$.updated_at')) FROM records WHERE server_version > 0 GROUP BY unit_code
		UNION ALL
		SELECT json_extract(fields, '$.unit_code'), max(at) FROM case_events WHERE server_version > 0 GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, at *string
		if err := rows.Scan(&u, &at); err != nil {
			t.Fatal(err)
		}
		if u == nil || at == nil || *u == "" || unit != "" && *u != unit {
			continue
		}
		if tm := parseTime(*at); !tm.IsZero() && tm.After(out[*u]) {
			out[*u] = tm
		}
	}
	own, _ := db.UnitCode(context.Background())
	last, _ := getMeta(context.Background(), db.r, metaLastSyncAt)
	if tm := parseTime(last); own != "" && !tm.IsZero() && (unit == "" || unit == own) && tm.After(out[own]) {
		out[own] = tm
	}
	return out
}

// TestSyncedUnits_SameAsAScanOfEverything: the last sync of each commune
// (T1), read a commune at a time from the indexes of migration 22, is what
// a scan of every case, record and step that came through the server
// gives, for the province and for each commune: with communes known only
// by their cases, only by their records or only by their steps, newer
// changes not yet synced, and this device's own sync.
func TestSyncedUnits_SameAsAScanOfEverything(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, 11, 20, 9, 0)
	clock.SetStep(0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
	r := clocktest.Rand(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []app.PulledRecord
	units := []string{"28249", "28261", "28273", "29905", "30001"}
	version := int64(0)
	for i := range 60 {
		u := units[r.IntN(len(units))]
		when := base.Add(time.Duration(r.IntN(300*24)) * time.Hour)
		version++
		switch i % 3 {
		case 0: // a case with a step; 29905 has only cases
			c := newCase(db, "Người Thử")
			c.ID, c.UnitCode, c.Number, c.Status = app.NewID(), u, u+"-2026-X-"+string(rune('A'+i%26)), app.StatusReceived
			c.CreatedAt, c.UpdatedAt, c.ReceivedAt = when, when, when
			recs = append(recs, app.PulledRecord{Entity: app.EntityCase, ID: c.ID, Fields: c.Fields(), Version: version})
			if u != "29905" {
				e := &app.CaseEvent{ID: app.NewID(), CaseID: c.ID, UnitCode: u, Kind: app.EventAccepted,
					At: when.Add(time.Duration(r.IntN(72)) * time.Hour)}
				version++
				recs = append(recs, app.PulledRecord{Entity: app.EntityCaseEvent, ID: e.ID, Fields: e.Fields(), Version: version})
			}
		default: // a record; 30001 has only records
			if u == "29905" {
				u = "30001"
			}
			p := &app.Publication{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: u, CreatedAt: when, UpdatedAt: when},
				Type: "to_roi", Origin: "tu_phat_hanh", Title: "Tờ rơi", Date: when.In(app.ICT).Format("2006-01-02")}
			recs = append(recs, app.PulledRecord{Entity: app.EntityPublication, ID: p.ID, Fields: p.Fields(), Version: version})
		}
	}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "province", Epoch: "e1", NextSeq: version, Records: recs}}); err != nil {
		t.Fatal(err)
	}
	// Newer changes of this commune not yet synced: not a sync.
	c := newCase(db, "Chưa Gửi")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveRecord(ctx, &app.Publication{Type: "to_roi", Origin: "tu_phat_hanh", Title: "Chưa gửi", Date: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for _, unit := range append([]string{""}, append(units, "28000")...) {
			got, err := db.syncedUnits(ctx, unit)
			if err != nil {
				t.Fatal(err)
			}
			if want := oldSyncedUnits(t, db, unit); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, unit %q:\n got %v\nwant %v", when, unit, got, want)
			}
		}
	}
	check("pulled")
	all, _ := db.syncedUnits(ctx, "")
	if len(all) != len(units) {
		t.Fatalf("%d communes seen, want %d: %v", len(all), len(units), all)
	}
	if err := db.RecordSyncResult(ctx, time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC), ""); err != nil {
		t.Fatal(err)
	}
	check("after this device's sync")
}

// TestMigration22_FillsKPIFacts: a store at schema 21 opens with
// case_list's transaction type, issue types and forwarded-to filled from
// each case's document, as caseIndex writes them.
func TestMigration22_FillsKPIFacts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v21.sqlite")
	registerOnce.Do(registerFunctions)
	w, err := sql.Open("sqlite", fileURI(path)+"?"+dsnCommon+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if err := migrateTo(ctx, w, 21); err != nil {
		t.Fatal(err)
	}
	ids := []string{"01a21b28-61bc-7d2c-9b97-4c6b1bc1747e", "01a21b28-61bd-7d2c-9b97-4c6b1bc1747e", "01a21b28-61be-7d2c-9b97-4c6b1bc1747e"}
	extra := []string{
		`,"transaction_type":"tmdt","issue_types":["thong_tin_ca_nhan","giao_ket_hop_dong"]`,
		`,"issue_types":null,"forwarded_to":"28249","status":"da_chuyen"`,
		``,
	}
	for i, id := range ids {
		number := "28261-2026-A7K3-000" + string(rune('1'+i))
		doc := `{"id":"` + id + `","unit_code":"28261","number":"` + number + `","received_at":"2026-11-20T02:00:00Z",` +
			`"channel":"truc_tiep","consumer_name":"Võ Thị Lan","status":"moi_tiep_nhan"` + extra[i] + `}`
		for _, q := range []string{
			`INSERT INTO cases (id, server_version, fields) VALUES ('` + id + `', 2, '` + doc + `')`,
			`INSERT INTO case_list (id, unit_code, number, received_at, channel, kind, consumer_name, consumer_phone,
				consumer_address, business_name, sector, status, voided, vulnerable_groups, updated_at, search_folded)
			 VALUES ('` + id + `', '28261', '` + number + `', '2026-11-20T02:00:00Z', 'truc_tiep', '', 'Võ Thị Lan', '',
				'', '', '', 'moi_tiep_nhan', 0, '[]', '', 'vo thi lan')`,
		} {
			if _, err := w.Exec(q); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
	}
	if _, err := w.Exec(`INSERT INTO meta (key, value) VALUES ('device_id', '01a21b28-0000-7000-8000-000000000001'), ('device_tag', 'A7K3'), ('unit_code', '28261')`); err != nil {
		t.Fatal(err)
	}
	w.Close()

	db, err := Open(ctx, path, Options{Now: clocktest.AtToday(t).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type facts struct{ tt, issues, fwd string }
	want := map[string]facts{ids[0]: {"tmdt", `["thong_tin_ca_nhan","giao_ket_hop_dong"]`, ""}, ids[1]: {"", "[]", "28249"}, ids[2]: {"", "[]", ""}}
	for id, w := range want {
		var got facts
		if err := db.r.QueryRow(`SELECT transaction_type, issue_types, forwarded_to FROM case_list WHERE id = ?`, id).
			Scan(&got.tt, &got.issues, &got.fwd); err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Fatalf("case %s: %+v, want %+v", id, got, w)
		}
	}
	d, err := db.KPIFacts(ctx, "")
	if err != nil || len(d.Facts) != 3 {
		t.Fatalf("%d facts, %v", len(d.Facts), err)
	}
	for _, f := range d.Facts {
		if f.ID == ids[0] && (f.TransactionType != "tmdt" || len(f.IssueTypes) != 2) || f.ID == ids[1] && f.ForwardedTo != "28249" {
			t.Fatalf("facts %+v", f)
		}
	}
}

// pulledCasesStore is a provincial store of n cases of 20 communes with
// four steps each (resolved in time), pulled in one page: no case's facts
// kept yet.
func pulledCasesStore(tb testing.TB, n int) *DB {
	tb.Helper()
	db := openTestDB(tb, Options{Now: at(2026, 11, 20, 9, 0).Now})
	pullCases(tb, db, 0, n)
	return db
}

// pullCases pulls n new cases (numbered from first) with four steps each
// into db, in one page.
func pullCases(tb testing.TB, db *DB, first, n int) {
	tb.Helper()
	base := time.Date(2025, 1, 1, 1, 0, 0, 0, time.UTC)
	var recs []app.PulledRecord
	seq := int64(first * 5)
	for i := first; i < first+n; i++ {
		u := fmt.Sprintf("28%03d", 200+i%20)
		when := base.Add(time.Duration(i) * 97 * time.Minute)
		c := newCase(db, "Người Thử")
		c.ID, c.UnitCode, c.Number, c.Status = app.NewID(), u, fmt.Sprintf("%s-2025-X-%04d", u, i), app.StatusResolved
		c.CreatedAt, c.UpdatedAt, c.ReceivedAt = when, when.Add(72*time.Hour), when
		c.TransactionType, c.IssueTypes = "tmdt", []string{"thong_tin_ca_nhan"}
		recs = append(recs, app.PulledRecord{Entity: app.EntityCase, ID: c.ID, Fields: c.Fields(), Version: seq + int64(len(recs)+1)})
		steps := []app.CaseEvent{
			{Kind: app.EventAccepted, FromStatus: app.StatusReceived, ToStatus: app.StatusAccepted},
			{Kind: app.EventNote},
			{Kind: app.EventAcknowledged},
			{Kind: app.EventResolved, FromStatus: app.StatusAccepted, ToStatus: app.StatusResolved, Outcome: "thanh_cong_toan_bo", AmountRecovered: 150000},
		}
		for j := range steps {
			e := &steps[j]
			e.ID, e.CaseID, e.UnitCode, e.At = app.NewID(), c.ID, u, when.Add(time.Duration(j+1)*20*time.Hour)
			recs = append(recs, app.PulledRecord{Entity: app.EntityCaseEvent, ID: e.ID, Fields: e.Fields(), Version: seq + int64(len(recs)+1)})
		}
	}
	if _, err := db.ApplyPull(context.Background(), []app.PulledPage{{Scope: "province", Epoch: "e1", NextSeq: seq + int64(len(recs)), Records: recs}}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkKPIFacts reads the dashboard's data (KPIFacts) of a provincial
// store of 6,000 cases of 20 communes with four steps each, pulled:
// the province's and one commune's, with their facts kept and without.
//
//	go test -tags ci -run '^$' -bench KPIFacts -benchmem ./storage
func BenchmarkKPIFacts(b *testing.B) {
	ctx := context.Background()
	db := pulledCasesStore(b, 6000)
	// kept: the facts of every case kept (case_facts, a reading before);
	// cold: none (the first reading, or after a new calendar), each run
	// computing and keeping them all.
	for _, unit := range []string{"", "28205"} {
		for _, cold := range []bool{false, true} {
			name := "province"
			if unit != "" {
				name = "commune"
			}
			if cold {
				name += "/cold"
			} else {
				name += "/kept"
			}
			b.Run(name, func(b *testing.B) {
				if _, err := db.KPIFacts(ctx, unit); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for range b.N {
					if cold {
						b.StopTimer()
						if _, err := db.w.ExecContext(ctx, `DELETE FROM case_facts`); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
					d, err := db.KPIFacts(ctx, unit)
					if err != nil || len(d.Facts) == 0 || !d.Facts[0].Finished {
						b.Fatalf("%d facts, %v", len(d.Facts), err)
					}
				}
			})
		}
	}
}
