package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/app/clocktest"
)

func TestSyncPanel_ShowsStatusAndSyncs(t *testing.T) {
	fx := newFixture(t)
	fx.sync.status.Pending = 3
	fx.sync.status.Parked = 1
	fx.ui.tabs.Select(fx.ui.syncTab) // selecting the tab reloads the status
	p := fx.ui.syncPanel

	checks := map[string][2]string{
		"enrolled":  {p.enrolled.Text, "Đã đăng ký"},
		"server":    {p.server.Text, "https://bvntd.dongthap.example/"},
		"scope":     {p.scope.Text, "Phường Mỹ Tho (28261)"},
		"pending":   {p.pending.Text, "3"},
		"parked":    {p.parked.Text, "1"},
		"last sync": {p.lastSync.Text, "Chưa đồng bộ"},
		"tab":       {fx.ui.syncTab.Text, "Đồng bộ (3)"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	must(t, p.parkedMsg.Visible(), "the parked changes are not explained")
	must(t, !p.howTo.Visible(), "enrolment help shown on an enrolled device")

	syncs, _ := fx.sync.calls()
	btn := mustButton(t, fx.win.Content(), "Đồng bộ ngay")
	must(t, !btn.Disabled(), "the sync button is disabled")
	tapButton(btn)

	if n, _ := fx.sync.calls(); n != syncs+1 {
		t.Fatalf("SyncNow ran %d times, want 1", n-syncs)
	}
	if p.pending.Text != "0" || p.lastSync.Text != "27/11/2026 09:05" || fx.ui.syncTab.Text != "Đồng bộ" {
		t.Errorf("after sync: pending %q, last sync %q, tab %q", p.pending.Text, p.lastSync.Text, fx.ui.syncTab.Text)
	}
	if !strings.HasPrefix(p.progress.Text, "Đồng bộ xong lúc ") {
		t.Errorf("progress %q", p.progress.Text)
	}
	must(t, !p.button.Disabled() && !p.stop.Visible(), "the button was not re-enabled")
}

func TestSyncPanel_ButtonDisabledWhileRunning(t *testing.T) {
	var queued []func()
	fx := newFixtureWith(t, func(f func()) { queued = append(queued, f) })
	for len(queued) > 0 { // the initial loads
		f := queued[0]
		queued = queued[1:]
		f()
	}
	p := fx.ui.syncPanel
	tapButton(p.button)
	must(t, len(queued) == 1, "%d jobs started, want 1", len(queued))
	must(t, p.button.Disabled(), "the button is enabled during the sync")
	must(t, p.stop.Visible() && p.bar.Visible(), "no stop button or progress bar during the sync")
	if !strings.HasPrefix(p.progress.Text, "Đang đồng bộ") {
		t.Errorf("progress %q", p.progress.Text)
	}
	tapButton(p.button) // a second tap does nothing
	must(t, len(queued) == 1, "a second sync started")

	queued[0]()
	must(t, !p.button.Disabled() && !p.stop.Visible() && !p.bar.Visible(), "not reset after the sync")
	if n, _ := fx.sync.calls(); n != 1 {
		t.Errorf("SyncNow ran %d times", n)
	}
}

func TestSyncPanel_StopCancels(t *testing.T) {
	var queued []func()
	fx := newFixtureWith(t, func(f func()) { queued = append(queued, f) })
	queued = nil
	p := fx.ui.syncPanel
	fx.ui.tabs.Select(fx.ui.syncTab)
	queued[0]() // the status load
	queued = nil
	tapButton(p.button)
	tapButton(mustButton(t, fx.win.Content(), "Dừng"))
	queued[0]()
	if !strings.HasPrefix(p.progress.Text, "Đã dừng đồng bộ.") {
		t.Errorf("progress %q", p.progress.Text)
	}
	must(t, !p.button.Disabled(), "the button stays disabled after stopping")
	must(t, fx.ui.line.text.Text == "Chưa đồng bộ lần nào", "a stopped sync changed the status line to %q", fx.ui.line.text.Text)
}

func TestSyncPanel_ErrorShowsVietnamese(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		want    string
		notWant string
	}{
		{"AppError", &app.Error{Code: app.ESERVERSTORAGE, Message: "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy.",
			Err: errors.New("server answered 507 server_storage: disk full on 203.0.113.7")},
			"Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy.", "203.0.113.7"},
		{"GoError", errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"),
			app.InternalMessage, "x509"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t)
			logs := captureLogs(t)
			fx.sync.syncErr = tt.err
			p := fx.ui.syncPanel
			fx.ui.tabs.Select(fx.ui.syncTab)
			tapButton(mustButton(t, fx.win.Content(), "Đồng bộ ngay"))

			if !strings.Contains(p.progress.Text, tt.want) || strings.Contains(p.progress.Text, tt.notWant) {
				t.Errorf("progress %q: want %q and no %q", p.progress.Text, tt.want, tt.notWant)
			}
			if !strings.HasPrefix(p.progress.Text, "Đồng bộ chưa thành công") {
				t.Errorf("progress %q", p.progress.Text)
			}
			if tt.name == "AppError" && p.lastError.Text != tt.want {
				t.Errorf("last error %q", p.lastError.Text)
			}
			for _, s := range texts(fx.win.Content()) {
				if strings.Contains(s, tt.notWant) {
					t.Errorf("technical text on screen: %q", s)
				}
			}
			if !strings.Contains(logs.String(), tt.notWant) {
				t.Errorf("cause not logged: %s", logs)
			}
			must(t, !p.button.Disabled(), "the button stays disabled after a failure")
		})
	}
}

