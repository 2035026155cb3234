package main

import (
	"context"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage/serverstore"
)

// `bvntd-server export --report register [--year Y] [--commune CODE]`: the
// complaint register (sổ theo dõi tiếp nhận, giải quyết phản ánh, khiếu
// nại) of the merged data: the cases received in report year Y (15/12 of
// Y-1 to 14/12 of Y; default: app.DefaultReportYear), with their status, next
// time limit, outcome and money recovered as of now. Without --commune it
// covers the province: every commune's cases with a "Xã, phường" column,
// and a second sheet with the figures of each of the 102 communes.
func init() {
	serverReports["register"] = writeServerRegister
}

func writeServerRegister(ctx context.Context, st *serverstore.Store, refs *app.RefData, w io.Writer, o serverReportOptions) (int, error) {
	y := o.Year
	if y == 0 {
		y = app.DefaultReportYear(o.Now)
	}
	if o.Commune != "" && refs != nil && !refs.HasUnit(o.Commune) {
		return 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục (unknown --commune).", o.Commune)
	}
	d, err := st.KPIData(ctx, o.Commune, refs, o.Now)
	if err != nil {
		return 0, err
	}
	return xlsx.WriteRegister(ctx, w, d, xlsx.RegisterOptions{Unit: o.Commune, Period: app.ReportYear(y), Refs: refs, Printed: o.Now})
}
