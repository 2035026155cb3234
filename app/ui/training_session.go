package ui

import (
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// maxSuggestions is how many people the fast entry offers at once.
const maxSuggestions = 5

// sessionView is the screen of one training session: what it is, the
// counts, the trainer's fast entry and the register.
//
// The fast entry is made for the keyboard alone: type a few letters of a
// name (diacritics optional), ↓/↑ move the highlight, Enter marks the
// highlighted person present, saved at once; the box clears and keeps the
// focus for the next name. When nobody matches, Enter opens a small form
// for the new person, name filled in; Enter there saves them and marks
// them present. Escape clears the box or closes the small form.
type sessionView struct {
	formDeps
	id string

	s      app.TrainingSession
	loaded bool
	locked bool
	people []personEntry             // the participants of the store
	byID   map[string]int            // index in people by participant id
	orgs   []app.Organisation        // for workplace names
	att    map[string]app.Attendance // the register, by participant id
	coll   interface{ CompareString(a, b string) int }

	title   *widget.Label
	info    *widget.Label
	counts  *widget.Label
	lockMsg *widget.Label
	errMsg  *widget.Label // a failed load or save, in red
	note    *widget.Label // what the last entry did
	search  *keyEntry
	help    *widget.Label
	sugs    []int       // index in people of each suggestion shown
	hi      int         // the highlighted suggestion
	sugRows []*tapLabel // maxSuggestions labels, the unused ones hidden
	sugBox  *fyne.Container
	noMatch *widget.Label
	addNew  *widget.Button
	newBox  *fyne.Container // holds the new-person form while it is open
	newForm *newPersonForm
	top     *fyne.Container // everything above the register
	body    *fyne.Container // top, and the register under it
	regRows map[string]*registerRow
	reg     *fyne.Container
	empty   *widget.Label
	back    *widget.Button
	edit    *widget.Button
	imp     *widget.Button // "Nhập danh sách từ Excel…", while the register is open
	imports *importer      // nil hides imp

	onBack    func()
	onEdit    func(s *app.TrainingSession)
	onChanged func() // after the register changed

	content fyne.CanvasObject
}

// personEntry is a participant with their search words.
type personEntry struct {
	p     app.Participant
	name  []string // folded words of the name
	words []string // folded words of the name, workplace, organisation and phone
}

func newSessionView(d formDeps, id string) *sessionView {
	v := &sessionView{formDeps: d, id: id, byID: map[string]int{}, att: map[string]app.Attendance{},
		regRows: map[string]*registerRow{}, coll: app.NewCollator()}
	v.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Wrapping: fyne.TextWrapWord}
	v.info = &widget.Label{Wrapping: fyne.TextWrapWord}
	v.counts = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	v.lockMsg = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	v.lockMsg.Hide()
	v.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.errMsg.Hide()
	v.note = &widget.Label{Importance: widget.SuccessImportance, Wrapping: fyne.TextWrapWord}
	v.note.Hide()

	v.search = newKeyEntry(lang.X("attendance.search.placeholder", "Gõ tên người tham dự, ví dụ: nguyen van an"))
	v.search.OnChanged = func(string) { v.suggest() }
	v.search.onKey = v.onSearchKey
	v.help = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance,
		Text: lang.X("attendance.search.help", "Gõ vài chữ của tên (không cần dấu). ↓ ↑ để chọn, Enter để ghi có mặt. Không có trong danh sách: Enter để thêm người mới.")}
	for i := 0; i < maxSuggestions; i++ {
		i := i
		l := &tapLabel{onTap: func() { v.pick(i) }}
		l.Truncation = fyne.TextTruncateEllipsis
		l.ExtendBaseWidget(l)
		l.Hide()
		v.sugRows = append(v.sugRows, l)
	}
	v.noMatch = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	v.noMatch.Hide()
	objs := make([]fyne.CanvasObject, 0, maxSuggestions+1)
	for _, l := range v.sugRows {
		objs = append(objs, l)
	}
	v.sugBox = container.NewVBox(append(objs, v.noMatch)...)
	v.addNew = &widget.Button{Text: lang.X("attendance.add_new", "Thêm người mới"), Icon: theme.ContentAddIcon(),
		OnTapped: func() { v.openNewPerson(v.search.Text) }}
	v.newBox = container.NewVBox()

	v.reg = container.NewVBox()
	v.empty = &widget.Label{Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter,
		Text: lang.X("attendance.empty", "Chưa có ai trong danh sách tham dự. Gõ tên vào ô tìm kiếm ở trên để ghi người có mặt.")}

	v.back = &widget.Button{Text: lang.X("session.back", "Danh sách lớp"), Icon: theme.NavigateBackIcon(),
		OnTapped: func() {
			if v.onBack != nil {
				v.onBack()
			}
		}}
	v.edit = &widget.Button{Text: lang.X("session.edit", "Sửa thông tin lớp"), Icon: theme.DocumentCreateIcon(),
		OnTapped: func() {
			if v.onEdit != nil && v.loaded {
				s := v.s
				v.onEdit(&s)
			}
		}}
	v.edit.Disable()
	v.imp = &widget.Button{Text: lang.X("session.import", "Nhập danh sách từ Excel…"), Icon: theme.UploadIcon(),
		OnTapped: func() {
			if v.imports != nil && v.loaded && !v.locked {
				v.imports.start(app.ImportRoster, v.id, v.imported)
			}
		}}
	v.imp.Hide()

	head := container.NewBorder(nil, nil, v.back, container.NewHBox(v.imp, v.edit), v.title)
	entryRow := container.NewBorder(nil, nil, widget.NewLabel(lang.X("attendance.search.label", "Người tham dự:")), v.addNew, v.search)
	regHead := container.NewGridWithColumns(2,
		&widget.Label{Text: lang.X("attendance.register", "Danh sách tham dự"), TextStyle: fyne.TextStyle{Bold: true}},
		&widget.Label{Text: lang.X("attendance.register.columns", "Tình trạng · Ký tên"), Alignment: fyne.TextAlignTrailing})
	v.top = container.NewVBox(head, v.info, v.errMsg, v.lockMsg, widget.NewSeparator(), v.counts,
		entryRow, v.help, v.sugBox, v.newBox, v.note, widget.NewSeparator(), regHead)
	v.body = container.NewBorder(v.top, nil, nil, nil,
		container.NewVScroll(container.NewVBox(v.empty, v.reg)))
	v.content = v.body
	return v
}

