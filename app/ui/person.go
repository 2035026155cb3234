package ui

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// PersonService answers a person's requests about their data (the "Dữ
// liệu của một người" tab; Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Nghị
// định 356/2025/NĐ-CP).
type PersonService interface {
	// FindPerson returns every record about the person q describes, the
	// restricted ones too (marked).
	FindPerson(ctx context.Context, q app.PersonQuery) (app.PersonData, error)
	// SetRestricted restricts the processing of records, or lifts it, as
	// synced edits with one audit record.
	SetRestricted(ctx context.Context, r app.Restriction) error
	// ExportPerson writes the export of d for the person to w, with its
	// audit record.
	ExportPerson(ctx context.Context, d *app.PersonData, e app.PersonExport, w io.Writer) error
}

// personScreen is the "Dữ liệu của một người" tab: find every record about
// one person (by name without diacritics, phone, address), export them for
// the person, open one to correct it, restrict or lift the restriction of
// their processing; below, the log of the requests people made about
// their data, with the deadline of each.
type personScreen struct {
	formDeps
	svc PersonService
	// role and officerNow are the signed-in officer's role and name, read
	// on the Fyne goroutine (another officer signs in at the lock).
	role, officerNow func() string

	name, phone, address *widget.Entry
	find                 *widget.Button
	msg                  *widget.Label // what the search found, or why it failed
	results              *fyne.Container
	export, restrict     *widget.Button
	unrestrict           *widget.Button // the leader's only
	newRequest           *widget.Button
	logMsg               *widget.Label
	log                  *fyne.Container // the requests
	stack                *fyne.Container // the screen, or the request form
	home                 fyne.CanvasObject
	form                 *form[app.DataRequest, *app.DataRequest]

	shown    app.PersonQuery // the query of data
	data     app.PersonData
	found    bool
	requests []app.DataRequest
	cal      *app.Calendar
	gen      int

	// saveTo asks where to write a file and writes it (a file dialog;
	// tests replace it).
	saveTo func(name string, write func(io.Writer) error, done func(path string, err error))
	// onEditCase and onEditPerson open a found record in its ordinary
	// form (the case form, the registry's participant form).
	onEditCase   func(c *app.Case)
	onEditPerson func(p *app.Participant)
	// onChanged follows a change made here (a restriction, a request
	// logged): the lists reload and a sync comes soon.
	onChanged func()

	content fyne.CanvasObject
}

