package serverstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// A batch validated ahead of its transaction, on every core, is answered
// and stored exactly as one validated mutation by mutation: good and bad
// values, a refused scope, a bad id, a resend, and an edit of a case the
// same batch creates (which must be validated against the created case).
func TestApplyPush_PreparedAheadAnswersAsOneByOne(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 3, 16, 2, 0, 0, 0, time.UTC))
	clock.SetStep(0) // both runs at the same instants
	var muts []syncproto.Mutation
	for i := range 30 {
		m := benchCase(fmt.Sprintf("0195a3c4-5b6d-7e8f-9a0b-%012d", i), "28261", app.HLC{Wall: clock.Now().UnixMilli() - 60000, Logical: uint32(i)})
		m.ID = fmt.Sprintf("0195a3c4-5b6d-7e8f-9a0c-%012d", i)
		m.Fields["id"] = json.RawMessage(`"` + m.RecordID + `"`)
		m.Fields["sector"] = json.RawMessage(`"thuc_pham_do_uong"`) // of the test catalogue
		muts = append(muts, m)
	}
	set := func(i int, name, v string) { muts[i].Fields[name] = json.RawMessage(v) }
	set(3, "consumer_phone", `"abc"`)                  // a bad value
	set(4, "received_at", `"2031-01-01T00:00:00Z"`)    // a date far ahead
	set(5, "status", `42`)                             // a wrong type
	set(6, "summary", `"Có \"ngoặc\" <b> & nội dung"`) // HTML characters: the slow path of the content
	muts[7].Scope = "29905"                            // another commune's
	muts[8].ID = "x"                                   // a bad mutation id
	set(9, "id", `"0195a3c4-5b6d-7e8f-9a0b-999999999999"`)
	muts[10].Fields["khong_co"] = json.RawMessage(`1`) // an unknown field
	muts = append(muts, muts[1])                       // a resend in the same batch
	edit := mut(muts[0].RecordID, "28261", app.HLC{Wall: clock.Now().UnixMilli() - 1000}, map[string]any{"status": "dang_xu_ly", "summary": "Đã liên hệ"})
	edit.ID = "0195a3c4-5b6d-7e8f-9a0d-000000000001"
	// Case 2 is voided; an edit that blanks its reason is refused, which
	// only a check against the held case tells (as a new case it passes).
	set(2, "voided", `true`)
	set(2, "void_reason", `"Nhập trùng"`)
	badEdit := mut(muts[2].RecordID, "28261", app.HLC{Wall: clock.Now().UnixMilli() - 900}, map[string]any{"void_reason": ""})
	badEdit.ID = "0195a3c4-5b6d-7e8f-9a0d-000000000002"
	muts = append(muts, edit, badEdit)

	run := func(ahead bool) ([]syncproto.PushResult, string) {
		serverstore.PrepareAhead(ahead)
		defer serverstore.PrepareAhead(true)
		s, _ := MustOpen(t, clock)
		d := MustEnroll(t, s, "28261")
		res, err := s.ApplyPush(context.Background(), d.ID, syncproto.PushRequest{Mutations: muts, DeviceNowMS: clock.Now().UnixMilli()})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := s.Dump(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		// And what the dump leaves out: the stamps, versions, sequence
		// numbers and sole writers the pulls read.
		rows, err := s.RawDB().Query(`SELECT entity, id, fields, stamps, seq, version, sole_writer FROM records ORDER BY entity, id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e, id, f, st, sole string
			var seq, v int64
			if err := rows.Scan(&e, &id, &f, &st, &seq, &v, &sole); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s %s %s %d %d %s\n", e, id, f, st, seq, v, sole)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return res, strings.ReplaceAll(b.String(), d.ID, "DEVICE")
	}
	got, gotDump := run(true)
	want, wantDump := run(false)
	applied := 0
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mutation %d: %+v, one by one %+v", i, got[i], want[i])
		}
		if want[i].Status == syncproto.StatusApplied {
			applied++
		}
	}
	if gotDump != wantDump {
		t.Errorf("the stores differ:\n%s\none by one:\n%s", gotDump, wantDump)
	}
	if applied < 20 || applied == len(muts) {
		t.Fatalf("%d of %d applied: the batch does not test what it should", applied, len(muts))
	}
}
