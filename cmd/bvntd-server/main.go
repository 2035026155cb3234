// Command bvntd-server is the provincial sync server of BVNTD Đồng Tháp and
// its administration tool:
//
//	bvntd-server serve   --db PATH [--addr 127.0.0.1:8080] [--tls-cert F --tls-key F] [--max-conns 1024] [--max-decoding 8]
//	                     [--public-addr ADDR [--public-trust-proxy]]
//	bvntd-server enroll  --db PATH --scope COMMUNE_CODE|province [--ttl 72h]
//	bvntd-server devices --db PATH
//	bvntd-server revoke  --db PATH --device ID
//	bvntd-server allow-reenrol --db PATH --device ID [--ttl 72h]
//	bvntd-server province-copy --db PATH --device ID --full|--limited
//	bvntd-server export  --db PATH --report dump [--commune CODE] --out FILE
//	bvntd-server export  --db PATH --report audit [--from D --to D] [--commune CODE] --out FILE
//	bvntd-server calendar import --db PATH --file FILE
//	bvntd-server calendar list   --db PATH [--year Y]
//
// Machine-readable output (an enrolment code, a dump sent to "-") goes to
// stdout alone; messages go to stderr. Exit 0 on success; on failure one
// line on stderr and a non-zero exit.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"bvntd/app"
	"bvntd/seeds"
	"bvntd/storage/serverstore"
	"bvntd/sync/intakeweb"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// Defaults.
const (
	DefaultDB   = "./data/server.sqlite"
	DefaultAddr = "127.0.0.1:8080"
	DefaultTTL  = 72 * time.Hour
)

// HTTP timeouts: provincial links are slow (2G: 5–20 KB/s), but no
// connection may hold a worker forever. A body's arrival is watched by the
// handler (syncserver.Limits: a minimal rate after a grace, seconds for a
// request without a token); readTimeout is only the ceiling of a whole
// request, sized for the largest raw body (8 MB) at 20 KB/s.
// serverGCPercent is the garbage collector's target of `bvntd-server`
// (see main).
const serverGCPercent = 300

const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 10 * time.Minute
	writeTimeout      = 2 * time.Minute
	idleTimeout       = time.Minute
	shutdownTimeout   = 15 * time.Second
	maxHeaderBytes    = 64 << 10
)

// ict is Vietnam's time zone (no daylight saving), for what people read.
var ict = time.FixedZone("ICT", 7*60*60)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if path := os.Getenv("BVNTD_CPUPROFILE"); path != "" {
		// For developers (bvntd-bench side): where the server spends CPU,
		// until it stops.
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if os.Getenv("GOGC") == "" {
		// A push or a pull allocates and drops its batch at once; at Go's
		// default the collector took a sixth of a bulk push's CPU
		// (bvntd-bench side: 3.40 → 2.94 s at 300, issue 22). The live heap
		// is small (the batches in flight), so three times it is cheap.
		// GOGC in the environment overrides it.
		debug.SetGCPercent(serverGCPercent)
	}
	m := NewMain(app.WallClock)
	if err := m.ParseFlags(os.Args[1:]); errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		fail(m, err)
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		fail(m, err)
	}
	if m.Serving() {
		select {
		case <-ctx.Done():
			fmt.Fprintln(m.Stderr, "đang dừng máy chủ (shutting down)")
		case err := <-m.ServeErr():
			m.Close()
			fail(m, err)
		}
	}
	if err := m.Close(); err != nil {
		fail(m, err)
	}
}

func fail(m *Main, err error) {
	fmt.Fprintln(m.Stderr, "bvntd-server: "+ErrorLine(err))
	os.Exit(1)
}

// ErrorLine is the one line a failed command prints: the Vietnamese message
// of an app error, or "Lỗi hệ thống" with the technical cause in brackets.
func ErrorLine(err error) string {
	var e *app.Error
	var line string
	if errors.As(err, &e) && e.Message != "" && e.Code != app.EINTERNAL {
		line = e.Message
	} else {
		line = "Lỗi hệ thống (internal error): " + err.Error()
	}
	return strings.Join(strings.Fields(line), " ")
}

