package cli

import (
	"context"
	"io"

	"bvntd/app"
	"bvntd/storage"
)

// WriteReport writes the .xlsx report q asks for from the store to w and
// returns its row count: the writers of export, given the request as the
// window's Báo cáo screen makes it (the flags of export make the same).
func WriteReport(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (int, error) {
	wr, ok := reportWriters[q.Report]
	if !ok {
		return 0, app.Errorf(app.EINVALID, "Loại báo cáo không hợp lệ: %q.", q.Report)
	}
	return wr(ctx, db, refs, w, q)
}
