package main

import (
	"context"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage/serverstore"
)

func init() {
	serverReports["annual"] = annualReport
}

// annualReport writes the annual report (báo cáo kết quả thực hiện Kế
// hoạch 395) of report year o.Year (default: app.DefaultReportYear of
// o.Now) from the merged data: for the whole province, compiled by
// Sở Công Thương, with a row per commune; or, with --commune, for that
// commune as its own laptops would make it (T1 from the server's own
// record of its syncs). It returns how many records the figures count:
// cases received, sessions and events held, publications.
func annualReport(ctx context.Context, st *serverstore.Store, refs *app.RefData, w io.Writer, o serverReportOptions) (int, error) {
	if o.Commune != "" && !refs.HasUnit(o.Commune) {
		return 0, app.Errorf(app.EINVALID, "Mã xã, phường %q không có trong danh mục (unknown --commune).", o.Commune)
	}
	year := o.Year
	if year == 0 {
		year = app.DefaultReportYear(o.Now)
	}
	period := app.ReportYear(year)
	d, err := st.KPIData(ctx, o.Commune, refs, o.Now)
	if err != nil {
		return 0, err
	}
	rep := app.ComputeKPIs(d, period, refs.Targets)
	opt := xlsx.AnnualOptions{Prepared: o.Now}
	if o.Commune == "" {
		opt.UnitName, opt.Province = "Tỉnh Đồng Tháp", true
		opt.PerCommune = xlsx.CommuneReports(d, period, refs.Targets, refs)
	} else {
		u, _ := refs.Unit(o.Commune)
		opt.UnitName = u.Name
	}
	if err := xlsx.WriteAnnual(w, &rep, d, refs, opt); err != nil {
		return 0, err
	}
	return rep.Complaints.Received.Count + rep.Training.Sessions.Count + rep.Outreach.Events.Count + rep.Publications.All.Count, nil
}
