package app

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// official2027 is a synthetic official calendar for 2027 (not a real
// announcement): Tết from Thursday 4/2 to Thursday 11/2, with Saturday 20/2
// worked in exchange for 4/2.
func official2027() HolidayYear {
	return HolidayYear{
		Year:        2027,
		Basis:       "Thông báo thử nghiệm số 01/TB-THU (dữ liệu mẫu)",
		PublishedAt: "2026-11-20",
		Days: []Holiday{
			{Date: "2027-01-01", Name: "Tết Dương lịch", Kind: DayHoliday},
			{Date: "2027-02-04", Name: "Nghỉ Tết Âm lịch (hoán đổi)", Kind: DayHoliday},
			{Date: "2027-02-05", Name: "Tết Âm lịch", Kind: DayHoliday},
			{Date: "2027-02-06", Name: "Tết Âm lịch", Kind: DayHoliday},
			{Date: "2027-02-07", Name: "Tết Âm lịch", Kind: DayHoliday},
			{Date: "2027-02-08", Name: "Tết Âm lịch", Kind: DayHoliday},
			{Date: "2027-02-09", Name: "Tết Âm lịch", Kind: DayHoliday},
			{Date: "2027-02-10", Name: "Nghỉ bù Tết Âm lịch", Kind: DayHoliday},
			{Date: "2027-02-11", Name: "Nghỉ bù Tết Âm lịch", Kind: DayHoliday},
			{Date: "2027-02-20", Name: "Làm bù cho ngày 04/02", Kind: DayMakeUpWorkday},
			{Date: "2027-04-16", Name: "Giỗ Tổ Hùng Vương", Kind: DayHoliday, Status: DayDerived},
			{Date: "2027-04-30", Name: "Ngày Chiến thắng 30/4", Kind: DayHoliday, Status: DayDerived},
			{Date: "2027-05-01", Name: "Ngày Quốc tế Lao động 01/5", Kind: DayHoliday, Status: DayDerived},
			{Date: "2027-05-03", Name: "Nghỉ bù 01/5", Kind: DayHoliday, Status: DayDerived},
			{Date: "2027-09-02", Name: "Quốc khánh 02/9", Kind: DayHoliday, Status: DayDerived},
			{Date: "2027-09-03", Name: "Quốc khánh 02/9", Kind: DayHoliday, Status: DayDerived},
		},
	}
}

func TestHolidayYear_Validate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*HolidayYear)
		want string // "" = valid
	}{
		{"Official", func(*HolidayYear) {}, ""},
		{"YearOutOfRange", func(y *HolidayYear) { y.Year = 1999 }, "Năm 1999 không hợp lệ"},
		{"NoBasis", func(y *HolidayYear) { y.Basis = " " }, "thiếu căn cứ"},
		{"BadPublished", func(y *HolidayYear) { y.PublishedAt = "20/11/2026" }, "published_at"},
		{"NoDays", func(y *HolidayYear) { y.Days = nil }, "không có ngày nào"},
		{"BadDate", func(y *HolidayYear) { y.Days[2].Date = "2027-02-30" }, `ngày thứ 3 trong danh sách ("2027-02-30"): ngày không hợp lệ`},
		{"NoDate", func(y *HolidayYear) { y.Days[2].Date = "" }, "ngày thứ 3 trong danh sách: thiếu ngày"},
		{"OtherYear", func(y *HolidayYear) { y.Days[0].Date = "2026-12-31" }, "thuộc năm 2026, không phải năm 2027"},
		{"Duplicate", func(y *HolidayYear) { y.Days[3].Date = "2027-02-05" }, "đã có ở ngày thứ 3"},
		{"UnknownKind", func(y *HolidayYear) { y.Days[1].Kind = "nghi" }, `loại (kind) "nghi" không hợp lệ`},
		{"UnknownStatus", func(y *HolidayYear) { y.Days[1].Status = "draft" }, `trạng thái (status) "draft"`},
		{"NoName", func(y *HolidayYear) { y.Days[1].Name = "  " }, "thiếu tên"},
		{"ControlInName", func(y *HolidayYear) { y.Days[1].Name = "Tết\x00" }, "ký tự điều khiển"},
		{"MakeUpOnWeekday", func(y *HolidayYear) { y.Days[9].Date = "2027-02-18" }, "thứ Bảy hoặc Chủ nhật, ngày này là thứ Năm"},
		{"TooFewDaysOff", func(y *HolidayYear) { y.Days = y.Days[:8] }, "chỉ có 8 ngày nghỉ, ít hơn 11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := official2027()
			tt.edit(&y)
			y.Normalize()
			err := y.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("valid year refused: %v", err)
			case tt.want != "" && err == nil:
				t.Fatal("accepted")
			case tt.want != "":
				msg := ErrorMessage(err)
				if ErrorCode(err) != EINVALID || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
					t.Fatalf("error %q, want one line with %q", msg, tt.want)
				}
			}
		})
	}
}

