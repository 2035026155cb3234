package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage"
	"bvntd/sync/syncclient"
)

func countCases(t *testing.T, dir string) int {
	t.Helper()
	db, _, err := OpenStore(context.Background(), dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.CountCases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A damaged store: every command says so in one Vietnamese line (no
// panic), and `bvntd restore` moves it aside and restores the newest good
// backup.
func TestDamagedStore_CommandsSayHowToRecover(t *testing.T) {
	for name, damage := range map[string]func(path string) error{
		"Truncated": func(path string) error {
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			return os.Truncate(path, fi.Size()/3)
		},
		"CorruptedPages": func(path string) error {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			for p := int64(2); p < 60; p += 3 {
				if _, err := f.WriteAt(bytes.Repeat([]byte{0xa5}, 4000), p*4096+8); err != nil {
					return err
				}
			}
			return nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "4", "--plain"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := run(t, "backup", "--data", dir); err != nil {
				t.Fatal(err)
			}
			if _, _, err := run(t, "demo", "--data", dir, "--complaints", "3", "--seed", "9", "--plain"); err != nil {
				t.Fatal(err)
			}
			if err := damage(filepath.Join(dir, StoreFile)); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"export", "--data", dir, "--report", "dump", "--out", "-"},
				{"sync", "--data", dir},
				{"backup", "--data", dir},
			} {
				_, _, err := run(t, args...)
				var stderr bytes.Buffer
				code := Exit(&stderr, err)
				msg := stderr.String()
				if code == 0 || !strings.Contains(msg, "bị hỏng") || !strings.Contains(msg, "bvntd restore --data") ||
					strings.Count(strings.TrimSpace(msg), "\n") != 0 {
					t.Fatalf("%s on a damaged store: exit %d, %q", args[0], code, msg)
				}
			}
			_, stderr, err := run(t, "restore", "--data", dir)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stderr, "đã được khôi phục từ bản sao lưu") {
				t.Fatalf("restore said %q", stderr)
			}
			if n := countCases(t, dir); n != 4 {
				t.Fatalf("%d cases after recovery, want the backup's 4", n)
			}
			damaged, _ := filepath.Glob(filepath.Join(dir, "bvntd.damaged-*.sqlite"))
			if len(damaged) != 1 {
				t.Fatalf("damaged files kept: %v", damaged)
			}
		})
	}
}

func TestRestore_FromAFileAndTheList(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "2", "--plain"); err != nil {
		t.Fatal(err)
	}
	usb := filepath.Join(t.TempDir(), "usb")
	if err := SetBackupDir(dir, usb); err != nil {
		t.Fatal(err)
	}
	if BackupDir(dir) != usb {
		t.Fatalf("backup folder %s", BackupDir(dir))
	}
	if _, _, err := run(t, "backup", "--data", dir); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "demo", "--data", dir, "--complaints", "5", "--seed", "3", "--plain"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "restore", "--data", dir, "--list")
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(out, "2 vụ việc") || !strings.HasPrefix(out, usb) {
		t.Fatalf("list %q, %v", out, err)
	}
	if _, _, err := run(t, "restore", "--data", dir); err == nil || !strings.Contains(err.Error(), "--from") {
		t.Fatalf("restore of a sound store without --from: %v", err)
	}
	from := strings.SplitN(out, "\t", 2)[0]
	_, stderr, err := run(t, "restore", "--data", dir, "--from", from)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "Đã khôi phục") || !strings.Contains(stderr, "Cảnh báo: 5 thay đổi chưa gửi") {
		t.Fatalf("restore said %q", stderr)
	}
	if n := countCases(t, dir); n != 2 {
		t.Fatalf("%d cases after restore", n)
	}
	list, _ := storage.ListBackups(context.Background(), usb, dataKeys(t, dir))
	if len(list) != 2 || list[0].Cases != 7 {
		t.Fatalf("backups after restore: %+v", list)
	}
	// Back to the default folder.
	if err := SetBackupDir(dir, ""); err != nil || BackupDir(dir) != filepath.Join(dir, DefaultBackupFolder) {
		t.Fatalf("default folder: %s %v", BackupDir(dir), err)
	}
}