// Main is the program, so that tests can drive it in-process:
// ParseFlags, then Run, then (for serve) Addr, and Close.
type Main struct {
	Stdout, Stderr io.Writer
	// Now is the program's clock (app/clock.go): main passes the wall
	// clock, tests the day they test.
	Now func() time.Time

	Command    string
	DB         string
	ListenAddr string // --addr
	TLSCert    string
	TLSKey     string
	Scope      string
	TTL        time.Duration
	Device     string
	Report     string
	Year       int
	Commune    string
	Out        string
	From       string // restore: the backup file
	// AuditFrom and AuditTo are the days (dd/mm/yyyy) of export --report
	// audit (--from, --to).
	AuditFrom, AuditTo string
	// IntakeFrom and IntakeTo are the days (dd/mm/yyyy) of intake
	// (--from, --to).
	IntakeFrom, IntakeTo string
	// Unmask is the reason given with export --unmask: the register is
	// then written with personal data, and an audit record per commune
	// says so; "" writes it masked.
	Unmask string
	// FullCopy, LimitedCopy: province-copy's choice (one of them).
	FullCopy, LimitedCopy bool
	// FilesDir is the evidence files' folder (--files): "" for
	// serverstore.DefaultFilesDir beside a SQLite file, and for the
	// database itself on PostgreSQL (serverstore/pgcontent.go).
	FilesDir string
	// Prune: files --prune removes the content of the files every device
	// has seen removed (serverstore.PruneFiles); serve does it once a day,
	// checking every PruneCheckEvery (a minute when 0) whether the day of
	// its clock has changed.
	Prune           bool
	PruneCheckEvery time.Duration
	pruneStop       chan struct{}
	pruneDone       chan struct{}
	// MinAppVersion: serve refuses pushes from older apps (426).
	MinAppVersion string
	// MaxConns bounds serve's open connections (--max-conns;
	// syncserver.DefaultMaxConns when 0); Limits are the handler's.
	MaxConns int
	Limits   syncserver.Limits
	// CalendarAction is the sub-command of calendar (import or list); File
	// the file it imports (calendar.go).
	CalendarAction string
	File           string
	recovery       recoveryKeyFlags // recovery-key (recoverykey.go)
	// PublicAddr is the public intake form's listener (--public-addr; ""
	// none): its own server, never the device API. PublicTrustProxy: the
	// form is behind a reverse proxy whose X-Forwarded-For is believed.
	PublicAddr       string
	PublicTrustProxy bool
	// IntakeBackend answers the public form; nil: the store (intake.go).
	IntakeBackend intakeweb.Backend

	store    *serverstore.Store
	ln       net.Listener
	srv      *http.Server
	pubLn    net.Listener
	pubSrv   *http.Server
	serveErr chan error
}

// NewMain returns a Main on the clock now, writing to the process's
// stdout and stderr.
func NewMain(now func() time.Time) *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Now: app.MustClock(now, "bvntd-server")}
}

const usage = `Cách dùng (usage):
  bvntd-server serve   --db DB [--addr 127.0.0.1:8080] [--tls-cert F --tls-key F] [--max-conns 1024] [--max-decoding 8] [--files THƯ_MỤC]
                       [--public-addr ĐỊA_CHỈ [--public-trust-proxy]]   (cổng tiếp nhận phản ánh công khai)
  bvntd-server enroll  --db DB --scope MÃ_XÃ|province [--ttl 72h]
  bvntd-server devices --db DB
  bvntd-server files   --db DB [--files THƯ_MỤC] [--prune]
  bvntd-server intake  --db DB [--from dd/mm/yyyy --to dd/mm/yyyy]
  bvntd-server revoke  --db DB --device ID
  bvntd-server allow-reenrol --db DB --device ID [--ttl 72h]
  bvntd-server province-copy --db DB --device ID --full|--limited
  bvntd-server export  --db DB --report dump [--commune MÃ_XÃ] --out FILE
  bvntd-server export  --db DB --report audit [--from dd/mm/yyyy --to dd/mm/yyyy] [--commune MÃ_XÃ] --out FILE
  bvntd-server backup  --db DB --out FILE [--files THƯ_MỤC]   (tệp chứng cứ: thư mục FILE.tep)
  bvntd-server restore --db DB --from FILE [--files THƯ_MỤC]
  bvntd-server calendar import --db DB --file TỆP.json
  bvntd-server calendar list   --db DB [--year NĂM]
  bvntd-server recovery-key --db DB [--generate --out TỆP_KHÓA | --set age1…]
DB: tệp SQLite (a SQLite file) hoặc postgres://user:pass@host:5432/dbname (PostgreSQL)
`

