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
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/storage"
)

// runProvince builds a synthetic province store once (province_gen.go)
// and measures on it, on the real code paths, what a province laptop
// does: the window's first list, scrolling, filters and search, and the
// dashboard, annual report and register export. Each measurement runs in
// a child process of its own (this program again, with --only), so that
// its peak RSS is its own.
//
//	go run ./cmd/bvntd-bench province --work DIR [--communes 102] [--years 5] [--scale 1.0] [--runs 20] [--only "NAME;…"] [--inproc]
func runProvince(args []string, stdout, stderr io.Writer) int {
	return runProvinceWith(args, stdout, stderr, false)
}

// runProvinceWith is runProvince; inproc (or --inproc) measures in this
// process (the tests: the test binary is not this program), the peak RSS
// then being the process's so far.
func runProvinceWith(args []string, stdout, stderr io.Writer, inproc bool) int {
	fs := flag.NewFlagSet("bvntd-bench province", flag.ContinueOnError)
	fs.SetOutput(stderr)
	work := fs.String("work", "", "folder the store is built in and kept (reused by later runs)")
	communes := fs.Int("communes", 102, "communes of the province")
	years := fs.Int("years", 5, "years of work")
	scale := fs.Float64("scale", 1.0, "size: 1.0 is about 300,000 cases; 0.1 for quick runs")
	first := fs.Int("first-year", 2026, "the first year")
	runs := fs.Int("runs", 20, "timed runs of each quick measurement (after one warm-up)")
	only := fs.String("only", "", "run only these measurements (names separated by ;)")
	child := fs.Bool("child", false, "print the result as JSON (the parent's child process)")
	cpuprofile := fs.String("cpuprofile", "", "with --only NAME --child: profile the timed runs into this file")
	fs.BoolVar(&inproc, "inproc", inproc, "measure in this process, not a child process each")
	if err := fs.Parse(args); err != nil || *work == "" || *communes < 1 || *years < 1 || *scale <= 0 || *runs < 1 {
		fmt.Fprintln(stderr, "usage: bvntd-bench province --work DIR [--communes 102] [--years 5] [--scale 1.0] [--runs 20] [--only NAME;…] [--inproc]")
		return 2
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	spec := provinceSpec{Communes: *communes, Years: *years, Scale: *scale, FirstYear: *first}
	dir, err := ensureProvince(ctx, *work, spec, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	env := &provinceEnv{dir: dir, now: spec.now(), runs: *runs, work: *work, cpuprofile: *cpuprofile}
	if *child {
		res, err := env.measure(ctx, *only)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		json.NewEncoder(stdout).Encode(res)
		return 0
	}
	var names []string
	if *only != "" {
		names = strings.Split(*only, ";")
	} else {
		for _, m := range provinceMeasures {
			names = append(names, m.name)
		}
	}
	// Opening the store once first applies any migration it lacks, so that
	// no measurement pays for it.
	db, _, err := cli.OpenStore(ctx, dir, env.clock())
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	db.Close()
	counts := storeCounts(ctx, dir)
	self, err := os.Executable()
	if err != nil && !inproc {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var results []provinceResult
	for _, name := range names {
		if inproc {
			r, err := env.measure(ctx, name)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			results = append(results, r)
			continue
		}
		cmd := exec.Command(self, "province", "--work", *work, "--communes", strconv.Itoa(*communes), "--years", strconv.Itoa(*years),
			"--scale", strconv.FormatFloat(*scale, 'f', -1, 64), "--first-year", strconv.Itoa(*first), "--runs", strconv.Itoa(*runs),
			"--only", name, "--child")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 1
		}
		var r provinceResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			fmt.Fprintf(stderr, "%s: %v (%q)\n", name, err, out.String())
			return 1
		}
		results = append(results, r)
		fmt.Fprintf(stderr, "province: %s done\n", name)
	}
	fmt.Fprintf(stdout, "Province store %s: %s; the laptop's clock at %s.\n\n", dir, counts, env.now.Format("2006-01-02 15:04"))
	if inproc {
		fmt.Fprintln(stdout, "All measurements ran in one process: the peak RSS is the process's so far.")
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, "| measurement | rows | runs | p50 | p95 | max | target | peak RSS (target 600 MB) |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|---|---:|")
	for _, r := range results {
		target := "–"
		if r.Target > 0 {
			ok := "✓"
			if r.P95 > r.Target {
				ok = "✗"
			}
			target = fmt.Sprintf("p95 ≤ %s %s", r.Target, ok)
		}
		fmt.Fprintf(stdout, "| %s | %d | %d | %s | %s | %s | %s | %d MB |\n", r.Name, r.Rows, r.Runs, round(r.P50), round(r.P95),
			round(r.Max), target, r.PeakRSS>>20)
	}
	return 0
}

// provinceEnv is what the measurements run on.
type provinceEnv struct {
	dir, work  string
	now        time.Time
	runs       int
	cpuprofile string      // --cpuprofile: the timed runs are profiled into it
	db         *storage.DB // opened once, for the measurements that need it
	refs       *app.RefData
}

func (e *provinceEnv) clock() func() time.Time { return func() time.Time { return e.now } }

// provinceMeasure is one row of the table: prepare (untimed, once) and
// return the call to time; runs is how many timed runs (0: --runs).
// Another part's measurement (the dashboard, the reports) is one entry.
type provinceMeasure struct {
	name   string
	target time.Duration
	runs   int
	call   func(ctx context.Context, e *provinceEnv) (func(run int) (int, error), error)
}

// pageSize is the rows the window's list asks for at once.
const pageSize = storage.CasePageSize

// page is a call of the case list's page.
func page(q app.CaseQuery, f app.CaseFilter, scroll bool) func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
	return pages([]app.CaseQuery{q}, []app.CaseFilter{f}, scroll)
}

