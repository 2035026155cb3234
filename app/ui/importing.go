package ui

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// ImportService reads Excel workbooks an office already keeps and imports
// them: a participants roster onto a training session's register, an old
// complaint register into cases. Each call gets the file's bytes again, so
// the service keeps no state between the dialog's steps.
type ImportService interface {
	// ProposeImport reads the worksheet sheet ("" for the first with
	// data) and proposes a mapping whose header is in headerRow (0:
	// detect it). A file that is not a readable .xlsx gives an *app.Error
	// in Vietnamese.
	ProposeImport(ctx context.Context, kind app.ImportKind, data []byte, sheet string, headerRow int) (app.ImportPreview, error)
	// CheckImport parses the rows with q's mapping and tells, without
	// writing, what importing each would do, with the row errors.
	CheckImport(ctx context.Context, q app.ImportRequest) (app.ImportCheck, error)
	// ApplyImport imports the valid rows (through the outbox); importing
	// the same file again adds nothing.
	ApplyImport(ctx context.Context, q app.ImportRequest) (app.ImportOutcome, error)
	// WriteImportErrors writes the rows errs name as an .xlsx with a
	// "Lỗi" column and returns how many rows it wrote.
	WriteImportErrors(ctx context.Context, q app.ImportRequest, errs []app.ImportRowError, w io.Writer) (int, error)
}

// maxListedErrors is how many row errors the dialog lists; the workbook of
// the error rows has them all.
const maxListedErrors = 200

// importer opens a workbook and its import dialog, for the session screen
// (roster) and the case list (register).
type importer struct {
	formDeps
	svc ImportService
	// openFile asks for an .xlsx file and calls done on the Fyne goroutine
	// with its name and bytes; tests replace the file dialog.
	openFile func(done func(name string, data []byte, err error))
	// saveTo asks where to save name and calls write with the file, as on
	// the Báo cáo screen; tests replace the file dialog.
	saveTo func(name string, write func(io.Writer) error, done func(path string, err error))
	view   *importView // the dialog open last, or nil
}

func newImporter(d formDeps, svc ImportService) *importer {
	im := &importer{formDeps: d, svc: svc}
	im.openFile = im.fileOpenDialog
	im.saveTo = (&reportsScreen{formDeps: d}).fileDialog
	return im
}

// start asks for a file and opens the import dialog on it; onImported is
// called on the Fyne goroutine after rows were imported.
func (im *importer) start(kind app.ImportKind, sessionID string, onImported func()) {
	im.openFile(func(name string, data []byte, err error) {
		if err != nil {
			showError(im.win, "open import file", err)
			return
		}
		v := newImportView(im, kind, sessionID, name, data)
		v.onImported = onImported
		im.view = v
		v.show()
		v.propose("", 0)
	})
}

// fileOpenDialog asks for an .xlsx file and reads it off the Fyne goroutine.
func (im *importer) fileOpenDialog(done func(name string, data []byte, err error)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			done("", nil, err)
			return
		}
		if rc == nil { // cancelled
			return
		}
		im.run(func() {
			data, err := io.ReadAll(io.LimitReader(rc, 64<<20+1))
			rc.Close()
			if err != nil {
				err = app.WrapError(app.EINVALID, lang.X("import.read_failed", "Không đọc được tệp."), err)
			}
			name := rc.URI().Name()
			fyne.Do(func() { done(name, data, err) })
		})
	}, im.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// importView is the import dialog: the worksheet and header row, the
// column of each field (the mapping step), the rows as they would be
// imported, the row errors, and the buttons to import the valid rows and
// to save the invalid ones as a workbook.
type importView struct {
	*importer
	kind    app.ImportKind
	session string
	name    string // the file's name
	data    []byte

	preview app.ImportPreview
	mapping app.ImportMapping
	check   app.ImportCheck
	errs    []app.ImportRowError // the rows not imported: checked, or refused by the store
	gen     int                  // the latest check; older answers are dropped
	quiet   bool                 // set while the selects are filled
	busy    bool

	file       *widget.Label
	sheet      *widget.Select
	sheetRow   fyne.CanvasObject
	header     *widget.Select
	fieldBox   *fyne.Container
	columns    map[string]*widget.Select // by field
	defaults   map[string]*widget.Select // by field, for fields with a default
	colOptions []string                  // "(Không có)", then one per column
	table      *widget.Table
	errList    *widget.Label
	summary    *widget.Label
	msg        *widget.Label
	files      *fileActions // "Mở tệp", "Mở thư mục" for the error rows saved
	apply      *widget.Button
	saveErrs   *widget.Button
	closeBtn   *widget.Button
	progress   *busyBar

	onImported func()
	dlg        dialog.Dialog
	content    fyne.CanvasObject
}

