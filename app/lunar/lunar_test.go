package lunar

import (
	"testing"
	"time"
)

var ict = time.FixedZone("ICT", 7*3600)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, ict)
	if err != nil {
		panic(err)
	}
	return t
}

// TestTet checks mùng 1 tháng Giêng against published dates: the official
// Tết announcements of 2024–2026 (Thông báo 5015/TB-LĐTBXH, 6150/TB-BLĐTBXH,
// 9441/TB-BNV), almanac dates for 2027–2030, and the two classic cases
// where the Vietnamese (UTC+7) and Chinese (UTC+8) calendars part: 1985, a
// month apart, and 2007 and 2030, a day apart.
func TestTet(t *testing.T) {
	for _, tc := range []struct {
		year   int
		tz     float64
		want   string
		reason string
	}{
		{2024, VietnamTZ, "2024-02-10", "Giáp Thìn"},
		{2025, VietnamTZ, "2025-01-29", "Ất Tỵ"},
		{2026, VietnamTZ, "2026-02-17", "Bính Ngọ; Tết nghỉ 16–20/02 (9441/TB-BNV)"},
		{2027, VietnamTZ, "2027-02-06", "Đinh Mùi"},
		{2028, VietnamTZ, "2028-01-26", "Mậu Thân"},
		{2029, VietnamTZ, "2029-02-13", "Kỷ Dậu"},
		{2030, VietnamTZ, "2030-02-02", "Canh Tuất: new moon 23:08 on 02/02 at UTC+7"},
		{2030, 8, "2030-02-03", "the same new moon is 00:08 on 03/02 at UTC+8"},
		{2007, VietnamTZ, "2007-02-17", "Đinh Hợi in Vietnam"},
		{2007, 8, "2007-02-18", "the Chinese date"},
		{1985, VietnamTZ, "1985-01-21", "Ất Sửu in Vietnam"},
		{1985, 8, "1985-02-20", "the Chinese date, a month later"},
	} {
		dd, mm, yy, ok := ToSolar(Date{Day: 1, Month: 1, Year: tc.year}, tc.tz)
		got := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, ict).Format("2006-01-02")
		if !ok || got != tc.want {
			t.Errorf("Tết %d at UTC+%g = %s (ok %v), want %s (%s)", tc.year, tc.tz, got, ok, tc.want, tc.reason)
		}
		if tc.tz == VietnamTZ {
			if got := Tet(tc.year, ict).Format("2006-01-02"); got != tc.want {
				t.Errorf("Tet(%d) = %s, want %s", tc.year, got, tc.want)
			}
		}
	}
}

// TestNewMoon2030 shows why Tết 2030 is on 02/02 in Vietnam: the new moon
// falls at about 16:08 UTC, 23:08 at UTC+7 and 00:08 the next day at UTC+8.
func TestNewMoon2030(t *testing.T) {
	jd := JDFromDate(3, 2, 2030)
	var got time.Time
	for k := NewMoonIndex(jd) - 1; k <= NewMoonIndex(jd)+1; k++ {
		if m := NewMoonInstant(k); m.Year() == 2030 && m.Month() == time.February {
			got = m
		}
	}
	want := time.Date(2030, 2, 2, 16, 8, 0, 0, time.UTC)
	if d := got.Sub(want); d < -10*time.Minute || d > 10*time.Minute {
		t.Fatalf("new moon of February 2030 at %v, want about %v", got, want)
	}
	if got.In(ict).Day() != 2 || got.In(time.FixedZone("CST", 8*3600)).Day() != 3 {
		t.Fatalf("new moon %v: not the 2nd at UTC+7 and the 3rd at UTC+8", got)
	}
}

// TestHungKings checks 10 tháng 3 âm lịch against the announced days off:
// 2024 (18/4, Thông báo 5015/TB-LĐTBXH), 2025 (7/4, 6150/TB-BLĐTBXH) and
// 2026 (Sunday 26/4, made up on 27/4 under Bộ luật Lao động Đ.111 k.3).
func TestHungKings(t *testing.T) {
	for year, want := range map[int]string{2024: "2024-04-18", 2025: "2025-04-07", 2026: "2026-04-26"} {
		if got := HungKings(year, ict).Format("2006-01-02"); got != want {
			t.Errorf("Giỗ Tổ %d = %s, want %s", year, got, want)
		}
	}
}

// TestLeapMonths: 2023 had a leap second month (22/3–19/4/2023) and 2025 a
// leap sixth month (25/7–22/8/2025).
func TestLeapMonths(t *testing.T) {
	for _, tc := range []struct {
		date string
		want Date
	}{
		{"2023-03-21", Date{Day: 30, Month: 2, Year: 2023}},
		{"2023-03-22", Date{Day: 1, Month: 2, Year: 2023, Leap: true}},
		{"2023-04-20", Date{Day: 1, Month: 3, Year: 2023}},
		{"2025-07-25", Date{Day: 1, Month: 6, Year: 2025, Leap: true}},
		{"2025-08-23", Date{Day: 1, Month: 7, Year: 2025}},
		{"2026-02-16", Date{Day: 29, Month: 12, Year: 2025}},
	} {
		d := day(tc.date)
		if got := FromSolar(d.Day(), int(d.Month()), d.Year(), VietnamTZ); got != tc.want {
			t.Errorf("%s = %+v, want %+v", tc.date, got, tc.want)
		}
	}
	if _, _, _, ok := ToSolar(Date{Day: 1, Month: 3, Year: 2023, Leap: true}, VietnamTZ); ok {
		t.Error("2023 has no leap third month")
	}
}

// TestRoundTrip: every day 2020–2035 converts to a lunar date and back, and
// lunar days run 1…29 or 30 without a gap.
func TestRoundTrip(t *testing.T) {
	prev := Date{}
	for d := day("2020-01-01"); d.Year() < 2036; d = d.AddDate(0, 0, 1) {
		l := FromSolar(d.Day(), int(d.Month()), d.Year(), VietnamTZ)
		dd, mm, yy, ok := ToSolar(l, VietnamTZ)
		if !ok || dd != d.Day() || mm != int(d.Month()) || yy != d.Year() {
			t.Fatalf("%s → %+v → %d-%d-%d", d.Format("2006-01-02"), l, yy, mm, dd)
		}
		if prev.Day != 0 && l.Day != prev.Day+1 && (l.Day != 1 || prev.Day < 29) {
			t.Fatalf("%s: lunar day %d after %d", d.Format("2006-01-02"), l.Day, prev.Day)
		}
		prev = l
	}
}
