package serverstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// newTestClock is the server's clock of the tests of the sync rules: fixed
// at 08:00 UTC on 15 March 2026 (the day of hlc's stamps), moved by hand.
func newTestClock() *clocktest.Clock {
	c := clocktest.New(time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC))
	c.SetStep(0)
	return c
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// MustOpen opens a store on clock in a file under t.TempDir(), or in a
// new PostgreSQL database when the tests run on PostgreSQL (pgtest). It
// returns the store and where it is (path or URL).
func MustOpen(tb testing.TB, clock *clocktest.Clock) (*serverstore.Store, string) {
	tb.Helper()
	path := pgtest.ServerDB(tb, filepath.Join(tb.TempDir(), "server.sqlite"))
	s, err := serverstore.Open(context.Background(), path, serverstore.Options{Now: clock.Now})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	s.SetRefs(mustTestRefs(tb))
	tb.Cleanup(func() { s.Close() })
	return s, path
}

// device is an enrolled device in a test.
type device struct {
	ID, Token, Scope string
}

// MustEnroll makes a code for scope and enrols a new device with it.
func MustEnroll(tb testing.TB, s *serverstore.Store, scope string) device {
	tb.Helper()
	ctx := context.Background()
	code, _, err := s.CreateEnrolCode(ctx, scope, time.Hour)
	if err != nil {
		tb.Fatalf("create code: %v", err)
	}
	resp, err := s.EnrollDevice(ctx, "", syncproto.EnrollRequest{Code: code, DeviceTag: "A7K3", AppVersion: "test", AdoptsDeviceID: true})
	if err != nil {
		tb.Fatalf("enroll: %v", err)
	}
	if resp.Scope != scope || !app.ValidID(resp.DeviceID) {
		tb.Fatalf("enroll: scope %q, id %q; want %q and a new id", resp.Scope, resp.DeviceID, scope)
	}
	return device{ID: resp.DeviceID, Token: resp.Token, Scope: scope}
}

// enrollNew enrols with a code as a current app does (no token, adopting
// the id the server gives) and returns the token and scope.
func enrollNew(ctx context.Context, s *serverstore.Store, req syncproto.EnrollRequest) (token, scope string, err error) {
	req.AdoptsDeviceID = true
	resp, err := s.EnrollDevice(ctx, "", req)
	return resp.Token, resp.Scope, err
}

// mut builds an upsert of a case.
func mut(recordID, scope string, h app.HLC, fields map[string]any) syncproto.Mutation {
	f := map[string]json.RawMessage{}
	for k, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		f[k] = b
	}
	return syncproto.Mutation{
		ID: app.NewID(), Entity: app.EntityCase, RecordID: recordID, Scope: scope,
		Op: app.OpUpsert, Fields: f, HLC: h.String(), DeviceTimeMS: h.Wall,
	}
}

// hlc returns a stamp at 2026-03-15 plus sec seconds.
func hlc(sec int64) app.HLC {
	return app.HLC{Wall: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC).UnixMilli() + sec*1000}
}

func mustPush(tb testing.TB, s *serverstore.Store, d device, muts ...syncproto.Mutation) []syncproto.PushResult {
	tb.Helper()
	res, err := s.ApplyPush(context.Background(), d.ID, syncproto.PushRequest{Mutations: muts})
	if err != nil {
		tb.Fatalf("push: %v", err)
	}
	if len(res) != len(muts) {
		tb.Fatalf("push: %d results for %d mutations", len(res), len(muts))
	}
	return res
}

func mustPull(tb testing.TB, s *serverstore.Store, d device, req syncproto.PullRequest) syncproto.PullResponse {
	tb.Helper()
	resp, err := s.Pull(context.Background(), d.ID, req)
	if err != nil {
		tb.Fatalf("pull: %v", err)
	}
	return resp
}

// pullAll pulls until nothing is left and returns the records by scope and
// the final cursors.
func pullAll(tb testing.TB, s *serverstore.Store, d device, maxBytes int, start ...syncproto.Cursor) (map[string][]syncproto.Record, []syncproto.Cursor, int) {
	tb.Helper()
	cursors := map[string]syncproto.Cursor{}
	for _, c := range start {
		cursors[c.Scope] = c
	}
	out := map[string][]syncproto.Record{}
	pages := 0
	for {
		var cs []syncproto.Cursor
		for _, c := range cursors {
			cs = append(cs, c)
		}
		resp := mustPull(tb, s, d, syncproto.PullRequest{Cursors: cs, MaxBytes: maxBytes})
		pages++
		for _, p := range resp.Scopes {
			if p.Reset {
				out[p.Scope] = nil
			}
			out[p.Scope] = append(out[p.Scope], p.Records...)
			cursors[p.Scope] = syncproto.Cursor{Scope: p.Scope, Epoch: p.Epoch, Seq: p.NextSeq}
		}
		if !resp.HasMore {
			break
		}
		if pages > 1000 {
			tb.Fatal("pull does not end")
		}
	}
	var cs []syncproto.Cursor
	for _, c := range cursors {
		cs = append(cs, c)
	}
	return out, cs, pages
}

