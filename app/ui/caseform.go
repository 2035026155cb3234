package ui

import (
	"context"
	"sort"
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

// formDeps is what the case form needs from the UI.
type formDeps struct {
	ctx     context.Context
	win     fyne.Window
	svc     CaseService
	refs    *app.RefData
	unit    string // this device's commune, for new cases
	officer string
	run     func(func())
	now     func() time.Time
}

// caseForm records a new case or edits one.
type caseForm struct {
	formDeps
	orig *app.Case // the case being edited; nil for a new one

	title   *widget.Label
	formErr *widget.Label // the summary of what went wrong, in red

	received        *widget.Entry
	channel         *codeSelect
	kind            *codeSelect
	sector          *codeSelect
	status          *codeSelect // nil for a new case: it starts as received
	consumerName    *widget.Entry
	consumerPhone   *widget.Entry
	consumerAddress *widget.Entry
	businessName    *widget.Entry
	businessAddress *widget.Entry
	summary         *widget.Entry

	// errs holds the message label under each field, by the field's JSON
	// name (the keys of app.Error.Fields).
	errs   map[string]*widget.Label
	inputs map[string]fyne.Focusable
	order  []string // field names in screen order

	save, cancel *widget.Button
	void         *widget.Button // "Hủy vụ việc"; nil for a new case
	saving       bool
	initial      string // the inputs as first shown, to spot unsaved changes

	onDone  func(saved *app.Case) // saved is nil when the form was cancelled
	voiding *voidDialog           // the open "Hủy vụ việc" dialog, or nil

	content fyne.CanvasObject
}

func newCaseForm(d formDeps, orig *app.Case) *caseForm {
	f := &caseForm{formDeps: d, orig: orig, errs: map[string]*widget.Label{}, inputs: map[string]fyne.Focusable{}}

	f.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	if orig == nil {
		f.title.Text = lang.X("form.title.new", "Thêm vụ việc")
	} else {
		f.title.Text = lang.X("form.title.edit", "Sửa vụ việc {{.Number}}", map[string]any{"Number": orig.Number})
	}
	f.formErr = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	f.formErr.Hide()

	choose := lang.X("form.choose", "(Chọn)")
	f.received = widget.NewEntry()
	f.received.SetPlaceHolder(lang.X("form.date.placeholder", "ngày/tháng/năm"))
	f.channel = newCodeSelect(app.Channels, choose)
	f.kind = newCodeSelect(app.CaseKinds, choose)
	f.sector = newCodeSelect(sectorList(d.refs), choose)
	if orig != nil {
		f.status = newCodeSelect(app.CaseStatuses, choose)
	}
	f.consumerName = widget.NewEntry()
	f.consumerPhone = widget.NewEntry()
	f.consumerPhone.SetPlaceHolder(lang.X("form.phone.placeholder", "Ví dụ: 0912 345 678"))
	f.consumerAddress = widget.NewEntry()
	f.businessName = widget.NewEntry()
	f.businessAddress = widget.NewEntry()
	f.summary = widget.NewMultiLineEntry()
	f.summary.Wrapping = fyne.TextWrapWord
	f.summary.SetMinRowsVisible(4)
	f.summary.SetPlaceHolder(lang.X("form.summary.placeholder", "Người tiêu dùng phản ánh, yêu cầu gì; hàng hóa, dịch vụ nào; khi nào; số tiền…"))

	f.fill(orig)

	f.save = &widget.Button{Text: lang.X("form.save", "Lưu"), Icon: theme.DocumentSaveIcon(),
		Importance: widget.HighImportance, OnTapped: f.onSave}
	f.cancel = &widget.Button{Text: lang.X("form.cancel", "Hủy"), Icon: theme.CancelIcon(), OnTapped: f.onCancel}

	required := func(s string) string { return s + " *" }
	leftRows := [][]fyne.CanvasObject{
		f.row("received_at", required(lang.X("form.received", "Ngày tiếp nhận")), f.received, f.received),
		f.row("channel", required(lang.X("form.channel", "Kênh tiếp nhận")), f.channel.sel, f.channel.sel),
		f.row("kind", required(lang.X("form.kind", "Loại vụ việc")), f.kind.sel, f.kind.sel),
		f.row("sector", required(lang.X("form.sector", "Lĩnh vực")), f.sector.sel, f.sector.sel),
	}
	if f.status != nil {
		leftRows = append(leftRows, f.row("status", required(lang.X("form.status", "Trạng thái")), f.status.sel, f.status.sel))
	}
	left := f.fields(leftRows...)
	right := f.fields(
		f.row("consumer_name", required(lang.X("form.consumer_name", "Họ và tên người tiêu dùng")), f.consumerName, f.consumerName),
		f.row("consumer_phone", lang.X("form.consumer_phone", "Số điện thoại"), f.consumerPhone, f.consumerPhone),
		f.row("consumer_address", lang.X("form.consumer_address", "Địa chỉ người tiêu dùng"), f.consumerAddress, f.consumerAddress),
		f.row("business_name", lang.X("form.business_name", "Tên doanh nghiệp, cửa hàng"), f.businessName, f.businessName),
		f.row("business_address", lang.X("form.business_address", "Địa chỉ doanh nghiệp"), f.businessAddress, f.businessAddress),
	)
	bottom := f.fields(f.row("summary", required(lang.X("form.summary", "Nội dung vụ việc")), f.summary, f.summary))

	section := func(text string) *widget.Label {
		return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
	}
	columns := container.NewGridWithColumns(2,
		container.NewVBox(section(lang.X("form.section.intake", "Tiếp nhận")), left),
		container.NewVBox(section(lang.X("form.section.parties", "Người tiêu dùng và doanh nghiệp")), right),
	)
	note := &widget.Label{Text: lang.X("form.required_note", "Các trường có dấu * là bắt buộc.")}
	body := container.NewVBox(f.title, f.formErr, columns, bottom, note)
	buttons := container.NewHBox(layout.NewSpacer(), f.cancel, f.save)
	if orig != nil {
		f.void = &widget.Button{Text: lang.X("form.void", "Hủy vụ việc"), Icon: theme.DeleteIcon(),
			Importance: widget.DangerImportance, OnTapped: f.onVoid}
		buttons = container.NewHBox(f.void, layout.NewSpacer(), f.cancel, f.save)
	}
	f.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), buttons), nil, nil,
		container.NewVScroll(body))

	f.initial = f.snapshot()
	return f
}

