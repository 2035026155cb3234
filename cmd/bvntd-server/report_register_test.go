package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
	"bvntd/seeds"
	"bvntd/seeds/demo"
	"bvntd/sync/syncserver"
)

// TestExportRegister_Province: two communes' laptops sync their demo cases
// (received over the last twelve months); the server's province register
// of the report year holding most of them lists every case of that year,
// commune by commune, with a per-commune sheet of all 102 communes; one
// commune's register from the server has the same rows as that commune's
// laptop writes. Without --year the register is the one of the report
// year of today.
func TestExportRegister_Province(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{"28261": 30, "28249": 18}
	laptops := map[string]*laptop{}
	data := map[string]*app.KPIData{}
	var all []app.Case
	seed := clocktest.Seed(t)
	for unit, n := range counts {
		laptops[unit] = demoLaptop(t, srv, refs, unit, seed+uint64(n), n, 0, 0)
		d, err := laptops[unit].db.KPIData(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		data[unit] = d
		all = append(all, d.Cases...)
	}
	year := busiestYear(all)
	period := app.ReportYear(year)
	inYear := map[string]int{}
	var recovered int64
	for unit, d := range data {
		for _, c := range d.Cases {
			if period.Contains(c.ReceivedAt) {
				inYear[unit]++
			}
		}
		for _, r := range xlsx.RegisterCases(d, xlsx.RegisterOptions{Unit: unit, Period: period}) {
			recovered += r.Recovered
		}
	}
	total := inYear["28261"] + inYear["28249"]
	if total == 0 {
		t.Fatalf("no demo case in report year %d", year)
	}
	export := func(args ...string) (stderr string) {
		t.Helper()
		_, stderr, err := runAt(t, clock.Now, append([]string{"export", "--db", srv.path, "--report", "register"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		return stderr
	}
	yearFlag := []string{"--year", fmt.Sprint(year)}

	out := filepath.Join(t.TempDir(), "so-theo-doi-toan-tinh.xlsx")
	if stderr := export(append(yearFlag, "--out", out)...); !strings.Contains(stderr, fmt.Sprintf("%d dòng.", total)) {
		t.Fatalf("stderr %q, want %d rows", stderr, total)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if names := f.GetSheetList(); strings.Join(names, "|") != xlsx.RegisterSheet+"|"+xlsx.RegisterUnitSheet {
		t.Fatalf("sheets %q", names)
	}
	rows, _ := f.GetRows(xlsx.RegisterSheet)
	hr := xlsx.RegisterHeaderRow
	if len(rows) != hr+total+1 || rows[0][0] != "TỈNH ĐỒNG THÁP" || rows[3][0] != "Kỳ báo cáo: "+period.Label {
		t.Fatalf("%d rows, want %d cases; header %q", len(rows), total, rows[:4])
	}
	// Đạo Thạnh's cases first (Vietnamese order of the names), then Mỹ Tho's.
	for i, r := range rows[hr : hr+total] {
		want := "Phường Đạo Thạnh"
		if i >= inYear["28249"] {
			want = "Phường Mỹ Tho"
		}
		if r[1] != want {
			t.Fatalf("row %d in %q, want %s", hr+1+i, r[1], want)
		}
	}
	amount, _ := excelize.ColumnNumberToName(len(xlsx.RegisterColumnTitles(true)) - 1)
	if v, _ := f.GetCellValue(xlsx.RegisterSheet, fmt.Sprintf("%s%d", amount, hr+total+1), excelize.Options{RawCellValue: true}); v != fmt.Sprint(recovered) {
		t.Fatalf("total recovered %s, the laptops %d", v, recovered)
	}

	// The per-commune sheet.
	urows, _ := f.GetRows(xlsx.RegisterUnitSheet)
	uh := xlsx.RegisterUnitHeaderRow
	if len(urows) != uh+len(refs.Units)+1 {
		t.Fatalf("%d rows on %s, want %d communes + totals", len(urows), xlsx.RegisterUnitSheet, len(refs.Units))
	}
	got := map[string][]string{}
	for _, r := range urows[uh : uh+len(refs.Units)] {
		got[r[1]] = r
	}
	for unit, n := range inYear {
		if got[unit][3] != fmt.Sprint(n) {
			t.Fatalf("commune %s: %s received, want %d", unit, got[unit][3], n)
		}
	}
	if got["29905"][3] != "0" {
		t.Fatalf("Sa Đéc: %q", got["29905"])
	}
	if last := urows[len(urows)-1]; last[3] != fmt.Sprint(total) {
		t.Fatalf("per-commune totals %q", last)
	}

	// One commune from the server: the rows its laptop writes, masked by
	// default, and unmasked with a reason, which leaves an audit record in
	// the commune's scope.
	d, err := laptops["28261"].db.KPIData(ctx, "28261")
	if err != nil {
		t.Fatal(err)
	}
	before, err := srv.store.AuditEntries(ctx, "28261")
	if err != nil {
		t.Fatal(err)
	}
	for _, mask := range []bool{true, false} {
		flags := append(yearFlag, "--commune", "28261", "--out", out)
		if !mask {
			flags = append(flags, "--unmask", "Thanh tra tỉnh yêu cầu theo công văn số 12/TTr")
		}
		export(flags...)
		server, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer server.Close()
		var buf bytes.Buffer
		if _, err := xlsx.WriteRegister(ctx, &buf, d, xlsx.RegisterOptions{Unit: "28261", Period: period, Refs: refs, Printed: clock.Peek(), Mask: mask}); err != nil {
			t.Fatal(err)
		}
		local, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer local.Close()
		a, _ := server.GetRows(xlsx.RegisterSheet)
		b, _ := local.GetRows(xlsx.RegisterSheet)
		if len(server.GetSheetList()) != 1 || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("the server's register of Mỹ Tho (masked %v) differs from the laptop's:\nserver %q\nlaptop %q", mask, a, b)
		}
	}
	after, err := srv.store.AuditEntries(ctx, "28261")
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+1 {
		t.Fatalf("audit records of Mỹ Tho: %d before, %d after one unmasked export", len(before), len(after))
	}
	for _, e := range after {
		if e.Officer == ServerOfficer && (e.Action != app.AuditUnmaskedExport || e.Reason == "" || e.Records != inYear["28261"] || e.People == 0) {
			t.Fatalf("the server's audit record %+v", e)
		}
	}
	if _, _, err := run(t, "export", "--db", srv.path, "--report", "annual", "--unmask", "x", "--out", out); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("--unmask of a report of figures: %v", err)
	}
	if _, _, err := run(t, "export", "--db", srv.path, "--report", "register", "--commune", "12345", "--out", out); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("unknown commune: %v", err)
	}

	// Without --year: app.DefaultReportYear of today, with its cases.
	current := app.ReportYear(app.DefaultReportYear(clock.Peek()))
	now := 0
	for _, c := range all {
		if current.Contains(c.ReceivedAt) {
			now++
		}
	}
	if stderr := export("--out", out); !strings.Contains(stderr, fmt.Sprintf("%d dòng.", now)) {
		t.Fatalf("default year: stderr %q, want %d rows (%s)", stderr, now, current.Label)
	}
	g, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if rows, _ := g.GetRows(xlsx.RegisterSheet); len(rows) != hr+now+1 || rows[3][0] != "Kỳ báo cáo: "+current.Label {
		t.Fatalf("default year: %d rows, want %d cases; period %q, want %q", len(rows), now, rows[3][0], current.Label)
	}
}

// busiestYear is the report year in which most of cases were received: the
// demo spreads its cases over the twelve months before today, so that
// around 15/12 the report year of today may hold none yet.
func busiestYear(cases []app.Case) int {
	n := map[int]int{}
	best := 0
	for _, c := range cases {
		y := app.ReportYearOf(c.ReceivedAt)
		n[y]++
		if n[y] > n[best] || n[y] == n[best] && y > best {
			best = y
		}
	}
	return best
}

// demoYear is the report year a laptop's demo filled with its training
// sessions and events: cli's demo writes the report year of today, or the
// one before while less than four months of today's have passed (else it
// would hold mostly plans). Its first session tells which (the sessions it
// plans in the coming weeks may fall in the next one).
func demoYear(t *testing.T, d *app.KPIData) int {
	t.Helper()
	first := ""
	for _, s := range d.Sessions {
		if first == "" || s.StartDate < first {
			first = s.StartDate
		}
	}
	day, err := time.ParseInLocation(time.DateOnly, first, app.ICT)
	if err != nil {
		t.Fatalf("the demo's first training session is on %q: its year is unknown", first)
	}
	return app.ReportYearOf(day.Add(12 * time.Hour))
}

// demoLaptop is a laptop of unit that wrote a demo (demo.Write with seed, the
// test's choice from clocktest.Seed, and the counts of complaints,
// training sessions and events) and synced it.
func demoLaptop(t *testing.T, srv *fieldServer, refs *app.RefData, unit string, seed uint64, complaints, trainings, events int) *laptop {
	t.Helper()
	ctx := context.Background()
	l := newLaptop(t, srv, unit, 0)
	if err := l.db.SetUnitCode(ctx, unit); err != nil {
		t.Fatal(err)
	}
	if err := demo.Write(ctx, l.db, &l.db.Now, refs, demo.Options{Unit: unit, Seed: seed, Complaints: complaints, Trainings: trainings, Events: events}); err != nil {
		t.Fatal(err)
	}
	l.mustSync()
	return l
}
