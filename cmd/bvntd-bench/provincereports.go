package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"time"

	"bvntd/app"
	"bvntd/cmd/cli"
	"bvntd/storage"
)

// The province's reports on a laptop (issue 22, item 3): the dashboard of
// the whole province and of one commune, the province's annual report and
// its complaint register, each timed on the code the window and `bvntd
// export` run, each in a process of its own so that its peak resident
// memory (VmHWM) is its own.

// measure is one timed call: it returns how many rows (cases, records) it
// covered.
type measure struct {
	name string
	fn   func(ctx context.Context) (int, error)
}

// provinceReportMeasures are the calls of the province's reports on db
// (whose reference data is refs), at now:
//
//   - the dashboard of the province and of one commune (the first commune
//     with cases): the store's data (KPIFacts, as the window loads it)
//     and the indicators of the report year of now (app.ComputeKPIs);
//   - the same dashboard the way it was before (KPIData: every case and
//     step decoded into memory), for comparison;
//   - the province's annual report of the report year of now and the
//     complaint register of every case (from 01/01/2000), written to a
//     file as `bvntd export --report annual|register` writes them
//     (cli.WriteReport).
func provinceReportMeasures(db *storage.DB, refs *app.RefData, now time.Time) []measure {
	period := app.ReportYear(app.ReportYearOf(now))
	dashboard := func(load func(context.Context, string) (*app.KPIData, error), unit func(context.Context) (string, error)) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			u, err := unit(ctx)
			if err != nil {
				return 0, err
			}
			d, err := load(ctx, u)
			if err != nil {
				return 0, err
			}
			d.Now = now
			app.ComputeKPIs(d, period, refs.Targets)
			return max(len(d.Facts), len(d.Cases)), nil
		}
	}
	province := func(context.Context) (string, error) { return "", nil }
	// The commune is found once, outside the times.
	first, ferr := firstCommune(context.Background(), db)
	commune := func(context.Context) (string, error) { return first, ferr }
	report := func(q app.ReportRequest) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			f, err := os.CreateTemp("", "bvntd-bench-*.xlsx")
			if err != nil {
				return 0, err
			}
			defer os.Remove(f.Name())
			n, err := cli.WriteReport(ctx, db, refs, f, q)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return n, err
		}
	}
	return []measure{
		{"dashboard, province", dashboard(db.KPIFacts, province)},
		{"dashboard, one commune", dashboard(db.KPIFacts, commune)},
		{"dashboard, province, as before (KPIData)", dashboard(db.KPIData, province)},
		{"dashboard, one commune, as before (KPIData)", dashboard(db.KPIData, commune)},
		{"annual report, province", report(app.ReportRequest{Report: app.ReportAnnual, Year: period.To.Year()})},
		{"register export, province, every case", report(app.ReportRequest{Report: app.ReportRegister,
			From: time.Date(2000, 1, 1, 0, 0, 0, 0, app.ICT), To: now})},
	}
}

// firstCommune is the commune of the store's first cases (by commune
// code): the one a commune's dashboard is measured on.
func firstCommune(ctx context.Context, db *storage.DB) (string, error) {
	reg, err := db.Register(ctx, storage.RegisterQuery{Period: app.KPIPeriod{
		From: time.Date(2000, 1, 1, 0, 0, 0, 0, app.ICT), To: time.Date(2100, 1, 1, 0, 0, 0, 0, app.ICT)}, WithRestricted: true})
	if err != nil {
		return "", err
	}
	_, units, err := reg.Listed(ctx)
	if err != nil || len(units) == 0 {
		return "", fmt.Errorf("no commune with cases: %v", err)
	}
	return units[0], nil
}

// measured is what a child process reports of one measure.
type measured struct {
	Name  string          `json:"name"`
	Rows  int             `json:"rows"`
	Times []time.Duration `json:"times"`
	// CPU is the process's CPU time (user + system) in each run: on a
	// machine shared with other work, a steadier figure than the time.
	CPU []time.Duration `json:"cpu"`
	HWM int64           `json:"hwm"` // peak resident memory, bytes; 0 if unknown
	Err string          `json:"err,omitempty"`
}

// runMeasure runs the measure named name (the child's side of
// runMeasures): runs timed calls, then writes what it measured as JSON.
func runMeasure(ctx context.Context, ms []measure, name string, runs int, stdout io.Writer) int {
	i := slices.IndexFunc(ms, func(m measure) bool { return m.name == name })
	if i < 0 {
		fmt.Fprintf(stdout, "{\"err\": %q}\n", "no measure "+name)
		return 2
	}
	out := measured{Name: name}
	for range runs {
		start, cpu := time.Now(), cpuTime()
		n, err := ms[i].fn(ctx)
		out.Times = append(out.Times, time.Since(start))
		out.CPU = append(out.CPU, cpuTime()-cpu)
		if err != nil {
			out.Err = err.Error()
			break
		}
		out.Rows = n
	}
	out.HWM = procHWM(os.Getpid())
	b, _ := json.Marshal(out)
	fmt.Fprintf(stdout, "%s\n", b)
	if out.Err != "" {
		return 1
	}
	return 0
}

// runMeasures runs each measure in a child process of this program
// (`bvntd-bench store --data DIR --measure NAME --runs N`, with --now now
// unless "") and prints a
// Markdown table: rows, the best and the median time of the runs, and
// the child's peak resident memory.
func runMeasures(ctx context.Context, data, now string, ms []measure, runs int, stdout, stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "\nThe province's reports, each in a process of its own (%d runs; time: best and median; CPU: the least of the runs, user + system; peak RSS: the process's VmHWM, store opened and every run included):\n\n", runs)
	fmt.Fprintln(stdout, "| call | rows | best | median | CPU | peak RSS |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|")
	fail := 0
	for _, m := range ms {
		var buf bytes.Buffer
		args := []string{"store", "--data", data, "--measure", m.name, "--runs", strconv.Itoa(runs)}
		if now != "" {
			args = append(args, "--now", now)
		}
		cmd := exec.CommandContext(ctx, self, args...)
		cmd.Stdout, cmd.Stderr = &buf, stderr
		runErr := cmd.Run()
		var r measured
		if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &r); err != nil || r.Err != "" || runErr != nil {
			fmt.Fprintf(stderr, "%s: %v %v %s\n", m.name, runErr, err, r.Err)
			fail = 1
			continue
		}
		slices.Sort(r.Times)
		rss := "–"
		if r.HWM > 0 {
			rss = fmt.Sprintf("%d MB", (r.HWM+(1<<19))>>20)
		}
		cpu := "–"
		if len(r.CPU) > 0 && slices.Min(r.CPU) > 0 {
			cpu = round(slices.Min(r.CPU)).String()
		}
		fmt.Fprintf(stdout, "| %s | %d | %s | %s | %s | %s |\n", m.name, r.Rows, round(r.Times[0]), round(r.Times[(len(r.Times)-1)/2]), cpu, rss)
	}
	return fail
}
