package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"bvntd/app"
	"bvntd/cmd/cli"
)

// runStore times the calls the window makes on a laptop's store (the case
// list, its sort by deadline, search, the dashboard's data) on the store
// of a data folder, e.g. the 100,000-case store of cmd/cli's
// TestMakeRegisterStore:
//
//	go run ./cmd/bvntd-bench store --data DIR [--runs 20] [--now 2030-12-15T09:00]
//
// It prints p50 and p95 of each call over the runs (after one warm-up run),
// in a Markdown table; then, unless --reports=false, the province's
// reports (provincereports.go: the dashboard of the province and of one
// commune, the annual report, the register export), each in a process of
// its own with its peak resident memory, over --report-runs runs.
func runStore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bvntd-bench store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "the data folder of the store to measure")
	runs := fs.Int("runs", 20, "timed runs of each call")
	callsToo := fs.Bool("calls", true, "time the window's calls (case list, search, …)")
	reports := fs.Bool("reports", true, "also time the province's reports, each in a process of its own")
	reportRuns := fs.Int("report-runs", 3, "timed runs of each report")
	measureName := fs.String("measure", "", "run this one report's measure and print it as JSON (the child process)")
	nowFlag := fs.String("now", "", "the laptop's clock, YYYY-MM-DDTHH:MM in Vietnam (a province store of bvntd-bench province: 2030-12-15T09:00); default the real time")
	if err := fs.Parse(args); err != nil || *data == "" || *runs < 1 || *reportRuns < 1 {
		fmt.Fprintln(stderr, "usage: bvntd-bench store --data DIR [--runs 20] [--calls=false] [--reports=false] [--report-runs 3] [--now YYYY-MM-DDTHH:MM]")
		return 2
	}
	clock := app.WallClock
	if *nowFlag != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", *nowFlag, app.ICT)
		if err != nil {
			fmt.Fprintf(stderr, "--now: %v\n", err)
			return 2
		}
		clock = func() time.Time { return t }
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	db, refs, err := cli.OpenStore(ctx, *data, clock)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer db.Close()
	if *measureName != "" {
		return runMeasure(ctx, provinceReportMeasures(db, refs, clock()), *measureName, *runs, stdout)
	}
	n, err := db.CountCases(ctx)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	now := clock()
	calls := []struct {
		name string
		fn   func() (int, error)
	}{
		{"case list, newest first", func() (int, error) {
			rows, err := db.CaseRows(ctx, app.CaseQuery{Sort: app.SortNewest}, now)
			return len(rows), err
		}},
		{"case list, by deadline", func() (int, error) {
			rows, err := db.CaseRows(ctx, app.CaseQuery{Sort: app.SortDue}, now)
			return len(rows), err
		}},
		{`search "nguyen"`, func() (int, error) {
			rows, err := db.CaseRows(ctx, app.CaseQuery{Text: "nguyen", Sort: app.SortNewest}, now)
			return len(rows), err
		}},
		{`search "nguyen van an"`, func() (int, error) {
			rows, err := db.CaseRows(ctx, app.CaseQuery{Text: "nguyen van an", Sort: app.SortNewest}, now)
			return len(rows), err
		}},
		{`search "0012"`, func() (int, error) {
			rows, err := db.CaseRows(ctx, app.CaseQuery{Text: "0012", Sort: app.SortNewest}, now)
			return len(rows), err
		}},
		{`person "nguyen van an"`, func() (int, error) { // "Dữ liệu của một người"
			d, err := db.FindPerson(ctx, app.PersonQuery{Name: "nguyen van an"})
			return d.Records(), err
		}},
		{`person "0912 345 678", "an"`, func() (int, error) {
			d, err := db.FindPerson(ctx, app.PersonQuery{Name: "an", Phone: "0912 345 678"})
			return d.Records(), err
		}},
		{`person address "my tho"`, func() (int, error) {
			d, err := db.FindPerson(ctx, app.PersonQuery{Address: "my tho"})
			return d.Records(), err
		}},
		{"dashboard data, all communes", func() (int, error) { // as the window loads it
			d, err := db.KPIFacts(ctx, "")
			if err != nil {
				return 0, err
			}
			return len(d.Facts), nil
		}},
	}
	if !*callsToo {
		calls = nil
	}
	fmt.Fprintf(stdout, "Store %s: %d cases, %d timed runs each (after one warm-up), %s\n\n", *data, n, *runs, now.Format("2006-01-02 15:04"))
	fmt.Fprintln(stdout, "| call | rows | p50 | p95 |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|")
	for _, c := range calls {
		rows, err := c.fn() // warm-up
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
			return 1
		}
		ds := make([]time.Duration, *runs)
		for i := range ds {
			start := time.Now()
			if _, err := c.fn(); err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
				return 1
			}
			ds[i] = time.Since(start)
		}
		slices.Sort(ds)
		fmt.Fprintf(stdout, "| %s | %d | %s | %s |\n", c.name, rows, round(ds[(len(ds)-1)/2]), round(ds[(len(ds)*95+99)/100-1]))
	}
	if !*reports {
		return 0
	}
	return runMeasures(ctx, *data, *nowFlag, provinceReportMeasures(db, refs, now), *reportRuns, stdout, stderr)
}

func round(d time.Duration) time.Duration {
	if d > 100*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}
