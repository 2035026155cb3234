package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// caseForm records a new case or edits one: the full record of docs/domain.md
// §5.2 in the order an officer asks the questions. The status is not
// edited here: it moves only through the steps of the case's timeline.
// A new case that may repeat one already recorded is saved only after the
// officer says so; the groups the consumer's age suggests are offered.
type caseForm struct {
	*form[app.Case, *app.Case]
	groupHint *widget.Label // the vulnerable groups the age suggests, not ticked yet
	// privacyText holds the notice of the processing of personal data,
	// folded until opened.
	privacyText *widget.Accordion
}

func newCaseForm(d formDeps, orig *app.Case) *caseForm {
	title := lang.X("form.title.new", "Thêm vụ việc")
	if orig != nil {
		title = lang.X("form.title.edit", "Sửa vụ việc {{.Number}}", map[string]any{"Number": orig.Number})
	}
	f := &caseForm{form: newForm[app.Case](d, orig, title, "case")}
	f.discardText = lang.X("form.discard.message", "Những gì vừa nhập cho vụ việc này sẽ không được lưu.")
	f.failed = func(reason string) string {
		return lang.X("form.save_failed", "Chưa lưu được vụ việc: {{.Reason}}", map[string]any{"Reason": reason})
	}
	f.store, f.checkNew = f.saveCase, f.checkDuplicates
	if orig != nil {
		f.voider = &voidSpec[app.Case]{
			button: lang.X("form.void", "Hủy vụ việc ghi nhầm"),
			title:  lang.X("form.void.title", "Hủy vụ việc này?"),
			message: lang.X("form.void.message", "Chỉ hủy vụ việc ghi nhầm (ghi trùng, ghi thử). Vụ việc {{.Number}} sẽ không còn trong danh sách và báo cáo nhưng vẫn được lưu cùng lý do hủy. Những gì chưa lưu trong biểu mẫu sẽ bị bỏ.",
				map[string]any{"Number": orig.Number}),
			hint:    lang.X("form.void.placeholder", "Ví dụ: ghi trùng với vụ việc số …"),
			confirm: lang.X("form.void.confirm", "Hủy vụ việc"),
			missing: lang.X("form.void.reason_required", "Cần ghi lý do hủy vụ việc."),
			failed: func(reason string) string {
				return lang.X("form.void.failed", "Chưa hủy được vụ việc: {{.Reason}}", map[string]any{"Reason": reason})
			},
			void: f.voidCase,
		}
	}
	f.groupHint = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	f.groupHint.Hide()

	req := func(s string) string { return s + " *" }
	phone := lang.X("form.phone.placeholder", "Ví dụ: 0912 345 678")
	body := container.NewVBox(
		f.section(lang.X("form.section.intake", "Tiếp nhận"),
			f.receivedField(req(lang.X("form.received", "Ngày tiếp nhận"))),
			f.codeField("channel", req(lang.X("form.channel", "Kênh tiếp nhận")), serverSetOnly(app.Channels, app.ChannelOnlineIntake, orig, func(c *app.Case) string { return c.Channel }),
				func(c *app.Case) *string { return &c.Channel }),
			f.codeField("kind", req(lang.X("form.kind", "Loại vụ việc")), app.CaseKinds,
				func(c *app.Case) *string { return &c.Kind }),
			f.codeField("requester_role", lang.X("form.requester_role", "Người yêu cầu là"), app.RequesterRoles,
				func(c *app.Case) *string { return &c.RequesterRole }),
			f.textField("representative_name", lang.X("form.representative_name", "Người đại diện hợp pháp"), 1, "",
				func(c *app.Case) *string { return &c.RepresentativeName }),
			f.textField("representative_relation", lang.X("form.representative_relation", "Quan hệ với người tiêu dùng"), 1,
				lang.X("form.rep_relation.placeholder", "Ví dụ: con, cha mẹ, người giám hộ"),
				func(c *app.Case) *string { return &c.RepresentativeRelation }),
			f.textField("referred_from", lang.X("form.referred_from", "Nơi chuyển đến (nếu có)"), 1,
				lang.X("form.referred_from.placeholder", "Ví dụ: Tổng đài 1800.6838, Sở Công Thương"),
				func(c *app.Case) *string { return &c.ReferredFrom }),
			f.textField("assigned_to", lang.X("form.assigned_to", "Cán bộ phụ trách"), 1, "",
				func(c *app.Case) *string { return &c.AssignedTo }),
		),
		f.privacyNoticeBlock(d),
		f.section(lang.X("form.section.consumer", "Người tiêu dùng"),
			f.textField("consumer_name", req(lang.X("form.consumer_name", "Họ và tên người tiêu dùng")), 1, "",
				func(c *app.Case) *string { return &c.ConsumerName }),
			f.textField("consumer_phone", lang.X("form.consumer_phone", "Số điện thoại"), 1, phone,
				func(c *app.Case) *string { return &c.ConsumerPhone }),
			f.codeField("consumer_gender", lang.X("form.gender", "Giới tính"), app.Genders,
				func(c *app.Case) *string { return &c.ConsumerGender }),
			f.dayField("consumer_birth_date", lang.X("form.birth_date", "Ngày sinh"),
				func(c *app.Case) *string { return &c.ConsumerBirthDate }),
			f.codeField("consumer_age_band", lang.X("form.age_band", "Nhóm tuổi (nếu không rõ ngày sinh)"), app.AgeBands,
				func(c *app.Case) *string { return &c.ConsumerAgeBand }),
			f.textField("consumer_address", lang.X("form.consumer_address", "Địa chỉ người tiêu dùng"), 1,
				lang.X("form.address.placeholder", "Số nhà, đường, ấp, khu phố"),
				func(c *app.Case) *string { return &c.ConsumerAddress }),
			f.codeField("consumer_unit_code", lang.X("form.consumer_unit", "Xã, phường nơi cư trú"), unitList(d.refs),
				func(c *app.Case) *string { return &c.ConsumerUnitCode }),
			f.textField("consumer_old_address", lang.X("form.old_address", "Địa chỉ cũ (trước 1/7/2025)"), 1,
				lang.X("form.old_address.placeholder", "Ví dụ: Ấp 3, xã Mỹ Hạnh Trung, thị xã Cai Lậy"),
				func(c *app.Case) *string { return &c.ConsumerOldAddress }),
		),
		f.codesField("vulnerable_groups", lang.X("form.vulnerable_groups", "Người tiêu dùng dễ bị tổn thương (Điều 8 Luật Bảo vệ quyền lợi người tiêu dùng)"),
			app.VulnerableGroups, 2, func(c *app.Case) *[]string { return &c.VulnerableGroups }, f.groupHint),
		f.evidenceNoteField(lang.X("form.vulnerable_evidence", "Chứng cứ thuộc nhóm dễ bị tổn thương")),
		f.section(lang.X("form.section.business", "Tổ chức, cá nhân kinh doanh"),
			f.textField("business_name", lang.X("form.business_name", "Tên doanh nghiệp, cửa hàng"), 1, "",
				func(c *app.Case) *string { return &c.BusinessName }),
			f.codeField("business_kind", lang.X("form.business_kind", "Loại hình"), app.BusinessKinds,
				func(c *app.Case) *string { return &c.BusinessKind }),
			f.textField("business_phone", lang.X("form.business_phone", "Số điện thoại doanh nghiệp"), 1, "",
				func(c *app.Case) *string { return &c.BusinessPhone }),
			f.textField("business_tax_code", lang.X("form.tax_code", "Mã số thuế"), 1, lang.X("form.tax_code.placeholder", "10 chữ số"),
				func(c *app.Case) *string { return &c.BusinessTaxCode }),
			f.textField("business_address", lang.X("form.business_address", "Địa chỉ doanh nghiệp"), 1, "",
				func(c *app.Case) *string { return &c.BusinessAddress }),
			f.textField("business_online_channel", lang.X("form.online_channel", "Kênh bán trực tuyến"), 1,
				lang.X("form.online_channel.placeholder", "Sàn, trang mạng xã hội hoặc đường dẫn"),
				func(c *app.Case) *string { return &c.BusinessOnlineChannel }),
			f.codeField("off_premises_notice_id", lang.X("form.notice", "Thông báo bán hàng ngoài địa điểm liên quan"), nil,
				func(c *app.Case) *string { return &c.OffPremisesNoticeID }),
		),
		f.section(lang.X("form.section.matter", "Nội dung vụ việc"),
			f.codeField("sector", req(lang.X("form.sector", "Lĩnh vực")), sectorList(d.refs),
				func(c *app.Case) *string { return &c.Sector }),
			f.codeField("transaction_type", lang.X("form.transaction_type", "Hình thức giao dịch"), app.TransactionTypes,
				func(c *app.Case) *string { return &c.TransactionType }),
			f.textField("product_or_service", lang.X("form.product", "Hàng hóa, dịch vụ"), 1, "",
				func(c *app.Case) *string { return &c.ProductOrService }),
			f.dayField("transaction_date", lang.X("form.transaction_date", "Ngày giao dịch"),
				func(c *app.Case) *string { return &c.TransactionDate }),
			f.moneyField("transaction_value", lang.X("form.transaction_value", "Giá trị giao dịch (đồng)"),
				func(c *app.Case) *int64 { return &c.TransactionValue }),
			f.moneyField("damage_claimed", lang.X("form.damage", "Số tiền yêu cầu bồi thường (đồng)"),
				func(c *app.Case) *int64 { return &c.DamageClaimed }),
		),
		f.codesField("issue_types", lang.X("form.issue_types", "Hành vi vi phạm"), issueTypeList(d.refs), 2,
			func(c *app.Case) *[]string { return &c.IssueTypes }),
		f.textField("summary", req(lang.X("form.summary", "Nội dung vụ việc")), 4,
			lang.X("form.summary.placeholder", "Người tiêu dùng phản ánh, yêu cầu gì; hàng hóa, dịch vụ nào; khi nào; số tiền…"),
			func(c *app.Case) *string { return &c.Summary }),
		f.textField("specific_request", lang.X("form.request", "Yêu cầu cụ thể của người tiêu dùng"), 2,
			lang.X("form.request.placeholder", "Ví dụ: hoàn tiền, đổi hàng, sửa chữa, bồi thường, xin lỗi"),
			func(c *app.Case) *string { return &c.SpecificRequest }),
		container.NewGridWithColumns(2,
			f.flagField("prior_contact", lang.X("form.prior_contact.label", "Liên hệ doanh nghiệp trước (Điều 56)"),
				lang.X("form.prior_contact", "Người tiêu dùng đã liên hệ doanh nghiệp trước"),
				func(c *app.Case) *bool { return &c.PriorContact }),
			f.dayField("prior_contact_date", lang.X("form.prior_contact_date", "Ngày liên hệ"),
				func(c *app.Case) *string { return &c.PriorContactDate })),
		f.evidenceField(lang.X("form.evidence", "Tài liệu, chứng cứ kèm theo")),
		container.NewGridWithColumns(2,
			f.codeField("resolution_method", lang.X("form.method", "Phương thức giải quyết"), app.ResolutionMethods,
				func(c *app.Case) *string { return &c.ResolutionMethod })),
	)

	// A new case: received today, the consumer of this commune, the
	// officer using the device in charge.
	start := app.Case{Status: app.StatusReceived, ReceivedAt: f.now(), ConsumerUnitCode: d.unit, AssignedTo: d.officer}
	start.UnitCode = d.unit
	f.finish(body, start)

	for _, key := range []string{"consumer_birth_date", "consumer_age_band", "vulnerable_groups"} {
		f.onChange(key, f.showGroupHint)
	}
	f.showGroupHint()
	f.loadNotices()
	return f
}

