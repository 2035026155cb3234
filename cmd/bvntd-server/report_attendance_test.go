package main

import (
	"bytes"
	"context"
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

// TestReportAttendance_ProvinceRowsAreTheCommunesFigures: two communes'
// laptops sync their demo years; the province's training summary of that
// year has one row per commune of the seeds, and the row of each of the
// two holds what the commune's own dashboard counts (app.ComputeKPIs on the
// laptop). Without --year the summary is the one of the report year of
// today (which the demo has not filled while it is under four months old).
func TestReportAttendance_ProvinceRowsAreTheCommunesFigures(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	year := 0
	data := map[string]*app.KPIData{}
	seed := clocktest.Seed(t)
	for i, unit := range []string{"28261", "29905"} {
		l := demoLaptop(t, srv, refs, unit, seed+uint64(i), 2, 5, 0)
		d, err := l.db.KPIData(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		data[unit] = d
		if y := demoYear(t, d); year == 0 {
			year = y
		} else if y != year {
			t.Fatalf("the two demos filled report years %d and %d", year, y)
		}
	}
	period := app.ReportYear(year)
	want := map[string]app.TrainingKPIs{}
	for unit, d := range data {
		want[unit] = app.ComputeKPIs(d, period, refs.Targets).Training
	}

	var buf bytes.Buffer
	n, err := serverReports["attendance"](ctx, srv.store, refs, &buf, serverReportOptions{Year: year, Now: clock.Peek()})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(refs.Units) {
		t.Fatalf("%d commune rows, %d communes", n, len(refs.Units))
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.TrainingCommunesSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]string{}
	numbered := 0
	for _, r := range rows {
		if len(r) > 1 && r[0] == strconv.Itoa(numbered+1) {
			numbered++
			byName[r[1]] = r
		}
	}
	if numbered != len(refs.Units) {
		t.Fatalf("%d numbered rows, %d communes", numbered, len(refs.Units))
	}
	groups := func(k app.TrainingKPIs) map[string]int {
		out := map[string]int{}
		for _, g := range k.ByGroup {
			out[g.Code] = g.Count
		}
		return out
	}
	line := func(sessions int, g map[string]int, times, people int) string {
		return strings.Join([]string{strconv.Itoa(sessions), strconv.Itoa(g["can_bo"]), strconv.Itoa(g["nguoi_dan"]),
			strconv.Itoa(g["doanh_nghiep"]), strconv.Itoa(times), strconv.Itoa(people)}, "|")
	}
	var sessions, times, people int
	sum := map[string]int{}
	for unit, k := range want {
		u, _ := refs.Unit(unit)
		r := byName[u.Name]
		if got, w := strings.Join(r[2:], "|"), line(k.Sessions.Count, groups(k), k.PersonTimes.Count, k.DistinctPersons.Count); got != w {
			t.Fatalf("%s: row %q, the commune counts %q", u.Name, got, w)
		}
		if k.PersonTimes.Count == 0 {
			t.Fatalf("%s: nobody present in the demo year", u.Name)
		}
		sessions, times, people = sessions+k.Sessions.Count, times+k.PersonTimes.Count, people+k.DistinctPersons.Count
		for c, v := range groups(k) {
			sum[c] += v
		}
	}
	var total []string
	for _, r := range rows {
		if len(r) > 1 && r[1] == "Toàn tỉnh" {
			total = r[2:]
		}
	}
	if got, w := strings.Join(total, "|"), line(sessions, sum, times, people); got != w {
		t.Fatalf("province row %q, want %q", got, w)
	}
	if list, _ := f.GetRows(xlsx.TrainingSessionsSheet); len(list) < 6+sessions {
		t.Fatalf("session list has %d rows for %d sessions", len(list), sessions)
	}

	if !sheetHas(f, xlsx.TrainingCommunesSheet, "Kỳ báo cáo: "+period.Label) {
		t.Fatalf("the summary does not say its period %q", period.Label)
	}

	// Through the command, for one commune: its sessions one per row.
	out := filepath.Join(t.TempDir(), "tap-huan.xlsx")
	if _, stderr, err := runAt(t, clock.Now, "export", "--db", srv.path, "--report", "attendance", "--commune", "29905",
		"--year", strconv.Itoa(year), "--out", out); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	} else if k := want["29905"]; !strings.Contains(stderr, strconv.Itoa(k.Sessions.Count)+" dòng.") {
		t.Fatalf("stderr %q, want %d sessions", stderr, k.Sessions.Count)
	}
	g, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	one, _ := g.GetRows(xlsx.TrainingSummarySheet, excelize.Options{RawCellValue: true})
	u, _ := refs.Unit("29905")
	if !strings.Contains(one[1][0], u.Name) {
		t.Fatalf("head %q", one[1])
	}
	for _, r := range one {
		if len(r) > 0 && strings.HasPrefix(r[0], "Tổng cộng") {
			if r[len(r)-1] != strconv.Itoa(want["29905"].PersonTimes.Count) {
				t.Fatalf("commune totals %q, want %d person-times", r, want["29905"].PersonTimes.Count)
			}
		}
	}
	if _, _, err := run(t, "export", "--db", srv.path, "--report", "attendance", "--commune", "99999", "--out", out); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("unknown commune: %v", err)
	}

	// Without --year: app.DefaultReportYear of today, with its figures.
	current := app.ReportYear(app.DefaultReportYear(clock.Peek()))
	sessions = 0
	for _, d := range data {
		sessions += app.ComputeKPIs(d, current, refs.Targets).Training.Sessions.Count
	}
	buf.Reset()
	if n, err := serverReports["attendance"](ctx, srv.store, refs, &buf, serverReportOptions{Now: clock.Peek()}); err != nil || n != len(refs.Units) {
		t.Fatalf("default year: %d rows, %v", n, err)
	}
	h, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if !sheetHas(h, xlsx.TrainingCommunesSheet, "Kỳ báo cáo: "+current.Label) {
		t.Fatalf("default year: the summary is not the one of %q", current.Label)
	}
	if list, _ := h.GetRows(xlsx.TrainingSessionsSheet); len(list) < 6+sessions {
		t.Fatalf("default year: session list has %d rows for %d sessions", len(list), sessions)
	}
}

// sheetHas reports whether a cell of the sheet holds text.
func sheetHas(f *excelize.File, sheet, text string) bool {
	rows, _ := f.GetRows(sheet)
	for _, r := range rows {
		for _, c := range r {
			if c == text {
				return true
			}
		}
	}
	return false
}