func newImportView(im *importer, kind app.ImportKind, session, name string, data []byte) *importView {
	v := &importView{importer: im, kind: kind, session: session, name: name, data: data,
		columns: map[string]*widget.Select{}, defaults: map[string]*widget.Select{}}
	v.file = &widget.Label{Text: lang.X("import.file", "Tệp: {{.Name}}", map[string]any{"Name": filepath.Base(name)}),
		Truncation: fyne.TextTruncateEllipsis}
	v.sheet = widget.NewSelect(nil, func(s string) {
		if !v.quiet {
			v.propose(s, 0)
		}
	})
	v.sheetRow = labelled(lang.X("import.sheet", "Trang tính"), v.sheet)
	v.sheetRow.Hide()
	v.header = widget.NewSelect(nil, func(string) {
		if !v.quiet {
			v.propose(v.preview.Sheet, v.header.SelectedIndex()+1)
		}
	})
	v.fieldBox = container.NewVBox()
	v.table = widget.NewTable(v.tableSize,
		func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Text = v.cellText(id.Row, id.Col)
			l.TextStyle = fyne.TextStyle{Bold: id.Row == 0}
			l.Importance = widget.MediumImportance
			if id.Row > 0 && id.Row-1 < len(v.check.Rows) {
				switch v.check.Rows[id.Row-1].Status {
				case app.ImportInvalid:
					l.Importance = widget.DangerImportance
				case app.ImportDuplicate:
					l.Importance = widget.WarningImportance
				case app.ImportDone:
					l.Importance = widget.LowImportance
				}
			}
			l.Refresh()
		})
	v.errList = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	v.summary = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	v.msg = &widget.Label{Wrapping: fyne.TextWrapWord}
	v.files = newFileActions(im.opener, v.showMsg)
	v.apply = &widget.Button{Text: lang.X("import.apply", "Nhập {{.N}} dòng hợp lệ", map[string]any{"N": "0"}),
		Icon: theme.DownloadIcon(), Importance: widget.HighImportance, OnTapped: v.onApply}
	v.apply.Disable()
	v.saveErrs = &widget.Button{Text: lang.X("import.save_errors", "Lưu các dòng lỗi…"), Icon: theme.DocumentSaveIcon(),
		OnTapped: v.onSaveErrors}
	v.saveErrs.Disable()
	v.closeBtn = &widget.Button{Text: lang.X("import.close", "Đóng"), Icon: theme.CancelIcon(), OnTapped: v.close}
	v.progress = newBusyBar()

	left := container.NewVBox(
		v.file,
		v.sheetRow,
		labelled(lang.X("import.header", "Dòng tiêu đề"), v.header),
		&widget.Label{Text: lang.X("import.mapping", "Cột trong tệp ứng với từng thông tin (* bắt buộc):"), TextStyle: fyne.TextStyle{Bold: true}},
		v.fieldBox,
	)
	errBox := container.NewBorder(
		&widget.Label{Text: lang.X("import.errors", "Các dòng lỗi (không được nhập)"), TextStyle: fyne.TextStyle{Bold: true}},
		nil, nil, nil, container.NewVScroll(v.errList))
	right := container.NewVSplit(container.NewBorder(v.summary, nil, nil, nil, v.table), errBox)
	right.Offset = 0.62
	split := container.NewHSplit(container.NewVScroll(left), right)
	split.Offset = 0.36
	buttons := container.NewHBox(v.apply, v.saveErrs, v.files.box, layout.NewSpacer(), v.closeBtn)
	v.files.parent = buttons
	v.content = container.NewBorder(nil, container.NewVBox(v.progress.box, v.msg, buttons), nil, nil, split)
	return v
}

// labelled puts a label before in.
func labelled(label string, in fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewLabel(label), nil, in)
}

func layoutSpacer() fyne.CanvasObject { return container.NewStack() }

