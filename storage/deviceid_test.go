package storage

import (
	"context"
	"path/filepath"
	"testing"

	"bvntd/app"
)

// TestDeviceID_ServerGivenIDAdoptedKeptAndRestorable: the store adopts the
// id the server gives at enrolment (issue 16), keeps it when reopened and
// across the restore of a backup taken before the enrolment, which is
// still this store's.
func TestDeviceID_ServerGivenIDAdoptedKeptAndRestorable(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	made := db.DeviceID()
	dir := filepath.Join(t.TempDir(), "backups")
	before, err := db.BackupTo(ctx, dir, app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := db.Enrollment(ctx); err != nil || e.DeviceID != "" {
		t.Fatalf("unenrolled store's enrolment: %+v %v", e, err)
	}

	given := app.NewID()
	if err := db.SetEnrollment(ctx, app.Enrollment{ServerURL: "https://sct.example", Token: "t", Scope: "28261", DeviceID: given}); err != nil {
		t.Fatal(err)
	}
	if db.DeviceID() != given {
		t.Fatalf("device id %s after enrolment, want the server's %s", db.DeviceID(), given)
	}
	if e, err := db.Enrollment(ctx); err != nil || e.DeviceID != given {
		t.Fatalf("enrolment: %+v %v", e, err)
	}
	if err := db.SetEnrollment(ctx, app.Enrollment{ServerURL: "https://sct.example", Token: "t", DeviceID: "laptop-1"}); err == nil {
		t.Fatal("a device id that is not a UUID was stored")
	}
	c := newCase(db, "Nguyễn Văn Mã Mới")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if b := mustBatch(t, db); len(b) != 1 || b[0].DeviceID != given {
		t.Fatalf("outbox sent as %v, want %s", b, given)
	}

	if _, err := db.Restore(ctx, before.Path, dir); err != nil {
		t.Fatalf("restore of the store's backup taken before the enrolment: %v", err)
	}
	if db.DeviceID() != given {
		t.Fatalf("device id %s after the restore, want %s", db.DeviceID(), given)
	}
	path := db.Path()
	db.Close()
	re, err := Open(ctx, path, Options{Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if re.DeviceID() != given || re.install != made {
		t.Fatalf("reopened: id %s (install %s), want %s (%s)", re.DeviceID(), re.install, given, made)
	}
}