// row builds one labelled field with the red message label under it.
func (f *caseForm) row(field, label string, input fyne.CanvasObject, focus fyne.Focusable) []fyne.CanvasObject {
	msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	msg.Hide()
	f.errs[field] = msg
	f.inputs[field] = focus
	f.order = append(f.order, field)
	return []fyne.CanvasObject{
		container.NewVBox(widget.NewLabel(label)), // keeps the label at the top of the row
		container.NewVBox(input, msg),
	}
}

// fields lays rows out as a two-column form (labels, inputs).
func (f *caseForm) fields(rows ...[]fyne.CanvasObject) *fyne.Container {
	c := container.New(layout.NewFormLayout())
	for _, r := range rows {
		for _, o := range r {
			c.Add(o)
		}
	}
	return c
}

// fill puts c into the inputs, or today's date for a new case.
func (f *caseForm) fill(c *app.Case) {
	if c == nil {
		f.received.SetText(FormatDate(f.now()))
		return
	}
	f.received.SetText(FormatDate(c.ReceivedAt))
	f.channel.SetCode(c.Channel)
	f.kind.SetCode(c.Kind)
	f.sector.SetCode(c.Sector)
	f.status.SetCode(c.Status)
	f.consumerName.SetText(c.ConsumerName)
	f.consumerPhone.SetText(c.ConsumerPhone)
	f.consumerAddress.SetText(c.ConsumerAddress)
	f.businessName.SetText(c.BusinessName)
	f.businessAddress.SetText(c.BusinessAddress)
	f.summary.SetText(c.Summary)
}

// snapshot returns every input's value in one string.
func (f *caseForm) snapshot() string {
	v := []string{f.received.Text, f.channel.Code(), f.kind.Code(), f.sector.Code(),
		f.consumerName.Text, f.consumerPhone.Text, f.consumerAddress.Text,
		f.businessName.Text, f.businessAddress.Text, f.summary.Text}
	if f.status != nil {
		v = append(v, f.status.Code())
	}
	return strings.Join(v, "\x00")
}

// focusFirst puts the cursor in the first field.
func (f *caseForm) focusFirst() {
	if f.win != nil && len(f.order) > 0 {
		f.win.Canvas().Focus(f.inputs[f.order[0]])
	}
}

