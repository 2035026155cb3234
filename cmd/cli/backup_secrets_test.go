package cli

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"bvntd/app"
	"bvntd/seeds/demo/demotest"
	"bvntd/storage"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncserver"
)

// province is a provincial server in-process with a recovery key: its
// secret half in a file (as `bvntd-server recovery-key --generate` writes
// it), its public half in the server's store.
type province struct {
	st      *serverstore.Store
	url     string
	id      *age.X25519Identity
	keyFile string
}

func startProvince(t *testing.T) *province {
	t.Helper()
	ctx := context.Background()
	st, err := serverstore.Open(ctx, filepath.Join(t.TempDir(), "server.sqlite"), serverstore.Options{Now: testNow(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(syncserver.New(st, syncserver.Options{Now: testNow(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	p := &province{st: st, url: srv.URL}
	p.rotate(t)
	return p
}

// rotate makes a new recovery key.
func (p *province) rotate(t *testing.T) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	p.id = id
	p.keyFile = filepath.Join(t.TempDir(), "province-recovery.key")
	if err := os.WriteFile(p.keyFile, []byte("# public key: "+id.Recipient().String()+"\n"+id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.st.SetRecoveryKey(context.Background(), id.Recipient().String()); err != nil {
		t.Fatal(err)
	}
}

func (p *province) enroll(t *testing.T, dir, commune string) {
	t.Helper()
	code, _, err := p.st.CreateEnrolCode(context.Background(), commune, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := run(t, "enroll", "--data", dir, "--server", p.url, "--code", code); err != nil {
		t.Fatalf("enroll: %v (%s)", err, stderr)
	}
}

// personalData returns every consumer name and phone of the store's cases.
func personalData(t *testing.T, db *storage.DB) []string {
	t.Helper()
	var out []string
	for _, c := range demotest.LoadCases(t, db) {
		for _, s := range []string{c.ConsumerName, c.ConsumerPhone} {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// leaks returns which of secrets the bytes b hold.
func leaks(b []byte, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			found = append(found, s)
		}
	}
	return found
}

// decryptWith decrypts the file at path with id.
func decryptWith(t *testing.T, path string, id age.Identity) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkPrivate fails unless path has exactly mode want (Unix; on Windows
// the data folder is in the user's private profile).
func checkPrivate(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Fatalf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
	}
}

// checkTokenFile checks the token file of dir: readable by the user
// only, holding the token (in clear outside Windows, where DPAPI
// protects it).
func checkTokenFile(t *testing.T, dir, token string) {
	t.Helper()
	checkPrivate(t, storage.TokenPath(dir), 0o600)
	b, err := os.ReadFile(storage.TokenPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && !bytes.Contains(b, []byte(token)) {
		t.Fatal("the token file does not hold the token")
	}
}

// checkBackupFile checks one backup's raw bytes (of the laptop whose data
// folder is dataDir): encrypted, with neither the token nor any personal
// datum; decrypted with the province's key it is the store's data, still
// without the token, and never with the laptop's backup key.
func checkBackupFile(t *testing.T, path, dataDir, token string, personal []string, p *province) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("age-encryption.org/v1\n")) {
		t.Fatalf("%s is not encrypted", filepath.Base(path))
	}
	if bytes.Contains(raw, []byte(token)) {
		t.Fatalf("%s holds the token", filepath.Base(path))
	}
	if l := leaks(raw, personal); len(l) > 0 {
		t.Fatalf("%s holds %d of %d names and phones in clear, e.g. %q", filepath.Base(path), len(l), len(personal), l[0])
	}
	checkPrivate(t, path, 0o600)
	checkPrivate(t, filepath.Dir(path), 0o700)
	plain := decryptWith(t, path, p.id)
	if bytes.Contains(plain, []byte(token)) {
		t.Fatalf("%s decrypted still holds the token", filepath.Base(path))
	}
	// Nor the laptop's backup key (kept in KEYS, outside the store).
	ids, err := storage.ReadIdentityFile(storage.BackupKeyPath(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	secret := ids[0].(*age.X25519Identity).String()
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(plain, []byte(secret)) || bytes.Contains(plain, []byte("AGE-SECRET-KEY")) {
		t.Fatalf("%s holds the laptop's backup key", filepath.Base(path))
	}
	if !bytes.HasPrefix(plain, []byte("SQLite format 3\x00")) || len(leaks(plain, personal)) == 0 {
		t.Fatalf("%s decrypted is not the store's data", filepath.Base(path))
	}
}

// Every kind of backup of a demo laptop enrolled with the province —
// `bvntd backup`, `bvntd backup --out`, the daily automatic copy, the copy
// taken before a restore — holds neither the token nor any consumer's name
// or phone in its raw bytes; the province's recovery key restores one on
// another machine (a data folder without the laptop's key), and the
// laptop's own key restores one on the laptop, which keeps its token and
// syncs on.
func TestBackupSecrets_EveryBackupEncryptedWithoutTokenRestorableByProvinceAndLaptop(t *testing.T) {
	if testing.Short() {
		t.Skip("heavy and about encryption, not dates: runs in the full runs (.ci/test)")
	}
	ctx := context.Background()
	p := startProvince(t)
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "60", "--seed", "16"); err != nil {
		t.Fatal(err)
	}
	p.enroll(t, dir, "28261")
	if _, stderr, err := run(t, "sync", "--data", dir, "--timeout", "30s"); err != nil {
		t.Fatalf("sync: %v (%s)", err, stderr)
	}

	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	e, err := db.Enrollment(ctx)
	if err != nil || len(e.Token) < 20 {
		t.Fatalf("enrolment %v: no token", err)
	}
	token := e.Token
	if rk, _ := db.RecoveryKey(ctx); rk != p.id.Recipient().String() {
		t.Fatalf("the laptop's recovery key %q, the province's %q", rk, p.id.Recipient())
	}
	personal := personalData(t, db)
	if len(personal) < 100 {
		t.Fatalf("%d names and phones: the test is void", len(personal))
	}
	var dump strings.Builder
	if _, err := db.Dump(ctx, &dump); err != nil {
		t.Fatal(err)
	}
	clockOf(t).Advance(25 * time.Hour)
	daily, taken, err := BackupService{DB: db, DataDir: dir}.BackupIfDue(ctx)
	if err != nil || !taken {
		t.Fatalf("daily backup: %v %v", taken, err)
	}
	checkPrivate(t, filepath.Join(dir, StoreFile), 0o600)
	checkPrivate(t, filepath.Join(dir, StoreFile)+"-wal", 0o600)
	checkPrivate(t, filepath.Join(dir, StoreFile)+"-shm", 0o600)
	db.Close()
	// The live store is a plain SQLite file: the names are there (the scan
	// finds them when they are), the token is not (it is in KEYS/token).
	live, _ := os.ReadFile(filepath.Join(dir, StoreFile))
	if len(leaks(live, personal)) == 0 {
		t.Fatal("no name found in the live store: the scan is void")
	}
	if bytes.Contains(live, []byte(token)) {
		t.Fatal("the live store holds the token")
	}
	checkTokenFile(t, dir, token)
	checkPrivate(t, storage.KeysDir(dir), 0o700)
	checkPrivate(t, storage.BackupKeyPath(dir), 0o600)

	clockOf(t).Advance(time.Minute)
	if _, _, err := run(t, "backup", "--data", dir); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "usb", "bvntd-copy.sqlite")
	os.MkdirAll(filepath.Dir(out), 0o700)
	if _, _, err := run(t, "backup", "--data", dir, "--out", out); err != nil {
		t.Fatal(err)
	}
	list, err := storage.ListBackups(ctx, BackupDir(dir), dataKeys(t, dir))
	if err != nil || len(list) != 2 {
		t.Fatalf("backups %+v %v", list, err)
	}
	manual := list[0]
	if manual.Reason != app.BackupManual || !manual.Encrypted || manual.Err != nil || manual.Cases != 60 {
		t.Fatalf("manual backup %+v", manual)
	}

	// The laptop's key, on the laptop: restored, the token kept, and the
	// laptop syncs on.
	clockOf(t).Advance(time.Minute)
	if _, stderr, err := run(t, "restore", "--data", dir, "--from", daily.Path); err != nil {
		t.Fatalf("restore with the laptop's key: %v (%s)", err, stderr)
	}
	db, _, err = OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	if e, err := db.Enrollment(ctx); err != nil || e.Token != token {
		t.Fatalf("after the restore the laptop's token is %q (%v)", e.Token, err)
	}
	db.Close()
	if _, stderr, err := run(t, "sync", "--data", dir, "--timeout", "30s"); err != nil {
		t.Fatalf("sync after the restore: %v (%s)", err, stderr)
	}

	list, _ = storage.ListBackups(ctx, BackupDir(dir), dataKeys(t, dir))
	reasons := map[string]string{}
	for _, b := range list {
		reasons[b.Reason] = b.Path
	}
	reasons["out"] = out
	for _, r := range []string{app.BackupDaily, app.BackupManual, app.BackupBeforeRestore, "out"} {
		if reasons[r] == "" {
			t.Fatalf("no %s backup among %+v", r, list)
		}
		checkBackupFile(t, reasons[r], dir, token, personal, p)
	}

	// The province's key, on another machine: no laptop key there, so the
	// backup is refused without it and restored with it.
	other := t.TempDir()
	_, _, err = run(t, "restore", "--data", other, "--from", manual.Path)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "khóa khôi phục của tỉnh") {
		t.Fatalf("restore without a key on another machine: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, StoreFile)); err == nil {
		t.Fatal("a refused restore left a store")
	}
	_, stderr, err := run(t, "restore", "--data", other, "--from", manual.Path, "--key", p.keyFile)
	if err != nil || !strings.Contains(stderr, "đăng ký lại") {
		t.Fatalf("restore with the province's key: %v (%s)", err, stderr)
	}
	if _, err := os.Stat(storage.BackupKeyPath(other)); err == nil {
		t.Fatal("the other machine had the laptop's key: the test is void")
	}
	got, _, err := run(t, "export", "--data", other, "--report", "dump", "--out", "-")
	if err != nil || got != dump.String() {
		t.Fatalf("the province's restore differs from the laptop's data (%v)", err)
	}
	db, _, err = OpenStore(ctx, other, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if e, _ := db.Enrollment(ctx); e.Token != "" {
		t.Fatal("the restored copy carries a token")
	}
	checkPrivate(t, filepath.Join(other, StoreFile), 0o600)
	// No plain copy is left in either data folder.
	for _, d := range []string{dir, other} {
		if m, _ := filepath.Glob(filepath.Join(d, ".bvntd-*")); len(m) > 0 {
			t.Fatalf("plain copies left: %v", m)
		}
	}
}

// The copy taken before a new version upgrades an old store is encrypted
// and without the token too, and the province's key restores it on
// another machine, where it is upgraded in turn.
func TestBackupSecrets_PreUpgradeCopyEncryptedWithoutToken(t *testing.T) {
	ctx := context.Background()
	p := startProvince(t)
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/store-v13.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, StoreFile)
	if err := os.WriteFile(path, b, 0o644); err != nil { // as an older version left it
		t.Fatal(err)
	}
	// An old laptop enrolled before: its token and the province's key in
	// meta.
	const token = "tok-3f9a1c5e7b2d4a6c8e0f1a3b5c7d9e1f"
	c, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`INSERT INTO meta (key, value) VALUES ('token', ?), ('backup_recovery_key', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, token, p.id.Recipient().String()); err != nil {
		t.Fatal(err)
	}
	c.Close()

	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	personal := personalData(t, db)
	var dump strings.Builder
	if _, err := db.Dump(ctx, &dump); err != nil {
		t.Fatal(err)
	}
	if e, err := db.Enrollment(ctx); err != nil || e.Token != token {
		t.Fatalf("the token moved out of meta: %q (%v)", e.Token, err)
	}
	db.Close()
	checkPrivate(t, path, 0o600)
	if live, _ := os.ReadFile(path); bytes.Contains(live, []byte(token)) {
		t.Fatal("the upgraded store still holds the token")
	}
	checkTokenFile(t, dir, token)
	list, err := storage.ListBackups(ctx, BackupDir(dir), dataKeys(t, dir))
	if err != nil || len(list) != 1 || list[0].Reason != app.BackupBeforeUpgrade || list[0].Err != nil || list[0].Schema != 13 {
		t.Fatalf("backups %+v %v", list, err)
	}
	if len(personal) < 4 {
		t.Fatalf("%d names and phones in the fixture: the test is void", len(personal))
	}
	checkBackupFile(t, list[0].Path, dir, token, personal, p)

	other := t.TempDir()
	if _, stderr, err := run(t, "restore", "--data", other, "--from", list[0].Path, "--key", p.keyFile); err != nil {
		t.Fatalf("restore with the province's key: %v (%s)", err, stderr)
	}
	got, _, err := run(t, "export", "--data", other, "--report", "dump", "--out", "-")
	if err != nil || got != dump.String() {
		t.Fatalf("the province's restore of the pre-upgrade copy differs (%v)", err)
	}
}

// A damaged store is recovered from an encrypted backup at start and the
// laptop keeps its token (outside the store): it syncs on without
// enrolling again.
func TestBackupSecrets_RecoveryKeepsTheToken(t *testing.T) {
	ctx := context.Background()
	p := startProvince(t)
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "5", "--seed", "17"); err != nil {
		t.Fatal(err)
	}
	p.enroll(t, dir, "28261")
	if _, _, err := run(t, "backup", "--data", dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, StoreFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	rec, ok, err := RecoverStore(ctx, dir, testNow(t))
	if err != nil || !ok || rec.From.Cases != 5 || !rec.From.Encrypted {
		t.Fatalf("recovery %+v %v %v", rec, ok, err)
	}
	if _, stderr, err := run(t, "sync", "--data", dir, "--timeout", "30s"); err != nil {
		t.Fatalf("sync after the recovery: %v (%s)", err, stderr)
	}
	var dump strings.Builder
	if err := p.st.Dump(ctx, &dump); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(dump.String(), `"type":"case"`); n != 5 {
		t.Fatalf("the server has %d cases after the recovered laptop synced, want 5", n)
	}
}

// BenchmarkEncryptedBackups times, on a demo store of 3,000 cases with
// their steps and a year of training and outreach work (as the README's
// figures), an encrypted backup into the backup folder, listing one
// encrypted backup with its counts (decrypted into the data folder; then
// from the process's cache), the
// restore warning's counts and a restore (the copy of the current store
// included):
//
//	go test -tags ci -run '^$' -bench EncryptedBackups -benchtime 5x ./cmd/cli
func BenchmarkEncryptedBackups(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: testNow(b)}
	if err := m.Run(ctx, []string{"demo", "--data", dir, "--commune", "28261", "--complaints", "3000", "--edits", "500", "--seed", "5"}); err != nil {
		b.Fatal(err)
	}
	clk := clockOf(b)
	db, _, err := OpenStore(ctx, dir, testNow(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := BackupService{DB: db, DataDir: dir}
	one, err := s.BackupNow(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(db.Path()); err == nil {
		b.ReportMetric(float64(fi.Size()>>20), "store-MB")
		b.ReportMetric(float64(one.Size>>20), "backup-MB")
	}
	b.Run("backup", func(b *testing.B) {
		for range b.N {
			clk.Advance(time.Minute)
			out := filepath.Join(b.TempDir(), "b.sqlite")
			if err := db.Backup(ctx, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	k := dataKeys(b, dir)
	b.Run("inspect", func(b *testing.B) {
		for range b.N {
			clk.Advance(time.Minute) // a new modification time: not the cached counts
			if err := os.Chtimes(one.Path, clk.Now(), clk.Now()); err != nil {
				b.Fatal(err)
			}
			if info := storage.InspectBackup(ctx, one.Path, k); info.Err != nil || info.Cases != 3000 {
				b.Fatalf("%+v", info)
			}
		}
	})
	b.Run("inspect-cached", func(b *testing.B) {
		for range b.N {
			if info := storage.InspectBackup(ctx, one.Path, k); info.Err != nil || info.Cases != 3000 {
				b.Fatalf("%+v", info)
			}
		}
	})
	b.Run("plan", func(b *testing.B) {
		for range b.N {
			if _, err := s.PlanRestore(ctx, one.Path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("restore", func(b *testing.B) {
		for range b.N {
			clk.Advance(time.Minute)
			if _, err := s.Restore(ctx, one.Path); err != nil {
				b.Fatal(err)
			}
		}
	})
}