// loadNotices offers, off the Fyne goroutine, the commune's off-premises
// sales notices (NĐ 55/2024/NĐ-CP Điều 26), the latest sale first, as the
// sale a complaint may come from.
func (f *caseForm) loadNotices() {
	if f.records == nil {
		return
	}
	sel := f.choice("off_premises_notice_id")
	f.run(func() {
		recs, err := f.records.Records(f.ctx, app.EntityOffPremisesNotice, app.RecordQuery{Unit: f.unit})
		if err != nil {
			logError("list notices for the case form", err)
			return
		}
		list := noticeChoices(recs)
		fyne.Do(func() {
			clean := f.snapshot() == f.initial
			sel.setList(list)
			if clean {
				f.markClean()
			}
		})
	})
}

// noticeChoices lists notices as choices, the latest sale first, after
// the choice of none.
func noticeChoices(recs []app.Record) app.CodeList {
	var ns []*app.OffPremisesNotice
	for _, r := range recs {
		if n, ok := r.(*app.OffPremisesNotice); ok {
			ns = append(ns, n)
		}
	}
	slices.SortStableFunc(ns, func(a, b *app.OffPremisesNotice) int { return strings.Compare(b.StartDate, a.StartDate) })
	none := lang.X("form.notice.none", "Không liên quan đến thông báo nào")
	list := app.CodeList{{Code: "", VI: none, EN: none}}
	for _, n := range ns {
		l := noticeLabel(n)
		list = append(list, app.Code{Code: n.ID, VI: l, EN: l})
	}
	return list
}

