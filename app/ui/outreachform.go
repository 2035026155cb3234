package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

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

// The forms of the "Truyền thông" screen: an outreach event, and a
// publication or news item. Either may be voided when it was recorded by
// mistake: the reason goes into its note.
type (
	outreachEventForm = form[app.OutreachEvent, *app.OutreachEvent]
	outreachPubForm   = form[app.Publication, *app.Publication]
)

// outreachSaveFailed is the summary of an outreach form the store refused.
func outreachSaveFailed(reason string) string {
	return lang.X("outreach.save_failed", "Chưa lưu được: {{.Reason}}", map[string]any{"Reason": reason})
}

// outreachVoid is the void dialog of the outreach record named name,
// whose note keeps the reason.
func outreachVoid[T any, R recordPtr[T]](svc RecordService, name string, note func(*T) *string) *voidSpec[T] {
	return &voidSpec[T]{
		button: lang.X("outreach.void", "Hủy bản ghi nhập nhầm"),
		title:  lang.X("outreach.void.title", "Hủy bản ghi nhập nhầm?"),
		message: lang.X("outreach.void.message", "Chỉ hủy bản ghi nhập nhầm (ghi trùng, ghi thử). “{{.Name}}” sẽ không còn trong danh sách và không được tính vào chỉ tiêu, nhưng vẫn được lưu cùng lý do hủy. Những gì chưa lưu trong biểu mẫu sẽ bị bỏ.",
			map[string]any{"Name": name}),
		hint:    lang.X("outreach.void.placeholder", "Ví dụ: ghi trùng với sự kiện đã nhập, nhập thử"),
		confirm: lang.X("outreach.void.confirm", "Hủy bản ghi"),
		missing: lang.X("outreach.void.reason_required", "Cần ghi lý do hủy."),
		failed: func(reason string) string {
			return lang.X("outreach.void.failed", "Chưa hủy được bản ghi: {{.Reason}}", map[string]any{"Reason": reason})
		},
		void: recordVoider[T, R](svc, note),
	}
}

// outreachTasks returns the plan tasks an event may serve: III.3 and III.4
// when refs has them, then any other task the event already names (so that
// editing never drops it), labelled "III.3 – text".
func outreachTasks(refs *app.RefData, have []string) app.CodeList {
	text := map[string]string{}
	if refs != nil {
		for _, t := range refs.Tasks {
			text[t.ID] = t.TextVI
		}
	}
	var out app.CodeList
	add := func(id string) {
		if slices.ContainsFunc(out, func(c app.Code) bool { return c.Code == id }) {
			return
		}
		label := id
		if s := text[id]; s != "" {
			label = id + " – " + s
		}
		out = append(out, app.Code{Code: id, VI: label, EN: label})
	}
	for _, id := range []string{outreachTaskRightsDay, outreachTaskCompliance} {
		if _, ok := text[id]; ok {
			add(id)
		}
	}
	for _, id := range have {
		add(id)
	}
	return out
}

