package ui

import (
	"context"
	"encoding/json"
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

// The form frame. Every form that records or edits one record (the case
// intake form, the outreach event and publication forms, the registries'
// officer, organisation and participant forms, the training session form)
// is a form: a title and a red summary line, the fields, a note on the
// required ones, and the buttons at the bottom. It is usable with the
// keyboard alone: Tab moves on (also out of a box of several lines, where
// Enter makes a new line), Space ticks boxes and opens lists, ← → step
// through choices, and Space presses the focused button.
//
// Each field is declared once, where it stands on the screen (textField,
// codeField, dayField… or add): its key, the record's JSON field name under
// which validation messages come back; its label; its input; how the input
// shows the record's value and how it is read back. The rest is the same
// for every form: the message under each field and the cursor on the
// first bad one, one saving state, one "unsaved changes" rule (the inputs
// against how they were filled), one discard dialog, one void dialog, and
// an edit saved as the fields the officer changed, through the Editor,
// with the version of the copy edited as the base.

// formDeps is what the screens and their forms need from the UI.
type formDeps struct {
	ctx     context.Context
	win     fyne.Window
	svc     CaseService
	records RecordService // nil without the training and outreach work
	refs    *app.RefData
	unit    string // this device's commune, for new records
	officer string
	// role is the signed-in officer's role (Services.Role): who sees the
	// sensitive details of a case (app.SeesSensitive).
	role   string
	run    func(func())
	now    func() time.Time
	opener Opener      // nil: no "Mở tệp" after a file is written
	files  FileService // nil: no "Tệp chứng cứ" in the case screen
	// fetch downloads a file this laptop does not hold when it is opened;
	// nil: such a file cannot be opened here.
	fetchFile FileFetcher
	// views is where "Mở" writes the copy of an evidence file it opens;
	// nil: the print folder.
	views *ViewFolder
	// hideRestricted reports whether the signed-in officer's lists leave
	// out the records of people who asked to restrict their processing
	// (!app.SeesRestricted of the role, read at each load: the officer
	// changes at the lock); nil hides nothing.
	hideRestricted func() bool
}

// hidesRestricted reports whether lists leave out restricted records now.
func (d formDeps) hidesRestricted() bool { return d.hideRestricted != nil && d.hideRestricted() }

// checkable is what a form checks before it saves: a case, or a record of
// the registries, training and outreach work.
type checkable interface {
	Normalize()
	Validate(refs app.Refs, now time.Time) error
	Fields() map[string]json.RawMessage
}

// editable is what a form[T, R] edits: R is *T.
type editable[T any] interface {
	*T
	checkable
}

// recordPtr is a record of the registries, training and outreach work: R
// is *T.
type recordPtr[T any] interface {
	*T
	app.Record
}

// field is one input of a form.
type field[T any] struct {
	key   string         // the record's JSON field name
	input any            // *formEntry, *codeSelect, *formCheck or *tickBoxes
	focus fyne.Focusable // where the cursor goes for the field; nil: nowhere
	fill  func(r *T)     // shows r's value in the input
	// read stores the input's value in r; what cannot be read puts its
	// message into bad under key.
	read func(r *T, bad map[string]string)
}

// value returns what the input holds, for the snapshot.
func (fl *field[T]) value() string {
	switch in := fl.input.(type) {
	case *formEntry:
		return in.Text
	case *codeSelect:
		return in.Code()
	case *formCheck:
		return strconv.FormatBool(in.Checked)
	case *tickBoxes:
		return strings.Join(in.ticked(), ",")
	}
	return ""
}

// tickBoxes are the tick boxes of a list of codes, one per code.
type tickBoxes struct {
	boxes []*formCheck
	codes []string
}

// ticked returns the codes whose boxes are ticked, in list order.
func (t *tickBoxes) ticked() []string {
	var out []string
	for i, c := range t.boxes {
		if c.Checked {
			out = append(out, t.codes[i])
		}
	}
	return out
}

// box returns the box of code, or nil.
func (t *tickBoxes) box(code string) *formCheck {
	if i := slices.Index(t.codes, code); i >= 0 {
		return t.boxes[i]
	}
	return nil
}

// keep returns what the boxes say of had: its codes still ticked, and
// those the form does not show (which it cannot untick), in had's order,
// then the newly ticked ones. A list is stored in the order it was
// written: an untouched one compares equal and never reaches the outbox.
func (t *tickBoxes) keep(had []string) []string {
	ticked := t.ticked()
	var out []string
	for _, c := range had {
		if slices.Contains(ticked, c) || !slices.Contains(t.codes, c) {
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

// voidSpec is what a form's void dialog says and does: only a record
// recorded by mistake is voided, with a reason.
type voidSpec[T any] struct {
	button  string // the form's button
	title   string
	message string // what voiding does, naming the record
	hint    string // the reason's placeholder
	confirm string
	missing string // the message when no reason is given
	failed  func(reason string) string
	// void voids orig off the Fyne goroutine; now is when the officer
	// confirmed.
	void func(ctx context.Context, orig *T, reason string, now time.Time) (*T, error)
}

// maxVoidReason is the longest void reason, in characters.
const maxVoidReason = 200

// voidDialog is the open void dialog.
type voidDialog struct {
	d       *dialog.CustomDialog
	reason  *formEntry    // Tab leaves it, like every box of a form
	msg     *widget.Label // "the reason is required", in red
	confirm *widget.Button
}

// form is the frame of a form editing a T.
type form[T any, R editable[T]] struct {
	formDeps
	what     string // what the form records, for the log: "case", "officer"…
	orig     *T     // the record edited, as the form first showed it; nil for a new one
	defaults T      // a new record's defaults, shown at first; what collect starts from

	fields []*field[T]
	errs   map[string]*widget.Label // the message under each field, by key
	// reactions run when a field's input changes (onChange), by key.
	reactions map[string][]func()

	title        *widget.Label
	formErr      *widget.Label // the summary of what went wrong, in red
	scroll       *container.Scroll
	save, cancel *widget.Button
	void         *widget.Button // nil unless the record edited may be voided
	saving       bool
	initial      string // the inputs as filled: leaving asks only after a change

	// Set by each form before finish.
	discardText string                     // what the discard dialog says
	failed      func(reason string) string // the summary when the store refuses a save
	// store saves off the Fyne goroutine: rec as a new record (orig nil),
	// or the fields of rec that differ from orig (the record as the form
	// showed it). It returns the record as saved.
	store func(ctx context.Context, orig, rec *T) (*T, error)
	// checkNew, if set, runs before a new record is saved and calls
	// proceed if it may be (e.g. after asking about a possible duplicate).
	checkNew func(rec T, proceed func())
	// saveAlways saves an edit even if no input changed (the officer's
	// form also brings the participant record up to date).
	saveAlways bool
	voider     *voidSpec[T] // nil: no voiding

	voiding *voidDialog    // the open void dialog, or nil
	asking  dialog.Dialog  // the open question (discard, duplicate), or nil
	onDone  func(saved *T) // saved: as stored; nil when the form closes without saving
	content fyne.CanvasObject
}

// newForm starts a form titled title, editing orig (nil: a new record).
// Declare the fields, then call finish.
func newForm[T any, R editable[T]](d formDeps, orig *T, title, what string) *form[T, R] {
	f := &form[T, R]{formDeps: d, what: what, orig: orig, errs: map[string]*widget.Label{}}
	if f.ctx == nil {
		f.ctx = context.Background()
	}
	f.now = app.MustClock(f.now, "ui.form")
	f.title = &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText,
		Wrapping: fyne.TextWrapWord}
	f.formErr = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	f.formErr.Hide()
	f.discardText = lang.X("record.discard.message", "Những gì vừa nhập sẽ không được lưu.")
	return f
}

// reveal scrolls the form to the input that got the focus.
func (f *form[T, R]) reveal(o fyne.CanvasObject) { scrollIntoView(f.scroll, o) }

// newEntry makes a text box of rows lines (1: one line, Enter does not
// make a new one).
func (f *form[T, R]) newEntry(rows int, placeholder string) *formEntry {
	e := newFormEntry(rows > 1)
	e.onFocus = f.reveal
	if rows > 1 {
		e.SetMinRowsVisible(rows)
	}
	e.SetPlaceHolder(placeholder)
	return e
}

// add declares fl and returns its cell: the label above the input (none
// for "": a tick box carries its own text), the red message under it.
func (f *form[T, R]) add(label string, input fyne.CanvasObject, fl *field[T]) fyne.CanvasObject {
	msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	msg.Hide()
	f.errs[fl.key] = msg
	f.fields = append(f.fields, fl)
	f.watch(fl)
	if e, ok := input.(*formEntry); ok && !e.MultiLine {
		input = container.NewStack(input, newWheelPass(func() *container.Scroll { return f.scroll }))
	}
	if label == "" {
		return container.NewVBox(input, msg)
	}
	return container.NewVBox(widget.NewLabel(label), input, msg)
}

// watch makes a change of fl's input hide the message under it — the
// officer acted on it; a stale "Chưa chọn…" beside a choice made misleads
// — and run the reactions of onChange.
func (f *form[T, R]) watch(fl *field[T]) {
	changed := func() {
		if msg := f.errs[fl.key]; msg != nil && msg.Visible() {
			msg.Hide()
		}
		for _, fn := range f.reactions[fl.key] {
			fn()
		}
	}
	switch in := fl.input.(type) {
	case *formEntry:
		in.OnChanged = func(string) { changed() }
	case *codeSelect:
		in.sel.OnChanged = func(string) { changed() }
	case *formCheck:
		in.OnChanged = func(bool) { changed() }
	case *tickBoxes:
		for _, b := range in.boxes {
			b.OnChanged = func(bool) { changed() }
		}
	}
}

// onChange runs fn whenever the input of the field key changes.
func (f *form[T, R]) onChange(key string, fn func()) {
	if f.reactions == nil {
		f.reactions = map[string][]func(){}
	}
	f.reactions[key] = append(f.reactions[key], fn)
}

// textField declares a text box of rows lines; v points at the record's
// value.
func (f *form[T, R]) textField(key, label string, rows int, placeholder string, v func(*T) *string) fyne.CanvasObject {
	e := f.newEntry(rows, placeholder)
	return f.add(label, e, &field[T]{key: key, input: e, focus: e,
		fill: func(r *T) { e.SetText(*v(r)) },
		read: func(r *T, _ map[string]string) { *v(r) = e.Text }})
}

// codeField declares the choice of a code of list.
func (f *form[T, R]) codeField(key, label string, list app.CodeList, v func(*T) *string) fyne.CanvasObject {
	s := newCodeSelect(list, lang.X("form.choose", "(Chọn)"))
	s.sel.onFocus = f.reveal
	return f.add(label, s.sel, &field[T]{key: key, input: s, focus: s.sel,
		fill: func(r *T) { s.SetCode(*v(r)) },
		read: func(r *T, _ map[string]string) { *v(r) = s.Code() }})
}

// flagField declares a tick box with text beside it.
func (f *form[T, R]) flagField(key, label, text string, v func(*T) *bool) fyne.CanvasObject {
	c := newFormCheck("", nil)
	c.onFocus = f.reveal
	return f.add(label, checkRow(c, text), &field[T]{key: key, input: c, focus: c,
		fill: func(r *T) { c.SetChecked(*v(r)) },
		read: func(r *T, _ map[string]string) { *v(r) = c.Checked }})
}

// codesField declares a tick box per code of list, columns to a row, with
// below under the boxes. Without codes the cell is hidden.
func (f *form[T, R]) codesField(key, label string, list app.CodeList, columns int, v func(*T) *[]string,
	below ...fyne.CanvasObject) fyne.CanvasObject {
	t := &tickBoxes{}
	grid := container.NewGridWithColumns(columns)
	for _, code := range list {
		c := newFormCheck("", nil)
		c.onFocus = f.reveal
		grid.Add(checkRow(c, codeLabel(code)))
		t.boxes, t.codes = append(t.boxes, c), append(t.codes, code.Code)
	}
	fl := &field[T]{key: key, input: t,
		fill: func(r *T) {
			for i, code := range t.codes {
				t.boxes[i].SetChecked(slices.Contains(*v(r), code))
			}
		},
		read: func(r *T, _ map[string]string) { *v(r) = t.keep(*v(r)) }}
	if len(t.boxes) > 0 {
		fl.focus = t.boxes[0]
	}
	cell := f.add(label, container.NewVBox(append([]fyne.CanvasObject{grid}, below...)...), fl)
	if len(t.boxes) == 0 {
		cell.Hide()
	}
	return cell
}

// dayField declares a day typed as dd/mm/yyyy and stored as YYYY-MM-DD.
func (f *form[T, R]) dayField(key, label string, v func(*T) *string) fyne.CanvasObject {
	e := f.newEntry(1, lang.X("form.date.placeholder", "ngày/tháng/năm"))
	return f.add(label, e, &field[T]{key: key, input: e, focus: e,
		fill: func(r *T) { e.SetText(formatDay(*v(r))) },
		read: func(r *T, bad map[string]string) {
			day, msg := readDay(e.Text, f.now())
			*v(r) = ""
			switch {
			case msg != "":
				bad[key] = msg
			case !day.IsZero():
				*v(r) = day.Format(time.DateOnly)
			}
		}})
}

// readDay reads a day typed as dd/mm/yyyy: the zero time when nothing is
// typed, or a message saying what is wrong.
func readDay(text string, now time.Time) (time.Time, string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, ""
	}
	d, err := parseDate(text)
	switch {
	case err == errDateFormat:
		return time.Time{}, lang.X("form.date.bad_format", "Ngày phải có dạng ngày/tháng/năm, ví dụ {{.Example}}.",
			map[string]any{"Example": FormatDate(now)})
	case err != nil:
		return time.Time{}, lang.X("form.date.no_such_day", "Không có ngày này. Vui lòng kiểm tra ngày và tháng.")
	}
	return d, ""
}

// moneyField declares an amount of đồng.
func (f *form[T, R]) moneyField(key, label string, v func(*T) *int64) fyne.CanvasObject {
	e := f.newEntry(1, lang.X("form.money.placeholder", "Ví dụ: 1.250.000"))
	return f.add(label, e, &field[T]{key: key, input: e, focus: e,
		fill: func(r *T) { e.SetText(formatAmount(*v(r))) },
		read: func(r *T, bad map[string]string) {
			n, ok := parseAmount(e.Text)
			if !ok {
				bad[key] = lang.X("form.money.bad", "Số tiền chỉ gồm chữ số, ví dụ 1.250.000.")
			}
			*v(r) = n
		}})
}

// countField declares a number of people or copies, typed with or without
// dots between thousands; badText is said of anything else, or of more
// than max (0: no limit).
func (f *form[T, R]) countField(key, label, placeholder, badText string, max int64, v func(*T) *int) fyne.CanvasObject {
	e := f.newEntry(1, placeholder)
	return f.add(label, e, &field[T]{key: key, input: e, focus: e,
		fill: func(r *T) { e.SetText(formatAmount(int64(*v(r)))) },
		read: func(r *T, bad map[string]string) {
			n, ok := parseAmount(e.Text)
			if !ok || (max > 0 && n > max) {
				bad[key], n = badText, 0
			}
			*v(r) = int(n)
		}})
}

// section lays cells out two per row under a bold title; Tab follows the
// rows.
func (f *form[T, R]) section(title string, cells ...fyne.CanvasObject) fyne.CanvasObject {
	head := &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewVBox(widget.NewSeparator(), head, container.NewGridWithColumns(2, cells...))
}

// field returns the field of key, or nil.
func (f *form[T, R]) field(key string) *field[T] {
	for _, fl := range f.fields {
		if fl.key == key {
			return fl
		}
	}
	return nil
}

// entry, choice, check and ticks return the input of the field of key.
func (f *form[T, R]) entry(key string) *formEntry   { return f.field(key).input.(*formEntry) }
func (f *form[T, R]) choice(key string) *codeSelect { return f.field(key).input.(*codeSelect) }
func (f *form[T, R]) check(key string) *formCheck   { return f.field(key).input.(*formCheck) }
func (f *form[T, R]) ticks(key string) *tickBoxes   { return f.field(key).input.(*tickBoxes) }

// finish lays the form out around body (the title and summary line above,
// the note on required fields under it, the buttons at the bottom: "void"
// too when editing a record that may be voided), fills the inputs with the
// record edited or with defaults, a new record's, and notes them as
// filled.
func (f *form[T, R]) finish(body *fyne.Container, defaults T) {
	f.defaults = defaults
	body.Objects = append([]fyne.CanvasObject{f.title, f.formErr}, body.Objects...)
	body.Add(&widget.Label{Text: lang.X("form.required_note", "Các trường có dấu * là bắt buộc.")})
	f.save = &widget.Button{Text: lang.X("form.save", "Lưu"), Icon: theme.DocumentSaveIcon(),
		Importance: widget.HighImportance, OnTapped: f.onSave}
	// "Đóng", not "Hủy": beside "Hủy vụ việc ghi nhầm" a "Hủy" read as
	// cancelling the record (issue 17). Closing asks first when something
	// was typed.
	f.cancel = &widget.Button{Text: lang.X("form.close", "Đóng"), Icon: theme.CancelIcon(), OnTapped: f.onCancel}
	buttons := container.NewHBox(layout.NewSpacer(), f.cancel, f.save)
	if f.orig != nil && f.voider != nil {
		f.void = &widget.Button{Text: f.voider.button, Icon: theme.DeleteIcon(), Importance: widget.DangerImportance,
			OnTapped: f.openVoid}
		buttons = container.NewHBox(f.void, layout.NewSpacer(), f.cancel, f.save)
	}
	f.scroll = container.NewVScroll(body)
	f.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), buttons), nil, nil, f.scroll)
	shown := &f.defaults
	if f.orig != nil {
		shown = f.orig
	}
	for _, fl := range f.fields {
		fl.fill(shown)
	}
	f.markClean()
}

