package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

func TestCaseForm_VoidNeedsReason(t *testing.T) {
	fx := newFixture(t)
	orig := fx.cases.add(t, app.Case{ConsumerName: "Võ Minh Khoa"})
	fx.cases.add(t, app.Case{ConsumerName: "Lý Thị Mai"})
	fx.ui.Refresh()
	saved := 0
	fx.ui.OnSaved = func() { saved++ }
	s := fx.ui.cases
	row := 0
	if s.rows[1].ID == orig.ID {
		row = 1
	}
	f := openEdit(t, fx, row)
	must(t, f != nil && f.orig != nil && f.orig.ID == orig.ID, "the case did not open")

	btn := mustButton(t, fx.win.Content(), "Hủy vụ việc ghi nhầm")
	must(t, btn.Importance == widget.DangerImportance, "the void button is not marked as dangerous")
	test.Tap(btn)
	d := topOverlay(t, fx.win)
	shown := strings.Join(texts(d), "\n")
	must(t, strings.Contains(shown, "Hủy vụ việc này?") && strings.Contains(shown, orig.Number), "dialog: %s", shown)
	must(t, findButton(d, "Quay lại") != nil, "no Vietnamese way back")

	must(t, f.voiding.msg.Text == "", "a message before any attempt: %q", f.voiding.msg.Text)

	// No reason: a message, nothing voided, the dialog stays.
	test.Type(f.voiding.reason, "   ")
	test.Tap(mustButton(t, d, "Hủy vụ việc"))
	must(t, f.voiding != nil && f.voiding.msg.Text == "Cần ghi lý do hủy vụ việc.",
		"reason message %q", f.voiding.msg.Text)
	must(t, len(fx.cases.voids) == 0, "voided without a reason")
	must(t, fx.win.Canvas().Overlays().Top() == d, "the dialog closed")

	// Back: nothing happens.
	test.Tap(mustButton(t, d, "Quay lại"))
	must(t, fx.win.Canvas().Overlays().Top() == nil && fx.ui.form == f, "going back left the form")
	must(t, len(fx.cases.voids) == 0, "voided after going back")

	// With a reason: voided, back to the list, which no longer shows it.
	test.Tap(mustButton(t, fx.win.Content(), "Hủy vụ việc ghi nhầm"))
	d = topOverlay(t, fx.win)
	f.voiding.reason.SetText("Ghi trùng với vụ việc của bà Mai")
	test.Tap(mustButton(t, d, "Hủy vụ việc"))
	if len(fx.cases.voids) != 1 || fx.cases.voids[0] != orig.ID+": Ghi trùng với vụ việc của bà Mai" {
		t.Fatalf("VoidCase calls %v", fx.cases.voids)
	}
	must(t, fx.ui.form == nil, "the form is still open: %q", f.formErr.Text)
	must(t, len(s.rows) == 1 && s.rows[0].ConsumerName == "Lý Thị Mai", "list after voiding: %v", consumers(s))
	must(t, saved == 1, "voiding is a local change: OnSaved called %d times", saved)
}

func TestCaseForm_VoidFailureShown(t *testing.T) {
	fx := newFixture(t)
	captureLogs(t)
	fx.cases.add(t, app.Case{ConsumerName: "Võ Minh Khoa"})
	fx.ui.Refresh()
	f := openEdit(t, fx, 0)
	test.Tap(mustButton(t, fx.win.Content(), "Hủy vụ việc ghi nhầm"))
	f.voiding.reason.SetText("Ghi thử")
	fx.cases.failNext = app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Hủy vụ việc"))
	must(t, fx.ui.form == f, "the form closed after a failure")
	must(t, f.formErr.Visible() && f.formErr.Text == "Chưa hủy được vụ việc: Không tìm thấy vụ việc.", "form error %q", f.formErr.Text)
	must(t, !f.save.Disabled() && !f.void.Disabled(), "buttons stay disabled")
}

func TestCaseForm_NewCaseCannotBeVoided(t *testing.T) {
	fx := newFixture(t)
	openNewForm(t, fx)
	must(t, findButton(fx.win.Content(), "Hủy vụ việc ghi nhầm") == nil, "a new case offers voiding")
}