func newPersonScreen(d formDeps, svc PersonService, role, officer func() string) *personScreen {
	s := &personScreen{formDeps: d, svc: svc, role: role, officerNow: officer}
	s.saveTo = func(name string, write func(io.Writer) error, done func(string, error)) {
		saveFileDialog(s.win, name, write, done)
	}
	s.name, s.phone, s.address = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.name.SetPlaceHolder(lang.X("pdata.name.placeholder", "Ví dụ: nguyen thi hong dao (không cần dấu)"))
	s.phone.SetPlaceHolder(lang.X("pdata.phone.placeholder", "Ví dụ: 0912345678, 0912 345 678 hoặc +84 912…"))
	s.address.SetPlaceHolder(lang.X("pdata.address.placeholder", "Một phần địa chỉ, ví dụ: ap my phu"))
	for _, e := range []*widget.Entry{s.name, s.phone, s.address} {
		e.OnSubmitted = func(string) { s.search() }
	}
	s.find = &widget.Button{Text: lang.X("pdata.find", "Tìm"), Icon: theme.SearchIcon(), Importance: widget.HighImportance,
		OnTapped: s.search}
	s.msg = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.results = container.NewVBox()
	s.export = &widget.Button{Text: lang.X("pdata.export", "Xuất cho người yêu cầu…"), Icon: theme.DocumentSaveIcon(),
		OnTapped: s.askExport}
	s.restrict = &widget.Button{Text: lang.X("pdata.restrict", "Hạn chế xử lý…"), Icon: theme.VisibilityOffIcon(),
		OnTapped: func() { s.askRestrict(true) }}
	s.unrestrict = &widget.Button{Text: lang.X("pdata.unrestrict", "Bỏ hạn chế…"), Icon: theme.VisibilityIcon(),
		OnTapped: func() { s.askRestrict(false) }}
	s.newRequest = &widget.Button{Text: lang.X("pdata.request.new", "Ghi nhận yêu cầu mới"), Icon: theme.ContentAddIcon(),
		OnTapped: func() { s.openRequest(nil) }}
	s.logMsg = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.log = container.NewVBox()

	title := &widget.Label{Text: lang.X("pdata.title", "Dữ liệu của một người"), TextStyle: fyne.TextStyle{Bold: true},
		SizeName: theme.SizeNameSubHeadingText}
	intro := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("pdata.intro",
		"Tìm mọi bản ghi về một người để trả lời yêu cầu của họ về dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân 2025, Nghị định 356/2025/NĐ-CP): xuất cho người yêu cầu, sửa, hạn chế xử lý. Mỗi tiêu chí nhập thêm sẽ thu hẹp kết quả.")}
	fields := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.X("pdata.name", "Họ tên")), s.name,
		widget.NewLabel(lang.X("pdata.phone", "Số điện thoại")), s.phone,
		widget.NewLabel(lang.X("pdata.address", "Địa chỉ")), s.address,
	)
	actions := container.NewHBox(s.find, s.export, s.restrict, s.unrestrict)
	logTitle := &widget.Label{Text: lang.X("pdata.log.title", "Sổ theo dõi yêu cầu về dữ liệu cá nhân"), TextStyle: fyne.TextStyle{Bold: true},
		SizeName: theme.SizeNameSubHeadingText}
	logIntro := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("pdata.log.intro",
		"Trả lời người yêu cầu trong 02 ngày làm việc kể từ khi nhận; thực hiện yêu cầu xem, cung cấp, chỉnh sửa trong 10 ngày, hạn chế, phản đối trong 15 ngày, xóa trong 20 ngày (lâu hơn nếu bên xử lý, bên thứ ba phải thực hiện), được gia hạn một lần (Điều 5 Nghị định 356/2025/NĐ-CP).")}
	body := container.NewVBox(
		title, intro, fields, actions, s.msg, s.results,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, s.newRequest, logTitle), logIntro, s.logMsg, s.log,
	)
	s.home = container.NewVScroll(container.NewPadded(body))
	s.stack = container.NewStack(s.home)
	s.content = s.stack
	s.showActions()
	return s
}

// reload reads the request log, and searches again when a search is
// shown (a sync may have brought changes).
func (s *personScreen) reload() {
	s.showActions()
	s.gen++
	gen := s.gen
	q, found := s.shown, s.found
	s.run(func() {
		reqs, cal, err := s.loadLog()
		var d app.PersonData
		var ferr error
		if found {
			d, ferr = s.svc.FindPerson(s.ctx, q)
		}
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			s.applyLog(reqs, cal, err)
			if found {
				s.applyFound(q, d, ferr)
			}
		})
	})
}

// loadLog reads the requests and the calendar. It touches no widget.
func (s *personScreen) loadLog() ([]app.DataRequest, *app.Calendar, error) {
	if s.records == nil {
		return nil, nil, errNoRecords
	}
	recs, err := s.records.Records(s.ctx, app.EntityDataRequest, app.RecordQuery{})
	if err != nil {
		return nil, nil, err
	}
	var out []app.DataRequest
	for _, r := range recs {
		if v, ok := r.(*app.DataRequest); ok {
			out = append(out, *v)
		}
	}
	var cal *app.Calendar
	if s.formDeps.svc != nil {
		if cal, err = s.formDeps.svc.WorkingCalendar(s.ctx); err != nil {
			return nil, nil, err
		}
	}
	return out, cal, nil
}

// clear forgets the search and what it found (the window locks: the next
// officer does not see a person's records).
func (s *personScreen) clear() {
	s.gen++
	for _, e := range []*widget.Entry{s.name, s.phone, s.address} {
		e.SetText("")
	}
	s.shown, s.data, s.found = app.PersonQuery{}, app.PersonData{}, false
	s.results.Objects = nil
	s.results.Refresh()
	s.showMsg("", false)
	s.showActions()
}

// search finds the person the fields describe.
func (s *personScreen) search() {
	q := app.PersonQuery{Name: s.name.Text, Phone: s.phone.Text, Address: s.address.Text}
	if q.Empty() {
		s.showMsg(lang.X("pdata.query.empty", "Nhập họ tên, số điện thoại hoặc địa chỉ của người cần tìm."), true)
		return
	}
	s.gen++
	gen := s.gen
	s.find.Disable()
	s.run(func() {
		d, err := s.svc.FindPerson(s.ctx, q)
		fyne.Do(func() {
			s.find.Enable()
			if gen == s.gen {
				s.applyFound(q, d, err)
			}
		})
	})
}

