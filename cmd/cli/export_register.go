package cli

import (
	"context"
	"fmt"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

func init() {
	reportWriters["register"] = func(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, o exportOptions) (int, error) {
		return writeRegister(ctx, db, refs, w, o.year)
	}
}

// writeRegister writes the complaint register of the device's commune (of
// one year, if year > 0), oldest first.
func writeRegister(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, year int) (int, error) {
	cases, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		return 0, err
	}
	kept := make([]app.Case, 0, len(cases))
	for i := len(cases) - 1; i >= 0; i-- { // ListCases is newest first
		if year == 0 || cases[i].ReceivedAt.In(app.ICT).Year() == year {
			kept = append(kept, cases[i])
		}
	}
	title := "SỔ THEO DÕI VỤ VIỆC CỦA NGƯỜI TIÊU DÙNG"
	if unit, _ := db.UnitCode(ctx); unit != "" {
		if u, ok := refs.Unit(unit); ok {
			title += " – " + u.Name
		}
	}
	if year > 0 {
		title += fmt.Sprintf(" – NĂM %d", year)
	}
	return xlsx.WriteRegister(w, title, kept, refs)
}
