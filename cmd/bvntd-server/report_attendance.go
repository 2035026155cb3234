package main

import (
	"context"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage/serverstore"
)

// `bvntd-server export --report attendance [--year Y] [--commune CODE]`:
// the training summary of the report year (default: app.DefaultReportYear) from
// the merged data, counted as the dashboards count it (app.ComputeKPIs).
// For the province, one row per commune (the 102 of the seeds) with the
// sessions held, person-times by participant group and distinct persons,
// and a sheet listing every session; for one commune, one row per session.
func init() {
	serverReports["attendance"] = writeAttendanceSummary
}

func writeAttendanceSummary(ctx context.Context, st *serverstore.Store, refs *app.RefData, w io.Writer, o serverReportOptions) (int, error) {
	y := o.Year
	if y == 0 {
		y = app.DefaultReportYear(o.Now)
	}
	period := app.ReportYear(y)
	if o.Commune != "" && refs != nil && !refs.HasUnit(o.Commune) {
		return 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục (unknown --commune).", o.Commune)
	}
	d, err := st.KPIData(ctx, o.Commune, refs, o.Now)
	if err != nil {
		return 0, err
	}
	if o.Commune == "" {
		return xlsx.WriteProvinceTrainingSummary(w, d, refs, period)
	}
	name := o.Commune
	if refs != nil {
		if u, ok := refs.Unit(o.Commune); ok {
			name = u.Name
		}
	}
	return xlsx.WriteTrainingSummary(w, d.Sessions, d.Attendance, d.Participants, period, name)
}
