package ui

import (
	"context"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// Columns of the case table.
const (
	colNumber = iota
	colReceived
	colConsumer
	colBusiness
	colSector
	colStatus
	colDue
	numCols
)

// colShare is each column's share of the table width; colMin its minimum
// width (the status column's is widened to show "Mới từ cổng trực tuyến"
// whole, the business and sector columns' narrowed for it, so that the
// columns still fit a 1024-px screen).
var (
	colShare = [numCols]float32{0.17, 0.10, 0.16, 0.16, 0.14, 0.13, 0.14}
	colMin   = [numCols]float32{150, 100, 110, 100, 90, 110, 120}
)

// casesScreen is the list of cases: search, sort, count, table.
type casesScreen struct {
	ctx   context.Context
	svc   CaseService
	refs  *app.RefData
	win   fyne.Window
	run   func(func())
	delay time.Duration // search debounce

	search *widget.Entry
	sort   *widget.Select
	add    *widget.Button
	imp    *widget.Button // "Nhập sổ từ Excel…", shown with an importer
	count  *widget.Label
	legend *widget.Label // explains ★, shown when a listed case has it
	errMsg *widget.Label // a failed load, in red
	empty  *widget.Label // shown over the empty table
	table  *caseTable

	// Filters; each choice shows how many cases it would list.
	fStatus, fSector, fKind *filterSelect
	fOverdue, fVulnerable   *widget.Check
	fOnline                 *widget.Check // "Mới từ cổng trực tuyến"
	fDue                    *widget.Check
	fDueDays                *widget.Entry
	fFrom, fTo              *widget.Entry
	fClear                  *widget.Button
	fMsg                    *widget.Label // a bad filter value, in red
	now                     func() time.Time

	// The list is read a page at a time (casepages.go).
	src     pageSource // pages(): the pages of srcFor
	srcFor  CaseService
	rows    []app.CaseRow         // the rows read from the first on, without a gap
	far     map[int][]app.CaseRow // pages read beyond those, by number
	pending map[int]bool          // pages being read
	total   int                   // the rows the list shows: the query's, filtered
	allN    int                   // the query's rows, not filtered
	counts  app.FilterCounts      // beside each choice of the filter bar
	lastRow int                   // the row last drawn: a reload keeps its page
	drawing bool                  // the table is drawing a cell
	flagged map[string]bool       // ids of cases with an open conflict
	shown   app.CaseQuery         // the query whose answer is shown
	filt    app.CaseFilter        // the filter whose answer is shown
	gen     int                   // generation of the latest query; older answers are dropped

	// afterFunc is time.AfterFunc returning the timer's Stop; tests
	// replace it to fire the search timer themselves.
	afterFunc func(d time.Duration, f func()) (stop func() bool)
	stopTimer func() bool // stops the pending search, if any

	onAdd  func()
	onOpen func(id string)
	// hideRestricted, if set, reports whether the list leaves out the
	// cases of people who asked to restrict their processing.
	hideRestricted func() bool

	imports    *importer // nil hides the import button
	onImported func()    // after a register was imported

	content fyne.CanvasObject
}

// sortOptions are the list orders, in the order of the Select.
var sortOptions = []string{app.SortNewest, app.SortDue, app.SortName}

func newCasesScreen(ctx context.Context, svc CaseService, refs *app.RefData, w fyne.Window, run func(func()), delay time.Duration,
	now func() time.Time) *casesScreen {
	s := &casesScreen{ctx: ctx, svc: svc, refs: refs, win: w, run: run, delay: delay,
		far: map[int][]app.CaseRow{}, pending: map[int]bool{},
		afterFunc: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }}

	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.X("cases.search.placeholder", "Tìm theo tên, số điện thoại, doanh nghiệp, số vụ việc…"))
	s.search.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { s.search.SetText("") })
	s.search.OnChanged = s.onSearchChanged
	s.search.OnSubmitted = func(string) {
		if s.stopTimer != nil {
			s.stopTimer()
		}
		s.reload()
	}

	s.sort = widget.NewSelect([]string{
		lang.X("cases.sort.newest", "Mới nhất"),
		lang.X("cases.sort.due", "Hạn xử lý gần nhất"),
		lang.X("cases.sort.name", "Theo tên người tiêu dùng"),
	}, nil)
	s.sort.SetSelectedIndex(0)
	s.sort.OnChanged = func(string) { s.reload() }

	s.add = &widget.Button{
		Text:       lang.X("cases.add", "Thêm vụ việc"),
		Icon:       theme.ContentAddIcon(),
		Importance: widget.HighImportance,
		OnTapped:   func() { s.onAdd() },
	}

	s.imp = &widget.Button{Text: lang.X("cases.import", "Nhập sổ từ Excel…"), Icon: theme.UploadIcon(),
		OnTapped: func() {
			if s.imports != nil {
				s.imports.start(app.ImportRegister, "", s.onImported)
			}
		}}
	s.imp.Hide()

	s.count = widget.NewLabel("")
	s.legend = &widget.Label{Text: lang.X("cases.legend", "★ ưu tiên: người tiêu dùng dễ bị tổn thương (Điều 8)"),
		Importance: widget.WarningImportance}
	s.legend.Hide()
	s.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	s.errMsg.Hide()
	s.empty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	s.empty.Hide()
	s.shown.Sort = app.SortNewest

	s.table = newCaseTable(s)

	s.now = now
	filters := s.buildFilters()

	sortBox := container.NewHBox(widget.NewLabel(lang.X("cases.sort.label", "Sắp xếp:")), s.sort)
	toolbar := container.NewBorder(nil, nil, nil, container.NewHBox(sortBox, s.imp, s.add), s.search)
	top := container.NewVBox(toolbar, filters, s.errMsg, container.NewHBox(s.count, s.legend))
	s.content = container.NewBorder(top, nil, nil, nil,
		container.NewStack(s.table, container.NewVBox(s.empty))) // one of the two is shown
	return s
}

