package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
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

// reportKinds are the reports of the Báo cáo screen, in its order.
var reportKinds = []struct {
	code    string // the screen's choice
	request string // app.Report*
	summary bool   // the training summary (attendance without a session)
}{
	{"register", app.ReportRegister, false},
	{"attendance", app.ReportAttendance, false},
	{"training", app.ReportAttendance, true},
	{"annual", app.ReportAnnual, false},
	{"notices", app.ReportNotices, false},
}

// reportsScreen exports the .xlsx reports: the complaint register, a
// session's sign-in sheet, the training summary and the annual report of
// Kế hoạch 395, for a report year (or, for the register, any period) and,
// on a provincial device, one commune or the whole province.
type reportsScreen struct {
	formDeps
	svc ReportService

	kind      *widget.Select
	year      *widget.Select
	years     []int
	from, to  *widget.Entry
	datesHint *widget.Label
	commune   *codeSelect // nil on a commune's device
	session   *widget.Select
	sessions  []app.TrainingSession // parallel to session.Options
	mask      *widget.Check
	export    *widget.Button
	cancel    *widget.Button
	progress  *busyBar
	msg       *widget.Label // the outcome, or what is wrong
	files     *fileActions  // "Mở tệp", "Mở thư mục" for the file written last
	rows      map[string]fyne.CanvasObject

	running  context.CancelFunc // the export in flight, or nil
	lastRows int                // the rows of the last export
	// saveTo asks where to save name and calls write with the file; tests
	// replace the file dialog.
	saveTo func(name string, write func(io.Writer) error, done func(path string, err error))

	// write opens the commune's narrative of the report year chosen
	// (app.ReportNarrative); pane holds the screen, or that form.
	write     *widget.Button
	narrative *narrativeForm
	pane      *fyne.Container
	home      fyne.CanvasObject

	content fyne.CanvasObject

	// The personal data (reports_privacy.go).
	// reason is why the officer unticked mask (asked at once, see
	// onMask), shown in reasonLabel; "" while masked.
	reason      string
	reasonLabel *widget.Label
	asking      *reasonDialog // the open reason dialog, or nil
	// role and officer read the signed-in officer's role and name
	// (ui.Services): who may see restricted people and the audit list,
	// and whom an audit record names.
	role, officer func() string
	audit         *auditList // the leader's audit list
}

