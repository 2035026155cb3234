package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// countingSync is a SyncService for the scheduler: it records when each
// SyncNow starts and how many run at once, and can take time and fail.
// It lives in a testing/synctest bubble: its clock moves with the bubble's
// fake time, so the instants it records are the scheduler's own timers.
type countingSync struct {
	mu        sync.Mutex
	now       func() time.Time
	t0        time.Time
	status    app.SyncStatus
	errs      []error       // returned by the next SyncNow calls, in turn
	took      time.Duration // how long a SyncNow call lasts
	at        []time.Duration
	active    int
	maxActive int
}

// newCountingSync must be called inside the bubble: clocktest.Running
// then moves with the bubble's fake time, from the start of the test.
func newCountingSync(st app.SyncStatus) *countingSync {
	now := clocktest.Running()
	return &countingSync{now: now, t0: now(), status: st}
}

func (s *countingSync) Status(context.Context) (app.SyncStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status, nil
}

func (s *countingSync) SyncNow(ctx context.Context) error {
	s.mu.Lock()
	s.at = append(s.at, s.now().Sub(s.t0))
	s.active++
	s.maxActive = max(s.maxActive, s.active)
	took := s.took
	var err error
	if len(s.errs) > 0 {
		err, s.errs = s.errs[0], s.errs[1:]
	}
	s.mu.Unlock()
	if took > 0 {
		select {
		case <-time.After(took):
		case <-ctx.Done():
			err = app.WrapError(app.EOFFLINE, "Đã dừng.", ctx.Err())
		}
	}
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
	return err
}

// times returns when each SyncNow call started, from the start of the test.
func (s *countingSync) times() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.at...)
}

func (s *countingSync) count() int { return len(s.times()) }

var errOffline = app.WrapError(app.EOFFLINE, "Không kết nối được máy chủ tỉnh.", errors.New("dial tcp: connect: network is unreachable"))

// startSched starts a scheduler on svc with real goroutines and the
// bubble's fake clock; it is stopped when the test ends.
func startSched(t *testing.T, svc SyncService) *bgSync {
	t.Helper()
	s := newBgSync(context.Background(), svc, goRunner)
	s.Start()
	t.Cleanup(s.Stop)
	synctest.Wait() // the sync at start
	return s
}

// advance moves the fake clock by d and lets every goroutine settle.
func advance(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

func TestBgSync_SaveSyncsAfterDebounce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(app.SyncStatus{Enrolled: true})
		s := startSched(t, svc)
		if n := svc.count(); n != 1 {
			t.Fatalf("%d syncs at start, want 1", n)
		}
		s.Saved()
		advance(saveSyncDelay - time.Second)
		if n := svc.count(); n != 1 {
			t.Fatalf("synced %d times before the delay, want 1", n)
		}
		advance(time.Second)
		if got := svc.times(); len(got) != 2 || got[1] != 10*time.Second {
			t.Fatalf("syncs at %v, want [0s 10s]", got)
		}
	})
}

func TestBgSync_SavesInQuickSuccessionSyncOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(app.SyncStatus{Enrolled: true})
		s := startSched(t, svc)
		s.Saved()
		advance(4 * time.Second)
		s.Saved() // moves the sync to 14 s
		advance(9 * time.Second)
		if n := svc.count(); n != 1 {
			t.Fatalf("the first save's timer still fired: %v", svc.times())
		}
		advance(time.Minute)
		if got := svc.times(); len(got) != 2 || got[1] != 14*time.Second {
			t.Fatalf("syncs at %v, want [0s 14s]", got)
		}
	})
}

func TestBgSync_PeriodicEveryFiveMinutes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(app.SyncStatus{Enrolled: true})
		startSched(t, svc)
		advance(16 * time.Minute)
		want := []time.Duration{0, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute}
		if got := svc.times(); !equalDurations(got, want) {
			t.Fatalf("syncs at %v, want %v", got, want)
		}
	})
}

