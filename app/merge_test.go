package app

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"bvntd/app/clocktest"
)

// TestMergeWrite is the merge rule of sync, rule by rule. Device "a" wrote
// what the server holds; device "b" sends the write, except where a row
// says otherwise.
func TestMergeWrite(t *testing.T) {
	day := clocktest.Day(clocktest.Today(t)).UnixMilli()
	at := func(minute int64, device string, version int64) Stamp {
		return Stamp{HLC: HLC{Wall: day + minute*int64(time.Minute/time.Millisecond)}, Device: device, Version: version}
	}
	const id, unit = "0190f5c2-0000-7000-8000-000000000001", "28261"
	f := func(kv ...string) map[string]json.RawMessage {
		m := map[string]json.RawMessage{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = raw(kv[i+1])
		}
		return m
	}
	// held returns a record of version v whose fields were all set by st.
	held := func(v int64, st Stamp, kv ...string) HeldRecord {
		r := HeldRecord{Exists: true, Fields: f(kv...), Stamps: map[string]Stamp{}, Version: v}
		for name := range r.Fields {
			r.Stamps[name] = st
		}
		return r
	}
	// with sets some fields of r as written by st.
	with := func(r HeldRecord, st Stamp, kv ...string) HeldRecord {
		for name, v := range f(kv...) {
			r.Fields[name], r.Stamps[name] = v, st
		}
		return r
	}
	write := func(entity string, base int64, st Stamp, kv ...string) IncomingWrite {
		return IncomingWrite{Entity: entity, RecordID: id, UnitCode: unit, Fields: f(kv...), Stamp: st, BaseVersion: base}
	}
	a1, a2 := at(10, "a", 1), at(10, "a", 2)
	bNew, bOld := at(20, "b", 3), at(5, "b", 3)

	tests := []struct {
		name string
		rec  HeldRecord
		w    IncomingWrite
		// wantFields and wantStamps: the record after the write; nil: as
		// held (the write won nothing).
		wantFields map[string]json.RawMessage
		wantStamps map[string]Stamp
		wantWon    []string
		want       []MergeConflict
		wantErr    string // the refusal's message
	}{
		{
			name:       "FirstWriteAddsIDAndUnit",
			rec:        HeldRecord{},
			w:          write(EntityCase, 0, at(1, "b", 1), "summary", `"Nước mắm giả"`),
			wantFields: f("id", `"`+id+`"`, "unit_code", `"`+unit+`"`, "summary", `"Nước mắm giả"`),
			wantStamps: map[string]Stamp{"id": at(1, "b", 1), "unit_code": at(1, "b", 1), "summary": at(1, "b", 1)},
			wantWon:    []string{"id", "summary", "unit_code"},
		},
		{
			name:       "FirstWriteCarryingIDAndUnit",
			rec:        HeldRecord{Fields: map[string]json.RawMessage{}, Stamps: map[string]Stamp{}},
			w:          write(EntityParticipant, 0, at(1, "b", 1), "id", `"`+id+`"`, "unit_code", `"`+unit+`"`),
			wantFields: f("id", `"`+id+`"`, "unit_code", `"`+unit+`"`),
			wantStamps: map[string]Stamp{"id": at(1, "b", 1), "unit_code": at(1, "b", 1)},
			wantWon:    []string{"id", "unit_code"},
		},
		{
			name:       "SeenLaterHLCWins",
			rec:        held(1, a1, "summary", `"A"`),
			w:          write(EntityCase, 1, bNew, "summary", `"B"`),
			wantFields: f("summary", `"B"`),
			wantStamps: map[string]Stamp{"summary": bNew},
			wantWon:    []string{"summary"},
		},
		{
			name: "SeenEarlierHLCLoses",
			rec:  held(2, a2, "summary", `"A"`),
			w:    write(EntityCase, 2, bOld, "summary", `"B"`),
		},
		{
			name:       "SameHLCGreaterDeviceWins",
			rec:        held(1, at(10, "a", 1), "summary", `"A"`),
			w:          write(EntityCase, 1, at(10, "b", 2), "summary", `"B"`),
			wantFields: f("summary", `"B"`),
			wantStamps: map[string]Stamp{"summary": at(10, "b", 2)},
			wantWon:    []string{"summary"},
		},
		{
			name: "SameHLCSmallerDeviceLoses",
			rec:  held(1, at(10, "b", 1), "summary", `"B"`),
			w:    write(EntityCase, 1, at(10, "a", 2), "summary", `"A"`),
		},
		{
			name:       "FieldByField",
			rec:        with(held(2, a1, "summary", `"A"`, "sector", `"thuc_pham"`), at(30, "a", 2), "status", `"dang_xu_ly"`),
			w:          write(EntityCase, 2, bNew, "summary", `"B"`, "status", `"da_giai_quyet"`, "channel", `"phone"`),
			wantFields: f("summary", `"B"`, "sector", `"thuc_pham"`, "status", `"dang_xu_ly"`, "channel", `"phone"`),
			wantStamps: map[string]Stamp{"summary": bNew, "sector": a1, "status": at(30, "a", 2), "channel": bNew},
			wantWon:    []string{"channel", "summary"},
		},
		{
			name:       "SameDeviceNeverConflicts",
			rec:        held(2, at(10, "b", 2), "summary", `"B1"`),
			w:          write(EntityCase, 0, bNew, "summary", `"B2"`),
			wantFields: f("summary", `"B2"`),
			wantStamps: map[string]Stamp{"summary": bNew},
			wantWon:    []string{"summary"},
		},
		{
			// The other write made version 2 and the writer had seen it.
			name:       "BaseVersionHadSeenTheOtherWrite",
			rec:        held(2, a2, "summary", `"A"`),
			w:          write(EntityCase, 2, bNew, "summary", `"B"`),
			wantFields: f("summary", `"B"`),
			wantStamps: map[string]Stamp{"summary": bNew},
			wantWon:    []string{"summary"},
		},
		{
			name:       "UnseenDifferentValueThisWriteWins",
			rec:        held(2, a2, "summary", `"A"`),
			w:          write(EntityCase, 1, bNew, "summary", `"B"`),
			wantFields: f("summary", `"B"`),
			wantStamps: map[string]Stamp{"summary": bNew},
			wantWon:    []string{"summary"},
			want: []MergeConflict{{Kind: ConflictField, Field: "summary",
				Kept: raw(`"B"`), KeptStamp: bNew, Other: raw(`"A"`), OtherStamp: a2}},
		},
		{
			name: "UnseenDifferentValueHeldWins",
			rec:  held(2, a2, "summary", `"A"`),
			w:    write(EntityCase, 1, bOld, "summary", `"B"`),
			want: []MergeConflict{{Kind: ConflictField, Field: "summary",
				Kept: raw(`"A"`), KeptStamp: a2, Other: raw(`"B"`), OtherStamp: bOld}},
		},
		{
			name: "UnseenNeverReceivedTheRecord",
			rec:  held(1, a1, "consumer_phone", `"0912345678"`),
			w:    write(EntityCase, 0, bOld, "consumer_phone", `"0987654321"`),
			want: []MergeConflict{{Kind: ConflictField, Field: "consumer_phone",
				Kept: raw(`"0912345678"`), KeptStamp: a1, Other: raw(`"0987654321"`), OtherStamp: bOld}},
		},
		{
			// The same value, written differently: no conflict, and the
			// later write takes the field.
			name:       "UnseenSameValue",
			rec:        held(2, a2, "vulnerable_groups", `["tre_em","nguoi_cao_tuoi"]`),
			w:          write(EntityCase, 1, bNew, "vulnerable_groups", ` [ "tre_em", "nguoi_cao_tuoi" ] `),
			wantFields: f("vulnerable_groups", ` [ "tre_em", "nguoi_cao_tuoi" ] `),
			wantStamps: map[string]Stamp{"vulnerable_groups": bNew},
			wantWon:    []string{"vulnerable_groups"},
		},
		{
			name:       "UnseenBookkeepingField",
			rec:        held(2, a2, "updated_at", `"2026-03-02T08:00:00Z"`, "updated_by", `"Lê Thị Hoa"`),
			w:          write(EntityCase, 1, bNew, "updated_at", `"2026-03-02T09:00:00Z"`, "updated_by", `"Trần Văn Bình"`),
			wantFields: f("updated_at", `"2026-03-02T09:00:00Z"`, "updated_by", `"Trần Văn Bình"`),
			wantStamps: map[string]Stamp{"updated_at": bNew, "updated_by": bNew},
			wantWon:    []string{"updated_at", "updated_by"},
		},
		{
			// Attendance: the status is for review, the check-in time not.
			name:       "UnseenAttendance",
			rec:        held(2, a2, "status", `"present"`, "checked_in_at", `"2026-03-02T08:00:00Z"`),
			w:          write(EntityAttendance, 1, bNew, "status", `"absent"`, "checked_in_at", `"2026-03-02T08:05:00Z"`),
			wantFields: f("status", `"absent"`, "checked_in_at", `"2026-03-02T08:05:00Z"`),
			wantStamps: map[string]Stamp{"status": bNew, "checked_in_at": bNew},
			wantWon:    []string{"checked_in_at", "status"},
			want: []MergeConflict{{Kind: ConflictField, Field: "status",
				Kept: raw(`"absent"`), KeptStamp: bNew, Other: raw(`"present"`), OtherStamp: a2}},
		},
		{
			name:       "UnseenFieldConflictsByFieldName",
			rec:        held(2, a2, "summary", `"A"`, "sector", `"thuc_pham"`, "channel", `"phone"`),
			w:          write(EntityCase, 1, at(10, "b", 3), "summary", `"B"`, "sector", `"dien_tu"`, "channel", `"phone"`),
			wantFields: f("summary", `"B"`, "sector", `"dien_tu"`, "channel", `"phone"`),
			wantStamps: map[string]Stamp{"summary": at(10, "b", 3), "sector": at(10, "b", 3), "channel": at(10, "b", 3)},
			wantWon:    []string{"channel", "sector", "summary"},
			want: []MergeConflict{
				{Kind: ConflictField, Field: "sector", Kept: raw(`"dien_tu"`), KeptStamp: at(10, "b", 3), Other: raw(`"thuc_pham"`), OtherStamp: a2},
				{Kind: ConflictField, Field: "summary", Kept: raw(`"B"`), KeptStamp: at(10, "b", 3), Other: raw(`"A"`), OtherStamp: a2},
			},
		},
		{
			// The edit's fields merge as usual; the case stays voided.
			name:       "EditOfCaseVoidedConcurrently",
			rec:        with(held(1, a1, "summary", `"A"`, "voided", `false`), a2, "voided", `true`, "void_reason", `"Nhập trùng."`),
			w:          write(EntityCase, 1, bNew, "summary", `"B"`, "updated_by", `"Trần Văn Bình"`),
			wantFields: f("summary", `"B"`, "voided", `true`, "void_reason", `"Nhập trùng."`, "updated_by", `"Trần Văn Bình"`),
			wantStamps: map[string]Stamp{"summary": bNew, "voided": a2, "void_reason": a2, "updated_by": bNew},
			wantWon:    []string{"summary", "updated_by"},
			want: []MergeConflict{{Kind: ConflictVoidEdit, Field: "voided",
				Kept: raw(`true`), KeptStamp: a2, Other: raw(`{"summary":"B","updated_by":"Trần Văn Bình"}`), OtherStamp: bNew}},
		},
		{
			// The voiding device had also changed the summary: the
			// edit-vs-void conflict comes first.
			name: "EditOfCaseVoidedConcurrentlyAndAFieldConflict",
			rec:  held(2, a2, "summary", `"A"`, "voided", `true`),
			w:    write(EntityCase, 1, bOld, "summary", `"B"`),
			want: []MergeConflict{
				{Kind: ConflictVoidEdit, Field: "voided", Kept: raw(`true`), KeptStamp: a2, Other: raw(`{"summary":"B"}`), OtherStamp: bOld},
				{Kind: ConflictField, Field: "summary", Kept: raw(`"A"`), KeptStamp: a2, Other: raw(`"B"`), OtherStamp: bOld},
			},
		},
		{
			name:       "EditAfterSeeingTheVoid",
			rec:        held(2, a2, "summary", `"A"`, "voided", `true`),
			w:          write(EntityCase, 2, bNew, "summary", `"B"`),
			wantFields: f("summary", `"B"`, "voided", `true`),
			wantStamps: map[string]Stamp{"summary": bNew, "voided": a2},
			wantWon:    []string{"summary"},
		},
		{
			name:       "EditOfCaseVoidedBySameDevice",
			rec:        held(2, at(10, "b", 2), "summary", `"A"`, "voided", `true`),
			w:          write(EntityCase, 1, bNew, "summary", `"B"`),
			wantFields: f("summary", `"B"`, "voided", `true`),
			wantStamps: map[string]Stamp{"summary": bNew, "voided": at(10, "b", 2)},
			wantWon:    []string{"summary"},
		},
		{
			// Voided false (never voided, or restored) is no void.
			name:       "EditOfCaseNotVoided",
			rec:        held(2, a2, "voided", `false`),
			w:          write(EntityCase, 1, bNew, "summary", `"B"`),
			wantFields: f("summary", `"B"`, "voided", `false`),
			wantStamps: map[string]Stamp{"summary": bNew, "voided": a2},
			wantWon:    []string{"summary"},
		},
		{
			// Edit-vs-void is the cases' rule; a voided registry record
			// merges like any field.
			name:       "EditOfOtherRecordVoidedConcurrently",
			rec:        held(2, a2, "full_name", `"Lê Thị Hoa"`, "voided", `true`),
			w:          write(EntityParticipant, 1, bNew, "phone", `"0912345678"`),
			wantFields: f("full_name", `"Lê Thị Hoa"`, "voided", `true`, "phone", `"0912345678"`),
			wantStamps: map[string]Stamp{"full_name": a2, "voided": a2, "phone": bNew},
			wantWon:    []string{"phone"},
		},
		{
			// An edit that restores the voided case, made without seeing
			// the void: no edit-vs-void, but the field itself conflicts.
			name:       "EditSetsVoidedItself",
			rec:        held(2, a2, "voided", `true`, "void_reason", `"Nhập trùng."`),
			w:          write(EntityCase, 1, bNew, "voided", `false`),
			wantFields: f("voided", `false`, "void_reason", `"Nhập trùng."`),
			wantStamps: map[string]Stamp{"voided": bNew, "void_reason": a2},
			wantWon:    []string{"voided"},
			want: []MergeConflict{{Kind: ConflictField, Field: "voided",
				Kept: raw(`false`), KeptStamp: bNew, Other: raw(`true`), OtherStamp: a2}},
		},
		{
			// Both voided it: nothing to review.
			name:       "BothVoided",
			rec:        held(2, a2, "voided", `true`, "void_reason", `"Nhập trùng."`),
			w:          write(EntityCase, 1, bNew, "voided", `true`, "void_reason", `"Nhập trùng."`),
			wantFields: f("voided", `true`, "void_reason", `"Nhập trùng."`),
			wantStamps: map[string]Stamp{"voided": bNew, "void_reason": bNew},
			wantWon:    []string{"void_reason", "voided"},
		},
		{
			name:    "ConflictCreatedByDevice",
			rec:     HeldRecord{},
			w:       write(EntityConflict, 0, bNew, "status", `"open"`),
			wantErr: msgConflictWrite,
		},
		{
			name:    "ConflictValueRewritten",
			rec:     held(1, at(1, "server", 1), "status", `"open"`, "kept_value", `"A"`),
			w:       write(EntityConflict, 1, bNew, "status", `"resolved"`, "kept_value", `"B"`),
			wantErr: msgConflictWrite,
		},
		{
			name:       "ConflictResolved",
			rec:        held(1, at(1, "server", 1), "status", `"open"`, "kept_value", `"A"`),
			w:          write(EntityConflict, 1, bNew, "status", `"resolved"`, "resolution", `"keep"`),
			wantFields: f("status", `"resolved"`, "resolution", `"keep"`, "kept_value", `"A"`),
			wantStamps: map[string]Stamp{"status": bNew, "resolution": bNew, "kept_value": at(1, "server", 1)},
			wantWon:    []string{"resolution", "status"},
		},
		{
			// Two supervisors resolving one conflict differently: the later
			// resolution stands, with nothing more to review.
			name: "ConflictResolvedConcurrently",
			rec:  held(2, a2, "status", `"resolved"`, "resolution", `"other"`),
			w:    write(EntityConflict, 1, bOld, "status", `"resolved"`, "resolution", `"keep"`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneHeld(tt.rec)
			wFields := maps.Clone(tt.w.Fields)
			got, err := MergeWrite(tt.rec, tt.w)
			if !sameHeld(tt.rec, before) || !maps.EqualFunc(tt.w.Fields, wFields, rawEqual) {
				t.Fatal("MergeWrite changed its arguments")
			}
			if cerr := CheckWrite(tt.rec, tt.w); (cerr == nil) != (err == nil) {
				t.Fatalf("CheckWrite = %v, MergeWrite = %v", cerr, err)
			}
			if tt.wantErr != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != EINVALID || e.Message != tt.wantErr {
					t.Fatalf("err = %v, want %s: %s", err, EINVALID, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantFields, wantStamps := tt.wantFields, tt.wantStamps
			if wantFields == nil {
				wantFields, wantStamps = tt.rec.Fields, tt.rec.Stamps
			}
			if !maps.EqualFunc(got.Fields, wantFields, rawEqual) {
				t.Errorf("fields = %s, want %s", fmtFields(got.Fields), fmtFields(wantFields))
			}
			if !maps.Equal(got.Stamps, wantStamps) {
				t.Errorf("stamps = %+v, want %+v", got.Stamps, wantStamps)
			}
			if !slices.Equal(got.Won, tt.wantWon) {
				t.Errorf("won = %q, want %q", got.Won, tt.wantWon)
			}
			if !slices.EqualFunc(got.Conflicts, tt.want, func(x, y MergeConflict) bool {
				return x.Kind == y.Kind && x.Field == y.Field && x.KeptStamp == y.KeptStamp && x.OtherStamp == y.OtherStamp &&
					rawEqual(x.Kept, y.Kept) && rawEqual(x.Other, y.Other)
			}) {
				t.Errorf("conflicts:\n got %s\nwant %s", fmtConflicts(got.Conflicts), fmtConflicts(tt.want))
			}
		})
	}
}

// rawEqual compares JSON values byte for byte: the merge keeps the bytes
// each write sent.
func rawEqual(a, b json.RawMessage) bool { return string(a) == string(b) }

func cloneHeld(r HeldRecord) HeldRecord {
	r.Fields, r.Stamps = maps.Clone(r.Fields), maps.Clone(r.Stamps)
	return r
}

func sameHeld(a, b HeldRecord) bool {
	return a.Exists == b.Exists && a.Version == b.Version &&
		maps.EqualFunc(a.Fields, b.Fields, rawEqual) && maps.Equal(a.Stamps, b.Stamps)
}

func fmtConflicts(cs []MergeConflict) string {
	b, _ := json.Marshal(cs)
	return string(b)
}

func TestJSONEqual(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{`"A"`, `"A"`, true},
		{`{"x":1,"y":[1,2]}`, ` { "y" : [1, 2], "x": 1 } `, true},
		{`"A"`, `"B"`, false},
		{`1`, `"1"`, false},
		{`null`, ``, false},
		{`true`, `tru`, false},
	} {
		if got := JSONEqual(raw(tt.a), raw(tt.b)); got != tt.want {
			t.Errorf("JSONEqual(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestMergeNew_IsMergeWrite: the fields of a new record merged ahead are
// MergeWrite's, with or without the id and unit_code, and a write MergeWrite
// refuses is refused alike.
func TestMergeNew_IsMergeWrite(t *testing.T) {
	st := Stamp{HLC: HLC{Wall: 1773626400000}, Device: "d1", Version: 1}
	for _, w := range []IncomingWrite{
		{Entity: EntityCase, RecordID: "r1", UnitCode: "28261", Stamp: st,
			Fields: map[string]json.RawMessage{"summary": json.RawMessage(`"Hàng giả"`), "status": json.RawMessage(`"received"`)}},
		{Entity: EntityCase, RecordID: "r2", UnitCode: "28261", Stamp: st,
			Fields: map[string]json.RawMessage{"id": json.RawMessage(`"r2"`), "unit_code": json.RawMessage(`"28261"`), "voided": json.RawMessage(`true`)}},
		{Entity: EntityCase, RecordID: "r3", UnitCode: "28261", Stamp: st},
		{Entity: EntityConflict, RecordID: "r4", UnitCode: "28261", Stamp: st,
			Fields: map[string]json.RawMessage{"status": json.RawMessage(`"resolved"`)}},
	} {
		fields, err := MergeNew(w)
		d, werr := MergeWrite(HeldRecord{}, w)
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("%s: MergeNew %v, MergeWrite %v", w.RecordID, err, werr)
		}
		if err != nil {
			continue
		}
		if !reflect.DeepEqual(fields, d.Fields) || len(d.Conflicts) != 0 {
			t.Errorf("%s: MergeNew %v, MergeWrite %v (%d conflicts)", w.RecordID, fields, d.Fields, len(d.Conflicts))
		}
		for name, s := range d.Stamps {
			if s != st {
				t.Errorf("%s: MergeWrite stamped %s %v, not the write's stamp", w.RecordID, name, s)
			}
		}
	}
}
