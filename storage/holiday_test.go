package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds"
)

// holidayRecord is a pulled record of a year of the calendar: the seeded
// 2027 with Tết moved to start on Thursday 4/2 (synthetic, not a real
// announcement), and Saturday 20/2 worked in exchange when makeUp is set.
func holidayRecord(tb testing.TB, basis string, makeUp bool, version int64) app.PulledRecord {
	tb.Helper()
	refs, err := seeds.Load()
	if err != nil {
		tb.Fatal(err)
	}
	y := app.HolidayYear{Year: 2027, Basis: basis}
	y.Days = append(y.Days, app.Holiday{Date: "2027-02-04", Name: "Nghỉ Tết Âm lịch (hoán đổi)", Kind: app.DayHoliday})
	for _, h := range refs.Holidays {
		if h.Date[:4] == "2027" {
			y.Days = append(y.Days, h)
		}
	}
	if makeUp {
		y.Days = append(y.Days, app.Holiday{Date: "2027-02-20", Name: "Làm bù cho ngày 04/02", Kind: app.DayMakeUpWorkday})
	}
	y.Normalize()
	if err := y.Validate(); err != nil {
		tb.Fatal(err)
	}
	return app.PulledRecord{Entity: app.EntityHolidayYear, ID: "2027", Fields: y.Fields(), Version: version}
}

func sharedPage(seq int64, recs ...app.PulledRecord) app.PulledPage {
	return app.PulledPage{Scope: app.ScopeShared, Epoch: "e1", NextSeq: seq, Records: recs}
}

var (
	wed3Feb2027 = time.Date(2027, 2, 3, 9, 0, 0, 0, app.ICT)
	day         = func(s string) time.Time { d, _ := time.ParseInLocation("2006-01-02", s, app.ICT); return d }
)

// dueIn7 is the last day of seven working days from Wednesday 3/2/2027 on
// the store's calendar.
func dueIn7(t *testing.T, db *DB) string {
	t.Helper()
	cal, err := db.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cal.AddWorkingDays(wed3Feb2027, 7).Format("2006-01-02")
}

// forwardDue is the due day of the negotiation-support forwarding clock (7
// working days, Đ.57 k.4) of a request received on 3/2/2027, as the case
// list counts it (through the store's reference data).
func forwardDue(t *testing.T, db *DB, c *app.Case) string {
	t.Helper()
	ds, err := db.CaseDeadlines(context.Background(), c, wed3Feb2027)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Rule.Code == "forward_request" {
			return d.Due.Format("2006-01-02")
		}
	}
	t.Fatalf("no forward_request deadline in %+v", ds)
	return ""
}

