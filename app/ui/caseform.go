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

// formDeps is what the case form needs from the UI.
type formDeps struct {
	ctx     context.Context
	win     fyne.Window
	svc     CaseService
	records RecordService // nil without the training and outreach work
	refs    *app.RefData
	unit    string // this device's commune, for new cases
	officer string
	run     func(func())
	now     func() time.Time
}

// caseForm records a new case or edits one: the full record of domain.md
// §5.2 in the order an officer asks the questions, usable with the
// keyboard alone (Tab moves on, Space ticks and opens lists, the buttons
// at the end take Space or Enter). The status is not edited here: it moves
// only through the steps of the case's timeline.
type caseForm struct {
	formDeps
	orig *app.Case // the case being edited; nil for a new one

	title   *widget.Label
	formErr *widget.Label // the summary of what went wrong, in red
	scroll  *container.Scroll

	// Intake.
	received                         *formEntry
	channel                          *codeSelect
	kind                             *codeSelect
	requesterRole                    *codeSelect
	repName                          *formEntry
	repRelation                      *formEntry
	referredFrom                     *formEntry
	assignedTo                       *formEntry
	consumerName                     *formEntry
	consumerPhone                    *formEntry
	gender                           *codeSelect
	birthDate                        *formEntry
	ageBand                          *codeSelect
	consumerAddr                     *formEntry
	consumerUnit                     *codeSelect
	oldAddress                       *formEntry
	groups                           []*formCheck // parallel to app.VulnerableGroups
	groupHint                        *widget.Label
	groupEvidence                    *formEntry
	businessName                     *formEntry
	businessKind                     *codeSelect
	businessPhone                    *formEntry
	taxCode                          *formEntry
	businessAddr                     *formEntry
	onlineChannel                    *formEntry
	sector                           *codeSelect
	issues                           []*formCheck // parallel to issueCodes
	issueCodes                       []string
	txType                           *codeSelect
	product                          *formEntry
	txDate                           *formEntry
	txValue                          *formEntry
	damage                           *formEntry
	summary                          *formEntry
	request                          *formEntry
	priorContact                     *formCheck
	priorDate                        *formEntry
	evidence                         *formEntry // one item per line
	method                           *codeSelect
	consumerAddress, businessAddress *formEntry // aliases kept for tests and older code

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
	dupWarn dialog.Dialog         // the open duplicate warning, or nil

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
	entry := func(placeholder string) *formEntry {
		e := newFormEntry(false)
		e.onFocus = f.reveal
		e.SetPlaceHolder(placeholder)
		return e
	}
	area := func(rows int, placeholder string) *formEntry {
		e := newFormEntry(true)
		e.onFocus = f.reveal
		e.SetMinRowsVisible(rows)
		e.SetPlaceHolder(placeholder)
		return e
	}
	pick := func(list app.CodeList) *codeSelect {
		s := newCodeSelect(list, choose)
		s.sel.onFocus = f.reveal
		return s
	}
	datePH := lang.X("form.date.placeholder", "ngày/tháng/năm")
	moneyPH := lang.X("form.money.placeholder", "Ví dụ: 1.250.000")

	f.received = entry(datePH)
	f.channel = pick(app.Channels)
	f.kind = pick(app.CaseKinds)
	f.requesterRole = pick(app.RequesterRoles)
	f.repName = entry("")
	f.repRelation = entry(lang.X("form.rep_relation.placeholder", "Ví dụ: con, cha mẹ, người giám hộ"))
	f.referredFrom = entry(lang.X("form.referred_from.placeholder", "Ví dụ: Tổng đài 1800.6838, Sở Công Thương"))
	f.assignedTo = entry("")
	f.consumerName = entry("")
	f.consumerPhone = entry(lang.X("form.phone.placeholder", "Ví dụ: 0912 345 678"))
	f.gender = pick(app.Genders)
	f.birthDate = entry(datePH)
	f.birthDate.OnChanged = func(string) { f.showGroupHint() }
	f.ageBand = pick(app.AgeBands)
	f.ageBand.sel.OnChanged = func(string) { f.showGroupHint() }
	f.consumerAddr = entry(lang.X("form.address.placeholder", "Số nhà, đường, ấp, khu phố"))
	f.consumerUnit = pick(unitList(d.refs))
	f.oldAddress = entry(lang.X("form.old_address.placeholder", "Ví dụ: Ấp 3, xã Mỹ Hạnh Trung, thị xã Cai Lậy"))
	for _, g := range app.VulnerableGroups {
		c := newFormCheck(codeLabel(g), func(bool) { f.showGroupHint() })
		c.onFocus = f.reveal
		f.groups = append(f.groups, c)
	}
	f.groupHint = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	f.groupHint.Hide()
	f.groupEvidence = entry(lang.X("form.vulnerable_evidence.placeholder", "Giấy tờ chứng minh, ví dụ: sổ hộ nghèo, giấy xác nhận khuyết tật"))
	f.businessName = entry("")
	f.businessKind = pick(app.BusinessKinds)
	f.businessPhone = entry("")
	f.taxCode = entry(lang.X("form.tax_code.placeholder", "10 chữ số"))
	f.businessAddr = entry("")
	f.onlineChannel = entry(lang.X("form.online_channel.placeholder", "Sàn, trang mạng xã hội hoặc đường dẫn"))
	f.sector = pick(sectorList(d.refs))
	for _, it := range issueTypeList(d.refs) {
		c := newFormCheck(codeLabel(it), nil)
		c.onFocus = f.reveal
		f.issues = append(f.issues, c)
		f.issueCodes = append(f.issueCodes, it.Code)
	}
	f.txType = pick(app.TransactionTypes)
	f.product = entry("")
	f.txDate = entry(datePH)
	f.txValue = entry(moneyPH)
	f.damage = entry(moneyPH)
	f.summary = area(4, lang.X("form.summary.placeholder", "Người tiêu dùng phản ánh, yêu cầu gì; hàng hóa, dịch vụ nào; khi nào; số tiền…"))
	f.request = area(2, lang.X("form.request.placeholder", "Ví dụ: hoàn tiền, đổi hàng, sửa chữa, bồi thường, xin lỗi"))
	f.priorContact = newFormCheck(lang.X("form.prior_contact", "Người tiêu dùng đã liên hệ doanh nghiệp trước"), nil)
	f.priorContact.onFocus = f.reveal
	f.priorDate = entry(datePH)
	f.evidence = area(3, lang.X("form.evidence.placeholder", "Mỗi dòng một tài liệu: hóa đơn, hợp đồng, ảnh chụp tin nhắn…"))
	f.method = pick(app.ResolutionMethods)
	f.consumerAddress, f.businessAddress = f.consumerAddr, f.businessAddr

	f.fill(orig)

	f.save = &widget.Button{Text: lang.X("form.save", "Lưu"), Icon: theme.DocumentSaveIcon(),
		Importance: widget.HighImportance, OnTapped: f.onSave}
	f.cancel = &widget.Button{Text: lang.X("form.cancel", "Hủy"), Icon: theme.CancelIcon(), OnTapped: f.onCancel}

	required := func(s string) string { return s + " *" }
	groupBox := container.NewGridWithColumns(2)
	for i, c := range f.groups {
		groupBox.Add(checkRow(c, codeLabel(app.VulnerableGroups[i])))
	}
	issueBox := container.NewGridWithColumns(2)
	for i, c := range f.issues {
		issueBox.Add(checkRow(c, f.issues[i].Text))
	}
	body := container.NewVBox(f.title, f.formErr,
		f.section(lang.X("form.section.intake", "Tiếp nhận"),
			f.cell("received_at", required(lang.X("form.received", "Ngày tiếp nhận")), f.received, f.received),
			f.cell("channel", required(lang.X("form.channel", "Kênh tiếp nhận")), f.channel.sel, f.channel.sel),
			f.cell("kind", required(lang.X("form.kind", "Loại vụ việc")), f.kind.sel, f.kind.sel),
			f.cell("requester_role", lang.X("form.requester_role", "Người yêu cầu là"), f.requesterRole.sel, f.requesterRole.sel),
			f.cell("representative_name", lang.X("form.representative_name", "Người đại diện hợp pháp"), f.repName, f.repName),
			f.cell("representative_relation", lang.X("form.representative_relation", "Quan hệ với người tiêu dùng"), f.repRelation, f.repRelation),
			f.cell("referred_from", lang.X("form.referred_from", "Nơi chuyển đến (nếu có)"), f.referredFrom, f.referredFrom),
			f.cell("assigned_to", lang.X("form.assigned_to", "Cán bộ phụ trách"), f.assignedTo, f.assignedTo),
		),
		f.section(lang.X("form.section.consumer", "Người tiêu dùng"),
			f.cell("consumer_name", required(lang.X("form.consumer_name", "Họ và tên người tiêu dùng")), f.consumerName, f.consumerName),
			f.cell("consumer_phone", lang.X("form.consumer_phone", "Số điện thoại"), f.consumerPhone, f.consumerPhone),
			f.cell("consumer_gender", lang.X("form.gender", "Giới tính"), f.gender.sel, f.gender.sel),
			f.cell("consumer_birth_date", lang.X("form.birth_date", "Ngày sinh"), f.birthDate, f.birthDate),
			f.cell("consumer_age_band", lang.X("form.age_band", "Nhóm tuổi (nếu không rõ ngày sinh)"), f.ageBand.sel, f.ageBand.sel),
			f.cell("consumer_address", lang.X("form.consumer_address", "Địa chỉ người tiêu dùng"), f.consumerAddr, f.consumerAddr),
			f.cell("consumer_unit_code", lang.X("form.consumer_unit", "Xã, phường nơi cư trú"), f.consumerUnit.sel, f.consumerUnit.sel),
			f.cell("consumer_old_address", lang.X("form.old_address", "Địa chỉ cũ (trước 1/7/2025)"), f.oldAddress, f.oldAddress),
		),
		f.wide("vulnerable_groups", lang.X("form.vulnerable_groups", "Người tiêu dùng dễ bị tổn thương (Điều 8 Luật Bảo vệ quyền lợi người tiêu dùng)"),
			container.NewVBox(groupBox, f.groupHint), f.groups[0]),
		f.wide("vulnerable_evidence", lang.X("form.vulnerable_evidence", "Chứng cứ thuộc nhóm dễ bị tổn thương"), f.groupEvidence, f.groupEvidence),
		f.section(lang.X("form.section.business", "Tổ chức, cá nhân kinh doanh"),
			f.cell("business_name", lang.X("form.business_name", "Tên doanh nghiệp, cửa hàng"), f.businessName, f.businessName),
			f.cell("business_kind", lang.X("form.business_kind", "Loại hình"), f.businessKind.sel, f.businessKind.sel),
			f.cell("business_phone", lang.X("form.business_phone", "Số điện thoại doanh nghiệp"), f.businessPhone, f.businessPhone),
			f.cell("business_tax_code", lang.X("form.tax_code", "Mã số thuế"), f.taxCode, f.taxCode),
			f.cell("business_address", lang.X("form.business_address", "Địa chỉ doanh nghiệp"), f.businessAddr, f.businessAddr),
			f.cell("business_online_channel", lang.X("form.online_channel", "Kênh bán trực tuyến"), f.onlineChannel, f.onlineChannel),
		),
		f.section(lang.X("form.section.matter", "Nội dung vụ việc"),
			f.cell("sector", required(lang.X("form.sector", "Lĩnh vực")), f.sector.sel, f.sector.sel),
			f.cell("transaction_type", lang.X("form.transaction_type", "Hình thức giao dịch"), f.txType.sel, f.txType.sel),
			f.cell("product_or_service", lang.X("form.product", "Hàng hóa, dịch vụ"), f.product, f.product),
			f.cell("transaction_date", lang.X("form.transaction_date", "Ngày giao dịch"), f.txDate, f.txDate),
			f.cell("transaction_value", lang.X("form.transaction_value", "Giá trị giao dịch (đồng)"), f.txValue, f.txValue),
			f.cell("damage_claimed", lang.X("form.damage", "Số tiền yêu cầu bồi thường (đồng)"), f.damage, f.damage),
		),
	)
	if len(f.issues) > 0 {
		body.Add(f.wide("issue_types", lang.X("form.issue_types", "Hành vi vi phạm"), issueBox, f.issues[0]))
	}
	body.Add(f.wide("summary", required(lang.X("form.summary", "Nội dung vụ việc")), f.summary, f.summary))
	body.Add(f.wide("specific_request", lang.X("form.request", "Yêu cầu cụ thể của người tiêu dùng"), f.request, f.request))
	body.Add(container.NewGridWithColumns(2,
		f.cell("prior_contact", lang.X("form.prior_contact.label", "Liên hệ doanh nghiệp trước (Điều 56)"), f.priorContact, f.priorContact),
		f.cell("prior_contact_date", lang.X("form.prior_contact_date", "Ngày liên hệ"), f.priorDate, f.priorDate)))
	body.Add(f.wide("evidence", lang.X("form.evidence", "Tài liệu, chứng cứ kèm theo"), f.evidence, f.evidence))
	body.Add(container.NewGridWithColumns(2,
		f.cell("resolution_method", lang.X("form.method", "Phương thức giải quyết"), f.method.sel, f.method.sel)))
	body.Add(&widget.Label{Text: lang.X("form.required_note", "Các trường có dấu * là bắt buộc.")})

	buttons := container.NewHBox(layout.NewSpacer(), f.cancel, f.save)
	if orig != nil {
		f.void = &widget.Button{Text: lang.X("form.void", "Hủy vụ việc"), Icon: theme.DeleteIcon(),
			Importance: widget.DangerImportance, OnTapped: f.onVoid}
		buttons = container.NewHBox(f.void, layout.NewSpacer(), f.cancel, f.save)
	}
	f.scroll = container.NewVScroll(body)
	f.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), buttons), nil, nil, f.scroll)

	f.initial = f.snapshot()
	f.showGroupHint()
	return f
}