// relayout lays the top part out again after its lines changed (the
// suggestions, the small form, a note): the GL driver would do it on the
// next frame, but only for what changed size, and the test driver not at
// all. The register below is moved, not rebuilt.
func (v *sessionView) relayout() {
	if v.body.Size().IsZero() {
		return
	}
	v.body.Layout.Layout(v.body.Objects, v.body.Size())
	v.top.Layout.Layout(v.top.Objects, v.top.Size())
}

// sessionData is what the session screen loads.
type sessionData struct {
	s      app.TrainingSession
	people []app.Participant
	orgs   []app.Organisation
	att    []app.Attendance
}

// load reads the session, the participants and the register off the Fyne
// goroutine and shows them.
func (v *sessionView) load() {
	hide := v.hidesRestricted()
	v.run(func() {
		data, err := v.fetch(hide)
		fyne.Do(func() { v.apply(data, err) })
	})
}

// fetch reads what the screen shows (without the attendance of people
// whose processing is restricted, with hide). It touches no widget.
func (v *sessionView) fetch(hide bool) (sessionData, error) {
	var data sessionData
	if v.records == nil {
		return data, errNoRecords
	}
	if err := v.records.GetRecord(v.ctx, v.id, &data.s); err != nil {
		return data, err
	}
	var err error
	if data.people, data.orgs, err = loadPeople(v.ctx, v.records); err != nil {
		return data, err
	}
	recs, err := v.records.Records(v.ctx, app.EntityAttendance, app.RecordQuery{SessionID: v.id, HideRestricted: hide})
	if err != nil {
		return data, err
	}
	for _, r := range recs {
		if a, ok := r.(*app.Attendance); ok {
			data.att = append(data.att, *a)
		}
	}
	return data, nil
}

