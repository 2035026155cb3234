package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/netsim"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// quietLogs keeps test output readable: the client and the server log
// every request.
func quietLogs(t *testing.T) {
	if testing.Verbose() {
		return
	}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
}

// These tests drive the two programs' Main types over real HTTP on
// loopback, with real SQLite files: the server as `bvntd-server serve`, the
// devices as `bvntd demo|enroll|sync|export`. Each runs on a clock that
// starts at the simulated today and moves in real time
// (clocktest.Running), as the machines of the field do: the sync's
// timeouts and backoffs count real seconds.

// e2eServer is a running provincial server.
type e2eServer struct {
	URL string
	DB  string
	// Store is the handler's store (startHandler; nil for serve).
	Store *serverstore.Store
}

// startServe runs `bvntd-server serve` in-process on a free port.
func startServe(t *testing.T) *e2eServer {
	t.Helper()
	dbPath := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	url := serveMain(t, dbPath)
	return &e2eServer{URL: url, DB: dbPath}
}

// startHandler runs the server's handler on an httptest server, wrapped by
// wrap (to count or lose requests).
func startHandler(t *testing.T, wrap func(http.Handler) http.Handler) *e2eServer {
	t.Helper()
	return startHandlerWith(t, syncserver.Options{}, wrap)
}

// startHandlerWith is startHandler with the handler's options; without a
// clock in opts, the server runs on clocktest.Running.
func startHandlerWith(t *testing.T, opts syncserver.Options, wrap func(http.Handler) http.Handler) *e2eServer {
	t.Helper()
	dbPath := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	if opts.Now == nil {
		opts.Now = clocktest.Running(t)
	}
	st, err := serverstore.Open(context.Background(), dbPath, serverstore.Options{Now: opts.Now,
		FilesDir: testFilesDir(t, dbPath)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var h http.Handler = syncserver.New(st, opts)
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &e2eServer{URL: ts.URL, DB: dbPath, Store: st}
}

// code creates a one-time enrolment code with `bvntd-server enroll`.
func (s *e2eServer) code(t *testing.T, scope string) string {
	t.Helper()
	out := serverCmd(t, "enroll", "--db", s.DB, "--scope", scope)
	code := strings.TrimSpace(out)
	if code == "" || strings.Contains(code, "\n") {
		t.Fatalf("enroll printed %q, want the code alone", out)
	}
	return code
}

// dump returns `bvntd-server export --report dump`.
func (s *e2eServer) dump(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "server-dump.jsonl")
	serverCmd(t, "export", "--db", s.DB, "--report", "dump", "--out", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// device is one laptop's data folder, and its clock.
type device struct {
	t    *testing.T
	dir  string
	http *http.Client
	now  func() time.Time
}

// demoSeed is the --seed of a test's i-th demo: from clocktest.Seed, so
// that the demo data are the test's choice, logged when it fails and
// replayed with BVNTD_TEST_SEED.
func demoSeed(t *testing.T, i int) string {
	t.Helper()
	return strconv.FormatUint(clocktest.Seed(t)+uint64(i), 10)
}

func newDevice(t *testing.T) *device {
	quietLogs(t)
	return &device{t: t, dir: filepath.Join(t.TempDir(), "device"), now: clocktest.Running(t)}
}

// run runs a `bvntd` sub-command and returns its stdout.
func (d *device) run(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	m := &cli.Main{Stdout: &stdout, Stderr: &stderr, HTTP: d.http, Now: d.now}
	full := append([]string{args[0], "--data", d.dir}, args[1:]...)
	err := m.Run(context.Background(), full)
	if err != nil {
		return stdout.String(), errors.Join(err, errors.New(stderr.String()))
	}
	return stdout.String(), nil
}

func (d *device) must(args ...string) string {
	d.t.Helper()
	out, err := d.run(args...)
	if err != nil {
		d.t.Fatalf("bvntd %v: %v", args, err)
	}
	return out
}

func (d *device) enroll(s *e2eServer, scope string) {
	d.t.Helper()
	d.must("enroll", "--server", s.URL, "--code", s.code(d.t, scope))
}

func (d *device) dump() string {
	d.t.Helper()
	return d.must("export", "--report", "dump", "--out", "-")
}

// edit opens the device's store and changes one case through the same
// service the window uses.
func (d *device) edit(id string, fn func(*app.Case)) {
	d.t.Helper()
	db, _, err := cli.OpenStore(context.Background(), d.dir, d.now)
	if err != nil {
		d.t.Fatal(err)
	}
	defer db.Close()
	c, err := db.GetCase(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	orig := c
	fn(&c)
	if err := db.Edit(context.Background(), app.EntityCase, id, orig.Version, c.ChangedFields(&orig)); err != nil {
		d.t.Fatal(err)
	}
}

func dumpIDs(t *testing.T, dump string) []string {
	t.Helper()
	var ids []string
	sc := bufio.NewScanner(strings.NewReader(dump))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("dump line %q: %v", sc.Text(), err)
		}
		ids = append(ids, rec.ID)
	}
	return ids
}

// caseIDs returns the ids of the cases of a dump, in its order.
func caseIDs(t *testing.T, dump string) []string {
	t.Helper()
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(dump), "\n") {
		if line == "" {
			continue
		}
		var rec struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("dump line %q: %v", line, err)
		}
		if rec.Type == app.EntityCase {
			ids = append(ids, rec.ID)
		}
	}
	return ids
}

