package ui

import (
	"context"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// The "Bán hàng ngoài địa điểm" screen: the register of the notices of
// off-premises sales the commune received (NĐ 55/2024/NĐ-CP Điều 26), which
// it must publish (Điều 27 khoản 3) and keep at least 02 years (Điều 27
// khoản 2). The list marks a sale running today or starting within
// noticeSoonDays days, a notice received fewer than 03 working days ahead
// (Điều 26 khoản 3) and one not yet published; the line above the list
// counts them.

// noticeSoonDays is the reminder's window, in calendar days.
const noticeSoonDays = 3

// Columns of the notice list.
const (
	noticeColDates = iota
	noticeColBusiness
	noticeColTitle
	noticePlace
	noticeColReceived
	noticeColFlags
	noticeNumCols
)

var (
	noticeShare = []float32{0.15, 0.18, 0.22, 0.15, 0.10, 0.20}
	noticeMin   = []float32{150, 140, 160, 120, 90, 160}
)

// noticeForm records or edits a notice.
type noticeForm = form[app.OffPremisesNotice, *app.OffPremisesNotice]

// noticeScreen lists the notices and opens their form in its place.
type noticeScreen struct {
	formDeps
	cal CaseService // its WorkingCalendar counts the lead of Điều 26 khoản 3

	// onSaved, if set, is called on the Fyne goroutine after a notice was
	// saved or voided (the UI schedules a sync).
	onSaved func()
	// onBoard, if set, writes the notice-board list (the button is shown).
	onBoard func()

	notices  []app.OffPremisesNotice // shown: upcoming first, then newest
	calendar *app.Calendar
	gen      int

	errMsg   *widget.Label
	add      *widget.Button
	board    *widget.Button
	count    *widget.Label
	reminder *widget.Label // the due, late and unpublished notices, counted
	empty    *widget.Label
	table    *recordTable
	form     *noticeForm // the open form, or nil

	top     *fyne.Container // the lines above the list
	lists   fyne.CanvasObject
	stack   *fyne.Container
	content fyne.CanvasObject
}

func newNoticeScreen(d formDeps) *noticeScreen {
	s := &noticeScreen{formDeps: d, cal: d.svc}
	if s.ctx == nil {
		s.ctx = context.Background()
	}
	s.now = app.MustClock(s.now, "ui.notices")
	s.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	s.errMsg.Hide()
	s.add = &widget.Button{Text: lang.X("notice.add", "Ghi thông báo mới"), Icon: theme.ContentAddIcon(),
		Importance: widget.HighImportance, OnTapped: func() { s.open(nil) }}
	s.board = &widget.Button{Text: lang.X("notice.board", "Danh sách niêm yết (Excel)"), Icon: theme.DocumentPrintIcon(),
		OnTapped: func() {
			if s.onBoard != nil {
				s.onBoard()
			}
		}}
	s.board.Hide()
	if s.records == nil {
		s.add.Disable()
	}
	s.count = widget.NewLabel("")
	s.reminder = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	s.reminder.Hide()
	s.empty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord,
		Text: lang.X("notice.empty", "Chưa có thông báo bán hàng ngoài địa điểm giao dịch thường xuyên nào. Bấm “Ghi thông báo mới” khi UBND nhận được thông báo (Mẫu số 10, Nghị định 55/2024/NĐ-CP).")}
	s.table = newRecordTable(outreachColumns(noticeShare, noticeMin, noticeHeader),
		func() int { return len(s.notices) }, s.cell,
		func(row int) { n := s.notices[row]; s.open(&n) })
	// A sale due (running or starting soon) is in red; one only late or
	// unpublished in the warning colour.
	s.table.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Importance = widget.MediumImportance
		if id.Row >= 0 && id.Row < len(s.notices) {
			n := &s.notices[id.Row]
			switch {
			case n.Due(s.now(), noticeSoonDays):
				l.Importance = widget.DangerImportance
			case id.Col == noticeColFlags && (!n.Published() || n.ReceivedLate(s.calendar)):
				l.Importance = widget.WarningImportance
			}
		}
		l.SetText(s.cell(id.Row, id.Col))
	}
	head := container.NewHBox(&widget.Label{Text: lang.X("notice.list", "Thông báo bán hàng ngoài địa điểm giao dịch thường xuyên"),
		TextStyle: fyne.TextStyle{Bold: true}}, s.count, layout.NewSpacer(), s.board, s.add)
	basis := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("notice.basis",
		"UBND xã, phường tiếp nhận thông báo (gửi tối thiểu 03 ngày làm việc trước khi bán hàng), công khai nội dung trước và trong thời gian bán hàng, lưu hồ sơ tối thiểu 02 năm (Điều 26, 27 Nghị định 55/2024/NĐ-CP; Điều 47 Luật Bảo vệ quyền lợi người tiêu dùng 2023).")}
	s.top = container.NewVBox(s.errMsg, head, basis, s.reminder)
	s.lists = container.NewBorder(s.top, nil, nil, nil,
		container.NewStack(s.table, container.NewVBox(s.empty)))
	s.stack = container.NewStack(s.lists)
	s.content = s.stack
	s.showList()
	return s
}