// collect reads the inputs into a case and checks it. It returns the case
// and a message per bad field (JSON field names); an empty map means the
// case may be saved.
func (f *caseForm) collect() (app.Case, map[string]string) {
	var c app.Case
	if f.orig != nil {
		c = *f.orig
	} else {
		c = app.Case{Status: app.StatusReceived, UnitCode: f.unit}
	}
	bad := map[string]string{}
	now := f.now()

	if text := strings.TrimSpace(f.received.Text); text != "" {
		day, err := parseDate(text)
		switch {
		case err == errDateFormat:
			bad["received_at"] = lang.X("form.date.bad_format", "Ngày phải có dạng ngày/tháng/năm, ví dụ {{.Example}}.",
				map[string]any{"Example": FormatDate(now)})
		case err != nil:
			bad["received_at"] = lang.X("form.date.no_such_day", "Không có ngày này. Vui lòng kiểm tra ngày và tháng.")
		case day.After(now.In(ICT)) && !sameDay(day, now):
			bad["received_at"] = lang.X("form.date.future", "Ngày tiếp nhận không được sau ngày hôm nay.")
		case f.orig != nil && sameDay(day, f.orig.ReceivedAt):
			// unchanged: keep the original time of day
		case sameDay(day, now):
			c.ReceivedAt = now
		default:
			c.ReceivedAt = day
		}
	} else {
		c.ReceivedAt = time.Time{}
	}
	c.Channel = f.channel.Code()
	c.Kind = f.kind.Code()
	c.Sector = f.sector.Code()
	if f.status != nil {
		c.Status = f.status.Code()
	}
	c.ConsumerName = f.consumerName.Text
	c.ConsumerPhone = f.consumerPhone.Text
	c.ConsumerAddress = f.consumerAddress.Text
	c.BusinessName = f.businessName.Text
	c.BusinessAddress = f.businessAddress.Text
	c.Summary = f.summary.Text
	c.Normalize()

	var refs app.Refs
	if f.refs != nil {
		refs = f.refs
	}
	for k, v := range app.FieldErrors(c.Validate(refs, now)) {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	if c.UnitCode == "" {
		delete(bad, "unit_code") // the service fills in the device's commune
	}
	return c, bad
}

// showErrors puts each message under its field and hides the others.
// Messages for fields the form does not show go into the summary line,
// after lead.
func (f *caseForm) showErrors(lead string, bad map[string]string) {
	for k, l := range f.errs {
		if msg, ok := bad[k]; ok {
			l.SetText(msg)
			l.Show()
		} else {
			l.Hide()
		}
	}
	var other []string
	for k, msg := range bad {
		if _, ok := f.errs[k]; !ok {
			other = append(other, msg)
		}
	}
	sort.Strings(other)
	if lead == "" && len(other) == 0 {
		f.formErr.Hide()
		return
	}
	f.formErr.SetText(strings.Join(append([]string{lead}, other...), " "))
	f.formErr.Show()
}

// onSave checks the inputs and, if they are good, saves the case off the
// Fyne goroutine. Nothing is saved while any field is bad.
func (f *caseForm) onSave() {
	if f.saving {
		return
	}
	c, bad := f.collect()
	if len(bad) > 0 {
		f.showErrors(lang.X("form.not_saved", "Chưa lưu. Vui lòng sửa các trường được đánh dấu màu đỏ."), bad)
		for _, k := range f.order {
			if _, ok := bad[k]; ok {
				f.win.Canvas().Focus(f.inputs[k])
				break
			}
		}
		return
	}
	f.showErrors("", nil)
	if f.orig != nil && f.snapshot() == f.initial {
		f.onDone(nil) // nothing changed: nothing to save
		return
	}
	if f.officer != "" {
		c.UpdatedBy = f.officer
		if f.orig == nil {
			c.CreatedBy = f.officer
		}
	}
	f.setSaving(true)
	if f.orig == nil {
		f.run(func() {
			err := f.svc.CreateCase(f.ctx, &c)
			fyne.Do(func() { f.applySave(&c, err) })
		})
		return
	}
	// Apply only what the user changed to the case as it is now: a sync
	// may have brought newer values for other fields while the form was
	// open, and those must not be overwritten with what the form showed.
	changed := c.ChangedFields(f.orig)
	id := f.orig.ID
	f.run(func() {
		cur, err := f.svc.GetCase(f.ctx, id)
		if err == nil {
			err = cur.SetFields(changed)
		}
		if err == nil {
			err = f.svc.UpdateCase(f.ctx, &cur)
		}
		fyne.Do(func() { f.applySave(&cur, err) })
	})
}

// applySave shows the outcome of a save: back to the list, or the messages.
func (f *caseForm) applySave(c *app.Case, err error) {
	f.setSaving(false)
	if err != nil {
		logError("save case", err)
		f.showErrors(lang.X("form.save_failed", "Chưa lưu được vụ việc: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}), app.FieldErrors(err))
		return
	}
	if f.onDone != nil {
		f.onDone(c)
	}
}

func (f *caseForm) setSaving(on bool) {
	f.saving = on
	if on {
		f.save.SetText(lang.X("form.saving", "Đang lưu…"))
		f.save.Disable()
		f.cancel.Disable()
		if f.void != nil {
			f.void.Disable()
		}
		return
	}
	f.save.SetText(lang.X("form.save", "Lưu"))
	f.save.Enable()
	f.cancel.Enable()
	if f.void != nil {
		f.void.Enable()
	}
}

// onCancel leaves the form; if something was typed it asks first.
func (f *caseForm) onCancel() {
	if f.saving || f.onDone == nil {
		return
	}
	if f.snapshot() == f.initial {
		f.onDone(nil)
		return
	}
	msg := &widget.Label{Text: lang.X("form.discard.message", "Những gì vừa nhập cho vụ việc này sẽ không được lưu."),
		Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomConfirm(lang.X("form.discard.title", "Bỏ các thay đổi chưa lưu?"),
		lang.X("form.discard.confirm", "Bỏ thay đổi"), lang.X("form.discard.keep", "Tiếp tục nhập"),
		msg, func(discard bool) {
			if discard {
				f.onDone(nil)
			}
		}, f.win)
	d.Resize(fyne.NewSize(420, 180))
	d.Show()
}

// voidDialog asks for the reason a case is voided.
type voidDialog struct {
	d       *dialog.CustomDialog
	reason  *widget.Entry
	msg     *widget.Label // "the reason is required", in red
	confirm *widget.Button
}

// onVoid asks for a reason, then voids the case and goes back to the list.
func (f *caseForm) onVoid() {
	if f.saving || f.orig == nil {
		return
	}
	v := &voidDialog{reason: widget.NewMultiLineEntry(),
		msg: &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}}
	v.reason.Wrapping = fyne.TextWrapWord
	v.reason.SetMinRowsVisible(2)
	v.reason.SetPlaceHolder(lang.X("form.void.placeholder", "Ví dụ: ghi trùng với vụ việc số …"))
	explain := &widget.Label{Wrapping: fyne.TextWrapWord,
		Text: lang.X("form.void.message", "Chỉ hủy vụ việc ghi nhầm (ghi trùng, ghi thử). Vụ việc {{.Number}} sẽ không còn trong danh sách và báo cáo nhưng vẫn được lưu cùng lý do hủy. Những gì chưa lưu trong biểu mẫu sẽ bị bỏ.",
			map[string]any{"Number": f.orig.Number})}
	back := &widget.Button{Text: lang.X("form.void.back", "Quay lại"), Icon: theme.CancelIcon(),
		OnTapped: func() { v.d.Hide() }}
	v.confirm = &widget.Button{Text: lang.X("form.void.confirm", "Hủy vụ việc"), Icon: theme.DeleteIcon(),
		Importance: widget.DangerImportance, OnTapped: func() { f.confirmVoid(v) }}
	// msg stays in the layout, empty until needed, so that the dialog
	// does not jump.
	body := container.NewVBox(explain,
		widget.NewLabel(lang.X("form.void.reason", "Lý do hủy *")), v.reason, v.msg)
	v.d = dialog.NewCustomWithoutButtons(lang.X("form.void.title", "Hủy vụ việc này?"), body, f.win)
	v.d.SetButtons([]fyne.CanvasObject{back, v.confirm})
	v.d.Resize(fyne.NewSize(480, 300))
	v.d.Show()
	f.win.Canvas().Focus(v.reason)
	f.voiding = v
}

// confirmVoid voids the case off the Fyne goroutine, unless no reason was
// given.
func (f *caseForm) confirmVoid(v *voidDialog) {
	reason := app.NFC(v.reason.Text)
	if reason == "" {
		v.msg.SetText(lang.X("form.void.reason_required", "Cần ghi lý do hủy vụ việc."))
		f.win.Canvas().Focus(v.reason)
		return
	}
	v.d.Hide()
	f.voiding = nil
	f.setSaving(true)
	c := *f.orig
	f.run(func() {
		err := f.svc.VoidCase(f.ctx, c.ID, reason)
		fyne.Do(func() {
			f.setSaving(false)
			if err != nil {
				logError("void case", err)
				f.showErrors(lang.X("form.void.failed", "Chưa hủy được vụ việc: {{.Reason}}",
					map[string]any{"Reason": userMessage(err)}), nil)
				return
			}
			c.Voided, c.VoidReason = true, reason
			if f.onDone != nil {
				f.onDone(&c)
			}
		})
	})
}