func newReportsScreen(d formDeps, svc ReportService) *reportsScreen {
	s := &reportsScreen{formDeps: d, svc: svc, rows: map[string]fyne.CanvasObject{}}
	s.saveTo = s.fileDialog
	labels := []string{
		lang.X("reports.kind.register", "Sổ theo dõi tiếp nhận, giải quyết phản ánh, khiếu nại"),
		lang.X("reports.kind.attendance", "Danh sách điểm danh một lớp tập huấn"),
		lang.X("reports.kind.training", "Tổng hợp tập huấn (lượt người theo đối tượng)"),
		lang.X("reports.kind.annual", "Báo cáo kết quả thực hiện Kế hoạch 395 (báo cáo năm)"),
		lang.X("reports.kind.notices", "Danh sách công khai thông báo bán hàng ngoài địa điểm (để niêm yết)"),
	}
	s.kind = widget.NewSelect(labels, func(string) { s.showRows() })
	s.year = widget.NewSelect(nil, nil)
	s.setYears()
	s.from, s.to = widget.NewEntry(), widget.NewEntry()
	s.from.SetPlaceHolder(lang.X("form.date.placeholder", "ngày/tháng/năm"))
	s.to.SetPlaceHolder(lang.X("form.date.placeholder", "ngày/tháng/năm"))
	if d.unit == "" { // a provincial device
		list := append(app.CodeList{{Code: "", VI: lang.X("reports.province", "Toàn tỉnh"), EN: "Province-wide"}}, unitList(d.refs)...)
		s.commune = newCodeSelect(list, lang.X("reports.province", "Toàn tỉnh"))
		s.commune.sel.SetSelectedIndex(0)
	}
	s.session = widget.NewSelect(nil, nil)
	s.session.PlaceHolder = lang.X("reports.session.choose", "(Chọn lớp tập huấn)")
	s.role = func() string { return "" }
	s.officer = func() string { return d.officer }
	// Masked by default (issue 19): unticking asks why (onMask).
	s.mask = widget.NewCheck(lang.X("reports.mask", "Che thông tin cá nhân (tên viết tắt, 3 số cuối điện thoại) khi gửi ra ngoài"), nil)
	s.mask.SetChecked(true)
	s.mask.OnChanged = s.onMask
	s.reasonLabel = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	s.reasonLabel.Hide()
	s.audit = newAuditList(s.showAudit)
	s.export = &widget.Button{Text: lang.X("reports.export", "Xuất tệp Excel…"), Icon: theme.DocumentSaveIcon(),
		Importance: widget.HighImportance, OnTapped: s.onExport}
	s.cancel = &widget.Button{Text: lang.X("reports.cancel", "Dừng"), Icon: theme.CancelIcon(), OnTapped: s.onCancel}
	s.cancel.Hide()
	s.progress = newBusyBar()
	s.msg = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.files = newFileActions(d.opener, s.showMsg)

	row := func(key, label string, in fyne.CanvasObject) fyne.CanvasObject {
		r := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(190, in.MinSize().Height), widget.NewLabel(label)), nil, in)
		s.rows[key] = r
		return r
	}
	s.datesHint = widget.NewLabel("")
	dates := container.NewHBox(container.NewGridWrap(fyne.NewSize(140, s.from.MinSize().Height), s.from),
		widget.NewLabel("–"), container.NewGridWrap(fyne.NewSize(140, s.to.MinSize().Height), s.to), s.datesHint)
	box := container.NewVBox(
		&widget.Label{Text: lang.X("reports.title", "Xuất báo cáo"), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText},
		row("kind", lang.X("reports.kind", "Báo cáo"), s.kind),
		row("year", lang.X("reports.year", "Năm báo cáo"), s.year),
		row("dates", lang.X("reports.dates", "Hoặc từ ngày – đến ngày"), dates),
		row("session", lang.X("reports.session", "Lớp tập huấn"), s.session),
	)
	if s.commune != nil {
		box.Add(row("commune", lang.X("reports.commune", "Xã, phường"), s.commune.sel))
	}
	box.Add(row("mask", "", container.NewVBox(s.mask, s.reasonLabel)))
	s.write = &widget.Button{Text: lang.X("reports.narrative", "Viết nội dung báo cáo năm (khó khăn, kiến nghị, vụ việc điển hình, Biểu 5)…"),
		Icon: theme.DocumentCreateIcon(), OnTapped: s.openNarrative}
	if d.unit == "" || d.records == nil { // the province writes no commune's narrative
		s.write.Hide()
	}
	box.Add(container.NewHBox(s.export, s.cancel))
	box.Add(s.write)
	box.Add(s.progress.box)
	box.Add(s.msg)
	box.Add(s.files.box)
	s.files.parent = box
	box.Add(s.audit.box)
	s.audit.parent = box
	s.home = container.NewVScroll(container.NewPadded(box))
	s.pane = container.NewStack(s.home)
	s.content = s.pane
	s.kind.SetSelectedIndex(0)
	return s
}

// chosenYear is the report year chosen, or 0.
func (s *reportsScreen) chosenYear() int {
	if i := s.year.SelectedIndex(); i >= 0 && i < len(s.years) {
		return s.years[i]
	}
	return 0
}

