package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/app/clocktest"
	bstorage "bvntd/storage"
	"bvntd/storage/blobstore"
)

// receiptPhoto is a w×h JPEG: a white sheet with grey lines drawn from the
// test's seed.
func receiptPhoto(t *testing.T, w, h int) []byte {
	t.Helper()
	r := clocktest.Rand(t)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		line := y%40 < 6 && r.IntN(4) > 0
		for x := 0; x < w; x++ {
			c := color.RGBA{250, 250, 245, 255}
			if line && x > w/10 && x < w*9/10 {
				c = color.RGBA{90, 90, 90, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// thumbnails returns the thumbnails drawn under o (not the buttons' icons).
func thumbnails(o fyne.CanvasObject) []*canvas.Image {
	var out []*canvas.Image
	for _, obj := range test.LaidOutObjects(o) {
		if img, ok := obj.(*canvas.Image); ok && img.Visible() && img.Resource != nil && strings.HasPrefix(img.Resource.Name(), "thumb-") {
			out = append(out, img)
		}
	}
	return out
}

func hasText(o fyne.CanvasObject, want string) bool {
	for _, s := range texts(o) {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

// An officer drops a photo onto the window with a case open: it is
// stored re-encoded, listed with its thumbnail, opened with the system's
// viewer, and removed with a reason.
func TestFiles_AttachShowsThumbnailOpenRemove(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 30, 0, 0, app.ICT)), seededTag(t))
	opener := &fakeOpener{dir: t.TempDir()}
	fx.ui.svc.Files, fx.ui.svc.Opener = fx.db, opener
	fx.win.SetOnDropped(fx.ui.dropped)
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Thị Lan", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	fx.ui.openCase(c.ID)
	d := fx.ui.detail
	must(t, d.files != nil && d.files.content.Visible(), "no evidence section")
	must(t, hasText(d.content, "Chưa có tệp chứng cứ."), "the empty list says nothing")

	dir := t.TempDir()
	path := filepath.Join(dir, "hóa đơn.jpg")
	if err := os.WriteFile(path, receiptPhoto(t, 2400, 1200), 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "ghi chú.txt")
	os.WriteFile(text, []byte("không phải ảnh"), 0o600)
	fx.ui.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path), storage.NewFileURI(text)})

	list, err := fx.db.Attachments(ctx, c.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("stored %+v %v", list, err)
	}
	a := list[0]
	must(t, a.Width == 1600 && a.Height == 800 && a.Type == app.TypeJPEG, "not re-encoded: %+v", a)
	must(t, hasText(d.content, "Không đính kèm được ghi chú.txt"), "the refused text file is not reported: %q", texts(d.content))
	imgs := thumbnails(d.content)
	must(t, len(imgs) == 1, "%d thumbnails shown, want 1", len(imgs))
	must(t, imgs[0].Resource != nil && len(imgs[0].Resource.Content()) > 0, "empty thumbnail")
	must(t, hasText(d.content, "hóa đơn.jpg"), "the name is not shown")
	must(t, hasText(d.content, "Ảnh JPEG · "+app.FormatBytes(a.Size)+" · 1600×800"), "type and size not shown: %q", texts(d.content))
	must(t, hasText(d.content, "Đính kèm bởi Lê Văn Tâm, 20/11/2026 09:30"), "who and when not shown: %q", texts(d.content))

	// Mở: a copy in the print folder, opened by the system.
	test.Tap(mustButton(t, d.content, "Mở"))
	must(t, len(opener.opened) == 1 && filepath.Base(opener.opened[0]) == "hóa đơn.jpg", "opened %v", opener.opened)
	got, _ := os.ReadFile(opener.opened[0])
	must(t, int64(len(got)) == a.Size, "the opened copy has %d bytes", len(got))

	// Gỡ: a reason is required.
	test.Tap(mustButton(t, d.content, "Gỡ"))
	dlg := topOverlay(t, fx.win)
	test.Tap(mustButton(t, dlg, "Gỡ tệp"))
	must(t, hasText(dlg, "Cần ghi lý do gỡ tệp."), "no reason asked")
	test.Type(d.files.removing.reason, "Ảnh chụp nhầm vụ việc")
	test.Tap(mustButton(t, dlg, "Gỡ tệp"))
	list, _ = fx.db.Attachments(ctx, c.ID)
	must(t, len(list) == 0, "still listed after the removal")
	var removed app.Attachment
	if err := fx.db.GetRecord(ctx, a.ID, &removed); err != nil || !removed.Voided || removed.VoidReason != "Ảnh chụp nhầm vụ việc" {
		t.Fatalf("removed %+v %v", removed, err)
	}
	must(t, len(thumbnails(d.content)) == 0, "the thumbnail stays after the removal")
	must(t, hasText(d.content, "Đã gỡ hóa đơn.jpg."), "no word of the removal")
}

