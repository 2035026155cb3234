package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/seeds"
	"bvntd/seeds/demo"
)

// factsFromSteps are the facts of the cases of unit computed from their
// rows and steps, without the kept facts (and keeping none).
func factsFromSteps(t *testing.T, db *DB, unit string) []app.CaseFacts {
	t.Helper()
	ctx := context.Background()
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := db.scanCaseFacts(ctx, newFactReading(rules, cal), nil, unit, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fs.sorted()
}

// keptRows is how many cases have their facts kept, and whether case id
// has.
func keptRows(t *testing.T, db *DB, id string) (int, bool) {
	t.Helper()
	var n, has int
	if err := db.r.QueryRow(`SELECT count(*), count(*) FILTER (WHERE case_id = ?) FROM case_facts`, id).Scan(&n, &has); err != nil {
		t.Fatal(err)
	}
	return n, has == 1
}

// sameFacts checks that KPIFacts gives, for the province and for commune
// 28249, the facts computed from the steps, and the same indicators, and
// that the province's reading left every case's facts kept.
func sameFacts(t *testing.T, db *DB, when string) {
	t.Helper()
	ctx := context.Background()
	for _, unit := range []string{"", "28249", ""} {
		want := factsFromSteps(t, db, unit)
		d, err := db.KPIFacts(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 20 {
			t.Fatalf("%s, unit %q: a thin store: %d cases", when, unit, len(want))
		}
		if !reflect.DeepEqual(d.Facts, want) {
			for i := range min(len(d.Facts), len(want)) {
				if !reflect.DeepEqual(d.Facts[i], want[i]) {
					t.Fatalf("%s, unit %q: case %d of %d:\n got %+v\nwant %+v", when, unit, i, len(want), d.Facts[i], want[i])
				}
			}
			t.Fatalf("%s, unit %q: %d facts, want %d", when, unit, len(d.Facts), len(want))
		}
		ref := *d
		ref.Facts = want
		year := app.ReportYear(app.ReportYearOf(d.Now))
		if got, exp := app.ComputeKPIs(d, year, nil), app.ComputeKPIs(&ref, year, nil); !reflect.DeepEqual(got, exp) {
			t.Fatalf("%s, unit %q: other indicators", when, unit)
		}
	}
	var cases int
	if err := db.r.QueryRow(`SELECT count(*) FROM case_list`).Scan(&cases); err != nil {
		t.Fatal(err)
	}
	if n, _ := keptRows(t, db, ""); n != cases {
		t.Fatalf("%s: %d cases kept of %d", when, n, cases)
	}
}

// factsStore is a store of two communes' demo work (cases at every step
// of the workflow: some overdue, some finished in time or late, some
// withdrawn) with a voided case, on a chosen day.
func factsStore(t *testing.T) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bvntd.sqlite")
	db := openFactsStore(t, path)
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"28261", "28249"} {
		if err := demo.Write(ctx, db, &db.Now, refs, demo.Options{Unit: u, Seed: uint64(31 + i), Complaints: 40, Edits: 20}); err != nil {
			t.Fatal(err)
		}
	}
	voided := newCase(db, "Nguyễn Văn Hủy")
	if err := db.CreateCase(ctx, voided); err != nil {
		t.Fatal(err)
	}
	if err := db.VoidCase(ctx, voided.ID, "Ghi trùng."); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func openFactsStore(t *testing.T, path string) *DB {
	t.Helper()
	return openTestDBAt(t, path, Options{Now: at(2026, 11, 20, 9, 30).Now, DeviceTag: "F4CT"})
}

// TestKPIFacts_KeptFactsSameAsSteps: the facts KPIFacts reads from those
// kept are those computed from the steps, at the first reading and after
// every kind of write: a new step, an edited case, a voided one, pulled
// cases and steps, an import, a holiday year pulled, a time limit
// changed, a restart. Each write drops the facts of its case (the other
// cases' stay kept); a new calendar or time limit drops them all. Run
// with the few cases lacking their facts read by id, and with every step
// read.
func TestKPIFacts_KeptFactsSameAsSteps(t *testing.T) {
	for _, keyed := range []int{stepsByID, 1} {
		t.Run(fmt.Sprintf("keyed %d", keyed), func(t *testing.T) {
			defer func(k int) { keyedFacts = k }(keyedFacts)
			keyedFacts = keyed
			keptFactsAfterWrites(t)
		})
	}
}

func keptFactsAfterWrites(t *testing.T) {
	ctx := context.Background()
	db, path := factsStore(t)
	if n, _ := keptRows(t, db, ""); n != 0 {
		t.Fatalf("%d facts kept before any reading", n)
	}
	sameFacts(t, db, "first reading")
	sameFacts(t, db, "second reading")

	open, finished := openAndFinished(t, db)
	// dropped checks that a write dropped the facts of case id only.
	dropped := func(what, id string) {
		t.Helper()
		n, has := keptRows(t, db, id)
		var cases int
		if err := db.r.QueryRow(`SELECT count(*) FROM case_list`).Scan(&cases); err != nil {
			t.Fatal(err)
		}
		if has || n < cases-2 {
			t.Fatalf("%s: case kept %v, %d kept of %d", what, has, n, cases)
		}
		sameFacts(t, db, what)
	}

	// A new step.
	if err := db.AddCaseEvent(ctx, open.ID, &app.CaseEvent{Kind: app.EventNote, Note: "Gọi điện cho doanh nghiệp."}); err != nil {
		t.Fatal(err)
	}
	dropped("a new step", open.ID)
	if err := db.AddCaseEvent(ctx, open.ID, &app.CaseEvent{Kind: app.EventResolved, Outcome: "thanh_cong_toan_bo", AmountRecovered: 250000}); err != nil {
		t.Fatal(err)
	}
	dropped("a step that ends the handling", open.ID)
	// An edited case.
	if err := db.Edit(ctx, app.EntityCase, finished.ID, 0, map[string]json.RawMessage{
		"vulnerable_groups": json.RawMessage(`["nguoi_cao_tuoi"]`), "issue_types": json.RawMessage(`["cung_cap_thong_tin_sai"]`)}); err != nil {
		t.Fatal(err)
	}
	dropped("an edited case", finished.ID)
	// A voided case.
	if err := db.VoidCase(ctx, finished.ID, "Ghi trùng."); err != nil {
		t.Fatal(err)
	}
	dropped("a voided case", finished.ID)

	// Pulled: a new case of 28273 with its steps, then a step of it.
	other := newCase(db, "Phạm Thị Khác")
	other.ID, other.UnitCode, other.Number, other.Status = app.NewID(), "28273", "28273-2026-X-0001", app.StatusAccepted
	other.ReceivedAt = db.Now().Add(-30 * 24 * time.Hour)
	other.CreatedAt, other.UpdatedAt = other.ReceivedAt, other.ReceivedAt.Add(time.Hour)
	step := func(kind, from, to string, at time.Time) app.PulledRecord {
		e := app.CaseEvent{ID: app.NewID(), CaseID: other.ID, UnitCode: other.UnitCode, Kind: kind, FromStatus: from, ToStatus: to, At: at}
		return app.PulledRecord{Entity: app.EntityCaseEvent, ID: e.ID, Fields: e.Fields(), Version: 1}
	}
	page := func(seq int64, recs ...app.PulledRecord) []app.PulledPage {
		return []app.PulledPage{{Scope: "province", Epoch: "e1", NextSeq: seq, Records: recs}}
	}
	if _, err := db.ApplyPull(ctx, page(2, app.PulledRecord{Entity: app.EntityCase, ID: other.ID, Fields: other.Fields(), Version: 1},
		step(app.EventAccepted, app.StatusReceived, app.StatusAccepted, other.ReceivedAt.Add(time.Hour)))); err != nil {
		t.Fatal(err)
	}
	dropped("a pulled case", other.ID)
	if _, err := db.ApplyPull(ctx, page(3, step(app.EventNote, "", "", other.ReceivedAt.Add(48*time.Hour)))); err != nil {
		t.Fatal(err)
	}
	dropped("a pulled step", other.ID)
	other.Status, other.UpdatedAt = app.StatusResolved, other.UpdatedAt.Add(72*time.Hour)
	if _, err := db.ApplyPull(ctx, page(4, app.PulledRecord{Entity: app.EntityCase, ID: other.ID, Fields: other.Fields(), Version: 2},
		step(app.EventResolved, app.StatusAccepted, app.StatusResolved, other.UpdatedAt))); err != nil {
		t.Fatal(err)
	}
	dropped("a pulled change of a case", other.ID)

	// Imported.
	imp := importCase("Lê Văn Nhập", "0912000009", "Cửa hàng Y", "Cân thiếu.", importDay(db, 10))
	res, err := ImportCases(ctx, db, []CaseImport{{Source: "7/2026", Case: imp}})
	if err != nil || res.Added != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	dropped("an imported case", res.IDs[0])

	// A holiday year pulled: every deadline may move.
	if _, err := db.ApplyPull(ctx, []app.PulledPage{sharedPage(1, holidayYear2026(t))}); err != nil {
		t.Fatal(err)
	}
	basisChanged(t, db, "a holiday year pulled")

	// A time limit changed (new reference data).
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	changed, err := seeds.Load() // a copy of its own
	if err != nil {
		t.Fatal(err)
	}
	for i := range changed.SlaRules {
		changed.SlaRules[i].WorkingDays += 2
	}
	db.SetRefs(changed)
	basisChanged(t, db, "time limits changed")

	// A restart: the facts kept are read.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openFactsStore(t, path)
	db.SetRefs(changed)
	before, _ := keptRows(t, db, "")
	sameFacts(t, db, "after a restart")
	if after, _ := keptRows(t, db, ""); after != before {
		t.Fatalf("after a restart: %d kept, then %d", before, after)
	}
	// And with the seeded time limits again.
	db.SetRefs(refs)
	basisChanged(t, db, "seeded time limits again")
}

// openAndFinished returns the facts of an accepted case of 28249 not
// finished, and of one finished (timed).
func openAndFinished(t *testing.T, db *DB) (open, finished *app.CaseFacts) {
	t.Helper()
	d, err := db.KPIFacts(context.Background(), "28249")
	if err != nil {
		t.Fatal(err)
	}
	for i := range d.Facts {
		f := &d.Facts[i]
		switch {
		case open == nil && !f.Finished && f.Status == app.StatusAccepted:
			open = f
		case finished == nil && f.Finished && f.Timed:
			finished = f
		}
	}
	if open == nil || finished == nil {
		t.Fatal("no open or finished case of 28249")
	}
	return open, finished
}

// basisChanged checks that the facts kept are not read once the basis
// changed, and that a reading keeps every case's under the new one.
func basisChanged(t *testing.T, db *DB, what string) {
	t.Helper()
	ctx := context.Background()
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fc := db.readFactsCache(ctx, rules, cal); fc.usable {
		t.Fatalf("%s: the facts kept are still of the basis", what)
	}
	sameFacts(t, db, what)
	if fc := db.readFactsCache(ctx, rules, cal); !fc.usable {
		t.Fatalf("%s: the facts kept are not of the new basis", what)
	}
}

// holidayYear2026 is a pulled year 2026 of the calendar: the seeded one
// with Friday 25/9/2026 off (synthetic).
func holidayYear2026(t *testing.T) app.PulledRecord {
	t.Helper()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	y := app.HolidayYear{Year: 2026, Basis: "Thông báo thử nghiệm lịch nghỉ năm 2026"}
	y.Days = append(y.Days, app.Holiday{Date: "2026-09-25", Name: "Nghỉ thử nghiệm", Kind: app.DayHoliday})
	for _, h := range refs.Holidays {
		if h.Date[:4] == "2026" && h.Date != "2026-09-25" {
			y.Days = append(y.Days, h)
		}
	}
	y.Normalize()
	if err := y.Validate(); err != nil {
		t.Fatal(err)
	}
	return app.PulledRecord{Entity: app.EntityHolidayYear, ID: "2026", Fields: y.Fields(), Version: 1}
}

// TestKPIFacts_ReadsTheKeptFacts: once kept, a case's facts are read
// from case_facts, not computed again (a row changed there without a
// write of the case shows), until the case is written.
func TestKPIFacts_ReadsTheKeptFacts(t *testing.T) {
	ctx := context.Background()
	db, _ := factsStore(t)
	d, err := db.KPIFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var f *app.CaseFacts
	for i := range d.Facts {
		if d.Facts[i].Finished && d.Facts[i].Outcome != "" {
			f = &d.Facts[i]
			break
		}
	}
	if f == nil {
		t.Fatal("no finished case with an outcome")
	}
	var codes string
	if err := db.r.QueryRow(`SELECT `+factCaseColumns[len("c.id, c.number, c.consumer_name, "):]+` FROM case_list c WHERE id = ?`, f.ID).Scan(&codes); err != nil {
		t.Fatal(err)
	}
	forged := *f
	forged.Outcome, forged.Amount = "forged", 42
	var c app.Case
	c.ID, c.Number, c.ConsumerName = f.ID, f.Number, f.ConsumerName
	b := appendFactString(nil, c.Number)
	b = appendFactString(b, c.ConsumerName)
	b = appendFactString(b, codes)
	b = appendStepFacts(b, &forged)
	if _, err := db.w.Exec(`UPDATE case_facts SET facts = ? WHERE case_id = ?`, b, f.ID); err != nil {
		t.Fatal(err)
	}
	outcome := func() (string, int64) {
		d, err := db.KPIFacts(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range d.Facts {
			if g.ID == f.ID {
				return g.Outcome, g.Amount
			}
		}
		t.Fatal("case not read")
		return "", 0
	}
	if o, a := outcome(); o != "forged" || a != 42 {
		t.Fatalf("read %q %d: not the facts kept", o, a)
	}
	if err := db.AddCaseEvent(ctx, f.ID, &app.CaseEvent{Kind: app.EventNote, Note: "Ghi chú."}); err != nil {
		t.Fatal(err)
	}
	if o, a := outcome(); o != f.Outcome || a != f.Amount {
		t.Fatalf("after a step: %q %d, want %q %d", o, a, f.Outcome, f.Amount)
	}
}

// TestKPIFacts_NotKeptAfterAWrite: facts computed from what was read
// before a case or a step was written are not kept (they may be stale).
func TestKPIFacts_NotKeptAfterAWrite(t *testing.T) {
	ctx := context.Background()
	db, _ := factsStore(t)
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fc := db.readFactsCache(ctx, rules, cal)
	c := newCase(db, "Trần Thị Viết")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if db.storeFacts(ctx, fc, []keptFacts{{id: c.ID, facts: []byte{1}}}) {
		t.Fatal("facts kept after a write")
	}
	if _, has := keptRows(t, db, c.ID); has {
		t.Fatal("facts kept after a write")
	}
	fc = db.readFactsCache(ctx, rules, cal)
	if !db.storeFacts(ctx, fc, []keptFacts{{id: c.ID, facts: []byte{1}}}) {
		t.Fatal("facts not kept without a write")
	}
	if err := db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: app.EventAcknowledged}); err != nil {
		t.Fatal(err)
	}
	if _, has := keptRows(t, db, c.ID); has {
		t.Fatal("a step left the case's facts kept")
	}
}