// openNarrative opens the commune's narrative of the report year chosen:
// the record as stored, or a new one.
func (s *reportsScreen) openNarrative() {
	year := s.chosenYear()
	if year == 0 || s.records == nil {
		return
	}
	s.run(func() {
		var orig *app.ReportNarrative
		n := &app.ReportNarrative{}
		err := s.records.GetRecord(s.ctx, app.NarrativeID(s.unit, year), n)
		switch {
		case err == nil:
			orig = n
		case app.ErrorCode(err) != app.ENOTFOUND:
			fyne.Do(func() { s.showMsg(userMessage(err), true) })
			return
		}
		cases, err := s.formDeps.svc.ListCases(s.ctx, app.CaseQuery{})
		fyne.Do(func() {
			if err != nil {
				s.showMsg(userMessage(err), true)
				return
			}
			f := newNarrativeForm(s.formDeps, year, orig, cases)
			f.onDone = func(saved *app.ReportNarrative) {
				s.narrative = nil
				s.pane.Objects = []fyne.CanvasObject{s.home}
				s.pane.Refresh()
				if saved != nil {
					s.showMsg(lang.X("reports.narrative.saved", "Đã lưu nội dung báo cáo năm {{.Year}}; báo cáo năm xuất ra sẽ in nội dung này.", map[string]any{"Year": year}), false)
				}
			}
			s.narrative = f
			s.pane.Objects = []fyne.CanvasObject{f.content}
			s.pane.Refresh()
			f.focusFirst()
		})
	})
}

// reload loads the training sessions for the sign-in sheet, and the
// audit list for the leader.
func (s *reportsScreen) reload() {
	s.setYears()
	s.reloadAudit()
	if s.records == nil {
		return
	}
	s.run(func() {
		rs, err := s.records.Records(s.ctx, app.EntityTraining, app.RecordQuery{})
		fyne.Do(func() {
			if err != nil {
				logError("list sessions", err)
				return
			}
			chosen := s.sessionID()
			s.sessions = s.sessions[:0]
			var opts []string
			for i := len(rs) - 1; i >= 0; i-- { // newest first
				t := rs[i].(*app.TrainingSession)
				s.sessions = append(s.sessions, *t)
				opts = append(opts, formatDay(t.StartDate)+" – "+t.Title)
			}
			s.session.Options = opts
			s.session.ClearSelected()
			for i := range s.sessions {
				if s.sessions[i].ID == chosen {
					s.session.SetSelectedIndex(i)
				}
			}
			s.session.Refresh()
		})
	})
}

func (s *reportsScreen) sessionID() string {
	i := s.session.SelectedIndex()
	if i < 0 || i >= len(s.sessions) {
		return ""
	}
	return s.sessions[i].ID
}

// showRows shows the choices the chosen report takes.
func (s *reportsScreen) showRows() {
	k := s.kindIndex()
	show := func(key string, on bool) {
		if r := s.rows[key]; r != nil {
			if on {
				r.Show()
			} else {
				r.Hide()
			}
		}
	}
	code := reportKinds[k].code
	show("year", code != "attendance" && code != "notices")
	show("dates", code == "register" || code == "notices" || code == "annual") // annual: an ad-hoc report
	if code == "notices" {
		s.datesHint.SetText(lang.X("reports.dates.hint_notices", "(bỏ trống: từ hôm nay đến 7 ngày tới)"))
	} else {
		s.datesHint.SetText(lang.X("reports.dates.hint", "(bỏ trống: cả năm báo cáo)"))
	}
	show("session", code == "attendance")
	show("mask", code == "register" || code == "attendance")
	show("commune", code != "attendance")
	s.msg.SetText("")
	s.files.set("")
}

func (s *reportsScreen) kindIndex() int {
	if i := s.kind.SelectedIndex(); i >= 0 && i < len(reportKinds) {
		return i
	}
	return 0
}

