package app

import (
	"slices"
	"testing"
	"time"
)

// validNotice is a notice as an officer records it from a complete Mẫu số
// 10 (NĐ 55/2024/NĐ-CP Điều 26 khoản 2).
func validNotice() *OffPremisesNotice {
	return &OffPremisesNotice{
		RecordHead:      RecordHead{ID: "0b9c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d", UnitCode: "28261"},
		BusinessName:    "Công ty TNHH Sức Khỏe Vàng",
		BusinessTaxCode: "1801234567",
		BusinessAddress: "12 Nguyễn Huệ, phường Mỹ Tho",
		BusinessPhone:   "0912 345 678",
		Title:           "Hội thảo giới thiệu sản phẩm chăm sóc sức khỏe",
		SalesMethod:     "Giới thiệu tại hội trường, bán trực tiếp",
		Place:           "Nhà văn hóa ấp 3",
		StartDate:       "2026-03-13",
		EndDate:         "2026-03-13",
		Hours:           "07:30–11:00",
		Goods:           "Máy massage, thực phẩm bảo vệ sức khỏe",
		Prices:          "Theo bảng giá kèm theo",
		Audience:        "Người cao tuổi trong ấp",
		ForElderly:      true,
		ConsumerContact: "Đường dây nóng 0912 345 678",
		ReceivedDate:    "2026-03-04",
		ReceivedVia:     "truc_tiep",
		Form:            "mau_10",
	}
}

// The register keeps what the commune must have to keep the notice (NĐ 55
// Điều 26 khoản 1, 3; Điều 27 khoản 3), with a Vietnamese message on the
// field; what the business left out is listed, not refused (Luật 19/2023
// Điều 47 khoản 1 điểm a).
func TestOffPremisesNotice_Validate(t *testing.T) {
	now := validationNow // 2026-03-05 10:00 ICT
	for _, tc := range []struct {
		name  string
		edit  func(*OffPremisesNotice)
		field string // "" valid
	}{
		{"Complete", func(*OffPremisesNotice) {}, ""},
		{"IncompleteNoticeIsKept", func(n *OffPremisesNotice) { n.Prices, n.SalesMethod, n.BusinessPhone = "", "", "" }, ""},
		{"NoBusiness", func(n *OffPremisesNotice) { n.BusinessName = "" }, "business_name"},
		{"NoStart", func(n *OffPremisesNotice) { n.StartDate, n.EndDate = "", "" }, "start_date"},
		{"EndBeforeStart", func(n *OffPremisesNotice) { n.EndDate = "2026-03-12" }, "end_date"},
		{"Đ26k3_NoReceivedDate", func(n *OffPremisesNotice) { n.ReceivedDate = "" }, "received_date"},
		{"ReceivedInTheFuture", func(n *OffPremisesNotice) { n.ReceivedDate = "2026-03-09" }, "received_date"},
		{"Đ26k1_NoChannel", func(n *OffPremisesNotice) { n.ReceivedVia = "" }, "received_via"},
		{"Đ26k1_UnknownChannel", func(n *OffPremisesNotice) { n.ReceivedVia = "fax" }, "received_via"},
		{"Đ26k2_UnknownForm", func(n *OffPremisesNotice) { n.Form = "mau_12" }, "form"},
		{"Đ27k3_PublishedWithoutHow", func(n *OffPremisesNotice) { n.PublishedDate = "2026-03-05" }, "published_via"},
		{"Đ27k3_HowWithoutDay", func(n *OffPremisesNotice) { n.PublishedVia = "niem_yet" }, "published_date"},
		{"Đ27k3_PublishedBeforeReceived", func(n *OffPremisesNotice) { n.PublishedDate, n.PublishedVia = "2026-03-03", "loa" }, "published_date"},
		{"Đ27k3_Published", func(n *OffPremisesNotice) { n.PublishedDate, n.PublishedVia = "2026-03-05", "niem_yet" }, ""},
		{"BadPhone", func(n *OffPremisesNotice) { n.BusinessPhone = "12345" }, "business_phone"},
		{"BadUnit", func(n *OffPremisesNotice) { n.UnitCode = "99999" }, "unit_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := validNotice()
			tc.edit(n)
			n.Normalize()
			err := n.Validate(testRefs, now)
			fe := FieldErrors(err)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v %v", err, fe)
				}
				return
			}
			if fe[tc.field] == "" {
				t.Fatalf("no message on %s: %v %v", tc.field, err, fe)
			}
			if !isVietnamese(fe[tc.field]) {
				t.Errorf("message %q is not Vietnamese", fe[tc.field])
			}
		})
	}
}

