//go:build unix

package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/storage"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// The kill test of issue 3: the real `bvntd sync` process is killed with
// SIGKILL at random points of a push and of a pull, many times, then run
// again: nothing is lost, nothing is doubled, and the local store passes
// PRAGMA integrity_check after every kill.
//
// The desktop binary is built once (`go build -tags ci`) and driven with
// exec.Command, as a script or the scheduler would. The provincial server
// runs in this process behind killMonitor, a middleware that makes every
// request of a run about to be killed last a little (it reads the request
// body slowly, waits 20–60 ms before handing it to the handler, waits again
// after the commit and streams the answer slowly; the runs that must finish
// go at full speed) and records which step each request is at, so every
// kill can be logged with what it interrupted:
//
//	receiving    the request body is still arriving: nothing applied
//	queued       the body is in, the handler has not started
//	handling     the server applies the batch / reads the page
//	answering    the server has committed; its answer is on the wire
//	answered     the answer is delivered; the client is storing it
//	             (ApplyResults / ApplyPull) or preparing the next request
//
// The bvntd processes run on the machine's real clock, as the program does;
// the server and the checks in this process run at the simulated today
// (clocktest.Running): a laptop whose clock differs from the server's, by
// days or years, which the sync handles (the server translates and bounds
// the device's stamps). Nothing checked depends on the day.
//
// The kill times and the demo data come from a logged seed
// (BVNTD_KILL_SEED or BVNTD_TEST_SEED replays it). Most kills are
// anchored on a request of the run (the 1st or 2nd push, the 1st–3rd pull)
// plus a random delay spread over about one request's duration, so that each
// run makes at most a batch or a page or two of progress and the kills land
// all along the push and the pull, whatever the speed of the machine; one
// run in six is killed at a random time during its start-up instead (while
// the store is opened and the seeds are checked). The assertions do not
// depend on the seed.

const (
	killCommune = "28261"
	killCases   = 1500

	killMinPushKills = 10 // kills that must land in A's push
	killMinPullKills = 10 // kills that must land in B's pull
	killMinTotal     = 20
	killPushRuns     = 20 // A is killed at least this many times
	killMaxRuns      = 60 // per device, a bound on the loops

	// killPageCap caps the pull pages the server sends to B (the client
	// asks for 512 KB), so that B's pull of 1500 cases takes some 45 pages
	// instead of 3 and the kills can land all along it.
	killPageCap = 32 << 10

	// killMaxBody is the server's limit on a push body (gzipped): the
	// client's 256 KB batches (some 237 mutations, 25 KB gzipped) are
	// answered 413 and halved to about 60 mutations, some 25 pushes.
	killMaxBody = 8 << 10
)

// killSeed returns the seed of the kill times: BVNTD_KILL_SEED, or the
// test's seed (clocktest.Seed: BVNTD_TEST_SEED, or one derived from the
// test's name), logged so a failure can be replayed.
func killSeed(t *testing.T) uint64 {
	t.Helper()
	if s := os.Getenv("BVNTD_KILL_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("BVNTD_KILL_SEED=%q: %v", s, err)
		}
		return n
	}
	return clocktest.Seed(t) & (1<<53 - 1)
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// buildBvntd builds the desktop program once for this test run. The
// sub-commands never open a window, so the `ci` tag (no OpenGL, no cgo) is
// enough.
func buildBvntd(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH; cannot build bvntd")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(goTool, "env", "GOMOD").Output(); err == nil {
		if mod := strings.TrimSpace(string(out)); mod != "" && mod != os.DevNull {
			root = filepath.Dir(mod)
		}
	}
	bin := filepath.Join(t.TempDir(), "bvntd")
	cmd := exec.Command(goTool, "build", "-tags", "ci", "-o", bin, "bvntd")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags ci bvntd: %v\n%s", err, out)
	}
	return bin
}

// Steps of a request as the server sees it.
type killStage int

const (
	stageReceiving killStage = iota
	stageQueued
	stageHandling
	stageAnswering
	stageAnswered
	stageCut // the request body never arrived whole
)

// killReq is one request of the current run.
type killReq struct {
	kind  string // push, pull, enroll
	n     int    // its number in the run
	stage killStage
	items int // mutations in the batch, records in the page
	dups  int // "duplicate" answers in a push
}

