package app

import (
	"reflect"
	"testing"
	"time"
)

func TestCase_DetailsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Case)
		field string // the field with the message; "" if valid
	}{
		{"FullRecord", func(c *Case) {
			c.RequesterRole, c.RepresentativeName, c.RepresentativeRelation = RoleRepresentative, "Lê Văn Tám", "Con"
			c.ConsumerGender, c.ConsumerBirthDate, c.ConsumerUnitCode = "nu", "1950-07-02", "29446"
			c.ConsumerOldAddress = "Ấp 3, xã Mỹ Hạnh Trung, thị xã Cai Lậy"
			c.VulnerableGroups, c.VulnerableEvidence = []string{GroupElderly, "ho_ngheo"}, "Sổ hộ nghèo 2026"
			c.BusinessKind, c.BusinessTaxCode, c.BusinessPhone = "doanh_nghiep", "1201234567-001", "02733851234"
			c.IssueTypes, c.TransactionType, c.TransactionDate = []string{"hop_dong"}, "tmdt", "2026-02-27"
			c.TransactionValue, c.DamageClaimed = 1_250_000, 1_250_000
			c.SpecificRequest, c.PriorContact, c.PriorContactDate = "Hoàn tiền", true, "2026-03-01"
			c.Evidence, c.AssignedTo, c.ResolutionMethod = []string{"Hóa đơn", "Ảnh chụp tin nhắn"}, "Trần Văn Bình", "ho_tro_thuong_luong"
		}, ""},
		{"RepresentativeNeedsName", func(c *Case) { c.RequesterRole = RoleRepresentative }, "representative_name"},
		{"UnknownRole", func(c *Case) { c.RequesterRole = "ban_be" }, "requester_role"},
		{"BirthInFuture", func(c *Case) { c.ConsumerBirthDate = "2027-01-01" }, "consumer_birth_date"},
		{"BirthNotADate", func(c *Case) { c.ConsumerBirthDate = "31/02/1950" }, "consumer_birth_date"},
		{"UnknownUnit", func(c *Case) { c.ConsumerUnitCode = "99999" }, "consumer_unit_code"},
		{"UnknownGroup", func(c *Case) { c.VulnerableGroups = []string{"nguoi_giau"} }, "vulnerable_groups"},
		{"TaxCodeNineDigits", func(c *Case) { c.BusinessTaxCode = "120123456" }, "business_tax_code"},
		{"BusinessPhone", func(c *Case) { c.BusinessPhone = "12345" }, "business_phone"},
		{"UnknownIssue", func(c *Case) { c.IssueTypes = []string{"khong_co"} }, "issue_types"},
		{"NegativeValue", func(c *Case) { c.TransactionValue = -1 }, "transaction_value"},
		{"HugeDamage", func(c *Case) { c.DamageClaimed = maxAmountVND + 1 }, "damage_claimed"},
		{"UnknownMethod", func(c *Case) { c.ResolutionMethod = "x" }, "resolution_method"},
		{"TooManyEvidence", func(c *Case) { c.Evidence = make([]string, 51); fill(c.Evidence) }, "evidence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validCase()
			tc.edit(&c)
			c.Normalize()
			fe := FieldErrors(c.Validate(testRefs, validationNow))
			if tc.field == "" {
				if len(fe) != 0 {
					t.Fatalf("errors %v", fe)
				}
				return
			}
			if len(fe) != 1 || fe[tc.field] == "" {
				t.Fatalf("errors %v, want one on %s", fe, tc.field)
			}
		})
	}
}

func fill(s []string) {
	for i := range s {
		s[i] = "Giấy tờ"
	}
}

