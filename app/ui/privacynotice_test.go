package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// A new case is saved only once the officer records how the consumer was
// given the notice of the processing of their data; the notice itself is
// in the form, folded, and the way given is stored with the case and shown
// on it (issue 19, item 1).
func TestCaseForm_NewCaseNeedsThePrivacyNotice(t *testing.T) {
	fx := newFixture(t)
	f := openNewForm(t, fx)
	must(t, f.privacyText != nil && len(f.privacyText.Items) == 1, "the form has no notice")
	item := f.privacyText.Items[0]
	must(t, !item.Open, "the notice is open: it folds until the officer opens it")
	if l, ok := item.Detail.(*widget.Label); !ok || l.Text != app.PrivacyNotice("Phường Mỹ Tho") {
		t.Errorf("the form's notice is %#v, want the commune's notice", item.Detail)
	}
	must(t, f.choice("privacy_notice").Code() == "", "the notice is ticked before the officer did")

	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	fillRequired(f)
	f.choice("privacy_notice").sel.ClearSelected()
	test.Tap(f.save)

	must(t, fx.cases.count() == 0, "a case was saved without the notice")
	must(t, fx.ui.form == f, "the form closed")
	msg := f.errs["privacy_notice"]
	if !msg.Visible() || msg.Text != "Cần ghi đã thông báo cho người tiêu dùng về việc xử lý dữ liệu cá nhân." {
		t.Errorf("privacy_notice message = %q (shown %v)", msg.Text, msg.Visible())
	}
	if fx.win.Canvas().Focused() != f.choice("privacy_notice").sel {
		t.Error("the cursor was not put on the notice")
	}

	f.choice("privacy_notice").sel.SetSelected(app.PrivacyNoticeWays.Label("da_ky"))
	must(t, !msg.Visible(), "the message stays after the choice")
	test.Tap(f.save)
	must(t, fx.ui.form == nil, "the form is still open: %q", f.formErr.Text)
	must(t, fx.cases.count() == 1, "store holds %d cases, want 1", fx.cases.count())
	if got := fx.cases.get(0); got.PrivacyNotice != "da_ky" {
		t.Errorf("stored privacy_notice %q, want da_ky", got.PrivacyNotice)
	}
	must(t, fx.ui.detail != nil, "the new case did not open")
	if all := strings.Join(texts(fx.ui.detail.info), "\n"); !strings.Contains(all, app.PrivacyNoticeWays.Label("da_ky")) {
		t.Errorf("the case does not say how the notice was given:\n%s", all)
	}
}

// A case recorded before the notice (or imported) shows "Chưa ghi nhận",
// is edited without it, and the edit may record it.
func TestCaseForm_OldCaseWithoutNoticeIsEditable(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Võ Minh Khoa", ReceivedAt: time.Date(2026, 3, 5, 8, 0, 0, 0, ICT)})
	fx.ui.Refresh()
	f := openEdit(t, fx, 0)
	must(t, slices.Contains(texts(fx.ui.detail.info), "Chưa ghi nhận"), "the case does not say the notice is not recorded")

	test.Type(f.entry("consumer_phone"), "0901111222")
	test.Tap(f.save)
	must(t, fx.ui.form == nil, "an old case without the notice was refused: %q, %q", f.formErr.Text, f.errs["privacy_notice"].Text)
	must(t, fx.cases.get(0).ConsumerPhone == "0901111222", "the edit was not saved")

	f = openEdit(t, fx, 0)
	f.choice("privacy_notice").sel.SetSelected(app.PrivacyNoticeWays.Label("da_thong_bao"))
	test.Tap(f.save)
	must(t, fx.ui.form == nil, "the form is still open: %q", f.formErr.Text)
	if got := fx.cases.get(0).PrivacyNotice; got != "da_thong_bao" {
		t.Errorf("privacy_notice after the edit %q, want da_thong_bao", got)
	}
}

