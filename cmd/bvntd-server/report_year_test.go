package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
	"bvntd/sync/syncserver"
)

// TestExportReports_DefaultYearTurnsAt15December pins what `export
// --report register|annual|attendance` does without --year on both sides
// of the report deadline, 15/12 (Kế hoạch 395, Mục V): at 23:59 on
// 14/12/2026 and still at 00:00 on 15/12/2026 the report is the one of
// report year 2026 (15/12/2025 – 14/12/2026), which holds the year's work
// — the deadline has just passed and Sở Công Thương is compiling it
// (app.DefaultReportYear, issue 18 item 6); --year 2027 gives the year
// that has just begun, empty (no case, no session), which is the default
// from 1/2/2027.
func TestExportReports_DefaultYearTurnsAt15December(t *testing.T) {
	ctx := context.Background()
	before := time.Date(2026, 12, 14, 23, 59, 0, 0, app.ICT)
	after := time.Date(2026, 12, 15, 0, 0, 0, 0, app.ICT)
	clock := clocktest.New(before)
	srv := newFieldServer(t, clock, syncserver.Options{})
	l := newLaptop(t, srv, "28261", 0)
	if err := l.db.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	// The year's work: a case received on Thursday 10/12 and a session held
	// that day, with two people present.
	held := time.Date(2026, 12, 10, 9, 0, 0, 0, app.ICT)
	c := &app.Case{ReceivedAt: held, Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: "Trần Văn Cuối Năm",
		Sector: "thuc_pham_do_uong", Summary: "Mua bánh kẹo hết hạn.", RecordHead: app.RecordHead{UnitCode: "28261"}}
	if err := l.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	session := &app.TrainingSession{Title: "Tập huấn cuối năm", StartDate: "2026-12-10", Format: "truc_tiep", Status: "da_to_chuc"}
	if err := l.db.SaveRecord(ctx, session); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		p := &app.Participant{FullName: fmt.Sprintf("Người Dự %d", i+1), Type: "nguoi_dan"}
		if err := l.db.SaveRecord(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := l.db.SaveRecord(ctx, &app.Attendance{SessionID: session.ID, ParticipantID: p.ID, Status: "co_mat", CheckedInAt: held}); err != nil {
			t.Fatal(err)
		}
	}
	l.mustSync()

	y2026, y2027 := app.ReportYear(2026), app.ReportYear(2027)
	tests := []struct {
		name  string
		at    time.Time
		year  string // --year; "" for the default
		want  app.KPIPeriod
		found int // the case, and the session
	}{
		{"14/12 23:59", before, "", y2026, 1},
		{"15/12 00:00", after, "", y2026, 1},
		{"15/12 00:00 --year 2027", after, "2027", y2027, 0},
		{"01/02/2027 00:00", time.Date(2027, 2, 1, 0, 0, 0, 0, app.ICT), "", y2027, 0},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer("/", "-", " ", "_").Replace(tt.name), func(t *testing.T) {
			export := func(report string, args ...string) (*excelize.File, string) {
				t.Helper()
				out := filepath.Join(t.TempDir(), report+".xlsx")
				args = append([]string{"export", "--db", srv.path, "--report", report, "--out", out}, args...)
				if tt.year != "" {
					args = append(args, "--year", tt.year)
				}
				_, stderr, err := runAt(t, clocktest.New(tt.at).Now, args...)
				if err != nil {
					t.Fatalf("%s: %v", report, err)
				}
				f, err := excelize.OpenFile(out)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { f.Close() })
				return f, stderr
			}

			// The register: its period, and the case or none.
			f, stderr := export("register")
			rows, _ := f.GetRows(xlsx.RegisterSheet)
			if rows[3][0] != "Kỳ báo cáo: "+tt.want.Label || !strings.Contains(stderr, fmt.Sprintf("%d dòng.", tt.found)) ||
				len(rows) != xlsx.RegisterHeaderRow+tt.found+1 {
				t.Errorf("register: %q, %d rows, stderr %q; want %q with %d case", rows[3][0], len(rows), stderr, tt.want.Label, tt.found)
			}

			// The annual report: its year, and what it counts (the case and
			// the session).
			f, stderr = export("annual")
			if y := annualYear(t, f); y != tt.want.To.Year() || !strings.Contains(stderr, fmt.Sprintf("%d dòng.", 2*tt.found)) {
				t.Errorf("annual: year %d, stderr %q; want %d counting %d", y, stderr, tt.want.To.Year(), 2*tt.found)
			}

			// The training summary of the commune: its period, and the
			// session or none.
			f, stderr = export("attendance", "--commune", "28261")
			if !sheetHas(f, xlsx.TrainingSummarySheet, "Kỳ báo cáo: "+tt.want.Label) || !strings.Contains(stderr, strconv.Itoa(tt.found)+" dòng.") {
				t.Errorf("attendance: stderr %q; want %q with %d session", stderr, tt.want.Label, tt.found)
			}
		})
	}
}
