package storage

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	"bvntd/app"
)

// ackAll acknowledges every pending change, as a push would.
func ackAll(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	muts, err := db.PendingBatch(ctx, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var res []app.MutationResult
	for _, m := range muts {
		res = append(res, app.MutationResult{MutationID: m.ID, Status: app.ResultApplied})
	}
	if err := db.ApplyResults(ctx, res); err != nil {
		t.Fatal(err)
	}
}

// pending returns the pending mutations of record id.
func pending(t *testing.T, db *DB, id string) []app.Mutation {
	t.Helper()
	muts, err := db.PendingBatch(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var out []app.Mutation
	for _, m := range muts {
		if m.RecordID == id {
			out = append(out, m)
		}
	}
	return out
}

func names(f map[string]json.RawMessage) []string {
	var out []string
	for k := range f {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func pullPage(entity, id string, version int64, f map[string]json.RawMessage) []app.PulledPage {
	return []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: version,
		Records: []app.PulledRecord{{Entity: entity, ID: id, Fields: f, Version: version}}}}
}

// The officer's copy is version 1; a pull brings version 2 with another
// field changed; the edit applies only the officer's field to version 2,
// queues only it, and says it was made on version 1.
func TestEdit_CaseKeepsWhatAPullBroughtAndSendsOnlyTheChange(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Trần Thị Lan")
	c.ConsumerPhone = "0901234567"
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	v1, _ := db.GetCase(ctx, c.ID)
	if _, err := db.ApplyPull(ctx, pullPage(app.EntityCase, c.ID, 1, v1.Fields())); err != nil {
		t.Fatal(err)
	}
	mine, err := db.GetCase(ctx, c.ID)
	if err != nil || mine.Version != 1 {
		t.Fatalf("the officer's copy: version %d, %v; want 1", mine.Version, err)
	}
	other := mine.Fields()
	other["summary"] = json.RawMessage(`"Sữa hết hạn, cửa hàng Cô Ba không đổi."`)
	if _, err := db.ApplyPull(ctx, pullPage(app.EntityCase, c.ID, 2, other)); err != nil {
		t.Fatal(err)
	}

	if err := db.Edit(ctx, app.EntityCase, c.ID, mine.Version, map[string]json.RawMessage{
		"consumer_phone": json.RawMessage(`"0912 345 678"`)}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.GetCase(ctx, c.ID)
	if got.Summary != "Sữa hết hạn, cửa hàng Cô Ba không đổi." || got.ConsumerPhone != "0912345678" {
		t.Fatalf("after the edit: summary %q phone %q", got.Summary, got.ConsumerPhone)
	}
	ms := pending(t, db, c.ID)
	if len(ms) != 1 {
		t.Fatalf("%d pending mutations, want 1", len(ms))
	}
	if _, ok := ms[0].Fields["consumer_phone"]; !ok {
		t.Errorf("the edit sends %v, not the phone", names(ms[0].Fields))
	}
	for _, k := range names(ms[0].Fields) {
		if k != "consumer_phone" && k != "updated_at" && k != "updated_by" {
			t.Errorf("the edit sends %s too: %v", k, names(ms[0].Fields))
		}
	}
	if ms[0].BaseVersion != 1 {
		t.Errorf("base version %d, want 1: the officer had not seen version 2", ms[0].BaseVersion)
	}
}

func TestEdit_RefusesAndSkips(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Lê Văn Bảy")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	for name, changes := range map[string]map[string]json.RawMessage{
		"number":     {"number": json.RawMessage(`"28261-2026-XXXX-0001"`)},
		"unit_code":  {"unit_code": json.RawMessage(`"29905"`)},
		"created_by": {"created_by": json.RawMessage(`"Người khác"`)},
		"bad type":   {"transaction_value": json.RawMessage(`"nhiều"`)},
		"invalid":    {"channel": json.RawMessage(`"bo_cau_dua_thu"`)},
	} {
		err := db.Edit(ctx, app.EntityCase, c.ID, 0, changes)
		if app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%s: %v, want an invalid-input error", name, err)
		}
	}
	// The same value again, or no change at all, writes nothing.
	if err := db.Edit(ctx, app.EntityCase, c.ID, 0, map[string]json.RawMessage{"consumer_name": json.RawMessage(`"Lê Văn Bảy"`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.Edit(ctx, app.EntityCase, c.ID, 0, nil); err != nil {
		t.Fatal(err)
	}
	if ms := pending(t, db, c.ID); len(ms) != 0 {
		t.Fatalf("edits that change nothing queued %d mutations", len(ms))
	}
	if err := db.Edit(ctx, app.EntityCase, app.NewID(), 0, map[string]json.RawMessage{"summary": json.RawMessage(`"x"`)}); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("edit of an unknown case: %v", err)
	}
}

// The records of the training and outreach work take the same path.
func TestEdit_RecordKeepsWhatAPullBrought(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	e := &app.OutreachEvent{Type: "mit_tinh_15_3", Title: "Mít tinh hưởng ứng Ngày 15/3", Topic: "tieu_dung_an_toan",
		StartDate: db.Now().In(app.ICT).Format("2006-01-02"), Venue: "Hội trường UBND phường", Status: "ke_hoach"}
	if err := db.SaveRecord(ctx, e); err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	var mine app.OutreachEvent
	if err := db.GetRecord(ctx, e.ID, &mine); err != nil {
		t.Fatal(err)
	}
	other := mine.Fields()
	other["venue"] = json.RawMessage(`"Sân vận động phường"`)
	if _, err := db.ApplyPull(ctx, pullPage(app.EntityOutreach, e.ID, 3, other)); err != nil {
		t.Fatal(err)
	}
	if err := db.Edit(ctx, app.EntityOutreach, e.ID, mine.Version, map[string]json.RawMessage{
		"title": json.RawMessage(`"Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam 15/3"`)}); err != nil {
		t.Fatal(err)
	}
	var got app.OutreachEvent
	if err := db.GetRecord(ctx, e.ID, &got); err != nil {
		t.Fatal(err)
	}
	if got.Venue != "Sân vận động phường" || got.Version != 3 {
		t.Fatalf("after the edit: venue %q version %d", got.Venue, got.Version)
	}
	ms := pending(t, db, e.ID)
	if len(ms) != 1 || ms[0].BaseVersion != 0 {
		t.Fatalf("pending %+v, want one mutation made on version 0", ms)
	}
	if _, ok := ms[0].Fields["venue"]; ok {
		t.Errorf("the edit sends the pulled venue back: %v", names(ms[0].Fields))
	}
}
