// Package cli holds the sub-commands of the desktop program bvntd (demo,
// enroll, sync, export, import, backup, restore, retention): the command-line contract
// of docs/DESIGN.md §2, driven by scripts and tests. The root main.go calls
// Run for them and opens the window otherwise.
//
// It also holds what the sub-commands share with the window, whose wiring
// is the root package's desktop.go: the data folder and its backup folder,
// the store's opening and recovery at start (OpenStore, RecoverStore), the
// rotating log (StartLog, LogResult), the HTTP client and the enrolment for
// the provincial server (HTTPClient, EnrollDevice), the report writers
// (WriteReport), the backups (BackupService: `bvntd backup|restore` and the
// sync tab) and the import engine (`bvntd import`, and ImportService for the
// import dialog). None of it depends on the window, so app/ui's tests drive
// these services on a real store.
package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/seeds"
	"bvntd/seeds/demo"
	"bvntd/storage"
	"bvntd/storage/applog"
	"bvntd/sync/syncclient"
)

// AppVersion is the version of the desktop app, sent to the server.
const AppVersion = "0.1.0"

// StoreFile is the name of the store inside the data folder.
const StoreFile = "bvntd.sqlite"

// Commands lists the sub-commands Run knows.
var Commands = []string{"demo", "enroll", "sync", "export", "import", "backup", "restore", "retention"}

// IsCommand reports whether name is a sub-command.
func IsCommand(name string) bool {
	for _, c := range Commands {
		if c == name {
			return true
		}
	}
	return false
}

// Main runs one sub-command. Tests set HTTP to shape the connection.
type Main struct {
	Stdout, Stderr io.Writer
	// Now is the program's clock (app/clock.go): main.go passes the wall
	// clock, tests the day they test; required.
	Now  func() time.Time
	HTTP *http.Client
	// Progress, if set, receives sync progress.
	Progress func(syncclient.Progress)

	cmd     string // the sub-command being run
	verbose *bool  // its --verbose flag
	// insecureHTTP is --insecure-http of enroll and sync: plain http:// to
	// a server outside loopback (a lab only).
	insecureHTTP bool
}

// insecureHTTPUsage is the help of --insecure-http.
const insecureHTTPUsage = "cho phép http:// không mã hóa tới máy chủ không phải máy này; chỉ dùng trong phòng thử nghiệm (allow plain http outside loopback: labs only)"

// DefaultDataDir is where the app keeps its data when --data is not given:
// on Windows %LocalAppData%\bvntd (C:\Users\NAME\AppData\Local\bvntd), not
// the roaming %AppData%, as the store holds this laptop's device identity
// and may grow to hundreds of MB, neither of which may follow the user to
// another PC; elsewhere the user config folder ($XDG_CONFIG_HOME or
// ~/.config/bvntd on Linux, ~/Library/Application Support/bvntd on macOS).
func DefaultDataDir() string {
	return defaultDataDir(runtime.GOOS, os.Getenv, os.UserConfigDir)
}

func defaultDataDir(goos string, getenv func(string) string, userConfigDir func() (string, error)) string {
	if goos == "windows" {
		if dir := getenv("LocalAppData"); dir != "" {
			return strings.TrimRight(dir, `\/`) + `\bvntd`
		}
	}
	dir, err := userConfigDir()
	if err != nil {
		dir = "."
	}
	if goos == "windows" {
		return strings.TrimRight(dir, `\/`) + `\bvntd`
	}
	return filepath.Join(dir, "bvntd")
}

// OpenStore opens the store in dir, loads or upgrades the seeded reference
// data, and returns both. A damaged store is refused with a message saying
// how to recover (RecoverStore); an existing store that a new version
// migrates is first backed up into the backup folder.
func OpenStore(ctx context.Context, dir string, now func() time.Time) (*storage.DB, *app.RefData, error) {
	return openStore(ctx, dir, now, true)
}