// setImporter shows the "Nhập sổ từ Excel…" button; onImported follows an
// import (it should reload the list).
func (s *casesScreen) setImporter(im *importer, onImported func()) {
	s.imports, s.onImported = im, onImported
	s.imp.Show()
}

// onSearchChanged reloads the list once typing pauses.
func (s *casesScreen) onSearchChanged(string) {
	if s.delay <= 0 {
		s.reload()
		return
	}
	if s.stopTimer != nil {
		s.stopTimer()
	}
	s.stopTimer = s.afterFunc(s.delay, func() { fyne.Do(s.reload) })
}

// query reads the search and sort controls. Call it on the Fyne goroutine.
func (s *casesScreen) query() app.CaseQuery {
	q := app.CaseQuery{Text: s.search.Text, Sort: app.SortNewest}
	q.HideRestricted = s.hideRestricted != nil && s.hideRestricted()
	if i := s.sort.SelectedIndex(); i >= 0 && i < len(sortOptions) {
		q.Sort = sortOptions[i]
	}
	return q
}

// reload queries the store off the Fyne goroutine and shows the result;
// the same query keeps its place.
func (s *casesScreen) reload() { s.request(true) }

// request reads the first page of the query and the filters off the Fyne
// goroutine and shows it: fresh for a reload (the store changed or the
// query did), not for a filter changed.
func (s *casesScreen) request(fresh bool) {
	q := s.query()
	f, ok := s.readFilter()
	if !ok {
		return
	}
	s.gen++
	gen, keep, src := s.gen, s.keepPage(q), s.pages()
	s.run(func() {
		ld, err := s.load(s.ctx, src, q, f, fresh, keep)
		fyne.Do(func() { s.apply(gen, q, f, ld, err) })
	})
}

// refresh loads and shows the list on the calling goroutine: for tests.
func (s *casesScreen) refresh(ctx context.Context) {
	q := s.query()
	f, _ := s.readFilter()
	s.gen++
	ld, err := s.load(ctx, s.pages(), q, f, true, s.keepPage(q))
	s.apply(s.gen, q, f, ld, err)
}

// keepPage is the page a reload of q reads again with the first: the one
// last drawn, if q is the query shown.
func (s *casesScreen) keepPage(q app.CaseQuery) int {
	if q != s.shown {
		return 0
	}
	return s.lastRow / casesPageSize
}

// apply shows the answer of query number gen, unless a newer one was sent.
func (s *casesScreen) apply(gen int, q app.CaseQuery, f app.CaseFilter, ld loaded, err error) {
	if gen != s.gen {
		return
	}
	if err != nil {
		s.showLoadError(err)
		return
	}
	s.errMsg.Hide()
	moved := q != s.shown
	s.shown, s.filt = q, f
	s.setPages(ld)
	s.showCounts(f)
	s.showRows(f != (app.CaseFilter{}))
	if moved { // a new search or order starts at the top; a reload keeps the place
		s.table.ScrollToTop()
	}
}

// showLoadError says in red that the list could not be read.
func (s *casesScreen) showLoadError(err error) {
	logError("list cases", err)
	s.errMsg.SetText(lang.X("cases.load_failed", "Không tải được danh sách vụ việc: {{.Reason}}",
		map[string]any{"Reason": userMessage(err)}))
	s.errMsg.Show()
}

