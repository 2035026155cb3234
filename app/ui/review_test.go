package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
)

func raw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// phoneConflict adds a case and a conflict over its phone number.
func phoneConflict(t *testing.T, fx *fixture) (app.Case, app.Conflict) {
	t.Helper()
	cs := fx.cases.add(t, app.Case{ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678"})
	c := app.Conflict{ID: "c1", UnitCode: "28261", RecordID: cs.ID, Field: "consumer_phone",
		KeptValue: raw("0912345678"), OtherValue: raw("0987654321"),
		KeptOfficer: "Lê Văn Tâm", OtherOfficer: "",
		KeptAt:  time.Date(2026, 3, 5, 2, 30, 0, 0, time.UTC), // 09:30 ICT
		OtherAt: time.Date(2026, 3, 5, 2, 32, 0, 0, time.UTC)}
	fx.review.add(c)
	return cs, c
}

func TestReview_ShowsConflict(t *testing.T) {
	fx := newFixture(t)
	cs, _ := phoneConflict(t, fx)
	fx.ui.Refresh()
	fx.ui.tabs.Select(fx.ui.reviewTab)

	must(t, fx.ui.reviewTab.Text == "Cần xem xét (1)", "tab %q", fx.ui.reviewTab.Text)
	shown := strings.Join(texts(fx.ui.review.content), "\n")
	for _, want := range []string{
		"Vụ việc " + cs.Number + " – Nguyễn Thị Hồng Đào",
		"Mục bị sửa đồng thời: Số điện thoại",
		"Giá trị hiện tại", "0912345678", "Ghi bởi Lê Văn Tâm lúc 05/03/2026 09:30",
		"Giá trị kia", "0987654321", "Ghi bởi máy khác lúc 05/03/2026 09:32",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("review screen lacks %q:\n%s", want, shown)
		}
	}
	must(t, !fx.ui.review.empty.Visible(), "empty text shown over a conflict")
	mustButton(t, fx.ui.review.content, "Giữ giá trị hiện tại")
	mustButton(t, fx.ui.review.content, "Dùng giá trị kia")

	// The case is marked in the list.
	if got := fx.ui.cases.cellText(0, colNumber); got != "⚠ "+cs.Number {
		t.Errorf("number cell %q, want the mark", got)
	}
}

func TestReview_KeepResolves(t *testing.T) {
	fx := newFixture(t)
	cs, _ := phoneConflict(t, fx)
	fx.ui.Refresh()
	saved := 0
	fx.ui.OnSaved = func() { saved++ }

	test.Tap(mustButton(t, fx.ui.review.content, "Giữ giá trị hiện tại"))
	if got := fx.review.calls(); len(got) != 1 || got[0] != "c1=keep" {
		t.Fatalf("ResolveConflict calls %v, want [c1=keep]", got)
	}
	must(t, fx.ui.reviewTab.Text == "Cần xem xét", "tab %q after resolving", fx.ui.reviewTab.Text)
	must(t, fx.ui.review.empty.Visible() && fx.ui.review.empty.Text == "Không có mục nào cần xem xét.",
		"empty state %q (shown %v)", fx.ui.review.empty.Text, fx.ui.review.empty.Visible())
	must(t, fx.ui.cases.cellText(0, colNumber) == cs.Number, "mark left on %q", fx.ui.cases.cellText(0, colNumber))
	must(t, saved == 1, "a decision is a local change: OnSaved called %d times", saved)
}

func TestReview_UseOtherAsksFirst(t *testing.T) {
	fx := newFixture(t)
	phoneConflict(t, fx)
	fx.ui.Refresh()

	test.Tap(mustButton(t, fx.ui.review.content, "Dùng giá trị kia"))
	d := topOverlay(t, fx.win)
	shown := strings.Join(texts(d), "\n")
	must(t, strings.Contains(shown, "Số điện thoại người tiêu dùng của vụ việc") && strings.Contains(shown, "“0987654321”"), "dialog: %s", shown)
	must(t, len(fx.review.calls()) == 0, "resolved before the confirmation")

	test.Tap(mustButton(t, d, "Quay lại"))
	must(t, len(fx.review.calls()) == 0, "resolved although the officer went back")

	test.Tap(mustButton(t, fx.ui.review.content, "Dùng giá trị kia"))
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Dùng giá trị kia"))
	if got := fx.review.calls(); len(got) != 1 || got[0] != "c1=other" {
		t.Fatalf("ResolveConflict calls %v, want [c1=other]", got)
	}
	must(t, fx.ui.reviewTab.Text == "Cần xem xét", "tab %q after resolving", fx.ui.reviewTab.Text)
}

func TestReview_ResolveErrorShownInVietnamese(t *testing.T) {
	fx := newFixture(t)
	captureLogs(t)
	phoneConflict(t, fx)
	fx.ui.Refresh()
	fx.review.failNext = app.Errorf(app.ECONFLICT, "Mục này đã được xem xét.")
	test.Tap(mustButton(t, fx.ui.review.content, "Giữ giá trị hiện tại"))
	shown := strings.Join(texts(topOverlay(t, fx.win)), "\n")
	must(t, strings.Contains(shown, "Mục này đã được xem xét."), "dialog: %s", shown)
	must(t, findButton(fx.ui.review.content, "Giữ giá trị hiện tại") != nil, "the item's buttons are gone")
	must(t, !findButton(fx.ui.review.content, "Giữ giá trị hiện tại").Disabled(), "the item's buttons stay disabled")
}

func TestReview_VoidEditAndValues(t *testing.T) {
	fx := newFixture(t)
	cs := fx.cases.add(t, app.Case{ConsumerName: "Trần Văn Dũng"})
	fx.cases.set(0, func(c *app.Case) { c.Voided, c.VoidReason = true, "Ghi trùng" })
	fx.review.add(app.Conflict{ID: "v1", Kind: app.ConflictVoidEdit, RecordID: cs.ID, Field: "voided",
		KeptValue: raw(true), OtherValue: raw(map[string]any{
			"status": "dang_xu_ly", "channel": "dien_thoai", "updated_by": "Lê Văn Tâm",
			"received_at": time.Date(2026, 3, 4, 18, 0, 0, 0, time.UTC)}),
		KeptOfficer: "Phạm Thị Lan", OtherOfficer: "Lê Văn Tâm",
		KeptAt: time.Date(2026, 3, 6, 1, 0, 0, 0, time.UTC), OtherAt: time.Date(2026, 3, 6, 1, 5, 0, 0, time.UTC)})
	fx.review.add(app.Conflict{ID: "m1", RecordID: "not-here", Field: "sector",
		KeptValue: raw("thuc_pham_do_uong"), OtherValue: raw("")})
	fx.ui.Refresh()

	shown := strings.Join(texts(fx.ui.review.content), "\n")
	for _, want := range []string{
		"Vụ việc " + cs.Number + " – Trần Văn Dũng",
		"Vụ việc đã bị hủy trên máy khác trong khi máy này sửa; vụ việc vẫn ở trạng thái đã hủy",
		"Đã hủy (lý do: Ghi trùng)",
		"Ngày tiếp nhận: 05/03/2026; Kênh tiếp nhận: Điện thoại; Trạng thái: Đang xử lý",
		"Vụ việc chưa có trên máy này",
		"Mục bị sửa đồng thời: Lĩnh vực", "Thực phẩm, đồ uống, an toàn thực phẩm", "(để trống)",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("review screen lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "Người sửa") {
		t.Errorf("bookkeeping field shown:\n%s", shown)
	}
	must(t, fx.ui.reviewTab.Text == "Cần xem xét (2)", "tab %q", fx.ui.reviewTab.Text)

	test.Tap(mustButton(t, fx.ui.review.content, "Dùng giá trị kia"))
	shown = strings.Join(texts(topOverlay(t, fx.win)), "\n")
	must(t, strings.Contains(shown, "sẽ được khôi phục (bỏ hủy)"), "void-edit confirmation: %s", shown)
}

func TestReview_ValueText(t *testing.T) {
	r := &reviewScreen{refs: testRefs()}
	tests := []struct {
		field string
		v     json.RawMessage
		want  string
	}{
		{"consumer_name", raw("Nguyễn Văn An"), "Nguyễn Văn An"},
		{"channel", raw("tong_dai_1800_6838"), "Tổng đài 1800.6838"},
		{"kind", raw("khieu_nai"), "Khiếu nại doanh nghiệp"},
		{"status", raw("da_giai_quyet"), "Đã giải quyết"},
		{"sector", raw("khac"), "Khác"},
		{"sector", raw("moi_tu_may_chu"), "moi_tu_may_chu"},
		{"received_at", raw(time.Date(2026, 3, 4, 18, 30, 0, 0, time.UTC)), "05/03/2026"},
		{"received_at", raw(time.Time{}), "(để trống)"},
		{"voided", raw(true), "Có"},
		{"voided", raw(false), "Không"},
		{"summary", raw(""), "(để trống)"},
		{"summary", json.RawMessage("null"), "(để trống)"},
		{"amount", raw(1234567), "1.234.567"},
	}
	for _, tt := range tests {
		if got := r.valueText(app.EntityCase, tt.field, tt.v); got != tt.want {
			t.Errorf("valueText(%s, %s) = %q, want %q", tt.field, tt.v, got, tt.want)
		}
	}
}

func TestReview_TabHiddenWithoutService(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	clock := clocktest.AtToday(t)
	u := newUI(w, Services{Cases: newFakeCases(nil, clock.Now), Sync: &fakeSync{}, Now: clock.Now}, inline, 0)
	w.SetContent(u.Content())
	u.Refresh()
	if u.reviewTab != nil || len(u.tabs.Items) != 2 {
		t.Errorf("%d tabs without a review service, want 2", len(u.tabs.Items))
	}
	for _, it := range u.tabs.Items {
		if strings.HasPrefix(it.Text, "Cần xem xét") {
			t.Error("the review tab is shown without a review service")
		}
	}
}

// Fields and values in the officer's words: labels, not codes; amounts in
// đồng; lists by their items (issue 17, item 4).
func TestReview_FieldsAndValuesInPlainWords(t *testing.T) {
	fx := newFixture(t)
	cs := fx.cases.add(t, app.Case{ConsumerName: "Trần Văn Bảy", ConsumerGender: "khac"})
	at := time.Date(2026, 3, 5, 2, 30, 0, 0, time.UTC)
	fx.review.add(app.Conflict{ID: "g1", UnitCode: "28261", RecordID: cs.ID, Field: "consumer_gender",
		KeptValue: raw("khac"), OtherValue: raw("nam"), KeptAt: at, OtherAt: at})
	fx.review.add(app.Conflict{ID: "m1", UnitCode: "28261", RecordID: cs.ID, Field: "damage_claimed",
		KeptValue: raw(1500000), OtherValue: raw(2000000), KeptAt: at, OtherAt: at})
	fx.review.add(app.Conflict{ID: "v1", UnitCode: "28261", RecordID: cs.ID, Field: "vulnerable_groups",
		KeptValue: raw([]string{"nguoi_cao_tuoi"}), OtherValue: raw([]string{}), KeptAt: at, OtherAt: at})
	fx.ui.Refresh()
	fx.ui.tabs.Select(fx.ui.reviewTab)

	shown := strings.Join(texts(fx.ui.review.content), "\n")
	for _, want := range []string{
		"Mục bị sửa đồng thời: Giới tính", "Khác", "Nam",
		"Mục bị sửa đồng thời: Số tiền yêu cầu bồi thường", "1.500.000 đồng", "2.000.000 đồng",
		"Mục bị sửa đồng thời: Người tiêu dùng dễ bị tổn thương (Điều 8)", app.VulnerableGroups.Label("nguoi_cao_tuoi"), "(để trống)",
	} {
		must(t, strings.Contains(shown, want), "review screen lacks %q:\n%s", want, shown)
	}
	for _, raw := range []string{"consumer_gender", "damage_claimed", "vulnerable_groups", "nguoi_cao_tuoi", "1500000"} {
		must(t, !strings.Contains(shown, raw), "review screen shows the raw %q:\n%s", raw, shown)
	}
}
