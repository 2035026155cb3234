package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestLoad runs the load command with 5 devices for 2 s against a real
// `bvntd-server serve` child process: no error, and every mutation the
// devices made is on the server, counted in its own store. It proves the
// command works, not a figure. The devices live at the simulated today
// (clocktest.Running), the server process on the machine's clock: laptops
// whose clock differs from the server's, which the sync handles.
func TestLoad(t *testing.T) {
	quiet(t)
	work := t.TempDir()
	bin, err := buildServer(context.Background(), work)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := pgtest.ServerDB(t, filepath.Join(work, "server.sqlite"))
	r, err := RunLoad(context.Background(), LoadConfig{Devices: 5, Duration: 2 * time.Second, Think: 200 * time.Millisecond,
		MinMutations: 5, MaxMutations: 20, DB: dbPath, ServerBin: bin, Work: work, Seed: clocktest.Seed(t), Now: clocktest.Running(t)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors() != 0 {
		t.Fatalf("%d errors: %d failed syncs, %d failed requests, %d failed writes, %d rejected, %d lost; first: %s",
			r.Errors(), r.SyncErrors, r.FailedRequests, r.WorkErrors, r.Rejected, r.Lost(), r.FirstError)
	}
	if r.Created < 5*5 || r.Pending != 0 || r.Acked != r.Created {
		t.Fatalf("%d mutations made, %d acknowledged, %d pending", r.Created, r.Acked, r.Pending)
	}
	if len(r.Push) == 0 || len(r.Pull) == 0 || r.ServerRSS <= 0 || r.Elapsed < 2*time.Second {
		t.Fatalf("%d pushes, %d pulls timed, RSS %d, elapsed %v", len(r.Push), len(r.Pull), r.ServerRSS, r.Elapsed)
	}

	// The server's own count: every mutation made on a device applied once
	// (read on the server's clock, the machine's).
	st, err := serverstore.Open(context.Background(), dbPath, serverstore.Options{Now: app.WallClock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	applied, _, err := st.AuditCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	devs, err := st.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	devices := int64(len(devs))
	if applied != r.Created || r.Applied != r.Created || devices != 6 {
		t.Fatalf("the server holds %d applied mutations (run counted %d) from %d devices; the devices made %d",
			applied, r.Applied, devices, r.Created)
	}

	report := LoadReport([]*LoadResult{r}, "bvntd-bench load --devices 5 --duration 2s")
	if !strings.Contains(report, "\n| 5 + 1 | ") || !strings.Contains(report, "PASS") {
		t.Fatalf("report:\n%s", report)
	}
	t.Logf("\n%s", report)
}

// TestLoad_BadFlags checks the load command line.
func TestLoad_BadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"load", "--devices", "0"},
		{"load", "--devices", "x"},
		{"load", "--server", "elsewhere"},
		{"load", "--devices", "5,10", "--db", "x.sqlite"},
		{"load", "extra"},
	} {
		var out, errs strings.Builder
		if code := run(args, &out, &errs); code != 2 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs.String())
		}
	}
}