// ParseFlags reads the sub-command and its flags.
func (m *Main) ParseFlags(args []string) error {
	if len(args) == 0 {
		return app.Errorf(app.EINVALID, "Thiếu lệnh: serve, enroll, devices, files, intake, revoke, allow-reenrol, province-copy, export, backup, restore hoặc calendar; xem --help (missing command).")
	}
	m.Command = args[0]
	switch m.Command {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(m.Stderr, usage)
		return flag.ErrHelp
	case "calendar":
		return m.parseCalendar(args[1:])
	case "recovery-key":
		return m.parseRecoveryKey(args[1:])
	}
	fs := flag.NewFlagSet("bvntd-server "+m.Command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&m.DB, "db", DefaultDB, "database file")
	switch m.Command {
	case "serve":
		fs.StringVar(&m.ListenAddr, "addr", DefaultAddr, "listen address")
		fs.StringVar(&m.TLSCert, "tls-cert", "", "TLS certificate (PEM)")
		fs.StringVar(&m.TLSKey, "tls-key", "", "TLS key (PEM)")
		fs.StringVar(&m.MinAppVersion, "min-app-version", "", "oldest app version whose changes are accepted")
		fs.IntVar(&m.MaxConns, "max-conns", syncserver.DefaultMaxConns, "most connections open at once")
		fs.IntVar(&m.Limits.MaxDecoding, "max-decoding", syncserver.DefaultMaxDecoding, "most pushes and pulls decoded at once (each up to 32 MB)")
		fs.StringVar(&m.FilesDir, "files", "", "evidence files' folder (default: DB.tep beside a SQLite file, inside the database on PostgreSQL)")
		fs.StringVar(&m.PublicAddr, "public-addr", "", "listen address of the public intake form (none by default)")
		fs.BoolVar(&m.PublicTrustProxy, "public-trust-proxy", false, "the public form is behind a reverse proxy: take the client address from X-Forwarded-For")
	case "backup":
		fs.StringVar(&m.Out, "out", "", "backup file")
		fs.StringVar(&m.FilesDir, "files", "", "evidence files' folder (default: DB.tep beside a SQLite file, inside the database on PostgreSQL)")
	case "restore":
		fs.StringVar(&m.From, "from", "", "backup file")
		fs.StringVar(&m.FilesDir, "files", "", "evidence files' folder of the restored server (default: DB.tep beside a SQLite file, the database on PostgreSQL)")
	case "enroll":
		fs.StringVar(&m.Scope, "scope", "", "commune code or province")
		fs.DurationVar(&m.TTL, "ttl", DefaultTTL, "how long the code is valid")
	case "devices":
	case "files":
		fs.StringVar(&m.FilesDir, "files", "", "evidence files' folder (default: DB.tep beside a SQLite file, inside the database on PostgreSQL)")
		fs.BoolVar(&m.Prune, "prune", false, "remove the content of files whose records are all voided and seen voided by every device")
	case "intake":
		fs.StringVar(&m.IntakeFrom, "from", "", "first day dd/mm/yyyy")
		fs.StringVar(&m.IntakeTo, "to", "", "last day dd/mm/yyyy")
	case "revoke":
		fs.StringVar(&m.Device, "device", "", "device id")
	case "allow-reenrol":
		fs.StringVar(&m.Device, "device", "", "device id")
		fs.DurationVar(&m.TTL, "ttl", DefaultTTL, "how long the allowance lasts")
	case "province-copy":
		fs.StringVar(&m.Device, "device", "", "device id")
		fs.BoolVar(&m.FullCopy, "full", false, "the full copy: every commune's personal data")
		fs.BoolVar(&m.LimitedCopy, "limited", false, "the limited copy (default)")
	case "export":
		fs.StringVar(&m.Report, "report", "", "register|attendance|annual|audit|dump")
		fs.IntVar(&m.Year, "year", 0, "year")
		fs.StringVar(&m.Commune, "commune", "", "commune code")
		fs.StringVar(&m.Out, "out", "", "output file, - for stdout")
		fs.StringVar(&m.AuditFrom, "from", "", "audit: first day dd/mm/yyyy")
		fs.StringVar(&m.AuditTo, "to", "", "audit: last day dd/mm/yyyy")
		fs.StringVar(&m.Unmask, "unmask", "", "register: write personal data unmasked, for this reason (recorded)")
	default:
		return app.Errorf(app.EINVALID, "Lệnh không hợp lệ: %q (unknown command). Dùng serve, enroll, devices, files, intake, revoke, allow-reenrol, province-copy, export, backup, restore hoặc calendar; xem --help.", m.Command)
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(m.Stderr, usage)
			return err
		}
		return app.Errorf(app.EINVALID, "Tham số không hợp lệ (bad flag): %v", err)
	}
	if fs.NArg() > 0 {
		return app.Errorf(app.EINVALID, "Tham số thừa (unexpected argument): %q", fs.Arg(0))
	}
	if m.DB == "" {
		return app.Errorf(app.EINVALID, "Thiếu --db (missing --db).")
	}
	switch m.Command {
	case "serve":
		if (m.TLSCert == "") != (m.TLSKey == "") {
			return app.Errorf(app.EINVALID, "Cần cả --tls-cert và --tls-key (both --tls-cert and --tls-key are needed).")
		}
		if m.PublicTrustProxy && m.PublicAddr == "" {
			return app.Errorf(app.EINVALID, "--public-trust-proxy chỉ dùng cùng --public-addr (cổng tiếp nhận công khai).")
		}
	case "enroll":
		if m.Scope == "" {
			return app.Errorf(app.EINVALID, "Thiếu --scope: mã xã, phường 5 chữ số hoặc province (missing --scope).")
		}
		if !serverstore.ValidScope(m.Scope) {
			return app.Errorf(app.EINVALID, "Phạm vi %q không hợp lệ: cần mã xã, phường 5 chữ số hoặc province (bad --scope).", m.Scope)
		}
	case "revoke", "allow-reenrol":
		if m.Device == "" {
			return app.Errorf(app.EINVALID, "Thiếu --device (missing --device).")
		}
	case "province-copy":
		if m.Device == "" {
			return app.Errorf(app.EINVALID, "Thiếu --device (missing --device).")
		}
		if m.FullCopy == m.LimitedCopy {
			return app.Errorf(app.EINVALID, "Cần chọn một trong --full (bản đầy đủ) hoặc --limited (bản rút gọn) (choose --full or --limited).")
		}
	case "backup":
		if m.Out == "" {
			return app.Errorf(app.EINVALID, "Thiếu --out (missing --out).")
		}
	case "restore":
		if m.From == "" {
			return app.Errorf(app.EINVALID, "Thiếu --from (missing --from).")
		}
	case "export":
		_, known := serverReports[m.Report]
		switch {
		case m.Report == "dump" || known:
		case m.Report == "":
			return app.Errorf(app.EINVALID, "Thiếu --report: register, attendance, annual, audit hoặc dump (missing --report).")
		default:
			return app.Errorf(app.EINVALID, "Loại báo cáo %q không hợp lệ: register, attendance, annual, audit hoặc dump (bad --report).", m.Report)
		}
		if (m.AuditFrom != "" || m.AuditTo != "") && m.Report != "audit" {
			return app.Errorf(app.EINVALID, "--from và --to chỉ dùng với --report audit; các báo cáo khác dùng --year.")
		}
		if m.Unmask != "" && m.Report != "register" {
			return app.Errorf(app.EINVALID, "--unmask chỉ dùng với --report register: các báo cáo khác không có thông tin cá nhân để che.")
		}
		if m.Unmask != "" && strings.TrimSpace(m.Unmask) == "" {
			return app.Errorf(app.EINVALID, "Xuất sổ theo dõi không che thông tin cá nhân cần ghi lý do (--unmask \"lý do\").")
		}
		if m.Report == "audit" && m.Year != 0 {
			return app.Errorf(app.EINVALID, "Nhật ký truy xuất chọn theo ngày: dùng --from, --to, không dùng --year.")
		}
		if m.Year != 0 && (m.Year < 2000 || m.Year > 2100) {
			return app.Errorf(app.EINVALID, "Năm báo cáo không hợp lệ: %d (bad --year).", m.Year)
		}
		if m.Out == "" {
			return app.Errorf(app.EINVALID, "Thiếu --out (missing --out).")
		}
		provinceAudit := m.Commune == syncproto.ScopeProvince && m.Report == "audit" // the provincial devices' own records
		if m.Commune != "" && !provinceAudit && (m.Commune == syncproto.ScopeProvince || !serverstore.ValidScope(m.Commune)) {
			return app.Errorf(app.EINVALID, "Mã xã, phường %q không hợp lệ (bad --commune).", m.Commune)
		}
	}
	return nil
}

