package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestFormatCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 200: "200", 1000: "1.000", 10000: "10.000", 1234567: "1.234.567"} {
		if got := formatCount(n); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", n, got, want)
		}
	}
}

// Every text field of every record has a limit, and the forms' validators
// apply it: a field with no rule of its own gets MaxShortText.
func TestValidate_EveryTextHasALimit(t *testing.T) {
	long := strings.Repeat("a", MaxShortText+1)
	c := validCase()
	c.Number, c.CreatedBy, c.ReferredFrom = long, long, long
	fe := FieldErrors(c.Validate(testRefs, validationNow))
	for _, f := range []string{"number", "created_by", "referred_from"} {
		if fe[f] == "" {
			t.Errorf("a %d-character %s passes", MaxShortText+1, f)
		}
	}
	// A long text keeps its own limit: 10.000 characters for a summary.
	c = validCase()
	c.Summary = strings.Repeat("ấ", MaxLongText)
	if err := c.Validate(testRefs, validationNow); err != nil {
		t.Fatalf("a summary of exactly %d characters: %v", MaxLongText, err)
	}
	c.Summary += "ấ"
	if FieldErrors(c.Validate(testRefs, validationNow))["summary"] == "" {
		t.Fatal("a summary over the limit passes")
	}

	o := &OutreachEvent{RecordHead: RecordHead{UnitCode: "28261"}, Type: "hoi_nghi", Title: "Hội nghị", StartDate: "2026-03-15",
		Status: "ke_hoach", Organiser: long, Partners: make([]string, MaxListItems+1)}
	fe = FieldErrors(o.Validate(testRefs, validationNow))
	if fe["organiser"] == "" || fe["partners"] == "" {
		t.Fatalf("outreach errors %v: the organiser and the partners have limits", fe)
	}
	e := &CaseEvent{Kind: EventNote, Note: "x", Place: long, Parties: strings.Repeat("b", MaxNoteText)}
	fe = FieldErrors(e.Validate())
	if fe["place"] == "" || fe["parties"] != "" {
		t.Fatalf("event errors %v: place is a short text, parties a note", fe)
	}
}

func TestValidate_ControlCharactersAndInstants(t *testing.T) {
	c := validCase()
	c.ConsumerName = "Nguyễn\x00Văn"
	c.Summary = "Dòng một\nDòng hai\tcó tab"
	c.UpdatedAt = time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC)
	fe := FieldErrors(c.Validate(testRefs, validationNow))
	if fe["consumer_name"] == "" || fe["summary"] != "" || fe["updated_at"] == "" {
		t.Fatalf("errors %v: NUL refused, line breaks and tabs kept, year 9999 refused", fe)
	}
}

