package storage

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"bvntd/app"
)

func outboxLen(t *testing.T, db *DB) int {
	t.Helper()
	n, _, err := db.OutboxCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func importSession(t *testing.T, db *DB, audiences ...string) *app.TrainingSession {
	t.Helper()
	s := &app.TrainingSession{Title: "Hội nghị phổ biến Luật Bảo vệ quyền lợi người tiêu dùng", Format: "truc_tiep",
		StartDate: db.Now().In(app.ICT).Format(time.DateOnly), Status: "da_to_chuc", Audiences: audiences}
	if err := db.SaveRecord(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// A roster imported twice adds nothing the second time; a person already
// on file is matched, not duplicated.
func TestImportRoster_TwiceAddsNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := importSession(t, db, "nguoi_dan")
	known := &app.Participant{FullName: "Trần Thị Thử", Type: "hoi_vien_doan_the", Phone: "0912000001"}
	if err := db.SaveRecord(ctx, known); err != nil {
		t.Fatal(err)
	}
	people := []app.Participant{
		{FullName: "Tran Thi Thu", Phone: "0912 000 001"}, // the known person, typed without diacritics
		{FullName: "Lê Văn Thử", Phone: "0912000002", Type: "doanh_nghiep", Workplace: "Công ty Thử"},
		{FullName: "Phạm Thị Thử"},                    // no group: the session's only audience
		{FullName: "Lê Văn Thử", Phone: "0912000002"}, // the same person twice in the file
	}
	before := outboxLen(t, db)
	res, err := ImportRoster(ctx, db, s, people)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || res.Matched != 2 || res.Marked != 3 || res.Skipped != 1 || len(res.Failed) != 0 {
		t.Fatalf("first import: %+v", res)
	}
	if res.IDs[0] != known.ID || res.IDs[1] != res.IDs[3] || res.IDs[2] == "" {
		t.Fatalf("ids %v (known %s)", res.IDs, known.ID)
	}
	var p app.Participant
	if err := db.GetRecord(ctx, res.IDs[2], &p); err != nil || p.Type != "nguoi_dan" || p.UnitCode != "28261" {
		t.Fatalf("new participant %+v, %v", p, err)
	}
	var a app.Attendance
	if err := db.GetRecord(ctx, app.AttendanceID(s.ID, known.ID), &a); err != nil || a.Status != "co_mat" || a.CheckedInAt.IsZero() {
		t.Fatalf("attendance %+v, %v", a, err)
	}
	afterFirst := outboxLen(t, db)
	if afterFirst != before+2+3 { // two people, three attendance rows
		t.Fatalf("outbox grew by %d, want 5", afterFirst-before)
	}
	checks, err := CheckRoster(ctx, db, s, people)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range checks {
		if !c.Done || c.ID != res.IDs[i] {
			t.Fatalf("check after import, row %d: %+v", i, c)
		}
	}
	again, err := ImportRoster(ctx, db, s, people)
	if err != nil {
		t.Fatal(err)
	}
	if again.Added != 0 || again.Marked != 0 || again.Skipped != 4 {
		t.Fatalf("second import: %+v", again)
	}
	if n := outboxLen(t, db); n != afterFirst {
		t.Fatalf("second import wrote %d mutations", n-afterFirst)
	}
	ps, _ := ListRecords[app.Participant](ctx, db, RecordQuery{})
	as, _ := ListRecords[app.Attendance](ctx, db, RecordQuery{SessionID: s.ID})
	if len(ps) != 3 || len(as) != 3 {
		t.Fatalf("%d participants, %d attendance rows; want 3, 3", len(ps), len(as))
	}
}

// Someone marked absent by hand becomes present; a check tells a new
// person from a known one without writing.
func TestImportRoster_CheckAndAbsent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := importSession(t, db)
	p := &app.Participant{FullName: "Võ Văn Thử", Type: "nguoi_dan", Phone: "0912000009"}
	if err := db.SaveRecord(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveRecord(ctx, &app.Attendance{SessionID: s.ID, ParticipantID: p.ID, Status: "vang"}); err != nil {
		t.Fatal(err)
	}
	rows := []app.Participant{{FullName: "Võ Văn Thử", Phone: "0912000009"}, {FullName: "Đỗ Thị Mới"}, {FullName: "Đỗ Thị Mới"}}
	before := outboxLen(t, db)
	checks, err := CheckRoster(ctx, db, s, rows)
	if err != nil {
		t.Fatal(err)
	}
	if checks[0].ID != p.ID || checks[0].Done || checks[1].ID != "" || checks[1].Done || !checks[2].Done {
		t.Fatalf("checks %+v", checks)
	}
	if outboxLen(t, db) != before {
		t.Fatal("a check wrote")
	}
	res, err := ImportRoster(ctx, db, s, rows)
	if err != nil || res.Marked != 2 || res.Added != 1 || res.Skipped != 1 {
		t.Fatalf("import %+v, %v", res, err)
	}
	var a app.Attendance
	if err := db.GetRecord(ctx, app.AttendanceID(s.ID, p.ID), &a); err != nil || a.Status != "co_mat" {
		t.Fatalf("attendance %+v, %v", a, err)
	}
	var np app.Participant
	if err := db.GetRecord(ctx, res.IDs[1], &np); err != nil || np.Type != "khac" {
		t.Fatalf("a session of several audiences: new person of type %q, %v", np.Type, err)
	}
}

func TestImportRoster_Refusals(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	old := &app.TrainingSession{Title: "Lớp đã báo cáo", StartDate: "2026-01-10", Format: "truc_tiep", Status: "da_bao_cao"}
	if err := db.SaveRecord(ctx, old); err != nil {
		t.Fatal(err)
	}
	_, err := ImportRoster(ctx, db, old, []app.Participant{{FullName: "Hồ Văn Thử"}})
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "đã khóa") {
		t.Fatalf("closed register: %v", err)
	}
	if _, err := ImportRoster(ctx, db, &app.TrainingSession{RecordHead: app.RecordHead{ID: "khong-co"}}, nil); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("missing session: %v", err)
	}
	// A row the store refuses is listed; the others go in.
	s := importSession(t, db)
	res, err := ImportRoster(ctx, db, s, []app.Participant{{FullName: "Bùi Văn Thử"}, {FullName: "Bùi Thị Thử", Phone: "12"}})
	if err != nil || res.Marked != 1 || len(res.Failed) != 1 || res.Failed[0].Index != 1 ||
		!strings.Contains(res.Failed[0].Message, "Số điện thoại") {
		t.Fatalf("import %+v, %v", res, err)
	}
}

