package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds"
)

// MustOpenDB opens a store in a temporary folder at the test's today
// (clocktest.AtToday), with the seeds loaded, the device set to commune
// 28261 and a device tag drawn from the test's seed.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return openTestDB(tb, Options{Now: clocktest.AtToday(tb).Now, DeviceTag: seededTag(tb)})
}

// openTestDB is MustOpenDB with the clock and the device tag the test
// chose (opts.Now and opts.DeviceTag).
func openTestDB(tb testing.TB, opts Options) *DB {
	tb.Helper()
	return openTestDBAt(tb, filepath.Join(tb.TempDir(), "bvntd.sqlite"), opts)
}

// openTestDBAt is openTestDB with the store's file at path (a new one, or
// one a test opened before).
func openTestDBAt(tb testing.TB, path string, opts Options) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	refs, err := seeds.Load()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		tb.Fatal(err)
	}
	db.SetRefs(refs)
	if err := db.SetUnitCode(ctx, "28261"); err != nil {
		tb.Fatal(err)
	}
	db.SetOfficer("Cán bộ Thử")
	return db
}

// seededTag is a device tag drawn from the test's seed (clocktest.Seed):
// the same in every run of a test, another one with BVNTD_TEST_SEED.
func seededTag(tb testing.TB) string {
	tb.Helper()
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	r := clocktest.Rand(tb)
	tag := make([]byte, 4)
	for i := range tag {
		tag[i] = crockford[r.IntN(len(crockford))]
	}
	return string(tag)
}

// at is a clock fixed at the given minute, Vietnam time: for tests of a
// rule on a chosen day.
func at(year int, month time.Month, day, hour, minute int) *clocktest.Clock {
	return clocktest.New(time.Date(year, month, day, hour, minute, 0, 0, app.ICT))
}

// newCase is a complaint received an hour before the store's now.
func newCase(db *DB, name string) *app.Case {
	return &app.Case{
		ReceivedAt:   db.Now().Add(-time.Hour),
		Channel:      "truc_tiep",
		Kind:         "khieu_nai",
		ConsumerName: name,
		Sector:       "thuc_pham_do_uong",
		Summary:      "Mua sữa hết hạn sử dụng tại cửa hàng tạp hóa.",
	}
}

func TestOpen_WAL(t *testing.T) {
	db := MustOpenDB(t)
	var mode string
	if err := db.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := db.r.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("reader foreign_keys = %d, %v", fk, err)
	}
	if !app.ValidID(db.DeviceID()) || !app.ValidDeviceTag(db.DeviceTag()) {
		t.Fatalf("identity %q %q", db.DeviceID(), db.DeviceTag())
	}
}