// assertUniqueCases checks that no record of a dump appears twice and that
// it holds want cases (the demo's cases come with their steps).
func assertUniqueCases(t *testing.T, dump string, want int) {
	t.Helper()
	ids := dumpIDs(t, dump)
	assertUnique(t, ids, len(ids))
	if n := len(caseIDs(t, dump)); n != want {
		t.Fatalf("%d cases, want %d", n, want)
	}
}

func assertUnique(t *testing.T, ids []string, want int) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("record %s appears twice", id)
		}
		seen[id] = true
	}
	if len(ids) != want {
		t.Fatalf("%d records, want %d", len(ids), want)
	}
}

func dumpRecord(t *testing.T, dump, id string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(dump), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["id"] == id {
			return m
		}
	}
	t.Fatalf("record %s not in dump", id)
	return nil
}

func TestEndToEnd_TwoLaptopsOneCommune_AnotherCommuneSeesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("heavy and about scope, not dates: runs in the full runs (.ci/test)")
	}
	srv := startServe(t)

	a := newDevice(t)
	a.must("demo", "--commune", "28261", "--complaints", "200", "--seed", demoSeed(t, 0))
	a.enroll(srv, "28261")
	a.must("sync")

	b := newDevice(t)
	b.enroll(srv, "28261")
	b.must("sync")

	dumpA, dumpB := a.dump(), b.dump()
	assertUniqueCases(t, dumpA, 200)
	if dumpA != dumpB {
		t.Fatal("device B's dump differs from device A's")
	}
	if got := srv.dump(t); got != dumpA {
		t.Fatal("the server's dump differs from device A's")
	}

	c := newDevice(t)
	c.enroll(srv, "29905")
	c.must("sync")
	if d := c.dump(); d != "" {
		t.Fatalf("a device of 29905 received %d records of 28261", len(dumpIDs(t, d)))
	}

	// C tries to write a case into 28261: the server rejects it, C keeps it
	// parked, and neither the server nor A ever sees it.
	db, _, err := cli.OpenStore(context.Background(), c.dir, c.now)
	if err != nil {
		t.Fatal(err)
	}
	intruder := &app.Case{RecordHead: app.RecordHead{UnitCode: "28261"}, ReceivedAt: db.Now().Add(-time.Hour), Channel: "truc_tiep",
		Kind: "phan_anh", ConsumerName: "Người Thử Xâm Nhập", Sector: "khac", Summary: "Ghi vào xã khác."}
	if err := db.CreateCase(context.Background(), intruder); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := c.run("sync"); err == nil {
		t.Fatal("sync of a cross-commune write succeeded")
	}
	if strings.Contains(srv.dump(t), intruder.ID) {
		t.Fatal("the server stored a case pushed into another commune")
	}
	a.must("sync")
	if strings.Contains(a.dump(), intruder.ID) {
		t.Fatal("device A received the intruder's case")
	}
	if !strings.Contains(c.dump(), intruder.ID) {
		t.Fatal("device C lost what its officer typed")
	}
}

