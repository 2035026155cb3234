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

// BenchmarkDecodePush measures the server's decoding of a push body of
// 100 cases of about 1.3 KB of JSON each, by hand and by encoding/json.
func BenchmarkDecodePush(b *testing.B) {
	fields := map[string]json.RawMessage{}
	for i, name := range strings.Fields("summary consumer_name consumer_address business_name business_address sector kind channel status received_at transaction_date evidence requests") {
		fields[name] = json.RawMessage(`"Người tiêu dùng mua hàng tại cửa hàng, sản phẩm hết hạn sử dụng ` + strings.Repeat("và đề nghị ", i%4) + `"`)
	}
	fields["transaction_value"] = json.RawMessage(`1250000`)
	fields["voided"] = json.RawMessage(`false`)
	fields["evidence"] = json.RawMessage(`["hóa đơn","ảnh chụp sản phẩm"]`)
	muts := make([]Mutation, 100)
	for i := range muts {
		muts[i] = Mutation{ID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", Entity: "case", RecordID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6c",
			Scope: "28261", Op: "upsert", Fields: fields, HLC: "000001773000000.000001", Officer: "Cán bộ Tiếp Nhận", DeviceTimeMS: 1773000000000}
	}
	body, err := Marshal(PushRequest{DeviceID: "d", Mutations: muts, DeviceNowMS: 1773000000001})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var req PushRequest
			if !decodePush(body, &req) {
				b.Fatal("left to encoding/json")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var req PushRequest
			if err := json.Unmarshal(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
