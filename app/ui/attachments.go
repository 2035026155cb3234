package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/app/attachfile"
)

// FileService keeps the evidence files of the cases (tệp chứng cứ): their
// content in the laptop's file store, their metadata synced records
// (app.Attachment). storage.DB is one.
// FileFetcher downloads the content of an evidence file by its SHA-256
// into the laptop's store, resuming a download cut before; it returns
// when the file is here or ctx ends (syncclient.Client.FetchAttachment).
type FileFetcher interface {
	FetchAttachment(ctx context.Context, hash string) error
}

// fetchWait bounds how long opening a file waits for its download.
const fetchWait = 3 * time.Minute

type FileService interface {
	// Attach checks and prepares the content (photos re-encoded unless
	// keepOriginal), stores it and saves its record; an *app.Error in
	// Vietnamese says why a file is refused.
	Attach(ctx context.Context, caseID, name string, content io.Reader, keepOriginal bool, note string) (app.Attachment, error)
	// Attachments lists a case's files not removed, oldest first.
	Attachments(ctx context.Context, caseID string) ([]app.Attachment, error)
	// AttachmentContent reads a file's content, checked against its hash:
	// ENOTFOUND when this laptop does not hold it (not downloaded yet).
	AttachmentContent(ctx context.Context, a app.Attachment) ([]byte, error)
	// RemoveAttachment removes a file from its case: a void with a reason.
	RemoveAttachment(ctx context.Context, id, reason string) error
	// CheckFiles lists the files this laptop held whose content is now
	// missing or damaged (checked at start).
	CheckFiles(ctx context.Context) ([]app.Attachment, error)
}

// attachExts are the file names the attach dialog offers, in any case
// (the type is found by sniffing the content all the same).
var attachExts = []string{".jpg", ".jpeg", ".png", ".pdf"}

// fileRow is one attachment as the panel shows it.
type fileRow struct {
	a     app.Attachment
	thumb []byte // PNG, nil for a PDF or a file not here
	here  bool   // this laptop holds the content
	bad   string // why the thumbnail could not be made, "" if it could
}

// filesPanel is the "Tệp chứng cứ" section of the case screen: the
// case's files with their thumbnails, "Đính kèm tệp…" (also a file dropped
// onto the window), "Mở" and "Gỡ". A case held limited on a provincial
// laptop shows none of it.
type filesPanel struct {
	formDeps
	svc FileService
	c   app.Case

	content *fyne.Container
	attach  *widget.Button
	keep    *widget.Check // "Giữ nguyên tệp gốc"
	msg     *widget.Label
	list    *fyne.Container
	rows    []fileRow

	removing *voidDialog // the open "Gỡ" dialog, or nil
	onChange func()      // after a file was attached or removed

	// thumbs keeps the thumbnails made, by content hash: the screen
	// reloads after every step of the case.
	thumbsMu sync.Mutex
	thumbs   map[string][]byte
}

