package cli

import (
	"context"
	"encoding/json"
	"fmt"
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
)

// TestExportNotices_NoticeBoardOfTheComingWeek: `bvntd export --report
// notices` lists the off-premises sales of today and the next 7 days (NĐ
// 55/2024/NĐ-CP Điều 27 khoản 3: published before and during the sale);
// --from/--to choose another period; --year and --mask are refused. The
// file is read back by excelize and by the independent reader
// (.ci/xlsxcheck.py).
func TestExportNotices_NoticeBoardOfTheComingWeek(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "1", "--trainings", "0", "--events", "0", "--seed", "3"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := testNow(t)
	db, _, err := OpenStore(ctx, dir, now)
	if err != nil {
		t.Fatal(err)
	}
	today := now().In(app.ICT)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	for i, start := range []int{-10, 2, 6, 9} {
		n := &app.OffPremisesNotice{BusinessName: fmt.Sprintf("Công ty %d", i+1), Title: "Hội thảo giới thiệu sản phẩm",
			Place: "Nhà văn hóa ấp 3", StartDate: day(start), Goods: "Nồi cơm điện", ReceivedDate: day(-12), ReceivedVia: "truc_tiep"}
		if err := db.SaveRecord(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	out := filepath.Join(t.TempDir(), "niem-yet.xlsx")
	_, stderr, err := run(t, "export", "--data", dir, "--report", "notices", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "Đã xuất 2 bản ghi") {
		t.Fatalf("stderr %q, want the 2 sales of the coming week", stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(xlsx.NoticeBoardSheet)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	head := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "STT" {
			head = i + 1 // 1-based row of the header
		}
	}
	if head < 0 || !strings.HasPrefix(rows[head][2], "Công ty 2") || !strings.HasPrefix(rows[head+1][2], "Công ty 3") {
		t.Fatalf("rows %q", rows)
	}
	checkNoticeBoardWithOpenpyxl(t, out, head, 2)

	// Another period; the wrong flags.
	if _, stderr, err = run(t, "export", "--data", dir, "--report", "notices", "--from", today.AddDate(0, 0, -10).Format("02/01/2006"),
		"--to", today.AddDate(0, 0, 30).Format("02/01/2006"), "--out", out); err != nil || !strings.Contains(stderr, "Đã xuất 4 bản ghi") {
		t.Fatalf("a month: %v %q", err, stderr)
	}
	// The annual report counts the 4 notices received in the report year
	// of their day of receipt (Biểu 2, "1. Tổng hợp"); none was published.
	year := strconv.Itoa(app.ReportYearOf(today.AddDate(0, 0, -12)))
	annual := filepath.Join(t.TempDir(), "bao-cao-nam.xlsx")
	if _, _, err := run(t, "export", "--data", dir, "--report", "annual", "--year", year, "--out", annual); err != nil {
		t.Fatal(err)
	}
	af, err := excelize.OpenFile(annual)
	if err != nil {
		t.Fatal(err)
	}
	arows, err := af.GetRows(xlsx.AnnualSheetComplaints)
	af.Close()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, r := range arows {
		if len(r) >= 3 && strings.HasPrefix(r[1], "Số thông báo bán hàng không tại địa điểm giao dịch thường xuyên") {
			found = strings.TrimSpace(r[2]) == "4" && len(arows[i+2]) >= 3 && strings.TrimSpace(arows[i+2][2]) == "4" // 4 not published
			if !found {
				t.Errorf("annual rows %q / %q", r, arows[i+2])
			}
		}
	}
	if !found {
		t.Errorf("the annual report has no notice row: %q", arows)
	}

	for _, args := range [][]string{{"--year", "2026"}, {"--mask"}} {
		_, stderr, err := run(t, append([]string{"export", "--data", dir, "--report", "notices", "--out", out}, args...)...)
		if err == nil || !strings.Contains(stderr+err.Error(), "không dùng") {
			t.Errorf("%v: %v %q", args, err, stderr)
		}
	}
}

func checkNoticeBoardWithOpenpyxl(t *testing.T, path string, head, sales int) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-openpyxl is missing: %v", err)
		}
		t.Log("python3-openpyxl is missing: the independent reader's check is skipped")
		return
	}
	spec := []map[string]any{{
		"file":   path,
		"sheets": []string{xlsx.NoticeBoardSheet},
		"checks": []map[string]any{
			{"sheet": xlsx.NoticeBoardSheet, "cell": fmt.Sprintf("A%d", head), "equals": "STT"},
			{"sheet": xlsx.NoticeBoardSheet, "cell": fmt.Sprintf("E%d", head), "equals": "Địa điểm"},
			{"sheet": xlsx.NoticeBoardSheet, "data_rows": sales, "from_row": head + 1, "column": "C"},
			{"sheet": xlsx.NoticeBoardSheet, "cell": fmt.Sprintf("A%d", head+sales), "number": sales},
		},
	}}
	b, _ := json.Marshal(spec)
	specPath := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(specPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("/usr/bin/python3", filepath.Join("..", "..", ".ci", "xlsxcheck.py"), specPath).CombinedOutput(); err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
}
