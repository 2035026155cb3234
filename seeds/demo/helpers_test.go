package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds"
	"bvntd/storage"
)

// demoNow is the store clock of the demo tests: a Thursday morning, so
// that the figures do not depend on the day the tests run.
var demoNow = time.Date(2026, 11, 26, 9, 40, 0, 0, app.ICT)

// openStore opens a store in a temporary folder whose clock stands still
// at now (the returned clock), with the seeds, the commune and the officer
// set as `bvntd demo` sets them, and a device tag drawn from the test's
// seed.
func openStore(t testing.TB, unit string, now time.Time) (*storage.DB, *app.RefData, *clocktest.Clock) {
	t.Helper()
	ctx := context.Background()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	clock := clocktest.New(now)
	clock.SetStep(0)
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bvntd.sqlite"), storage.Options{Now: clock.Now, DeviceTag: deviceTag(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		t.Fatal(err)
	}
	db.SetRefs(refs)
	if err := db.SetUnitCode(ctx, unit); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveOfficer(ctx, "Cán bộ tiếp nhận (mẫu)"); err != nil {
		t.Fatal(err)
	}
	return db, refs, clock
}

// deviceTag returns a device tag (4 characters of Crockford base32) drawn
// from the test's seed (clocktest.Rand).
func deviceTag(t testing.TB) string {
	t.Helper()
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	r := clocktest.Rand(t)
	tag := make([]byte, 4)
	for i := range tag {
		tag[i] = crockford[r.IntN(len(crockford))]
	}
	return string(tag)
}