func newFilesPanel(d formDeps, svc FileService) *filesPanel {
	p := &filesPanel{formDeps: d, svc: svc}
	p.attach = &widget.Button{Text: lang.X("files.attach", "Đính kèm tệp…"), Icon: theme.ContentAddIcon(), OnTapped: p.pick}
	p.keep = widget.NewCheck(lang.X("files.keep_original", "Giữ nguyên tệp gốc (không thu nhỏ ảnh, giữ thông tin EXIF)"), nil)
	p.msg = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.msg.Hide()
	p.list = container.NewVBox()
	hint := &widget.Label{Text: lang.X("files.hint", "Ảnh JPEG, PNG hoặc tài liệu PDF, tối đa 10 MB mỗi tệp; có thể kéo thả tệp vào cửa sổ. Ảnh được thu nhỏ còn tối đa 1600 điểm ảnh và bỏ thông tin vị trí, thiết bị."),
		Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	title := &widget.Label{Text: lang.X("files.title", "Tệp chứng cứ"), TextStyle: fyne.TextStyle{Bold: true}}
	p.content = container.NewVBox(widget.NewSeparator(), title, container.NewHBox(p.attach, p.keep), hint, p.msg, p.list)
	return p
}

// load reads the case's files and their thumbnails off the Fyne goroutine.
func (p *filesPanel) load(c app.Case) {
	p.c = c
	if c.Limited || c.Voided {
		p.content.Hide()
		return
	}
	p.content.Show()
	id := c.ID
	p.run(func() {
		rows, err := p.fetch(p.ctx, id)
		fyne.Do(func() {
			if p.c.ID != id {
				return
			}
			if err != nil {
				logError("list attachments", err)
				p.say(lang.X("files.load_failed", "Không tải được danh sách tệp: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), true)
				return
			}
			p.rows = rows
			p.show()
		})
	})
}

func (p *filesPanel) fetch(ctx context.Context, caseID string) ([]fileRow, error) {
	list, err := p.svc.Attachments(ctx, caseID)
	if err != nil {
		return nil, err
	}
	rows := make([]fileRow, len(list))
	for i, a := range list {
		rows[i].a = a
		p.thumbsMu.Lock()
		th, ok := p.thumbs[a.SHA256]
		if ok && !p.holds(a.SHA256) { // removed from the cache of files since
			delete(p.thumbs, a.SHA256)
			ok = false
		}
		p.thumbsMu.Unlock()
		if ok {
			rows[i].here, rows[i].thumb = true, th
			continue
		}
		data, err := p.svc.AttachmentContent(ctx, a)
		if err != nil {
			if app.ErrorCode(err) != app.ENOTFOUND {
				rows[i].bad = userMessage(err)
			}
			continue
		}
		rows[i].here = true
		if a.Type != app.TypePDF {
			th, err := attachfile.Thumb(data)
			if err != nil {
				rows[i].bad = userMessage(err)
				continue
			}
			rows[i].thumb = th
		}
		p.thumbsMu.Lock()
		if p.thumbs == nil {
			p.thumbs = map[string][]byte{}
		}
		p.thumbs[a.SHA256] = rows[i].thumb
		p.thumbsMu.Unlock()
	}
	return rows, nil
}

// holds reports whether the laptop still holds the content of hash, when
// the service can tell.
func (p *filesPanel) holds(hash string) bool {
	if h, ok := p.svc.(interface{ HasContent(hash string) bool }); ok {
		return h.HasContent(hash)
	}
	return true
}

// show lays out the rows.
func (p *filesPanel) show() {
	p.list.RemoveAll()
	if len(p.rows) == 0 {
		p.list.Add(&widget.Label{Text: lang.X("files.none", "Chưa có tệp chứng cứ."), Importance: widget.LowImportance})
	}
	for i := range p.rows {
		p.list.Add(p.row(p.rows[i]))
	}
	p.list.Refresh()
}

// thumbSize is the room a thumbnail takes in a row.
const thumbSize = 80

// row shows one file: its thumbnail (an icon for a PDF or a file not
// here), name, type, size, who attached it and when, "Mở" and "Gỡ".
func (p *filesPanel) row(r fileRow) fyne.CanvasObject {
	a := r.a
	var pic fyne.CanvasObject
	if r.thumb != nil {
		img := canvas.NewImageFromResource(fyne.NewStaticResource("thumb-"+a.SHA256[:12]+".png", r.thumb))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(thumbSize, thumbSize))
		pic = img
	} else {
		icon := widget.NewIcon(theme.FileImageIcon())
		if a.Type == app.TypePDF {
			icon = widget.NewIcon(theme.FileTextIcon())
		}
		pic = container.NewGridWrap(fyne.NewSize(thumbSize, thumbSize), icon)
	}
	name := &widget.Label{Text: a.Name, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	detail := listLabel(app.AttachmentTypes, a.Type) + " · " + app.FormatBytes(a.Size)
	if a.Width > 0 && a.Height > 0 {
		detail += fmt.Sprintf(" · %d×%d", a.Width, a.Height)
	}
	if a.Original {
		detail += " · " + lang.X("files.original", "tệp gốc")
	}
	who := lang.X("files.who", "Đính kèm bởi {{.Officer}}, {{.At}}", map[string]any{"Officer": a.CreatedBy, "At": FormatDateTime(a.CreatedAt)})
	lines := []fyne.CanvasObject{name, &widget.Label{Text: detail + " — " + who, Wrapping: fyne.TextWrapWord}}
	if a.Note != "" {
		lines = append(lines, &widget.Label{Text: a.Note, Wrapping: fyne.TextWrapWord})
	}
	open := &widget.Button{Text: lang.X("files.open", "Mở"), Icon: theme.VisibilityIcon(), OnTapped: func() { p.open(a) }}
	remove := &widget.Button{Text: lang.X("files.remove", "Gỡ"), Icon: theme.DeleteIcon(), OnTapped: func() { p.askRemove(a) }}
	switch {
	case !r.here && r.bad == "":
		lines = append(lines, &widget.Label{Text: lang.X("files.not_here", "Chưa tải về máy này"), Importance: widget.WarningImportance})
		if p.fetchFile == nil {
			open.Disable() // not enrolled: nowhere to download it from
		} else {
			open.SetText(lang.X("files.fetch_open", "Tải về và mở"))
		}
	case r.bad != "":
		lines = append(lines, &widget.Label{Text: r.bad, Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord})
	}
	if p.opener == nil {
		open.Hide()
	}
	return container.NewBorder(nil, nil, pic, container.NewVBox(container.NewHBox(open, remove)), container.NewVBox(lines...))
}

// say shows a message under the buttons.
func (p *filesPanel) say(text string, bad bool) {
	p.msg.Importance = widget.SuccessImportance
	if bad {
		p.msg.Importance = widget.DangerImportance
	}
	p.msg.SetText(text)
	p.msg.Show()
}

// pick opens the file dialog.
func (p *filesPanel) pick() {
	if p.win == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			p.say(lang.X("files.read_failed", "Không đọc được tệp: {{.Reason}}", map[string]any{"Reason": err.Error()}), true)
			return
		}
		if r == nil {
			return // cancelled
		}
		p.attachFrom(r.URI().Name(), r)
	}, p.win)
	d.SetFilter(fstorage.NewExtensionFileFilter(attachExts))
	d.Show()
}

