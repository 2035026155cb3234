package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// A prepared push sends a mutation's fields as the outbox holds them (one
// JSON object), or encodes them when the store gives only the map: either
// way the server decodes the request the mutations stand for.
func TestPreparePush_FieldsAsStoredOrEncoded(t *testing.T) {
	fields := map[string]json.RawMessage{"summary": json.RawMessage(`"Có <b> & \"ngoặc\""`), "amount": json.RawMessage(`1500000`),
		"tags": json.RawMessage(`["a","b"]`)}
	at := time.Date(2026, 3, 16, 2, 0, 0, 0, time.UTC)
	m := app.Mutation{ID: "0195a3c4-6f70-7a81-9b92-a3b4c5d6e7f8", Entity: app.EntityCase, RecordID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b",
		UnitCode: "28261", Op: app.OpUpsert, Fields: fields, HLC: app.HLC{Wall: at.UnixMilli(), Logical: 3}, BaseVersion: 2,
		Officer: "Trần Văn Bình", DeviceTime: at}
	stored := m
	stored.FieldsJSON = app.EncodeFields(fields)
	for name, mut := range map[string]app.Mutation{"as stored": stored, "encoded": m} {
		st := &memStore{outbox: []app.Mutation{mut}}
		c := &Client{Store: st}
		p := c.preparePush(context.Background(), "", 1<<20)
		if p.err != nil {
			t.Fatal(p.err)
		}
		body, err := syncproto.EncodePushTail(p.head, at.UnixMilli(), "")
		if err != nil {
			t.Fatal(err)
		}
		var got syncproto.PushRequest
		if err := syncproto.Decode(bytes.NewReader(body), true, syncproto.MaxBodyBytes, &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := syncproto.PushRequest{DeviceID: st.DeviceID(), Mutations: []syncproto.Mutation{toWire(m)}, DeviceNowMS: at.UnixMilli()}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
}
