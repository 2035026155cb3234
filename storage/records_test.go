package storage

import (
	"context"
	"strings"
	"testing"

	"bvntd/app"
)

func TestRecords_SaveListAttendance(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := &app.TrainingSession{Title: "Tập huấn Luật Bảo vệ quyền lợi người tiêu dùng 2023", StartDate: "2026-11-20",
		Format: "truc_tiep", Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	if err := db.SaveRecord(ctx, s); err != nil {
		t.Fatal(err)
	}
	p := &app.Participant{FullName: "Nguyễn Văn Tư", Type: "ho_kinh_doanh_tieu_thuong", Phone: "0912 000 111"}
	if err := db.SaveRecord(ctx, p); err != nil {
		t.Fatal(err)
	}
	a := &app.Attendance{SessionID: s.ID, ParticipantID: p.ID, Status: "co_mat"}
	if err := db.SaveRecord(ctx, a); err != nil {
		t.Fatal(err)
	}
	if a.ID != app.AttendanceID(s.ID, p.ID) || a.UnitCode != "28261" || a.CreatedBy != "Cán bộ Thử" {
		t.Fatalf("attendance %+v", a)
	}
	// Marking the same person again is an edit of the same row.
	again := &app.Attendance{SessionID: s.ID, ParticipantID: p.ID, Status: "vang_co_phep"}
	if err := db.SaveRecord(ctx, again); err != nil {
		t.Fatal(err)
	}
	rows, err := ListRecords[app.Attendance](ctx, db, RecordQuery{SessionID: s.ID})
	if err != nil || len(rows) != 1 || rows[0].Status != "vang_co_phep" {
		t.Fatalf("attendance rows %+v, %v", rows, err)
	}
	batch := mustBatch(t, db)
	if len(batch) != 4 || keys(batch[3].Fields)[0] != "status" {
		t.Fatalf("outbox: %d mutations, last %v", len(batch), keys(batch[len(batch)-1].Fields))
	}
	// Found without diacritics; bad input gets Vietnamese messages by field.
	ps, err := ListRecords[app.Participant](ctx, db, RecordQuery{Text: "nguyen tu"})
	if err != nil || len(ps) != 1 {
		t.Fatalf("search: %d, %v", len(ps), err)
	}
	bad := &app.Participant{FullName: "", Type: "x"}
	fe := app.FieldErrors(db.SaveRecord(ctx, bad))
	if fe["full_name"] == "" || fe["participant_type"] == "" {
		t.Fatalf("errors %v", fe)
	}
	var sb strings.Builder
	n, err := db.Dump(ctx, &sb)
	if err != nil || n != 3 || !strings.Contains(sb.String(), `"type":"attendance"`) {
		t.Fatalf("dump %d lines, %v", n, err)
	}
}

// A register closes 7 days after the session or once it is reported: the
// store refuses a change then, in Vietnamese; a pull still merges.
func TestRecords_AttendanceLockedAfterSevenDays(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	old := &app.TrainingSession{Title: "Tập huấn tháng trước", StartDate: db.Now().AddDate(0, 0, -10).In(app.ICT).Format("2006-01-02"),
		Format: "truc_tiep", Status: "da_to_chuc"}
	p := &app.Participant{FullName: "Lê Văn Muộn", Type: "nguoi_dan"}
	for _, r := range []app.Record{old, p} {
		if err := db.SaveRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	err := db.SaveRecord(ctx, &app.Attendance{SessionID: old.ID, ParticipantID: p.ID, Status: "co_mat"})
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "đã khóa") {
		t.Fatalf("late attendance: %v", err)
	}
	if err := db.SaveRecord(ctx, &app.Attendance{SessionID: "khong-co", ParticipantID: p.ID, Status: "co_mat"}); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("attendance of a missing session: %v", err)
	}
}