// show opens the dialog.
func (v *importView) show() {
	title := lang.X("import.title.register", "Nhập sổ theo dõi vụ việc từ Excel")
	if v.kind == app.ImportRoster {
		title = lang.X("import.title.roster", "Nhập danh sách người tham dự từ Excel")
	}
	v.dlg = dialog.NewCustomWithoutButtons(title, v.content, v.win)
	size := fyne.NewSize(1100, 700)
	if c := v.win.Canvas(); c != nil && !c.Size().IsZero() {
		size = fyne.NewSize(min(size.Width, c.Size().Width-40), min(size.Height, c.Size().Height-40))
	}
	v.dlg.Resize(size)
	v.dlg.Show()
}

func (v *importView) close() {
	v.gen++ // drop answers in flight
	if v.dlg != nil {
		v.dlg.Hide()
	}
	if v.importer.view == v {
		v.importer.view = nil
	}
}

// request is what the service is asked about.
func (v *importView) request() app.ImportRequest {
	m := v.mapping
	m.Columns = make(map[string]int, len(v.mapping.Columns))
	for f, c := range v.mapping.Columns {
		m.Columns[f] = c
	}
	m.Defaults = make(map[string]string, len(v.mapping.Defaults))
	for f, d := range v.mapping.Defaults {
		m.Defaults[f] = d
	}
	return app.ImportRequest{Kind: v.kind, Data: v.data, Sheet: v.preview.Sheet, Mapping: m, SessionID: v.session}
}

// propose reads the sheet with its header in headerRow (0: detect it) off
// the Fyne goroutine, then checks the rows.
func (v *importView) propose(sheet string, headerRow int) {
	v.gen++
	gen := v.gen
	v.setBusy(true, lang.X("import.reading", "Đang đọc tệp…"))
	kind, data := v.kind, v.data
	v.run(func() {
		p, err := v.svc.ProposeImport(v.ctx, kind, data, sheet, headerRow)
		var c app.ImportCheck
		var cerr error
		if err == nil {
			q := app.ImportRequest{Kind: kind, Data: data, Sheet: p.Sheet, Mapping: p.Mapping, SessionID: v.session}
			c, cerr = v.svc.CheckImport(v.ctx, q)
		}
		fyne.Do(func() {
			if gen != v.gen {
				return
			}
			v.setBusy(false, "")
			if err != nil {
				logError("propose import", err)
				v.showMsg(userMessage(err), true)
				return
			}
			first := v.preview.Sheet == ""
			v.showPreview(p)
			v.showCheck(c, cerr)
			if first && v.win != nil { // ready for the keyboard: Tab walks the mapping to the buttons
				v.win.Canvas().Focus(v.header)
			}
		})
	})
}

// recheck checks the rows again with the mapping as it stands.
func (v *importView) recheck() {
	v.gen++
	gen := v.gen
	q := v.request()
	v.setBusy(true, lang.X("import.checking", "Đang kiểm tra các dòng…"))
	v.run(func() {
		c, err := v.svc.CheckImport(v.ctx, q)
		fyne.Do(func() {
			if gen != v.gen {
				return
			}
			v.setBusy(false, "")
			v.showCheck(c, err)
		})
	})
}

