package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// BackupService keeps the local backups of the store (the "Sao lưu" part
// of the sync tab) and watches the free space of its disk.
type BackupService interface {
	// Folder is where backups go; SetFolder changes it ("" for the
	// default, inside the data folder).
	Folder() string
	SetFolder(ctx context.Context, dir string) error
	// Backups lists the backups, newest first, with what each holds.
	Backups(ctx context.Context) ([]app.BackupInfo, error)
	BackupNow(ctx context.Context) (app.BackupInfo, error)
	// PlanRestore tells what restoring the backup at path would do;
	// Restore does it, after a copy of the current store, and returns
	// that copy.
	PlanRestore(ctx context.Context, path string) (app.RestorePlan, error)
	Restore(ctx context.Context, path string) (app.BackupInfo, error)
	DiskSpace(ctx context.Context) app.DiskSpace
}

// backupPanel lists the backups, takes one on demand and restores one.
type backupPanel struct {
	ctx context.Context
	svc BackupService
	win fyne.Window
	run func(func())

	folder  *widget.Label
	disk    *widget.Label
	msg     *widget.Label
	list    *fyne.Container
	now     *widget.Button
	change  *widget.Button
	backups []app.BackupInfo

	// chooseFolder asks for a folder and passes it to done; tests
	// replace the file dialog.
	chooseFolder func(done func(dir string))
	// onRestored runs on the Fyne goroutine after a restore: the UI
	// reloads everything.
	onRestored func()
	// onDisk receives every free-space reading.
	onDisk func(app.DiskSpace)

	content fyne.CanvasObject
}

func newBackupPanel(ctx context.Context, svc BackupService, win fyne.Window, run func(func())) *backupPanel {
	p := &backupPanel{ctx: ctx, svc: svc, win: win, run: run}
	p.folder = &widget.Label{Wrapping: fyne.TextWrapBreak}
	p.disk = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.msg = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.msg.Hide()
	p.list = container.NewVBox()
	p.now = &widget.Button{Text: lang.X("backup.now", "Sao lưu ngay"), Icon: theme.DocumentSaveIcon(), OnTapped: p.onBackupNow}
	p.change = &widget.Button{Text: lang.X("backup.change_folder", "Đổi thư mục sao lưu…"), Icon: theme.FolderOpenIcon(), OnTapped: p.onChangeFolder}
	p.chooseFolder = func(done func(string)) {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				done(u.Path())
			}
		}, win)
		d.Show()
	}
	title := &widget.Label{Text: lang.X("backup.title", "Sao lưu và khôi phục dữ liệu trên máy"),
		TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	help := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("backup.help",
		"Ứng dụng tự sao lưu dữ liệu mỗi ngày và giữ các bản sao lưu trong 14 ngày. Nên chọn thư mục sao lưu trên USB hoặc ổ đĩa khác để phòng khi máy hỏng.")}
	p.content = container.NewVBox(title, help, p.folder, p.disk, container.NewHBox(p.now, p.change), p.msg, p.list)
	return p
}

// refresh reloads the folder, the free space and the list off the Fyne
// goroutine.
func (p *backupPanel) refresh() {
	p.run(func() {
		folder := p.svc.Folder()
		ds := p.svc.DiskSpace(p.ctx)
		list, err := p.svc.Backups(p.ctx)
		fyne.Do(func() { p.apply(folder, ds, list, err) })
	})
}

