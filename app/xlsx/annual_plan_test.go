package xlsx

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/app/kpitest"
)

// TestWriteAnnual_PlanDefinitions: the annual workbook of the data set
// counted by hand in kpitest.PlanData (the one of
// app.TestComputeKPIs_PlanDefinitions), for commune A and for the province,
// read back by the independent reader (.ci/xlsxcheck.py): Biểu 1 prints the
// same figures and verdicts as the dashboard — T2, T3, T6 a contribution in
// the commune's report and "Đạt" in the province's, T1 a proxy, the by-2030
// targets' progress, T7's cumulative count — and each row says how the app
// counts it.
func TestWriteAnnual_PlanDefinitions(t *testing.T) {
	const (
		contribution = "Đóng góp vào chỉ tiêu toàn tỉnh"
		proxy        = "Chỉ số thay thế, không đánh giá"
	)
	type want struct {
		value   float64 // the count, or the share as a fraction
		verdict string
	}
	var spec []map[string]any
	for _, tc := range []struct {
		province bool
		name     string
		want     map[string]want
	}{
		{false, "Phường Mỹ Tho", map[string]want{
			"T1": {1, proxy}, "T2": {1, contribution}, "T3": {2, contribution},
			"T4": {0.5, "Đang tiến tới mục tiêu 2030: 50%"}, "T5": {2.0 / 3, "Đang tiến tới mục tiêu 2030: 66,7%"},
			"T6": {1, contribution}, "T7": {4, "Đang tiến tới mục tiêu 2030: 40%"},
		}},
		{true, "Tỉnh Đồng Tháp", map[string]want{
			"T1": {0.5, proxy}, "T2": {2, "Đạt"}, "T3": {3, "Đạt"},
			"T4": {0.5, "Đang tiến tới mục tiêu 2030: 50%"}, "T5": {2.0 / 3, "Đang tiến tới mục tiêu 2030: 66,7%"},
			"T6": {1, "Đạt"}, "T7": {4, "Đang tiến tới mục tiêu 2030: 40%"},
		}},
	} {
		d := kpitest.PlanData(tc.province)
		p := app.ReportYear(2027)
		rep := app.ComputeKPIs(d, p, app.DefaultTargets)
		opt := AnnualOptions{UnitName: tc.name, Province: tc.province, Prepared: kpitest.Now}
		if tc.province {
			opt.PerCommune = CommuneReports(d, p, app.DefaultTargets, nil)
		}
		f, b := writeAnnual(t, &rep, d, &app.RefData{}, opt)
		path := filepath.Join(t.TempDir(), fmt.Sprintf("bao-cao-%v.xlsx", tc.province))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		shown := rowsOf(t, f, AnnualSheetReport, false)
		var checks []map[string]any
		seen := map[string]bool{}
		for i, r := range shown {
			w, ok := tc.want[r[0]]
			if !ok {
				continue
			}
			seen[r[0]] = true
			tr, _ := rep.Target(r[0])
			if r[7] != w.verdict || Verdict(tr) != w.verdict {
				t.Errorf("%s %s: verdict %q (dashboard %q), want %q", tc.name, r[0], r[7], Verdict(tr), w.verdict)
			}
			// Each row says how it is counted: the definition the dashboard shows.
			if !strings.Contains(r[1], "Cách tính: "+tr.Def.Counts[:40]) {
				t.Errorf("%s %s: %q without the definition", tc.name, r[0], r[1])
			}
			if r[0] == "T1" && strings.Contains(r[7], "Đạt") {
				t.Errorf("T1 %q", r[7])
			}
			if r[0] == "T7" && !strings.Contains(r[1], "Trong kỳ: 2; lũy kế: 4.") {
				t.Errorf("T7 %q without the period's and the cumulative count", r[1])
			}
			checks = append(checks,
				map[string]any{"sheet": AnnualSheetReport, "cell": fmt.Sprintf("H%d", i+1), "equals": w.verdict},
				map[string]any{"sheet": AnnualSheetReport, "cell": fmt.Sprintf("D%d", i+1), "number": w.value})
		}
		if len(seen) != 7 {
			t.Fatalf("%s: target rows %v", tc.name, seen)
		}
		spec = append(spec, map[string]any{"file": path, "checks": checks})
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-openpyxl is missing: %v", err)
		}
		t.Skip("python3-openpyxl is missing: the independent reader's check is skipped")
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