// noticeLabel names a notice for people: its days, business, programme
// and place.
func noticeLabel(n *app.OffPremisesNotice) string {
	parts := []string{outreachDates(n.StartDate, n.EndDate), n.BusinessName}
	if n.Title != "" {
		parts = append(parts, n.Title)
	}
	if n.Place != "" {
		parts = append(parts, n.Place)
	}
	return strings.Join(parts, " – ")
}

// privacyNoticeBlock is the notice of the processing of the consumer's
// data (app.PrivacyNotice: Luật 91/2025/QH15 Điều 4 khoản 1 điểm a, NĐ
// 356/2025/NĐ-CP Điều 5 khoản 1), folded so that the form
// stays short, and how it was given (Case.PrivacyNotice). A new case is
// saved only once the officer says how the consumer was given it; an old
// case, or one imported, may have none, and an edit may record it later.
func (f *caseForm) privacyNoticeBlock(d formDeps) fyne.CanvasObject {
	unitName := ""
	if d.refs != nil {
		if u, ok := d.refs.Unit(d.unit); ok {
			unitName = u.Name
		}
	}
	title := lang.X("form.privacy.title", "Thông báo về xử lý dữ liệu cá nhân")
	text := &widget.Label{Text: app.PrivacyNotice(unitName), Wrapping: fyne.TextWrapWord}
	f.privacyText = widget.NewAccordion(widget.NewAccordionItem(lang.X("form.privacy.open", "Nội dung thông báo (bấm để mở, đọc cho người tiêu dùng)"), text))
	label := lang.X("form.privacy_notice", "Đã thông báo cho người tiêu dùng")
	if f.orig == nil {
		label += " *"
	}
	ways := serverSetOnly(app.PrivacyNoticeWays, app.NoticeAcknowledgedOnline, f.orig, func(c *app.Case) string { return c.PrivacyNotice })
	cell := f.codeField("privacy_notice", label, ways,
		func(c *app.Case) *string { return &c.PrivacyNotice })
	fl := f.field("privacy_notice")
	read := fl.read
	fl.read = func(c *app.Case, bad map[string]string) {
		read(c, bad)
		// Required of an officer recording a case here, not of the
		// record: imports and cases recorded before the notice have none.
		if f.orig == nil && c.PrivacyNotice == "" {
			bad["privacy_notice"] = lang.X("form.privacy_notice.required",
				"Cần ghi đã thông báo cho người tiêu dùng về việc xử lý dữ liệu cá nhân.")
		}
	}
	head := &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewVBox(widget.NewSeparator(), head, f.privacyText, container.NewGridWithColumns(2, cell))
}