// killMonitor slows the server down and tells where each request is.
type killMonitor struct {
	next http.Handler
	// clock measures the requests' real durations (differences of two
	// readings; it reads no date that matters).
	clock func() time.Time

	mu       sync.Mutex
	slow     bool // slow the requests down (only runs that will be killed)
	pageCap  int  // if > 0, the largest pull page served
	rng      *rand.Rand
	changed  chan struct{}
	inflight int
	runStart time.Time
	runReqs  int      // requests of the current run
	cur      *killReq // the latest request of the current run
	reqDur   time.Duration
	startup  time.Duration
	totals   map[string]int // requests per kind, whole test
	pushed   int            // mutations sent in push requests, whole test
	dups     int            // "duplicate" answers, whole test
}

func newKillMonitor(t *testing.T, seed uint64) *killMonitor {
	return &killMonitor{
		clock:   clocktest.Running(t),
		rng:     rand.New(rand.NewPCG(seed, 0x6b696c6c)),
		changed: make(chan struct{}, 1),
		reqDur:  150 * time.Millisecond,
		startup: 150 * time.Millisecond,
		totals:  map[string]int{},
	}
}

func (m *killMonitor) wrap(h http.Handler) http.Handler { m.next = h; return m }

func (m *killMonitor) signal() {
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

func (m *killMonitor) setStage(r *killReq, s killStage) {
	m.mu.Lock()
	r.stage = s
	m.mu.Unlock()
	m.signal()
}

// newRun starts counting the requests of a new client process; slow says
// whether to slow its requests down (a run that will be killed) or not (a
// run that must finish).
func (m *killMonitor) newRun(slow bool) {
	m.mu.Lock()
	m.runStart, m.runReqs, m.cur, m.slow = m.clock(), 0, nil, slow
	m.mu.Unlock()
}

func (m *killMonitor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := m.clock()
	req := &killReq{kind: "enroll"}
	switch r.URL.Path {
	case syncproto.PathPush:
		req.kind = "push"
	case syncproto.PathPull:
		req.kind = "pull"
	}
	m.mu.Lock()
	m.inflight++
	m.runReqs++
	req.n = m.runReqs
	if req.n == 1 && m.slow {
		m.startup = (3*m.startup + start.Sub(m.runStart)) / 4
	}
	m.cur = req
	m.totals[req.kind]++
	pageCap, slow := m.pageCap, m.slow
	delay := 20*time.Millisecond + time.Duration(m.rng.Int64N(int64(40*time.Millisecond)))
	answerDelay := 5*time.Millisecond + time.Duration(m.rng.Int64N(int64(30*time.Millisecond)))
	pause := func(d time.Duration) {
		if slow {
			time.Sleep(d)
		}
	}
	m.mu.Unlock()
	m.signal()
	defer func() {
		m.mu.Lock()
		m.inflight--
		m.mu.Unlock()
		m.signal()
	}()

	// Read the body slowly, so that a kill can land while it arrives.
	var body bytes.Buffer
	buf := make([]byte, 2<<10)
	for {
		n, err := r.Body.Read(buf)
		body.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			m.setStage(req, stageCut)
			return
		}
		pause(2 * time.Millisecond)
	}
	raw := body.Bytes()
	gz := strings.Contains(r.Header.Get("Content-Encoding"), "gzip")
	switch req.kind {
	case "push":
		var pr syncproto.PushRequest
		if syncproto.Decode(bytes.NewReader(raw), gz, syncproto.MaxBodyBytes, &pr) == nil {
			m.mu.Lock()
			req.items = len(pr.Mutations)
			m.pushed += len(pr.Mutations)
			m.mu.Unlock()
		}
	case "pull":
		var pr syncproto.PullRequest
		if pageCap > 0 && syncproto.Decode(bytes.NewReader(raw), gz, syncproto.MaxBodyBytes, &pr) == nil &&
			(pr.MaxBytes <= 0 || pr.MaxBytes > pageCap) {
			pr.MaxBytes = pageCap
			if b, err := syncproto.Encode(pr, gz); err == nil {
				raw = b
			}
		}
	}
	r.Body = readCloser{bytes.NewReader(raw)}
	r.ContentLength = int64(len(raw))
	r.Header.Set("Content-Length", strconv.Itoa(len(raw)))

	m.setStage(req, stageQueued)
	pause(delay)
	m.setStage(req, stageHandling)
	rec := httptest.NewRecorder()
	m.next.ServeHTTP(rec, r)
	answer := rec.Body.Bytes()
	dups, records := 0, 0
	if rec.Code == http.StatusOK {
		gzResp := strings.Contains(rec.Header().Get("Content-Encoding"), "gzip")
		switch req.kind {
		case "push":
			var pr syncproto.PushResponse
			if syncproto.Decode(bytes.NewReader(answer), gzResp, syncproto.MaxBodyBytes, &pr) == nil {
				for _, res := range pr.Results {
					if res.Status == syncproto.StatusDuplicate {
						dups++
					}
				}
			}
		case "pull":
			var pr syncproto.PullResponse
			if syncproto.Decode(bytes.NewReader(answer), gzResp, syncproto.MaxBodyBytes, &pr) == nil {
				for _, s := range pr.Scopes {
					records += len(s.Records)
				}
			}
		}
	}
	m.mu.Lock()
	req.dups = dups
	m.dups += dups
	if req.kind == "pull" {
		req.items = records
	}
	req.stage = stageAnswering
	m.mu.Unlock()
	m.signal()

	// The answer leaves a little after the commit, and slowly: 512 bytes
	// every 4 ms.
	pause(answerDelay)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	fl, _ := w.(http.Flusher)
	for len(answer) > 0 {
		n := min(512, len(answer))
		if _, err := w.Write(answer[:n]); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		answer = answer[n:]
		if len(answer) > 0 {
			pause(4 * time.Millisecond)
		}
	}
	m.mu.Lock()
	req.stage = stageAnswered
	if slow {
		m.reqDur = (3*m.reqDur + m.clock().Sub(start)) / 4
	}
	m.mu.Unlock()
	m.signal()
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// waitRequests waits until the current run has made n requests; false if
// done closes first or after limit.
func (m *killMonitor) waitRequests(n int, done <-chan struct{}, limit time.Duration) bool {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		m.mu.Lock()
		got := m.runReqs >= n
		m.mu.Unlock()
		if got {
			return true
		}
		select {
		case <-m.changed:
		case <-done:
			return false
		case <-deadline.C:
			return false
		}
	}
}

