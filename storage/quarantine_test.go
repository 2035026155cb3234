package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// captureLog sends the default logger to a buffer for the test.
func captureLog(t *testing.T) *lockedBuffer {
	t.Helper()
	buf := &lockedBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return buf
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// pulledCase is the server's record of c at version v, with some fields
// replaced by raw JSON (as a database written around the server's checks
// may hold them).
func pulledCase(c *app.Case, v int64, raw map[string]string) app.PulledRecord {
	f := c.Fields()
	for k, val := range raw {
		f[k] = json.RawMessage(val)
	}
	return app.PulledRecord{Entity: app.EntityCase, ID: c.ID, Fields: f, Version: v}
}

func quarantined(t *testing.T, db *DB) map[string]app.QuarantinedRecord {
	t.Helper()
	qs, err := db.ListQuarantined(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]app.QuarantinedRecord{}
	for _, q := range qs {
		out[q.ID] = q
	}
	return out
}

func storeDump(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	if _, err := db.Dump(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// One page holds records this version cannot read: a value out of range,
// values of the wrong type, a kind it does not know, a record the server
// withheld. The page's other records are stored, the cursor moves, the bad
// ones are kept aside and listed with the names of their bad fields, and
// the log names them without their content. A later readable version
// takes the record; a later unreadable one replaces the kept copy.
func TestApplyPull_QuarantinesWhatItCannotReadAndGoesOn(t *testing.T) {
	ctx := context.Background()
	logs := captureLog(t)
	db := MustOpenDB(t)

	// B was pulled once, readable, before the bad version came.
	good1, good2 := newCase(db, "Nguyễn Văn An"), newCase(db, "Trần Thị Bình")
	b, c := newCase(db, "Lê Thị Quarantine"), newCase(db, "Phạm Văn Hỏng")
	for _, x := range []*app.Case{good1, good2, b, c} {
		x.ID, x.UnitCode, x.Number = app.NewID(), "28261", "28261-2026-SV01-0001"
		x.TransactionValue = 1500000
	}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 1,
		Records: []app.PulledRecord{pulledCase(b, 1, nil)}}}); err != nil {
		t.Fatal(err)
	}
	before := storeDump(t, db)

	page := app.PulledPage{Scope: "28261", Epoch: "e1", NextSeq: 9, Records: []app.PulledRecord{
		pulledCase(good1, 1, nil),
		pulledCase(b, 2, map[string]string{"transaction_value": "1e999", "summary": `"Nội dung mới"`}),
		pulledCase(c, 1, map[string]string{"status": "12345", "voided": `"yes"`}),
		{Entity: "future_thing", ID: app.NewID(), Fields: map[string]json.RawMessage{"x": json.RawMessage(`1`)}, Version: 1},
		{Entity: app.EntityCase, ID: app.NewID(), Version: 4, Withheld: app.WithheldTooLarge},
		pulledCase(good2, 1, nil),
	}}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{page}); err != nil {
		t.Fatalf("a bad record stopped the pull: %v", err)
	}
	if cur, _ := db.Cursors(ctx); len(cur) != 1 || cur[0].Seq != 9 {
		t.Fatalf("cursor %+v, want 9", cur)
	}
	for _, x := range []*app.Case{good1, good2} {
		if got, err := db.GetCase(ctx, x.ID); err != nil || got.ConsumerName != x.ConsumerName {
			t.Fatalf("readable record of the page not stored: %+v %v", got, err)
		}
	}
	// B keeps the last version this device could read.
	if got, err := db.GetCase(ctx, b.ID); err != nil || got.Version != 1 || got.Summary != b.Summary || got.TransactionValue != 1500000 {
		t.Fatalf("B is %+v, %v; want version 1 as it was", got, err)
	}
	if _, err := db.GetCase(ctx, c.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("C stored: %v", err)
	}
	q := quarantined(t, db)
	if len(q) != 4 {
		t.Fatalf("quarantine holds %d records, want 4: %+v", len(q), q)
	}
	want := map[string]struct {
		reason string
		fields []string
		v      int64
	}{
		b.ID:               {app.QuarantineUnreadable, []string{"transaction_value"}, 2},
		c.ID:               {app.QuarantineUnreadable, []string{"status", "voided"}, 1},
		page.Records[3].ID: {app.QuarantineUnknownEntity, nil, 1},
		page.Records[4].ID: {app.QuarantineTooLarge, nil, 4},
	}
	for id, w := range want {
		got := q[id]
		if got.Reason != w.reason || !slices.Equal(got.Fields, w.fields) || got.Version != w.v || got.Scope != "28261" || got.FirstAt.IsZero() {
			t.Errorf("quarantined %s: %+v, want %+v", id, got, w)
		}
	}
	// The dump: the readable records of the page are in; B is as before.
	dump := storeDump(t, db)
	for _, x := range []*app.Case{good1, good2} {
		if !strings.Contains(dump, x.ID) {
			t.Errorf("dump lacks %s", x.ID)
		}
	}
	if strings.Contains(dump, c.ID) || !strings.Contains(dump, dumpLineOf(t, before, b.ID)) {
		t.Errorf("dump: C is in it, or B changed:\n%s", dump)
	}
	// The log names the records and their bad fields, never a value.
	log := logs.String()
	for _, id := range []string{b.ID, c.ID, page.Records[3].ID} {
		if !strings.Contains(log, id) {
			t.Errorf("log lacks %s:\n%s", id, log)
		}
	}
	for _, secret := range []string{"1e999", "12345", `yes`, "Quarantine", "Hỏng", "Nội dung mới"} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds content %q:\n%s", secret, log)
		}
	}

	// A newer, readable version of B is taken and leaves the quarantine; a
	// newer version of C still unreadable replaces the kept copy.
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 12, Records: []app.PulledRecord{
		pulledCase(b, 3, map[string]string{"transaction_value": "2000000", "summary": `"Nội dung mới"`}),
		pulledCase(c, 2, map[string]string{"voided": `"yes"`}),
	}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.GetCase(ctx, b.ID); err != nil || got.Version != 3 || got.TransactionValue != 2000000 || got.Summary != "Nội dung mới" {
		t.Fatalf("B after the correction: %+v %v", got, err)
	}
	q = quarantined(t, db)
	if _, ok := q[b.ID]; ok || len(q) != 3 {
		t.Fatalf("quarantine after the correction: %+v", q)
	}
	if got := q[c.ID]; got.Version != 2 || !slices.Equal(got.Fields, []string{"voided"}) {
		t.Fatalf("C kept as %+v, want version 2 with voided alone", got)
	}
	if !strings.Contains(logs.String(), "now read and stored") {
		t.Errorf("taking B again is not logged")
	}
}

