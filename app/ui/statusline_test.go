package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

func TestStatusLine_Texts(t *testing.T) {
	synced := time.Date(2026, 11, 27, 2, 5, 0, 0, time.UTC) // 09:05 ICT
	enrolled := func(pending int) app.SyncStatus {
		return app.SyncStatus{Enrolled: true, Pending: pending, LastSyncAt: synced}
	}
	tests := []struct {
		name  string
		state lineState
		want  string
		imp   widget.Importance
	}{
		{"NotLoaded", lineState{}, "", widget.MediumImportance},
		{"Synced", lineState{known: true, status: enrolled(0)}, "Đã đồng bộ lúc 09:05 27/11", widget.MediumImportance},
		{"Pending", lineState{known: true, status: enrolled(1234)}, "1.234 thay đổi chờ gửi", widget.MediumImportance},
		{"NeverSynced", lineState{known: true, status: app.SyncStatus{Enrolled: true}}, "Chưa đồng bộ lần nào", widget.MediumImportance},
		{"Syncing", lineState{known: true, status: enrolled(3), syncing: true}, "Đang đồng bộ…", widget.MediumImportance},
		{"SyncingProgress", lineState{known: true, status: enrolled(3), syncing: true, progress: SyncProgress{Phase: "pull", Pushed: 3, Pulled: 1500}},
			"Đang đồng bộ… đã gửi 3, đã nhận 1.500 thay đổi", widget.MediumImportance},
		{"SyncingRetry", lineState{known: true, status: enrolled(3), syncing: true, progress: SyncProgress{Phase: "push", Attempt: 3, LastFail: "x"}},
			"Đang đồng bộ… thử lại lần 3", widget.MediumImportance},
		{"Offline", lineState{known: true, status: enrolled(5), tried: true, lastErr: errOffline},
			"Không có mạng – 5 thay đổi chờ gửi", widget.WarningImportance},
		{"OfflineWhileRetrying", lineState{known: true, status: enrolled(5), tried: true, lastErr: errOffline, syncing: true},
			"Không có mạng – 5 thay đổi chờ gửi", widget.WarningImportance},
		{"OfflineNothingPending", lineState{known: true, status: enrolled(0), tried: true, lastErr: errOffline},
			"Không có mạng – dữ liệu vẫn được lưu trên máy", widget.WarningImportance},
		{"Error", lineState{known: true, status: enrolled(2), tried: true,
			lastErr: app.WrapError(app.EUNAUTHORIZED, "Thiết bị đã bị thu hồi quyền đồng bộ.", errors.New("401"))},
			"Lỗi đồng bộ: Thiết bị đã bị thu hồi quyền đồng bộ.", widget.DangerImportance},
		{"ErrorNotShownRaw", lineState{known: true, status: enrolled(2), tried: true, lastErr: errors.New("x509: certificate")},
			"Lỗi đồng bộ: " + app.InternalMessage, widget.DangerImportance},
		{"ErrorFromStore", lineState{known: true, status: app.SyncStatus{Enrolled: true, LastError: "Máy chủ đang bảo trì."}},
			"Lỗi đồng bộ: Máy chủ đang bảo trì.", widget.DangerImportance},
		{"SuccessClearsStoredError", lineState{known: true, tried: true, status: app.SyncStatus{Enrolled: true, LastSyncAt: synced}},
			"Đã đồng bộ lúc 09:05 27/11", widget.MediumImportance},
		{"UpdateRequired", lineState{known: true, status: app.SyncStatus{Enrolled: true, Pending: 4, UpdateRequired: "1.4.0"}, tried: true, lastErr: errOffline},
			"Ứng dụng cần cập nhật lên phiên bản 1.4.0 để gửi dữ liệu; dữ liệu vẫn được lưu trên máy", widget.DangerImportance},
		{"NotEnrolled", lineState{known: true, status: app.SyncStatus{Pending: 2}},
			"Máy này chưa đăng ký đồng bộ; dữ liệu được lưu trên máy", widget.WarningImportance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, imp := statusText(tt.state)
			if got != tt.want || imp != tt.imp {
				t.Errorf("statusText = %q (importance %v), want %q (%v)", got, imp, tt.want, tt.imp)
			}
		})
	}
}

func TestStatusLine_ClockWarning(t *testing.T) {
	tests := []struct {
		offset time.Duration
		want   string
	}{
		{0, ""},
		{app.ClockWarning, ""},
		{-app.ClockWarning, ""},
		{7*time.Minute + 20*time.Second, "Đồng hồ máy tính lệch 7 phút so với máy chủ; hãy chỉnh lại giờ"},
		{-(25 * time.Hour), "Đồng hồ máy tính lệch 1.500 phút so với máy chủ; hãy chỉnh lại giờ"},
	}
	for _, tt := range tests {
		if got := clockText(tt.offset); got != tt.want {
			t.Errorf("clockText(%v) = %q, want %q", tt.offset, got, tt.want)
		}
	}
}

// TestStatusLine_InWindow checks the line at the bottom of the window: it
// follows the loaded status, warns about the clock, and shows progress.
func TestStatusLine_InWindow(t *testing.T) {
	fx := newFixture(t)
	l := fx.ui.line
	must(t, l.text.Text == "Chưa đồng bộ lần nào", "line %q", l.text.Text)
	must(t, !l.clock.Visible(), "clock warning without an offset")
	shown := strings.Join(texts(fx.win.Content()), "\n")
	must(t, strings.Contains(shown, "Chưa đồng bộ lần nào"), "the status line is not in the window: %s", shown)

	fx.sync.status.Pending = 2
	fx.sync.status.ClockOffset = -12 * time.Minute
	fx.ui.Refresh()
	must(t, l.text.Text == "2 thay đổi chờ gửi", "line %q", l.text.Text)
	must(t, l.clock.Visible() && l.clock.Text == "Đồng hồ máy tính lệch 12 phút so với máy chủ; hãy chỉnh lại giờ",
		"clock warning %q (shown %v)", l.clock.Text, l.clock.Visible())

	fx.ui.syncStarted(false)
	fx.ui.showSyncProgress(SyncProgress{Phase: "push", Pushed: 2})
	must(t, l.text.Text == "Đang đồng bộ… đã gửi 2, đã nhận 0 thay đổi", "line %q", l.text.Text)
	must(t, fx.ui.syncPanel.button.Disabled(), "the sync button is enabled during a background sync")
	fx.ui.syncFinished(SyncOutcome{Status: app.SyncStatus{Enrolled: true, UpdateRequired: "2.0.1", Pending: 2}})
	must(t, l.text.Text == "Ứng dụng cần cập nhật lên phiên bản 2.0.1 để gửi dữ liệu; dữ liệu vẫn được lưu trên máy",
		"line %q", l.text.Text)
	must(t, !fx.ui.syncPanel.button.Disabled(), "the sync button stays disabled")
	fx.ui.showSyncProgress(SyncProgress{Pushed: 9}) // late progress of a finished sync
	must(t, strings.HasPrefix(l.text.Text, "Ứng dụng cần cập nhật"), "late progress shown: %q", l.text.Text)
}
