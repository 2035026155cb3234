package ui

import (
	"context"
	"sync"
	"time"

	"bvntd/app"
)

// Timings of the background sync.
const (
	// saveSyncDelay is how long after the last save a sync starts, so that
	// a burst of saves sends one batch.
	saveSyncDelay = 10 * time.Second
	// periodicSync is how long after the end of a sync the next one starts
	// on its own, to receive what other devices sent.
	periodicSync = 5 * time.Minute
	// After a sync failed for want of a network, it is retried after
	// offlineRetryFirst, then twice as long each time, at most
	// offlineRetryMax, so that the network coming back is noticed soon.
	offlineRetryFirst = 30 * time.Second
	offlineRetryMax   = 5 * time.Minute
	// backgroundSyncTimeout bounds one background sync, including the sync
	// client's own retries of failed requests.
	backgroundSyncTimeout = 2 * time.Minute
)

// syncResult is the outcome of one run of the scheduler.
type syncResult struct {
	Manual  bool // started with "Đồng bộ ngay"
	Stopped bool // a manual run the officer stopped with "Dừng"
	// Skipped: the device is not enrolled, or the server wants a newer app,
	// so no sync was made (Status says which).
	Skipped   bool
	Err       error          // of SyncNow
	Status    app.SyncStatus // read after the sync
	StatusErr error
}

// syncRun is one sync to make.
type syncRun struct {
	manual bool
	ctx    context.Context                                // manual runs: the panel's, so that "Dừng" cancels it
	done   func(err error, st app.SyncStatus, serr error) // manual runs: called off the Fyne goroutine
}

// bgSync runs syncs in the background: one at a time, never on the Fyne
// goroutine, saveSyncDelay after the last save, periodicSync after the last
// sync, and after an offline failure again and again with a growing delay.
// It pauses while the device is not enrolled or must be updated. The
// panel's "Đồng bộ ngay" goes through it too, so that two syncs never
// overlap.
//
// All methods may be called from any goroutine; none waits for a sync,
// which runs through run.
type bgSync struct {
	svc SyncService
	run func(func()) // runs a sync off the Fyne goroutine
	// afterFunc is time.AfterFunc returning the timer's Stop; tests may
	// replace it (or run under testing/synctest).
	afterFunc func(d time.Duration, f func()) (stop func() bool)

	debounce, period, retryFirst, retryMax, timeout time.Duration

	// onStart is called, off the Fyne goroutine, when a sync starts;
	// onDone after every run, skipped ones included.
	onStart func(manual bool)
	onDone  func(syncResult)

	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	started  bool // Start was called: timers are armed
	stopped  bool
	running  bool
	wanted   bool      // a background sync was asked for while one ran
	manualQ  []syncRun // "Đồng bộ ngay" taps waiting for the running sync
	paused   bool      // not enrolled or update required
	retry    time.Duration
	stopSave func() bool // the pending after-save timer
	stopNext func() bool // the pending periodic or retry timer
}

func newBgSync(ctx context.Context, svc SyncService, run func(func())) *bgSync {
	s := &bgSync{svc: svc, run: run,
		afterFunc: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop },
		debounce:  saveSyncDelay, period: periodicSync,
		retryFirst: offlineRetryFirst, retryMax: offlineRetryMax, timeout: backgroundSyncTimeout,
		onStart: func(bool) {}, onDone: func(syncResult) {},
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	return s
}

// Start syncs now (if the device is enrolled) and from then on in the
// background. It does nothing after the first call or after Stop.
func (s *bgSync) Start() {
	s.mu.Lock()
	if s.started || s.stopped {
		s.mu.Unlock()
		return
	}
	s.started = true
	s.mu.Unlock()
	s.request()
}

// Stop cancels the running sync and every timer; nothing runs afterwards.
func (s *bgSync) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.manualQ = nil
	s.stopTimersLocked()
	s.mu.Unlock()
	s.cancel()
}

// Saved schedules a sync saveSyncDelay from now; a later save moves it.
func (s *bgSync) Saved() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || s.stopped || s.paused {
		return
	}
	if s.stopSave != nil {
		s.stopSave()
	}
	s.stopSave = s.afterFunc(s.debounce, s.request)
}

