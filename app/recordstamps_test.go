package app

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"
)

// TestRecordStamps_RoundTrip: whatever the mix of stamps, the stored form
// reads back as the stamps written, and the old full form still reads.
func TestRecordStamps_RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 7))
	pool := []Stamp{
		{HLC: HLC{Wall: 1773626400000, Logical: 7}, Device: "0195a3c4-5b6d-7e8f-9a0b-000000000001", Version: 1},
		{HLC: HLC{Wall: 1773626400000, Logical: 7}, Device: "0195a3c4-5b6d-7e8f-9a0b-000000000001", Version: 2},
		{HLC: HLC{Wall: 1773626500000, Logical: 0}, Device: "server", Version: 3},
		{HLC: HLC{Wall: 1, Logical: 0}, Device: `thiết bị "lạ"`},
	}
	for round := 0; round < 500; round++ {
		n := rng.IntN(60)
		fields := map[string]json.RawMessage{}
		stamps := map[string]Stamp{}
		kinds := 1 + rng.IntN(len(pool))
		for i := 0; i < n; i++ {
			name := string(rune('a'+i%26)) + string(rune('a'+i/26)) + "_ý"
			fields[name] = json.RawMessage(`1`)
			stamps[name] = pool[rng.IntN(kinds)]
		}
		enc := EncodeRecordStamps(stamps, fields)
		back, err := DecodeRecordStamps(enc, fields)
		if err != nil || !reflect.DeepEqual(back, stamps) {
			t.Fatalf("round %d: %s read back as %v, %v; want %v", round, enc, back, err, stamps)
		}
		if n > 1 && len(enc) >= len(EncodeStamps(stamps)) && kinds == 1 {
			t.Fatalf("round %d: one stamp on %d fields not shared: %s", round, n, enc)
		}
		full, err := DecodeRecordStamps(EncodeStamps(stamps), fields)
		if err != nil || !reflect.DeepEqual(full, stamps) {
			t.Fatalf("round %d: the full form read back as %v, %v", round, full, err)
		}
		again := EncodeRecordStamps(maps.Clone(stamps), maps.Clone(fields))
		if !bytes.Equal(again, enc) {
			t.Fatalf("round %d: the form depends on the map's order:\n%s\n%s", round, enc, again)
		}
	}
}

// TestRecordStamps_FullFormWhenNamesDiffer: stamps of names that are not
// the fields' (or the empty name) are written in full, so nothing is lost.
func TestRecordStamps_FullFormWhenNamesDiffer(t *testing.T) {
	st := Stamp{HLC: HLC{Wall: 5}, Device: "d", Version: 1}
	for _, c := range []struct {
		stamps map[string]Stamp
		fields map[string]json.RawMessage
	}{
		{map[string]Stamp{"a": st, "b": st, "gone": st}, map[string]json.RawMessage{"a": nil, "b": nil, "c": nil}},
		{map[string]Stamp{"a": st, "b": st}, map[string]json.RawMessage{"a": nil, "b": nil, "c": nil}},
		{map[string]Stamp{"a": st, "": st}, map[string]json.RawMessage{"a": nil, "": nil}},
	} {
		got := EncodeRecordStamps(c.stamps, c.fields)
		if want := EncodeStamps(c.stamps); !bytes.Equal(got, want) {
			t.Errorf("%v: got %s, want the full form %s", c.stamps, got, want)
		}
	}
	if _, err := DecodeRecordStamps([]byte(`{"":{"h":"000000000000005.000000","d":"d"},"x":{"h":"000000000000005.000000","d":"d"}}`),
		map[string]json.RawMessage{"a": nil}); err == nil {
		t.Error("a shared form naming a stamp of no field read without an error")
	}
}

// TestEncodeSharedStamp_IsEncodeRecordStamps: the new record's stamps
// written ahead (serverstore's push) are byte for byte EncodeRecordStamps.
func TestEncodeSharedStamp_IsEncodeRecordStamps(t *testing.T) {
	for _, st := range []Stamp{
		{HLC: HLC{Wall: 1773626400000, Logical: 7}, Device: "0195a3c4-5b6d-7e8f-9a0b-000000000001", Version: 1},
		{HLC: HLC{Wall: 1, Logical: 0}, Device: `thiết bị "lạ"`, Version: 0},
	} {
		for _, keys := range [][]string{nil, {"id"}, {"consumer_name", "id"}, {"consumer_name", "id", "summary", "unit_code", "ý_kiến"}} {
			m := map[string]Stamp{}
			f := map[string]json.RawMessage{}
			for _, k := range keys {
				m[k], f[k] = st, json.RawMessage(`""`)
			}
			want := EncodeRecordStamps(m, f)
			if got := EncodeSharedStamp(slices.Sorted(maps.Keys(m)), st); !bytes.Equal(got, want) {
				t.Errorf("%v %v:\n got %s\nwant %s", st, keys, got, want)
			}
		}
	}
}

// FuzzDecodeRecordStamps: stored stamps are outside bytes after a restore;
// whatever they hold, reading them never panics, and what reads re-encodes
// to a form that reads back the same.
func FuzzDecodeRecordStamps(f *testing.F) {
	f.Add([]byte(`{"":{"h":"001796651050229.000000","d":"x","v":1}}`), "a,b")
	f.Add([]byte(`{"a":{"h":"001796651050229.000000","d":"x","v":1}}`), "a")
	f.Add([]byte(`{"":{"h":"1.0","d":"x"},"b":{"h":"2.0","d":"y","v":2}}`), "a,b,c")
	f.Fuzz(func(t *testing.T, data []byte, names string) {
		if !utf8.ValidString(names) {
			return // a field's name came out of JSON: valid UTF-8
		}
		fields := map[string]json.RawMessage{}
		for _, n := range bytes.Split([]byte(names), []byte(",")) {
			fields[string(n)] = json.RawMessage(`1`)
		}
		stamps, err := DecodeRecordStamps(data, fields)
		if err != nil {
			return
		}
		back, err := DecodeRecordStamps(EncodeRecordStamps(stamps, fields), fields)
		if err != nil || !reflect.DeepEqual(back, stamps) {
			t.Fatalf("%s: %v re-read as %v, %v", data, stamps, back, err)
		}
	})
}
