package syncproto

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodePush: whatever the body, the plain-form decoder (decodePush)
// either leaves it to encoding/json or decodes exactly what json.Unmarshal
// decodes.
//
//	go test ./sync/syncproto -run '^$' -fuzz '^FuzzDecodePush$'
func FuzzDecodePush(f *testing.F) {
	golden, err := os.ReadFile("testdata/push_request_v1.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	m := `{"id":"0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b","entity":"case","record_id":"r","scope":"28261","op":"upsert",` +
		`"fields":{"summary":"Mua h\u00e0ng","n":-12.5e+3,"l":["a",{"b":[true,false,null]}],"e":{},"a":[]},"hlc":"1:2","device_time_ms":17}`
	for _, s := range []string{
		`{"device_id":"d","mutations":[` + m + `,` + m + `],"device_now_ms":1733000000000,"after":"x"}`,
		`{"device_id":"d","mutations":[]}`,
		`{"device_id":"d","mutations":null}`,
		`{"device_id":"d","Mutations":[]}`,
		`{"device_id":"d","device_id":"e"}`,
		`{"device_id":"d\u0041","mutations":[]}`,
		"{\"device_id\":\"d\xff\"}",
		`{"device_now_ms":1.5}`, `{"device_now_ms":1e3}`, `{"device_now_ms":-0}`, `{"device_now_ms":01}`,
		`{"device_now_ms":9223372036854775808}`,
		`{"mutations":[{"fields":{"a":1,"a":2}}]}`,
		`{"mutations":[{"fields":{"a":"\ud800","b":"\/","c":"\x"}}]}`,
		`{"mutations":[{"fields":{"a":1.}}]}`,
		`{"mutations":[{"fields":{"a":[1,]}}]}`,
		`{"mutations":[{"fields":null}]}`,
		`{"mutations":[{"fields":{"a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}]}`,
		`{} {}`, ` {} `, ``, `[]`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast PushRequest
		if !decodePush(b, &fast) {
			return
		}
		var want PushRequest
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%q: decoded by hand, refused by encoding/json: %v", b, err)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("%q: by hand\n%+v\nencoding/json\n%+v", b, fast, want)
		}
	})
}

// TestDecodePush_PlainForm: what clients send (EncodePushHead's form) is
// decoded by hand, not left to encoding/json.
func TestDecodePush_PlainForm(t *testing.T) {
	muts := []Mutation{{ID: "m1", Entity: "case", RecordID: "r1", Scope: "28261", Op: "upsert", HLC: "1:0",
		Fields: map[string]json.RawMessage{"summary": json.RawMessage(`"Mua hàng hết hạn"`), "value": json.RawMessage(`125000`),
			"evidence": json.RawMessage(`["hóa đơn","ảnh"]`), "voided": json.RawMessage(`false`)}, DeviceTimeMS: 1733000000000, BaseVersion: 3}}
	b, err := Marshal(PushRequest{DeviceID: "d1", Mutations: muts, DeviceNowMS: 1733000000001, After: "m0"})
	if err != nil {
		t.Fatal(err)
	}
	var got PushRequest
	if !decodePush(b, &got) {
		t.Fatalf("%s: left to encoding/json", b)
	}
	if want := (PushRequest{DeviceID: "d1", Mutations: muts, DeviceNowMS: 1733000000001, After: "m0"}); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
