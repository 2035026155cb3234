package main

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/storage"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// These tests play what happens in the field, with the real store, client
// and server over loopback HTTP and clocks the test controls: laptops whose
// clocks are years off, two officers editing the same case, a voided case
// edited elsewhere, a revoked laptop, a server restored from a backup, an
// app too old for the server.

// The clock of a field test (clocktest.Clock) is the true time; the server
// reads it as it is, each laptop with its own error (its skew). Tests that
// exercise the program "today" start it at clocktest.AtToday, tests of a
// fixed rule at their day.

// fieldServer is a provincial server whose store can be swapped (restored).
type fieldServer struct {
	t     *testing.T
	clock *clocktest.Clock
	path  string
	files string // the evidence files' folder
	url   string
	opts  syncserver.Options
	// rng draws the laptops' device tags (clocktest.Rand when first
	// needed, or the history's own source in TestConvergence), so that no
	// run depends on luck.
	rng  *rand.Rand
	tags map[string]bool

	mu       sync.Mutex
	store    *serverstore.Store
	h        http.Handler
	requests map[string]int // requests served, by path
}

func newFieldServer(t *testing.T, clock *clocktest.Clock, opts syncserver.Options) *fieldServer {
	quietLogs(t)
	s := &fieldServer{t: t, clock: clock, path: pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite")), opts: opts,
		tags: map[string]bool{}, requests: map[string]int{}}
	s.files = testFilesDir(t, s.path)
	s.open()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.h
		s.requests[r.URL.Path]++
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { s.store.Close() })
	s.url = ts.URL
	return s
}

// testFilesDir is the evidence files' folder of a test server: a folder
// of its own on SQLite; none on PostgreSQL, whose store keeps the files
// in the database (serverstore/pgcontent.go).
func testFilesDir(t *testing.T, db string) string {
	if serverstore.IsPostgres(db) {
		return ""
	}
	return filepath.Join(t.TempDir(), "tep")
}

func (s *fieldServer) open() {
	st, err := serverstore.Open(context.Background(), s.path, serverstore.Options{Now: s.clock.Now, FilesDir: s.files})
	if err != nil {
		s.t.Fatal(err)
	}
	o := s.opts
	o.Now, o.Logger = s.clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil))
	s.mu.Lock()
	s.store, s.h = st, syncserver.New(st, o)
	s.mu.Unlock()
}

// restore replaces the database with a backup, as an administrator would:
// with `bvntd-server restore` into a new, empty PostgreSQL database, or over
// a SQLite file moved aside (here: deleted).
func (s *fieldServer) restore(backup string) {
	s.t.Helper()
	s.mu.Lock()
	s.store.Close()
	s.mu.Unlock()
	if serverstore.IsPostgres(s.path) {
		fresh, err := url.Parse(pgtest.NewDatabase(s.t))
		if err != nil {
			s.t.Fatal(err)
		}
		s.path = pgtest.WithDatabase(s.path, strings.TrimPrefix(fresh.Path, "/")) // the same search_path
	} else {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(s.path + suffix)
		}
	}
	s.cmd("restore", "--db", s.path, "--from", backup)
	s.open()
}

// cmd runs a one-shot `bvntd-server` command on the server's clock.
func (s *fieldServer) cmd(args ...string) string {
	s.t.Helper()
	return serverCmdAt(s.t, s.clock.Now, args...)
}

