package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
)

// TestProvincePull builds a server store from a small province laptop
// store, then pulls it with a fresh provincial device across both links:
// the device ends with every record the server has, entity by entity, and
// the server holds every record of the laptop store. A second run reuses
// the server store. It proves the command works, not a figure.
func TestProvincePull(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bvntd-server and runs it (the full pass runs it)")
	}
	quiet(t)
	ctx := context.Background()
	work := t.TempDir()
	// Two years: the generator's copies of the first year have ids the
	// server does not take as they are (copyID).
	spec := provinceSpec{Communes: 3, Years: 2, Scale: 0.02, FirstYear: 2026}
	laptop, err := ensureProvince(ctx, work, spec, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := buildServer(ctx, work)
	if err != nil {
		t.Fatal(err)
	}
	pp := &provincePull{laptop: laptop, work: filepath.Join(work, "pull"), batch: 40, log: io.Discard, serverBin: bin}
	built, err := pp.ensureServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	src, err := openLaptop(laptop)
	if err != nil {
		t.Fatal(err)
	}
	want, err := countBy(ctx, src, `SELECT entity, count(*) FROM records GROUP BY entity`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range laptopTables {
		var n int64
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM `+tb.table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		want[tb.entity] = n
	}
	src.Close()
	if want[app.EntityCase] < 10 || want[app.EntityCaseEvent] < 10 || want[app.EntityParticipant] == 0 {
		t.Fatalf("the small province store holds %v; want cases, steps and participants", want)
	}
	onServer, err := serverCounts(ctx, pp.serverDB())
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for e, n := range want {
		if onServer[e] != n || built.Records[e] != n {
			t.Errorf("%s: %d on the laptop, %d pushed, %d on the server", e, n, built.Records[e], onServer[e])
		}
		total += n
	}
	if built.Mutations != total || built.Devices != spec.Communes || len(built.Rejected) > 0 {
		t.Errorf("built with %d mutations by %d devices, rejected %v; want %d by %d, none rejected", built.Mutations, built.Devices, built.Rejected, total, spec.Communes)
	}

	for _, link := range []string{"loopback", "2mbit"} {
		r, err := pp.pull(ctx, link)
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		for e, n := range want {
			if r.Records[e] != n {
				t.Errorf("%s: the device holds %d %s records, want %d", link, r.Records[e], e, n)
			}
		}
		// The server's CPU is read in clock ticks (10 ms): a small pull may take less.
		if r.Down < total*50 || r.Pulls == 0 || r.CPU <= 0 || r.ServerCPU < 0 || r.ClientRSS <= 0 {
			t.Errorf("%s: %s down in %d pulls, CPU %v + %v, RSS %d", link, kb(r.Down), r.Pulls, r.CPU, r.ServerCPU, r.ClientRSS)
		}
		if _, err := os.Stat(filepath.Join(pp.work, "pull-"+link)); !os.IsNotExist(err) {
			t.Errorf("%s: the pulled device's folder is kept (%v)", link, err)
		}
	}

	// Again through the command: the server store is reused.
	mark := filepath.Join(pp.serverDir(), serverBuiltMark)
	before, err := os.Stat(mark)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := runProvincePull([]string{"--laptop", laptop, "--work", pp.work, "--link", "loopback", "--server-bin", bin}, &out, &errb); code != 0 {
		t.Fatalf("province-pull: %d\n%s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "reusing the server store") {
		t.Errorf("the server store was built again:\n%s", errb.String())
	}
	if after, err := os.Stat(mark); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the server store's mark was written again (%v)", err)
	}
	if s := out.String(); !strings.Contains(s, "| loopback (no shaping) |") || !strings.Contains(s, "built in") {
		t.Errorf("report:\n%s", s)
	}

	// The first 2 communes only: their records, all of them.
	two := &provincePull{laptop: laptop, work: pp.work, batch: 40, log: io.Discard, serverBin: bin, communes: 2}
	built2, err := two.ensureServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	src, err = openLaptop(laptop)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var first2 int64
	if err := src.QueryRowContext(ctx, `SELECT count(*) FROM case_list WHERE unit_code IN (SELECT DISTINCT unit_code FROM case_list ORDER BY unit_code LIMIT 2)`).Scan(&first2); err != nil {
		t.Fatal(err)
	}
	if built2.Devices != 2 || built2.Records[app.EntityCase] != first2 || first2 == 0 || first2 == want[app.EntityCase] {
		t.Errorf("first 2 communes: %d devices, %d cases; want 2 devices and %d of the %d cases", built2.Devices, built2.Records[app.EntityCase], first2, want[app.EntityCase])
	}
	r, err := two.pull(ctx, "loopback")
	if err != nil {
		t.Fatal(err)
	}
	if r.Records[app.EntityCase] != first2 {
		t.Errorf("first 2 communes: the device holds %d cases, want %d", r.Records[app.EntityCase], first2)
	}
	if _, err := os.Stat(pp.serverDB()); err != nil {
		t.Errorf("the whole province's server store is gone: %v", err)
	}
}