func TestApplyPull_HolidayYearReplacesSeededYear(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{Now: clocktest.New(wed3Feb2027.Add(time.Hour)).Now, DeviceTag: seededTag(t)})
	c := newCase(db, "Phan Thị Thương Lượng")
	c.Kind, c.ReceivedAt = "yeu_cau_ho_tro_thuong_luong", wed3Feb2027
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	// Seeded: Tết 5–11/2, so the seventh working day is Friday 19/2.
	if got, due := dueIn7(t, db), forwardDue(t, db, c); got != "2027-02-19" || due != got {
		t.Fatalf("seeded calendar: due %s, case list %s; want 2027-02-19", got, due)
	}

	if _, err := db.ApplyPull(ctx, []app.PulledPage{sharedPage(1, holidayRecord(t, "Thông báo thử nghiệm 01", true, 1))}); err != nil {
		t.Fatal(err)
	}
	if got, due := dueIn7(t, db), forwardDue(t, db, c); got != "2027-02-20" || due != got {
		t.Fatalf("official calendar: due %s, case list %s; want the make-up Saturday 2027-02-20", got, due)
	}
	cal, _ := db.Calendar(ctx)
	if name, ok := cal.HolidayName(day("2027-02-04")); !ok || name != "Nghỉ Tết Âm lịch (hoán đổi)" {
		t.Fatalf("4/2 is %q %v", name, ok)
	}
	if cal.IsWorkingDay(day("2027-02-12")) != true || cal.IsWorkingDay(day("2026-02-17")) {
		t.Fatal("other days or years changed")
	}
	years, err := db.HolidayYears(ctx)
	if err != nil || len(years) != 1 || years[0].Basis != "Thông báo thử nghiệm 01" {
		t.Fatalf("holiday years %+v %v", years, err)
	}

	// A corrected version replaces the year: no make-up Saturday any more.
	if _, err := db.ApplyPull(ctx, []app.PulledPage{sharedPage(2, holidayRecord(t, "Thông báo thử nghiệm 02", false, 2))}); err != nil {
		t.Fatal(err)
	}
	if got, due := dueIn7(t, db), forwardDue(t, db, c); got != "2027-02-22" || due != got {
		t.Fatalf("corrected calendar: due %s, case list %s; want 2027-02-22", got, due)
	}

	// Unreadable records, or a year outside the shared scope, are skipped;
	// the pull goes on and its cursor moves.
	bad := holidayRecord(t, "Thông báo giả", true, 3)
	bad.Fields["days"] = json.RawMessage(`[{"date":"2027-02-04","name":"x","kind":"half_day"}]`)
	other := holidayRecord(t, "Thông báo giả", true, 3)
	if _, err := db.ApplyPull(ctx, []app.PulledPage{sharedPage(3, bad),
		{Scope: "28261", Epoch: "e1", NextSeq: 7, Records: []app.PulledRecord{other}}}); err != nil {
		t.Fatal(err)
	}
	if got := dueIn7(t, db); got != "2027-02-22" {
		t.Fatalf("a skipped record changed the calendar: %s", got)
	}
	cs, _ := db.Cursors(ctx)
	if len(cs) != 2 || cs[1].Scope != app.ScopeShared || cs[1].Seq != 3 {
		t.Fatalf("cursors %+v", cs)
	}

	// Reopened, the store counts on the pulled calendar from the start.
	path := db.Path()
	db.Close()
	db2, err := Open(ctx, path, Options{Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	refs, _ := seeds.Load()
	db2.SetRefs(refs)
	if due := forwardDue(t, db2, c); due != "2027-02-22" {
		t.Fatalf("after reopening: %s", due)
	}
	// Without reference data the pulled years still count.
	db2.SetRefs(nil)
	if got := dueIn7(t, db2); got != "2027-02-22" {
		t.Fatalf("without seeds: %s", got)
	}
}

// TestApplyPull_SharedResetRequeuesNothing: a device never writes into the
// shared scope, so its reset sends nothing again and keeps the calendar.
func TestApplyPull_SharedResetRequeuesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if err := db.CreateCase(ctx, newCase(db, "Trịnh Văn Gửi")); err != nil {
		t.Fatal(err)
	}
	sent := mustBatch(t, db)
	if err := db.ApplyResults(ctx, []app.MutationResult{{MutationID: sent[0].ID, Status: app.ResultApplied}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{sharedPage(1, holidayRecord(t, "Thông báo thử nghiệm 01", true, 1))}); err != nil {
		t.Fatal(err)
	}
	n, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: app.ScopeShared, Epoch: "e2", Reset: true}})
	if err != nil || n != 0 {
		t.Fatalf("shared reset requeued %d, %v", n, err)
	}
	if pending, _, _ := db.OutboxCount(ctx); pending != 0 {
		t.Fatalf("%d pending after a shared reset", pending)
	}
	if got := dueIn7(t, db); got != "2027-02-20" {
		t.Fatalf("calendar after a shared reset: %s", got)
	}
}

