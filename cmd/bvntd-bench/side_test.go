package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app/clocktest"
)

// TestSide runs scenarios a and c on a small synthetic register imported
// by the first device, with the server as a child process: every row is
// imported and pushed, and each side's CPU is measured. It proves the
// command works, not a figure.
func TestSide(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bvntd-server and runs it (the full pass runs it)")
	}
	quiet(t)
	work := t.TempDir()
	const rows = 120
	records := filepath.Join(work, "register.xlsx")
	if err := makeRecords(records, rows, clocktest.Seed(t), clocktest.Today(t).AddDate(0, 0, -320)); err != nil {
		t.Fatal(err)
	}
	bin, err := buildServer(context.Background(), work)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBench(Config{Scenarios: []string{"a", "c"}, Work: work, Records: records, ServerBin: bin, Edits: 20,
		Now: clocktest.Running(t)})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := b.Records()
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != rows || stats.Avg() < 1000 {
		t.Fatalf("imported %d records of %.0f B on average; want %d of about 1.3 KB", stats.Records, stats.Avg(), rows)
	}
	results := b.Run(context.Background())
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Scenario.Name, r.Err)
		}
		// The child's CPU is read from /proc in clock ticks (10 ms): a
		// sync of a few edits (c) may take less than one.
		if r.CPU <= 0 || r.ServerCPU < 0 || r.Scenario.Name == "a" && r.ServerCPU == 0 {
			t.Errorf("%s: client CPU %v, server CPU %v", r.Scenario.Name, r.CPU, r.ServerCPU)
		}
	}
	if a := results[0]; a.Records != rows || a.Mutations < rows {
		t.Errorf("a: %d records on the server, %d mutations sent; want %d", a.Records, a.Mutations, rows)
	}
	if report := Report(b, stats, results); !strings.Contains(report, "CPU client + server") || !strings.Contains(report, "register.xlsx") {
		t.Errorf("report:\n%s", report)
	}
}