// The backup folder is on a USB stick that is not plugged in: the daily
// backup goes into the data folder, and recovery finds it there.
func TestBackups_USBStickMissing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "2", "--plain"); err != nil {
		t.Fatal(err)
	}
	stick := filepath.Join(t.TempDir(), "usb")
	if err := SetBackupDir(dir, filepath.Join(stick, "bvntd")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(stick); err != nil { // unplugged
		t.Fatal(err)
	}
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	s := BackupService{DB: db, Refs: refs, DataDir: dir}
	b, taken, err := s.BackupIfDue(ctx)
	db.Close()
	if err != nil || !taken || filepath.Dir(b.Path) != filepath.Join(dir, DefaultBackupFolder) {
		t.Fatalf("daily backup without the stick: %+v %v %v", b, taken, err)
	}
	if fileExists(stick) {
		t.Fatal("the stick's folder was created on the local disk")
	}
	if err := os.Truncate(filepath.Join(dir, StoreFile), 10000); err != nil {
		t.Fatal(err)
	}
	rec, ok, err := RecoverStore(ctx, dir, testNow(t))
	if err != nil || !ok || rec.From.Path != b.Path {
		t.Fatalf("recovery: %+v %v %v", rec, ok, err)
	}
	if n := countCases(t, dir); n != 2 {
		t.Fatalf("%d cases after recovery", n)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// A restore from the window's sync tab waits for the running sync, and no
// sync starts during it (the sync scheduler's Exclusive).
func TestBackupService_RestoreWaitsForTheSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "1", "--plain"); err != nil {
		t.Fatal(err)
	}
	// A server that holds every request until the sync gives up.
	var restoring, syncedDuringRestore atomic.Bool
	requests := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if restoring.Load() {
			syncedDuringRestore.Store(true)
		}
		requests <- struct{}{}
		io.Copy(io.Discard, r.Body) // then the server notices the client leaving
		<-r.Context().Done()
	}))
	defer srv.Close()
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetEnrollment(ctx, app.Enrollment{ServerURL: srv.URL, Token: "t", Scope: "28261", At: db.Now()}); err != nil {
		t.Fatal(err)
	}
	sched := syncclient.NewScheduler(ctx, &syncclient.Client{Store: db, AppVersion: AppVersion, Now: db.Now}, db.SyncStatus)
	defer sched.Stop()
	finished := make(chan syncclient.Outcome, 4)
	sched.Listen(syncclient.Listener{Finished: func(o syncclient.Outcome) { finished <- o }})
	s := BackupService{DB: db, Refs: refs, DataDir: dir, Exclusive: func(fn func() error) error {
		return sched.Exclusive(func() error {
			restoring.Store(true)
			defer restoring.Store(false)
			return fn()
		})
	}}
	b, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	request := func(what string) {
		t.Helper()
		select {
		case <-requests:
		case <-time.After(30 * time.Second):
			t.Fatalf("no request of the %s sync", what)
		}
	}
	first, stopFirst := context.WithCancel(ctx)
	defer stopFirst()
	sched.Manual(first)
	request("first") // a sync runs
	done := make(chan error, 1)
	go func() {
		_, err := s.Restore(ctx, b.Path)
		done <- err
	}()
	second, stopSecond := context.WithCancel(ctx)
	defer stopSecond()
	sched.Manual(second) // asked for while the first runs
	select {
	case err := <-done:
		t.Fatalf("the restore did not wait for the sync: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	stopFirst() // the officer stops the sync
	if o := <-finished; !o.Stopped {
		t.Fatalf("first sync: %+v", o)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	request("second") // after the restore
	stopSecond()
	<-finished
	if syncedDuringRestore.Load() {
		t.Fatal("a sync reached the server during the restore")
	}
}

// dataKeys returns the keys that read the backups of the data folder dir.
func dataKeys(t testing.TB, dir string) storage.Keys {
	t.Helper()
	k, err := storage.DataKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