// importDay is midnight in Vietnam n days before the store's today.
func importDay(db *DB, n int) time.Time {
	t := db.Now().In(app.ICT).AddDate(0, 0, -n)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, app.ICT)
}

func importCase(name, phone, business, summary string, received time.Time) app.Case {
	return app.Case{ReceivedAt: received, Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: name, ConsumerPhone: phone,
		BusinessName: business, Sector: "thuc_pham_do_uong", Summary: summary}
}

// A register imported twice adds nothing the second time, with or
// without its own numbers; every case went through the outbox.
func TestImportCases_TwiceAddsNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	day := importDay(db, 40)
	cases := []CaseImport{
		{Source: "12/2026", Case: importCase("Nguyễn Thị Thử", "0912000001", "Tạp hóa Phú Quý", "Sữa hết hạn.", day)},
		{Source: "13/2026", Case: importCase("Lê Văn Thử", "", "", "Hỏi về bảo hành.", day)},
		{Case: importCase("Phạm Văn Thử", "0912000003", "Cửa hàng X", "Cân thiếu.", day.AddDate(0, 0, 1))},
		{Case: importCase("Phạm Văn Thử", "0912000003", "Cửa hàng X", "Cân thiếu.", day.AddDate(0, 0, 1))}, // twice in the file
		{Case: importCase("", "", "", "Không tên.", day)},
	}
	before := outboxLen(t, db)
	res, err := ImportCases(ctx, db, cases)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 3 || res.Skipped != 1 || len(res.Failed) != 1 || res.Failed[0].Index != 4 || res.IDs[2] != res.IDs[3] {
		t.Fatalf("first import: %+v", res)
	}
	if n := outboxLen(t, db); n != before+3 {
		t.Fatalf("outbox grew by %d, want 3", n-before)
	}
	c, err := db.GetCase(ctx, res.IDs[0])
	if err != nil || !strings.HasPrefix(c.Number, fmt.Sprintf("28261-%d-", day.Year())) || c.UnitCode != "28261" || !c.ReceivedAt.Equal(day) {
		t.Fatalf("imported case %+v, %v", c, err)
	}
	checks, err := CheckCases(ctx, db, cases[:4])
	if err != nil {
		t.Fatal(err)
	}
	for i, ch := range checks {
		if !ch.Done || ch.ID != res.IDs[i] {
			t.Fatalf("check after import, row %d: %+v", i, ch)
		}
	}
	again, err := ImportCases(ctx, db, cases)
	if err != nil || again.Added != 0 || again.Skipped != 4 {
		t.Fatalf("second import: %+v, %v", again, err)
	}
	if n, _ := db.CountCases(ctx); n != 3 {
		t.Fatalf("%d cases after two imports, want 3", n)
	}
	if n := outboxLen(t, db); n != before+3 {
		t.Fatal("the second import wrote")
	}
}

