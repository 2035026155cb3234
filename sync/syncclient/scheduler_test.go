package syncclient

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// countingSync stands for the client and the store under the scheduler:
// it records when each sync starts and how many run at once, and can take
// time and fail. It lives in a testing/synctest bubble: its clock moves
// with the bubble's fake time, so the instants it records are the
// scheduler's own timers.
type countingSync struct {
	mu        sync.Mutex
	now       func() time.Time
	t0        time.Time
	status    app.SyncStatus
	errs      []error       // returned by the next syncs, in turn
	took      time.Duration // how long a sync lasts
	during    func()        // if set, called by every sync (e.g. to change the status)
	at        []time.Duration
	active    int
	maxActive int
	pulled    int // records each sync stores (Result.Pulled)
}

// newCountingSync must be called inside the bubble: clocktest.Running
// then moves with the bubble's fake time, from the start of the test.
func newCountingSync(t *testing.T, st app.SyncStatus) *countingSync {
	now := clocktest.Running(t)
	return &countingSync{now: now, t0: now(), status: st}
}

func (s *countingSync) Status(context.Context) (app.SyncStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status, nil
}

// set changes svc's fields while the scheduler may be syncing.
func (s *countingSync) set(f func()) {
	s.mu.Lock()
	f()
	s.mu.Unlock()
}

func (s *countingSync) setStatus(st app.SyncStatus) {
	s.mu.Lock()
	s.status = st
	s.mu.Unlock()
}

func (s *countingSync) Sync(ctx context.Context) error {
	// It stands for a client that reaches its server at once: only
	// FirstContactTimeout's own tests meet one that does not.
	if fc, ok := ctx.Value(firstContactKey{}).(*FirstContact); ok {
		fc.reached.Store(true)
	}
	s.mu.Lock()
	s.at = append(s.at, s.now().Sub(s.t0))
	s.active++
	s.maxActive = max(s.maxActive, s.active)
	took, during := s.took, s.during
	var err error
	if len(s.errs) > 0 {
		err, s.errs = s.errs[0], s.errs[1:]
	}
	s.mu.Unlock()
	if during != nil {
		during()
	}
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

// times returns when each sync started, from the start of the test.
func (s *countingSync) times() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.at...)
}

func (s *countingSync) count() int { return len(s.times()) }

var errOffline = app.WrapError(app.EOFFLINE, "Không kết nối được máy chủ tỉnh.", errors.New("dial tcp: connect: network is unreachable"))

// newSched returns a scheduler of svc, stopped when the test ends.
func newSched(t *testing.T, svc *countingSync) *Scheduler {
	t.Helper()
	s := newScheduler(context.Background(), func(ctx context.Context) (Result, error) {
		err := svc.Sync(ctx)
		svc.mu.Lock()
		defer svc.mu.Unlock()
		return Result{Pulled: svc.pulled}, err
	}, svc.Status)
	t.Cleanup(s.Stop)
	return s
}

// startSched starts a scheduler of svc on the bubble's fake clock.
func startSched(t *testing.T, svc *countingSync) *Scheduler {
	t.Helper()
	s := newSched(t, svc)
	s.Start()
	synctest.Wait() // the sync at start
	return s
}

// outcomes collects what a Listener is told, in order.
type outcomes struct {
	mu     sync.Mutex
	events []string // "start", "start manual", "done", "done manual", "skipped"
	list   []Outcome
}

func (o *outcomes) listener() Listener {
	return Listener{
		Started: func(manual bool) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.events = append(o.events, map[bool]string{false: "start", true: "start manual"}[manual])
		},
		Finished: func(out Outcome) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.list = append(o.list, out)
			switch {
			case out.Skipped:
				o.events = append(o.events, "skipped")
			case out.Manual:
				o.events = append(o.events, "done manual")
			default:
				o.events = append(o.events, "done")
			}
		},
	}
}

func (o *outcomes) get() ([]string, []Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.events...), append([]Outcome(nil), o.list...)
}

// advance moves the fake clock by d and lets every goroutine settle.
func advance(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

func TestScheduler_SaveSyncsAfterDebounce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		s := startSched(t, svc)
		if n := svc.count(); n != 1 {
			t.Fatalf("%d syncs at start, want 1", n)
		}
		s.Saved()
		advance(SaveDelay - time.Second)
		if n := svc.count(); n != 1 {
			t.Fatalf("synced %d times before the delay, want 1", n)
		}
		advance(time.Second)
		if got := svc.times(); len(got) != 2 || got[1] != 10*time.Second {
			t.Fatalf("syncs at %v, want [0s 10s]", got)
		}
	})
}

