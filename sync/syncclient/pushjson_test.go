package syncclient

import (
	"bytes"
	"encoding/json"
	"testing"

	"bvntd/sync/syncproto"
)

// FuzzAppendWireMutations: the push's mutations written by hand are the
// bytes syncproto.Marshal writes, whatever the texts (Vietnamese, quotes,
// control characters, U+2028, bytes that are not UTF-8) and numbers.
//
//	go test ./sync/syncclient -run '^$' -fuzz FuzzAppendWireMutations
func FuzzAppendWireMutations(f *testing.F) {
	f.Add("0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", "case", "Cán bộ Tiếp Nhận", "000001773000000.000001", int64(1733000000000), int64(0),
		`{"consumer_name":"Nguyễn Văn An","evidence":["hóa đơn"],"transaction_value":125000,"voided":false}`)
	f.Add("m\"2", "case_event", "", "h\\1", int64(-1), int64(7), `{}`)
	f.Add("m3", "c\u2028", "a\u2029<b>&\x01", "h", int64(0), int64(-3), `{"a":"\u003c"}`)
	f.Add("m4", "x\xff", "\xe2\x80", "h", int64(9), int64(1), ``)
	f.Fuzz(func(t *testing.T, id, entity, officer, hlc string, deviceMS, base int64, fields string) {
		var raw json.RawMessage
		if fields != "" {
			var c bytes.Buffer
			if json.Compact(&c, []byte(fields)) != nil {
				return
			}
			raw = c.Bytes() // the outbox's JSON is compact (app.EncodeFields)
		}
		muts := []wireMutation{
			{Mutation: syncproto.Mutation{ID: id, Entity: entity, RecordID: id + "r", Scope: "28261", Op: "upsert", HLC: hlc,
				Officer: officer, DeviceTimeMS: deviceMS, BaseVersion: base}, Fields: raw},
			{Mutation: syncproto.Mutation{ID: "b", Entity: "case", RecordID: "r", Scope: entity, Op: officer, HLC: "h"}, Fields: json.RawMessage(`{"x":1}`)},
		}
		want, err := syncproto.Marshal(muts)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendWireMutations(nil, muts); !bytes.Equal(got, want) {
			t.Fatalf("by hand\n%s\nsyncproto.Marshal\n%s", got, want)
		}
	})
}

// A body over maxPushBody lowers the budget and its ceiling in proportion;
// a body within it, or a batch of one, leaves them.
func TestBodyBound(t *testing.T) {
	for _, tc := range []struct{ ceil, budget, size, n, wantCeil, wantBudget int }{
		{1 << 20, 1 << 20, 60 << 10, 100, 1 << 20, 1 << 20},
		{1 << 20, 1 << 20, 192 << 10, 100, 512 << 10, 512 << 10},
		{1 << 20, 256 << 10, 192 << 10, 100, 128 << 10, 128 << 10},
		{1 << 20, 1 << 20, 4 << 20, 1, 1 << 20, 1 << 20},
		{1 << 20, 1 << 20, 1 << 30, 2, minBatchBytes, minBatchBytes},
	} {
		if c, b := bodyBound(tc.ceil, tc.budget, tc.size, tc.n); c != tc.wantCeil || b != tc.wantBudget {
			t.Errorf("bodyBound(%d, %d, %d, %d) = %d, %d; want %d, %d", tc.ceil, tc.budget, tc.size, tc.n, c, b, tc.wantCeil, tc.wantBudget)
		}
	}
}