// served returns how many requests the server has served for path.
func (s *fieldServer) served(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// newTag draws a device tag no other laptop of the test has.
func (s *fieldServer) newTag() string {
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	if s.rng == nil {
		s.rng = clocktest.Rand(s.t)
	}
	for {
		b := make([]byte, 4)
		for i := range b {
			b[i] = crockford[s.rng.IntN(len(crockford))]
		}
		if tag := string(b); !s.tags[tag] {
			s.tags[tag] = true
			return tag
		}
	}
}

func (s *fieldServer) dump() string {
	s.t.Helper()
	var b strings.Builder
	if err := s.store.Dump(context.Background(), &b); err != nil {
		s.t.Fatal(err)
	}
	return b.String()
}

// laptop is one officer's device with a clock off by skew.
type laptop struct {
	t      *testing.T
	db     *storage.DB
	client *syncclient.Client
	tag    string
}

func newLaptop(t *testing.T, srv *fieldServer, scope string, skew time.Duration) *laptop {
	t.Helper()
	l := newIdleLaptop(t, srv, scope, skew)
	l.enroll(srv, scope)
	return l
}

// newIdleLaptop is newLaptop before its enrolment.
func newIdleLaptop(t *testing.T, srv *fieldServer, scope string, skew time.Duration) *laptop {
	t.Helper()
	ctx := context.Background()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return srv.clock.Now().Add(skew) }
	tag := srv.newTag()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), cli.StoreFile), storage.Options{Now: now, DeviceTag: tag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		t.Fatal(err)
	}
	db.SetRefs(refs)
	db.SetOfficer("Cán bộ " + scope)
	l := &laptop{t: t, db: db, tag: tag, client: &syncclient.Client{Store: db, AppVersion: cli.AppVersion, Now: now,
		BackoffBase: time.Millisecond, BackoffMax: 10 * time.Millisecond}}
	return l
}

func (l *laptop) enroll(srv *fieldServer, scope string) {
	l.t.Helper()
	code, _, err := srv.store.CreateEnrolCode(context.Background(), scope, time.Hour)
	if err != nil {
		l.t.Fatal(err)
	}
	if _, err := l.client.Enroll(context.Background(), srv.url, code, "máy thử"); err != nil {
		l.t.Fatal(err)
	}
}

func (l *laptop) sync() error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := l.client.Sync(ctx)
	return err
}

func (l *laptop) mustSync() {
	l.t.Helper()
	if err := l.sync(); err != nil {
		l.t.Fatalf("sync: %v", err)
	}
}

func (l *laptop) newCase(name string) *app.Case {
	l.t.Helper()
	c := &app.Case{ReceivedAt: l.db.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: name, Sector: "thuc_pham_do_uong", Summary: "Mua bánh kẹo hết hạn.", RecordHead: app.RecordHead{UnitCode: "28261"}}
	if err := l.db.CreateCase(context.Background(), c); err != nil {
		l.t.Fatal(err)
	}
	return c
}

func (l *laptop) edit(id string, fn func(*app.Case)) {
	l.t.Helper()
	c, err := l.db.GetCase(context.Background(), id)
	if err != nil {
		l.t.Fatal(err)
	}
	orig := c
	fn(&c)
	if err := l.db.Edit(context.Background(), app.EntityCase, id, orig.Version, c.ChangedFields(&orig)); err != nil {
		l.t.Fatal(err)
	}
}

func (l *laptop) get(id string) app.Case {
	l.t.Helper()
	c, err := l.db.GetCase(context.Background(), id)
	if err != nil {
		l.t.Fatal(err)
	}
	return c
}

func (l *laptop) dump() string {
	l.t.Helper()
	var b strings.Builder
	if _, err := l.db.Dump(context.Background(), &b); err != nil {
		l.t.Fatal(err)
	}
	return b.String()
}

func (l *laptop) openConflicts() []app.Conflict {
	l.t.Helper()
	cs, err := l.db.ListConflicts(context.Background(), true)
	if err != nil {
		l.t.Fatal(err)
	}
	return cs
}

func assertConverged(t *testing.T, srv *fieldServer, ls ...*laptop) {
	t.Helper()
	want := srv.dump()
	for i, l := range ls {
		if got := l.dump(); got != want {
			t.Fatalf("laptop %d differs from the server:\n got %s\nwant %s", i, got, want)
		}
	}
}

const tenYears = 10 * 365 * 24 * time.Hour

