package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// mountTmpfs mounts a tmpfs of size bytes on a new folder, or skips the
// test where that is not allowed (not root, no mount namespace rights).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the full disk is tested with an injected write failure in storage/serverstore", err)
	}
	// Lazily: the server's files may still be open when cleanups run.
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes a file into dir until the disk is full, and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			t.Fatal(err)
		}
	}
	for _, n := range []int{4096, 512, 1} { // the last pages
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	return path
}

func getHealth(t *testing.T, url string) (int, syncproto.HealthResponse) {
	t.Helper()
	res, err := http.Get(url + syncproto.PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var h syncproto.HealthResponse
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, h
}

// The server's database on a small disk that fills up (a real tmpfs, the
// server's SQLite file and its write-ahead log on it). Pushes are refused
// with the storage code and the laptop says "Máy chủ tỉnh đang lỗi lưu
// trữ, dữ liệu của bạn vẫn an toàn trên máy", keeping its changes; pulls
// answer, so the other laptops and the province keep syncing; health says
// 503 and why. When space is freed the changes go through and nothing is
// lost: every dump is the server's.
func TestFullDisk_Tmpfs_PullsAnswerPushesResume(t *testing.T) {
	if pgtest.Postgres() {
		t.Skip("SQLite's file on a tmpfs; PostgreSQL's full disk is the injected failure of storage/serverstore")
	}
	ctx := context.Background()
	disk := mountTmpfs(t, "16m")
	srv := newFieldServer(t, clocktest.AtToday(t), syncserver.Options{})
	srv.mu.Lock()
	srv.store.Close()
	srv.mu.Unlock()
	srv.path = filepath.Join(disk, "server.sqlite")
	srv.open()

	a := newLaptop(t, srv, "28261", 0)
	b := newLaptop(t, srv, "28261", 0)
	prov := newFullProvinceLaptop(t, srv) // compared with the whole server
	for i := range 3 {
		a.newCase("Nguyễn Văn " + string(rune('A'+i)))
	}
	for _, l := range []*laptop{a, b, prov} {
		l.mustSync()
	}
	fromB := b.newCase("Võ Thị Kịp") // reaches the server just before the disk fills
	b.mustSync()

	// The disk fills up, the write-ahead log emptied first: the next write
	// must grow a file.
	h, err := sql.Open("sqlite", "file:"+filepath.ToSlash(srv.path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	h.Close()
	filler := fill(t, disk)

	srv.clock.Advance(time.Minute)
	late := []*app.Case{a.newCase("Trần Thị Đầy"), a.newCase("Lê Văn Chờ")}
	err = a.sync()
	if app.ErrorCode(err) != app.ESERVERSTORAGE || app.ErrorMessage(err) != syncclient.MsgServerStorage ||
		syncclient.MsgServerStorage != "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy." {
		t.Fatalf("push on a full disk: %v", err)
	}
	st, err := a.db.SyncStatus(ctx)
	if err != nil || st.Pending != 2 || st.LastError != syncclient.MsgServerStorage {
		t.Fatalf("laptop a after the refused push: pending %d, last error %q, %v", st.Pending, st.LastError, err)
	}
	for name, l := range map[string]*laptop{"b": b, "province": prov} {
		if err := l.sync(); err != nil {
			t.Fatalf("laptop %s's pull on a full disk: %v", name, err)
		}
	}
	// Pulls only read: what b sent reaches a (whose push was refused)
	// and the province while the disk is full.
	for name, l := range map[string]*laptop{"a": a, "province": prov} {
		if _, err := l.db.GetCase(ctx, fromB.ID); err != nil {
			t.Fatalf("laptop %s did not pull on a full disk: %v", name, err)
		}
	}
	srv.clock.Advance(10 * time.Second)
	code, health := getHealth(t, srv.url)
	if code != http.StatusServiceUnavailable || health.Writable || health.Code != syncproto.CodeServerStorage ||
		!strings.Contains(health.Store, "ổ đĩa của máy chủ đã đầy") || health.FreeBytes == nil || *health.FreeBytes > 64<<10 {
		t.Fatalf("health on a full disk: %d %+v", code, health)
	}

	// Space is freed: the changes go through, nothing is lost.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	srv.clock.Advance(10 * time.Second)
	for _, l := range []*laptop{a, b, prov} {
		l.mustSync()
	}
	if st, _ := a.db.SyncStatus(ctx); st.Pending != 0 || st.LastError != "" {
		t.Fatalf("laptop a after space is back: %+v", st)
	}
	for _, c := range late {
		if _, err := prov.db.GetCase(ctx, c.ID); err != nil {
			t.Fatalf("a change made while the disk was full is lost: %v", err)
		}
	}
	if code, health := getHealth(t, srv.url); code != http.StatusOK || !health.Writable || health.FreeBytes == nil || *health.FreeBytes < 1<<20 {
		t.Fatalf("health after space is back: %d %+v", code, health)
	}
	assertConverged(t, srv, a, b, prov)
}
