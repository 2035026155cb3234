package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/storage/sqlitefile"
	"bvntd/sync/netsim"
	"bvntd/sync/syncproto"
)

// runProvincePull measures the first full pull of a province (issue 22,
// item 3): a provincial server holding every record of a province laptop
// store (built once by ensureProvinceServer and kept under --work), and a
// fresh provincial device running `bvntd sync` against `bvntd-server
// serve` (a child process) through the link simulator, once per link.
//
//	go run ./cmd/bvntd-bench province-pull --laptop DIR --work DIR [--link loopback,2mbit] [--communes N] [--server-bin BIN] [--batch 500] [--cpuprofile PREFIX]
//
// The laptop store is the one `bvntd-bench province` builds
// (province_gen.go); it is only read.
func runProvincePull(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bvntd-bench province-pull", flag.ContinueOnError)
	fs.SetOutput(stderr)
	laptop := fs.String("laptop", "", "the province laptop's data folder (bvntd-bench province), read only")
	work := fs.String("work", "", "folder the server store is built in and kept (reused by later runs)")
	links := fs.String("link", "loopback,2mbit", "links to pull across, in order: loopback, 2mbit (2 Mbit/s, 100 ms one-way)")
	serverBin := fs.String("server-bin", "", "a built bvntd-server (default: go build ./cmd/bvntd-server)")
	batch := fs.Int("batch", 500, "mutations per ApplyPush while building the server store")
	cpuprofile := fs.String("cpuprofile", "", "profile this process (the client) during each pull into PREFIX.<link>.pprof")
	keep := fs.Bool("keep", false, "keep the pulled device's folder (it is as large as the store)")
	communes := fs.Int("communes", 0, "only the first N communes of the laptop store (by code; 0: all), when the whole province's server store does not fit on the disk")
	if err := fs.Parse(args); err != nil || *laptop == "" || *work == "" || *batch < 1 || *communes < 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: bvntd-bench province-pull --laptop DIR --work DIR [--link loopback,2mbit] [--server-bin BIN] [--batch 500] [--communes N] [--cpuprofile PREFIX] [--keep]")
		return 2
	}
	var names []string
	for _, n := range strings.Split(*links, ",") {
		n = strings.TrimSpace(n)
		if _, ok := pullLinks[n]; !ok {
			fmt.Fprintf(stderr, "unknown link %q (loopback, 2mbit)\n", n)
			return 2
		}
		names = append(names, n)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	pp := &provincePull{laptop: *laptop, work: *work, batch: *batch, log: stderr, cpuprofile: *cpuprofile, keep: *keep, communes: *communes}
	built, err := pp.ensureServer(ctx)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	bin := *serverBin
	if bin == "" {
		if bin, err = buildServer(ctx, *work); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	pp.serverBin = bin
	var results []*pullResult
	for _, n := range names {
		fmt.Fprintf(stderr, "province-pull: pulling across %s…\n", n)
		r, err := pp.pull(ctx, n)
		if err != nil {
			fmt.Fprintf(stderr, "province-pull %s: %v\n", n, err)
			return 1
		}
		results = append(results, r)
	}
	fmt.Fprint(stdout, pp.report(built, results))
	return 0
}

// pullLinks are the links of the measurement: the 2 Mbit/s with
// 100 ms one-way latency (netsim's Rate in bits per second, Latency one
// way, as e256 and b256 give 256 kbit/s and 150 ms), and loopback.
var pullLinks = map[string]func() *netsim.Link{
	"loopback": func() *netsim.Link { return &netsim.Link{} },
	"2mbit":    func() *netsim.Link { return &netsim.Link{Rate: 2_000_000, Latency: 100 * time.Millisecond} },
}

var pullLinkDesc = map[string]string{
	"loopback": "loopback (no shaping)",
	"2mbit":    "2 Mbit/s, 100 ms one-way",
}

type provincePull struct {
	laptop, work, serverBin string
	batch                   int
	log                     io.Writer
	cpuprofile              string
	keep                    bool
	communes                int       // the first N communes only (0: all)
	now                     time.Time // the laptop store's clock: its latest change
}

// serverBuilt is what the kept server store's mark says.
type serverBuilt struct {
	Laptop    string           `json:"laptop"`
	Communes  int              `json:"communes"` // the first N communes only (0: all)
	Records   map[string]int64 `json:"records"`  // by entity
	Mutations int64            `json:"mutations"`
	// Rejected are the records the server refused (by code and message),
	// as it would refuse them from a laptop: the generator's copies of
	// earlier years shift dates by whole years, which makes, say, a 29
	// February that does not exist.
	Rejected map[string]int64 `json:"rejected,omitempty"`
	Pushes   int64            `json:"pushes"`
	Devices  int              `json:"devices"` // one per commune
	BuildMS  int64            `json:"build_ms"`
	Now      time.Time        `json:"now"`
	Bytes    int64            `json:"bytes"` // the database file after the build
}

const serverBuiltMark = "server-built.json"

func (pp *provincePull) serverDir() string {
	if pp.communes > 0 {
		return filepath.Join(pp.work, fmt.Sprintf("province-server-c%d", pp.communes))
	}
	return filepath.Join(pp.work, "province-server")
}

func (pp *provincePull) serverDB() string { return filepath.Join(pp.serverDir(), "server.sqlite") }

// openLaptop opens the laptop store read only: nothing of it changes.
func openLaptop(dir string) (*sql.DB, error) {
	path := filepath.Join(dir, "bvntd.sqlite")
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", sqlitefile.URI(path)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// readClock sets the clock of the build and of the pulling device: the
// latest day the laptop store's cases were written on (the generator's
// clock, provinceSpec.now), so that the server validates them as the
// laptop wrote them, none of them in the future.
func (pp *provincePull) readClock(ctx context.Context) error {
	db, err := openLaptop(pp.laptop)
	if err != nil {
		return err
	}
	defer db.Close()
	var last sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT max(json_extract(fields, '$.updated_at')) FROM cases`).Scan(&last); err != nil {
		return fmt.Errorf("laptop store: %w", err)
	}
	if !last.Valid {
		return fmt.Errorf("%s: the laptop store holds no case", pp.laptop)
	}
	t, err := time.Parse(time.RFC3339Nano, last.String)
	if err != nil {
		return fmt.Errorf("laptop store: the latest case's updated_at %q: %w", last.String, err)
	}
	pp.now = t.Add(time.Hour)
	return nil
}

func (pp *provincePull) clock() func() time.Time {
	now := pp.now
	return func() time.Time { return now }
}

// ensureServer returns the kept server store's mark, building the store
// first unless a complete one (its mark) is there for the same laptop
// store.
func (pp *provincePull) ensureServer(ctx context.Context) (*serverBuilt, error) {
	abs, err := filepath.Abs(pp.laptop)
	if err != nil {
		return nil, err
	}
	if b, err := os.ReadFile(filepath.Join(pp.serverDir(), serverBuiltMark)); err == nil {
		var built serverBuilt
		if err := json.Unmarshal(b, &built); err == nil && built.Laptop == abs && built.Communes == pp.communes {
			fmt.Fprintf(pp.log, "province-pull: reusing the server store %s (built in %s)\n", pp.serverDB(), dur(time.Duration(built.BuildMS)*time.Millisecond))
			pp.now = built.Now
			return &built, nil
		}
	}
	if err := os.RemoveAll(pp.serverDir()); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(pp.serverDir(), 0o700); err != nil {
		return nil, err
	}
	if err := pp.readClock(ctx); err != nil {
		return nil, err
	}
	fmt.Fprintf(pp.log, "province-pull: building the server store %s from %s…\n", pp.serverDB(), pp.laptop)
	start := time.Now()
	built, err := pp.buildServer(ctx)
	if err != nil {
		return nil, err
	}
	built.BuildMS = time.Since(start).Milliseconds()
	built.Laptop, built.Now, built.Communes = abs, pp.now, pp.communes
	if fi, err := os.Stat(pp.serverDB()); err == nil {
		built.Bytes = fi.Size()
	}
	b, err := json.MarshalIndent(built, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(pp.serverDir(), serverBuiltMark), b, 0o600); err != nil {
		return nil, err
	}
	fmt.Fprintf(pp.log, "province-pull: server store built in %s: %d mutations in %d pushes\n",
		dur(time.Duration(built.BuildMS)*time.Millisecond), built.Mutations, built.Pushes)
	return built, nil
}

// laptopTables are where the laptop keeps its synced records, in the
// order they are pushed: cases before their steps, and the declared
// kinds (records) ordered by pushOrder.
var laptopTables = []struct{ entity, table string }{
	{app.EntityCase, "cases"},
	{app.EntityCaseEvent, "case_events"},
}

// pushOrder puts the declared kinds a record refers to first: the
// attendance rows come after their sessions and participants.
func pushOrder(entity string) int {
	if entity == app.EntityAttendance {
		return 1
	}
	return 0
}

// buildServer pushes every record of the laptop store into a new server
// store with serverstore.ApplyPush, as the communes' devices would: one
// device enrolled per commune, batches of pp.batch mutations.
func (pp *provincePull) buildServer(ctx context.Context) (*serverBuilt, error) {
	src, err := openLaptop(pp.laptop)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	st, err := serverstore.Open(ctx, pp.serverDB(), serverstore.Options{Now: pp.clock()})
	if err != nil {
		return nil, err
	}
	defer st.Close()

	b := &serverBuilder{st: st, now: pp.now, batch: pp.batch, devices: map[string]string{}, applied: map[string]int64{}, pending: map[string][]syncproto.Mutation{},
		built: &serverBuilt{Records: map[string]int64{}}, log: pp.log}
	if pp.communes > 0 {
		if b.only, err = firstCommunes(ctx, src, pp.communes); err != nil {
			return nil, err
		}
	}
	for _, t := range laptopTables {
		if err := b.pushTable(ctx, src, t.entity, `SELECT id, fields FROM `+t.table); err != nil {
			return nil, err
		}
	}
	var entities []string
	rows, err := src.QueryContext(ctx, `SELECT DISTINCT entity FROM records`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return nil, err
		}
		entities = append(entities, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(entities, func(a, b string) int {
		if d := pushOrder(a) - pushOrder(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, e := range entities {
		if err := b.pushTable(ctx, src, e, `SELECT id, fields FROM records WHERE entity = '`+strings.ReplaceAll(e, "'", "''")+`'`); err != nil {
			return nil, err
		}
	}
	b.built.Devices = len(b.devices)
	return b.built, nil
}

