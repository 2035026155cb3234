package syncclient

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"bvntd/app"
)

// Timings of the scheduler.
const (
	// SaveDelay is how long after the last save a sync starts, so that a
	// burst of saves sends one batch.
	SaveDelay = 10 * time.Second
	// Period is how long after the end of a sync the next one starts on
	// its own, to receive what other devices sent.
	Period = 5 * time.Minute
	// After a sync failed for want of a network, it is retried after
	// OfflineRetryFirst, then twice as long each time, at most
	// OfflineRetryMax, so that the network coming back is noticed soon.
	OfflineRetryFirst = 30 * time.Second
	OfflineRetryMax   = 5 * time.Minute
	// FilesDelay is how long after a sync that left evidence files to send
	// (its byte budget spent: Result.Files.Pending) the next one starts,
	// so that a large file goes on at once while records still get in
	// between its pieces.
	FilesDelay = 10 * time.Second
	// BackgroundTimeout bounds one background sync, ManualTimeout one
	// asked for with Manual; both include the client's own retries of
	// failed requests, which would otherwise go on until the network
	// comes back.
	BackgroundTimeout = 2 * time.Minute
	ManualTimeout     = 5 * time.Minute
	// FirstContactTimeout bounds how long a sync may take to reach its
	// server. Until then a failed attempt is not retried within the sync
	// (the Client's FirstContact): a server down or out of reach ends the
	// run with a plain reason within 15 s, "Đồng bộ ngay" is free again,
	// and the retries go on in the background (OfflineRetryFirst…). Once
	// the server was reached, a failed request is retried within the sync
	// (a weak link), up to the run's timeout.
	FirstContactTimeout = 15 * time.Second
)

// Outcome is what one run of the scheduler came to.
type Outcome struct {
	Manual bool // asked for with Manual ("Đồng bộ ngay")
	// Stopped: a manual run whose context ended (the officer stopped it),
	// or a run that Interrupt ended.
	Stopped bool
	// Skipped: a background run found the device not enrolled, or the
	// server wanting a newer app, and made no sync (Status says which).
	Skipped bool
	Err     error // of Client.Sync
	// Pulled counts the records the sync stored from the server
	// (Result.Pulled), a failed sync's pages before its failure included.
	Pulled    int
	Status    app.SyncStatus // read after the run
	StatusErr error
}

// Listener hears what the scheduler does. Its functions are called one at
// a time, in order (Started, Progress…, Finished), off the caller's
// goroutine and never once Stop has returned. They must return soon and
// must not call Stop or Exclusive (the scheduler waits for them). A nil
// function is skipped.
type Listener struct {
	Started  func(manual bool)
	Progress func(Progress)
	Finished func(Outcome)
}

// Scheduler runs a Client's syncs for a program that stays open (the
// desktop window): never two at once, SaveDelay after the last save,
// Period after the end of the last sync, and after a sync that failed for
// want of a network again and again with a growing delay
// (OfflineRetryFirst … OfflineRetryMax); a run that has not reached the
// server ends at its first failed attempt or after FirstContactTimeout, so
// that the retries happen here rather than behind a busy "Đồng bộ ngay".
// It pauses while the device is not enrolled or must be updated, and
// resumes when NoteStatus says it may sync again. Manual runs ("Đồng bộ
// ngay") queue behind the running sync and run even while paused;
// Exclusive runs other work (a restore) between syncs, ExclusiveNow (an
// enrolment) after ending the running one.
//
// One goroutine, started by NewScheduler, waits on the requests (saves,
// manual runs, exclusive work, statuses), the save timer, the timer of the
// next periodic or retry sync, the end of the running job and the
// context. Each job runs on a goroutine of its own, one at a time, so that
// the scheduler keeps listening meanwhile (a save during a sync moves the
// save timer, Stop cancels the sync at once). Its timers read no date.
//
// All methods may be called from any goroutine; none but Exclusive and
// Stop waits for a sync.
type Scheduler struct {
	sync func(ctx context.Context) (Result, error) // the Client's Sync; tests replace it
	// filesLeft: the last sync left evidence files to send (FilesDelay).
	filesLeft atomic.Bool
	status    func(ctx context.Context) (app.SyncStatus, error) // the device's sync state

	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{} // the inbox has something for the loop
	exited chan struct{} // closed when the loop has returned
	late   sync.Mutex    // Exclusive work after the loop has ended, one at a time

	mu       sync.Mutex // guards what follows: the inbox and what the loop shows
	listener Listener
	started  bool            // Start was called
	saved    bool            // a save the loop has not seen yet
	noted    *app.SyncStatus // the last status NoteStatus was told of, not seen yet
	jobs     []*job          // manual runs and exclusive work the loop has not seen yet
	running  bool
	ended    bool // the loop has returned: nothing runs any more
	// stopRun ends the running sync (nil when none runs); interrupted:
	// Interrupt called it.
	stopRun     context.CancelFunc
	interrupted bool
}

