package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// RetentionService is the device's retention period and the record of
// what was anonymised when it ended (issue 19 item 3; storage.DB: the
// desktop app anonymises once a day by itself).
type RetentionService interface {
	Retention(ctx context.Context) (app.Retention, error)
	SetRetention(ctx context.Context, r app.Retention) error
	// AnonymisationLog lists the audit records of the runs, newest first.
	AnonymisationLog(ctx context.Context) ([]app.AuditEntry, error)
	// LastRetentionRun is what the device's last run left for an officer:
	// the cases held back and the records refused.
	LastRetentionRun(ctx context.Context) (app.RetentionRun, error)
}

// retentionLogShown is how many runs the panel lists.
const retentionLogShown = 20

// retentionPanel shows the retention period and the list of what was
// anonymised, in the sync tab below the backups; the leader (app role
// "lanh_dao") may change the period.
type retentionPanel struct {
	ctx  context.Context
	svc  RetentionService
	run  func(func())
	role func() string // the signed-in officer's role, read at each refresh

	setting   *widget.Label
	edit      *fyne.Container // the leader's fields
	caseYears *widget.Entry
	people    *widget.Entry
	form      *widget.Form
	save      *widget.Button
	msg       *widget.Label
	last      *widget.Label // what the last run left for an officer
	list      *fyne.Container

	content fyne.CanvasObject
}

func newRetentionPanel(ctx context.Context, svc RetentionService, run func(func()), role func() string) *retentionPanel {
	p := &retentionPanel{ctx: ctx, svc: svc, run: run, role: role}
	title := &widget.Label{Text: lang.X("retention.title", "Thời hạn lưu trữ và ẩn danh hóa"),
		TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	help := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("retention.help",
		"Mỗi ngày, ứng dụng tự ẩn danh hóa dữ liệu cá nhân đã hết thời hạn lưu trữ: họ tên thành chữ viết tắt; bỏ số điện thoại, địa chỉ, ngày sinh và ghi chú chứng cứ thuộc nhóm dễ bị tổn thương (sức khỏe, khuyết tật…); xóa các thông tin đó khỏi nội dung vụ việc và các bước xử lý. Thay đổi được đồng bộ lên máy chủ như một lần sửa. Số liệu báo cáo các năm trước không thay đổi.")}
	p.setting = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.caseYears = &widget.Entry{PlaceHolder: "10"}
	p.people = &widget.Entry{PlaceHolder: "5"}
	p.save = &widget.Button{Text: lang.X("retention.save", "Lưu thời hạn"), Icon: theme.DocumentSaveIcon(), OnTapped: p.onSave}
	p.form = widget.NewForm(
		widget.NewFormItem(lang.X("retention.case_years", "Vụ việc (năm sau khi kết thúc)"), p.caseYears),
		widget.NewFormItem(lang.X("retention.participant_years", "Người tham dự (năm sau lần tham dự cuối)"), p.people))
	p.edit = container.NewVBox(p.form, container.NewHBox(p.save))
	p.edit.Hide()
	p.msg = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.msg.Hide()
	p.last = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	p.last.Hide()
	p.list = container.NewVBox()
	logTitle := &widget.Label{Text: lang.X("retention.log", "Những lần đã ẩn danh hóa"), TextStyle: fyne.TextStyle{Bold: true}}
	p.content = container.NewVBox(title, help, p.setting, p.edit, p.msg, p.last, logTitle, p.list)
	return p
}

// refresh reloads the setting and the list off the Fyne goroutine.
func (p *retentionPanel) refresh() {
	p.run(func() {
		r, err := p.svc.Retention(p.ctx)
		var log []app.AuditEntry
		var last app.RetentionRun
		if err == nil {
			log, err = p.svc.AnonymisationLog(p.ctx)
		}
		if err == nil {
			last, err = p.svc.LastRetentionRun(p.ctx)
		}
		fyne.Do(func() { p.apply(r, log, last, err) })
	})
}