// reveal scrolls the form to the input that got the focus.
func (f *caseForm) reveal(o fyne.CanvasObject) { scrollIntoView(f.scroll, o) }

// cell builds one labelled field (label above, input, the red message
// under it) and registers it.
func (f *caseForm) cell(field, label string, input fyne.CanvasObject, focus fyne.Focusable) fyne.CanvasObject {
	msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	msg.Hide()
	f.errs[field] = msg
	f.inputs[field] = focus
	f.order = append(f.order, field)
	return container.NewVBox(widget.NewLabel(label), input, msg)
}

// wide is a cell across the whole width.
func (f *caseForm) wide(field, label string, input fyne.CanvasObject, focus fyne.Focusable) fyne.CanvasObject {
	return f.cell(field, label, input, focus)
}

// section lays cells out two per row under a bold title; Tab follows the
// rows.
func (f *caseForm) section(title string, cells ...fyne.CanvasObject) fyne.CanvasObject {
	head := &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewVBox(widget.NewSeparator(), head, container.NewGridWithColumns(2, cells...))
}

// fill puts c into the inputs, or the defaults of a new case: today, the
// device's commune as the consumer's, the officer in charge.
func (f *caseForm) fill(c *app.Case) {
	if c == nil {
		f.received.SetText(FormatDate(f.now()))
		f.consumerUnit.SetCode(f.unit)
		f.assignedTo.SetText(f.officer)
		return
	}
	f.received.SetText(FormatDate(c.ReceivedAt))
	f.channel.SetCode(c.Channel)
	f.kind.SetCode(c.Kind)
	f.requesterRole.SetCode(c.RequesterRole)
	f.repName.SetText(c.RepresentativeName)
	f.repRelation.SetText(c.RepresentativeRelation)
	f.referredFrom.SetText(c.ReferredFrom)
	f.assignedTo.SetText(c.AssignedTo)
	f.consumerName.SetText(c.ConsumerName)
	f.consumerPhone.SetText(c.ConsumerPhone)
	f.gender.SetCode(c.ConsumerGender)
	f.birthDate.SetText(formatDay(c.ConsumerBirthDate))
	f.ageBand.SetCode(c.ConsumerAgeBand)
	f.consumerAddr.SetText(c.ConsumerAddress)
	f.consumerUnit.SetCode(c.ConsumerUnitCode)
	f.oldAddress.SetText(c.ConsumerOldAddress)
	for i, g := range app.VulnerableGroups {
		f.groups[i].SetChecked(slices.Contains(c.VulnerableGroups, g.Code))
	}
	f.groupEvidence.SetText(c.VulnerableEvidence)
	f.businessName.SetText(c.BusinessName)
	f.businessKind.SetCode(c.BusinessKind)
	f.businessPhone.SetText(c.BusinessPhone)
	f.taxCode.SetText(c.BusinessTaxCode)
	f.businessAddr.SetText(c.BusinessAddress)
	f.onlineChannel.SetText(c.BusinessOnlineChannel)
	f.sector.SetCode(c.Sector)
	for i, code := range f.issueCodes {
		f.issues[i].SetChecked(slices.Contains(c.IssueTypes, code))
	}
	f.txType.SetCode(c.TransactionType)
	f.product.SetText(c.ProductOrService)
	f.txDate.SetText(formatDay(c.TransactionDate))
	f.txValue.SetText(formatAmount(c.TransactionValue))
	f.damage.SetText(formatAmount(c.DamageClaimed))
	f.summary.SetText(c.Summary)
	f.request.SetText(c.SpecificRequest)
	f.priorContact.SetChecked(c.PriorContact)
	f.priorDate.SetText(formatDay(c.PriorContactDate))
	f.evidence.SetText(strings.Join(c.Evidence, "\n"))
	f.method.SetCode(c.ResolutionMethod)
}

