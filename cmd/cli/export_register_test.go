package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/seeds/demo"
)

// storeCases returns the cases of the store in dir (of unit, "" for all)
// received in p, oldest first, and the indicators over p.
func storeCases(t *testing.T, dir, unit string, p app.KPIPeriod) ([]app.Case, app.ComplaintKPIs) {
	t.Helper()
	ctx := context.Background()
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.KPIData(ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	var out []app.Case
	for _, c := range d.Cases {
		if p.Contains(c.ReceivedAt) {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].ReceivedAt.Equal(out[j].ReceivedAt) {
			return out[i].ReceivedAt.Before(out[j].ReceivedAt)
		}
		return out[i].Number < out[j].Number
	})
	return out, app.ComputeKPIs(d, p, refs.Targets).Complaints
}

func openXlsx(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestExportRegister_Xlsx(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "40", "--seed", "7"); err != nil {
		t.Fatal(err)
	}
	db, _, err := OpenStore(context.Background(), dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	db.Close()
	out := filepath.Join(t.TempDir(), "so-theo-doi.xlsx")

	// By default: app.DefaultReportYear of today, a row per case. In the first
	// hours of a report year it has no case yet: then the rows are checked
	// on the year before too (--year).
	current := app.DefaultReportYear(now)
	if n := checkRegisterYear(t, dir, out, current); n == 0 {
		if n := checkRegisterYear(t, dir, out, current-1, "--year", fmt.Sprint(current-1)); n == 0 {
			t.Fatalf("no demo case in report years %d and %d", current-1, current)
		}
	}
	hr := xlsx.RegisterHeaderRow

	// Any period, masked: every case of the demo (the last twelve months), and
	// the money recovered is what the indicators count.
	today := now.In(app.ICT).Format("02/01/2006")
	if _, _, err := run(t, "export", "--data", dir, "--report", "register", "--from", "1/1/2020", "--to", today,
		"--mask", "--out", out); err != nil {
		t.Fatal(err)
	}
	all, kpi := storeCases(t, dir, "28261", app.KPIPeriod{From: app.ReportYear(2020).From, To: app.ReportYear(2100).To})
	if len(all) != 40 || kpi.Recovered.Sum == 0 {
		t.Fatalf("%d cases, %d đồng recovered: the demo should give 40 cases and some money back", len(all), kpi.Recovered.Sum)
	}
	f := openXlsx(t, out)
	rows, _ := f.GetRows(xlsx.RegisterSheet)
	if len(rows) != hr+40+1 || rows[3][0] != "Kỳ báo cáo: Từ ngày 01/01/2020 đến ngày "+today {
		t.Fatalf("%d rows, period %q", len(rows), rows[3])
	}
	for i, c := range all {
		r := rows[hr+i]
		if r[5] != xlsx.MaskName(c.ConsumerName) || r[6] != xlsx.MaskPhone(c.ConsumerPhone) || strings.Contains(r[7], c.ConsumerAddress) && c.ConsumerAddress != "" {
			t.Fatalf("row %d not masked: %q", hr+1+i, r[5:8])
		}
	}
	amountCol, _ := excelize.ColumnNumberToName(len(xlsx.RegisterColumnTitles(false)) - 1)
	raw, err := f.GetCellValue(xlsx.RegisterSheet, fmt.Sprintf("%s%d", amountCol, hr+41), excelize.Options{RawCellValue: true})
	if err != nil || raw != fmt.Sprint(kpi.Recovered.Sum) {
		t.Fatalf("total recovered %q, the indicators %d", raw, kpi.Recovered.Sum)
	}

	// --year Y is report year Y.
	if _, _, err := run(t, "export", "--data", dir, "--report", "register", "--year", "2024", "--out", out); err != nil {
		t.Fatal(err)
	}
	f = openXlsx(t, out)
	rows, _ = f.GetRows(xlsx.RegisterSheet)
	if len(rows) != hr+1 || rows[3][0] != "Kỳ báo cáo: Năm báo cáo 2024 (15/12/2023 – 14/12/2024)" {
		t.Fatalf("report year 2024: %d rows, %q", len(rows), rows[3])
	}

	for _, bad := range [][]string{
		{"--year", "1990"},
		{"--year", "2026", "--from", "01/01/2026"},
		{"--from", "31/02/2026"},
		{"--from", "01/03/2026", "--to", "01/02/2026"},
		{"--commune", "99999"},
		{"--commune", "28249"}, // another commune than the device's
	} {
		args := append([]string{"export", "--data", dir, "--report", "register", "--out", out}, bad...)
		if _, _, err := run(t, args...); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("%q: %v", bad, err)
		}
	}
}

