package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/seeds"
	"bvntd/sync/syncserver"
)

// TestExportAnnual_ProvinceAndCommune: two communes' laptops sync a demo
// year; the server's province report has a row per commune of the
// province, each commune's row holds that commune's figures (as its laptop
// counts them) and the total row the province's; one commune's report
// from the server has the targets ComputeKPIs finds in the server's data
// for it (T1 from the server's record of the syncs).
func TestExportAnnual_ProvinceAndCommune(t *testing.T) {
	ctx := context.Background()
	clock := &fieldClock{t: time.Now().UTC()}
	srv := newFieldServer(t, clock, syncserver.Options{})
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	period := app.ReportYear(app.ReportYearOf(clock.now()))
	mine := map[string]app.KPIReport{}
	for i, unit := range []string{"28261", "29905"} {
		l := demoLaptop(t, srv, refs, unit, uint64(7+i), 20+10*i, 3, 4)
		d, err := l.db.KPIData(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		mine[unit] = app.ComputeKPIs(d, period, refs.Targets)
	}

	out := filepath.Join(t.TempDir(), "bao-cao-toan-tinh.xlsx")
	if _, _, err := run(t, "export", "--db", srv.path, "--report", "annual", "--out", out); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 6 || got[2] != xlsx.AnnualSheetCommunes {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows(xlsx.AnnualSheetCommunes, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	n := func(s string) int {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("%q is not a count", s)
		}
		return v
	}
	communes, received, sessions := 0, 0, 0
	var total []string
	for _, r := range rows {
		for len(r) < 14 {
			r = append(r, "")
		}
		if r[1] == "Toàn tỉnh" {
			total = r
			continue
		}
		if _, err := strconv.Atoi(r[0]); err != nil || r[1] == "" {
			continue
		}
		communes++
		received += n(r[2])
		sessions += n(r[9])
		for unit, rep := range mine {
			u, _ := refs.Unit(unit)
			if r[1] != u.Name {
				continue
			}
			if n(r[2]) != rep.Complaints.Received.Count || n(r[4]) != rep.Complaints.Finished.Count ||
				n(r[9]) != rep.Training.Sessions.Count || n(r[10]) != rep.Training.PersonTimes.Count ||
				n(r[11]) != rep.Outreach.Events.Count || n(r[12]) != rep.Publications.All.Count || r[13] == "" {
				t.Errorf("%s: %q; the laptop counts %d received, %d finished, %d sessions, %d person-times", u.Name, r,
					rep.Complaints.Received.Count, rep.Complaints.Finished.Count, rep.Training.Sessions.Count, rep.Training.PersonTimes.Count)
			}
		}
	}
	want := mine["28261"].Complaints.Received.Count + mine["29905"].Complaints.Received.Count
	if communes != len(refs.Units) || total == nil || n(total[2]) != want || received != want ||
		sessions != mine["28261"].Training.Sessions.Count+mine["29905"].Training.Sessions.Count {
		t.Fatalf("%d communes, %d received (total row %q), want %d communes, %d received", communes, received, total, len(refs.Units), want)
	}
	if total[13] != fmt.Sprintf("2/%d xã", len(refs.Units)) {
		t.Errorf("synced %q", total[13])
	}
	// The same table, read by an independent reader (openpyxl): the header,
	// a row per commune, and the columns adding up to the province's total.
	head := 0
	for i, r := range rows {
		if len(r) > 1 && r[0] == "STT" {
			head = i + 1
			break
		}
	}
	first, last := head+1, head+len(refs.Units)
	annualOpenpyxl(t, []map[string]any{{"file": out, "sheets": f.GetSheetList(), "checks": []map[string]any{
		{"sheet": xlsx.AnnualSheetCommunes, "cell": fmt.Sprintf("B%d", head), "equals": "Xã, phường"},
		{"sheet": xlsx.AnnualSheetCommunes, "data_rows": len(refs.Units) + 1, "from_row": first, "column": "B"},
		{"sheet": xlsx.AnnualSheetCommunes, "column_sum": "C", "from_row": first, "to_row": last, "equals_number": want},
		{"sheet": xlsx.AnnualSheetCommunes, "cell": fmt.Sprintf("C%d", last+1), "number": want},
		{"sheet": xlsx.AnnualSheetCommunes, "column_sum": "H", "from_row": first, "to_row": last,
			"equals_number": mine["28261"].Complaints.Recovered.Sum + mine["29905"].Complaints.Recovered.Sum},
		{"sheet": xlsx.AnnualSheetCommunes, "max_row_at_least": last + 1},
	}}})

	// One commune, from the server.
	one := filepath.Join(t.TempDir(), "bao-cao-my-tho.xlsx")
	if _, _, err := run(t, "export", "--db", srv.path, "--report", "annual", "--commune", "28261", "--out", one); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenFile(one)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := g.GetSheetList(); len(got) != 5 {
		t.Fatalf("sheets %q", got)
	}
	d, err := srv.store.KPIData(ctx, "28261", refs, clock.now())
	if err != nil {
		t.Fatal(err)
	}
	rep := app.ComputeKPIs(d, period, refs.Targets)
	if t1, _ := rep.Target("T1"); t1.Num != 1 || t1.Den != 1 {
		t.Fatalf("T1 %d/%d", t1.Num, t1.Den)
	}
	report, err := g.GetRows(xlsx.AnnualSheetReport, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range report {
		for len(r) < 8 {
			r = append(r, "")
		}
		tr, ok := rep.Target(r[0])
		if !ok {
			continue
		}
		seen++
		v, _ := strconv.ParseFloat(r[3], 64)
		if r[7] != xlsx.Verdict(tr) || tr.Share && tr.Known && math.Abs(v-tr.Value/100) > 1e-9 || !tr.Share && v != float64(tr.Num) {
			t.Errorf("%s: %q, want %v (%s)", tr.ID, r, tr.Value, xlsx.Verdict(tr))
		}
		if strings.HasPrefix(r[0], "T1") && (r[4] != "1" || r[5] != "1") {
			t.Errorf("T1 %q", r)
		}
	}
	if seen != 7 {
		t.Fatalf("%d target rows", seen)
	}
	if _, _, err := run(t, "export", "--db", srv.path, "--report", "annual", "--commune", "99999", "--out", one); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("unknown commune: %v", err)
	}
}

// annualOpenpyxl runs the independent reader (.ci/xlsxcheck.py, openpyxl)
// on spec. Without python3-openpyxl the check is skipped, except in CI.
func annualOpenpyxl(t *testing.T, spec []map[string]any) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-openpyxl is missing: %v", err)
		}
		t.Log("python3-openpyxl is missing: the independent reader's check is skipped")
		return
	}
	b, _ := json.Marshal(spec)
	path := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("/usr/bin/python3", filepath.Join("..", "..", ".ci", "xlsxcheck.py"), path).CombinedOutput(); err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
}
