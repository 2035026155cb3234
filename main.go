// Command bvntd is the desktop app of BVNTD Đồng Tháp for the consumer
// protection officers of communes and wards: cases, offline, synced with the
// provincial server. With a sub-command (demo, enroll, sync, export, import,
// backup, restore, retention; cmd/cli) it runs that command and exits; otherwise it
// opens the window, whose wiring is desktop.go: the services app/ui works
// with over the local store, and the sync scheduler below them.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"
	_ "time/tzdata" // Windows machines without Go have no zoneinfo

	"bvntd/app"
	"bvntd/app/ui"
	"bvntd/cmd/cli"
	_ "bvntd/cmd/cli/localeenv" // before Fyne's packages initialise
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
	cpuProfile := fs.String("cpuprofile", "", "ghi hồ sơ CPU vào tệp này đến khi đóng cửa sổ (for developers: where the window spends CPU)")
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
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return app.WrapError(app.EINVALID, "Không tạo được tệp "+*cpuProfile+".", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return app.WrapError(app.EINTERNAL, "Không ghi được hồ sơ CPU.", err)
		}
		defer pprof.StopCPUProfile()
	}
	// The rotating log of the data folder: bvntd.log, 5 files of 1 MB.
	defer cli.StartLog(*data, *verbose, os.Stderr)()
	slog.Info("window: start", "version", cli.AppVersion, "os", runtime.GOOS+"/"+runtime.GOARCH)
	err := openWindow(ctx, *data, *langCode, *idleLock, app.WallClock)
	cli.LogResult("window", err)
	return err
}
