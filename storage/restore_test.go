package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
)

func dumpOf(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	if _, err := db.Dump(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func outboxOf(t *testing.T, db *DB) []string {
	t.Helper()
	var ids []string
	for _, m := range mustBatch(t, db) {
		ids = append(ids, m.ID+" "+m.HLC.String())
	}
	return ids
}

// Restoring brings back exactly the backed-up records and the backup's
// outbox, after keeping a copy of the current store; the officer is told
// beforehand of the unsent changes the backup lacks.
func TestRestore_ExactlyTheBackedUpRecordsAndTheirOutbox(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a, b := newCase(db, "Nguyễn Văn Giữ"), newCase(db, "Phạm Thị Đổi")
	for _, c := range []*app.Case{a, b} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddCaseEvent(ctx, a.ID, &app.CaseEvent{Kind: app.EventNote, Note: "Đã gọi điện cho người tiêu dùng."}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	backup, err := db.BackupTo(ctx, dir, app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	wantDump, wantOutbox := dumpOf(t, db), outboxOf(t, db)
	if backup.Cases != 2 || backup.Pending != len(wantOutbox) {
		t.Fatalf("backup counts %+v, outbox %d", backup, len(wantOutbox))
	}

	// After the backup: everything is sent, then more work is done, one
	// change of which is not sent yet.
	var acks []app.MutationResult
	for _, m := range mustBatch(t, db) {
		acks = append(acks, app.MutationResult{MutationID: m.ID, Status: app.ResultApplied})
	}
	if err := db.ApplyResults(ctx, acks); err != nil {
		t.Fatal(err)
	}
	b.ConsumerName = "Phạm Thị Đã Sửa"
	if err := db.Edit(ctx, app.EntityCase, b.ID, -1, map[string]json.RawMessage{"consumer_name": json.RawMessage(`"Phạm Thị Đã Sửa"`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCase(ctx, newCase(db, "Sau Sao Lưu")); err != nil {
		t.Fatal(err)
	}
	lastBefore := db.clock.Last()

	plan, err := db.PlanRestore(ctx, backup.Path)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Unsent != 2 || plan.Current.Cases != 3 || plan.Backup.Cases != 2 {
		t.Fatalf("plan %+v", plan)
	}
	pre, err := db.Restore(ctx, backup.Path, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := dumpOf(t, db); got != wantDump {
		t.Fatalf("after restore:\n%s\nwant the backup's:\n%s", got, wantDump)
	}
	if got := outboxOf(t, db); strings.Join(got, ",") != strings.Join(wantOutbox, ",") {
		t.Fatalf("outbox after restore %v, want %v", got, wantOutbox)
	}
	if pre.Reason != app.BackupBeforeRestore || pre.Cases != 3 || pre.Pending != 2 {
		t.Fatalf("copy before restore: %+v", pre)
	}
	if full, _ := db.NeedsFullPull(ctx); !full {
		t.Fatal("after a restore everything must be pulled again")
	}
	// Searching, writing and the clock work on the restored store.
	if cs, err := db.ListCases(ctx, app.CaseQuery{Text: "doi"}); err != nil || len(cs) != 1 || cs[0].ConsumerName != "Phạm Thị Đổi" {
		t.Fatalf("search after restore: %v %v", cs, err)
	}
	if err := db.CreateCase(ctx, newCase(db, "Sau Khôi Phục")); err != nil {
		t.Fatal(err)
	}
	batch := mustBatch(t, db)
	if newest := batch[len(batch)-1].HLC; newest.Compare(lastBefore) <= 0 {
		t.Fatalf("the clock went back: %s after %s", newest, lastBefore)
	}
	// The copy taken before holds what the restore replaced.
	list, _ := ListBackups(ctx, dir, keysOf(t, db))
	if len(list) != 2 || list[0].Name != pre.Name {
		t.Fatalf("backups %+v", list)
	}
}

func TestRestore_RefusesAnotherDevicesOrADamagedBackup(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	other := openTestDB(t, Options{Now: db.Now, DeviceTag: "0THR"}) // another laptop
	if err := other.CreateCase(ctx, newCase(other, "Máy Khác")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b, err := other.BackupTo(ctx, dir, app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	// Encrypted to the other laptop's key: this one cannot open it; with
	// a key that opens it (the province's), it is still another device's.
	if _, err := db.PlanRestore(ctx, b.Path); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "không có khóa") {
		t.Fatalf("another device's backup without its key: %v", err)
	}
	otherKey, err := loadBackupIdentity(other.dataDir())
	if err != nil || otherKey == nil {
		t.Fatalf("the other laptop's key: %v", err)
	}
	if _, err := db.PlanRestore(ctx, b.Path, otherKey); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "là của một máy khác") {
		t.Fatalf("another device's backup: %v", err)
	}
	if _, err := db.Restore(ctx, b.Path, dir); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("restore of another device's backup: %v", err)
	}
	own, err := db.BackupTo(ctx, dir, app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	corruptPages(t, own.Path)
	if _, err := db.Restore(ctx, own.Path, dir); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("restore of a damaged backup: %v", err)
	}
	if n, _ := db.CountCases(ctx); n != 0 {
		t.Fatalf("%d cases after refused restores", n)
	}
}

// A plain backup made by an earlier version (no encryption, the token in
// meta) still lists and restores; the laptop keeps the token in use and
// the backup's token does not come back into the store.
func TestRestore_PlainBackupOfAnEarlierVersion(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if err := db.CreateCase(ctx, newCase(db, "Bản Sao Cũ")); err != nil {
		t.Fatal(err)
	}
	const oldTok, liveTok = "tok-old-1a2b3c4d5e6f7a8b9c0d", "tok-live-9f8e7d6c5b4a3f2e1d0c"
	dir := filepath.Join(t.TempDir(), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// As an earlier version wrote it: VACUUM INTO, the token in meta.
	old := filepath.Join(dir, BackupName(db.Now(), app.BackupDaily))
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", old); err != nil {
		t.Fatal(err)
	}
	c, err := sql.Open("sqlite", fileURI(old))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec("INSERT INTO meta (key, value) VALUES ('token', ?)", oldTok); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := db.SetEnrollment(ctx, app.Enrollment{ServerURL: "https://sct.example", Token: liveTok, Scope: "28261", At: db.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCase(ctx, newCase(db, "Sau Bản Cũ")); err != nil {
		t.Fatal(err)
	}
	list, err := ListBackups(ctx, dir, keysOf(t, db))
	if err != nil || len(list) != 1 || list[0].Err != nil || list[0].Encrypted || list[0].Cases != 1 {
		t.Fatalf("list of a plain backup: %+v %v", list, err)
	}
	if _, err := db.Restore(ctx, old, dir); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountCases(ctx); n != 1 {
		t.Fatalf("%d cases after restoring the plain backup", n)
	}
	if e, _ := db.Enrollment(ctx); e.Token != liveTok {
		t.Fatalf("token after the restore %q, want the live one", e.Token)
	}
	if v, _ := getMeta(ctx, db.r, metaToken); v != "" {
		t.Fatal("the old backup's token came back into meta")
	}
}
