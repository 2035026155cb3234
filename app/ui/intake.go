package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"bvntd/app"
)

// intakeFileName is the suggested name of a case's intake record.
func intakeFileName(c *app.Case) string {
	return "phieu-tiep-nhan-" + strings.ReplaceAll(c.Number, "/", "-") + ".xlsx"
}

// saveIntake asks where to save the printable intake record (phiếu tiếp
// nhận) of c, an A4 .xlsx with the signature block, and writes it there.
func (u *UI) saveIntake(c *app.Case) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(u.win, "choose intake file", err)
			return
		}
		if wc == nil { // cancelled
			return
		}
		officer := c.AssignedTo
		if officer == "" {
			officer = u.svc.Officer
		}
		u.run(func() {
			werr := u.svc.Reports.WriteIntake(u.ctx, c, officer, wc)
			if cerr := wc.Close(); werr == nil {
				werr = cerr
			}
			fyne.Do(func() {
				if werr != nil {
					logError("write intake record", werr)
					dialog.ShowError(errors.New(lang.X("intake.failed", "Chưa lưu được phiếu tiếp nhận: {{.Reason}}",
						map[string]any{"Reason": userMessage(werr)})), u.win)
					return
				}
				dialog.ShowInformation(lang.X("intake.saved.title", "Đã lưu phiếu tiếp nhận"),
					lang.X("intake.saved", "Đã lưu {{.File}}. Mở tệp bằng Excel hoặc LibreOffice để in (khổ A4) và cho người tiêu dùng ký.",
						map[string]any{"File": wc.URI().Name()}), u.win)
			})
		})
	}, u.win)
	d.SetFileName(intakeFileName(c))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}