// newOutreachEventForm records a new outreach event or edits one.
func newOutreachEventForm(d formDeps, orig *app.OutreachEvent) *outreachEventForm {
	heading := lang.X("outreach.event.new", "Thêm sự kiện truyền thông")
	if orig != nil {
		heading = lang.X("outreach.event.edit", "Sửa sự kiện: {{.Title}}", map[string]any{"Title": orig.Title})
	}
	f := newForm[app.OutreachEvent](d, orig, heading, "outreach event")
	f.discardText = lang.X("outreach.event.discard", "Những gì vừa nhập cho sự kiện này sẽ không được lưu.")
	f.failed, f.store = outreachSaveFailed, recordStore[app.OutreachEvent](d.records)
	partners, tasks := allAgencies(d.refs), outreachTasks(d.refs, nil)
	if orig != nil {
		f.voider = outreachVoid(d.records, orig.Title, func(e *app.OutreachEvent) *string { return &e.Note })
		for _, id := range orig.Partners { // an agency the reference data no longer has
			if !slices.ContainsFunc(partners, func(c app.Code) bool { return c.Code == id }) {
				partners = append(partners, app.Code{Code: id, VI: id, EN: id})
			}
		}
		tasks = outreachTasks(d.refs, orig.PlanTasks)
	}

	req := func(s string) string { return s + " *" }
	countPH, countBad := lang.X("outreach.count.placeholder", "Ví dụ: 150"), lang.X("outreach.count.bad", "Chỉ nhập số, ví dụ 1.200.")
	body := container.NewVBox(
		f.section(lang.X("outreach.event.section.what", "Sự kiện"),
			f.codeField("event_type", req(lang.X("outreach.event.type", "Loại sự kiện")), app.OutreachTypes,
				func(e *app.OutreachEvent) *string { return &e.Type }),
			f.textField("title", req(lang.X("outreach.event.title", "Tên sự kiện")), 1,
				lang.X("outreach.event.title.placeholder", "Ví dụ: Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam năm 2026"),
				func(e *app.OutreachEvent) *string { return &e.Title }),
			f.flagField("linked_to_15_3", lang.X("outreach.event.linked.label", "Ngày Quyền của người tiêu dùng"),
				lang.X("outreach.event.linked", "Hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam (15/3)"),
				func(e *app.OutreachEvent) *bool { return &e.Linked153 }),
			f.textField("theme", lang.X("outreach.event.theme", "Chủ đề của năm"), 1,
				lang.X("outreach.event.theme.placeholder", "Chủ đề năm do Bộ Công Thương công bố cho Ngày 15/3"),
				func(e *app.OutreachEvent) *string { return &e.Theme }),
			f.codeField("topic", lang.X("outreach.event.topic", "Nội dung chính"), app.OutreachTopics,
				func(e *app.OutreachEvent) *string { return &e.Topic }),
			f.codeField("status", req(lang.X("outreach.event.status", "Tình trạng")), app.ActivityStatuses,
				func(e *app.OutreachEvent) *string { return &e.Status }),
		),
		f.section(lang.X("outreach.event.section.when", "Thời gian, địa điểm"),
			f.dayField("start_date", req(lang.X("outreach.event.start", "Ngày bắt đầu")),
				func(e *app.OutreachEvent) *string { return &e.StartDate }),
			f.dayField("end_date", lang.X("outreach.event.end", "Ngày kết thúc (nếu nhiều ngày)"),
				func(e *app.OutreachEvent) *string { return &e.EndDate }),
			f.textField("venue", lang.X("outreach.event.venue", "Địa điểm"), 1,
				lang.X("outreach.event.venue.placeholder", "Ví dụ: Hội trường UBND phường, chợ Mỹ Tho"),
				func(e *app.OutreachEvent) *string { return &e.Venue }),
		),
		f.section(lang.X("outreach.event.section.who", "Tổ chức"),
			f.codeField("organiser", lang.X("outreach.event.organiser", "Cơ quan chủ trì"), allAgencies(d.refs),
				func(e *app.OutreachEvent) *string { return &e.Organiser }),
		),
		f.codesField("partners", lang.X("outreach.event.partners", "Cơ quan phối hợp"), partners, 2,
			func(e *app.OutreachEvent) *[]string { return &e.Partners }),
		f.codesField("plan_tasks", lang.X("outreach.event.tasks", "Nhiệm vụ Kế hoạch 395"), tasks, 2,
			func(e *app.OutreachEvent) *[]string { return &e.PlanTasks }),
		f.section(lang.X("outreach.event.section.reach", "Kết quả"),
			f.countField("estimated_attendance", lang.X("outreach.event.attendance", "Số người tham dự (ước tính)"), countPH, countBad, 0,
				func(e *app.OutreachEvent) *int { return &e.Attendance }),
			f.countField("business_participants", lang.X("outreach.event.businesses", "Số doanh nghiệp, cơ sở kinh doanh tham gia"), countPH, countBad, 0,
				func(e *app.OutreachEvent) *int { return &e.Businesses }),
			f.countField("leaflets", lang.X("outreach.event.leaflets", "Số tờ rơi, tài liệu phát ra"), countPH, countBad, 0,
				func(e *app.OutreachEvent) *int { return &e.Leaflets }),
		),
		f.textField("media_coverage", lang.X("outreach.event.media", "Báo chí, truyền thông đưa tin"), 3,
			lang.X("outreach.event.media.placeholder", "Báo, đài, trang tin đã đưa tin; mỗi dòng một tin"),
			func(e *app.OutreachEvent) *string { return &e.MediaCoverage }),
		f.textField("note", lang.X("outreach.note", "Ghi chú"), 2, "", func(e *app.OutreachEvent) *string { return &e.Note }),
	)

	// A new event: planned, run by the commune's People's Committee,
	// serving III.3 and III.4.
	start := app.OutreachEvent{Status: "ke_hoach"}
	start.UnitCode = d.unit
	if d.refs != nil {
		if _, ok := d.refs.Agency("ubnd_xa"); ok {
			start.Organiser = "ubnd_xa"
		}
	}
	for _, t := range tasks {
		if t.Code == outreachTaskRightsDay || t.Code == outreachTaskCompliance {
			start.PlanTasks = append(start.PlanTasks, t.Code)
		}
	}
	f.finish(body, start)

	// A Consumer Rights Day rally always is linked to 15/3: choosing it
	// ticks the box, which then cannot be unticked.
	typ, linked := f.choice("event_type"), f.check("linked_to_15_3")
	onType := func() {
		if typ.Code() == "mit_tinh_15_3" {
			linked.SetChecked(true)
			linked.Disable()
			return
		}
		linked.Enable()
	}
	f.onChange("event_type", onType)
	onType()
	f.markClean()
	return f
}