func TestOpen_RefusesNewerFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.sqlite")
	clock := clocktest.AtToday(t)
	db, err := Open(ctx, path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, path, Options{Now: clock.Now})
	if app.ErrorCode(err) != app.ENEWERDATA || !strings.Contains(app.ErrorMessage(err), "phiên bản mới hơn") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpen_KeepsIdentityAndClock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.sqlite")
	clock := clocktest.AtToday(t)
	db, err := Open(ctx, path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCase(ctx, newCase(db, "Lê Văn Tám")); err != nil {
		t.Fatal(err)
	}
	id, last := db.DeviceID(), db.clock.Last()
	db.Close()
	// The OS clock went back an hour: stamps must still go forward. (Set back
	// by more than app.MaxClockJumpBack, the clock follows it: see app.Clock.)
	clock.Advance(-time.Hour)
	db, err = Open(ctx, path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.DeviceID() != id {
		t.Fatal("device id changed on reopen")
	}
	if next := db.clock.Tick(); next.Compare(last) <= 0 {
		t.Fatalf("clock went back: %v after %v", next, last)
	}
}

// A new store takes the device tag it is given (tests choose theirs), or
// draws one; an existing store keeps its own; a tag that is not 4
// characters of Crockford base32 is refused.
func TestOpen_DeviceTag(t *testing.T) {
	ctx := context.Background()
	now := clocktest.AtToday(t).Now
	path := filepath.Join(t.TempDir(), "x.sqlite")
	db, err := Open(ctx, path, Options{Now: now, DeviceTag: "AN7K"})
	if err != nil {
		t.Fatal(err)
	}
	if db.DeviceTag() != "AN7K" {
		t.Fatalf("tag %q, want AN7K", db.DeviceTag())
	}
	db.Close()
	db, err = Open(ctx, path, Options{Now: now, DeviceTag: "B2C3"})
	if err != nil {
		t.Fatal(err)
	}
	if db.DeviceTag() != "AN7K" {
		t.Fatalf("reopened with another tag: %q, want its own AN7K", db.DeviceTag())
	}
	db.Close()
	drawn, err := Open(ctx, filepath.Join(t.TempDir(), "y.sqlite"), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer drawn.Close()
	if !app.ValidDeviceTag(drawn.DeviceTag()) {
		t.Fatalf("drawn tag %q", drawn.DeviceTag())
	}
	for _, bad := range []string{"AN7", "AN7KX", "an7k", "ANIL", "AN-7"} {
		if db, err := Open(ctx, filepath.Join(t.TempDir(), "z.sqlite"), Options{Now: now, DeviceTag: bad}); err == nil {
			db.Close()
			t.Errorf("tag %q accepted", bad)
		}
	}
}

func TestCreateCase_WritesOutboxInSameTx(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Nguyễn Thị Hồng Đào")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	wantPrefix := "28261-" + c.ReceivedAt.In(app.ICT).Format("2006") + "-" + db.DeviceTag() + "-0001"
	if c.Number != wantPrefix {
		t.Fatalf("number %q, want %q", c.Number, wantPrefix)
	}
	batch, err := db.PendingBatch(ctx, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(batch) != 1 || batch[0].RecordID != c.ID || batch[0].UnitCode != "28261" || batch[0].DeviceID != db.DeviceID() {
		t.Fatalf("batch %+v", batch)
	}
	var name string
	if err := json.Unmarshal(batch[0].Fields["consumer_name"], &name); err != nil || name != "Nguyễn Thị Hồng Đào" {
		t.Fatalf("consumer_name in outbox = %q, %v", name, err)
	}
	c2 := newCase(db, "Trần Văn Bình")
	if err := db.CreateCase(ctx, c2); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(c2.Number, "-0002") {
		t.Fatalf("second number %q", c2.Number)
	}
}

func TestCreateCase_InvalidSavesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "   ")
	c.ConsumerPhone = "12345"
	err := db.CreateCase(ctx, c)
	fe := app.FieldErrors(err)
	if fe["consumer_name"] == "" || fe["consumer_phone"] == "" {
		t.Fatalf("field errors %v (err %v)", fe, err)
	}
	n, _ := db.CountCases(ctx)
	p, _, _ := db.OutboxCount(ctx)
	if n != 0 || p != 0 {
		t.Fatalf("saved %d cases, %d outbox rows after invalid input", n, p)
	}
}

func TestUpdateCase_OutboxHasOnlyChangedFields(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Phạm Thị Lan")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyResults(ctx, []app.MutationResult{{MutationID: mustBatch(t, db)[0].ID, Status: app.ResultApplied}}); err != nil {
		t.Fatal(err)
	}
	edit := *c
	edit.BusinessName = "Cửa hàng Bách Hóa Xanh"
	if err := db.Edit(ctx, app.EntityCase, edit.ID, -1, edit.ChangedFields(c)); err != nil {
		t.Fatal(err)
	}
	batch := mustBatch(t, db)
	if len(batch) != 1 {
		t.Fatalf("%d mutations", len(batch))
	}
	got := keys(batch[0].Fields)
	if got[0] != "business_name" {
		t.Fatalf("changed fields %v", got)
	}
	for _, k := range got[1:] {
		if k != "updated_at" && k != "updated_by" {
			t.Fatalf("unchanged field %q sent: %v", k, got)
		}
	}
	// Saving again with no change writes nothing.
	if err := db.Edit(ctx, app.EntityCase, edit.ID, -1, edit.ChangedFields(c)); err != nil {
		t.Fatal(err)
	}
	if n := len(mustBatch(t, db)); n != 1 {
		t.Fatalf("no-op save added a mutation: %d", n)
	}
}