// dropped attaches the files dropped onto the window.
func (p *filesPanel) dropped(uris []fyne.URI) {
	if p.c.ID == "" || p.c.Limited || p.c.Voided || !p.content.Visible() {
		return
	}
	for _, u := range uris {
		if u.Scheme() != "file" {
			continue
		}
		f, err := os.Open(u.Path())
		if err != nil {
			p.say(lang.X("files.read_failed", "Không đọc được tệp: {{.Reason}}", map[string]any{"Reason": u.Name()}), true)
			continue
		}
		p.attachFrom(u.Name(), f)
	}
}

// attachFrom stores the content read from r (closed after) off the Fyne
// goroutine, then shows the list again.
func (p *filesPanel) attachFrom(name string, r io.ReadCloser) {
	caseID, keep := p.c.ID, p.keep.Checked
	p.attach.Disable()
	p.run(func() {
		a, err := p.svc.Attach(p.ctx, caseID, name, r, keep, "")
		r.Close()
		fyne.Do(func() {
			p.attach.Enable()
			if err != nil {
				logError("attach file", err)
				p.say(lang.X("files.attach_failed", "Không đính kèm được {{.Name}}: {{.Reason}}", map[string]any{"Name": name, "Reason": userMessage(err)}), true)
				return
			}
			p.say(lang.X("files.attached", "Đã đính kèm {{.Name}} ({{.Size}}).", map[string]any{"Name": a.Name, "Size": app.FormatBytes(a.Size)}), false)
			p.changed()
		})
	})
}

func (p *filesPanel) changed() {
	p.load(p.c)
	if p.onChange != nil {
		p.onChange()
	}
}

