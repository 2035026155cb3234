package main

// The load test (issue 7, item 4): many devices syncing with one provincial
// server at once.
//
//	go run ./cmd/bvntd-bench load --devices 100,200,500 [--duration 60s] [--think 1s] [--db PATH] [--server child|inproc]
//
// For each device count it starts a provincial server on loopback, enrols
// that many simulated commune laptops spread over the province's communes
// (seeds) plus one province device, and lets them all work at once for
// --duration: each device is a goroutine with its own local store
// (storage.Open in its own folder, seeded like a real laptop), its own
// token and its own syncclient.Client over real HTTP, and repeats a cycle
// of recording work (new cases, field edits and workflow steps through
// CreateCase, Edit and AddCaseEvent: about 5–20 mutations), syncing
// (push, then pull) and thinking. The province device records nothing and
// pulls everything.
//
// By default the server is a child process, `bvntd-server serve` built
// from this module (or --server-bin), so that its CPU time and peak memory
// are its own: the devices run in the bench process. --server inproc runs
// it in the bench process instead (the figures are then the whole
// process's).

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bvntd/app"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/seeds/demo"
	"bvntd/storage"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// LoadConfig is one load run.
type LoadConfig struct {
	Devices  int           // commune devices; one province device is added
	Duration time.Duration // how long the devices keep starting new cycles
	// Think is the mean pause between two cycles of a device (uniform in
	// [Think/2, 3·Think/2]); the first cycle starts within [0, Think].
	Think time.Duration
	// MinMutations and MaxMutations bound the mutations a device records
	// in one cycle (about: a step of a case makes one or two).
	MinMutations, MaxMutations int
	// DB is the server's SQLite file or PostgreSQL URL; "" for a SQLite
	// file in Work. An existing database is used as it is (its devices and
	// records stay).
	DB string
	// DBPID is the PostgreSQL postmaster behind DB, when known: its
	// processes' CPU is measured too.
	DBPID int
	// Server is "child" (bvntd-server serve in its own process, the
	// default) or "inproc" (in this process).
	Server    string
	ServerBin string // child: a built bvntd-server; "" builds it with go build
	Work      string // working folder (devices' stores, the server's log)
	Seed      uint64
	Log       io.Writer // progress lines; nil: none
	// Now is the devices' clock (app/clock.go): the dates they record and
	// stamp, and the in-process server's; nil: the wall clock. Tests pass
	// the day they simulate. A child server runs on the wall clock, as
	// `bvntd-server serve` does, and its enrolment codes are made on it;
	// the sync handles devices whose clock differs from the server's. The
	// load's own timings use the real clock.
	Now func() time.Time
	// Consumers send the public intake form while the devices sync
	// (intakeload.go); 0: none. The server then also serves --public-addr.
	Consumers int
}

// serverNow is the clock of the server under load.
func (cfg *LoadConfig) serverNow() func() time.Time {
	if cfg.Server == "inproc" {
		return cfg.Now
	}
	return app.WallClock
}

// LoadResult is what a load run measured.
type LoadResult struct {
	Config  LoadConfig
	Elapsed time.Duration // from the start to the end of the last sync (the province device's included)
	// Window is from the start to the end of the last commune device's
	// last sync: every mutation is applied within it.
	Window time.Duration
	// MaxInFlight is the most push and pull requests under way at once.
	MaxInFlight int64
	Setup       time.Duration // opening, seeding and enrolling the devices

	// Mutations recorded on the devices (outbox rows made), acknowledged
	// to them, applied and rejected on the server during the run (rows of
	// its audit table), and left in the devices' outboxes at the end.
	Created, Acked, Applied, Rejected, Pending int64
	Pulled                                     int64 // records pulled by all devices
	Cycles, Syncs                              int64
	SyncErrors                                 int64 // syncs that returned an error
	WorkErrors                                 int64 // local writes that failed
	FailedRequests                             int64 // push/pull requests without a 200 (the client retries them)
	FirstError                                 string
	Push, Pull                                 []time.Duration // latency of each 200 push and pull request, sorted
	SyncTimes, WorkTimes                       []time.Duration // each whole sync (retries included) and each cycle's local work, sorted
	Province                                   struct {
		Syncs, Pulled int64
		Longest       time.Duration
	} // the province device, which pulls every commune

	ServerMode   string        // "child" or "inproc"
	ServerCPU    time.Duration // the server's CPU time during the run (inproc: the whole process's)
	DBCPU        time.Duration // PostgreSQL's CPU time during the run (all its processes), if measured
	ServerRSS    int64         // peak resident memory (child: the server's over its life; inproc: the process's)
	DevicesCPU   time.Duration // child: the bench process's (devices') CPU time during the run
	ServerErrLog int           // lines the server logged at level ERROR
	LoadAvg      string        // /proc/loadavg before the run

	// Intake: the consumers' submissions accepted (each POST's latency,
	// sorted), refused or failed, and the first failure.
	Intake struct {
		Post     []time.Duration
		Failed   int64
		FirstErr string
	}
}

