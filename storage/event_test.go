package storage

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"bvntd/app"
)

// TestDecodeCaseEventMatchesSetFields checks that decoding a stored event
// straight into the struct gives what SetFields on a fresh event gives,
// for every field of app.CaseEvent (each set to a non-zero value by
// reflection, so a field added later is covered too) and for stored JSON
// with fields missing, null, unknown or in another case.
func TestDecodeCaseEventMatchesSetFields(t *testing.T) {
	var full app.CaseEvent
	v := reflect.ValueOf(&full).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("giá trị " + v.Type().Field(i).Name + " \"ngoặc\" \u00e0\n")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int64, reflect.Int:
			f.SetInt(int64(1000*i + 7))
		case reflect.Struct:
			if f.Type() == reflect.TypeOf(time.Time{}) {
				f.Set(reflect.ValueOf(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)))
				continue
			}
			t.Fatalf("field %s: unhandled struct type %s", v.Type().Field(i).Name, f.Type())
		default:
			t.Fatalf("field %s: unhandled kind %s", v.Type().Field(i).Name, f.Kind())
		}
	}
	b, err := json.Marshal(full.Fields())
	if err != nil {
		t.Fatal(err)
	}
	inputs := []string{
		string(b),
		`{}`,
		`null`,
		`{"id":"e1","kind":"received","at":"2025-01-02T03:04:05Z","amount_recovered":null,"agreed":false}`,
		`{"ID":"e2","Kind":"note","NOTE":"x","unknown":{"a":[1,2]},"amount_recovered":12}`,
		`{"id":"a","id":"b","note":"first","note":"second"}`,
	}
	for _, in := range inputs {
		var want app.CaseEvent
		var f map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &f); err != nil {
			t.Fatal(err)
		}
		if err := want.SetFields(f); err != nil {
			t.Fatal(err)
		}
		var got app.CaseEvent
		if err := decodeCaseEvent(in, &got); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", in, got, want)
		}
	}
	var got app.CaseEvent
	if err := decodeCaseEvent(string(b), &got); err != nil || !reflect.DeepEqual(got, full) {
		t.Errorf("full event does not round-trip: %v\n got %+v\nwant %+v", err, got, full)
	}
}