// snapshot returns every input's value in one string.
func (f *caseForm) snapshot() string {
	v := []string{f.received.Text, f.channel.Code(), f.kind.Code(), f.requesterRole.Code(),
		f.repName.Text, f.repRelation.Text, f.referredFrom.Text, f.assignedTo.Text,
		f.consumerName.Text, f.consumerPhone.Text, f.gender.Code(), f.birthDate.Text, f.ageBand.Code(),
		f.consumerAddr.Text, f.consumerUnit.Code(), f.oldAddress.Text, f.groupEvidence.Text,
		f.businessName.Text, f.businessKind.Code(), f.businessPhone.Text, f.taxCode.Text,
		f.businessAddr.Text, f.onlineChannel.Text, f.sector.Code(), f.txType.Code(), f.product.Text,
		f.txDate.Text, f.txValue.Text, f.damage.Text, f.summary.Text, f.request.Text,
		f.priorDate.Text, f.evidence.Text, f.method.Code()}
	for _, c := range append(append([]*formCheck{f.priorContact}, f.groups...), f.issues...) {
		v = append(v, strconv.FormatBool(c.Checked))
	}
	return strings.Join(v, "\x00")
}

// focusFirst puts the cursor in the first field.
func (f *caseForm) focusFirst() {
	if f.win != nil && len(f.order) > 0 {
		f.win.Canvas().Focus(f.inputs[f.order[0]])
	}
}

