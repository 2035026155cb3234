package app

import (
	"strings"
	"testing"
	"time"
)

func TestFilterRows_FiltersAndCounts(t *testing.T) {
	cal, err := NewCalendar(nil) // weekends only
	if err != nil {
		t.Fatal(err)
	}
	now := day("2027-03-10").Add(10 * time.Hour) // a Wednesday
	due := func(s string, overdue bool) []Deadline {
		return []Deadline{{Due: day(s), Overdue: overdue}}
	}
	row := func(number, status, sector, kind, received string, dl []Deadline, vulnerable bool) CaseRow {
		c := Case{Number: number, Status: status, Sector: sector, Kind: kind, ReceivedAt: day(received).Add(9 * time.Hour)}
		if vulnerable {
			c.VulnerableGroups = []string{GroupElderly}
		}
		return CaseRow{Case: c, Deadlines: dl}
	}
	rows := []CaseRow{
		row("A", StatusReceived, "thuc_pham", "khieu_nai", "2027-03-09", due("2027-03-12", false), true),  // due Fri: 2 working days
		row("B", StatusAccepted, "thuc_pham", "tu_van", "2027-02-15", due("2027-03-05", true), false),     // overdue
		row("C", StatusAccepted, "tmdt", "khieu_nai", "2027-03-01", due("2027-03-22", false), false),      // due in 8 working days
		row("D", StatusClosed, "tmdt", "khieu_nai", "2027-01-20", nil, true),                              // finished
		row("E", StatusInProgress, "tmdt", "phan_anh", "2026-12-30", due("2027-03-01", true), true),       // overdue, last year
		row("F", StatusReceived, "thuc_pham", "khieu_nai", "2027-03-10", due("2027-03-15", false), false), // due Mon: 3 working days
	}
	numbers := func(rs []CaseRow) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Number)
		}
		return strings.Join(s, "")
	}
	for _, tc := range []struct {
		name string
		f    CaseFilter
		want string
	}{
		{"All", CaseFilter{}, "ABCDEF"},
		{"Status", CaseFilter{Status: StatusAccepted}, "BC"},
		{"SectorAndKind", CaseFilter{Sector: "tmdt", Kind: "khieu_nai"}, "CD"},
		{"Overdue", CaseFilter{Overdue: true}, "BE"},
		{"DueWithin2", CaseFilter{DueWithin: 2}, "A"},
		{"DueWithin3", CaseFilter{DueWithin: 3}, "AF"},
		{"Vulnerable", CaseFilter{Vulnerable: true}, "ADE"},
		{"Period2027", CaseFilter{From: day("2027-01-01"), To: day("2027-12-31")}, "ABCDF"},
		{"PeriodOneDay", CaseFilter{From: day("2027-03-10"), To: day("2027-03-10")}, "F"},
		{"OverdueVulnerable", CaseFilter{Overdue: true, Vulnerable: true}, "E"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, fc := FilterRows(rows, tc.f, cal, now)
			if numbers(got) != tc.want || fc.All != len(tc.want) {
				t.Fatalf("got %s (%d), want %s", numbers(got), fc.All, tc.want)
			}
		})
	}
	// Counts beside each choice follow the other filters, not their own.
	_, fc := FilterRows(rows, CaseFilter{Sector: "thuc_pham", Status: StatusReceived, DueWithin: 3}, cal, now)
	if fc.Status[StatusReceived] != 2 || fc.Status[StatusAccepted] != 0 {
		t.Errorf("status counts %v", fc.Status) // B is overdue, so not due within 3
	}
	if fc.Sector["thuc_pham"] != 2 || fc.Sector["tmdt"] != 0 {
		t.Errorf("sector counts %v", fc.Sector)
	}
	if fc.Due != 2 || fc.Overdue != 0 || fc.Vulnerable != 1 {
		t.Errorf("due %d overdue %d vulnerable %d", fc.Due, fc.Overdue, fc.Vulnerable)
	}
	_, fc = FilterRows(rows, CaseFilter{}, cal, now)
	if fc.Overdue != 2 || fc.Vulnerable != 3 || fc.Kind["khieu_nai"] != 4 || fc.Due != 0 {
		t.Errorf("unfiltered counts %+v", fc)
	}
}

func TestSortByDue(t *testing.T) {
	mk := func(n string, dl []Deadline, vulnerable bool) CaseRow {
		r := CaseRow{Case: Case{Number: n}, Deadlines: dl}
		if vulnerable {
			r.VulnerableGroups = []string{"ho_ngheo"}
		}
		return r
	}
	rows := []CaseRow{
		mk("none", nil, false),
		mk("soon", []Deadline{{Due: day("2027-03-12")}}, false),
		mk("soonV", []Deadline{{Due: day("2027-03-12")}}, true),
		mk("late", []Deadline{{Due: day("2027-03-20")}}, true),
		mk("over", []Deadline{{Due: day("2027-03-08"), Overdue: true}}, false),
	}
	SortByDue(rows)
	var got []string
	for _, r := range rows {
		got = append(got, r.Number)
	}
	if strings.Join(got, " ") != "over soonV soon late none" {
		t.Fatalf("order %v", got)
	}
}