// job is one run: a background sync, a manual one, or exclusive work.
type job struct {
	manual bool
	ctx    context.Context // a manual run's
	fn     func() error    // exclusive work
	done   chan error      // exclusive work's result
}

// ran is what the loop learns when a job has run.
type ran struct {
	exclusive bool
	out       Outcome // of a sync
}

// NewScheduler returns a scheduler of c's syncs and starts its goroutine,
// which ends with ctx or Stop. status reads the device's sync state:
// whether it may sync, and what Finished reports after each run. The
// scheduler takes over c.Progress to pass progress on to its Listener.
// Background syncs begin with Start.
func NewScheduler(ctx context.Context, c *Client, status func(context.Context) (app.SyncStatus, error)) *Scheduler {
	s := newScheduler(ctx, c.Sync, status)
	c.Progress = s.progress
	return s
}

func newScheduler(ctx context.Context, syncFn func(context.Context) (Result, error), status func(context.Context) (app.SyncStatus, error)) *Scheduler {
	s := &Scheduler{sync: syncFn, status: status, wake: make(chan struct{}, 1), exited: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(ctx)
	go s.loop()
	return s
}

// Listen sets what hears the scheduler from now on.
func (s *Scheduler) Listen(l Listener) {
	s.mu.Lock()
	s.listener = l
	s.mu.Unlock()
}

// Start syncs now (if the device may) and from then on in the background.
// Calls after the first, or after Stop, do nothing.
func (s *Scheduler) Start() {
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.poke()
}

// Stop cancels the running sync and every timer, and waits for the
// scheduler's goroutines to end: nothing is reported or run afterwards
// (Exclusive then runs its work at once).
func (s *Scheduler) Stop() {
	s.cancel()
	<-s.exited
}

// Saved schedules a sync SaveDelay from now; a later save moves it. It
// does nothing before Start or while paused.
func (s *Scheduler) Saved() {
	s.mu.Lock()
	s.saved = true
	s.mu.Unlock()
	s.poke()
}

// Manual runs a sync with ctx, bounded by ManualTimeout (and by
// FirstContactTimeout until the server is reached), after the running one if any, even while background syncs are paused; Finished reports it
// with Manual set, and with Stopped if ctx ended.
func (s *Scheduler) Manual(ctx context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	s.enqueue(&job{manual: true, ctx: ctx})
}

// NoteStatus resumes paused background syncs once st says the device is
// enrolled and up to date.
func (s *Scheduler) NoteStatus(st app.SyncStatus) {
	s.mu.Lock()
	s.noted = &st
	s.mu.Unlock()
	s.poke()
}

// Exclusive runs fn while no sync runs: it waits for the running one, runs
// fn before the next and returns fn's error. A restore from a backup must
// not meet a pull writing cursors into the store it replaces, nor an
// enrolment a sync with the server it replaces.
func (s *Scheduler) Exclusive(fn func() error) error {
	return s.exclusive(fn, false)
}

// ExclusiveNow is Exclusive, but ends the running sync (Interrupt) rather
// than waiting for it: an enrolment, which replaces the server that sync
// talks to, and which the officer waits for.
func (s *Scheduler) ExclusiveNow(fn func() error) error {
	return s.exclusive(fn, true)
}

func (s *Scheduler) exclusive(fn func() error, interrupt bool) error {
	j := &job{fn: fn, done: make(chan error, 1)}
	if !s.enqueue(j) { // the loop has ended: no sync runs any more
		s.late.Lock()
		defer s.late.Unlock()
		return fn()
	}
	if interrupt {
		// Queued first: no other sync starts before fn (take).
		s.Interrupt()
	}
	return <-j.done
}

// Interrupt ends the running sync, if any, as Stop would but for that run
// only (its outcome has Stopped set): an enrolment must not wait for a
// sync with the server it replaces. Exclusive work is not interrupted.
func (s *Scheduler) Interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopRun != nil {
		s.interrupted = true
		s.stopRun()
	}
}

