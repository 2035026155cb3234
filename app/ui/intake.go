package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// intakeFileName is the suggested name of a case's intake record.
func intakeFileName(c *app.Case) string {
	return "phieu-tiep-nhan-" + strings.ReplaceAll(c.Number, "/", "-") + ".xlsx"
}

// intakeOfficer is the officer who signs c's intake record: the one in
// charge, else the one signed in.
func (u *UI) intakeOfficer(c *app.Case) string {
	if c.AssignedTo != "" {
		return c.AssignedTo
	}
	return u.svc.Officer
}

// printable is c as the signed-in officer may print it: what the case
// screen shows them. An officer whose role does not see sensitive details
// (app.SeesSensitive) prints, in place of the evidence note of a
// vulnerable group, who may see it.
func (u *UI) printable(c *app.Case) *app.Case {
	if app.SeesSensitive(u.svc.Role) || c.VulnerableEvidence == "" {
		return c
	}
	cp := *c
	cp.VulnerableEvidence = sensitiveHiddenText()
	return &cp
}

// saveIntake is the "In phiếu tiếp nhận" button. With an Opener, the
// printable intake record (an A4 .xlsx with the signature block) is written
// to the print folder and opened in the system's spreadsheet program
// (Excel or LibreOffice) to print, no question asked; the dialog that
// follows offers "Lưu bản sao…" and the file's folder. Without an Opener,
// it asks where to save the record.
func (u *UI) saveIntake(c *app.Case) {
	if u.svc.Opener == nil {
		u.saveIntakeAs(c)
		return
	}
	o, officer := u.svc.Opener, u.intakeOfficer(c)
	u.run(func() {
		path, err := writePrintFile(o, intakeFileName(c), func(f *os.File) error {
			return u.svc.Reports.WriteIntake(u.ctx, c, officer, f)
		})
		var openErr error
		if err == nil {
			openErr = openPath(o, path)
		}
		fyne.Do(func() {
			if err != nil {
				logError("write intake record", err)
				dialog.ShowError(errors.New(lang.X("intake.failed", "Chưa lưu được phiếu tiếp nhận: {{.Reason}}",
					map[string]any{"Reason": userMessage(err)})), u.win)
				return
			}
			text := lang.X("intake.printed", "Phiếu tiếp nhận đã mở bằng chương trình bảng tính của máy (Excel hoặc LibreOffice). Chọn In (Ctrl+P), khổ A4, rồi cho người tiêu dùng ký.\nTệp: {{.File}}",
				map[string]any{"File": path})
			if openErr != nil {
				text = lang.X("intake.print_not_opened", "Đã ghi phiếu tiếp nhận vào {{.File}} nhưng chưa mở được để in. {{.Reason}}",
					map[string]any{"File": path, "Reason": openErr.Error()})
			}
			u.intakeDone(lang.X("intake.printed.title", "In phiếu tiếp nhận"), text, path, c)
		})
	})
}

// saveIntakeAs asks where to save the intake record of c (the Báo cáo
// screen's file dialog) and writes it there; the confirmation offers
// "Mở tệp" and "Mở thư mục".
func (u *UI) saveIntakeAs(c *app.Case) {
	officer := u.intakeOfficer(c)
	saveTo := (&reportsScreen{formDeps: u.deps()}).fileDialog
	if u.reports != nil {
		saveTo = u.reports.saveTo
	}
	saveTo(intakeFileName(c), func(w io.Writer) error {
		return u.svc.Reports.WriteIntake(u.ctx, c, officer, w)
	}, func(path string, err error) {
		switch {
		case errors.Is(err, context.Canceled):
		case err != nil:
			logError("write intake record", err)
			dialog.ShowError(errors.New(lang.X("intake.failed", "Chưa lưu được phiếu tiếp nhận: {{.Reason}}",
				map[string]any{"Reason": userMessage(err)})), u.win)
		case path != "":
			u.intakeDone(lang.X("intake.saved.title", "Đã lưu phiếu tiếp nhận"),
				lang.X("intake.saved", "Đã lưu {{.File}}. Mở tệp bằng Excel hoặc LibreOffice để in (khổ A4) và cho người tiêu dùng ký.",
					map[string]any{"File": path}), path, nil)
		}
	})
}

// intakeDone tells that the intake record is at path, with "Mở tệp" and
// "Mở thư mục" and, after a print (c set), "Lưu bản sao…".
func (u *UI) intakeDone(title, text, path string, c *app.Case) {
	msg := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
	files := newFileActions(u.svc.Opener, func(t string, bad bool) {
		msg.Importance = widget.MediumImportance
		if bad {
			msg.Importance = widget.DangerImportance
		}
		msg.SetText(t)
	})
	files.set(path)
	var d dialog.Dialog
	box := container.NewHBox(files.box)
	if c != nil {
		saveCopy := *c
		box.Add(&widget.Button{Text: lang.X("intake.save_copy", "Lưu bản sao…"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
			d.Hide()
			u.saveIntakeAs(&saveCopy)
		}})
	}
	d = dialog.NewCustom(title, lang.X("intake.close", "Đóng"), container.NewVBox(msg, box), u.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}