// pages is a call of the first page of a new list each run: run r asks
// for qs[r % len(qs)] with fs[r % len(fs)], so that with more than the
// store keeps (storage keeps the last 4 answers) each run makes its
// answer, as when the officer types another search or ticks another
// filter. With scroll, the same list is read a page further each run.
func pages(qs []app.CaseQuery, fs []app.CaseFilter, scroll bool) func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
	return func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
		return func(run int) (int, error) {
			r := max(run, 0)
			q, f, off := qs[r%len(qs)], fs[r%len(fs)], 0
			if scroll {
				off = (run + 1) * pageSize
			}
			p, err := e.db.CasePage(ctx, q, f, off, pageSize, e.now)
			return p.Total, err
		}, nil
	}
}

// texts are queries of texts in an order.
func texts(sort string, ts ...string) []app.CaseQuery {
	out := make([]app.CaseQuery, len(ts))
	for i, t := range ts {
		out[i] = app.CaseQuery{Text: t, Sort: sort}
	}
	return out
}

// firstTime measures the first use of an order: the store's list index is
// made beforehand (the newest first), then one run asks for q.
func firstTime(q app.CaseQuery) func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
	return func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
		if _, err := e.db.CasePage(ctx, app.CaseQuery{}, app.CaseFilter{}, 0, pageSize, e.now); err != nil {
			return nil, err
		}
		return page(q, app.CaseFilter{}, false)(ctx, e)
	}
}

var (
	newest   = []app.CaseQuery{{}}
	noFilter = []app.CaseFilter{{}}
	// The statuses an officer filters by, the sectors with overdue
	// cases, a few days ahead, five quarters.
	statusFilters = func() (out []app.CaseFilter) {
		for _, s := range app.CaseStatuses {
			out = append(out, app.CaseFilter{Status: s.Code})
		}
		return out
	}()
	overdueFilters = []app.CaseFilter{{Overdue: true}, {Overdue: true, Sector: "thuc_pham_do_uong"},
		{Overdue: true, Sector: "dien_tu_gia_dung"}, {Overdue: true, Kind: "khieu_nai"}, {Overdue: true, Vulnerable: true}}
	dueFilters = []app.CaseFilter{{DueWithin: 3}, {DueWithin: 1}, {DueWithin: 5}, {DueWithin: 10}, {DueWithin: 2}}
)

// quarters are the last five quarters of the year before now, with the
// vulnerable consumers' cases.
func quarters(now time.Time) []app.CaseFilter {
	var out []app.CaseFilter
	for i := range 5 {
		out = append(out, app.CaseFilter{From: now.AddDate(0, -3*(i+1), 0), To: now.AddDate(0, -3*i, 0), Vulnerable: true})
	}
	return out
}