func isVietnamese(s string) bool {
	for _, r := range s {
		if r > 127 {
			return true
		}
	}
	return false
}

// Luật 19/2023 Điều 47 khoản 1 điểm a lists what the notice carries.
func TestOffPremisesNotice_MissingItems(t *testing.T) {
	n := validNotice()
	if got := n.MissingItems(); len(got) != 0 {
		t.Fatalf("a complete notice misses %q", got)
	}
	n.Prices, n.BusinessPhone, n.Place = "", "", ""
	want := []string{"Số điện thoại liên hệ", "Địa điểm dự kiến tổ chức bán hàng", "Giá"}
	if got := n.MissingItems(); !slices.Equal(got, want) {
		t.Fatalf("MissingItems = %q, want %q", got, want)
	}
}

// NĐ 55 Điều 26 khoản 3: at least 03 working days before the activity,
// counted on the working-day calendar; the 2026 Quốc khánh days off
// (31/8–2/9, Công văn 9859/VPCP-KGVX) do not count.
func TestOffPremisesNotice_ReceivedLate(t *testing.T) {
	cal, err := NewCalendar([]Holiday{
		{Date: "2026-08-22", Name: "Làm bù", Kind: DayMakeUpWorkday},
		{Date: "2026-08-31", Name: "Nghỉ bù Quốc khánh", Kind: DayHoliday},
		{Date: "2026-09-01", Name: "Quốc khánh", Kind: DayHoliday},
		{Date: "2026-09-02", Name: "Quốc khánh", Kind: DayHoliday},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, received, start string
		lead                  int
		late                  bool
	}{
		{"MondayForFriday", "2026-03-09", "2026-03-13", 3, false}, // Tue, Wed, Thu
		{"TuesdayForFriday", "2026-03-10", "2026-03-13", 2, true},
		{"SaturdaySale", "2026-03-10", "2026-03-14", 3, false}, // Wed, Thu, Fri
		{"OverQuocKhanh", "2026-08-28", "2026-09-04", 1, true}, // only Thu 3/9
		{"BeforeQuocKhanh", "2026-08-26", "2026-09-04", 3, false},
		{"ReceivedOnTheDay", "2026-03-13", "2026-03-13", 0, true},
		{"ReceivedAfterTheStart", "2026-03-16", "2026-03-13", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := validNotice()
			n.ReceivedDate, n.StartDate, n.EndDate = tc.received, tc.start, ""
			if lead, ok := n.Lead(cal); !ok || lead != tc.lead {
				t.Errorf("Lead = %d, %v, want %d", lead, ok, tc.lead)
			}
			if got := n.ReceivedLate(cal); got != tc.late {
				t.Errorf("ReceivedLate = %v, want %v", got, tc.late)
			}
		})
	}
	n := validNotice()
	n.ReceivedDate = ""
	if n.ReceivedLate(cal) {
		t.Error("a notice without its received day is flagged late")
	}
}