func TestScheduler_SavesInQuickSuccessionSyncOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
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

func TestScheduler_PeriodicEveryFiveMinutes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		startSched(t, svc)
		advance(16 * time.Minute)
		want := []time.Duration{0, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute}
		if got := svc.times(); !equalDurations(got, want) {
			t.Fatalf("syncs at %v, want %v", got, want)
		}
	})
}

// The periodic sync counts from the end of the last sync, not its start.
func TestScheduler_PeriodicCountsFromTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.took = time.Minute
		startSched(t, svc)
		advance(13 * time.Minute)
		want := []time.Duration{0, 6 * time.Minute, 12 * time.Minute}
		if got := svc.times(); !equalDurations(got, want) {
			t.Fatalf("syncs at %v, want %v", got, want)
		}
	})
}

func TestScheduler_OfflineRetriesWithGrowingDelays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
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

func TestScheduler_OtherFailureWaitsForPeriodic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.errs = []error{app.Errorf(app.EINTERNAL, "Máy chủ gặp lỗi.")}
		startSched(t, svc)
		advance(6 * time.Minute)
		if got := svc.times(); !equalDurations(got, []time.Duration{0, 5 * time.Minute}) {
			t.Fatalf("syncs at %v, want [0s 5m0s]", got)
		}
	})
}

// The window's day as the old UI test followed it: a sync at start, one
// SaveDelay after a save, an offline failure retried after 30 s, then the
// periodic sync again; Stop leaves nothing behind.
func TestScheduler_SaveOfflineAndBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		var heard outcomes
		s := newSched(t, svc)
		s.Listen(heard.listener())
		s.Start()
		synctest.Wait()
		advance(time.Minute)
		svc.set(func() { svc.errs = []error{errOffline} })
		s.Saved()                        // at 1m: syncs at 1m10s, offline
		advance(SaveDelay + time.Second) // 1m11s
		if got := svc.times(); !equalDurations(got, []time.Duration{0, 70 * time.Second}) {
			t.Fatalf("syncs at %v, want [0s 1m10s]", got)
		}
		advance(OfflineRetryFirst)      // the retry at 1m40s succeeds
		advance(Period - 2*time.Second) // 6m39s
		want := []time.Duration{0, 70 * time.Second, 100 * time.Second}
		if got := svc.times(); !equalDurations(got, want) {
			t.Fatalf("syncs at %v, want %v (the periodic one 5m after 1m40s, not before)", got, want)
		}
		advance(time.Second)
		want = append(want, 100*time.Second+Period)
		if got := svc.times(); !equalDurations(got, want) {
			t.Fatalf("syncs at %v, want %v", got, want)
		}
		events, outs := heard.get()
		if w := []string{"start", "done", "start", "done", "start", "done", "start", "done"}; !equalStrings(events, w) {
			t.Errorf("heard %v, want %v", events, w)
		}
		if len(outs) < 2 || app.ErrorCode(outs[1].Err) != app.EOFFLINE || outs[0].Err != nil || !outs[0].Status.Enrolled {
			t.Errorf("outcomes %+v", outs)
		}
		s.Stop()
		advance(time.Hour)
		if n := svc.count(); n != len(want) {
			t.Errorf("%d syncs after Stop, want none", n-len(want))
		}
	})
}

func TestScheduler_NothingWhenNotEnrolledOrUpdateRequired(t *testing.T) {
	for name, st := range map[string]app.SyncStatus{
		"NotEnrolled":    {Pending: 3},
		"UpdateRequired": {Enrolled: true, Pending: 3, UpdateRequired: "1.4.0"},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newCountingSync(t, st)
				var first outcomes
				s := newSched(t, svc)
				s.Listen(first.listener())
				s.Start()
				synctest.Wait()
				if events, outs := first.get(); !equalStrings(events, []string{"skipped"}) || outs[0].Status.Pending != 3 {
					t.Fatalf("at start: heard %v %+v, want one skipped run with the status", events, outs)
				}
				var later outcomes
				s.Listen(later.listener())
				s.Saved()
				advance(time.Hour)
				if n := svc.count(); n != 0 {
					t.Fatalf("Sync ran %d times while paused", n)
				}
				if events, _ := later.get(); len(events) != 0 {
					t.Errorf("%v while paused, want no status checks", events)
				}

				// The status says the device may sync again: it resumes.
				svc.setStatus(app.SyncStatus{Enrolled: true})
				s.NoteStatus(app.SyncStatus{Enrolled: true})
				synctest.Wait()
				if n := svc.count(); n != 1 {
					t.Fatalf("Sync ran %d times after resuming, want 1", n)
				}
			})
		})
	}
}