func (p *backupPanel) apply(folder string, ds app.DiskSpace, list []app.BackupInfo, err error) {
	p.folder.SetText(lang.X("backup.folder", "Thư mục sao lưu: {{.Dir}}", map[string]any{"Dir": folder}))
	p.showDisk(ds)
	if p.onDisk != nil {
		p.onDisk(ds)
	}
	if err != nil {
		p.say(widget.DangerImportance, lang.X("backup.list_failed", "Không đọc được danh sách bản sao lưu: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		logError("list backups", err)
		return
	}
	p.backups = list
	rows := make([]fyne.CanvasObject, 0, len(list)+1)
	if len(list) == 0 {
		rows = append(rows, widget.NewLabel(lang.X("backup.none", "Chưa có bản sao lưu nào.")))
	}
	for _, b := range list {
		rows = append(rows, p.row(b))
	}
	p.list.Objects = rows
	p.list.Refresh()
}

func (p *backupPanel) showDisk(ds app.DiskSpace) {
	switch {
	case !ds.Known:
		p.disk.Hide()
		return
	case ds.Low():
		p.disk.Importance = widget.DangerImportance
	default:
		p.disk.Importance = widget.MediumImportance
	}
	text := lang.X("backup.disk", "Còn trống trên ổ đĩa chứa dữ liệu: {{.Free}}", map[string]any{"Free": app.FormatBytes(int64(ds.Free))})
	if ds.Files > 0 {
		text += lang.X("backup.disk.files", " (tệp chứng cứ chiếm {{.Files}}, được chép vào mỗi bản sao lưu)", map[string]any{"Files": app.FormatBytes(ds.Files)})
	}
	p.disk.SetText(text)
	p.disk.Show()
}

// row shows one backup: when, why, what it holds, and its restore button.
func (p *backupPanel) row(b app.BackupInfo) fyne.CanvasObject {
	when := FormatDateTime(b.At)
	text := lang.X("backup.row", "{{.When}} – {{.Reason}}: {{.Cases}} vụ việc, {{.Records}} bản ghi tập huấn và truyền thông, {{.Pending}} thay đổi chờ gửi, {{.Conflicts}} cần xem xét",
		map[string]any{"When": when, "Reason": reasonLabel(b.Reason), "Cases": FormatInt(int64(b.Cases)),
			"Records": FormatInt(int64(b.Records)), "Pending": FormatInt(int64(b.Pending)), "Conflicts": FormatInt(int64(b.Conflicts))})
	label := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
	btn := &widget.Button{Text: lang.X("backup.restore", "Khôi phục…"), Icon: theme.HistoryIcon()}
	if b.Err != nil {
		label.Text = lang.X("backup.row_bad", "{{.When}} – {{.Reason}}: bản sao lưu bị hỏng hoặc không dùng được",
			map[string]any{"When": when, "Reason": reasonLabel(b.Reason)})
		label.Importance = widget.WarningImportance
		btn.Disable()
	}
	btn.OnTapped = func() { p.onRestore(b) }
	return container.NewBorder(nil, nil, nil, btn, label)
}

func reasonLabel(r string) string {
	switch r {
	case app.BackupDaily:
		return lang.X("backup.reason.daily", "tự động hằng ngày")
	case app.BackupBeforeRestore:
		return lang.X("backup.reason.before_restore", "trước khi khôi phục")
	case app.BackupBeforeUpgrade:
		return lang.X("backup.reason.before_upgrade", "trước khi nâng cấp ứng dụng")
	default:
		return lang.X("backup.reason.manual", "sao lưu thủ công")
	}
}

func (p *backupPanel) say(imp widget.Importance, text string) {
	p.msg.Importance = imp
	p.msg.SetText(text)
	p.msg.Show()
}

func (p *backupPanel) onBackupNow() {
	p.now.Disable()
	p.say(widget.MediumImportance, lang.X("backup.running", "Đang sao lưu…"))
	p.run(func() {
		b, err := p.svc.BackupNow(p.ctx)
		fyne.Do(func() {
			p.now.Enable()
			if err != nil {
				logError("backup now", err)
				p.say(widget.DangerImportance, lang.X("backup.failed", "Chưa sao lưu được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}))
				return
			}
			p.say(widget.SuccessImportance, lang.X("backup.done", "Đã sao lưu vào {{.Path}}", map[string]any{"Path": b.Path}))
			p.refresh()
		})
	})
}

func (p *backupPanel) onChangeFolder() {
	p.chooseFolder(func(dir string) {
		p.run(func() {
			err := p.svc.SetFolder(p.ctx, dir)
			fyne.Do(func() {
				if err != nil {
					logError("backup folder", err)
					p.say(widget.DangerImportance, userMessage(err))
					return
				}
				p.say(widget.SuccessImportance, lang.X("backup.folder_set", "Từ nay bản sao lưu được ghi vào {{.Dir}}", map[string]any{"Dir": dir}))
				p.refresh()
			})
		})
	})
}

// onRestore reads what the restore would do, then asks.
func (p *backupPanel) onRestore(b app.BackupInfo) {
	p.run(func() {
		plan, err := p.svc.PlanRestore(p.ctx, b.Path)
		fyne.Do(func() {
			if err != nil {
				showError(p.win, "plan restore", err)
				return
			}
			p.confirmRestore(plan)
		})
	})
}

// confirmRestore shows the warning and restores on "Khôi phục".
func (p *backupPanel) confirmRestore(plan app.RestorePlan) {
	b, cur := plan.Backup, plan.Current
	lines := []string{
		lang.X("backup.confirm.warning", "Dữ liệu trên máy sẽ được thay bằng đúng dữ liệu của bản sao lưu lúc {{.When}}. Mọi thay đổi sau thời điểm đó sẽ không còn trên máy; những gì đã đồng bộ lên máy chủ sẽ được tải lại ở lần đồng bộ tới.",
			map[string]any{"When": FormatDateTime(b.At)}),
		lang.X("backup.confirm.counts", "Bản sao lưu: {{.BC}} vụ việc, {{.BR}} bản ghi, {{.BP}} thay đổi chờ gửi. Hiện tại: {{.CC}} vụ việc, {{.CR}} bản ghi, {{.CP}} thay đổi chờ gửi.",
			map[string]any{"BC": FormatInt(int64(b.Cases)), "BR": FormatInt(int64(b.Records)), "BP": FormatInt(int64(b.Pending)),
				"CC": FormatInt(int64(cur.Cases)), "CR": FormatInt(int64(cur.Records)), "CP": FormatInt(int64(cur.Pending))}),
		lang.X("backup.confirm.copy", "Trước khi khôi phục, ứng dụng tự sao lưu dữ liệu hiện tại để có thể quay lại."),
	}
	body := container.NewVBox(&widget.Label{Text: strings.Join(lines, "\n\n"), Wrapping: fyne.TextWrapWord})
	if plan.Unsent > 0 {
		body.Add(&widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance, TextStyle: fyne.TextStyle{Bold: true},
			Text: lang.X("backup.confirm.unsent", "Chú ý: máy này còn {{.N}} thay đổi CHƯA GỬI lên máy chủ mà bản sao lưu không có. Khôi phục sẽ bỏ chúng khỏi dữ liệu đang dùng (chúng chỉ còn trong bản sao lưu tự động tạo trước khi khôi phục). Nên đồng bộ trước rồi mới khôi phục.",
				map[string]any{"N": FormatInt(int64(plan.Unsent))})})
	}
	d := dialog.NewCustomConfirm(lang.X("backup.confirm.title", "Khôi phục dữ liệu từ bản sao lưu?"),
		lang.X("backup.confirm.ok", "Khôi phục"), lang.X("backup.confirm.cancel", "Hủy"), body, func(ok bool) {
			if ok {
				p.restore(b)
			}
		}, p.win)
	d.Resize(fyne.NewSize(560, 360))
	d.Show()
}

func (p *backupPanel) restore(b app.BackupInfo) {
	p.say(widget.MediumImportance, lang.X("backup.restoring", "Đang khôi phục…"))
	p.run(func() {
		pre, err := p.svc.Restore(p.ctx, b.Path)
		fyne.Do(func() {
			if err != nil {
				logError("restore", err)
				p.say(widget.DangerImportance, lang.X("backup.restore_failed", "Chưa khôi phục được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}))
				return
			}
			p.say(widget.SuccessImportance, lang.X("backup.restored", "Đã khôi phục dữ liệu của bản sao lưu lúc {{.When}}. Dữ liệu trước khi khôi phục được giữ tại {{.Path}}",
				map[string]any{"When": FormatDateTime(b.At), "Path": pre.Path}))
			if p.onRestored != nil {
				p.onRestored()
			}
			p.refresh()
		})
	})
}

// RecoveryNotice is shown in place of the main screen when the store was
// found damaged at start and recovered (app.Recovery); "Tiếp tục" calls
// onContinue, which shows the main screen.
func RecoveryNotice(r app.Recovery, onContinue func()) fyne.CanvasObject {
	var text string
	if r.From.Path == "" {
		text = lang.X("recovery.empty", "Tệp dữ liệu trên máy bị hỏng (có thể do máy tắt đột ngột khi đang ghi, hoặc ổ đĩa lỗi) và không có bản sao lưu nào dùng được. Tệp hỏng được giữ nguyên tại:\n{{.Damaged}}\nỨng dụng bắt đầu với dữ liệu trống. Hãy báo quản trị viên để thử cứu tệp hỏng, và đăng ký lại máy với Sở Công Thương để tải lại dữ liệu đã đồng bộ.",
			map[string]any{"Damaged": r.DamagedPath})
	} else {
		text = lang.X("recovery.restored", "Tệp dữ liệu trên máy bị hỏng (có thể do máy tắt đột ngột khi đang ghi, hoặc ổ đĩa lỗi), nên ứng dụng đã khôi phục bản sao lưu lúc {{.When}}: {{.Cases}} vụ việc, {{.Pending}} thay đổi chờ gửi.\n\nTệp hỏng không bị xóa mà được giữ tại:\n{{.Damaged}}\n\nNhững gì đã đồng bộ lên máy chủ sau thời điểm sao lưu sẽ được tải lại ở lần đồng bộ tới. Những thay đổi chưa kịp gửi sau thời điểm đó có thể phải nhập lại; hãy kiểm tra các vụ việc gần đây.",
			map[string]any{"When": FormatDateTime(r.From.At), "Cases": FormatInt(int64(r.From.Cases)),
				"Pending": FormatInt(int64(r.From.Pending)), "Damaged": r.DamagedPath})
	}
	title := &widget.Label{Text: lang.X("recovery.title", "Tệp dữ liệu bị hỏng"), TextStyle: fyne.TextStyle{Bold: true},
		SizeName: theme.SizeNameSubHeadingText, Importance: widget.WarningImportance}
	body := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
	btn := &widget.Button{Text: lang.X("recovery.continue", "Tiếp tục"), Importance: widget.HighImportance, OnTapped: onContinue}
	return container.NewPadded(container.NewVBox(title, body, container.NewHBox(btn)))
}