// MutationsPerSecond is the rate the server applied mutations at.
func (r *LoadResult) MutationsPerSecond() float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(r.Applied) / r.Window.Seconds()
}

// Errors is every failure seen: syncs that failed, requests that failed
// (even if retried), local writes that failed, and mutations lost (made on
// a device but neither applied, rejected nor still pending), and online
// intake submissions refused or failed.
func (r *LoadResult) Errors() int64 {
	return r.SyncErrors + r.FailedRequests + r.WorkErrors + r.Rejected + abs(r.Lost()) + r.Intake.Failed
}

// Lost is the mutations made on the devices that the server neither
// applied nor rejected and that no outbox still holds.
func (r *LoadResult) Lost() int64 { return r.Created - r.Applied - r.Rejected - r.Pending }

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// Pass is the target of issue 7: p95 ≤ 1 s for pushes and pulls, no error.
func (r *LoadResult) Pass() bool {
	return r.Errors() == 0 && percentile(r.Push, 0.95) <= time.Second && percentile(r.Pull, 0.95) <= time.Second
}

func runLoad(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bvntd-bench load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	devices := fs.String("devices", "100", "simulated commune devices, or a comma-separated list of counts run one after the other")
	duration := fs.Duration("duration", 60*time.Second, "how long the devices work")
	think := fs.Duration("think", time.Second, "mean pause between two sync cycles of a device")
	minM := fs.Int("min-mutations", 5, "fewest mutations a device records per cycle")
	maxM := fs.Int("max-mutations", 20, "most mutations a device records per cycle")
	db := fs.String("db", "", "server SQLite file or PostgreSQL URL (default: a new SQLite file in the working folder)")
	pg := fs.String("pg", "", "run on PostgreSQL: \"throwaway\" (a cluster started for the bench: initdb, pg_ctl) or the URL of a role that may create databases; each run gets a new database")
	mode := fs.String("server", "child", "child: bvntd-server serve in its own process; inproc: in this process")
	bin := fs.String("server-bin", "", "a built bvntd-server (default: go build ./cmd/bvntd-server)")
	work := fs.String("work", "", "working folder (default: a temporary folder, removed at the end)")
	seed := fs.Uint64("seed", 1, "random seed of the devices' work")
	out := fs.String("out", "", "also write the Markdown report to this file")
	verbose := fs.Bool("v", false, "show the client's logs")
	consumers := fs.Int("consumers", 0, "consumers sending the public intake form (serve --public-addr) while the devices sync; child server only")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	var counts []int
	for _, s := range strings.Split(*devices, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(stderr, "bad --devices %q: want counts ≥ 1\n", *devices)
			return 2
		}
		counts = append(counts, n)
	}
	if *mode != "child" && *mode != "inproc" {
		fmt.Fprintf(stderr, "bad --server %q: child or inproc\n", *mode)
		return 2
	}
	if *minM < 1 || *maxM < *minM || *duration <= 0 || *think < 0 {
		fmt.Fprintln(stderr, "bad --duration, --think or --min/max-mutations")
		return 2
	}
	if *consumers < 0 || *consumers > 0 && *mode != "child" {
		fmt.Fprintln(stderr, "--consumers needs --server child (the public form is served by bvntd-server serve --public-addr)")
		return 2
	}
	if *db != "" && *pg != "" {
		fmt.Fprintln(stderr, "--db and --pg exclude each other")
		return 2
	}
	if *db != "" && len(counts) > 1 {
		fmt.Fprintln(stderr, "--db takes one --devices count (each run starts its own server)")
		return 2
	}
	if !*verbose {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "bvntd-load-")
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer os.RemoveAll(d)
		dir = d
	}
	ctx := context.Background()
	serverBin := *bin
	if *mode == "child" && serverBin == "" {
		p, err := buildServer(ctx, dir)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		serverBin = p
	}
	pgAdmin, pgPID := *pg, 0
	if *pg == "throwaway" {
		c, err := pgtest.StartCluster()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer c.Stop()
		pgAdmin, pgPID = c.URL, c.PID()
	}
	var results []*LoadResult
	code := 0
	for i, n := range counts {
		cfg := LoadConfig{Devices: n, Duration: *duration, Think: *think, MinMutations: *minM, MaxMutations: *maxM,
			DB: *db, Server: *mode, ServerBin: serverBin, Work: filepath.Join(dir, fmt.Sprintf("run%d-%d", i+1, n)),
			Seed: *seed, Log: stderr, DBPID: pgPID, Consumers: *consumers}
		if pgAdmin != "" {
			name := fmt.Sprintf("bvntd_load_%d_%d", n, time.Now().UnixNano())
			url, err := pgtest.CreateDatabase(pgAdmin, name)
			if err != nil {
				fmt.Fprintf(stderr, "create database: %v\n", err)
				return 1
			}
			defer pgtest.DropDatabase(pgAdmin, name)
			cfg.DB = url
		}
		r, err := RunLoad(ctx, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "load %d devices: %v\n", n, err)
			return 1
		}
		if r.Errors() > 0 {
			code = 1
		}
		results = append(results, r)
	}
	report := LoadReport(results, "bvntd-bench load "+strings.Join(args, " "))
	fmt.Fprint(stdout, report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	return code
}

