package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// The sync tab lists what was anonymised (date, officer, counts, case
// numbers) and the retention period; only the leader may change it.
func TestRetentionPanel_ListAndLeaderSetting(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2014, 3, 5, 9, 0, 0, 0, app.ICT))
	fx := newStoreFixtureAt(t, clock, seededTag(t))
	c := &app.Case{ReceivedAt: clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{app.EventAccepted, app.EventResolved} {
		if err := fx.db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	// A case closed without a closing step in its timeline (an old
	// import): held back, and the panel asks for the step.
	held := &app.Case{ReceivedAt: clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai", Status: app.StatusClosed,
		ConsumerName: "Lê Thị Cũ", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
	if err := fx.db.CreateCase(ctx, held); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2025, 6, 1, 9, 0, 0, 0, app.ICT))
	if _, err := fx.db.Anonymise(ctx, app.DefaultRetention); err != nil {
		t.Fatal(err)
	}

	open := func(role string) *retentionPanel {
		t.Helper()
		svc := fx.ui.svc
		svc.Retention, svc.Role = fx.db, role
		fx.ui = newUI(fx.win, svc, inline, 0)
		fx.win.SetContent(fx.ui.Content())
		fx.win.Resize(fyne.NewSize(1280, 900))
		fx.ui.Refresh()
		t.Cleanup(fx.ui.Close)
		fx.ui.tabs.Select(fx.ui.syncTab)
		return fx.ui.retention
	}

	p := open("can_bo")
	all := strings.Join(texts(p.content), "\n")
	must(t, strings.Contains(all, "vụ việc 10 năm sau khi kết thúc; người tham dự 5 năm"), "setting not shown:\n%s", all)
	must(t, strings.Contains(all, "01/06/2025") && strings.Contains(all, "Lê Văn Tâm") && strings.Contains(all, c.Number) &&
		strings.Contains(all, "1 vụ việc, 0 người tham dự") && strings.Contains(all, "dữ liệu của 1 người"), "run not listed:\n%s", all)
	must(t, !strings.Contains(all, "Nguyễn") && !strings.Contains(all, "0912"), "the list names the person:\n%s", all)
	must(t, !p.edit.Visible(), "an officer who is not the leader may change the period")
	must(t, p.last.Visible() && strings.Contains(p.last.Text, "giữ nguyên 1 vụ việc") && strings.Contains(p.last.Text, held.Number),
		"held case not shown: %q", p.last.Text)

	p = open("lanh_dao")
	fx.win.Resize(fyne.NewSize(1280, 1100)) // the whole sync tab, the panel at its foot
	screenshot(t, fx, "retention-panel")
	must(t, p.edit.Visible() && p.caseYears.Text == "10" && p.people.Text == "5", "leader's fields %v %q %q", p.edit.Visible(), p.caseYears.Text, p.people.Text)
	test.Type(p.caseYears, "x")
	tapButton(p.save)
	must(t, p.form.Items[0].HintText == "Thời hạn phải là số năm (ví dụ: 10).", "hint %q", p.form.Items[0].HintText)
	p.caseYears.SetText("0")
	tapButton(p.save)
	must(t, strings.Contains(p.form.Items[0].HintText, "từ 1 đến 100 năm") && p.form.Items[1].HintText == "", "hints %q %q",
		p.form.Items[0].HintText, p.form.Items[1].HintText)
	p.caseYears.SetText("12")
	p.people.SetText("6")
	tapButton(p.save)
	r, err := fx.db.Retention(ctx)
	must(t, err == nil && r == app.Retention{CaseYears: 12, ParticipantYears: 6}, "saved %+v, %v", r, err)
	must(t, strings.HasPrefix(p.msg.Text, "Đã lưu thời hạn") && strings.Contains(p.setting.Text, "vụ việc 12 năm"),
		"after saving: %q %q", p.msg.Text, p.setting.Text)
}
