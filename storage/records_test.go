package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

func TestRecords_SaveListAttendance(t *testing.T) {
	ctx := context.Background()
	// Two days after the session: its register is open (it locks 7 days
	// after, TestRecords_AttendanceLockAtTheEndOfTheSeventhDay).
	db := openTestDB(t, Options{Now: at(2026, time.November, 22, 10, 0).Now, DeviceTag: seededTag(t)})
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

// A register may be completed until the end of the seventh day after the
// session, Vietnam time, and is closed from midnight on: checked on both
// sides of the limit: within a month, across New Year and across 29/02.
func TestRecords_AttendanceLockAtTheEndOfTheSeventhDay(t *testing.T) {
	for _, tc := range []struct {
		name         string
		held         string // the session's day
		open, locked string // the last minute it is open, the first it is locked (Vietnam time)
	}{
		{"November", "2026-11-20", "2026-11-27 23:59", "2026-11-28 00:00"},
		{"NewYear", "2026-12-28", "2027-01-04 23:59", "2027-01-05 00:00"},
		{"LeapDay", "2028-02-22", "2028-02-29 23:59", "2028-03-01 00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			minute := func(s string) time.Time {
				m, err := time.ParseInLocation("2006-01-02 15:04", s, app.ICT)
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			clock := clocktest.New(minute(tc.held + " 16:00")) // the afternoon of the session
			db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
			s := &app.TrainingSession{Title: "Tập huấn cho hộ kinh doanh", StartDate: tc.held, Format: "truc_tiep", Status: "da_to_chuc"}
			early := &app.Participant{FullName: "Trần Văn Đúng Hạn", Type: "nguoi_dan"}
			late := &app.Participant{FullName: "Lê Văn Muộn", Type: "nguoi_dan"}
			for _, r := range []app.Record{s, early, late} {
				if err := db.SaveRecord(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			clock.Set(minute(tc.open))
			if err := db.SaveRecord(ctx, &app.Attendance{SessionID: s.ID, ParticipantID: early.ID, Status: "co_mat"}); err != nil {
				t.Fatalf("at %s, the last minute of the seventh day: %v", tc.open, err)
			}
			clock.Set(minute(tc.locked))
			err := db.SaveRecord(ctx, &app.Attendance{SessionID: s.ID, ParticipantID: late.ID, Status: "co_mat"})
			if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "đã khóa") {
				t.Fatalf("at %s, the eighth day: %v, want the register closed", tc.locked, err)
			}
			// Neither may the one marked in time be changed now.
			err = db.SaveRecord(ctx, &app.Attendance{SessionID: s.ID, ParticipantID: early.ID, Status: "vang"})
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("a change on the eighth day: %v, want the register closed", err)
			}
			rows, err := ListRecords[app.Attendance](ctx, db, RecordQuery{SessionID: s.ID})
			if err != nil || len(rows) != 1 || rows[0].ParticipantID != early.ID || rows[0].Status != "co_mat" {
				t.Fatalf("attendance %+v, %v", rows, err)
			}
		})
	}
}