// open writes a copy of the content into the session's view folder (the
// print folder without one: tests) and opens it with the system's viewer.
func (p *filesPanel) open(a app.Attachment) {
	if p.opener == nil {
		return
	}
	p.run(func() {
		data, err := p.svc.AttachmentContent(p.ctx, a)
		if app.ErrorCode(err) == app.ENOTFOUND && p.fetchFile != nil {
			// Attached on another laptop: downloaded now, then opened.
			fyne.Do(func() {
				p.say(lang.X("files.fetching", "Đang tải {{.Name}} từ máy chủ tỉnh…", map[string]any{"Name": a.Name}), false)
			})
			ctx, cancel := context.WithTimeout(p.ctx, fetchWait)
			err = p.fetchFile.FetchAttachment(ctx, a.SHA256)
			cancel()
			if err == nil {
				data, err = p.svc.AttachmentContent(p.ctx, a)
			}
			if err == nil {
				fyne.Do(func() {
					p.say("", false)
					p.load(p.c) // its thumbnail, and no longer "Chưa tải về máy này"
				})
			}
		}
		path := ""
		switch {
		case err != nil:
		case p.views != nil:
			path, err = p.views.Write(safeFileName(a.Name), data)
		default:
			path, err = writePrintFile(p.opener, safeFileName(a.Name), func(f *os.File) error {
				_, err := f.Write(data)
				return err
			})
		}
		if err == nil {
			err = openPath(p.opener, path)
		} else {
			logError("open attachment", err)
			err = fmt.Errorf("%s", lang.X("files.open_failed", "Không mở được {{.Name}}: {{.Reason}}", map[string]any{"Name": a.Name, "Reason": userMessage(err)}))
		}
		fyne.Do(func() {
			if err != nil {
				p.say(err.Error(), true)
			}
		})
	})
}

// safeFileName keeps a name's letters and leaves out what a file system
// would refuse.
func safeFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		name = "tep"
	}
	return name
}

// askRemove asks the reason for removing a file; the removal is a void.
func (p *filesPanel) askRemove(a app.Attachment) {
	if p.win == nil {
		return
	}
	v := &voidDialog{reason: newFormEntry(true), msg: &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}}
	v.reason.SetMinRowsVisible(2)
	v.reason.SetPlaceHolder(lang.X("files.remove.hint", "Ví dụ: đính kèm nhầm vụ việc, ảnh trùng"))
	back := &widget.Button{Text: lang.X("form.void.back", "Quay lại"), Icon: theme.CancelIcon(),
		OnTapped: func() { v.d.Hide(); p.removing = nil }}
	v.confirm = &widget.Button{Text: lang.X("files.remove.confirm", "Gỡ tệp"), Icon: theme.DeleteIcon(), Importance: widget.DangerImportance,
		OnTapped: func() { p.confirmRemove(a) }}
	body := container.NewVBox(
		&widget.Label{Text: lang.X("files.remove.message", "Gỡ tệp {{.Name}} khỏi vụ việc? Tệp không còn trong danh sách; việc gỡ và lý do được ghi lại và đồng bộ.", map[string]any{"Name": a.Name}), Wrapping: fyne.TextWrapWord},
		widget.NewLabel(lang.X("files.remove.reason", "Lý do gỡ *")), v.reason, v.msg, layout.NewSpacer())
	v.d = dialog.NewCustomWithoutButtons(lang.X("files.remove.title", "Gỡ tệp chứng cứ"), body, p.win)
	v.d.SetButtons([]fyne.CanvasObject{back, v.confirm})
	v.d.Resize(fyne.NewSize(480, 300))
	v.d.Show()
	p.win.Canvas().Focus(v.reason)
	p.removing = v
}

func (p *filesPanel) confirmRemove(a app.Attachment) {
	v := p.removing
	if v == nil {
		return
	}
	reason := app.NFC(strings.TrimSpace(v.reason.Text))
	switch {
	case reason == "":
		v.msg.SetText(lang.X("files.remove.missing", "Cần ghi lý do gỡ tệp."))
		return
	case len([]rune(reason)) > maxVoidReason:
		v.msg.SetText(lang.X("form.void.reason_long", "Lý do hủy quá dài (tối đa 200 ký tự)."))
		return
	}
	v.d.Hide()
	p.removing = nil
	p.run(func() {
		err := p.svc.RemoveAttachment(p.ctx, a.ID, reason)
		fyne.Do(func() {
			if err != nil {
				logError("remove attachment", err)
				p.say(lang.X("files.remove_failed", "Không gỡ được {{.Name}}: {{.Reason}}", map[string]any{"Name": a.Name, "Reason": userMessage(err)}), true)
				return
			}
			p.say(lang.X("files.removed", "Đã gỡ {{.Name}}.", map[string]any{"Name": a.Name}), false)
			p.changed()
		})
	})
}

