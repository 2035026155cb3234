package ui

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"

	"fyne.io/fyne/v2/test"
)

// countingKeeper is a FactsKeeper that counts its runs and what they
// kept, passing them on to next (nil: it keeps nothing). during, if set,
// runs in each run with its context.
type countingKeeper struct {
	next   FactsKeeper
	mu     sync.Mutex
	runs   int
	kept   []int
	during func(ctx context.Context)
}

func (k *countingKeeper) KeepCaseFacts(ctx context.Context) (int, error) {
	k.mu.Lock()
	k.runs++
	during := k.during
	k.mu.Unlock()
	if during != nil {
		during(ctx)
	}
	n, err := 0, ctx.Err()
	if k.next != nil && err == nil {
		n, err = k.next.KeepCaseFacts(ctx)
	}
	k.mu.Lock()
	k.kept = append(k.kept, n)
	k.mu.Unlock()
	return n, err
}

func (k *countingKeeper) count() (int, []int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.runs, append([]int(nil), k.kept...)
}

// TestUI_KeepsFactsAfterASyncThatPulled: the window keeps the case facts
// in the background after a sync that stored pulled records (a failed one
// too), not after one that pulled nothing, nor after a skipped one; at
// start when asked (after the check of the store); never two runs at
// once, a run asked for meanwhile following the running one; none once
// the window is closed.
func TestUI_KeepsFactsAfterASyncThatPulled(t *testing.T) {
	fx := newFixture(t)
	runs := func(want int, what string) {
		t.Helper()
		if n, _ := fx.facts.count(); n != want {
			t.Fatalf("%s: %d runs of the keeper, want %d", what, n, want)
		}
	}
	fx.sched.background()
	runs(0, "a sync that pulled nothing")
	fx.ui.KeepCaseFacts()
	runs(1, "at start")

	fx.sync.pulled = 40
	fx.sched.background()
	runs(2, "a background sync that pulled 40")
	fx.sched.Manual(context.Background())
	runs(3, "a manual sync that pulled 40")
	fx.sync.syncErr = errOffline
	fx.sched.background()
	runs(4, "a failed sync that pulled 40 first")
	fx.sync.syncErr, fx.sync.pulled = nil, 0
	fx.sched.background()
	runs(4, "a sync that pulled nothing")
	fx.ui.syncFinished(SyncOutcome{Skipped: true, Status: app.SyncStatus{}})
	runs(4, "a skipped sync")

	// Asked for during a run: once more after it, not at once.
	fx.facts.during = func(context.Context) {
		fx.facts.during = nil // the second run asks nothing
		fx.ui.syncFinished(SyncOutcome{Pulled: 3, Status: app.SyncStatus{Enrolled: true}})
		fx.ui.syncFinished(SyncOutcome{Pulled: 5, Status: app.SyncStatus{Enrolled: true}})
		if n, _ := fx.facts.count(); n != 5 {
			t.Errorf("a second run during the first: %d runs", n)
		}
	}
	fx.ui.syncFinished(SyncOutcome{Pulled: 2, Status: app.SyncStatus{Enrolled: true}})
	runs(6, "two syncs during a run")

	fx.ui.Close()
	fx.ui.WaitForBackground()
	fx.ui.syncFinished(SyncOutcome{Pulled: 2, Status: app.SyncStatus{Enrolled: true}})
	runs(6, "after the window closed")
}

// TestUI_KeepsFactsWhenSignedIn keeps the facts of cases pulled into a
// real store: not while the sign-in screen or the lock screen shows (the
// laptop rests with the officer), but once an officer signs in; a run cut
// by the lock goes on after the next sign-in.
func TestUI_KeepsFactsWhenSignedIn(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	keeper := &countingKeeper{next: fx.db}
	fx.facts = keeper
	pullCases(t, fx, 1, 30)
	fx.open(nil)
	fx.ui.KeepCaseFacts() // at start, on the sign-in screen
	fx.ui.syncFinished(SyncOutcome{Pulled: 30, Status: app.SyncStatus{Enrolled: true}})
	if n, _ := keeper.count(); n != 0 {
		t.Fatalf("%d runs on the sign-in screen", n)
	}
	fx.signInAs("Phạm Thị Lan", pinLan)
	lastRun(t, keeper, 1, 30, "after the sign-in")

	// Locked: a sync's pulled cases wait for the next sign-in.
	fx.ui.session.lock()
	pullCases(t, fx, 31, 12)
	fx.ui.syncFinished(SyncOutcome{Pulled: 12, Status: app.SyncStatus{Enrolled: true}})
	if n, _ := keeper.count(); n != 1 {
		t.Fatalf("%d runs while locked", n)
	}
	fx.signInAs("Phạm Thị Lan", pinLan)
	lastRun(t, keeper, 2, 12, "after the second sign-in")

	// The lock cuts a run: it goes on after the sign-in.
	pullCases(t, fx, 43, 5)
	keeper.during = func(context.Context) {
		keeper.during = nil
		fx.ui.session.lock()
	}
	fx.ui.syncFinished(SyncOutcome{Pulled: 5, Status: app.SyncStatus{Enrolled: true}})
	lastRun(t, keeper, 3, 0, "a run cut by the lock")
	fx.signInAs("Phạm Thị Lan", pinLan)
	lastRun(t, keeper, 4, 5, "after the sign-in")
	fx.ui.KeepCaseFacts()
	lastRun(t, keeper, 5, 0, "with every case kept")
}