// apply shows what was loaded.
func (v *sessionView) apply(data sessionData, err error) {
	if err != nil {
		logError("load training session", err)
		v.errMsg.SetText(lang.X("session.load_failed", "Không tải được lớp tập huấn: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		v.errMsg.Show()
		v.relayout()
		return
	}
	v.errMsg.Hide()
	first := !v.loaded
	v.s, v.loaded = data.s, true
	v.edit.Enable()
	v.orgs = data.orgs
	v.people, v.byID = nil, map[string]int{}
	for _, p := range data.people {
		v.addPerson(p)
	}
	v.att = map[string]app.Attendance{}
	for _, a := range data.att {
		v.att[a.ParticipantID] = a
	}
	v.showSession()
	for pid := range v.regRows {
		v.upsertRow(pid)
	}
	v.showRegister()
	v.suggest()
	if first && !v.locked && v.win != nil && v.newForm == nil {
		v.win.Canvas().Focus(v.search) // ready for the first name
	}
}

// addPerson adds p to the people the fast entry searches, or updates it.
func (v *sessionView) addPerson(p app.Participant) {
	org := ""
	for _, o := range v.orgs {
		if o.ID == p.OrganisationID {
			org = o.Name
			break
		}
	}
	e := personEntry{p: p, name: foldedWords(p.FullName),
		words: foldedWords(strings.Join([]string{p.FullName, p.Workplace, org, p.Phone}, " "))}
	if i, ok := v.byID[p.ID]; ok {
		v.people[i] = e
		return
	}
	v.byID[p.ID] = len(v.people)
	v.people = append(v.people, e)
}

// showSession fills the header: title, when, where, who, the lock.
func (v *sessionView) showSession() {
	s := &v.s
	v.title.SetText(s.Title)
	var lines []string
	when := formatDay(s.StartDate)
	if s.EndDate != "" && s.EndDate != s.StartDate {
		when += " – " + formatDay(s.EndDate)
	}
	lines = append(lines, lang.X("session.info.when", "Thời gian: {{.When}} · Tình trạng: {{.Status}}",
		map[string]any{"When": when, "Status": listLabel(app.ActivityStatuses, s.Status)}))
	if s.Venue != "" {
		lines = append(lines, lang.X("session.info.venue", "Địa điểm: {{.Venue}}", map[string]any{"Venue": s.Venue}))
	}
	if s.Trainers != "" {
		lines = append(lines, lang.X("session.info.trainers", "Báo cáo viên: {{.Trainers}}", map[string]any{"Trainers": s.Trainers}))
	}
	if len(s.Audiences) > 0 {
		var aud []string
		for _, a := range s.Audiences {
			aud = append(aud, listLabel(app.ParticipantTypes, a))
		}
		lines = append(lines, lang.X("session.info.audiences", "Đối tượng: {{.List}}", map[string]any{"List": strings.Join(aud, "; ")}))
	}
	v.info.SetText(strings.Join(lines, "\n"))

	v.locked = app.AttendanceLocked(s, v.now())
	if v.locked {
		if s.Status == "da_bao_cao" {
			v.lockMsg.SetText(lang.X("attendance.locked.reported", "Lớp đã báo cáo: danh sách tham dự đã khóa, chỉ xem."))
		} else {
			v.lockMsg.SetText(lang.X("attendance.locked.days", "Lớp đã tổ chức quá {{.N}} ngày: danh sách tham dự đã khóa, chỉ xem.",
				map[string]any{"N": app.AttendanceLockDays}))
		}
		v.lockMsg.Show()
		v.imp.Hide()
		v.search.Disable()
		v.addNew.Disable()
		v.closeNewPerson(false)
	} else if msg := app.AttendanceNotYet(s, attPresent, v.now()); msg != "" {
		// Planned for a later day: the fast entry and the roster import
		// mark people present, which cannot be yet.
		v.lockMsg.SetText(msg)
		v.lockMsg.Show()
		v.imp.Hide()
		v.search.Disable()
		v.addNew.Disable()
		v.closeNewPerson(false)
	} else {
		v.lockMsg.Hide()
		if v.imports != nil {
			v.imp.Show()
		}
		v.search.Enable()
		v.addNew.Enable()
	}
}

// imported follows a roster import: the register again, and the hook.
func (v *sessionView) imported() {
	v.load()
	if v.onChanged != nil {
		v.onChanged()
	}
}

// showCounts shows present / on the register / planned.
func (v *sessionView) showCounts() {
	present, registered := 0, 0
	for _, a := range v.att {
		if a.Voided {
			continue
		}
		registered++
		if a.Status == attPresent {
			present++
		}
	}
	v.counts.SetText(lang.X("attendance.counts", "Có mặt: {{.Present}} · Trong danh sách: {{.Registered}} · Dự kiến: {{.Planned}}",
		map[string]any{"Present": FormatInt(int64(present)), "Registered": FormatInt(int64(registered)),
			"Planned": FormatInt(int64(v.s.Planned))}))
}

// personLabel is a person's name with what tells them apart.
func (v *sessionView) personLabel(p *app.Participant) string {
	parts := []string{personName(p)}
	if p.Type != "" {
		parts = append(parts, listLabel(app.ParticipantTypes, p.Type))
	}
	if w := v.workplaceOf(p); w != "" {
		parts = append(parts, w)
	}
	if n := len(p.Phone); n >= 3 {
		parts = append(parts, "…"+p.Phone[n-3:])
	}
	return strings.Join(parts, " · ")
}

func (v *sessionView) workplaceOf(p *app.Participant) string {
	if p.Workplace != "" {
		return p.Workplace
	}
	for _, o := range v.orgs {
		if o.ID == p.OrganisationID {
			return o.Name
		}
	}
	return ""
}

// suggest lists the people whose name (or workplace, or phone) starts
// with every word typed: the ones not yet present first, whole-word name
// matches before partial ones, then in Vietnamese alphabetical order.
func (v *sessionView) suggest() {
	q := foldedWords(v.search.Text)
	v.sugs = v.sugs[:0]
	v.hi = 0
	if len(q) == 0 || v.locked {
		v.showSuggestions(q)
		return
	}
	type cand struct {
		i, score int
		present  bool
	}
	var cands []cand
	for i := range v.people {
		e := &v.people[i]
		if e.p.Voided || !matchAllPrefixes(q, e.words) {
			continue
		}
		score := 0
		for _, w := range q {
			for _, n := range e.name {
				if n == w {
					score += 2
					break
				} else if strings.HasPrefix(n, w) {
					score++
					break
				}
			}
		}
		a, ok := v.att[e.p.ID]
		cands = append(cands, cand{i, score, ok && !a.Voided && a.Status == attPresent})
	}
	sort.SliceStable(cands, func(x, y int) bool {
		a, b := cands[x], cands[y]
		if a.present != b.present {
			return !a.present
		}
		if a.score != b.score {
			return a.score > b.score
		}
		return v.coll.CompareString(v.people[a.i].p.FullName, v.people[b.i].p.FullName) < 0
	})
	for i, c := range cands {
		if i == maxSuggestions {
			break
		}
		v.sugs = append(v.sugs, c.i)
	}
	v.showSuggestions(q)
}

// showSuggestions draws the suggestions, the highlighted one marked.
func (v *sessionView) showSuggestions(q []string) {
	for i, l := range v.sugRows {
		if i >= len(v.sugs) {
			l.Hide()
			continue
		}
		p := &v.people[v.sugs[i]].p
		text := v.personLabel(p)
		if a, ok := v.att[p.ID]; ok && !a.Voided && a.Status == attPresent {
			text += " " + lang.X("attendance.already_present", "(đã có mặt)")
		}
		if i == v.hi {
			l.Text = "▶ " + text
			l.Importance = widget.HighImportance
			l.TextStyle = fyne.TextStyle{Bold: true}
		} else {
			l.Text = "    " + text
			l.Importance = widget.MediumImportance
			l.TextStyle = fyne.TextStyle{}
		}
		l.Show()
		l.Refresh()
	}
	if len(q) > 0 && len(v.sugs) == 0 && !v.locked && v.newForm == nil {
		v.noMatch.SetText(lang.X("attendance.no_match", "Không có ai khớp với “{{.Q}}”. Nhấn Enter để thêm người mới.",
			map[string]any{"Q": app.NFC(v.search.Text)}))
		v.noMatch.Show()
	} else {
		v.noMatch.Hide()
	}
	v.relayout()
}

// onSearchKey moves the highlight (↓, ↑), picks (Enter) or clears
// (Escape).
func (v *sessionView) onSearchKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyDown:
		if v.hi+1 < len(v.sugs) {
			v.hi++
			v.showSuggestions(foldedWords(v.search.Text))
		}
		return true
	case fyne.KeyUp:
		if v.hi > 0 {
			v.hi--
			v.showSuggestions(foldedWords(v.search.Text))
		}
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case len(v.sugs) > 0:
			v.pick(v.hi)
		case app.NFC(v.search.Text) != "":
			v.openNewPerson(v.search.Text)
		}
		return true
	case fyne.KeyEscape:
		v.search.SetText("")
		return true
	}
	return false
}