// snapshot returns every input's value in one string.
func (f *form[T, R]) snapshot() string {
	v := make([]string, len(f.fields))
	for i, fl := range f.fields {
		v[i] = fl.value()
	}
	return strings.Join(v, "\x00")
}

// markClean notes the inputs as they are now as filled.
func (f *form[T, R]) markClean() { f.initial = f.snapshot() }

// focusFirst puts the cursor in the first field.
func (f *form[T, R]) focusFirst() {
	if f.win == nil {
		return
	}
	for _, fl := range f.fields {
		if fl.focus != nil {
			f.win.Canvas().Focus(fl.focus)
			return
		}
	}
}

// collect reads the inputs into a copy of the record edited (or of the
// defaults) and checks it: the record, and a message per bad field (JSON
// names); none means it may be saved.
func (f *form[T, R]) collect() (T, map[string]string) {
	r := f.defaults
	if f.orig != nil {
		r = *f.orig
	}
	bad := map[string]string{}
	for _, fl := range f.fields {
		fl.read(&r, bad)
	}
	for k, msg := range checkRecord(R(&r), f.refs, f.now()) {
		if _, ok := bad[k]; !ok {
			bad[k] = msg
		}
	}
	return r, bad
}

// checkRecord normalises r and returns its validation messages by field;
// a missing commune is left to the store, which fills in the device's.
func checkRecord(r checkable, refs *app.RefData, now time.Time) map[string]string {
	r.Normalize()
	var rf app.Refs
	if refs != nil {
		rf = refs
	}
	bad := app.FieldErrors(r.Validate(rf, now))
	if bad == nil {
		bad = map[string]string{}
	}
	if string(r.Fields()["unit_code"]) == `""` {
		delete(bad, "unit_code")
	}
	return bad
}