func TestListCases_SearchIgnoresDiacritics(t *testing.T) {
	ctx := context.Background()
	// Every number of this device contains "AN00": a search for the name
	// "an" found all four cases while the number was in the searched text
	// (issue 13: a random tag beginning with AN). Words of letters never
	// match the number now.
	db := openTestDB(t, Options{Now: clocktest.AtToday(t).Now, DeviceTag: "AN00"})
	for _, n := range []string{"Nguyễn Thị Hồng Đào", "Đặng Văn Ân", "Dương Minh An", "Lê Thị Hoa"} {
		if err := db.CreateCase(ctx, newCase(db, n)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"nguyen thi hong dao", []string{"Nguyễn Thị Hồng Đào"}},
		{"Đào", []string{"Nguyễn Thị Hồng Đào"}},
		{"dao", []string{"Nguyễn Thị Hồng Đào"}},
		{"dang", []string{"Đặng Văn Ân"}},
		{"an", []string{"Dương Minh An", "Đặng Văn Ân"}},
		{"thi ho", []string{"Lê Thị Hoa", "Nguyễn Thị Hồng Đào"}},
		// Vietnamese order: D < Đ < L < N.
		{`"`, []string{"Dương Minh An", "Đặng Văn Ân", "Lê Thị Hoa", "Nguyễn Thị Hồng Đào"}},
	} {
		cs, err := db.ListCases(ctx, app.CaseQuery{Text: tc.q, Sort: app.SortName})
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.ConsumerName)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("search %q = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// A word with a digit also finds the cases whose number has a part that
// starts with it (the sequence, the year, the tag and what follows, the
// whole number); a word of letters, or digits from the middle of a part,
// never matches the number.
func TestListCases_SearchFindsPartsOfTheNumber(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, time.November, 20, 9, 0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: "AN7K"})
	var twelfth *app.Case
	for i := 1; i <= 12; i++ {
		c := newCase(db, "Người Thứ "+string(rune('A'+i-1)))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		twelfth = c
	}
	if twelfth.Number != "28261-2026-AN7K-0012" {
		t.Fatalf("12th number %q, want 28261-2026-AN7K-0012", twelfth.Number)
	}
	// One case of the year before, numbered in its own year.
	last := newCase(db, "Người Năm Trước")
	last.ReceivedAt = time.Date(2025, time.December, 20, 8, 0, 0, 0, app.ICT)
	if err := db.CreateCase(ctx, last); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(last.Number, "28261-2025-AN7K-") {
		t.Fatalf("number of a case of 2025: %q", last.Number)
	}
	for _, tc := range []struct {
		q    string
		want int // cases found; -1: only the twelfth
	}{
		{"0012", -1},
		{"AN7K-0012", -1},
		{"an7k-0012", -1},
		{"2026-an7k-0012", -1},
		{"28261-2026-AN7K-0012", -1},
		{"2026", 12}, // the year
		{"2025", 1},  // the other year
		{"AN7K", 13}, // every number of this device
		{"28261-2026", 12},
		{"an", 0},  // letters: a name, never the tag
		{"7k", 0},  // not the start of a part
		{"012", 0}, // not the start of a part
		{"k-0012", 0},
		{"0012 thu", -1}, // every word must match: the number and the name
		{"0012 khac", 0},
	} {
		cs, err := db.ListCases(ctx, app.CaseQuery{Text: tc.q})
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		switch {
		case tc.want == -1 && (len(cs) != 1 || cs[0].ID != twelfth.ID):
			t.Errorf("search %q: %d cases, want only %s", tc.q, len(cs), twelfth.Number)
		case tc.want >= 0 && len(cs) != tc.want:
			t.Errorf("search %q: %d cases, want %d", tc.q, len(cs), tc.want)
		}
	}
}

func TestApplyPull_KeepsPendingLocalFields(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Võ Thị Sáu")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyResults(ctx, []app.MutationResult{{MutationID: mustBatch(t, db)[0].ID, Status: app.ResultDuplicate}}); err != nil {
		t.Fatal(err)
	}
	edit := *c
	edit.Summary = "Nội dung sửa trên máy này"
	if err := db.Edit(ctx, app.EntityCase, edit.ID, -1, edit.ChangedFields(c)); err != nil {
		t.Fatal(err)
	}
	// The server sends an older summary and a new business name.
	f := c.Fields()
	f["summary"], _ = json.Marshal("Nội dung cũ trên máy chủ")
	f["business_name"], _ = json.Marshal("Siêu thị Co.op")
	_, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 7,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: c.ID, Fields: f}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary != "Nội dung sửa trên máy này" || got.BusinessName != "Siêu thị Co.op" {
		t.Fatalf("summary %q business %q", got.Summary, got.BusinessName)
	}
	cur, _ := db.Cursors(ctx)
	if len(cur) != 1 || cur[0] != (app.Cursor{Scope: "28261", Epoch: "e1", Seq: 7}) {
		t.Fatalf("cursors %+v", cur)
	}
}

