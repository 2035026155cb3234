package app

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, ICT)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCalendar_AddWorkingDays(t *testing.T) {
	cal, err := NewCalendar([]Holiday{
		{Date: "2027-02-05", Name: "Tết Âm lịch", Kind: DayHoliday},
		{Date: "2027-02-08", Name: "Tết Âm lịch", Kind: DayHoliday},
		{Date: "2027-02-09", Name: "Tết Âm lịch", Kind: DayHoliday},
		{Date: "2027-02-10", Name: "Nghỉ bù Tết Âm lịch", Kind: DayHoliday},
		{Date: "2027-02-11", Name: "Nghỉ bù Tết Âm lịch", Kind: DayHoliday},
		{Date: "2027-03-06", Name: "Làm bù", Kind: DayMakeUpWorkday},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from string
		n          int
		want       string
	}{
		{"SameWeek", "2027-01-11", 3, "2027-01-14"},               // Mon + 3 → Thu
		{"OverWeekend", "2027-01-14", 3, "2027-01-19"},            // Thu + 3 → Tue
		{"ReceivedOnSaturday", "2027-01-16", 1, "2027-01-18"},     // Sat + 1 → Mon
		{"DayBeforeTetDueAfterIt", "2027-02-04", 7, "2027-02-22"}, // Đ.57 k.4: 7 working days
		{"MakeUpSaturdayCounts", "2027-03-04", 2, "2027-03-06"},   // Thu + 2 → the make-up Sat
		{"ZeroIsTheSameDay", "2027-02-05", 0, "2027-02-05"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cal.AddWorkingDays(day(tc.from).Add(15*time.Hour), tc.n)
			if got.Format("2006-01-02") != tc.want {
				t.Fatalf("%s + %d working days = %s, want %s", tc.from, tc.n, got.Format("2006-01-02"), tc.want)
			}
			if tc.n > 0 && cal.WorkingDaysUntil(day(tc.from), got) != tc.n {
				t.Fatalf("WorkingDaysUntil disagrees: %d", cal.WorkingDaysUntil(day(tc.from), got))
			}
		})
	}
	if cal.IsWorkingDay(day("2027-02-10")) || !cal.IsWorkingDay(day("2027-02-12")) || !cal.IsWorkingDay(day("2027-03-06")) {
		t.Fatal("IsWorkingDay")
	}
	if n, ok := cal.HolidayName(day("2027-02-08")); !ok || n != "Tết Âm lịch" {
		t.Fatalf("HolidayName = %q %v", n, ok)
	}
	if got := cal.WorkingDaysUntil(day("2027-01-19"), day("2027-01-14")); got != -3 {
		t.Fatalf("backwards = %d", got)
	}
}

func TestCalendar_UTCTimesAreVietnamDays(t *testing.T) {
	cal, _ := NewCalendar(nil)
	// 18:30 UTC on Friday is 01:30 on Saturday in Vietnam.
	sat := time.Date(2026, 11, 27, 18, 30, 0, 0, time.UTC)
	if cal.IsWorkingDay(sat) {
		t.Fatal("a Saturday in Vietnam counted as a working day")
	}
	if got := cal.AddWorkingDays(sat, 1).Format("2006-01-02"); got != "2026-11-30" {
		t.Fatalf("due %s", got)
	}
}

func TestCalendar_RejectsBadDays(t *testing.T) {
	if _, err := NewCalendar([]Holiday{{Date: "2027-13-01", Kind: DayHoliday}}); err == nil {
		t.Fatal("bad date accepted")
	}
	if _, err := NewCalendar([]Holiday{{Date: "2027-01-01", Kind: "nghi"}}); err == nil {
		t.Fatal("bad kind accepted")
	}
}