// showErrors puts each message under its field and the others into the
// summary line, after lead; with messages, the cursor goes to the first
// bad field.
func (f *form[T, R]) showErrors(lead string, bad map[string]string) {
	showFieldErrors(f.errs, f.formErr, lead, bad)
	if f.win == nil {
		return
	}
	for _, fl := range f.fields {
		if _, ok := bad[fl.key]; ok && fl.focus != nil {
			f.win.Canvas().Focus(fl.focus)
			// The messages just shown moved what is below them: lay the
			// form out again, then show the field with its message
			// under it (the focus alone scrolled to where the input
			// was, leaving the message just out of view).
			if f.scroll != nil && f.scroll.Content != nil {
				f.scroll.Content.Refresh()
				f.reveal(f.errs[fl.key])
				if o, ok := fl.focus.(fyne.CanvasObject); ok {
					f.reveal(o)
				}
			}
			return
		}
	}
}

// onSave checks the inputs and, if they are good, saves the record off the
// Fyne goroutine. Nothing is saved while any field is bad; an edit without
// a change just closes the form.
func (f *form[T, R]) onSave() {
	if f.saving {
		return
	}
	rec, bad := f.collect()
	if len(bad) > 0 {
		f.showErrors(lang.X("form.not_saved", "Chưa lưu. Vui lòng sửa các trường được đánh dấu màu đỏ."), bad)
		return
	}
	f.showErrors("", nil)
	switch {
	case f.orig != nil && !f.saveAlways && f.snapshot() == f.initial:
		f.done(nil)
	case f.orig == nil && f.checkNew != nil:
		f.checkNew(rec, func() { f.persist(rec) })
	default:
		f.persist(rec)
	}
}

