package cli

import (
	"context"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// ReportService writes the .xlsx reports of a store for the desktop app's
// Báo cáo screen and case screen, with the same writers as export.
type ReportService struct {
	DB   *storage.DB
	Refs *app.RefData
}

// WriteReport writes the report q asks for to w and returns its row count.
func (s ReportService) WriteReport(ctx context.Context, q app.ReportRequest, w io.Writer) (int, error) {
	wr, ok := reportWriters[q.Report]
	if !ok {
		return 0, app.Errorf(app.EINVALID, "Loại báo cáo không hợp lệ: %q.", q.Report)
	}
	o := exportOptions{report: q.Report, year: q.Year, commune: q.Commune, mask: q.Mask, session: q.Session}
	if !q.From.IsZero() {
		o.from = q.From.In(app.ICT).Format("02/01/2006")
	}
	if !q.To.IsZero() {
		o.to = q.To.In(app.ICT).Format("02/01/2006")
	}
	return wr(ctx, s.DB, s.Refs, w, o)
}

// WriteIntake writes the printable intake record of c, signed by officer.
func (s ReportService) WriteIntake(_ context.Context, c *app.Case, officer string, w io.Writer) error {
	return xlsx.WriteIntake(w, c, s.Refs, officer)
}