// TestKeptFacts_TimesKeepTheirPlace: the facts kept decode to equal
// values, times in any location and the zero time included.
func TestKeptFacts_TimesKeepTheirPlace(t *testing.T) {
	utc := time.Date(2026, 3, 4, 2, 11, 0, 0, time.UTC)
	for _, f := range []app.CaseFacts{
		{},
		{HasSteps: true, Changes: []app.StatusChange{{At: utc, To: app.StatusAccepted}, {At: utc.Add(time.Hour).In(app.ICT), To: app.StatusResolved}},
			Finished: true, FinishedAt: utc.Add(time.Hour), Outcome: "thanh_cong_toan_bo", Amount: 1500000, Timed: true, Late: true,
			OwnDue: time.Date(2026, 3, 20, 0, 0, 0, 0, app.ICT)},
		{HasSteps: true, FinishedAt: utc.In(time.FixedZone("", 3600)), Amount: -7, OwnDue: utc.Add(123456789).In(time.Local)},
	} {
		b := appendStepFacts(nil, &f)
		var got app.CaseFacts
		r := newFactReading(nil, nil)
		if !r.decodeStepFacts(&factReader{s: string(b)}, &got) || !reflect.DeepEqual(got, f) {
			t.Fatalf("kept %+v, read %+v", f, got)
		}
		if r.decodeStepFacts(&factReader{s: string(b[:len(b)-1])}, &got) {
			t.Fatalf("a cut row read as facts")
		}
	}
}