// setBoard shows the button of the notice-board list, which calls fn.
func (s *noticeScreen) setBoard(fn func()) {
	s.onBoard = fn
	s.board.Show()
}

// reload reads the notices off the Fyne goroutine and shows them.
func (s *noticeScreen) reload() {
	if s.records == nil {
		return
	}
	s.gen++
	gen := s.gen
	today := s.now()
	s.run(func() {
		ns, cal, err := s.load(s.ctx, today)
		fyne.Do(func() { s.apply(gen, ns, cal, err) })
	})
}

// load reads this commune's notices: the sales running or to come first,
// soonest first; then the past ones, latest first.
func (s *noticeScreen) load(ctx context.Context, today time.Time) ([]app.OffPremisesNotice, *app.Calendar, error) {
	recs, err := s.records.Records(ctx, app.EntityOffPremisesNotice, app.RecordQuery{Unit: s.unit})
	if err != nil {
		return nil, nil, err
	}
	var cal *app.Calendar
	if s.cal != nil {
		if cal, err = s.cal.WorkingCalendar(ctx); err != nil {
			return nil, nil, err
		}
	}
	var ns []app.OffPremisesNotice
	for _, r := range recs {
		if n, ok := r.(*app.OffPremisesNotice); ok {
			ns = append(ns, *n)
		}
	}
	sortNotices(ns, today)
	return ns, cal, nil
}

// sortNotices puts the sales not yet over first, soonest first, then the
// others, latest first.
func sortNotices(ns []app.OffPremisesNotice, today time.Time) {
	day := today.In(ICT).Format(time.DateOnly)
	ahead := func(n *app.OffPremisesNotice) bool { return noticeLastDay(n) >= day }
	sort.SliceStable(ns, func(i, j int) bool {
		a, b := &ns[i], &ns[j]
		if ahead(a) != ahead(b) {
			return ahead(a)
		}
		if a.StartDate != b.StartDate {
			return (a.StartDate < b.StartDate) == ahead(a)
		}
		return a.BusinessName < b.BusinessName
	})
}

// noticeLastDay is the last day of the sale (YYYY-MM-DD).
func noticeLastDay(n *app.OffPremisesNotice) string {
	if n.EndDate != "" {
		return n.EndDate
	}
	return n.StartDate
}

