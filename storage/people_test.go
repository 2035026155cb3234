package storage

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/seeds"
)

// fakeServer plays the server between two laptops of one commune: every
// mutation a laptop pushes, in order, must pass the server's validator
// (app.ValidateWrite) against the record as the server holds it; the
// records the pushes changed are then pulled into the other laptop.
type fakeServer struct {
	held    map[string]*heldRec
	version int64
}

type heldRec struct {
	entity  string
	fields  map[string]json.RawMessage
	version int64
}

// relay pushes from's outbox (acknowledged) and pulls what changed into
// to.
func (s *fakeServer) relay(t *testing.T, from, to *DB) {
	t.Helper()
	ctx := context.Background()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if s.held == nil {
		s.held = map[string]*heldRec{}
	}
	var changed []string
	for _, m := range mustBatch(t, from) {
		h := s.held[m.RecordID]
		hr := app.HeldRecord{}
		if h != nil {
			hr = app.HeldRecord{Exists: true, Fields: h.fields, Version: h.version}
		}
		if _, err := app.ValidateWrite(hr, app.IncomingWrite{Entity: m.Entity, RecordID: m.RecordID, UnitCode: m.UnitCode, Fields: m.Fields},
			refs, from.Now()); err != nil {
			t.Fatalf("the server refuses %s %s %v: %v (%v)", m.Entity, m.RecordID, keys(m.Fields), err, app.FieldErrors(err))
		}
		if h == nil {
			h = &heldRec{entity: m.Entity, fields: map[string]json.RawMessage{}}
			s.held[m.RecordID] = h
		}
		maps.Copy(h.fields, m.Fields)
		s.version++
		h.version = s.version
		if !slices.Contains(changed, m.RecordID) {
			changed = append(changed, m.RecordID)
		}
	}
	ackAll(t, from)
	page := app.PulledPage{Scope: "28261", Epoch: "e1", NextSeq: s.version}
	for _, id := range changed {
		h := s.held[id]
		page.Records = append(page.Records, app.PulledRecord{Entity: h.entity, ID: id, Fields: maps.Clone(h.fields), Version: h.version})
	}
	if _, err := to.ApplyPull(ctx, []app.PulledPage{page}); err != nil {
		t.Fatal(err)
	}
}