// Run carries out the command. For serve it starts listening and returns;
// the server runs until Close.
func (m *Main) Run(ctx context.Context) error {
	if m.Command == "restore" {
		fc, err := serverstore.RestoreFiles(ctx, m.DB, m.From, serverstore.RestoreOptions{FilesDir: m.FilesDir}, m.Now)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đã khôi phục %s từ %s (epoch mới: các máy sẽ tự tải lại và gửi lại thay đổi).\n", redactURL(m.DB), m.From)
		if fc.Dir != "" {
			fmt.Fprintln(m.Stderr, fc.Summary("đã khôi phục"))
		}
		return nil
	}
	create := m.Command == "serve" || m.Command == "enroll" || m.Command == "recovery-key"
	if err := m.openStore(ctx, create); err != nil {
		return err
	}
	switch m.Command {
	case "serve":
		return m.serve()
	case "enroll":
		return m.enroll(ctx)
	case "devices":
		return m.devices(ctx)
	case "files":
		return m.files(ctx)
	case "intake":
		return m.intake(ctx)
	case "revoke":
		return m.revoke(ctx)
	case "allow-reenrol":
		return m.allowReenrol(ctx)
	case "province-copy":
		return m.provinceCopy(ctx)
	case "export":
		return m.export(ctx)
	case "calendar":
		return m.calendar(ctx)
	case "recovery-key":
		return m.recoveryKey(ctx)
	case "backup":
		if err := m.store.Backup(ctx, m.Out); err != nil {
			return err
		}
		fc, err := m.store.BackupFiles(ctx, m.Out)
		if err != nil {
			return app.WrapError(app.ErrorCode(err), fmt.Sprintf("Đã sao lưu cơ sở dữ liệu vào %s nhưng chưa sao lưu được tệp chứng cứ: %s", m.Out, app.ErrorMessage(err)), err)
		}
		fmt.Fprintf(m.Stderr, "Đã sao lưu vào %s (bản sao có epoch mới: nếu khôi phục, các máy sẽ tự tải lại và gửi lại thay đổi).\n", m.Out)
		fmt.Fprintln(m.Stderr, fc.Summary("đã sao lưu"))
		return nil
	}
	return app.Errorf(app.EINVALID, "Lệnh không hợp lệ: %q (unknown command).", m.Command)
}

