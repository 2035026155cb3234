package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage"
	"bvntd/sync/syncserver"
)

// TestOffPremisesNotice_RecordedPublishedVoidedReachesTheOtherLaptop: an
// officer records an off-premises sales notice the commune received (NĐ
// 55/2024/NĐ-CP Điều 26), publishes it (Điều 27 khoản 3) and later voids a
// duplicate; a second laptop of the commune gets each step through the
// provincial server, and the register converges; so does a complaint that
// names the sale.
func TestOffPremisesNotice_RecordedPublishedVoidedReachesTheOtherLaptop(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	for _, l := range []*laptop{a, b} {
		if err := l.db.SetUnitCode(ctx, "28261"); err != nil {
			t.Fatal(err)
		}
	}
	today := clock.Peek().In(app.ICT)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	n := &app.OffPremisesNotice{BusinessName: "Công ty TNHH Sức Khỏe Vàng", BusinessPhone: "0912345678",
		BusinessAddress: "12 Nguyễn Huệ, phường Mỹ Tho", Title: "Hội thảo giới thiệu sản phẩm chăm sóc sức khỏe",
		Place: "Nhà văn hóa ấp 3", StartDate: day(10), Goods: "Máy massage", ForElderly: true,
		ReceivedDate: day(0), ReceivedVia: "truc_tiep", Form: "mau_10"}
	dup := &app.OffPremisesNotice{BusinessName: "Công ty TNHH Sức Khỏe Vàng", StartDate: day(10),
		ReceivedDate: day(0), ReceivedVia: "truc_tiep"}
	for _, r := range []app.Record{n, dup} {
		if err := a.db.SaveRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	a.mustSync()
	b.mustSync()
	list := func(l *laptop) []app.OffPremisesNotice {
		t.Helper()
		rows, err := storage.ListRecords[app.OffPremisesNotice](ctx, l.db, storage.RecordQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if got := list(b); len(got) != 2 {
		t.Fatalf("laptop B has %d notices, want 2", len(got))
	}

	// A publishes the notice on the commune's board; A voids the duplicate.
	var cur app.OffPremisesNotice
	if err := a.db.GetRecord(ctx, n.ID, &cur); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Edit(ctx, app.EntityOffPremisesNotice, n.ID, cur.Version, map[string]json.RawMessage{
		"published_date": json.RawMessage(`"` + day(0) + `"`), "published_via": json.RawMessage(`"niem_yet"`)}); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Edit(ctx, app.EntityOffPremisesNotice, dup.ID, -1, map[string]json.RawMessage{
		"voided": json.RawMessage(`true`), "note": json.RawMessage(`"Hủy: ghi trùng"`)}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	got := list(b)
	if len(got) != 1 || got[0].ID != n.ID {
		t.Fatalf("laptop B lists %+v, want the published notice only", got)
	}
	if !got[0].Published() || got[0].PublishedVia != "niem_yet" || got[0].Goods != "Máy massage" || !got[0].ForElderly {
		t.Fatalf("laptop B has %+v", got[0])
	}
	var voided app.OffPremisesNotice
	if err := b.db.GetRecord(ctx, dup.ID, &voided); err != nil || !voided.Voided || voided.Note != "Hủy: ghi trùng" {
		t.Fatalf("the voided duplicate on B: %+v, %v", voided, err)
	}
	// A complaint after the sale names it; the province and the other
	// laptop get the link.
	c := &app.Case{ReceivedAt: a.db.Now(), Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: "Nguyễn Thị Lan",
		Sector: "thuc_pham_do_uong", Summary: "Mua máy massage tại hội thảo ở ấp 3, máy hỏng sau hai ngày.",
		OffPremisesNoticeID: n.ID, RecordHead: app.RecordHead{UnitCode: "28261"}}
	if err := a.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	if got := b.get(c.ID); got.OffPremisesNoticeID != n.ID {
		t.Fatalf("laptop B's case links %q, want %q", got.OffPremisesNoticeID, n.ID)
	}
	assertConverged(t, srv, a, b)
}
