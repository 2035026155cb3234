package ui

import (
	"context"
	"log/slog"
	"sync"
)

// FactsKeeper keeps each case's facts (the store's case_facts), which the
// dashboard reads instead of every step: computed in the background after
// a sync stored pulled records, or after a new build, the first dashboard
// then is as quick as the next.
type FactsKeeper interface {
	// KeepCaseFacts computes and keeps the facts of the cases that have
	// none kept, a batch at a time, until ctx ends; it returns how many
	// it kept. With every case's kept it costs a query.
	KeepCaseFacts(ctx context.Context) (kept int, err error)
}

// factsKeeping runs a FactsKeeper off the Fyne goroutine, one run at a
// time: a run asked for while one runs follows it. It rests while the
// window is locked (or shows the sign-in screen) and once it is closed:
// a run asked for, or cut by the lock, starts when an officer signs in.
// It also stands aside while the dashboard loads (hold), which computes
// and keeps the facts it lacks itself: the run cut goes on after.
type factsKeeping struct {
	keeper FactsKeeper // nil: nothing to do
	parent context.Context
	run    func(func())

	runs sync.WaitGroup // the run going on

	mu      sync.Mutex
	running bool
	again   bool // asked for while running, resting or held
	resting bool
	holds   int                // dashboards loading
	cancel  context.CancelFunc // the running one's
}

func newFactsKeeping(parent context.Context, keeper FactsKeeper, run func(func()), resting bool) *factsKeeping {
	return &factsKeeping{keeper: keeper, parent: parent, run: run, resting: resting}
}

// ask asks for a run: now, or after the running one, or once the window
// is unlocked.
func (k *factsKeeping) ask() {
	if k == nil || k.keeper == nil {
		return
	}
	k.mu.Lock()
	k.again = true
	k.resume()
}

// paused: no run may start now (k.mu held).
func (k *factsKeeping) paused() bool { return k.resting || k.holds > 0 }

// begin marks a run started and returns its context (k.mu held).
func (k *factsKeeping) begin() context.Context {
	ctx, cancel := context.WithCancel(k.parent)
	k.running, k.again, k.cancel = true, false, cancel
	return ctx
}

// start runs the loop from ctx (begin's; k.runs counts it already).
func (k *factsKeeping) start(ctx context.Context) {
	k.run(func() {
		defer k.runs.Done()
		k.loop(ctx)
	})
}

// wait waits for the run going on to end (after the window's context
// ended, it ends after its batch).
func (k *factsKeeping) wait() {
	if k != nil {
		k.runs.Wait()
	}
}

// loop runs the keeper, and again while runs are asked for meanwhile.
func (k *factsKeeping) loop(ctx context.Context) {
	for {
		n, err := k.keeper.KeepCaseFacts(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logError("keep case facts", err)
		case n > 0:
			slog.Info("kpi facts kept in the background", "cases", n, "complete", err == nil)
		}
		k.mu.Lock()
		cut := ctx.Err() != nil
		k.cancel()
		if cut && k.parent.Err() == nil {
			k.again = true // locked or held meanwhile: the rest after
		}
		if !k.again || k.paused() || k.parent.Err() != nil {
			k.running = false
			k.mu.Unlock()
			return
		}
		ctx = k.begin()
		k.mu.Unlock()
	}
}

// rest stops the running run, if any, and starts none until wake.
func (k *factsKeeping) rest() {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.resting = true
	if k.running {
		k.cancel()
	}
}

// wake ends the rest: a run asked for meanwhile starts.
func (k *factsKeeping) wake() {
	if k == nil || k.keeper == nil {
		return
	}
	k.mu.Lock()
	k.resting = false
	k.resume()
}

// hold stops the running run, if any, and starts none until the release
// it returns is called (once): the dashboard loads meanwhile.
func (k *factsKeeping) hold() (release func()) {
	if k == nil || k.keeper == nil {
		return func() {}
	}
	k.mu.Lock()
	k.holds++
	if k.running {
		k.cancel()
	}
	k.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			k.mu.Lock()
			k.holds--
			k.resume()
		})
	}
}

// resume starts a run asked for meanwhile, if one may start now (k.mu
// held; it unlocks it).
func (k *factsKeeping) resume() {
	if !k.again || k.running || k.paused() || k.parent.Err() != nil {
		k.mu.Unlock()
		return
	}
	ctx := k.begin()
	k.runs.Add(1) // under k.mu: wait does not miss it
	k.mu.Unlock()
	k.start(ctx)
}

// KeepCaseFacts asks for the cases' facts to be kept in the background
// (Services.Facts): the desktop program calls it once at start, after the
// check of the store, so that a new build's or a new time limit's first
// dashboard does not compute them all. It may be called from any
// goroutine.
func (u *UI) KeepCaseFacts() {
	u.facts.ask()
}

// WaitForBackground waits, after Close, for the background work that
// reads and writes the store (the keeping of the case facts) to end: the
// desktop program calls it before it closes the store.
func (u *UI) WaitForBackground() {
	u.facts.wait()
}
