package ui

import (
	"context"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// Columns of the training table.
const (
	trColTitle = iota
	trColDates
	trColVenue
	trColStatus
	trColPresent
	trNumCols
)

// trainingScreen is the "Tập huấn" tab: the list of training sessions with
// a search box and "Thêm lớp tập huấn"; a session opens on its own screen
// (sessionView) with the fast attendance entry; the session form creates
// and edits.
type trainingScreen struct {
	formDeps

	search *widget.Entry
	add    *widget.Button
	count  *widget.Label
	errMsg *widget.Label
	empty  *widget.Label
	table  *recordTable
	list   fyne.CanvasObject
	pane   *fyne.Container // shows the list, a session or the form

	all     []app.TrainingSession
	present map[string]int // people present, by session id
	rows    []app.TrainingSession
	gen     int

	view *sessionView // the open session, or nil
	form *sessionForm // the open form, or nil
	// imports, if set, imports rosters (.xlsx) into the open session.
	imports *importer

	// onChanged, if set, is called on the Fyne goroutine after a local
	// change (a session or a register row saved).
	onChanged func()

	content fyne.CanvasObject
}

func newTrainingScreen(d formDeps) *trainingScreen {
	s := &trainingScreen{formDeps: d, present: map[string]int{}}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.X("training.search.placeholder", "Tìm theo tên lớp, địa điểm, báo cáo viên…"))
	s.search.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { s.search.SetText("") })
	s.search.OnChanged = func(string) { s.filter() }
	s.add = &widget.Button{Text: lang.X("training.add", "Thêm lớp tập huấn"), Icon: theme.ContentAddIcon(),
		Importance: widget.HighImportance, OnTapped: func() { s.openForm(nil) }}
	s.count = widget.NewLabel("")
	s.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	s.errMsg.Hide()
	s.empty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	s.empty.Hide()
	cols := []tableColumn{
		{lang.X("training.col.title", "Tên lớp tập huấn"), 0.36, 200},
		{lang.X("training.col.dates", "Thời gian"), 0.17, 110},
		{lang.X("training.col.venue", "Địa điểm"), 0.21, 120},
		{lang.X("training.col.status", "Tình trạng"), 0.12, 90},
		{lang.X("training.col.present", "Có mặt / dự kiến"), 0.14, 100},
	}
	s.table = newRecordTable(cols, func() int { return len(s.rows) }, s.cellText, func(row int) {
		s.openSession(s.rows[row].ID)
	})
	toolbar := container.NewBorder(nil, nil, nil, s.add, s.search)
	s.list = container.NewBorder(container.NewVBox(toolbar, s.errMsg, s.count), nil, nil, nil,
		container.NewStack(s.table, container.NewVBox(s.empty)))
	s.pane = container.NewStack(s.list)
	s.content = s.pane
	return s
}

// trainingData is what the list loads.
type trainingData struct {
	sessions []app.TrainingSession
	present  map[string]int
}

// reload reads the sessions and their attendance off the Fyne goroutine
// and shows them; an open session screen reloads too.
func (s *trainingScreen) reload() {
	s.gen++
	gen := s.gen
	s.run(func() {
		data, err := loadTraining(s.ctx, s.records)
		fyne.Do(func() { s.apply(gen, data, err) })
	})
	if s.view != nil && s.form == nil {
		s.view.load()
	}
}

// loadTraining reads the sessions and counts who was present at each. It
// touches no widget.
func loadTraining(ctx context.Context, svc RecordService) (trainingData, error) {
	data := trainingData{present: map[string]int{}}
	if svc == nil {
		return data, errNoRecords
	}
	recs, err := svc.Records(ctx, app.EntityTraining, app.RecordQuery{})
	if err != nil {
		return data, err
	}
	for _, r := range recs {
		if t, ok := r.(*app.TrainingSession); ok {
			data.sessions = append(data.sessions, *t)
		}
	}
	recs, err = svc.Records(ctx, app.EntityAttendance, app.RecordQuery{})
	if err != nil {
		return data, err
	}
	for _, r := range recs {
		if a, ok := r.(*app.Attendance); ok && a.Status == attPresent {
			data.present[a.SessionID]++
		}
	}
	return data, nil
}