// writeCase is a write of a case's fields, as JSON text by name.
func writeCase(kv ...string) IncomingWrite {
	f := map[string]json.RawMessage{}
	for i := 0; i < len(kv); i += 2 {
		f[kv[i]] = json.RawMessage(kv[i+1])
	}
	return IncomingWrite{Entity: EntityCase, RecordID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", UnitCode: "28261", Fields: f}
}

// heldCase is a case the server holds with the fields of c, overridden by
// kv (JSON text by name: what an older version may have stored).
func heldCase(c Case, kv ...string) HeldRecord {
	f := c.Fields()
	for i := 0; i < len(kv); i += 2 {
		f[kv[i]] = json.RawMessage(kv[i+1])
	}
	return HeldRecord{Exists: true, Fields: f, Version: 3}
}

func TestValidateWrite_RefusesWhatNoFormHolds(t *testing.T) {
	held := heldCase(validCase())
	tooMany := writeCase()
	for i := range MaxWriteFields + 1 {
		tooMany.Fields[fmt.Sprintf("f%d", i)] = json.RawMessage(`1`)
	}
	tests := []struct {
		name  string
		w     IncomingWrite
		code  string
		field string
	}{
		{"HugeNumber", writeCase("transaction_value", `1e999`), EINVALIDVALUE, "transaction_value"},
		{"NumberOverInt64", writeCase("damage_claimed", `9223372036854775808`), EINVALIDVALUE, "damage_claimed"},
		{"Fraction", writeCase("transaction_value", `1.5`), EINVALIDVALUE, "transaction_value"},
		{"WrongTypes", writeCase("status", `12345`, "voided", `"yes"`), EINVALIDVALUE, "voided"},
		{"ObjectForText", writeCase("summary", `{"a":1}`), EINVALIDVALUE, "summary"},
		{"NotADate", writeCase("received_at", `"hôm qua"`), EINVALIDVALUE, "received_at"},
		{"YearPast9999", writeCase("updated_at", `"9999-12-31T23:59:59-23:00"`), EINVALIDVALUE, "updated_at"},
		{"OutOfRange", writeCase("transaction_value", `-5`), EINVALIDVALUE, "transaction_value"},
		{"NotInCodeList", writeCase("status", `"xong"`), EINVALIDVALUE, "status"},
		{"NotInCatalogue", writeCase("sector", `"vu_tru"`), EINVALIDVALUE, "sector"},
		{"UnknownCommune", writeCase("consumer_unit_code", `"99999"`), EINVALIDVALUE, "consumer_unit_code"},
		{"RequiredCleared", writeCase("consumer_name", `""`), EINVALIDVALUE, "consumer_name"},
		{"NullForRequired", writeCase("received_at", `null`), EINVALIDVALUE, "received_at"},
		{"SummaryTooLong", writeCase("summary", `"`+strings.Repeat("x", MaxLongText+1)+`"`), EINVALIDVALUE, "summary"},
		{"ListTooLong", writeCase("evidence", `[`+strings.TrimSuffix(strings.Repeat(`"a",`, MaxListItems+1), ",")+`]`), EINVALIDVALUE, "evidence"},
		{"ControlCharacter", writeCase("business_name", `"Cửa hàng\u0000"`), EINVALIDVALUE, "business_name"},
		{"InvalidUTF8", writeCase("summary", "\"h\xffng gi\xe1\""), EINVALIDVALUE, "summary"},
		{"UnknownField", writeCase("amount", `1`), EINVALIDVALUE, "amount"},
		{"FieldNameNotUTF8", writeCase("summ\uFFFDry", `"x"`), EINVALIDVALUE, "summ\uFFFDry"},
		{"TooManyFields", tooMany, ETOOLARGE, ""},
		{"TooManyBytes", writeCase("summary", `"`+strings.Repeat("<", MaxWriteBytes)+`"`), ETOOLARGE, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateWrite(held, tt.w, testRefs, validationNow)
			var e *Error
			if !errorAs(err, &e) || e.Code != tt.code || !strings.HasPrefix(e.Message, msgWriteRefused) {
				t.Fatalf("err = %v, want %s with a message", err, tt.code)
			}
			if tt.field != "" && e.Fields[tt.field] == "" {
				t.Fatalf("fields %v, want a message for %q", e.Fields, tt.field)
			}
		})
	}
}

func errorAs(err error, e **Error) bool {
	if err == nil {
		return false
	}
	v, ok := err.(*Error)
	*e = v
	return ok
}

// A record an older version stored with values the validator now refuses
// (even values that do not decode) can still be edited: only the fields a
// write sets decide.
func TestValidateWrite_OldRecordStaysEditable(t *testing.T) {
	c := validCase()
	c.Summary = strings.Repeat("x", MaxLongText+500)
	c.ReceivedAt = validationNow.AddDate(1, 0, 0)
	held := heldCase(c, "transaction_value", `1e999`, "voided", `"yes"`)
	got, err := ValidateWrite(held, writeCase("status", `"dang_xu_ly"`, "updated_by", `"Lê Văn Sửa"`), testRefs, validationNow)
	if err != nil {
		t.Fatalf("an edit of other fields is refused: %v", err)
	}
	if string(got["status"]) != `"dang_xu_ly"` || len(got) != 2 {
		t.Fatalf("fields to merge = %s", got)
	}
	// Writing one of the bad fields again is checked.
	if _, err := ValidateWrite(held, writeCase("summary", `"`+c.Summary+`"`), testRefs, validationNow); ErrorCode(err) != EINVALIDVALUE {
		t.Fatalf("rewriting an over-long summary: %v", err)
	}
	// Mending it passes.
	if _, err := ValidateWrite(held, writeCase("transaction_value", `1500000`), testRefs, validationNow); err != nil {
		t.Fatalf("mending the undecodable value: %v", err)
	}
}

