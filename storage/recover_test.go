package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
)

// damagedStore makes a store with 3 cases, backs it up, adds 2 more
// cases and closes it; it returns the store's path, the backup folder and
// the store's clock.
func damagedStore(t *testing.T) (path, backups string, now func() time.Time) {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, n := range []string{"Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba"} {
		if err := db.CreateCase(ctx, newCase(db, n)); err != nil {
			t.Fatal(err)
		}
	}
	backups = filepath.Join(filepath.Dir(db.Path()), "backups")
	if _, err := db.BackupTo(ctx, backups, app.BackupDaily); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Sau Sao Lưu Một", "Sau Sao Lưu Hai"} {
		if err := db.CreateCase(ctx, newCase(db, n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if fileExists(db.Path() + "-wal") {
		t.Fatal("the log was not checkpointed on close")
	}
	if err := CheckFile(ctx, db.Path()); err != nil {
		t.Fatalf("sound store: %v", err)
	}
	return db.Path(), backups, db.Now
}

// pathKeys returns the keys of the store at path's data folder.
func pathKeys(t *testing.T, path string) Keys {
	t.Helper()
	k, err := DataKeys(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func truncateHalf(t *testing.T, path string) {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// corruptPages writes garbage over pages 2 to 40 (of 4 KB): the schema
// and the first tables' b-trees.
func corruptPages(t *testing.T, path string) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for p := int64(1); p < 40; p++ {
		if _, err := f.WriteAt(junk, p*4096+16); err != nil {
			t.Fatal(err)
		}
	}
}

func zeroFile(t *testing.T, path string) {
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRecover_DamagedStoreIsMovedAsideAndTheBackupRestored(t *testing.T) {
	for name, damage := range map[string]func(*testing.T, string){
		"Truncated": truncateHalf, "CorruptedPages": corruptPages, "Empty": zeroFile,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			path, backups, clock := damagedStore(t)
			damage(t, path)
			before, _ := os.ReadFile(path)
			err := CheckFile(ctx, path)
			if !IsDamaged(err) {
				t.Fatalf("check of a damaged store: %v", err)
			}
			// Opened without the check (on a copy), a damaged file fails
			// with an error, not a panic; an empty one would silently
			// become a new, empty store: why the check runs first.
			cp := filepath.Join(t.TempDir(), "copy.sqlite")
			if err := os.WriteFile(cp, before, 0o600); err != nil {
				t.Fatal(err)
			}
			if db, err := Open(ctx, cp, Options{Now: clock}); err == nil {
				n, _ := db.CountCases(ctx)
				db.Close()
				if name != "Empty" || n != 0 {
					t.Fatalf("a damaged store opened without the check: %d cases", n)
				}
			} else if name == "Empty" {
				t.Fatalf("opened without the check: %v", err)
			}
			now := clock().Add(time.Hour) // the officer starts the app again an hour later
			rec, err := Recover(ctx, path, []string{backups}, now, plenty, pathKeys(t, path))
			if err != nil {
				t.Fatal(err)
			}
			if rec.From.Path == "" || rec.From.Cases != 3 {
				t.Fatalf("restored from %+v", rec.From)
			}
			kept, err := os.ReadFile(rec.DamagedPath)
			if err != nil || string(kept) != string(before) {
				t.Fatalf("the damaged file was not kept as it was at %s: %v", rec.DamagedPath, err)
			}
			if !strings.Contains(filepath.Base(rec.DamagedPath), "damaged-"+now.UTC().Format("20060102-150405")) {
				t.Fatalf("moved aside as %s", rec.DamagedPath)
			}
			db, err := Open(ctx, path, Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if n, _ := db.CountCases(ctx); n != 3 {
				t.Fatalf("%d cases after recovery, want the backup's 3", n)
			}
			if p, _, _ := db.OutboxCount(ctx); p != 3 {
				t.Fatalf("%d pending changes after recovery, want the backup's 3", p)
			}
			if full, _ := db.NeedsFullPull(ctx); !full {
				t.Fatal("a restored store must pull everything again")
			}
		})
	}
}

func TestRecover_NoGoodBackup(t *testing.T) {
	ctx := context.Background()
	path, backups, now := damagedStore(t)
	list, _ := ListBackups(ctx, backups, pathKeys(t, path))
	corruptPages(t, list[0].Path) // the only backup is damaged too
	truncateHalf(t, path)
	rec, err := Recover(ctx, path, []string{backups}, now(), plenty, pathKeys(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if rec.From.Path != "" || !fileExists(rec.DamagedPath) || fileExists(path) {
		t.Fatalf("recovery without a good backup: %+v", rec)
	}
}

func TestRecover_RefusesWithoutRoomAndKeepsTheFile(t *testing.T) {
	ctx := context.Background()
	path, backups, now := damagedStore(t)
	truncateHalf(t, path)
	_, err := Recover(ctx, path, []string{backups}, now(), func(string) (uint64, error) { return 1 << 20, nil }, pathKeys(t, path))
	if app.ErrorCode(err) != app.EINVALID || !fileExists(path) {
		t.Fatalf("recovery without room: %v", err)
	}
}

func TestCheckFile_SoundAndMissingStores(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if err := CheckFile(ctx, db.Path()); err != nil { // open, with its log
		t.Fatalf("store in use: %v", err)
	}
	if err := CheckFile(ctx, filepath.Join(t.TempDir(), "none.sqlite")); err != nil {
		t.Fatalf("missing store: %v", err)
	}
	other := filepath.Join(t.TempDir(), "other.txt")
	os.WriteFile(other, []byte(strings.Repeat("không phải cơ sở dữ liệu\n", 300)), 0o600)
	if err := CheckFile(ctx, other); !IsDamaged(err) {
		t.Fatalf("a text file: %v", err)
	}
}
