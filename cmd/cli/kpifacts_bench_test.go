package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bvntd/app"
)

// BenchmarkProvinceReports times the province's reports on a provincial
// store of 4,000 cases of four communes (buildRegisterStore, made once in
// a temporary folder; BVNTD_BENCH_CASES=N for another size):
//
//   - dashboard/province and dashboard/commune: the window's load of the
//     indicators' data (KPIFacts, each case as its facts) and the
//     indicators of the report year (app.ComputeKPIs);
//
//   - kpidata/province: the same from KPIData (every case and step in
//     memory), the way the dashboard loaded it before;
//
//   - annual/province: `export --report annual` of the province;
//
//   - register/province: `export --report register` of every case.
//
//     go test -tags ci -run '^$' -bench ProvinceReports -benchmem ./cmd/cli
func BenchmarkProvinceReports(b *testing.B) {
	n := 4000
	if v := os.Getenv("BVNTD_BENCH_CASES"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	buildRegisterStore(b, dir, n)
	ctx := context.Background()
	db, refs, err := OpenStore(ctx, dir, testNow(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := db.Now()
	period := app.ReportYear(app.ReportYearOf(now))
	dashboard := func(load func(context.Context, string) (*app.KPIData, error), unit string) func(*testing.B) {
		return func(b *testing.B) {
			for range b.N {
				d, err := load(ctx, unit)
				if err != nil {
					b.Fatal(err)
				}
				if r := app.ComputeKPIs(d, period, refs.Targets); r.Complaints.Received.Count+r.Complaints.OpenNow.Count == 0 {
					b.Fatal("no case counted")
				}
			}
		}
	}
	b.Run("dashboard/province", dashboard(db.KPIFacts, ""))
	b.Run("dashboard/commune", dashboard(db.KPIFacts, "28249"))
	b.Run("kpidata/province", dashboard(db.KPIData, ""))
	report := func(q app.ReportRequest) func(*testing.B) {
		return func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "r.xlsx")
			for range b.N {
				f, err := os.Create(out)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := WriteReport(ctx, db, refs, f, q); err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("annual/province", report(app.ReportRequest{Report: app.ReportAnnual, Year: period.To.Year()}))
	b.Run("register/province", report(app.ReportRequest{Report: app.ReportRegister,
		From: time.Date(2000, 1, 1, 0, 0, 0, 0, app.ICT), To: now}))
}