func openStore(ctx context.Context, dir string, now func() time.Time, check bool) (*storage.DB, *app.RefData, error) {
	refs, err := seeds.Load()
	if err != nil {
		return nil, nil, app.WrapError(app.EINTERNAL, "Dữ liệu danh mục kèm theo ứng dụng bị hỏng.", err)
	}
	if check {
		// A store as the last clean close left it (the window's or a
		// command's: withStore) is not read whole again: for a province's
		// 4 GB that took 10 s before each `bvntd export` (issue 22). A
		// crash, a killed process or a change since leave no mark.
		clean, err := takeCloseMark(dir)
		if err != nil {
			return nil, nil, err
		}
		if !clean {
			if err := checkStore(ctx, dir); err != nil {
				return nil, nil, err
			}
		}
	}
	db, err := storage.Open(ctx, filepath.Join(dir, StoreFile), storage.Options{Now: now, BackupDir: usableBackupDir(dir), AppVersion: AppVersion})
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		db.Close()
		return nil, nil, app.WrapError(app.EINTERNAL, "Không nạp được dữ liệu danh mục.", err)
	}
	db.SetRefs(refs)
	return db, refs, nil
}

// Run runs the sub-command args[0] with its flags.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || !IsCommand(args[0]) {
		return app.Errorf(app.EINVALID, "Lệnh không hợp lệ; các lệnh: %s.", strings.Join(Commands, ", "))
	}
	fs := flag.NewFlagSet("bvntd "+args[0], flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	data := fs.String("data", DefaultDataDir(), "thư mục dữ liệu (data folder)")
	m.cmd = args[0]
	m.verbose = fs.Bool("verbose", false, "ghi nhật ký chi tiết vào "+applog.FileName+" của thư mục dữ liệu và ra màn hình (debug log)")
	switch args[0] {
	case "demo":
		commune := fs.String("commune", "", "mã xã, phường 5 chữ số (commune code)")
		seed := fs.Uint64("seed", 1, "hạt giống ngẫu nhiên (random seed)")
		complaints := fs.Int("complaints", 50, "số vụ việc mẫu (sample cases)")
		trainings := fs.Int("trainings", demo.DefaultTrainings, "số lớp tập huấn mẫu trong năm báo cáo, kèm danh sách cán bộ, tổ chức, người tham dự và điểm danh (sample training sessions)")
		events := fs.Int("events", demo.DefaultEvents, "số sự kiện tuyên truyền mẫu, kèm tài liệu, tin bài trong năm (sample outreach events, with the year's publications)")
		edits := fs.Int("edits", 0, "số lần sửa vụ việc có sẵn (edits of existing cases)")
		officer := fs.String("officer", "Cán bộ tiếp nhận (mẫu)", "tên cán bộ ghi nhận (officer name)")
		plain := fs.Bool("plain", false, "chỉ ghi vụ việc mới tiếp nhận, không có các bước xử lý, tập huấn hay sự kiện (new cases only: no workflow steps, trainings or events)")
		noFiles := fs.Bool("no-files", false, "không đính kèm tệp chứng cứ mẫu: ảnh hóa đơn, phiếu bảo hành, công văn (no sample evidence files)")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *complaints < 0 || *edits < 0 || *trainings < 0 || *events < 0 {
			return app.Errorf(app.EINVALID, "--complaints, --trainings, --events và --edits phải là số không âm.")
		}
		if *plain {
			*trainings, *events = 0, 0
		}
		return m.demo(ctx, *data, *officer, demo.Options{Unit: *commune, Seed: *seed, Complaints: *complaints, Edits: *edits,
			Plain: *plain, Trainings: *trainings, Events: *events, NoFiles: *noFiles})
	case "enroll":
		server := fs.String("server", "", "địa chỉ máy chủ tỉnh, ví dụ https://bvntd.dongthap.gov.vn (server URL)")
		code := fs.String("code", "", "mã đăng ký một lần do Sở Công Thương cấp (one-time code)")
		name := fs.String("name", "", "tên máy (device name)")
		ca := fs.String("ca", "", "tệp chứng chỉ (PEM) của cơ quan cấp chứng chỉ máy chủ tỉnh; bỏ trống: tin các chứng chỉ gốc của hệ thống (CA file)")
		fs.BoolVar(&m.insecureHTTP, "insecure-http", false, insecureHTTPUsage)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *server == "" || *code == "" {
			return app.Errorf(app.EINVALID, "Cần --server và --code.")
		}
		return m.enroll(ctx, *data, *server, *code, *name, *ca)
	case "sync":
		timeout := fs.Duration("timeout", 5*time.Minute, "thời gian tối đa (maximum time)")
		fs.BoolVar(&m.insecureHTTP, "insecure-http", false, insecureHTTPUsage)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		return m.sync(ctx, *data, *timeout)
	case "export":
		report := fs.String("report", "", strings.Join(Reports, "|"))
		out := fs.String("out", "", "tệp kết quả, - cho stdout (output file)")
		year := fs.Int("year", 0, "năm báo cáo Y: từ 15/12/(Y-1) đến 14/12/Y; mặc định năm có hạn báo cáo 15/12 sắp tới, hoặc vừa qua nếu đang trong tháng 12 sau hạn hay tháng 1 (report year Y: 15/12 of Y-1 to 14/12 of Y; default: the year due next, or just passed until the end of January)")
		caseNo := fs.String("case", "", "số vụ việc, cho --report intake (case number)")
		officer := fs.String("officer", "", "cán bộ tiếp nhận ký phiếu, cho --report intake; mặc định: người ghi nhận vụ việc (receiving officer)")
		session := fs.String("session", "", "mã lớp tập huấn, cho --report attendance (training session id)")
		from := fs.String("from", "", "từ ngày dd/mm/yyyy (period start)")
		to := fs.String("to", "", "đến ngày dd/mm/yyyy (period end)")
		commune := fs.String("commune", "", "mã xã, phường; máy cấp tỉnh: bỏ trống là toàn tỉnh (commune code)")
		mask := fs.Bool("mask", false, "che thông tin cá nhân (mặc định, giữ cho các lệnh cũ): tên viết tắt, 3 số cuối điện thoại (mask personal data: the default)")
		unmask := fs.String("unmask", "", "không che thông tin cá nhân, với lý do (ghi vào nhật ký truy xuất dữ liệu cá nhân) (unmasked, with the reason, which is logged)")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		unmasked := false
		fs.Visit(func(f *flag.Flag) { unmasked = unmasked || f.Name == "unmask" })
		if err := exportMaskFlags(*report, *mask, unmasked, *unmask); err != nil {
			return err
		}
		o := exportOptions{req: app.ReportRequest{Report: *report, Year: *year, Session: *session, Commune: *commune,
			Unmask: unmasked, Reason: *unmask}, out: *out, caseNo: *caseNo, officer: *officer}
		var err error
		if o.req.From, err = parseDay("--from", *from); err != nil {
			return err
		}
		if o.req.To, err = parseDay("--to", *to); err != nil {
			return err
		}
		return m.export(ctx, *data, o)
	case "import":
		return m.importFiles(ctx, fs, data, args[1:])
	case "backup":
		return m.backup(ctx, fs, data, args[1:])
	case "restore":
		return m.restore(ctx, fs, data, args[1:])
	case "retention":
		return m.retention(ctx, fs, data, args[1:])
	}
	return nil
}