// newOutreachPubForm records a new publication or news item or edits one.
func newOutreachPubForm(d formDeps, orig *app.Publication) *outreachPubForm {
	heading := lang.X("outreach.pub.new", "Thêm tài liệu, ấn phẩm, tin bài")
	if orig != nil {
		heading = lang.X("outreach.pub.edit", "Sửa tài liệu, tin bài: {{.Title}}", map[string]any{"Title": orig.Title})
	}
	f := newForm[app.Publication](d, orig, heading, "publication")
	f.discardText = lang.X("outreach.pub.discard", "Những gì vừa nhập cho tài liệu, tin bài này sẽ không được lưu.")
	f.failed, f.store = outreachSaveFailed, recordStore[app.Publication](d.records)
	if orig != nil {
		f.voider = outreachVoid(d.records, orig.Title, func(p *app.Publication) *string { return &p.Note })
	}

	req := func(s string) string { return s + " *" }
	body := container.NewVBox(
		f.section(lang.X("outreach.pub.section", "Tài liệu, ấn phẩm, tin bài"),
			f.codeField("publication_type", req(lang.X("outreach.pub.type", "Loại")), app.PublicationTypes,
				func(p *app.Publication) *string { return &p.Type }),
			f.codeField("origin", req(lang.X("outreach.pub.origin", "Nguồn")), app.PublicationOrigins,
				func(p *app.Publication) *string { return &p.Origin }),
			f.textField("title", req(lang.X("outreach.pub.title", "Tên tài liệu, tin bài")), 1,
				lang.X("outreach.pub.title.placeholder", "Ví dụ: Tờ rơi “Mua sắm trực tuyến an toàn”"),
				func(p *app.Publication) *string { return &p.Title }),
			f.codeField("format", lang.X("outreach.pub.format", "Hình thức"), app.PublicationFormats,
				func(p *app.Publication) *string { return &p.Format }),
			f.dayField("date", req(lang.X("outreach.pub.date", "Ngày phát hành, đăng tải")),
				func(p *app.Publication) *string { return &p.Date }),
			f.countField("quantity", lang.X("outreach.pub.quantity", "Số lượng"),
				lang.X("outreach.pub.quantity.placeholder", "Số bản in, số tin đăng; ví dụ: 500"),
				lang.X("outreach.count.bad", "Chỉ nhập số, ví dụ 1.200."), 0,
				func(p *app.Publication) *int { return &p.Quantity }),
			f.codeField("channel", lang.X("outreach.pub.channel", "Kênh phát hành, đăng tải"), app.PublicationChannels,
				func(p *app.Publication) *string { return &p.Channel }),
			f.textField("url", lang.X("outreach.pub.url", "Đường dẫn (nếu đăng trên mạng)"), 1,
				lang.X("outreach.pub.url.placeholder", "https://…"), func(p *app.Publication) *string { return &p.URL }),
		),
		f.textField("note", lang.X("outreach.note", "Ghi chú"), 2, "", func(p *app.Publication) *string { return &p.Note }),
	)
	start := app.Publication{Date: f.now().In(ICT).Format(time.DateOnly)} // a new item: today
	start.UnitCode = d.unit
	f.finish(body, start)
	return f
}