// engineName names the engine of a server database.
func engineName(db string) string {
	if serverstore.IsPostgres(db) {
		return "PostgreSQL"
	}
	return "SQLite"
}

// buildServer builds bvntd-server from this module into dir.
func buildServer(ctx context.Context, dir string) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out := filepath.Join(dir, "bvntd-server")
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", out, "bvntd/cmd/bvntd-server")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build bvntd/cmd/bvntd-server (run from inside the module, or give --server-bin or --server inproc): %v\n%s", err, msg)
	}
	return out, nil
}

func (cfg *LoadConfig) logf(format string, args ...any) {
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, format+"\n", args...)
	}
}

// RunLoad runs one load test.
func RunLoad(ctx context.Context, cfg LoadConfig) (*LoadResult, error) {
	if cfg.Devices < 1 || cfg.Duration <= 0 || cfg.Work == "" {
		return nil, errors.New("load: devices, duration and working folder are needed")
	}
	if cfg.MinMutations < 1 {
		cfg.MinMutations = 5
	}
	if cfg.MaxMutations < cfg.MinMutations {
		cfg.MaxMutations = max(cfg.MinMutations, 20)
	}
	if cfg.Server == "" {
		cfg.Server = "child"
	}
	if cfg.Now == nil {
		cfg.Now = app.WallClock
	}
	if err := os.MkdirAll(cfg.Work, 0o700); err != nil {
		return nil, err
	}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(cfg.Work, "server.sqlite")
	}
	refs, err := seeds.Load()
	if err != nil {
		return nil, err
	}
	communes := refs.Units
	if len(communes) == 0 {
		return nil, errors.New("no commune in the seeds")
	}

	// Enrolment codes, one per device, and the audit counts before.
	st, err := serverstore.Open(ctx, cfg.DB, serverstore.Options{Now: cfg.serverNow()})
	if err != nil {
		return nil, err
	}
	scopes := make([]string, cfg.Devices+1)
	codes := make([]string, cfg.Devices+1)
	for i := range scopes {
		scopes[i] = syncproto.ScopeProvince
		if i < cfg.Devices {
			scopes[i] = communes[i%len(communes)].Code
		}
		if codes[i], _, err = st.CreateEnrolCode(ctx, scopes[i], 2*time.Hour); err != nil {
			st.Close()
			return nil, err
		}
	}
	if err := st.Close(); err != nil {
		return nil, err
	}
	applied0, rejected0, err := countAudit(ctx, cfg.DB, cfg.serverNow())
	if err != nil {
		return nil, err
	}

	srv, err := startLoadServer(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	res := &LoadResult{Config: cfg, ServerMode: cfg.Server, LoadAvg: loadAvg()}
	rec := &latencyRecorder{}

	// The devices: opened, seeded and enrolled a few at a time (not timed).
	start := time.Now()
	devs := make([]*loadDevice, cfg.Devices+1)
	var (
		setupErr error
		mu       sync.Mutex
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range max(2, runtime.NumCPU()*2) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(devs) {
					return
				}
				d, err := newLoadDevice(ctx, &cfg, i, scopes[i], refs, srv.url, codes[i], rec)
				mu.Lock()
				if err != nil && setupErr == nil {
					setupErr = fmt.Errorf("device %d (%s): %w", i, scopes[i], err)
				}
				devs[i] = d
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	defer func() {
		for _, d := range devs {
			if d != nil {
				d.db.Close()
			}
		}
	}()
	if setupErr != nil {
		return nil, setupErr
	}
	res.Setup = time.Since(start)
	cfg.logf("load: %d devices + 1 province device enrolled with %s in %v; working for %v",
		cfg.Devices, srv.what, res.Setup.Round(time.Millisecond), cfg.Duration)

	// The run.
	rec.reset()
	cpu0, devCPU0, dbCPU0 := srv.cpu(), cpuTime(), clusterCPU(cfg.DBPID)
	begin := time.Now()
	runCtx, cancel := context.WithDeadline(ctx, begin.Add(cfg.Duration))
	defer cancel()
	for _, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.run(ctx, runCtx)
		}()
	}
	intake := &intakeRecorder{}
	units := intakeUnits(refs)
	for i := range cfg.Consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runConsumer(runCtx, srv.publicURL, i, cfg.Seed, units, intake)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(begin)
	slices.Sort(intake.post)
	res.Intake.Post, res.Intake.Failed, res.Intake.FirstErr = intake.post, intake.failed, intake.firstErr
	cpu1, devCPU1, dbCPU1 := srv.cpu(), cpuTime(), clusterCPU(cfg.DBPID)
	res.ServerCPU, res.DevicesCPU, res.DBCPU = cpu1-cpu0, devCPU1-devCPU0, dbCPU1-dbCPU0
	if cfg.Server == "inproc" {
		res.DevicesCPU = 0 // the same process: ServerCPU is the whole of it
	}

	for _, d := range devs {
		res.Created += d.created
		res.Acked += d.acked
		res.Pulled += d.pulled
		res.Cycles += d.cycles
		res.Syncs += d.syncs
		res.SyncErrors += d.syncErrors
		res.WorkErrors += d.workErrors
		if res.FirstError == "" && d.firstError != "" {
			res.FirstError = d.firstError
		}
		res.SyncTimes = append(res.SyncTimes, d.syncTimes...)
		res.WorkTimes = append(res.WorkTimes, d.workTimes...)
		if !d.province && d.ended.Sub(begin) > res.Window {
			res.Window = d.ended.Sub(begin)
		}
		if d.province {
			res.Province.Syncs, res.Province.Pulled = d.syncs, d.pulled
			if len(d.syncTimes) > 0 {
				res.Province.Longest = slices.Max(d.syncTimes)
			}
		}
		pending, parked, err := d.db.OutboxCount(ctx)
		if err != nil {
			return nil, err
		}
		res.Pending += int64(pending + parked)
	}
	slices.Sort(res.SyncTimes)
	slices.Sort(res.WorkTimes)
	res.Push, res.Pull, res.FailedRequests = rec.results()
	res.MaxInFlight = rec.maxInFlight.Load()
	if res.FirstError == "" {
		res.FirstError = rec.firstFailure()
	}

	cpuAll, rss, err := srv.stop()
	if err != nil {
		return nil, fmt.Errorf("stopping the server: %w", err)
	}
	if res.ServerCPU <= 0 { // no /proc: the server's CPU over its whole life
		res.ServerCPU = cpuAll
	}
	res.ServerRSS = rss
	res.ServerErrLog = countLogErrors(srv.logPath)
	applied1, rejected1, err := countAudit(ctx, cfg.DB, cfg.serverNow())
	if err != nil {
		return nil, err
	}
	res.Applied, res.Rejected = applied1-applied0, rejected1-rejected0
	cfg.logf("load: %d devices: %d mutations made, %d applied on the server in %v (%.0f/s), push p95 %s, pull p95 %s, %d errors",
		cfg.Devices, res.Created, res.Applied, res.Elapsed.Round(time.Millisecond), res.MutationsPerSecond(),
		lat(percentile(res.Push, 0.95)), lat(percentile(res.Pull, 0.95)), res.Errors())
	return res, nil
}