// serverSetOnly returns list without code, a choice only the provincial
// server makes (the online intake channel, the notice acknowledged on the
// public form: issue 21), unless the case edited has it (value of orig):
// an officer never picks it for a new case, but a case that came through
// the public form shows it as it is.
func serverSetOnly(list app.CodeList, code string, orig *app.Case, value func(*app.Case) string) app.CodeList {
	if orig != nil && value(orig) == code {
		return list
	}
	out := make(app.CodeList, 0, len(list))
	for _, c := range list {
		if c.Code != code {
			out = append(out, c)
		}
	}
	return out
}

// evidenceNoteField is the evidence of the consumer's vulnerable group
// (Luật 19/2023 Điều 8 khoản 2 điểm c): a sensitive detail (NĐ
// 356/2025/NĐ-CP Điều 4 khoản 1: health, ethnic origin), seen only by the
// roles whose work needs it (Điều 4 khoản 2). An officer whose role does
// not see such details (app.SeesSensitive) sees
// the field disabled, saying who may see it; the form never writes it
// then, so that an edit keeps the note as stored.
func (f *caseForm) evidenceNoteField(label string) fyne.CanvasObject {
	if app.SeesSensitive(f.role) {
		return f.textField("vulnerable_evidence", label, 1,
			lang.X("form.vulnerable_evidence.placeholder", "Giấy tờ chứng minh, ví dụ: sổ hộ nghèo, giấy xác nhận khuyết tật"),
			func(c *app.Case) *string { return &c.VulnerableEvidence })
	}
	e := f.newEntry(1, "")
	e.Disable()
	return f.add(label, e, &field[app.Case]{key: "vulnerable_evidence", input: e,
		fill: func(*app.Case) { e.SetText(sensitiveHiddenText()) },
		read: func(*app.Case, map[string]string) {}})
}