// persist saves rec off the Fyne goroutine and closes the form, or shows
// why not.
func (f *form[T, R]) persist(rec T) {
	var orig *T
	if f.orig != nil {
		o := *f.orig
		orig = &o
	}
	f.setSaving(true)
	f.run(func() {
		saved, err := f.store(f.ctx, orig, &rec)
		fyne.Do(func() {
			f.setSaving(false)
			if err != nil {
				logError("save "+f.what, err)
				f.showErrors(f.failed(userMessage(err)), app.FieldErrors(err))
				return
			}
			f.done(saved)
		})
	})
}

// done closes the form; saved is nil when nothing was saved.
func (f *form[T, R]) done(saved *T) {
	if f.onDone != nil {
		f.onDone(saved)
	}
}

func (f *form[T, R]) setSaving(on bool) {
	f.saving = on
	for _, b := range []*widget.Button{f.save, f.cancel, f.void} {
		switch {
		case b == nil:
		case on:
			b.Disable()
		default:
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
func (f *form[T, R]) onCancel() {
	if f.saving {
		return
	}
	if f.snapshot() == f.initial || f.win == nil {
		f.done(nil)
		return
	}
	f.ask(lang.X("form.discard.title", "Bỏ các thay đổi chưa lưu?"), f.discardText,
		lang.X("form.discard.confirm", "Bỏ thay đổi"), lang.X("form.discard.keep", "Tiếp tục nhập"),
		fyne.NewSize(420, 180), func() { f.done(nil) })
}

// ask puts a question over the form: go ahead (proceed) or go back. Going
// back is the safe answer and the default: it is the highlighted button
// and has the focus, so Space takes it.
func (f *form[T, R]) ask(title, text, ahead, back string, size fyne.Size, proceed func()) {
	var d *dialog.CustomDialog
	backBtn := newKeyButton(back, theme.CancelIcon(), widget.HighImportance, func() { d.Hide() })
	aheadBtn := newKeyButton(ahead, theme.ConfirmIcon(), widget.MediumImportance, func() { d.Hide(); proceed() })
	d = dialog.NewCustomWithoutButtons(title, &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}, f.win)
	d.SetButtons([]fyne.CanvasObject{backBtn, aheadBtn})
	d.SetOnClosed(func() { f.asking = nil })
	d.Resize(size)
	d.Show()
	f.win.Canvas().Focus(backBtn)
	f.asking = d
}

// openVoid asks why the record was recorded by mistake; confirmVoid then
// voids it.
func (f *form[T, R]) openVoid() {
	if f.saving || f.orig == nil || f.voider == nil {
		return
	}
	s := f.voider
	v := &voidDialog{reason: newFormEntry(true), msg: &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}}
	v.reason.SetMinRowsVisible(2)
	v.reason.SetPlaceHolder(s.hint)
	back := &widget.Button{Text: lang.X("form.void.back", "Quay lại"), Icon: theme.CancelIcon(),
		OnTapped: func() { v.d.Hide(); f.voiding = nil }}
	v.confirm = &widget.Button{Text: s.confirm, Icon: theme.DeleteIcon(), Importance: widget.DangerImportance,
		OnTapped: f.confirmVoid}
	// msg stays in the layout, empty until needed, so that the dialog
	// does not jump.
	body := container.NewVBox(&widget.Label{Text: s.message, Wrapping: fyne.TextWrapWord},
		widget.NewLabel(lang.X("form.void.reason", "Lý do hủy *")), v.reason, v.msg)
	v.d = dialog.NewCustomWithoutButtons(s.title, body, f.win)
	v.d.SetButtons([]fyne.CanvasObject{back, v.confirm})
	v.d.Resize(fyne.NewSize(480, 300))
	v.d.Show()
	f.win.Canvas().Focus(v.reason)
	f.voiding = v
}

// confirmVoid voids the record off the Fyne goroutine, unless no reason
// (or too long a one) was given.
func (f *form[T, R]) confirmVoid() {
	v, s := f.voiding, f.voider
	if v == nil {
		return
	}
	reason := app.NFC(v.reason.Text)
	switch {
	case reason == "":
		v.msg.SetText(s.missing)
	case len([]rune(reason)) > maxVoidReason:
		v.msg.SetText(lang.X("form.void.reason_long", "Lý do hủy quá dài (tối đa 200 ký tự)."))
	default:
		v.d.Hide()
		f.voiding = nil
		orig, now := *f.orig, f.now()
		f.setSaving(true)
		f.run(func() {
			saved, err := s.void(f.ctx, &orig, reason, now)
			fyne.Do(func() {
				f.setSaving(false)
				if err != nil {
					logError("void "+f.what, err)
					f.showErrors(s.failed(userMessage(err)), nil)
					return
				}
				f.done(saved)
			})
		})
		return
	}
	f.win.Canvas().Focus(v.reason)
}

// saveChanges sends the fields of rec that differ from orig (the record as
// the form showed it) through ed: the store applies them to the record as
// it holds it then, so what a sync brought for other fields while the form
// was open is kept, and the outbox carries only what the officer changed.
// base is the version of the copy edited.
func saveChanges[T any, R editable[T]](ctx context.Context, ed Editor, entity, id string, base int64, orig, rec *T) error {
	R(orig).Normalize() // a value only normalisation changes is not a change
	changes := changedFields(R(orig).Fields(), R(rec).Fields())
	if len(changes) == 0 {
		return nil
	}
	return ed.Edit(ctx, entity, id, base, changes)
}

// changedFields returns the fields of after whose values differ from
// before's.
func changedFields(before, after map[string]json.RawMessage) map[string]json.RawMessage {
	changed := map[string]json.RawMessage{}
	for k, v := range after {
		if string(before[k]) != string(v) {
			changed[k] = v
		}
	}
	return changed
}

// recordStore is the store of a record form: a new record through
// SaveRecord, an edit through the Editor (saveChanges); it returns the
// record as the store then holds it.
func recordStore[T any, R recordPtr[T]](svc RecordService) func(ctx context.Context, orig, rec *T) (*T, error) {
	return func(ctx context.Context, orig, rec *T) (*T, error) {
		if orig == nil {
			err := svc.SaveRecord(ctx, R(rec))
			return rec, err
		}
		h := R(orig).Head()
		if err := saveChanges[T, R](ctx, svc, R(rec).Entity(), h.ID, h.Version, orig, rec); err != nil {
			return nil, err
		}
		var cur T
		err := svc.GetRecord(ctx, h.ID, R(&cur))
		return &cur, err
	}
}

// recordVoider voids a record of the registries, training and outreach
// work as the store holds it now, adding the reason, dated, to its note.
func recordVoider[T any, R recordPtr[T]](svc RecordService, note func(*T) *string) func(context.Context, *T, string, time.Time) (*T, error) {
	return func(ctx context.Context, orig *T, reason string, now time.Time) (*T, error) {
		line := lang.X("outreach.void.note", "Hủy bản ghi ngày {{.Date}}: {{.Reason}}",
			map[string]any{"Date": FormatDate(now), "Reason": reason})
		id := R(orig).Head().ID
		var cur T
		if err := svc.GetRecord(ctx, id, R(&cur)); err != nil {
			return nil, err
		}
		was := R(&cur).Fields()
		R(&cur).Head().Voided = true
		if n := note(&cur); *n != "" {
			line = *n + "\n" + line
		}
		*note(&cur) = line
		err := svc.Edit(ctx, R(&cur).Entity(), id, R(&cur).Head().Version, changedFields(was, R(&cur).Fields()))
		return &cur, err
	}
}
