package syncproto_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"bvntd/sync/syncproto"
)

var update = flag.Bool("update", false, "rewrite the golden wire files in testdata from the Go values")

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// Realistic messages, one per wire type. Every field of every struct is set
// somewhere (checked by TestGoldenValuesSetEveryField), so renaming any
// JSON name changes the encoding.
var (
	goldenPushRequest = syncproto.PushRequest{
		DeviceID: "0195a3b0-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
		Mutations: []syncproto.Mutation{
			{
				ID:       "0195a3c4-6f70-7a81-9b92-a3b4c5d6e7f8",
				Entity:   "case",
				RecordID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b",
				Scope:    "28261",
				Op:       "upsert",
				Fields: map[string]json.RawMessage{
					"id":               raw(`"0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"`),
					"unit_code":        raw(`"28261"`),
					"number":           raw(`"28261-2026-A7K3-0012"`),
					"received_at":      raw(`"2026-03-04T02:30:00Z"`),
					"channel":          raw(`"dien_thoai"`),
					"kind":             raw(`"khieu_nai"`),
					"consumer_name":    raw(`"Nguyễn Thị Hồng Đào"`),
					"consumer_phone":   raw(`"0912345678"`),
					"consumer_address": raw(`"Số 12 đường Lê Lợi, Phường Mỹ Tho"`),
					"business_name":    raw(`"Cửa hàng Điện máy Hòa Phát"`),
					"business_address": raw(`"Ấp Mỹ Hưng, xã Mỹ Hiệp"`),
					"sector":           raw(`"thuong_mai_dien_tu"`),
					"summary":          raw(`"Mua nồi cơm điện qua mạng, nhận hàng bị vỡ.\nCửa hàng không đổi trả."`),
					"status":           raw(`"moi_tiep_nhan"`),
				},
				HLC:          "001772591405123.000000",
				Officer:      "Trần Văn Bình",
				DeviceTimeMS: 1772591405123,
			},
			{
				ID:       "0195a3d9-0a1b-7c2d-8e3f-405162738495",
				Entity:   "case",
				RecordID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b",
				Scope:    "28261",
				Op:       "upsert",
				Fields: map[string]json.RawMessage{
					"status":  raw(`"dang_thuong_luong"`),
					"summary": raw(`"Đã mời hai bên đến trụ sở UBND phường để thương lượng."`),
				},
				HLC:          "001772592800000.000002",
				Officer:      "Trần Văn Bình",
				DeviceTimeMS: 1772592799000,
				BaseVersion:  3,
			},
		},
		DeviceNowMS: 1772592801000,
		After:       "0195a3c4-1a2b-7c3d-8e4f-a0b1c2d3e4f5",
	}

	goldenPushResponse = syncproto.PushResponse{
		Results: []syncproto.PushResult{
			{MutationID: "0195a3c4-6f70-7a81-9b92-a3b4c5d6e7f8", Status: syncproto.StatusApplied},
			{MutationID: "0195a3d9-0a1b-7c2d-8e3f-405162738495", Status: syncproto.StatusDuplicate},
			{
				MutationID: "0195a3e0-1111-7222-8333-444455556666",
				Status:     syncproto.StatusRejected,
				Code:       syncproto.CodeForbidden,
				Message:    "Thiết bị này không được ghi dữ liệu của xã, phường khác.",
			},
		},
		ServerTimeMS: 1772592801234,
		Ordered:      true,
	}

	goldenPullRequest = syncproto.PullRequest{
		Cursors: []syncproto.Cursor{
			{Scope: "28261", Epoch: "0195a000-aaaa-7bbb-8ccc-dddddddddddd", Seq: 1234},
			{Scope: "29446", Epoch: "", Seq: 0},
		},
		MaxBytes:       1 << 20,
		SkipOwn:        true,
		AcceptWithheld: true,
	}

	goldenPullResponse = syncproto.PullResponse{
		Scopes: []syncproto.ScopePage{
			{
				Scope: "28261",
				Epoch: "0195a000-aaaa-7bbb-8ccc-dddddddddddd",
				Records: []syncproto.Record{
					{
						Entity:  "case",
						ID:      "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b",
						Seq:     1235,
						Version: 4,
						Fields: map[string]json.RawMessage{
							"id":               raw(`"0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"`),
							"unit_code":        raw(`"28261"`),
							"number":           raw(`"28261-2026-A7K3-0012"`),
							"received_at":      raw(`"2026-03-04T02:30:00Z"`),
							"channel":          raw(`"dien_thoai"`),
							"kind":             raw(`"khieu_nai"`),
							"consumer_name":    raw(`"Nguyễn Thị Hồng Đào"`),
							"consumer_phone":   raw(`"0912345678"`),
							"consumer_address": raw(`"Số 12 đường Lê Lợi, Phường Mỹ Tho"`),
							"business_name":    raw(`"Cửa hàng Điện máy Hòa Phát"`),
							"business_address": raw(`"Ấp Mỹ Hưng, xã Mỹ Hiệp"`),
							"sector":           raw(`"thuong_mai_dien_tu"`),
							"summary":          raw(`"Đã mời hai bên đến trụ sở UBND phường để thương lượng."`),
							"status":           raw(`"dang_thuong_luong"`),
							"created_at":       raw(`"2026-03-04T02:31:05Z"`),
							"created_by":       raw(`"Trần Văn Bình"`),
							"updated_at":       raw(`"2026-03-04T02:53:19Z"`),
							"updated_by":       raw(`"Trần Văn Bình"`),
						},
					},
					{
						Entity:   "case",
						ID:       "0195a3c4-6c7d-7e8f-9a0b-1c2d3e4f5a6c",
						Seq:      1236,
						Version:  2,
						Withheld: syncproto.WithheldTooLarge,
					},
					{
						// As a provincial device with the limited copy
						// gets a commune's case: no personal fields.
						Entity:  "case",
						ID:      "0195a3c4-7d8e-7e8f-9a0b-1c2d3e4f5a6d",
						Seq:     1237,
						Version: 3,
						Fields: map[string]json.RawMessage{
							"id":        raw(`"0195a3c4-7d8e-7e8f-9a0b-1c2d3e4f5a6d"`),
							"unit_code": raw(`"28261"`),
							"kind":      raw(`"khieu_nai"`),
							"status":    raw(`"da_tiep_nhan"`),
						},
						Limited: true,
					},
				},
				NextSeq: 1237,
				HasMore: true,
			},
			{
				Scope:   "29446",
				Epoch:   "0195a000-aaaa-7bbb-8ccc-dddddddddddd",
				Reset:   true,
				Records: []syncproto.Record{},
				NextSeq: 0,
			},
		},
		HasMore:       true,
		ServerTimeMS:  1772592801234,
		MinAppVersion: "1.0.0",
		RecoveryKey:   "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
	}

	goldenEnrollRequest = syncproto.EnrollRequest{
		Code:       "7KQ2-M9XD",
		DeviceID:   "0195a3b0-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
		DeviceTag:  "A7K3",
		DeviceName: "Máy tính UBND phường Mỹ Tho",
		AppVersion: "1.0.0",
		// An app that adopts the id the server answers (issue 16).
		AdoptsDeviceID: true,
	}

	goldenEnrollResponse = syncproto.EnrollResponse{
		DeviceID:     "0195a3b0-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
		Token:        "dGhpcy1pcy1hLXRlc3QtdG9rZW4tbm90LWEtcmVhbC1vbmU",
		Scope:        "28261",
		ServerTimeMS: 1772590000000,
		DeviceTag:    "A7K4",
		RecoveryKey:  "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
	}

	goldenError = syncproto.ErrorResponse{
		Code:          syncproto.CodeUpgradeRequired,
		Message:       "Phiên bản ứng dụng đã cũ. Vui lòng cập nhật lên phiên bản 1.2.0 trở lên để đồng bộ.",
		ServerTimeMS:  1772592801234,
		MinAppVersion: "1.2.0",
	}
)

