package ui

import (
	"context"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// The "Truyền thông" screen: the outreach events (mít tinh 15/3, hội
// nghị, hội thảo, tọa đàm…; plan tasks III.3 and III.4, targets T2 and
// T6) and the publications and news items (targets T3 and T7) of the
// commune, each list with its "add" button; a row opens its form.

// Columns of the event list.
const (
	outreachColType = iota
	outreachColTitle
	outreachColDates
	outreachColMark // "15/3" when the event is linked to Consumer Rights Day
	outreachColStatus
	outreachColAttendance
	outreachNumCols
)

// Columns of the publication list.
const (
	outreachPubColType = iota
	outreachPubColOrigin
	outreachPubColFormat
	outreachPubColTitle
	outreachPubColDate
	outreachPubColQuantity
	outreachPubColChannel
	outreachPubNumCols
)

// outreachMark is what the event list shows for an event linked to 15/3.
const outreachMark = "15/3"

var (
	outreachShare    = []float32{0.17, 0.31, 0.21, 0.06, 0.12, 0.13}
	outreachMin      = []float32{120, 180, 190, 50, 90, 80}
	outreachPubShare = []float32{0.13, 0.14, 0.10, 0.27, 0.10, 0.09, 0.17}
	outreachPubMin   = []float32{90, 100, 80, 160, 90, 70, 100}
)

// outreachScreen lists the events and the publications and opens their
// forms in its place.
type outreachScreen struct {
	formDeps

	// onSaved, if set, is called on the Fyne goroutine after a record was
	// saved or voided (the UI schedules a sync).
	onSaved func()

	events []app.OutreachEvent // shown, newest first
	pubs   []app.Publication   // shown, newest first
	gen    int                 // generation of the latest load; older answers are dropped

	errMsg     *widget.Label // a failed load, in red
	addEvent   *widget.Button
	addPub     *widget.Button
	eventCount *widget.Label
	pubCount   *widget.Label
	eventEmpty *widget.Label
	pubEmpty   *widget.Label
	eventTable *recordTable
	pubTable   *recordTable

	eventForm *outreachEventForm // the open form, or nil
	pubForm   *outreachPubForm   // the open form, or nil

	lists   fyne.CanvasObject // the two lists
	stack   *fyne.Container   // the lists or the open form
	content fyne.CanvasObject
}

// newOutreachScreen builds the screen without loading anything; call
// reload to fill it.
func newOutreachScreen(d formDeps) *outreachScreen {
	s := &outreachScreen{formDeps: d}
	if s.ctx == nil {
		s.ctx = context.Background()
	}
	s.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	s.errMsg.Hide()

	s.addEvent = &widget.Button{Text: lang.X("outreach.event.add", "Thêm sự kiện"), Icon: theme.ContentAddIcon(),
		Importance: widget.HighImportance, OnTapped: func() { s.openEvent(nil) }}
	s.addPub = &widget.Button{Text: lang.X("outreach.pub.add", "Thêm tài liệu, tin bài"), Icon: theme.ContentAddIcon(),
		Importance: widget.HighImportance, OnTapped: func() { s.openPub(nil) }}
	if s.records == nil {
		s.addEvent.Disable()
		s.addPub.Disable()
	}
	s.eventCount = widget.NewLabel("")
	s.pubCount = widget.NewLabel("")
	s.eventEmpty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord,
		Text: lang.X("outreach.event.empty", "Chưa có sự kiện truyền thông nào. Bấm “Thêm sự kiện” để ghi sự kiện đầu tiên.")}
	s.pubEmpty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord,
		Text: lang.X("outreach.pub.empty", "Chưa có tài liệu, tin bài nào. Bấm “Thêm tài liệu, tin bài” để ghi mục đầu tiên.")}

	s.eventTable = newRecordTable(outreachColumns(outreachShare, outreachMin, outreachHeader),
		func() int { return len(s.events) }, s.eventCell,
		func(row int) { e := s.events[row]; s.openEvent(&e) })
	s.pubTable = newRecordTable(outreachColumns(outreachPubShare, outreachPubMin, outreachPubHeader),
		func() int { return len(s.pubs) }, s.pubCell,
		func(row int) { p := s.pubs[row]; s.openPub(&p) })

	pane := func(title string, count *widget.Label, add *widget.Button, table *recordTable, empty *widget.Label) fyne.CanvasObject {
		head := container.NewHBox(&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}, count,
			layout.NewSpacer(), add)
		return container.NewBorder(head, nil, nil, nil, container.NewStack(table, container.NewVBox(empty)))
	}
	split := container.NewVSplit(
		pane(lang.X("outreach.event.list", "Sự kiện truyền thông"), s.eventCount, s.addEvent, s.eventTable, s.eventEmpty),
		pane(lang.X("outreach.pub.list", "Tài liệu, ấn phẩm, tin bài"), s.pubCount, s.addPub, s.pubTable, s.pubEmpty))
	s.lists = container.NewBorder(s.errMsg, nil, nil, nil, split)
	s.stack = container.NewStack(s.lists)
	s.content = s.stack
	s.showLists()
	return s
}

