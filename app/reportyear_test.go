package app

import (
	"testing"
	"time"
)

// TestDefaultReportYear: the year whose deadline of 15/12 (Kế hoạch 395,
// Mục V) is next or just passed, over 2026–2031; the grace after the
// deadline, to the end of January, is a local choice.
func TestDefaultReportYear(t *testing.T) {
	at := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, ICT)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		now  string
		want int
		why  string
	}{
		{"2026-04-02 09:00", 2026, "the plan's first year, due 15/12/2026"},
		{"2026-12-06 10:00", 2026, "due 15/12/2026, next"},
		{"2026-12-14 23:59", 2026, "the last minute before the deadline"},
		{"2026-12-15 00:00", 2026, "the deadline has just passed; the records of today are in report year 2027"},
		{"2026-12-31 23:59", 2026, "still finishing the report due 15/12/2026"},
		{"2027-01-01 00:00", 2026, "across New Year"},
		{"2027-01-10 08:00", 2026, "the brief's example"},
		{"2027-01-31 23:59", 2026, "the last minute of the grace"},
		{"2027-02-01 00:00", 2027, "the grace is over: due 15/12/2027"},
		{"2027-12-20 09:00", 2027, ""},
		{"2028-02-29 12:00", 2028, "leap day"},
		{"2029-01-15 12:00", 2028, ""},
		{"2030-06-30 12:00", 2030, ""},
		{"2030-12-15 07:00", 2030, ""},
		{"2031-01-31 18:00", 2030, ""},
		{"2031-02-01 00:00", 2031, ""},
		{"2031-12-31 12:00", 2031, ""},
	} {
		if got := DefaultReportYear(at(tc.now)); got != tc.want {
			t.Errorf("%s: default report year %d, want %d (%s)", tc.now, got, tc.want, tc.why)
		}
	}
	// The day is Vietnam's: 17:00 UTC on 31/1 is already 1/2 in ICT.
	if got := DefaultReportYear(time.Date(2027, 1, 31, 17, 0, 0, 0, time.UTC)); got != 2027 {
		t.Errorf("31/01/2027 17:00 UTC = 01/02 00:00 ICT: %d, want 2027", got)
	}
	// The default year's period always holds the deadline.
	for d := at("2026-01-01 12:00"); d.Year() < 2032; d = d.AddDate(0, 0, 1) {
		y := DefaultReportYear(d)
		if p := ReportYear(y); p.To.Month() != ReportDeadlineMonth || p.To.Day() != ReportDeadlineDay-1 || p.To.Year() != y {
			t.Fatalf("%s: report year %d ends %v", d.Format("2006-01-02"), y, p.To)
		}
		if ReportYearOf(d) != y && ReportYearOf(d) != y+1 {
			t.Fatalf("%s: default %d, records in %d", d.Format("2006-01-02"), y, ReportYearOf(d))
		}
	}
}