// showPreview fills the sheet, header and mapping controls.
func (v *importView) showPreview(p app.ImportPreview) {
	v.quiet = true
	defer func() { v.quiet = false }()
	v.preview, v.mapping = p, p.Mapping
	if v.mapping.Columns == nil {
		v.mapping.Columns = map[string]int{}
	}
	if v.mapping.Defaults == nil {
		v.mapping.Defaults = map[string]string{}
	}
	v.sheet.Options = p.Sheets
	v.sheet.SetSelected(p.Sheet)
	if len(p.Sheets) > 1 {
		v.sheetRow.Show()
	} else {
		v.sheetRow.Hide()
	}
	var rows []string
	for i, r := range p.Top {
		var cells []string
		for _, c := range r {
			if c = strings.Join(strings.Fields(c), " "); c != "" {
				cells = append(cells, c)
			}
		}
		text := strings.Join(cells, " | ")
		if r := []rune(text); len(r) > 70 {
			text = string(r[:70]) + "…"
		}
		rows = append(rows, lang.X("import.header.row", "Dòng {{.N}}: {{.Text}}", map[string]any{"N": i + 1, "Text": text}))
	}
	v.header.Options = rows
	if p.Mapping.HeaderRow >= 1 && p.Mapping.HeaderRow <= len(rows) {
		v.header.SetSelectedIndex(p.Mapping.HeaderRow - 1)
	} else {
		v.header.ClearSelected()
		v.header.PlaceHolder = lang.X("import.header.none", "(Không tìm thấy dòng tiêu đề: hãy chọn)")
	}
	v.header.Refresh()

	v.colOptions = []string{lang.X("import.column.none", "(Không có)")}
	for c := 0; c < p.Width; c++ {
		opt := columnName(c)
		if c < len(p.Headers) && p.Headers[c] != "" {
			h := p.Headers[c]
			if r := []rune(h); len(r) > 40 {
				h = string(r[:40]) + "…"
			}
			opt += " – " + h
		}
		v.colOptions = append(v.colOptions, opt)
	}
	v.columns, v.defaults = map[string]*widget.Select{}, map[string]*widget.Select{}
	var objs []fyne.CanvasObject
	for _, f := range p.Fields {
		f := f
		label := f.Label
		if f.Required {
			label += " *"
		}
		sel := widget.NewSelect(v.colOptions, func(string) {
			if !v.quiet {
				v.setColumn(f.Field, v.columns[f.Field].SelectedIndex()-1)
			}
		})
		v.columns[f.Field] = sel
		row := []fyne.CanvasObject{container.NewGridWithColumns(2, &widget.Label{Text: label, Truncation: fyne.TextTruncateEllipsis}, sel)}
		if len(f.Options) > 0 {
			opts := []string{lang.X("import.default.none", "Mặc định: (không)")}
			for _, o := range f.Options {
				opts = append(opts, lang.X("import.default", "Mặc định: {{.Value}}", map[string]any{"Value": codeLabel(o)}))
			}
			d := widget.NewSelect(opts, nil)
			d.OnChanged = func(string) {
				if v.quiet {
					return
				}
				code := ""
				if i := d.SelectedIndex() - 1; i >= 0 && i < len(f.Options) {
					code = f.Options[i].Code
				}
				if code == "" {
					delete(v.mapping.Defaults, f.Field)
				} else {
					v.mapping.Defaults[f.Field] = code
				}
				v.recheck()
			}
			d.SetSelectedIndex(0)
			for i, o := range f.Options {
				if o.Code == v.mapping.Defaults[f.Field] {
					d.SetSelectedIndex(i + 1)
				}
			}
			v.defaults[f.Field] = d
			row = append(row, container.NewGridWithColumns(2, layoutSpacer(), d))
		}
		objs = append(objs, row...)
	}
	v.fieldBox.Objects = objs
	v.fieldBox.Refresh()
	v.fillColumns()
}

// fillColumns shows the mapping in the column selects.
func (v *importView) fillColumns() {
	quiet := v.quiet
	v.quiet = true
	defer func() { v.quiet = quiet }()
	for f, sel := range v.columns {
		c, ok := v.mapping.Columns[f]
		if !ok || c+1 >= len(v.colOptions) {
			sel.SetSelectedIndex(0)
			continue
		}
		sel.SetSelectedIndex(c + 1)
	}
}

// setColumn puts field f in column col (from 0; < 0: none), taking the
// column away from any other field, and checks the rows again.
func (v *importView) setColumn(f string, col int) {
	delete(v.mapping.Columns, f)
	if col >= 0 {
		for g, c := range v.mapping.Columns {
			if c == col {
				delete(v.mapping.Columns, g)
			}
		}
		v.mapping.Columns[f] = col
	}
	v.fillColumns()
	v.recheck()
}

// showCheck shows what the import would do.
func (v *importView) showCheck(c app.ImportCheck, err error) {
	if err != nil {
		logError("check import", err)
		v.check = app.ImportCheck{}
		v.errs = nil
		v.showMsg(userMessage(err), true)
		v.refreshResult()
		return
	}
	v.check, v.errs = c, c.Errors
	v.msg.SetText("")
	if len(c.Missing) > 0 {
		v.showMsg(lang.X("import.missing", "Chưa chọn cột cho: {{.Fields}}. Hãy chọn cột tương ứng (hoặc giá trị mặc định).",
			map[string]any{"Fields": strings.Join(c.Missing, ", ")}), true)
	}
	v.refreshResult()
}