// TestMigration_FromSchema7KeepsData: a store at schema 7 with a case, a
// pending change, a sent one and cursors opens at schema 8 with all of
// them, and counts on the seeded calendar.
func TestMigration_FromSchema7KeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v7.sqlite")
	registerOnce.Do(registerFunctions)
	w, err := sql.Open("sqlite", fileURI(path)+"?"+dsnCommon+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if err := migrateTo(ctx, w, 7); err != nil {
		t.Fatal(err)
	}
	const (
		caseID = "01a21b28-61bc-7d2c-9b97-4c6b1bc1747e"
		mutID  = "01a21b28-61bd-7d2c-9b97-4c6b1bc1747e"
		sentID = "01a21b28-61be-7d2c-9b97-4c6b1bc1747e"
		hlc    = "001795000000000.000003"
	)
	fields := `{"id":"` + caseID + `","unit_code":"28261","consumer_name":"Huỳnh Thị Mai","summary":"Mua phải hàng giả."}`
	for _, q := range []string{
		`INSERT INTO meta (key, value) VALUES ('device_id', '01a21b28-0000-7000-8000-000000000001'), ('device_tag', 'A7K3'), ('unit_code', '28261')`,
		`INSERT INTO cases (id, unit_code, number, received_at, channel, kind, consumer_name, consumer_phone,
			consumer_address, business_name, business_address, sector, summary, status, created_at, created_by,
			updated_at, updated_by, search_folded, business_kind, issue_types)
		 VALUES ('` + caseID + `', '28261', '28261-2026-A7K3-0001', '2026-11-20T02:00:00Z', 'truc_tiep', 'khieu_nai',
			'Huỳnh Thị Mai', '', '', '', '', 'khac', 'Mua phải hàng giả.', 'moi_tiep_nhan', '2026-11-20T02:00:00Z', '',
			'2026-11-20T02:00:00Z', '', 'huynh thi mai mua phai hang gia', 'ho_kinh_doanh', '["hang_gia"]')`,
		`INSERT INTO outbox (mutation_id, entity, record_id, unit_code, op, fields, hlc, officer, device_time)
		 VALUES ('` + mutID + `', 'case', '` + caseID + `', '28261', 'upsert', '` + fields + `', '` + hlc + `', 'Cán bộ', '2026-11-20T02:00:00Z')`,
		`INSERT INTO sent_log (seq, mutation_id, entity, record_id, unit_code, op, fields, hlc, officer, device_time, base_version, acked_at)
		 VALUES (1, '` + sentID + `', 'case', '` + caseID + `', '28261', 'upsert', '{}', '` + hlc + `', 'Cán bộ', '2026-11-20T02:00:00Z', 0, '2026-11-20T02:01:00Z')`,
		`INSERT INTO sync_cursors (scope, epoch, seq) VALUES ('28261', 'e1', 42)`,
	} {
		if _, err := w.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	w.Close()

	db, err := Open(ctx, path, Options{Now: clocktest.AtToday(t).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	refs, _ := seeds.Load()
	db.SetRefs(refs)
	var v, sentN int
	db.r.QueryRow("PRAGMA user_version").Scan(&v)
	db.r.QueryRow("SELECT count(*) FROM sent_log").Scan(&sentN)
	if v != SchemaVersion() || v < 8 {
		t.Fatalf("user_version %d, want %d", v, SchemaVersion())
	}
	if got, err := db.GetCase(ctx, caseID); err != nil || got.ConsumerName != "Huỳnh Thị Mai" ||
		got.BusinessKind != "ho_kinh_doanh" || len(got.IssueTypes) != 1 {
		t.Fatalf("case after migration: %+v %v", got, err)
	}
	if b, err := db.PendingBatch(ctx, 1<<20); err != nil || len(b) != 1 || b[0].ID != mutID {
		t.Fatalf("outbox after migration: %+v %v", b, err)
	}
	if cs, err := db.Cursors(ctx); err != nil || len(cs) != 1 || cs[0].Seq != 42 || sentN != 1 {
		t.Fatalf("cursors %+v %v, sent log %d", cs, err, sentN)
	}
	if years, err := db.HolidayYears(ctx); err != nil || len(years) != 0 {
		t.Fatalf("holiday years %+v %v", years, err)
	}
	if got := dueIn7(t, db); got != "2027-02-19" {
		t.Fatalf("seeded calendar after migration: %s", got)
	}
}

// Past the seeded calendar (2026–2030) the sync status says which year is
// missing, and a case's deadline says it was counted on weekends only; the
// year published by the province (bvntd-server calendar import) and pulled
// clears both, and the deadline then skips its holidays.
func TestSyncStatus_CalendarGapClearedByThePulledYear(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{Now: at(2031, 1, 2, 9, 0).Now, DeviceTag: seededTag(t)})
	st, err := db.SyncStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.CalendarGaps) != 1 || st.CalendarGaps[0] != 2031 {
		t.Fatalf("on 2/1/2031 with the seeded calendar: gaps %v, want [2031]", st.CalendarGaps)
	}
	c := newCase(db, "Võ Văn Hạn")
	c.ReceivedAt = time.Date(2030, 12, 31, 9, 0, 0, 0, app.ICT)
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	ack := func() app.Deadline {
		t.Helper()
		ds, err := db.CaseDeadlines(ctx, c, db.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Rule.Code == "intake_ack" {
				return d
			}
		}
		t.Fatalf("no receipt deadline in %+v", ds)
		return app.Deadline{}
	}
	if d := ack(); d.Due.Format(time.DateOnly) != "2031-01-03" || len(d.Uncovered) != 1 {
		t.Fatalf("unpublished 2031: due %s uncovered %v, want 2031-01-03 [2031]", d.Due.Format(time.DateOnly), d.Uncovered)
	}

	// A synthetic 2031 (not an announcement): New Year's Day and ten days
	// of "Tết", the statutory minimum of days off.
	y := app.HolidayYear{Year: 2031, Basis: "Thông báo thử nghiệm lịch nghỉ năm 2031",
		Days: []app.Holiday{{Date: "2031-01-01", Name: "Tết Dương lịch", Kind: app.DayHoliday}}}
	for d := 20; d < 30; d++ {
		y.Days = append(y.Days, app.Holiday{Date: fmt.Sprintf("2031-01-%02d", d), Name: "Tết (thử nghiệm)", Kind: app.DayHoliday})
	}
	y.Normalize()
	if err := y.Validate(); err != nil {
		t.Fatal(err)
	}
	rec := app.PulledRecord{Entity: app.EntityHolidayYear, ID: "2031", Fields: y.Fields(), Version: 1}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{sharedPage(1, rec)}); err != nil {
		t.Fatal(err)
	}
	if st, err = db.SyncStatus(ctx); err != nil || len(st.CalendarGaps) != 0 {
		t.Fatalf("after the pull: gaps %v %v, want none", st.CalendarGaps, err)
	}
	if d := ack(); d.Due.Format(time.DateOnly) != "2031-01-06" || len(d.Uncovered) != 0 {
		t.Fatalf("published 2031: due %s uncovered %v, want 2031-01-06 (1/1 off) and no warning", d.Due.Format(time.DateOnly), d.Uncovered)
	}
}
