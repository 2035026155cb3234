package storage

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// testPhoto is a w×h JPEG drawn from the test's seed.
func testPhoto(t testing.TB, w, h int) []byte {
	t.Helper()
	r := clocktest.Rand(t)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 8 {
		for x := 0; x < w; x += 8 {
			c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
			for dy := 0; dy < 8 && y+dy < h; dy++ {
				for dx := 0; dx < 8 && x+dx < w; dx++ {
					img.SetRGBA(x+dx, y+dy, c)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const testPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

func TestAttach_StoredOnceSyncedRemovedWithAReason(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{Now: at(2026, 11, 20, 9, 0).Now, DeviceTag: seededTag(t)})
	c := newCase(db, "Trần Văn Chứng")
	c.UnitCode = "28261"
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	before := len(mustBatch(t, db))
	ph := testPhoto(t, 2000, 1000)
	a, err := db.Attach(ctx, c.ID, `C:\Users\canbo\Pictures\hoa don.png`, bytes.NewReader(ph), false, "Hóa đơn mua hàng")
	if err != nil {
		t.Fatal(err)
	}
	if a.Type != app.TypeJPEG || a.Width != 1600 || a.Height != 800 || a.Name != "hoa don.jpg" || a.UnitCode != c.UnitCode ||
		a.CreatedBy != "Cán bộ Thử" || a.Original || !app.ValidSHA256(a.SHA256) {
		t.Fatalf("attachment %+v", a)
	}
	// The same photo attached to the same case again: a second record,
	// one content; the note that the server held it is forgotten (the
	// server may have pruned it since), so the next sync asks again.
	blobs, err := db.Blobs()
	if err != nil {
		t.Fatal(err)
	}
	if err := blobs.MarkOnServer(a.SHA256); err != nil {
		t.Fatal(err)
	}
	b, err := db.Attach(ctx, c.ID, "hoa don.jpg", bytes.NewReader(ph), false, "")
	if err != nil || b.SHA256 != a.SHA256 {
		t.Fatalf("again: %+v %v", b, err)
	}
	if blobs.OnServer(a.SHA256) {
		t.Fatal("attached again, the file is still noted as held by the server")
	}
	pdf, err := db.Attach(ctx, c.ID, "cong van.pdf", strings.NewReader(testPDF), true, "")
	if err != nil || pdf.Type != app.TypePDF || pdf.Size != int64(len(testPDF)) || pdf.Original {
		t.Fatalf("pdf %+v %v", pdf, err)
	}
	// blobs: the same store as above
	if hs, _, _ := blobs.List(); len(hs) != 2 {
		t.Fatalf("the store holds %d contents, want 2", len(hs))
	}
	// The records go out with the next sync.
	var sent int
	for _, m := range mustBatch(t, db)[before:] {
		if m.Entity == app.EntityAttachment {
			sent++
		}
	}
	if sent != 3 {
		t.Fatalf("%d attachment mutations queued, want 3", sent)
	}
	got, err := db.AttachmentContent(ctx, pdf)
	if err != nil || string(got) != testPDF {
		t.Fatalf("content %q %v", got, err)
	}

	// Refused: a Word document, a reason-less removal.
	if _, err := db.Attach(ctx, c.ID, "don.docx", strings.NewReader("PK\x03\x04 rest of a docx"), false, ""); err == nil || app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a docx: %v", err)
	}
	if err := db.RemoveAttachment(ctx, b.ID, " "); err == nil {
		t.Fatal("removed without a reason")
	}
	if err := db.RemoveAttachment(ctx, b.ID, "Đính kèm trùng"); err != nil {
		t.Fatal(err)
	}
	list, err := db.Attachments(ctx, c.ID)
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != pdf.ID {
		t.Fatalf("attachments after the removal: %+v %v", list, err)
	}
	var voided app.Attachment
	if err := db.GetRecord(ctx, b.ID, &voided); err != nil || !voided.Voided || voided.VoidReason != "Đính kèm trùng" {
		t.Fatalf("the removed one %+v %v", voided, err)
	}
	last := mustBatch(t, db)
	if m := last[len(last)-1]; m.Entity != app.EntityAttachment || string(m.Fields["voided"]) != "true" {
		t.Fatalf("the removal is not queued: %+v", m)
	}
	if !blobs.Has(b.SHA256) {
		t.Fatal("the content went with the removal")
	}
}

func TestAttach_KeepsTheOriginal(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Lê Thị Gốc")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	ph := testPhoto(t, 1800, 1200)
	a, err := db.Attach(ctx, c.ID, "anh.jpg", bytes.NewReader(ph), true, "")
	if err != nil || !a.Original || a.Size != int64(len(ph)) || a.Width != 1800 {
		t.Fatalf("%+v %v", a, err)
	}
	got, err := db.AttachmentContent(ctx, a)
	if err != nil || !bytes.Equal(got, ph) {
		t.Fatal("the original is not kept byte for byte", err)
	}
}

func TestCheckFiles_ReportsMissingAndDamaged(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Võ Văn Kiểm")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	a, err := db.Attach(ctx, c.ID, "a.jpg", bytes.NewReader(testPhoto(t, 300, 200)), false, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Attach(ctx, c.ID, "b.pdf", strings.NewReader(testPDF), false, "")
	if err != nil {
		t.Fatal(err)
	}
	// Another laptop's file, never downloaded here: synced metadata only.
	other := app.Attachment{CaseID: c.ID, Name: "may-khac.jpg", Type: app.TypeJPEG, Size: 10, SHA256: strings.Repeat("ab", 32)}
	if err := db.SaveRecord(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if bad, err := db.CheckFiles(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("a sound store: %+v %v", bad, err)
	}
	blobs, _ := db.Blobs()
	f, _ := blobs.Open(a.SHA256)
	path := f.Name()
	f.Close()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	f, _ = blobs.Open(p.SHA256)
	ppath := f.Name()
	f.Close()
	if err := os.WriteFile(ppath, []byte("%PDF-1.4 damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad, err := db.CheckFiles(ctx)
	if err != nil || len(bad) != 2 || bad[0].ID != a.ID || bad[1].ID != p.ID {
		t.Fatalf("checked: %+v %v", bad, err)
	}
	if blobs.Has(p.SHA256) {
		t.Fatal("the damaged file is still in the store")
	}
	if _, err := db.AttachmentContent(ctx, other); app.ErrorMessage(err) != MsgNotHere {
		t.Fatalf("another laptop's file: %v", err)
	}
	// A removed file is not reported.
	if err := db.RemoveAttachment(ctx, a.ID, "Nhầm vụ việc"); err != nil {
		t.Fatal(err)
	}
	if bad, _ := db.CheckFiles(ctx); len(bad) != 1 || bad[0].ID != p.ID {
		t.Fatalf("after the removal: %+v", bad)
	}
}

func TestBackup_CarriesTheFilesToAFreshFolder(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Đặng Văn Lưu")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	ph, err := db.Attach(ctx, c.ID, "a.jpg", bytes.NewReader(testPhoto(t, 500, 400)), false, "")
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := db.Attach(ctx, c.ID, "b.pdf", strings.NewReader(testPDF), false, "")
	if err != nil {
		t.Fatal(err)
	}
	if db.FilesSize() != ph.Size+pdf.Size {
		t.Fatalf("files size %d", db.FilesSize())
	}
	if ds := db.DiskSpace(); ds.Files != ph.Size+pdf.Size || ds.Limit != uint64(LowDiskLimit+ds.Files) {
		t.Fatalf("disk space %+v", ds)
	}
	b, err := db.BackupTo(ctx, filepath.Join(t.TempDir(), "backups"), app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}

	fresh := t.TempDir()
	if _, err := RestoreInto(ctx, b.Path, filepath.Join(fresh, "bvntd.sqlite"), keysOf(t, db)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, filepath.Join(fresh, "bvntd.sqlite"), Options{Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	list, err := r.Attachments(ctx, c.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("restored attachments %+v %v", list, err)
	}
	for _, a := range list {
		got, err := r.AttachmentContent(ctx, a)
		want, _ := db.AttachmentContent(ctx, a)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("restored %s: %v", a.Name, err)
		}
	}
	var n int
	r.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = ?", backupFilesTable).Scan(&n)
	if n != 0 {
		t.Fatal("the backup's files table is left in the store")
	}
	// Restored files are held here: one gone later is reported.
	blobs, _ := r.Blobs()
	blobs.Remove(pdf.SHA256)
	if bad, _ := r.CheckFiles(ctx); len(bad) != 1 || bad[0].ID != pdf.ID {
		t.Fatalf("after the restore, a removed file: %+v", bad)
	}
}

func TestRestore_BringsTheFilesBackWhileRunning(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Huỳnh Thị Về")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	a, err := db.Attach(ctx, c.ID, "a.jpg", bytes.NewReader(testPhoto(t, 300, 300)), false, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.BackupTo(ctx, filepath.Join(t.TempDir(), "backups"), app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	// The tep folder is lost.
	blobs, _ := db.Blobs()
	if err := os.RemoveAll(blobs.Dir()); err != nil {
		t.Fatal(err)
	}
	db.Now = clocktest.New(db.Now().Add(time.Hour)).Now
	if _, err := db.Restore(ctx, b.Path, filepath.Join(t.TempDir(), "pre")); err != nil {
		t.Fatal(err)
	}
	if got, err := db.AttachmentContent(ctx, a); err != nil || len(got) != int(a.Size) {
		t.Fatalf("after the restore: %v", err)
	}
}

// A store found damaged at start is recovered from its newest backup, and
// the files the backup carries come back into tep/ when it opens.
func TestRecover_BringsTheFilesBack(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Ngô Thị Phục")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	a, err := db.Attach(ctx, c.ID, "a.jpg", bytes.NewReader(testPhoto(t, 400, 300)), false, "")
	if err != nil {
		t.Fatal(err)
	}
	backups := filepath.Join(t.TempDir(), "backups")
	if _, err := db.BackupTo(ctx, backups, app.BackupDaily); err != nil {
		t.Fatal(err)
	}
	path, now := db.Path(), db.Now
	blobs, _ := db.Blobs()
	db.Close()
	os.RemoveAll(blobs.Dir())
	truncateHalf(t, path)
	if _, err := Recover(ctx, path, []string{backups}, now().Add(time.Hour), plenty, pathKeys(t, path)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, path, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.AttachmentContent(ctx, a); err != nil || int64(len(got)) != a.Size {
		t.Fatalf("after the recovery: %v", err)
	}
}

// A case held limited on a provincial laptop takes no file.
func TestAttach_RefusedOnALimitedCase(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Lý Văn Hạn")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, "INSERT INTO limited_records (entity, id) VALUES (?, ?)", app.EntityCase, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Attach(ctx, c.ID, "a.pdf", strings.NewReader(testPDF), false, ""); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("attached to a limited case: %v", err)
	}
}
