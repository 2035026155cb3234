package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// filterSelect picks one value of a code list, or all; each choice shows
// how many cases it would list.
type filterSelect struct {
	sel      *widget.Select
	all      string // the label of "all"
	list     app.CodeList
	codes    []string // parallel to sel.Options; "" is all
	updating bool     // options are being replaced: ignore OnChanged
}

func newFilterSelect(all string, list app.CodeList, changed func()) *filterSelect {
	f := &filterSelect{sel: widget.NewSelect(nil, nil), all: all, list: list}
	f.sel.OnChanged = func(string) {
		if !f.updating {
			changed()
		}
	}
	f.setCounts(nil, 0) // selects "all", quietly
	return f
}

// Code returns the chosen code, "" for all.
func (f *filterSelect) Code() string {
	i := f.sel.SelectedIndex()
	if i < 0 || i >= len(f.codes) {
		return ""
	}
	return f.codes[i]
}

// setCounts relabels the choices with their counts (total for "all"),
// keeping the chosen one. Choices with no case are listed unless counts is
// nil.
func (f *filterSelect) setCounts(counts map[string]int, total int) {
	chosen := f.Code()
	f.updating = true
	defer func() { f.updating = false }()
	opts := []string{f.all}
	codes := []string{""}
	if counts != nil {
		opts[0] = f.all + " (" + FormatInt(int64(total)) + ")"
	}
	for _, c := range f.list {
		label := codeLabel(c)
		if counts != nil {
			label += " (" + FormatInt(int64(counts[c.Code])) + ")"
		}
		opts = append(opts, label)
		codes = append(codes, c.Code)
	}
	f.sel.Options, f.codes = opts, codes
	idx := 0
	for i, c := range codes {
		if c == chosen {
			idx = i
		}
	}
	f.sel.SetSelectedIndex(idx)
	f.sel.Refresh()
}

// buildFilters makes the filter bar.
func (s *casesScreen) buildFilters() fyne.CanvasObject {
	changed := func() { s.applyFilters() }
	s.fStatus = newFilterSelect(lang.X("cases.filter.status_all", "Mọi trạng thái"), app.CaseStatuses, changed)
	s.fSector = newFilterSelect(lang.X("cases.filter.sector_all", "Mọi lĩnh vực"), sectorList(s.refs), changed)
	s.fKind = newFilterSelect(lang.X("cases.filter.kind_all", "Mọi loại vụ việc"), app.CaseKinds, changed)
	s.fOverdue = widget.NewCheck(lang.X("cases.filter.overdue", "Quá hạn"), func(bool) { changed() })
	s.fVulnerable = widget.NewCheck(lang.X("cases.filter.vulnerable", "Dễ bị tổn thương"), func(bool) { changed() })
	s.fDue = widget.NewCheck(lang.X("cases.filter.due", "Đến hạn trong"), func(bool) { changed() })
	// New cases from the public form (issue 21): shown while there are
	// some, so that the officer finds them at once.
	s.fOnline = widget.NewCheck(lang.X("cases.filter.online_new", "Mới từ cổng trực tuyến"), func(bool) { changed() })
	s.fOnline.Hide()
	s.fDueDays = widget.NewEntry()
	s.fDueDays.SetText("3")
	s.fDueDays.OnChanged = func(string) {
		if s.fDue.Checked {
			changed()
		}
	}
	s.fFrom = widget.NewEntry()
	s.fFrom.SetPlaceHolder(lang.X("cases.filter.from", "Từ ngày"))
	s.fFrom.OnChanged = func(string) { changed() }
	s.fTo = widget.NewEntry()
	s.fTo.SetPlaceHolder(lang.X("cases.filter.to", "Đến ngày"))
	s.fTo.OnChanged = func(string) { changed() }
	s.fClear = &widget.Button{Text: lang.X("cases.filter.clear", "Bỏ lọc"), Icon: theme.ContentClearIcon(),
		OnTapped: s.clearFilters}
	s.fMsg = &widget.Label{Importance: widget.DangerImportance}
	s.fMsg.Hide()

	days := container.NewGridWrap(fyne.NewSize(52, s.fDueDays.MinSize().Height), s.fDueDays)
	dateSize := fyne.NewSize(118, s.fFrom.MinSize().Height)
	// Two rows that fit a 1024-px screen with room to spare (issue 17):
	// the lists and the period, then the checks and "Bỏ lọc"; a bad value's
	// message goes below them, where it can take the whole width.
	period := container.NewHBox(widget.NewLabel(lang.X("cases.filter.period", "Tiếp nhận:")),
		container.NewGridWrap(dateSize, s.fFrom), widget.NewLabel("–"), container.NewGridWrap(dateSize, s.fTo))
	row1 := container.NewBorder(nil, nil, nil, period, container.NewGridWithColumns(3, s.fStatus.sel, s.fSector.sel, s.fKind.sel))
	row2 := container.NewHBox(s.fOverdue, s.fDue, days,
		widget.NewLabel(lang.X("cases.filter.working_days", "ngày làm việc")), s.fVulnerable, s.fOnline, s.fClear)
	s.fMsg.Wrapping = fyne.TextWrapWord
	return container.NewVBox(row1, row2, s.fMsg)
}