// Another laptop's file not downloaded yet says so; a PDF shows an icon.
func TestFiles_NotHereAndPDF(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 30, 0, 0, app.ICT)), seededTag(t))
	fx.ui.svc.Files = fx.db
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Nam", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	other := app.Attachment{CaseID: c.ID, Name: "may-khac.jpg", Type: app.TypeJPEG, Size: 400 << 10, SHA256: strings.Repeat("cd", 32)}
	if err := fx.db.SaveRecord(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.db.Attach(ctx, c.ID, "cong-van.pdf", strings.NewReader("%PDF-1.4\n%%EOF\n"), false, ""); err != nil {
		t.Fatal(err)
	}
	fx.ui.openCase(c.ID)
	d := fx.ui.detail
	must(t, hasText(d.content, "Chưa tải về máy này"), "a file not here is not marked: %q", texts(d.content))
	must(t, len(thumbnails(d.content)) == 0, "a thumbnail without content")
	var icons int
	for _, o := range test.LaidOutObjects(d.files.list) {
		if _, ok := o.(*widget.Icon); ok {
			icons++
		}
	}
	must(t, icons == 2, "%d icons, want 2 (the file not here, the PDF)", icons)

	// The check at start: nothing held here is missing.
	fx.ui.CheckFiles()
	must(t, !fx.ui.filesBanner.Visible(), "a file never held here is reported missing")
	fx.ui.showMissingFiles([]app.Attachment{{Name: "a.jpg"}, {Name: "b.pdf"}})
	must(t, fx.ui.filesBanner.Text == "Tệp a.jpg, b.pdf bị thiếu hoặc hỏng trên máy này: đang tải lại từ máy chủ tỉnh.", "banner %q", fx.ui.filesBanner.Text)
}

// A case held limited on a provincial laptop offers nothing to attach.
func TestFiles_LimitedCaseShowsNothing(t *testing.T) {
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 30, 0, 0, app.ICT)), seededTag(t))
	fx.ui.svc.Files = fx.db
	p := newFilesPanel(fx.ui.deps(), fx.db)
	p.load(app.Case{RecordHead: app.RecordHead{ID: app.NewID(), Limited: true}})
	must(t, !p.content.Visible(), "a limited case shows the evidence section")
}

// fakeFetcher stands for the download from the provincial server: it puts
// the content it was given into the laptop's store.
type fakeFetcher struct {
	db interface {
		Blobs() (*blobstore.Store, error)
	}
	content []byte
	asked   []string
}

func (f *fakeFetcher) FetchAttachment(ctx context.Context, hash string) error {
	f.asked = append(f.asked, hash)
	blobs, err := f.db.Blobs()
	if err != nil {
		return err
	}
	_, _, err = blobs.Put(bytes.NewReader(f.content), hash)
	return err
}

// A file attached on another laptop is downloaded when an officer opens
// it, then opened and shown with its thumbnail.
func TestFiles_OpenDownloadsAFileAttachedElsewhere(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 30, 0, 0, app.ICT)), seededTag(t))
	opener := &fakeOpener{dir: t.TempDir()}
	content := receiptPhoto(t, 320, 240)
	sum := sha256.Sum256(content)
	fetcher := &fakeFetcher{db: fx.db, content: content}
	fx.ui.svc.Files, fx.ui.svc.Opener, fx.ui.svc.Fetch = fx.db, opener, fetcher
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Nam", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	other := app.Attachment{CaseID: c.ID, Name: "may-khac.jpg", Type: app.TypeJPEG, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), Width: 320, Height: 240}
	if err := fx.db.SaveRecord(ctx, &other); err != nil {
		t.Fatal(err)
	}
	fx.ui.openCase(c.ID)
	d := fx.ui.detail
	must(t, hasText(d.content, "Chưa tải về máy này"), "a file not here is not marked: %q", texts(d.content))
	test.Tap(mustButton(t, d.content, "Tải về và mở"))
	must(t, len(fetcher.asked) == 1 && fetcher.asked[0] == other.SHA256, "asked the server for %v", fetcher.asked)
	must(t, len(opener.opened) == 1 && filepath.Base(opener.opened[0]) == "may-khac.jpg", "opened %v", opener.opened)
	got, _ := os.ReadFile(opener.opened[0])
	must(t, bytes.Equal(got, content), "the opened copy differs from the file")
	d = fx.ui.detail
	must(t, !hasText(d.content, "Chưa tải về máy này") && len(thumbnails(d.content)) == 1,
		"after the download: %q, %d thumbnails", texts(d.content), len(thumbnails(d.content)))
}