var provinceMeasures = []provinceMeasure{
	{name: "window start to the first list after a clean close, as the window does (cli.StartCheck: the check left for the background; cli.OpenCheckedStore; first page)",
		target: 1500 * time.Millisecond, runs: 3,
		call: firstList(func(ctx context.Context, e *provinceEnv) (*storage.DB, error) {
			if err := cli.MarkClosed(e.dir); err != nil { // as the last window's close did
				return nil, err
			}
			if _, _, background, err := cli.StartCheck(ctx, e.dir, e.clock()); err != nil || !background {
				return nil, fmt.Errorf("start check: background %v, %v", background, err)
			}
			db, _, err := cli.OpenCheckedStore(ctx, e.dir, e.clock())
			return db, err
		})},
	{name: "window start to the first list after a crash (cli.StartCheck: one PRAGMA quick_check before opening; first page)",
		target: 1500 * time.Millisecond, runs: 1,
		call: firstList(func(ctx context.Context, e *provinceEnv) (*storage.DB, error) {
			if _, _, background, err := cli.StartCheck(ctx, e.dir, e.clock()); err != nil || background {
				return nil, fmt.Errorf("start check: background %v, %v", background, err)
			}
			db, _, err := cli.OpenCheckedStore(ctx, e.dir, e.clock())
			return db, err
		})},
	{name: "the same without any check (open the store, first page)", target: 1500 * time.Millisecond, runs: 5,
		call: firstList(func(ctx context.Context, e *provinceEnv) (*storage.DB, error) {
			return openUnchecked(ctx, e.dir, e.clock())
		})},
	{name: "one check of the store at start (storage.CheckFile: PRAGMA quick_check)", runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			e.db.Close()
			return func(int) (int, error) { return 0, storage.CheckFile(ctx, filepath.Join(e.dir, cli.StoreFile)) }, nil
		}},
	{name: "list scroll: the next page", target: 100 * time.Millisecond, call: page(app.CaseQuery{}, app.CaseFilter{}, true)},
	{name: "sort by deadline, the first time (the order is made)", target: 100 * time.Millisecond, runs: 1,
		call: firstTime(app.CaseQuery{Sort: app.SortDue})},
	{name: "sort by name, the first time (the order is made)", target: 100 * time.Millisecond, runs: 1,
		call: firstTime(app.CaseQuery{Sort: app.SortName})},
	{name: "sort by deadline, scroll", target: 100 * time.Millisecond, call: page(app.CaseQuery{Sort: app.SortDue}, app.CaseFilter{}, true)},
	{name: "filter: each status in turn", target: 100 * time.Millisecond, call: pages(newest, statusFilters, false)},
	{name: "filter: overdue (alone, by sector, kind, vulnerable)", target: 100 * time.Millisecond, call: pages(newest, overdueFilters, false)},
	{name: "filter: due within 1–10 working days, by deadline", target: 100 * time.Millisecond,
		call: pages([]app.CaseQuery{{Sort: app.SortDue}}, dueFilters, false)},
	{name: "filter: received in one of the last 5 quarters, vulnerable", target: 100 * time.Millisecond,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			return pages(newest, quarters(e.now), false)(ctx, e)
		}},
	{name: "commune: search its code (5 communes in turn)", target: 100 * time.Millisecond,
		call: pages(texts(app.SortNewest, "28249", "28261", "29905", "30208", "28729"), noFilter, false)},
	{name: `search a full name ("nguyen van an", 5 names in turn)`, target: 100 * time.Millisecond,
		call: pages(texts(app.SortNewest, "nguyen van an", "tran thi lan", "le van hung", "pham thi mai", "nguyen thi hoa"), noFilter, false)},
	{name: `search a surname ("nguyen", 5 in turn)`, target: 100 * time.Millisecond,
		call: pages(texts(app.SortNewest, "nguyen", "tran", "le", "pham", "huynh"), noFilter, false)},
	{name: `search a surname, by deadline`, target: 100 * time.Millisecond,
		call: pages(texts(app.SortDue, "nguyen", "tran", "le", "pham", "huynh"), noFilter, false)},
	{name: `search a phone fragment ("091473", 5 in turn)`, target: 100 * time.Millisecond,
		call: pages(texts(app.SortNewest, "091473", "0912", "0987 6", "0355", "090"), noFilter, false)},
	{name: `search goods, overdue ("dien may", 5 in turn)`, target: 100 * time.Millisecond,
		call: pages(texts(app.SortNewest, "dien may", "dien thoai", "thuc pham", "my pham", "xe may"), []app.CaseFilter{{Overdue: true}}, false)},
	// The dashboard, the annual report and the register export.
	{name: "dashboard, whole province (KPIFacts + ComputeKPIs)", target: 2 * time.Second, runs: 2,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			return dashboard(ctx, e, "")
		}},
	// The first dashboard after a big pull, a new holiday year or a new
	// time limit: no case's facts are kept yet (case_facts, migration 25).
	{name: "dashboard, whole province, no facts kept yet (the first after a big pull)", runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			if err := forgetKeptFacts(ctx, e); err != nil {
				return nil, err
			}
			return dashboard(ctx, e, "")
		}},
	// The same facts kept by the window in the background after that
	// pull (storage.KeepCaseFacts: a batch at a time), then the dashboard.
	{name: "facts kept in the background after a big pull (none kept, then KeepCaseFacts)", runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			if err := forgetKeptFacts(ctx, e); err != nil {
				return nil, err
			}
			return func(int) (int, error) { return e.db.KeepCaseFacts(ctx) }, nil
		}},
	{name: "dashboard, whole province, right after the facts were kept in the background", target: 2 * time.Second, runs: 2,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			if err := forgetKeptFacts(ctx, e); err != nil {
				return nil, err
			}
			if n, err := e.db.KeepCaseFacts(ctx); err != nil || n == 0 {
				return nil, fmt.Errorf("facts kept: %d, %v", n, err)
			}
			return dashboard(ctx, e, "")
		}},
	{name: "facts kept in the background after a small pull (100 cases' facts missing, spread over the store)", runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			if err := keepAllFacts(ctx, e); err != nil {
				return nil, err
			}
			if err := forgetSomeFacts(ctx, e, 100, false); err != nil {
				return nil, err
			}
			return func(int) (int, error) { return e.db.KeepCaseFacts(ctx) }, nil
		}},
	{name: "facts kept in the background after a pull of 100 new cases (the newest 100 cases' facts missing)", runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			if err := keepAllFacts(ctx, e); err != nil {
				return nil, err
			}
			if err := forgetSomeFacts(ctx, e, 100, true); err != nil {
				return nil, err
			}
			return func(int) (int, error) { return e.db.KeepCaseFacts(ctx) }, nil
		}},
	{name: "facts kept in the background, every case's kept already: the window's first check", runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			return keptFacts(ctx, e)
		}},
	{name: "facts kept in the background, every case's kept already: the checks after each sync",
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			if _, err := e.db.KeepCaseFacts(ctx); err != nil { // the first check
				return nil, err
			}
			return keptFacts(ctx, e)
		}},
	{name: "dashboard, one commune", runs: 2,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			return dashboard(ctx, e, e.refs.Units[1].Code)
		}},
	{name: "annual report, whole province (bvntd export --report annual)", target: 15 * time.Second, runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			return export(e, "annual", "--year", strconv.Itoa(e.now.Year())), nil
		}},
	{name: "register export, whole province (bvntd export --report register)", target: 15 * time.Second, runs: 1,
		call: func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
			return export(e, "register", "--from", "01/01/2000"), nil
		}},
}