func field(tb testing.TB, r syncproto.Record, name string) any {
	tb.Helper()
	raw, ok := r.Fields[name]
	if !ok {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatalf("field %s: %v", name, err)
	}
	return v
}

func TestOpen_ReopenKeepsEpoch(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	s, path := MustOpen(t, clock)
	epoch := s.Epoch()
	if len(epoch) != 32 {
		t.Fatalf("epoch = %q, want 32 hex digits", epoch)
	}
	s.Close()
	s2, err := serverstore.Open(ctx, path, serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Epoch() != epoch {
		t.Fatalf("epoch after reopen = %q, want %q", s2.Epoch(), epoch)
	}
	if s2.IsPostgresStore() {
		return
	}
	var mode string
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestOpen_NewerVersionRefused(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	s, path := MustOpen(t, clock)
	if s.IsPostgresStore() {
		if _, err := s.RawDB().Exec(`UPDATE meta SET value = '999' WHERE key = 'schema_version'`); err != nil {
			t.Fatal(err)
		}
		s.Close()
	} else {
		s.Close()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", serverstore.SchemaVersion()+1)); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	s2, err := serverstore.Open(ctx, path, serverstore.Options{Now: clock.Now})
	if err == nil {
		s2.Close()
		t.Fatal("opened a database of a newer version")
	}
	if app.ErrorCode(err) != app.ENEWERDATA {
		t.Fatalf("error code = %q (%v), want %q", app.ErrorCode(err), err, app.ENEWERDATA)
	}
}

func TestOpen_ForeignDatabaseRefused(t *testing.T) {
	path := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "other.sqlite"))
	driver := "sqlite"
	if serverstore.IsPostgres(path) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE cases (id TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := serverstore.Open(context.Background(), path, serverstore.Options{Now: clocktest.AtToday(t).Now})
	if err == nil {
		s.Close()
		t.Fatal("opened a database that is not ours")
	}
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("error code = %q (%v), want %q", app.ErrorCode(err), err, app.EINVALID)
	}
}

func TestOpen_NotADatabase(t *testing.T) { // SQLite: a file that is not a database
	path := filepath.Join(t.TempDir(), "junk.sqlite")
	if err := os.WriteFile(path, []byte("this is not a database, just some text that is long enough to look like a header"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := serverstore.Open(context.Background(), path, serverstore.Options{Now: clocktest.AtToday(t).Now})
	if err == nil {
		s.Close()
		t.Fatal("opened a text file")
	}
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("error = %v, want invalid", err)
	}
}

func TestDump_Canonical(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	idA, idB := app.NewID(), app.NewID()
	mustPush(t, s, d,
		mut(idB, "28261", hlc(1), map[string]any{"summary": "Hàng <giả>", "status": "moi_tiep_nhan"}),
		mut(idA, "28261", hlc(2), map[string]any{"id": idA, "unit_code": "28261", "transaction_value": 120000}),
	)
	var buf bytesBuffer
	if err := s.Dump(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"id":%q,"transaction_value":120000,"type":"case","unit_code":"28261"}`+"\n"+
		`{"id":%q,"status":"moi_tiep_nhan","summary":"Hàng \u003cgiả\u003e","type":"case","unit_code":"28261"}`+"\n", idA, idB)
	if idB < idA {
		t.Fatal("ids are UUIDv7, made in order")
	}
	if got := buf.String(); got != want {
		t.Fatalf("dump:\n%s\nwant:\n%s", got, want)
	}

	buf = bytesBuffer{}
	if err := s.DumpScope(ctx, &buf, "29999"); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "" {
		t.Fatalf("dump of an empty scope = %q", buf.String())
	}
}

// bytesBuffer is a minimal io.Writer (avoids importing bytes only for this).
type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
func (w *bytesBuffer) String() string              { return string(w.b) }

func isAppCode(err error, code string) bool {
	var e *app.Error
	return errors.As(err, &e) && e.Code == code
}

// TestOpen_PageSize (SQLite): a new store has 8 KB pages (a record's row
// and its audit row are some 2 KB each); a store made with 4 KB pages, as
// before, opens and keeps them.
func TestOpen_PageSize(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	s, path := MustOpen(t, clock)
	if s.IsPostgresStore() {
		t.Skip("PostgreSQL has no page size to choose")
	}
	pageSize := func(db *sql.DB) int {
		t.Helper()
		var n int
		if err := db.QueryRow("PRAGMA page_size").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := pageSize(s.RawDB()); got != 8192 {
		t.Fatalf("a new store's page size = %d, want 8192", got)
	}
	epoch := s.Epoch()
	s.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA journal_mode = DELETE", "PRAGMA page_size = 4096", "VACUUM", "PRAGMA journal_mode = WAL"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	s2, err := serverstore.Open(ctx, path, serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := pageSize(s2.RawDB()); got != 4096 || s2.Epoch() != epoch {
		t.Fatalf("an older store after opening: page size %d (want 4096 kept), epoch %q (want %q)", got, s2.Epoch(), epoch)
	}
}