// A file this laptop held that is gone at start is listed, downloaded
// again from the server, and the list empties.
func TestFiles_MissingAtStartFetchedAgain(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 30, 0, 0, app.ICT)), seededTag(t))
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Nam", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	content := receiptPhoto(t, 640, 480)
	a, err := fx.db.Attach(ctx, c.ID, "hoa-don.jpg", bytes.NewReader(content), true, "")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := fx.db.Blobs()
	if err != nil {
		t.Fatal(err)
	}
	f, err := blobs.Open(a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := io.ReadAll(f)
	f.Close()
	if err := blobs.Remove(a.SHA256); err != nil { // deleted by hand, a disk error…
		t.Fatal(err)
	}
	fetcher := &fakeFetcher{db: fx.db, content: kept}
	fx.ui.svc.Files, fx.ui.svc.Fetch = fx.db, fetcher
	fx.ui.CheckFiles()
	must(t, len(fetcher.asked) == 1 && fetcher.asked[0] == a.SHA256, "asked the server for %v", fetcher.asked)
	must(t, blobs.Has(a.SHA256) && !fx.ui.filesBanner.Visible(), "after the download: held %v, banner %q", blobs.Has(a.SHA256), fx.ui.filesBanner.Text)

	// Without a server to fetch from, it stays listed.
	if err := blobs.Remove(a.SHA256); err != nil {
		t.Fatal(err)
	}
	fx.ui.svc.Fetch = nil
	fx.ui.CheckFiles()
	must(t, fx.ui.filesBanner.Visible() && strings.Contains(fx.ui.filesBanner.Text, "hoa-don.jpg"), "banner %q", fx.ui.filesBanner.Text)
}

// cachingFetcher is fakeFetcher followed by what the desktop does after a
// download (cli.FileFetcher): the file is on the server, noted opened,
// and the store brought within its limit.
type cachingFetcher struct {
	fakeFetcher
	db *bstorage.DB
}

func (f *cachingFetcher) FetchAttachment(ctx context.Context, hash string) error {
	if err := f.fakeFetcher.FetchAttachment(ctx, hash); err != nil {
		return err
	}
	blobs, _ := f.db.Blobs()
	if err := blobs.MarkOnServer(hash); err != nil {
		return err
	}
	_, err := f.db.AfterFetch(ctx, hash)
	return err
}

// scaledCache passes the limit chosen in the panel on as the test's own
// (the panel offers hundreds of megabytes; the test's files are small).
type scaledCache struct {
	*bstorage.DB
	limit map[int64]int64
}

func (s scaledCache) SetFileCacheLimit(ctx context.Context, n int64) (app.FilesFreed, error) {
	return s.DB.SetFileCacheLimit(ctx, s.limit[n])
}