func TestSyncPanel_NotEnrolledExplainsEnrolment(t *testing.T) {
	fx := newFixture(t)
	fx.sync.status = app.SyncStatus{Pending: 2}
	fx.ui.syncPanel.refresh()
	p := fx.ui.syncPanel
	must(t, p.enrolled.Text == "Chưa đăng ký", "enrolled = %q", p.enrolled.Text)
	must(t, p.howTo.Visible(), "no enrolment help")
	must(t, strings.Contains(p.howTo.Text, "Sở Công Thương"), "help %q", p.howTo.Text)
	must(t, findButton(p.content, "Đăng ký với máy chủ tỉnh") == nil, "enrolment offered without an enrolment service")
	p.enroll = newBlockingEnroll()
	p.updateButtons()
	must(t, findButton(p.content, "Đăng ký với máy chủ tỉnh") != nil, "no enrolment button on a device that is not enrolled")
	must(t, p.button.Disabled(), "sync offered on a device that is not enrolled")
	must(t, p.server.Text == "—" && p.scope.Text == "—", "server %q scope %q", p.server.Text, p.scope.Text)
}

func TestSyncPanel_SyncReloadsCaseList(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Huỳnh Văn Phúc", ReceivedAt: time.Date(2026, 4, 1, 8, 0, 0, 0, ICT)})
	must(t, len(fx.ui.cases.rows) == 0, "list loaded too early")
	tapButton(fx.ui.syncPanel.button)
	must(t, len(fx.ui.cases.rows) == 1, "the list was not reloaded after the sync")
}

func TestSyncPanel_NoServiceMeansNotEnrolled(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	clock := clocktest.AtToday(t)
	u := newUI(w, Services{Cases: newFakeCases(nil, clock.Now), Now: clock.Now}, inline, 0)
	w.SetContent(u.Content())
	u.Refresh()
	if !u.syncPanel.howTo.Visible() || !u.syncPanel.button.Disabled() {
		t.Error("without a sync service the panel must explain enrolment and offer no sync")
	}
}

// "Đồng bộ ngay" with the server down says why from its first failed
// attempt (not "Lỗi lần gần nhất: Không có" while it retries); when a later
// background sync goes through, the red failure gives way to its success
// (issue 17, item 3).
func TestSyncPanel_RetryingSaysWhyAndAFailureClearsAfterASuccess(t *testing.T) {
	fx := newFixture(t)
	p := fx.ui.syncPanel
	const down = "Không kết nối được máy chủ tỉnh. Vui lòng kiểm tra mạng."
	fx.sync.syncErr = &app.Error{Code: app.EOFFLINE, Message: down}
	var progress, lastError string
	fx.sched.during = func(l SyncListener) {
		l.Progress(SyncProgress{Phase: "push", Attempt: 2, LastFail: down})
		progress, lastError = p.progress.Text, p.lastError.Text
	}
	fx.ui.tabs.Select(fx.ui.syncTab)
	tapButton(mustButton(t, fx.win.Content(), "Đồng bộ ngay"))
	must(t, strings.Contains(progress, down) && strings.Contains(progress, "Đang thử lại (lần 2)"), "while retrying: %q", progress)
	must(t, lastError == down, "while retrying the last error says %q", lastError)
	must(t, strings.HasPrefix(p.progress.Text, "Đồng bộ chưa thành công"), "after: %q", p.progress.Text)

	// The server is back; a background sync goes through.
	fx.sched.mu.Lock()
	fx.sched.during = nil
	fx.sched.mu.Unlock()
	fx.sync.mu.Lock()
	fx.sync.syncErr = nil
	fx.sync.mu.Unlock()
	fx.sched.background()
	must(t, strings.HasPrefix(p.progress.Text, "Đồng bộ xong lúc") && p.progress.Importance == widget.SuccessImportance,
		"after a successful background sync the panel still says %q", p.progress.Text)
	must(t, p.lastError.Text == "Không có", "last error %q", p.lastError.Text)
}