// lastRun checks that keeper ran runs times, the last keeping kept cases'
// facts.
func lastRun(t *testing.T, keeper *countingKeeper, runs, kept int, what string) {
	t.Helper()
	if n, k := keeper.count(); n != runs || k[n-1] != kept {
		t.Fatalf("%s: %d runs, kept %v; want %d runs, the last keeping %d", what, n, k, runs, kept)
	}
}

// pullCases pulls n cases of 28261 into the store, at server versions
// from first, as another laptop of the commune wrote them.
func pullCases(t *testing.T, fx *signInFixture, first, n int) {
	t.Helper()
	now := fx.clock.Now().UTC().Truncate(time.Second)
	for i := range n {
		v := int64(first + i)
		c := app.Case{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261", CreatedAt: now, UpdatedAt: now, CreatedBy: "Máy khác"},
			Number: fmt.Sprintf("28261-2026-K2M9-%04d", v), ReceivedAt: now.Add(-time.Duration(v) * time.Hour), Channel: "truc_tiep",
			Kind: "khieu_nai", ConsumerName: "Người Thử", BusinessName: "Cửa hàng Thử", Sector: "thuc_pham_do_uong",
			Summary: "Mua hàng lỗi.", Status: app.StatusReceived}
		if _, err := fx.db.ApplyPull(context.Background(), pulled(app.EntityCase, c.ID, v, c.Fields())); err != nil {
			t.Fatalf("pull: %v", err)
		}
	}
}

// holdingKPI is a KPIService that notes whether the facts' keeping was
// held while it loaded.
type holdingKPI struct {
	k    *factsKeeping
	held []int
}

func (s *holdingKPI) KPIData(context.Context, string) (*app.KPIData, error) {
	s.k.mu.Lock()
	s.held = append(s.held, s.k.holds)
	s.k.mu.Unlock()
	return &app.KPIData{}, nil
}

// TestFactsKeeping_StandsAsideForTheDashboard: while the dashboard loads
// (and computes the facts it lacks), no run of the keeper starts, and a
// running one is cut; the run asked for or cut starts once it has loaded.
func TestFactsKeeping_StandsAsideForTheDashboard(t *testing.T) {
	keeper := &countingKeeper{}
	k := newFactsKeeping(context.Background(), keeper, inline, false)
	release := k.hold()
	k.ask()
	if n, _ := keeper.count(); n != 0 {
		t.Fatalf("%d runs while the dashboard loads", n)
	}
	release()
	release() // once only
	lastRun(t, keeper, 1, 0, "once loaded")

	// A run cut by a dashboard's load goes on after it.
	var cut bool
	keeper.during = func(ctx context.Context) {
		keeper.during = nil
		release = k.hold()
		cut = ctx.Err() != nil
	}
	k.ask()
	if n, _ := keeper.count(); n != 2 || !cut {
		t.Fatalf("%d runs, cut %v; want the second cut by the load", n, cut)
	}
	release()
	lastRun(t, keeper, 3, 0, "after the load")

	// The dashboard holds it while it loads, and only then.
	test.NewTempApp(t)
	kpi := &holdingKPI{k: k}
	v := newDashboard(formDeps{ctx: context.Background(), win: test.NewTempWindow(t, nil), unit: "28261", run: inline,
		now: clocktest.New(dashNow).Now}, kpi)
	v.hold = k.hold
	v.reload()
	if len(kpi.held) != 1 || kpi.held[0] != 1 || k.holds != 0 {
		t.Fatalf("held %v while loading, %d after", kpi.held, k.holds)
	}
}

// overlapKeeper notes whether two runs ever overlapped.
type overlapKeeper struct {
	mu            sync.Mutex
	active, most  int
	runs          int
	afterWaitRuns int
	waited        bool
}

func (k *overlapKeeper) KeepCaseFacts(ctx context.Context) (int, error) {
	k.mu.Lock()
	k.active++
	k.runs++
	k.most = max(k.most, k.active)
	if k.waited {
		k.afterWaitRuns++
	}
	k.mu.Unlock()
	for range 50 { // a batch or two
		if ctx.Err() != nil {
			break
		}
		runtime.Gosched()
	}
	k.mu.Lock()
	k.active--
	k.mu.Unlock()
	return 1, ctx.Err()
}

// TestFactsKeeping_OneRunAtATime: asked for, held, locked and unlocked
// from many goroutines at once (the syncs' listener, the dashboard, the
// session), the keeper never runs twice at once, and no run starts once
// the window closed and its runs were waited for.
func TestFactsKeeping_OneRunAtATime(t *testing.T) {
	keeper := &overlapKeeper{}
	ctx, cancel := context.WithCancel(context.Background())
	k := newFactsKeeping(ctx, keeper, goRunner, false)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				switch (g + i) % 4 {
				case 0, 1:
					k.ask()
				case 2:
					k.hold()()
				case 3:
					if g == 0 {
						k.rest()
						k.wake()
					} else {
						k.ask()
					}
				}
			}
		}()
	}
	wg.Wait()
	cancel() // the window closes
	k.wait()
	keeper.mu.Lock()
	keeper.waited = true
	keeper.mu.Unlock()
	k.ask()
	k.wake()
	k.hold()()
	keeper.mu.Lock()
	defer keeper.mu.Unlock()
	if keeper.most != 1 || keeper.runs == 0 || keeper.afterWaitRuns != 0 {
		t.Fatalf("%d runs, at most %d at once, %d after the close", keeper.runs, keeper.most, keeper.afterWaitRuns)
	}
}