// outreachLoaded is the answer of a load.
type outreachLoaded struct {
	events []app.OutreachEvent
	pubs   []app.Publication
}

// reload reads both lists off the Fyne goroutine and shows them. Call it
// on the Fyne goroutine.
func (s *outreachScreen) reload() {
	if s.records == nil {
		return
	}
	s.gen++
	gen := s.gen
	s.run(func() {
		ld, err := s.load(s.ctx)
		fyne.Do(func() { s.apply(gen, ld, err) })
	})
}

// load reads the records of this device's commune (of every commune the
// store holds when the device has none), newest first. It touches no
// widget.
func (s *outreachScreen) load(ctx context.Context) (outreachLoaded, error) {
	var ld outreachLoaded
	q := app.RecordQuery{Unit: s.unit}
	recs, err := s.records.Records(ctx, app.EntityOutreach, q)
	if err != nil {
		return ld, err
	}
	for _, r := range recs {
		if e, ok := r.(*app.OutreachEvent); ok {
			ld.events = append(ld.events, *e)
		}
	}
	if recs, err = s.records.Records(ctx, app.EntityPublication, q); err != nil {
		return ld, err
	}
	for _, r := range recs {
		if p, ok := r.(*app.Publication); ok {
			ld.pubs = append(ld.pubs, *p)
		}
	}
	// The store lists oldest first; dates are YYYY-MM-DD, so they sort as
	// text. Newest first, then by title.
	sort.SliceStable(ld.events, func(i, j int) bool {
		a, b := ld.events[i], ld.events[j]
		if a.StartDate != b.StartDate {
			return a.StartDate > b.StartDate
		}
		return a.Title < b.Title
	})
	sort.SliceStable(ld.pubs, func(i, j int) bool {
		a, b := ld.pubs[i], ld.pubs[j]
		if a.Date != b.Date {
			return a.Date > b.Date
		}
		return a.Title < b.Title
	})
	return ld, nil
}