// A case already in the store is recognised without an import key: one
// imported before a crash lost its key, one typed by hand, one exported by
// the app (its own number).
func TestImportCases_RecognisesCasesInTheStore(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	day := importDay(db, 60)
	typed := importCase("Hồ Thị Thử", "0912000005", "Chợ Thử", "Mua cá ươn.", day)
	if err := db.CreateCase(ctx, &typed); err != nil {
		t.Fatal(err)
	}
	res, err := ImportCases(ctx, db, []CaseImport{
		{Case: importCase("HO THI THU", "0912 000 005", "cho thu", "Mua cá  ươn.", day)},
		{Source: strings.ToLower(typed.Number), Case: importCase("Hồ Thị Thử", "", "", "Khác nội dung.", day.AddDate(0, 0, 3))},
		{Case: importCase("Đặng Văn Thử", "0912000006", "Chợ Thử", "Mua thịt.", day)},
	})
	if err != nil || res.Added != 1 || res.Skipped != 2 || res.IDs[0] != typed.ID || res.IDs[1] != typed.ID {
		t.Fatalf("import %+v, %v", res, err)
	}
	if _, err := db.w.Exec(`DELETE FROM import_keys`); err != nil {
		t.Fatal(err)
	}
	again, err := ImportCases(ctx, db, []CaseImport{{Case: importCase("Đặng Văn Thử", "0912000006", "Chợ Thử", "Mua thịt.", day)}})
	if err != nil || again.Added != 0 || again.IDs[0] != res.IDs[2] {
		t.Fatalf("re-import without keys: %+v, %v", again, err)
	}
	// A new case like one on file is imported, with the warning in the
	// preview.
	near := importCase("Hồ Thị Thử", "0912000005", "Chợ Thử", "Lần khác: cá ươn.", day.AddDate(0, 0, 5))
	checks, err := CheckCases(ctx, db, []CaseImport{{Case: near}})
	if err != nil || checks[0].Done || len(checks[0].Duplicates) != 1 || checks[0].Duplicates[0].ID != typed.ID {
		t.Fatalf("check %+v, %v", checks, err)
	}
}

func TestCaseImportKey(t *testing.T) {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, app.ICT)
	a := importCase("Nguyễn Văn Thử", "0912000001", "Cửa hàng A", "Nội dung.", day)
	b := importCase("NGUYEN VAN  THU", "0912000001", "cua hang a", "noi dung", day)
	if CaseImportKey("28261", "", &a) != CaseImportKey("28261", "", &b) {
		t.Error("the same row written differently has two keys")
	}
	c := a
	c.Summary = "Nội dung khác."
	if CaseImportKey("28261", "", &a) == CaseImportKey("28261", "", &c) {
		t.Error("two complaints of one person on one day share a key")
	}
	if k := CaseImportKey("28261", " Số 12 / 2026 ", &a); k != "n|28261|2026|so12/2026" {
		t.Errorf("numbered key %q", k)
	}
	if CaseImportKey("28261", "12", &a) == CaseImportKey("28261", "12", &[]app.Case{importCase("x", "", "", "y", day.AddDate(1, 0, 0))}[0]) {
		t.Error("number 12 of two years share a key")
	}
}
