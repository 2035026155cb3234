package storage

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"bvntd/app"
)

// decodeRawByUnmarshal is decodeRaw as it was: the object with "id"
// added last, through json.Unmarshal. decodeRaw must agree with it.
func decodeRawByUnmarshal(k *kind, id string, raw []byte) (doc, error) {
	buf := append([]byte(nil), raw[:len(raw)-1]...)
	if len(bytesTrimSpace(raw[1:len(raw)-1])) > 0 {
		buf = append(buf, ',')
	}
	return decodeWithID(k, buf, id)
}

// checkDecodeRaw fails t unless decodeRaw of raw, a valid JSON object,
// gives what decodeRawByUnmarshal gives (or both fail).
func checkDecodeRaw(t *testing.T, k *kind, id string, raw []byte) {
	t.Helper()
	want, werr := decodeRawByUnmarshal(k, id, raw)
	got, gerr := decodeRaw(k, id, raw)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%s %q: error %v, json.Unmarshal's %v", k.entity, raw, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q: decoded\n%+v\njson.Unmarshal gives\n%+v", k.entity, raw, got, want)
	}
}

// TestDecodeRaw_AsEncodingJSON: every kind of record, with all its fields
// written, with unknown fields, nulls, a name in other case, escapes and
// an "id" of its own, decodes as encoding/json decodes it.
func TestDecodeRaw_AsEncodingJSON(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, app.ICT)
	for _, k := range kinds() {
		r := k.new()
		fillRecord(reflect.ValueOf(r).Elem())
		full, err := app.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		open := strings.TrimSuffix(string(full), "}")
		for _, raw := range []string{
			string(full), `{}`, `{"id":"other"}`,
			open + `,"not_a_field":[1,{"a":"}"}],"zz":null}`,
			`{"Status":"x","summary":"a\u00e9\n\"b\"","unit_code":null}`,
			`{"summary":"\ud800","voided":"yes"}`, `{"summary":7}`, `{"summary":"a","summary":"b"}`,
		} {
			checkDecodeRaw(t, k, "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", []byte(raw))
		}
	}
	for _, c := range syntheticCases(50, 1, now) {
		raw := app.EncodeFields(c.Fields())
		checkDecodeRaw(t, caseKind, c.ID, raw)
	}
}

// FuzzDecodeRaw: decodeRaw of any valid JSON object a server may send is
// what encoding/json makes of it, for a case and a training session.
func FuzzDecodeRaw(f *testing.F) {
	for _, c := range syntheticCases(3, 2, time.Date(2026, 11, 20, 9, 0, 0, 0, app.ICT)) {
		f.Add(app.EncodeFields(c.Fields()), false)
	}
	f.Add([]byte(`{"summary":"\u0041","voided":true,"transaction_value":-0}`), false)
	f.Add([]byte(`{"title":"Tập huấn","participants_count":12}`), true)
	session, _ := kindOf(app.EntityTraining)
	f.Fuzz(func(t *testing.T, raw []byte, other bool) {
		if !json.Valid(raw) || len(raw) < 2 || raw[0] != '{' || raw[len(raw)-1] != '}' {
			return
		}
		k := caseKind
		if other {
			k = session
		}
		checkDecodeRaw(t, k, "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", raw)
	})
}

// BenchmarkDecodeRaw decodes a pulled case's fields as a fresh pull does
// (decodeRaw), and as it did through json.Unmarshal of the object.
func BenchmarkDecodeRaw(b *testing.B) {
	cases := syntheticCases(100, 3, time.Date(2026, 11, 20, 9, 0, 0, 0, app.ICT))
	raws := make([][]byte, len(cases))
	for i, c := range cases {
		raws[i] = app.EncodeFields(c.Fields())
	}
	for _, v := range []struct {
		name   string
		decode func(*kind, string, []byte) (doc, error)
	}{{"members", decodeRaw}, {"unmarshal", decodeRawByUnmarshal}} {
		b.Run(v.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := v.decode(caseKind, cases[i%len(cases)].ID, raws[i%len(raws)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