func dumpLineOf(t *testing.T, dump, id string) string {
	t.Helper()
	for _, l := range strings.SplitAfter(dump, "\n") {
		if strings.Contains(l, `"id":"`+id+`"`) {
			return l
		}
	}
	t.Fatalf("no line for %s in\n%s", id, dump)
	return ""
}

// A record kept aside keeps the local value of a field changed on this
// device and not yet sent, like any pulled record: when a newer version
// comes, the local change wins over it.
func TestApplyPull_QuarantinedRecordTakenWithPendingLocalChange(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Võ Thị Sáu")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyResults(ctx, []app.MutationResult{{MutationID: mustBatch(t, db)[0].ID, Status: app.ResultApplied}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyPull(ctx, pullPage(app.EntityCase, c.ID, 2, pulledCase(c, 2, map[string]string{"voided": `"yes"`}).Fields)); err != nil {
		t.Fatal(err)
	}
	edit := *c
	edit.Summary = "Sửa trên máy này"
	if err := db.Edit(ctx, app.EntityCase, c.ID, -1, edit.ChangedFields(c)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyPull(ctx, pullPage(app.EntityCase, c.ID, 3, pulledCase(c, 3, map[string]string{"summary": `"Cũ"`}).Fields)); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, c.ID)
	if err != nil || got.Summary != "Sửa trên máy này" || got.Version != 3 {
		t.Fatalf("case %+v %v", got, err)
	}
	if q := quarantined(t, db); len(q) != 0 {
		t.Fatalf("quarantine %+v", q)
	}
}

