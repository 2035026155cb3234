package ui

import (
	"context"
	"encoding/json"
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

// What the registry and training screens share: a table whose columns
// share the width, a form with a red message under each field, inputs that
// act on Enter and Escape, and saving only the fields a form changed.

// tableColumn is one column of a recordTable.
type tableColumn struct {
	title      string
	share, min float32 // share of the width; minimum width
}

// recordTable is a table of records whose columns share the available
// width; selecting a row opens it.
type recordTable struct {
	spreadTable
	cols []tableColumn
}

func newRecordTable(cols []tableColumn, rows func() int, cell func(row, col int) string, open func(row int)) *recordTable {
	t := &recordTable{cols: cols}
	for _, c := range cols {
		t.share, t.mins = append(t.share, c.share), append(t.mins, c.min)
	}
	t.Length = func() (int, int) { return rows(), len(cols) }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(cell(id.Row, id.Col))
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(cols[id.Col].title)
		}
	}
	t.OnSelected = func(id widget.TableCellID) {
		t.UnselectAll() // so that the same row can be opened again
		if id.Row >= 0 && id.Row < rows() && open != nil {
			open(id.Row)
		}
	}
	t.ExtendBaseWidget(t)
	t.setWidths(1000)
	return t
}

// keyEntry is a one-line entry that lets its owner act on a key before the
// entry does (↓, ↑, Enter, Escape), and leaves Tab to move on.
type keyEntry struct {
	widget.Entry
	onKey   func(fyne.KeyName) bool // true if the key was handled
	onFocus focusHook
}

func newKeyEntry(placeholder string) *keyEntry {
	e := &keyEntry{}
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey != nil && !e.Disabled() && e.onKey(k.Name) {
		return
	}
	e.Entry.TypedKey(k)
}

// AcceptsTab implements fyne.Tabbable: Tab moves on.
func (e *keyEntry) AcceptsTab() bool { return false }

// FocusGained implements fyne.Focusable.
func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus(e)
	}
}

// keySelect is a Select over a code list that also acts on Enter and
// Escape; ← and → step through the choices, Space opens the list.
type keySelect struct {
	widget.Select
	codes   []string
	onKey   func(fyne.KeyName) bool
	onFocus focusHook
}

func newKeySelect(list app.CodeList, placeholder string) *keySelect {
	s := &keySelect{}
	for _, c := range list {
		s.Options = append(s.Options, codeLabel(c))
		s.codes = append(s.codes, c.Code)
	}
	s.PlaceHolder = placeholder
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey implements fyne.Focusable.
func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	if s.onKey != nil && !s.Disabled() && s.onKey(k.Name) {
		return
	}
	s.Select.TypedKey(k)
}

// FocusGained implements fyne.Focusable.
func (s *keySelect) FocusGained() {
	s.Select.FocusGained()
	if s.onFocus != nil {
		s.onFocus(s)
	}
}

// Code returns the selected code, or "".
func (s *keySelect) Code() string {
	i := s.SelectedIndex()
	if i < 0 || i >= len(s.codes) {
		return ""
	}
	return s.codes[i]
}

// SetCode selects code ("" clears); an unknown code is added as it is.
func (s *keySelect) SetCode(code string) {
	if code == "" {
		s.ClearSelected()
		return
	}
	for i, c := range s.codes {
		if c == code {
			s.SetSelectedIndex(i)
			return
		}
	}
	s.Options = append(s.Options, code)
	s.codes = append(s.codes, code)
	s.SetSelectedIndex(len(s.codes) - 1)
}

// recordForm is the frame of a registry or session form: a title, a red
// summary line, fields each with its label above and its red message
// under, the buttons at the bottom; usable with the keyboard alone.
type recordForm struct {
	win     fyne.Window
	title   *widget.Label
	formErr *widget.Label
	scroll  *container.Scroll
	errs    map[string]*widget.Label
	inputs  map[string]fyne.Focusable
	order   []string
	save    *widget.Button
	cancel  *widget.Button
	saving  bool
	content fyne.CanvasObject
	// values reads every input made with entry, area, pick and check;
	// initial is what they held when the form was filled.
	values  []func() string
	initial string
}

func newRecordForm(win fyne.Window, title string, onSave, onCancel func()) *recordForm {
	f := &recordForm{win: win, errs: map[string]*widget.Label{}, inputs: map[string]fyne.Focusable{}}
	f.title = &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	f.formErr = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	f.formErr.Hide()
	f.save = &widget.Button{Text: lang.X("form.save", "Lưu"), Icon: theme.DocumentSaveIcon(),
		Importance: widget.HighImportance, OnTapped: onSave}
	f.cancel = &widget.Button{Text: lang.X("form.cancel", "Hủy"), Icon: theme.CancelIcon(), OnTapped: onCancel}
	return f
}

