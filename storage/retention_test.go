package storage

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"bvntd/app"
)

// retentionFixture records, on 05/03/2014, a case closed that month with
// the consumer's personal data, a case still open, a case closed without
// a step (as an old import left it), a voided case, and two participants
// (one attended a session in 2014, one in 2022). It returns the ids.
type retentionFixture struct {
	closed, open, stepless, voided, refused *app.Case
	oldPerson, activePerson                 *app.Participant
}

func newRetentionFixture(t *testing.T, db *DB, clk interface{ Set(time.Time) }) retentionFixture {
	t.Helper()
	ctx := context.Background()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, app.ICT) }
	clk.Set(day(2014, 3, 5))
	var f retentionFixture
	f.closed = newCase(db, "Nguyễn Thị Hồng Đào")
	f.closed.ConsumerPhone, f.closed.ConsumerAddress = "0912 345 678", "Số 12, ấp Tân Hòa, xã Tân Phước"
	f.closed.ConsumerBirthDate, f.closed.ConsumerGender = "1950-05-07", "nu"
	f.closed.VulnerableGroups, f.closed.VulnerableEvidence = []string{app.GroupElderly}, "Khuyết tật vận động, có giấy xác nhận"
	f.closed.Summary = "Bà Nguyễn Thị Hồng Đào (SĐT 0912.345.678) mua sữa hết hạn sử dụng."
	f.closed.Evidence = []string{"Hóa đơn bán lẻ", "Ảnh chụp tin nhắn từ +84 912 345 678"}
	f.closed.TransactionValue = 450000
	f.open = newCase(db, "Trần Văn Mở")
	f.stepless = newCase(db, "Lê Thị Cũ")
	f.stepless.Status = app.StatusClosed
	f.voided = newCase(db, "Phạm Văn Hủy")
	f.refused = newCase(db, "Trịnh Văn Lỗi")
	for _, c := range []*app.Case{f.closed, f.open, f.stepless, f.voided, f.refused} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(day(2014, 3, 6))
	for _, k := range []string{app.EventAccepted, app.EventResolved, app.EventClosed} {
		e := &app.CaseEvent{Kind: k}
		if k == app.EventResolved {
			e.Outcome, e.AmountRecovered = "thanh_cong_toan_bo", 450000
		}
		if err := db.AddCaseEvent(ctx, f.closed.ID, e); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if err := db.AddCaseEvent(ctx, f.closed.ID, &app.CaseEvent{Kind: app.EventNote,
		Note: "Đã gọi lại cho bà Nguyễn Thị Hồng Đào theo số 0912345678."}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCaseEvent(ctx, f.open.ID, &app.CaseEvent{Kind: app.EventAccepted}); err != nil {
		t.Fatal(err)
	}
	if err := db.VoidCase(ctx, f.voided.ID, "Ghi trùng"); err != nil {
		t.Fatal(err)
	}
	// A closed case whose sector the catalogue no longer has (as a newer
	// catalogue may leave an old case): the edit is refused; the run goes on.
	for _, k := range []string{app.EventAccepted, app.EventResolved} {
		if err := db.AddCaseEvent(ctx, f.refused.ID, &app.CaseEvent{Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddCaseEvent(ctx, f.refused.ID, &app.CaseEvent{Kind: app.EventNote, Note: "Ông Trịnh Văn Lỗi gọi lại."}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE cases SET fields = json_set(fields, '$.sector', 'linh_vuc_da_bo') WHERE id = ?`, f.refused.ID); err != nil {
		t.Fatal(err)
	}
	f.oldPerson = &app.Participant{FullName: "Đặng Văn Ơn", Type: "hoi_vien_doan_the", Gender: "nam", AgeBand: "tu_60",
		Phone: "0987654321", Note: "Anh Văn Ơn, số 0987.654.321, xin thêm tài liệu"}
	f.activePerson = &app.Participant{FullName: "Võ Thị Năng Động", Type: "hoi_vien_doan_the", Phone: "0911222333"}
	for _, p := range []*app.Participant{f.oldPerson, f.activePerson} {
		if err := db.SaveRecord(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(day(2022, 5, 10))
	s := &app.TrainingSession{Title: "Tập huấn Luật Bảo vệ quyền lợi người tiêu dùng", StartDate: "2022-05-10", EndDate: "2022-05-10",
		Format: "truc_tiep", Status: "da_to_chuc", Organiser: "", Venue: "Hội trường xã"}
	if err := db.SaveRecord(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveRecord(ctx, &app.Attendance{SessionID: s.ID, ParticipantID: f.activePerson.ID, Status: "co_mat"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAnonymise_ClosedCasesAndOldParticipants(t *testing.T) {
	ctx := context.Background()
	clk := at(2014, 3, 5, 9, 0)
	db := openTestDB(t, Options{Now: clk.Now, DeviceTag: seededTag(t)})
	f := newRetentionFixture(t, db, clk)

	before := func() app.KPIReport {
		d, err := db.KPIData(ctx, "28261")
		if err != nil {
			t.Fatal(err)
		}
		return app.ComputeKPIs(d, app.ReportYear(2014), nil)
	}
	kpiBefore := before()

	// A day short of five years: nothing due yet.
	clk.Set(time.Date(2019, 3, 5, 9, 0, 0, 0, app.ICT))
	r := app.DefaultRetention
	if res, err := db.Anonymise(ctx, r); err != nil || res.Records() != 0 {
		t.Fatalf("2019: %+v, %v", res, err)
	}

	clk.Set(time.Date(2025, 6, 1, 9, 0, 0, 0, app.ICT))
	pending, _, _ := db.OutboxCount(ctx)
	dry, err := db.AnonymiseDryRun(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dry.Cases, []string{f.closed.Number, f.voided.Number, f.refused.Number}) || dry.Participants != 1 ||
		!reflect.DeepEqual(dry.Held, []string{f.stepless.Number}) || dry.People != 4 {
		t.Fatalf("dry run = %+v", dry)
	}
	if after, _, _ := db.OutboxCount(ctx); after != pending {
		t.Fatal("the dry run wrote")
	}
	if got, _ := db.GetCase(ctx, f.closed.ID); got.AnonymisedOn != "" {
		t.Fatal("the dry run anonymised")
	}

	res, err := db.Anonymise(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Cases, dry.Cases[:2]) || res.Participants != 1 || len(res.Failed) != 1 ||
		res.Failed[0].Ref != f.refused.Number || !strings.Contains(res.Failed[0].Message, "Lĩnh vực") {
		t.Fatalf("run = %+v", res)
	}
	if r, _ := db.GetCase(ctx, f.refused.ID); r.ConsumerName != "Trịnh Văn Lỗi" || r.AnonymisedOn != "" {
		t.Fatalf("the refused case changed: %+v", r)
	}
	if evs, _ := db.ListCaseEvents(ctx, f.refused.ID); evs[len(evs)-1].Note != "Ông Trịnh Văn Lỗi gọi lại." {
		t.Fatal("the steps of a refused case were scrubbed")
	}
	c, err := db.GetCase(ctx, f.closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.ConsumerName != "N.T.H.Đ." || c.ConsumerPhone != "" || c.ConsumerAddress != "" || c.ConsumerBirthDate != "" ||
		c.VulnerableEvidence != "" || c.AnonymisedOn != "2024-03-06" { // ten years after its last step

		t.Fatalf("case = %+v", c)
	}
	if c.Summary != "Bà [đã ẩn] (SĐT [đã ẩn]) mua sữa hết hạn sử dụng." || c.Evidence[1] != "Ảnh chụp tin nhắn từ [đã ẩn]" {
		t.Fatalf("free text: %q %q", c.Summary, c.Evidence)
	}
	if c.ConsumerAgeBand != "tu_60" || c.ConsumerGender != "nu" || !reflect.DeepEqual(c.VulnerableGroups, []string{app.GroupElderly}) ||
		c.TransactionValue != 450000 || c.Status != app.StatusClosed {
		t.Fatalf("kept fields changed: %+v", c)
	}
	if o, _ := db.GetCase(ctx, f.open.ID); o.ConsumerName != "Trần Văn Mở" {
		t.Fatal("an open case was anonymised")
	}
	if o, _ := db.GetCase(ctx, f.stepless.ID); o.ConsumerName != "Lê Thị Cũ" {
		t.Fatal("a case without its closing step was anonymised")
	}
	if v, _ := db.GetCase(ctx, f.voided.ID); v.ConsumerName != "P.V.H." {
		t.Fatal("the voided case was not anonymised")
	}
	var p, q app.Participant
	if err := db.GetRecord(ctx, f.oldPerson.ID, &p); err != nil {
		t.Fatal(err)
	}
	if p.FullName != "Đ.V.Ơ." || p.Phone != "" || p.Note != "Anh [đã ẩn], số [đã ẩn], xin thêm tài liệu" || p.AgeBand != "tu_60" || p.AnonymisedOn != "2019-03-06" {
		t.Fatalf("participant = %+v", p)
	}
	if err := db.GetRecord(ctx, f.activePerson.ID, &q); err != nil || q.FullName != "Võ Thị Năng Động" {
		t.Fatalf("a participant attending in 2022 was anonymised: %+v", q)
	}

	evs, err := db.ListCaseEvents(ctx, f.closed.ID)
	if err != nil || len(evs) != 4 || evs[3].Note != "Đã gọi lại cho bà [đã ẩn] theo số [đã ẩn]." || evs[1].AmountRecovered != 450000 {
		t.Fatalf("steps after: %+v, %v", evs, err)
	}

	// The changes are ordinary edits, queued for the server.
	batch := mustBatch(t, db)
	var sent []string
	for _, m := range batch {
		if m.Entity == app.EntityCaseEvent && m.RecordID == evs[3].ID && len(m.Fields) == 1 && m.Fields["note"] != nil {
			sent = append(sent, "step")
		}
		if m.Entity == app.EntityCase && m.RecordID == f.closed.ID && string(m.Fields["anonymised_on"]) == `"2024-03-06"` {
			sent = append(sent, "case")
			if string(m.Fields["consumer_phone"]) != `""` {
				t.Fatalf("mutation %v", m.Fields)
			}
		}
		if m.Entity == app.EntityParticipant && m.RecordID == f.oldPerson.ID && string(m.Fields["full_name"]) == `"Đ.V.Ơ."` {
			sent = append(sent, "participant")
		}
	}
	if len(sent) != 3 {
		t.Fatalf("mutations sent for %v", sent)
	}

	// One audit record: counts and numbers, no name.
	audits, err := ListRecords[app.AuditEntry](ctx, db, RecordQuery{})
	if err != nil || len(audits) != 1 {
		t.Fatalf("%d audit entries, %v", len(audits), err)
	}
	a := audits[0]
	if a.Action != app.AuditAnonymise || a.People != 3 || a.Records != 3 || !strings.Contains(a.What, f.closed.Number) ||
		!strings.Contains(a.What, "2 vụ việc, 1 người tham dự") {
		t.Fatalf("audit = %+v", a)
	}
	for _, name := range []string{"Nguyễn", "Đặng", "0912", "Tân Hòa"} {
		if strings.Contains(a.What, name) {
			t.Fatalf("the audit record names %q: %s", name, a.What)
		}
	}

	if log, err := db.AnonymisationLog(ctx); err != nil || len(log) != 1 || log[0].Officer != "Cán bộ Thử" || log[0].ID != a.ID {
		t.Fatalf("log %+v, %v", log, err)
	}
	if run, err := db.LastRetentionRun(ctx); err != nil || !reflect.DeepEqual(run.Held, []string{f.stepless.Number}) ||
		len(run.Failed) != 1 || !strings.HasPrefix(run.Failed[0], "Vụ việc "+f.refused.Number+": ") || !run.At.Equal(a.At) {
		t.Fatalf("last run %+v, %v", run, err)
	}

	// The figures of 2014 are those before.
	kpiAfter := before()
	if !reflect.DeepEqual(kpiBefore.Complaints, kpiAfter.Complaints) || !reflect.DeepEqual(kpiBefore.Training, kpiAfter.Training) {
		t.Fatalf("2014 figures changed:\n%+v\n%+v", kpiBefore.Complaints, kpiAfter.Complaints)
	}

	// A second run finds nothing new (the refused case is tried again and
	// refused again) and writes no audit record.
	if res, err := db.Anonymise(ctx, r); err != nil || res.Records() != 0 || len(res.Failed) != 1 {
		t.Fatalf("second run: %+v, %v", res, err)
	}
	if audits, _ := ListRecords[app.AuditEntry](ctx, db, RecordQuery{}); len(audits) != 1 {
		t.Fatalf("%d audit entries after an empty run", len(audits))
	}
}

func TestRetentionSetting(t *testing.T) {
	ctx := context.Background()
	clk := at(2026, 7, 1, 8, 0)
	db := openTestDB(t, Options{Now: clk.Now, DeviceTag: seededTag(t)})
	if r, err := db.Retention(ctx); err != nil || r != app.DefaultRetention {
		t.Fatalf("default = %+v, %v", r, err)
	}
	if err := db.SetRetention(ctx, app.Retention{CaseYears: 0, ParticipantYears: 3}); app.FieldErrors(err)["case_years"] == "" {
		t.Fatalf("0 years: %v", err)
	}
	want := app.Retention{CaseYears: 15, ParticipantYears: 3}
	if err := db.SetRetention(ctx, want); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.Retention(ctx); r != want {
		t.Fatalf("set = %+v", r)
	}
	// The daily run runs once a day.
	if _, ran, err := db.DailyAnonymise(ctx); err != nil || !ran {
		t.Fatalf("first daily run: %v %v", ran, err)
	}
	clk.Set(time.Date(2026, 7, 1, 23, 0, 0, 0, app.ICT))
	if _, ran, _ := db.DailyAnonymise(ctx); ran {
		t.Fatal("ran twice on one day")
	}
	// A participant recorded in 2023, last seen then: due after 3 years.
	clk.Set(time.Date(2023, 5, 2, 8, 0, 0, 0, app.ICT))
	if err := db.SaveRecord(ctx, &app.Participant{FullName: "Hồ Văn Cũ", Type: "hoi_vien_doan_the"}); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2026, 7, 2, 0, 30, 0, 0, app.ICT))
	res, ran, err := db.DailyAnonymise(ctx)
	if err != nil || !ran || res.Participants != 1 || res.Retention != want {
		t.Fatalf("the next day: %+v %v %v", res, ran, err)
	}
	if log, _ := db.AnonymisationLog(ctx); len(log) != 1 || log[0].Officer != AutoRetentionOfficer {
		t.Fatalf("log %+v", log)
	}
}

// A provincial device (no commune) anonymises nothing itself: the
// communes' devices do, and their edits reach it through the sync.
func TestAnonymise_ProvincialDeviceRefuses(t *testing.T) {
	ctx := context.Background()
	clk := at(2026, 7, 1, 8, 0)
	db, err := Open(ctx, filepath.Join(t.TempDir(), "bvntd.sqlite"), Options{Now: clk.Now, DeviceTag: seededTag(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Anonymise(ctx, app.DefaultRetention); app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) != MsgRetentionNoCommune {
		t.Fatalf("province run: %v", err)
	}
	if _, ran, err := db.DailyAnonymise(ctx); ran || err != nil {
		t.Fatalf("province daily run: %v %v", ran, err)
	}
}
