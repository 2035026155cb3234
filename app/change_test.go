package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestStampAfter(t *testing.T) {
	tests := []struct {
		name string
		s, o Stamp
		want bool
	}{
		{"LaterWallWins", Stamp{HLC: HLC{Wall: 2000, Logical: 0}, Device: "a"}, Stamp{HLC: HLC{Wall: 1000, Logical: 5}, Device: "z"}, true},
		{"EarlierWallLoses", Stamp{HLC: HLC{Wall: 1000, Logical: 5}, Device: "z"}, Stamp{HLC: HLC{Wall: 2000, Logical: 0}, Device: "a"}, false},
		{"HigherCounterWins", Stamp{HLC: HLC{Wall: 1000, Logical: 2}, Device: "a"}, Stamp{HLC: HLC{Wall: 1000, Logical: 1}, Device: "z"}, true},
		{"SameHLCHigherDeviceWins", Stamp{HLC: HLC{Wall: 1000, Logical: 1}, Device: "b"}, Stamp{HLC: HLC{Wall: 1000, Logical: 1}, Device: "a"}, true},
		{"SameHLCLowerDeviceLoses", Stamp{HLC: HLC{Wall: 1000, Logical: 1}, Device: "a"}, Stamp{HLC: HLC{Wall: 1000, Logical: 1}, Device: "b"}, false},
		{"EqualIsNotAfter", Stamp{HLC: HLC{Wall: 1000, Logical: 1}, Device: "a"}, Stamp{HLC: HLC{Wall: 1000, Logical: 1}, Device: "a"}, false},
		{"AnythingAfterZero", Stamp{HLC: HLC{Wall: 0, Logical: 1}, Device: ""}, Stamp{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.After(tt.o); got != tt.want {
				t.Errorf("%+v.After(%+v) = %v, want %v", tt.s, tt.o, got, tt.want)
			}
		})
	}
}

func TestStampJSON(t *testing.T) {
	st := Stamp{HLC: HLC{Wall: 1767225600123, Logical: 7}, Device: "0190f5c2-7a1b-7c3d-8e4f-a1b2c3d4e5f6"}
	const want = `{"h":"001767225600123.000007","d":"0190f5c2-7a1b-7c3d-8e4f-a1b2c3d4e5f6"}`
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Fatalf("Marshal = %s, want %s", b, want)
	}
	var got Stamp
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got != st {
		t.Errorf("round trip = %+v, want %+v", got, st)
	}

	// The record version the server keeps travels too, and is left out
	// when zero.
	withVersion := Stamp{HLC: HLC{Wall: 1767225600123, Logical: 7}, Device: "may-2", Version: 12}
	b, err = json.Marshal(withVersion)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"h":"001767225600123.000007","d":"may-2","v":12}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	got = Stamp{}
	if err := json.Unmarshal(b, &got); err != nil || got != withVersion {
		t.Errorf("round trip = %+v, %v; want %+v", got, err, withVersion)
	}

	// As stored: a map of stamps by field name.
	stamps := map[string]Stamp{"summary": st, "status": {HLC: HLC{Wall: 1}, Device: "b", Version: 3}}
	b, err = json.Marshal(stamps)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]Stamp
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(back, stamps) {
		t.Errorf("map round trip = %+v, want %+v", back, stamps)
	}
}

func TestStampUnmarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"BadHLC", `{"h":"1767225600123","d":"a"}`},
		{"MissingHLC", `{"d":"a"}`},
		{"HLCNotString", `{"h":1767225600123,"d":"a"}`},
		{"NotObject", `"001767225600123.000007"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st Stamp
			if err := json.Unmarshal([]byte(tt.in), &st); err == nil {
				t.Errorf("Unmarshal(%s) = %+v, want an error", tt.in, st)
			}
		})
	}
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestMergeFields(t *testing.T) {
	old := Stamp{HLC: HLC{Wall: 1000, Logical: 0}, Device: "a"}
	newer := Stamp{HLC: HLC{Wall: 2000, Logical: 0}, Device: "a"}
	tests := []struct {
		name       string
		cur        map[string]json.RawMessage
		stamps     map[string]Stamp
		fields     map[string]json.RawMessage
		st         Stamp
		wantFields map[string]json.RawMessage
		wantStamps map[string]Stamp
		wantWon    []string
	}{
		{
			name:       "FirstWriteWins",
			cur:        map[string]json.RawMessage{},
			stamps:     map[string]Stamp{},
			fields:     map[string]json.RawMessage{"status": raw(`"moi_tiep_nhan"`)},
			st:         old,
			wantFields: map[string]json.RawMessage{"status": raw(`"moi_tiep_nhan"`)},
			wantStamps: map[string]Stamp{"status": old},
			wantWon:    []string{"status"},
		},
		{
			name:       "NewerStampWins",
			cur:        map[string]json.RawMessage{"status": raw(`"moi_tiep_nhan"`)},
			stamps:     map[string]Stamp{"status": old},
			fields:     map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			st:         newer,
			wantFields: map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			wantStamps: map[string]Stamp{"status": newer},
			wantWon:    []string{"status"},
		},
		{
			name:       "OlderStampLoses",
			cur:        map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			stamps:     map[string]Stamp{"status": newer},
			fields:     map[string]json.RawMessage{"status": raw(`"moi_tiep_nhan"`)},
			st:         old,
			wantFields: map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			wantStamps: map[string]Stamp{"status": newer},
			wantWon:    nil,
		},
		{
			name:       "EqualStampSameDeviceIsIdempotent",
			cur:        map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			stamps:     map[string]Stamp{"status": newer},
			fields:     map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			st:         newer,
			wantFields: map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			wantStamps: map[string]Stamp{"status": newer},
			wantWon:    nil,
		},
		{
			name:       "SameHLCHigherDeviceWins",
			cur:        map[string]json.RawMessage{"status": raw(`"dang_xu_ly"`)},
			stamps:     map[string]Stamp{"status": {HLC: HLC{Wall: 2000, Logical: 0}, Device: "a"}},
			fields:     map[string]json.RawMessage{"status": raw(`"dong"`)},
			st:         Stamp{HLC: HLC{Wall: 2000, Logical: 0}, Device: "b"},
			wantFields: map[string]json.RawMessage{"status": raw(`"dong"`)},
			wantStamps: map[string]Stamp{"status": {HLC: HLC{Wall: 2000, Logical: 0}, Device: "b"}},
			wantWon:    []string{"status"},
		},
		{
			name:       "SameValueNewerStampTakesStamp",
			cur:        map[string]json.RawMessage{"status": raw(`"dong"`)},
			stamps:     map[string]Stamp{"status": old},
			fields:     map[string]json.RawMessage{"status": raw(`"dong"`)},
			st:         newer,
			wantFields: map[string]json.RawMessage{"status": raw(`"dong"`)},
			wantStamps: map[string]Stamp{"status": newer},
			wantWon:    []string{"status"},
		},
		{
			name: "FieldByField",
			cur: map[string]json.RawMessage{
				"status":  raw(`"dang_xu_ly"`),
				"summary": raw(`"Cũ"`),
				"sector":  raw(`"thuc_pham"`),
			},
			stamps: map[string]Stamp{
				"status":  {HLC: HLC{Wall: 3000, Logical: 0}, Device: "b"},
				"summary": old,
				"sector":  old,
			},
			fields: map[string]json.RawMessage{
				"status":        raw(`"dong"`),
				"summary":       raw(`"Mới"`),
				"consumer_name": raw(`"Trần Văn Bình"`),
			},
			st: newer,
			wantFields: map[string]json.RawMessage{
				"status":        raw(`"dang_xu_ly"`),
				"summary":       raw(`"Mới"`),
				"sector":        raw(`"thuc_pham"`),
				"consumer_name": raw(`"Trần Văn Bình"`),
			},
			wantStamps: map[string]Stamp{
				"status":        {HLC: HLC{Wall: 3000, Logical: 0}, Device: "b"},
				"summary":       newer,
				"sector":        old,
				"consumer_name": newer,
			},
			wantWon: []string{"consumer_name", "summary"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			won := MergeFields(tt.cur, tt.stamps, tt.fields, tt.st)
			slices.Sort(won)
			if !slices.Equal(won, tt.wantWon) {
				t.Errorf("won = %q, want %q", won, tt.wantWon)
			}
			if !reflect.DeepEqual(tt.cur, tt.wantFields) {
				t.Errorf("fields = %s, want %s", fmtFields(tt.cur), fmtFields(tt.wantFields))
			}
			if !maps.Equal(tt.stamps, tt.wantStamps) {
				t.Errorf("stamps = %+v, want %+v", tt.stamps, tt.wantStamps)
			}
		})
	}
}

func fmtFields(m map[string]json.RawMessage) string {
	b, _ := json.Marshal(m)
	return string(b)
}

type write struct {
	fields map[string]json.RawMessage
	st     Stamp
}

// randomWrites returns n writes from three devices with distinct stamps,
// each setting a random subset of a few fields.
func randomWrites(rng *rand.Rand, n int) []write {
	names := []string{"consumer_name", "summary", "status", "sector", "channel"}
	devices := []string{"0190f5c2-aaaa", "0190f5c2-bbbb", "0190f5c2-cccc"}
	used := map[Stamp]bool{}
	var ws []write
	for len(ws) < n {
		st := Stamp{
			// A small range so that walls, counters and devices all tie
			// often.
			HLC:    HLC{Wall: 1000 + rng.Int64N(4), Logical: uint32(rng.IntN(3))},
			Device: devices[rng.IntN(len(devices))],
		}
		if used[st] {
			continue // one device never reuses a stamp
		}
		used[st] = true
		f := map[string]json.RawMessage{}
		for _, name := range names {
			if rng.IntN(2) == 0 {
				f[name] = raw(fmt.Sprintf(`"%s %d"`, name, rng.IntN(5)))
			}
		}
		if len(f) == 0 {
			f[names[rng.IntN(len(names))]] = raw(`"Đồng Tháp"`)
		}
		ws = append(ws, write{f, st})
	}
	return ws
}

// TestMergeFieldsConverges is the property sync relies on: replicas that
// receive the same writes in any order, some more than once, end up with
// the same fields and stamps, and every field holds the value of the write
// with the greatest stamp that set it.
func TestMergeFieldsConverges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 200 {
		ws := randomWrites(rng, 1+rng.IntN(20))

		// The expected result, computed directly.
		wantFields := map[string]json.RawMessage{}
		wantStamps := map[string]Stamp{}
		for _, w := range ws {
			for name, v := range w.fields {
				if old, ok := wantStamps[name]; !ok || w.st.After(old) {
					wantStamps[name] = w.st
					wantFields[name] = v
				}
			}
		}

		for order := range 20 {
			deliveries := slices.Clone(ws)
			// At-least-once delivery: some writes arrive twice.
			for _, w := range ws {
				if rng.IntN(4) == 0 {
					deliveries = append(deliveries, w)
				}
			}
			rng.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })

			cur := map[string]json.RawMessage{}
			stamps := map[string]Stamp{}
			for _, w := range deliveries {
				MergeFields(cur, stamps, w.fields, w.st)
			}
			if !reflect.DeepEqual(cur, wantFields) {
				t.Fatalf("trial %d order %d: fields = %s, want %s", trial, order, fmtFields(cur), fmtFields(wantFields))
			}
			if !maps.Equal(stamps, wantStamps) {
				t.Fatalf("trial %d order %d: stamps = %+v, want %+v", trial, order, stamps, wantStamps)
			}
		}
	}
}

// The fast encoders write what encoding/json writes.
func TestEncodeFieldsAndStampsMatchEncodingJSON(t *testing.T) {
	fields := map[string]json.RawMessage{
		"summary": json.RawMessage(`"Hàng <giả> & \"nhái\""`), "voided": json.RawMessage(`true`),
		"n": json.RawMessage(`12`), "id": json.RawMessage(`"01a21b28-61bc-7d2c-9b97-4c6b1bc1747e"`),
		"tên lạ": json.RawMessage(`null`),
	}
	// The same JSON value (the values are copied as they are, so their
	// escaping may differ from json.Marshal's HTML-safe one).
	var got, ref map[string]any
	if err := json.Unmarshal(EncodeFields(fields), &got); err != nil {
		t.Fatalf("EncodeFields wrote invalid JSON: %v", err)
	}
	b, _ := json.Marshal(fields)
	json.Unmarshal(b, &ref)
	if g, r := fmt.Sprint(got), fmt.Sprint(ref); g != r {
		t.Fatalf("EncodeFields:\n got %s\nwant %s", g, r)
	}
	if !strings.HasPrefix(string(EncodeFields(fields)), `{"id":`) {
		t.Fatalf("keys not sorted: %s", EncodeFields(fields))
	}
	stamps := map[string]Stamp{
		"summary": {HLC: HLC{Wall: 1767225600123, Logical: 7}, Device: "01a21b28-61bc-7d2c-9b97-4c6b1bc1747e", Version: 3},
		"id":      {HLC: HLC{Wall: 1}, Device: "server"},
	}
	type plain struct {
		H string `json:"h"`
		D string `json:"d"`
		V int64  `json:"v,omitempty"`
	}
	refStamps := map[string]plain{}
	for k, s := range stamps {
		refStamps[k] = plain{s.HLC.String(), s.Device, s.Version}
	}
	want, _ := json.Marshal(refStamps)
	if got := EncodeStamps(stamps); string(got) != string(want) {
		t.Fatalf("EncodeStamps:\n got %s\nwant %s", got, want)
	}
	var back map[string]Stamp
	if err := json.Unmarshal(EncodeStamps(stamps), &back); err != nil || back["summary"] != stamps["summary"] || back["id"] != stamps["id"] {
		t.Fatalf("round trip: %v %v", back, err)
	}
}
