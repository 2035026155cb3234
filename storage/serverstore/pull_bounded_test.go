package serverstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// putRaw writes a record straight into the server's database, as an older
// server or a restored backup may hold it: no validation, the next
// sequence number of its scope. It returns that number.
func putRaw(tb testing.TB, s *serverstore.Store, scope, entity, id, fields string) int64 {
	tb.Helper()
	ctx := context.Background()
	db := s.RawDB()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	var seq int64
	err = tx.QueryRowContext(ctx, s.Bind(`INSERT INTO scope_seq (scope, seq) VALUES (?, 1)
		ON CONFLICT (scope) DO UPDATE SET seq = scope_seq.seq + 1 RETURNING seq`), scope).Scan(&seq)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, s.Bind(`INSERT INTO records (entity, id, scope, fields, stamps, seq, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, '{}', ?, 1, 0, 0)
		ON CONFLICT (entity, id) DO UPDATE SET fields = excluded.fields, seq = excluded.seq, version = records.version + 1`),
		entity, id, scope, fields, seq); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return seq
}

// recordJSON is a case's fields as a server stores them: compact JSON,
// keys sorted.
func recordJSON(tb testing.TB, id, scope string, extra map[string]any) string {
	tb.Helper()
	m := map[string]any{"id": id, "unit_code": scope}
	for k, v := range extra {
		m[k] = v
	}
	b, err := syncproto.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// The page budget counts records as they are encoded on the wire: a page
// of text full of "<", "&", line separators and Vietnamese stays within
// the bytes asked for, and is not much smaller.
func TestPull_BudgetCountsEncodedBytes(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	prov := MustEnroll(t, s, syncproto.ScopeProvince)
	texts := []string{strings.Repeat("<", 2000), strings.Repeat("a & b > c; ", 150), "Nguyễn Thị Hồng Đào\u2028" + strings.Repeat("ấ", 600),
		strings.Repeat("dòng\n\"trích\"\t", 100)}
	for i := range 60 {
		id := app.NewID()
		putRaw(t, s, "28261", app.EntityCase, id, recordJSON(t, id, "28261", map[string]any{"summary": texts[i%len(texts)], "n": i}))
	}
	const budget = 16 << 10
	var cursors []syncproto.Cursor
	got := 0
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("no end")
		}
		resp := mustPull(t, s, prov, syncproto.PullRequest{MaxBytes: budget, Cursors: cursors, AcceptWithheld: true})
		size, n := 0, 0
		for _, p := range resp.Scopes {
			for _, r := range p.Records {
				b, err := syncproto.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				size += len(b) + 1
				n++
			}
			cursors = append(cursors[:0:0], cursors...)
			cursors = setCursor(cursors, syncproto.Cursor{Scope: p.Scope, Epoch: p.Epoch, Seq: p.NextSeq})
		}
		got += n
		if n > 1 && size > budget {
			t.Fatalf("page %d: %d records encode to %d bytes, over the budget of %d", pages, n, size, budget)
		}
		if resp.HasMore && size < budget-8<<10 {
			t.Fatalf("page %d: %d bytes, far below the budget of %d: the count is off", pages, size, budget)
		}
		if !resp.HasMore {
			break
		}
	}
	if got != 60 {
		t.Fatalf("%d records pulled, want 60", got)
	}
}

func setCursor(cs []syncproto.Cursor, c syncproto.Cursor) []syncproto.Cursor {
	for i := range cs {
		if cs[i].Scope == c.Scope {
			cs[i] = c
			return cs
		}
	}
	return append(cs, c)
}

