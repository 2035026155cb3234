package app

import (
	"slices"
	"testing"
	"time"
)

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Thị Hồng Đào":   "N.T.H.Đ.",
		"  đặng   văn  ơn ":     "Đ.V.Ơ.",
		"Lê Ánh":                "L.Á.",
		"Trần Văn Út - 2":       "T.V.Ú.",
		"":                      "",
		"ÔNG BÀ CHƯƠNG Ư":       "Ô.B.C.Ư.",
		"Nguyễn Thị Hồng Đào\n": "N.T.H.Đ.",
	} {
		if got := Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
	if !IsInitials("N.T.H.Đ.") || IsInitials("Nguyễn") || IsInitials("") || IsInitials("AB.C.") {
		t.Error("IsInitials wrong")
	}
}

func TestScrubFreeText(t *testing.T) {
	s := scrubberFor([]string{"Nguyễn Thị Hồng Đào"}, []string{"0912 345 678"},
		[]string{"Số 12, ấp Tân Hòa, xã Tân Phước"}, []string{"1990-05-07"})
	for in, want := range map[string]string{
		"Bà Nguyễn Thị Hồng Đào, SĐT 0912345678, phản ánh.":                          "Bà [đã ẩn], SĐT [đã ẩn], phản ánh.",
		"Gọi 0912 345 678 hoặc 0912.345.678 hay +84 912 345 678 hoặc (+84)912345678": "Gọi [đã ẩn] hoặc [đã ẩn] hay [đã ẩn] hoặc [đã ẩn]",
		"nguyen thi hong dao mua hàng":                                               "[đã ẩn] mua hàng",
		"NGUYỄN THỊ HỒNG ĐÀO":                                                        "[đã ẩn]",
		"Chị Đào nói chị Hồng Đào đã trả tiền":                                       "Chị [đã ẩn] nói chị [đã ẩn] đã trả tiền",
		"Hoa đào màu hồng, quả đào":                                                  "Hoa đào màu hồng, quả đào",
		"Giao tới so 12 ap Tan Hoa xa Tan Phuoc":                                     "Giao tới [đã ẩn]",
		"Sinh ngày 07/05/1990.":                                                      "Sinh ngày [đã ẩn].",
		"Số khác 0987 654 321 giữ nguyên":                                            "Số khác 0987 654 321 giữ nguyên",
		"":                                                                           "",
	} {
		if got := s.scrub(in); got != want {
			t.Errorf("scrub(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestAnonymisedCase(t *testing.T) {
	received := time.Date(2014, 3, 5, 9, 0, 0, 0, ICT)
	c := Case{Number: "28261-2014-A7K3-0001", ReceivedAt: received, Kind: "khieu_nai", Channel: "truc_tiep",
		ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678", ConsumerAddress: "ấp Tân Hòa",
		ConsumerOldAddress: "ấp Tân Hòa cũ", ConsumerBirthDate: "1950-05-07", ConsumerGender: "nu",
		ConsumerUnitCode: "28261", RepresentativeName: "Lê Văn Út", VulnerableGroups: []string{GroupElderly},
		VulnerableEvidence: "Khuyết tật vận động", BusinessName: "Cửa hàng Điện máy Xanh", BusinessPhone: "02773123456",
		Summary:         "Bà Nguyễn Thị Hồng Đào (0912 345 678) mua tủ lạnh; ông Lê Văn Út đi cùng.",
		SpecificRequest: "Đổi sản phẩm cho chị Đào.", Evidence: []string{"Hóa đơn", "Tin nhắn từ 0912.345.678"},
		TransactionValue: 9000000, Status: StatusClosed}
	on := time.Date(2026, 6, 1, 10, 0, 0, 0, ICT)
	a := AnonymisedCase(c, on)
	want := c
	want.ConsumerName, want.RepresentativeName = "N.T.H.Đ.", "L.V.Ú."
	want.ConsumerPhone, want.ConsumerAddress, want.ConsumerOldAddress, want.ConsumerBirthDate = "", "", "", ""
	want.ConsumerAgeBand = "tu_60" // 63 on the day received
	want.VulnerableEvidence = ""
	want.Summary = "Bà [đã ẩn] ([đã ẩn]) mua tủ lạnh; ông [đã ẩn] đi cùng."
	want.SpecificRequest = "Đổi sản phẩm cho chị [đã ẩn]."
	want.Evidence = []string{"Hóa đơn", "Tin nhắn từ [đã ẩn]"}
	want.AnonymisedOn = "2026-06-01"
	if got, w := a.Fields(), want.Fields(); len(DiffFields(w, got)) > 0 {
		t.Errorf("anonymised case differs: %v", DiffFields(w, got))
	}
	// The original is untouched, and anonymising again changes nothing
	// but the day.
	if c.ConsumerName != "Nguyễn Thị Hồng Đào" || c.Evidence[1] != "Tin nhắn từ 0912.345.678" {
		t.Error("the original case was changed")
	}
	again := AnonymisedCase(a, on)
	if d := DiffFields(a.Fields(), again.Fields()); len(d) > 0 {
		t.Errorf("second anonymisation changed %v", d)
	}
	// An age band given is kept.
	c.ConsumerAgeBand = "tu_36_den_59"
	if a := AnonymisedCase(c, on); a.ConsumerAgeBand != "tu_36_den_59" {
		t.Errorf("age band = %q", a.ConsumerAgeBand)
	}
}

func TestAnonymisedParticipant(t *testing.T) {
	p := Participant{FullName: "Đặng Văn Ơn", Phone: "0987654321", Type: "nguoi_tieu_dung", Gender: "nam",
		AgeBand: "tu_60", Workplace: "Hội Nông dân xã", Note: "Anh Văn Ơn, số +84 987 654 321, xin tài liệu"}
	a := AnonymisedParticipant(p, time.Date(2026, 1, 2, 8, 0, 0, 0, ICT))
	if a.FullName != "Đ.V.Ơ." || a.Phone != "" || a.Note != "Anh [đã ẩn], số [đã ẩn], xin tài liệu" || a.AnonymisedOn != "2026-01-02" {
		t.Errorf("got %+v", a)
	}
	if a.Type != p.Type || a.Gender != p.Gender || a.AgeBand != p.AgeBand || a.Workplace != p.Workplace {
		t.Errorf("kept fields changed: %+v", a)
	}
}

func TestCaseRetention(t *testing.T) {
	r := Retention{CaseYears: 10, ParticipantYears: 5}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, ICT) }
	c := Case{Status: StatusClosed, ReceivedAt: day(2015, 1, 5), RecordHead: RecordHead{UpdatedAt: day(2015, 3, 1)}}
	evs := []CaseEvent{
		{ID: "b", At: day(2015, 2, 1), Kind: EventClosed, FromStatus: StatusInProgress, ToStatus: StatusClosed},
		{ID: "a", At: day(2015, 1, 6), Kind: EventAccepted, FromStatus: StatusReceived, ToStatus: StatusAccepted},
	}
	for _, tc := range []struct {
		name string
		now  time.Time
		c    Case
		evs  []CaseEvent
		due  bool
		held string
	}{
		{"closed, a day short", day(2025, 1, 31), c, evs, false, ""},
		{"closed, ten years on", day(2025, 2, 1), c, evs, true, ""},
		{"a later note counts", day(2025, 2, 1), c, append(slices.Clone(evs),
			CaseEvent{ID: "c", At: day(2016, 1, 1), Kind: EventNote}), false, ""},
		{"open", day(2030, 1, 1), Case{Status: StatusInProgress, RecordHead: RecordHead{UpdatedAt: day(2015, 1, 1)}}, evs, false, ""},
		{"no closing step", day(2030, 1, 1), c, evs[1:], false, RetentionNoFinalStep},
		{"reopened and closed again", day(2025, 6, 1), c, append(slices.Clone(evs),
			CaseEvent{ID: "d", At: day(2015, 5, 1), Kind: EventReopened, FromStatus: StatusClosed, ToStatus: StatusInProgress},
			CaseEvent{ID: "e", At: day(2015, 7, 1), Kind: EventClosed, FromStatus: StatusInProgress, ToStatus: StatusClosed}), false, ""},
		{"referred", day(2025, 2, 2), Case{Status: StatusReferred}, []CaseEvent{
			{ID: "f", At: day(2015, 2, 1), Kind: EventReferred, FromStatus: StatusAccepted, ToStatus: StatusReferred}}, true, ""},
		{"voided, from its voiding", day(2025, 3, 1), Case{Status: StatusReceived, RecordHead: RecordHead{Voided: true, UpdatedAt: day(2015, 3, 1)}}, nil, true, ""},
		{"already anonymised", day(2030, 1, 1), Case{Status: StatusClosed, AnonymisedOn: "2026-01-01"}, evs, false, ""},
	} {
		due, _, held := CaseRetention(&tc.c, tc.evs, r, tc.now)
		if due != tc.due || held != tc.held {
			t.Errorf("%s: due %v held %q, want %v %q", tc.name, due, held, tc.due, tc.held)
		}
	}
	p := Participant{RecordHead: RecordHead{CreatedAt: day(2018, 4, 1)}}
	if due, _ := ParticipantRetention(&p, time.Time{}, r, day(2023, 4, 1)); !due {
		t.Error("participant never attending, 5 years after creation: not due")
	}
	if due, _ := ParticipantRetention(&p, day(2020, 1, 1), r, day(2023, 4, 1)); due {
		t.Error("participant attending in 2020: due in 2023")
	}
}

func TestAnonymisedEvent(t *testing.T) {
	c := Case{ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678", RepresentativeName: "Lê Văn Út"}
	e := CaseEvent{ID: "e1", Kind: EventNegotiationResult, Note: "Gọi chị Đào qua số 0912 345 678",
		Parties: "Bà Nguyễn Thị Hồng Đào; ông Lê Văn Út (đại diện); Cửa hàng Điện máy Xanh", Content: "Hai bên thống nhất đổi sản phẩm.",
		AmountRecovered: 500000, At: time.Date(2015, 2, 1, 9, 0, 0, 0, ICT)}
	a := AnonymisedEvent(e, &c)
	if a.Note != "Gọi chị [đã ẩn] qua số [đã ẩn]" || a.Parties != "Bà [đã ẩn]; ông [đã ẩn] (đại diện); Cửa hàng Điện máy Xanh" ||
		a.Content != e.Content || a.AmountRecovered != 500000 || !a.At.Equal(e.At) || a.Kind != e.Kind {
		t.Errorf("got %+v", a)
	}
	if e.Note != "Gọi chị Đào qua số 0912 345 678" {
		t.Error("the original step was changed")
	}
	if got := RetentionEnd(time.Date(2015, 2, 1, 23, 30, 0, 0, time.UTC), 10).Format(time.DateOnly); got != "2025-02-02" {
		t.Errorf("RetentionEnd = %s (counted from the day in Vietnam)", got)
	}
}
