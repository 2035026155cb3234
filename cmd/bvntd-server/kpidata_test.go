package main

import (
	"context"
	"encoding/json"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds"
	"bvntd/seeds/demo"
	"bvntd/sync/syncserver"
)

// TestKPIData_ProvinceCountsWhatTheCommuneCounts: after a commune's
// laptop syncs its demo year, the server's figures of that year for that
// commune are the laptop's own, and T1 of the report year of today (the
// sync's) sees the commune synced.
func TestKPIData_ProvinceCountsWhatTheCommuneCounts(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	if err := demo.Write(ctx, a.db, &a.db.Now, refs, demo.Options{Unit: "28261", Seed: clocktest.Seed(t), Complaints: 40, Trainings: 4, Events: 6}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	local, err := a.db.KPIData(ctx, "28261")
	if err != nil {
		t.Fatal(err)
	}
	period := app.ReportYear(demoYear(t, local))
	remote, err := srv.store.KPIData(ctx, "28261", refs, local.Now)
	if err != nil {
		t.Fatal(err)
	}
	if len(remote.Cases) != len(local.Cases) || len(remote.Attendance) != len(local.Attendance) || len(remote.Cases) < 40 {
		t.Fatalf("server holds %d cases, %d attendance rows; laptop %d, %d",
			len(remote.Cases), len(remote.Attendance), len(local.Cases), len(local.Attendance))
	}
	mine := app.ComputeKPIs(local, period, refs.Targets)
	theirs := app.ComputeKPIs(remote, period, refs.Targets)
	// T1 differs by design (the server sees the sync itself); the rest is
	// the same figures.
	mine.Targets, theirs.Targets = mine.Targets[1:], theirs.Targets[1:]
	a1, _ := json.Marshal(mine)
	b1, _ := json.Marshal(theirs)
	if string(a1) != string(b1) {
		i := 0
		for i < len(a1) && i < len(b1) && a1[i] == b1[i] {
			i++
		}
		from := max(0, i-300)
		t.Fatalf("the server's figures differ from the commune's at byte %d:\nserver …%s\nlaptop …%s",
			i, b1[from:min(len(b1), i+200)], a1[from:min(len(a1), i+200)])
	}
	province, err := srv.store.KPIData(ctx, "", refs, local.Now)
	if err != nil {
		t.Fatal(err)
	}
	rep := app.ComputeKPIs(province, app.ReportYear(app.ReportYearOf(local.Now)), refs.Targets)
	t1, _ := rep.Target("T1")
	if len(province.Units) != len(refs.Units) || t1.Num != 1 || t1.Den != len(refs.Units) {
		t.Fatalf("province T1 %d/%d over %d units", t1.Num, t1.Den, len(province.Units))
	}
}