// A record that cannot be sent as stored — larger than a device takes in
// one body, or fields that are not a JSON object — comes without its
// fields, saying why, to a device that keeps such records aside; an older
// app is not sent it. Either way the rest arrives and the cursor moves past
// it; a corrected version is sent as usual.
func TestPull_WithheldRecords(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	s.SetMaxRecordBytes(64 << 10)
	d := MustEnroll(t, s, "28261")
	ids := make([]string, 6)
	for i := range ids {
		ids[i] = app.NewID()
	}
	putRaw(t, s, "28261", app.EntityCase, ids[0], recordJSON(t, ids[0], "28261", map[string]any{"summary": "trước"}))
	putRaw(t, s, "28261", app.EntityCase, ids[1], recordJSON(t, ids[1], "28261", map[string]any{"summary": strings.Repeat("x", 100<<10)}))
	putRaw(t, s, "28261", app.EntityCase, ids[2], `[1, 2]`)
	putRaw(t, s, "28261", app.EntityCase, ids[3], `{"summary": "không đóng`)
	putRaw(t, s, "28261", app.EntityCase, ids[4], `null`)
	head := putRaw(t, s, "28261", app.EntityCase, ids[5], recordJSON(t, ids[5], "28261", map[string]any{"summary": "sau"}))

	resp := mustPull(t, s, d, syncproto.PullRequest{AcceptWithheld: true})
	if len(resp.Scopes) != 1 || resp.HasMore || resp.Scopes[0].NextSeq != head {
		t.Fatalf("pull: %+v", resp)
	}
	recs := resp.Scopes[0].Records
	want := []string{"", syncproto.WithheldTooLarge, syncproto.WithheldMalformed, syncproto.WithheldMalformed, syncproto.WithheldMalformed, ""}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if r.ID != ids[i] || r.Withheld != want[i] || (r.Withheld != "") != (r.Fields == nil) {
			t.Errorf("record %d: id %s withheld %q fields %d", i, r.ID, r.Withheld, len(r.Fields))
		}
	}
	// The page encodes (no invalid JSON in it) and stays small.
	if b, err := syncproto.Encode(resp, false); err != nil || len(b) > 8<<10 {
		t.Fatalf("page encodes to %d bytes, %v", len(b), err)
	}

	// An app that does not keep records aside is not sent them.
	resp = mustPull(t, s, d, syncproto.PullRequest{})
	if len(resp.Scopes) != 1 || resp.Scopes[0].NextSeq != head || len(resp.Scopes[0].Records) != 2 ||
		resp.Scopes[0].Records[0].ID != ids[0] || resp.Scopes[0].Records[1].ID != ids[5] {
		t.Fatalf("old app's pull: %+v", resp)
	}

	// A corrected version comes as usual.
	putRaw(t, s, "28261", app.EntityCase, ids[2], recordJSON(t, ids[2], "28261", map[string]any{"summary": "đã sửa"}))
	resp = mustPull(t, s, d, syncproto.PullRequest{AcceptWithheld: true,
		Cursors: []syncproto.Cursor{{Scope: "28261", Epoch: s.Epoch(), Seq: head}}})
	if r := resp.Scopes[0].Records; len(r) != 1 || r[0].ID != ids[2] || r[0].Withheld != "" || string(r[0].Fields["summary"]) != `"đã sửa"` {
		t.Fatalf("corrected record: %+v", r)
	}
}