// showRows shows the count, the legend and the empty message of the list
// read, and draws the table.
func (s *casesScreen) showRows(filtered bool) {
	text := lang.X("cases.count", "{{.N}} vụ việc", map[string]any{"N": FormatInt(int64(s.total))})
	if filtered {
		text = lang.X("cases.count_filtered", "{{.N}} / {{.Total}} vụ việc (đang lọc)",
			map[string]any{"N": FormatInt(int64(s.total)), "Total": FormatInt(int64(s.allN))})
	}
	s.count.SetText(text)
	// The legend explains ★: shown when a listed case is a vulnerable
	// consumer's (all of them, with that filter on).
	if s.filt.Vulnerable && s.total > 0 || !s.filt.Vulnerable && s.counts.Vulnerable > 0 {
		s.legend.Show()
	} else {
		s.legend.Hide()
	}
	q := s.shown
	if s.total == 0 {
		if filtered && s.allN > 0 {
			s.empty.SetText(lang.X("cases.empty_filter", "Không có vụ việc nào phù hợp với bộ lọc. Bấm “Bỏ lọc” để xem tất cả."))
		} else if app.NFC(q.Text) != "" {
			s.empty.SetText(lang.X("cases.empty_search", "Không tìm thấy vụ việc nào phù hợp với “{{.Q}}”.",
				map[string]any{"Q": app.NFC(q.Text)}))
		} else {
			s.empty.SetText(lang.X("cases.empty", "Chưa có vụ việc nào. Bấm “Thêm vụ việc” để ghi vụ việc đầu tiên."))
		}
		s.table.Hide()
		s.empty.Show()
	} else {
		s.empty.Hide()
		s.table.Show()
	}
	s.table.Refresh()
}

// flagMark goes before the number of a case with an open conflict;
// priorityMark before that of a vulnerable consumer's case.
const (
	flagMark     = "⚠ "
	priorityMark = "★ "
)

// setFlagged marks the cases with these ids as having something to review.
func (s *casesScreen) setFlagged(ids map[string]bool) {
	if len(ids) == 0 && len(s.flagged) == 0 {
		return
	}
	s.flagged = ids
	s.table.Refresh()
}

// header returns the title of a column.
func header(col int) string {
	switch col {
	case colDue:
		return lang.X("cases.col.due", "Hạn xử lý")
	case colNumber:
		return lang.X("cases.col.number", "Số vụ việc")
	case colReceived:
		return lang.X("cases.col.received", "Ngày tiếp nhận")
	case colConsumer:
		return lang.X("cases.col.consumer", "Người tiêu dùng")
	case colBusiness:
		return lang.X("cases.col.business", "Doanh nghiệp")
	case colSector:
		return lang.X("cases.col.sector", "Lĩnh vực")
	case colStatus:
		return lang.X("cases.col.status", "Trạng thái")
	}
	return ""
}

// cellText returns what the table shows in a cell.
func (s *casesScreen) cellText(row, col int) string {
	r := s.rowAt(row)
	if r == nil {
		return ""
	}
	c := &r.Case
	switch col {
	case colNumber:
		n := c.Number
		if c.IsVulnerable() {
			n = priorityMark + n
		}
		if s.flagged[c.ID] {
			return flagMark + n
		}
		return n
	case colDue:
		d, ok := r.Next()
		switch {
		case !ok:
			return ""
		case r.Overdue():
			return lang.X("cases.overdue", "Quá hạn {{.Date}}", map[string]any{"Date": FormatDate(d.Due)})
		}
		return FormatDate(d.Due)
	case colReceived:
		return FormatDate(c.ReceivedAt)
	case colConsumer:
		if c.Limited && c.ConsumerName == "" {
			return limitedName()
		}
		if c.Restricted { // listed to the leader only
			return c.ConsumerName + " " + lang.X("cases.restricted", "(hạn chế xử lý)")
		}
		return c.ConsumerName
	case colBusiness:
		return c.BusinessName
	case colSector:
		if s.refs != nil {
			for _, x := range s.refs.Sectors {
				if x.Code == c.Sector {
					return codeLabel(app.Code{Code: x.Code, VI: x.VI, EN: x.EN})
				}
			}
		}
		return c.Sector
	case colStatus:
		if app.NewFromOnlineIntake(c) {
			return onlineNewText()
		}
		return listLabel(app.CaseStatuses, c.Status)
	}
	return ""
}

// onlineNewText marks a case the consumer filed on the public form that no
// officer has opened yet (app.NewFromOnlineIntake), in its status cell.
func onlineNewText() string {
	return lang.X("cases.online_new", "Mới từ cổng trực tuyến")
}

// isOnlineNewCell reports whether the cell shows onlineNewText: it is
// drawn in the accent colour, like a badge.
func (s *casesScreen) isOnlineNewCell(row, col int) bool {
	if col != colStatus {
		return false
	}
	r := s.peek(row)
	return r != nil && app.NewFromOnlineIntake(&r.Case)
}