// checkedGroups returns the vulnerable groups ticked, in Điều 8 order.
func (f *caseForm) checkedGroups() []string {
	var out []string
	for i, g := range app.VulnerableGroups {
		if f.groups[i].Checked {
			out = append(out, g.Code)
		}
	}
	return out
}

// showGroupHint suggests the groups that follow from the age (older
// person, child) and are not ticked yet; the officer ticks them.
func (f *caseForm) showGroupHint() {
	if f.groupHint == nil {
		return
	}
	c := app.Case{ReceivedAt: f.now(), ConsumerAgeBand: f.ageBand.Code()}
	if d, err := parseDate(f.birthDate.Text); err == nil {
		c.ConsumerBirthDate = d.Format(time.DateOnly)
	}
	var missing []string
	ticked := f.checkedGroups()
	for _, g := range c.SuggestedGroups(f.now()) {
		if !slices.Contains(ticked, g) {
			missing = append(missing, listLabel(app.VulnerableGroups, g))
		}
	}
	if len(missing) == 0 {
		f.groupHint.Hide()
		return
	}
	f.groupHint.SetText(lang.X("form.vulnerable_hint", "Theo tuổi, người tiêu dùng có thể thuộc nhóm: {{.Groups}}. Đánh dấu nếu đúng.",
		map[string]any{"Groups": strings.Join(missing, ", ")}))
	f.groupHint.Show()
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
	day := func(field string, e *formEntry) string {
		text := strings.TrimSpace(e.Text)
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
	money := func(field string, e *formEntry) int64 {
		v, ok := parseAmount(e.Text)
		if !ok {
			bad[field] = lang.X("form.money.bad", "Số tiền chỉ gồm chữ số, ví dụ 1.250.000.")
		}
		return v
	}
	c.Channel = f.channel.Code()
	c.Kind = f.kind.Code()
	c.RequesterRole = f.requesterRole.Code()
	c.RepresentativeName = f.repName.Text
	c.RepresentativeRelation = f.repRelation.Text
	c.ReferredFrom = f.referredFrom.Text
	c.AssignedTo = f.assignedTo.Text
	c.ConsumerName = f.consumerName.Text
	c.ConsumerPhone = f.consumerPhone.Text
	c.ConsumerGender = f.gender.Code()
	c.ConsumerBirthDate = day("consumer_birth_date", f.birthDate)
	c.ConsumerAgeBand = f.ageBand.Code()
	c.ConsumerAddress = f.consumerAddr.Text
	c.ConsumerUnitCode = f.consumerUnit.Code()
	c.ConsumerOldAddress = f.oldAddress.Text
	c.VulnerableGroups = f.checkedGroups()
	c.VulnerableEvidence = f.groupEvidence.Text
	c.BusinessName = f.businessName.Text
	c.BusinessKind = f.businessKind.Code()
	c.BusinessPhone = f.businessPhone.Text
	c.BusinessTaxCode = f.taxCode.Text
	c.BusinessAddress = f.businessAddr.Text
	c.BusinessOnlineChannel = f.onlineChannel.Text
	c.Sector = f.sector.Code()
	c.IssueTypes = nil
	for i, code := range f.issueCodes {
		if f.issues[i].Checked {
			c.IssueTypes = append(c.IssueTypes, code)
		}
	}
	c.TransactionType = f.txType.Code()
	c.ProductOrService = f.product.Text
	c.TransactionDate = day("transaction_date", f.txDate)
	c.TransactionValue = money("transaction_value", f.txValue)
	c.DamageClaimed = money("damage_claimed", f.damage)
	c.Summary = f.summary.Text
	c.SpecificRequest = f.request.Text
	c.PriorContact = f.priorContact.Checked
	c.PriorContactDate = day("prior_contact_date", f.priorDate)
	c.Evidence = strings.Split(f.evidence.Text, "\n")
	c.ResolutionMethod = f.method.Code()
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
	showFieldErrors(f.errs, f.formErr, lead, bad)
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
			dups, err := f.svc.PossibleDuplicates(f.ctx, &c)
			if err != nil {
				logError("possible duplicates", err) // a warning only: save anyway
				dups = nil
			}
			if len(dups) > 0 {
				fyne.Do(func() { f.warnDuplicates(c, dups) })
				return
			}
			err = f.svc.CreateCase(f.ctx, &c)
			fyne.Do(func() { f.applySave(&c, err) })
		})
		return
	}
	// Send only what the user changed: the store applies it to the case
	// as it is then, so that newer values a sync brought for other fields
	// while the form was open are kept.
	changed := c.ChangedFields(f.orig)
	id, base := f.orig.ID, f.orig.Version
	f.run(func() {
		var cur app.Case
		err := f.svc.Edit(f.ctx, app.EntityCase, id, base, changed)
		if err == nil {
			cur, err = f.svc.GetCase(f.ctx, id)
		}
		fyne.Do(func() { f.applySave(&cur, err) })
	})
}