// FileCacheService is the limit of the laptop's store of evidence files
// (storage.DB): the files the provincial server holds (downloaded, or
// attached here and sent) are a cache within it, the least recently opened
// removed first; a file attached here and not yet sent is never removed.
type FileCacheService interface {
	FileCacheLimit(ctx context.Context) (int64, error)
	// SetFileCacheLimit keeps the new limit in bytes and removes at once
	// what it leaves over.
	SetFileCacheLimit(ctx context.Context, n int64) (app.FilesFreed, error)
}

// cacheLimits are the limits an officer chooses from.
var cacheLimits = []int64{256 << 20, 512 << 20, 1 << 30, 2 << 30, 5 << 30, 10 << 30}

// cachePanel is the "Tệp chứng cứ tải về" setting of the sync tab, beside
// the backup folder: how much room the files downloaded from the server
// may take on this laptop.
type cachePanel struct {
	ctx     context.Context
	svc     FileCacheService
	run     func(func())
	sel     *widget.Select
	msg     *widget.Label
	content *fyne.Container
	limits  []int64 // the options of sel, in order
	setting bool    // sel is being set from the store: no change to save
	// onFreed runs on the Fyne goroutine after files were removed (the
	// disk figures are read again).
	onFreed func()
}

func newCachePanel(ctx context.Context, svc FileCacheService, run func(func())) *cachePanel {
	p := &cachePanel{ctx: ctx, svc: svc, run: run}
	p.sel = widget.NewSelect(nil, p.changed)
	p.msg = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.msg.Hide()
	title := &widget.Label{Text: lang.X("files.cache.title", "Tệp chứng cứ tải về máy này"),
		TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	help := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("files.cache.help",
		"Tệp chứng cứ tải về từ máy chủ tỉnh (và tệp đã gửi lên máy chủ) được giữ trên máy đến giới hạn dưới đây; khi vượt quá, các tệp lâu chưa mở nhất được xóa khỏi máy này (vẫn còn trên máy chủ, mở lại sẽ tải về). Tệp đính kèm trên máy này mà chưa gửi lên máy chủ không bao giờ bị xóa.")}
	p.content = container.NewVBox(title, help,
		container.NewHBox(widget.NewLabel(lang.X("files.cache.limit", "Dung lượng tối đa:")), p.sel), p.msg)
	p.options(app.DefaultFileCacheLimit)
	p.refresh()
	return p
}

// options fills the choices, with cur among them, and selects cur.
func (p *cachePanel) options(cur int64) {
	p.limits = append([]int64(nil), cacheLimits...)
	found := false
	for _, n := range p.limits {
		found = found || n == cur
	}
	if !found {
		p.limits = append(p.limits, cur)
		sort.Slice(p.limits, func(i, j int) bool { return p.limits[i] < p.limits[j] })
	}
	names := make([]string, len(p.limits))
	sel := 0
	for i, n := range p.limits {
		names[i] = app.FormatBytes(n)
		if n == cur {
			sel = i
		}
	}
	p.setting = true
	p.sel.SetOptions(names)
	p.sel.SetSelectedIndex(sel)
	p.setting = false
}

// refresh reads the limit off the Fyne goroutine.
func (p *cachePanel) refresh() {
	p.run(func() {
		n, err := p.svc.FileCacheLimit(p.ctx)
		fyne.Do(func() {
			if err != nil {
				logError("file cache limit", err)
				return
			}
			p.options(n)
		})
	})
}

