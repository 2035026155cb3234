package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// outreachTaskRightsDay and outreachTaskCompliance are the plan tasks an
// outreach event serves: the Consumer Rights Day activities and the
// compliance conferences, workshops and roundtables (Kế hoạch 395, III.3
// and III.4).
const (
	outreachTaskRightsDay  = "III.3"
	outreachTaskCompliance = "III.4"
)

// outreachMaxReason is the longest void reason, in characters.
const outreachMaxReason = 200

// outreachForm is what the event form and the publication form share:
// labelled inputs with the red message under each, the buttons, saving
// only what changed, and voiding with a reason. Like the case form it is
// usable with the keyboard alone: Tab moves on, Space ticks and opens
// lists, the buttons at the end take Space or Enter.
type outreachForm struct {
	formDeps

	heading *widget.Label
	formErr *widget.Label // the summary of what went wrong, in red
	scroll  *container.Scroll

	// errs holds the message label under each field, by the field's JSON
	// name (the keys of app.Error.Fields).
	errs   map[string]*widget.Label
	inputs map[string]fyne.Focusable
	order  []string // field names in screen order

	save, cancel *widget.Button
	void         *widget.Button // nil for a new record
	saving       bool
	snapshot     func() string // every input's value in one string
	initial      string        // the snapshot as first shown
	discardText  string        // what the "discard changes?" dialog says

	voiding *outreachVoidDialog // the open void dialog, or nil
	onDone  func(saved bool)    // saved: a record was saved or voided

	content fyne.CanvasObject
}

func (f *outreachForm) init(d formDeps, heading string) {
	f.formDeps = d
	if f.ctx == nil {
		f.ctx = context.Background()
	}
	f.now = app.MustClock(f.now, "ui.outreachForm")
	f.errs, f.inputs = map[string]*widget.Label{}, map[string]fyne.Focusable{}
	f.heading = &widget.Label{Text: heading, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText,
		Wrapping: fyne.TextWrapWord}
	f.formErr = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	f.formErr.Hide()
}

// reveal scrolls the form to the input that got the focus.
func (f *outreachForm) reveal(o fyne.CanvasObject) { scrollIntoView(f.scroll, o) }

func (f *outreachForm) entry(placeholder string) *formEntry {
	e := newFormEntry(false)
	e.onFocus = f.reveal
	e.SetPlaceHolder(placeholder)
	return e
}

func (f *outreachForm) area(rows int, placeholder string) *formEntry {
	e := newFormEntry(true)
	e.onFocus = f.reveal
	e.SetMinRowsVisible(rows)
	e.SetPlaceHolder(placeholder)
	return e
}

func (f *outreachForm) pick(list app.CodeList) *codeSelect {
	s := newCodeSelect(list, lang.X("form.choose", "(Chọn)"))
	s.sel.onFocus = f.reveal
	return s
}

func (f *outreachForm) tick(changed func(bool)) *formCheck {
	c := newFormCheck("", changed)
	c.onFocus = f.reveal
	return c
}

// cell builds one labelled field (label above, input, the red message
// under it) and registers it.
func (f *outreachForm) cell(field, label string, input fyne.CanvasObject, focus fyne.Focusable) fyne.CanvasObject {
	msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	msg.Hide()
	f.errs[field] = msg
	f.inputs[field] = focus
	f.order = append(f.order, field)
	return container.NewVBox(widget.NewLabel(label), input, msg)
}

// boxes is a cell of check boxes, two per row, their labels wrapped.
func (f *outreachForm) boxes(field, label string, checks []*formCheck, labels []string) fyne.CanvasObject {
	grid := container.NewGridWithColumns(2)
	for i, c := range checks {
		grid.Add(checkRow(c, labels[i]))
	}
	return f.cell(field, label, grid, checks[0])
}

// section lays cells out two per row under a bold title; Tab follows the
// rows.
func (f *outreachForm) section(title string, cells ...fyne.CanvasObject) fyne.CanvasObject {
	head := &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewVBox(widget.NewSeparator(), head, container.NewGridWithColumns(2, cells...))
}

