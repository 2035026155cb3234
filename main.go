// Command bvntd is the desktop app of BVNTD Đồng Tháp for the consumer
// protection officers of communes and wards: cases, offline, synced with the
// provincial server. With a sub-command (demo, enroll, sync, export, import,
// backup, restore) it runs that command and exits; otherwise it opens the
// window.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	_ "time/tzdata" // Windows machines without Go have no zoneinfo

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"bvntd/app"
	"bvntd/app/ui"
	"bvntd/assets"
	"bvntd/cmd/cli"
	_ "bvntd/cmd/cli/localeenv" // before Fyne's packages initialise
	"bvntd/sync/syncclient"
)

const appID = "vn.gov.dongthap.bvntd"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && cli.IsCommand(os.Args[1]) {
		m := &cli.Main{Stdout: os.Stdout, Stderr: os.Stderr, Now: app.WallClock}
		os.Exit(cli.Exit(os.Stderr, m.Run(ctx, os.Args[1:])))
	}
	os.Exit(cli.Exit(os.Stderr, runWindow(ctx, os.Args[1:])))
}

// runWindow opens the desktop window on the data folder.
func runWindow(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bvntd", flag.ContinueOnError)
	data := fs.String("data", cli.DefaultDataDir(), "thư mục dữ liệu (data folder)")
	langCode := fs.String("lang", "vi", "ngôn ngữ giao diện: vi|en (interface language)")
	idleLock := fs.Duration("idle-lock", ui.DefaultIdleLock, "tự khóa màn hình sau thời gian không sử dụng, ít nhất 1m (lock the window after this idle time)")
	verbose := fs.Bool("verbose", false, "ghi nhật ký chi tiết vào bvntd.log của thư mục dữ liệu và ra màn hình (debug log)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return app.Errorf(app.EINVALID, "Tham số không hợp lệ: %v", err)
	}
	if *langCode != "vi" && *langCode != "en" {
		return app.Errorf(app.EINVALID, "--lang phải là vi hoặc en.")
	}
	if *idleLock < time.Minute {
		return app.Errorf(app.EINVALID, "--idle-lock phải từ 1 phút trở lên (ví dụ 10m).")
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return app.WrapError(app.EINVALID, "Không tạo được thư mục dữ liệu "+*data+".", err)
	}
	// The rotating log of the data folder: bvntd.log, 5 files of 1 MB.
	defer cli.StartLog(*data, *verbose, os.Stderr)()
	slog.Info("window: start", "version", cli.AppVersion, "os", runtime.GOOS+"/"+runtime.GOARCH)
	err := openWindow(ctx, *data, *langCode, *idleLock)
	cli.LogResult("window", err)
	return err
}

// openWindow opens the store of the data folder and shows the window until
// it is closed.
func openWindow(ctx context.Context, data, langCode string, idleLock time.Duration) error {
	// A store damaged by a power cut is moved aside and the newest good
	// backup put in its place; the window says so before the main screen.
	rec, recovered, err := cli.RecoverStore(ctx, data, app.WallClock)
	if err != nil {
		return err
	}
	db, refs, err := cli.OpenStore(ctx, data, app.WallClock)
	if err != nil {
		return err
	}
	defer db.Close()

	unit, err := db.UnitCode(ctx)
	if err != nil {
		return err
	}

	a := fyneapp.NewWithID(appID)
	if err := assets.LoadTranslations(langCode); err != nil {
		slog.Warn("translations not loaded", "error", err)
	}
	a.SetIcon(assets.Icon)
	w := a.NewWindow("BVNTD Đồng Tháp")
	w.Resize(fyne.NewSize(1024, 640))

	syncSvc := cli.NewSyncService(db, nil)
	backups := cli.BackupService{DB: db, Refs: refs, DataDir: data, Sync: syncSvc}
	var opened atomic.Pointer[ui.UI]
	svc := ui.Services{Cases: db, Records: db, KPI: db, Sync: syncSvc, Review: db,
		Reports: cli.ReportService{DB: db, Refs: refs}, Imports: cli.ImportService{DB: db, Refs: refs},
		Backups: backups, Refs: refs, UnitCode: unit, SignIn: db, Enroll: syncSvc, IdleLock: idleLock, Now: app.WallClock}
	open := func() error {
		return ui.Open(w, svc, func(u *ui.UI) {
			opened.Store(u)
			syncSvc.Client.Progress = func(p syncclient.Progress) { u.ShowSyncProgress(ui.SyncProgress(p)) }
			w.SetTitle(u.Title())
			w.SetMainMenu(u.MainMenu())
			w.SetOnClosed(u.Close)
			u.StartBackgroundSync()
			u.StartDiskWatch()
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
		}
	}()
	go dailyBackups(ctx, backups)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	slog.Info("window opened", "device", db.DeviceID(), "unit", unit)
	w.ShowAndRun()
	return nil
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
