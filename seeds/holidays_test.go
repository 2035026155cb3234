package seeds

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/lunar"
)

const (
	tetName      = "Tết Âm lịch"
	tetInLieu    = "Nghỉ bù Tết Âm lịch"
	hungKings    = "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
	hungKingsBù  = "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"
	firstLunarYr = 2026
	lastLunarYr  = 2030
)

func ymd(t time.Time) string { return t.Format("2006-01-02") }

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

// lunarProblems checks a year's lunar holidays against the astronomical
// calendar at UTC+7 (app/lunar, Hồ Ngọc Đức's algorithm): Tết Âm lịch
// (Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b) must be the last day of
// the old year and mùng 1–4, and Giỗ Tổ Hùng Vương (điểm e) the 10th of the
// third month. For a derived year, the days in lieu of those falling on a
// weekend (Điều 111 khoản 3) must follow on the next weekdays.
func lunarProblems(days []app.Holiday, year int) []string {
	var out []string
	tet := lunar.Tet(year, app.ICT)
	var wantTet []string
	for i := -1; i <= 3; i++ {
		wantTet = append(wantTet, ymd(tet.AddDate(0, 0, i)))
	}
	if l := lunar.FromSolar(tet.AddDate(0, 0, -1).Day(), int(tet.AddDate(0, 0, -1).Month()), tet.AddDate(0, 0, -1).Year(), lunar.VietnamTZ); l.Month != 12 {
		out = append(out, fmt.Sprintf("%d: the day before Tết is lunar %+v, not in the twelfth month", year, l))
	}
	hk := ymd(lunar.HungKings(year, app.ICT))
	var gotTet, gotHK, gotHKInLieu, gotTetInLieu []string
	derived := false
	for _, d := range days {
		if !strings.HasPrefix(d.Date, fmt.Sprint(year)) {
			continue
		}
		switch d.Name {
		case tetName:
			gotTet = append(gotTet, d.Date)
			derived = derived || d.Status == app.DayDerived
		case tetInLieu:
			gotTetInLieu = append(gotTetInLieu, d.Date)
		case hungKings:
			gotHK = append(gotHK, d.Date)
		case hungKingsBù:
			gotHKInLieu = append(gotHKInLieu, d.Date)
		}
	}
	if !slices.Equal(gotTet, wantTet) {
		out = append(out, fmt.Sprintf("%d: Tết days %v, want %v (mùng 1 = %s at UTC+7)", year, gotTet, wantTet, ymd(tet)))
	}
	if !slices.Equal(gotHK, []string{hk}) {
		out = append(out, fmt.Sprintf("%d: Giỗ Tổ %v, want %s (10/3 âm lịch at UTC+7)", year, gotHK, hk))
	}
	// A weekend Giỗ Tổ is made up on the next weekday (no other holiday
	// falls there in 2026–2030).
	var wantHKInLieu []string
	if h := lunar.HungKings(year, app.ICT); weekend(h) {
		for weekend(h) {
			h = h.AddDate(0, 0, 1)
		}
		wantHKInLieu = []string{ymd(h)}
	}
	if !slices.Equal(gotHKInLieu, wantHKInLieu) {
		out = append(out, fmt.Sprintf("%d: days in lieu of Giỗ Tổ %v, want %v", year, gotHKInLieu, wantHKInLieu))
	}
	if derived {
		var want []string
		last := tet.AddDate(0, 0, 3)
		for i := -1; i <= 3; i++ {
			if d := tet.AddDate(0, 0, i); weekend(d) {
				for last = last.AddDate(0, 0, 1); weekend(last); last = last.AddDate(0, 0, 1) {
				}
				want = append(want, ymd(last))
			}
		}
		if !slices.Equal(gotTetInLieu, want) {
			out = append(out, fmt.Sprintf("%d: days in lieu of Tết %v, want %v", year, gotTetInLieu, want))
		}
	}
	return out
}

// TestHolidays_LunarDaysFromAstronomy derives every seeded Tết and Giỗ
// Tổ Hùng Vương 2026–2030 from the new moons at UTC+7, so that a lunar
// date copied from a Chinese (UTC+8) table cannot be seeded again: Tết
// 2030 is Saturday 2/2/2030 in Vietnam, 3/2 in China.
func TestHolidays_LunarDaysFromAstronomy(t *testing.T) {
	rd := load(t)
	for y := firstLunarYr; y <= lastLunarYr; y++ {
		for _, p := range lunarProblems(rd.Holidays, y) {
			t.Error(p)
		}
	}
	// The check catches the Tết 2030 seeded before (mùng 1 on 3/2: days
	// off 2–6/2, in lieu 7–8/2).
	var old []app.Holiday
	for _, h := range rd.Holidays {
		if !strings.HasPrefix(h.Date, "2030-02-0") {
			old = append(old, h)
		}
	}
	for _, d := range []string{"2030-02-02", "2030-02-03", "2030-02-04", "2030-02-05", "2030-02-06"} {
		old = append(old, app.Holiday{Date: d, Name: tetName, Kind: app.DayHoliday, Status: app.DayDerived})
	}
	for _, d := range []string{"2030-02-07", "2030-02-08"} {
		old = append(old, app.Holiday{Date: d, Name: tetInLieu, Kind: app.DayHoliday, Status: app.DayDerived})
	}
	slices.SortFunc(old, func(a, b app.Holiday) int { return strings.Compare(a.Date, b.Date) })
	if p := lunarProblems(old, 2030); len(p) == 0 || !strings.Contains(p[0], "mùng 1 = 2030-02-02") {
		t.Fatalf("the Chinese date of Tết 2030 passes the check: %v", p)
	}
}

