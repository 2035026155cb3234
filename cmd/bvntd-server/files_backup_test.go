package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/blobstore"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncserver"
)

// freshServerDB is a new, empty place for a restore: a new PostgreSQL
// database (the same search_path) or a SQLite path in a new folder.
func freshServerDB(t *testing.T, srv *fieldServer) string {
	t.Helper()
	if serverstore.IsPostgres(srv.path) {
		fresh, err := url.Parse(pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		return pgtest.WithDatabase(srv.path, strings.TrimPrefix(fresh.Path, "/"))
	}
	return filepath.Join(t.TempDir(), "khoi-phuc", "server.sqlite")
}

// TestFiles_BackupRestoreBringsTheFilesBack: `bvntd-server backup` writes
// the evidence files beside the backup (FILE.tep); `restore` into a fresh
// folder copies them into the new server's store, checking each; a
// laptop of the commune then opens the file from the restored server,
// byte for byte. A file damaged in the backup is reported by its short
// hash and left out; the restore still succeeds. On PostgreSQL the files
// kept in the database travel in pg_dump's backup; with --files, in
// FILE.tep as on SQLite.
func TestFiles_BackupRestoreBringsTheFilesBack(t *testing.T) {
	t.Run("thu-muc", func(t *testing.T) { testBackupRestore(t, true) })
	if pgtest.Postgres() {
		t.Run("trong-csdl", func(t *testing.T) { testBackupRestore(t, false) })
	}
}

func testBackupRestore(t *testing.T, folder bool) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	if folder && srv.files == "" {
		srv.mu.Lock()
		srv.store.Close()
		srv.mu.Unlock()
		srv.files = filepath.Join(t.TempDir(), "tep")
		srv.open()
	}
	a := newLaptop(t, srv, "28261", 0)
	b := newLaptop(t, srv, "28261", 0)
	good := fileBytes(t, 600<<10)
	bad := fileBytes(t, 300<<10)[7:]
	x := a.newCase("Bùi Thị Sao Lưu")
	hGood := attach(t, a, x.ID, "28261", good)
	y := a.newCase("Bùi Văn Hỏng")
	hBad := attach(t, a, y.ID, "28261", bad)
	a.client.FileBytes = -1
	a.mustSync()
	if !serverFiles(t, srv).Has(hGood) || !serverFiles(t, srv).Has(hBad) {
		t.Fatal("the server does not hold the two files")
	}

	backup := filepath.Join(t.TempDir(), "sao-luu.bak")
	_, stderr, err := runAt(t, clock.Now, "backup", "--db", srv.path, "--files", srv.files, "--out", backup)
	if err != nil {
		t.Fatalf("backup: %v (%s)", err, stderr)
	}
	t.Logf("backup: %s", stderr)
	if !folder {
		if !strings.Contains(stderr, "nằm trong cơ sở dữ liệu") {
			t.Fatalf("backup said %q, want the files in the database", stderr)
		}
		if _, err := os.Stat(serverstore.BackupFilesDir(backup)); err == nil {
			t.Fatal("a backup of files kept in PostgreSQL wrote a folder")
		}
	} else {
		if !strings.Contains(stderr, "đã sao lưu 2 tệp") {
			t.Fatalf("backup said %q, want the 2 files counted", stderr)
		}
		bf, err := blobstore.Open(serverstore.BackupFilesDir(backup))
		if err != nil {
			t.Fatal(err)
		}
		if err := bf.Verify(hGood); err != nil {
			t.Fatalf("the backup's copy: %v", err)
		}
		// The second file is damaged in the backup (a new file under its
		// name: the backup's files may be hard links to the server's).
		p := filepath.Join(bf.Dir(), hBad[:2], hBad)
		damaged := bytes.Clone(bad)
		damaged[1000] ^= 0xff
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// Restore into a fresh place, with a fresh folder of files.
	srv.mu.Lock()
	srv.store.Close()
	srv.mu.Unlock()
	srv.path = freshServerDB(t, srv)
	args := []string{"restore", "--db", srv.path, "--from", backup}
	if folder {
		srv.files = filepath.Join(t.TempDir(), "tep-khoi-phuc")
		args = append(args, "--files", srv.files)
	}
	_, stderr, err = runAt(t, clock.Now, args...)
	if err != nil {
		t.Fatalf("restore: %v (%s)", err, stderr)
	}
	t.Logf("restore: %s", stderr)
	srv.open()
	if folder {
		if !strings.Contains(stderr, "đã khôi phục 1 tệp") || !strings.Contains(stderr, app.ShortHash(hBad)) ||
			!strings.Contains(stderr, "1 tệp bị hỏng") {
			t.Fatalf("restore said %q, want 1 file restored and the damaged %s reported", stderr, app.ShortHash(hBad))
		}
		if got := serverFiles(t, srv); !got.Has(hGood) || got.Has(hBad) {
			t.Fatalf("restored store: good %v, damaged %v; want only the good one", got.Has(hGood), got.Has(hBad))
		}
	} else if got := serverFiles(t, srv); got.Verify(hGood) != nil || got.Verify(hBad) != nil {
		t.Fatal("the files kept in PostgreSQL did not come back with pg_restore")
	}

	// A, which attached the damaged file, learns of the restore (the new
	// epoch) and sends again what the restored server lacks.
	if folder {
		a.mustSync()
		a.mustSync()
		if err := serverFiles(t, srv).Verify(hBad); err != nil {
			t.Fatalf("the file left out of the restore was not sent again by A: %v", err)
		}
	}

	// B opens the file from the restored server (after its new epoch).
	bBlobs := withFiles(t, b)
	b.mustSync()
	if err := b.client.FetchAttachment(context.Background(), hGood); err != nil {
		t.Fatalf("B opens the restored file: %v", err)
	}
	f, err := bBlobs.Open(hGood)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got bytes.Buffer
	if _, err := got.ReadFrom(f); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), good) {
		t.Fatal("B's copy differs from the file attached on A")
	}
}

// TestFiles_RestoreOfABackupWithoutFiles: a backup made by a server older
// than the files (no FILE.tep) restores as before.
func TestFiles_RestoreOfABackupWithoutFiles(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	a.newCase("Hồ Văn Cũ")
	a.mustSync()
	backup := filepath.Join(t.TempDir(), "cu.bak")
	if err := srv.store.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	srv.store.Close()
	srv.mu.Unlock()
	db := freshServerDB(t, srv)
	_, stderr, err := runAt(t, clock.Now, "restore", "--db", db, "--from", backup)
	if err != nil || !strings.Contains(stderr, "Đã khôi phục") {
		t.Fatalf("restore of a backup without files: %v (%s)", err, stderr)
	}
}