func TestApplyResults_ParksRejectedAndHoldsLaterEditsOfThatRecord(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a, b := newCase(db, "Hồ Văn Một"), newCase(db, "Hồ Văn Hai")
	for _, c := range []*app.Case{a, b} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	batch := mustBatch(t, db)
	if err := db.ApplyResults(ctx, []app.MutationResult{
		{MutationID: batch[0].ID, Status: app.ResultRejected, Code: "forbidden", Message: "Không được ghi."},
		{MutationID: batch[1].ID, Status: app.ResultApplied},
	}); err != nil {
		t.Fatal(err)
	}
	edit := *a
	edit.Summary = "Bổ sung"
	if err := db.Edit(ctx, app.EntityCase, edit.ID, -1, edit.ChangedFields(a)); err != nil {
		t.Fatal(err)
	}
	if n := len(mustBatch(t, db)); n != 0 {
		t.Fatalf("an edit behind a parked mutation was sent: %d", n)
	}
	p, parked, _ := db.OutboxCount(ctx)
	if p != 1 || parked != 1 {
		t.Fatalf("pending %d parked %d", p, parked)
	}
}

func TestPendingBatch_BoundedByBytes(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i := 0; i < 20; i++ {
		if err := db.CreateCase(ctx, newCase(db, "Người Thứ "+string(rune('A'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	one, _ := db.PendingBatch(ctx, 1)
	if len(one) != 1 {
		t.Fatalf("a tiny budget must still send one mutation, got %d", len(one))
	}
	some, _ := db.PendingBatch(ctx, 4000)
	if len(some) < 2 || len(some) >= 20 {
		t.Fatalf("4000 bytes gave %d mutations", len(some))
	}
}

// TestMigration_OutboxSurvives creates a store at the first schema, as the
// first release wrote it (a case and its pending outbox row, in that
// schema's columns), then opens it with this build, which applies every
// later migration: the case and the outbox are still there, and the
// mutation is still sendable with the same id and stamp.
func TestMigration_OutboxSurvives(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.sqlite")
	registerOnce.Do(registerFunctions)
	w, err := sql.Open("sqlite", fileURI(path)+"?"+dsnCommon+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if err := migrateTo(ctx, w, 1); err != nil {
		t.Fatal(err)
	}
	const (
		caseID = "01a21b28-61bc-7d2c-9b97-4c6b1bc1747e"
		mutID  = "01a21b28-61bd-7d2c-9b97-4c6b1bc1747e"
		hlc    = "001795000000000.000003"
	)
	fields := `{"id":"` + caseID + `","unit_code":"28261","consumer_name":"Huỳnh Thị Mai","summary":"Mua phải hàng giả."}`
	for _, q := range []string{
		`INSERT INTO meta (key, value) VALUES ('device_id', '01a21b28-0000-7000-8000-000000000001'), ('device_tag', 'A7K3'), ('unit_code', '28261')`,
		`INSERT INTO cases (id, unit_code, number, received_at, channel, kind, consumer_name, consumer_phone,
			consumer_address, business_name, business_address, sector, summary, status, created_at, created_by,
			updated_at, updated_by, search_folded)
		 VALUES ('` + caseID + `', '28261', '28261-2026-A7K3-0001', '2026-11-20T02:00:00Z', 'truc_tiep', 'khieu_nai',
			'Huỳnh Thị Mai', '', '', '', '', 'khac', 'Mua phải hàng giả.', 'moi_tiep_nhan', '2026-11-20T02:00:00Z', '',
			'2026-11-20T02:00:00Z', '', 'huynh thi mai mua phai hang gia')`,
		`INSERT INTO outbox (mutation_id, entity, record_id, unit_code, op, fields, hlc, officer, device_time)
		 VALUES ('` + mutID + `', 'case', '` + caseID + `', '28261', 'upsert', '` + fields + `', '` + hlc + `', 'Cán bộ', '2026-11-20T02:00:00Z')`,
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
	var v int
	db.r.QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() || v < 2 {
		t.Fatalf("after open: user_version %d, want %d", v, SchemaVersion())
	}
	after, err := db.PendingBatch(ctx, 1<<20)
	if err != nil || len(after) != 1 || after[0].ID != mutID || after[0].HLC.String() != hlc || after[0].RecordID != caseID {
		t.Fatalf("after: %+v %v", after, err)
	}
	if got, err := db.GetCase(ctx, caseID); err != nil || got.ConsumerName != "Huỳnh Thị Mai" || got.Voided {
		t.Fatalf("case after migration: %+v %v", got, err)
	}
	if db.DeviceID() != "01a21b28-0000-7000-8000-000000000001" {
		t.Fatalf("device id changed: %s", db.DeviceID())
	}
	// Found by search, and editable with the new columns.
	if cs, err := db.ListCases(ctx, app.CaseQuery{Text: "huynh"}); err != nil || len(cs) != 1 {
		t.Fatalf("search after migration: %d %v", len(cs), err)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if err := db.CreateCase(ctx, newCase(db, "Mai Văn Sao")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copy.sqlite")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if enc, err := isEncrypted(out); err != nil || !enc {
		t.Fatalf("the backup is not encrypted: %v", err)
	}
	cp, err := Open(ctx, plainOf(t, db, out), Options{Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if n, _ := cp.CountCases(ctx); n != 1 {
		t.Fatalf("backup has %d cases", n)
	}
	if p, _, _ := cp.OutboxCount(ctx); p != 1 {
		t.Fatalf("backup has %d outbox rows", p)
	}
	if err := db.Backup(ctx, out); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("overwriting a backup: %v", err)
	}
}

func TestApplySeeds_Idempotent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	refs, _ := seeds.Load()
	wrote, err := db.ApplySeeds(ctx, seeds.Version, refs)
	if err != nil || wrote {
		t.Fatalf("second apply wrote=%v err=%v", wrote, err)
	}
	for table, want := range map[string]int{"admin_units": 102, "sectors": 19, "issue_types": 11, "plan_tasks": 31, "plan_targets": 7} {
		if n, err := db.CountSeedRows(ctx, table); err != nil || n != want {
			t.Errorf("%s: %d rows (%v), want %d", table, n, err, want)
		}
	}
}

func mustBatch(t *testing.T, db *DB) []app.Mutation {
	t.Helper()
	b, err := db.PendingBatch(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	app.SortVietnamese(out)
	return out
}

func TestApplyPull_ResetRequeuesSentChangesInOrder(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a, b := newCase(db, "Trịnh Văn Một"), newCase(db, "Trịnh Văn Hai")
	for _, c := range []*app.Case{a, b} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	sent := mustBatch(t, db)
	if err := db.ApplyResults(ctx, []app.MutationResult{
		{MutationID: sent[0].ID, Status: app.ResultApplied}, {MutationID: sent[1].ID, Status: app.ResultDuplicate},
	}); err != nil {
		t.Fatal(err)
	}
	edit := *a
	edit.Summary = "Sửa sau khi đã gửi"
	if err := db.Edit(ctx, app.EntityCase, edit.ID, -1, edit.ChangedFields(a)); err != nil {
		t.Fatal(err)
	}
	if n := len(mustBatch(t, db)); n != 1 {
		t.Fatalf("%d pending before the reset", n)
	}
	// A page of another epoch: the server was restored from a backup.
	n, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "new-epoch", Reset: true, NextSeq: 0}})
	if err != nil || n != 2 {
		t.Fatalf("requeued %d, %v", n, err)
	}
	batch := mustBatch(t, db)
	if len(batch) != 3 || batch[0].ID != sent[0].ID || batch[1].ID != sent[1].ID || batch[2].RecordID != a.ID {
		t.Fatalf("after reset the outbox is %+v; want the two sent creations first, then the edit", batch)
	}
	// A second reset requeues nothing more.
	if n, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "newer", Reset: true}}); err != nil || n != 0 {
		t.Fatalf("second reset requeued %d, %v", n, err)
	}
}

func TestSearch_FollowsEditsAndPulls(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Lâm Văn Xưa")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	edit := *c
	edit.ConsumerName = "Lâm Văn Mới"
	if err := db.Edit(ctx, app.EntityCase, edit.ID, -1, edit.ChangedFields(c)); err != nil {
		t.Fatal(err)
	}
	find := func(q string) int {
		cs, err := db.ListCases(ctx, app.CaseQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	if find("moi") != 1 || find("xua") != 0 {
		t.Fatalf("after an edit: moi %d, xua %d", find("moi"), find("xua"))
	}
	// A pulled change of the name re-indexes too; a status change does not
	// need to (and must not break the index).
	f := edit.Fields()
	f["consumer_name"], _ = json.Marshal("Lâm Thị Kéo")
	f["status"], _ = json.Marshal("dang_xu_ly")
	if err := db.ApplyResults(ctx, []app.MutationResult{
		{MutationID: mustBatch(t, db)[0].ID, Status: app.ResultApplied},
		{MutationID: mustBatch(t, db)[1].ID, Status: app.ResultApplied},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e", NextSeq: 3,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: c.ID, Fields: f, Version: 3}}}}); err != nil {
		t.Fatal(err)
	}
	if find("keo") != 1 || find("moi") != 0 {
		t.Fatalf("after a pull: keo %d, moi %d", find("keo"), find("moi"))
	}
	if s, err := db.IntegrityCheck(ctx); err != nil || s != "ok" {
		t.Fatalf("integrity %q %v", s, err)
	}
	var fts string
	if err := db.w.QueryRow("INSERT INTO cases_fts (cases_fts) VALUES ('integrity-check') RETURNING 'ok'").Scan(&fts); err != nil {
		t.Fatalf("fts integrity: %v", err)
	}
}

// Acknowledged once (app.OnceEvents): a second acknowledgement, although
// the table allows the step in the case's status, is refused, and nothing
// is written.
func TestAddCaseEvent_AcknowledgedOnce(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := newCase(db, "Quách Thị Một Lần")
	if err := db.CreateCase(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCaseEvent(ctx, d.ID, &app.CaseEvent{Kind: app.EventAcknowledged}); err != nil {
		t.Fatal(err)
	}
	before, _, _ := db.OutboxCount(ctx)
	if err := db.AddCaseEvent(ctx, d.ID, &app.CaseEvent{Kind: app.EventAcknowledged}); app.ErrorCode(err) != app.EINVALID ||
		!strings.Contains(app.ErrorMessage(err), "chỉ ghi một lần") {
		t.Fatalf("second acknowledgement: %v", err)
	}
	if after, _, _ := db.OutboxCount(ctx); after != before {
		t.Fatalf("a refused step wrote %d mutations", after-before)
	}
}

func TestAddCaseEvent_MovesTheCaseAlongTheWorkflow(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Quách Thị Quy Trình")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{app.EventAcknowledged, app.EventAccepted, app.EventBusinessContacted} {
		if err := db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: kind}); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	if got, _ := db.GetCase(ctx, c.ID); got.Status != app.StatusAwaitBusiness {
		t.Fatalf("status %s", got.Status)
	}

	// Not allowed from here: refused in Vietnamese, nothing written.
	before, _, _ := db.OutboxCount(ctx)
	err := db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: app.EventDocsReceived})
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "Chờ doanh nghiệp phản hồi") {
		t.Fatalf("invalid step: %v", err)
	}
	if err := db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: app.EventNote}); app.FieldErrors(err)["note"] == "" {
		t.Fatalf("empty note: %v", err)
	}
	if after, _, _ := db.OutboxCount(ctx); after != before {
		t.Fatalf("a refused step wrote %d mutations", after-before)
	}
	evs, err := db.ListCaseEvents(ctx, c.ID)
	if err != nil || len(evs) != 3 {
		t.Fatalf("timeline %d events, %v", len(evs), err)
	}
	if evs[1].FromStatus != app.StatusReceived || evs[1].ToStatus != app.StatusAccepted || evs[2].Officer != "Cán bộ Thử" {
		t.Fatalf("event %+v", evs[1])
	}
	// Each step is an event mutation, plus a case mutation when the status moves.
	if n := len(mustBatch(t, db)); n != 1+3+2 {
		t.Fatalf("%d mutations, want 6", n)
	}
}