// reveal scrolls the form to the input that got the focus.
func (f *recordForm) reveal(o fyne.CanvasObject) { scrollIntoView(f.scroll, o) }

func (f *recordForm) entry(placeholder string) *formEntry {
	e := newFormEntry(false)
	e.onFocus = f.reveal
	e.SetPlaceHolder(placeholder)
	f.values = append(f.values, func() string { return e.Text })
	return e
}

func (f *recordForm) area(rows int, placeholder string) *formEntry {
	e := newFormEntry(true)
	e.onFocus = f.reveal
	e.SetMinRowsVisible(rows)
	e.SetPlaceHolder(placeholder)
	f.values = append(f.values, func() string { return e.Text })
	return e
}

func (f *recordForm) pick(list app.CodeList) *codeSelect {
	s := newCodeSelect(list, lang.X("form.choose", "(Chọn)"))
	s.sel.onFocus = f.reveal
	f.values = append(f.values, s.Code)
	return s
}

func (f *recordForm) check(text string) *formCheck {
	c := newFormCheck(text, nil)
	c.onFocus = f.reveal
	f.values = append(f.values, func() string { return strconv.FormatBool(c.Checked) })
	return c
}

// snapshot returns every input's value in one string.
func (f *recordForm) snapshot() string {
	v := make([]string, len(f.values))
	for i, get := range f.values {
		v[i] = get()
	}
	return strings.Join(v, "\x00")
}

// markClean notes the inputs as filled: leaving asks only after a change.
func (f *recordForm) markClean() { f.initial = f.snapshot() }

// leave calls done at once if nothing was typed since the form was
// filled, else after the officer confirms dropping the changes.
func (f *recordForm) leave(done func()) {
	if f.saving {
		return
	}
	if f.snapshot() == f.initial || f.win == nil {
		done()
		return
	}
	msg := &widget.Label{Text: lang.X("record.discard.message", "Những gì vừa nhập sẽ không được lưu."),
		Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomConfirm(lang.X("form.discard.title", "Bỏ các thay đổi chưa lưu?"),
		lang.X("form.discard.confirm", "Bỏ thay đổi"), lang.X("form.discard.keep", "Tiếp tục nhập"),
		msg, func(discard bool) {
			if discard {
				done()
			}
		}, f.win)
	d.Resize(fyne.NewSize(420, 180))
	d.Show()
}

// checks returns a tick box per code of list, laid out in columns with
// wrapping labels, and the boxes in list order.
func (f *recordForm) checks(list app.CodeList, columns int) (fyne.CanvasObject, []*formCheck) {
	box := container.NewGridWithColumns(columns)
	var out []*formCheck
	for _, c := range list {
		ch := f.check("")
		box.Add(checkRow(ch, codeLabel(c)))
		out = append(out, ch)
	}
	return box, out
}

// cell builds one labelled field and registers it.
func (f *recordForm) cell(field, label string, input fyne.CanvasObject, focus fyne.Focusable) fyne.CanvasObject {
	msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	msg.Hide()
	f.errs[field] = msg
	if focus != nil {
		f.inputs[field] = focus
	}
	f.order = append(f.order, field)
	if label == "" { // a tick box carries its own text
		return container.NewVBox(input, msg)
	}
	return container.NewVBox(widget.NewLabel(label), input, msg)
}

// layout puts the body in a scroll, the buttons (extra ones first, on the
// left) at the bottom.
func (f *recordForm) layout(body *fyne.Container, extra ...fyne.CanvasObject) {
	body.Objects = append([]fyne.CanvasObject{f.title, f.formErr}, body.Objects...)
	body.Add(&widget.Label{Text: lang.X("form.required_note", "Các trường có dấu * là bắt buộc.")})
	f.scroll = container.NewVScroll(body)
	buttons := container.NewHBox(append(extra, layout.NewSpacer(), f.cancel, f.save)...)
	f.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), buttons), nil, nil, f.scroll)
}

// focusFirst puts the cursor in the first field.
func (f *recordForm) focusFirst() {
	if f.win == nil {
		return
	}
	for _, k := range f.order {
		if in := f.inputs[k]; in != nil {
			f.win.Canvas().Focus(in)
			return
		}
	}
}