// refreshResult redraws the table, the errors and the buttons.
func (v *importView) refreshResult() {
	c := v.check
	counts := map[app.ImportRowStatus]int{}
	for _, r := range c.Rows {
		counts[r.Status]++
	}
	v.summary.SetText(lang.X("import.summary", "{{.Valid}} dòng hợp lệ ({{.New}} mới, {{.Done}} đã nhập trước đó), {{.Invalid}} dòng lỗi.",
		map[string]any{"Valid": FormatInt(int64(c.Valid)), "New": FormatInt(int64(counts[app.ImportNew] + counts[app.ImportExisting] + counts[app.ImportDuplicate])),
			"Done": FormatInt(int64(counts[app.ImportDone])), "Invalid": FormatInt(int64(c.Invalid))}))
	var lines []string
	for i, e := range v.errs {
		if i == maxListedErrors {
			lines = append(lines, lang.X("import.errors.more", "… và {{.N}} lỗi khác (có trong tệp các dòng lỗi).",
				map[string]any{"N": FormatInt(int64(len(v.errs) - i))}))
			break
		}
		lines = append(lines, rowErrorText(e))
	}
	v.errList.Importance = widget.DangerImportance
	if len(lines) == 0 {
		lines = append(lines, lang.X("import.errors.none", "Không có dòng lỗi."))
		v.errList.Importance = widget.MediumImportance
	}
	v.errList.SetText(strings.Join(lines, "\n"))
	v.apply.SetText(lang.X("import.apply", "Nhập {{.N}} dòng hợp lệ", map[string]any{"N": FormatInt(int64(c.Valid))}))
	if c.Valid > 0 && len(c.Missing) == 0 && !v.busy {
		v.apply.Enable()
	} else {
		v.apply.Disable()
	}
	if len(v.errs) > 0 && !v.busy {
		v.saveErrs.Enable()
	} else {
		v.saveErrs.Disable()
	}
	for col := 0; col < len(c.Columns)+2; col++ {
		w := float32(160)
		switch col {
		case 0:
			w = 60
		case 1:
			w = 150
		}
		v.table.SetColumnWidth(col, w)
	}
	v.table.Refresh()
}

// rowErrorText is "Dòng 7, cột Điện thoại: …".
func rowErrorText(e app.ImportRowError) string {
	if e.Column == "" {
		return lang.X("import.error.row", "Dòng {{.Row}}: {{.Reason}}", map[string]any{"Row": e.Row, "Reason": e.Reason})
	}
	return lang.X("import.error.cell", "Dòng {{.Row}}, cột {{.Column}}: {{.Reason}}",
		map[string]any{"Row": e.Row, "Column": e.Column, "Reason": e.Reason})
}

// tableSize is the preview table's size: a header line, then the rows;
// the row number, the status, then the mapped fields.
func (v *importView) tableSize() (int, int) {
	return len(v.check.Rows) + 1, len(v.check.Columns) + 2
}

// cellText is the text of the preview table at (row, col); row 0 is the
// header line.
func (v *importView) cellText(row, col int) string {
	if row == 0 {
		switch col {
		case 0:
			return lang.X("import.col.row", "Dòng")
		case 1:
			return lang.X("import.col.status", "Tình trạng")
		}
		if col-2 < len(v.check.Columns) {
			return v.check.Columns[col-2]
		}
		return ""
	}
	if row-1 >= len(v.check.Rows) {
		return ""
	}
	r := v.check.Rows[row-1]
	switch col {
	case 0:
		return strconv.Itoa(r.Row)
	case 1:
		return v.statusText(r.Status)
	}
	if col-2 < len(r.Values) {
		return r.Values[col-2]
	}
	return ""
}

func (v *importView) statusText(s app.ImportRowStatus) string {
	switch s {
	case app.ImportNew:
		if v.kind == app.ImportRoster {
			return lang.X("import.status.new_person", "Người mới")
		}
		return lang.X("import.status.new", "Mới")
	case app.ImportExisting:
		return lang.X("import.status.existing", "Đã có trong danh bạ")
	case app.ImportDone:
		if v.kind == app.ImportRoster {
			return lang.X("import.status.present", "Đã điểm danh")
		}
		return lang.X("import.status.done", "Đã nhập trước đó")
	case app.ImportDuplicate:
		return lang.X("import.status.duplicate", "Có thể trùng")
	case app.ImportInvalid:
		return lang.X("import.status.invalid", "Lỗi")
	}
	return string(s)
}