// quarantineRuns numbers the runs of the test below: each declares a kind
// of its own (kinds are declared once per process, and -count=N runs the
// test N times in one).
var quarantineRuns atomic.Int32

// quarantineNote is a record of a kind this "old version" of the app does
// not know when it pulls one; the test declares the kind afterwards, as a
// newer version would.
type quarantineNote struct {
	app.RecordHead
	Title  string `json:"title"`
	entity string
}

func (n *quarantineNote) Entity() string                               { return n.entity }
func (n *quarantineNote) Fields() map[string]json.RawMessage           { return app.FieldsOf(n) }
func (n *quarantineNote) SetFields(f map[string]json.RawMessage) error { return app.SetFieldsOf(n, f) }
func (n *quarantineNote) Normalize()                                   {}
func (n *quarantineNote) Validate(app.Refs, time.Time) error           { return nil }

// Records kept aside by one version are tried again when another version
// opens the store: those it can read are stored; the others stay, marked
// as tried by it. The same version reopening the store tries nothing.
func TestQuarantine_TriedAgainWhenTheAppIsUpgraded(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	path := filepath.Join(t.TempDir(), "bvntd.sqlite")
	open := func(version string) *DB {
		db, err := Open(ctx, path, Options{Now: clock.Now, DeviceTag: seededTag(t), AppVersion: version})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	quarantineKind := fmt.Sprintf("quarantine_test_kind_%d", quarantineRuns.Add(1))
	db := open("0.1.0")
	bad := newCase(db, "Đỗ Văn Sai")
	bad.ID, bad.UnitCode = app.NewID(), "28261"
	note := app.PulledRecord{Entity: quarantineKind, ID: app.NewID(), Version: 5,
		Fields: map[string]json.RawMessage{"id": json.RawMessage(`"x"`), "unit_code": json.RawMessage(`"28261"`), "title": json.RawMessage(`"Ghi chú"`)}}
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 2, Records: []app.PulledRecord{
		note, pulledCase(bad, 1, map[string]string{"kind": "7"})}}}); err != nil {
		t.Fatal(err)
	}
	if q := quarantined(t, db); len(q) != 2 {
		t.Fatalf("quarantine %+v", q)
	}
	db.Close()

	app.RegisterKind(app.Kind{Entity: quarantineKind, New: func() app.Record { return &quarantineNote{entity: quarantineKind} },
		Search: func(r app.Record) string { return r.(*quarantineNote).Title }})
	clock.Advance(time.Hour)
	db = open("0.1.0") // the same version: nothing is tried
	if q := quarantined(t, db); len(q) != 2 || !q[note.ID].LastAt.Equal(q[note.ID].FirstAt) {
		t.Fatalf("same version tried the quarantine again: %+v", q)
	}
	db.Close()

	db = open("0.2.0")
	defer db.Close()
	q := quarantined(t, db)
	if _, ok := q[note.ID]; ok || len(q) != 1 || q[bad.ID].LastAt.Equal(q[bad.ID].FirstAt) {
		t.Fatalf("after the upgrade the quarantine holds %+v", q)
	}
	rec := quarantineNote{entity: quarantineKind}
	if err := db.GetRecord(ctx, note.ID, &rec); err != nil || rec.Title != "Ghi chú" || rec.Version != 5 || rec.ID != note.ID {
		t.Fatalf("record taken after the upgrade: %+v %v", rec, err)
	}
	var v string
	db.r.QueryRow("SELECT app_version FROM quarantine WHERE id = ?", bad.ID).Scan(&v)
	if v != "0.2.0" {
		t.Fatalf("still-unreadable record marked as tried by %q", v)
	}
}