// pick marks suggestion i present.
func (v *sessionView) pick(i int) {
	if i < 0 || i >= len(v.sugs) || v.locked {
		return
	}
	p := v.people[v.sugs[i]].p
	v.search.SetText("")
	if a, ok := v.att[p.ID]; ok && !a.Voided && a.Status == attPresent {
		v.showNote(lang.X("attendance.note.already", "{{.Name}} đã có mặt từ {{.Time}}.",
			map[string]any{"Name": p.FullName, "Time": FormatDateTime(a.CheckedInAt)}), false)
		return
	}
	v.mark([]app.Participant{p})
}

// mark records rows present off the Fyne goroutine (markAttendance) and
// shows the outcome; the search box keeps the focus meanwhile.
func (v *sessionView) mark(rows []app.Participant) {
	s := v.s
	known := make([]app.Participant, len(v.people))
	for i := range v.people {
		known[i] = v.people[i].p
	}
	orgs, now := v.orgs, v.now()
	v.run(func() {
		res, err := markAttendance(v.ctx, v.records, &s, rows, known, orgs, attPresent, now)
		fyne.Do(func() { v.applyMarked(rows, res, err) })
	})
}

// applyMarked shows what markAttendance did.
func (v *sessionView) applyMarked(rows []app.Participant, res []markResult, err error) {
	var names []string
	for _, r := range res {
		v.addPerson(r.Participant)
		v.att[r.Participant.ID] = r.Attendance
		v.upsertRow(r.Participant.ID)
		names = append(names, r.Participant.FullName)
	}
	if len(res) > 0 {
		v.showRegister()
		v.showNote(lang.X("attendance.note.marked", "Đã ghi có mặt: {{.Names}}", map[string]any{"Names": strings.Join(names, ", ")}), false)
		if v.onChanged != nil {
			v.onChanged()
		}
	}
	if err != nil {
		logError("mark attendance", err)
		who := ""
		if len(res) < len(rows) {
			who = rows[len(res)].FullName
		}
		v.showNote(lang.X("attendance.note.failed", "Chưa ghi được {{.Name}}: {{.Reason}}",
			map[string]any{"Name": who, "Reason": userMessage(err)}), true)
	}
	// The trainer may be typing the next name already: refresh the marks
	// "(đã có mặt)" but keep the highlight on the same person.
	keep := ""
	if v.hi < len(v.sugs) {
		keep = v.people[v.sugs[v.hi]].p.ID
	}
	v.suggest()
	for i, x := range v.sugs {
		if v.people[x].p.ID == keep && i != v.hi {
			v.hi = i
			v.showSuggestions(foldedWords(v.search.Text))
			break
		}
	}
}