func TestCase_NormalizeDetails(t *testing.T) {
	c := validCase()
	c.VulnerableGroups = []string{" ho_ngheo", GroupElderly, "ho_ngheo", ""}
	c.Evidence = []string{"  Hóa   đơn ", "", "Ảnh"}
	c.BusinessTaxCode = "1201 234 567"
	c.BusinessPhone = "+84 273 3851 234"
	c.PriorContactDate = "2026-03-01" // without prior contact: dropped
	c.Normalize()
	if want := []string{GroupElderly, "ho_ngheo"}; !reflect.DeepEqual(c.VulnerableGroups, want) {
		t.Errorf("groups = %q, want %q (Điều 8 order, no repeats)", c.VulnerableGroups, want)
	}
	if want := []string{"Hóa đơn", "Ảnh"}; !reflect.DeepEqual(c.Evidence, want) {
		t.Errorf("evidence = %q", c.Evidence)
	}
	if c.BusinessTaxCode != "1201234567" || c.BusinessPhone != "02733851234" || c.PriorContactDate != "" {
		t.Errorf("tax %q phone %q prior %q", c.BusinessTaxCode, c.BusinessPhone, c.PriorContactDate)
	}
	if !c.IsVulnerable() {
		t.Error("not vulnerable")
	}
}

func TestCase_SuggestedGroups(t *testing.T) {
	received := time.Date(2026, 3, 4, 2, 30, 0, 0, time.UTC) // 4/3/2026 in Vietnam
	for _, tc := range []struct {
		birth, band string
		want        []string
	}{
		{"1966-03-04", "", []string{GroupElderly}}, // 60 on the day
		{"1966-03-05", "", nil},                    // 60 the day after
		{"2010-03-05", "", []string{GroupChild}},   // 15, turning 16 tomorrow
		{"2010-03-04", "", nil},                    // 16 today
		{"", "tu_60", []string{GroupElderly}},
		{"", "duoi_16", []string{GroupChild}},
		{"", "tu_36_den_59", nil},
		{"1990-01-01", "tu_60", nil}, // the date of birth wins
		{"2026-03-05", "", nil},      // born after the day received: a slip, not a child
		{"2031-01-01", "", nil},
	} {
		c := Case{ReceivedAt: received, ConsumerBirthDate: tc.birth, ConsumerAgeBand: tc.band}
		if got := c.SuggestedGroups(received.AddDate(5, 0, 0)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("born %q band %q: %q, want %q", tc.birth, tc.band, got, tc.want)
		}
		// A case not yet dated (the intake form) takes the day given.
		c.ReceivedAt = time.Time{}
		if got := c.SuggestedGroups(received); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("undated, today %v, born %q band %q: %q, want %q", received, tc.birth, tc.band, got, tc.want)
		}
	}
}

func TestCaseEvent_RecordsHoldWhatTheLawRequires(t *testing.T) {
	neg := CaseEvent{Kind: EventNegotiationResult, Agreed: true}
	fe := FieldErrors(neg.Validate())
	for _, f := range []string{"parties", "held_on", "place", "content", "result"} {
		if fe[f] == "" {
			t.Errorf("negotiation record without %s accepted (Điều 60 khoản 2)", f)
		}
	}
	neg.Parties, neg.HeldOn, neg.Place = "Bà Nguyễn Thị Hồng Đào; Cửa hàng Hòa Phát", "2026-03-10", "UBND phường Mỹ Tho"
	neg.Content, neg.Result = "Đổi nồi cơm điện bị vỡ", "Cửa hàng đổi sản phẩm mới"
	if err := neg.Validate(); err != nil {
		t.Fatalf("full negotiation record: %v", err)
	}
	med := neg
	med.Kind = EventMediationResult
	fe = FieldErrors(med.Validate())
	if fe["mediator_name"] == "" || fe["performance_deadline"] == "" || len(fe) != 2 {
		t.Fatalf("mediation record errors %v, want mediator and deadline (Điều 65 khoản 2)", fe)
	}
	med.MediatorName, med.PerformanceDeadline = "Tổ hòa giải khu phố 3", "2026-03-20"
	if err := med.Validate(); err != nil {
		t.Fatal(err)
	}
	med.Agreed, med.PerformanceDeadline = false, ""
	if err := med.Validate(); err != nil {
		t.Fatalf("failed mediation needs no performance deadline: %v", err)
	}
}