// Close stops the server gracefully (in-flight requests finish) and closes
// the store.
func (m *Main) Close() error {
	var errs []error
	for _, srv := range []**http.Server{&m.pubSrv, &m.srv} {
		if *srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			errs = append(errs, (*srv).Shutdown(ctx))
			cancel()
			*srv = nil
		}
	}
	m.stopDailyPrune()
	if m.store != nil {
		errs = append(errs, m.store.Close())
		m.store = nil
	}
	return errors.Join(errs...)
}

// Serving reports whether Run started a server.
func (m *Main) Serving() bool { return m.ln != nil }

// Addr returns the address the server listens on (useful with port 0).
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// URL returns the server's base URL.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	scheme := "http"
	if m.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + m.Addr()
}

// PublicURL returns the public intake form's base URL ("" without
// --public-addr).
func (m *Main) PublicURL() string {
	if m.pubLn == nil {
		return ""
	}
	scheme := "http"
	if m.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + m.pubLn.Addr().String()
}

// ServeErr delivers the error that stopped the server, if it stops by
// itself.
func (m *Main) ServeErr() <-chan error { return m.serveErr }

func (m *Main) openStore(ctx context.Context, create bool) error {
	if serverstore.IsPostgres(m.DB) {
		// The database itself is made by the administrator (createdb); the
		// server makes its tables.
	} else if create {
		if err := os.MkdirAll(filepath.Dir(m.DB), 0o750); err != nil {
			return app.WrapError(app.EINVALID, fmt.Sprintf("Không tạo được thư mục cho cơ sở dữ liệu %s (cannot create folder): %v", m.DB, err), err)
		}
	} else if _, err := os.Stat(m.DB); err != nil {
		return app.WrapError(app.ENOTFOUND, fmt.Sprintf("Không tìm thấy cơ sở dữ liệu %s (database not found).", m.DB), err)
	}
	st, err := serverstore.Open(ctx, m.DB, serverstore.Options{Now: m.Now, FilesDir: m.FilesDir})
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return app.WrapError(app.EINVALID, fmt.Sprintf("Không mở được cơ sở dữ liệu %s (cannot open database): %v", redactURL(m.DB), err), err)
		}
		return err
	}
	m.store = st
	return nil
}

