package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"bvntd/app"
)

// fillRecord sets every exported field of v to a value of its own (text
// naming the field, true, 7, a fixed time, a list of two): a record with
// all its fields written.
func fillRecord(v reflect.Value) {
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		switch {
		case f.Type() == reflect.TypeFor[time.Time]():
			f.Set(reflect.ValueOf(time.Date(2026, 11, 20, 2, 3, 4, 0, time.UTC)))
		case f.Kind() == reflect.Struct:
			fillRecord(f)
		case f.Kind() == reflect.String:
			f.SetString("x-" + sf.Name + " <Việt> & \"q\"")
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.CanInt():
			f.SetInt(7)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.ValueOf([]string{"a-" + sf.Name, "b"}).Convert(f.Type()))
		}
	}
}

// TestDecodeRecord_PlainDocumentsAsSetFields: a record marked
// app.PlainDocument decodes from its stored document, in one pass, into
// exactly what SetFields makes of it (unknown fields and nulls included).
func TestDecodeRecord_PlainDocumentsAsSetFields(t *testing.T) {
	plain := 0
	for _, e := range app.RecordEntities {
		decl, ok := app.KindOf(e)
		if !ok {
			continue
		}
		r := decl.New()
		if _, ok := r.(app.PlainDocument); !ok {
			continue
		}
		plain++
		fillRecord(reflect.ValueOf(r).Elem())
		b, err := app.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		docs := []string{string(b), strings.TrimSuffix(string(b), "}") + `,"not_a_field":[1,{"a":2}],"later_field":null}`,
			`{"id":"x","status":null,"unit_code":"28261"}`, `{}`}
		for _, doc := range docs {
			want, got := decl.New(), decl.New()
			var f map[string]json.RawMessage
			if err := json.Unmarshal([]byte(doc), &f); err != nil {
				t.Fatal(err)
			}
			if err := want.SetFields(f); err != nil {
				t.Fatal(err)
			}
			if err := decodeRecord(doc, got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: decoded\n%+v\nSetFields gives\n%+v", e, got, want)
			}
		}
	}
	if plain < 7 {
		t.Fatalf("%d plain record kinds, want the 7 of the training and outreach work", plain)
	}
}

// BenchmarkListRecords_Attendance reads a province's worth of attendance
// rows as the dashboard does (ListRecords, every commune):
//
//	go test -tags ci -run '^$' -bench ListRecords_Attendance -benchmem ./storage
func BenchmarkListRecords_Attendance(b *testing.B) {
	ctx := context.Background()
	db := openTestDB(b, Options{Now: at(2026, 11, 20, 9, 0).Now})
	const n = 20000
	var recs []app.PulledRecord
	for i := range n {
		a := &app.Attendance{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: fmt.Sprintf("28%03d", i%50),
			CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)},
			SessionID: fmt.Sprintf("s-%d", i/40), ParticipantID: fmt.Sprintf("p-%d", i%3000), Status: "co_mat", Signed: i%2 == 0}
		a.UpdatedAt = a.CreatedAt
		recs = append(recs, app.PulledRecord{Entity: app.EntityAttendance, ID: a.ID, Fields: a.Fields(), Version: int64(i + 1)})
	}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "province", Epoch: "e1", NextSeq: n, Records: recs}}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		got, err := ListRecords[app.Attendance](ctx, db, RecordQuery{})
		if err != nil || len(got) != n {
			b.Fatalf("%d rows, %v", len(got), err)
		}
	}
}