// checkRegisterYear exports the register of the store in dir into out
// with args, checks that it is the register of report year year, a row
// per case received in it, and returns how many.
func checkRegisterYear(t *testing.T, dir, out string, year int, args ...string) int {
	t.Helper()
	_, stderr, err := run(t, append([]string{"export", "--data", dir, "--report", "register", "--out", out}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	p := app.ReportYear(year)
	cases, _ := storeCases(t, dir, "28261", p)
	if !strings.Contains(stderr, fmt.Sprintf("Đã xuất %d bản ghi", len(cases))) {
		t.Fatalf("%v: stderr %q; %d cases in %s", args, stderr, len(cases), p.Label)
	}
	f := openXlsx(t, out)
	rows, err := f.GetRows(xlsx.RegisterSheet)
	if err != nil {
		t.Fatal(err)
	}
	hr := xlsx.RegisterHeaderRow
	if len(rows) != hr+len(cases)+1 {
		t.Fatalf("%v: %d rows, want %d header rows + %d cases + totals", args, len(rows), hr, len(cases))
	}
	if rows[0][0] != "UBND PHƯỜNG MỸ THO" || rows[3][0] != "Kỳ báo cáo: "+p.Label ||
		strings.Join(rows[hr-1], "|") != strings.Join(xlsx.RegisterColumnTitles(false), "|") {
		t.Fatalf("%v: header %q, want %s", args, rows[:hr], p.Label)
	}
	// Masked by default: the consumer's initials.
	for i, c := range cases {
		r := rows[hr+i]
		if r[0] != fmt.Sprint(i+1) || r[1] != c.Number || r[2] != c.ReceivedAt.In(app.ICT).Format("02/01/2006") ||
			r[5] != xlsx.MaskName(c.ConsumerName) {
			t.Fatalf("%v: row %d %q, want case %s of %s", args, hr+1+i, r[:6], c.Number, xlsx.MaskName(c.ConsumerName))
		}
	}
	if total := rows[len(rows)-1]; total[1] != fmt.Sprintf("%d vụ việc", len(cases)) {
		t.Fatalf("%v: totals %q", args, total)
	}
	return len(cases)
}

// On a provincial device (no commune set), the register covers every
// commune, with the per-commune sheet; --commune narrows it to one.
func TestExportRegister_ProvincialDevice(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"28261", "28249"} {
		if err := demo.Write(ctx, db, &db.Now, refs, demo.Options{Unit: u, Seed: uint64(10 + i), Complaints: 15 + 10*i}); err != nil {
			t.Fatal(err)
		}
	}
	now := db.Now()
	db.Close()
	out := filepath.Join(t.TempDir(), "so-toan-tinh.xlsx")
	today := now.In(app.ICT).Format("02/01/2006")
	if _, _, err := run(t, "export", "--data", dir, "--report", "register", "--from", "01/01/2020", "--to", today, "--out", out); err != nil {
		t.Fatal(err)
	}
	f := openXlsx(t, out)
	if names := f.GetSheetList(); strings.Join(names, "|") != xlsx.RegisterSheet+"|"+xlsx.RegisterUnitSheet {
		t.Fatalf("sheets %q", names)
	}
	rows, _ := f.GetRows(xlsx.RegisterSheet)
	hr := xlsx.RegisterHeaderRow
	if len(rows) != hr+40+1 || rows[hr-1][1] != "Xã, phường" {
		t.Fatalf("%d rows, headings %q", len(rows), rows[hr-1])
	}
	// Đạo Thạnh before Mỹ Tho (Vietnamese order; in byte order Đ comes last).
	if rows[hr][1] != "Phường Đạo Thạnh" || rows[hr+24][1] != "Phường Đạo Thạnh" || rows[hr+25][1] != "Phường Mỹ Tho" {
		t.Fatalf("order: %q, %q, %q", rows[hr][1], rows[hr+24][1], rows[hr+25][1])
	}
	urows, _ := f.GetRows(xlsx.RegisterUnitSheet)
	uh := xlsx.RegisterUnitHeaderRow
	if len(urows) != uh+len(refs.Units)+1 {
		t.Fatalf("%d rows on the per-commune sheet, want %d communes", len(urows), len(refs.Units))
	}
	got := map[string]string{}
	for _, r := range urows[uh : uh+len(refs.Units)] {
		got[r[1]] = r[3]
	}
	if got["28261"] != "15" || got["28249"] != "25" || got["29905"] != "0" {
		t.Fatalf("received per commune: Mỹ Tho %s, Đạo Thạnh %s, Sa Đéc %s", got["28261"], got["28249"], got["29905"])
	}
	if total := urows[len(urows)-1]; total[3] != "40" {
		t.Fatalf("per-commune totals %q", total)
	}
	checkWithOpenpyxl(t, out, hr, 40, len(refs.Units))

	if _, _, err := run(t, "export", "--data", dir, "--report", "register", "--commune", "28249",
		"--from", "01/01/2020", "--to", today, "--out", out); err != nil {
		t.Fatal(err)
	}
	f = openXlsx(t, out)
	rows, _ = f.GetRows(xlsx.RegisterSheet)
	if len(f.GetSheetList()) != 1 || len(rows) != hr+25+1 || rows[0][0] != "UBND PHƯỜNG ĐẠO THẠNH" {
		t.Fatalf("one commune: sheets %q, %d rows, %q", f.GetSheetList(), len(rows), rows[0])
	}
}

// checkWithOpenpyxl reads the province's register with an independent
// reader (.ci/xlsxcheck.py, openpyxl in read-only mode, which trusts the
// sheet dimension). Without python3-openpyxl the check is skipped, except
// in CI.
func checkWithOpenpyxl(t *testing.T, path string, hr, cases, units int) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-openpyxl is missing: %v", err)
		}
		t.Log("python3-openpyxl is missing: the independent reader's check is skipped")
		return
	}
	ncols := len(xlsx.RegisterColumnTitles(true))
	amount, _ := excelize.ColumnNumberToName(ncols - 1)
	f := openXlsx(t, path)
	total, _ := f.GetCellValue(xlsx.RegisterSheet, fmt.Sprintf("%s%d", amount, hr+cases+1), excelize.Options{RawCellValue: true})
	var sum float64
	fmt.Sscan(total, &sum)
	uh := xlsx.RegisterUnitHeaderRow
	spec := []map[string]any{{
		"file":   path,
		"sheets": []string{xlsx.RegisterSheet, xlsx.RegisterUnitSheet},
		"checks": []map[string]any{
			{"sheet": xlsx.RegisterSheet, "cell": fmt.Sprintf("B%d", hr), "equals": "Xã, phường"},
			{"sheet": xlsx.RegisterSheet, "cell": fmt.Sprintf("C%d", hr), "equals": "Số vụ việc"},
			// The day received: in every case's row, not in the totals row.
			{"sheet": xlsx.RegisterSheet, "data_rows": cases, "from_row": hr + 1, "column": "D"},
			{"sheet": xlsx.RegisterSheet, "max_row_at_least": hr + cases + 1},
			{"sheet": xlsx.RegisterSheet, "cell": fmt.Sprintf("C%d", hr+cases+1), "number": cases},
			{"sheet": xlsx.RegisterSheet, "column_sum": amount, "from_row": hr + 1, "to_row": hr + cases, "equals_number": sum},
			{"sheet": xlsx.RegisterSheet, "cell": fmt.Sprintf("%s%d", amount, hr+cases+1), "number": sum},
			{"sheet": xlsx.RegisterUnitSheet, "cell": fmt.Sprintf("C%d", uh), "equals": "Xã, phường"},
			{"sheet": xlsx.RegisterUnitSheet, "data_rows": units, "from_row": uh + 1, "column": "B"}, // the code
			{"sheet": xlsx.RegisterUnitSheet, "column_sum": "D", "from_row": uh + 1, "to_row": uh + units, "equals_number": cases},
			{"sheet": xlsx.RegisterUnitSheet, "cell": fmt.Sprintf("D%d", uh+units+1), "number": cases},
			{"sheet": xlsx.RegisterUnitSheet, "column_sum": "I", "from_row": uh + 1, "to_row": uh + units, "equals_number": sum},
		},
	}}
	b, _ := json.Marshal(spec)
	specPath := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(specPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/usr/bin/python3", filepath.Join("..", "..", ".ci", "xlsxcheck.py"), specPath).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
}
