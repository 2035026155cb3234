// Command bvntd-bench measures the sync protocol end to end: a provincial
// server (serverstore + syncserver on loopback) and devices driven through
// the `bvntd` commands (demo, enroll, sync), across a simulated link
// (package netsim) that counts the real TCP bytes, cuts connections and
// shapes rate and latency. It prints a Markdown table with the targets of
// issue 3.
//
//	go run ./cmd/bvntd-bench [--cases 10000] [--scenarios a,b,c,d,d128k,e256,b256,b128k] [--out FILE.md] [--cpuprofile PREFIX]
//	go run ./cmd/bvntd-bench load --devices N [--duration 60s] [--db PATH]   (load.go)
//	go run ./cmd/bvntd-bench store --data DIR [--runs 20]                   (store.go)
//	go run ./cmd/bvntd-bench province-pull --laptop DIR --work DIR           (provincepull.go)
//
// Each scenario gets a fresh server and fresh devices; the demo cases are
// generated once and copied. Only the `sync` command is timed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "load" {
		return runLoad(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "province" {
		return runProvince(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "province-pull" {
		return runProvincePull(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "store" {
		return runStore(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "side" {
		return runSide(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "records" {
		return runRecords(args[1:], stdout, stderr)
	}
	return runSync("bvntd-bench", false, args, stdout, stderr)
}

// runSync runs the sync scenarios: the server in this process, or (side)
// as a child process, each side's CPU then measured apart (side.go).
func runSync(name string, side bool, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cases := fs.Int("cases", refCases, "cases of the first push")
	edits := fs.Int("edits", 100, "edits of scenario c")
	list := fs.String("scenarios", strings.Join(names(), ","), "scenarios to run, in order")
	out := fs.String("out", "", "also write the Markdown report to this file")
	work := fs.String("work", "", "working folder (default: a temporary folder, removed at the end)")
	cpuprofile := fs.String("cpuprofile", "", "profile the timed sync of each scenario into PREFIX.<scenario>.pprof")
	tracePrefix := fs.String("trace", "", "trace the timed sync of each scenario into PREFIX.<scenario>.trace (go tool trace)")
	scale := fs.Float64("link-scale", 1, "make the shaped links this many times faster (quick checks only)")
	verbose := fs.Bool("v", false, "show the client's and server's logs")
	repeat := fs.Int("repeat", 1, "run the scenarios this many rounds and report each one's run of median wall time, with the spread")
	records := fs.String("records", "", "a complaint register (.xlsx) the first device imports instead of the demo cases (--cases is then its row count)")
	var serverBin *string
	if side {
		serverBin = fs.String("server-bin", "", "a built bvntd-server (default: go build ./cmd/bvntd-server)")
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if *repeat < 1 {
		fmt.Fprintln(stderr, "--repeat: at least 1")
		return 2
	}
	if !*verbose {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "bvntd-bench-")
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer os.RemoveAll(d)
		dir = d
	}
	var names []string
	for _, n := range strings.Split(*list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	cfg := Config{Cases: *cases, Edits: *edits, Scenarios: names, Work: dir,
		LinkScale: *scale, CPUProfile: *cpuprofile, Trace: *tracePrefix, Log: stderr, Repeat: *repeat}
	cfg.Records = *records
	if side {
		cfg.ServerBin = *serverBin
		if cfg.ServerBin == "" {
			bin, err := buildServer(context.Background(), dir)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			cfg.ServerBin = bin
		}
	}
	b, err := NewBench(cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	stats, err := b.Records()
	if err != nil {
		fmt.Fprintln(stderr, "demo cases:", err)
		return 1
	}
	fmt.Fprintf(stderr, "demo cases: %d records, average %.0f B of JSON per record\n", stats.Records, stats.Avg())
	results := b.Run(context.Background())
	report := Report(b, stats, results)
	fmt.Fprint(stdout, report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	for _, r := range results {
		if r.Err != nil {
			return 1
		}
	}
	return 0
}

// Report renders the results as Markdown.
func Report(b *Bench, st RecordStats, results []*Result) string {
	var w strings.Builder
	cfg := b.cfg
	fmt.Fprintf(&w, "# BVNTD sync benchmark\n\n")
	fmt.Fprintf(&w, "%s · %s %s/%s · %d CPU (%s) · %d cases, commune %s",
		time.Now().Format("2006-01-02 15:04"), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), cpuModel(), cfg.Cases, Commune)
	if cfg.LinkScale > 1 {
		fmt.Fprintf(&w, " · shaped links %.0f× faster than named (quick check)", cfg.LinkScale)
	}
	if cfg.CutScale > 1 {
		fmt.Fprintf(&w, " · cut links cut %.0f× more often than named (quick check)", cfg.CutScale)
	}
	if cfg.Cases != refCases {
		fmt.Fprintf(&w, " · targets of a and b scaled to %d cases", cfg.Cases)
	}
	if rev := revision(); rev != "" {
		fmt.Fprintf(&w, " · build %s", rev)
	}
	if cfg.ServerBin != "" {
		fmt.Fprintf(&w, " · server: bvntd-server serve in its own process")
	}
	fmt.Fprintf(&w, "\n\n")
	what := "Demo cases"
	if cfg.Records != "" {
		what = "Records of " + filepath.Base(cfg.Records) + " (bvntd import --register)"
	}
	fmt.Fprintf(&w, "%s: %d records, **%.0f B of JSON per record** on average (min %d, max %d; the device's dump), %.0f B gzipped (level 6, the whole dump).\n\n",
		what, st.Records, st.Avg(), st.Min, st.Max, float64(st.GzipBytes)/float64(max(st.Records, 1)))

	cpuHead := "CPU"
	if cfg.ServerBin != "" {
		cpuHead = "CPU client + server"
	}
	fmt.Fprintf(&w, "| Scenario | Description | Wall time | %s | open / push / pull | Bytes up | Bytes down | Cuts | Requests push / pull | Target | Result |\n", cpuHead)
	fmt.Fprintf(&w, "|---|---|---:|---:|---|---:|---:|---:|---:|---|---|\n")
	for _, r := range results {
		s := r.Scenario
		res := passWord(r.Pass)
		if r.Err != nil {
			res = "**FAILED**"
		}
		if !r.Pass {
			res = "**" + strings.Trim(res, "*") + "**"
		}
		if r.Note != "" {
			res += " (" + r.Note + ")"
		}
		cpu := dur(r.CPU)
		if cfg.ServerBin != "" {
			cpu += " + " + dur(r.ServerCPU)
		}
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s / %s / %s | %s | %s | %d | %d / %d | %s | %s |\n",
			s.Name, b.desc(s), dur(r.Wall), cpu, dur(r.Open), dur(r.Push), dur(r.Pull),
			kb(r.Up), kb(r.Down), r.Cuts, r.Pushes, r.Pulls, r.Target, res)
	}
	cpuNote := "CPU is the process's CPU time meanwhile, client and server together (both run in this process)"
	if cfg.ServerBin != "" {
		cpuNote = "CPU is the client's (this process's: the `bvntd sync` command and the link simulator) plus the server's (its process's, from /proc)"
	}
	fmt.Fprintf(&w, "\nWall time is the `bvntd sync` command (opening the store, push, pull, closing); %s; the phases run from the first request of a kind to the end of its last answer. Bytes are what crossed the simulated link, HTTP headers included (kB = 1000 B, MB = 10^6 B). A sync pushes, then pulls: the first push also pulls its own records back.\n", cpuNote)

	var notes []string
	for _, r := range results {
		if len(r.Walls) > 1 {
			sorted := slices.Sorted(slices.Values(r.Walls))
			ran := make([]string, len(r.Walls))
			for i, w := range r.Walls {
				ran[i] = dur(w)
			}
			notes = append(notes, fmt.Sprintf("- %s: %d runs, wall %s best, %s median, %s worst (in the order run: %s); the table shows the median run.",
				r.Scenario.Name, len(r.Walls), dur(sorted[0]), dur(r.Wall), dur(sorted[len(sorted)-1]), strings.Join(ran, ", ")))
		}
		if r.Err != nil {
			notes = append(notes, fmt.Sprintf("- **%s failed**: %v", r.Scenario.Name, r.Err))
			continue
		}
		if r.Mutations > 0 {
			notes = append(notes, fmt.Sprintf("- %s: %d mutations in %d pushes (%.0f per push), %s of gzipped push bodies (%.0f B per mutation); %d connection(s).",
				r.Scenario.Name, r.Mutations, r.Pushes, float64(r.Mutations)/float64(max(r.Pushes, 1)),
				kb(r.PushedBytes), float64(r.PushedBytes)/float64(r.Mutations), r.Dials))
		}
		for _, z := range []struct {
			what string
			c    Compression
		}{{"push bodies", r.PushZ}, {"pull answers", r.PullZ}} {
			c := z.c
			if c.Bodies == 0 || c.JSON < 50_000 || (z.what == "pull answers" && r.Scenario.Name != "a" && r.Scenario.Name != "b") ||
				(z.what == "push bodies" && r.Scenario.Name != "a") {
				continue
			}
			notes = append(notes, fmt.Sprintf("- %s, %s: %d bodies, %s of JSON, sent as %s (%.1f×); gzip level 6 would be %s, level 9 %s; all in one gzip stream (level 6) %s.",
				r.Scenario.Name, z.what, c.Bodies, kb(c.JSON), kb(c.Sent), float64(c.JSON)/float64(max(c.Sent, 1)),
				kb(c.Gz6), kb(c.Gz9), kb(c.One6)))
		}
		if l := r.Link; l != nil && (l.Rate > 0 || l.Latency > 0) {
			xfer := time.Duration(float64(r.Up+r.Down) * 8 / float64(l.Rate) * float64(time.Second))
			rtts := time.Duration(int64(r.Pushes+r.Pulls)+r.Dials) * 2 * l.Latency
			rest := r.Wall - xfer - rtts
			restNote := fmt.Sprintf("the rest (computing, opening the store) %s", dur(rest))
			if rest < 0 {
				restNote = "which overlap: requests in flight behind one another"
			}
			notes = append(notes, fmt.Sprintf("- %s: of %s (%.2f× the bytes' time), the bytes at %d kbit/s take %s (up %s, down %s), %d requests and %d connection(s) × one round trip (%s) take %s, %s.",
				r.Scenario.Name, dur(r.Wall), float64(r.Wall)/float64(max(xfer, 1)), l.Rate/1000, dur(xfer),
				dur(time.Duration(float64(r.Up)*8/float64(l.Rate)*float64(time.Second))),
				dur(time.Duration(float64(r.Down)*8/float64(l.Rate)*float64(time.Second))),
				r.Pushes+r.Pulls, r.Dials, dur(2*l.Latency), dur(rtts), restNote))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(&w, "\n%s\n", strings.Join(notes, "\n"))
	}
	return w.String()
}

func dur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// revision is the VCS revision the binary was built from, if stamped.
func revision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " + uncommitted changes"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