// sensitiveHiddenText stands for a sensitive detail an officer's role
// does not see (app.SeesSensitive).
func sensitiveHiddenText() string {
	return lang.X("privacy.sensitive_hidden", "Chỉ cán bộ tiếp nhận, xử lý và lãnh đạo được xem")
}

// receivedField is the day the case was received. Today keeps the time
// of the save, and a day left as it was keeps the time first recorded; a
// day after today is refused.
func (f *caseForm) receivedField(label string) fyne.CanvasObject {
	e := f.newEntry(1, lang.X("form.date.placeholder", "ngày/tháng/năm"))
	return f.add(label, e, &field[app.Case]{key: "received_at", input: e, focus: e,
		fill: func(c *app.Case) { e.SetText(FormatDate(c.ReceivedAt)) },
		read: func(c *app.Case, bad map[string]string) {
			now := f.now()
			day, msg := readDay(e.Text, now)
			switch {
			case msg != "":
				bad["received_at"] = msg
			case day.IsZero():
				c.ReceivedAt = time.Time{}
			case day.After(now.In(ICT)) && !sameDay(day, now):
				bad["received_at"] = lang.X("form.date.future", "Ngày tiếp nhận không được sau ngày hôm nay.")
			case f.orig != nil && sameDay(day, f.orig.ReceivedAt):
				// unchanged: keep the original time of day
			case sameDay(day, now):
				c.ReceivedAt = now
			default:
				c.ReceivedAt = day
			}
		}})
}

// evidenceField is the evidence the consumer brought, one item per line.
func (f *caseForm) evidenceField(label string) fyne.CanvasObject {
	e := f.newEntry(3, lang.X("form.evidence.placeholder", "Mỗi dòng một tài liệu: hóa đơn, hợp đồng, ảnh chụp tin nhắn…"))
	return f.add(label, e, &field[app.Case]{key: "evidence", input: e, focus: e,
		fill: func(c *app.Case) { e.SetText(strings.Join(c.Evidence, "\n")) },
		read: func(c *app.Case, _ map[string]string) { c.Evidence = strings.Split(e.Text, "\n") }})
}

