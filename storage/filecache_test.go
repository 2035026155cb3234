package storage

import (
	"bytes"
	"context"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// downloaded puts into db's file store a file of size bytes drawn from the
// test's seed as a download from the server would (its record saved, the
// content marked as on the server, noted opened), and returns its record.
func downloaded(t *testing.T, db *DB, caseID, name string, size int) app.Attachment {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, size)
	r := clocktest.Rand(t)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	copy(b, name) // the same seed gives each call the same bytes
	blobs, err := db.Blobs()
	if err != nil {
		t.Fatal(err)
	}
	h, n, err := blobs.Put(bytes.NewReader(b), "")
	if err != nil {
		t.Fatal(err)
	}
	a := app.Attachment{CaseID: caseID, Name: name, Type: app.TypeJPEG, Size: n, SHA256: h}
	if err := db.SaveRecord(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := blobs.MarkOnServer(h); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AfterFetch(ctx, h); err != nil {
		t.Fatal(err)
	}
	return a
}

// The store filled past its limit drops the files the server holds that
// were opened least recently; a file attached here and not yet uploaded
// stays whatever the limit; a file opened again stays; the check at start
// does not report a dropped file as missing, and the disk figures follow.
func TestEvictFiles_LeastRecentlyOpenedFirst(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, 11, 20, 9, 0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
	c := newCase(db, "Trần Văn Chứng")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if lim, err := db.FileCacheLimit(ctx); err != nil || lim != DefaultFileCacheLimit {
		t.Fatalf("default limit %d %v", lim, err)
	}
	blobs, _ := db.Blobs()

	local, err := db.Attach(ctx, c.ID, "hoa-don.jpg", bytes.NewReader(testPhoto(t, 800, 600)), true, "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	uploaded, err := db.Attach(ctx, c.ID, "bien-nhan.pdf", bytes.NewReader([]byte(testPDF+"% gửi rồi\n")), false, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := blobs.MarkOnServer(uploaded.SHA256); err != nil { // a sync sent it
		t.Fatal(err)
	}
	const size = 100 << 10
	var d [4]app.Attachment
	for i := range d {
		clock.Advance(time.Minute)
		d[i] = downloaded(t, db, c.ID, "anh-"+string(rune('a'+i))+".jpg", size)
	}
	// d[0] and the uploaded file are opened again, after the others.
	for _, a := range []app.Attachment{d[0], uploaded} {
		clock.Advance(time.Minute)
		if _, err := db.AttachmentContent(ctx, a); err != nil {
			t.Fatal(err)
		}
	}

	_, total, _ := blobs.List()
	if got := db.DiskSpace().Files; got != total {
		t.Fatalf("disk figures count %d of the store's %d bytes", got, total)
	}
	// Room for the local file, the uploaded one and two downloaded: the
	// two opened least recently go (d[1], d[2]).
	limit := local.Size + uploaded.Size + 2*size
	ev, err := db.SetFileCacheLimit(ctx, limit)
	if err != nil {
		t.Fatal(err)
	}
	held := func(a app.Attachment) bool { return blobs.Has(a.SHA256) }
	if ev.Files != 2 || ev.Bytes != 2*size || held(d[1]) || held(d[2]) || !held(d[0]) || !held(d[3]) || !held(local) || !held(uploaded) {
		t.Fatalf("evicted %+v; held d %v %v %v %v, local %v, uploaded %v", ev, held(d[0]), held(d[1]), held(d[2]), held(d[3]), held(local), held(uploaded))
	}
	if blobs.OnServer(d[1].SHA256) {
		t.Fatal("a dropped file is still noted as on the server")
	}
	if got := db.DiskSpace().Files; got != total-2*size {
		t.Fatalf("after eviction the disk figures count %d bytes, want %d", got, total-2*size)
	}

	// A limit below what this laptop alone holds: every file the server
	// holds goes (the uploaded one too), the one not sent stays.
	if _, err := db.SetFileCacheLimit(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if !held(local) || held(uploaded) || held(d[0]) || held(d[3]) {
		t.Fatalf("held local %v, uploaded %v, d0 %v, d3 %v", held(local), held(uploaded), held(d[0]), held(d[3]))
	}
	if got := db.DiskSpace().Files; got != local.Size {
		t.Fatalf("disk figures %d, want the local file's %d", got, local.Size)
	}
	// The check at start reports none of them missing: they are on the
	// server, "not on this laptop".
	if bad, err := db.CheckFiles(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("check at start: %+v %v", bad, err)
	}
	if _, err := db.AttachmentContent(ctx, uploaded); app.ErrorCode(err) != app.ENOTFOUND || app.ErrorMessage(err) != MsgNotHere {
		t.Fatalf("an evicted file reads as %v", err)
	}

	// Downloaded again: kept, even over the limit; the one before it goes.
	clock.Advance(time.Minute)
	again := downloaded(t, db, c.ID, "anh-moi.jpg", size)
	if !held(again) || !held(local) {
		t.Fatal("the file just downloaded was evicted")
	}

	if _, err := db.SetFileCacheLimit(ctx, 0); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a limit of 0: %v", err)
	}
	if _, err := db.SetFileCacheLimit(ctx, 2<<30); err != nil {
		t.Fatal(err)
	}
	if lim, _ := db.FileCacheLimit(ctx); lim != 2<<30 {
		t.Fatalf("limit %d", lim)
	}
}

// The content of a removed file leaves the laptop once the removal has
// reached the server (the outbox acknowledged it) and no live attachment
// names it; a file removed before it was ever uploaded too.
func TestDropVoidedFiles_AfterTheVoidIsPushed(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, 11, 20, 9, 0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
	c1, c2 := newCase(db, "Trần Văn Chứng"), newCase(db, "Lê Thị Hoa")
	for _, c := range []*app.Case{c1, c2} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	blobs, _ := db.Blobs()
	attach := func(c *app.Case, name string, content []byte) app.Attachment {
		t.Helper()
		a, err := db.Attach(ctx, c.ID, name, bytes.NewReader(content), false, "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	remove := func(a app.Attachment) {
		t.Helper()
		if err := db.RemoveAttachment(ctx, a.ID, "Đính kèm nhầm"); err != nil {
			t.Fatal(err)
		}
	}
	drop := func() Evicted {
		t.Helper()
		ev, err := db.DropVoidedFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	photo := testPhoto(t, 640, 480)
	a := attach(c1, "hoa-don.jpg", photo)
	b := attach(c2, "hoa-don-ban-sao.jpg", photo) // the same content, stored once
	letter := attach(c1, "cong-van.pdf", []byte(testPDF))
	ackAll(t, db)
	if err := blobs.MarkOnServer(letter.SHA256); err != nil { // a sync sent it
		t.Fatal(err)
	}
	wrong := attach(c1, "nham.pdf", []byte(testPDF+"% nhầm\n")) // removed before any sync
	remove(wrong)
	remove(letter)

	// The voids wait in the outbox: nothing goes.
	if ev := drop(); ev.Files != 0 || !blobs.Has(letter.SHA256) || !blobs.Has(wrong.SHA256) {
		t.Fatalf("dropped %+v before the voids were pushed", ev)
	}
	ackAll(t, db)
	if ev := drop(); ev.Files != 2 || blobs.Has(letter.SHA256) || blobs.Has(wrong.SHA256) || blobs.OnServer(letter.SHA256) {
		t.Fatalf("after the push: dropped %+v, letter held %v, wrong held %v", ev, blobs.Has(letter.SHA256), blobs.Has(wrong.SHA256))
	}

	// One of two attachments of the same content removed: it stays for
	// the other.
	remove(a)
	ackAll(t, db)
	if ev := drop(); ev.Files != 0 || !blobs.Has(a.SHA256) {
		t.Fatalf("dropped %+v while b still names the content", ev)
	}
	remove(b)
	if ev := drop(); ev.Files != 0 || !blobs.Has(b.SHA256) {
		t.Fatalf("dropped %+v before b's void was pushed", ev)
	}
	ackAll(t, db)
	if ev := drop(); ev.Files != 1 || blobs.Has(b.SHA256) {
		t.Fatalf("dropped %+v, want the photo", ev)
	}
	// Nothing is reported missing at start: the files are removed.
	if bad, err := db.CheckFiles(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("check at start: %+v %v", bad, err)
	}
	_, total, _ := blobs.List()
	if total != 0 || db.DiskSpace().Files != 0 {
		t.Fatalf("%d bytes left in the store", total)
	}
}
