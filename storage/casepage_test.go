package storage

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/seeds"
	"bvntd/seeds/demo"
)

// pagedStore is a store of two communes' demo work (cases through the
// workflow, so that some are overdue, some due soon, some finished), on
// a chosen day, with a case of "Nguyễn Văn An", a voided one and a
// restricted one.
func pagedStore(t *testing.T) (*DB, time.Time) {
	t.Helper()
	ctx := context.Background()
	db := openTestDB(t, Options{Now: at(2026, 11, 20, 9, 30).Now, DeviceTag: "P4GE"})
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"28261", "28249"} {
		if err := demo.Write(ctx, db, &db.Now, refs, demo.Options{Unit: u, Seed: uint64(7 + i), Complaints: 120}); err != nil {
			t.Fatal(err)
		}
	}
	an := newCase(db, "Nguyễn Văn An")
	an.ConsumerPhone = "0912 345 678"
	voided := newCase(db, "Nguyễn Văn Hủy")
	for _, c := range []*app.Case{an, voided} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.VoidCase(ctx, voided.ID, "Ghi trùng."); err != nil {
		t.Fatal(err)
	}
	return db, db.Now()
}

// rowKeys are the ids of rows with their deadlines, for comparing lists.
func rowKeys(rows []app.CaseRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s %v %v", r.ID, r.Deadlines, r.Limited)
	}
	return out
}