// A rule across fields refuses the write that sets the field it names: an
// end date before the start.
func TestValidateWrite_RuleAcrossFields(t *testing.T) {
	s := &TrainingSession{RecordHead: RecordHead{ID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6c", UnitCode: "28261"},
		Title: "Tập huấn", StartDate: "2026-05-10", EndDate: "2026-05-12", Status: "ke_hoach"}
	held := HeldRecord{Exists: true, Fields: s.Fields(), Version: 1}
	w := IncomingWrite{Entity: EntityTraining, RecordID: s.ID, UnitCode: "28261",
		Fields: map[string]json.RawMessage{"end_date": json.RawMessage(`"2026-05-01"`)}}
	if _, err := ValidateWrite(held, w, testRefs, validationNow); ErrorCode(err) != EINVALIDVALUE {
		t.Fatalf("an end before the start: %v", err)
	}
	w.Fields = map[string]json.RawMessage{"end_date": json.RawMessage(`"2026-05-11"`)}
	if _, err := ValidateWrite(held, w, testRefs, validationNow); err != nil {
		t.Fatal(err)
	}
}

// A new record is checked whole: a laptop's new record carries every field.
func TestValidateWrite_NewRecord(t *testing.T) {
	c := validCase()
	w := IncomingWrite{Entity: EntityCase, RecordID: c.ID, UnitCode: c.UnitCode, Fields: c.Fields()}
	got, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow)
	if err != nil {
		t.Fatalf("a laptop's new case: %v", err)
	}
	if !maps.EqualFunc(got, w.Fields, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
		t.Fatalf("a laptop's values come back changed:\n got %s\nwant %s", got, w.Fields)
	}
	c.Sector = "vu_tru"
	w.Fields = c.Fields()
	if _, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow); FieldErrors(err)["sector"] == "" {
		t.Fatalf("a new case with an unknown sector: %v", err)
	}
	// Every kind's new record, as a laptop makes it, passes.
	for _, r := range []Record{
		&Officer{RecordHead: RecordHead{ID: c.ID, UnitCode: "28261"}, FullName: "Lê Văn Cán", Role: "khac"},
		&Publication{RecordHead: RecordHead{ID: c.ID, UnitCode: "28261"}, Type: "to_roi", Origin: "tu_phat_hanh", Title: "Tờ rơi", Date: "2026-03-01"},
		&Attendance{RecordHead: RecordHead{ID: AttendanceID(c.ID, c.ID), UnitCode: "28261"}, SessionID: c.ID, ParticipantID: c.ID, Status: "co_mat"},
	} {
		w := IncomingWrite{Entity: r.Entity(), RecordID: r.Head().ID, UnitCode: "28261", Fields: r.Fields()}
		if _, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow); err != nil {
			t.Errorf("%s: %v", r.Entity(), err)
		}
	}
}

// Text is put in NFC, value by value, and nothing else is changed.
func TestValidateWrite_NFC(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn Thị Hồng Đào")
	got, err := ValidateWrite(heldCase(validCase()), writeCase("consumer_name", `"`+nfd+`"`,
		"evidence", `["`+norm.NFD.String("Hóa đơn")+`"]`, "summary", `"  hai  dấu cách  "`), testRefs, validationNow)
	if err != nil {
		t.Fatal(err)
	}
	if string(got["consumer_name"]) != `"Nguyễn Thị Hồng Đào"` || string(got["evidence"]) != `["Hóa đơn"]` {
		t.Fatalf("not NFC: %s %s", got["consumer_name"], got["evidence"])
	}
	if string(got["summary"]) != `"  hai  dấu cách  "` {
		t.Fatalf("spaces changed: %s", got["summary"])
	}
	// Escapes are written as the record type writes them.
	got, err = ValidateWrite(heldCase(validCase()), writeCase("business_name", `"\u0043\u1eeda h\u00e0ng <A&B>"`), testRefs, validationNow)
	if err != nil || string(got["business_name"]) != `"Cửa hàng <A&B>"` {
		t.Fatalf("business_name = %s, %v", got["business_name"], err)
	}
}

// A date is "in the future" only after the now the caller gives (the
// server's: the later of its clock and the device's, plus a drift).
func TestValidateWrite_Future(t *testing.T) {
	c := validCase()
	later := validationNow.Add(48 * time.Hour).Format(time.RFC3339)
	w := writeCase("received_at", `"`+later+`"`)
	if _, err := ValidateWrite(heldCase(c), w, testRefs, validationNow); FieldErrors(err)["received_at"] == "" {
		t.Fatalf("a date two days ahead: %v", err)
	}
	if _, err := ValidateWrite(heldCase(c), w, testRefs, validationNow.Add(48*time.Hour)); err != nil {
		t.Fatalf("the same date from a device two days ahead: %v", err)
	}
}

