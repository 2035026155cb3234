package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// stubRefs knows the units and sectors it lists.
type stubRefs struct {
	units   []string
	sectors []string
	issues  []string
}

func (r stubRefs) HasUnit(code string) bool   { return slices.Contains(r.units, code) }
func (r stubRefs) HasSector(code string) bool { return slices.Contains(r.sectors, code) }
func (r stubRefs) HasIssueType(code string) bool {
	return slices.Contains(r.issues, code)
}

var testRefs = stubRefs{
	units:   []string{"28261", "29446"},
	sectors: []string{"thuc_pham", "thuong_mai_dien_tu"},
	issues:  []string{"chat_luong_hang_hoa", "hop_dong"},
}

// validationNow is the time of every Validate call in these tests.
var validationNow = time.Date(2026, 3, 5, 3, 0, 0, 0, time.UTC)

// validCase returns a normalized case that passes Validate with testRefs.
func validCase() Case {
	return Case{
		RecordHead: RecordHead{
			ID:        "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b",
			UnitCode:  "28261",
			CreatedAt: time.Date(2026, 3, 4, 2, 31, 5, 0, time.UTC),
			CreatedBy: "Trần Văn Bình",
			UpdatedAt: time.Date(2026, 3, 4, 2, 31, 5, 0, time.UTC),
			UpdatedBy: "Trần Văn Bình",
		},
		Number:          "28261-2026-A7K3-0012",
		ReceivedAt:      time.Date(2026, 3, 4, 2, 30, 0, 0, time.UTC),
		Channel:         "dien_thoai",
		Kind:            "khieu_nai",
		ConsumerName:    "Nguyễn Thị Hồng Đào",
		ConsumerPhone:   "0912345678",
		ConsumerAddress: "Số 12 đường Lê Lợi, Phường Mỹ Tho",
		BusinessName:    "Cửa hàng Điện máy Hòa Phát",
		BusinessAddress: "Ấp Mỹ Hưng, xã Mỹ Hiệp",
		Sector:          "thuong_mai_dien_tu",
		Summary:         "Mua nồi cơm điện qua mạng, nhận hàng bị vỡ.\nCửa hàng không đổi trả.",
		Status:          StatusReceived,
	}
}

func TestCaseValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Case)
		refs    Refs
		field   string // the only field with an error; "" for a valid case
		message string
	}{
		{"OK", func(*Case) {}, testRefs, "", ""},
		{"OKWithoutRefs", func(c *Case) { c.UnitCode, c.Sector = "99999", "khong_co" }, nil, "", ""},
		{"OKWithoutPhone", func(c *Case) { c.ConsumerPhone = "" }, testRefs, "", ""},
		{"OKElevenDigitLandline", func(c *Case) { c.ConsumerPhone = "02773823456" }, testRefs, "", ""},
		{"OKReceivedLaterToday", func(c *Case) { c.ReceivedAt = validationNow.Add(23 * time.Hour) }, testRefs, "", ""},
		{"OKNameAtLimit", func(c *Case) { c.ConsumerName = strings.Repeat("ễ", 200) }, testRefs, "", ""},

		{"ErrUnitCodeFormat", func(c *Case) { c.UnitCode = "2826" }, testRefs,
			"unit_code", "Mã xã, phường phải gồm 5 chữ số."},
		{"ErrUnitCodeLetters", func(c *Case) { c.UnitCode = "2826a" }, testRefs,
			"unit_code", "Mã xã, phường phải gồm 5 chữ số."},
		{"ErrUnitUnknown", func(c *Case) { c.UnitCode = "99999" }, testRefs,
			"unit_code", "Không có xã, phường mã 99999 trong danh mục."},
		{"ErrReceivedMissing", func(c *Case) { c.ReceivedAt = time.Time{} }, testRefs,
			"received_at", "Chưa nhập ngày tiếp nhận."},
		{"ErrReceivedInFuture", func(c *Case) { c.ReceivedAt = validationNow.Add(48 * time.Hour) }, testRefs,
			"received_at", "Ngày tiếp nhận không được ở tương lai."},
		{"ErrReceivedBefore2000", func(c *Case) { c.ReceivedAt = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC) }, testRefs,
			"received_at", "Ngày tiếp nhận không hợp lệ."},
		{"ErrChannelMissing", func(c *Case) { c.Channel = "" }, testRefs,
			"channel", "Chưa chọn kênh tiếp nhận."},
		{"ErrChannelUnknown", func(c *Case) { c.Channel = "bo_cau_dua_thu" }, testRefs,
			"channel", "Kênh tiếp nhận không hợp lệ."},
		{"ErrKindMissing", func(c *Case) { c.Kind = "" }, testRefs,
			"kind", "Chưa chọn loại vụ việc."},
		{"ErrKindUnknown", func(c *Case) { c.Kind = "Khiếu nại doanh nghiệp" }, testRefs, // a label, not a code
			"kind", "Loại vụ việc không hợp lệ."},
		{"ErrConsumerNameMissing", func(c *Case) { c.ConsumerName = "" }, testRefs,
			"consumer_name", "Chưa nhập họ và tên người tiêu dùng."},
		{"ErrConsumerNameTooLong", func(c *Case) { c.ConsumerName = strings.Repeat("ễ", 201) }, testRefs,
			"consumer_name", "Họ và tên quá dài (tối đa 200 ký tự)."},
		{"ErrPhoneTooShort", func(c *Case) { c.ConsumerPhone = "091234" }, testRefs,
			"consumer_phone", "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."},
		{"ErrPhoneNoLeadingZero", func(c *Case) { c.ConsumerPhone = "9123456789" }, testRefs,
			"consumer_phone", "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."},
		{"ErrPhoneNotNormalized", func(c *Case) { c.ConsumerPhone = "0912 345 678" }, testRefs,
			"consumer_phone", "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."},
		{"ErrConsumerAddressTooLong", func(c *Case) { c.ConsumerAddress = strings.Repeat("a", 201) }, testRefs,
			"consumer_address", "Địa chỉ quá dài (tối đa 200 ký tự)."},
		{"ErrBusinessNameTooLong", func(c *Case) { c.BusinessName = strings.Repeat("a", 201) }, testRefs,
			"business_name", "Tên doanh nghiệp quá dài (tối đa 200 ký tự)."},
		{"ErrBusinessAddressTooLong", func(c *Case) { c.BusinessAddress = strings.Repeat("a", 201) }, testRefs,
			"business_address", "Địa chỉ doanh nghiệp quá dài (tối đa 200 ký tự)."},
		{"ErrSectorMissing", func(c *Case) { c.Sector = "" }, testRefs,
			"sector", "Chưa chọn lĩnh vực."},
		{"ErrSectorUnknown", func(c *Case) { c.Sector = "khong_co" }, testRefs,
			"sector", "Lĩnh vực không có trong danh mục."},
		{"ErrSummaryMissing", func(c *Case) { c.Summary = "" }, testRefs,
			"summary", "Chưa nhập nội dung vụ việc."},
		{"ErrSummaryTooLong", func(c *Case) { c.Summary = strings.Repeat("ư", 10001) }, testRefs,
			"summary", "Nội dung quá dài (tối đa 10.000 ký tự)."},
		{"ErrStatusMissing", func(c *Case) { c.Status = "" }, testRefs,
			"status", "Trạng thái không hợp lệ."},
		{"ErrStatusUnknown", func(c *Case) { c.Status = "xong" }, testRefs,
			"status", "Trạng thái không hợp lệ."},
		{"OKVoidedWithReason", func(c *Case) { c.Voided, c.VoidReason = true, "Nhập trùng vụ việc 28261-2026-A7K3-0011." }, testRefs, "", ""},
		{"ErrVoidReasonMissing", func(c *Case) { c.Voided = true }, testRefs,
			"void_reason", "Cần ghi lý do hủy vụ việc."},
		{"ErrVoidReasonTooLong", func(c *Case) { c.Voided, c.VoidReason = true, strings.Repeat("ữ", 201) }, testRefs,
			"void_reason", "Lý do hủy quá dài (tối đa 200 ký tự)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCase()
			tt.edit(&c)
			err := c.Validate(tt.refs, validationNow)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate = %v (%T), want an *Error", err, err)
			}
			if e.Code != EINVALID {
				t.Errorf("code = %q, want %q", e.Code, EINVALID)
			}
			if want := "Vui lòng sửa các trường được đánh dấu."; ErrorMessage(err) != want {
				t.Errorf("ErrorMessage = %q, want %q", ErrorMessage(err), want)
			}
			want := map[string]string{tt.field: tt.message}
			if got := FieldErrors(err); !maps.Equal(got, want) {
				t.Errorf("FieldErrors = %q, want %q", got, want)
			}
		})
	}
}