// A sync that finds the server wanting a newer app pauses too.
func TestScheduler_UpdateRequiredAfterASyncPauses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		s := startSched(t, svc)
		svc.set(func() {
			svc.errs = []error{app.Errorf(app.EFORBIDDEN, "Cần cập nhật.")}
			svc.during = func() { svc.setStatus(app.SyncStatus{Enrolled: true, UpdateRequired: "2.0.0"}) }
		})
		advance(Period)
		if n := svc.count(); n != 2 {
			t.Fatalf("%d syncs, want 2", n)
		}
		s.Saved()
		advance(time.Hour)
		if n := svc.count(); n != 2 {
			t.Fatalf("synced %d times after the server asked for an update", n-2)
		}
	})
}

func TestScheduler_ManualRunsWhilePausedAndBeforeStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Pending: 1})
		var heard outcomes
		s := newSched(t, svc)
		s.Listen(heard.listener())
		s.Manual(context.Background()) // before Start
		synctest.Wait()
		s.Start() // not enrolled: paused
		synctest.Wait()
		s.Manual(context.Background())
		synctest.Wait()
		if n := svc.count(); n != 2 {
			t.Fatalf("%d manual syncs, want 2", n)
		}
		events, _ := heard.get()
		if w := []string{"start manual", "done manual", "skipped", "start manual", "done manual"}; !equalStrings(events, w) {
			t.Fatalf("heard %v, want %v", events, w)
		}
	})
}

func TestScheduler_NeverOverlaps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.took = 20 * time.Second
		var heard outcomes
		s := newSched(t, svc)
		s.Listen(heard.listener())
		s.Start() // runs 0–20 s
		advance(time.Second)
		s.Saved()                      // fires at 11 s, during the first sync
		s.Manual(context.Background()) // two taps while it runs
		s.Manual(context.Background())
		advance(time.Minute)
		if svc.maxActive != 1 {
			t.Fatalf("%d syncs ran at once", svc.maxActive)
		}
		// The first manual run also serves the save's wish.
		want := []time.Duration{0, 20 * time.Second, 40 * time.Second}
		if got := svc.times(); !equalDurations(got, want) {
			t.Errorf("syncs at %v, want %v", got, want)
		}
		events, _ := heard.get()
		if w := []string{"start", "done", "start manual", "done manual", "start manual", "done manual"}; !equalStrings(events, w) {
			t.Errorf("heard %v, want %v (2 manual runs reported)", events, w)
		}
		if s.Running() {
			t.Error("still running")
		}
	})
}

// Stopping a manual run (its context) says so, and is no offline failure
// to retry.
func TestScheduler_ManualStopped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		var heard outcomes
		s := startSched(t, svc)
		s.Listen(heard.listener())
		svc.set(func() { svc.took = time.Hour })
		ctx, stop := context.WithCancel(context.Background())
		s.Manual(ctx)
		advance(time.Minute)
		stop()
		synctest.Wait()
		_, outs := heard.get()
		if len(outs) != 1 || !outs[0].Manual || !outs[0].Stopped || outs[0].Err == nil {
			t.Fatalf("outcomes %+v, want one stopped manual run", outs)
		}
		advance(Period - time.Second)
		if n := svc.count(); n != 2 {
			t.Fatalf("%d syncs, want 2: a stopped run is not retried as offline", n)
		}
	})
}

// A manual run ends after ManualTimeout even if the officer never stops it.
func TestScheduler_ManualTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		var heard outcomes
		s := startSched(t, svc)
		s.Listen(heard.listener())
		svc.set(func() { svc.took = time.Hour })
		s.Manual(context.Background())
		advance(ManualTimeout)
		_, outs := heard.get()
		if len(outs) != 1 || outs[0].Stopped || app.ErrorCode(outs[0].Err) != app.EOFFLINE {
			t.Fatalf("outcomes %+v, want one manual run ended by its time limit", outs)
		}
	})
}

func TestScheduler_BackgroundTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.took = time.Hour
		var heard outcomes
		s := newSched(t, svc)
		s.Listen(heard.listener())
		s.Start()
		advance(BackgroundTimeout)
		if _, outs := heard.get(); len(outs) != 1 || app.ErrorCode(outs[0].Err) != app.EOFFLINE {
			t.Fatalf("outcomes %+v, want one background run ended by its time limit", outs)
		}
	})
}