func TestPossibleDuplicates_SamePhoneAndBusinessWithin30Days(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mk := func(name, phone, business string, received time.Time) *app.Case {
		c := newCase(db, name)
		c.ConsumerPhone, c.BusinessName, c.ReceivedAt = phone, business, received
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	now := db.Now()
	first := mk("Đinh Văn Lặp", "0912 345 678", "Cửa hàng Điện Máy Xanh", now.Add(-20*24*time.Hour))
	mk("Đinh Văn Lặp", "0912345678", "Cửa hàng điện máy khác", now.Add(-5*24*time.Hour))  // other business
	mk("Đinh Văn Lặp", "0987654321", "Cửa hàng Điện Máy Xanh", now.Add(-5*24*time.Hour))  // other phone
	mk("Đinh Văn Lặp", "0912345678", "Cửa hàng Điện Máy Xanh", now.Add(-60*24*time.Hour)) // too old
	// A new case typed today, not saved yet, spelled without diacritics.
	next := &app.Case{ConsumerPhone: "+84 912 345 678", BusinessName: "cua hang dien may xanh", ReceivedAt: now}
	got, err := db.PossibleDuplicates(ctx, next)
	if err != nil || len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("duplicates %v, %v; want the case of 20 days ago", got, err)
	}
	if got, _ := db.PossibleDuplicates(ctx, first); len(got) != 0 {
		t.Fatalf("a case is its own duplicate or others matched: %v", got)
	}
	if got, _ := db.PossibleDuplicates(ctx, &app.Case{BusinessName: "x", ReceivedAt: now}); got != nil {
		t.Fatal("a case without a phone has duplicates")
	}
}