func (v *sessionView) showNote(text string, bad bool) {
	v.note.Importance = widget.SuccessImportance
	if bad {
		v.note.Importance = widget.DangerImportance
	}
	v.note.SetText(text)
	v.note.Show()
	v.relayout()
}

// registerRow is one person on the register: name, status, signature.
type registerRow struct {
	pid    string
	label  *widget.Label
	status *keySelect
	signed *formCheck
	quiet  bool // set while the row is filled, so that no change is saved
	box    fyne.CanvasObject
}

// upsertRow creates or refills the row of participant pid.
func (v *sessionView) upsertRow(pid string) {
	r, ok := v.regRows[pid]
	if !ok {
		r = &registerRow{pid: pid, label: &widget.Label{Truncation: fyne.TextTruncateEllipsis}}
		r.status = newKeySelect(app.AttendanceStatuses, "")
		r.signed = newFormCheck(lang.X("attendance.signed", "Đã ký"), nil)
		r.status.OnChanged = func(string) {
			if !r.quiet {
				code := r.status.Code()
				v.saveRow(r, &code, nil)
			}
		}
		r.signed.OnChanged = func(b bool) {
			if !r.quiet {
				v.saveRow(r, nil, &b)
			}
		}
		r.box = container.NewBorder(nil, nil, nil, container.NewHBox(r.status, r.signed), r.label)
		v.regRows[pid] = r
	}
	a := v.att[pid]
	text := pid
	if i, ok := v.byID[pid]; ok {
		text = v.personLabel(&v.people[i].p)
	}
	if a.Status == attPresent && !a.CheckedInAt.IsZero() {
		text += " · " + a.CheckedInAt.In(ICT).Format("15:04")
	}
	r.quiet = true
	r.label.SetText(text)
	r.status.SetCode(a.Status)
	r.signed.SetChecked(a.Signed)
	if v.locked {
		r.status.Disable()
		r.signed.Disable()
	} else {
		r.status.Enable()
		r.signed.Enable()
	}
	r.quiet = false
}

