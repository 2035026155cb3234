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

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
	"bvntd/seeds"
	"bvntd/sync/syncserver"
)

// TestExportAnnual_ProvinceAndCommune: two communes' laptops sync a demo
// year; the server's province report of that year has a row per commune
// of the province, each commune's row holds that commune's figures (as its
// laptop counts them) and the total row the province's; one commune's
// report from the server has the targets ComputeKPIs finds in the server's
// data for it (T1 from the server's record of the syncs). Without --year
// both are the reports of the report year of today, in which the communes
// synced (T1); the demo fills the year before while today's is under four
// months old, and then both years are checked.
func TestExportAnnual_ProvinceAndCommune(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]*app.KPIData{}
	seed := clocktest.Seed(t)
	for i, unit := range []string{"28261", "29905"} {
		l := demoLaptop(t, srv, refs, unit, seed+uint64(i), 20+10*i, 3, 4)
		d, err := l.db.KPIData(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		data[unit] = d
	}
	synced := clock.Peek() // both laptops synced just before
	current := app.DefaultReportYear(clock.Peek())
	demo := demoYear(t, data["28261"])
	years := []int{current}
	if demo != current {
		years = []int{demo, current}
	}
	for _, year := range years {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			var flag []string // app.DefaultReportYear of today is the default
			if year != current {
				flag = []string{"--year", strconv.Itoa(year)}
			}
			period := app.ReportYear(year)
			mine := map[string]app.KPIReport{}
			for unit, d := range data {
				mine[unit] = app.ComputeKPIs(d, period, refs.Targets)
			}
			if year == demo && (mine["28261"].Complaints.Received.Count == 0 || mine["29905"].Training.Sessions.Count == 0) {
				t.Fatalf("the demo year %d counts nothing: the test is void", year)
			}
			syncedIn := 0
			if period.Contains(synced) {
				syncedIn = 2
			}
			if year == app.ReportYearOf(synced) && syncedIn != 2 {
				t.Fatalf("the laptops synced at %v, outside the report year of that day %s", synced, period.Label)
			}
			checkAnnualProvince(t, srv, refs, clock, flag, period, mine, syncedIn)
			checkAnnualCommune(t, srv, refs, clock, flag, period, syncedIn/2)
		})
	}
	if _, _, err := run(t, "export", "--db", srv.path, "--report", "annual", "--commune", "99999", "--out", filepath.Join(t.TempDir(), "x.xlsx")); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("unknown commune: %v", err)
	}
}

// annualYear reads the report year an annual report states on its cover.
func annualYear(t *testing.T, f *excelize.File) int {
	t.Helper()
	rows, err := f.GetRows(xlsx.AnnualSheetReport, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) > 3 && r[0] == "Năm báo cáo:" {
			y, err := strconv.Atoi(r[3])
			if err != nil {
				t.Fatalf("report year %q", r[3])
			}
			return y
		}
	}
	t.Fatal("the report states no year")
	return 0
}

// checkAnnualProvince exports the province's annual report (with flag)
// and checks it against the communes' own figures mine of period, of which
// syncedIn communes synced in the period.
func checkAnnualProvince(t *testing.T, srv *fieldServer, refs *app.RefData, clock *clocktest.Clock, flag []string,
	period app.KPIPeriod, mine map[string]app.KPIReport, syncedIn int) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bao-cao-toan-tinh.xlsx")
	if _, _, err := runAt(t, clock.Now, append([]string{"export", "--db", srv.path, "--report", "annual", "--out", out}, flag...)...); err != nil {
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
	if y := annualYear(t, f); y != period.To.Year() {
		t.Fatalf("report of year %d, want %s", y, period.Label)
	}
	// Biểu 1 of the province judges the province-wide targets T2, T3, T6
	// (never a contribution) and shows T1 as a proxy (issue 18 item 5).
	report, err := f.GetRows(xlsx.AnnualSheetReport, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	judged := 0
	for _, r := range report {
		for len(r) < 8 {
			r = append(r, "")
		}
		switch r[0] {
		case "T2", "T3", "T6":
			judged++
			if r[7] != xlsx.VerdictMet && r[7] != xlsx.VerdictNotMet {
				t.Errorf("province %s: %q, want it judged", r[0], r[7])
			}
		case "T1":
			if r[7] != app.VerdictProxyVI {
				t.Errorf("province T1: %q, want the proxy's", r[7])
			}
		}
	}
	if judged != 3 {
		t.Errorf("%d province-wide targets in Biểu 1", judged)
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
	if total[13] != fmt.Sprintf("%d/%d xã", syncedIn, len(refs.Units)) {
		t.Errorf("synced %q, want %d communes", total[13], syncedIn)
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
}

// checkAnnualCommune exports one commune's annual report from the server
// (with flag) and checks its targets against ComputeKPIs on the server's
// data for period, in which the commune synced syncedIn (0 or 1) times.
func checkAnnualCommune(t *testing.T, srv *fieldServer, refs *app.RefData, clock *clocktest.Clock, flag []string,
	period app.KPIPeriod, syncedIn int) {
	t.Helper()
	ctx := context.Background()
	one := filepath.Join(t.TempDir(), "bao-cao-my-tho.xlsx")
	if _, _, err := runAt(t, clock.Now, append([]string{"export", "--db", srv.path, "--report", "annual", "--commune", "28261", "--out", one}, flag...)...); err != nil {
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
	if y := annualYear(t, g); y != period.To.Year() {
		t.Fatalf("report of year %d, want %s", y, period.Label)
	}
	d, err := srv.store.KPIData(ctx, "28261", refs, clock.Peek())
	if err != nil {
		t.Fatal(err)
	}
	rep := app.ComputeKPIs(d, period, refs.Targets)
	if t1, _ := rep.Target("T1"); t1.Num != syncedIn || t1.Den != 1 {
		t.Fatalf("T1 %d/%d, want %d/1", t1.Num, t1.Den, syncedIn)
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
		if strings.HasPrefix(r[0], "T1") && (r[4] != fmt.Sprint(syncedIn) || r[5] != "1" || r[7] != app.VerdictProxyVI) {
			t.Errorf("T1 %q, want %d of 1, a proxy", r, syncedIn)
		}
		if (tr.ID == "T2" || tr.ID == "T3" || tr.ID == "T6") && r[7] != app.VerdictContributionVI {
			t.Errorf("%s in one commune's report: %q, want its contribution", tr.ID, r[7])
		}
	}
	if seen != 7 {
		t.Fatalf("%d target rows", seen)
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
