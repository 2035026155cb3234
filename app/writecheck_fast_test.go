package app

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzFieldCodec: the validator's field-by-field decoding and encoding
// (fieldCodec), and DecodeObjectInto, equal encoding/json's of the whole
// object, for any values
// of any entity's fields: the same record decoded, the same failure, the
// same JSON written.
//
//	go test ./app -run '^$' -fuzz FuzzFieldCodec
func FuzzFieldCodec(f *testing.F) {
	c := validCase()
	whole, _ := json.Marshal(c.Fields())
	for _, seed := range []struct {
		entity byte
		fields string
	}{
		{0, string(whole)},
		{0, `{"transaction_value":1e999,"voided":"yes","summary":12}`},
		{0, `{"transaction_value":-0,"voided":true,"summary":"a\"b\\c\u2028d</>&"}`},
		{0, "{\"summary\":\"a\u2028b\",\"consumer_name\":\"c\u2029\"}"},
		{0, `{"transaction_value":012,"summary":"x"}`},
		{0, `{"transaction_value":9223372036854775808}`},
		{0, `{"transaction_value":-9223372036854775808,"consumer_name":null,"evidence":null}`},
		{0, `{"evidence":["a","",null],"issue_types":[],"business_name":"\u0000"}`},
		{0, "{\"summary\":\"h\xffng\",\"consumer_name\":\"Nguye\u0302\u0303n\"}"},
		{0, `{"received_at":"2026-03-04T02:30:00.123456789+07:00","voided":null}`},
		{0, `{"received_at":"9999-12-31T23:59:59-23:00"}`},
		{0, `{"received_at":null,"created_at":"2026-03-04T09:30:00+07:00","updated_at":"2026-03-04T02:30:00.5Z"}`},
		{0, `{"received_at":"\u0032026-03-04T02:30:00Z","created_at":"2026-03-04T02:30:00z","updated_at":"2026-02-30T02:30:00Z"}`},
		{0, `{"received_at":"10000-01-01T00:00:00Z","created_at":"2026-03-04T02:30:00+24:00","updated_at":7}`},
		{0, `{"received_at":"2026-03-04T02:30:00.000Z","created_at":"2026-03-04 02:30:00Z","updated_at":""}`},
		{0, `{"Summary":"x"}`},
		{0, `{"summary ":"x"}`},
		{0, `{"summary":"a","voided":true,"summary":7}`},
		{0, ` { "summary" : "a" , "voided" : false } `},
		{1, `{"kind":"ghi_chu","note":"x","at":"2026-03-04T00:00:00Z","unit_code":"28261","amount_recovered":-1}`},
		{2, `{"status":"resolved","kept_value":{"a":1},"resolved_at":"2026-03-04T00:00:00Z"}`},
		{6, `{"title":"T","start_date":"2026-05-10","status":"ke_hoach","planned_participants":1e6}`},
		{7, `{"session_id":"s","participant_id":"p","status":"co_mat","signed":false,"checked_in_at":"2026-03-04T00:00:00Z"}`},
	} {
		f.Add(seed.entity, []byte(seed.fields))
	}
	f.Fuzz(func(t *testing.T, entity byte, fieldsJSON []byte) {
		var fields map[string]json.RawMessage
		if json.Unmarshal(fieldsJSON, &fields) != nil {
			return
		}
		e := fuzzEntities[int(entity)%len(fuzzEntities)]
		// DecodeObjectInto, of the object as it is: its order, its
		// repeated names.
		whole, members := newSyncDoc(e), newSyncDoc(e)
		wholeErr := json.Unmarshal(fieldsJSON, whole)
		if handled, err := DecodeObjectInto(members, fieldsJSON); handled {
			if (wholeErr == nil) != (err == nil) {
				t.Fatalf("%s %s: encoding/json %v, member by member %v", e, fieldsJSON, wholeErr, err)
			}
			if wholeErr == nil && !reflect.DeepEqual(whole, members) {
				t.Fatalf("%s %s: decoded\n%+v\nmember by member\n%+v", e, fieldsJSON, whole, members)
			}
		}
		slow := newSyncDoc(e)
		slowErr := json.Unmarshal(EncodeFields(fields), slow)
		fast := newSyncDoc(e)
		c := codecOfDoc(fast)
		if c == nil {
			t.Skipf("%s: no field codec", e)
		}
		handled, fastErr := c.setFields(fast, fields)
		if !handled {
			for name := range fields {
				if _, ok := c.fields[name]; !ok {
					return // a name encoding/json may match without case: left to it
				}
			}
			t.Fatalf("%s: not handled: %s", e, fieldsJSON)
		}
		if (slowErr == nil) != (fastErr == nil) {
			t.Fatalf("%s %s: encoding/json %v, field by field %v", e, fieldsJSON, slowErr, fastErr)
		}
		if slowErr != nil {
			return
		}
		if !reflect.DeepEqual(slow, fast) {
			t.Fatalf("%s %s: decoded\n%+v\nfield by field\n%+v", e, fieldsJSON, slow, fast)
		}
		canon, slowErr := encodeFields(slow)
		got, handled, fastErr := c.encode(fast, fields)
		if !handled || (slowErr == nil) != (fastErr == nil) {
			t.Fatalf("%s %s: encoding: handled %v, encoding/json %v, field by field %v", e, fieldsJSON, handled, slowErr, fastErr)
		}
		if slowErr != nil {
			return
		}
		for name := range fields {
			if !bytes.Equal(canon[name], got[name]) {
				t.Fatalf("%s %s: %s written %s by encoding/json, %s field by field", e, fieldsJSON, name, canon[name], got[name])
			}
		}
	})
}

// TestFieldCodec_EveryRecordType: every entity a device writes has a field
// codec (a record type that loses it goes back to encoding/json whole,
// which is correct but slower: this says so).
func TestFieldCodec_EveryRecordType(t *testing.T) {
	for _, e := range fuzzEntities {
		if codecOfDoc(newSyncDoc(e)) == nil {
			t.Errorf("%s: no field codec", e)
		}
	}
}

// TestFieldCodec_LeavesToEncodingJSON: a type whose names encoding/json
// resolves its own way has no codec.
func TestFieldCodec_LeavesToEncodingJSON(t *testing.T) {
	type Inner struct {
		A string `json:"a"`
	}
	for name, v := range map[string]any{
		"untagged": &struct{ A string }{},
		"option": &struct {
			A string `json:"a,omitempty"`
		}{},
		"twice": &struct {
			Inner
			A string `json:"a"`
		}{},
		"embedded tagged": &struct {
			Inner `json:"in"`
		}{},
		"embedded ptr": &struct{ *Inner }{},
	} {
		if codecOfDoc(v) != nil {
			t.Errorf("%s: has a codec", name)
		}
	}
	if codecOfDoc(&struct {
		Inner
		B int `json:"b"`
	}{}) == nil {
		t.Error("a plain embedding: no codec")
	}
}