// Refusal grounds only where they apply (issue 18 item 4): the grounds of
// Luật 19/2023 Điều 58 refuse a negotiation-support request, not a
// complaint; a complaint outside the commune's competence is referred to
// the competent body with the consumer told (Điều 11 khoản 3); any case
// may be refused under Điều 54 khoản 2.
func TestAddCaseEvent_RefusalGroundsByKind(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	complaint := newCase(db, "Quách Thị Khiếu Nại")
	complaint.Kind = "khieu_nai"
	support := newCase(db, "Quách Văn Hỗ Trợ")
	support.Kind = app.KindSupportRequest
	for _, c := range []*app.Case{complaint, support} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	outside := &app.CaseEvent{Kind: app.EventRejected, RejectionReason: "ngoai_tham_quyen_pham_vi"}
	err := db.AddCaseEvent(ctx, complaint.ID, outside)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.FieldErrors(err)["rejection_reason"], "Điều 11 khoản 3") {
		t.Fatalf("a complaint refused under Điều 58 khoản 4: %v %v", err, app.FieldErrors(err))
	}
	if err := db.AddCaseEvent(ctx, support.ID, &app.CaseEvent{Kind: app.EventRejected, RejectionReason: "ngoai_tham_quyen_pham_vi"}); err != nil {
		t.Fatalf("a negotiation-support request refused under Điều 58 khoản 4: %v", err)
	}
	// The complaint goes to the competent body; the consumer must be told.
	err = db.AddCaseEvent(ctx, complaint.ID, &app.CaseEvent{Kind: app.EventReferred, Agency: "sct"})
	if app.ErrorCode(err) != app.EINVALID || app.FieldErrors(err)["consumer_notified"] == "" {
		t.Fatalf("a referral without telling the consumer: %v", err)
	}
	if err := db.AddCaseEvent(ctx, complaint.ID, &app.CaseEvent{Kind: app.EventReferred, Agency: "sct", ConsumerNotified: true}); err != nil {
		t.Fatalf("a referral with the consumer told: %v", err)
	}
	// Điều 54 khoản 2 for any kind.
	other := newCase(db, "Quách Thị Phản Ánh")
	other.Kind = "phan_anh"
	if err := db.CreateCase(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCaseEvent(ctx, other.ID, &app.CaseEvent{Kind: app.EventRejected, RejectionReason: "cam_thuong_luong_hoa_giai"}); err != nil {
		t.Fatalf("refused under Điều 54 khoản 2: %v", err)
	}
	for _, kind := range app.CaseKinds {
		got := app.RejectionReasonsFor(kind.Code)
		if kind.Code == app.KindSupportRequest {
			if len(got) != len(app.RejectionReasons) {
				t.Errorf("%s: %d grounds, want all %d", kind.Code, len(got), len(app.RejectionReasons))
			}
			continue
		}
		for _, r := range got {
			if strings.Contains(r.VI, "Điều 58") {
				t.Errorf("%s offered the Điều 58 ground %q", kind.Code, r.Code)
			}
		}
	}
}
