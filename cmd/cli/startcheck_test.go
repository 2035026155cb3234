package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/storage"
)

// The window's start checks its store fully only when it may have been
// damaged since the window closed it: a clean close lets the next start
// check it in the background; a crash (no mark), a file changed since, or
// a second start after a background start checks it at once. A damage
// that keeps the file's size and time is found by the background check,
// and the next start then recovers.
func TestStartCheck_FullOnlyAfterAnUncleanClose(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := testNow(t)
	open := func() {
		t.Helper()
		db, _, err := OpenCheckedStore(ctx, dir, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	start := func(want bool, why string) {
		t.Helper()
		_, _, background, err := StartCheck(ctx, dir, now)
		if err != nil || background != want {
			t.Fatalf("%s: background %v (want %v), %v", why, background, want, err)
		}
	}
	open()
	start(false, "a store never closed by the window")
	if err := MarkClosed(dir); err != nil {
		t.Fatal(err)
	}
	start(true, "after a clean close")
	start(false, "after a start without a clean close (a crash)")

	// Changed since the clean close: another size.
	open()
	if err := MarkClosed(dir); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, StoreFile)
	f, err := os.OpenFile(store, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 4096))
	f.Close()
	start(false, "a store changed since the clean close")

	// Damaged in place, its size and time kept: the background check finds it.
	open()
	if err := MarkClosed(dir); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(store)
	g, err := os.OpenFile(store, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for p := int64(1); p < 8; p++ {
		g.WriteAt(junk, p*4096+16)
	}
	g.Close()
	if err := os.Chtimes(store, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	start(true, "a damage that kept the size and time")
	if err := CheckInBackground(ctx, dir); !storage.IsDamaged(err) {
		t.Fatalf("background check of a damaged store: %v", err)
	}
	rec, recovered, background, err := StartCheck(ctx, dir, now)
	if err != nil || !recovered || background || rec.Reason == "" {
		t.Fatalf("the start after the background check found damage: recovered %v, background %v, %+v, %v", recovered, background, rec, err)
	}
}

// TestCommand_ChecksTheStoreOnlyAfterAnUncleanClose: a command reads the
// whole store first only when no clean close (a command's or the
// window's) left it as it is; each command's clean close is marked.
func TestCommand_ChecksTheStoreOnlyAfterAnUncleanClose(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "5", "--plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, closedMark)); err != nil {
		t.Fatalf("no clean-close mark after a command: %v", err)
	}
	out := filepath.Join(t.TempDir(), "so.xlsx")
	export := func(want int64, why string) {
		t.Helper()
		before := storeChecks.Load()
		if _, _, err := run(t, "export", "--data", dir, "--report", "register", "--out", out); err != nil {
			t.Fatalf("%s: %v", why, err)
		}
		if got := storeChecks.Load() - before; got != want {
			t.Errorf("%s: %d full checks, want %d", why, got, want)
		}
	}
	export(0, "after a command's clean close")
	export(0, "again")
	if err := os.Remove(filepath.Join(dir, closedMark)); err != nil { // a crash leaves none
		t.Fatal(err)
	}
	export(1, "after a crash")
	export(0, "after that command's clean close")
	// Changed since (another size): checked.
	f, err := os.OpenFile(filepath.Join(dir, StoreFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 4096))
	f.Close()
	export(1, "a store changed since the clean close")
}