// firstList opens the store with open in each run, as the window does,
// and reads the first page of the list.
func firstList(open func(context.Context, *provinceEnv) (*storage.DB, error)) func(context.Context, *provinceEnv) (func(int) (int, error), error) {
	return func(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
		e.db.Close()
		return func(int) (int, error) {
			db, err := open(ctx, e)
			if err != nil {
				return 0, err
			}
			defer db.Close()
			p, err := db.CasePage(ctx, app.CaseQuery{Sort: app.SortNewest}, app.CaseFilter{}, 0, pageSize, e.now)
			return p.Total, err
		}, nil
	}
}

// dashboard is the dashboard's load (KPIFacts, as the window loads it)
// and computation for unit ("" the province), for the report year of now.
func dashboard(ctx context.Context, e *provinceEnv, unit string) (func(int) (int, error), error) {
	return func(int) (int, error) {
		d, err := e.db.KPIFacts(ctx, unit)
		if err != nil {
			return 0, err
		}
		d.Now = e.now
		app.ComputeKPIs(d, app.ReportYear(app.ReportYearOf(e.now)), e.refs.Targets)
		return max(len(d.Facts), len(d.Cases)), nil
	}, nil
}

// keptFacts is a call of KeepCaseFacts on the store whose every case's
// facts are kept (made so first, untimed): it must keep none.
func keptFacts(ctx context.Context, e *provinceEnv) (func(int) (int, error), error) {
	if err := keepAllFacts(ctx, e); err != nil {
		return nil, err
	}
	return func(int) (int, error) {
		n, err := e.db.KeepCaseFacts(ctx)
		if err == nil && n != 0 {
			err = fmt.Errorf("%d cases' facts kept, want none", n)
		}
		return n, err
	}, nil
}

