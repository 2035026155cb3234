package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncserver"
)

// testNote is a kind of record declared here and nowhere else: a type that
// implements app.Record and one app.RegisterKind call. No line of storage or
// sync code names it, yet it is stored, edited, synced, merged, dumped and
// listed like every other record (issue 14).
type testNote struct {
	app.RecordHead
	Title string `json:"title"`
	Body  string `json:"body"`
}

const entityTestNote = "test_note"

func init() {
	app.RegisterKind(app.Kind{Entity: entityTestNote, New: func() app.Record { return &testNote{} },
		Search: func(r app.Record) string { return r.(*testNote).Title }})
}

func (n *testNote) Entity() string                               { return entityTestNote }
func (n *testNote) Fields() map[string]json.RawMessage           { return app.FieldsOf(n) }
func (n *testNote) SetFields(f map[string]json.RawMessage) error { return app.SetFieldsOf(n, f) }
func (n *testNote) Normalize()                                   { n.Title, n.Body = app.NFC(n.Title), app.NFCText(n.Body) }
func (n *testNote) Validate(app.Refs, time.Time) error {
	if n.Title == "" {
		return &app.Error{Code: app.EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.",
			Fields: map[string]string{"title": "Cần có tiêu đề."}}
	}
	return nil
}

func TestNewKind_OneDeclarationStoredEditedSyncedMergedDumpedListed(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)

	// Stored on A, with validation.
	if err := a.db.SaveRecord(ctx, &testNote{}); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a note without a title: %v, want refused", err)
	}
	n := &testNote{Title: "Ghi chú họp giao ban", Body: "Nội dung ban đầu."}
	if err := a.db.SaveRecord(ctx, n); err != nil {
		t.Fatal(err)
	}
	// Synced to B through the server.
	a.mustSync()
	b.mustSync()
	var onB testNote
	if err := b.db.GetRecord(ctx, n.ID, &onB); err != nil || onB.Body != "Nội dung ban đầu." {
		t.Fatalf("B has %+v, %v", onB, err)
	}

	// Edited offline on both: different fields merge, the same field is a
	// conflict to review, the later value kept.
	clock.Advance(time.Minute)
	if err := a.db.Edit(ctx, entityTestNote, n.ID, onB.Version, map[string]json.RawMessage{
		"title": json.RawMessage(`"Ghi chú họp giao ban tháng 12"`), "body": json.RawMessage(`"Bản của máy A."`)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := b.db.Edit(ctx, entityTestNote, n.ID, onB.Version, map[string]json.RawMessage{
		"body": json.RawMessage(`"Bản của máy B."`)}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		var got testNote
		if err := l.db.GetRecord(ctx, n.ID, &got); err != nil {
			t.Fatal(err)
		}
		if got.Title != "Ghi chú họp giao ban tháng 12" || got.Body != "Bản của máy B." {
			t.Fatalf("%s: title %q body %q", name, got.Title, got.Body)
		}
		cs := l.openConflicts()
		if len(cs) != 1 || cs[0].Entity != entityTestNote || cs[0].Field != "body" {
			t.Fatalf("%s: conflicts %+v, want one on the body", name, cs)
		}
	}
	// Dumped: the replicas and the server byte for byte, the note in them.
	assertConverged(t, srv, a, b)
	if !strings.Contains(a.dump(), `"type":"test_note"`) {
		t.Fatalf("the dump has no note:\n%s", a.dump())
	}
	// Listed and found by its title, without diacritics.
	rs, err := b.db.Records(ctx, entityTestNote, app.RecordQuery{Text: "giao ban thang"})
	if err != nil || len(rs) != 1 || rs[0].Head().ID != n.ID {
		t.Fatalf("listed %v, %v", rs, err)
	}
}