// Two files downloaded from the server; the officer lowers the limit in
// the settings: the one opened least recently is removed from the laptop,
// and the case screen shows it "Chưa tải về máy này" with "Tải về và mở"
// again.
func TestFiles_CacheLimitRemovesTheLeastRecentlyOpened(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 30, 0, 0, app.ICT)), seededTag(t))
	opener := &fakeOpener{dir: t.TempDir()}
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Nam", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	var files [2]app.Attachment
	contents := map[string][]byte{}
	for i, size := range [][2]int{{320, 240}, {400, 300}} {
		content := receiptPhoto(t, size[0], size[1])
		sum := sha256.Sum256(content)
		files[i] = app.Attachment{CaseID: c.ID, Name: fmt.Sprintf("anh-%d.jpg", i+1), Type: app.TypeJPEG, Size: int64(len(content)),
			SHA256: hex.EncodeToString(sum[:]), Width: size[0], Height: size[1]}
		if err := fx.db.SaveRecord(ctx, &files[i]); err != nil {
			t.Fatal(err)
		}
		contents[files[i].SHA256] = content
	}
	fetcher := &cachingFetcher{fakeFetcher: fakeFetcher{db: fx.db}, db: fx.db}
	fx.ui.svc.Files, fx.ui.svc.Opener, fx.ui.svc.Fetch = fx.db, opener, fetcher
	fx.ui.openCase(c.ID)
	for _, a := range files { // opened one after the other
		fx.clock.Advance(time.Minute)
		fetcher.content = contents[a.SHA256]
		test.Tap(mustButton(t, fx.ui.detail.content, "Tải về và mở"))
	}
	must(t, len(opener.opened) == 2 && len(thumbnails(fx.ui.detail.content)) == 2, "opened %v", opener.opened)

	// The setting, in the sync tab: 1 GB until changed.
	svc := fx.ui.svc
	u := newUI(fx.win, svc, inline, 0)
	t.Cleanup(u.Close)
	must(t, u.cache != nil && hasText(u.syncPanel.body, "Tệp chứng cứ tải về máy này") && u.cache.sel.Selected == "1,0 GB",
		"the sync tab has no file cache setting")
	p := newCachePanel(ctx, scaledCache{fx.db, map[int64]int64{256 << 20: files[1].Size}}, inline)
	must(t, p.sel.Selected == "1,0 GB", "the limit shows %q", p.sel.Selected)
	freed := false
	p.onFreed = func() { freed = true }
	p.sel.SetSelected("256 MB")
	must(t, freed && strings.Contains(p.msg.Text, "Đã xóa khỏi máy này 1 tệp"), "message %q", p.msg.Text)
	blobs, _ := fx.db.Blobs()
	must(t, !blobs.Has(files[0].SHA256) && blobs.Has(files[1].SHA256), "the file opened last was removed, or the first kept")

	fx.ui.openCase(c.ID)
	d := fx.ui.detail
	must(t, hasText(d.content, "Chưa tải về máy này") && len(thumbnails(d.content)) == 1,
		"after the removal: %q, %d thumbnails", texts(d.content), len(thumbnails(d.content)))
	fetcher.content = contents[files[0].SHA256]
	test.Tap(mustButton(t, d.content, "Tải về và mở"))
	must(t, len(fetcher.asked) == 3 && fetcher.asked[2] == files[0].SHA256, "asked %v", fetcher.asked)
	must(t, blobs.Has(files[0].SHA256) && !blobs.Has(files[1].SHA256), "opened again: kept, and the other one went")
}

// "Mở" leaves no copy in the print folder: the copy goes into the
// session's view folder, emptied at exit; what a killed session left
// there is removed at the next start.
func TestFiles_OpenedCopiesAreTemporary(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 30, 0, 0, app.ICT)), seededTag(t))
	root := filepath.Join(t.TempDir(), ViewFolderName)
	// A session killed while a file was open left its copy.
	old := filepath.Join(root, "phien-123")
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "hóa đơn.jpg"), []byte("bản sao cũ"), 0o600); err != nil {
		t.Fatal(err)
	}
	views, err := OpenViewFolder(root) // at start
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(root); len(left) != 0 {
		t.Fatalf("at start the view folder still holds %d entries", len(left))
	}

	opener := &fakeOpener{dir: t.TempDir()}
	fx.ui.svc.Files, fx.ui.svc.Opener, fx.ui.svc.Views = fx.db, opener, views
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Thị Lan", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	content := receiptPhoto(t, 640, 480)
	if _, err := fx.db.Attach(ctx, c.ID, "hóa đơn.jpg", bytes.NewReader(content), true, ""); err != nil {
		t.Fatal(err)
	}
	fx.ui.openCase(c.ID)
	test.Tap(mustButton(t, fx.ui.detail.content, "Mở"))
	test.Tap(mustButton(t, fx.ui.detail.content, "Mở")) // twice: a second copy, the first may be open
	must(t, len(opener.opened) == 2 && opener.opened[0] != opener.opened[1], "opened %v", opener.opened)
	for _, p := range opener.opened {
		rel, err := filepath.Rel(root, p)
		must(t, err == nil && !strings.HasPrefix(rel, ".."), "a copy outside the view folder: %s", p)
		got, _ := os.ReadFile(p)
		must(t, bytes.Equal(got, content), "the copy differs from the file")
	}
	must(t, filepath.Base(opener.opened[0]) == "hóa đơn.jpg", "the copy is called %s", filepath.Base(opener.opened[0]))
	if printed, _ := os.ReadDir(opener.dir); len(printed) != 0 {
		t.Fatalf("the print folder holds %d copies", len(printed))
	}
	// Nothing of it in the data folder's store, which backups copy.
	blobs, _ := fx.db.Blobs()
	must(t, !strings.HasPrefix(root, blobs.Dir()), "the view folder is inside the file store")

	// The app exits.
	if err := views.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(root); len(left) != 0 {
		t.Fatalf("after exit the view folder still holds %d entries", len(left))
	}
}
