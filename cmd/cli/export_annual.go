package cli

import (
	"context"
	"io"
	"runtime/debug"
	"time"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

func init() {
	reportWriters["annual"] = writeAnnual
}

// writeAnnual writes the annual report (báo cáo kết quả thực hiện Kế hoạch
// 395) of report year q.Year (default: app.DefaultReportYear of today,
// the year due on 15/12 next or just passed), or of the days q.From to
// q.To (an ad-hoc report, "đột xuất"), for the device's commune; on a provincial device, for the commune
// q.Commune or, without one, for the province with a table per commune.
// It returns how many records the figures count: cases received, sessions
// and events held, publications.
func writeAnnual(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (reportOut, error) {
	n, err := writeAnnualFigures(ctx, db, refs, w, q)
	return reportOut{rows: n}, err
}

// writeAnnualFigures is writeAnnual. The workbook counts figures and names
// no consumer or participant (its typical cases print the case's number,
// kind, sector and outcome; xlsx.TestWriteAnnual_PrintsTheNarrative).
func writeAnnualFigures(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (int, error) {
	// A province's five years hold a few hundred megabytes of facts and
	// figures: collect garbage before the heap grows past a limit well
	// under the 600 MB budget, rather than at twice what is live.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(450 << 20))
	unit, err := db.UnitCode(ctx)
	if err != nil {
		return 0, err
	}
	if q.Commune != "" {
		if !refs.HasUnit(q.Commune) {
			return 0, app.Errorf(app.EINVALID, "Mã xã, phường %q không có trong danh mục.", q.Commune)
		}
		if unit != "" && q.Commune != unit {
			return 0, app.Errorf(app.EINVALID, "Máy này chỉ ghi số liệu của xã, phường %s; không lập báo cáo cho %s.", unit, q.Commune)
		}
		unit = q.Commune
	}
	// A report year, or with --from and --to a report of any period
	// (báo cáo đột xuất, Kế hoạch 395 Mục V).
	period, err := attendancePeriod(q, db.Now())
	if err != nil {
		return 0, err
	}
	// Each case is read as its facts, a case at a time (storage.KPIFacts):
	// a province's five years stay within a few hundred megabytes.
	d, err := db.KPIFacts(ctx, unit)
	if err != nil {
		return 0, err
	}
	return annualWorkbook(w, d, refs, unit, period, db.Now(), !q.From.IsZero())
}

// annualWorkbook computes the indicators of d over period and writes the
// annual report of unit ("" for the province, with a table per commune),
// prepared at prepared; adHoc for a report of any period.
func annualWorkbook(w io.Writer, d *app.KPIData, refs *app.RefData, unit string, period app.KPIPeriod, prepared time.Time, adHoc bool) (int, error) {
	rep := app.ComputeKPIs(d, period, refs.Targets)
	rep.DropRefs() // the workbook prints counts; the ids would only take memory
	opt := xlsx.AnnualOptions{Prepared: prepared, AdHoc: adHoc}
	if unit == "" {
		opt.UnitName, opt.Province = "Tỉnh Đồng Tháp", true
		opt.PerCommune = xlsx.CommuneReports(d, period, refs.Targets, refs)
	} else if u, ok := refs.Unit(unit); ok {
		opt.UnitName = u.Name
	} else {
		opt.UnitName = unit
	}
	if err := xlsx.WriteAnnual(w, &rep, d, refs, opt); err != nil {
		return 0, err
	}
	return rep.Complaints.Received.Count + rep.Training.Sessions.Count + rep.Outreach.Events.Count + rep.Publications.All.Count, nil
}
