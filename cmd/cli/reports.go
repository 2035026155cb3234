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

// WriteReport writes the report q asks for to w and returns its row count:
// the writers of export, given the request as the window made it.
func (s ReportService) WriteReport(ctx context.Context, q app.ReportRequest, w io.Writer) (int, error) {
	wr, ok := reportWriters[q.Report]
	if !ok {
		return 0, app.Errorf(app.EINVALID, "Loại báo cáo không hợp lệ: %q.", q.Report)
	}
	return wr(ctx, s.DB, s.Refs, w, q)
}

// WriteIntake writes the printable intake record of c, signed by officer.
func (s ReportService) WriteIntake(_ context.Context, c *app.Case, officer string, w io.Writer) error {
	return xlsx.WriteIntake(w, c, s.Refs, officer)
}