// finish adds the buttons under body (with "void" when editing) and
// records how the inputs look at first.
func (f *outreachForm) finish(body *fyne.Container, editing bool, onSave, onVoid func()) {
	body.Add(&widget.Label{Text: lang.X("form.required_note", "Các trường có dấu * là bắt buộc.")})
	f.save = &widget.Button{Text: lang.X("form.save", "Lưu"), Icon: theme.DocumentSaveIcon(),
		Importance: widget.HighImportance, OnTapped: onSave}
	f.cancel = &widget.Button{Text: lang.X("form.cancel", "Hủy"), Icon: theme.CancelIcon(), OnTapped: f.onCancel}
	buttons := container.NewHBox(layout.NewSpacer(), f.cancel, f.save)
	if editing {
		f.void = &widget.Button{Text: lang.X("outreach.void", "Hủy bản ghi nhập nhầm"), Icon: theme.DeleteIcon(),
			Importance: widget.DangerImportance, OnTapped: onVoid}
		buttons = container.NewHBox(f.void, layout.NewSpacer(), f.cancel, f.save)
	}
	f.scroll = container.NewVScroll(body)
	f.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), buttons), nil, nil, f.scroll)
	f.initial = f.snapshot()
}

// focusFirst puts the cursor in the first field.
func (f *outreachForm) focusFirst() {
	if f.win != nil && len(f.order) > 0 {
		f.win.Canvas().Focus(f.inputs[f.order[0]])
	}
}

// day reads a date typed as dd/mm/yyyy into YYYY-MM-DD; "" for none. A bad
// date gets its message in bad.
func (f *outreachForm) day(bad map[string]string, field string, e *formEntry) string {
	text := strings.TrimSpace(e.Text)
	if text == "" {
		return ""
	}
	d, err := parseDate(text)
	switch {
	case err == errDateFormat:
		bad[field] = lang.X("form.date.bad_format", "Ngày phải có dạng ngày/tháng/năm, ví dụ {{.Example}}.",
			map[string]any{"Example": FormatDate(f.now())})
	case err != nil:
		bad[field] = lang.X("form.date.no_such_day", "Không có ngày này. Vui lòng kiểm tra ngày và tháng.")
	default:
		return d.Format(time.DateOnly)
	}
	return ""
}

// count reads a number of people or copies, typed with or without dots
// between thousands; "" is 0. Anything else gets its message in bad.
func (f *outreachForm) count(bad map[string]string, field string, e *formEntry) int {
	s := strings.NewReplacer(".", "", " ", "", "\u00a0", "").Replace(strings.TrimSpace(e.Text))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		bad[field] = lang.X("outreach.count.bad", "Chỉ nhập số, ví dụ 1.200.")
		return 0
	}
	return n
}