// keepAllFacts keeps every case's facts the store lacks (a previous
// measurement may have forgotten them), in a store of its own: this
// process's store then checks them as the window's first check does.
func keepAllFacts(ctx context.Context, e *provinceEnv) error {
	db, err := openUnchecked(ctx, e.dir, e.clock())
	if err != nil {
		return err
	}
	_, err = db.KeepCaseFacts(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// forgetSomeFacts drops the kept facts of n cases spread over the store,
// or of the newest n (what a pull of their changes does), and opens the
// store again.
func forgetSomeFacts(ctx context.Context, e *provinceEnv, n int, newest bool) error {
	return withStoreClosed(ctx, e, func(sq *sql.DB) error {
		var kept int
		if err := sq.QueryRowContext(ctx, `SELECT count(*) FROM case_facts`).Scan(&kept); err != nil {
			return err
		}
		q := `DELETE FROM case_facts WHERE case_id IN (SELECT case_id FROM
			(SELECT case_id, row_number() OVER (ORDER BY case_id) AS r FROM case_facts)
			WHERE r % max(1, ? / ?) = 0 LIMIT ?)`
		args := []any{kept, n, n}
		if newest {
			q, args = `DELETE FROM case_facts WHERE case_id IN (SELECT case_id FROM case_facts ORDER BY case_id DESC LIMIT ?)`, []any{n}
		}
		res, err := sq.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if d, err := res.RowsAffected(); err != nil || d != int64(min(n, kept)) {
			return fmt.Errorf("%d cases' facts forgotten of %d, want %d (%v)", d, kept, n, err)
		}
		return nil
	})
}

// forgetKeptFacts empties the store's kept case facts (what a pull of
// every case does) and opens the store again.
func forgetKeptFacts(ctx context.Context, e *provinceEnv) error {
	return withStoreClosed(ctx, e, func(sq *sql.DB) error {
		_, err := sq.ExecContext(ctx, "DELETE FROM case_facts")
		return err
	})
}

// withStoreClosed closes the store, runs fn on a plain connection to its
// file, and opens the store again.
func withStoreClosed(ctx context.Context, e *provinceEnv, fn func(*sql.DB) error) error {
	if err := e.db.Close(); err != nil {
		return err
	}
	sq, err := sql.Open("sqlite", filepath.Join(e.dir, cli.StoreFile))
	if err != nil {
		return err
	}
	err = fn(sq)
	if cerr := sq.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	e.db, err = openUnchecked(ctx, e.dir, e.clock())
	return err
}

// export runs `bvntd export --report report` into a file, on the store
// as a clean close left it (the bench's own, marked as the window's and
// each command's close marks it: the command does not read the whole file
// first).
func export(e *provinceEnv, report string, args ...string) func(int) (int, error) {
	return func(int) (int, error) {
		if err := e.db.Close(); err != nil {
			return 0, err
		}
		if err := cli.MarkClosed(e.dir); err != nil {
			return 0, err
		}
		out := filepath.Join(e.work, "export-"+report+".xlsx")
		m := &cli.Main{Stdout: io.Discard, Stderr: io.Discard, Now: e.clock()}
		err := m.Run(context.Background(), append([]string{"export", "--data", e.dir, "--report", report, "--out", out}, args...))
		return 0, err
	}
}

// openUnchecked opens the store of dir as cli.OpenStore does, without
// its check of the file (storage.CheckFile).
func openUnchecked(ctx context.Context, dir string, now func() time.Time) (*storage.DB, error) {
	refs, err := seeds.Load()
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, filepath.Join(dir, cli.StoreFile), storage.Options{Now: now, AppVersion: cli.AppVersion})
	if err != nil {
		return nil, err
	}
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		db.Close()
		return nil, err
	}
	db.SetRefs(refs)
	return db, nil
}