// changed keeps the limit chosen.
func (p *cachePanel) changed(string) {
	i := p.sel.SelectedIndex()
	if p.setting || i < 0 || i >= len(p.limits) {
		return
	}
	n := p.limits[i]
	p.run(func() {
		freed, err := p.svc.SetFileCacheLimit(p.ctx, n)
		fyne.Do(func() {
			p.msg.Show()
			switch {
			case err != nil:
				logError("set file cache limit", err)
				p.msg.Importance = widget.DangerImportance
				p.msg.SetText(lang.X("files.cache.failed", "Chưa đổi được giới hạn: {{.Reason}}", map[string]any{"Reason": userMessage(err)}))
				return
			case freed.Files > 0:
				p.msg.Importance = widget.SuccessImportance
				p.msg.SetText(lang.X("files.cache.freed", "Giới hạn mới: {{.Limit}}. Đã xóa khỏi máy này {{.N}} tệp tải về lâu chưa mở ({{.Size}}).",
					map[string]any{"Limit": app.FormatBytes(n), "N": freed.Files, "Size": app.FormatBytes(freed.Bytes)}))
			default:
				p.msg.Importance = widget.SuccessImportance
				p.msg.SetText(lang.X("files.cache.set", "Giới hạn mới: {{.Limit}}.", map[string]any{"Limit": app.FormatBytes(n)}))
			}
			if freed.Files > 0 && p.onFreed != nil {
				p.onFreed()
			}
		})
	})
}

// ViewFolder is where "Mở" writes the copy of an evidence file that the
// system's viewer opens, never the print folder: a folder of the session
// (a new one under Root at each start), emptied when the app exits
// (Close) and, for a session that was killed, at the next start
// (OpenViewFolder). Root is a folder of its own beside the store, apart
// from the file store and the backups: no backup carries these copies.
type ViewFolder struct {
	Root string

	mu  sync.Mutex
	dir string // this session's folder, made on first use
}

// ViewFolderName is the view folder's name in the data folder.
const ViewFolderName = "dang-xem"

// OpenViewFolder returns the view folder rooted at root, after removing
// what earlier sessions left there (a session killed, or a copy a viewer
// still held open when the app exited).
func OpenViewFolder(root string) (*ViewFolder, error) {
	v := &ViewFolder{Root: root}
	if err := v.clear(); err != nil {
		return v, err
	}
	return v, nil
}

// clear removes everything under Root; it reports the first failure (a
// file a viewer holds open on Windows) after trying them all.
func (v *ViewFolder) clear() error {
	entries, err := os.ReadDir(v.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return noPath(err)
	}
	var first error
	left := 0
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(v.Root, e.Name())); err != nil {
			left++
			if first == nil {
				first = err
			}
		}
	}
	if left > 0 { // counts only: the names are the officers' files
		slog.Warn("view folder: copies left (still open?)", "entries", left)
	}
	return noPath(first)
}

// Write writes data as a file called name into the session's folder and
// returns its path; a name already taken (a copy still open) gets a new
// one ("name-123.jpg").
func (v *ViewFolder) Write(name string, data []byte) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.dir == "" {
		if err := os.MkdirAll(v.Root, 0o700); err != nil {
			return "", app.WrapError(app.EINTERNAL, "Không tạo được thư mục tạm để mở tệp.", noPath(err))
		}
		d, err := os.MkdirTemp(v.Root, "phien-")
		if err != nil {
			return "", app.WrapError(app.EINTERNAL, "Không tạo được thư mục tạm để mở tệp.", noPath(err))
		}
		v.dir = d
	}
	f, err := os.OpenFile(filepath.Join(v.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		ext := filepath.Ext(name)
		f, err = os.CreateTemp(v.dir, name[:len(name)-len(ext)]+"-*"+ext)
		if err != nil {
			return "", app.WrapError(app.EINTERNAL, "Không ghi được bản sao tạm để mở tệp.", noPath(err))
		}
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", app.WrapError(app.EINTERNAL, "Không ghi được bản sao tạm để mở tệp (ổ đĩa đầy?).", noPath(err))
	}
	return f.Name(), nil
}

// noPath is err without the path a file error carries (the log must not
// hold a file's name, nor a folder holding the user's name).
func noPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Close empties the view folder when the app exits; what a viewer still
// holds open goes at the next start.
func (v *ViewFolder) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.dir = ""
	return v.clear()
}