// countingHandler counts the mutations each push request carries.
type countingHandler struct {
	next http.Handler
	mu   sync.Mutex
	sent map[string]int
	max  int // largest batch seen
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == syncproto.PathPush {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			var req syncproto.PushRequest
			if zr, zerr := gzip.NewReader(bytes.NewReader(body)); zerr == nil {
				if json.NewDecoder(zr).Decode(&req) == nil {
					h.mu.Lock()
					for _, m := range req.Mutations {
						h.sent[m.ID]++
					}
					h.max = max(h.max, len(req.Mutations))
					h.mu.Unlock()
				}
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	h.next.ServeHTTP(w, r)
}

// lossyTransport delivers every request, but loses the response of the
// first n pushes, as a link that drops after the server has answered.
type lossyTransport struct {
	next       http.RoundTripper
	mu         sync.Mutex
	lose, dup  int
	lost, dups int
}

func (l *lossyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path != syncproto.PathPush {
		return l.next.RoundTrip(r)
	}
	body, _ := io.ReadAll(r.Body)
	send := func() (*http.Response, error) {
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.ContentLength = int64(len(body))
		return l.next.RoundTrip(r2)
	}
	l.mu.Lock()
	dup := l.dups < l.dup
	if dup {
		l.dups++
	}
	lose := !dup && l.lost < l.lose
	if lose {
		l.lost++
	}
	l.mu.Unlock()
	if dup { // the same push sent twice: the second answer is the one read
		resp, err := send()
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return send()
	}
	resp, err := send()
	if err != nil {
		return nil, err
	}
	if lose {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, errors.New("response lost")
	}
	return resp, nil
}

func TestIdempotency_RepeatedAndLostPushes(t *testing.T) {
	if testing.Short() {
		t.Skip("heavy and about lost answers, not dates: runs in the full runs (.ci/test)")
	}
	counter := &countingHandler{sent: map[string]int{}}
	srv := startHandler(t, func(h http.Handler) http.Handler { counter.next = h; return counter })
	a := newDevice(t)
	a.must("demo", "--commune", "28261", "--complaints", "400", "--seed", demoSeed(t, 0))
	a.enroll(srv, "28261")
	lossy := &lossyTransport{next: http.DefaultTransport.(*http.Transport).Clone(), dup: 1, lose: 2}
	a.http = &http.Client{Transport: lossy, Timeout: 30 * time.Second}
	a.must("sync")
	if lossy.dups != 1 || lossy.lost != 2 {
		t.Fatalf("transport sent %d duplicates and lost %d answers, want 1 and 2", lossy.dups, lossy.lost)
	}
	resent := 0
	for _, n := range counter.sent {
		if n > 1 {
			resent++
		}
	}
	if resent == 0 {
		t.Fatal("no mutation was sent twice; the test did not exercise duplicates")
	}
	assertUniqueCases(t, srv.dump(t), 400)
	if srv.dump(t) != a.dump() {
		t.Fatal("server and device differ")
	}
}

func TestResume_LinkCutEveryFewKilobytes(t *testing.T) {
	if testing.Short() {
		t.Skip("heavy and about cut links, not dates: runs in the full runs (.ci/test)")
	}
	counter := &countingHandler{sent: map[string]int{}}
	srv := startHandler(t, func(h http.Handler) http.Handler { counter.next = h; return counter })
	a := newDevice(t)
	// Plain cases: with their steps the push and pull would be some five
	// times longer, and so would the cuts and their retries.
	a.must("demo", "--commune", "28261", "--complaints", "300", "--seed", demoSeed(t, 0), "--plain")
	a.enroll(srv, "28261")
	up := &netsim.Link{CutEvery: 8 << 10}
	a.http = up.Client(20 * time.Second)
	a.must("sync", "--timeout", "2m")
	if up.Cuts() < 3 {
		t.Fatalf("only %d cuts during the push", up.Cuts())
	}
	total := 0
	for _, n := range counter.sent {
		total += n
	}
	if extra := total - len(counter.sent); extra > int(up.Cuts())*counter.max {
		t.Fatalf("%d mutations re-sent over %d cuts with batches of at most %d: more than the batch in flight",
			extra, up.Cuts(), counter.max)
	}
	assertUniqueCases(t, srv.dump(t), 300)

	b := newDevice(t)
	b.enroll(srv, "28261")
	down := &netsim.Link{CutEvery: 8 << 10}
	b.http = down.Client(20 * time.Second)
	b.must("sync", "--timeout", "2m")
	if down.Cuts() < 3 {
		t.Fatalf("only %d cuts during the pull", down.Cuts())
	}
	dumpB := b.dump()
	assertUniqueCases(t, dumpB, 300)
	if dumpB != a.dump() || dumpB != srv.dump(t) {
		t.Fatal("replicas differ after syncing over a cut link")
	}
	t.Logf("push: %d cuts, %d bytes up; pull: %d cuts, %d bytes down", up.Cuts(), up.Sent(), down.Cuts(), down.Received())
}

func TestMerge_DifferentFieldsEditedOffline(t *testing.T) {
	srv := startServe(t)
	a, b := newDevice(t), newDevice(t)
	a.must("demo", "--commune", "28261", "--complaints", "5", "--seed", demoSeed(t, 0))
	a.enroll(srv, "28261")
	a.must("sync")
	b.enroll(srv, "28261")
	b.must("sync")
	id := caseIDs(t, a.dump())[2]

	a.edit(id, func(c *app.Case) { c.BusinessName = "Cửa hàng điện máy Hưng Thịnh (đã xác minh)" })
	b.edit(id, func(c *app.Case) { c.Summary = "Người tiêu dùng bổ sung hóa đơn mua hàng ngày 12/11." })
	a.must("sync")
	b.must("sync")
	a.must("sync")

	for name, dump := range map[string]string{"A": a.dump(), "B": b.dump(), "server": srv.dump(t)} {
		rec := dumpRecord(t, dump, id)
		if rec["business_name"] != "Cửa hàng điện máy Hưng Thịnh (đã xác minh)" {
			t.Errorf("%s lost A's edit: business_name = %v", name, rec["business_name"])
		}
		if rec["summary"] != "Người tiêu dùng bổ sung hóa đơn mua hàng ngày 12/11." {
			t.Errorf("%s lost B's edit: summary = %v", name, rec["summary"])
		}
	}
	if a.dump() != b.dump() || a.dump() != srv.dump(t) {
		t.Fatal("replicas differ after the merge")
	}
}

// serveMain starts `bvntd-server serve --db dbPath --addr 127.0.0.1:0` and
// returns its URL; the server stops when the test ends.
func serveMain(t *testing.T, dbPath string) string {
	t.Helper()
	m := NewMain(clocktest.Running(t))
	m.Stdout, m.Stderr = io.Discard, io.Discard
	if err := m.ParseFlags([]string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m.URL()
}

// serverCmd runs a one-shot `bvntd-server` command, on a clock at the
// simulated today, and returns its stdout.
func serverCmd(t *testing.T, args ...string) string {
	t.Helper()
	return serverCmdAt(t, clocktest.Running(t), args...)
}

// serverCmdAt is serverCmd on the clock now.
func serverCmdAt(t *testing.T, now func() time.Time, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := NewMain(now)
	m.Stdout, m.Stderr = &stdout, &stderr
	if err := m.ParseFlags(args); err != nil {
		t.Fatalf("bvntd-server %v: %v", args, err)
	}
	err := m.Run(context.Background())
	m.Close()
	if err != nil {
		t.Fatalf("bvntd-server %v: %v (%s)", args, err, stderr.String())
	}
	return stdout.String()
}

// serverSQL reads a server's database directly, on either engine: a
// read-only SQLite handle or a pgx one. Queries are written with ?
// placeholders and SQL both engines run.
type serverSQL struct {
	*sql.DB
	pg bool
}

func openServerSQL(t *testing.T, db string) *serverSQL {
	t.Helper()
	var h *sql.DB
	var err error
	if serverstore.IsPostgres(db) {
		h, err = sql.Open("pgx", db)
	} else {
		h, err = sql.Open("sqlite", "file:"+filepath.ToSlash(db)+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return &serverSQL{DB: h, pg: serverstore.IsPostgres(db)}
}

func (s *serverSQL) bind(q string) string {
	if !s.pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *serverSQL) Query(q string, args ...any) (*sql.Rows, error) {
	return s.DB.Query(s.bind(q), args...)
}

func (s *serverSQL) QueryRow(q string, args ...any) *sql.Row {
	return s.DB.QueryRow(s.bind(q), args...)
}