func TestBgSync_OfflineRetriesWithGrowingDelays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(app.SyncStatus{Enrolled: true})
		svc.errs = []error{errOffline, errOffline, errOffline, errOffline, errOffline, errOffline} // then the network is back
		startSched(t, svc)
		advance(30 * time.Minute)
		got := svc.times()
		var gaps []time.Duration
		for i := 1; i < len(got); i++ {
			gaps = append(gaps, got[i]-got[i-1])
		}
		want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
			5 * time.Minute, 5 * time.Minute, // capped; the 7th attempt succeeds
			5 * time.Minute, 5 * time.Minute} // periodic again
		if len(gaps) < len(want) || !equalDurations(gaps[:len(want)], want) {
			t.Fatalf("gaps between syncs %v, want %v…", gaps, want)
		}
	})
}

func TestBgSync_OtherFailureWaitsForPeriodic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(app.SyncStatus{Enrolled: true})
		svc.errs = []error{app.Errorf(app.EINTERNAL, "Máy chủ gặp lỗi.")}
		startSched(t, svc)
		advance(6 * time.Minute)
		if got := svc.times(); !equalDurations(got, []time.Duration{0, 5 * time.Minute}) {
			t.Fatalf("syncs at %v, want [0s 5m0s]", got)
		}
	})
}

func TestBgSync_NothingWhenNotEnrolledOrUpdateRequired(t *testing.T) {
	for name, st := range map[string]app.SyncStatus{
		"NotEnrolled":    {Pending: 3},
		"UpdateRequired": {Enrolled: true, Pending: 3, UpdateRequired: "1.4.0"},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newCountingSync(st)
				s := startSched(t, svc)
				var skipped int
				s.onDone = func(r syncResult) {
					if r.Skipped {
						skipped++
					}
				}
				s.Saved()
				advance(time.Hour)
				if n := svc.count(); n != 0 {
					t.Fatalf("SyncNow ran %d times while paused", n)
				}
				if skipped != 0 {
					t.Errorf("%d status checks while paused, want none", skipped)
				}

				// The status says the device may sync again: it resumes.
				svc.mu.Lock()
				svc.status = app.SyncStatus{Enrolled: true}
				svc.mu.Unlock()
				s.NoteStatus(app.SyncStatus{Enrolled: true})
				synctest.Wait()
				if n := svc.count(); n != 1 {
					t.Fatalf("SyncNow ran %d times after resuming, want 1", n)
				}
			})
		})
	}
}

func TestBgSync_NeverOverlaps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(app.SyncStatus{Enrolled: true})
		svc.took = 20 * time.Second
		s := newBgSync(context.Background(), svc, goRunner)
		var mu sync.Mutex
		var manualDone int
		done := func(error, app.SyncStatus, error) { mu.Lock(); manualDone++; mu.Unlock() }
		s.Start() // runs 0–20 s
		t.Cleanup(s.Stop)
		advance(time.Second)
		s.Saved()                            // fires at 11 s, during the first sync
		s.Manual(context.Background(), done) // two taps while it runs
		s.Manual(context.Background(), done)
		advance(time.Minute)
		if svc.maxActive != 1 {
			t.Fatalf("%d syncs ran at once", svc.maxActive)
		}
		// The first manual run also serves the save's wish.
		want := []time.Duration{0, 20 * time.Second, 40 * time.Second}
		if got := svc.times(); !equalDurations(got, want) {
			t.Errorf("syncs at %v, want %v", got, want)
		}
		if manualDone != 2 {
			t.Errorf("%d manual runs reported, want 2", manualDone)
		}
		if s.Running() {
			t.Error("still running")
		}
	})
}