// countAudit counts the mutations the server's audit table holds as
// applied and as rejected.
func countAudit(ctx context.Context, db string, now func() time.Time) (applied, rejected int64, err error) {
	st, err := serverstore.Open(ctx, db, serverstore.Options{Now: now})
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	return st.AuditCounts(ctx)
}

// loadServer is the provincial server under load.
type loadServer struct {
	url, what, logPath string
	publicURL          string // the public intake form (--public-addr), when consumers send it

	// child
	cmd  *exec.Cmd
	done chan error
	// inproc
	st   *serverstore.Store
	hs   *http.Server
	logf *os.File

	stopOnce sync.Once
	cpuAll   time.Duration
	rss      int64
	stopErr  error
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func startLoadServer(ctx context.Context, cfg *LoadConfig) (*loadServer, error) {
	s := &loadServer{logPath: filepath.Join(cfg.Work, "server.log")}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	s.logf = logf
	if cfg.Server == "inproc" {
		st, err := serverstore.Open(ctx, cfg.DB, serverstore.Options{Now: cfg.Now})
		if err != nil {
			logf.Close()
			return nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			st.Close()
			logf.Close()
			return nil, err
		}
		logger := slog.New(slog.NewJSONHandler(logf, nil))
		// As `bvntd-server serve` sets it up (cmd/bvntd-server/main.go).
		s.hs = &http.Server{
			Handler:           syncserver.New(st, syncserver.Options{Logger: logger, Now: cfg.Now}),
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, WriteTimeout: 2 * time.Minute,
			IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		}
		s.st, s.url, s.what = st, "http://"+ln.Addr().String(), "the server in this process"
		go s.hs.Serve(ln)
		return s, nil
	}
	addr, err := freeAddr()
	if err != nil {
		logf.Close()
		return nil, err
	}
	args := []string{"serve", "--db", cfg.DB, "--addr", addr}
	if cfg.Consumers > 0 {
		pub, err := freeAddr()
		if err != nil {
			logf.Close()
			return nil, err
		}
		args = append(args, "--public-addr", pub, "--public-trust-proxy")
		s.publicURL = "http://" + pub
	}
	s.cmd = exec.Command(cfg.ServerBin, args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", cfg.ServerBin, err)
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.cmd.Wait() }()
	s.url = "http://" + addr
	s.what = fmt.Sprintf("bvntd-server serve (pid %d)", s.cmd.Process.Pid)
	// Wait until it answers its health check.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.url + syncproto.PathHealth)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			s.stop()
			return nil, fmt.Errorf("the server stopped at start: %v (see %s)", err, s.logPath)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server does not answer on %s (see %s)", s.url, s.logPath)
		}
	}
}

// cpu is the server's CPU time so far: the child's from /proc (0 where
// there is none), or this whole process's.
func (s *loadServer) cpu() time.Duration {
	if s.cmd != nil {
		return procCPU(s.cmd.Process.Pid)
	}
	return cpuTime()
}

