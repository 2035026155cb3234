package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage"
	"bvntd/storage/pgtest"
	"bvntd/sync/syncserver"
)

// attachmentOf finds the laptop's attachment record naming h.
func attachmentOf(t *testing.T, l *laptop, h string) app.Attachment {
	t.Helper()
	all, err := storage.ListRecords[app.Attachment](context.Background(), l.db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.SHA256 == h && !a.Voided {
			return a
		}
	}
	t.Fatalf("no live attachment names %s", app.ShortHash(h))
	return app.Attachment{}
}

// TestFiles_PruneWaitsForEveryDeviceToSeeTheVoid: a file removed from its
// case (its attachment record voided) on laptop A keeps its content on
// the server while laptop B of the same commune has not pulled the void;
// once B (and A) have, `bvntd-server files --prune` removes it and says
// so per commune. A file also named by a live record of another commune
// is kept.
func TestFiles_PruneWaitsForEveryDeviceToSeeTheVoid(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	ctx := context.Background()
	a := newLaptop(t, srv, "28261", 0)
	b := newLaptop(t, srv, "28261", 0)
	c := newLaptop(t, srv, "28249", 0)
	gone := fileBytes(t, 500<<10)
	shared := fileBytes(t, 300<<10)[11:]
	x := a.newCase("Trương Thị Gỡ Tệp")
	hGone := attach(t, a, x.ID, "28261", gone)
	hShared := attach(t, a, x.ID, "28261", shared)
	a.client.FileBytes = -1
	a.mustSync()
	// Commune 28249 attaches the same content to a case of its own.
	y := c.newCase("Lý Văn Cùng Tệp")
	attach(t, c, y.ID, "28249", shared)
	c.client.FileBytes = -1
	c.mustSync()
	withFiles(t, b)
	b.mustSync()

	clock.Advance(time.Hour)
	for _, h := range []string{hGone, hShared} {
		if err := a.db.RemoveAttachment(ctx, attachmentOf(t, a, h).ID, "Chụp nhầm hóa đơn của hồ sơ khác"); err != nil {
			t.Fatal(err)
		}
	}
	a.mustSync()
	a.mustSync() // A's next pull acknowledges what it pushed

	removed, waiting, err := srv.store.PruneFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 0 || waiting != 1 || !serverFiles(t, srv).Has(hGone) {
		t.Fatalf("before B saw the void: removed %v, %d waiting; want nothing removed, 1 waiting", removed, waiting)
	}

	b.mustSync() // B pulls the void
	b.mustSync() // and its next pull acknowledges it
	// The cursors the pulls acknowledged are written (as the server does
	// every few seconds, and at close) before another process prunes.
	srv.mu.Lock()
	srv.store.Close()
	srv.mu.Unlock()
	srv.open()

	stdout, stderr, err := runAt(t, clock.Now, "files", "--db", srv.path, "--files", srv.files, "--prune")
	if err != nil {
		t.Fatalf("files --prune: %v (%s)", err, stderr)
	}
	t.Logf("prune:\n%s%s", stdout, stderr)
	if i := strings.Index(stdout, "28261"); i < 0 || !strings.HasSuffix(strings.Join(strings.Fields(stdout[i:]), " "), "1 512000") {
		t.Fatalf("files --prune printed %q, want commune 28261's row: 1 file, 512000 bytes", stdout)
	}
	if want := "xóa nội dung 1 tệp (500 KB) ở 1 xã"; !strings.Contains(stderr, want) {
		t.Fatalf("files --prune said %q, want %q", stderr, want)
	}
	if files := serverFiles(t, srv); files.Has(hGone) || !files.Has(hShared) {
		t.Fatalf("after the prune: the voided file held %v, the shared one %v; want false, true", files.Has(hGone), files.Has(hShared))
	}
	// What the prune printed per commune.
	pout, _, err := runAt(t, clock.Now, "files", "--db", srv.path, "--files", srv.files, "--prune")
	if err != nil || strings.Contains(pout, "28261") {
		t.Fatalf("a second prune: %q, %v; want nothing removed", pout, err)
	}
}

// TestServe_PrunesFilesOnceADay: serve runs the files' prune once on each
// day of its clock: at its first check, not again the same day, and again
// when the clock reaches the next day.
func TestServe_PrunesFilesOnceADay(t *testing.T) {
	quietLogs(t)
	clock := clocktest.AtToday(t)
	m := NewMain(clock.Now)
	stderr := &syncBuffer{}
	m.Stdout, m.Stderr = &syncBuffer{}, stderr
	db := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	if err := m.ParseFlags([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	m.PruneCheckEvery = time.Millisecond
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	runs := func() int { return strings.Count(stderr.String(), "Dọn tệp chứng cứ đã gỡ") }
	waitFor := func(n int) {
		t.Helper()
		for i := 0; i < 20000 && runs() < n; i++ {
			time.Sleep(time.Millisecond)
		}
		if got := runs(); got != n {
			t.Fatalf("%d prunes, want %d:\n%s", got, n, stderr.String())
		}
	}
	waitFor(1)
	time.Sleep(50 * time.Millisecond) // many checks on the same day
	if got := runs(); got != 1 {
		t.Fatalf("%d prunes on one day, want 1", got)
	}
	clock.Advance(24 * time.Hour)
	waitFor(2)
}