// Running reports whether a sync, or exclusive work, runs.
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// enqueue hands j to the loop; false once the loop has ended.
func (s *Scheduler) enqueue(j *job) bool {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return false
	}
	s.jobs = append(s.jobs, j)
	s.mu.Unlock()
	s.poke()
	return true
}

// poke wakes the loop up to read the inbox.
func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

func (s *Scheduler) listen() Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listener
}

func (s *Scheduler) progress(p Progress) {
	if l := s.listen(); l.Progress != nil && s.ctx.Err() == nil {
		l.Progress(p)
	}
}

// loopState is what the loop alone reads and writes.
type loopState struct {
	started bool
	paused  bool // not enrolled or update required
	wanted  bool // a background sync is due
	retry   time.Duration
	queue   []*job // manual runs and exclusive work waiting for the running job
}

// loop is the scheduler's goroutine.
func (s *Scheduler) loop() {
	defer close(s.exited)
	var st loopState
	saveTimer := time.NewTimer(SaveDelay)
	nextTimer := time.NewTimer(Period) // the next periodic or retry sync
	saveTimer.Stop()
	nextTimer.Stop()
	defer saveTimer.Stop()
	defer nextTimer.Stop()
	running := false
	done := make(chan ran)
	for {
		select {
		case <-s.ctx.Done():
			if running {
				<-done
			}
			s.end(st.queue)
			return
		case <-s.wake:
		case <-saveTimer.C:
			st.wanted = true
		case <-nextTimer.C:
			st.wanted = true
		case r := <-done:
			running = false
			s.setRunning(false)
			if r.exclusive {
				break
			}
			delay, arm := st.after(r.out)
			if arm && r.out.Err == nil && s.filesLeft.Load() {
				delay = min(delay, FilesDelay)
			}
			if st.paused {
				saveTimer.Stop()
				nextTimer.Stop()
			} else if arm {
				nextTimer.Reset(delay)
			}
			if l := s.listen(); l.Finished != nil && s.ctx.Err() == nil {
				l.Finished(r.out)
			}
		}

		// The inbox.
		s.mu.Lock()
		started, saved, noted, jobs := s.started, s.saved, s.noted, s.jobs
		s.saved, s.noted, s.jobs = false, nil, nil
		s.mu.Unlock()
		if started && !st.started {
			st.started, st.wanted = true, true // Start syncs now
		}
		if saved && st.started && !st.paused {
			saveTimer.Reset(SaveDelay)
		}
		if noted != nil && st.started && st.paused && noted.Enrolled && noted.UpdateRequired == "" {
			st.paused, st.wanted = false, true
		}
		st.queue = append(st.queue, jobs...)

		if running {
			continue
		}
		j := st.take()
		if j == nil {
			continue
		}
		if j.fn == nil {
			nextTimer.Stop() // a sync now replaces the next timed one
		}
		running = true
		s.setRunning(true)
		go func() { done <- s.run(j) }()
	}
}