func TestHolidayYear_FieldsRoundTrip(t *testing.T) {
	y := official2027()
	y.Normalize()
	f := y.Fields()
	if string(f["id"]) != `"2027"` || string(f["year"]) != "2027" {
		t.Fatalf("id %s year %s", f["id"], f["year"])
	}
	var back HolidayYear
	if err := back.SetFields(f); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, y) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, y)
	}
	if y.Days[1].Status != DayOfficial || y.Days[10].Status != DayDerived {
		t.Fatal("a day without status is not official, or a derived one lost its status")
	}
	// A newer server's extra field is ignored; a bad value is refused.
	f["source_url"] = []byte(`"https://example.invalid"`)
	if err := back.SetFields(f); err != nil {
		t.Fatalf("unknown field: %v", err)
	}
	f["days"] = []byte(`"none"`)
	if err := back.SetFields(f); err == nil {
		t.Fatal("bad days accepted")
	}
}

// TestMergeHolidays_YearReplacesSeededDays: the official 2027 replaces
// every seeded day of 2027 (a seeded Tết day not in it becomes a working
// day) and leaves other years alone.
func TestMergeHolidays_YearReplacesSeededDays(t *testing.T) {
	seeded := []Holiday{
		{Date: "2026-09-02", Name: "Quốc khánh 02/9", Kind: DayHoliday, Status: DayDerived},
		{Date: "2027-02-12", Name: "Tết (suy ra, bị thay)", Kind: DayHoliday, Status: DayDerived},
		{Date: "2028-01-01", Name: "Tết Dương lịch", Kind: DayHoliday, Status: DayDerived},
	}
	y := official2027()
	y.Normalize()
	merged := MergeHolidays(seeded, []HolidayYear{y})
	if len(merged) != 2+len(y.Days) || merged[0].Date != "2026-09-02" || merged[len(merged)-1].Date != "2028-01-01" {
		t.Fatalf("merged %v", merged)
	}
	cal, err := NewCalendar(merged)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.ParseInLocation("2006-01-02", s, ICT); return d }
	if !cal.IsWorkingDay(day("2027-02-12")) || cal.IsWorkingDay(day("2027-02-04")) || !cal.IsWorkingDay(day("2027-02-20")) {
		t.Fatal("the official year did not replace the seeded one")
	}
	if cal.IsWorkingDay(day("2026-09-02")) || cal.IsWorkingDay(day("2028-01-01")) {
		t.Fatal("other years changed")
	}
	// Seven working days from Wednesday 3/2 end on the make-up Saturday.
	if got := cal.AddWorkingDays(day("2027-02-03").Add(9*time.Hour), 7); !got.Equal(day("2027-02-20")) {
		t.Fatalf("deadline %v, want 2027-02-20", got)
	}
	if got := MergeHolidays(seeded, nil); !reflect.DeepEqual(got, seeded) {
		t.Fatalf("no synced year: %v", got)
	}
}

// TestRefData_WithHolidays copies every other field, so that a field added
// to RefData later is not silently dropped from the merged reference data.
func TestRefData_WithHolidays(t *testing.T) {
	r := &RefData{
		Units: []AdminUnit{{Code: "28261"}}, Agencies: []Agency{{ID: "sct"}}, Sectors: []Sector{{Code: "khac"}},
		IssueTypes: []IssueType{{Code: "gia"}}, Tasks: []PlanTask{{ID: "IV.8"}}, Targets: []Target{{ID: "T1"}},
		Holidays: []Holiday{{Date: "2026-01-01"}}, SlaRules: []SlaRule{{Code: "intake_ack"}},
	}
	days := []Holiday{{Date: "2027-01-01"}}
	c := r.WithHolidays(days)
	rv, cv := reflect.ValueOf(r).Elem(), reflect.ValueOf(c).Elem()
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		want := rv.Field(i).Interface()
		if f.Name == "Holidays" {
			want = days
		}
		if !reflect.DeepEqual(cv.Field(i).Interface(), want) {
			t.Errorf("WithHolidays: field %s not carried over", f.Name)
		}
	}
	if !c.HasUnit("28261") || !c.HasSector("khac") {
		t.Fatal("the copy does not index its data")
	}
}