// TestKPIAttendance_SameAsListRecords: the attendance rows the dashboard
// reads without encoding/json are those ListRecords reads, in its order,
// for plain documents and for any other (then read by ListRecords).
func TestKPIAttendance_SameAsListRecords(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{Now: at(2026, 11, 20, 9, 30).Now, DeviceTag: "A7TD"})
	put := func(id, unit, fields string) {
		t.Helper()
		if _, err := db.w.Exec(`INSERT INTO records (entity, id, unit_code, fields) VALUES ('attendance', ?, ?, ?)`, id, unit, fields); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(id, unit, created, extra string) string {
		return `{"id":"` + id + `","unit_code":"` + unit + `","voided":false,"created_at":"` + created + `","created_by":"Cán bộ A",` +
			`"updated_at":"2026-11-02T03:00:00Z","updated_by":"","session_id":"s1","participant_id":"p` + id + `","status":"co_mat",` +
			`"signed":true,"checked_in_at":"2026-11-01T01:02:03Z"` + extra + `}`
	}
	for i := range 30 {
		unit := []string{"28261", "28249"}[i%2]
		// Ties of created_at, ordered by id.
		put(fmt.Sprintf("a%02d", 29-i), unit, doc(fmt.Sprintf("a%02d", 29-i), unit, fmt.Sprintf("2026-11-%02dT08:00:00Z", 1+i%4), ""))
	}
	put("v1", "28261", `{"id":"v1","unit_code":"28261","voided":true,"created_at":"2026-10-01T00:00:00Z"}`)
	put("n1", "28261", `{"id":"n1","unit_code":"28261","voided":null,"created_at":"2026-10-02T00:00:00Z","checked_in_at":null,"signed":null,"other":"x"}`)
	put("n2", "28261", ` { "id" : "n2" , "unit_code":"28261", "created_at":"2026-10-03T00:00:00Z", "extra":"x" } `)
	check := func(what string, fast bool) {
		t.Helper()
		for _, unit := range []string{"", "28249"} {
			want, err := ListRecords[app.Attendance](ctx, db, RecordQuery{Unit: unit})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.kpiAttendance(ctx, unit, heldStrings{})
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 15 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, unit %q: read\n%+v\nListRecords\n%+v", what, unit, got, want)
			}
			_, ok, err := fastRecords(ctx, db, app.EntityAttendance, unit, func(b []byte, a *app.Attendance, v *flatValue) ([]byte, bool) {
				return decodeAttendance(b, a, heldStrings{}, v)
			})
			if err != nil || ok != fast && unit == "" {
				t.Fatalf("%s, unit %q: read without encoding/json %v, want %v (%v)", what, unit, ok, fast, err)
			}
		}
	}
	check("plain documents", true)
	// Each document json.Unmarshal or json_extract reads otherwise: read
	// by ListRecords, the same.
	for i, fields := range []string{
		doc("x1", "28261", "2026-09-01T00:00:00Z", `,"note":"có \"ngoặc\""`),
		doc("x2", "28261", "2026-09-02T00:00:00Z", `,"Status":"vang_mat"`),
		doc("x3", "28261", "2026-09-03T00:00:00+07:00", ""),
		doc("x4", "28261", "2026-09-04T00:00:00Z", `,"created_at":"2026-01-01T00:00:00Z"`),
		`{"id":"x5","unit_code":"28261","voided":false}`,
		`{"id":"x6","unit_code":"28261","created_at":null}`,
	} {
		id := fmt.Sprintf("x%d", i+1)
		put(id, "28261", fields)
		check("document "+id, false)
		if _, err := db.w.Exec(`DELETE FROM records WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
	}
	check("plain documents again", true)
}

// TestKPIParticipants_SameAsListRecords: the participants the dashboard
// reads without encoding/json are those ListRecords reads, in its order,
// marked limited as it marks them, for plain documents (Vietnamese names,
// lists of people told apart) and for any other.
func TestKPIParticipants_SameAsListRecords(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{Now: at(2026, 11, 20, 9, 30).Now, DeviceTag: "P7TD"})
	put := func(id, unit, fields string) {
		t.Helper()
		if _, err := db.w.Exec(`INSERT INTO records (entity, id, unit_code, fields) VALUES ('participant', ?, ?, ?)`, id, unit, fields); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(id, unit, created, extra string) string {
		return `{"id":"` + id + `","unit_code":"` + unit + `","voided":false,"created_at":"` + created + `","created_by":"",` +
			`"updated_at":"2026-11-02T03:00:00Z","updated_by":"Cán bộ B","full_name":"Hoàng Quốc Quân ` + id + `",` +
			`"participant_type":"can_bo_cong_chuc_xa","organisation_id":"","workplace":"UBND phường Đạo Thạnh","gender":"nam",` +
			`"age_band":"tu_16_den_35","phone":"0369284034","note":"","restricted":false,"anonymised_on":""` + extra + `}`
	}
	for i := range 24 {
		unit := []string{"28261", "28249"}[i%2]
		extra := []string{`,"distinct_from":null`, `,"distinct_from":[]`, `,"distinct_from":["p01", "p02"]`, ``}[i%4]
		put(fmt.Sprintf("p%02d", 23-i), unit, doc(fmt.Sprintf("p%02d", 23-i), unit, fmt.Sprintf("2026-10-%02dT08:00:00Z", 1+i%5), extra))
	}
	put("v1", "28261", `{"id":"v1","unit_code":"28261","voided":true,"created_at":"2026-10-01T00:00:00Z"}`)
	put("r1", "28261", `{"id":"r1","unit_code":"28261","created_at":"2026-10-09T00:00:00Z","restricted":true,"anonymised_on":"2026-10-10"}`)
	if _, err := db.w.Exec(`INSERT INTO limited_records (entity, id) VALUES ('participant', 'p03'), ('attendance', 'p04')`); err != nil {
		t.Fatal(err)
	}
	check := func(what string, fast bool) {
		t.Helper()
		for _, unit := range []string{"", "28249"} {
			want, err := ListRecords[app.Participant](ctx, db, RecordQuery{Unit: unit})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.kpiParticipants(ctx, unit)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 12 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, unit %q: read\n%+v\nListRecords\n%+v", what, unit, got, want)
			}
			_, ok, err := fastRecords(ctx, db, app.EntityParticipant, unit, func(b []byte, p *app.Participant, v *flatValue) ([]byte, bool) {
				return decodeParticipant(b, p, heldStrings{}, v)
			})
			if err != nil || ok != fast && unit == "" {
				t.Fatalf("%s, unit %q: read without encoding/json %v, want %v (%v)", what, unit, ok, fast, err)
			}
		}
	}
	check("plain documents", true)
	limited := 0
	got, _ := db.kpiParticipants(ctx, "")
	for _, p := range got {
		if p.Limited {
			limited++
		}
	}
	if limited != 1 {
		t.Fatalf("%d participants limited, want 1", limited)
	}
	for i, fields := range []string{
		doc("x1", "28261", "2026-09-01T00:00:00Z", `,"distinct_from":["a\u0062"]`),
		doc("x2", "28261", "2026-09-02T00:00:00Z", `,"FULL_NAME":"Khác"`),
		doc("x3", "28261", "2026-09-03T00:00:00Z", `,"distinct_from":[null]`),
		doc("x4", "28261", "2026-09-04T00:00:00Z", `,"note":"a \u003c b"`),
	} {
		id := fmt.Sprintf("x%d", i+1)
		put(id, "28261", fields)
		check("document "+id, false)
		if _, err := db.w.Exec(`DELETE FROM records WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKPIPublications_SameAsListRecords: the publications the dashboard
// reads without encoding/json are those ListRecords reads, in its order,
// quantities included, for plain documents and for any other.
func TestKPIPublications_SameAsListRecords(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{Now: at(2026, 11, 20, 9, 30).Now, DeviceTag: "P8TD"})
	put := func(id, fields string) {
		t.Helper()
		if _, err := db.w.Exec(`INSERT INTO records (entity, id, unit_code, fields) VALUES ('publication', ?, '28261', ?)`, id, fields); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(id, created, quantity string) string {
		return `{"id":"` + id + `","unit_code":"28261","voided":false,"created_at":"` + created + `","created_by":"","updated_at":"` + created +
			`","updated_by":"","publication_type":"to_roi","origin":"tu_bien_soan","format":"in_an","title":"Tờ rơi ` + id +
			`","date":"2026-05-01","quantity":` + quantity + `,"channel":"truc_tiep","url":"","note":""}`
	}
	for i, q := range []string{"0", "5", "-3", "null", "123456789", "-0", "7", "1000"} {
		put(fmt.Sprintf("b%d", 9-i), doc(fmt.Sprintf("b%d", 9-i), fmt.Sprintf("2026-05-%02dT01:00:00Z", 1+i%3), q))
	}
	check := func(what string, fast bool) {
		t.Helper()
		want, err := ListRecords[app.Publication](ctx, db, RecordQuery{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.kpiPublications(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 8 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: read\n%+v\nListRecords\n%+v", what, got, want)
		}
		_, ok, err := fastRecords(ctx, db, app.EntityPublication, "", func(b []byte, p *app.Publication, v *flatValue) ([]byte, bool) {
			return decodePublication(b, p, heldStrings{}, v)
		})
		if err != nil || ok != fast {
			t.Fatalf("%s: read without encoding/json %v, want %v (%v)", what, ok, fast, err)
		}
	}
	check("plain documents", true)
	for i, fields := range []string{
		strings.Replace(doc("x1", "2026-04-01T00:00:00Z", "1"), `"title":"Tờ rơi x1"`, `"title":"Tờ \"rơi\""`, 1),
		strings.Replace(doc("x2", "2026-04-02T00:00:00Z", "1"), `"quantity"`, `"Quantity"`, 1),
		strings.Replace(doc("x3", "2026-04-03T00:00:00Z", "2"), `"url":""`, `"url":"https://a.vn/\u00e1"`, 1),
	} {
		id := fmt.Sprintf("x%d", i+1)
		put(id, fields)
		check("document "+id, false)
		if _, err := db.w.Exec(`DELETE FROM records WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkKPIAttendance reads 20,000 attendance rows of 50 communes as
// the dashboard does (kpiAttendance), and as ListRecords does:
//
//	go test -tags ci -run '^$' -bench KPIAttendance -benchmem ./storage
func BenchmarkKPIAttendance(b *testing.B) {
	ctx := context.Background()
	db := openTestDB(b, Options{Now: at(2026, 11, 20, 9, 0).Now})
	const n = 20000
	recs := make([]app.PulledRecord, 0, n)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		a := &app.Attendance{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: fmt.Sprintf("28%03d", i%50),
			CreatedAt: start.Add(time.Duration(i/3) * time.Minute), CreatedBy: "Cán bộ xã"},
			SessionID: fmt.Sprintf("s-%d", i/40), ParticipantID: fmt.Sprintf("p-%d", i%3000), Status: "co_mat", Signed: i%2 == 0,
			CheckedInAt: start.Add(time.Duration(i) * time.Second)}
		a.UpdatedAt = a.CreatedAt
		recs = append(recs, app.PulledRecord{Entity: app.EntityAttendance, ID: a.ID, Fields: a.Fields(), Version: int64(i + 1)})
	}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "province", Epoch: "e1", NextSeq: n, Records: recs}}); err != nil {
		b.Fatal(err)
	}
	for _, fast := range []bool{true, false} {
		name := "kpiAttendance"
		if !fast {
			name = "ListRecords"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				var got []app.Attendance
				var err error
				if fast {
					got, err = db.kpiAttendance(ctx, "", heldStrings{})
				} else {
					got, err = ListRecords[app.Attendance](ctx, db, RecordQuery{})
				}
				if err != nil || len(got) != n {
					b.Fatalf("%d rows, %v", len(got), err)
				}
			}
		})
	}
}

// TestReadFacts_SortedAsTexts: the facts are ordered by received_at as
// stored (texts), then number, then the order read, whether the times
// are of the common form (sorted as numbers) or not.
func TestReadFacts_SortedAsTexts(t *testing.T) {
	times := []string{"2026-03-04T02:11:00Z", "2025-12-31T23:59:59Z", "2026-03-04T02:11:00Z", "2026-03-04T02:10:59Z",
		"2026-03-04T02:11:00Z", "2027-01-01T00:00:00Z", "2026-03-04T02:11:00Z"}
	numbers := []string{"B", "A", "A", "C", "B", "A", "0"}
	for _, odd := range []string{"", "2026-03-04T09:11:00+07:00", "2026-13-04T02:11:00Z", ""} {
		ts := times
		if odd != "" {
			ts = append(slices.Clone(times), odd)
		}
		fs := newReadFacts(len(ts))
		type row struct{ at, number, id string }
		var want []row
		for i, at := range ts {
			f := app.CaseFacts{ID: fmt.Sprint(i), Number: numbers[i%len(numbers)]}
			fs.add(f, at)
			want = append(want, row{at, f.Number, f.ID})
		}
		slices.SortStableFunc(want, func(a, b row) int {
			if c := strings.Compare(a.at, b.at); c != 0 {
				return c
			}
			return strings.Compare(a.number, b.number)
		})
		got := fs.sorted()
		for i := range want {
			if got[i].ID != want[i].id {
				t.Fatalf("odd %q: position %d holds case %s, want %s", odd, i, got[i].ID, want[i].id)
			}
		}
	}
}

// TestPlainUTCTime_AsTimeParse: the times read without time.Parse are
// those time.Parse (and so parseTime and time.Time's UnmarshalJSON)
// reads, and the others are left to it.
func TestPlainUTCTime_AsTimeParse(t *testing.T) {
	for _, s := range []string{"2026-03-04T02:11:00Z", "2024-02-29T23:59:59Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
		"2026-12-31T24:00:00Z", "2026-12-31T23:60:00Z", "2026-12-31T23:59:60Z", "2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z",
		"2026-01-00T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-04T02:11:00+07:00", "2026-03-04 02:11:00Z",
		"2026-03-04T02:11:00.5Z", "2026-3-04T02:11:00Z", "", "2026-03-04T02:11:0xZ"} {
		want, err := time.Parse(time.RFC3339, s)
		got, ok := plainUTCTime(s)
		if ok && (err != nil || !reflect.DeepEqual(got, want)) {
			t.Errorf("%q: read %v, time.Parse %v %v", s, got, want, err)
		}
		if !reflect.DeepEqual(factTime(s), parseTime(s)) {
			t.Errorf("%q: factTime %v, parseTime %v", s, factTime(s), parseTime(s))
		}
	}
}