// setYears lists the report years of the plan up to the one under way,
// newest first, and selects app.DefaultReportYear: from 15/12 to the end
// of January the year just due, else the one under way. A window left open
// across 15/12 gets the new list when the tab is shown or a report
// exported (an older year the officer chose stays chosen). Call it on the
// Fyne goroutine.
func (s *reportsScreen) setYears() {
	current := app.ReportYearOf(s.now())
	if len(s.years) > 0 && s.years[0] == current {
		return
	}
	keep := 0
	if i := s.year.SelectedIndex(); i > 0 && i < len(s.years) {
		keep = s.years[i]
	}
	s.years = nil
	var labels []string
	sel := 0
	def := app.DefaultReportYear(s.now()) // after 15/12, the year just due
	for y := current; y >= min(planStartYear, current); y-- {
		if y == keep || (keep == 0 && y == def) {
			sel = len(s.years)
		}
		s.years = append(s.years, y)
		labels = append(labels, app.ReportYear(y).Label)
	}
	s.year.Options = labels
	s.year.SetSelectedIndex(sel)
}

// request reads the choices; msg says what is missing or wrong.
func (s *reportsScreen) request() (q app.ReportRequest, name, msg string) {
	s.setYears()
	k := reportKinds[s.kindIndex()]
	q.Report = k.request
	if k.code != "attendance" && k.code != "notices" {
		q.Year = s.chosenYear()
	}
	if k.code == "register" || k.code == "notices" || k.code == "annual" {
		for _, p := range []struct {
			e   *widget.Entry
			dst *time.Time
		}{{s.from, &q.From}, {s.to, &q.To}} {
			if strings.TrimSpace(p.e.Text) == "" {
				continue
			}
			d, err := parseDate(p.e.Text)
			if err != nil {
				return q, "", lang.X("reports.bad_date", "Ngày phải có dạng ngày/tháng/năm, ví dụ 15/12/2025.")
			}
			*p.dst = d
		}
		if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
			return q, "", lang.X("reports.bad_period", "Ngày kết thúc không được trước ngày bắt đầu.")
		}
		if !q.From.IsZero() || !q.To.IsZero() {
			q.Year = 0
		}
		if k.code == "annual" && q.From.IsZero() != q.To.IsZero() {
			return q, "", lang.X("reports.adhoc.both", "Báo cáo đột xuất cần cả ngày bắt đầu và ngày kết thúc (bỏ trống cả hai: báo cáo cả năm).")
		}
	}
	if k.code == "attendance" {
		q.Session = s.sessionID()
		if q.Session == "" {
			return q, "", lang.X("reports.session.missing", "Chọn lớp tập huấn cần in danh sách điểm danh.")
		}
	}
	if s.commune != nil && k.code != "attendance" {
		q.Commune = s.commune.Code()
	}
	q.Unmask = !s.mask.Checked && (k.code == "register" || k.code == "attendance")
	if q.Unmask {
		q.Reason = s.reason
	}
	// The people whose data is restricted: only for the leader.
	q.Officer, q.SeesRestricted = s.officer(), app.SeesRestricted(s.role())
	scope := s.unit
	if scope == "" {
		scope = q.Commune
	}
	if scope == "" {
		scope = "toan-tinh"
	}
	if k.code == "notices" { // today and the next 7 days by default
		if q.From.IsZero() {
			q.From = s.now()
		}
		if q.To.IsZero() {
			q.To = q.From.AddDate(0, 0, noticeBoardDays)
		}
	}
	year := strconv.Itoa(q.Year)
	if q.Year == 0 { // a register of a period: named after its dates
		year = periodName(q.From, q.To, s.now())
	}
	switch k.code {
	case "register":
		name = "so-theo-doi-vu-viec-" + scope + "-" + year
	case "attendance":
		name = "diem-danh-" + scope + "-" + q.Session[:min(8, len(q.Session))]
	case "training":
		name = "tong-hop-tap-huan-" + scope + "-" + year
	case "notices":
		name = "thong-bao-ban-hang-" + scope + "-" + year
	default:
		name = "bao-cao-nam-" + scope + "-" + year
		if q.Year == 0 {
			name = "bao-cao-dot-xuat-" + scope + "-" + year
		}
	}
	return q, name + ".xlsx", ""
}

