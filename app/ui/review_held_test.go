package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// Records pulled from the server that this version could not read are
// listed under "Cần xem xét" with which record it is, what happened, that
// the other data is safe, and the id to give the province; they count in
// the tab's title.
func TestReview_ShowsRecordsKeptAside(t *testing.T) {
	fx := newFixture(t)
	cs := fx.cases.add(t, app.Case{ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678"})
	newID := app.NewID()
	fx.review.held = []app.QuarantinedRecord{
		{Entity: app.EntityCase, ID: cs.ID, Scope: "28261", Version: 3, Reason: app.QuarantineUnreadable,
			Fields: []string{"status", "voided"}},
		{Entity: "future_thing", ID: "0192f000-0000-7000-8000-000000000abc", Reason: app.QuarantineUnknownEntity},
		{Entity: app.EntityCase, ID: newID, Reason: app.QuarantineTooLarge},
	}
	fx.ui.Refresh()
	fx.ui.tabs.Select(fx.ui.reviewTab)

	must(t, fx.ui.reviewTab.Text == "Cần xem xét (3)", "tab %q", fx.ui.reviewTab.Text)
	shown := strings.Join(texts(fx.ui.review.content), "\n")
	for _, want := range []string{
		"Dữ liệu nhận từ máy chủ chưa đọc được",
		"Các dữ liệu khác vẫn an toàn và vẫn được đồng bộ bình thường. Vui lòng báo Sở Công Thương",
		"Vụ việc " + cs.Number + " – Nguyễn Thị Hồng Đào",
		"Không đọc được bản ghi này nhận từ máy chủ tỉnh: giá trị không hợp lệ ở mục " + fieldLabel(app.EntityCase, "status") + ", " + fieldLabel(app.EntityCase, "voided") + ".",
		"Máy này vẫn giữ và hiển thị bản trước đó của bản ghi.",
		"Mã bản ghi (báo cho Sở Công Thương): " + cs.ID,
		"Bản ghi loại future_thing",
		"Máy chủ tỉnh gửi một loại dữ liệu mà phiên bản ứng dụng này chưa biết; hãy cập nhật ứng dụng.",
		"Bản ghi này trên máy chủ tỉnh quá lớn để gửi về máy.",
		"Bản ghi này chưa có trên máy này.",
		"Mã bản ghi (báo cho Sở Công Thương): " + newID,
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("review screen lacks %q:\n%s", want, shown)
		}
	}
	must(t, !fx.ui.review.empty.Visible(), "empty text shown over records kept aside")
	// A record kept aside is no conflict: its case is not marked.
	if got := fx.ui.cases.cellText(0, colNumber); got != cs.Number {
		t.Errorf("number cell %q: a case kept aside is not a conflict", got)
	}

	// The server sends a readable version: the list empties.
	fx.review.mu.Lock()
	fx.review.held = nil
	fx.review.mu.Unlock()
	fx.ui.Refresh()
	must(t, fx.ui.reviewTab.Text == "Cần xem xét", "tab %q", fx.ui.reviewTab.Text)
	must(t, fx.ui.review.empty.Visible() && !fx.ui.review.heldTitle.Visible(), "empty state not back")
}

// Many records of a kind this version does not know are counted, not all
// listed.
func TestReview_ManyRecordsKeptAsideAreCounted(t *testing.T) {
	fx := newFixture(t)
	for range maxHeldShown + 7 {
		fx.review.held = append(fx.review.held, app.QuarantinedRecord{Entity: "future_thing", ID: app.NewID(), Reason: app.QuarantineUnknownEntity})
	}
	fx.ui.Refresh()
	must(t, fx.ui.reviewTab.Text == "Cần xem xét (57)", "tab %q", fx.ui.reviewTab.Text)
	shown := strings.Join(texts(fx.ui.review.content), "\n")
	// 50 blocks, 49 separators, the count of the others.
	if n := len(fx.ui.review.heldList.Objects); !strings.Contains(shown, "… và 7 bản ghi khác.") || n != 2*maxHeldShown {
		t.Errorf("list of %d records kept aside: %d objects\n%s", maxHeldShown+7, n, shown)
	}
}

// The server reports a storage fault: the status line says so in the
// officer's words, not as a generic error.
func TestStatusLine_ServerStorage(t *testing.T) {
	st := lineState{known: true, status: app.SyncStatus{Enrolled: true, Pending: 3}, tried: true,
		lastErr: app.WrapError(app.ESERVERSTORAGE, "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy.", errors.New("503"))}
	got, imp := statusText(st)
	if got != "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy" || imp != widget.WarningImportance {
		t.Fatalf("status line %q (%v)", got, imp)
	}
}