// A pull never waits for the writer: with a push holding it (SQLite's
// single connection; on PostgreSQL the scope's counter row), a pull of the
// same scope answers.
func TestPull_DoesNotWaitForThePush(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	a := MustEnroll(t, s, "28261")
	b := MustEnroll(t, s, "28261")
	id := app.NewID()
	putRaw(t, s, "28261", app.EntityCase, id, recordJSON(t, id, "28261", nil))
	entered, release := make(chan struct{}), make(chan struct{})
	s.SetBeforeCommit(func() {
		close(entered)
		<-release
	})
	pushed := make(chan error, 1)
	go func() {
		_, err := s.ApplyPush(context.Background(), a.ID, syncproto.PushRequest{Mutations: []syncproto.Mutation{
			mut(app.NewID(), "28261", hlc(1), map[string]any{"summary": "đang ghi"})}})
		pushed <- err
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	resp, err := s.Pull(ctx, b.ID, syncproto.PullRequest{})
	close(release)
	if err != nil {
		t.Fatalf("pull while a push holds the writer: %v", err)
	}
	if len(resp.Scopes) != 1 || len(resp.Scopes[0].Records) != 1 {
		t.Fatalf("pull: %+v", resp)
	}
	if err := <-pushed; err != nil {
		t.Fatal(err)
	}
}

// diskFull is the error a full disk gives.
func diskFull() error { return fmt.Errorf("write: %w", syscall.ENOSPC) }

// On a full disk (every write fails), pulls answer and note the device's
// last-seen time in memory; pushes fail with a storage fault; the store
// says it cannot write and why. When space is back, pushes go on, health
// recovers, and the noted times are written.
func TestFullDisk_PullsAnswerPushesResume(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	s, _ := MustOpen(t, clock)
	a := MustEnroll(t, s, "28261")
	b := MustEnroll(t, s, "28261")
	first := app.NewID()
	mustPush(t, s, a, mut(first, "28261", hlc(1), map[string]any{"summary": "trước khi đầy"}))
	if _, err := s.CheckStorage(ctx); err != nil {
		t.Fatalf("healthy store: %v", err)
	}

	s.SetWriteFault(diskFull)
	clock.Advance(time.Minute)
	resp, err := s.Pull(ctx, b.ID, syncproto.PullRequest{})
	if err != nil || len(resp.Scopes) != 1 || resp.Scopes[0].Records[0].ID != first {
		t.Fatalf("pull on a full disk: %+v, %v", resp, err)
	}
	if at := s.PendingSeen()[b.ID]; at != clock.Now().UnixMilli() {
		t.Fatalf("pull's last-seen time not noted: %d", at)
	}
	second := app.NewID()
	_, err = s.ApplyPush(ctx, a.ID, syncproto.PushRequest{Mutations: []syncproto.Mutation{
		mut(second, "28261", hlc(2), map[string]any{"summary": "khi đầy"})}})
	if err == nil || !s.StorageFault(err) {
		t.Fatalf("push on a full disk: %v, want a storage fault", err)
	}
	if err := s.FlushSeen(ctx); err == nil {
		t.Fatal("flush on a full disk succeeded")
	}
	if _, ok := s.PendingSeen()[b.ID]; !ok {
		t.Fatal("a failed flush lost the last-seen time")
	}
	clock.Advance(10 * time.Second)
	_, err = s.CheckStorage(ctx)
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != syncproto.CodeServerStorage || !strings.Contains(ae.Message, "ổ đĩa của máy chủ đã đầy") {
		t.Fatalf("health on a full disk: %v", err)
	}

	// Space is freed: the same push goes through, nothing was lost.
	s.SetWriteFault(nil)
	clock.Advance(10 * time.Second)
	if _, err := s.CheckStorage(ctx); err == nil {
		t.Fatal("a probe alone cleared the fault a push met within the minute")
	}
	res := mustPush(t, s, a, mut(second, "28261", hlc(2), map[string]any{"summary": "khi đầy"}))
	if res[0].Status != syncproto.StatusApplied {
		t.Fatalf("push after space is back: %+v", res)
	}
	if _, err := s.CheckStorage(ctx); err != nil {
		t.Fatalf("health after a push committed: %v", err)
	}
	if err := s.FlushSeen(ctx); err != nil {
		t.Fatal(err)
	}
	var seen int64
	if err := s.RawDB().QueryRowContext(ctx, s.Bind("SELECT last_seen_at FROM devices WHERE id = ?"), b.ID).Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if seen != clock.Now().Add(-20*time.Second).UnixMilli() {
		t.Fatalf("last seen %d, want the pull's time", seen)
	}
	recs, _, _ := pullAll(t, s, b, 0)
	if len(recs["28261"]) != 2 {
		t.Fatalf("records after the disk was full: %+v", recs)
	}
}

// The last-seen times of pulls reach the devices table in the background
// and when the store closes; a later push's time is never moved back.
func TestLastSeen_WrittenInTheBackgroundAndAtClose(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	s, path := MustOpen(t, clock)
	d := MustEnroll(t, s, "28261")
	clock.Advance(time.Minute)
	mustPull(t, s, d, syncproto.PullRequest{})
	pulled := clock.Now()
	readSeen := func(s *serverstore.Store) int64 {
		var v *int64
		if err := s.RawDB().QueryRowContext(ctx, s.Bind("SELECT last_seen_at FROM devices WHERE id = ?"), d.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v == nil {
			return 0
		}
		return *v
	}
	if readSeen(s) != 0 {
		t.Fatal("a pull wrote")
	}
	for i := 0; readSeen(s) != pulled.UnixMilli(); i++ { // the flusher's ticker: 5 s
		if i == 150 {
			t.Fatal("last-seen time not written in the background after 15 s")
		}
		time.Sleep(100 * time.Millisecond)
	}

	clock.Advance(time.Minute)
	mustPull(t, s, d, syncproto.PullRequest{})
	s.Close()
	s2, err := serverstore.Open(ctx, path, serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := readSeen(s2); got != clock.Now().UnixMilli() {
		t.Fatalf("after close: last seen %d, want %d", got, clock.Now().UnixMilli())
	}
	devs, err := s2.Devices(ctx)
	if err != nil || len(devs) != 1 || !devs[0].LastSyncAt.Equal(clock.Now()) {
		t.Fatalf("devices %+v %v", devs, err)
	}
}
