package storage

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"bvntd/app"
)

// The token is kept in KEYS/token (0600), never in meta; a backup made the
// store of a data folder (another machine) does not take a token found
// there; an empty token removes the file.
func TestToken_OutsideTheStore(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const tok = "tok-9c1e5a7b3d2f4e6a8b0c1d3e5f7a9b1c"
	if err := db.SetEnrollment(ctx, app.Enrollment{ServerURL: "https://sct.example", Token: tok, Scope: "28261", At: db.Now()}); err != nil {
		t.Fatal(err)
	}
	if e, err := db.Enrollment(ctx); err != nil || e.Token != tok || e.Scope != "28261" {
		t.Fatalf("enrolment %+v %v", e, err)
	}
	if v, _ := getMeta(ctx, db.r, metaToken); v != "" {
		t.Fatal("the token is in meta")
	}
	fi, err := os.Stat(TokenPath(db.dataDir()))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v", fi.Mode().Perm())
	}
	if s, _ := db.SyncStatus(ctx); !s.Enrolled {
		t.Fatal("not enrolled")
	}

	// A backup made the store of a data folder holding a token: the
	// token is not the backup's (an old laptop's folder reused), so it goes.
	b, err := db.BackupTo(ctx, filepath.Join(t.TempDir(), "backups"), app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	reused := t.TempDir()
	if err := os.MkdirAll(KeysDir(reused), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(TokenPath(reused), []byte("bvntd-token-v1\nx\ntok-of-an-old-laptop\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := RestoreInto(ctx, b.Path, filepath.Join(reused, "bvntd.sqlite"), keysOf(t, db)); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, filepath.Join(reused, "bvntd.sqlite"), Options{Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if e, err := other.Enrollment(ctx); err != nil || e.Token != "" {
		t.Fatalf("the restored store uses a token left in the folder: %q %v", e.Token, err)
	}
	if other.DeviceID() != db.DeviceID() {
		t.Fatal("the restored store has another device id")
	}
	// The same device's token (its store lost, its folder kept) stays.
	if err := other.SetEnrollment(ctx, app.Enrollment{ServerURL: "https://sct.example", Token: tok, Scope: "28261", At: db.Now()}); err != nil {
		t.Fatal(err)
	}
	other.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(reused, "bvntd.sqlite") + suffix)
	}
	if _, err := RestoreInto(ctx, b.Path, filepath.Join(reused, "bvntd.sqlite"), keysOf(t, db)); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, filepath.Join(reused, "bvntd.sqlite"), Options{Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if e, err := again.Enrollment(ctx); err != nil || e.Token != tok {
		t.Fatalf("the same device's token after restoring its backup: %q %v", e.Token, err)
	}

	if err := db.SetEnrollment(ctx, app.Enrollment{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(TokenPath(db.dataDir())); !os.IsNotExist(err) {
		t.Fatalf("token file after unenrolling: %v", err)
	}
}

// A store of an earlier version kept the token in meta: Open moves it to
// the token file and overwrites it in the store (secure_delete), so the
// file's bytes no longer hold it.
func TestToken_MovedOutOfAnOldStore(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	path, now := db.Path(), db.Now
	const tok = "tok-5b7d9f1a3c5e7a9b1d3f5a7c9e1b3d5f"
	if err := db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaToken, tok) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if b, _ := os.ReadFile(path + "-wal"); !bytes.Contains(b, []byte(tok)) {
		if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(tok)) {
			t.Fatal("the token is not in the old store: the test is void")
		}
	}
	db, err := Open(ctx, path, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := db.Enrollment(ctx); err != nil || e.Token != tok {
		t.Fatalf("token after the move %q %v", e.Token, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal"} {
		if b, _ := os.ReadFile(path + suffix); bytes.Contains(b, []byte(tok)) {
			t.Fatalf("the store file%s still holds the token", suffix)
		}
	}
}

// The laptop keeps the province's recovery key only if it is an age
// recipient; "" changes nothing.
func TestRecoveryKey_Laptop(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
	if err := db.SetRecoveryKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRecoveryKey(ctx, "age1bad"); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a bad key: %v", err)
	}
	if err := db.SetRecoveryKey(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if k, _ := db.RecoveryKey(ctx); k != key {
		t.Fatalf("recovery key %q", k)
	}
}
