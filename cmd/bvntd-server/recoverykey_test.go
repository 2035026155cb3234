package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/storage"
)

// serverCmdErr runs a bvntd-server command that must fail and returns its
// error.
func serverCmdErr(t *testing.T, args ...string) error {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := NewMain(clocktest.Running(t))
	m.Stdout, m.Stderr = &stdout, &stderr
	err := m.ParseFlags(args)
	if err == nil {
		err = m.Run(context.Background())
		m.Close()
	}
	if err == nil {
		t.Fatalf("bvntd-server %v succeeded", args)
	}
	return err
}

// laptopRecoveryKey returns the recovery key the device's store holds.
func laptopRecoveryKey(t *testing.T, d *device) string {
	t.Helper()
	db, _, err := cli.OpenStore(context.Background(), d.dir, d.now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	k, err := db.RecoveryKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// opens reports whether the age identity id decrypts the file at path.
func opens(t *testing.T, path string, id age.Identity) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, r)
	return err == nil
}

// `bvntd-server recovery-key`: --generate writes the secret half to a new
// file readable by the operator only and stores the public half, which a
// laptop receives with its enrolment; --set rotates it and laptops take
// the new key at their next sync (pull answers), so that their next backup
// opens with the new secret key and not the old one; an invalid key is
// refused and the current one kept; the province's key restores the
// laptop's backup in another data folder.
func TestRecoveryKey_GenerateSetAndRotateReachLaptops(t *testing.T) {
	s := startHandler(t, nil)
	if out := serverCmd(t, "recovery-key", "--db", s.DB); out != "" {
		t.Fatalf("a new server has a recovery key: %q", out)
	}
	keyFile := filepath.Join(t.TempDir(), "province-2026.key")
	pub1 := strings.TrimSpace(serverCmd(t, "recovery-key", "--db", s.DB, "--generate", "--out", keyFile))
	ids, err := storage.ReadIdentityFile(keyFile)
	if err != nil || len(ids) != 1 {
		t.Fatalf("key file: %v", err)
	}
	id1 := ids[0].(*age.X25519Identity)
	if id1.Recipient().String() != pub1 {
		t.Fatalf("printed %q, the file's public key %q", pub1, id1.Recipient())
	}
	if fi, _ := os.Stat(keyFile); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode().Perm())
	}
	if err := serverCmdErr(t, "recovery-key", "--db", s.DB, "--generate", "--out", keyFile); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("--generate over an existing key file: %v", err)
	}
	if out := strings.TrimSpace(serverCmd(t, "recovery-key", "--db", s.DB)); out != pub1 {
		t.Fatalf("current key %q, want %q", out, pub1)
	}

	d := newDevice(t)
	d.enroll(s, "28261")
	if k := laptopRecoveryKey(t, d); k != pub1 {
		t.Fatalf("the laptop got %q at enrolment, want %q", k, pub1)
	}

	// Rotation with a key made elsewhere (age-keygen on an offline machine).
	id2, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	serverCmd(t, "recovery-key", "--db", s.DB, "--set", id2.Recipient().String())
	if err := serverCmdErr(t, "recovery-key", "--db", s.DB, "--set", "age1notakey"); app.ErrorCode(err) != app.EINVALID ||
		!strings.Contains(app.ErrorMessage(err), "Khóa khôi phục không hợp lệ") {
		t.Fatalf("--set of a bad key: %v", err)
	}
	if out := strings.TrimSpace(serverCmd(t, "recovery-key", "--db", s.DB)); out != id2.Recipient().String() {
		t.Fatalf("current key %q after a refused --set", out)
	}
	d.must("sync")
	if k := laptopRecoveryKey(t, d); k != id2.Recipient().String() {
		t.Fatalf("after a sync the laptop has %q, want the rotated key", k)
	}
	backup := filepath.Join(t.TempDir(), "usb.sqlite")
	d.must("backup", "--out", backup)
	if !opens(t, backup, id2) || opens(t, backup, id1) {
		t.Fatal("the backup after the rotation must open with the new key only")
	}
	key2 := filepath.Join(t.TempDir(), "province-2027.key")
	if err := os.WriteFile(key2, []byte(id2.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := &device{t: t, dir: filepath.Join(t.TempDir(), "replacement"), now: d.now}
	other.must("restore", "--from", backup, "--key", key2)
	if other.dump() != d.dump() {
		t.Fatal("the province's restore differs from the laptop")
	}
}