// Exclusive work waits for the running sync, and the next sync waits for
// it.
func TestScheduler_ExclusiveBetweenSyncs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.took = 20 * time.Second
		s := newSched(t, svc)
		s.Start() // runs 0–20 s
		advance(time.Second)
		clock := clocktest.Running(t)
		t0 := clock()
		var began, ended time.Duration
		done := make(chan error, 1)
		go func() {
			done <- s.Exclusive(func() error {
				began = clock().Sub(t0)
				if svc.active != 0 {
					t.Error("exclusive work runs during a sync")
				}
				time.Sleep(30 * time.Second)
				ended = clock().Sub(t0)
				return errors.New("restore failed")
			})
		}()
		s.Manual(context.Background()) // asked for while the sync runs, after the exclusive work
		advance(time.Minute)
		if err := <-done; err == nil || err.Error() != "restore failed" {
			t.Fatalf("Exclusive returned %v, want fn's error", err)
		}
		if began != 19*time.Second || ended != 49*time.Second {
			t.Fatalf("exclusive work ran %v–%v after 1 s, want 19s–49s (from the end of the running sync)", began, ended)
		}
		want := []time.Duration{0, 50 * time.Second}
		if got := svc.times(); !equalDurations(got, want) {
			t.Fatalf("syncs at %v, want %v (the manual one after the exclusive work)", got, want)
		}
	})
}

func TestScheduler_StopCancelsAndEndsEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.took = time.Hour
		var heard outcomes
		s := newSched(t, svc)
		s.Listen(heard.listener())
		s.Start()
		synctest.Wait()
		s.Saved()
		s.Stop() // cancels the running sync; no goroutine may be left behind
		synctest.Wait()
		if s.Running() {
			t.Error("a sync still runs after Stop")
		}
		if _, outs := heard.get(); len(outs) != 0 {
			t.Error("a result was reported after Stop")
		}
		advance(time.Hour)
		if n := svc.count(); n != 1 {
			t.Errorf("Sync ran %d times, want 1 (none after Stop)", n)
		}
		s.Start()
		s.Saved()
		s.Manual(context.Background())
		advance(time.Hour)
		if n := svc.count(); n != 1 {
			t.Errorf("a stopped scheduler synced again")
		}
		ran := false
		if err := s.Exclusive(func() error { ran = true; return nil }); err != nil || !ran {
			t.Errorf("Exclusive after Stop: ran %v, %v", ran, err)
		}
	})
}

// The scheduler passes the client's progress on to its listener.
func TestScheduler_TakesOverTheClientsProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &Client{}
		s := NewScheduler(context.Background(), c, func(context.Context) (app.SyncStatus, error) { return app.SyncStatus{}, nil })
		defer s.Stop()
		var got []Progress
		s.Listen(Listener{Progress: func(p Progress) { got = append(got, p) }})
		c.report(Progress{Phase: "push", Pushed: 2})
		if len(got) != 1 || got[0].Pushed != 2 {
			t.Fatalf("progress heard: %+v", got)
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

func equalStrings(a, b []string) bool {
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

// A sync that left evidence files to send (its byte budget spent) is
// followed by the next one FilesDelay after, not Period: a large file
// goes on at once, a run at a time, records in between.
func TestScheduler_FilesLeftSyncAgainSoon(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		var s *Scheduler
		runs := 0
		svc.during = func() {
			runs++
			s.filesLeft.Store(runs <= 2) // the first two runs leave files
		}
		s = newSched(t, svc)
		s.Start()
		synctest.Wait()
		advance(6 * time.Minute)
		want := []time.Duration{0, FilesDelay, 2 * FilesDelay, 2*FilesDelay + Period}
		if got := svc.times(); !equalDurations(got, want) {
			t.Fatalf("syncs at %v, want %v", got, want)
		}
	})
}

// TestScheduler_OutcomeCountsPulled: each run's outcome says how many
// records its sync stored from the server (the window keeps the case
// facts after a sync that pulled some), a failed sync's included.
func TestScheduler_OutcomeCountsPulled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.pulled = 12
		var heard outcomes
		s := newSched(t, svc)
		s.Listen(heard.listener())
		s.Start()
		synctest.Wait()
		svc.set(func() { svc.pulled, svc.errs = 5, []error{errOffline} })
		s.Manual(context.Background())
		synctest.Wait()
		svc.set(func() { svc.pulled = 0 })
		s.Manual(context.Background())
		synctest.Wait()
		_, list := heard.get()
		var got []int
		for _, o := range list {
			got = append(got, o.Pulled)
		}
		if want := []int{12, 5, 0}; !slices.Equal(got, want) {
			t.Fatalf("pulled %v, want %v", got, want)
		}
	})
}
