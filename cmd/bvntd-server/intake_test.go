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

// TestIntake_ReachesTheCommuneLaptopAndIsForwarded drives the online
// intake through real laptops (storage and sync client) against the real
// server: a submission reaches the chosen commune's laptop on its next
// sync, that commune forwards it, the other commune's laptop gets the new
// case, its officer acknowledges it and sends a reply, and the status page
// shows both; `bvntd-server intake` counts it.
func TestIntake_ReachesTheCommuneLaptopAndIsForwarded(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	myTho := newLaptop(t, srv, "28261", 0)
	daoThanh := newLaptop(t, srv, "28249", 0)
	ctx := context.Background()

	sub := &app.Submission{ID: app.NewID(), UnitCode: "28261", Name: "Lê Thị Cúc", Phone: "0987 654 321",
		BusinessName: "Tiệm điện thoại Ánh Sao", Product: "Điện thoại", Summary: "Máy mua mới bị lỗi màn hình.",
		Request: "Đổi máy khác.", NoticeAcknowledged: true}
	rc, err := srv.store.SubmitIntake(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	myTho.mustSync()
	cases, err := myTho.db.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, c := range cases {
		if c.TrackingCode == rc.TrackingCode {
			id = c.ID
		}
	}
	if id == "" {
		t.Fatalf("the commune's laptop has no case with the code (%d cases)", len(cases))
	}
	got := myTho.get(id)
	if got.Channel != app.ChannelOnlineIntake || got.Status != app.StatusReceived || got.ConsumerName != "Lê Thị Cúc" {
		t.Fatalf("case on the laptop %+v", got)
	}

	// The commune forwards it: an ordinary edit.
	clock.Advance(2 * time.Hour)
	myTho.edit(id, func(c *app.Case) { c.ForwardedTo = "28249" })
	myTho.mustSync()
	myTho.mustSync()
	if old := myTho.get(id); old.Status != app.StatusReferred {
		t.Fatalf("old case status %q after forwarding", old.Status)
	}
	daoThanh.mustSync()
	moved, err := daoThanh.db.ListCases(ctx, app.CaseQuery{})
	if err != nil || len(moved) != 1 || moved[0].ForwardedFrom != id || moved[0].TrackingCode != rc.TrackingCode {
		t.Fatalf("the new commune's cases %+v, %v", moved, err)
	}
	newID := moved[0].ID

	// Its officer acknowledges it and sends a reply.
	clock.Advance(time.Hour)
	if err := daoThanh.db.AddCaseEvent(ctx, newID, &app.CaseEvent{Kind: app.EventAcknowledged}); err != nil {
		t.Fatal(err)
	}
	daoThanh.edit(newID, func(c *app.Case) {
		c.ConsumerReply, c.ConsumerReplyAt = "Phường đã nhận và sẽ mời cửa hàng làm việc.", clock.Now()
	})
	daoThanh.mustSync()
	st, err := srv.store.IntakeStatus(ctx, rc.TrackingCode, "4321")
	if err != nil || st.Status != "Đã tiếp nhận" || st.UnitName != "Phường Đạo Thạnh" ||
		st.Reply != "Phường đã nhận và sẽ mời cửa hàng làm việc." {
		t.Fatalf("status %+v, %v", st, err)
	}

	out := srv.cmd("intake", "--db", srv.path)
	day := rc.ReceivedAt.In(app.ICT).Format("02/01/2006")
	if !strings.Contains(out, "28261") || !strings.Contains(out, "Phường Mỹ Tho") || !strings.Contains(out, day) ||
		strings.Contains(out, "Lê Thị Cúc") || strings.Contains(out, "0987") {
		t.Fatalf("intake printed %q", out)
	}
}