// filter reads the filter bar; msg is a Vietnamese message for a bad
// value (that filter is then left off).
func (s *casesScreen) filter() (f app.CaseFilter, msg string) {
	f.Status, f.Sector, f.Kind = s.fStatus.Code(), s.fSector.Code(), s.fKind.Code()
	f.Overdue, f.Vulnerable, f.OnlineNew = s.fOverdue.Checked, s.fVulnerable.Checked, s.fOnline.Checked
	if s.fDue.Checked {
		n, err := strconv.Atoi(strings.TrimSpace(s.fDueDays.Text))
		if err != nil || n < 1 || n > 60 {
			msg = lang.X("cases.filter.bad_days", "Số ngày làm việc từ 1 đến 60.")
		} else {
			f.DueWithin = n
		}
	}
	day := func(e *widget.Entry) time.Time {
		text := strings.TrimSpace(e.Text)
		if text == "" {
			return time.Time{}
		}
		d, err := parseDate(text)
		if err != nil {
			msg = lang.X("cases.filter.bad_date", "Ngày lọc phải có dạng ngày/tháng/năm.")
			return time.Time{}
		}
		return d
	}
	f.From, f.To = day(s.fFrom), day(s.fTo)
	return f, msg
}

// applyFilters lists the cases of the query shown that pass the
// filters, with the counts beside each choice.
func (s *casesScreen) applyFilters() {
	if s.fMsg == nil { // still being built
		return
	}
	s.request(false)
}

// readFilter reads the filter bar and shows the message of a bad value
// (that filter is then left off); ok is false while the bar is being
// built.
func (s *casesScreen) readFilter() (app.CaseFilter, bool) {
	if s.fMsg == nil {
		return app.CaseFilter{}, false
	}
	f, msg := s.filter()
	if msg != "" {
		s.fMsg.SetText(msg)
		s.fMsg.Show()
	} else {
		s.fMsg.Hide()
	}
	return f, true
}

// showCounts shows beside each choice of the filter bar how many cases it
// would list.
func (s *casesScreen) showCounts(f app.CaseFilter) {
	fc := s.counts
	s.fStatus.setCounts(fc.Status, sum(fc.Status))
	s.fSector.setCounts(fc.Sector, sum(fc.Sector))
	s.fKind.setCounts(fc.Kind, sum(fc.Kind))
	s.fOverdue.Text = lang.X("cases.filter.overdue_n", "Quá hạn ({{.N}})", map[string]any{"N": FormatInt(int64(fc.Overdue))})
	s.fOverdue.Refresh()
	s.fVulnerable.Text = lang.X("cases.filter.vulnerable_n", "Dễ bị tổn thương ({{.N}})", map[string]any{"N": FormatInt(int64(fc.Vulnerable))})
	s.fVulnerable.Refresh()
	s.fOnline.Text = lang.X("cases.filter.online_new_n", "Mới từ cổng trực tuyến ({{.N}})", map[string]any{"N": FormatInt(int64(fc.OnlineNew))})
	if fc.OnlineNew > 0 || f.OnlineNew {
		s.fOnline.Show()
	} else {
		s.fOnline.Hide()
	}
	s.fOnline.Refresh()
	dueText := lang.X("cases.filter.due", "Đến hạn trong")
	if f.DueWithin > 0 {
		dueText = lang.X("cases.filter.due_n", "Đến hạn ({{.N}}) trong", map[string]any{"N": FormatInt(int64(fc.Due))})
	}
	s.fDue.Text = dueText
	s.fDue.Refresh()
	if f != (app.CaseFilter{}) {
		s.fClear.Enable()
	} else {
		s.fClear.Disable()
	}
}

// clearFilters shows every loaded case again.
func (s *casesScreen) clearFilters() {
	s.fStatus.sel.SetSelectedIndex(0)
	s.fSector.sel.SetSelectedIndex(0)
	s.fKind.sel.SetSelectedIndex(0)
	s.fOverdue.SetChecked(false)
	s.fVulnerable.SetChecked(false)
	s.fOnline.SetChecked(false)
	s.fDue.SetChecked(false)
	s.fFrom.SetText("")
	s.fTo.SetText("")
	s.applyFilters()
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