func TestCaseValidateReportsEveryField(t *testing.T) {
	var c Case
	err := c.Validate(testRefs, validationNow)
	got := slices.Sorted(maps.Keys(FieldErrors(err)))
	want := []string{"channel", "consumer_name", "kind", "received_at", "sector", "status", "summary", "unit_code"}
	if !slices.Equal(got, want) {
		t.Errorf("fields with errors = %q, want %q", got, want)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		bug  string
	}{
		{"AlreadyNormal", "0912345678", "0912345678", ""},
		{"Spaces", "0912 345 678", "0912345678", ""},
		{"Dots", "0912.345.678", "0912345678", ""},
		{"Dashes", "0912-345-678", "0912345678", ""},
		{"NoBreakSpaces", "0912\u00a0345\u00a0678", "0912345678", ""},
		{"CountryCodePlus", "+84912345678", "0912345678", ""},
		{"CountryCodePlusSpaced", "+84 912 345 678", "0912345678", ""},
		{"CountryCodeParenthesized", "(+84) 912-345-678", "0912345678", ""},
		{"CountryCodeNoPlus", "84912345678", "0912345678", ""},
		{"CountryCodePlusLandline", "+84 277 3823 456", "02773823456", ""},
		{"NationalStartingWith84Kept", "0849123456", "0849123456", ""},
		{"SurroundingSpaces", "  0912345678 ", "0912345678", ""},
		{"Empty", "", "", ""},
		{"CountryCodeNoPlusLandline", "84 277 3823 456", "02773823456",
			"NormalizePhone turns a bare 84 prefix into 0 only when the result has 10 digits (len(s) == 11), so an 11-digit landline written 84 277 3823 456 stays 842773823456 and fails Validate, while +84 277 3823 456 is accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizePhone(tt.in); got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCaseNormalize(t *testing.T) {
	want := validCase()
	ict := time.FixedZone("ICT", 7*3600)
	c := want
	c.UnitCode = " 28261 "
	c.ConsumerName = norm.NFD.String("  Nguyễn  Thị Hồng Đào ")
	c.ConsumerAddress = norm.NFD.String("Số 12 đường   Lê Lợi, Phường Mỹ Tho")
	c.BusinessName = norm.NFD.String(want.BusinessName)
	c.BusinessAddress = norm.NFD.String(want.BusinessAddress + "  ")
	want.Voided, want.VoidReason = true, "Nhập trùng vụ việc."
	c.Voided, c.VoidReason = true, norm.NFD.String(" Nhập  trùng vụ việc. ")
	c.CreatedBy = norm.NFD.String(want.CreatedBy)
	c.UpdatedBy = norm.NFD.String(want.UpdatedBy)
	c.Summary = norm.NFD.String("  Mua nồi cơm điện qua mạng, nhận hàng bị vỡ.  \r\nCửa hàng   không đổi trả.\n\n")
	c.ConsumerPhone = "+84 912.345.678"
	c.ReceivedAt = want.ReceivedAt.In(ict).Add(999 * time.Millisecond)
	c.CreatedAt = want.CreatedAt.In(ict).Add(123456789 * time.Nanosecond)
	c.UpdatedAt = want.UpdatedAt.Add(time.Nanosecond)

	c.Normalize()
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Normalize gave\n%+v\nwant\n%+v", c, want)
	}
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		switch f := v.Field(i).Interface().(type) {
		case string:
			if !norm.NFC.IsNormalString(f) {
				t.Errorf("%s = %q is not in NFC", v.Type().Field(i).Name, f)
			}
		case time.Time:
			if f.Location() != time.UTC || f.Nanosecond() != 0 {
				t.Errorf("%s = %v, want UTC at a whole second", v.Type().Field(i).Name, f)
			}
		}
	}

	var zero Case
	zero.Normalize()
	if !reflect.DeepEqual(zero, Case{}) {
		t.Errorf("Normalize changed the zero case to %+v", zero)
	}
}