// onExport asks where to save the report, then writes it off the Fyne
// goroutine, with a Dừng button; the file is written only when the whole
// report is ready, so a stopped or failed export leaves nothing behind
// (the dialog's file is removed).
func (s *reportsScreen) onExport() {
	if s.running != nil {
		return
	}
	q, name, msg := s.request()
	if msg != "" {
		s.showMsg(msg, true)
		return
	}
	if q.Unmask && q.Reason == "" {
		// Unmasked without a reason yet: ask, then export.
		s.askReason(func(string) { s.onExport() }, func() { s.mask.SetChecked(true) })
		return
	}
	s.saveTo(name, func(w io.Writer) error {
		// Off the Fyne goroutine: the whole report goes to memory first.
		ctx, cancel := context.WithCancel(s.ctx)
		defer cancel()
		fyne.Do(func() {
			s.running = cancel
			s.setRunning(true)
		})
		var buf bytes.Buffer
		n, err := s.svc.WriteReport(ctx, q, &buf)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err == nil {
			_, err = w.Write(buf.Bytes())
		}
		fyne.Do(func() { s.lastRows = n })
		return err
	}, func(path string, err error) {
		if s.running != nil {
			s.running()
		}
		s.running = nil
		s.setRunning(false)
		switch {
		case errors.Is(err, context.Canceled):
			s.showMsg(lang.X("reports.stopped", "Đã dừng; không có tệp nào được ghi."), false)
		case err != nil:
			logError("export report", err)
			s.showMsg(lang.X("reports.failed", "Chưa xuất được báo cáo: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), true)
		case path != "":
			s.showMsg(lang.X("reports.done", "Đã xuất {{.N}} dòng vào {{.File}}.",
				map[string]any{"N": FormatInt(int64(s.lastRows)), "File": path}), false)
			s.files.set(path)
			if q.Unmask {
				// Recorded; the next export is masked again unless
				// the officer says why once more.
				s.mask.SetChecked(true)
				s.reloadAudit()
			}
		}
	})
}

func (s *reportsScreen) onCancel() {
	if s.running != nil {
		s.running()
	}
}

func (s *reportsScreen) setRunning(on bool) {
	if on {
		s.export.Disable()
		s.files.set("")
		s.cancel.Show()
		s.progress.Start()
		s.showMsg(lang.X("reports.running", "Đang lập báo cáo…"), false)
		return
	}
	s.export.Enable()
	s.cancel.Hide()
	s.progress.Stop()
}

func (s *reportsScreen) showMsg(text string, bad bool) {
	s.msg.Importance = widget.MediumImportance
	if bad {
		s.msg.Importance = widget.DangerImportance
	}
	s.msg.SetText(text)
}

// fileDialog asks where to save name (saveFileDialog); write runs off the
// Fyne goroutine and done on it.
func (s *reportsScreen) fileDialog(name string, write func(io.Writer) error, done func(string, error)) {
	saveFileDialog(s.win, name, write, done)
}

// noticeBoardDays is the default period of the notice-board list after
// today (cli.NoticeBoardDays).
const noticeBoardDays = 7

// chooseNotices sets the screen to the notice-board list of today and the
// next noticeBoardDays days (the notice screen's button).
func (s *reportsScreen) chooseNotices() {
	for i, k := range reportKinds {
		if k.code == "notices" {
			s.kind.SetSelectedIndex(i)
		}
	}
	today := s.now()
	s.from.SetText(FormatDate(today))
	s.to.SetText(FormatDate(today.AddDate(0, 0, noticeBoardDays)))
}

// periodName is the part of a file name that says which period a register
// covers: its first and last days (an open end is the first record's day
// or today).
func periodName(from, to, now time.Time) string {
	day := func(t time.Time) string { return t.In(ICT).Format("20060102") }
	switch {
	case from.IsZero():
		return "den-" + day(to)
	case to.IsZero():
		return day(from) + "-" + day(now)
	}
	return day(from) + "-" + day(to)
}
