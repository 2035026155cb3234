package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"bvntd/app/clocktest"
)

// TestScenarios runs every scenario on a few cases, with the shaped links
// 50 times faster and the cut links cutting 16 times more often: it proves
// the program works, not that the targets are met. The devices and the
// server live at the simulated today (clocktest.Running).
func TestScenarios(t *testing.T) {
	quiet(t)
	const cases = 200
	start := time.Now()
	b, err := NewBench(Config{Cases: cases, Work: t.TempDir(), LinkScale: 50, CutScale: 16, Now: clocktest.Running(t)})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := b.Records()
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != cases || stats.Avg() < 300 {
		t.Fatalf("demo dump: %d records of %.0f B on average", stats.Records, stats.Avg())
	}
	results := b.Run(context.Background())
	if len(results) != len(scenarios) {
		t.Fatalf("%d results, want %d", len(results), len(scenarios))
	}
	for _, r := range results {
		name := r.Scenario.Name
		if r.Err != nil {
			t.Errorf("%s: %v", name, r.Err)
			continue
		}
		if r.Wall <= 0 || r.Up <= 0 || r.Down <= 0 || r.Target == "" {
			t.Errorf("%s: wall %v, up %d, down %d, target %q", name, r.Wall, r.Up, r.Down, r.Target)
		}
		switch name {
		case "a", "d", "d128k", "e256":
			if r.Mutations < cases || r.Records != cases {
				t.Errorf("%s: %d mutations sent, %d records on the server; want ≥ %d and %d", name, r.Mutations, r.Records, cases, cases)
			}
		case "b", "b256", "b128k":
			if r.Pushes != 0 || r.Pulls == 0 || r.Records != cases {
				t.Errorf("%s: %d pushes, %d pulls, %d records on the new device", name, r.Pushes, r.Pulls, r.Records)
			}
		case "c":
			if r.Mutations != 100 || !r.Pass {
				t.Errorf("c: %d mutations, %d bytes up (%s)", r.Mutations, r.Up, passWord(r.Pass))
			}
		}
		if (name == "d128k" || name == "b128k") && r.Cuts == 0 {
			t.Errorf("%s: no cut (link cut every %d bytes)", name, r.Link.CutEvery)
		}
		if name == "e256" && r.Link.Rate != 256_000*50 {
			t.Errorf("e256: link rate %d", r.Link.Rate)
		}
	}
	report := Report(b, stats, results)
	for _, s := range scenarios {
		if !strings.Contains(report, "\n| "+s.Name+" | ") {
			t.Errorf("the report has no line for %s:\n%s", s.Name, report)
		}
	}
	t.Logf("%v\n%s", time.Since(start), report)
}

// TestRun_BadFlags checks the command line.
func TestRun_BadFlags(t *testing.T) {
	var out, errs strings.Builder
	if code := run([]string{"--scenarios", "a,zz"}, &out, &errs); code != 2 || !strings.Contains(errs.String(), `unknown scenario "zz"`) {
		t.Fatalf("exit %d, stderr %q", code, errs.String())
	}
	if code := run([]string{"extra"}, &out, &errs); code != 2 {
		t.Fatalf("exit %d for an extra argument", code)
	}
}

// The benchmarks time the sync of scenarios a and b on 1000 cases; go test
// -bench . ./cmd/bvntd-bench. Setting up (fresh server, copied device,
// enrolment, the seeding push of b) is outside the timer.
func BenchmarkScenarioA(b *testing.B) { benchScenario(b, "a") }
func BenchmarkScenarioB(b *testing.B) { benchScenario(b, "b") }

func benchScenario(b *testing.B, name string) {
	quiet(b)
	bench, err := NewBench(Config{Cases: 1000, Work: b.TempDir(), Scenarios: []string{name},
		Timer: func(running bool) {
			if running {
				b.StartTimer()
			} else {
				b.StopTimer()
			}
		}})
	if err != nil {
		b.Fatal(err)
	}
	if err := bench.makeTemplate(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ResetTimer()
	var up, down, cpu int64
	for i := 0; i < b.N; i++ {
		r := bench.RunOne(context.Background(), find(name))
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		up, down, cpu = up+r.Up, down+r.Down, cpu+int64(r.CPU)
	}
	b.ReportMetric(float64(up)/float64(b.N), "B-up/op")
	b.ReportMetric(float64(down)/float64(b.N), "B-down/op")
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// TestRepeat runs scenarios a and b twice, interleaved: each line of the
// report is a real run of its scenario, with the walls of both runs.
func TestRepeat(t *testing.T) {
	quiet(t)
	b, err := NewBench(Config{Cases: 40, Work: t.TempDir(), Scenarios: []string{"a", "b"}, Repeat: 2, Now: clocktest.Running(t)})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := b.Records()
	if err != nil {
		t.Fatal(err)
	}
	results := b.Run(context.Background())
	if len(results) != 2 {
		t.Fatalf("%d results, want 2", len(results))
	}
	for _, r := range results {
		if r.Err != nil || len(r.Walls) != 2 || r.Records != 40 {
			t.Fatalf("%s: error %v, walls %v, %d records", r.Scenario.Name, r.Err, r.Walls, r.Records)
		}
		if r.Wall != max(r.Walls[0], r.Walls[1]) {
			t.Errorf("%s: reported %v of %v, want the slower middle run", r.Scenario.Name, r.Wall, r.Walls)
		}
	}
	report := Report(b, stats, results)
	if !strings.Contains(report, "- a: 2 runs, wall ") || !strings.Contains(report, "- b: 2 runs, wall ") {
		t.Errorf("the report does not give the runs' spread:\n%s", report)
	}
}

// TestMedianRun: the run of median wall (the slower middle one of an even
// count), or the first that failed, with every run's wall in order.
func TestMedianRun(t *testing.T) {
	runs := func(walls ...time.Duration) []*Result {
		var rs []*Result
		for _, w := range walls {
			rs = append(rs, &Result{Wall: w})
		}
		return rs
	}
	ms := time.Millisecond
	for _, c := range []struct {
		walls []time.Duration
		want  time.Duration
	}{
		{[]time.Duration{3 * ms}, 3 * ms},
		{[]time.Duration{5 * ms, 1 * ms, 9 * ms}, 5 * ms},
		{[]time.Duration{9 * ms, 1 * ms, 5 * ms, 2 * ms}, 5 * ms},
		{[]time.Duration{4 * ms, 4 * ms}, 4 * ms},
	} {
		got := medianRun(runs(c.walls...))
		if got.Wall != c.want {
			t.Errorf("%v: picked %v, want %v", c.walls, got.Wall, c.want)
		}
		if len(c.walls) > 1 && !slices.Equal(got.Walls, c.walls) {
			t.Errorf("%v: walls %v", c.walls, got.Walls)
		}
	}
	rs := runs(1*ms, 2*ms, 3*ms)
	rs[2].Err = errors.New("cut")
	if got := medianRun(rs); got != rs[2] {
		t.Errorf("a failed run: picked %v", got.Wall)
	}
}
