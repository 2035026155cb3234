package cli

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
	"bvntd/app/xlsx"
	"bvntd/seeds/demo"
)

// TestExportAnnual_DemoYear: `bvntd export --report annual` on a store with
// a demo year writes the report of the report year asked for (by default
// that of today) whose targets and totals are those ComputeKPIs finds in
// the same store.
func TestExportAnnual_DemoYear(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "30", "--seed", "3"); err != nil {
		t.Fatal(err)
	}
	today := clockOf(t).Peek()
	// Without --year: app.DefaultReportYear of today (TestExport_DefaultReportYear
	// pins it on both sides of 15/12).
	current := app.DefaultReportYear(today)
	// The demo fills the report year of today or, in the first four months
	// of one, the year before (demo.FilledYear); its cases are spread over
	// the last twelve months.
	_, end := demo.FilledYear(today)
	filled := end.Year()
	checkAnnualExport(t, dir, current, filled == current)
	if filled != current {
		checkAnnualExport(t, dir, filled, true, "--year", strconv.Itoa(filled))
	}

	// Flags that do not apply, and a commune the laptop does not record.
	out := filepath.Join(t.TempDir(), "bao-cao-nam.xlsx")
	for _, args := range [][]string{
		{"--from", "01/01/2026"},
		{"--mask"},
		{"--commune", "29905"},
		{"--commune", "99999"},
		{"--year", "1990"},
	} {
		a := append([]string{"export", "--data", dir, "--report", "annual", "--out", out}, args...)
		if _, _, err := run(t, a...); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// checkAnnualExport exports the annual report of the store in dir with
// args and checks that it is the report of year, with the figures
// ComputeKPIs finds in the store; filled: the demo's year, which must hold
// cases and sessions.
func checkAnnualExport(t *testing.T, dir string, year int, filled bool, args ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bao-cao-nam.xlsx")
	_, stderr, err := run(t, append([]string{"export", "--data", dir, "--report", "annual", "--out", out}, args...)...)
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.KPIData(ctx, "28261")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	rep := app.ComputeKPIs(d, app.ReportYear(year), refs.Targets)
	n := rep.Complaints.Received.Count + rep.Training.Sessions.Count + rep.Outreach.Events.Count + rep.Publications.All.Count
	if !strings.Contains(stderr, fmt.Sprintf("Đã xuất %d bản ghi", n)) || filled && (rep.Training.Sessions.Count == 0 || rep.Complaints.Received.Count == 0) {
		t.Fatalf("%v: stderr %q; report year %d has %d cases, %d sessions", args, stderr, year, rep.Complaints.Received.Count, rep.Training.Sessions.Count)
	}

	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{xlsx.AnnualSheetReport, xlsx.AnnualSheetComplaints, xlsx.AnnualSheetActivities, xlsx.AnnualSheetPublications, xlsx.AnnualSheetTasks}
	if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows(xlsx.AnnualSheetReport, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	targets, cover := 0, 0
	for _, r := range rows {
		for len(r) < 8 {
			r = append(r, "")
		}
		switch r[0] {
		case "Đơn vị báo cáo:":
			cover++
			if r[3] != "Phường Mỹ Tho" {
				t.Errorf("unit %q", r[3])
			}
		case "Năm báo cáo:":
			cover++
			if r[3] != strconv.Itoa(year) {
				t.Errorf("year %q, want %d", r[3], year)
			}
		}
		tr, ok := rep.Target(r[0])
		if !ok {
			continue
		}
		targets++
		if r[7] != xlsx.Verdict(tr) {
			t.Errorf("%s: %q, want %q", tr.ID, r[7], xlsx.Verdict(tr))
		}
		v, _ := strconv.ParseFloat(r[3], 64)
		switch {
		case tr.Share && tr.Known && (math.Abs(v-tr.Value/100) > 1e-9 || r[4] != strconv.Itoa(tr.Num) || r[5] != strconv.Itoa(tr.Den)):
			t.Errorf("%s: %q, want %d/%d", tr.ID, r[3:6], tr.Num, tr.Den)
		case !tr.Share && r[3] != strconv.Itoa(tr.Num):
			t.Errorf("%s: %q, want %d", tr.ID, r[3], tr.Num)
		}
	}
	if targets != 7 || cover != 2 {
		t.Fatalf("%d target rows, %d cover rows", targets, cover)
	}
	c := rep.Complaints
	for label, want := range map[string]int64{
		"Số vụ việc tiếp nhận trong kỳ":                        int64(c.Received.Count),
		"Số tiền thu hồi, bồi hoàn cho người tiêu dùng (đồng)": c.Recovered.Sum,
		"Số lượt người được tập huấn":                          int64(rep.Training.PersonTimes.Count),
	} {
		found := false
		for _, r := range rows {
			if len(r) > 6 && r[1] == label {
				found = true
				if r[6] != strconv.FormatInt(want, 10) {
					t.Errorf("%s: %q, want %d", label, r[6], want)
				}
			}
		}
		if !found {
			t.Errorf("no line %q", label)
		}
	}

	// The same figures, read by an independent reader (openpyxl).
	var checks []map[string]any
	for i, r := range rows {
		if len(r) < 8 {
			continue
		}
		if tr, ok := rep.Target(r[0]); ok {
			// A commune's laptop: the province-wide targets are its
			// contribution, T1 a proxy (issue 18 item 5), whatever the
			// figures.
			verdict := xlsx.Verdict(tr)
			switch tr.ID {
			case "T1":
				verdict = "Chỉ số thay thế, không đánh giá"
			case "T2", "T3", "T6":
				verdict = "Đóng góp vào chỉ tiêu toàn tỉnh"
			}
			if xlsx.Verdict(tr) != verdict {
				t.Errorf("%s: the dashboard's verdict %q, want %q", tr.ID, xlsx.Verdict(tr), verdict)
			}
			checks = append(checks, map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("H%d", i+1), "equals": verdict})
			if !tr.Share {
				checks = append(checks, map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("D%d", i+1), "number": tr.Num})
			} else if tr.Known {
				checks = append(checks, map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("E%d", i+1), "number": tr.Num},
					map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("F%d", i+1), "number": tr.Den})
			}
		}
	}
	comp, err := f.GetRows(xlsx.AnnualSheetComplaints, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// The table of cases by sector: a line per sector, then "Tổng số". A
	// page break may fall inside the table, where its header is written
	// again (how far down the table starts depends on the figures above
	// it, so on the day): the lines are found, not counted from the title.
	bySector := map[string]int{}
	for _, x := range c.BySector {
		bySector[refs.SectorCodes().Label(x.Code)] = x.Count
	}
	sectorTable := false
	for i, r := range comp {
		if len(r) == 0 || !strings.HasPrefix(r[0], "2. Vụ việc tiếp nhận theo lĩnh vực") {
			continue
		}
		sectorTable = true
		first, total, lines := i+3, 0, 0 // rows of the sheet, from 1
		for j := i + 2; j < len(comp) && total == 0; j++ {
			x := append(comp[j], "", "", "")
			switch {
			case x[0] == "STT": // the header again, on a new page
			case x[1] == "Tổng số":
				total = j + 1
				if x[2] != strconv.Itoa(c.Received.Count) {
					t.Errorf("sectors: total %q, want %d", x[2], c.Received.Count)
				}
			case x[0] == strconv.Itoa(lines+1):
				lines++
				if want := bySector[x[1]]; x[2] != strconv.Itoa(want) {
					t.Errorf("sector %q: %q cases, want %d", x[1], x[2], want)
				}
			default:
				t.Fatalf("sectors: unexpected row %d %q", j+1, comp[j])
			}
		}
		if total == 0 || lines != len(refs.SectorCodes()) {
			t.Fatalf("sectors: %d lines (want %d), total in row %d", lines, len(refs.SectorCodes()), total)
		}
		checks = append(checks,
			map[string]any{"sheet": xlsx.AnnualSheetComplaints, "cell": fmt.Sprintf("C%d", i+2), "equals": "Số vụ việc"},
			map[string]any{"sheet": xlsx.AnnualSheetComplaints, "column_sum": "C", "from_row": first, "to_row": total - 1, "equals_number": c.Received.Count},
			map[string]any{"sheet": xlsx.AnnualSheetComplaints, "cell": fmt.Sprintf("C%d", total), "number": c.Received.Count})
	}
	if !sectorTable {
		t.Fatal("no table of cases by sector")
	}
	annualOpenpyxl(t, []map[string]any{{"file": out, "sheets": want, "checks": checks}}, len(checks) >= 15)
}