// waitIdle waits until no request is being served: a push whose client was
// killed is still applied (the server finishes it), and the checks after a
// kill must see its outcome.
func (m *killMonitor) waitIdle(limit time.Duration) bool {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		m.mu.Lock()
		idle := m.inflight == 0
		m.mu.Unlock()
		if idle {
			return true
		}
		select {
		case <-m.changed:
		case <-deadline.C:
			return false
		}
	}
}

// where tells what the current run was doing, as the server saw it: its
// phase ("startup", "push" or "pull"), the step (a key for the summary) and
// a description with the request's number and size.
func (m *killMonitor) where() (phase, step, what string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.cur
	if r == nil {
		return "startup", "start-up: opening the store, before any request", "start-up: opening the store, before any request"
	}
	size := fmt.Sprintf("%d mutations", r.items)
	if r.kind == "pull" {
		size = fmt.Sprintf("%d records", r.items)
	}
	if r.dups > 0 {
		size += fmt.Sprintf(", %d answered duplicate", r.dups)
	}
	switch r.stage {
	case stageReceiving:
		step = "request body arriving (nothing applied)"
	case stageQueued:
		step = "request received, server not yet handling it"
	case stageHandling:
		step = "server applying the batch"
		if r.kind == "pull" {
			step = "server reading the page"
		}
	case stageAnswering:
		step = "server committed, answer not yet delivered"
		if r.kind == "pull" {
			step = "page not yet delivered"
		}
	case stageAnswered:
		step = "answer delivered: client storing it or preparing the next request"
	case stageCut:
		step = "request cut"
	}
	what = fmt.Sprintf("%s#%d: %s", r.kind, r.n, step)
	if r.kind == "push" && r.stage >= stageQueued || r.kind == "pull" && r.stage >= stageAnswering {
		what += " (" + size + ")"
	}
	return r.kind, r.kind + ": " + step, what
}