func TestBgSync_StopCancelsAndEndsEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(app.SyncStatus{Enrolled: true})
		svc.took = time.Hour
		s := newBgSync(context.Background(), svc, goRunner)
		var ended bool
		s.onDone = func(syncResult) { ended = true }
		s.Start()
		synctest.Wait()
		s.Saved()
		s.Stop() // cancels the running sync; no goroutine may be left behind
		synctest.Wait()
		if s.Running() {
			t.Error("a sync still runs after Stop")
		}
		if ended {
			t.Error("a result was reported after Stop")
		}
		advance(time.Hour)
		if n := svc.count(); n != 1 {
			t.Errorf("SyncNow ran %d times, want 1 (none after Stop)", n)
		}
		s.Start()
		s.Saved()
		s.Manual(context.Background(), nil)
		advance(time.Hour)
		if n := svc.count(); n != 1 {
			t.Errorf("a stopped scheduler synced again")
		}
	})
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fakeTimers hands out timers that fire only when the test says so (the
// scheduler's afterFunc seam; it reads no time).
type fakeTimers struct{ timers []*fakeTimer }

func (c *fakeTimers) afterFunc(d time.Duration, f func()) func() bool {
	tm := &fakeTimer{delay: d, fire: f}
	c.timers = append(c.timers, tm)
	return func() bool { tm.stopped = true; return true }
}

// fire runs the one pending timer of delay d, or fails.
func (c *fakeTimers) fire(t *testing.T, d time.Duration) {
	t.Helper()
	var found *fakeTimer
	for _, tm := range c.timers {
		if !tm.stopped && tm.delay == d {
			if found != nil {
				t.Fatalf("two pending %v timers", d)
			}
			found = tm
		}
	}
	if found == nil {
		t.Fatalf("no pending %v timer (timers: %v)", d, c.pending())
	}
	found.stopped = true
	found.fire()
}

func (c *fakeTimers) pending() []time.Duration {
	var out []time.Duration
	for _, tm := range c.timers {
		if !tm.stopped {
			out = append(out, tm.delay)
		}
	}
	return out
}

// TestUI_BackgroundSyncAfterSave follows the window: a save syncs 10 s
// later, the list, the panel, the tabs and the status line follow, and an
// offline failure is retried after 30 s.
func TestUI_BackgroundSyncAfterSave(t *testing.T) {
	fx := newFixture(t)
	timers := &fakeTimers{}
	fx.ui.sched.afterFunc = timers.afterFunc
	fx.ui.StartBackgroundSync() // syncs at once
	if n, _ := fx.sync.calls(); n != 1 {
		t.Fatalf("%d syncs at start, want 1", n)
	}
	if got := timers.pending(); !equalDurations(got, []time.Duration{periodicSync}) {
		t.Fatalf("timers after the first sync: %v, want [5m]", got)
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
	must(t, fx.ui.line.text.Text == "1 thay đổi chờ gửi", "line %q", fx.ui.line.text.Text)
	must(t, fx.ui.syncTab.Text == "Đồng bộ (1)", "sync tab %q", fx.ui.syncTab.Text)

	// A conflict arrives with the next sync.
	fx.review.add(app.Conflict{ID: "c9", RecordID: fx.cases.get(0).ID, Field: "summary",
		KeptValue: raw("a"), OtherValue: raw("b")})
	fx.sync.syncErr = errOffline
	timers.fire(t, saveSyncDelay)
	if n, _ := fx.sync.calls(); n != 2 {
		t.Fatalf("%d syncs after the delay, want 2", n)
	}
	must(t, fx.ui.line.text.Text == "Không có mạng – 1 thay đổi chờ gửi", "line %q", fx.ui.line.text.Text)
	must(t, fx.ui.reviewTab.Text == "Cần xem xét (1)", "review tab %q", fx.ui.reviewTab.Text)
	must(t, strings.HasPrefix(fx.ui.cases.cellText(0, colNumber), "⚠ "), "case not marked")
	if got := timers.pending(); !equalDurations(got, []time.Duration{offlineRetryFirst}) {
		t.Fatalf("timers after going offline: %v, want [30s]", got)
	}

	fx.sync.syncErr = nil // the network is back
	timers.fire(t, offlineRetryFirst)
	must(t, fx.ui.line.text.Text == "Đã đồng bộ lúc 09:05 27/11", "line %q", fx.ui.line.text.Text)
	must(t, fx.ui.syncPanel.pending.Text == "0" && fx.ui.syncTab.Text == "Đồng bộ", "panel not refreshed")
	if got := timers.pending(); !equalDurations(got, []time.Duration{periodicSync}) {
		t.Fatalf("timers after coming back: %v, want [5m]", got)
	}

	fx.ui.Close()
	if got := timers.pending(); len(got) != 0 {
		t.Errorf("timers left after Close: %v", got)
	}
}
