package main

// The desktop window's wiring: openWindow opens the store of the data
// folder, binds the interfaces of app/ui to it and to the sync scheduler
// below them (syncclient.Scheduler), and shows the window. What the window
// shares with the sub-commands is in cmd/cli: the store's opening and
// recovery, the log, the HTTP client and the enrolment, the report
// writers, the backups and the import engine.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"bvntd/app"
	"bvntd/app/ui"
	"bvntd/app/xlsx"
	"bvntd/assets"
	"bvntd/cmd/cli"
	"bvntd/cmd/cli/glcheck"
	"bvntd/storage"
	"bvntd/sync/syncclient"
)

// openWindow opens the store of the data folder and shows the window until
// it is closed; now is the program's clock.
func openWindow(ctx context.Context, data, langCode string, idleLock time.Duration, now func() time.Time) error {
	// A store damaged by a power cut is moved aside and the newest good
	// backup put in its place; the window says so before the main screen.
	// A store the window closed cleanly, and that nothing changed since,
	// is checked while the officer works instead (cli.StartCheck).
	rec, recovered, background, err := cli.StartCheck(ctx, data, now)
	if err != nil {
		return err
	}
	db, refs, err := cli.OpenCheckedStore(ctx, data, now)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			slog.Warn("store: not closed cleanly", "code", app.ErrorCode(err))
			return
		}
		if err := cli.MarkClosed(data); err != nil {
			slog.Warn("store: clean close not marked", "error", err) // the next start checks it fully
		}
	}()

	unit, err := db.UnitCode(ctx)
	if err != nil {
		return err
	}
	// The content of the files removed (their void pushed) goes, and the
	// files downloaded are a cache within the laptop's limit: both at
	// start, before the check of the store (CheckFiles) reads it.
	if _, err := db.DropVoidedFiles(ctx); err != nil {
		slog.Warn("files: removed files not dropped at start", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
	}
	if _, err := db.EvictFiles(ctx); err != nil {
		slog.Warn("files: cache not trimmed at start", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
	}
	syncs, err := newDesktopSync(ctx, db)
	if err != nil {
		return err
	}
	defer syncs.sched.Stop() // before the store closes

	// Fyne logs, and does not return, a window it cannot open for want
	// of OpenGL 2.1; the watcher hears it (glcheck).
	gl := glcheck.Watch()
	defer gl.Stop()
	a := calm(fyneapp.NewWithID(appID))
	if err := assets.LoadTranslations(langCode); err != nil {
		slog.Warn("translations not loaded", "error", err)
	}
	a.SetIcon(assets.Icon)
	w := a.NewWindow("BVNTD Đồng Tháp")
	size, maximise := windowState(a.Preferences())
	w.Resize(size)

	// "Mở" writes the copy of an evidence file into a folder of the
	// session, emptied at exit, and here of what a killed session left.
	views, err := ui.OpenViewFolder(filepath.Join(data, ui.ViewFolderName))
	if err != nil {
		slog.Warn("view folder: not emptied at start", "error", err) // no path: noPath
	}
	defer views.Close()

	backups := cli.BackupService{DB: db, Refs: refs, DataDir: data, Exclusive: syncs.sched.Exclusive}
	var opened atomic.Pointer[ui.UI]
	w.SetCloseIntercept(func() {
		closeWindow := func() {
			size, maximised := w.Canvas().Size(), isMaximised(w)
			slog.Info("window: closed", "width", size.Width, "height", size.Height, "maximised", maximised)
			rememberWindow(a.Preferences(), size, maximised)
			w.Close()
		}
		if u := opened.Load(); u != nil {
			u.ConfirmClose(closeWindow) // asks first if a locked officer's form would be lost
		} else {
			closeWindow()
		}
	})
	svc := ui.Services{Cases: db, Records: db, KPI: db, Sync: syncs, Scheduler: syncs, Review: db,
		Reports: reportService{db: db, refs: refs}, Imports: cli.ImportService{DB: db, Refs: refs},
		Persons: cli.PersonService{DB: db, Refs: refs},
		Backups: backups, Retention: db, Files: db, Refs: refs, UnitCode: unit, SignIn: db, Enroll: syncs, IdleLock: idleLock, Now: now,
		Opener: ui.SystemOpener{Dir: filepath.Join(data, "phieu-in")}, Views: views, Facts: db}
	open := func() error {
		return ui.Open(w, svc, func(u *ui.UI) {
			opened.Store(u)
			w.SetTitle(u.Title())
			w.SetMainMenu(u.MainMenu())
			w.SetOnClosed(u.Close)
			syncs.sched.Start() // the UI listens to it already
			u.StartDiskWatch()
			u.CheckFiles() // the evidence files' store, checked at start like the SQLite file
			// The cases' facts the dashboard reads, kept after the check
			// of the store (a new build's, or those a `bvntd sync` left).
			if background {
				go func() {
					checkStoreInBackground(ctx, data, w)
					u.KeepCaseFacts()
				}()
			} else {
				u.KeepCaseFacts()
			}
		})
	}
	if recovered {
		// The notice first; sign-in and the main screens after it.
		slog.Warn("store recovered at start", "reason", rec.Reason, "from", rec.From.Name)
		w.SetContent(ui.RecoveryNotice(rec, func() {
			if err := open(); err != nil {
				slog.Error("open the main screens", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
				a.Quit()
			}
		}))
	} else if err := open(); err != nil {
		return err
	}
	defer func() { // a.Quit may not call SetOnClosed; Close is idempotent
		if u := opened.Load(); u != nil {
			u.Close()
			u.WaitForBackground() // before the store closes
		}
	}()
	go dailyBackups(ctx, backups)
	go dailyRetention(ctx, db, syncs.Saved)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	if err := showWindow(w, gl); err != nil {
		slog.Error("window: cannot open", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
		glcheck.Alert(glcheck.Message)
		return err
	}
	if maximise {
		maximiseWindow(w)
	}
	slog.Info("window opened", "device", db.DeviceID(), "unit", unit, "width", size.Width, "height", size.Height)
	a.Run()
	return nil
}

// showWindow shows w and returns glcheck's error if it could not open:
// what Fyne logged, or a panic of its OpenGL painter.
func showWindow(w fyne.Window, gl *glcheck.Watcher) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if err = glcheck.FromPanic(v); err == nil {
				panic(v)
			}
		}
	}()
	w.Show()
	return gl.Err()
}

