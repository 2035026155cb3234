package app_test

import (
	"reflect"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/seeds"
)

// The dates a program running 2026–2031 meets: the report year turns on
// 15/12 (Kế hoạch 395: the yearly report is due before 15/12), the
// calendar year on 1/1, and the seeded holiday calendar ends with 2030.
// Each rule is checked on both sides of each boundary, on the seeded
// calendar, whatever day the suite runs on.

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, app.ICT)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func seededCalendar(t *testing.T) (*app.RefData, *app.Calendar) {
	t.Helper()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := refs.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	return refs, cal
}

func TestReportYearOf_AcrossTheCutOffAndNewYear(t *testing.T) {
	for _, tc := range []struct {
		now  string
		want int
	}{
		{"2026-12-14 23:59", 2026},
		{"2026-12-15 00:00", 2027},
		{"2026-12-31 23:59", 2027},
		{"2027-01-01 00:00", 2027},
		{"2027-12-14 23:59", 2027},
		{"2027-12-15 00:00", 2028},
		{"2028-02-29 09:00", 2028},
		{"2030-12-14 23:59", 2030},
		{"2030-12-15 00:00", 2031},
		{"2031-01-02 09:00", 2031},
	} {
		if got := app.ReportYearOf(at(t, tc.now)); got != tc.want {
			t.Errorf("ReportYearOf(%s) = %d, want %d", tc.now, got, tc.want)
		}
	}
	// 14/12 23:59 in Vietnam is 16:59 UTC: the zone of the reading must
	// not move the day.
	if got := app.ReportYearOf(at(t, "2026-12-15 00:30").UTC()); got != 2027 {
		t.Errorf("ReportYearOf(15/12 00:30 ICT given in UTC) = %d, want 2027", got)
	}
}

func TestAttendanceLocked_AcrossTheCutOffAndNewYear(t *testing.T) {
	for _, tc := range []struct {
		held, now string
		want      bool
	}{
		// Held on Saturday 12/12/2026: open for 7 full days after it,
		// whatever the report year does on 15/12.
		{"2026-12-12", "2026-12-14 23:59", false},
		{"2026-12-12", "2026-12-15 00:00", false},
		{"2026-12-12", "2026-12-19 23:59", false},
		{"2026-12-12", "2026-12-20 00:00", true},
		// Held on 28/12/2026: the week runs into 2027.
		{"2026-12-28", "2026-12-31 23:59", false},
		{"2026-12-28", "2027-01-04 23:59", false},
		{"2026-12-28", "2027-01-05 00:00", true},
		// Held on 29/02/2028.
		{"2028-02-29", "2028-03-07 23:59", false},
		{"2028-02-29", "2028-03-08 00:00", true},
	} {
		s := &app.TrainingSession{StartDate: tc.held, Status: "da_to_chuc"}
		if got := app.AttendanceLocked(s, at(t, tc.now)); got != tc.want {
			t.Errorf("session held %s, at %s: locked = %v, want %v", tc.held, tc.now, got, tc.want)
		}
	}
}