// annualOpenpyxl runs the independent reader (.ci/xlsxcheck.py, openpyxl)
// on spec. Without python3-openpyxl the check is skipped, except in CI.
func annualOpenpyxl(t *testing.T, spec []map[string]any, enough bool) {
	t.Helper()
	if !enough {
		t.Fatal("too few checks for the independent reader")
	}
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

// `export --report annual --from --to` writes an ad-hoc report (báo cáo đột
// xuất, Kế hoạch 395 Mục V) of those days: titled so, its period on the
// cover, no report year and no 15/12 deadline; the cases it counts are
// those received in the period (issue 18 item 6).
func TestExportAnnual_AdHocPeriod(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "30", "--seed", "3"); err != nil {
		t.Fatal(err)
	}
	_, end := demo.FilledYear(clockOf(t).Peek())
	to := end.In(app.ICT)
	from := to.AddDate(0, -3, 0)
	out := filepath.Join(t.TempDir(), "bao-cao-dot-xuat.xlsx")
	if _, _, err := run(t, "export", "--data", dir, "--report", "annual", "--out", out,
		"--from", from.Format("02/01/2006"), "--to", to.Format("02/01/2006")); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.AnnualSheetReport)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range rows {
		text = append(text, strings.Join(r, " "))
	}
	all := strings.Join(text, "\n")
	period := "từ ngày " + from.Format("02/01/2006") + " đến ngày " + to.Format("02/01/2006")
	for _, want := range []string{"Báo cáo đột xuất", period, "Đột xuất, theo yêu cầu (Kế hoạch 395, Mục V)"} {
		if !strings.Contains(all, want) {
			t.Errorf("the ad-hoc report lacks %q", want)
		}
	}
	for _, not := range []string{"Năm báo cáo:", "trước ngày 15/12"} {
		if strings.Contains(all, not) {
			t.Errorf("the ad-hoc report says %q", not)
		}
	}
	// The year and a period together are refused.
	if _, _, err := run(t, "export", "--data", dir, "--report", "annual", "--out", out, "--year", "2026",
		"--from", from.Format("02/01/2006"), "--to", to.Format("02/01/2006")); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("--year with --from/--to: %v", err)
	}
}