// rawHolidays reads holidays.json with each day's basis, which the parser
// checks is present but does not keep.
func rawHolidays(t *testing.T) map[string]struct{ Name, Kind, Status, Basis string } {
	t.Helper()
	b, err := fs.ReadFile(files, "data/"+holidaysFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Days []struct{ Date, Name, Kind, Status, Basis string }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]struct{ Name, Kind, Status, Basis string }{}
	for _, d := range doc.Days {
		out[d.Date] = struct{ Name, Kind, Status, Basis string }{d.Name, d.Kind, d.Status, d.Basis}
	}
	return out
}

// TestHolidays_Official2026 pins the 2026 calendar as announced, each day
// with the document that fixes it, and its two working Saturdays.
func TestHolidays_Official2026(t *testing.T) {
	raw := rawHolidays(t)
	const (
		newYear  = "12729/VPCP-KGVX ngày 25/12/2025" // Tết Dương lịch: 2/1 off, 10/1 worked
		tetQK    = "9859/VPCP-KGVX ngày 13/10/2025"  // Tết Âm lịch and Quốc khánh 2026
		labour   = "Bộ luật Lao động 2019 Điều 112 khoản 1"
		inLieu   = "Điều 111 khoản 3"
		noSwap   = "3383/BNV-CVL" // no swap around 30/4–1/5/2026
		culture  = "Nghị quyết 28/2026/QH16"
		official = app.DayOfficial
	)
	for _, tc := range []struct {
		date, kind, status string
		cites              []string
	}{
		{"2026-01-01", app.DayHoliday, official, []string{labour + " điểm a", newYear}},
		{"2026-01-02", app.DayHoliday, official, []string{newYear, "không phải ngày nghỉ lễ của Bộ luật Lao động 2019 Điều 112"}},
		{"2026-01-10", app.DayMakeUpWorkday, official, []string{newYear, "không phải ngày nghỉ lễ của Bộ luật Lao động 2019 Điều 112"}},
		{"2026-02-16", app.DayHoliday, official, []string{labour + " điểm b", tetQK}},
		{"2026-02-17", app.DayHoliday, official, []string{labour + " điểm b", tetQK}},
		{"2026-02-18", app.DayHoliday, official, []string{labour + " điểm b", tetQK}},
		{"2026-02-19", app.DayHoliday, official, []string{labour + " điểm b", tetQK}},
		{"2026-02-20", app.DayHoliday, official, []string{labour + " điểm b", tetQK}},
		{"2026-04-26", app.DayHoliday, official, []string{labour + " điểm c, d, e", noSwap}},
		{"2026-04-27", app.DayHoliday, official, []string{inLieu}},
		{"2026-04-30", app.DayHoliday, official, []string{labour + " điểm c, d, e", noSwap}},
		{"2026-05-01", app.DayHoliday, official, []string{labour + " điểm c, d, e", noSwap}},
		{"2026-08-22", app.DayMakeUpWorkday, official, []string{"Bộ luật Lao động 2019 Điều 112 khoản 3", tetQK}},
		{"2026-08-31", app.DayHoliday, official, []string{"Bộ luật Lao động 2019 Điều 112 khoản 3", tetQK}},
		{"2026-09-01", app.DayHoliday, official, []string{labour + " điểm đ", tetQK}},
		{"2026-09-02", app.DayHoliday, official, []string{labour + " điểm đ", tetQK}},
		{"2026-11-24", app.DayHoliday, app.DayDerived, []string{culture, "Điều 2"}},
	} {
		d, ok := raw[tc.date]
		switch {
		case !ok:
			t.Errorf("%s is not seeded", tc.date)
			continue
		case d.Kind != tc.kind || d.Status != tc.status:
			t.Errorf("%s: %s/%s, want %s/%s", tc.date, d.Kind, d.Status, tc.kind, tc.status)
		}
		for _, c := range tc.cites {
			if !strings.Contains(d.Basis, c) {
				t.Errorf("%s: basis %q does not cite %q", tc.date, d.Basis, c)
			}
		}
	}
	n := 0
	for date, d := range raw {
		if strings.HasPrefix(date, "2026-") {
			n++
			if d.Status == app.DayOfficial && !strings.Contains(d.Basis, "Điều 11") {
				t.Errorf("%s: official without an article of Bộ luật Lao động: %q", date, d.Basis)
			}
		}
	}
	if n != 17 {
		t.Errorf("%d days seeded for 2026, want the 17 above", n)
	}
	// The make-up Saturdays are working days; the swapped weekdays are not.
	cal, err := load(t).Calendar()
	if err != nil {
		t.Fatal(err)
	}
	for date, working := range map[string]bool{
		"2026-01-10": true, "2026-08-22": true, "2026-01-02": false, "2026-08-31": false,
		"2026-09-03": true, "2026-01-17": false, "2026-08-29": false,
	} {
		d, _ := time.ParseInLocation("2006-01-02", date, app.ICT)
		if cal.IsWorkingDay(d) != working {
			t.Errorf("%s working = %v, want %v", date, !working, working)
		}
	}
}

// TestHolidays_EveryDayCitesItsBasis: the parser refuses a day without
// one.
func TestHolidays_EveryDayCitesItsBasis(t *testing.T) {
	_, err := parse(seedFS(t, holidaysFile, func(d map[string]any) {
		item(d, "days", 3)["basis"] = " "
	}))
	if err == nil || !strings.Contains(err.Error(), "no basis") {
		t.Fatalf("error = %v", err)
	}
}