// warnDuplicates tells the officer that the new case may repeat cases
// already recorded (same phone and business within 30 days) and lets them
// save it anyway or go back to the form; it never blocks.
func (f *caseForm) warnDuplicates(c app.Case, dups []app.Case) {
	f.setSaving(false)
	var lines []string
	for i, d := range dups {
		if i == 5 {
			lines = append(lines, lang.X("form.dup.more", "… và {{.N}} vụ việc khác", map[string]any{"N": len(dups) - 5}))
			break
		}
		lines = append(lines, lang.X("form.dup.line", "• {{.Number}}, tiếp nhận {{.Date}}: {{.Name}} – {{.Status}}",
			map[string]any{"Number": d.Number, "Date": FormatDate(d.ReceivedAt), "Name": d.ConsumerName,
				"Status": listLabel(app.CaseStatuses, d.Status)}))
	}
	msg := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("form.dup.message",
		"Trong 30 ngày đã có vụ việc cùng số điện thoại và cùng doanh nghiệp:") + "\n" + strings.Join(lines, "\n") +
		"\n" + lang.X("form.dup.question", "Nếu đây là lần phản ánh mới, vẫn lưu; nếu trùng, quay lại và bổ sung vào vụ việc đã có.")}
	d := dialog.NewCustomConfirm(lang.X("form.dup.title", "Có thể trùng vụ việc"),
		lang.X("form.dup.save", "Vẫn lưu"), lang.X("form.dup.back", "Quay lại"), msg, func(save bool) {
			f.dupWarn = nil
			if !save {
				return
			}
			f.setSaving(true)
			f.run(func() {
				err := f.svc.CreateCase(f.ctx, &c)
				fyne.Do(func() { f.applySave(&c, err) })
			})
		}, f.win)
	d.Resize(fyne.NewSize(520, 280))
	f.dupWarn = d
	d.Show()
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