// showRegister lays the rows out in alphabetical order, making the
// missing ones, and updates the counts. Rows already made are refilled by
// upsertRow where they change.
func (v *sessionView) showRegister() {
	var ids []string
	for pid, a := range v.att {
		if !a.Voided {
			ids = append(ids, pid)
		}
	}
	name := func(pid string) string {
		if i, ok := v.byID[pid]; ok {
			return v.people[i].p.FullName
		}
		return pid
	}
	sort.Slice(ids, func(i, j int) bool {
		if c := v.coll.CompareString(name(ids[i]), name(ids[j])); c != 0 {
			return c < 0
		}
		return ids[i] < ids[j]
	})
	objs := make([]fyne.CanvasObject, 0, len(ids))
	for _, pid := range ids {
		if _, ok := v.regRows[pid]; !ok {
			v.upsertRow(pid)
		}
		objs = append(objs, v.regRows[pid].box)
	}
	v.reg.Objects = objs
	v.reg.Refresh()
	if len(ids) == 0 {
		v.empty.Show()
	} else {
		v.empty.Hide()
	}
	v.showCounts()
}

// saveRow saves a changed status or signature; a failure puts the row back
// as stored.
func (v *sessionView) saveRow(r *registerRow, status *string, signed *bool) {
	s, pid, now := v.s, r.pid, v.now()
	v.run(func() {
		a, err := setAttendance(v.ctx, v.records, &s, pid, status, signed, now)
		fyne.Do(func() {
			if err != nil {
				logError("save attendance", err)
				v.showNote(lang.X("attendance.note.row_failed", "Chưa lưu được thay đổi: {{.Reason}}",
					map[string]any{"Reason": userMessage(err)}), true)
				v.upsertRow(pid)
				return
			}
			v.att[pid] = a
			v.upsertRow(pid)
			v.showCounts()
			if v.onChanged != nil {
				v.onChanged()
			}
		})
	})
}

// newPersonForm is the small form for someone not yet in the register of
// people: Enter in any field saves and marks them present, Escape goes
// back to the search box.
type newPersonForm struct {
	name      *keyEntry
	ptype     *keySelect
	workplace *keyEntry
	gender    *keySelect
	phone     *keyEntry
	errs      map[string]*widget.Label
	save      *widget.Button
	cancel    *widget.Button
	content   fyne.CanvasObject
}