// registerOf lists a store's people, attendance and officers as text,
// voided ones included, for comparing two stores.
func registerOf(t *testing.T, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, e := range []string{app.EntityParticipant, app.EntityAttendance, app.EntityOfficer} {
		rs, err := db.Records(ctx, e, app.RecordQuery{IncludeVoided: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			f := r.Fields()
			delete(f, "updated_at")
			delete(f, "updated_by")
			b, _ := json.Marshal(f)
			out = append(out, e+" "+string(b))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

func mustSave(t *testing.T, db *DB, recs ...app.Record) {
	t.Helper()
	for _, r := range recs {
		if err := db.SaveRecord(context.Background(), r); err != nil {
			t.Fatalf("save %s: %v (%v)", r.Entity(), err, app.FieldErrors(err))
		}
	}
}

func peopleOf(t *testing.T, db *DB) ([]app.Participant, []app.PersonPair) {
	t.Helper()
	ps, err := ListRecords[app.Participant](context.Background(), db, RecordQuery{IncludeVoided: true})
	if err != nil {
		t.Fatal(err)
	}
	return ps, app.PossibleDuplicatePeople(ps, nil)
}

// Merging a duplicate: its attendance moves to the kept person (the better
// status where both attended), its officer is relinked, the kept record
// takes what it lacked, and the duplicate is voided "gộp vào …"; every
// change is a mutation the server accepts, and another laptop ends with
// the same register.
func TestMergePeople_MovesAttendanceAndConverges(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, time.November, 22, 10, 0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
	s1 := &app.TrainingSession{Title: "Tập huấn nhận biết hàng giả", StartDate: "2026-11-20", Format: "truc_tiep", Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	s2 := &app.TrainingSession{Title: "Hội nghị phổ biến Luật", StartDate: "2026-11-21", Format: "truc_tiep", Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	old := &app.TrainingSession{Title: "Lớp tháng mười", StartDate: "2026-10-01", Format: "truc_tiep", Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	keep := &app.Participant{FullName: "Nguyễn Văn Tư", Type: "ho_kinh_doanh_tieu_thuong", Phone: "0912000111", Workplace: "Chợ Mỹ Tho"}
	dup := &app.Participant{FullName: "Nguyễn  văn Tư", Type: "ho_kinh_doanh_tieu_thuong", Phone: "0912 000 111", Gender: "nam"}
	clock.Set(time.Date(2026, time.September, 30, 9, 0, 0, 0, app.ICT)) // before the October class: its register open
	mustSave(t, db, s1, s2, old, keep, dup)
	clock.Set(time.Date(2026, time.October, 1, 9, 0, 0, 0, app.ICT))
	mustSave(t, db, &app.Attendance{SessionID: old.ID, ParticipantID: dup.ID, Status: "vang"})
	clock.Set(time.Date(2026, time.November, 22, 10, 0, 0, 0, app.ICT))
	mustSave(t, db, // the ids are known now

		&app.Attendance{SessionID: s1.ID, ParticipantID: dup.ID, Status: "co_mat", Signed: true},
		&app.Attendance{SessionID: s2.ID, ParticipantID: dup.ID, Status: "co_mat"},
		&app.Attendance{SessionID: s2.ID, ParticipantID: keep.ID, Status: "dang_ky"},
		&app.Officer{FullName: "Nguyễn Văn Tư", Role: "can_bo_cong_thuong_xa", Active: true, ParticipantID: dup.ID})
	if _, pairs := peopleOf(t, db); len(pairs) != 1 {
		t.Fatalf("test data: %d possible duplicates, want the pair", len(pairs))
	}
	laptop2 := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
	var srv fakeServer
	srv.relay(t, db, laptop2)

	res, err := db.MergePeople(ctx, keep.ID, dup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Moved != 2 || res.Relinked != 1 {
		t.Fatalf("merge %+v, want 2 rows moved and 1 officer relinked", res)
	}
	var a1, a2, gone app.Attendance
	for _, x := range []struct {
		id  string
		dst *app.Attendance
	}{{app.AttendanceID(s1.ID, keep.ID), &a1}, {app.AttendanceID(s2.ID, keep.ID), &a2}, {app.AttendanceID(s1.ID, dup.ID), &gone}} {
		if err := db.GetRecord(ctx, x.id, x.dst); err != nil {
			t.Fatal(err)
		}
	}
	if a1.Status != "co_mat" || !a1.Signed || a1.Voided || a2.Status != "co_mat" || !gone.Voided {
		t.Fatalf("attendance after the merge: s1 %+v, s2 %+v, the duplicate's %+v", a1, a2, gone)
	}
	var k, d app.Participant
	_ = db.GetRecord(ctx, keep.ID, &k)
	_ = db.GetRecord(ctx, dup.ID, &d)
	if k.Voided || k.Gender != "nam" || k.Workplace != "Chợ Mỹ Tho" || !d.Voided ||
		!strings.Contains(d.Note, "gộp vào “Nguyễn Văn Tư” (mã "+keep.ID+")") {
		t.Fatalf("kept %+v\nduplicate %+v", k, d)
	}
	officers, _ := ListRecords[app.Officer](ctx, db, RecordQuery{})
	if len(officers) != 1 || officers[0].ParticipantID != keep.ID {
		t.Fatalf("officers %+v", officers)
	}
	if _, pairs := peopleOf(t, db); len(pairs) != 0 {
		t.Fatalf("still possible duplicates after the merge: %+v", pairs)
	}
	// The absence at the closed October register stays the duplicate's.
	var oldRow app.Attendance
	if err := db.GetRecord(ctx, app.AttendanceID(old.ID, dup.ID), &oldRow); err != nil || oldRow.Voided {
		t.Fatalf("the closed register's row: %+v %v", oldRow, err)
	}

	srv.relay(t, db, laptop2)
	if a, b := registerOf(t, db), registerOf(t, laptop2); a != b {
		t.Fatalf("the other laptop differs after the sync:\n%s\n---\n%s", a, b)
	}
	// Merging the voided record again is refused.
	if _, err := db.MergePeople(ctx, keep.ID, dup.ID); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "đã bị hủy") {
		t.Fatalf("merge of a voided record: %v", err)
	}
}

// A duplicate present at a session whose register is closed is not
// merged: the message names the session, and nothing is written.
func TestMergePeople_RefusesAClosedRegister(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, time.October, 1, 9, 0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
	old := &app.TrainingSession{Title: "Lớp tháng mười", StartDate: "2026-10-01", Format: "truc_tiep", Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	keep := &app.Participant{FullName: "Lê Thị Hoa", Type: "nguoi_dan", Phone: "0912000222"}
	dup := &app.Participant{FullName: "Lê Thị Hoa", Type: "nguoi_dan", Phone: "0912000222"}
	mustSave(t, db, old, keep, dup)
	mustSave(t, db, &app.Attendance{SessionID: old.ID, ParticipantID: dup.ID, Status: "co_mat"})
	clock.Set(time.Date(2026, time.November, 22, 10, 0, 0, 0, app.ICT))
	before := len(mustBatch(t, db))
	_, err := db.MergePeople(ctx, keep.ID, dup.ID)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "“Lớp tháng mười” (01/10/2026)") {
		t.Fatalf("merge across a closed register: %v", err)
	}
	if n := len(mustBatch(t, db)); n != before {
		t.Fatalf("a refused merge queued %d mutations", n-before)
	}
	if _, err := db.MergePeople(ctx, keep.ID, keep.ID); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("merge into itself: %v", err)
	}
}

// "Đã kiểm tra: hai người khác nhau": both records name the other, the
// pair is no longer a possible duplicate, here and on the other laptop;
// marking again writes nothing.
func TestMarkDistinctPeople(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{Now: at(2026, time.November, 22, 10, 0).Now, DeviceTag: seededTag(t)})
	a := &app.Participant{FullName: "Trần Văn Nam", Type: "nguoi_dan", Workplace: "Ấp Mỹ Hòa"}
	b := &app.Participant{FullName: "Trần Văn Nam", Type: "nguoi_dan", Workplace: "ấp Mỹ Hòa", Phone: "0912000333"}
	mustSave(t, db, a, b)
	if _, pairs := peopleOf(t, db); len(pairs) != 1 {
		t.Fatalf("test data: %d pairs", len(pairs))
	}
	laptop2 := openTestDB(t, Options{Now: db.Now, DeviceTag: seededTag(t)})
	if err := db.MarkDistinctPeople(ctx, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	ps, pairs := peopleOf(t, db)
	if len(pairs) != 0 || !slices.Contains(ps[0].DistinctFrom, ps[1].ID) || !slices.Contains(ps[1].DistinctFrom, ps[0].ID) {
		t.Fatalf("after the check: pairs %+v, people %+v", pairs, ps)
	}
	n := len(mustBatch(t, db))
	if err := db.MarkDistinctPeople(ctx, b.ID, a.ID); err != nil || len(mustBatch(t, db)) != n {
		t.Fatalf("marking again: %v, %d new mutations", err, len(mustBatch(t, db))-n)
	}
	var srv fakeServer
	srv.relay(t, db, laptop2)
	if _, pairs := peopleOf(t, laptop2); len(pairs) != 0 {
		t.Fatalf("the other laptop still pairs them: %+v", pairs)
	}
	// A record cannot be checked against itself.
	bad := *a
	bad.DistinctFrom = []string{a.ID}
	if fe := app.FieldErrors(db.SaveRecord(ctx, &bad)); fe["distinct_from"] == "" {
		t.Fatalf("a record distinct from itself: %v", fe)
	}
}
