package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
)

// TestExport_DefaultReportYear pins what `bvntd export` does without
// --year, --from or --to on both sides of the report deadline (15/12,
// Kế hoạch 395 Mục V) and across New Year: the annual report, the
// register and the training summary cover app.DefaultReportYear of the
// program's clock — the year due on 15/12 next, or just passed until the
// end of January (issue 18 item 6: an officer still finishing last year's
// report gets it) — and the annual report is dated that day. A case
// received at 23:30 on 14/12 is in the register of report year 2026; one
// received at 00:00 on 15/12 or on 2/1 is in 2027's, which becomes the
// default on 1/2/2027 (and is `--year 2027` before that).
func TestExport_DefaultReportYear(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, app.ICT) }
	// The clock runs through the days below in order; cases are received
	// on the way.
	clock := clocktest.New(at(2026, 12, 14, 23, 30))
	setClock(t, clock)
	receive := func(name string) {
		t.Helper()
		db, _, err := OpenStore(ctx, dir, clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.SetUnitCode(ctx, "28261"); err != nil {
			t.Fatal(err)
		}
		c := &app.Case{ReceivedAt: clock.Peek(), Channel: "truc_tiep", Kind: "phan_anh", ConsumerName: name,
			Sector: "khac", Summary: "Phản ánh giá gas tăng."}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	receive("Nguyễn Văn Mười Bốn") // 14/12/2026 23:30

	for _, tc := range []struct {
		now     time.Time
		receive string // a case received at now, before the exports
		year    int    // the default report year
		cases   []string
	}{
		{now: at(2026, 12, 14, 23, 59), year: 2026, cases: []string{"Nguyễn Văn Mười Bốn"}},
		{now: at(2026, 12, 15, 0, 0), receive: "Trần Thị Mười Lăm", year: 2026, cases: []string{"Nguyễn Văn Mười Bốn"}},
		{now: at(2026, 12, 31, 16, 0), year: 2026, cases: []string{"Nguyễn Văn Mười Bốn"}},
		{now: at(2027, 1, 2, 8, 0), receive: "Lê Văn Năm Mới", year: 2026, cases: []string{"Nguyễn Văn Mười Bốn"}},
		{now: at(2027, 1, 31, 23, 59), year: 2026, cases: []string{"Nguyễn Văn Mười Bốn"}},
		{now: at(2027, 2, 1, 0, 0), year: 2027, cases: []string{"Trần Thị Mười Lăm", "Lê Văn Năm Mới"}},
	} {
		clock.Set(tc.now)
		if tc.receive != "" {
			receive(tc.receive)
		}
		day := tc.now.Format("02/01/2006 15:04")
		p := app.ReportYear(tc.year)
		span := fmt.Sprintf("(15/12/%d – 14/12/%d)", tc.year-1, tc.year)

		// The annual report: its year, period and the day it is made.
		out := filepath.Join(t.TempDir(), "bao-cao-nam.xlsx")
		_, stderr, err := run(t, "export", "--data", dir, "--report", "annual", "--out", out)
		if err != nil {
			t.Fatalf("%s: annual: %v", day, err)
		}
		if want := fmt.Sprintf("Đã xuất %d bản ghi", len(tc.cases)); !strings.Contains(stderr, want) {
			t.Errorf("%s: annual: stderr %q, want %q", day, stderr, want)
		}
		cover := annualCover(t, out)
		for label, want := range map[string]string{
			"Năm báo cáo:":        fmt.Sprint(tc.year),
			"Kỳ báo cáo từ ngày:": p.From.Format("02/01/2006"),
			"đến hết ngày:":       p.To.Format("02/01/2006"),
			"Hạn gửi báo cáo:":    fmt.Sprintf("trước ngày 15/12/%d", tc.year),
			"Ngày lập báo cáo:":   tc.now.Format("02/01/2006"),
		} {
			if cover[label] != want {
				t.Errorf("%s: annual: %s %q, want %q", day, label, cover[label], want)
			}
		}

		// The register: its period and the cases received in it.
		out = filepath.Join(t.TempDir(), "so-theo-doi.xlsx")
		if _, _, err := run(t, "export", "--data", dir, "--report", "register", "--out", out); err != nil {
			t.Fatalf("%s: register: %v", day, err)
		}
		rows, err := openXlsx(t, out).GetRows(xlsx.RegisterSheet)
		if err != nil {
			t.Fatal(err)
		}
		hr := xlsx.RegisterHeaderRow
		if want := "Kỳ báo cáo: Năm báo cáo " + fmt.Sprint(tc.year) + " " + span; rows[3][0] != want {
			t.Errorf("%s: register: %q, want %q", day, rows[3][0], want)
		}
		var names, want []string
		for _, r := range rows[hr : len(rows)-1] {
			names = append(names, r[5])
		}
		for _, name := range tc.cases {
			want = append(want, xlsx.MaskName(name)) // masked by default
		}
		if strings.Join(names, "|") != strings.Join(want, "|") {
			t.Errorf("%s: register of %d: cases %q, want %q", day, tc.year, names, want)
		}

		// The training summary.
		out = filepath.Join(t.TempDir(), "tong-hop.xlsx")
		if _, _, err := run(t, "export", "--data", dir, "--report", "attendance", "--out", out); err != nil {
			t.Fatalf("%s: attendance: %v", day, err)
		}
		rows, err = openXlsx(t, out).GetRows(xlsx.TrainingSummarySheet)
		if err != nil {
			t.Fatal(err)
		}
		if want := "Năm báo cáo " + fmt.Sprint(tc.year) + " " + span; !strings.Contains(rows[2][0], want) {
			t.Errorf("%s: training summary: %q, want %q", day, rows[2][0], want)
		}
	}
	// Before 1/2/2027 the new year is one flag away.
	clock.Set(at(2027, 1, 10, 9, 0))
	out := filepath.Join(t.TempDir(), "bao-cao-nam-2027.xlsx")
	if _, _, err := run(t, "export", "--data", dir, "--report", "annual", "--year", "2027", "--out", out); err != nil {
		t.Fatal(err)
	}
	if got := annualCover(t, out)["Năm báo cáo:"]; got != "2027" {
		t.Errorf("--year 2027 on 10/01/2027: report year %q", got)
	}
}

// annualCover returns the cover block of an annual report: label → value
// as shown (dates dd/mm/yyyy).
func annualCover(t *testing.T, path string) map[string]string {
	t.Helper()
	rows, err := openXlsx(t, path).GetRows(xlsx.AnnualSheetReport)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		if len(r) > 3 && strings.HasSuffix(r[0], ":") {
			out[r[0]] = strings.TrimSpace(r[3])
		}
	}
	return out
}