func (s *noticeScreen) apply(gen int, ns []app.OffPremisesNotice, cal *app.Calendar, err error) {
	if gen != s.gen {
		return
	}
	if err != nil {
		logError("list notices", err)
		s.errMsg.SetText(lang.X("notice.load_failed", "Không tải được danh sách thông báo: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		s.errMsg.Show()
		return
	}
	s.errMsg.Hide()
	s.notices, s.calendar = ns, cal
	s.showList()
}

// noticeTally counts what the reminder says.
type noticeTally struct{ due, running, late, unpublished int }

func tallyNotices(ns []app.OffPremisesNotice, cal *app.Calendar, today time.Time) noticeTally {
	var t noticeTally
	day := today.In(ICT).Format(time.DateOnly)
	for i := range ns {
		n := &ns[i]
		if n.Due(today, noticeSoonDays) {
			t.due++
			if n.Running(today) {
				t.running++
			}
		}
		if noticeLastDay(n) < day { // over: only the register is left
			continue
		}
		if n.ReceivedLate(cal) {
			t.late++
		}
		if !n.Published() {
			t.unpublished++
		}
	}
	return t
}

// reminderText is the line above the list, "" when nothing is due.
func reminderText(t noticeTally) string {
	var parts []string
	if t.due > 0 {
		if t.running > 0 {
			parts = append(parts, lang.X("notice.reminder.running", "{{.N}} buổi bán hàng đang diễn ra hoặc bắt đầu trong 3 ngày tới ({{.Running}} đang diễn ra hôm nay): theo dõi, kiểm tra theo nội dung đã thông báo.",
				map[string]any{"N": t.due, "Running": t.running}))
		} else {
			parts = append(parts, lang.X("notice.reminder.due", "{{.N}} buổi bán hàng bắt đầu trong 3 ngày tới: theo dõi, kiểm tra theo nội dung đã thông báo.",
				map[string]any{"N": t.due}))
		}
	}
	if t.unpublished > 0 {
		parts = append(parts, lang.X("notice.reminder.unpublished", "{{.N}} thông báo chưa công khai (Điều 27 khoản 3 Nghị định 55/2024/NĐ-CP).",
			map[string]any{"N": t.unpublished}))
	}
	if t.late > 0 {
		parts = append(parts, lang.X("notice.reminder.late", "{{.N}} thông báo nhận chưa đủ 03 ngày làm việc trước khi bán hàng (Điều 26 khoản 3).",
			map[string]any{"N": t.late}))
	}
	return strings.Join(parts, " ")
}

func (s *noticeScreen) showList() {
	s.count.SetText(lang.X("notice.count", "({{.N}})", map[string]any{"N": FormatInt(int64(len(s.notices)))}))
	if txt := reminderText(tallyNotices(s.notices, s.calendar, s.now())); txt != "" {
		s.reminder.SetText(txt)
		s.reminder.Show()
	} else {
		s.reminder.Hide()
	}
	if len(s.notices) == 0 {
		s.table.Hide()
		s.empty.Show()
	} else {
		s.empty.Hide()
		s.table.Show()
	}
	s.table.Refresh()
	if c, ok := s.lists.(*fyne.Container); ok {
		c.Refresh() // the reminder's height changed
	}
}

func noticeHeader(col int) string {
	switch col {
	case noticeColDates:
		return lang.X("notice.col.dates", "Ngày bán hàng")
	case noticeColBusiness:
		return lang.X("notice.col.business", "Tổ chức, cá nhân kinh doanh")
	case noticeColTitle:
		return lang.X("notice.col.title", "Nội dung chương trình")
	case noticePlace:
		return lang.X("notice.col.place", "Địa điểm")
	case noticeColReceived:
		return lang.X("notice.col.received", "Ngày nhận")
	case noticeColFlags:
		return lang.X("notice.col.flags", "Lưu ý")
	}
	return ""
}

func (s *noticeScreen) cell(row, col int) string {
	if row < 0 || row >= len(s.notices) {
		return ""
	}
	n := &s.notices[row]
	switch col {
	case noticeColDates:
		return outreachDates(n.StartDate, n.EndDate)
	case noticeColBusiness:
		return n.BusinessName
	case noticeColTitle:
		return n.Title
	case noticePlace:
		return n.Place
	case noticeColReceived:
		return formatDay(n.ReceivedDate)
	case noticeColFlags:
		return strings.Join(noticeFlags(n, s.calendar, s.now()), "; ")
	}
	return ""
}

// noticeFlags are the marks of a notice in the list.
func noticeFlags(n *app.OffPremisesNotice, cal *app.Calendar, today time.Time) []string {
	var out []string
	switch {
	case n.Running(today):
		out = append(out, lang.X("notice.flag.running", "Đang diễn ra"))
	case n.Due(today, noticeSoonDays):
		out = append(out, lang.X("notice.flag.soon", "Sắp diễn ra"))
	}
	if !n.Published() {
		out = append(out, lang.X("notice.flag.unpublished", "Chưa công khai"))
	}
	if n.ReceivedLate(cal) {
		out = append(out, lang.X("notice.flag.late", "Nhận muộn"))
	}
	if m := n.MissingItems(); len(m) > 0 {
		out = append(out, lang.X("notice.flag.missing", "Thiếu {{.N}} nội dung", map[string]any{"N": len(m)}))
	}
	if n.ForElderly {
		out = append(out, lang.X("notice.flag.elderly", "Nhắm vào người cao tuổi"))
	}
	return out
}

// open shows the form in place of the list.
func (s *noticeScreen) open(orig *app.OffPremisesNotice) {
	if s.records == nil {
		return
	}
	f := newNoticeForm(s.formDeps, orig, s.calendar)
	f.onDone = func(saved *app.OffPremisesNotice) { s.closeForm(saved != nil) }
	s.form = f
	s.show(f.content)
	f.focusFirst()
}

func (s *noticeScreen) closeForm(saved bool) {
	s.form = nil
	s.show(s.lists)
	if saved {
		s.reload()
		if s.onSaved != nil {
			s.onSaved()
		}
	}
}

func (s *noticeScreen) show(o fyne.CanvasObject) {
	s.stack.Objects = []fyne.CanvasObject{o}
	s.stack.Refresh()
}

// newNoticeForm records a notice received or edits one. Below the fields,
// a line says what of Điều 47 khoản 1 điểm a the notice lacks, how many
// working days ahead it arrived and until when it is kept.
func newNoticeForm(d formDeps, orig *app.OffPremisesNotice, cal *app.Calendar) *noticeForm {
	heading := lang.X("notice.new", "Ghi thông báo bán hàng ngoài địa điểm giao dịch thường xuyên")
	if orig != nil {
		heading = lang.X("notice.edit", "Thông báo của {{.Business}}", map[string]any{"Business": orig.BusinessName})
	}
	f := newForm[app.OffPremisesNotice](d, orig, heading, "off-premises notice")
	f.discardText = lang.X("notice.discard", "Những gì vừa nhập cho thông báo này sẽ không được lưu.")
	f.failed, f.store = outreachSaveFailed, recordStore[app.OffPremisesNotice](d.records)
	if orig != nil {
		f.voider = outreachVoid(d.records, orig.BusinessName, func(n *app.OffPremisesNotice) *string { return &n.Note })
	}
	req := func(s string) string { return s + " *" }
	type N = app.OffPremisesNotice
	check := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	publishNow := &widget.Button{Text: lang.X("notice.publish_today", "Đã niêm yết hôm nay"), Icon: theme.ConfirmIcon()}
	body := container.NewVBox(
		f.section(lang.X("notice.section.business", "Tổ chức, cá nhân kinh doanh"),
			f.textField("business_name", req(lang.X("notice.business_name", "Tên tổ chức, cá nhân kinh doanh")), 1,
				lang.X("notice.business_name.placeholder", "Ví dụ: Công ty TNHH Sức Khỏe Vàng"), func(n *N) *string { return &n.BusinessName }),
			f.textField("business_tax_code", lang.X("notice.tax_code", "Mã số thuế, số đăng ký kinh doanh"), 1, "",
				func(n *N) *string { return &n.BusinessTaxCode }),
			f.textField("business_address", lang.X("notice.business_address", "Địa chỉ"), 1, "",
				func(n *N) *string { return &n.BusinessAddress }),
			f.textField("business_phone", lang.X("notice.business_phone", "Số điện thoại liên hệ"), 1,
				lang.X("notice.phone.placeholder", "Ví dụ: 0912 345 678"), func(n *N) *string { return &n.BusinessPhone }),
		),
		f.section(lang.X("notice.section.sale", "Chương trình bán hàng"),
			f.textField("title", lang.X("notice.title", "Nội dung chương trình bán hàng"), 1,
				lang.X("notice.title.placeholder", "Ví dụ: Hội thảo giới thiệu sản phẩm chăm sóc sức khỏe"), func(n *N) *string { return &n.Title }),
			f.textField("sales_method", lang.X("notice.sales_method", "Phương thức bán hàng"), 1,
				lang.X("notice.sales_method.placeholder", "Ví dụ: giới thiệu tại hội trường, bán trực tiếp, tặng quà"), func(n *N) *string { return &n.SalesMethod }),
			f.textField("place", lang.X("notice.place", "Địa điểm bán hàng"), 1,
				lang.X("notice.place.placeholder", "Ví dụ: Nhà văn hóa ấp 3"), func(n *N) *string { return &n.Place }),
			f.dayField("start_date", req(lang.X("notice.start", "Ngày bắt đầu")), func(n *N) *string { return &n.StartDate }),
			f.dayField("end_date", lang.X("notice.end", "Ngày kết thúc (nếu nhiều ngày)"), func(n *N) *string { return &n.EndDate }),
			f.textField("hours", lang.X("notice.hours", "Thời gian trong ngày"), 1,
				lang.X("notice.hours.placeholder", "Ví dụ: 7 giờ 30 – 11 giờ"), func(n *N) *string { return &n.Hours }),
		),
		f.textField("goods", lang.X("notice.goods", "Sản phẩm, hàng hóa, dịch vụ"), 2, "", func(n *N) *string { return &n.Goods }),
		f.textField("prices", lang.X("notice.prices", "Giá"), 2,
			lang.X("notice.prices.placeholder", "Giá từng sản phẩm, hoặc “theo bảng giá kèm theo”"), func(n *N) *string { return &n.Prices }),
		f.section(lang.X("notice.section.consumers", "Người tiêu dùng"),
			f.textField("audience", lang.X("notice.audience", "Đối tượng khách hàng"), 1, "", func(n *N) *string { return &n.Audience }),
			f.flagField("for_elderly", lang.X("notice.for_elderly.label", "Người cao tuổi"),
				lang.X("notice.for_elderly", "Nhắm vào người cao tuổi"), func(n *N) *bool { return &n.ForElderly }),
			f.textField("consumer_contact", lang.X("notice.consumer_contact", "Cách người tiêu dùng liên hệ, phản ánh"), 1,
				lang.X("notice.consumer_contact.placeholder", "Số điện thoại, địa chỉ nhận phản ánh trong và sau khi bán"), func(n *N) *string { return &n.ConsumerContact }),
		),
		f.section(lang.X("notice.section.received", "Tiếp nhận, công khai"),
			f.dayField("received_date", req(lang.X("notice.received_date", "Ngày UBND nhận thông báo")), func(n *N) *string { return &n.ReceivedDate }),
			f.codeField("received_via", req(lang.X("notice.received_via", "Cách nhận")), app.NoticeChannels,
				func(n *N) *string { return &n.ReceivedVia }),
			f.codeField("form", lang.X("notice.form", "Mẫu thông báo"), app.NoticeForms, func(n *N) *string { return &n.Form }),
			f.dayField("published_date", lang.X("notice.published_date", "Ngày công khai"), func(n *N) *string { return &n.PublishedDate }),
			f.codeField("published_via", lang.X("notice.published_via", "Hình thức công khai"), app.NoticePublications,
				func(n *N) *string { return &n.PublishedVia }),
			f.textField("officer", lang.X("notice.officer", "Cán bộ tiếp nhận"), 1, "", func(n *N) *string { return &n.Officer }),
		),
		container.NewHBox(publishNow),
		check,
		f.textField("note", lang.X("notice.note", "Ghi chú (theo dõi, kiểm tra việc bán hàng)"), 2, "", func(n *N) *string { return &n.Note }),
	)
	start := N{ReceivedDate: f.now().In(ICT).Format(time.DateOnly), ReceivedVia: "truc_tiep", Form: "mau_10", Officer: d.officer}
	start.UnitCode = d.unit
	f.finish(body, start)

	// The check line follows what is typed.
	update := func() {
		r := f.defaults
		if f.orig != nil {
			r = *f.orig
		}
		for _, fl := range f.fields {
			fl.read(&r, map[string]string{})
		}
		check.SetText(noticeCheckText(&r, cal))
	}
	for _, k := range []string{"business_name", "business_address", "business_phone", "title", "sales_method",
		"place", "start_date", "end_date", "goods", "prices", "received_date"} {
		f.onChange(k, update)
	}
	update()
	publishNow.OnTapped = func() {
		if strings.TrimSpace(f.entry("published_date").Text) == "" {
			f.entry("published_date").SetText(FormatDate(f.now()))
		}
		if f.choice("published_via").Code() == "" {
			f.choice("published_via").SetCode("niem_yet")
		}
	}
	return f
}

// noticeCheckText says what the notice lacks (Luật 19/2023 Điều 47 khoản 1
// điểm a), how far ahead it arrived (NĐ 55 Điều 26 khoản 3) and until when
// it is kept (Điều 27 khoản 2).
func noticeCheckText(n *app.OffPremisesNotice, cal *app.Calendar) string {
	var lines []string
	if m := n.MissingItems(); len(m) > 0 {
		lines = append(lines, lang.X("notice.check.missing", "Thông báo thiếu (Điều 47 khoản 1 điểm a Luật BVQLNTD 2023): {{.Items}}.",
			map[string]any{"Items": strings.Join(m, ", ")}))
	} else {
		lines = append(lines, lang.X("notice.check.complete", "Thông báo có đủ các nội dung theo Điều 47 khoản 1 điểm a Luật BVQLNTD 2023."))
	}
	if lead, ok := n.Lead(cal); ok {
		if lead < app.NoticeLeadDays {
			lines = append(lines, lang.X("notice.check.late", "Nhận trước ngày bán hàng {{.N}} ngày làm việc: chưa đủ 03 ngày làm việc (Điều 26 khoản 3 Nghị định 55/2024/NĐ-CP).",
				map[string]any{"N": lead}))
		} else {
			lines = append(lines, lang.X("notice.check.on_time", "Nhận trước ngày bán hàng {{.N}} ngày làm việc: đúng thời hạn (tối thiểu 03 ngày làm việc, Điều 26 khoản 3).",
				map[string]any{"N": lead}))
		}
	}
	if until := n.KeepUntil(); until != "" {
		lines = append(lines, lang.X("notice.check.keep", "Lưu hồ sơ đến ít nhất ngày {{.Day}} (02 năm, Điều 27 khoản 2).",
			map[string]any{"Day": formatDay(until)}))
	}
	return strings.Join(lines, "\n")
}
