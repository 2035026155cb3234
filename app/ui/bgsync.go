package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"bvntd/app"
)

// SyncScheduler runs the window's syncs (syncclient.Scheduler, which the
// desktop program wires, starts and stops): one at a time and never on the
// Fyne goroutine; at start, soon after a save, periodically, and again and
// again while the network is down; paused while the device is not enrolled
// or must be updated. The UI only asks and listens.
type SyncScheduler interface {
	// Listen sets what hears the runs; the UI calls it once, when it is
	// built. The listener's functions may be called from any goroutine.
	Listen(l SyncListener)
	// Saved says a local change was saved: a sync follows soon.
	Saved()
	// Manual runs a sync for "Đồng bộ ngay" with ctx, after the running one
	// if any, even while background syncs are paused.
	Manual(ctx context.Context)
	// NoteStatus passes on a status the window loaded: background syncs
	// resume once it says the device is enrolled and up to date.
	NoteStatus(st app.SyncStatus)
}

// SyncListener hears a SyncScheduler: a run starts, goes on, ends.
type SyncListener struct {
	Started  func(manual bool)
	Progress func(SyncProgress)
	Finished func(SyncOutcome)
}

// SyncOutcome is what one run of the scheduler came to. Its fields are
// those of syncclient.Outcome, in the same order, so that the desktop's
// wiring passes one on with a conversion: ui.SyncOutcome(o).
type SyncOutcome struct {
	Manual  bool // started with "Đồng bộ ngay"
	Stopped bool // a manual run the officer stopped with "Dừng", or a run an enrolment ended
	// Skipped: the device is not enrolled, or the server wants a newer app,
	// so no sync was made (Status says which).
	Skipped bool
	Err     error // of the sync
	// Pulled counts the records the sync stored from the server (the
	// case facts are then kept in the background: factsKeeping).
	Pulled    int
	Status    app.SyncStatus // read after the sync
	StatusErr error
}

// listenToSync makes the UI hear its scheduler: what it hears is shown on
// the Fyne goroutine.
func (u *UI) listenToSync() {
	u.sched.Listen(SyncListener{
		Started:  func(manual bool) { fyne.Do(func() { u.syncStarted(manual) }) },
		Progress: u.showSyncProgress,
		Finished: func(res SyncOutcome) { fyne.Do(func() { u.syncFinished(res) }) },
	})
}

// showSyncProgress shows how the running sync is going in the status line.
// It may be called from any goroutine.
func (u *UI) showSyncProgress(p SyncProgress) {
	fyne.Do(func() {
		u.line.setProgress(p)
		u.syncPanel.setProgress(p)
	})
}

// syncStarted shows a sync that starts; manual ones are shown by the panel
// already.
func (u *UI) syncStarted(manual bool) {
	u.line.started()
	if !manual {
		u.syncPanel.setBackground(true)
	}
}

// syncFinished shows the outcome of a sync and reloads what it may have
// changed: the list, the conflicts, the sync panel and the tab counts.
func (u *UI) syncFinished(res SyncOutcome) {
	if res.Manual {
		u.syncPanel.manualFinished(res.Err, res.Stopped)
	} else {
		u.syncPanel.setBackground(false)
	}
	switch {
	case res.Stopped: // says nothing about the network
		u.line.stopped()
	case !res.Skipped:
		u.line.finished(res.Err)
	}
	u.syncPanel.applyNow(res.Status, res.StatusErr)
	if res.Skipped {
		return
	}
	if res.Pulled > 0 { // the cases pulled have no facts kept yet
		u.facts.ask()
	}
	u.cases.reload()
	if u.review != nil {
		u.review.reload()
	}
	u.reloadWork()
}

// noScheduler stands in when no scheduler is wired (nor, then, a sync
// service): the device is shown as not enrolled, and a manual run says so.
type noScheduler struct{ l *SyncListener }

func (s noScheduler) Listen(l SyncListener)   { *s.l = l }
func (noScheduler) Saved()                    {}
func (noScheduler) NoteStatus(app.SyncStatus) {}
func (s noScheduler) Manual(ctx context.Context) {
	if s.l.Finished != nil {
		s.l.Finished(SyncOutcome{Manual: true,
			Err: app.Errorf(app.EUNAUTHORIZED, "%s", lang.X("sync.enrolled.no", "Chưa đăng ký"))})
	}
}