// showGroupHint suggests the groups that follow from the age (older
// person, child) and are not ticked yet; the officer ticks them.
func (f *caseForm) showGroupHint() {
	c := app.Case{ReceivedAt: f.now(), ConsumerAgeBand: f.choice("consumer_age_band").Code()}
	if d, err := parseDate(f.entry("consumer_birth_date").Text); err == nil {
		c.ConsumerBirthDate = d.Format(time.DateOnly)
	}
	var missing []string
	ticked := f.ticks("vulnerable_groups").ticked()
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

// checkDuplicates looks for cases the new case may repeat (same phone and
// business within 30 days) off the Fyne goroutine; with some, the officer
// chooses to save anyway or go back to the form. It never blocks.
func (f *caseForm) checkDuplicates(c app.Case, proceed func()) {
	f.setSaving(true)
	f.run(func() {
		dups, err := f.svc.PossibleDuplicates(f.ctx, &c)
		if err != nil {
			logError("possible duplicates", err) // a warning only: save anyway
			dups = nil
		}
		fyne.Do(func() {
			f.setSaving(false)
			if len(dups) == 0 {
				proceed()
				return
			}
			var lines []string
			for i, d := range dups {
				if d.Restricted && f.hidesRestricted() { // a restricted person is named to the leader only
					d.ConsumerName = lang.X("cases.restricted.hidden", "(người đã yêu cầu hạn chế xử lý dữ liệu)")
				}
				if i == 5 {
					lines = append(lines, lang.X("form.dup.more", "… và {{.N}} vụ việc khác", map[string]any{"N": len(dups) - 5}))
					break
				}
				lines = append(lines, lang.X("form.dup.line", "• {{.Number}}, tiếp nhận {{.Date}}: {{.Name}} – {{.Status}}",
					map[string]any{"Number": d.Number, "Date": FormatDate(d.ReceivedAt), "Name": d.ConsumerName,
						"Status": listLabel(app.CaseStatuses, d.Status)}))
			}
			text := lang.X("form.dup.message", "Trong 30 ngày đã có vụ việc cùng số điện thoại và cùng doanh nghiệp:") + "\n" +
				strings.Join(lines, "\n") + "\n" +
				lang.X("form.dup.question", "Nếu đây là lần phản ánh mới, vẫn lưu; nếu trùng, quay lại và bổ sung vào vụ việc đã có.")
			f.ask(lang.X("form.dup.title", "Có thể trùng vụ việc"), text,
				lang.X("form.dup.save", "Vẫn lưu"), lang.X("form.dup.back", "Quay lại"), fyne.NewSize(520, 280), proceed)
		})
	})
}

// saveCase stamps the officer on c and saves it: a new case with
// CreateCase, an edit as the fields changed from orig (saveChanges). It
// returns the case as stored.
func (f *caseForm) saveCase(ctx context.Context, orig, c *app.Case) (*app.Case, error) {
	if f.officer != "" && orig == nil {
		// An edit leaves them to the store (Editor.Edit stamps the
		// officer who saves): a case last saved by another officer is
		// not refused for its updated_by.
		c.CreatedBy, c.UpdatedBy = f.officer, f.officer
	}
	if orig == nil {
		err := f.svc.CreateCase(ctx, c)
		return c, err
	}
	if err := saveChanges[app.Case](ctx, f.svc, app.EntityCase, orig.ID, orig.Version, orig, c); err != nil {
		return nil, err
	}
	cur, err := f.svc.GetCase(ctx, orig.ID)
	return &cur, err
}

// voidCase voids c, recorded by mistake, with the reason.
func (f *caseForm) voidCase(ctx context.Context, c *app.Case, reason string, _ time.Time) (*app.Case, error) {
	if err := f.svc.VoidCase(ctx, c.ID, reason); err != nil {
		return nil, err
	}
	c.Voided, c.VoidReason = true, reason
	return c, nil
}