// The receipt deadline (3 working days, the day of receipt not counted:
// Bộ luật Dân sự 2015 Điều 147) of a case received just before and just
// after midnight of 14/12, across New Year, before Tết and past the seeded
// calendar.
func TestDeadline_OfACaseReceivedAroundTheBoundaries(t *testing.T) {
	refs, cal := seededCalendar(t)
	for _, tc := range []struct {
		received, now, due string
		overdue            bool
		uncovered          []int
	}{
		// Monday 14/12/2026 23:59: Tue 15, Wed 16, Thu 17.
		{"2026-12-14 23:59", "2026-12-15 00:00", "2026-12-17", false, nil},
		// One minute later it is Tuesday: Wed 16, Thu 17, Fri 18.
		{"2026-12-15 00:00", "2026-12-15 00:00", "2026-12-18", false, nil},
		{"2026-12-14 23:59", "2026-12-18 00:00", "2026-12-17", true, nil},
		// Wednesday 30/12/2026: Thu 31, (Fri 1/1 Tết Dương lịch), Mon 4, Tue 5.
		{"2026-12-30 10:00", "2026-12-31 09:00", "2027-01-05", false, nil},
		// Thursday 4/2/2027, the last working day before Tết (5–11/2 off):
		// Fri 12, Mon 15, Tue 16.
		{"2027-02-04 16:00", "2027-02-04 16:00", "2027-02-16", false, nil},
		// Monday 28/02/2028: Tue 29/02, Wed 1/3, Thu 2/3.
		{"2028-02-28 09:00", "2028-02-29 09:00", "2028-03-02", false, nil},
		// Tuesday 31/12/2030: 1/1/2031 is not in the seeded calendar, so it
		// counts as a working day (Wed 1, Thu 2, Fri 3) — with a warning.
		{"2030-12-31 09:00", "2031-01-02 09:00", "2031-01-03", false, []int{2031}},
	} {
		c := &app.Case{Kind: "khieu_nai", Status: app.StatusReceived, ReceivedAt: at(t, tc.received)}
		ds := app.Deadlines(c, nil, refs.SlaRules, cal, at(t, tc.now))
		var ack *app.Deadline
		for i := range ds {
			if ds[i].Rule.Code == "intake_ack" {
				ack = &ds[i]
			}
		}
		if ack == nil {
			t.Fatalf("received %s: no receipt deadline in %+v", tc.received, ds)
		}
		if got := ack.Due.Format(time.DateOnly); got != tc.due || ack.Overdue != tc.overdue {
			t.Errorf("received %s, at %s: due %s overdue %v, want %s overdue %v", tc.received, tc.now, got, ack.Overdue, tc.due, tc.overdue)
		}
		if !reflect.DeepEqual(ack.Uncovered, tc.uncovered) {
			t.Errorf("received %s: uncovered years %v, want %v", tc.received, ack.Uncovered, tc.uncovered)
		}
	}
}

// Past the seeded calendar the program says so: the years it lacks, and the
// warning an officer reads; once the province publishes the year (a
// calendar with that year's days), the warning is gone.
func TestCalendarGaps_PastTheSeededCalendar(t *testing.T) {
	_, cal := seededCalendar(t)
	for _, tc := range []struct {
		now  string
		want []int
	}{
		{"2026-12-06 09:00", nil},
		{"2030-11-01 09:00", nil},
		{"2030-11-20 09:00", []int{2031}}, // within 45 days of 2031
		{"2030-12-14 23:59", []int{2031}},
		{"2031-01-02 09:00", []int{2031}},
		{"2032-12-01 09:00", []int{2032, 2033}},
	} {
		if got := app.CalendarGaps(cal, at(t, tc.now)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("CalendarGaps at %s = %v, want %v", tc.now, got, tc.want)
		}
	}
	if got, want := app.CalendarWarning([]int{2031}), "Chưa có lịch nghỉ lễ năm 2031: hạn tính theo ngày làm việc thông thường (chỉ trừ thứ Bảy, Chủ nhật), cần cập nhật lịch nghỉ từ máy chủ tỉnh."; got != want {
		t.Errorf("CalendarWarning = %q, want %q", got, want)
	}
	if got := app.CalendarWarning(nil); got != "" {
		t.Errorf("CalendarWarning(nil) = %q, want none", got)
	}

	// The province publishes 2031 (here: New Year's Day only).
	days := []app.Holiday{{Date: "2030-01-01", Name: "Tết Dương lịch", Kind: app.DayHoliday},
		{Date: "2031-01-01", Name: "Tết Dương lịch", Kind: app.DayHoliday}}
	with, err := app.NewCalendar(days)
	if err != nil {
		t.Fatal(err)
	}
	if got := app.CalendarGaps(with, at(t, "2031-01-02 09:00")); got != nil {
		t.Errorf("CalendarGaps with 2031 published = %v, want none", got)
	}
	if got := with.AddWorkingDays(at(t, "2030-12-31 09:00"), 3).Format(time.DateOnly); got != "2031-01-06" {
		t.Errorf("with 1/1/2031 off, 3 working days after 31/12/2030 end on %s, want 2031-01-06", got)
	}
}