// openNewPerson opens the small form with the name typed.
func (v *sessionView) openNewPerson(name string) {
	if v.locked || !v.loaded {
		return
	}
	if v.newForm != nil {
		v.win.Canvas().Focus(v.newForm.name)
		return
	}
	f := &newPersonForm{errs: map[string]*widget.Label{}}
	onKey := func(k fyne.KeyName) bool {
		switch k {
		case fyne.KeyReturn, fyne.KeyEnter:
			v.saveNewPerson()
			return true
		case fyne.KeyEscape:
			v.closeNewPerson(true)
			return true
		}
		return false
	}
	choose := lang.X("form.choose", "(Chọn)")
	f.name = newKeyEntry("")
	f.name.SetText(app.NFC(name))
	f.name.onKey = onKey
	f.ptype = newKeySelect(audiencesFirst(app.ParticipantTypes, v.s.Audiences), choose)
	f.ptype.onKey = onKey
	if len(v.s.Audiences) == 1 {
		// One audience: its people come. With several, the trainer
		// chooses: a default would class a resident as an official with
		// two Enters and count them toward T5 (the roster import's rule).
		f.ptype.SetCode(v.s.Audiences[0])
	}
	f.workplace = newKeyEntry(lang.X("attendance.new.workplace.placeholder", "Cơ quan, đoàn thể, cửa hàng…"))
	f.workplace.onKey = onKey
	f.gender = newKeySelect(app.Genders, choose)
	f.gender.onKey = onKey
	f.phone = newKeyEntry(lang.X("form.phone.placeholder", "Ví dụ: 0912 345 678"))
	f.phone.onKey = onKey
	f.save = &widget.Button{Text: lang.X("attendance.new.save", "Lưu và ghi có mặt"), Icon: theme.ConfirmIcon(),
		Importance: widget.HighImportance, OnTapped: v.saveNewPerson}
	f.cancel = &widget.Button{Text: lang.X("form.cancel", "Hủy"), Icon: theme.CancelIcon(),
		OnTapped: func() { v.closeNewPerson(true) }}
	cell := func(field, label string, in fyne.CanvasObject) fyne.CanvasObject {
		msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
		msg.Hide()
		f.errs[field] = msg
		return container.NewVBox(widget.NewLabel(label), in, msg)
	}
	title := &widget.Label{Text: lang.X("attendance.new.title", "Thêm người mới và ghi có mặt"), TextStyle: fyne.TextStyle{Bold: true}}
	grid := container.NewGridWithColumns(3,
		cell("full_name", lang.X("attendance.new.name", "Họ và tên *"), f.name),
		cell("participant_type", lang.X("attendance.new.type", "Đối tượng *"), f.ptype),
		cell("workplace", lang.X("attendance.new.workplace", "Nơi công tác, tổ chức"), f.workplace),
		cell("gender", lang.X("attendance.new.gender", "Giới tính"), f.gender),
		cell("phone", lang.X("attendance.new.phone", "Số điện thoại (nếu có)"), f.phone),
		container.NewVBox(widget.NewLabel(""), container.NewHBox(f.save, f.cancel)))
	f.content = container.NewVBox(widget.NewSeparator(), title, grid,
		&widget.Label{Text: lang.X("attendance.new.help", "Enter để lưu, Esc để quay lại ô tìm kiếm."), Importance: widget.LowImportance})
	v.newForm = f
	v.newBox.Objects = []fyne.CanvasObject{f.content}
	v.newBox.Refresh()
	v.noMatch.Hide()
	v.relayout()
	if v.win != nil {
		v.win.Canvas().Focus(f.name)
	}
}

// closeNewPerson closes the small form; refocus puts the cursor back in
// the search box.
func (v *sessionView) closeNewPerson(refocus bool) {
	if v.newForm == nil {
		return
	}
	v.newForm = nil
	v.newBox.Objects = nil
	v.newBox.Refresh()
	v.suggest()
	if refocus && v.win != nil && !v.locked {
		v.win.Canvas().Focus(v.search)
	}
}

// saveNewPerson checks the small form and, if it is good, saves the new
// person and marks them present; the search box gets the focus back at
// once.
func (v *sessionView) saveNewPerson() {
	f := v.newForm
	if f == nil {
		return
	}
	p := app.Participant{FullName: f.name.Text, Type: f.ptype.Code(), Workplace: f.workplace.Text,
		Gender: f.gender.Code(), Phone: f.phone.Text}
	if w := app.PersonKey(p.Workplace); w != "" {
		for _, o := range v.orgs {
			if !o.Voided && app.PersonKey(o.Name) == w {
				p.OrganisationID = o.ID
				break
			}
		}
	}
	bad := checkRecord(&p, v.refs, v.now())
	order := []fyne.Focusable{f.name, f.ptype, f.workplace, f.gender, f.phone}
	fields := []string{"full_name", "participant_type", "workplace", "gender", "phone"}
	for k, l := range f.errs {
		if msg, ok := bad[k]; ok {
			l.SetText(msg)
			l.Show()
		} else {
			l.Hide()
		}
	}
	v.relayout()
	for i, k := range fields {
		if _, ok := bad[k]; ok {
			if v.win != nil {
				v.win.Canvas().Focus(order[i])
			}
			return
		}
	}
	if len(bad) > 0 { // a field the small form does not show
		for _, msg := range bad {
			v.showNote(msg, true)
			return
		}
	}
	v.search.SetText("")
	v.closeNewPerson(true)
	v.mark([]app.Participant{p})
}

// audiencesFirst returns list with the codes of audiences first, in their
// order, then the others: → in the type picks the session's audiences.
func audiencesFirst(list app.CodeList, audiences []string) app.CodeList {
	out := make(app.CodeList, 0, len(list))
	for _, a := range audiences {
		for _, c := range list {
			if c.Code == a {
				out = append(out, c)
			}
		}
	}
	for _, c := range list {
		if !slices.Contains(audiences, c.Code) {
			out = append(out, c)
		}
	}
	return out
}