// apply shows the answer of load number gen, unless a newer one was sent.
func (s *outreachScreen) apply(gen int, ld outreachLoaded, err error) {
	if gen != s.gen {
		return
	}
	if err != nil {
		logError("list outreach", err)
		s.errMsg.SetText(lang.X("outreach.load_failed", "Không tải được danh sách truyền thông: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		s.errMsg.Show()
		return
	}
	s.errMsg.Hide()
	s.events, s.pubs = ld.events, ld.pubs
	s.showLists()
}

// showLists shows the rows, the counts and the empty messages.
func (s *outreachScreen) showLists() {
	s.eventCount.SetText(lang.X("outreach.event.count", "({{.N}})", map[string]any{"N": FormatInt(int64(len(s.events)))}))
	s.pubCount.SetText(lang.X("outreach.pub.count", "({{.N}})", map[string]any{"N": FormatInt(int64(len(s.pubs)))}))
	for _, l := range []struct {
		n     int
		table *recordTable
		empty *widget.Label
	}{{len(s.events), s.eventTable, s.eventEmpty}, {len(s.pubs), s.pubTable, s.pubEmpty}} {
		if l.n == 0 {
			l.table.Hide()
			l.empty.Show()
		} else {
			l.empty.Hide()
			l.table.Show()
		}
		l.table.Refresh()
	}
}

// outreachHeader returns the title of a column of the event list.
func outreachHeader(col int) string {
	switch col {
	case outreachColType:
		return lang.X("outreach.event.col.type", "Loại")
	case outreachColTitle:
		return lang.X("outreach.event.col.title", "Tên sự kiện")
	case outreachColDates:
		return lang.X("outreach.event.col.dates", "Ngày")
	case outreachColMark:
		return lang.X("outreach.event.col.mark", "15/3")
	case outreachColStatus:
		return lang.X("outreach.event.col.status", "Tình trạng")
	case outreachColAttendance:
		return lang.X("outreach.event.col.attendance", "Số người dự")
	}
	return ""
}

// outreachPubHeader returns the title of a column of the publication list.
func outreachPubHeader(col int) string {
	switch col {
	case outreachPubColType:
		return lang.X("outreach.pub.col.type", "Loại")
	case outreachPubColOrigin:
		return lang.X("outreach.pub.col.origin", "Nguồn")
	case outreachPubColFormat:
		return lang.X("outreach.pub.col.format", "Hình thức")
	case outreachPubColTitle:
		return lang.X("outreach.pub.col.title", "Tên tài liệu, tin bài")
	case outreachPubColDate:
		return lang.X("outreach.pub.col.date", "Ngày")
	case outreachPubColQuantity:
		return lang.X("outreach.pub.col.quantity", "Số lượng")
	case outreachPubColChannel:
		return lang.X("outreach.pub.col.channel", "Kênh")
	}
	return ""
}

// eventCell returns what the event list shows in a cell.
func (s *outreachScreen) eventCell(row, col int) string {
	if row < 0 || row >= len(s.events) {
		return ""
	}
	e := &s.events[row]
	switch col {
	case outreachColType:
		return listLabel(app.OutreachTypes, e.Type)
	case outreachColTitle:
		return e.Title
	case outreachColDates:
		return outreachDates(e.StartDate, e.EndDate)
	case outreachColMark:
		if e.Linked153 {
			return outreachMark
		}
	case outreachColStatus:
		return listLabel(app.ActivityStatuses, e.Status)
	case outreachColAttendance:
		if e.Attendance > 0 {
			return FormatInt(int64(e.Attendance))
		}
	}
	return ""
}

// pubCell returns what the publication list shows in a cell.
func (s *outreachScreen) pubCell(row, col int) string {
	if row < 0 || row >= len(s.pubs) {
		return ""
	}
	p := &s.pubs[row]
	switch col {
	case outreachPubColType:
		return listLabel(app.PublicationTypes, p.Type)
	case outreachPubColOrigin:
		return listLabel(app.PublicationOrigins, p.Origin)
	case outreachPubColFormat:
		return listLabel(app.PublicationFormats, p.Format)
	case outreachPubColTitle:
		return p.Title
	case outreachPubColDate:
		return formatDay(p.Date)
	case outreachPubColQuantity:
		if p.Quantity > 0 {
			return FormatInt(int64(p.Quantity))
		}
	case outreachPubColChannel:
		return listLabel(app.PublicationChannels, p.Channel)
	}
	return ""
}

// outreachDates shows a start and an end day (YYYY-MM-DD) as
// "dd/mm/yyyy" or "dd/mm/yyyy – dd/mm/yyyy".
func outreachDates(start, end string) string {
	if end == "" || end == start {
		return formatDay(start)
	}
	return formatDay(start) + " – " + formatDay(end)
}

// openEvent shows the event form in place of the lists: empty for orig ==
// nil, else filled with orig for editing.
func (s *outreachScreen) openEvent(orig *app.OutreachEvent) {
	if s.records == nil {
		return
	}
	f := newOutreachEventForm(s.formDeps, orig)
	f.onDone = func(saved *app.OutreachEvent) { s.closeForm(saved != nil) }
	s.eventForm = f
	s.show(f.content)
	f.focusFirst()
}

// openPub shows the publication form in place of the lists.
func (s *outreachScreen) openPub(orig *app.Publication) {
	if s.records == nil {
		return
	}
	f := newOutreachPubForm(s.formDeps, orig)
	f.onDone = func(saved *app.Publication) { s.closeForm(saved != nil) }
	s.pubForm = f
	s.show(f.content)
	f.focusFirst()
}

// closeForm goes back to the lists; after a save or a void it reloads them.
func (s *outreachScreen) closeForm(saved bool) {
	s.eventForm, s.pubForm = nil, nil
	s.show(s.lists)
	if saved {
		s.reload()
		if s.onSaved != nil {
			s.onSaved()
		}
	}
}

// show puts o in the screen.
func (s *outreachScreen) show(o fyne.CanvasObject) {
	s.stack.Objects = []fyne.CanvasObject{o}
	s.stack.Refresh()
}

// outreachColumns are the columns of a list: the title of each, its share
// of the width and its minimum width.
func outreachColumns(share, mins []float32, title func(col int) string) []tableColumn {
	cols := make([]tableColumn, len(share))
	for i := range cols {
		cols[i] = tableColumn{title(i), share[i], mins[i]}
	}
	return cols
}