// Manual runs a sync for the panel's button with ctx, after the running
// one if any, and then calls done off the Fyne goroutine. It runs even
// when background syncs are paused.
func (s *bgSync) Manual(ctx context.Context, done func(err error, st app.SyncStatus, serr error)) {
	s.enqueue(&syncRun{manual: true, ctx: ctx, done: done})
}

// NoteStatus resumes paused background syncs once st says the device is
// enrolled and up to date.
func (s *bgSync) NoteStatus(st app.SyncStatus) {
	s.mu.Lock()
	resume := s.started && !s.stopped && s.paused && st.Enrolled && st.UpdateRequired == ""
	if resume {
		s.paused = false
	}
	s.mu.Unlock()
	if resume {
		s.request()
	}
}

// Running reports whether a sync is running.
func (s *bgSync) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// request asks for a background sync.
func (s *bgSync) request() { s.enqueue(nil) }

func (s *bgSync) enqueue(r *syncRun) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	if r != nil {
		s.manualQ = append(s.manualQ, *r)
	} else {
		s.wanted = true
	}
	if s.running {
		s.mu.Unlock()
		return
	}
	s.running = true
	next := s.takeLocked()
	s.mu.Unlock()
	s.run(func() { s.work(next) })
}

// takeLocked picks the next run: a waiting manual one first (it also
// serves any background wish), else a background one.
func (s *bgSync) takeLocked() syncRun {
	if s.stopNext != nil { // a sync now replaces the next timed one
		s.stopNext()
		s.stopNext = nil
	}
	s.wanted = false
	if len(s.manualQ) > 0 {
		r := s.manualQ[0]
		s.manualQ = s.manualQ[1:]
		return r
	}
	return syncRun{}
}

// work makes run r, then any run asked for meanwhile.
func (s *bgSync) work(r syncRun) {
	for {
		res := s.once(r)
		s.mu.Lock()
		if s.stopped {
			s.running = false
			s.mu.Unlock()
			return
		}
		s.afterRunLocked(res)
		more := s.wanted || len(s.manualQ) > 0
		var next syncRun
		if more {
			next = s.takeLocked()
		} else {
			s.running = false
		}
		s.mu.Unlock()

		if r.done != nil {
			r.done(res.Err, res.Status, res.StatusErr)
		}
		s.onDone(res)
		if !more {
			return
		}
		r = next
	}
}

// once makes one run: a background one first checks that the device may
// sync at all.
func (s *bgSync) once(r syncRun) syncResult {
	res := syncResult{Manual: r.manual}
	ctx := s.ctx
	if r.manual {
		ctx = r.ctx
	} else {
		st, err := s.svc.Status(s.ctx)
		if err == nil && (!st.Enrolled || st.UpdateRequired != "") {
			res.Skipped, res.Status = true, st
			return res
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	s.onStart(r.manual)
	res.Err = s.svc.SyncNow(ctx)
	res.Stopped = r.manual && ctx.Err() != nil
	res.Status, res.StatusErr = s.svc.Status(s.ctx)
	return res
}

// afterRunLocked pauses, or arms the timer of the next background sync:
// a retry after an offline failure, else the periodic one.
func (s *bgSync) afterRunLocked(res syncResult) {
	if res.Skipped {
		s.paused = true
		s.retry = 0
		s.stopTimersLocked()
		return
	}
	if res.StatusErr == nil && (!res.Status.Enrolled || res.Status.UpdateRequired != "") {
		s.paused = true // e.g. the server refused this version just now
		s.retry = 0
		s.stopTimersLocked()
		return
	}
	s.paused = false
	if !s.started {
		return
	}
	delay := s.period
	if app.ErrorCode(res.Err) == app.EOFFLINE && !res.Stopped {
		if s.retry == 0 {
			s.retry = s.retryFirst
		} else {
			s.retry = min(2*s.retry, s.retryMax)
		}
		delay = s.retry
	} else {
		s.retry = 0
	}
	if s.stopNext != nil {
		s.stopNext()
	}
	s.stopNext = s.afterFunc(delay, s.request)
}

func (s *bgSync) stopTimersLocked() {
	if s.stopSave != nil {
		s.stopSave()
		s.stopSave = nil
	}
	if s.stopNext != nil {
		s.stopNext()
		s.stopNext = nil
	}
}