// stop stops the server gracefully and returns its CPU time over its
// whole life and its peak resident memory (inproc: the process's).
func (s *loadServer) stop() (time.Duration, int64, error) {
	s.stopOnce.Do(func() {
		defer s.logf.Close()
		if s.cmd == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			s.stopErr = errors.Join(s.hs.Shutdown(ctx), s.st.Close())
			s.cpuAll, s.rss = cpuTime(), selfMaxRSS()
			return
		}
		// The peak of the server's own memory, read while it runs: the
		// rusage of a child also counts the bench's memory at the time it
		// was spawned (Linux keeps the larger of the two across exec), which
		// made later runs of a series report the bench's size.
		hwm := procHWM(s.cmd.Process.Pid)
		interrupt(s.cmd.Process)
		var err error
		select {
		case err = <-s.done:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			err = <-s.done
		}
		if s.cmd.ProcessState == nil {
			s.stopErr = err
			return
		}
		s.cpuAll = s.cmd.ProcessState.UserTime() + s.cmd.ProcessState.SystemTime()
		s.rss = childMaxRSS(s.cmd.ProcessState)
		if hwm > 0 {
			s.rss = hwm
		}
		if !s.cmd.ProcessState.Success() {
			s.stopErr = fmt.Errorf("bvntd-server: %v (see %s)", err, s.logPath)
		}
	})
	return s.cpuAll, s.rss, s.stopErr
}

// procHWM is a running process's peak resident memory (VmHWM in
// /proc/PID/status), in bytes; 0 if it cannot be read.
func procHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// procCPU reads a process's CPU time (user + system) from /proc/PID/stat;
// 0 if it cannot.
func procCPU(pid int) time.Duration {
	st, ok := procStat(pid)
	if !ok {
		return 0
	}
	return st.cpu
}

type procStatus struct {
	ppid      int
	cpu       time.Duration // user + system
	childrenC time.Duration // of its children that ended
}

// procStat reads /proc/PID/stat.
func procStat(pid int) (procStatus, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStatus{}, false
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return procStatus{}, false
	}
	f := strings.Fields(string(b[i+1:])) // from field 3 (state)
	if len(f) < 15 {
		return procStatus{}, false
	}
	var n [5]int64
	for k, idx := range []int{1, 11, 12, 13, 14} { // ppid, utime, stime, cutime, cstime
		v, err := strconv.ParseInt(f[idx], 10, 64)
		if err != nil {
			return procStatus{}, false
		}
		n[k] = v
	}
	const clkTck = 100 // USER_HZ, 100 on Linux
	return procStatus{ppid: int(n[0]), cpu: time.Duration(n[1]+n[2]) * time.Second / clkTck,
		childrenC: time.Duration(n[3]+n[4]) * time.Second / clkTck}, true
}

// clusterCPU is the CPU time of a PostgreSQL cluster so far: its
// postmaster, its live backends and those that ended (counted in the
// postmaster's children time). 0 without a pid or /proc.
func clusterCPU(postmaster int) time.Duration {
	if postmaster <= 0 {
		return 0
	}
	pm, ok := procStat(postmaster)
	if !ok {
		return 0
	}
	total := pm.cpu + pm.childrenC
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == postmaster {
			continue
		}
		if st, ok := procStat(pid); ok && st.ppid == postmaster {
			total += st.cpu
		}
	}
	return total
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func countLogErrors(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), `"level":"ERROR"`)
}

// latencyRecorder keeps the latency of every push and pull request.
type latencyRecorder struct {
	inFlight, maxInFlight atomic.Int64

	mu         sync.Mutex
	push, pull []time.Duration
	failed     int64
	firstFail  string
}

func (r *latencyRecorder) reset() {
	r.mu.Lock()
	r.push, r.pull, r.failed, r.firstFail = nil, nil, 0, ""
	r.mu.Unlock()
	r.maxInFlight.Store(r.inFlight.Load())
}

func (r *latencyRecorder) add(path string, d time.Duration) {
	r.mu.Lock()
	if path == syncproto.PathPush {
		r.push = append(r.push, d)
	} else {
		r.pull = append(r.pull, d)
	}
	r.mu.Unlock()
}

func (r *latencyRecorder) fail(path, why string) {
	r.mu.Lock()
	r.failed++
	if r.firstFail == "" {
		r.firstFail = path + ": " + why
	}
	r.mu.Unlock()
}

func (r *latencyRecorder) results() (push, pull []time.Duration, failed int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	push, pull = slices.Clone(r.push), slices.Clone(r.pull)
	slices.Sort(push)
	slices.Sort(pull)
	return push, pull, r.failed
}

func (r *latencyRecorder) firstFailure() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstFail
}

// latencyTransport times each push and pull request, from sending it to
// the end of its answer's body.
type latencyTransport struct {
	next http.RoundTripper
	rec  *latencyRecorder
}