func TestClocks_TenYearsAheadOrBehind(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	good := newLaptop(t, srv, "28261", 0)
	fast := newLaptop(t, srv, "28261", tenYears)
	slow := newLaptop(t, srv, "28261", -tenYears)
	x := good.newCase("Nguyễn Văn Đồng Hồ")
	for _, l := range []*laptop{good, fast, slow} {
		l.mustSync()
	}

	// The fast laptop edits first, the good one a minute later; the fast one
	// even reaches the server last. Real time decides: the good one wins.
	clock.Advance(time.Minute)
	fast.edit(x.ID, func(c *app.Case) { c.Summary = "Sửa trên máy nhanh 10 năm" })
	clock.Advance(time.Minute)
	good.edit(x.ID, func(c *app.Case) { c.Summary = "Sửa trên máy đúng giờ" })
	good.mustSync()
	fast.mustSync()
	good.mustSync()
	if got := good.get(x.ID).Summary; got != "Sửa trên máy đúng giờ" {
		t.Fatalf("summary = %q: a clock ten years ahead won a later edit", got)
	}

	// The slow laptop edits after both: its edit is the latest and gets in.
	clock.Advance(time.Minute)
	slow.edit(x.ID, func(c *app.Case) { c.Summary = "Sửa trên máy chậm 10 năm" })
	slow.mustSync()
	for _, l := range []*laptop{good, fast, slow} {
		l.mustSync()
	}
	if got := good.get(x.ID).Summary; got != "Sửa trên máy chậm 10 năm" {
		t.Fatalf("summary = %q: the edit of a clock ten years behind was lost", got)
	}
	assertConverged(t, srv, good, fast, slow)

	// No one's clock was dragged: the good laptop still stamps in real time.
	good.edit(x.ID, func(c *app.Case) { c.BusinessName = "Cửa hàng Mới" })
	batch, err := good.db.PendingBatch(context.Background(), 1<<20)
	if err != nil || len(batch) != 1 {
		t.Fatalf("batch %v %v", batch, err)
	}
	if d := batch[0].HLC.Time().Sub(clock.Peek()); d > time.Minute || d < -time.Minute {
		t.Fatalf("the good laptop's stamp is %v off real time after syncing with a fast laptop", d)
	}
	// The officers of the laptops with wrong clocks are told.
	for name, l := range map[string]*laptop{"fast": fast, "slow": slow} {
		st, err := l.db.SyncStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.ClockOffset < 9*tenYears/10 && st.ClockOffset > -9*tenYears/10 {
			t.Fatalf("%s laptop: measured clock offset %v", name, st.ClockOffset)
		}
	}
	if st, _ := good.db.SyncStatus(context.Background()); st.ClockOffset > app.ClockWarning || st.ClockOffset < -app.ClockWarning {
		t.Fatalf("good laptop: clock offset %v", st.ClockOffset)
	}
}

func TestConflict_SameFieldKeptForReviewAndResolved(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	x := a.newCase("Lê Thị Tranh Chấp")
	a.mustSync()
	b.mustSync()

	// Offline, both officers change the summary; B's change is later.
	clock.Advance(time.Minute)
	a.edit(x.ID, func(c *app.Case) { c.Summary = "Bản của máy A" })
	clock.Advance(time.Minute)
	b.edit(x.ID, func(c *app.Case) { c.Summary = "Bản của máy B"; c.ConsumerPhone = "0912345678" })
	a.mustSync()
	b.mustSync()
	a.mustSync()

	for name, l := range map[string]*laptop{"A": a, "B": b} {
		got := l.get(x.ID)
		if got.Summary != "Bản của máy B" || got.ConsumerPhone != "0912345678" {
			t.Fatalf("%s: summary %q phone %q", name, got.Summary, got.ConsumerPhone)
		}
		cs := l.openConflicts()
		if len(cs) != 1 || cs[0].Field != "summary" || cs[0].RecordID != x.ID || cs[0].Kind != app.ConflictField {
			t.Fatalf("%s: open conflicts %+v, want one on the summary", name, cs)
		}
		if string(cs[0].KeptValue) != `"Bản của máy B"` || string(cs[0].OtherValue) != `"Bản của máy A"` {
			t.Fatalf("%s: kept %s other %s", name, cs[0].KeptValue, cs[0].OtherValue)
		}
	}
	assertConverged(t, srv, a, b)

	// The supervisor on A chooses A's text: a new edit, synced everywhere.
	clock.Advance(time.Minute)
	if err := a.db.ResolveConflict(context.Background(), a.openConflicts()[0].ID, app.ResolutionOther); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		if got := l.get(x.ID).Summary; got != "Bản của máy A" {
			t.Fatalf("%s: summary %q after choosing the other value", name, got)
		}
		if cs := l.openConflicts(); len(cs) != 0 {
			t.Fatalf("%s: %d conflicts still open", name, len(cs))
		}
	}
	assertConverged(t, srv, a, b)
}