// showErrors puts each message under its field and hides the others;
// messages for fields the form does not show go into the summary line,
// after lead. With messages, the first bad field gets the focus.
func (f *recordForm) showErrors(lead string, bad map[string]string) {
	showFieldErrors(f.errs, f.formErr, lead, bad)
	if f.win == nil {
		return
	}
	for _, k := range f.order {
		if _, ok := bad[k]; ok && f.inputs[k] != nil {
			f.win.Canvas().Focus(f.inputs[k])
			return
		}
	}
}

func (f *recordForm) setSaving(on bool) {
	f.saving = on
	if on {
		f.save.SetText(lang.X("form.saving", "Đang lưu…"))
		f.save.Disable()
		f.cancel.Disable()
		return
	}
	f.save.SetText(lang.X("form.save", "Lưu"))
	f.save.Enable()
	f.cancel.Enable()
}

// notSaved is the summary of a form that has bad fields.
func notSaved() string {
	return lang.X("form.not_saved", "Chưa lưu. Vui lòng sửa các trường được đánh dấu màu đỏ.")
}

// checkRecord normalises r and returns its validation messages by field;
// a missing commune is left to the store, which fills in the device's.
func checkRecord(r app.Record, refs *app.RefData, now time.Time) map[string]string {
	r.Normalize()
	var rf app.Refs
	if refs != nil {
		rf = refs
	}
	bad := app.FieldErrors(r.Validate(rf, now))
	if bad == nil {
		bad = map[string]string{}
	}
	if r.Head().UnitCode == "" {
		delete(bad, "unit_code")
	}
	return bad
}

// saveEdit saves edited: a new record as it is; for an existing one (orig,
// as the form first showed it), only the fields the user changed, which
// the store applies to the record as it is then (Editor), so that values a
// sync brought meanwhile are kept. It returns the record as saved.
func saveEdit(ctx context.Context, svc RecordService, orig, edited app.Record) (app.Record, error) {
	if orig == nil {
		err := svc.SaveRecord(ctx, edited)
		return edited, err
	}
	orig.Normalize() // a value only normalisation changes is not a change
	if err := svc.Edit(ctx, edited.Entity(), orig.Head().ID, orig.Head().Version, changedFields(orig, edited)); err != nil {
		return nil, err
	}
	cur := app.NewRecord(edited.Entity())
	err := svc.GetRecord(ctx, orig.Head().ID, cur)
	return cur, err
}

// changedFields returns the fields of edited whose values differ from
// orig's, with edited's values.
func changedFields(orig, edited app.Record) map[string]json.RawMessage {
	before, after := orig.Fields(), edited.Fields()
	changed := map[string]json.RawMessage{}
	for k, v := range after {
		if string(before[k]) != string(v) {
			changed[k] = v
		}
	}
	return changed
}

// foldedWords returns the search words of text (app.Fold).
func foldedWords(text string) []string { return strings.Fields(app.Fold(text)) }

// matchAllPrefixes is app.MatchesWords on words folded beforehand: the
// fast attendance entry folds the register once, not at every key.
func matchAllPrefixes(query, words []string) bool {
	for _, q := range query {
		found := false
		for _, w := range words {
			if strings.HasPrefix(w, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// parseDayInput reads a dd/mm/yyyy input as YYYY-MM-DD, putting a bad
// one's message into bad; "" stays "".
func parseDayInput(field, text string, now time.Time, bad map[string]string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	d, err := parseDate(text)
	switch {
	case err == errDateFormat:
		bad[field] = lang.X("form.date.bad_format", "Ngày phải có dạng ngày/tháng/năm, ví dụ {{.Example}}.",
			map[string]any{"Example": FormatDate(now)})
	case err != nil:
		bad[field] = lang.X("form.date.no_such_day", "Không có ngày này. Vui lòng kiểm tra ngày và tháng.")
	default:
		return d.Format(time.DateOnly)
	}
	return ""
}

// allAgencies returns every agency of refs as a code list: organisers
// and partners of a session may be any body of the plan.
func allAgencies(refs *app.RefData) app.CodeList {
	if refs == nil {
		return nil
	}
	out := make(app.CodeList, len(refs.Agencies))
	for i, a := range refs.Agencies {
		out[i] = app.Code{Code: a.ID, VI: a.NameVI, EN: a.NameEN}
	}
	return out
}

// yesNo shows a flag in a table cell.
func yesNo(b bool) string {
	if b {
		return lang.X("registry.yes", "Có")
	}
	return lang.X("registry.no", "Không")
}