// caseJSONNames are the wire names of the case fields: a rename would
// break every store and server in the field, so this list only grows.
var caseJSONNames = []string{
	"anonymised_on", "assigned_to", "business_address", "business_kind", "business_name",
	"business_online_channel", "business_phone", "business_tax_code", "channel",
	"consumer_address", "consumer_age_band", "consumer_birth_date", "consumer_gender",
	"consumer_name", "consumer_old_address", "consumer_phone", "consumer_unit_code",
	"created_at", "created_by", "damage_claimed", "evidence", "id", "issue_types", "kind",
	"number", "off_premises_notice_id", "prior_contact", "prior_contact_date", "privacy_notice", "product_or_service", "received_at",
	"referred_from", "representative_name", "representative_relation", "requester_role",
	"resolution_method", "restricted", "sector", "specific_request", "status", "summary",
	"transaction_date", "transaction_type", "transaction_value", "unit_code", "updated_at",
	"updated_by", "void_reason", "voided", "vulnerable_evidence", "vulnerable_groups",
	// the online intake channel
	"consumer_reply", "consumer_reply_at", "forwarded_from", "forwarded_to", "intake_id",
	"intake_opened_at", "tracking_code",
}

func TestCaseFieldsRoundTrip(t *testing.T) {
	c := validCase()
	f := c.Fields()
	if got, want := slices.Sorted(maps.Keys(f)), slices.Sorted(slices.Values(caseJSONNames)); !slices.Equal(got, want) {
		t.Fatalf("Fields names = %q, want %q", got, want)
	}
	if got, want := string(f["consumer_name"]), `"Nguyễn Thị Hồng Đào"`; got != want {
		t.Errorf("consumer_name = %s, want %s", got, want)
	}
	if got, want := string(f["received_at"]), `"2026-03-04T02:30:00Z"`; got != want {
		t.Errorf("received_at = %s, want %s", got, want)
	}

	var d Case
	if err := d.SetFields(f); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, c) {
		t.Errorf("SetFields(Fields()) gave\n%+v\nwant\n%+v", d, c)
	}
}