// redactURL hides the password of a PostgreSQL URL in messages and logs.
func redactURL(db string) string {
	if !serverstore.IsPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

func (m *Main) serve() error {
	logger := slog.New(slog.NewJSONHandler(m.Stderr, nil))
	m.store.SetLogger(logger) // the intake's line per submission
	var tlsConfig *tls.Config
	if m.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(m.TLSCert, m.TLSKey)
		if err != nil {
			return app.WrapError(app.EINVALID, fmt.Sprintf("Không đọc được chứng chỉ TLS (cannot load certificate): %v", err), err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", m.ListenAddr)
	if err != nil {
		return app.WrapError(app.EINVALID, fmt.Sprintf("Không mở được địa chỉ %s (cannot listen): %v", m.ListenAddr, err), err)
	}
	ln = syncserver.LimitListener(ln, m.MaxConns)
	var pub http.Handler
	var pubLn net.Listener
	if m.PublicAddr != "" {
		if pub, err = m.publicHandler(logger); err == nil {
			pubLn, err = net.Listen("tcp", m.PublicAddr)
			if err != nil {
				err = app.WrapError(app.EINVALID, fmt.Sprintf("Không mở được địa chỉ %s của cổng tiếp nhận công khai (cannot listen): %v", m.PublicAddr, err), err)
			}
		}
		if err != nil {
			ln.Close()
			return err
		}
		pubLn = syncserver.LimitListener(pubLn, m.MaxConns)
	}
	newServer := func(h http.Handler) *http.Server {
		return &http.Server{
			Handler:           h,
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    maxHeaderBytes,
			TLSConfig:         tlsConfig,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		}
	}
	m.ln = ln
	m.srv = newServer(syncserver.New(m.store, syncserver.Options{Logger: logger, MinAppVersion: m.MinAppVersion, Now: m.Now,
		Limits: m.Limits}))
	m.serveErr = make(chan error, 2)
	var running sync.WaitGroup
	start := func(srv *http.Server, ln net.Listener) {
		running.Go(func() {
			var err error
			if tlsConfig != nil {
				err = srv.ServeTLS(ln, "", "")
			} else {
				err = srv.Serve(ln)
			}
			if !errors.Is(err, http.ErrServerClosed) {
				m.serveErr <- err
			}
		})
	}
	start(m.srv, ln)
	if pub != nil {
		// The public form on its own server and listener: the device API
		// is not reachable there, nor the form on the device API's.
		m.pubLn, m.pubSrv = pubLn, newServer(pub)
		start(m.pubSrv, pubLn)
	}
	go func() {
		running.Wait()
		close(m.serveErr)
	}()
	fmt.Fprintf(m.Stderr, "listening on %s\n", m.URL())
	if m.pubLn != nil {
		fmt.Fprintf(m.Stderr, "public intake form on %s\n", m.PublicURL())
		if tlsConfig == nil && !loopbackAddr(m.pubLn.Addr()) && !m.PublicTrustProxy {
			logger.Warn("Cổng tiếp nhận công khai phục vụ bằng http:// không mã hóa trên một địa chỉ không phải loopback: "+
				"thông tin người dân gửi đi qua mạng ở dạng đọc được. Hãy dùng --tls-cert và --tls-key, hoặc đặt một proxy TLS "+
				"phía trước (README) (public form served without TLS outside loopback).",
				"addr", m.pubLn.Addr().String(), "tls", false)
		}
	}
	m.startDailyPrune(logger)
	if files, err := m.store.Files(); err != nil {
		logger.Warn("Máy chủ chưa mở được nơi lưu tệp chứng cứ; các máy giữ tệp và gửi lại khi máy chủ sẵn sàng (no evidence files store).",
			"error", err)
	} else {
		logger.Info("Tệp chứng cứ được lưu tại: " + files.Where())
	}
	if tlsConfig == nil && !loopbackAddr(ln.Addr()) {
		logger.Warn("Máy chủ phục vụ các máy trạm bằng http:// không mã hóa trên một địa chỉ không phải loopback: mã đăng ký, "+
			"khóa thiết bị và dữ liệu cá nhân đi qua mạng ở dạng đọc được. Hãy dùng --tls-cert và --tls-key, hoặc đặt một "+
			"proxy TLS phía trước và nghe trên 127.0.0.1 (device API served without TLS outside loopback).",
			"addr", ln.Addr().String(), "tls", false)
	}
	return nil
}

// loopbackAddr reports whether a listener's address is loopback only (an
// unspecified address, 0.0.0.0 or [::], listens on every interface).
func loopbackAddr(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func (m *Main) enroll(ctx context.Context) error {
	code, expires, err := m.store.CreateEnrolCode(ctx, m.Scope, m.TTL)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, code)
	what := "xã, phường " + m.Scope
	if m.Scope == syncproto.ScopeProvince {
		what = "cấp tỉnh"
	}
	fmt.Fprintf(m.Stderr, "Mã đăng ký dùng một lần cho %s, hết hạn lúc %s (ICT).\n",
		what, expires.In(ict).Format("15:04 02/01/2006"))
	return nil
}

func (m *Main) devices(ctx context.Context) error {
	devs, err := m.store.Devices(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MÃ THIẾT BỊ\tKÝ HIỆU\tPHẠM VI\tBẢN SAO\tĐỒNG BỘ LẦN CUỐI\tTHU HỒI\tTÊN")
	for _, d := range devs {
		revoked := "không"
		if d.Revoked() {
			revoked = "có, " + formatTime(d.RevokedAt)
		}
		name := d.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Tag, d.Scope, copyOf(d), formatTime(d.LastSyncAt), revoked, name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "%d thiết bị.\n", len(devs))
	return nil
}

// copyOf says what a device receives of the communes' personal data: a
// commune's device, its commune whole ("đầy đủ"); a provincial one, the
// limited copy by default (serverstore/provincecopy.go).
func copyOf(d serverstore.Device) string {
	switch {
	case d.Scope != syncproto.ScopeProvince:
		return "đầy đủ (xã)"
	case d.FullCopy:
		return "đầy đủ"
	}
	return "rút gọn"
}

// provinceCopy gives a provincial device the full copy of the communes'
// data, or the limited one again; the change is in the device's history.
func (m *Main) provinceCopy(ctx context.Context) error {
	changed, err := m.store.SetFullCopy(ctx, m.Device, m.FullCopy)
	if err != nil {
		return err
	}
	what := "bản rút gọn (không có thông tin cá nhân của người tiêu dùng, trừ vụ việc chuyển cơ quan cấp tỉnh)"
	if m.FullCopy {
		what = "bản đầy đủ (cả thông tin cá nhân của mọi xã, phường)"
	}
	if !changed {
		fmt.Fprintf(m.Stderr, "Thiết bị %s đã nhận %s; không có gì thay đổi.\n", m.Device, what)
		return nil
	}
	fmt.Fprintf(m.Stderr, "Thiết bị %s từ nay nhận %s; lần đồng bộ tới, máy sẽ tải lại dữ liệu các xã, phường.\n", m.Device, what)
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "chưa"
	}
	return t.In(ict).Format("02/01/2006 15:04")
}

func (m *Main) revoke(ctx context.Context) error {
	if err := m.store.Revoke(ctx, m.Device); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "Đã thu hồi thiết bị %s.\n", m.Device)
	return nil
}

// allowReenrol lets one device enrol again without its token, keeping its
// id (a laptop that lost its token); the allowance is recorded in the
// device's history.
func (m *Main) allowReenrol(ctx context.Context) error {
	until, err := m.store.AllowReenrol(ctx, m.Device, m.TTL)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "Thiết bị %s được đăng ký lại một lần (với một mã đăng ký mới, giữ mã thiết bị) đến %s (ICT).\n",
		m.Device, until.In(ict).Format("15:04 02/01/2006"))
	return nil
}

// serverReportOptions are the flags of a province-wide report.
type serverReportOptions struct {
	Commune string // "" for the whole province, with a per-commune breakdown
	Year    int    // the report year; 0 for the current one
	// From and To are the days of --from and --to (dd/mm/yyyy; audit).
	From, To string
	// Unmask is the reason of an unmasked register ("" masked).
	Unmask string
	Now    time.Time
}

// serverReport writes one .xlsx report of the merged data to w and returns
// its row count. Each report registers itself in serverReports from its own
// file.
type serverReport func(ctx context.Context, st *serverstore.Store, refs *app.RefData, w io.Writer, o serverReportOptions) (int, error)

// serverReports are the .xlsx reports of export by name (dump is apart).
var serverReports = map[string]serverReport{}

// export writes the report to a temporary file next to --out and renames
// it, so a failed export never leaves half a file under the final name.
func (m *Main) export(ctx context.Context) error {
	write := func(w io.Writer) error {
		if r, ok := serverReports[m.Report]; ok {
			refs, err := seeds.Load()
			if err != nil {
				return err
			}
			n, err := r(ctx, m.store, refs, w, serverReportOptions{Commune: m.Commune, Year: m.Year, From: m.AuditFrom, To: m.AuditTo, Unmask: strings.TrimSpace(m.Unmask), Now: m.Now()})
			if err == nil && m.Out != "-" {
				fmt.Fprintf(m.Stderr, "%d dòng.\n", n)
			}
			return err
		}
		if m.Commune != "" {
			return m.store.DumpScope(ctx, w, m.Commune)
		}
		return m.store.Dump(ctx, w)
	}
	if m.Out == "-" {
		return write(m.Stdout)
	}
	dir := filepath.Dir(m.Out)
	f, err := os.CreateTemp(dir, "."+filepath.Base(m.Out)+".*.tmp")
	if err != nil {
		return app.WrapError(app.EINVALID, fmt.Sprintf("Không ghi được tệp %s (cannot write): %v", m.Out, err), err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), m.Out); err != nil {
		return app.WrapError(app.EINVALID, fmt.Sprintf("Không ghi được tệp %s (cannot write): %v", m.Out, err), err)
	}
	fmt.Fprintf(m.Stderr, "Đã xuất %s.\n", m.Out)
	return nil
}