// dailyBackups takes the daily backup at start if the newest one is a day
// old, then checks every hour while the app runs.
func dailyBackups(ctx context.Context, b cli.BackupService) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if info, taken, err := b.BackupIfDue(ctx); err != nil {
			slog.Warn("daily backup failed", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
		} else if taken {
			slog.Info("daily backup", "file", info.Name, "size", info.Size)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// dailyRetention anonymises, once a day, the records whose retention
// period has ended (storage.DailyAnonymise, issue 19 item 3): at start,
// then checking every hour while the app runs, off the Fyne goroutine. A
// run that changed records asks for a sync, which carries the edits to
// the server and the commune's other devices. The log says how many
// records, never which person.
func dailyRetention(ctx context.Context, db *storage.DB, saved func()) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		res, ran, err := db.DailyAnonymise(ctx)
		switch {
		case err != nil:
			slog.Warn("daily anonymisation failed", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
		case ran:
			slog.Info("daily anonymisation", "cases", len(res.Cases), "participants", res.Participants,
				"held", len(res.Held), "failed", len(res.Failed))
		}
		if res.Records() > 0 {
			saved()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// desktopSync is the window's side of synchronisation: the status the sync
// panel shows (ui.SyncService), the scheduler that runs every sync
// (ui.SyncScheduler, over syncclient.Scheduler) and the first run's
// enrolment (ui.EnrollService).
type desktopSync struct {
	db     *storage.DB
	client *syncclient.Client
	sched  *syncclient.Scheduler
}

var (
	_ ui.SyncService   = (*desktopSync)(nil)
	_ ui.SyncScheduler = (*desktopSync)(nil)
	_ ui.EnrollService = (*desktopSync)(nil)
)

// newDesktopSync returns the sync of db, its scheduler not started yet; it
// ends with ctx or sched.Stop.
func newDesktopSync(ctx context.Context, db *storage.DB) (*desktopSync, error) {
	hc, err := cli.HTTPClient(ctx, db) // trusts the authority given at enrolment
	if err != nil {
		return nil, err
	}
	c := &syncclient.Client{Store: db, HTTP: hc, AppVersion: cli.AppVersion, Now: db.Now}
	if err := cli.WithFiles(c, db); err != nil { // evidence files: sent after the records, fetched when opened
		return nil, err
	}
	return &desktopSync{db: db, client: c, sched: syncclient.NewScheduler(ctx, c, db.SyncStatus)}, nil
}

// FetchAttachment downloads the content of an evidence file the laptop
// does not hold (an officer opened it), resuming a download cut before;
// see syncclient.Client.FetchAttachment. It may run beside a sync.
func (s *desktopSync) FetchAttachment(ctx context.Context, hash string) error {
	return cli.FileFetcher{Client: s.client, DB: s.db}.FetchAttachment(ctx, hash) // then the cache's limit
}

// Status returns the enrolment, outbox and last-sync state.
func (s *desktopSync) Status(ctx context.Context) (app.SyncStatus, error) {
	return s.db.SyncStatus(ctx)
}

// Listen passes what the scheduler does on to the UI, in its types.
func (s *desktopSync) Listen(l ui.SyncListener) {
	s.sched.Listen(syncclient.Listener{
		Started: l.Started,
		Progress: func(p syncclient.Progress) {
			if l.Progress != nil {
				l.Progress(ui.SyncProgress(p))
			}
		},
		Finished: func(o syncclient.Outcome) {
			if l.Finished != nil {
				l.Finished(ui.SyncOutcome(o))
			}
		},
	})
}

func (s *desktopSync) Saved()                       { s.sched.Saved() }
func (s *desktopSync) Manual(ctx context.Context)   { s.sched.Manual(ctx) }
func (s *desktopSync) NoteStatus(st app.SyncStatus) { s.sched.NoteStatus(st) }

// Enroll binds the device to the provincial server with a one-time code,
// as `bvntd enroll` does without --ca (HTTPS is checked against the
// system's roots), from the first run or the sync tab, at any time. A
// running sync is ended rather than waited for (the officer waits, and
// the enrolment replaces its server), and no sync runs meanwhile; the
// enrolment itself gives up within syncclient.EnrollTimeout, or when ctx
// ends ("Hủy"). The first sync with the new server follows soon.
func (s *desktopSync) Enroll(ctx context.Context, serverURL, code string) (app.Enrollment, error) {
	var e app.Enrollment
	err := s.sched.ExclusiveNow(func() error {
		name, _ := os.Hostname()
		ca, err := s.sameServerCA(ctx, serverURL)
		if err != nil {
			return err
		}
		if e, err = cli.EnrollDevice(ctx, s.db, nil, serverURL, code, name, ca); err != nil {
			return err
		}
		hc, err := cli.HTTPClient(ctx, s.db)
		if err != nil {
			return err
		}
		s.client.HTTP = hc
		return nil
	})
	if err == nil {
		s.sched.Saved() // a re-enrolled device syncs soon (one not enrolled before resumes on its status)
	}
	return e, err
}

// sameServerCA returns the authority trusted for the server the device is
// enrolled with (given with `bvntd enroll --ca`) when serverURL is that
// server, so that "Đăng ký lại" keeps it; "" otherwise (the system's
// roots).
func (s *desktopSync) sameServerCA(ctx context.Context, serverURL string) (string, error) {
	cur, err := s.db.Enrollment(ctx)
	if err != nil {
		return "", err
	}
	url, err := syncclient.CheckServerURL(serverURL, false)
	if err != nil || cur.ServerURL == "" || cur.ServerURL != url {
		return "", nil // a bad address is told by the enrolment itself
	}
	return s.db.ServerCA(ctx)
}

// reportService writes the .xlsx reports of the store for the Báo cáo
// screen and the case screen (ui.ReportService), with the writers of
// `bvntd export`.
type reportService struct {
	db   *storage.DB
	refs *app.RefData
}

var _ ui.ReportService = reportService{}

// WriteReport writes the report q asks for to w and returns its row count.
func (s reportService) WriteReport(ctx context.Context, q app.ReportRequest, w io.Writer) (int, error) {
	return cli.WriteReport(ctx, s.db, s.refs, w, q)
}

// WriteIntake writes the printable intake record of c, signed by officer,
// listing the case's evidence files.
func (s reportService) WriteIntake(ctx context.Context, c *app.Case, officer string, w io.Writer) error {
	files, err := s.db.Attachments(ctx, c.ID)
	if err != nil {
		return err
	}
	return xlsx.WriteIntakeWithFiles(w, c, s.refs, officer, files)
}

// checkStoreInBackground checks the store the window opened without a
// check (cli.StartCheck) and, if it is damaged, says so: the next start
// checks it fully and restores the newest good backup.
func checkStoreInBackground(ctx context.Context, data string, w fyne.Window) {
	err := cli.CheckInBackground(ctx, data)
	if err == nil {
		slog.Info("store: checked in the background")
		return
	}
	slog.Error("store: the background check failed", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
	fyne.Do(func() { dialog.ShowError(errors.New(app.ErrorMessage(err)), w) })
}