// The evidence note of a vulnerable group is a sensitive detail: the
// device's administrator (quan_tri) sees neither it on the case nor in
// the form, and an edit by them keeps it as stored; the receiving officer
// sees it (issue 19, item 4).
func TestCaseForm_AdministratorDoesNotSeeTheEvidenceNote(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixture(t)
	const note = "Giấy xác nhận khuyết tật số 123/GXN do UBND phường cấp"
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Thị Lan", ConsumerPhone: "0901234567", Sector: "thuc_pham_do_uong",
		Summary: "Mua sữa hết hạn sử dụng.", VulnerableGroups: []string{"nguoi_khuyet_tat"}, VulnerableEvidence: note}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	syncedAll(t, fx.db)

	fx.ui.svc.Role = "tiep_nhan"
	fx.ui.openCase(c.ID)
	must(t, slices.Contains(texts(fx.ui.detail.info), note), "the receiving officer does not see the note")

	fx.ui.svc.Role = "quan_tri"
	fx.ui.openCase(c.ID)
	shown := texts(fx.ui.detail.info)
	must(t, !slices.Contains(shown, note), "the administrator sees the note")
	must(t, slices.Contains(shown, "Chỉ cán bộ tiếp nhận, xử lý và lãnh đạo được xem"), "the case does not say who may see the note:\n%s",
		strings.Join(shown, "\n"))

	test.Tap(mustButton(t, fx.win.Content(), "Sửa thông tin"))
	f := fx.ui.form
	must(t, f != nil, "the form did not open")
	e := f.entry("vulnerable_evidence")
	must(t, e.Disabled() && e.Text == "Chỉ cán bộ tiếp nhận, xử lý và lãnh đạo được xem", "the note's field: %q (disabled %v)", e.Text, e.Disabled())
	f.entry("consumer_phone").SetText("0912 345 678")
	test.Tap(f.save)
	must(t, fx.ui.form == nil, "the form is still open: %q", f.formErr.Text)

	got, err := fx.db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	must(t, got.ConsumerPhone == "0912345678", "the administrator's edit was not saved: %q", got.ConsumerPhone)
	must(t, got.VulnerableEvidence == note, "the edit changed the note to %q", got.VulnerableEvidence)
	for _, k := range pendingChanges(t, fx.db, c.ID) {
		must(t, k != "vulnerable_evidence", "the edit sends the note")
	}
}

// The administrator prints what they see: the intake record they print
// says who may see the evidence note instead of the note, which stays as
// stored; the receiving officer prints it.
func TestCaseScreen_AdministratorPrintsWithoutTheEvidenceNote(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixture(t)
	const note = "Sổ khám thai tại Trạm y tế phường"
	c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Phan Thị Ký", Sector: "thuc_pham_do_uong", Summary: "Mua dầu ăn giả.",
		VulnerableGroups: []string{"phu_nu_mang_thai_nuoi_con_nho"}, VulnerableEvidence: note}
	must(t, fx.db.CreateCase(ctx, c) == nil, "create")
	var printed *app.Case
	fx.ui.PrintIntake = func(p *app.Case) { printed = p }

	fx.ui.svc.Role = "quan_tri"
	fx.ui.openCase(c.ID)
	test.Tap(mustButton(t, fx.win.Content(), "In phiếu tiếp nhận"))
	must(t, printed != nil && printed.VulnerableEvidence == "Chỉ cán bộ tiếp nhận, xử lý và lãnh đạo được xem",
		"the administrator prints the note: %+v", printed)
	got, err := fx.db.GetCase(ctx, c.ID)
	must(t, err == nil && got.VulnerableEvidence == note, "printing changed the stored note: %q (%v)", got.VulnerableEvidence, err)

	fx.ui.svc.Role = "tiep_nhan"
	fx.ui.openCase(c.ID)
	test.Tap(mustButton(t, fx.win.Content(), "In phiếu tiếp nhận"))
	must(t, printed.VulnerableEvidence == note, "the receiving officer prints %q", printed.VulnerableEvidence)
}

// Two devices wrote the evidence note at once: the administrator sees the
// conflict on "Cần xem xét" but neither value; the receiving officer sees
// both.
func TestReview_AdministratorDoesNotSeeTheEvidenceNotes(t *testing.T) {
	fx := newFixture(t)
	cs := fx.cases.add(t, app.Case{ConsumerName: "Nguyễn Thị Hồng Đào", VulnerableGroups: []string{"benh_hiem_ngheo"},
		VulnerableEvidence: "Giấy ra viện, bệnh viện tỉnh"})
	fx.review.add(app.Conflict{ID: "c1", UnitCode: "28261", RecordID: cs.ID, Field: "vulnerable_evidence",
		KeptValue: raw("Giấy ra viện, bệnh viện tỉnh"), OtherValue: raw("Hồ sơ bệnh án chạy thận"),
		KeptAt: time.Date(2026, 3, 5, 2, 30, 0, 0, time.UTC), OtherAt: time.Date(2026, 3, 5, 2, 32, 0, 0, time.UTC)})
	for _, role := range []string{"quan_tri", "tiep_nhan"} {
		fx.ui.svc.Role = role
		fx.ui.Refresh()
		fx.ui.tabs.Select(fx.ui.reviewTab)
		shown := strings.Join(texts(fx.ui.review.content), "\n")
		must(t, strings.Contains(shown, "Chứng cứ thuộc nhóm dễ bị tổn thương"), "%s: the conflict is not shown:\n%s", role, shown)
		hidden := strings.Count(shown, "Chỉ cán bộ tiếp nhận, xử lý và lãnh đạo được xem")
		notes := strings.Contains(shown, "Giấy ra viện") || strings.Contains(shown, "chạy thận")
		if role == "quan_tri" && (notes || hidden == 0) {
			t.Errorf("the administrator sees the notes (%v) or not who may (%d):\n%s", notes, hidden, shown)
		}
		if role == "tiep_nhan" && (!strings.Contains(shown, "Giấy ra viện") || !strings.Contains(shown, "chạy thận") || hidden != 0) {
			t.Errorf("the receiving officer does not see both notes:\n%s", shown)
		}
	}
}