// onApply imports the valid rows off the Fyne goroutine.
func (v *importView) onApply() {
	if v.busy || v.check.Valid == 0 {
		return
	}
	v.gen++
	gen := v.gen
	q := v.request()
	v.setBusy(true, lang.X("import.applying", "Đang nhập dữ liệu…"))
	v.run(func() {
		o, err := v.svc.ApplyImport(v.ctx, q)
		var c app.ImportCheck
		var cerr error
		if err == nil {
			c, cerr = v.svc.CheckImport(v.ctx, q)
		}
		fyne.Do(func() {
			v.setBusy(false, "")
			if o.Added+o.Marked > 0 && v.onImported != nil {
				v.onImported()
			}
			if gen != v.gen {
				return
			}
			if err != nil {
				logError("apply import", err)
				v.showMsg(lang.X("import.failed", "Chưa nhập được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), true)
				return
			}
			v.showCheck(c, cerr)
			v.errs = o.Errors // with the rows the store refused
			v.refreshResult()
			v.showMsg(v.outcomeText(o), false)
		})
	})
}

// outcomeText is "Đã nhập …; bỏ qua …".
func (v *importView) outcomeText(o app.ImportOutcome) string {
	if v.kind == app.ImportRoster {
		return lang.X("import.done.roster", "Đã nhập {{.N}} người vào danh sách tham dự ({{.Added}} người mới, {{.Matched}} người đã có trong danh bạ); bỏ qua {{.Skipped}} dòng đã điểm danh từ trước và {{.Invalid}} dòng lỗi.",
			map[string]any{"N": FormatInt(int64(o.Marked)), "Added": FormatInt(int64(o.Added)), "Matched": FormatInt(int64(o.Matched)),
				"Skipped": FormatInt(int64(o.Skipped)), "Invalid": FormatInt(int64(o.Invalid))})
	}
	return lang.X("import.done.register", "Đã nhập {{.N}} vụ việc; bỏ qua {{.Skipped}} dòng đã nhập trước đó và {{.Invalid}} dòng lỗi.",
		map[string]any{"N": FormatInt(int64(o.Added)), "Skipped": FormatInt(int64(o.Skipped)), "Invalid": FormatInt(int64(o.Invalid))})
}

// onSaveErrors asks where to save the error rows and writes them.
func (v *importView) onSaveErrors() {
	if v.busy || len(v.errs) == 0 {
		return
	}
	q, errs := v.request(), append([]app.ImportRowError(nil), v.errs...)
	base := strings.TrimSuffix(filepath.Base(v.name), filepath.Ext(v.name))
	if base == "" || base == "." {
		base = "nhap"
	}
	var n int
	v.saveTo(base+"-dong-loi.xlsx", func(w io.Writer) error {
		// Off the Fyne goroutine.
		rows, err := v.svc.WriteImportErrors(v.ctx, q, errs, w)
		fyne.Do(func() { n = rows })
		return err
	}, func(path string, err error) {
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			logError("save import errors", err)
			v.showMsg(lang.X("import.save_errors.failed", "Chưa lưu được các dòng lỗi: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), true)
		case err == nil && path != "":
			v.showMsg(lang.X("import.save_errors.done", "Đã lưu {{.N}} dòng lỗi vào {{.File}}. Sửa các dòng đó rồi nhập lại tệp này.",
				map[string]any{"N": FormatInt(int64(n)), "File": path}), false)
			v.files.set(path)
		}
	})
}

func (v *importView) setBusy(on bool, text string) {
	v.busy = on
	if on {
		v.files.set("")
		v.progress.Start()
		v.apply.Disable()
		v.saveErrs.Disable()
		v.showMsg(text, false)
		return
	}
	v.progress.Stop()
	v.msg.SetText("")
}

func (v *importView) showMsg(text string, bad bool) {
	v.msg.Importance = widget.MediumImportance
	if bad {
		v.msg.Importance = widget.DangerImportance
	}
	v.msg.SetText(text)
}

// columnName is the letters of column col (from 0): 0 → "A", 26 → "AA".
func columnName(col int) string {
	name := ""
	for col++; col > 0; col = (col - 1) / 26 {
		name = string(rune('A'+(col-1)%26)) + name
	}
	return name
}