type golden struct {
	file  string
	value any        // the Go value the file holds
	new   func() any // a pointer to a zero value of the file's type
}

var goldens = []golden{
	{"push_request_v1.json", goldenPushRequest, func() any { return new(syncproto.PushRequest) }},
	{"push_response_v1.json", goldenPushResponse, func() any { return new(syncproto.PushResponse) }},
	{"pull_request_v1.json", goldenPullRequest, func() any { return new(syncproto.PullRequest) }},
	{"pull_response_v1.json", goldenPullResponse, func() any { return new(syncproto.PullResponse) }},
	{"enroll_request_v1.json", goldenEnrollRequest, func() any { return new(syncproto.EnrollRequest) }},
	{"enroll_response_v1.json", goldenEnrollResponse, func() any { return new(syncproto.EnrollResponse) }},
	{"error_v1.json", goldenError, func() any { return new(syncproto.ErrorResponse) }},
}

func goldenPath(file string) string { return filepath.Join("testdata", file) }

// readGolden returns the bytes of a golden file, rewriting it first from
// its Go value when -update is set.
func readGolden(tb testing.TB, g golden) []byte {
	tb.Helper()
	if *update {
		b, err := json.MarshalIndent(g.value, "", "  ")
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(goldenPath(g.file), append(b, '\n'), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	b, err := os.ReadFile(goldenPath(g.file))
	if err != nil {
		tb.Fatalf("%v (run go test ./sync/syncproto -update to create it)", err)
	}
	return b
}

// jsonEqual reports whether a and b hold the same JSON value, ignoring
// layout and key order.
func jsonEqual(tb testing.TB, a, b []byte) bool {
	tb.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		tb.Fatalf("unmarshal %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		tb.Fatalf("unmarshal %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// TestGolden freezes the wire format: each file decodes into its type and
// encodes back to the same JSON, and it is the encoding of the Go value
// above. Renaming a JSON name, or changing a type, fails here.
func TestGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			file := readGolden(t, g)

			v := g.new()
			if err := syncproto.Decode(bytes.NewReader(file), false, syncproto.MaxBodyBytes, v); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			again, err := syncproto.Encode(v, false)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !jsonEqual(t, again, file) {
				t.Errorf("decoding and encoding %s changed it:\ngot  %s\nwant %s", g.file, again, compact(t, file))
			}

			want, err := syncproto.Encode(g.value, false)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !jsonEqual(t, want, file) {
				t.Errorf("%s is not the encoding of its Go value (run with -update after an intended, additive change):\ngot  %s\nwant %s",
					g.file, compact(t, file), want)
			}
		})
	}
}

func compact(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoldenValuesSetEveryField makes sure the golden files exercise every
// JSON name: a field left at its zero value everywhere (or omitted by
// omitempty) would let a rename through.
func TestGoldenValuesSetEveryField(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			set := map[string]bool{} // "Type.Field" → seen non-zero
			walkFields(reflect.ValueOf(g.value), set)
			for name, ok := range set {
				if !ok {
					t.Errorf("%s is zero everywhere in %s", name, g.file)
				}
			}
		})
	}
}

func walkFields(v reflect.Value, set map[string]bool) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			name := v.Type().Name() + "." + v.Type().Field(i).Name
			f := v.Field(i)
			if !f.IsZero() && !(f.Kind() == reflect.Bool && !f.Bool()) {
				set[name] = true
			} else if !set[name] {
				set[name] = false
			}
			walkFields(f, set)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				walkFields(v.Index(i), set)
			}
		}
	}
}