func (p *retentionPanel) apply(r app.Retention, log []app.AuditEntry, last app.RetentionRun, err error) {
	if err != nil {
		p.say(widget.DangerImportance, lang.X("retention.load_failed", "Không đọc được thời hạn lưu trữ: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		logError("retention", err)
		return
	}
	p.setting.SetText(lang.X("retention.setting", "Thời hạn lưu trữ của máy này: vụ việc {{.Cases}} năm sau khi kết thúc; người tham dự {{.People}} năm sau lần tham dự cuối.",
		map[string]any{"Cases": r.CaseYears, "People": r.ParticipantYears}))
	if p.role() == "lanh_dao" {
		p.caseYears.SetText(strconv.Itoa(r.CaseYears))
		p.people.SetText(strconv.Itoa(r.ParticipantYears))
		p.edit.Show()
	} else {
		p.edit.Hide()
	}
	p.showLast(last)
	rows := make([]fyne.CanvasObject, 0, retentionLogShown+1)
	if len(log) == 0 {
		rows = append(rows, widget.NewLabel(lang.X("retention.none", "Chưa ẩn danh hóa bản ghi nào.")))
	}
	for i, e := range log {
		if i == retentionLogShown {
			rows = append(rows, widget.NewLabel(lang.X("retention.more", "… và {{.N}} lần trước đó.", map[string]any{"N": len(log) - i})))
			break
		}
		rows = append(rows, &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("retention.row",
			"{{.When}} – {{.Officer}} – dữ liệu của {{.People}} người: {{.What}}",
			map[string]any{"When": FormatDateTime(e.At), "Officer": e.Officer, "What": e.What, "People": e.People})})
	}
	p.list.Objects = rows
	p.list.Refresh()
}

// showLast shows what the last run left for an officer, if anything: the
// cases held back (to be given their closing step) and the records refused.
func (p *retentionPanel) showLast(run app.RetentionRun) {
	var lines []string
	if len(run.Held) > 0 {
		lines = append(lines, lang.X("retention.held",
			"Lần ẩn danh hóa {{.When}} giữ nguyên {{.N}} vụ việc đã hết thời hạn vì tiến trình không có bước kết thúc (ẩn danh hóa sẽ làm thay đổi số liệu các năm trước). Hãy ghi bước kết thúc cho các vụ việc: {{.Numbers}}",
			map[string]any{"When": FormatDateTime(run.At), "N": len(run.Held), "Numbers": strings.Join(run.Held, ", ")}))
	}
	if len(run.Failed) > 0 {
		lines = append(lines, lang.X("retention.failed", "Không ẩn danh hóa được {{.N}} bản ghi, cần sửa lại:",
			map[string]any{"N": len(run.Failed)}))
		lines = append(lines, run.Failed...)
	}
	if len(lines) == 0 {
		p.last.Hide()
		return
	}
	p.last.SetText(strings.Join(lines, "\n"))
	p.last.Show()
}

// showHints shows a message under each field in error (by its name:
// case_years, participant_years) and clears the others.
func (p *retentionPanel) showHints(fe map[string]string) {
	p.form.Items[0].HintText = fe["case_years"]
	p.form.Items[1].HintText = fe["participant_years"]
	p.form.Refresh()
}

func (p *retentionPanel) say(imp widget.Importance, text string) {
	p.msg.Importance, p.msg.Text = imp, text
	p.msg.Show()
	p.msg.Refresh()
}

// onSave saves the period the leader typed.
func (p *retentionPanel) onSave() {
	if p.role() != "lanh_dao" {
		return
	}
	cy, err1 := strconv.Atoi(strings.TrimSpace(p.caseYears.Text))
	py, err2 := strconv.Atoi(strings.TrimSpace(p.people.Text))
	hints := map[string]string{}
	notNumber := lang.X("retention.not_number", "Thời hạn phải là số năm (ví dụ: 10).")
	if err1 != nil {
		hints["case_years"] = notNumber
	}
	if err2 != nil {
		hints["participant_years"] = notNumber
	}
	p.showHints(hints)
	if len(hints) > 0 {
		p.say(widget.DangerImportance, lang.X("retention.invalid", "Thời hạn lưu trữ không hợp lệ."))
		return
	}
	r := app.Retention{CaseYears: cy, ParticipantYears: py}
	p.save.Disable()
	p.run(func() {
		err := p.svc.SetRetention(p.ctx, r)
		fyne.Do(func() {
			p.save.Enable()
			p.showHints(app.FieldErrors(err))
			if err != nil {
				p.say(widget.DangerImportance, userMessage(err))
				return
			}
			p.say(widget.SuccessImportance, lang.X("retention.saved", "Đã lưu thời hạn lưu trữ. Lần ẩn danh hóa hằng ngày tới sẽ theo thời hạn này."))
			p.refresh()
		})
	})
}
