package main

import (
	"context"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncserver"
)

// Two laptops of a commune write its annual report's narrative offline,
// each a different part: one record (the id is the commune's and the
// year's), both parts kept after they sync, on both laptops (issue 18
// item 7).
func TestNarrative_TwoLaptopsWriteOneReport(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	id := app.NarrativeID("28261", 2026)
	na := &app.ReportNarrative{Year: 2026, Difficulties: "Thiếu cán bộ chuyên trách."}
	na.ID = id
	if err := a.db.SaveRecord(ctx, na); err != nil {
		t.Fatal(err)
	}
	nb := &app.ReportNarrative{Year: 2026, Proposals: "Đề nghị tỉnh cấp tờ rơi.",
		Tasks: []app.TaskReport{{Task: "IV.2", Status: "hoan_thanh"}}}
	nb.ID = id
	if err := b.db.SaveRecord(ctx, nb); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		var got app.ReportNarrative
		if err := l.db.GetRecord(ctx, id, &got); err != nil {
			t.Fatal(err)
		}
		if got.Difficulties != "Thiếu cán bộ chuyên trách." || got.Proposals != "Đề nghị tỉnh cấp tờ rơi." || len(got.Tasks) != 1 {
			t.Errorf("laptop %s: %+v", name, got)
		}
	}
	// A narrative the server's validator refuses (a task status of no
	// list) is kept aside on the laptop, not stored.
	bad := &app.ReportNarrative{Year: 2026, Tasks: []app.TaskReport{{Task: "IV.3", Status: "xong_roi"}}}
	if err := a.db.SaveRecord(ctx, bad); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a bad task status: %v", err)
	}
}