func (s *personScreen) applyFound(q app.PersonQuery, d app.PersonData, err error) {
	if err != nil {
		logError("find person", err)
		s.showMsg(lang.X("pdata.find_failed", "Không tìm được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), true)
		return
	}
	s.shown, s.data, s.found = q, d, true
	if d.Truncated {
		s.showMsg(lang.X("pdata.truncated", "Có hơn {{.N}} vụ việc phù hợp, đây là nhiều người chứ không phải một người: chỉ hiện {{.N}} vụ việc. Hãy nhập thêm họ tên hoặc số điện thoại để thu hẹp; chưa xuất hoặc hạn chế được.",
			map[string]any{"N": app.PersonCaseLimit}), true)
	} else if d.Records() == 0 {
		s.showMsg(lang.X("pdata.none", "Không có bản ghi nào về người này."), false)
	} else {
		s.showMsg(lang.X("pdata.found", "Tìm thấy {{.N}} bản ghi: {{.Cases}} vụ việc, {{.People}} hồ sơ người tham dự, {{.Att}} lần tham gia tập huấn, sự kiện, {{.Req}} yêu cầu về dữ liệu.",
			map[string]any{"N": d.Records(), "Cases": len(d.Cases), "People": len(d.Participants), "Att": len(d.Attendance), "Req": len(d.Requests)}), false)
	}
	s.showResults()
	s.showActions()
}

func (s *personScreen) showMsg(text string, bad bool) {
	s.msg.Importance = widget.MediumImportance
	if bad {
		s.msg.Importance = widget.DangerImportance
	}
	s.msg.SetText(text)
}

// restrictedMark is what marks a restricted record.
func restrictedMark() string {
	return lang.X("pdata.restricted", "ĐANG HẠN CHẾ XỬ LÝ")
}

// resultRow is one found record: its marks (restricted, voided) before
// its text, and a button to open it.
func resultRow(text string, restricted, voided bool, open func()) fyne.CanvasObject {
	l := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
	var marks []string
	if restricted {
		marks = append(marks, restrictedMark())
	}
	if voided {
		marks = append(marks, lang.X("pdata.voided", "đã hủy do nhập nhầm"))
	}
	var left, right fyne.CanvasObject
	if len(marks) > 0 {
		left = container.NewVBox(&widget.Label{Text: strings.Join(marks, " · "), Importance: widget.WarningImportance,
			TextStyle: fyne.TextStyle{Bold: true}})
	}
	if open != nil {
		// At the top of the row, not stretched over a wrapped text.
		right = container.NewVBox(&widget.Button{Text: lang.X("pdata.edit", "Sửa"), Icon: theme.DocumentCreateIcon(), OnTapped: open})
	}
	return container.NewBorder(nil, nil, left, right, l)
}

// showResults lists what was found, by kind.
//
// A restricted case or participant (and the attendance of a restricted
// participant) is shown only to the leader (app.SeesRestricted): another
// officer sees that such a record exists, so that the request can be
// handed to the leader, but not what it holds.
func (s *personScreen) showResults() {
	d := &s.data
	leader := s.leader()
	hidden := func() fyne.CanvasObject {
		return resultRow(lang.X("pdata.restricted.hidden", "Bản ghi đang hạn chế xử lý: chỉ lãnh đạo xã, phường xem được."), true, false, nil)
	}
	restrictedPeople := map[string]bool{}
	for _, p := range d.Participants {
		if p.Restricted {
			restrictedPeople[p.ID] = true
		}
	}
	var rows []fyne.CanvasObject
	group := func(title string, n int) {
		rows = append(rows, &widget.Label{Text: fmt.Sprintf("%s (%d)", title, n), TextStyle: fyne.TextStyle{Bold: true}})
		if n == 0 {
			rows = append(rows, &widget.Label{Text: lang.X("pdata.group.none", "Không có."), Importance: widget.LowImportance})
		}
	}
	group(lang.X("pdata.group.cases", "Vụ việc"), len(d.Cases))
	for i := range d.Cases {
		c := d.Cases[i]
		if c.Restricted && !leader {
			rows = append(rows, hidden())
			continue
		}
		rows = append(rows, resultRow(s.caseText(&c), c.Restricted, c.Voided, func() {
			if s.onEditCase != nil {
				s.onEditCase(&c)
			}
		}))
	}
	group(lang.X("pdata.group.people", "Người tham dự tập huấn, sự kiện"), len(d.Participants))
	for i := range d.Participants {
		p := d.Participants[i]
		if p.Restricted && !leader {
			rows = append(rows, hidden())
			continue
		}
		text := joinNonEmpty(" · ", p.FullName, p.Phone, p.Workplace)
		rows = append(rows, resultRow(text, p.Restricted, p.Voided, func() {
			if s.onEditPerson != nil {
				s.onEditPerson(&p)
			}
		}))
	}
	group(lang.X("pdata.group.attendance", "Tham gia tập huấn, sự kiện"), len(d.Attendance))
	for _, a := range d.Attendance {
		if restrictedPeople[a.ParticipantID] && !leader {
			rows = append(rows, hidden())
			continue
		}
		text := joinNonEmpty(" · ", a.SessionTitle, formatDay(a.SessionDate), app.AttendanceStatuses.Label(a.Status), a.Person)
		rows = append(rows, resultRow(text, false, a.Voided, nil))
	}
	group(lang.X("pdata.group.requests", "Yêu cầu về dữ liệu"), len(d.Requests))
	for i := range d.Requests {
		r := d.Requests[i]
		rows = append(rows, resultRow(s.requestText(&r), false, r.Voided, func() { s.openRequest(&r) }))
	}
	s.results.Objects = rows
	s.results.Refresh()
}

// caseText says which case it is and how the person appears in it.
func (s *personScreen) caseText(c *app.Case) string {
	who := lang.X("pdata.case.consumer", "Người tiêu dùng: {{.Name}}", map[string]any{"Name": c.ConsumerName})
	if c.RepresentativeName != "" && app.MatchesPersonName(app.PersonKey(s.shown.Name), c.RepresentativeName) &&
		!app.MatchesPersonName(app.PersonKey(s.shown.Name), c.ConsumerName) {
		who = lang.X("pdata.case.representative", "Người đại diện: {{.Name}} (cho {{.Consumer}})",
			map[string]any{"Name": c.RepresentativeName, "Consumer": c.ConsumerName})
	}
	received := ""
	if !c.ReceivedAt.IsZero() {
		received = FormatDate(c.ReceivedAt)
	}
	return joinNonEmpty(" · ", lang.X("pdata.case.number", "Số {{.N}}", map[string]any{"N": c.Number}), received, who,
		c.ConsumerPhone, c.ConsumerAddress, app.CaseStatuses.Label(c.Status))
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// showActions shows the buttons the search and the role allow.
func (s *personScreen) showActions() {
	leader := s.leader()
	if leader {
		s.unrestrict.Show()
	} else {
		s.unrestrict.Hide()
	}
	has := s.found && s.data.Records() > 0 && !s.data.Truncated
	toRestrict, toRestrictP := s.data.Changing(true)
	toLift, toLiftP := s.data.Changing(false)
	// What is restricted leaves the commune only by the leader's hand.
	enable(s.export, has && (leader || !s.data.HasRestricted()))
	enable(s.restrict, has && len(toRestrict)+len(toRestrictP) > 0)
	enable(s.unrestrict, has && len(toLift)+len(toLiftP) > 0)
}

// leader reports whether the signed-in officer sees restricted records.
func (s *personScreen) leader() bool { return s.role != nil && app.SeesRestricted(s.role()) }

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// askRestrict asks the reason, then restricts (or lifts the restriction of)
// every found case and participant record.
func (s *personScreen) askRestrict(restrict bool) {
	if !restrict && (s.role == nil || !app.SeesRestricted(s.role())) {
		return // the leader's only
	}
	cases, people := s.data.Changing(restrict)
	if s.data.Truncated || len(cases)+len(people) == 0 {
		return
	}
	reason := newFormEntry(true)
	reason.SetMinRowsVisible(3)
	reason.SetPlaceHolder(lang.X("pdata.restrict.placeholder", "Ví dụ: theo yêu cầu của người tiêu dùng nhận ngày 22/11/2026"))
	errLabel := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	errLabel.Hide()
	title := lang.X("pdata.restrict.title", "Hạn chế xử lý dữ liệu của người này?")
	text := lang.X("pdata.restrict.message", "{{.Cases}} vụ việc và {{.People}} hồ sơ người tham dự sẽ được đánh dấu hạn chế xử lý: chúng không còn hiện trong danh sách vụ việc, danh bạ và danh sách tham dự của cán bộ (trừ lãnh đạo), nhưng vẫn được lưu để tiếp tục giải quyết theo quy định. Việc này được ghi vào nhật ký truy xuất dữ liệu.",
		map[string]any{"Cases": len(cases), "People": len(people)})
	confirm := lang.X("pdata.restrict.confirm", "Hạn chế xử lý")
	if !restrict {
		title = lang.X("pdata.unrestrict.title", "Bỏ hạn chế xử lý dữ liệu của người này?")
		text = lang.X("pdata.unrestrict.message", "{{.Cases}} vụ việc và {{.People}} hồ sơ người tham dự sẽ hiện lại trong các danh sách. Việc này được ghi vào nhật ký truy xuất dữ liệu.",
			map[string]any{"Cases": len(cases), "People": len(people)})
		confirm = lang.X("pdata.unrestrict.confirm", "Bỏ hạn chế")
	}
	msg := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
	content := container.NewVBox(msg, widget.NewLabel(lang.X("pdata.restrict.reason", "Lý do *")), reason, errLabel)
	var d *dialog.CustomDialog
	do := func() {
		why := strings.TrimSpace(reason.Text)
		if why == "" {
			errLabel.SetText(lang.X("pdata.restrict.reason_required", "Cần ghi lý do."))
			errLabel.Show()
			s.win.Canvas().Focus(reason)
			return
		}
		d.Hide()
		r := app.Restriction{CaseIDs: cases, ParticipantIDs: people, Restrict: restrict, Reason: why}
		s.run(func() {
			err := s.svc.SetRestricted(s.ctx, r)
			fyne.Do(func() {
				if err != nil {
					logError("restrict", err)
					s.showMsg(lang.X("pdata.restrict.failed", "Chưa thay đổi được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), true)
					return
				}
				s.reload()
				if s.onChanged != nil {
					s.onChanged()
				}
			})
		})
	}
	// Buttons of its own: a missing reason keeps the dialog open.
	d = dialog.NewCustomWithoutButtons(title, content, s.win)
	d.SetButtons([]fyne.CanvasObject{
		&widget.Button{Text: lang.X("pdata.cancel", "Thôi"), Icon: theme.CancelIcon(), OnTapped: func() { d.Hide() }},
		&widget.Button{Text: confirm, Icon: theme.ConfirmIcon(), Importance: widget.DangerImportance, OnTapped: do},
	})
	d.Resize(fyne.NewSize(560, 360))
	d.Show()
	s.win.Canvas().Focus(reason)
}

// askExport asks who asked and why, then where to save the file.
func (s *personScreen) askExport() {
	if !s.found || s.data.Records() == 0 || s.data.Truncated {
		return
	}
	who := widget.NewEntry()
	who.SetText(strings.TrimSpace(s.name.Text))
	why := widget.NewEntry()
	why.SetText(lang.X("pdata.export.reason.default", "Yêu cầu xem, cung cấp dữ liệu cá nhân"))
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("pdata.export.requester", "Người yêu cầu"), who),
		widget.NewFormItem(lang.X("pdata.export.reason", "Nội dung yêu cầu"), why),
	}
	d := dialog.NewForm(lang.X("pdata.export.title", "Xuất dữ liệu cho người yêu cầu"), lang.X("pdata.export.go", "Chọn nơi lưu…"),
		lang.X("pdata.cancel", "Thôi"), items, func(ok bool) {
			if ok {
				s.exportTo(who.Text, why.Text)
			}
		}, s.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}

// exportTo writes the export of the person's data where the officer
// chooses.
func (s *personScreen) exportTo(requester, reason string) {
	d := s.data
	e := app.PersonExport{Query: s.shown, Requester: strings.TrimSpace(requester), Reason: strings.TrimSpace(reason),
		Officer: s.officerNow()}
	if u, ok := lookupUnit(s.refs, s.unit); ok {
		e.UnitName = u.Name
	}
	name := "du-lieu-ca-nhan-" + s.now().In(ICT).Format("20060102-1504") + ".xlsx"
	s.saveTo(name, func(w io.Writer) error { return s.svc.ExportPerson(s.ctx, &d, e, w) }, func(path string, err error) {
		if err != nil {
			logError("export person", err)
			s.showMsg(lang.X("pdata.export.failed", "Chưa xuất được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), true)
			return
		}
		s.showMsg(lang.X("pdata.export.done", "Đã lưu dữ liệu của người này vào {{.Path}}. Việc xuất đã được ghi vào nhật ký truy xuất dữ liệu.",
			map[string]any{"Path": path}), false)
		if s.onChanged != nil {
			s.onChanged() // the audit record is sent soon
		}
	})
}

// saveFileDialog asks where to save name; write runs off the Fyne
// goroutine and done on it. A failed write leaves no file behind.
func saveFileDialog(win fyne.Window, name string, write func(io.Writer) error, done func(string, error)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			done("", err)
			return
		}
		if wc == nil { // cancelled
			return
		}
		go func() {
			werr := write(wc)
			if cerr := wc.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				_ = fstorage.Delete(wc.URI())
			}
			fyne.Do(func() { done(wc.URI().Path(), werr) })
		}()
	}, win)
	d.SetFileName(name)
	d.SetFilter(fstorage.NewExtensionFileFilter([]string{".xlsx"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// applyLog shows the request log, the open requests first (the soonest
// deadline first), then the done ones, newest first.
func (s *personScreen) applyLog(reqs []app.DataRequest, cal *app.Calendar, err error) {
	if err != nil {
		logError("load data requests", err)
		s.logMsg.Importance = widget.DangerImportance
		s.logMsg.SetText(lang.X("pdata.log.failed", "Không tải được sổ theo dõi yêu cầu: {{.Reason}}", map[string]any{"Reason": userMessage(err)}))
		s.logMsg.Show()
		return
	}
	s.requests, s.cal = reqs, cal
	var open, done []app.DataRequest
	for _, r := range reqs {
		if r.Voided {
			continue
		}
		if r.DoneDate == "" {
			open = append(open, r)
		} else {
			done = append(done, r)
		}
	}
	sort.SliceStable(open, func(i, j int) bool {
		a, _ := open[i].Due(cal)
		b, _ := open[j].Due(cal)
		return a.Before(b)
	})
	sort.SliceStable(done, func(i, j int) bool { return done[i].ReceivedDate > done[j].ReceivedDate })
	s.logMsg.Importance = widget.MediumImportance
	overdue := 0
	for i := range open {
		if open[i].Overdue(cal, s.now()) {
			overdue++
		}
	}
	switch {
	case len(open)+len(done) == 0:
		s.logMsg.SetText(lang.X("pdata.log.empty", "Chưa ghi nhận yêu cầu nào. Bấm “Ghi nhận yêu cầu mới” khi một người yêu cầu xem, sửa, hạn chế, phản đối hoặc xóa dữ liệu của họ."))
	case overdue > 0:
		s.logMsg.Importance = widget.DangerImportance
		s.logMsg.SetText(lang.X("pdata.log.overdue", "{{.Open}} yêu cầu đang xử lý, {{.Overdue}} yêu cầu đã quá hạn.",
			map[string]any{"Open": len(open), "Overdue": overdue}))
	default:
		s.logMsg.SetText(lang.X("pdata.log.count", "{{.Open}} yêu cầu đang xử lý, {{.Done}} yêu cầu đã xong.",
			map[string]any{"Open": len(open), "Done": len(done)}))
	}
	s.logMsg.Show()
	var rows []fyne.CanvasObject
	for _, list := range [][]app.DataRequest{open, done} {
		for i := range list {
			r := list[i]
			rows = append(rows, s.requestRow(&r))
		}
	}
	s.log.Objects = rows
	s.log.Refresh()
}

// requestText is one request: when, who, what, and its deadline and state.
func (s *personScreen) requestText(r *app.DataRequest) string {
	return joinNonEmpty(" · ", formatDay(r.ReceivedDate), r.PersonName, r.PersonPhone, app.DataRequestKinds.Label(r.RequestKind))
}

// requestState says the request's deadline and whether it is met.
func (s *personScreen) requestState(r *app.DataRequest) (string, bool) {
	var parts []string
	if d, ok := r.AnswerDue(s.cal); ok {
		parts = append(parts, lang.X("pdata.req.answer_due", "Hạn trả lời: {{.Day}}", map[string]any{"Day": FormatDate(d)}))
	}
	if d, ok := r.CarryOutDue(); ok {
		parts = append(parts, lang.X("pdata.req.carry_due", "Hạn thực hiện: {{.Day}}", map[string]any{"Day": FormatDate(d)}))
	}
	overdue := r.Overdue(s.cal, s.now())
	switch {
	case r.DoneDate != "" && overdue:
		parts = append(parts, lang.X("pdata.req.done_late", "Xong ngày {{.Day}} (trễ hạn)", map[string]any{"Day": formatDay(r.DoneDate)}))
	case r.DoneDate != "":
		parts = append(parts, lang.X("pdata.req.done", "Xong ngày {{.Day}}", map[string]any{"Day": formatDay(r.DoneDate)}))
	case overdue:
		parts = append(parts, lang.X("pdata.req.overdue", "QUÁ HẠN"))
	default:
		parts = append(parts, lang.X("pdata.req.open", "Đang xử lý"))
	}
	return strings.Join(parts, " · "), overdue
}

func (s *personScreen) requestRow(r *app.DataRequest) fyne.CanvasObject {
	state, overdue := s.requestState(r)
	st := &widget.Label{Text: state, Wrapping: fyne.TextWrapWord}
	if overdue {
		st.Importance, st.TextStyle = widget.DangerImportance, fyne.TextStyle{Bold: true}
	}
	l := &widget.Label{Text: s.requestText(r), Wrapping: fyne.TextWrapWord}
	open := &widget.Button{Text: lang.X("pdata.edit", "Sửa"), Icon: theme.DocumentCreateIcon(), OnTapped: func() { s.openRequest(r) }}
	return container.NewBorder(nil, nil, nil, container.NewVBox(open), container.NewVBox(l, st))
}

// openRequest shows the form of a request (nil: a new one, with the
// person searched for).
func (s *personScreen) openRequest(orig *app.DataRequest) {
	if s.records == nil {
		return
	}
	title := lang.X("datareq.new", "Ghi nhận yêu cầu về dữ liệu cá nhân")
	if orig != nil {
		title = lang.X("datareq.edit", "Yêu cầu của {{.Name}}", map[string]any{"Name": orig.PersonName})
	}
	deps := s.formDeps
	deps.officer = s.officerNow()
	f := newForm[app.DataRequest](deps, orig, title, "data request")
	f.discardText = lang.X("datareq.discard", "Những gì vừa nhập cho yêu cầu này sẽ không được lưu.")
	f.failed = func(reason string) string {
		return lang.X("datareq.save_failed", "Chưa lưu được yêu cầu: {{.Reason}}", map[string]any{"Reason": reason})
	}
	f.store = recordStore[app.DataRequest](s.records)
	if orig != nil {
		f.voider = outreachVoid(s.records, orig.PersonName, func(r *app.DataRequest) *string { return &r.Note })
	}
	req := func(t string) string { return t + " *" }
	type R = app.DataRequest
	hint := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	hint.Hide()
	body := container.NewVBox(
		f.section(lang.X("datareq.section.person", "Người yêu cầu"),
			f.textField("person_name", req(lang.X("datareq.person_name", "Họ tên")), 1, "", func(r *R) *string { return &r.PersonName }),
			f.textField("person_phone", lang.X("datareq.person_phone", "Số điện thoại"), 1,
				lang.X("notice.phone.placeholder", "Ví dụ: 0912 345 678"), func(r *R) *string { return &r.PersonPhone }),
			f.textField("person_address", lang.X("datareq.person_address", "Địa chỉ"), 1, "", func(r *R) *string { return &r.PersonAddress }),
		),
		f.section(lang.X("datareq.section.request", "Yêu cầu"),
			f.dayField("received_date", req(lang.X("datareq.received_date", "Ngày nhận yêu cầu")), func(r *R) *string { return &r.ReceivedDate }),
			f.codeField("request_kind", req(lang.X("datareq.kind", "Loại yêu cầu")), app.DataRequestKinds, func(r *R) *string { return &r.RequestKind }),
			f.codeField("received_via", req(lang.X("datareq.via", "Cách nhận")), app.DataRequestChannels, func(r *R) *string { return &r.ReceivedVia }),
			hint,
			f.flagField("third_party", lang.X("datareq.third_party.label", "Bên thứ ba"),
				lang.X("datareq.third_party", "Có bên xử lý, bên thứ ba phải thực hiện (thời hạn dài hơn)"), func(r *R) *bool { return &r.ThirdParty }),
			f.countField("extension_days", lang.X("datareq.extension", "Số ngày gia hạn (một lần)"), "0",
				lang.X("datareq.extension.bad", "Nhập số ngày từ 0 đến 20."), app.MaxRequestExtension, func(r *R) *int { return &r.ExtensionDays }),
		),
		f.section(lang.X("datareq.section.done", "Kết quả"),
			f.textField("action", lang.X("datareq.action", "Việc đã làm"), 2,
				lang.X("datareq.action.placeholder", "Ví dụ: đã xuất dữ liệu và giao cho người yêu cầu; đã hạn chế xử lý 2 vụ việc"), func(r *R) *string { return &r.Action }),
			f.dayField("done_date", lang.X("datareq.done_date", "Ngày hoàn thành"), func(r *R) *string { return &r.DoneDate }),
			f.textField("officer", lang.X("datareq.officer", "Cán bộ tiếp nhận"), 1, "", func(r *R) *string { return &r.Officer }),
		),
		f.textField("note", lang.X("datareq.note", "Ghi chú"), 2, "", func(r *R) *string { return &r.Note }),
	)
	start := R{ReceivedDate: s.now().In(ICT).Format(time.DateOnly), ReceivedVia: "truc_tiep", Officer: deps.officer,
		PersonName: strings.TrimSpace(s.name.Text), PersonPhone: strings.TrimSpace(s.phone.Text),
		PersonAddress: strings.TrimSpace(s.address.Text)}
	start.UnitCode = s.unit
	f.finish(body, start)
	f.onDone = func(saved *app.DataRequest) {
		s.form = nil
		s.stack.Objects = []fyne.CanvasObject{s.home}
		s.stack.Refresh()
		if saved != nil {
			s.reload()
			if s.onChanged != nil {
				s.onChanged()
			}
		}
	}
	// What the law says of the kind chosen, for the answer.
	showHint := func() {
		text := requestHint(f.choice("request_kind").Code())
		hint.SetText(text)
		if text == "" {
			hint.Hide()
		} else {
			hint.Show()
		}
	}
	f.onChange("request_kind", showHint)
	showHint()
	s.form = f
	s.stack.Objects = []fyne.CanvasObject{f.content}
	s.stack.Refresh()
	f.focusFirst()
}

// requestHint says what Luật 91/2025/QH15 provides for a kind of request
// to the commune, which processes the data for its task without consent
// (Điều 19 khoản 1 điểm c); "" for none.
func requestHint(kind string) string {
	switch kind {
	case app.RequestDelete:
		return lang.X("datareq.hint.delete", "Dữ liệu UBND xử lý để thực hiện nhiệm vụ (Điều 19 Luật Bảo vệ dữ liệu cá nhân) không bị xóa theo yêu cầu (Điều 14 khoản 2): trả lời người yêu cầu và nêu rõ lý do (Điều 14 khoản 5). Dữ liệu được ẩn danh khi hết thời hạn lưu trữ.")
	case app.RequestRestrict, app.RequestObject:
		return lang.X("datareq.hint.restrict", "Quyền yêu cầu hạn chế, phản đối không áp dụng bắt buộc với việc xử lý theo Điều 19 Luật Bảo vệ dữ liệu cá nhân (Điều 10 khoản 1), nhưng UBND có thể hạn chế xử lý: tìm người này và bấm “Hạn chế xử lý…”.")
	case app.RequestSee:
		return lang.X("datareq.hint.see", "Tìm người này và bấm “Xuất cho người yêu cầu…” để lập tệp dữ liệu giao cho họ (Điều 15 khoản 2 điểm a).")
	case app.RequestCorrect:
		return lang.X("datareq.hint.correct", "Tìm người này và bấm “Sửa” ở bản ghi cần sửa (Điều 13); không sửa được thì thông báo lý do cho người yêu cầu.")
	}
	return ""
}
