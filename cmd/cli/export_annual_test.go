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
)

// TestExportAnnual_DemoYear: `bvntd export --report annual` on a store with
// a demo year writes the report of the current report year whose targets
// and totals are those ComputeKPIs finds in the same store.
func TestExportAnnual_DemoYear(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "30", "--seed", "3"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "bao-cao-nam.xlsx")
	_, stderr, err := run(t, "export", "--data", dir, "--report", "annual", "--out", out)
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	db, refs, err := OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.KPIData(ctx, "28261")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	year := app.ReportYearOf(d.Now)
	rep := app.ComputeKPIs(d, app.ReportYear(year), refs.Targets)
	n := rep.Complaints.Received.Count + rep.Training.Sessions.Count + rep.Outreach.Events.Count + rep.Publications.All.Count
	if !strings.Contains(stderr, fmt.Sprintf("Đã xuất %d bản ghi", n)) || rep.Training.Sessions.Count == 0 || rep.Complaints.Received.Count == 0 {
		t.Fatalf("stderr %q; the demo year has %d cases, %d sessions", stderr, rep.Complaints.Received.Count, rep.Training.Sessions.Count)
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
			checks = append(checks, map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("H%d", i+1), "equals": xlsx.Verdict(tr)})
			if !tr.Share {
				checks = append(checks, map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("D%d", i+1), "number": tr.Num})
			} else if tr.Known {
				checks = append(checks, map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("E%d", i+1), "number": tr.Num},
					map[string]any{"sheet": xlsx.AnnualSheetReport, "cell": fmt.Sprintf("F%d", i+1), "number": tr.Den})
			}
		}
	}
	comp, err := f.GetRows(xlsx.AnnualSheetComplaints)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range comp {
		if len(r) > 0 && strings.HasPrefix(r[0], "2. Vụ việc tiếp nhận theo lĩnh vực") {
			first, last := i+3, i+3+len(refs.Sectors)-1 // after the header
			checks = append(checks,
				map[string]any{"sheet": xlsx.AnnualSheetComplaints, "cell": fmt.Sprintf("C%d", i+2), "equals": "Số vụ việc"},
				map[string]any{"sheet": xlsx.AnnualSheetComplaints, "column_sum": "C", "from_row": first, "to_row": last, "equals_number": c.Received.Count})
		}
	}
	annualOpenpyxl(t, []map[string]any{{"file": out, "sheets": want, "checks": checks}}, len(checks) >= 15)

	// Flags that do not apply, and a commune the laptop does not record.
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
