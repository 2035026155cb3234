package syncproto

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"reflect"
	"testing"
)

// A push body made of a head and a tail decodes as the request it stands
// for, and is JSON-equal to the one Encode writes.
func TestEncodePushHeadTail(t *testing.T) {
	muts := []Mutation{{ID: "m1", Entity: "case", RecordID: "r1", Scope: "28261", Op: "upsert",
		Fields: map[string]json.RawMessage{"summary": json.RawMessage(`"Có <b> & \"x\""`), "amount": json.RawMessage(`12`)},
		HLC:    "000001773000000.000001", Officer: "Trần Văn Bình", DeviceTimeMS: 1773000000000, BaseVersion: 2}}
	for i, now := range []int64{1773000000123, 0, 1773000000999} {
		after := ""
		if i > 0 {
			after = "m0-<trước>"
		}
		head, err := EncodePushHead("dev-1", muts)
		if err != nil {
			t.Fatal(err)
		}
		body, err := EncodePushTail(head, now, after)
		if err != nil {
			t.Fatal(err)
		}
		var got PushRequest
		if err := Decode(bytes.NewReader(body), true, MaxBodyBytes, &got); err != nil {
			t.Fatalf("now %d: %v", now, err)
		}
		want := PushRequest{DeviceID: "dev-1", Mutations: muts, DeviceNowMS: now, After: after}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("now %d:\n got %+v\nwant %+v", now, got, want)
		}
		plain, _ := Marshal(want)
		var a, b any
		var whole bytes.Buffer
		zr := mustGunzip(t, body)
		whole.ReadFrom(zr)
		if json.Unmarshal(whole.Bytes(), &a) != nil || json.Unmarshal(plain, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("now %d: body %s\nEncode %s", now, whole.Bytes(), plain)
		}
	}
}

func mustGunzip(t *testing.T, b []byte) *gzip.Reader {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}
