package storage

import (
	"context"
	"testing"
	"time"

	"bvntd/app"
)

// TestCaseRows_DeadlinesFromTimeline: a case received a month ago and never
// acknowledged is overdue; acknowledging it stops that clock; a fresh case
// has its first deadline ahead; the urgent order puts the overdue one
// first.
func TestCaseRows_DeadlinesFromTimeline(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := db.Now()
	old := newCase(db, "Đặng Văn Cũ")
	old.ReceivedAt = now.AddDate(0, -1, 0)
	fresh := newCase(db, "Ngô Thị Mới")
	fresh.ReceivedAt = now.Add(-time.Hour)
	for _, c := range []*app.Case{old, fresh} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.CaseRows(ctx, app.CaseQuery{Sort: app.SortDue}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].ID != old.ID || !rows[0].Overdue() || rows[1].Overdue() {
		t.Fatalf("rows %+v", rows)
	}
	if d, ok := rows[1].Next(); !ok || d.Rule.Code != "intake_ack" || d.Due.Before(now.Add(-24*time.Hour)) {
		t.Fatalf("fresh case next deadline %+v %v", d, ok)
	}
	got, fc := app.FilterRows(rows, app.CaseFilter{Overdue: true}, nil, now)
	if len(got) != 1 || got[0].ID != old.ID || fc.Overdue != 1 {
		t.Fatalf("overdue filter: %d rows, counts %+v", len(got), fc)
	}
	if err := db.AddCaseEvent(ctx, old.ID, &app.CaseEvent{Kind: app.EventAcknowledged}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCaseEvent(ctx, old.ID, &app.CaseEvent{Kind: app.EventAccepted}); err != nil {
		t.Fatal(err)
	}
	rows, err = db.CaseRows(ctx, app.CaseQuery{}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == old.ID {
			if r.Overdue() {
				t.Fatalf("acknowledged and accepted today, still overdue: %+v", r.Deadlines)
			}
			if d, _ := r.Next(); d.Rule.Code != "resolve_overall" {
				t.Fatalf("next deadline %s, want resolve_overall", d.Rule.Code)
			}
		}
	}
}