func TestValidateWrite_StepsAndConflicts(t *testing.T) {
	const id = "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6d"
	ev := &CaseEvent{ID: id, UnitCode: "28261", CaseID: id, Kind: EventNote, Note: "Gọi điện", At: validationNow.Add(-time.Hour),
		FromStatus: StatusReceived, ToStatus: StatusReceived}
	w := IncomingWrite{Entity: EntityCaseEvent, RecordID: id, UnitCode: "28261", Fields: ev.Fields()}
	if _, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow); err != nil {
		t.Fatalf("a step: %v", err)
	}
	for name, v := range map[string]string{"at": `"2030-01-01T00:00:00Z"`, "to_status": `"bay_gio"`, "unit_code": `"99999"`, "amount_recovered": `-1`} {
		bad := maps.Clone(w.Fields)
		bad[name] = json.RawMessage(v)
		if _, err := ValidateWrite(HeldRecord{}, IncomingWrite{Entity: EntityCaseEvent, RecordID: id, UnitCode: "28261", Fields: bad}, testRefs, validationNow); FieldErrors(err)[name] == "" {
			t.Errorf("a step with %s %s: %v", name, v, err)
		}
	}

	c := &Conflict{ID: id, UnitCode: "28261", Kind: ConflictField, Entity: EntityCase, RecordID: id, Field: "summary",
		KeptValue: json.RawMessage(`"a"`), OtherValue: json.RawMessage(`"b"`), Status: ConflictOpen}
	held := HeldRecord{Exists: true, Fields: c.Fields(), Version: 1}
	resolve := func(kv ...string) error {
		f := map[string]json.RawMessage{}
		for i := 0; i < len(kv); i += 2 {
			f[kv[i]] = json.RawMessage(kv[i+1])
		}
		_, err := ValidateWrite(held, IncomingWrite{Entity: EntityConflict, RecordID: id, UnitCode: "28261", Fields: f}, testRefs, validationNow)
		return err
	}
	if err := resolve("status", `"resolved"`, "resolution", `"keep"`, "resolved_by", `"Trưởng phòng"`); err != nil {
		t.Fatalf("resolving: %v", err)
	}
	if err := resolve("status", `"gone"`); FieldErrors(err)["status"] == "" {
		t.Fatalf("an unknown status: %v", err)
	}
}

// CheckWriteShape refuses a huge write before looking at its values.
func TestCheckWriteShape(t *testing.T) {
	f := map[string]json.RawMessage{"summary": json.RawMessage(`"` + strings.Repeat("<", 6<<20) + `"`), "bad\xff": json.RawMessage(`1`)}
	if err := CheckWriteShape(EntityCase, f); ErrorCode(err) != ETOOLARGE {
		t.Fatalf("6 MB: %v", err)
	}
	fe := FieldErrors(CheckWriteShape("nothing", map[string]json.RawMessage{"a": json.RawMessage(`1`)}))
	if fe["a"] == "" {
		t.Fatalf("a field of an unknown entity: %v", fe)
	}
	// The message names at most three fields, by label or plain name.
	many := map[string]json.RawMessage{}
	for _, n := range []string{"a1", "a2", "a3", "a4", "x y"} {
		many[n] = json.RawMessage(`1`)
	}
	err := CheckWriteShape(EntityCase, many)
	if msg := ErrorMessage(err); !strings.Contains(msg, "(tên trường không hợp lệ)") && !strings.Contains(msg, "và 2 trường khác") {
		t.Fatalf("message %q", msg)
	}
	if got := slices.Sorted(maps.Keys(FieldErrors(err))); len(got) != 5 {
		t.Fatalf("fields %v", got)
	}
}

// The largest case the forms allow, every text at its limit in four-byte
// characters, fits in one write.
func TestMaxWriteBytes_HoldsTheLargestCase(t *testing.T) {
	c := validCase()
	long := strings.Repeat("𝄞", MaxLongText)
	short := strings.Repeat("𝄞", MaxShortText)
	c.Summary, c.SpecificRequest = long, long
	c.VulnerableEvidence = strings.Repeat("𝄞", MaxNoteText)
	for _, p := range []*string{&c.ConsumerName, &c.ConsumerAddress, &c.BusinessName, &c.BusinessAddress,
		&c.RepresentativeName, &c.RepresentativeRelation, &c.ReferredFrom, &c.ConsumerOldAddress,
		&c.BusinessOnlineChannel, &c.ProductOrService, &c.AssignedTo, &c.CreatedBy, &c.UpdatedBy, &c.VoidReason} {
		*p = short
	}
	for range MaxListItems {
		c.Evidence = append(c.Evidence, short)
	}
	if n := writeSize(c.Fields()); n > MaxWriteBytes || len(c.Fields()) > MaxWriteFields {
		t.Fatalf("the largest case is %d bytes, %d fields; a write holds %d, %d", n, len(c.Fields()), MaxWriteBytes, MaxWriteFields)
	}
}