// exportMaskFlags checks --mask and --unmask of export: the register and
// the sign-in sheet are masked unless --unmask gives a reason (--mask, the
// default now, is kept for old scripts); the annual report and the
// notice-board list hold no personal data to mask.
func exportMaskFlags(report string, mask, unmasked bool, reason string) error {
	switch {
	case mask && unmasked:
		return app.Errorf(app.EINVALID, "Dùng --mask hoặc --unmask, không dùng cả hai.")
	case mask && report == app.ReportAnnual:
		return app.Errorf(app.EINVALID, "Báo cáo năm chỉ có số liệu tổng hợp, không có thông tin cá nhân: không dùng --mask.")
	case mask && report == app.ReportNotices:
		return app.Errorf(app.EINVALID, "Danh sách công khai là để niêm yết cho người tiêu dùng biết: không dùng --mask.")
	case unmasked && strings.TrimSpace(reason) == "":
		return app.Errorf(app.EINVALID, "--unmask cần lý do, ví dụ --unmask \"Gửi Sở Công Thương theo văn bản số …\"; lý do được ghi vào nhật ký truy xuất dữ liệu cá nhân.")
	}
	return nil
}

// now returns the program's clock.
func (m *Main) now() func() time.Time { return app.MustClock(m.Now, "cli.Main") }

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return app.WrapError(app.EINVALID, "Tham số không hợp lệ: "+err.Error(), err)
	}
	if fs.NArg() > 0 {
		return app.Errorf(app.EINVALID, "Tham số thừa: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}

// withStore runs fn on the store of the data folder dir, logging into the
// folder's rotating log (see StartLog) meanwhile.
func (m *Main) withStore(ctx context.Context, dir string, fn func(*storage.DB, *app.RefData) error) (err error) {
	verbose := m.verbose != nil && *m.verbose
	stop := StartLog(dir, verbose, m.Stderr)
	start := m.now()()
	slog.Info("command: start", "command", m.cmd, "version", AppVersion, "os", runtime.GOOS+"/"+runtime.GOARCH)
	defer func() {
		LogResult("command", err, "command", m.cmd, "duration", m.now()().Sub(start).Round(time.Millisecond))
		stop()
	}()
	db, refs, err := OpenStore(ctx, dir, m.now())
	if err != nil {
		return err
	}
	defer func() {
		// A clean close is marked, so that the next command or window
		// does not read the whole store again (openStore, StartCheck).
		if db.Close() == nil {
			if merr := MarkClosed(dir); merr != nil {
				slog.Warn("store: clean close not marked", "error", merr)
			}
		}
	}()
	return fn(db, refs)
}

// StartLog opens the rotating log of the data folder dir (applog: 5 files
// of 1 MB) and makes it the default slog logger, which the storage and sync
// packages log to; with verbose it logs from debug level up and copies
// everything to stderr too. The returned function closes it and puts the
// previous logger back. A log that cannot be opened (a read-only folder)
// leaves the default logger as it was: the work goes on without it.
//
// The default logger is process-wide: one command runs at a time.
func StartLog(dir string, verbose bool, stderr io.Writer) (stop func()) {
	var also io.Writer
	if verbose {
		also = stderr
	}
	l, err := applog.Open(dir, applog.Options{Verbose: verbose, Also: also})
	if err != nil {
		if verbose {
			fmt.Fprintln(stderr, "Không mở được tệp nhật ký trong thư mục dữ liệu; chạy tiếp không ghi nhật ký.")
		}
		return func() {}
	}
	restore := l.SetDefault()
	return func() {
		restore()
		l.Close()
	}
}

// LogResult logs the end of an operation: if it failed, its error code,
// the names of the fields in error and the technical cause
// (app.ErrorCause: ids, network, SQL and file errors). The Vietnamese
// message is not logged: it may quote what the officer typed (a void
// reason, a session's title).
func LogResult(op string, err error, attrs ...any) {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		slog.Info(op+": done", attrs...)
		return
	}
	attrs = append(attrs, "code", app.ErrorCode(err))
	if f := app.FieldErrors(err); len(f) > 0 {
		keys := make([]string, 0, len(f))
		for k := range f {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		attrs = append(attrs, "fields", strings.Join(keys, ","))
	}
	if cause := app.ErrorCause(err); cause != "" {
		attrs = append(attrs, "error", cause)
	}
	if app.ErrorCode(err) == app.EINTERNAL {
		slog.Error(op+": failed", attrs...)
	} else {
		slog.Warn(op+": failed", attrs...)
	}
}

func (m *Main) client(ctx context.Context, db *storage.DB) (*syncclient.Client, error) {
	hc := m.HTTP
	if hc == nil {
		var err error
		if hc, err = HTTPClient(ctx, db); err != nil {
			return nil, err
		}
	}
	c := &syncclient.Client{Store: db, HTTP: hc, AppVersion: AppVersion, Progress: m.Progress, Now: db.Now,
		InsecureHTTP: m.insecureHTTP}
	return c, WithFiles(c, db)
}

// DialTimeout bounds the connection to the server of one attempt.
const DialTimeout = 10 * time.Second

// HTTPClient returns the HTTP client for the device's server: TLS trusts
// the authority given at enrolment if any, else the system roots.
func HTTPClient(ctx context.Context, db *storage.DB) (*http.Client, error) {
	caPEM, err := db.ServerCA(ctx)
	if err != nil {
		return nil, err
	}
	return httpClientFor(caPEM)
}

func httpClientFor(caPEM string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 60 * time.Second
	// A server that does not answer at all (down, or the address wrong)
	// is told within 10 s, not the default 30: the officer gets a plain
	// message within 15 s and the retries go on (a 2G handshake takes a
	// few seconds at worst).
	tr.DialContext = (&net.Dialer{Timeout: DialTimeout, KeepAlive: 30 * time.Second}).DialContext
	if caPEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(caPEM)) {
			return nil, app.Errorf(app.EINVALID, "Tệp chứng chỉ không đúng định dạng PEM.")
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Minute}, nil
}

func (m *Main) enroll(ctx context.Context, dir, server, code, name, caFile string) error {
	// Before the store is opened: a refused address costs nothing, on the
	// network or on disk.
	if _, err := syncclient.CheckServerURL(server, m.insecureHTTP); err != nil {
		return err
	}
	return m.withStore(ctx, dir, func(db *storage.DB, refs *app.RefData) error {
		if name == "" {
			name, _ = os.Hostname()
		}
		var caPEM string
		if caFile != "" {
			b, err := os.ReadFile(caFile)
			if err != nil {
				return app.WrapError(app.EINVALID, "Không đọc được tệp chứng chỉ "+caFile+".", err)
			}
			caPEM = string(b)
		}
		e, err := enrollDevice(ctx, db, m.HTTP, server, code, name, caPEM, m.insecureHTTP)
		if err != nil {
			return err
		}
		scope := "toàn tỉnh"
		if u, ok := refs.Unit(e.Scope); ok {
			scope = u.Name
		}
		fmt.Fprintf(m.Stderr, "Đã đăng ký thiết bị %s với máy chủ %s, phạm vi: %s\n", db.DeviceID(), e.ServerURL, scope)
		return nil
	})
}

// EnrollDevice binds the device to the server with a one-time code and
// keeps the authority (PEM, "" for the system roots) to trust for it: `bvntd
// enroll`, and the window's first run with no authority. hc nil: a client
// trusting caPEM.
func EnrollDevice(ctx context.Context, db *storage.DB, hc *http.Client, server, code, name, caPEM string) (app.Enrollment, error) {
	return enrollDevice(ctx, db, hc, server, code, name, caPEM, false)
}

// enrollDevice is EnrollDevice; insecure allows plain http:// outside
// loopback (--insecure-http).
func enrollDevice(ctx context.Context, db *storage.DB, hc *http.Client, server, code, name, caPEM string, insecure bool) (app.Enrollment, error) {
	if hc == nil {
		var err error
		if hc, err = httpClientFor(caPEM); err != nil {
			return app.Enrollment{}, err
		}
	}
	c := &syncclient.Client{Store: db, HTTP: hc, AppVersion: AppVersion, Now: db.Now, InsecureHTTP: insecure}
	e, err := c.Enroll(ctx, server, code, name)
	if err != nil {
		return e, err
	}
	return e, db.SetServerCA(ctx, caPEM)
}

func (m *Main) sync(ctx context.Context, dir string, timeout time.Duration) error {
	return m.withStore(ctx, dir, func(db *storage.DB, _ *app.RefData) error {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		c, err := m.client(ctx, db)
		if err != nil {
			return err
		}
		c.FileBytes = -1 // "until nothing is left": every file too
		res, err := c.Sync(ctx)
		if err != nil {
			return err
		}
		pending, parked, err := db.OutboxCount(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đồng bộ xong: gửi %d thay đổi, nhận %d bản ghi.\n", res.Pushed, res.Pulled)
		if f := res.Files; f.Sent > 0 || f.Refused > 0 {
			fmt.Fprintf(m.Stderr, "Tệp chứng cứ: đã gửi %d tệp (%d byte); máy chủ từ chối %d tệp.\n", f.Sent, f.BytesSent, f.Refused)
		}
		held, err := db.ListQuarantined(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		if len(held) > 0 {
			// Not a failure of this sync: the rest was stored and the
			// cursor moved; the officer still has to know.
			fmt.Fprintf(m.Stderr, "Có %d bản ghi nhận từ máy chủ tỉnh mà máy này chưa đọc được, đã để riêng: xem mục \"Cần xem xét\" trong ứng dụng và báo Sở Công Thương.\n", len(held))
		}
		if parked > 0 {
			return app.Errorf(app.ECONFLICT, "Máy chủ từ chối %d thay đổi; xem danh sách cần xử lý trong ứng dụng.", parked)
		}
		if pending > 0 {
			return app.Errorf(app.EOFFLINE, "Còn %d thay đổi chưa gửi được.", pending)
		}
		return nil
	})
}

// Reports are the report names of export, in the order of the help text.
var Reports = []string{"register", "intake", "attendance", "annual", "notices", "dump"}

// exportOptions are the flags of export: the report they ask for (req,
// which the window's Báo cáo screen also sends, see WriteReport), the
// output file, and for the intake record the number of the case and the
// receiving officer who signs it.
type exportOptions struct {
	req             app.ReportRequest
	out             string
	caseNo, officer string
}

// reportWriter writes the report q asks for from the store to w and
// returns how many records (rows) it wrote, and what WriteReport's audit
// record of an unmasked report says. Each report registers its
// writer in reportWriters from its own file.
type reportWriter func(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (reportOut, error)

// reportWriters are the .xlsx reports by name (dump and intake are
// handled apart).
var reportWriters = map[string]reportWriter{}

func (m *Main) export(ctx context.Context, dir string, o exportOptions) error {
	if o.out == "" {
		return app.Errorf(app.EINVALID, "Cần --out (tệp kết quả, hoặc - để ghi ra màn hình).")
	}
	if o.req.Year != 0 && (o.req.Year < 2000 || o.req.Year > 2100) {
		return app.Errorf(app.EINVALID, "Năm báo cáo không hợp lệ: %d.", o.req.Year)
	}
	if _, ok := reportWriters[o.req.Report]; !ok && o.req.Report != "dump" && o.req.Report != "intake" {
		return app.Errorf(app.EINVALID, "Loại báo cáo không hợp lệ: %q (%s).", o.req.Report, strings.Join(Reports, "|"))
	}
	o.caseNo = strings.TrimSpace(o.caseNo)
	if o.req.Report == "intake" && o.caseNo == "" {
		return app.Errorf(app.EINVALID, "Cần --case (số vụ việc) để in phiếu tiếp nhận.")
	}
	if o.req.Report != "intake" && (o.caseNo != "" || o.officer != "") {
		return app.Errorf(app.EINVALID, "--case và --officer chỉ dùng với --report intake.")
	}
	return m.withStore(ctx, dir, func(db *storage.DB, refs *app.RefData) error {
		if o.req.Report == "intake" {
			// Find the case before creating the file, so that a wrong
			// number leaves nothing behind.
			c, err := findCase(ctx, db, o.caseNo)
			if err != nil {
				return err
			}
			officer := strings.TrimSpace(o.officer)
			if officer == "" {
				officer = c.CreatedBy
			}
			files, err := db.Attachments(ctx, c.ID)
			if err != nil {
				return err
			}
			return writeOut(o.out, m.Stdout, func(w io.Writer) error {
				if err := xlsx.WriteIntakeWithFiles(w, &c, refs, officer, files); err != nil {
					return err
				}
				if o.out != "-" {
					fmt.Fprintf(m.Stderr, "Đã xuất phiếu tiếp nhận vụ việc %s vào %s\n", c.Number, o.out)
				}
				return nil
			})
		}
		return writeOut(o.out, m.Stdout, func(w io.Writer) error {
			var (
				n   int
				err error
			)
			if o.req.Report == "dump" {
				n, err = db.Dump(ctx, w)
			} else {
				n, err = WriteReport(ctx, db, refs, w, o.req)
			}
			if err == nil && o.out != "-" {
				fmt.Fprintf(m.Stderr, "Đã xuất %d bản ghi vào %s\n", n, o.out)
			}
			return err
		})
	})
}

// parseDay reads the day of a flag, dd/mm/yyyy (or d/m/yyyy), as midnight
// in Vietnam; "" is no day (the zero time).
func parseDay(flag, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2/1/2006", strings.TrimSpace(s), app.ICT)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, app.Errorf(app.EINVALID, "%s không hợp lệ: %q (cần dd/mm/yyyy).", flag, s)
	}
	return t, nil
}

// findCase returns the case with the given number (ignoring case and
// surrounding spaces). A voided case is not printed.
func findCase(ctx context.Context, db *storage.DB, number string) (app.Case, error) {
	cases, err := db.ListCases(ctx, app.CaseQuery{IncludeVoided: true})
	if err != nil {
		return app.Case{}, err
	}
	for _, c := range cases {
		if strings.EqualFold(c.Number, number) {
			if c.Voided {
				return app.Case{}, app.Errorf(app.EINVALID, "Vụ việc số %s đã bị hủy (%s); không in phiếu tiếp nhận.", c.Number, c.VoidReason)
			}
			return c, nil
		}
	}
	return app.Case{}, app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc số %s.", number)
}

// writeOut writes to stdout for "-", else to a temporary file renamed into
// place, so a failed export never leaves half a file. A path that is not a
// regular file (/dev/null, NUL on Windows, a pipe) is written to directly:
// renaming over it would replace the device with a file.
func writeOut(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		return fn(stdout)
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return app.WrapError(app.EINVALID, "Không ghi được tệp "+path+".", err)
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".bvntd-export-*")
	if err != nil {
		return app.WrapError(app.EINVALID, "Không ghi được tệp "+path+".", err)
	}
	defer os.Remove(f.Name())
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return app.WrapError(app.EINTERNAL, "Không ghi được tệp "+path+".", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return app.WrapError(app.EINTERNAL, "Không ghi được tệp "+path+".", err)
	}
	return nil
}

// Exit prints err as one line on stderr and returns the exit code: 0 for
// nil, 2 for bad input, 1 otherwise. An unexpected error is shown with the
// generic message plus its text for the administrator (the command has
// logged it already, see LogResult).
func Exit(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	code := app.ErrorCode(err)
	msg := app.ErrorMessage(err)
	if code == app.EINTERNAL {
		detail := err.Error()
		if e := (*app.Error)(nil); errors.As(err, &e) && e.Message != "" && e.Err != nil {
			detail = e.Err.Error() // the message is already there
		}
		msg += " (" + detail + ")"
	}
	fmt.Fprintln(stderr, "Lỗi: "+msg)
	if code == app.EINVALID {
		return 2
	}
	return 1
}