// provinceResult is one measurement's figures.
type provinceResult struct {
	Name          string
	Rows, Runs    int
	P50, P95, Max time.Duration
	Target        time.Duration
	PeakRSS       int64 // bytes: the process's VmHWM
}

// measure runs the measurement called name in this process.
func (e *provinceEnv) measure(ctx context.Context, name string) (provinceResult, error) {
	i := slices.IndexFunc(provinceMeasures, func(m provinceMeasure) bool { return m.name == name })
	if i < 0 {
		return provinceResult{}, fmt.Errorf("no measurement %q", name)
	}
	m := provinceMeasures[i]
	db, refs, err := cli.OpenStore(ctx, e.dir, e.clock())
	if err != nil {
		return provinceResult{}, err
	}
	e.db, e.refs = db, refs
	defer func() { e.db.Close() }()
	fn, err := m.call(ctx, e)
	if err != nil {
		return provinceResult{}, err
	}
	runs := m.runs
	if runs == 0 {
		runs = e.runs
	}
	if runs > 1 {
		if _, err := fn(-1); err != nil { // warm-up
			return provinceResult{}, err
		}
	}
	res := provinceResult{Name: name, Runs: runs, Target: m.target}
	if e.cpuprofile != "" {
		stop, err := startCPUProfile(e.cpuprofile)
		if err != nil {
			return provinceResult{}, err
		}
		defer stop()
	}
	ds := make([]time.Duration, runs)
	for r := range ds {
		start := time.Now()
		n, err := fn(r)
		if err != nil {
			return provinceResult{}, fmt.Errorf("%s: %w", name, err)
		}
		ds[r] = time.Since(start)
		res.Rows = n
	}
	slices.Sort(ds)
	res.P50, res.P95, res.Max = ds[(len(ds)-1)/2], ds[(len(ds)*95+99)/100-1], ds[len(ds)-1]
	res.PeakRSS = procHWM(os.Getpid())
	return res, nil
}

// storeCounts describes what the store in dir holds.
func storeCounts(ctx context.Context, dir string) string {
	sq, err := sql.Open("sqlite", filepath.Join(dir, cli.StoreFile)+"?mode=ro")
	if err != nil {
		return err.Error()
	}
	defer sq.Close()
	var parts []string
	for _, c := range []struct{ what, q string }{
		{"cases", "SELECT count(*) FROM case_list"},
		{"voided", "SELECT count(*) FROM case_list WHERE voided"},
		{"unfinished", "SELECT count(*) FROM case_list WHERE NOT voided AND status NOT IN ('dong', 'tu_choi', 'rut_yeu_cau')"},
		{"steps", "SELECT count(*) FROM case_events"},
		{"participants", "SELECT count(*) FROM records WHERE entity = 'participant'"},
		{"attendance rows", "SELECT count(*) FROM records WHERE entity = 'attendance'"},
		{"training sessions", "SELECT count(*) FROM records WHERE entity = 'training_session'"},
		{"outreach events", "SELECT count(*) FROM records WHERE entity = 'outreach_event'"},
		{"publications", "SELECT count(*) FROM records WHERE entity = 'publication'"},
		{"communes", "SELECT count(DISTINCT unit_code) FROM case_list"},
	} {
		var n int64
		if err := sq.QueryRowContext(ctx, c.q).Scan(&n); err != nil {
			return err.Error()
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, c.what))
	}
	if fi, err := os.Stat(filepath.Join(dir, cli.StoreFile)); err == nil {
		parts = append(parts, fmt.Sprintf("%d MB", fi.Size()>>20))
	}
	return strings.Join(parts, ", ")
}