func TestConflict_DifferentFieldsMergeSilently(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	x := a.newCase("Võ Văn Gộp")
	a.mustSync()
	b.mustSync()
	a.edit(x.ID, func(c *app.Case) { c.BusinessName = "Siêu thị A" })
	b.edit(x.ID, func(c *app.Case) { c.Status = "dang_xu_ly" })
	a.mustSync()
	b.mustSync()
	a.mustSync()
	if got := a.get(x.ID); got.BusinessName != "Siêu thị A" || got.Status != "dang_xu_ly" {
		t.Fatalf("merged %q %q", got.BusinessName, got.Status)
	}
	if cs := a.openConflicts(); len(cs) != 0 {
		t.Fatalf("edits of different fields made %d conflicts: %+v", len(cs), cs)
	}
	assertConverged(t, srv, a, b)
}

func TestVoid_ConcurrentEditKeepsItVoidedAndFlagged(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	x := a.newCase("Đỗ Văn Trùng")
	a.mustSync()
	b.mustSync()
	clock.Advance(time.Minute)
	if err := a.db.VoidCase(context.Background(), x.ID, "Ghi trùng với vụ việc khác"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute) // B's edit is later, but B never saw the void
	b.edit(x.ID, func(c *app.Case) { c.BusinessName = "Cửa hàng điện máy B" })
	a.mustSync()
	b.mustSync()
	a.mustSync()
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		got := l.get(x.ID)
		if !got.Voided || got.VoidReason != "Ghi trùng với vụ việc khác" {
			t.Fatalf("%s: voided %v (%q)", name, got.Voided, got.VoidReason)
		}
		cs := l.openConflicts()
		if len(cs) != 1 || cs[0].Kind != app.ConflictVoidEdit {
			t.Fatalf("%s: conflicts %+v, want one void_edit", name, cs)
		}
		list, _ := l.db.ListCases(context.Background(), app.CaseQuery{})
		if len(list) != 0 {
			t.Fatalf("%s: a voided case is still listed", name)
		}
	}
	assertConverged(t, srv, a, b)
}

func TestRevokedDevice_RefusedAtOnceAndKeepsItsOutbox(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	for i := 0; i < 3; i++ {
		a.newCase("Người Chưa Gửi")
	}
	if err := srv.store.Revoke(context.Background(), a.db.DeviceID()); err != nil {
		t.Fatal(err)
	}
	pushes := srv.served(syncproto.PathPush)
	err := a.sync()
	if app.ErrorCode(err) != app.EUNAUTHORIZED || !strings.Contains(app.ErrorMessage(err), "thu hồi") {
		t.Fatalf("sync of a revoked laptop: %v", err)
	}
	if n := srv.served(syncproto.PathPush) - pushes; n != 1 {
		t.Fatalf("a revoked laptop sent %d pushes: it kept retrying instead of stopping at once", n)
	}
	st, _ := a.db.SyncStatus(context.Background())
	if st.Pending != 3 || !strings.Contains(st.LastError, "thu hồi") {
		t.Fatalf("after refusal: %d pending, last error %q", st.Pending, st.LastError)
	}
	// Enrolled again with a new code, it sends what was typed.
	a.enroll(srv, "28261")
	a.mustSync()
	if n := strings.Count(srv.dump(), "\n"); n != 3 {
		t.Fatalf("server has %d records after re-enrolment", n)
	}
}

func TestRestoredServer_DevicesResendWhatItLost(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	first := a.newCase("Trước Sao Lưu")
	a.mustSync()
	b.mustSync()
	backup := filepath.Join(t.TempDir(), "backup.sqlite")
	if err := srv.store.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	// After the backup: new cases and edits, acknowledged by the server.
	clock.Advance(time.Minute)
	after := a.newCase("Sau Sao Lưu")
	a.edit(first.ID, func(c *app.Case) { c.Status = "da_thu_ly" })
	b.newCase("Máy B Sau Sao Lưu")
	a.mustSync()
	b.mustSync()
	a.mustSync()
	before := srv.dump()

	srv.restore(backup) // the disk failed; yesterday's backup is put back
	if srv.dump() == before {
		t.Fatal("the restore changed nothing; the test is void")
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()
	if got := srv.dump(); got != before {
		t.Fatalf("after the devices resynced, the restored server differs from before the failure:\n got %s\nwant %s", got, before)
	}
	if a.get(after.ID).ConsumerName != "Sau Sao Lưu" || a.get(first.ID).Status != "da_thu_ly" {
		t.Fatal("laptop A lost data across the restore")
	}
	assertConverged(t, srv, a, b)
}

func TestOldApp_KeepsWorkingOfflineAndIsToldToUpdate(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{MinAppVersion: "9.0.0"})
	a := newLaptop(t, srv, "28261", 0)
	a.newCase("Phiên Bản Cũ")
	err := a.sync()
	if app.ErrorCode(err) != "upgrade_required" || !strings.Contains(app.ErrorMessage(err), "cập nhật") {
		t.Fatalf("sync of an old app: %v", err)
	}
	st, _ := a.db.SyncStatus(context.Background())
	if st.UpdateRequired != "9.0.0" || st.Pending != 1 {
		t.Fatalf("status %+v", st)
	}
	a.newCase("Vẫn Làm Việc Được")
	if n, _ := a.db.CountCases(context.Background()); n != 2 {
		t.Fatalf("%d cases", n)
	}
}