func (t *latencyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	path := r.URL.Path
	if path != syncproto.PathPush && path != syncproto.PathPull {
		return t.next.RoundTrip(r)
	}
	start := time.Now()
	n := t.rec.inFlight.Add(1)
	for m := t.rec.maxInFlight.Load(); n > m && !t.rec.maxInFlight.CompareAndSwap(m, n); m = t.rec.maxInFlight.Load() {
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		t.rec.inFlight.Add(-1)
		t.rec.fail(path, err.Error())
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		t.rec.inFlight.Add(-1)
		t.rec.fail(path, resp.Status)
		return resp, nil
	}
	resp.Body = &doneBody{ReadCloser: resp.Body, done: func() {
		t.rec.inFlight.Add(-1)
		t.rec.add(path, time.Since(start))
	}}
	return resp, nil
}

// doneBody calls done once, when the body has been read to its end or
// closed.
type doneBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *doneBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *doneBody) Close() error {
	b.once.Do(b.done)
	return b.ReadCloser.Close()
}

// loadDevice is one simulated laptop.
type loadDevice struct {
	cfg      *LoadConfig
	i        int
	scope    string
	unit     app.AdminUnit
	refs     *app.RefData
	db       *storage.DB
	client   *syncclient.Client
	hc       *http.Client
	r        *rand.Rand
	sample   *demo.Sampler // draws the values of its cases (nil on the province's device)
	own      []string      // ids of the cases this device recorded
	province bool

	syncTimes, workTimes []time.Duration
	ended                time.Time

	created, acked, pulled int64
	cycles, syncs          int64
	syncErrors, workErrors int64
	firstError             string
}

// loadDeviceTag is the device tag of device i of a run with seed: from the
// seed, as every other choice of the run, and distinct for each device.
func loadDeviceTag(seed uint64, i int) string {
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	v := (seed*0x9e3779b97f4a7c15>>44 + uint64(i)) % (32 * 32 * 32 * 32)
	tag := make([]byte, 4)
	for j := range tag {
		tag[j] = crockford[v%32]
		v /= 32
	}
	return string(tag)
}

func newLoadDevice(ctx context.Context, cfg *LoadConfig, i int, scope string, refs *app.RefData, url, code string, rec *latencyRecorder) (*loadDevice, error) {
	db, err := storage.Open(ctx, filepath.Join(cfg.Work, "devices", fmt.Sprintf("%04d", i), cli.StoreFile),
		storage.Options{Now: cfg.Now, DeviceTag: loadDeviceTag(cfg.Seed, i)})
	if err != nil {
		return nil, err
	}
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		db.Close()
		return nil, err
	}
	db.SetRefs(refs)
	d := &loadDevice{cfg: cfg, i: i, scope: scope, refs: refs, db: db,
		r: rand.New(rand.NewPCG(cfg.Seed, uint64(i))), province: scope == syncproto.ScopeProvince}
	if !d.province {
		d.unit, _ = refs.Unit(scope)
		d.sample = demo.NewSampler(d.r, refs, d.unit)
		db.SetOfficer("Cán bộ " + d.unit.Name)
	} else {
		db.SetOfficer("Sở Công Thương")
	}
	// Each laptop has its own connection, as in the field.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2
	d.hc = &http.Client{Timeout: 60 * time.Second, Transport: &latencyTransport{next: tr, rec: rec}}
	d.client = &syncclient.Client{Store: db, HTTP: d.hc, AppVersion: cli.AppVersion, Now: db.Now}
	if _, err := d.client.Enroll(ctx, url, code, fmt.Sprintf("máy thử tải %d", i)); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

func (d *loadDevice) fail(err error) {
	if d.firstError == "" {
		d.firstError = fmt.Sprintf("device %d (%s): %v", d.i, d.scope, err)
	}
}