// NĐ 55 Điều 27 khoản 2: kept at least 02 years from the sale; the
// reminder covers a sale running today or starting within 3 days.
func TestOffPremisesNotice_KeepUntilAndDue(t *testing.T) {
	n := validNotice()
	n.StartDate, n.EndDate = "2026-03-13", "2026-03-15"
	if got := n.KeepUntil(); got != "2028-03-15" {
		t.Errorf("KeepUntil = %s, want 2028-03-15", got)
	}
	day := func(s string) time.Time { d, _ := parseDay(s); return d.Add(20 * time.Hour) }
	for today, want := range map[string]bool{
		"2026-03-09": false, "2026-03-10": true, "2026-03-13": true, "2026-03-15": true, "2026-03-16": false,
	} {
		if got := n.Due(day(today), 3); got != want {
			t.Errorf("Due on %s = %v, want %v", today, got, want)
		}
	}
	if !n.Running(day("2026-03-14")) || n.Running(day("2026-03-12")) {
		t.Error("Running is wrong")
	}
}

// The server refuses a bad notice with the field (the same Validate).
func TestValidateWrite_OffPremisesNotice(t *testing.T) {
	n := validNotice()
	n.Normalize()
	w := IncomingWrite{Entity: n.Entity(), RecordID: n.ID, UnitCode: "28261", Fields: n.Fields()}
	if _, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow); err != nil {
		t.Fatalf("a valid notice is refused: %v", err)
	}
	n.ReceivedVia = "fax"
	w.Fields = n.Fields()
	if _, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow); FieldErrors(err)["received_via"] == "" {
		t.Fatalf("a notice received by fax: %v", err)
	}
}

// A complaint names the notice of the sale it came from by its id; any
// other value is refused with a message on the field, on the laptop and
// on the server.
func TestCase_OffPremisesNoticeLink(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"", true},
		{validNotice().ID, true},
		{"hội thảo ấp 3", false},
		{"0b9c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2", false},
	} {
		c := validCase()
		c.OffPremisesNoticeID = tc.id
		c.Normalize()
		fe := FieldErrors(c.Validate(testRefs, validationNow))
		if got := fe["off_premises_notice_id"] == ""; got != tc.ok {
			t.Errorf("id %q: accepted %v, want %v (%v)", tc.id, got, tc.ok, fe)
		}
		w := IncomingWrite{Entity: EntityCase, RecordID: c.ID, UnitCode: c.UnitCode, Fields: c.Fields()}
		_, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow)
		if got := FieldErrors(err)["off_premises_notice_id"] == ""; got != tc.ok {
			t.Errorf("server, id %q: accepted %v, want %v (%v)", tc.id, got, tc.ok, err)
		}
	}
	if got := FieldLabel(EntityCase, "off_premises_notice_id"); got != "Thông báo bán hàng ngoài địa điểm liên quan" {
		t.Errorf("label %q", got)
	}
}

// The figures of the register over a report period: received (Đ.26),
// received late (Đ.26 k.3, on the calendar), not published (Đ.27 k.3);
// voided notices and those received outside the period are left out.
func TestNoticeCountsOf(t *testing.T) {
	cal, _ := NewCalendar(nil)
	n := func(received, start, published string, elderly, voided bool) OffPremisesNotice {
		x := *validNotice()
		x.ReceivedDate, x.StartDate, x.EndDate, x.PublishedDate, x.ForElderly, x.Voided = received, start, "", published, elderly, voided
		return x
	}
	d := &KPIData{Calendar: cal, Notices: []OffPremisesNotice{
		n("2026-03-09", "2026-03-13", "2026-03-09", true, false), // on time, published
		n("2026-03-10", "2026-03-13", "", true, false),           // late, unpublished
		n("2026-05-04", "2026-05-15", "", false, false),          // on time, unpublished
		n("2026-03-10", "2026-03-11", "", false, true),           // voided
		n("2025-12-01", "2025-12-10", "", false, false),          // the year before
	}}
	got := NoticeCountsOf(d, ReportYear(2026))
	if want := (NoticeCounts{Received: 3, Late: 1, Unpublished: 2, ForElderly: 2}); got != want {
		t.Fatalf("NoticeCountsOf = %+v, want %+v", got, want)
	}
}