// caseTable is a table whose columns share the available width, the case
// number's wide enough for a whole number, until the officer drags a
// column's edge in the header: from then on the widths are the officer's,
// and a resized window leaves them as they are.
type caseTable struct {
	spreadTable
	userSized bool // the officer resized a column
}

// widestNumber is as wide as a case number can be shown, with both marks.
const widestNumber = flagMark + priorityMark + "28261-2026-WWWW-0000"

// numberWidth is the width of the case number column that shows
// widestNumber whole: the text and the label's padding on both sides.
func numberWidth() float32 { return textWidth(widestNumber, fyne.TextStyle{}) }

// textWidth is the width of a table cell that shows text whole: the text
// and the label's padding on both sides.
func textWidth(text string, style fyne.TextStyle) float32 {
	size := fyne.MeasureText(text, theme.TextSize(), style)
	return float32(math.Ceil(float64(size.Width + 2*theme.InnerPadding() + 2)))
}

// spreadWidths shares avail among columns by share, none narrower than its
// minimum: columns whose share falls short get their minimum, and the
// others share what is left. When the minimums take more than avail, the
// table scrolls sideways.
func spreadWidths(avail float32, share, mins []float32) []float32 {
	w := make([]float32, len(share))
	fixed := make([]bool, len(share))
	for {
		left, shares := avail, float32(0)
		for i := range share {
			if fixed[i] {
				left -= mins[i]
			} else {
				shares += share[i]
			}
		}
		again := false
		for i := range share {
			if fixed[i] {
				w[i] = mins[i]
				continue
			}
			if shares > 0 {
				w[i] = left * share[i] / shares
			}
			if w[i] < mins[i] {
				fixed[i], again = true, true
			}
		}
		if !again {
			return w
		}
	}
}

// Resize spreads the columns over the new width, unless the officer set
// them.
func (t *caseTable) Resize(size fyne.Size) {
	if size.Width != t.width && !t.userSized {
		t.spread(size.Width)
	}
	t.Table.Resize(size)
}

// spread sets the columns' widths for a table width.
func (t *caseTable) spread(width float32) {
	t.width = width
	avail := width - theme.ScrollBarSize() - theme.Padding()*float32(len(t.share))
	for i, w := range spreadWidths(avail, t.share, t.mins) {
		t.SetColumnWidth(i, w)
	}
}

// MouseDown starts a drag; over the edge of a column in the header (where
// the table shows the resize cursor) the drag resizes that column.
func (t *caseTable) MouseDown(e *desktop.MouseEvent) {
	if t.Cursor() == desktop.HResizeCursor {
		t.userSized = true
	}
	t.Table.MouseDown(e)
}

func newCaseTable(s *casesScreen) *caseTable {
	mins := colMin
	mins[colNumber] = max(mins[colNumber], numberWidth())
	for i := range mins { // every title whole
		mins[i] = max(mins[i], textWidth(header(i), fyne.TextStyle{Bold: true}))
	}
	mins[colStatus] = max(mins[colStatus], textWidth(onlineNewText(), fyne.TextStyle{}))
	t := &caseTable{spreadTable: spreadTable{share: colShare[:], mins: mins[:]}}
	t.Length = func() (int, int) { return s.total, numCols }
	// Cells are made with NewLabel: a Label that was never extended does not
	// lay out its text when the table resizes it, so it would not truncate.
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		s.drawing = true // a page read at once draws nothing more
		text := s.cellText(id.Row, id.Col)
		s.drawing = false
		l.Importance, l.TextStyle = widget.MediumImportance, fyne.TextStyle{}
		if s.isOnlineNewCell(id.Row, id.Col) {
			l.Importance = widget.HighImportance
		}
		l.SetText(text) // refreshes the style too
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(header(id.Col))
	}
	t.OnSelected = func(id widget.TableCellID) {
		t.UnselectAll() // so that the same row can be opened again
		if r := s.peek(id.Row); r != nil && s.onOpen != nil {
			s.onOpen(r.ID)
		}
	}
	t.ExtendBaseWidget(t)
	t.spread(1000)
	return t
}

// limitedName stands where a person's name would be in a record this
// laptop holds without its personal fields (the province's limited copy:
// app.RecordHead.Limited).
func limitedName() string {
	return lang.X("cases.limited", "(do UBND xã, phường lưu giữ)")
}

// personName is a participant's name, or limitedName when the laptop
// holds the participant without it.
func personName(p *app.Participant) string {
	if p.Limited && p.FullName == "" {
		return limitedName()
	}
	return p.FullName
}
