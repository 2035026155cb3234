package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"testing"
)

// splitObject agrees with encoding/json on every valid object it accepts.
func FuzzSplitObject(f *testing.F) {
	c := validCase()
	b, _ := Marshal(&c)
	f.Add(b)
	f.Add([]byte(`{}`))
	f.Add([]byte(` { "a" : [1, {"b":"}"}] , "c":"\"x\\\\", "d":null,"e":-1.5e3 } `))
	f.Add([]byte(`{"a":{"b":[[],{}]},"a":2}`))
	f.Add([]byte("{\"\x85\":\"\"}")) // a non-ASCII name: encoding/json reads it as U+FFFD
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := splitObject(b)
		if !ok || !json.Valid(b) {
			return
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal(b, &want); err != nil {
			return // not an object
		}
		eq := maps.EqualFunc(got, want, func(x, y json.RawMessage) bool {
			var cx, cy bytes.Buffer
			return json.Compact(&cx, x) == nil && json.Compact(&cy, y) == nil && bytes.Equal(cx.Bytes(), cy.Bytes())
		})
		if !eq {
			t.Fatalf("%q: split %q, encoding/json %q", b, got, want)
		}
	})
}

// A case's fields read by splitObject are those encoding/json reads.
func TestSplitObject_Case(t *testing.T) {
	c := validCase()
	c.Summary = "Có \"ngoặc\", {móc} và [vuông], \\ và \u2028."
	b, _ := Marshal(&c)
	got, ok := splitObject(b)
	var want map[string]json.RawMessage
	if err := json.Unmarshal(b, &want); err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if !maps.EqualFunc(got, want, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) }) {
		t.Fatalf("split %q\nencoding/json %q", got, want)
	}
	for _, bad := range []string{``, `[]`, `{"a":1`, `{"a" 1}`, `{"a\u0062":1}`, `{"a":1}x`, `{"a":}`} {
		if _, ok := splitObject([]byte(bad)); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// HLC.String's fast path writes what fmt writes.
func TestHLCString_AsFmt(t *testing.T) {
	for _, h := range []HLC{{}, {Wall: 1, Logical: 1}, {Wall: 1773000000123, Logical: 42}, {Wall: 999_999_999_999_999, Logical: 999_999},
		{Wall: 1_000_000_000_000_000, Logical: 7}, {Wall: -5, Logical: 3}, {Wall: 12, Logical: 1_000_000}} {
		if got, want := h.String(), fmt.Sprintf("%015d.%06d", h.Wall, h.Logical); got != want {
			t.Errorf("%+v: %q, want %q", h, got, want)
		}
	}
}