// quickUnit returns the unit_code of a stored fields document without
// decoding it, or "" if it is not written as the store writes it.
func quickUnit(raw []byte) string {
	const key = `"unit_code":"`
	i := bytes.Index(raw, []byte(key))
	if i < 0 {
		return ""
	}
	rest := raw[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// firstCommunes returns the first n communes of the laptop store's
// cases, by code.
func firstCommunes(ctx context.Context, src *sql.DB, n int) (map[string]bool, error) {
	rows, err := src.QueryContext(ctx, `SELECT DISTINCT unit_code FROM case_list ORDER BY unit_code LIMIT ?`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out[u] = true
	}
	if len(out) < n {
		return nil, fmt.Errorf("the laptop store's cases are of %d communes, fewer than %d", len(out), n)
	}
	return out, rows.Err()
}

type serverBuilder struct {
	st      *serverstore.Store
	now     time.Time
	batch   int
	devices map[string]string // commune → device id
	pending map[string][]syncproto.Mutation
	seq     int64           // the stamps' counter, across devices
	only    map[string]bool // the communes pushed (nil: all)
	applied map[string]int64
	built   *serverBuilt
	log     io.Writer
}

// pushTable pushes the rows (id, fields) of one entity, then what is
// still pending, so that every record of this entity is on the server
// before the next entity's.
func (b *serverBuilder) pushTable(ctx context.Context, src *sql.DB, entity, query string) error {
	rows, err := src.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("laptop %s: %w", entity, err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var id string
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		if u := quickUnit(raw); b.only != nil && u != "" && !b.only[u] {
			continue // another commune's, seen without decoding it
		}
		copied := bytes.Contains(raw, []byte("~y"))
		if copied {
			id, raw = copyID(id), copyIDs.ReplaceAllFunc(raw, func(q []byte) []byte {
				return []byte(strconv.Quote(copyID(string(q[1 : len(q)-1]))))
			})
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return fmt.Errorf("laptop %s %s: %w", entity, id, err)
		}
		if copied && entity == app.EntityAttendance {
			// An attendance row's id is derived from its session's and
			// participant's (app.AttendanceID).
			var a app.Attendance
			if err := json.Unmarshal(raw, &a); err != nil {
				return fmt.Errorf("laptop %s %s: %w", entity, id, err)
			}
			id = app.AttendanceID(a.SessionID, a.ParticipantID)
			fields["id"] = json.RawMessage(strconv.Quote(id))
		}
		var unit string
		if err := json.Unmarshal(fields["unit_code"], &unit); err != nil || unit == "" {
			return fmt.Errorf("laptop %s %s: no unit_code", entity, id)
		}
		if b.only != nil && !b.only[unit] {
			continue
		}
		b.seq++
		// Stamps a day before the clock, a thousand a millisecond:
		// increasing in the order pushed.
		hlc := app.HLC{Wall: b.now.Add(-24*time.Hour).UnixMilli() + b.seq/1000, Logical: uint32(b.seq % 1000)}
		m := syncproto.Mutation{ID: app.NewID(), Entity: entity, RecordID: id, Scope: unit, Op: app.OpUpsert,
			Fields: fields, HLC: hlc.String(), DeviceTimeMS: b.now.UnixMilli()}
		b.pending[unit] = append(b.pending[unit], m)
		if len(b.pending[unit]) >= b.batch {
			if err := b.flush(ctx, unit); err != nil {
				return err
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, unit := range slices.Sorted(mapKeys(b.pending)) {
		if err := b.flush(ctx, unit); err != nil {
			return err
		}
	}
	b.built.Records[entity] = b.applied[entity]
	fmt.Fprintf(b.log, "province-pull:   %d %s records pushed, %d applied (%d mutations so far)\n", n, entity, b.applied[entity], b.built.Mutations)
	return nil
}

// The province generator's copies of earlier years (province_gen.go,
// copyYears) have ids of the form UUID~yK, which are not record ids the
// sync protocol takes (app.ValidID). The server store gets each such id
// as a name-based UUID of it (copyID), the same wherever it appears, so
// that a step still refers to its case and an attendance row to its
// session.
var copyIDs = regexp.MustCompile(`"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}~y[0-9]+"`)

var copySpace = uuid.MustParse("6f0c2a4e-3b1d-4c8e-9a57-22d0c0ffee22")

func copyID(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return uuid.NewSHA1(copySpace, []byte(s)).String()
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// flush pushes the pending mutations of a commune with its device,
// enrolled on first use.
func (b *serverBuilder) flush(ctx context.Context, unit string) error {
	muts := b.pending[unit]
	if len(muts) == 0 {
		return nil
	}
	dev, ok := b.devices[unit]
	if !ok {
		code, _, err := b.st.CreateEnrolCode(ctx, unit, time.Hour)
		if err != nil {
			return fmt.Errorf("enrol code for %s: %w", unit, err)
		}
		resp, err := b.st.EnrollDevice(ctx, "", syncproto.EnrollRequest{Code: code, DeviceTag: loadDeviceTag(22, len(b.devices)),
			AppVersion: "bvntd-bench", AdoptsDeviceID: true})
		if err != nil {
			return fmt.Errorf("enrol a device of %s: %w", unit, err)
		}
		dev = resp.DeviceID
		b.devices[unit] = dev
	}
	res, err := b.st.ApplyPush(ctx, dev, syncproto.PushRequest{DeviceID: dev, Mutations: muts, DeviceNowMS: b.now.UnixMilli()})
	if err != nil {
		return fmt.Errorf("push of %d mutations of %s: %w", len(muts), unit, err)
	}
	for i, r := range res {
		switch r.Status {
		case syncproto.StatusApplied, syncproto.StatusDuplicate:
			b.applied[muts[i].Entity]++
		case syncproto.StatusRejected:
			if b.built.Rejected == nil {
				b.built.Rejected = map[string]int64{}
			}
			b.built.Rejected[muts[i].Entity+": "+r.Code+": "+r.Message]++
		default:
			return fmt.Errorf("%s %s of %s: %s %s: %s", muts[i].Entity, muts[i].RecordID, unit, r.Status, r.Code, r.Message)
		}
	}
	b.built.Mutations += int64(len(muts))
	b.built.Pushes++
	b.pending[unit] = muts[:0]
	return nil
}

// pullResult is one pull's figures.
type pullResult struct {
	Link                  string
	Wall, CPU, ServerCPU  time.Duration
	Up, Down              int64
	Dials                 int64
	ClientRSS, ServerRSS  int64
	Records               map[string]int64 // on the device after the pull, by entity
	Limited               int64            // of them limited (without personal data)
	RSSReset              bool             // the client's peak was reset before the pull
	Pushes, Pulls         int
	PullPhase, PushPhase  time.Duration
	DeviceBytes           int64
	ServerRecords, Totals int64
}

// pull enrols a fresh provincial device with the kept server store and
// times its first `bvntd sync` across the link.
func (pp *provincePull) pull(ctx context.Context, linkName string) (*pullResult, error) {
	runDir := filepath.Join(pp.work, "pull-"+linkName)
	if err := os.RemoveAll(runDir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(runDir, 0o700); err != nil {
		return nil, err
	}
	if !pp.keep {
		defer os.RemoveAll(runDir)
	}
	want, err := serverCounts(ctx, pp.serverDB())
	if err != nil {
		return nil, err
	}
	// The enrolment code is checked by the child, on the wall clock.
	st, err := serverstore.Open(ctx, pp.serverDB(), serverstore.Options{Now: app.WallClock})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	child, err := startLoadServer(ctx, &LoadConfig{Work: runDir, DB: pp.serverDB(), ServerBin: pp.serverBin})
	if err != nil {
		return nil, err
	}
	defer child.stop()
	code, _, err := st.CreateEnrolCode(ctx, syncproto.ScopeProvince, time.Hour)
	if err != nil {
		return nil, err
	}
	dev := &device{dir: filepath.Join(runDir, "device"), now: pp.clock()}
	if err := dev.run(nil, "enroll", "--server", child.url, "--code", code, "--name", "bench"); err != nil {
		return nil, err
	}

	link := pullLinks[linkName]()
	rec := &recorder{}
	hc := link.Client(10 * time.Minute)
	hc.Transport = &recordingTransport{next: hc.Transport, rec: rec}
	stopProfile := func() {}
	if pp.cpuprofile != "" {
		if stopProfile, err = startCPUProfile(pp.cpuprofile + "." + linkName + ".pprof"); err != nil {
			return nil, err
		}
		defer stopProfile()
	}
	debug.FreeOSMemory()
	reset := resetPeakRSS()
	srv0 := child.cpu()
	start, cpu0 := time.Now(), cpuTime()
	err = dev.run(hc, "sync", "--timeout", "6h")
	end, cpu1 := time.Now(), cpuTime()
	srv1 := child.cpu()
	r := &pullResult{Link: linkName, Wall: end.Sub(start), CPU: cpu1 - cpu0, ServerCPU: srv1 - srv0,
		Up: link.Sent(), Down: link.Received(), Dials: link.Dials(), ClientRSS: procHWM(os.Getpid()), RSSReset: reset}
	if r.ClientRSS == 0 {
		r.ClientRSS = selfMaxRSS()
	}
	hc.CloseIdleConnections()
	stopProfile()
	var sync Result
	rec.fill(&sync, start, end)
	r.Pushes, r.Pulls, r.PullPhase, r.PushPhase = sync.Pushes, sync.Pulls, sync.Pull, sync.Push
	if err != nil {
		return r, fmt.Errorf("sync: %w", err)
	}
	_, rss, err := child.stop()
	if err != nil {
		return r, err
	}
	r.ServerRSS = rss
	if r.Records, r.Limited, err = deviceCounts(ctx, dev.dir); err != nil {
		return r, err
	}
	if fi, err := os.Stat(filepath.Join(dev.dir, "bvntd.sqlite")); err == nil {
		r.DeviceBytes = fi.Size()
	}
	for e, n := range want {
		r.ServerRecords += n
		if r.Records[e] != n {
			return r, fmt.Errorf("the device holds %d %s records after the pull, the server %d", r.Records[e], e, n)
		}
	}
	for _, n := range r.Records {
		r.Totals += n
	}
	fmt.Fprintf(pp.log, "province-pull: %s: %s, %d records, %s down\n", linkName, dur(r.Wall), r.Totals, kb(r.Down))
	return r, nil
}

// resetPeakRSS resets the peak resident memory this process reports
// (Linux: /proc/self/clear_refs), so that the pull's peak is its own and
// not the build's.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// serverCounts counts the communes' records on the server, by entity.
func serverCounts(ctx context.Context, path string) (map[string]int64, error) {
	db, err := sql.Open("sqlite", sqlitefile.URI(path)+"?mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return countBy(ctx, db, `SELECT entity, count(*) FROM records WHERE scope NOT IN (?, ?) GROUP BY entity`,
		syncproto.ScopeShared, syncproto.ScopeProvince)
}

// deviceCounts counts the records a device holds, by entity, and how many
// of them are limited.
func deviceCounts(ctx context.Context, dir string) (map[string]int64, int64, error) {
	db, err := openLaptop(dir)
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	out, err := countBy(ctx, db, `SELECT entity, count(*) FROM records GROUP BY entity`)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range laptopTables {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.table).Scan(&n); err != nil {
			return nil, 0, err
		}
		if n > 0 {
			out[t.entity] = n
		}
	}
	var limited int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM limited_records`).Scan(&limited); err != nil {
		return nil, 0, err
	}
	return out, limited, nil
}

func countBy(ctx context.Context, db *sql.DB, query string, args ...any) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var e string
		var n int64
		if err := rows.Scan(&e, &n); err != nil {
			return nil, err
		}
		out[e] = n
	}
	return out, rows.Err()
}

// report renders the build and the pulls as Markdown.
func (pp *provincePull) report(built *serverBuilt, results []*pullResult) string {
	var w strings.Builder
	var total int64
	for _, n := range built.Records {
		total += n
	}
	fmt.Fprintf(&w, "Province first full pull · %s · %d CPU (%s)", time.Now().Format("2006-01-02 15:04"), runtime.NumCPU(), cpuModel())
	if rev := revision(); rev != "" {
		fmt.Fprintf(&w, " · build %s", rev)
	}
	if built.Communes > 0 {
		fmt.Fprintf(&w, " · **the first %d communes only** (--communes)", built.Communes)
	}
	fmt.Fprintf(&w, "\n\nServer store %s: %d records of %d communes (%s) pushed from %s with serverstore.ApplyPush, %d mutations in %d pushes of ≤ %d, one device per commune; built in %s, %s on disk.\n\n",
		pp.serverDB(), total, built.Devices, entityCounts(built.Records), built.Laptop, built.Mutations, built.Pushes, pp.batch,
		dur(time.Duration(built.BuildMS)*time.Millisecond), kb(built.Bytes))
	if len(built.Rejected) > 0 {
		fmt.Fprintf(&w, "The server refused, as it would from a laptop:\n\n")
		for _, k := range slices.Sorted(mapKeys(built.Rejected)) {
			fmt.Fprintf(&w, "- %d × %s\n", built.Rejected[k], k)
		}
		fmt.Fprintln(&w)
	}
	fmt.Fprintln(&w, "| link | wall | CPU client | CPU server | down | up | requests push / pull | records pulled (limited) | client peak RSS | server peak RSS | device store |")
	fmt.Fprintln(&w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s | %s | %d / %d | %d (%d) | %s | %s | %s |\n",
			pullLinkDesc[r.Link], dur(r.Wall), dur(r.CPU), dur(r.ServerCPU), kb(r.Down), kb(r.Up), r.Pushes, r.Pulls,
			r.Totals, r.Limited, kb(r.ClientRSS), kb(r.ServerRSS), kb(r.DeviceBytes))
	}
	fmt.Fprintf(&w, "\nA fresh provincial device (scope province, the default limited copy) runs `bvntd sync` in this process against `bvntd-server serve` in its own process, through the link simulator (netsim). Wall time is the whole command; CPU client is this process's (the command and the link simulator), CPU server the child's (/proc). The client's peak RSS is this process's peak during the pull")
	if len(results) > 0 && !results[0].RSSReset {
		fmt.Fprintf(&w, " (**not reset** before the pull: it includes what ran before)")
	}
	fmt.Fprintf(&w, "; the server's its process's peak. Every entity's count on the device equals the server's.\n")
	return w.String()
}

func entityCounts(m map[string]int64) string {
	var parts []string
	for _, e := range slices.Sorted(mapKeys(m)) {
		parts = append(parts, e+" "+strconv.FormatInt(m[e], 10))
	}
	return strings.Join(parts, ", ")
}
