package cli

import (
	"context"

	"bvntd/app"
	"bvntd/storage"
)

// Demo writes into db what `bvntd demo` writes for commune unit: cases
// across the whole workflow, and a report year of the training and
// outreach work (for tests and benchmarks of other packages).
func Demo(ctx context.Context, db *storage.DB, refs *app.RefData, unit string, seed uint64, complaints, trainings, events int) error {
	if _, _, err := runDemo(ctx, db, refs, unit, seed, complaints, 0, false); err != nil {
		return err
	}
	_, err := runDemoRecords(ctx, db, refs, unit, seed, trainings, events)
	return err
}
