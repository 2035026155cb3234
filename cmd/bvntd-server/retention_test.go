package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncserver"
)

// TestRetention_AnonymisedOnEveryReplica: two laptops of one commune and
// the provincial server. Ten years after a case was closed, laptop A
// anonymises it (its steps' text too, and a participant not seen for five
// years) and syncs; laptop B pulls: B and the server hold the anonymised
// values only, and the audit record of the run reached the server.
func TestRetention_AnonymisedOnEveryReplica(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2015, 3, 2, 9, 0, 0, 0, app.ICT))
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)

	c := &app.Case{ReceivedAt: clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai", Sector: "thuc_pham_do_uong",
		ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912 345 678", ConsumerAddress: "Số 12, ấp Tân Hòa",
		ConsumerBirthDate: "1950-05-07", VulnerableGroups: []string{app.GroupElderly}, VulnerableEvidence: "Khuyết tật vận động",
		Summary:    "Bà Nguyễn Thị Hồng Đào (0912.345.678) mua bánh kẹo hết hạn.",
		RecordHead: app.RecordHead{UnitCode: "28261"}}
	if err := a.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{app.EventAccepted, app.EventResolved, app.EventClosed} {
		e := &app.CaseEvent{Kind: k}
		if k == app.EventResolved {
			e.Outcome = "thanh_cong_toan_bo"
		}
		if err := a.db.AddCaseEvent(ctx, c.ID, e); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if err := a.db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: app.EventNote,
		Note: "Chị Hồng Đào gọi lại từ số +84 912 345 678."}); err != nil {
		t.Fatal(err)
	}
	p := &app.Participant{FullName: "Đặng Văn Ơn", Type: "hoi_vien_doan_the", Phone: "0987654321", Note: "Số 0987 654 321"}
	if err := b.db.SaveRecord(ctx, p); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()
	if got := b.get(c.ID); got.ConsumerName != "Nguyễn Thị Hồng Đào" {
		t.Fatalf("B before: %q", got.ConsumerName)
	}

	clock.Set(time.Date(2025, 6, 1, 9, 0, 0, 0, app.ICT))
	res, err := a.db.Anonymise(ctx, app.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cases) != 1 || res.Participants != 1 {
		t.Fatalf("A anonymised %+v", res)
	}
	a.mustSync()
	// B, offline for a day, anonymises the same records before it pulls
	// A's edits: both write the same values (AnonymisedOn is the day the
	// period ended, not the day of the run), so nothing conflicts.
	clock.Advance(24 * time.Hour)
	if res, err := b.db.Anonymise(ctx, app.DefaultRetention); err != nil || len(res.Cases) != 1 || res.Participants != 1 {
		t.Fatalf("B anonymised %+v, %v", res, err)
	}
	b.mustSync()
	a.mustSync()
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		if cs := l.openConflicts(); len(cs) != 0 {
			t.Fatalf("%s: conflicts %+v", name, cs)
		}
	}

	got := b.get(c.ID)
	if got.ConsumerName != "N.T.H.Đ." || got.ConsumerPhone != "" || got.ConsumerAddress != "" || got.ConsumerBirthDate != "" ||
		got.VulnerableEvidence != "" || got.AnonymisedOn != "2025-03-02" || got.Summary != "Bà [đã ẩn] ([đã ẩn]) mua bánh kẹo hết hạn." {
		t.Fatalf("B holds %+v", got)
	}
	if got.Status != app.StatusClosed || len(got.VulnerableGroups) != 1 || got.ConsumerAgeBand != "tu_60" {
		t.Fatalf("B lost kept fields: %+v", got)
	}
	evs, err := b.db.ListCaseEvents(ctx, c.ID)
	if err != nil || len(evs) != 4 || evs[3].Note != "Chị [đã ẩn] gọi lại từ số [đã ẩn]." {
		t.Fatalf("B's steps %+v, %v", evs, err)
	}
	var q app.Participant
	if err := b.db.GetRecord(ctx, p.ID, &q); err != nil || q.FullName != "Đ.V.Ơ." || q.Phone != "" || q.Note != "Số [đã ẩn]" {
		t.Fatalf("B's participant %+v, %v", q, err)
	}
	dump := srv.dump()
	for _, s := range []string{"Nguyễn Thị Hồng Đào", "Hồng Đào", "0912345678", "912 345 678", "Tân Hòa", "Khuyết tật", "Đặng Văn Ơn", "0987654321"} {
		if strings.Contains(dump, s) {
			t.Errorf("the server still holds %q", s)
		}
	}
	if !strings.Contains(dump, `"action":"an_danh"`) || !strings.Contains(dump, c.Number) {
		t.Error("the audit record of the run did not reach the server")
	}
	assertConverged(t, srv, a, b)
}