// capPages makes the server send pull pages of at most n bytes of records.
func (m *killMonitor) capPages(n int) {
	m.mu.Lock()
	m.pageCap = n
	m.mu.Unlock()
}

func (m *killMonitor) durations() (startup, req time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.startup, m.reqDur
}

// killProc is one run of the desktop program.
type killProc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
	start          time.Time
}

// killRig holds what the test shares.
type killRig struct {
	t     *testing.T
	seed  uint64
	bin   string
	srv   *e2eServer
	mon   *killMonitor
	rng   *rand.Rand
	srvDB *serverSQL // the server's database
	// clock is the server's and the checks' clock: the simulated today,
	// moving in real time; durations are differences of its readings.
	clock func() time.Time

	kills      int
	byPhase    map[string]int // "A push", "A pull", "B pull", "A startup"…
	finished   int            // runs that ended before their kill
	stageCount map[string]int
}

// bvntd runs a sub-command of the desktop program to its end and returns
// its stdout; a run that does not end within limit is a hang.
func (k *killRig) bvntd(limit time.Duration, args ...string) string {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	k.mon.newRun(false)
	start := k.clock()
	err := cmd.Run()
	if ctx.Err() != nil {
		k.t.Fatalf("seed %d: bvntd %s hung: still running after %v (killed)\nstderr: %s",
			k.seed, strings.Join(args, " "), k.clock().Sub(start).Round(time.Millisecond), stderr.String())
	}
	if err != nil {
		k.t.Fatalf("seed %d: bvntd %s: %v\nstderr: %s", k.seed, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

func (k *killRig) start(args ...string) *killProc {
	k.t.Helper()
	p := &killProc{done: make(chan struct{})}
	p.cmd = exec.Command(k.bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	k.mon.newRun(true)
	if err := p.cmd.Start(); err != nil {
		k.t.Fatalf("start bvntd: %v", err)
	}
	p.start = k.clock()
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	k.t.Cleanup(func() { // a failed test leaves no process behind
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// killOutcome is what happened to one run.
type killOutcome struct {
	killed            bool
	phase, step, what string
	after             time.Duration
}

// runAndKill starts `bvntd sync --data dir` and kills it with SIGKILL at a
// random point: at the anchor-th request plus a random delay, or (one run
// in six) at a random time of its start-up. A run that ends first must have
// succeeded.
func (k *killRig) runAndKill(dev, dir string, anchor int) killOutcome {
	k.t.Helper()
	startup, reqDur := k.mon.durations()
	var delay time.Duration
	fromStart := k.rng.IntN(6) == 0
	if fromStart {
		delay = time.Duration(k.rng.Int64N(int64(startup) + 1))
	} else {
		delay = time.Duration(k.rng.Int64N(int64(reqDur*3/2) + 1))
	}
	p := k.start("sync", "--data", dir, "--timeout", "60s")
	if !fromStart && !k.mon.waitRequests(anchor, p.done, 30*time.Second) {
		select {
		case <-p.done:
		default:
			k.t.Errorf("seed %d: bvntd sync --data %s made fewer than %d requests in 30 s (hang?)", k.seed, dev, anchor)
		}
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
	}
	var out killOutcome
	select {
	case <-p.done:
	default:
		out.phase, out.step, out.what = k.mon.where()
		out.after = k.clock().Sub(p.start)
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
			k.t.Fatalf("kill: %v", err)
		}
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			k.t.Fatalf("seed %d: bvntd sync --data %s did not die within 10 s of SIGKILL", k.seed, dev)
		}
	}
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		out.killed = true
	} else {
		out = killOutcome{}
		if p.err != nil {
			k.t.Fatalf("seed %d: bvntd sync --data %s failed on its own: %v\nstderr: %s", k.seed, dev, p.err, p.stderr.String())
		}
	}
	if !k.mon.waitIdle(30 * time.Second) {
		k.t.Fatalf("seed %d: the server still serves the killed client's request after 30 s", k.seed)
	}
	if out.killed {
		k.kills++
		k.byPhase[dev+" "+out.phase]++
		k.stageCount[out.step]++
	} else {
		k.finished++
	}
	return out
}

// killLocal is what a device's store holds after a kill.
type killLocal struct {
	integrity string
	outbox    map[string]string // mutation id → state
	cases     map[string]string // id → dump line
	cursor    int64
}

// inspect reads what the checks need from a device's store, after its
// process is gone. With scratch set, it inspects a copy of the store (the
// database and its WAL, as the kill left them) made in scratch, so that the
// next run recovers the WAL itself, as it would after a real crash; opening
// the copy recovers it the same way.
func (k *killRig) inspect(dir, scratch string) killLocal {
	k.t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, cli.StoreFile)
	if scratch != "" {
		cp := filepath.Join(scratch, "copy")
		if err := os.RemoveAll(cp); err != nil {
			k.t.Fatal(err)
		}
		if err := os.Mkdir(cp, 0o700); err != nil {
			k.t.Fatal(err)
		}
		defer os.RemoveAll(cp)
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(path + suffix)
			if errors.Is(err, os.ErrNotExist) && suffix != "" {
				continue
			}
			if err != nil {
				k.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(cp, cli.StoreFile+suffix), b, 0o600); err != nil {
				k.t.Fatal(err)
			}
		}
		path = filepath.Join(cp, cli.StoreFile)
	}
	db, err := storage.Open(ctx, path, storage.Options{Now: k.clock})
	if err != nil {
		k.t.Fatalf("seed %d: open the store of %s after the kill: %v", k.seed, filepath.Base(dir), err)
	}
	defer db.Close()
	var l killLocal
	if l.integrity, err = db.IntegrityCheck(ctx); err != nil {
		k.t.Fatalf("integrity_check: %v", err)
	}
	curs, err := db.Cursors(ctx)
	if err != nil {
		k.t.Fatal(err)
	}
	for _, c := range curs {
		if c.Scope == killCommune {
			l.cursor = c.Seq
		}
	}
	var dump bytes.Buffer
	if _, err := db.Dump(ctx, &dump); err != nil {
		k.t.Fatal(err)
	}
	l.cases = dumpLines(k.t, dump.String())

	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		k.t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.QueryContext(ctx, "SELECT mutation_id, state FROM outbox")
	if err != nil {
		k.t.Fatal(err)
	}
	defer rows.Close()
	l.outbox = map[string]string{}
	for rows.Next() {
		var id, state string
		if err := rows.Scan(&id, &state); err != nil {
			k.t.Fatal(err)
		}
		l.outbox[id] = state
	}
	if err := rows.Err(); err != nil {
		k.t.Fatal(err)
	}
	return l
}

// killScratch returns a directory for the copies of the stores the checks
// open: in memory (/dev/shm) when there is room, so that the checks cost
// no disk writes, else a temporary directory.
func killScratch(t *testing.T) string {
	t.Helper()
	var st syscall.Statfs_t
	if syscall.Statfs("/dev/shm", &st) == nil && st.Bavail*uint64(st.Bsize) > 256<<20 {
		if dir, err := os.MkdirTemp("/dev/shm", "bvntd-kill-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// dumpLines maps each record id of a dump to its line.
func dumpLines(t *testing.T, dump string) map[string]string {
	t.Helper()
	ids := dumpIDs(t, dump)
	lines := strings.SplitAfter(dump, "\n")
	out := make(map[string]string, len(ids))
	for i, id := range ids {
		out[id] = lines[i]
	}
	return out
}

// applied returns the server's audit trail: mutation id → status.
func (k *killRig) applied() map[string]string {
	k.t.Helper()
	rows, err := k.srvDB.Query("SELECT mutation_id, status FROM applied_mutations")
	if err != nil {
		k.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			k.t.Fatal(err)
		}
		out[id] = status
	}
	if err := rows.Err(); err != nil {
		k.t.Fatal(err)
	}
	return out
}

// serverUpTo returns the ids of the commune's records whose latest change
// has a sequence number ≤ seq: what a device whose cursor is seq must hold.
func (k *killRig) serverUpTo(seq int64) []string {
	k.t.Helper()
	rows, err := k.srvDB.Query("SELECT id FROM records WHERE scope = ? AND seq <= ?", killCommune, seq)
	if err != nil {
		k.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			k.t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		k.t.Fatal(err)
	}
	return out
}

func (k *killRig) serverHead() int64 {
	k.t.Helper()
	var seq int64
	if err := k.srvDB.QueryRow("SELECT coalesce(max(seq), 0) FROM scope_seq WHERE scope = ?", killCommune).Scan(&seq); err != nil {
		k.t.Fatal(err)
	}
	return seq
}

func TestKill_SyncKilledDuringPushAndPull(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bvntd and kills it some 30 times; skipped with -short")
	}
	if raceEnabled() {
		// The server runs in this process: under the race detector its
		// SQLite is some ten times slower and the test takes minutes.
		t.Skip("too slow under the race detector; run without -race")
	}
	clock := clocktest.Running(t)
	began := clock()
	// The server logs every request: some 200 lines that would bury the
	// kill log, even with -v.
	oldLog := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(oldLog) })
	seed := killSeed(t)
	t.Logf("kill seed %d; replay: BVNTD_KILL_SEED=%d go test -tags ci -run TestKill_ -v ./cmd/bvntd-server", seed, seed)

	k := &killRig{t: t, seed: seed, bin: buildBvntd(t), mon: newKillMonitor(t, seed), clock: clock,
		rng: rand.New(rand.NewPCG(seed, 0x5349474b)), byPhase: map[string]int{}, stageCount: map[string]int{}}
	built := clock()
	// A small body limit makes the client split its outbox into many
	// batches (it halves a batch the server answers 413), so that kills
	// land in many different pushes.
	k.srv = startHandlerWith(t, syncserver.Options{MaxBodyBytes: killMaxBody, Now: clock}, k.mon.wrap)
	k.srvDB = openServerSQL(t, k.srv.DB)

	scratch := killScratch(t)
	dirA := filepath.Join(t.TempDir(), "A")
	dirB := filepath.Join(t.TempDir(), "B")
	// Plain cases (no workflow steps): one mutation and one record each.
	k.bvntd(2*time.Minute, "demo", "--data", dirA, "--commune", killCommune, "--plain",
		"--complaints", strconv.Itoa(killCases), "--seed", strconv.FormatUint(seed, 10))
	k.bvntd(time.Minute, "enroll", "--data", dirA, "--server", k.srv.URL, "--code", k.srv.code(t, killCommune))

	// Push phase: device A, 1500 cases and a few edits, killed again and
	// again. After every kill: the store is intact, it still holds every
	// case, and every mutation that left its outbox is applied on the
	// server.
	everMuts := map[string]bool{} // every mutation A ever had in its outbox
	before := k.inspect(dirA, scratch)
	for id := range before.outbox {
		everMuts[id] = true
	}
	if len(before.outbox) != killCases {
		t.Fatalf("A's outbox holds %d mutations after the demo, want %d", len(before.outbox), killCases)
	}
	edits := 0
	pushStart := clock()
	for run := 1; run <= killMaxRuns; run++ {
		if run > killPushRuns && k.byPhase["A push"] >= killMinPushKills {
			break
		}
		if run%4 == 0 {
			// An officer goes on working between two syncs.
			k.bvntd(time.Minute, "demo", "--data", dirA, "--complaints", "0", "--edits", "5", "--plain",
				"--seed", strconv.FormatUint(seed+1000+uint64(run), 10))
			edits += 5
			before = k.inspect(dirA, scratch)
			for id := range before.outbox {
				everMuts[id] = true
			}
		}
		out := k.runAndKill("A", dirA, 1+k.rng.IntN(2))
		after := k.inspect(dirA, scratch)
		applied := k.applied()
		if !out.killed {
			t.Logf("A run %2d: finished before its kill", run)
			break
		}
		t.Logf("kill %2d  A run %2d  +%4dms  %s | outbox %d → %d, server applied %d",
			k.kills, run, out.after.Milliseconds(), out.what, len(before.outbox), len(after.outbox), len(applied))
		k.checkA(run, before, after, applied)
		before = after
	}
	pushKills := k.byPhase["A push"]
	t.Logf("A: %d kills (%d in its push), %d edits; finishing the sync", k.kills, pushKills, edits)
	k.bvntd(2*time.Minute, "sync", "--data", dirA, "--timeout", "60s")
	pushTook := clock().Sub(pushStart)

	final := k.inspect(dirA, "")
	if final.integrity != "ok" {
		t.Errorf("seed %d: A's store after the final sync: integrity_check = %q", seed, final.integrity)
	}
	if len(final.outbox) != 0 {
		t.Errorf("seed %d: A's outbox holds %d mutations after a successful sync", seed, len(final.outbox))
	}
	applied := k.applied()
	for id := range everMuts {
		if applied[id] != syncproto.StatusApplied {
			t.Errorf("seed %d: LOST: mutation %s of A is %q on the server, want applied", seed, id, applied[id])
		}
	}
	for id := range applied {
		if !everMuts[id] {
			t.Errorf("seed %d: the server applied mutation %s that A never made", seed, id)
		}
	}
	// Each applied mutation raised its record's version once: a mutation
	// applied twice would show as a version above the number of mutations.
	var doubled int
	if err := k.srvDB.QueryRow(`SELECT count(*) FROM records r WHERE r.version !=
		(SELECT count(*) FROM applied_mutations a WHERE a.entity = r.entity AND a.record_id = r.id AND a.status = 'applied')`).
		Scan(&doubled); err != nil {
		t.Fatal(err)
	}
	if doubled != 0 {
		t.Errorf("seed %d: DOUBLED: %d records have a version that differs from the number of mutations applied to them", seed, doubled)
	}
	srvDump := k.srv.dump(t)
	assertUnique(t, dumpIDs(t, srvDump), killCases)
	dumpA := k.bvntd(time.Minute, "export", "--data", dirA, "--report", "dump", "--out", "-")
	if dumpA != srvDump {
		t.Errorf("seed %d: the server's dump differs from A's `export --report dump`", seed)
	}
	srvLines := dumpLines(t, srvDump)
	head := k.serverHead()

	// Pull phase: device B of the same commune pulls the 1500 cases and is
	// killed again and again. After every kill its cursor covers exactly
	// the records it holds, each as the server sent it.
	k.mon.capPages(killPageCap)
	k.bvntd(time.Minute, "enroll", "--data", dirB, "--server", k.srv.URL, "--code", k.srv.code(t, killCommune))
	pullStart := clock()
	killsBeforeB := k.kills
	prevCursor := int64(0)
	for run := 1; run <= killMaxRuns; run++ {
		if k.byPhase["B pull"] >= killMinPullKills && k.kills >= killMinTotal {
			break
		}
		out := k.runAndKill("B", dirB, 1+k.rng.IntN(3))
		l := k.inspect(dirB, scratch)
		if !out.killed {
			t.Logf("B run %2d: finished before its kill", run)
			break
		}
		t.Logf("kill %2d  B run %2d  +%4dms  %s | B holds %d cases, cursor %d → %d of %d",
			k.kills, run, out.after.Milliseconds(), out.what, len(l.cases), prevCursor, l.cursor, head)
		k.checkB(run, l, srvLines, head)
		prevCursor = l.cursor
	}
	if h := k.serverHead(); h != head {
		t.Fatalf("the server changed during B's pull (head %d → %d): the cursor checks assumed it did not", head, h)
	}
	t.Logf("B: %d kills (%d in its pull); finishing the sync", k.kills-killsBeforeB, k.byPhase["B pull"])
	k.bvntd(2*time.Minute, "sync", "--data", dirB, "--timeout", "60s")
	pullTook := clock().Sub(pullStart)
	lb := k.inspect(dirB, "")
	if lb.integrity != "ok" {
		t.Errorf("seed %d: B's store after the final sync: integrity_check = %q", seed, lb.integrity)
	}
	if lb.cursor != head {
		t.Errorf("seed %d: B's cursor is %d after a complete pull, the server's head %d", seed, lb.cursor, head)
	}
	dumpB := k.bvntd(time.Minute, "export", "--data", dirB, "--report", "dump", "--out", "-")
	assertUnique(t, dumpIDs(t, dumpB), killCases)
	if dumpB != dumpA {
		t.Errorf("seed %d: B's dump differs from A's after the kills", seed)
	}

	// The test must have done what it says.
	var phases []string
	for p, n := range k.byPhase {
		phases = append(phases, fmt.Sprintf("%s %d", p, n))
	}
	sort.Strings(phases)
	var stages []string
	for s, n := range k.stageCount {
		stages = append(stages, fmt.Sprintf("%3d × %s", n, s))
	}
	sort.Strings(stages)
	k.mon.mu.Lock()
	totals, pushed, dups := fmt.Sprint(k.mon.totals), k.mon.pushed, k.mon.dups
	k.mon.mu.Unlock()
	t.Logf("%d kills (%s), %d runs ended before their kill; %d mutations sent for %d made (%d answered duplicate); requests %s",
		k.kills, strings.Join(phases, ", "), k.finished, pushed, len(everMuts), dups, totals)
	t.Logf("where the kills landed:\n\t%s", strings.Join(stages, "\n\t"))
	t.Logf("time: build %v, push phase %v, pull phase %v, total %v",
		built.Sub(began).Round(time.Millisecond), pushTook.Round(time.Millisecond),
		pullTook.Round(time.Millisecond), clock().Sub(began).Round(time.Millisecond))
	if pushKills < killMinPushKills || k.byPhase["B pull"] < killMinPullKills || k.kills < killMinTotal {
		t.Errorf("seed %d: only %d kills in the push, %d in B's pull, %d in all; want ≥ %d, ≥ %d, ≥ %d",
			seed, pushKills, k.byPhase["B pull"], k.kills, killMinPushKills, killMinPullKills, killMinTotal)
	}
}

// checkA checks device A after a kill: its store is intact, it still holds
// every case, nothing entered its outbox, and every mutation that left it
// is applied on the server. Its cursor never covers a record it lacks.
func (k *killRig) checkA(run int, before, after killLocal, applied map[string]string) {
	t := k.t
	t.Helper()
	where := fmt.Sprintf("seed %d, A run %d", k.seed, run)
	if after.integrity != "ok" {
		t.Errorf("%s: CORRUPT: integrity_check = %q", where, after.integrity)
	}
	if len(after.cases) != killCases {
		t.Errorf("%s: A holds %d cases, want %d", where, len(after.cases), killCases)
	}
	for id, state := range after.outbox {
		if _, ok := before.outbox[id]; !ok {
			t.Errorf("%s: mutation %s appeared in the outbox during a sync", where, id)
		}
		if state != "pending" {
			t.Errorf("%s: mutation %s is %s", where, id, state)
		}
	}
	lost := 0
	for id := range before.outbox {
		if _, ok := after.outbox[id]; ok {
			continue
		}
		if applied[id] != syncproto.StatusApplied {
			lost++
			if lost <= 3 {
				t.Errorf("%s: LOST: mutation %s left the outbox but is %q on the server", where, id, applied[id])
			}
		}
	}
	if lost > 3 {
		t.Errorf("%s: LOST: %d mutations in all", where, lost)
	}
	for _, id := range k.serverUpTo(after.cursor) {
		if _, ok := after.cases[id]; !ok {
			t.Errorf("%s: A's cursor %d covers record %s, which A does not hold", where, after.cursor, id)
			break
		}
	}
}

// checkB checks device B after a kill during its pull: its store is
// intact, its outbox empty, and it holds exactly the records its cursor
// covers, each as the server has it.
func (k *killRig) checkB(run int, l killLocal, srvLines map[string]string, head int64) {
	t := k.t
	t.Helper()
	where := fmt.Sprintf("seed %d, B run %d", k.seed, run)
	if l.integrity != "ok" {
		t.Errorf("%s: CORRUPT: integrity_check = %q", where, l.integrity)
	}
	if len(l.outbox) != 0 {
		t.Errorf("%s: B's outbox holds %d mutations; B never edited anything", where, len(l.outbox))
	}
	if l.cursor > head {
		t.Errorf("%s: B's cursor %d is past the server's head %d", where, l.cursor, head)
	}
	want := k.serverUpTo(l.cursor)
	missing, differ := 0, 0
	for _, id := range want {
		line, ok := l.cases[id]
		switch {
		case !ok:
			missing++
			if missing <= 3 {
				t.Errorf("%s: CURSOR AHEAD OF DATA: cursor %d covers record %s, which B does not hold", where, l.cursor, id)
			}
		case line != srvLines[id]:
			differ++
			if differ <= 3 {
				t.Errorf("%s: record %s differs from the server's", where, id)
			}
		}
	}
	if missing > 3 || differ > 3 {
		t.Errorf("%s: %d records missing, %d differing", where, missing, differ)
	}
	if len(l.cases) != len(want) {
		t.Errorf("%s: B holds %d cases, but its cursor %d covers %d", where, len(l.cases), l.cursor, len(want))
	}
}