// take picks the next job: exclusive work first (it waits for the running
// sync only), then a waiting manual run (which also serves any background
// wish), else a background sync if one is due.
func (st *loopState) take() *job {
	for i, j := range st.queue {
		if j.fn != nil {
			st.queue = append(st.queue[:i:i], st.queue[i+1:]...)
			return j
		}
	}
	if len(st.queue) > 0 {
		j := st.queue[0]
		st.queue = st.queue[1:]
		st.wanted = false
		return j
	}
	if st.wanted {
		st.wanted = false
		return &job{}
	}
	return nil
}

// after follows the outcome of a sync: it pauses (the device is not
// enrolled, or must be updated), or returns the delay of the next
// background sync, a retry after an offline failure or else the periodic
// one (arm is false before Start).
func (st *loopState) after(out Outcome) (delay time.Duration, arm bool) {
	if out.Skipped || out.StatusErr == nil && (!out.Status.Enrolled || out.Status.UpdateRequired != "") {
		st.paused, st.retry = true, 0 // e.g. the server refused this version just now
		return 0, false
	}
	st.paused = false
	if !st.started {
		return 0, false
	}
	if app.ErrorCode(out.Err) == app.EOFFLINE && !out.Stopped {
		if st.retry == 0 {
			st.retry = OfflineRetryFirst
		} else {
			st.retry = min(2*st.retry, OfflineRetryMax)
		}
		return st.retry, true
	}
	st.retry = 0
	return Period, true
}

// run runs job j on its own goroutine.
func (s *Scheduler) run(j *job) ran {
	if j.fn != nil {
		j.done <- j.fn()
		return ran{exclusive: true}
	}
	return ran{out: s.once(j)}
}

// once makes one sync: a background one first checks that the device may
// sync at all.
func (s *Scheduler) once(j *job) Outcome {
	out := Outcome{Manual: j.manual}
	var (
		ctx    context.Context
		cancel context.CancelFunc
	)
	if j.manual {
		ctx, cancel = context.WithTimeout(j.ctx, ManualTimeout)
		defer context.AfterFunc(s.ctx, cancel)() // Stop ends it too
	} else {
		st, err := s.status(s.ctx)
		if err == nil && (!st.Enrolled || st.UpdateRequired != "") {
			out.Skipped, out.Status = true, st
			return out
		}
		ctx, cancel = context.WithTimeout(s.ctx, BackgroundTimeout)
	}
	defer cancel()
	ctx, fc := WithFirstContact(ctx)
	unreached := time.AfterFunc(FirstContactTimeout, func() {
		if !fc.Reached() {
			cancel()
		}
	})
	defer unreached.Stop()
	s.mu.Lock()
	s.stopRun, s.interrupted = cancel, false
	s.mu.Unlock()
	if l := s.listen(); l.Started != nil && s.ctx.Err() == nil {
		l.Started(j.manual)
	}
	s.filesLeft.Store(false)
	res, err := s.sync(ctx)
	if err == nil && res.Files.Pending > 0 {
		s.filesLeft.Store(true)
	}
	out.Err, out.Pulled = err, res.Pulled
	s.mu.Lock()
	out.Stopped = j.manual && j.ctx.Err() != nil || s.interrupted
	s.stopRun, s.interrupted = nil, false
	s.mu.Unlock()
	out.Status, out.StatusErr = s.status(s.ctx)
	return out
}

func (s *Scheduler) setRunning(on bool) {
	s.mu.Lock()
	s.running = on
	s.mu.Unlock()
}

// end closes the inbox when the loop returns: the exclusive work still
// waiting runs now, the manual runs are dropped.
func (s *Scheduler) end(queue []*job) {
	s.mu.Lock()
	s.ended, s.running = true, false
	queue = append(queue, s.jobs...)
	s.jobs = nil
	s.mu.Unlock()
	s.late.Lock()
	defer s.late.Unlock()
	for _, j := range queue {
		if j.fn != nil {
			j.done <- j.fn()
		}
	}
}
