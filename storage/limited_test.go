package storage

import (
	"context"
	"encoding/json"
	"testing"

	"bvntd/app"
)

// A case pulled limited (a provincial laptop's limited copy) is stored
// without its personal fields and marked Limited; an edit of those fields
// is refused at the field with the commune's message; the same case pulled
// whole later (referred to the province) is whole and no longer limited.
func TestApplyPull_LimitedCaseMarkedUntilItComesWhole(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	c := newCase(src, "Lê Thị Hạnh Phúc")
	c.ConsumerPhone = "0912345678"
	if err := src.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	whole := c.Fields()
	limited := map[string]json.RawMessage{}
	for k, v := range whole {
		limited[k] = v
	}
	for _, f := range app.PersonalFieldsOf[app.EntityCase].All() {
		delete(limited, f)
	}

	db := MustOpenDB(t)
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 1,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: c.ID, Fields: limited, Version: 1, Limited: true}}}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Limited || got.ConsumerName != "" || got.ConsumerPhone != "" || got.Summary != "" || got.Number != c.Number {
		t.Fatalf("limited case: %+v", got)
	}
	list, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil || len(list) != 1 || !list[0].Limited {
		t.Fatalf("list: %+v %v", list, err)
	}
	phone, _ := json.Marshal("0987654321")
	err = db.Edit(ctx, app.EntityCase, c.ID, 1, map[string]json.RawMessage{"consumer_phone": phone})
	if app.ErrorCode(err) != app.EFORBIDDEN || app.FieldErrors(err)["consumer_phone"] != MsgLimited {
		t.Fatalf("edit of the phone: %v", err)
	}
	if b, _ := db.PendingBatch(ctx, 10); len(b) != 0 {
		t.Fatalf("the refused edit was queued: %+v", b)
	}

	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 2,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: c.ID, Fields: whole, Version: 1}}}}); err != nil {
		t.Fatal(err)
	}
	got, err = db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Limited || got.ConsumerName != "Lê Thị Hạnh Phúc" || got.ConsumerPhone != "0912345678" || got.Summary != c.Summary {
		t.Fatalf("whole case: limited %v %q %q %q", got.Limited, got.ConsumerName, got.ConsumerPhone, got.Summary)
	}
	if lim, err := db.IsLimited(ctx, app.EntityCase, c.ID); err != nil || lim {
		t.Fatalf("still listed: %v %v", lim, err)
	}
	if err := db.Edit(ctx, app.EntityCase, c.ID, 1, map[string]json.RawMessage{"consumer_phone": phone}); err != nil {
		t.Fatalf("edit of the whole case: %v", err)
	}
}

// A participant pulled limited is listed and read with Limited set.
func TestApplyPull_LimitedParticipant(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	id := app.NewID()
	fields := map[string]json.RawMessage{"id": json.RawMessage(`"` + id + `"`), "unit_code": json.RawMessage(`"28249"`),
		"type": json.RawMessage(`"nguoi_dan"`)}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28249", Epoch: "e1", NextSeq: 1,
		Records: []app.PulledRecord{{Entity: app.EntityParticipant, ID: id, Fields: fields, Version: 1, Limited: true}}}}); err != nil {
		t.Fatal(err)
	}
	ps, err := ListRecords[app.Participant](ctx, db, RecordQuery{})
	if err != nil || len(ps) != 1 || !ps[0].Limited || ps[0].FullName != "" {
		t.Fatalf("participants: %+v %v", ps, err)
	}
	var p app.Participant
	if err := getRecord(ctx, db, db.r, app.EntityParticipant, id, &p); err != nil || !p.Limited {
		t.Fatalf("participant: %+v %v", p, err)
	}
}
