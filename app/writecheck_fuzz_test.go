package app

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzEntities are the entities FuzzValidateWrite writes, by the fuzzer's
// byte.
var fuzzEntities = []string{EntityCase, EntityCaseEvent, EntityConflict, EntityOfficer, EntityOrganisation,
	EntityParticipant, EntityTraining, EntityAttendance, EntityOutreach, EntityPublication, EntityOffPremisesNotice}

// FuzzValidateWrite: whatever a device writes onto whatever is held, the
// check never panics, and what it accepts is what the laptops can read:
// every value decodes into its type, every text is valid UTF-8 in NFC, and
// checking the accepted values again accepts them unchanged.
//
//	go test ./app -run '^$' -fuzz FuzzValidateWrite
func FuzzValidateWrite(f *testing.F) {
	c := validCase()
	held, _ := json.Marshal(c.Fields())
	for _, seed := range []struct {
		entity        byte
		fields, held  string
		exists, delta bool
	}{
		{0, `{"transaction_value":1e999}`, string(held), true, false},
		{0, `{"status":12345,"voided":"yes"}`, string(held), true, false},
		{0, `{"summary":"<<<<<<<<<<<<<<<<<<<<<<<<"}`, string(held), true, false},
		{0, "{\"summary\":\"h\xffng\"}", string(held), true, false},
		{0, "{\"summ\xffry\":\"x\"}", "{}", false, false},
		{0, `{"updated_at":"9999-12-31T23:59:59-23:00"}`, string(held), true, false},
		{0, `{"received_at":"2026-03-04T02:30:00.123456789+07:00","consumer_name":"Nguye\u0302\u0303n"}`, string(held), true, false},
		{0, `{"evidence":["a","",null],"issue_types":null,"business_name":"\u0000"}`, string(held), true, false},
		{0, `{"status":"dang_xu_ly"}`, `{"transaction_value":1e999,"voided":"yes","summary":12}`, true, false},
		{1, `{"kind":"ghi_chu","note":"x","at":"2026-03-04T00:00:00Z","unit_code":"28261","amount_recovered":-1}`, "{}", false, false},
		{2, `{"status":"resolved","resolution":"keep","resolved_by":"A","resolved_at":"2026-03-04T00:00:00Z"}`, `{"status":"open","kept_value":{"a":1}}`, true, false},
		{6, `{"title":"T","start_date":"2026-05-10","end_date":"2026-05-01","status":"ke_hoach","planned_participants":1e6}`, "{}", false, false},
		{7, `{"session_id":"s","participant_id":"p","status":"co_mat","checked_in_at":"2026-03-04T00:00:00Z"}`, "{}", false, false},
	} {
		f.Add(seed.entity, []byte(seed.fields), []byte(seed.held), seed.exists)
	}
	f.Fuzz(func(t *testing.T, entity byte, fieldsJSON, heldJSON []byte, exists bool) {
		var fields, heldFields map[string]json.RawMessage
		if json.Unmarshal(fieldsJSON, &fields) != nil || json.Unmarshal(heldJSON, &heldFields) != nil {
			return // the wire decodes a mutation's fields as a JSON object
		}
		e := fuzzEntities[int(entity)%len(fuzzEntities)]
		const id = "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"
		rec := HeldRecord{Exists: exists, Fields: heldFields, Version: 1}
		w := IncomingWrite{Entity: e, RecordID: id, UnitCode: "28261", Fields: fields}
		got, err := ValidateWrite(rec, w, testRefs, validationNow)
		if err != nil {
			if c := ErrorCode(err); c != EINVALIDVALUE && c != ETOOLARGE || ErrorMessage(err) == "" {
				t.Fatalf("refusal %v: code %s", err, c)
			}
			return
		}
		if len(got) != len(fields) {
			t.Fatalf("accepted %d fields of %d", len(got), len(fields))
		}
		d := newSyncDoc(e)
		if err := setRaw(d, got); err != nil {
			t.Fatalf("accepted values do not decode: %v (%s)", err, got)
		}
		if _, err := encodeFields(d); err != nil {
			t.Fatalf("accepted values do not encode: %v", err)
		}
		for name, v := range got {
			if !utf8.Valid(v) {
				t.Fatalf("%s: not UTF-8: %q", name, v)
			}
			var s string
			if json.Unmarshal(v, &s) == nil && !norm.NFC.IsNormalString(s) {
				t.Fatalf("%s: not NFC: %q", name, s)
			}
		}
		again, err := ValidateWrite(rec, IncomingWrite{Entity: e, RecordID: id, UnitCode: "28261", Fields: got}, testRefs, validationNow)
		if err != nil {
			t.Fatalf("the accepted values are refused when sent again: %v", err)
		}
		for name, v := range got {
			if string(again[name]) != string(v) {
				t.Fatalf("%s: %s, then %s", name, v, again[name])
			}
		}
	})
}
