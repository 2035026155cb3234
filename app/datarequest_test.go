package app

import (
	"testing"
	"time"
)

// The deadlines of NĐ 356/2025/NĐ-CP Điều 5 for a person's request: the
// answer in 02 working days (a Friday's request over the weekend and a
// holiday), the carrying out in calendar days by kind, longer with a third
// party, plus one extension within the kind's limit.
func TestDataRequest_Deadlines(t *testing.T) {
	cal, err := NewCalendar([]Holiday{{Date: "2027-02-08", Name: "Tết Âm lịch", Kind: DayHoliday}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind       string
		third      bool
		ext        int
		answer     string
		carry      string // "" none
		overdueOn  string // a day the open request is overdue
		fineOnDay  string // a day it is not yet
		extInvalid bool
	}{
		{RequestSee, false, 0, "2027-02-10", "2027-02-15", "2027-02-16", "2027-02-15", false},
		{RequestCorrect, true, 10, "2027-02-10", "2027-03-02", "2027-03-03", "2027-03-02", false},
		{RequestRestrict, false, 0, "2027-02-10", "2027-02-20", "2027-02-21", "2027-02-20", false},
		{RequestObject, true, 15, "2027-02-10", "2027-03-12", "2027-03-13", "2027-03-12", false},
		{RequestDelete, false, 0, "2027-02-10", "2027-02-25", "2027-02-26", "2027-02-25", false},
		{RequestDelete, true, 20, "2027-02-10", "2027-03-27", "2027-03-28", "2027-03-27", false},
		{RequestOther, false, 0, "2027-02-10", "", "2027-02-11", "2027-02-10", false},
		{RequestSee, false, 11, "2027-02-10", "", "", "", true},
		{RequestOther, false, 1, "2027-02-10", "", "", "", true},
	} {
		r := &DataRequest{RecordHead: RecordHead{UnitCode: "28261"}, ReceivedDate: "2027-02-05", PersonName: "Nguyễn Thị Hồng Đào",
			RequestKind: tc.kind, ReceivedVia: "truc_tiep", ThirdParty: tc.third, ExtensionDays: tc.ext}
		err := r.Validate(nil, day("2027-02-05"))
		if _, bad := FieldErrors(err)["extension_days"]; bad != tc.extInvalid {
			t.Errorf("%s +%d: extension error %v, want %v (%v)", tc.kind, tc.ext, bad, tc.extInvalid, err)
		}
		if tc.extInvalid {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if a, ok := r.AnswerDue(cal); !ok || !a.Equal(day(tc.answer)) {
			t.Errorf("%s: answer due %v, want %s (Friday 05/02; Monday 08/02 a holiday)", tc.kind, a, tc.answer)
		}
		c, ok := r.CarryOutDue()
		if tc.carry == "" && ok || tc.carry != "" && (!ok || !c.Equal(day(tc.carry))) {
			t.Errorf("%s third %v +%d: carry out by %v (%v), want %q", tc.kind, tc.third, tc.ext, c, ok, tc.carry)
		}
		if !r.Overdue(cal, day(tc.overdueOn).Add(9*time.Hour)) || r.Overdue(cal, day(tc.fineOnDay).Add(20*time.Hour)) {
			t.Errorf("%s: overdue on %s / not on %s wrong", tc.kind, tc.overdueOn, tc.fineOnDay)
		}
		r.DoneDate, r.Action = tc.fineOnDay, "Đã trả lời bằng văn bản."
		if r.Overdue(cal, day("2027-12-31")) {
			t.Errorf("%s: done in time, still overdue", tc.kind)
		}
		r.DoneDate = tc.overdueOn
		if !r.Overdue(cal, day("2027-12-31")) {
			t.Errorf("%s: done late, not marked", tc.kind)
		}
	}
}

func TestDataRequest_Validate(t *testing.T) {
	now := day("2027-02-10")
	r := &DataRequest{RecordHead: RecordHead{UnitCode: "28261"}, ReceivedDate: "2027-02-12", DoneDate: "2027-02-01", PersonPhone: "12ab"}
	fe := FieldErrors(r.Validate(nil, now))
	for _, f := range []string{"received_date", "person_name", "request_kind", "received_via", "person_phone", "action"} {
		if fe[f] == "" {
			t.Errorf("no message for %s: %v", f, fe)
		}
	}
	r = &DataRequest{RecordHead: RecordHead{UnitCode: "28261"}, ReceivedDate: "2027-02-05", DoneDate: "2027-02-01",
		PersonName: "A", RequestKind: RequestSee, ReceivedVia: "dien_thoai", Action: "Đã cung cấp."}
	if fe := FieldErrors(r.Validate(nil, now)); fe["done_date"] != "Ngày hoàn thành không được trước ngày nhận yêu cầu." {
		t.Errorf("done before received: %v", fe)
	}
}

func TestPersonQuery_Matching(t *testing.T) {
	q := PersonQuery{Name: "  nguyen   THI hồng dao ", Phone: "+84 912.345.678", Address: "Ấp  MỸ phú"}
	n, p, a := q.Keys()
	if n != "nguyen thi hong dao" || p != "0912345678" || a != "ap my phu" {
		t.Fatalf("keys %q %q %q", n, p, a)
	}
	if !MatchesPersonName("hong dao", "Nguyễn Thị Hồng Đào") || MatchesPersonName("hong da", "Nguyễn Thị Hồng Đào") ||
		MatchesPersonName("dao tran", "Nguyễn Thị Hồng Đào", "Trần Văn An") {
		t.Fatal("name matching: whole words, in order, within one name")
	}
	if !MatchesPersonAddress("my phu", "", "Ấp Mỹ Phú, xã Mỹ Hiệp") || MatchesPersonAddress("my hiep", "Ấp Mỹ Phú") {
		t.Fatal("address matching")
	}
	if !(PersonQuery{Phone: " - "}).Empty() || (PersonQuery{Address: "x"}).Empty() {
		t.Fatal("Empty")
	}
}
