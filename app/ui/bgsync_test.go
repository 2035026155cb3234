package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
)

var errOffline = app.WrapError(app.EOFFLINE, "Không kết nối được máy chủ tỉnh.", errors.New("dial tcp: connect: network is unreachable"))

// fakeScheduler is the SyncScheduler of the UI tests: it makes the runs
// syncclient.Scheduler would make (whose timings are tested there), with
// fakeSync, when asked: a manual run at once through the fixture's runner,
// a background one when the test says so (background). It counts the saves
// and statuses it is told of.
type fakeScheduler struct {
	svc *fakeSync
	run func(func())

	mu    sync.Mutex
	l     SyncListener
	saves int
	noted []app.SyncStatus
	// during, if set, runs in every sync after it started, with the
	// listener: a test reports progress and looks at the window then.
	during func(SyncListener)
}

var _ SyncScheduler = (*fakeScheduler)(nil)

func newFakeScheduler(svc *fakeSync, run func(func())) *fakeScheduler {
	return &fakeScheduler{svc: svc, run: run}
}

func (s *fakeScheduler) Listen(l SyncListener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.l = l
}

func (s *fakeScheduler) Saved() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saves++
}

func (s *fakeScheduler) NoteStatus(st app.SyncStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noted = append(s.noted, st)
}

func (s *fakeScheduler) Manual(ctx context.Context) {
	s.run(func() { s.once(ctx, true) })
}

// background makes a background run, as the scheduler's timers would.
func (s *fakeScheduler) background() {
	s.run(func() { s.once(context.Background(), false) })
}

func (s *fakeScheduler) once(ctx context.Context, manual bool) {
	s.mu.Lock()
	l, during := s.l, s.during
	s.mu.Unlock()
	l.Started(manual)
	if during != nil {
		during(l)
	}
	err := s.svc.SyncNow(ctx)
	s.svc.mu.Lock()
	pulled := s.svc.pulled
	s.svc.mu.Unlock()
	st, serr := s.svc.Status(context.Background())
	l.Finished(SyncOutcome{Manual: manual, Stopped: manual && ctx.Err() != nil, Err: err, Pulled: pulled, Status: st, StatusErr: serr})
}

func (s *fakeScheduler) saved() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saves
}

// TestUI_BackgroundSyncAfterSave follows the window through the
// scheduler's runs: a save asks for a sync and syncs nothing at once; after
// a background sync the list, the panel, the tabs and the status line
// follow, and an offline failure says so until the retry succeeds.
func TestUI_BackgroundSyncAfterSave(t *testing.T) {
	fx := newFixture(t)
	fx.sched.background() // the sync at start
	if n, _ := fx.sync.calls(); n != 1 {
		t.Fatalf("%d syncs at start, want 1", n)
	}
	must(t, fx.ui.line.text.Text == "Đã đồng bộ lúc 09:05 27/11", "line %q", fx.ui.line.text.Text)

	f := openNewForm(t, fx)
	f.entry("consumer_name").SetText("Nguyễn Thị Hồng Đào")
	fillRequired(f)
	fx.sync.status.Pending = 1 // what the store says after the save
	test.Tap(f.save)
	must(t, fx.ui.form == nil, "not saved: %q", f.formErr.Text)
	if n, _ := fx.sync.calls(); n != 1 {
		t.Fatal("synced at once after the save")
	}
	must(t, fx.sched.saved() == 1, "the save told the scheduler %d times, want 1", fx.sched.saved())
	must(t, fx.ui.line.text.Text == "1 thay đổi chờ gửi", "line %q", fx.ui.line.text.Text)
	must(t, fx.ui.syncTab.Text == "Đồng bộ (1)", "sync tab %q", fx.ui.syncTab.Text)

	// A conflict arrives with the next sync (the save's, 10 s later).
	fx.review.add(app.Conflict{ID: "c9", RecordID: fx.cases.get(0).ID, Field: "summary",
		KeptValue: raw("a"), OtherValue: raw("b")})
	fx.sync.syncErr = errOffline
	fx.sched.background()
	if n, _ := fx.sync.calls(); n != 2 {
		t.Fatalf("%d syncs after the delay, want 2", n)
	}
	must(t, fx.ui.line.text.Text == "Không có mạng – 1 thay đổi chờ gửi", "line %q", fx.ui.line.text.Text)
	must(t, fx.ui.reviewTab.Text == "Cần xem xét (1)", "review tab %q", fx.ui.reviewTab.Text)
	must(t, strings.HasPrefix(fx.ui.cases.cellText(0, colNumber), "⚠ "), "case not marked")
	must(t, !fx.ui.syncPanel.button.Disabled(), "the sync button stays disabled after a background sync")

	fx.sync.syncErr = nil // the network is back: the retry succeeds
	fx.sched.background()
	must(t, fx.ui.line.text.Text == "Đã đồng bộ lúc 09:05 27/11", "line %q", fx.ui.line.text.Text)
	must(t, fx.ui.syncPanel.pending.Text == "0" && fx.ui.syncTab.Text == "Đồng bộ", "panel not refreshed")
}

// Every status the window loads reaches the scheduler (which resumes after
// an enrolment), and a restore asks for a sync of the restored outbox.
func TestUI_TellsTheSchedulerStatusesAndRestores(t *testing.T) {
	fx := newFixture(t)
	fx.sync.status = app.SyncStatus{Enrolled: true, Pending: 4}
	fx.ui.syncPanel.refresh()
	fx.sched.mu.Lock()
	noted := append([]app.SyncStatus(nil), fx.sched.noted...)
	fx.sched.mu.Unlock()
	must(t, len(noted) > 0 && noted[len(noted)-1].Pending == 4, "statuses noted: %+v", noted)
	fx.ui.restored()
	must(t, fx.sched.saved() == 1, "a restore told the scheduler %d times, want 1", fx.sched.saved())
}
