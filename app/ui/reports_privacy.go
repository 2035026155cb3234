package ui

import (
	"image/color"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// The personal data in the Báo cáo tab (issue 19 items 4 and 5; Luật Bảo
// vệ dữ liệu cá nhân 91/2025/QH15, NĐ 356/2025/NĐ-CP): the register and the
// sign-in sheet are masked unless the officer unticks the box and gives a
// reason, which the report service records (cli.WriteReport); the leader
// sees the record of who took what.

// maxExportReason is the longest reason of an unmasked export, in
// characters (app.MaxNoteText, the audit record's limit).
const maxExportReason = app.MaxNoteText

// reasonDialog asks why a report is exported unmasked.
type reasonDialog struct {
	d       *dialog.CustomDialog
	reason  *formEntry
	msg     *widget.Label // what is wrong, in red
	confirm *widget.Button
	done    bool // confirmed: closing is not a cancel
}

// onMask follows the mask box: unticked, it asks for the reason at once
// (and ticks it again if the officer goes back); ticked, the reason goes.
func (s *reportsScreen) onMask(on bool) {
	if on {
		s.reason = ""
		s.reasonLabel.Hide()
		return
	}
	if s.reason != "" {
		return
	}
	s.askReason(func(string) {}, func() { s.mask.SetChecked(true) })
}

// askReason shows the reason dialog; ok gets the reason given (also kept
// as s.reason and shown under the box), back runs if the officer goes
// back.
func (s *reportsScreen) askReason(ok func(reason string), back func()) {
	if s.asking != nil {
		return
	}
	v := &reasonDialog{reason: newFormEntry(true), msg: &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}}
	v.reason.SetMinRowsVisible(3)
	v.reason.SetPlaceHolder(lang.X("reports.unmask.placeholder", "Ví dụ: Gửi Thanh tra tỉnh theo Quyết định thanh tra số …"))
	cancel := &widget.Button{Text: lang.X("reports.unmask.back", "Quay lại (giữ che thông tin)"), Icon: theme.CancelIcon(),
		OnTapped: func() { v.d.Hide() }}
	v.confirm = &widget.Button{Text: lang.X("reports.unmask.confirm", "Xuất không che"), Icon: theme.ConfirmIcon(),
		Importance: widget.WarningImportance, OnTapped: func() {
			reason := strings.TrimSpace(app.NFCText(v.reason.Text))
			switch {
			case reason == "":
				v.msg.SetText(lang.X("reports.unmask.missing", "Cần ghi lý do xuất báo cáo không che thông tin cá nhân."))
			case len([]rune(reason)) > maxExportReason:
				v.msg.SetText(lang.X("reports.unmask.long", "Lý do quá dài (tối đa 1.000 ký tự)."))
			default:
				v.done = true
				s.reason = reason
				s.reasonLabel.SetText(lang.X("reports.unmask.given", "Không che thông tin cá nhân. Lý do: {{.Reason}}", map[string]any{"Reason": reason}))
				s.reasonLabel.Show()
				v.d.Hide()
				ok(reason)
			}
		}}
	body := container.NewVBox(
		&widget.Label{Text: lang.X("reports.unmask.text", "Tệp sẽ có đầy đủ họ tên, số điện thoại và địa chỉ của người tiêu dùng, người tham dự. Chỉ xuất khi công việc cần; lý do, thời điểm và tên cán bộ được ghi vào nhật ký truy xuất dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân, Nghị định 356/2025/NĐ-CP)."),
			Wrapping: fyne.TextWrapWord},
		widget.NewLabel(lang.X("reports.unmask.reason", "Lý do xuất không che *")), v.reason, v.msg)
	v.d = dialog.NewCustomWithoutButtons(lang.X("reports.unmask.title", "Xuất báo cáo không che thông tin cá nhân"), body, s.win)
	v.d.SetButtons([]fyne.CanvasObject{cancel, v.confirm})
	v.d.SetOnClosed(func() {
		s.asking = nil
		if !v.done {
			back()
		}
	})
	v.d.Resize(fyne.NewSize(560, 360))
	s.asking = v
	v.d.Show()
	s.win.Canvas().Focus(v.reason)
}

// auditList is the leader's list of the audit records (nhật ký truy xuất
// dữ liệu cá nhân), newest first.
type auditList struct {
	box     *fyne.Container
	parent  *fyne.Container // the screen's box, laid out again when box shows or goes
	count   *widget.Label
	table   *recordTable
	entries []app.AuditEntry
}