// run repeats work, sync, think until runCtx ends; the sync under way then
// finishes (ctx bounds it).
func (d *loadDevice) run(ctx, runCtx context.Context) {
	defer d.hc.CloseIdleConnections()
	if !sleepCtx(runCtx, time.Duration(d.r.Int64N(int64(d.cfg.Think)+1))) {
		return
	}
	for runCtx.Err() == nil {
		d.cycles++
		if !d.province {
			t0 := time.Now()
			d.work(ctx)
			d.workTimes = append(d.workTimes, time.Since(t0))
		}
		sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		t0 := time.Now()
		res, err := d.client.Sync(sctx)
		d.ended = time.Now()
		d.syncTimes = append(d.syncTimes, d.ended.Sub(t0))
		cancel()
		d.syncs++
		d.acked += int64(res.Pushed)
		d.pulled += int64(res.Pulled)
		if err != nil {
			d.syncErrors++
			d.fail(fmt.Errorf("sync: %w", err))
		}
		pause := d.cfg.Think/2 + time.Duration(d.r.Int64N(int64(d.cfg.Think)+1))
		if !sleepCtx(runCtx, pause) {
			return
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// work records about MinMutations..MaxMutations mutations: new cases,
// field edits and workflow steps of this device's cases, and counts the
// outbox rows they made.
func (d *loadDevice) work(ctx context.Context) {
	before, _, err := d.db.OutboxCount(ctx)
	if err != nil {
		d.workErrors++
		d.fail(err)
		return
	}
	target := d.cfg.MinMutations + d.r.IntN(d.cfg.MaxMutations-d.cfg.MinMutations+1)
	// A step makes one or two mutations (the event, the status), a new
	// case or an edit one: stop at about target.
	for made := 0; made < target; {
		var err error
		switch p := d.r.IntN(10); {
		case len(d.own) == 0 || p < 3:
			err = d.newCase(ctx)
			made++
		case p < 6:
			err = d.edit(ctx)
			made++
		default:
			err = d.step(ctx)
			made += 2
		}
		if err != nil {
			d.workErrors++
			d.fail(err)
			break
		}
	}
	after, _, err := d.db.OutboxCount(ctx)
	if err != nil {
		d.workErrors++
		d.fail(err)
		return
	}
	d.created += int64(after - before)
}

func pickOne[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// loadSteps are the workflow steps the laptops record.
var loadSteps = []string{app.EventAcknowledged, app.EventAccepted, app.EventProcessingStarted,
	app.EventBusinessContacted, app.EventBusinessResponded, app.EventResolved, app.EventClosed, app.EventNote}

// newCase records a new case of the sample vocabulary (seeds/demo).
func (d *loadDevice) newCase(ctx context.Context) error {
	c := d.sample.PlainCase(d.db.Now())
	if err := d.db.CreateCase(ctx, c); err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	d.own = append(d.own, c.ID)
	return nil
}

func (d *loadDevice) edit(ctx context.Context) error {
	c, err := d.db.GetCase(ctx, pickOne(d.r, d.own))
	if err != nil {
		return err
	}
	orig := c
	switch d.r.IntN(3) {
	case 0:
		c.ConsumerPhone = d.sample.Phone()
	case 1:
		c.Summary += " Đã liên hệ doanh nghiệp ngày " + d.db.Now().In(app.ICT).Format("02/01/2006") + "."
	default:
		c.BusinessAddress = d.sample.BusinessAddress()
	}
	if err := d.db.Edit(ctx, app.EntityCase, c.ID, orig.Version, c.ChangedFields(&orig)); err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	return nil
}

// step records a workflow step allowed in the case's status.
func (d *loadDevice) step(ctx context.Context) error {
	c, err := d.db.GetCase(ctx, pickOne(d.r, d.own))
	if err != nil {
		return err
	}
	events, err := d.db.ListCaseEvents(ctx, c.ID)
	if err != nil {
		return err
	}
	done := make([]string, len(events))
	for i, e := range events {
		done[i] = e.Kind
	}
	var allowed []string
	for _, k := range app.AllowedEventsAfter(c.Status, done) {
		if slices.Contains(loadSteps, k) {
			allowed = append(allowed, k)
		}
	}
	if len(allowed) == 0 {
		allowed = []string{app.EventNote}
	}
	e := &app.CaseEvent{Kind: pickOne(d.r, allowed), Note: "Đã gọi điện cho người tiêu dùng, ghi nhận ý kiến."}
	if err := d.db.AddCaseEvent(ctx, c.ID, e); err != nil {
		return fmt.Errorf("add step %s from %s: %w", e.Kind, c.Status, err)
	}
	return nil
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// lat writes a latency.
func lat(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// LoadReport renders load results as Markdown.
func LoadReport(results []*LoadResult, command string) string {
	var w strings.Builder
	fmt.Fprintf(&w, "# BVNTD load test\n\n")
	fmt.Fprintf(&w, "%s · %s %s/%s · %d CPU (%s)", time.Now().Format("2006-01-02 15:04"), runtime.Version(),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel())
	if rev := revision(); rev != "" {
		fmt.Fprintf(&w, " · build %s", rev)
	}
	fmt.Fprintf(&w, " · `%s`\n\n", strings.TrimSpace(command))
	fmt.Fprintf(&w, "Server database: %s.\n\n", engineName(results[0].Config.DB))
	fmt.Fprintf(&w, "| Devices | Duration | Mutations | Mutations/s | Push p50 / p95 / p99 | Pull p50 / p95 / p99 | Errors | Server CPU | Server peak RSS | p95 ≤ 1 s, 0 errors |\n")
	fmt.Fprintf(&w, "|---:|---:|---:|---:|---|---|---:|---:|---:|---|\n")
	for _, r := range results {
		cpu := fmt.Sprintf("%s (%.0f%% of a core)", dur(r.ServerCPU), 100*r.ServerCPU.Seconds()/max(r.Elapsed.Seconds(), 1e-9))
		if r.DBCPU > 0 {
			cpu += fmt.Sprintf(" + PostgreSQL %s (%.0f%%)", dur(r.DBCPU), 100*r.DBCPU.Seconds()/max(r.Elapsed.Seconds(), 1e-9))
		}
		fmt.Fprintf(&w, "| %d + 1 | %s | %d | %.0f | %s / %s / %s | %s / %s / %s | %d | %s | %.0f MB | %s |\n",
			r.Config.Devices, dur(r.Window), r.Applied, r.MutationsPerSecond(),
			lat(percentile(r.Push, 0.5)), lat(percentile(r.Push, 0.95)), lat(percentile(r.Push, 0.99)),
			lat(percentile(r.Pull, 0.5)), lat(percentile(r.Pull, 0.95)), lat(percentile(r.Pull, 0.99)),
			r.Errors(), cpu, float64(r.ServerRSS)/1e6, passWord(r.Pass()))
	}
	fmt.Fprintf(&w, "\nDevices: commune laptops spread over the communes, + 1 province device that pulls everything; each a goroutine with its own SQLite store, token and sync client over real HTTP on loopback, repeating: record work (%d–%d mutations: new cases, field edits, workflow steps), sync (push, then pull), think (mean %v). Duration: from the start to the end of the last commune device's last sync (no cycle starts after --duration); mutations/s is over it. Mutations: applied on the server during the run (its audit table). Latency: one push or pull request, from sending it to the end of its answer. Errors: failed syncs + requests answered without a 200 (even if retried) + failed local writes + rejected or lost mutations.\n",
		results[0].Config.MinMutations, results[0].Config.MaxMutations, results[0].Config.Think)
	for _, r := range results {
		what := "`bvntd-server serve` in its own process (CPU from /proc during the run, peak RSS: its VmHWM just before it stops)"
		if r.ServerMode == "inproc" {
			what = "the server in the bench process: CPU and RSS are the whole process's, devices included"
		}
		fmt.Fprintf(&w, "\n- %d devices: server: %s. %d cycles, %d syncs, %d push and %d pull requests; %d mutations made on the devices, %d acknowledged, %d applied, %d rejected, %d left in outboxes, %d lost; %d records pulled.",
			r.Config.Devices, what, r.Cycles, r.Syncs, len(r.Push), len(r.Pull), r.Created, r.Acked, r.Applied, r.Rejected, r.Pending, r.Lost(), r.Pulled)
		if r.DevicesCPU > 0 {
			fmt.Fprintf(&w, " Devices (the bench process): %s CPU (%.0f%% of a core).", dur(r.DevicesCPU), 100*r.DevicesCPU.Seconds()/max(r.Elapsed.Seconds(), 1e-9))
		}
		if r.LoadAvg != "" {
			fmt.Fprintf(&w, " Load average before: %s.", r.LoadAvg)
		}
		fmt.Fprintf(&w, " Whole sync (push + pull, retries included) p50 / p95 / max %s / %s / %s; local work of a cycle p50 / p95 / max %s / %s / %s.",
			lat(percentile(r.SyncTimes, 0.5)), lat(percentile(r.SyncTimes, 0.95)), lat(percentile(r.SyncTimes, 1)),
			lat(percentile(r.WorkTimes, 0.5)), lat(percentile(r.WorkTimes, 0.95)), lat(percentile(r.WorkTimes, 1)))
		fmt.Fprintf(&w, " The province device: %d syncs, %d records pulled, longest sync %s; it ended %s after the start.",
			r.Province.Syncs, r.Province.Pulled, dur(r.Province.Longest), dur(r.Elapsed))
		fmt.Fprintf(&w, " At most %d requests under way at once.", r.MaxInFlight)
		if r.Applied > 0 && r.ServerMode == "child" {
			fmt.Fprintf(&w, " Server CPU per mutation applied (pulls served included): %.2f ms", r.ServerCPU.Seconds()*1000/float64(r.Applied))
			if r.DBCPU > 0 {
				fmt.Fprintf(&w, ", PostgreSQL's %.2f ms", r.DBCPU.Seconds()*1000/float64(r.Applied))
			}
			fmt.Fprint(&w, ".")
		}
		fmt.Fprintf(&w, " Setup (open, seed, enrol) %s, not measured.", dur(r.Setup))
		if r.Errors() > 0 {
			fmt.Fprintf(&w, " **Errors**: %d failed syncs, %d failed requests, %d failed writes, %d rejected; first: %s.",
				r.SyncErrors, r.FailedRequests, r.WorkErrors, r.Rejected, r.FirstError)
		}
		if r.ServerErrLog > 0 {
			fmt.Fprintf(&w, " The server logged %d errors.", r.ServerErrLog)
		}
		if r.Config.Consumers > 0 {
			fmt.Fprintf(&w, " **Online intake** (%d consumers sending the public form at the same time, each opening %d forms, waiting the form's minimum fill time, then sending them): %d submissions accepted, %.1f/s over the run; POST p50 / p95 / p99 / max %s / %s / %s / %s; %d refused or failed",
				r.Config.Consumers, intakeBatch, len(r.Intake.Post), float64(len(r.Intake.Post))/max(r.Elapsed.Seconds(), 1e-9),
				lat(percentile(r.Intake.Post, 0.5)), lat(percentile(r.Intake.Post, 0.95)), lat(percentile(r.Intake.Post, 0.99)), lat(percentile(r.Intake.Post, 1)),
				r.Intake.Failed)
			if r.Intake.FirstErr != "" {
				fmt.Fprintf(&w, " (first: %s)", r.Intake.FirstErr)
			}
			fmt.Fprint(&w, ".")
		}
	}
	fmt.Fprintln(&w)
	return w.String()
}