// validate normalises r and adds the messages of its own checks to bad,
// after those of the inputs.
func (f *outreachForm) validate(r app.Record, bad map[string]string) {
	r.Normalize()
	var refs app.Refs
	if f.refs != nil {
		refs = f.refs
	}
	for k, v := range app.FieldErrors(r.Validate(refs, f.now())) {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	if r.Head().UnitCode == "" {
		delete(bad, "unit_code") // the store fills in the device's commune
	}
}

// refuse shows the messages and puts the cursor in the first bad field.
// It reports whether there was anything to refuse.
func (f *outreachForm) refuse(bad map[string]string) bool {
	if len(bad) == 0 {
		f.showErrors("", nil)
		return false
	}
	f.showErrors(lang.X("form.not_saved", "Chưa lưu. Vui lòng sửa các trường được đánh dấu màu đỏ."), bad)
	for _, k := range f.order {
		if _, ok := bad[k]; ok && f.win != nil && f.inputs[k] != nil {
			f.win.Canvas().Focus(f.inputs[k])
			break
		}
	}
	return true
}

// showErrors puts each message under its field and hides the others.
// Messages for fields the form does not show go into the summary line,
// after lead.
func (f *outreachForm) showErrors(lead string, bad map[string]string) {
	showFieldErrors(f.errs, f.formErr, lead, bad)
}

// persist saves rec off the Fyne goroutine. A new record (orig == nil) is
// saved as it is. For an edit only the fields that differ from orig, as
// the form showed it, are sent (Editor): the store applies them to the
// record as it holds it then, so what a sync brought for other fields
// while the form was open is kept, and the outbox carries only what the
// officer changed. Nothing changed: the form just closes.
func (f *outreachForm) persist(orig, rec app.Record) {
	if orig == nil {
		f.setSaving(true)
		f.run(func() {
			err := f.records.SaveRecord(f.ctx, rec)
			fyne.Do(func() { f.applySave(err, "save outreach record") })
		})
		return
	}
	orig.Normalize() // so that a value only normalisation changes is not written
	changed := changedFields(orig, rec)
	if len(changed) == 0 {
		f.onDone(false)
		return
	}
	id, base := orig.Head().ID, orig.Head().Version
	f.setSaving(true)
	f.run(func() {
		err := f.records.Edit(f.ctx, rec.Entity(), id, base, changed)
		fyne.Do(func() { f.applySave(err, "update outreach record") })
	})
}

// applySave shows the outcome of a save: back to the lists, or the
// messages.
func (f *outreachForm) applySave(err error, op string) {
	f.setSaving(false)
	if err != nil {
		logError(op, err)
		f.showErrors(lang.X("outreach.save_failed", "Chưa lưu được: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}), app.FieldErrors(err))
		return
	}
	if f.onDone != nil {
		f.onDone(true)
	}
}

func (f *outreachForm) setSaving(on bool) {
	f.saving = on
	for _, b := range []*widget.Button{f.save, f.cancel, f.void} {
		if b == nil {
			continue
		}
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		f.save.SetText(lang.X("form.saving", "Đang lưu…"))
	} else {
		f.save.SetText(lang.X("form.save", "Lưu"))
	}
}

// onCancel leaves the form; if something was typed it asks first.
func (f *outreachForm) onCancel() {
	if f.saving || f.onDone == nil {
		return
	}
	if f.snapshot() == f.initial {
		f.onDone(false)
		return
	}
	msg := &widget.Label{Text: f.discardText, Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomConfirm(lang.X("form.discard.title", "Bỏ các thay đổi chưa lưu?"),
		lang.X("form.discard.confirm", "Bỏ thay đổi"), lang.X("form.discard.keep", "Tiếp tục nhập"),
		msg, func(discard bool) {
			if discard {
				f.onDone(false)
			}
		}, f.win)
	d.Resize(fyne.NewSize(420, 180))
	d.Show()
}

// outreachVoidDialog asks why a record is voided.
type outreachVoidDialog struct {
	d       *dialog.CustomDialog
	reason  *formEntry    // Tab leaves it, like every box of the form
	msg     *widget.Label // "the reason is required", in red
	confirm *widget.Button
}

// openVoid asks for the reason the record named name was recorded by
// mistake; void then voids it off the Fyne goroutine, keeping the line
// given (the reason, dated) in the record's note.
func (f *outreachForm) openVoid(name string, void func(line string) error) {
	if f.saving {
		return
	}
	v := &outreachVoidDialog{reason: newFormEntry(true),
		msg: &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}}
	v.reason.SetMinRowsVisible(2)
	v.reason.SetPlaceHolder(lang.X("outreach.void.placeholder", "Ví dụ: ghi trùng với sự kiện đã nhập, nhập thử"))
	explain := &widget.Label{Wrapping: fyne.TextWrapWord,
		Text: lang.X("outreach.void.message", "Chỉ hủy bản ghi nhập nhầm (ghi trùng, ghi thử). “{{.Name}}” sẽ không còn trong danh sách và không được tính vào chỉ tiêu, nhưng vẫn được lưu cùng lý do hủy. Những gì chưa lưu trong biểu mẫu sẽ bị bỏ.",
			map[string]any{"Name": name})}
	back := &widget.Button{Text: lang.X("form.void.back", "Quay lại"), Icon: theme.CancelIcon(),
		OnTapped: func() { v.d.Hide(); f.voiding = nil }}
	v.confirm = &widget.Button{Text: lang.X("outreach.void.confirm", "Hủy bản ghi"), Icon: theme.DeleteIcon(),
		Importance: widget.DangerImportance, OnTapped: func() { f.confirmVoid(v, void) }}
	body := container.NewVBox(explain,
		widget.NewLabel(lang.X("outreach.void.reason", "Lý do hủy *")), v.reason, v.msg)
	v.d = dialog.NewCustomWithoutButtons(lang.X("outreach.void.title", "Hủy bản ghi nhập nhầm?"), body, f.win)
	v.d.SetButtons([]fyne.CanvasObject{back, v.confirm})
	v.d.Resize(fyne.NewSize(480, 300))
	v.d.Show()
	f.win.Canvas().Focus(v.reason)
	f.voiding = v
}

// confirmVoid voids the record, unless no reason (or too long a one) was
// given.
func (f *outreachForm) confirmVoid(v *outreachVoidDialog, void func(line string) error) {
	reason := app.NFC(v.reason.Text)
	switch {
	case reason == "":
		v.msg.SetText(lang.X("outreach.void.reason_required", "Cần ghi lý do hủy."))
	case len([]rune(reason)) > outreachMaxReason:
		v.msg.SetText(lang.X("outreach.void.reason_long", "Lý do hủy quá dài (tối đa 200 ký tự)."))
	default:
		v.d.Hide()
		f.voiding = nil
		line := lang.X("outreach.void.note", "Hủy bản ghi ngày {{.Date}}: {{.Reason}}",
			map[string]any{"Date": FormatDate(f.now()), "Reason": reason})
		f.setSaving(true)
		f.run(func() {
			err := void(line)
			fyne.Do(func() {
				f.setSaving(false)
				if err != nil {
					logError("void outreach record", err)
					f.showErrors(lang.X("outreach.void.failed", "Chưa hủy được bản ghi: {{.Reason}}",
						map[string]any{"Reason": userMessage(err)}), nil)
					return
				}
				if f.onDone != nil {
					f.onDone(true)
				}
			})
		})
		return
	}
	f.win.Canvas().Focus(v.reason)
}

// voidRecord reads the record with id into cur as the store holds it now,
// marks it voided, adds line to its note and saves those two fields.
func (f *outreachForm) voidRecord(id string, cur app.Record, note *string, line string) error {
	if err := f.records.GetRecord(f.ctx, id, cur); err != nil {
		return err
	}
	was := copyRecord(cur)
	cur.Head().Voided = true
	if *note != "" {
		line = *note + "\n" + line
	}
	*note = line
	return f.records.Edit(f.ctx, cur.Entity(), id, cur.Head().Version, changedFields(was, cur))
}

// outreachTicked returns the codes whose boxes are ticked, in order.
func outreachTicked(boxes []*formCheck, codes []string) []string {
	var out []string
	for i, c := range boxes {
		if c.Checked {
			out = append(out, codes[i])
		}
	}
	return out
}

// outreachKeepOrder returns the codes ticked: those of had still ticked in
// had's order, then the new ones. A list is stored in the order it was
// written, so keeping it makes an untouched list compare equal and never
// reach the outbox.
func outreachKeepOrder(had, ticked []string) []string {
	var out []string
	for _, c := range had {
		if slices.Contains(ticked, c) {
			out = append(out, c)
		}
	}
	for _, c := range ticked {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// outreachAgencies returns the agencies of refs as a code list.
func outreachAgencies(refs *app.RefData) app.CodeList {
	if refs == nil {
		return nil
	}
	out := make(app.CodeList, 0, len(refs.Agencies))
	for _, a := range refs.Agencies {
		out = append(out, app.Code{Code: a.ID, VI: a.NameVI, EN: a.NameEN})
	}
	return out
}

// outreachTasks returns the plan tasks an event may serve: III.3 and III.4
// when refs has them, then any other task the event already names (so that
// editing never drops it), labelled "III.3 – text".
func outreachTasks(refs *app.RefData, have []string) (codes, labels []string) {
	text := map[string]string{}
	if refs != nil {
		for _, t := range refs.Tasks {
			text[t.ID] = t.TextVI
		}
	}
	add := func(id string) {
		if slices.Contains(codes, id) {
			return
		}
		label := id
		if s := text[id]; s != "" {
			label = id + " – " + s
		}
		codes, labels = append(codes, id), append(labels, label)
	}
	for _, id := range []string{outreachTaskRightsDay, outreachTaskCompliance} {
		if _, ok := text[id]; ok {
			add(id)
		}
	}
	for _, id := range have {
		add(id)
	}
	return codes, labels
}

// outreachEventForm records a new outreach event or edits one.
type outreachEventForm struct {
	outreachForm
	orig *app.OutreachEvent // the event being edited; nil for a new one

	typ        *codeSelect
	name       *formEntry
	linked     *formCheck
	themeYear  *formEntry
	topic      *codeSelect
	status     *codeSelect
	organiser  *codeSelect
	partners   []*formCheck // parallel to partnerIDs
	partnerIDs []string
	tasks      []*formCheck // parallel to taskIDs
	taskIDs    []string
	start, end *formEntry
	venue      *formEntry
	attendance *formEntry
	businesses *formEntry
	leaflets   *formEntry
	media      *formEntry
	note       *formEntry
}

func newOutreachEventForm(d formDeps, orig *app.OutreachEvent) *outreachEventForm {
	f := &outreachEventForm{orig: orig}
	heading := lang.X("outreach.event.new", "Thêm sự kiện truyền thông")
	if orig != nil {
		heading = lang.X("outreach.event.edit", "Sửa sự kiện: {{.Title}}", map[string]any{"Title": orig.Title})
	}
	f.init(d, heading)
	f.discardText = lang.X("outreach.event.discard", "Những gì vừa nhập cho sự kiện này sẽ không được lưu.")

	datePH := lang.X("form.date.placeholder", "ngày/tháng/năm")
	countPH := lang.X("outreach.count.placeholder", "Ví dụ: 150")
	f.typ = f.pick(app.OutreachTypes)
	f.name = f.entry(lang.X("outreach.event.title.placeholder", "Ví dụ: Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam năm 2026"))
	f.linked = f.tick(nil)
	f.themeYear = f.entry(lang.X("outreach.event.theme.placeholder", "Chủ đề năm do Bộ Công Thương công bố cho Ngày 15/3"))
	f.topic = f.pick(app.OutreachTopics)
	f.status = f.pick(app.ActivityStatuses)
	f.organiser = f.pick(outreachAgencies(d.refs))
	var partnerLabels []string
	for _, a := range outreachAgencies(d.refs) {
		f.partnerIDs, partnerLabels = append(f.partnerIDs, a.Code), append(partnerLabels, codeLabel(a))
	}
	var haveTasks []string
	if orig != nil {
		for _, id := range orig.Partners { // an agency the reference data no longer has
			if !slices.Contains(f.partnerIDs, id) {
				f.partnerIDs, partnerLabels = append(f.partnerIDs, id), append(partnerLabels, id)
			}
		}
		haveTasks = orig.PlanTasks
	}
	for range f.partnerIDs {
		f.partners = append(f.partners, f.tick(nil))
	}
	var taskLabels []string
	f.taskIDs, taskLabels = outreachTasks(d.refs, haveTasks)
	for range f.taskIDs {
		f.tasks = append(f.tasks, f.tick(nil))
	}
	f.start = f.entry(datePH)
	f.end = f.entry(datePH)
	f.venue = f.entry(lang.X("outreach.event.venue.placeholder", "Ví dụ: Hội trường UBND phường, chợ Mỹ Tho"))
	f.attendance = f.entry(countPH)
	f.businesses = f.entry(countPH)
	f.leaflets = f.entry(countPH)
	f.media = f.area(3, lang.X("outreach.event.media.placeholder", "Báo, đài, trang tin đã đưa tin; mỗi dòng một tin"))
	f.note = f.area(2, "")

	f.fill(orig)
	f.typ.sel.OnChanged = func(string) { f.onTypeChanged() }
	f.onTypeChanged()

	required := func(s string) string { return s + " *" }
	body := container.NewVBox(f.heading, f.formErr,
		f.section(lang.X("outreach.event.section.what", "Sự kiện"),
			f.cell("event_type", required(lang.X("outreach.event.type", "Loại sự kiện")), f.typ.sel, f.typ.sel),
			f.cell("title", required(lang.X("outreach.event.title", "Tên sự kiện")), f.name, f.name),
			f.cell("linked_to_15_3", lang.X("outreach.event.linked.label", "Ngày Quyền của người tiêu dùng"),
				checkRow(f.linked, lang.X("outreach.event.linked", "Hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam (15/3)")), f.linked),
			f.cell("theme", lang.X("outreach.event.theme", "Chủ đề của năm"), f.themeYear, f.themeYear),
			f.cell("topic", lang.X("outreach.event.topic", "Nội dung chính"), f.topic.sel, f.topic.sel),
			f.cell("status", required(lang.X("outreach.event.status", "Tình trạng")), f.status.sel, f.status.sel),
		),
		f.section(lang.X("outreach.event.section.when", "Thời gian, địa điểm"),
			f.cell("start_date", required(lang.X("outreach.event.start", "Ngày bắt đầu")), f.start, f.start),
			f.cell("end_date", lang.X("outreach.event.end", "Ngày kết thúc (nếu nhiều ngày)"), f.end, f.end),
			f.cell("venue", lang.X("outreach.event.venue", "Địa điểm"), f.venue, f.venue),
		),
		f.section(lang.X("outreach.event.section.who", "Tổ chức"),
			f.cell("organiser", lang.X("outreach.event.organiser", "Cơ quan chủ trì"), f.organiser.sel, f.organiser.sel),
		),
	)
	if len(f.partners) > 0 {
		body.Add(f.boxes("partners", lang.X("outreach.event.partners", "Cơ quan phối hợp"), f.partners, partnerLabels))
	}
	if len(f.tasks) > 0 {
		body.Add(f.boxes("plan_tasks", lang.X("outreach.event.tasks", "Nhiệm vụ Kế hoạch 395"), f.tasks, taskLabels))
	}
	body.Add(f.section(lang.X("outreach.event.section.reach", "Kết quả"),
		f.cell("estimated_attendance", lang.X("outreach.event.attendance", "Số người tham dự (ước tính)"), f.attendance, f.attendance),
		f.cell("business_participants", lang.X("outreach.event.businesses", "Số doanh nghiệp, cơ sở kinh doanh tham gia"), f.businesses, f.businesses),
		f.cell("leaflets", lang.X("outreach.event.leaflets", "Số tờ rơi, tài liệu phát ra"), f.leaflets, f.leaflets),
	))
	body.Add(f.cell("media_coverage", lang.X("outreach.event.media", "Báo chí, truyền thông đưa tin"), f.media, f.media))
	body.Add(f.cell("note", lang.X("outreach.note", "Ghi chú"), f.note, f.note))

	f.snapshot = f.values
	f.finish(body, orig != nil, f.onSave, f.onVoid)
	return f
}

// fill puts e into the inputs, or the defaults of a new event: planned,
// run by the commune's People's Committee, serving III.3 and III.4.
func (f *outreachEventForm) fill(e *app.OutreachEvent) {
	if e == nil {
		f.status.SetCode("ke_hoach")
		if f.refs != nil {
			if _, ok := f.refs.Agency("ubnd_xa"); ok {
				f.organiser.SetCode("ubnd_xa")
			}
		}
		for i, id := range f.taskIDs {
			f.tasks[i].SetChecked(id == outreachTaskRightsDay || id == outreachTaskCompliance)
		}
		return
	}
	f.typ.SetCode(e.Type)
	f.name.SetText(e.Title)
	f.linked.SetChecked(e.Linked153)
	f.themeYear.SetText(e.Theme)
	f.topic.SetCode(e.Topic)
	f.status.SetCode(e.Status)
	f.organiser.SetCode(e.Organiser)
	for i, id := range f.partnerIDs {
		f.partners[i].SetChecked(slices.Contains(e.Partners, id))
	}
	for i, id := range f.taskIDs {
		f.tasks[i].SetChecked(slices.Contains(e.PlanTasks, id))
	}
	f.start.SetText(formatDay(e.StartDate))
	f.end.SetText(formatDay(e.EndDate))
	f.venue.SetText(e.Venue)
	f.attendance.SetText(formatAmount(int64(e.Attendance)))
	f.businesses.SetText(formatAmount(int64(e.Businesses)))
	f.leaflets.SetText(formatAmount(int64(e.Leaflets)))
	f.media.SetText(e.MediaCoverage)
	f.note.SetText(e.Note)
}

// onTypeChanged ticks "linked to 15/3" for a Consumer Rights Day rally,
// which always is (the box then cannot be unticked).
func (f *outreachEventForm) onTypeChanged() {
	if f.typ.Code() == "mit_tinh_15_3" {
		f.linked.SetChecked(true)
		f.linked.Disable()
		return
	}
	f.linked.Enable()
}

// values returns every input's value in one string.
func (f *outreachEventForm) values() string {
	v := []string{f.typ.Code(), f.name.Text, strconv.FormatBool(f.linked.Checked), f.themeYear.Text, f.topic.Code(),
		f.status.Code(), f.organiser.Code(), f.start.Text, f.end.Text, f.venue.Text, f.attendance.Text,
		f.businesses.Text, f.leaflets.Text, f.media.Text, f.note.Text}
	for _, c := range append(append([]*formCheck(nil), f.partners...), f.tasks...) {
		v = append(v, strconv.FormatBool(c.Checked))
	}
	return strings.Join(v, "\x00")
}

// collect reads the inputs into an event and checks it. It returns the
// event and a message per bad field (JSON names); none means it may be
// saved.
func (f *outreachEventForm) collect() (*app.OutreachEvent, map[string]string) {
	r := &app.OutreachEvent{}
	if f.orig != nil {
		*r = *f.orig
	} else {
		r.UnitCode = f.unit
	}
	bad := map[string]string{}
	r.Type = f.typ.Code()
	r.Title = f.name.Text
	r.Linked153 = f.linked.Checked
	r.Theme = f.themeYear.Text
	r.Topic = f.topic.Code()
	r.Status = f.status.Code()
	r.Organiser = f.organiser.Code()
	r.Partners = outreachKeepOrder(r.Partners, outreachTicked(f.partners, f.partnerIDs))
	r.PlanTasks = outreachKeepOrder(r.PlanTasks, outreachTicked(f.tasks, f.taskIDs))
	r.StartDate = f.day(bad, "start_date", f.start)
	r.EndDate = f.day(bad, "end_date", f.end)
	r.Venue = f.venue.Text
	r.Attendance = f.count(bad, "estimated_attendance", f.attendance)
	r.Businesses = f.count(bad, "business_participants", f.businesses)
	r.Leaflets = f.count(bad, "leaflets", f.leaflets)
	r.MediaCoverage = f.media.Text
	r.Note = f.note.Text
	f.validate(r, bad)
	return r, bad
}

// onSave checks the inputs and, if they are good, saves the event off the
// Fyne goroutine. Nothing is saved while any field is bad.
func (f *outreachEventForm) onSave() {
	if f.saving {
		return
	}
	r, bad := f.collect()
	if f.refuse(bad) {
		return
	}
	if f.orig == nil {
		f.persist(nil, r)
		return
	}
	was := *f.orig
	f.persist(&was, r)
}

// onVoid voids the event after asking why.
func (f *outreachEventForm) onVoid() {
	if f.orig == nil {
		return
	}
	id := f.orig.ID
	f.openVoid(f.orig.Title, func(line string) error {
		cur := &app.OutreachEvent{}
		return f.voidRecord(id, cur, &cur.Note, line)
	})
}

// outreachPubForm records a new publication or news item or edits one.
type outreachPubForm struct {
	outreachForm
	orig *app.Publication // the item being edited; nil for a new one

	typ      *codeSelect
	origin   *codeSelect
	format   *codeSelect
	name     *formEntry
	date     *formEntry
	quantity *formEntry
	channel  *codeSelect
	url      *formEntry
	note     *formEntry
}

func newOutreachPubForm(d formDeps, orig *app.Publication) *outreachPubForm {
	f := &outreachPubForm{orig: orig}
	heading := lang.X("outreach.pub.new", "Thêm tài liệu, ấn phẩm, tin bài")
	if orig != nil {
		heading = lang.X("outreach.pub.edit", "Sửa tài liệu, tin bài: {{.Title}}", map[string]any{"Title": orig.Title})
	}
	f.init(d, heading)
	f.discardText = lang.X("outreach.pub.discard", "Những gì vừa nhập cho tài liệu, tin bài này sẽ không được lưu.")

	f.typ = f.pick(app.PublicationTypes)
	f.origin = f.pick(app.PublicationOrigins)
	f.format = f.pick(app.PublicationFormats)
	f.name = f.entry(lang.X("outreach.pub.title.placeholder", "Ví dụ: Tờ rơi “Mua sắm trực tuyến an toàn”"))
	f.date = f.entry(lang.X("form.date.placeholder", "ngày/tháng/năm"))
	f.quantity = f.entry(lang.X("outreach.pub.quantity.placeholder", "Số bản in, số tin đăng; ví dụ: 500"))
	f.channel = f.pick(app.PublicationChannels)
	f.url = f.entry(lang.X("outreach.pub.url.placeholder", "https://…"))
	f.note = f.area(2, "")

	f.fill(orig)

	required := func(s string) string { return s + " *" }
	body := container.NewVBox(f.heading, f.formErr,
		f.section(lang.X("outreach.pub.section", "Tài liệu, ấn phẩm, tin bài"),
			f.cell("publication_type", required(lang.X("outreach.pub.type", "Loại")), f.typ.sel, f.typ.sel),
			f.cell("origin", required(lang.X("outreach.pub.origin", "Nguồn")), f.origin.sel, f.origin.sel),
			f.cell("title", required(lang.X("outreach.pub.title", "Tên tài liệu, tin bài")), f.name, f.name),
			f.cell("format", lang.X("outreach.pub.format", "Hình thức"), f.format.sel, f.format.sel),
			f.cell("date", required(lang.X("outreach.pub.date", "Ngày phát hành, đăng tải")), f.date, f.date),
			f.cell("quantity", lang.X("outreach.pub.quantity", "Số lượng"), f.quantity, f.quantity),
			f.cell("channel", lang.X("outreach.pub.channel", "Kênh phát hành, đăng tải"), f.channel.sel, f.channel.sel),
			f.cell("url", lang.X("outreach.pub.url", "Đường dẫn (nếu đăng trên mạng)"), f.url, f.url),
		),
	)
	body.Add(f.cell("note", lang.X("outreach.note", "Ghi chú"), f.note, f.note))

	f.snapshot = f.values
	f.finish(body, orig != nil, f.onSave, f.onVoid)
	return f
}

// fill puts p into the inputs, or today's date for a new item.
func (f *outreachPubForm) fill(p *app.Publication) {
	if p == nil {
		f.date.SetText(FormatDate(f.now()))
		return
	}
	f.typ.SetCode(p.Type)
	f.origin.SetCode(p.Origin)
	f.format.SetCode(p.Format)
	f.name.SetText(p.Title)
	f.date.SetText(formatDay(p.Date))
	f.quantity.SetText(formatAmount(int64(p.Quantity)))
	f.channel.SetCode(p.Channel)
	f.url.SetText(p.URL)
	f.note.SetText(p.Note)
}

// values returns every input's value in one string.
func (f *outreachPubForm) values() string {
	return strings.Join([]string{f.typ.Code(), f.origin.Code(), f.format.Code(), f.name.Text, f.date.Text,
		f.quantity.Text, f.channel.Code(), f.url.Text, f.note.Text}, "\x00")
}

// collect reads the inputs into an item and checks it, like the event
// form's.
func (f *outreachPubForm) collect() (*app.Publication, map[string]string) {
	r := &app.Publication{}
	if f.orig != nil {
		*r = *f.orig
	} else {
		r.UnitCode = f.unit
	}
	bad := map[string]string{}
	r.Type = f.typ.Code()
	r.Origin = f.origin.Code()
	r.Format = f.format.Code()
	r.Title = f.name.Text
	r.Date = f.day(bad, "date", f.date)
	r.Quantity = f.count(bad, "quantity", f.quantity)
	r.Channel = f.channel.Code()
	r.URL = f.url.Text
	r.Note = f.note.Text
	f.validate(r, bad)
	return r, bad
}

// onSave checks the inputs and, if they are good, saves the item.
func (f *outreachPubForm) onSave() {
	if f.saving {
		return
	}
	r, bad := f.collect()
	if f.refuse(bad) {
		return
	}
	if f.orig == nil {
		f.persist(nil, r)
		return
	}
	was := *f.orig
	f.persist(&was, r)
}

// onVoid voids the item after asking why.
func (f *outreachPubForm) onVoid() {
	if f.orig == nil {
		return
	}
	id := f.orig.ID
	f.openVoid(f.orig.Title, func(line string) error {
		cur := &app.Publication{}
		return f.voidRecord(id, cur, &cur.Note, line)
	})
}