// newAuditList builds the list; open shows an entry in full.
func newAuditList(open func(e app.AuditEntry)) *auditList {
	l := &auditList{count: widget.NewLabel("")}
	cols := []tableColumn{
		{lang.X("audit.col.at", "Thời điểm"), 1.1, 110},
		{lang.X("audit.col.officer", "Cán bộ"), 1.3, 100},
		{lang.X("audit.col.action", "Việc đã làm"), 1.6, 120},
		{lang.X("audit.col.what", "Nội dung"), 2.6, 140},
		{lang.X("audit.col.people", "Số người"), 0.6, 60},
		{lang.X("audit.col.reason", "Lý do"), 1.8, 100},
	}
	l.table = newRecordTable(cols, func() int { return len(l.entries) }, func(row, col int) string {
		if row < 0 || row >= len(l.entries) {
			return ""
		}
		return auditCell(&l.entries[row], col)
	}, func(row int) { open(l.entries[row]) })
	// The tab scrolls as a whole: the list takes a fixed height in it.
	space := canvas.NewRectangle(color.Transparent)
	space.SetMinSize(fyne.NewSize(0, 280))
	l.box = container.NewVBox(widget.NewSeparator(),
		&widget.Label{Text: lang.X("audit.title", "Nhật ký truy xuất dữ liệu cá nhân"), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText},
		&widget.Label{Text: lang.X("audit.hint", "Mỗi lần xuất báo cáo không che, xuất dữ liệu của một người, hạn chế xử lý hoặc ẩn danh hóa đều được ghi lại và gửi về tỉnh; không sửa, không xóa được. Chọn một dòng để xem đầy đủ."),
			Wrapping: fyne.TextWrapWord},
		l.count, container.NewStack(space, l.table))
	l.box.Hide()
	return l
}

// show shows or hides the list.
func (l *auditList) show(on bool) {
	if on == l.box.Visible() {
		return
	}
	if on {
		l.box.Show()
	} else {
		l.box.Hide()
	}
	if l.parent != nil {
		l.parent.Refresh()
	}
}

// set shows entries, newest first.
func (l *auditList) set(entries []app.AuditEntry) {
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].At.Equal(entries[j].At) {
			return entries[i].At.After(entries[j].At)
		}
		return entries[i].ID > entries[j].ID
	})
	l.entries = entries
	if len(entries) == 0 {
		l.count.SetText(lang.X("audit.empty", "Chưa có lần truy xuất nào được ghi."))
	} else {
		l.count.SetText(lang.X("audit.count", "{{.N}} lần truy xuất", map[string]any{"N": FormatInt(int64(len(entries)))}))
	}
	l.table.Refresh()
}

// auditCell is the text of column col of e.
func auditCell(e *app.AuditEntry, col int) string {
	switch col {
	case 0:
		return e.At.In(ICT).Format("15:04 02/01/2006")
	case 1:
		return e.Officer
	case 2:
		return listLabel(app.AuditActions, e.Action)
	case 3:
		return e.What
	case 4:
		return FormatInt(int64(e.People))
	case 5:
		return e.Reason
	}
	return ""
}

// showAudit shows one audit record in full.
func (s *reportsScreen) showAudit(e app.AuditEntry) {
	form := widget.NewForm()
	for i, title := range []string{
		lang.X("audit.col.at", "Thời điểm"), lang.X("audit.col.officer", "Cán bộ"), lang.X("audit.col.action", "Việc đã làm"),
		lang.X("audit.col.what", "Nội dung"), lang.X("audit.col.people", "Số người"), lang.X("audit.col.records", "Số bản ghi"),
		lang.X("audit.col.reason", "Lý do"),
	} {
		text := ""
		switch i {
		case 5:
			text = FormatInt(int64(e.Records))
		case 6:
			text = auditCell(&e, 5)
		default:
			text = auditCell(&e, i)
		}
		form.Append(title, &widget.Label{Text: text, Wrapping: fyne.TextWrapWord})
	}
	d := dialog.NewCustom(lang.X("audit.title", "Nhật ký truy xuất dữ liệu cá nhân"), lang.X("audit.close", "Đóng"), form, s.win)
	d.Resize(fyne.NewSize(620, 420))
	d.Show()
}

// seesAudit reports whether the signed-in officer sees the audit list:
// the leader (app.SeesRestricted).
func (s *reportsScreen) seesAudit() bool {
	return s.records != nil && app.SeesRestricted(s.role())
}

// reloadAudit shows the audit list to the leader, loaded afresh, and hides
// it from anyone else.
func (s *reportsScreen) reloadAudit() {
	if !s.seesAudit() {
		s.audit.show(false)
		s.audit.set(nil)
		return
	}
	s.audit.show(true)
	s.run(func() {
		rs, err := s.records.Records(s.ctx, app.EntityAuditEntry, app.RecordQuery{})
		fyne.Do(func() {
			if err != nil {
				logError("list audit entries", err)
				s.audit.count.SetText(lang.X("audit.failed", "Không tải được nhật ký: {{.Reason}}", map[string]any{"Reason": userMessage(err)}))
				return
			}
			if !s.seesAudit() { // another officer signed in meanwhile
				s.audit.show(false)
				return
			}
			es := make([]app.AuditEntry, 0, len(rs))
			for _, r := range rs {
				if e, ok := r.(*app.AuditEntry); ok {
					es = append(es, *e)
				}
			}
			s.audit.set(es)
		})
	})
}
