package ui

import (
	"context"
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

// caseDetail shows one case: what was recorded, the running deadline, the
// timeline of its steps, and a button for each step the workflow allows
// from its status (app.Transitions) — and no other.
type caseDetail struct {
	formDeps
	id string

	c         app.Case
	events    []app.CaseEvent
	deadlines []app.Deadline
	cal       *app.Calendar
	// noticeText names the off-premises sales notice the case is linked
	// to, "" for none.
	noticeText string

	title    *widget.Label
	status   *widget.Label
	priority *widget.Label
	deadline *widget.Label
	errMsg   *widget.Label
	info     *fyne.Container
	actions  *fyne.Container
	timeline *fyne.Container
	steps    map[string]*widget.Button // by event kind, the allowed ones

	back, edit, print *widget.Button
	stepDialog        *eventDialog // the open step dialog, or nil
	files             *filesPanel  // the evidence files; nil without a FileService
	intake            *intakePanel // tracking code, reply to the consumer, forwarding
	// forwardedFrom names the commune a forwarded case came from ("" not
	// known here).
	forwardedFrom string

	onBack  func()
	onEdit  func(c *app.Case)
	onStep  func() // after a step was recorded
	onPrint func(c *app.Case)
	// onOpened follows the mark that an officer opened a case from the
	// public form (a local change: the list drops its mark).
	onOpened func()

	content fyne.CanvasObject
}

func newCaseDetail(d formDeps, id string) *caseDetail {
	v := &caseDetail{formDeps: d, id: id, steps: map[string]*widget.Button{}}
	v.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	v.status = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	v.priority = &widget.Label{Importance: widget.WarningImportance, TextStyle: fyne.TextStyle{Bold: true},
		Text: lang.X("detail.priority", "Ưu tiên: người tiêu dùng dễ bị tổn thương (Điều 8)")}
	v.priority.Hide()
	v.deadline = &widget.Label{Wrapping: fyne.TextWrapWord}
	v.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.errMsg.Hide()
	v.info = container.New(layout.NewFormLayout())
	v.actions = container.NewGridWithColumns(3)
	v.timeline = container.NewVBox()

	v.back = &widget.Button{Text: lang.X("detail.back", "Danh sách"), Icon: theme.NavigateBackIcon(),
		OnTapped: func() {
			if v.onBack != nil {
				v.intake.leave(v.onBack)
			}
		}}
	v.edit = &widget.Button{Text: lang.X("detail.edit", "Sửa thông tin"), Icon: theme.DocumentCreateIcon(),
		OnTapped: func() {
			if v.onEdit != nil {
				c := v.c
				v.intake.leave(func() { v.onEdit(&c) })
			}
		}}
	v.print = &widget.Button{Text: lang.X("detail.print", "In phiếu tiếp nhận"), Icon: theme.DocumentPrintIcon(),
		OnTapped: func() {
			if v.onPrint != nil {
				c := v.c
				v.onPrint(&c)
			}
		}}

	section := func(text string) *widget.Label {
		return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
	}
	v.intake = newIntakePanel(v)
	head := container.NewVBox(
		container.NewHBox(v.back, v.title, layout.NewSpacer(), v.print, v.edit),
		container.NewHBox(v.status, v.priority, v.intake.tracking), v.intake.forwardState, v.deadline, v.errMsg)
	body := container.NewVBox(
		section(lang.X("detail.steps", "Bước tiếp theo")), v.actions,
		v.intake.section,
		widget.NewSeparator(),
		section(lang.X("detail.timeline", "Quá trình xử lý")), v.timeline)
	if d.files != nil {
		v.files = newFilesPanel(d, d.files)
		body.Add(v.files.content)
	}
	body.Add(widget.NewSeparator())
	body.Add(container.NewVBox(
		section(lang.X("detail.record", "Thông tin vụ việc")), v.info))
	v.content = container.NewBorder(head, nil, nil, nil, container.NewVScroll(body))
	return v
}

// load fetches the case, its timeline, deadlines and the calendar off the
// Fyne goroutine and shows them.
func (v *caseDetail) load() {
	v.run(func() {
		c, events, deadlines, cal, err := v.fetch(v.ctx)
		notice := v.fetchNotice(v.ctx, c.OffPremisesNoticeID)
		from := v.fetchForwardedFrom(v.ctx, c.ForwardedFrom)
		fyne.Do(func() {
			v.noticeText, v.forwardedFrom = notice, from
			v.apply(c, events, deadlines, cal, err)
		})
	})
}

// fetchNotice names the notice id (an off-premises sale, NĐ 55/2024/NĐ-CP
// Điều 26): its days, business, programme and place; the id itself when
// this device does not hold it.
func (v *caseDetail) fetchNotice(ctx context.Context, id string) string {
	if id == "" || v.records == nil {
		return id
	}
	var n app.OffPremisesNotice
	if err := v.records.GetRecord(ctx, id, &n); err != nil {
		return id
	}
	return noticeLabel(&n)
}

// fetchForwardedFrom names the commune of the case id a forwarded case
// came from, when this device holds it ("" otherwise).
func (v *caseDetail) fetchForwardedFrom(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	from, err := v.svc.GetCase(ctx, id)
	if err != nil {
		return ""
	}
	if u, ok := lookupUnit(v.refs, from.UnitCode); ok {
		return u.Name
	}
	return ""
}

func (v *caseDetail) fetch(ctx context.Context) (app.Case, []app.CaseEvent, []app.Deadline, *app.Calendar, error) {
	c, err := v.svc.GetCase(ctx, v.id)
	if err != nil {
		return c, nil, nil, nil, err
	}
	events, err := v.svc.ListCaseEvents(ctx, v.id)
	if err != nil {
		return c, nil, nil, nil, err
	}
	deadlines, err := v.svc.CaseDeadlines(ctx, &c, v.now())
	if err != nil {
		return c, nil, nil, nil, err
	}
	cal, err := v.svc.WorkingCalendar(ctx)
	return c, events, deadlines, cal, err
}

func (v *caseDetail) apply(c app.Case, events []app.CaseEvent, deadlines []app.Deadline, cal *app.Calendar, err error) {
	if err != nil {
		logError("open case", err)
		v.errMsg.SetText(lang.X("detail.load_failed", "Không tải được vụ việc: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		v.errMsg.Show()
		return
	}
	v.errMsg.Hide()
	v.c, v.events, v.deadlines, v.cal = c, events, deadlines, cal
	v.title.SetText(lang.X("detail.title", "Vụ việc {{.Number}}", map[string]any{"Number": c.Number}))
	v.status.SetText(lang.X("detail.status", "Trạng thái: {{.Status}}",
		map[string]any{"Status": listLabel(app.CaseStatuses, c.Status)}))
	if c.IsVulnerable() {
		v.priority.Show()
	} else {
		v.priority.Hide()
	}
	v.deadline.SetText(v.deadlineText())
	v.showActions()
	v.showTimeline()
	v.showInfo()
	if v.files != nil {
		v.files.load(c)
	}
	v.intake.show(&v.c)
	v.intake.markOpened(&v.c)
}

// deadlineText describes the soonest running deadline, and warns when it
// was counted across a year the holiday calendar lacks.
func (v *caseDetail) deadlineText() string {
	if len(v.deadlines) == 0 {
		return lang.X("detail.no_deadline", "Không có thời hạn đang chạy.")
	}
	text := v.soonestText()
	if w := app.CalendarWarning(v.deadlines[0].Uncovered); w != "" {
		text += "\n" + w
	}
	return text
}

// soonestText describes the soonest running deadline.
func (v *caseDetail) soonestText() string {
	d := v.deadlines[0]
	rule := codeLabel(app.Code{VI: d.Rule.VI, EN: d.Rule.EN})
	if !d.Rule.Own() { // someone else's clock: the commune follows it up (issue 18 item 3)
		rule = lang.X("detail.deadline.of", "{{.Rule}} (thời hạn của {{.Who}}; xã theo dõi, đôn đốc)",
			map[string]any{"Rule": rule, "Who": listLabel(app.SlaBinds, d.Rule.Binds)})
	}
	args := map[string]any{"Rule": rule, "Date": FormatDate(d.Due), "Basis": d.Rule.Basis}
	switch {
	case d.Overdue && v.cal != nil:
		args["N"] = -v.cal.WorkingDaysUntil(d.Due, v.now()) // ≥ 0: working days past the due day
		if args["N"].(int) < 1 {
			args["N"] = 1
		}
		return lang.X("detail.deadline.overdue", "QUÁ HẠN: {{.Rule}} – hạn {{.Date}}, đã quá {{.N}} ngày làm việc. Căn cứ: {{.Basis}}", args)
	case d.Overdue:
		return lang.X("detail.deadline.overdue_plain", "QUÁ HẠN: {{.Rule}} – hạn {{.Date}}. Căn cứ: {{.Basis}}", args)
	case v.cal != nil:
		args["N"] = v.cal.WorkingDaysUntil(v.now(), d.Due)
		return lang.X("detail.deadline.left", "Hạn tiếp theo: {{.Rule}} – {{.Date}} (còn {{.N}} ngày làm việc). Căn cứ: {{.Basis}}", args)
	}
	return lang.X("detail.deadline.plain", "Hạn tiếp theo: {{.Rule}} – {{.Date}}. Căn cứ: {{.Basis}}", args)
}

// showActions puts one button per step allowed from the current status.
func (v *caseDetail) showActions() {
	v.actions.RemoveAll()
	v.steps = map[string]*widget.Button{}
	if v.c.Voided {
		v.actions.Add(widget.NewLabel(lang.X("detail.voided", "Vụ việc đã hủy: {{.Reason}}",
			map[string]any{"Reason": v.c.VoidReason})))
		v.edit.Disable()
		return
	}
	v.edit.Enable()
	v.print.Enable()
	if v.c.Limited {
		// The personal data stay with the commune: nothing to edit or
		// print here (storage refuses the edit anyway).
		v.edit.Disable()
		v.print.Disable()
	}
	done := make([]string, len(v.events))
	for i, e := range v.events {
		done[i] = e.Kind
	}
	for _, kind := range app.AllowedEventsAfter(v.c.Status, done) {
		kind := kind
		b := &widget.Button{Text: listLabel(app.CaseEvents, kind), OnTapped: func() { v.openStep(kind) }}
		if kind == app.EventNote {
			b.Icon = theme.DocumentCreateIcon()
		}
		v.steps[kind] = b
		v.actions.Add(b)
	}
	if canForward(&v.c) {
		v.actions.Add(v.intake.forward)
	}
}

// showTimeline lists the steps, oldest first.
func (v *caseDetail) showTimeline() {
	v.timeline.RemoveAll()
	v.timeline.Add(widget.NewLabel(lang.X("detail.received_line", "{{.At}} – Tiếp nhận ({{.Channel}})",
		map[string]any{"At": FormatDateTime(v.c.ReceivedAt), "Channel": listLabel(app.Channels, v.c.Channel)})))
	for i := range v.events {
		e := &v.events[i]
		head := FormatDateTime(e.At) + " – " + listLabel(app.CaseEvents, e.Kind)
		if e.ToStatus != "" && e.ToStatus != e.FromStatus {
			head += " → " + listLabel(app.CaseStatuses, e.ToStatus)
		}
		if e.Officer != "" {
			head += " (" + e.Officer + ")"
		}
		lines := []string{head}
		lines = append(lines, eventDetails(v.refs, e)...)
		l := &widget.Label{Text: strings.Join(lines, "\n    "), Wrapping: fyne.TextWrapWord}
		v.timeline.Add(l)
	}
}

// eventDetails returns the lines that describe what a step recorded.
func eventDetails(refs *app.RefData, e *app.CaseEvent) []string {
	var out []string
	add := func(label, value string) {
		if value != "" {
			out = append(out, label+": "+value)
		}
	}
	if e.Agency != "" {
		name := e.Agency
		if refs != nil {
			if a, ok := refs.Agency(e.Agency); ok {
				name = a.NameVI
			}
		}
		add(lang.X("event.agency", "Cơ quan"), name)
	}
	add(lang.X("event.document_no", "Số văn bản"), e.DocumentNo)
	if e.RejectionReason != "" {
		add(lang.X("event.reason", "Lý do"), listLabel(app.RejectionReasons, e.RejectionReason))
	}
	if e.Outcome != "" {
		add(lang.X("event.outcome", "Kết quả"), listLabel(app.Outcomes, e.Outcome))
	}
	if e.AmountRecovered > 0 {
		add(lang.X("event.amount", "Số tiền người tiêu dùng được nhận lại"), FormatMoney(e.AmountRecovered))
	}
	if e.IsRecord() {
		verdict := lang.X("event.record.failed", "Không thành")
		if e.Agreed {
			verdict = lang.X("event.record.agreed", "Thành")
		}
		add(lang.X("event.record.verdict", "Kết quả biên bản"), verdict)
		add(lang.X("event.parties", "Các bên"), e.Parties)
		add(lang.X("event.held", "Thời gian, địa điểm"), strings.Trim(formatDay(e.HeldOn)+", "+e.Place, ", "))
		add(lang.X("event.mediator", "Hòa giải viên"), strings.Trim(e.MediatorName+", "+e.MediatorOrg, ", "))
		add(lang.X("event.content", "Nội dung"), e.Content)
		add(lang.X("event.parties_views", "Ý kiến các bên"), e.PartiesViews)
		add(lang.X("event.result", "Kết quả, phương án"), e.Result)
		add(lang.X("event.performance_deadline", "Thời hạn thực hiện"), formatDay(e.PerformanceDeadline))
		add(lang.X("event.other_terms", "Thỏa thuận khác"), e.OtherTerms)
		if e.Signed {
			out = append(out, lang.X("event.signed", "Các bên đã ký hoặc điểm chỉ"))
		}
		if e.CourtRecognition {
			out = append(out, lang.X("event.court", "Đã yêu cầu Tòa án công nhận (Điều 66)"))
		}
	}
	add(lang.X("event.note", "Ghi chú"), e.Note)
	return out
}

// showInfo lists what was recorded about the case.
func (v *caseDetail) showInfo() {
	v.info.RemoveAll()
	c := &v.c
	row := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		v.info.Add(&widget.Label{Text: label, TextStyle: fyne.TextStyle{Bold: true}})
		v.info.Add(&widget.Label{Text: value, Wrapping: fyne.TextWrapWord})
	}
	sector := c.Sector
	if v.refs != nil {
		sector = listLabel(sectorList(v.refs), c.Sector)
	}
	var groups, issues []string
	for _, g := range c.VulnerableGroups {
		groups = append(groups, listLabel(app.VulnerableGroups, g))
	}
	for _, it := range c.IssueTypes {
		issues = append(issues, listLabel(issueTypeList(v.refs), it))
	}
	money := func(n int64) string {
		if n == 0 {
			return ""
		}
		return FormatMoney(n)
	}
	rep := c.RepresentativeName
	if c.RepresentativeRelation != "" {
		rep += " (" + c.RepresentativeRelation + ")"
	}
	prior := ""
	if c.PriorContact {
		prior = lang.X("detail.prior_yes", "Có") + " " + formatDay(c.PriorContactDate)
	}
	row(lang.X("form.kind", "Loại vụ việc"), listLabel(app.CaseKinds, c.Kind))
	row(lang.X("form.channel", "Kênh tiếp nhận"), listLabel(app.Channels, c.Channel))
	row(lang.X("form.requester_role", "Người yêu cầu là"), listLabel(app.RequesterRoles, c.RequesterRole))
	row(lang.X("form.representative_name", "Người đại diện hợp pháp"), rep)
	row(lang.X("form.referred_from", "Nơi chuyển đến (nếu có)"), c.ReferredFrom)
	row(lang.X("form.assigned_to", "Cán bộ phụ trách"), c.AssignedTo)
	if c.Limited {
		row(lang.X("detail.limited.label", "Thông tin cá nhân"),
			lang.X("detail.limited", "Thông tin cá nhân do UBND xã, phường lưu giữ (máy cấp tỉnh giữ bản rút gọn: chỉ các mã và số liệu; vụ việc chuyển cơ quan cấp tỉnh thì có đầy đủ)."))
	}
	row(lang.X("form.consumer_name", "Họ và tên người tiêu dùng"), c.ConsumerName)
	row(lang.X("form.consumer_phone", "Số điện thoại"), c.ConsumerPhone)
	row(lang.X("form.birth_date", "Ngày sinh"), formatDay(c.ConsumerBirthDate))
	row(lang.X("form.age_band", "Nhóm tuổi (nếu không rõ ngày sinh)"), listLabel(app.AgeBands, c.ConsumerAgeBand))
	row(lang.X("form.consumer_address", "Địa chỉ người tiêu dùng"), c.ConsumerAddress)
	row(lang.X("form.old_address", "Địa chỉ cũ (trước 1/7/2025)"), c.ConsumerOldAddress)
	row(lang.X("detail.vulnerable", "Nhóm dễ bị tổn thương"), strings.Join(groups, "; "))
	evidence := c.VulnerableEvidence
	if evidence != "" && !app.SeesSensitive(v.role) {
		evidence = sensitiveHiddenText() // a sensitive detail (NĐ 356/2025/NĐ-CP Điều 4 khoản 1, 2)
	}
	row(lang.X("form.vulnerable_evidence", "Chứng cứ thuộc nhóm dễ bị tổn thương"), evidence)
	row(lang.X("form.business_name", "Tên doanh nghiệp, cửa hàng"), c.BusinessName)
	row(lang.X("form.business_kind", "Loại hình"), listLabel(app.BusinessKinds, c.BusinessKind))
	row(lang.X("form.tax_code", "Mã số thuế"), c.BusinessTaxCode)
	row(lang.X("form.business_address", "Địa chỉ doanh nghiệp"), c.BusinessAddress)
	row(lang.X("form.online_channel", "Kênh bán trực tuyến"), c.BusinessOnlineChannel)
	row(lang.X("form.notice", "Thông báo bán hàng ngoài địa điểm liên quan"), v.noticeText)
	row(lang.X("form.sector", "Lĩnh vực"), sector)
	row(lang.X("form.issue_types", "Hành vi vi phạm"), strings.Join(issues, "; "))
	row(lang.X("form.transaction_type", "Hình thức giao dịch"), listLabel(app.TransactionTypes, c.TransactionType))
	row(lang.X("form.product", "Hàng hóa, dịch vụ"), c.ProductOrService)
	row(lang.X("form.transaction_date", "Ngày giao dịch"), formatDay(c.TransactionDate))
	row(lang.X("form.transaction_value", "Giá trị giao dịch (đồng)"), money(c.TransactionValue))
	row(lang.X("form.damage", "Số tiền yêu cầu bồi thường (đồng)"), money(c.DamageClaimed))
	row(lang.X("form.summary", "Nội dung vụ việc"), c.Summary)
	row(lang.X("form.request", "Yêu cầu cụ thể của người tiêu dùng"), c.SpecificRequest)
	row(lang.X("form.prior_contact.label", "Liên hệ doanh nghiệp trước (Điều 56)"), prior)
	row(lang.X("form.evidence", "Tài liệu, chứng cứ kèm theo"), strings.Join(c.Evidence, "\n"))
	row(lang.X("form.method", "Phương thức giải quyết"), listLabel(app.ResolutionMethods, c.ResolutionMethod))
	notice := lang.X("detail.privacy_notice.none", "Chưa ghi nhận")
	if c.PrivacyNotice != "" {
		notice = listLabel(app.PrivacyNoticeWays, c.PrivacyNotice)
	}
	row(lang.X("form.privacy.title", "Thông báo về xử lý dữ liệu cá nhân"), notice)
}

// openStep asks for what the step needs and records it.
func (v *caseDetail) openStep(kind string) {
	d := newEventDialog(v, kind)
	v.stepDialog = d
	d.show()
}

// eventDialog records one step of the case: the day it was done, what the
// step requires (agency, reason, outcome, the negotiation or mediation
// record) and a note.
type eventDialog struct {
	v    *caseDetail
	kind string
	d    *dialog.CustomDialog

	day                                      *formEntry
	note                                     *formEntry
	agency, reason, outcome                  *codeSelect
	documentNo, amount                       *formEntry
	agreed, signed, court, notified          *formCheck
	parties, heldOn, place, content, result  *formEntry
	otherTerms, mediator, mediatorOrg, views *formEntry
	performance                              *formEntry
	errs                                     map[string]*widget.Label
	inputs                                   map[string]fyne.Focusable
	order                                    []string
	formErr                                  *widget.Label
	save                                     *widget.Button
}

func newEventDialog(v *caseDetail, kind string) *eventDialog {
	d := &eventDialog{v: v, kind: kind, errs: map[string]*widget.Label{}, inputs: map[string]fyne.Focusable{}}
	choose := lang.X("form.choose", "(Chọn)")
	entry := func(multi bool, ph string) *formEntry {
		e := newFormEntry(multi)
		if multi {
			e.SetMinRowsVisible(2)
		}
		e.SetPlaceHolder(ph)
		return e
	}
	form := container.New(layout.NewFormLayout())
	field := func(name, label string, in fyne.CanvasObject, focus fyne.Focusable) {
		msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
		msg.Hide()
		d.errs[name], d.inputs[name] = msg, focus
		d.order = append(d.order, name)
		form.Add(widget.NewLabel(label))
		form.Add(container.NewVBox(in, msg))
	}
	datePH := lang.X("form.date.placeholder", "ngày/tháng/năm")
	d.day = entry(false, datePH)
	d.day.SetText(FormatDate(v.now()))
	field("at", lang.X("event.day", "Ngày thực hiện"), d.day, d.day)
	switch kind {
	case app.EventReferred:
		d.agency = newCodeSelect(agencyList(v.refs), choose)
		field("agency", lang.X("event.agency", "Cơ quan")+" *", d.agency.sel, d.agency.sel)
		d.documentNo = entry(false, lang.X("event.document_no.placeholder", "Ví dụ: 125/UBND-KT"))
		field("document_no", lang.X("event.document_no", "Số văn bản"), d.documentNo, d.documentNo)
		d.notified = newFormCheck(lang.X("event.consumer_notified", "Đã báo cho người tiêu dùng biết cơ quan tiếp nhận (Điều 11 khoản 3)"), nil)
		field("consumer_notified", "", d.notified, d.notified)
	case app.EventRejected:
		d.reason = newCodeSelect(app.RejectionReasonsFor(v.c.Kind), choose)
		field("rejection_reason", lang.X("event.reason", "Lý do")+" *", d.reason.sel, d.reason.sel)
		if v.c.Kind != app.KindSupportRequest {
			// The grounds of Điều 58 are for negotiation-support requests;
			// outside the commune's competence is a referral.
			hint := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.MediumImportance,
				Text: lang.X("event.reject.other_kinds", "Các lý do từ chối của Điều 58 chỉ áp dụng cho yêu cầu hỗ trợ thương lượng. Việc không thuộc thẩm quyền của xã: dùng bước “Chuyển cơ quan khác” — chuyển đến cơ quan có thẩm quyền và báo cho người tiêu dùng (Điều 11 khoản 3).")}
			form.Add(widget.NewLabel(""))
			form.Add(hint)
		}
	case app.EventResolved, app.EventClosed:
		d.outcome = newCodeSelect(app.Outcomes, choose)
		field("outcome", lang.X("event.outcome", "Kết quả"), d.outcome.sel, d.outcome.sel)
		d.amount = entry(false, lang.X("form.money.placeholder", "Ví dụ: 1.250.000"))
		field("amount_recovered", lang.X("event.amount", "Số tiền người tiêu dùng được nhận lại"), d.amount, d.amount)
	case app.EventNegotiationResult, app.EventMediationResult:
		label := lang.X("event.agreed.negotiation", "Thương lượng thành")
		if kind == app.EventMediationResult {
			label = lang.X("event.agreed.mediation", "Hòa giải thành")
		}
		d.agreed = newFormCheck(label, nil)
		field("agreed", lang.X("event.record.verdict", "Kết quả biên bản"), d.agreed, d.agreed)
		if kind == app.EventMediationResult {
			d.mediator = entry(false, "")
			field("mediator_name", lang.X("event.mediator", "Hòa giải viên")+" *", d.mediator, d.mediator)
			d.mediatorOrg = entry(false, lang.X("event.mediator_org.placeholder", "Ví dụ: Tổ hòa giải ấp, Hội Bảo vệ người tiêu dùng"))
			field("mediator_org", lang.X("event.mediator_org", "Tổ chức hòa giải"), d.mediatorOrg, d.mediatorOrg)
		}
		d.parties = entry(false, lang.X("event.parties.placeholder", "Người tiêu dùng; đại diện doanh nghiệp"))
		field("parties", lang.X("event.parties", "Các bên")+" *", d.parties, d.parties)
		d.heldOn = entry(false, datePH)
		d.heldOn.SetText(FormatDate(v.now()))
		field("held_on", lang.X("event.held_on", "Ngày tiến hành")+" *", d.heldOn, d.heldOn)
		d.place = entry(false, "")
		field("place", lang.X("event.place", "Địa điểm")+" *", d.place, d.place)
		d.content = entry(true, "")
		field("content", lang.X("event.content", "Nội dung")+" *", d.content, d.content)
		if kind == app.EventMediationResult {
			d.views = entry(true, "")
			field("parties_views", lang.X("event.parties_views", "Ý kiến các bên"), d.views, d.views)
		}
		d.result = entry(true, "")
		field("result", lang.X("event.result", "Kết quả, phương án")+" *", d.result, d.result)
		if kind == app.EventMediationResult {
			d.performance = entry(false, datePH)
			field("performance_deadline", lang.X("event.performance_deadline", "Thời hạn thực hiện"), d.performance, d.performance)
		}
		d.otherTerms = entry(true, "")
		field("other_terms", lang.X("event.other_terms", "Thỏa thuận khác"), d.otherTerms, d.otherTerms)
		d.signed = newFormCheck(lang.X("event.signed", "Các bên đã ký hoặc điểm chỉ"), nil)
		field("signed", "", d.signed, d.signed)
		if kind == app.EventMediationResult {
			d.court = newFormCheck(lang.X("event.court", "Đã yêu cầu Tòa án công nhận (Điều 66)"), nil)
			field("court_recognition", "", d.court, d.court)
		}
	}
	notePH := ""
	if kind == app.EventAdvisedNextStep {
		notePH = lang.X("event.advice.placeholder", "Ví dụ: hướng dẫn khởi kiện theo thủ tục rút gọn (dưới 100 triệu đồng, Điều 70), không phải tạm ứng án phí (Điều 71)")
	}
	d.note = entry(true, notePH)
	noteLabel := lang.X("event.note", "Ghi chú")
	if kind == app.EventNote {
		noteLabel += " *"
	}
	field("note", noteLabel, d.note, d.note)

	d.formErr = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	d.formErr.Hide()
	cancel := &widget.Button{Text: lang.X("form.cancel", "Hủy"), Icon: theme.CancelIcon(), OnTapped: func() { d.close() }}
	d.save = &widget.Button{Text: lang.X("event.save", "Ghi nhận"), Icon: theme.ConfirmIcon(),
		Importance: widget.HighImportance, OnTapped: d.submit}
	title := listLabel(app.CaseEvents, kind)
	from := &widget.Label{Text: lang.X("event.from", "Vụ việc {{.Number}}, đang ở trạng thái “{{.Status}}”.",
		map[string]any{"Number": v.c.Number, "Status": listLabel(app.CaseStatuses, v.c.Status)}), Wrapping: fyne.TextWrapWord}
	body := container.NewVScroll(container.NewVBox(from, d.formErr, form))
	d.d = dialog.NewCustomWithoutButtons(title, body, v.win)
	d.d.SetButtons([]fyne.CanvasObject{cancel, d.save})
	height := float32(300)
	if len(d.order) > 5 {
		height = 600
	}
	d.d.Resize(fyne.NewSize(620, height))
	return d
}

func (d *eventDialog) show() {
	d.d.Show()
	d.v.win.Canvas().Focus(d.day)
}

func (d *eventDialog) close() {
	d.d.Hide()
	if d.v.stepDialog == d {
		d.v.stepDialog = nil
	}
}

// collect reads the dialog into an event; bad holds a message per field.
func (d *eventDialog) collect() (app.CaseEvent, map[string]string) {
	e := app.CaseEvent{Kind: d.kind}
	bad := map[string]string{}
	now := d.v.now()
	day, err := parseDate(d.day.Text)
	switch {
	case err != nil:
		bad["at"] = lang.X("form.date.bad_format", "Ngày phải có dạng ngày/tháng/năm, ví dụ {{.Example}}.",
			map[string]any{"Example": FormatDate(now)})
	case sameDay(day, now):
		// today: the store stamps the time
	case day.After(now):
		bad["at"] = lang.X("event.day.future", "Ngày thực hiện không được sau hôm nay.")
	default:
		e.At = day.Add(12 * time.Hour)
		if r := d.v.c.ReceivedAt; sameDay(day, r) && e.At.Before(r) {
			e.At = r.Add(time.Minute)
		}
	}
	text := func(p *formEntry) string {
		if p == nil {
			return ""
		}
		return p.Text
	}
	date := func(field string, p *formEntry) string {
		if p == nil || strings.TrimSpace(p.Text) == "" {
			return ""
		}
		t, err := parseDate(p.Text)
		if err != nil {
			bad[field] = lang.X("form.date.bad_format", "Ngày phải có dạng ngày/tháng/năm, ví dụ {{.Example}}.",
				map[string]any{"Example": FormatDate(now)})
			return ""
		}
		return t.Format(time.DateOnly)
	}
	checked := func(c *formCheck) bool { return c != nil && c.Checked }
	code := func(s *codeSelect) string {
		if s == nil {
			return ""
		}
		return s.Code()
	}
	e.Note = text(d.note)
	e.Agency, e.DocumentNo = code(d.agency), text(d.documentNo)
	e.RejectionReason, e.Outcome = code(d.reason), code(d.outcome)
	if d.amount != nil {
		v, ok := parseAmount(d.amount.Text)
		if !ok {
			bad["amount_recovered"] = lang.X("form.money.bad", "Số tiền chỉ gồm chữ số, ví dụ 1.250.000.")
		}
		e.AmountRecovered = v
	}
	e.Agreed, e.Signed, e.CourtRecognition = checked(d.agreed), checked(d.signed), checked(d.court)
	e.ConsumerNotified = checked(d.notified)
	e.Parties, e.Place, e.Content, e.Result = text(d.parties), text(d.place), text(d.content), text(d.result)
	e.OtherTerms, e.MediatorName, e.MediatorOrg, e.PartiesViews = text(d.otherTerms), text(d.mediator), text(d.mediatorOrg), text(d.views)
	e.HeldOn, e.PerformanceDeadline = date("held_on", d.heldOn), date("performance_deadline", d.performance)
	e.Normalize()
	if len(bad) == 0 {
		for k, m := range app.FieldErrors(e.Validate()) {
			bad[k] = m
		}
		for k, m := range app.FieldErrors(e.CheckForCase(&d.v.c)) {
			bad[k] = m
		}
	}
	return e, bad
}

func (d *eventDialog) showErrors(lead string, bad map[string]string) {
	showFieldErrors(d.errs, d.formErr, lead, bad)
}

// submit records the step off the Fyne goroutine; the dialog stays open,
// with the messages, if anything is wrong.
func (d *eventDialog) submit() {
	e, bad := d.collect()
	if len(bad) > 0 {
		d.showErrors(lang.X("form.not_saved", "Chưa lưu. Vui lòng sửa các trường được đánh dấu màu đỏ."), bad)
		for _, k := range d.order {
			if _, ok := bad[k]; ok {
				d.v.win.Canvas().Focus(d.inputs[k])
				break
			}
		}
		return
	}
	d.save.Disable()
	v := d.v
	v.run(func() {
		err := v.svc.AddCaseEvent(v.ctx, v.id, &e)
		fyne.Do(func() {
			d.save.Enable()
			if err != nil {
				logError("add case event", err)
				d.showErrors(lang.X("event.failed", "Chưa ghi nhận được: {{.Reason}}",
					map[string]any{"Reason": userMessage(err)}), app.FieldErrors(err))
				return
			}
			d.close()
			v.load()
			if v.onStep != nil {
				v.onStep()
			}
		})
	})
}

// notReferredTo are the kinds of agency a commune does not refer a case
// to: groups of bodies, the communes themselves, the party, the press and
// the IT centre.
var notReferredTo = map[string]bool{"group": true, "commune_gov": true, "party": true, "media": true, "public_unit": true}

// agencyList returns the agencies of refs a case may be referred to.
func agencyList(refs *app.RefData) app.CodeList {
	if refs == nil {
		return nil
	}
	out := make(app.CodeList, 0, len(refs.Agencies))
	for _, a := range refs.Agencies {
		if notReferredTo[a.Kind] {
			continue
		}
		out = append(out, app.Code{Code: a.ID, VI: a.NameVI, EN: a.NameEN})
	}
	return out
}