func (s *trainingScreen) apply(gen int, data trainingData, err error) {
	if gen != s.gen {
		return
	}
	if err != nil {
		logError("list training sessions", err)
		s.errMsg.SetText(lang.X("training.load_failed", "Không tải được danh sách lớp tập huấn: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		s.errMsg.Show()
		return
	}
	s.errMsg.Hide()
	s.all, s.present = data.sessions, data.present
	// Newest first: by start date, then as created.
	sort.SliceStable(s.all, func(i, j int) bool { return s.all[i].StartDate > s.all[j].StartDate })
	s.filter()
}

// filter shows the sessions matching the search words.
func (s *trainingScreen) filter() {
	q := s.search.Text
	s.rows = s.rows[:0]
	for _, t := range s.all {
		if app.MatchesWords(q, strings.Join([]string{t.Title, t.Venue, t.Trainers, t.Topics}, " ")) {
			s.rows = append(s.rows, t)
		}
	}
	s.count.SetText(lang.X("training.count", "{{.N}} lớp tập huấn", map[string]any{"N": FormatInt(int64(len(s.rows)))}))
	switch {
	case len(s.rows) > 0:
		s.empty.Hide()
		s.table.Show()
	case app.NFC(q) != "":
		s.empty.SetText(lang.X("training.empty_search", "Không tìm thấy lớp nào phù hợp với “{{.Q}}”.",
			map[string]any{"Q": app.NFC(s.search.Text)}))
		s.empty.Show()
		s.table.Hide()
	default:
		s.empty.SetText(lang.X("training.empty", "Chưa có lớp tập huấn nào. Bấm “Thêm lớp tập huấn” để ghi lớp đầu tiên."))
		s.empty.Show()
		s.table.Hide()
	}
	s.table.Refresh()
}

// cellText returns what the table shows in a cell.
func (s *trainingScreen) cellText(row, col int) string {
	if row < 0 || row >= len(s.rows) {
		return ""
	}
	t := &s.rows[row]
	switch col {
	case trColTitle:
		return t.Title
	case trColDates:
		if t.EndDate != "" && t.EndDate != t.StartDate {
			return formatDay(t.StartDate) + " – " + formatDay(t.EndDate)
		}
		return formatDay(t.StartDate)
	case trColVenue:
		return t.Venue
	case trColStatus:
		return listLabel(app.ActivityStatuses, t.Status)
	case trColPresent:
		n := FormatInt(int64(s.present[t.ID]))
		if t.Planned > 0 {
			return n + " / " + FormatInt(int64(t.Planned))
		}
		return n
	}
	return ""
}

// show puts o in the tab.
func (s *trainingScreen) show(o fyne.CanvasObject) {
	s.pane.Objects = []fyne.CanvasObject{o}
	s.pane.Refresh()
}

// openSession shows a session with its register.
func (s *trainingScreen) openSession(id string) {
	v := newSessionView(s.formDeps, id)
	v.onBack = s.closeSession
	v.onEdit = s.openForm
	v.onChanged = s.changed
	v.imports = s.imports
	s.view, s.form = v, nil
	s.show(v.content)
	v.load()
}

// closeSession goes back to the list.
func (s *trainingScreen) closeSession() {
	s.view, s.form = nil, nil
	s.show(s.list)
	s.reload()
}

// openForm shows the session form: empty for orig == nil.
func (s *trainingScreen) openForm(orig *app.TrainingSession) {
	f := newSessionForm(s.formDeps, orig)
	f.onDone = s.closeForm
	s.form = f
	s.show(f.content)
	f.focusFirst()
}

// closeForm leaves the form: a saved session opens; a cancelled form goes
// back where it came from.
func (s *trainingScreen) closeForm(saved *app.TrainingSession) {
	s.form = nil
	switch {
	case saved != nil:
		s.changed()
		s.openSession(saved.ID)
	case s.view != nil:
		s.show(s.view.content)
	default:
		s.show(s.list)
	}
}

// changed follows a local change.
func (s *trainingScreen) changed() {
	if s.onChanged != nil {
		s.onChanged()
	}
}
