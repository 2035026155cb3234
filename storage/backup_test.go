package storage

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// keysOf returns the keys that read db's backups.
func keysOf(t testing.TB, db *DB) Keys {
	t.Helper()
	k, err := db.keys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// plainOf returns a decrypted copy of db's backup at path, removed at
// the end of the test.
func plainOf(t testing.TB, db *DB, path string) string {
	t.Helper()
	plain, done, err := plainCopy(path, keysOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(done)
	return plain
}

// countIn opens a backup file of db and counts its cases and outbox rows.
func countIn(t *testing.T, db *DB, path string) (cases, outbox int, check string) {
	t.Helper()
	c, err := sql.Open("sqlite", fileURI(plainOf(t, db, path))+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.QueryRow("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM outbox)").Scan(&cases, &outbox); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil {
		t.Fatal(err)
	}
	return
}

// While the app keeps saving cases (each one a case row and an outbox row
// in one transaction), backups taken by the app and by a second process on
// the same file (`bvntd backup`) are each one snapshot: as many outbox rows
// as cases, and a sound file.
func TestBackup_ConsistentWhileTheAppWrites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	other, err := Open(ctx, db.Path(), Options{Now: db.Now}) // the CLI, another process
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	var stop atomic.Bool
	done := make(chan error)
	go func() {
		var err error
		for i := 0; !stop.Load() && err == nil; i++ {
			err = db.CreateCase(ctx, newCase(db, "Trần Văn Ghi"))
		}
		done <- err
	}()
	dir := t.TempDir()
	var last int
	for i := 0; i < 6; i++ {
		time.Sleep(30 * time.Millisecond)
		src := db
		if i%2 == 1 {
			src = other
		}
		path := filepath.Join(dir, "copy"+string(rune('a'+i))+".sqlite")
		if err := src.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		cases, outbox, check := countIn(t, db, path)
		if check != "ok" || cases != outbox {
			t.Fatalf("backup %d: %d cases, %d outbox rows, integrity %q", i, cases, outbox, check)
		}
		last = cases
	}
	stop.Store(true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if last == 0 {
		t.Fatal("no case was written during the backups; the test is void")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(m) > 0 {
		t.Fatalf("temporary files left: %v", m)
	}
}

func openAt(t *testing.T, clock *clocktest.Clock, free FreeSpaceFunc) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "bvntd.sqlite"), Options{Now: clock.Now, FreeSpace: free})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func plenty(string) (uint64, error) { return 50 << 30, nil }

// Run daily for 20 days (several starts a day): one backup a day, and only
// the last 14 days kept.
func TestBackupIfDue_OneADayKeptFourteenDays(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC))
	db := openAt(t, clock, plenty)
	dir := filepath.Join(t.TempDir(), "backups")
	taken := 0
	for day := 0; day < 20; day++ {
		for _, hour := range []int{0, 3, 9} { // the app started three times that day
			clock.Set(time.Date(2026, 11, 1+day, 1+hour, 0, 0, 0, time.UTC))
			_, ok, err := db.BackupIfDue(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				taken++
			}
		}
	}
	if taken != 20 {
		t.Fatalf("%d backups taken in 20 days", taken)
	}
	list, err := ListBackups(ctx, dir, keysOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	// Taken on 1..20 November at 01:00; on the 20th at 10:00 those of
	// 7..20 November are within 14 days.
	if len(list) != 14 {
		names := []string{}
		for _, b := range list {
			names = append(names, b.Name)
		}
		t.Fatalf("%d backups kept: %v", len(list), names)
	}
	for _, b := range list {
		if clock.Peek().Sub(b.At) > BackupRetention || b.Reason != app.BackupDaily || b.Err != nil {
			t.Fatalf("kept %s (%v)", b.Name, b.Err)
		}
	}
	if !list[0].At.After(list[1].At) {
		t.Fatal("not newest first")
	}
}

func TestPruneBackups_KeepsTheThreeNewestHoweverOld(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	var names []string // newest first, 2 to 6 months old
	for m := 2; m <= 6; m++ {
		names = append(names, BackupName(now.AddDate(0, -m, 0), app.BackupDaily))
	}
	// A copy cut short by a power cut an hour ago, one being written now.
	cut, writing := BackupName(now.Add(-2*time.Hour), app.BackupDaily)+".tmp", BackupName(now, app.BackupDaily)+".tmp"
	for _, n := range append([]string{"notes.txt", cut, writing}, names...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Its age is the file system's: two hours before the file just written.
	fi, err := os.Stat(filepath.Join(dir, writing))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(dir, cut), fi.ModTime().Add(-2*time.Hour), fi.ModTime().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if list, _ := ListBackups(context.Background(), dir, Keys{}); len(list) != 5 {
		t.Fatalf("listed %d backups, want the 5 whole ones", len(list))
	}
	removed, err := PruneBackups(dir, now, BackupRetention)
	if err != nil || strings.Join(removed, ",") != cut+","+names[3]+","+names[4] {
		t.Fatalf("removed %v, %v", removed, err)
	}
	for _, n := range append([]string{"notes.txt", writing}, names[:3]...) {
		if !fileExists(filepath.Join(dir, n)) {
			t.Fatalf("%s was removed", n)
		}
	}
}

// A laptop clock set back (dead CMOS battery) still gets its daily
// backup; one set years ahead does not wipe the real ones.
func TestBackupIfDue_WrongClock(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	db := openAt(t, clock, plenty)
	dir := t.TempDir()
	for d := 0; d < 5; d++ {
		clock.Set(time.Date(2026, 11, 20+d, 8, 0, 0, 0, time.UTC))
		if _, ok, err := db.BackupIfDue(ctx, dir); err != nil || !ok {
			t.Fatalf("day %d: %v %v", d, ok, err)
		}
	}
	setBack := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	clock.Set(setBack)
	if b, ok, err := db.BackupIfDue(ctx, dir); err != nil || !ok || !b.At.Equal(setBack) {
		t.Fatalf("clock set back: %+v %v %v", b, ok, err)
	}
	clock.Advance(5 * time.Hour) // and not again until the next day
	if _, ok, err := db.BackupIfDue(ctx, dir); err != nil || ok {
		t.Fatalf("clock set back, 5 hours later: %v %v", ok, err)
	}
	clock.Set(time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)) // years ahead
	if _, ok, err := db.BackupIfDue(ctx, dir); err != nil || !ok {
		t.Fatalf("clock ahead: %v %v", ok, err)
	}
	list, _ := ListBackups(ctx, dir, keysOf(t, db))
	if len(list) != 3 || list[1].At.Year() != 2026 {
		t.Fatalf("after the clock jumped ahead, kept %d backups", len(list))
	}
}

func TestDiskSpace_LowWarnsAndRefusesABackupThatWouldNotFit(t *testing.T) {
	ctx := context.Background()
	var free atomic.Uint64
	fs := func(string) (uint64, error) { return free.Load(), nil }
	clock := clocktest.AtToday(t)
	free.Store(10 << 30)
	db := openAt(t, clock, fs)
	if ds := db.DiskSpace(); ds.Low() || !ds.Known || ds.Free != 10<<30 {
		t.Fatalf("10 GB free: %+v", ds)
	}
	free.Store(150 << 20)
	if ds := db.DiskSpace(); !ds.Low() {
		t.Fatalf("150 MB free is not low: %+v", ds)
	}
	// 150 MB is low, yet a small store still fits.
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := db.BackupTo(ctx, dir, app.BackupManual); err != nil {
		t.Fatalf("a small store with 150 MB free: %v", err)
	}
	free.Store(uint64(db.size())) // not even the margin
	_, err := db.BackupTo(ctx, dir, app.BackupManual)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "Không đủ chỗ trống") {
		t.Fatalf("backup without room: %v", err)
	}
	if list, _ := ListBackups(ctx, dir, keysOf(t, db)); len(list) != 1 {
		t.Fatalf("%d backups after the refusal", len(list))
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(m) > 0 {
		t.Fatalf("temporary files left: %v", m)
	}
	// An unknown free space warns of nothing.
	db.freeSpace = func(string) (uint64, error) { return 0, os.ErrInvalid }
	if ds := db.DiskSpace(); ds.Low() || ds.Known {
		t.Fatalf("unknown: %+v", ds)
	}
}

func TestFreeSpace_OfThisMachine(t *testing.T) {
	n, err := FreeSpace(t.TempDir())
	if err != nil || n == 0 {
		t.Fatalf("free space %d, %v", n, err)
	}
}

// A backup reads through a connection of its own and needs no write lock:
// the officer's saves do not wait for it. While a save holds the writer
// (its transaction open), a backup still runs to its end (through the
// writer it would wait for the save, and a save started during it would
// wait for it), and it holds what was saved before, not the open save.
func TestBackup_SavesGoOnDuringABackup(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if err := db.CreateCase(ctx, newCase(db, "Lưu Trước Sao Lưu")); err != nil {
		t.Fatal(err)
	}
	save, err := db.w.BeginTx(ctx, nil) // _txlock=immediate: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer save.Rollback()
	if _, err := save.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('test_open_save', 'x')"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "b.sqlite")
	backupDone := make(chan error, 1)
	go func() { backupDone <- db.Backup(ctx, path) }()
	select {
	case err := <-backupDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a timer: reads no date
		t.Fatal("the backup waited for a save that holds the writer")
	}
	if err := save.Commit(); err != nil {
		t.Fatal(err)
	}
	if cases, outbox, check := countIn(t, db, path); cases != 1 || outbox != 1 || check != "ok" {
		t.Fatalf("backup: %d cases, %d outbox rows, integrity %q", cases, outbox, check)
	}
	c, err := sql.Open("sqlite", fileURI(plainOf(t, db, path))+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.QueryRow("SELECT count(*) FROM meta WHERE key = 'test_open_save'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the backup holds a save that was not committed: %d, %v", n, err)
	}
}

// An existing store is copied before a new version migrates it; without
// room for the copy it is not migrated at all.
func TestOpen_BacksUpBeforeMigratingOrDoesNotMigrate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.sqlite")
	registerOnce.Do(registerFunctions)
	w, err := sql.Open("sqlite", fileURI(path)+"?"+dsnCommon+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if err := migrateTo(ctx, w, 3); err != nil {
		t.Fatal(err)
	}
	w.Close()
	now := clocktest.AtToday(t).Now
	dir := filepath.Join(t.TempDir(), "backups")
	full := func(string) (uint64, error) { return 1 << 20, nil }
	_, err = Open(ctx, path, Options{Now: now, BackupDir: dir, FreeSpace: full})
	if err == nil || !strings.Contains(app.ErrorMessage(err), "Chưa nâng cấp") {
		t.Fatalf("open without room for the copy: %v", err)
	}
	if b := InspectBackup(ctx, path, Keys{}); b.Schema != 3 {
		t.Fatalf("migrated without a copy: schema %d (%v)", b.Schema, b.Err)
	}
	db, err := Open(ctx, path, Options{Now: now, BackupDir: dir, FreeSpace: plenty})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, _ := ListBackups(ctx, dir, keysOf(t, db))
	if len(list) != 1 || list[0].Schema != 3 || list[0].Reason != app.BackupBeforeUpgrade {
		t.Fatalf("backups %+v", list)
	}
	// A new store has nothing to back up.
	fresh, err := Open(ctx, filepath.Join(t.TempDir(), "new.sqlite"), Options{Now: now, BackupDir: dir, FreeSpace: plenty})
	if err != nil {
		t.Fatal(err)
	}
	fresh.Close()
	if list, _ := ListBackups(ctx, dir, keysOf(t, db)); len(list) != 1 {
		t.Fatalf("a new store was backed up: %d", len(list))
	}
}