func TestLaptopRestoredFromItsBackup_GetsBackWhatItWroteSince(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	before := a.newCase("Trước Khi Sao Lưu Máy")
	a.mustSync()
	backup := filepath.Join(t.TempDir(), "laptop-backup.sqlite")
	if err := a.db.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	after := a.newCase("Sau Khi Sao Lưu Máy")
	a.edit(before.ID, func(c *app.Case) { c.Status = "dang_xu_ly" })
	a.mustSync()
	want := srv.dump()

	// The laptop's store is lost; its backup (encrypted, opened with the
	// laptop's key) is put back in place. The token, outside the store,
	// is still there.
	path := a.db.Path()
	a.db.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	keys, err := storage.DataKeys(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.RestoreInto(context.Background(), backup, path, keys); err != nil {
		t.Fatal(err)
	}
	now := clock.Now
	db, err := storage.Open(context.Background(), path, storage.Options{Now: now, DeviceTag: a.tag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	refs, _ := seeds.Load()
	db.SetRefs(refs)
	a.db, a.client = db, &syncclient.Client{Store: db, AppVersion: cli.AppVersion, Now: now}
	if _, err := db.GetCase(context.Background(), after.ID); err == nil {
		t.Fatal("the backup already has the later case; the test is void")
	}
	a.mustSync()
	if got := a.get(after.ID); got.ConsumerName != "Sau Khi Sao Lưu Máy" || a.get(before.ID).Status != "dang_xu_ly" {
		t.Fatalf("after restoring its backup the laptop did not get back its own later work: %+v", got)
	}
	if a.dump() != want || srv.dump() != want {
		t.Fatal("replicas differ after the laptop's restore")
	}
}

func TestCaseEvents_TwoLaptopsActOfflineAllStepsKept(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	x := a.newCase("Lương Văn Quy Trình")
	ctx := context.Background()
	if err := a.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventAccepted}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()

	// Offline: A refers the case; B, a minute later, adds a note and
	// contacts the business.
	clock.Advance(time.Minute)
	if err := a.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventReferred, Agency: "sct",
		DocumentNo: "12/UBND-KT", ConsumerNotified: true}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := b.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventNote,
		Note: "Người tiêu dùng gửi thêm ảnh hóa đơn."}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := b.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventBusinessContacted}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()

	for name, l := range map[string]*laptop{"A": a, "B": b} {
		evs, err := l.db.ListCaseEvents(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		want := []string{app.EventAccepted, app.EventReferred, app.EventNote, app.EventBusinessContacted}
		if strings.Join(kinds, ",") != strings.Join(want, ",") {
			t.Fatalf("%s: timeline %v, want %v", name, kinds, want)
		}
	}
	// The status is the last writer's (B's contact); both laptops saw a
	// different status, which is kept for review.
	if got := a.get(x.ID).Status; got != app.StatusAwaitBusiness {
		t.Fatalf("status %s", got)
	}
	if cs := a.openConflicts(); len(cs) != 1 || cs[0].Field != "status" {
		t.Fatalf("conflicts %+v, want one on the status", cs)
	}
	assertConverged(t, srv, a, b)
	if n := strings.Count(srv.dump(), `"type":"case_event"`); n != 4 {
		t.Fatalf("server holds %d case events", n)
	}
}