func TestCaseSetFieldsPartial(t *testing.T) {
	c := validCase()
	err := c.SetFields(map[string]json.RawMessage{
		"status":  raw(`"dang_xu_ly"`),
		"summary": raw(`"Đã liên hệ cửa hàng."`),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := validCase()
	want.Status = "dang_xu_ly"
	want.Summary = "Đã liên hệ cửa hàng."
	if !reflect.DeepEqual(c, want) {
		t.Errorf("SetFields gave\n%+v\nwant\n%+v", c, want)
	}

	if err := c.SetFields(map[string]json.RawMessage{"received_at": raw(`42`)}); err == nil {
		t.Error("SetFields with a number for received_at: want an error")
	}
	if err := c.SetFields(map[string]json.RawMessage{"status": raw(`{`)}); err == nil {
		t.Error("SetFields with invalid JSON: want an error")
	}
}

func TestCaseChangedFields(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Case)
		want map[string]json.RawMessage
	}{
		{"IdenticalCopyIsEmpty", func(*Case) {}, map[string]json.RawMessage{}},
		{"OneTextField", func(c *Case) { c.ConsumerName = "Lê Thị Ánh" },
			map[string]json.RawMessage{"consumer_name": raw(`"Lê Thị Ánh"`)}},
		{"OneTimeField", func(c *Case) { c.ReceivedAt = c.ReceivedAt.Add(time.Hour) },
			map[string]json.RawMessage{"received_at": raw(`"2026-03-04T03:30:00Z"`)}},
		{"ClearedField", func(c *Case) { c.ConsumerPhone = "" },
			map[string]json.RawMessage{"consumer_phone": raw(`""`)}},
		{"TwoFields", func(c *Case) { c.Status, c.UpdatedBy = "dong", "Lê Văn Tám" },
			map[string]json.RawMessage{"status": raw(`"dong"`), "updated_by": raw(`"Lê Văn Tám"`)}},
		{"Voided", func(c *Case) { c.Voided, c.VoidReason = true, "Nhập trùng." },
			map[string]json.RawMessage{"voided": raw(`true`), "void_reason": raw(`"Nhập trùng."`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := validCase()
			c := old
			tt.edit(&c)
			got := c.ChangedFields(&old)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ChangedFields = %s, want %s", fmtFields(got), fmtFields(tt.want))
			}
			// Applying the change to the old version gives the new one.
			if err := old.SetFields(got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(old, c) {
				t.Errorf("old + ChangedFields =\n%+v\nwant\n%+v", old, c)
			}
		})
	}
}

func TestFormatCaseNumber(t *testing.T) {
	tests := []struct {
		name string
		unit string
		year int
		tag  string
		seq  int
		want string
	}{
		{"Typical", "28261", 2026, "A7K3", 12, "28261-2026-A7K3-0012"},
		{"First", "29446", 2025, "0000", 1, "29446-2025-0000-0001"},
		{"FourDigitSeq", "28261", 2026, "ZZZZ", 9999, "28261-2026-ZZZZ-9999"},
		{"SeqBeyondFourDigits", "28261", 2026, "A7K3", 12345, "28261-2026-A7K3-12345"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatCaseNumber(tt.unit, tt.year, tt.tag, tt.seq); got != tt.want {
				t.Errorf("FormatCaseNumber = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDumpLine(t *testing.T) {
	c := validCase()
	c.Summary = "Giá <500.000 ₫> & \"khuyến mãi\"\nkhông đúng."
	fields := c.Fields()
	line, err := DumpLine(EntityCase, fields)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"business_address":"Ấp Mỹ Hưng, xã Mỹ Hiệp","business_name":"Cửa hàng Điện máy Hòa Phát",` +
		`"channel":"dien_thoai","consumer_address":"Số 12 đường Lê Lợi, Phường Mỹ Tho",` +
		`"consumer_name":"Nguyễn Thị Hồng Đào","consumer_phone":"0912345678",` +
		`"created_at":"2026-03-04T02:31:05Z","created_by":"Trần Văn Bình",` +
		`"id":"0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b","kind":"khieu_nai","number":"28261-2026-A7K3-0012",` +
		`"received_at":"2026-03-04T02:30:00Z","sector":"thuong_mai_dien_tu","status":"moi_tiep_nhan",` +
		`"summary":"Giá \u003c500.000 ₫\u003e \u0026 \"khuyến mãi\"\nkhông đúng.","type":"case",` +
		`"unit_code":"28261","updated_at":"2026-03-04T02:31:05Z","updated_by":"Trần Văn Bình"}` + "\n"
	if string(line) != want {
		t.Errorf("DumpLine =\n%s\nwant\n%s", line, want)
	}
	if _, ok := fields["type"]; ok {
		t.Error("DumpLine added \"type\" to the caller's map")
	}

	// Keys sorted, "type" among them.
	dec := json.NewDecoder(bytes.NewReader(line))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.IsSorted(keys) || !slices.Contains(keys, "type") {
		t.Errorf("keys = %q, want sorted and with \"type\"", keys)
	}
	if _, err := dec.Token(); err != nil { // }
		t.Fatal(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Errorf("more than one JSON value in the line: %v", err)
	}
	if bytes.Count(line, []byte("\n")) != 1 {
		t.Errorf("line has %d newlines, want exactly the final one", bytes.Count(line, []byte("\n")))
	}
}

func TestDumpLineCanonical(t *testing.T) {
	// Two replicas: the same values, put into their maps in opposite
	// orders, one holding indented JSON values.
	c := validCase()
	src := c.Fields()
	names := slices.Sorted(maps.Keys(src))
	a := map[string]json.RawMessage{}
	for _, k := range names {
		a[k] = src[k]
	}
	b := map[string]json.RawMessage{}
	for _, k := range slices.Backward(names) {
		var buf bytes.Buffer
		if err := json.Indent(&buf, src[k], " ", "  "); err != nil {
			t.Fatal(err)
		}
		b[k] = raw(" " + buf.String() + "\n")
	}
	a["extra"] = raw(`{"b":[1, 2],"a":null}`)
	b["extra"] = raw("{\n  \"b\": [ 1,2 ],\n  \"a\": null\n}")

	la, err := DumpLine(EntityCase, a)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := DumpLine(EntityCase, b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(la, lb) {
		t.Errorf("equal records give different lines:\n%s%s", la, lb)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, la); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSuffix(string(la), "\n"); got != compact.String() {
		t.Errorf("line is not compact:\n%s", la)
	}
	if !bytes.Contains(la, []byte(`"extra":{"b":[1,2],"a":null}`)) {
		t.Errorf("nested value not compacted in:\n%s", la)
	}
}

func TestDumpLineRejectsInvalidValue(t *testing.T) {
	if _, err := DumpLine(EntityCase, map[string]json.RawMessage{"summary": raw(`{`)}); err == nil {
		t.Error("DumpLine with an invalid JSON value: want an error")
	}
}