// CasePage gives, a page at a time, what CaseRows followed by
// app.FilterRows gives: the same rows in the same order with the same
// deadlines, the same counts beside each choice, for every order, search
// and filter.
func TestCasePage_IsCaseRowsFilteredAPageAtATime(t *testing.T) {
	ctx := context.Background()
	db, now := pagedStore(t)
	cal, err := db.WorkingCalendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	queries := []app.CaseQuery{{Sort: app.SortNewest}, {Sort: app.SortDue}, {Sort: app.SortName},
		{Text: "nguyen", Sort: app.SortNewest}, {Text: "nguyen van an", Sort: app.SortDue},
		{Text: "0912 345", Sort: app.SortNewest}, {Text: "0012"}, {Text: "28249 0001", Sort: app.SortName},
		{Sort: app.SortNewest, IncludeVoided: true}, {Sort: app.SortDue, HideRestricted: true}}
	filters := []app.CaseFilter{{}, {Status: app.StatusInProgress}, {Overdue: true}, {DueWithin: 5},
		{Vulnerable: true}, {Sector: "thuc_pham_do_uong", Kind: "khieu_nai"}, {OnlineNew: true},
		{From: now.AddDate(0, -2, 0), To: now.AddDate(0, 0, -20)}, {Status: app.StatusClosed, Overdue: true}}
	for _, q := range queries {
		all, err := db.CaseRows(ctx, q, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range filters {
			name := fmt.Sprintf("%+v %+v", q, f)
			want, wantCounts := app.FilterRows(all, f, cal, now)
			got, err := db.CasePage(ctx, q, f, 0, 0, now)
			if err != nil {
				t.Fatal(name, err)
			}
			if got.Total != len(want) || got.All != len(all) || !reflect.DeepEqual(got.Counts, wantCounts) {
				t.Fatalf("%s: total %d all %d counts %+v, want %d, %d, %+v", name, got.Total, got.All, got.Counts,
					len(want), len(all), wantCounts)
			}
			if !reflect.DeepEqual(rowKeys(got.Rows), rowKeys(want)) {
				t.Fatalf("%s: rows\n%v\nwant\n%v", name, rowKeys(got.Rows), rowKeys(want))
			}
			for _, p := range [][2]int{{0, 50}, {7, 10}, {len(want) - 3, 50}, {len(want) + 5, 50}} {
				page, err := db.CasePage(ctx, q, f, p[0], p[1], now)
				if err != nil {
					t.Fatal(err)
				}
				lo, hi := min(max(p[0], 0), len(want)), min(max(p[0], 0)+p[1], len(want))
				if page.Offset != max(p[0], 0) || page.Total != len(want) ||
					!reflect.DeepEqual(rowKeys(page.Rows), rowKeys(want[lo:hi])) {
					t.Fatalf("%s: page %v: %v, want %v", name, p, rowKeys(page.Rows), rowKeys(want[lo:hi]))
				}
			}
		}
	}
	// The store has what the comparisons above need to mean something.
	p, err := db.CasePage(ctx, app.CaseQuery{}, app.CaseFilter{}, 0, 1, now)
	if err != nil {
		t.Fatal(err)
	}
	if fc := p.Counts; p.Total < 200 || fc.Overdue == 0 || fc.Vulnerable == 0 || fc.Status[app.StatusClosed] == 0 {
		t.Fatalf("the demo store lists %d cases, counts %+v", p.Total, fc)
	}
	if got, _ := db.CasePage(ctx, app.CaseQuery{Text: "nguyen van an"}, app.CaseFilter{}, 0, 50, now); got.Total < 1 {
		t.Fatal(`"nguyen van an" finds no case of Nguyễn Văn An`)
	}
}

// The list follows the store: a case written, a step recorded, a record
// pulled, each shows in the next page; the next day counts deadlines
// anew.
func TestCasePage_FollowsWritesPullsAndTheDay(t *testing.T) {
	ctx := context.Background()
	db, now := pagedStore(t)
	first, err := db.CasePage(ctx, app.CaseQuery{}, app.CaseFilter{}, 0, 10, now)
	if err != nil {
		t.Fatal(err)
	}
	c := newCase(db, "Lê Thị Mới Ghi")
	c.ReceivedAt = now.Add(-time.Minute)
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	page, err := db.CasePage(ctx, app.CaseQuery{}, app.CaseFilter{}, 0, 10, now)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != first.Total+1 || page.Rows[0].ID != c.ID {
		t.Fatalf("after a new case: total %d (was %d), first row %s", page.Total, first.Total, page.Rows[0].ConsumerName)
	}
	// Acknowledged: its first deadline moves on.
	before := page.Rows[0].Deadlines
	if err := db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: app.EventAcknowledged}); err != nil {
		t.Fatal(err)
	}
	page, err = db.CasePage(ctx, app.CaseQuery{}, app.CaseFilter{}, 0, 10, now)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(page.Rows[0].Deadlines, before) {
		t.Fatalf("acknowledged, the deadlines stay %v", before)
	}
	// A case pulled from another commune's laptop.
	pulled := newCase(db, "Trần Văn Kéo Về")
	pulled.ID, pulled.UnitCode, pulled.Number = app.NewID(), "28249", "28249-2026-ZZZZ-0001"
	pulled.Status = app.StatusReceived
	pulled.ReceivedAt = now.Add(-30 * time.Second)
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28249", Epoch: "e1", NextSeq: 1,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: pulled.ID, Fields: pulled.Fields(), Version: 1}}}}); err != nil {
		t.Fatal(err)
	}
	page, err = db.CasePage(ctx, app.CaseQuery{Text: "tran van keo"}, app.CaseFilter{}, 0, 10, now)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Rows[0].ID != pulled.ID {
		t.Fatalf("the pulled case is not listed: %d rows", page.Total)
	}
	// Ten days later, with no write, the unacknowledged case is overdue.
	later := now.AddDate(0, 0, 10)
	overdue := func(at time.Time) int {
		p, err := db.CasePage(ctx, app.CaseQuery{Text: "tran van keo"}, app.CaseFilter{Overdue: true}, 0, 10, at)
		if err != nil {
			t.Fatal(err)
		}
		return p.Total
	}
	if overdue(now) != 0 || overdue(later) != 1 {
		t.Fatalf("overdue today %d, ten days later %d; want 0 and 1", overdue(now), overdue(later))
	}
}

// searchNumber is "-" and strings.ToLower of the number, for ASCII
// numbers (copied once) and any other text alike.
func TestSearchNumber_IsLowerCase(t *testing.T) {
	for _, n := range []string{"", "28249-2026-A7K3-0012", "28261-2026-zz9q-0001", "Số-ĐẶC-BIỆT-1", "@[`{AZaz09"} {
		if got, want := searchNumber([]byte(n)), "-"+strings.ToLower(n); got != want {
			t.Fatalf("searchNumber(%q) = %q, want %q", n, got, want)
		}
	}
}
