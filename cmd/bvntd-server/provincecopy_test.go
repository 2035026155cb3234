package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds"
	"bvntd/seeds/demo"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// The province's tasks on its laptop are the figures: a provincial laptop
// with the limited copy (the default) computes, from the same communes'
// demo year, exactly the figures of one with the full copy, byte for
// byte, while it holds none of the consumers' names, phones or addresses
// of the cases not referred to the province.
func TestProvinceCopy_LimitedLaptopComputesTheSameFigures(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i, unit := range []string{"28261", "28249"} {
		c := newLaptop(t, srv, unit, 0)
		if err := c.db.SetUnitCode(ctx, unit); err != nil {
			t.Fatal(err)
		}
		if err := demo.Write(ctx, c.db, &c.db.Now, refs, demo.Options{Unit: unit, Seed: clocktest.Seed(t) + uint64(i),
			Complaints: 40, Trainings: 3, Events: 4, Edits: 20}); err != nil {
			t.Fatal(err)
		}
		c.mustSync()
	}
	limited := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	full := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	if _, err := srv.store.SetFullCopy(ctx, full.db.DeviceID(), true); err != nil {
		t.Fatal(err)
	}
	limited.mustSync()
	full.mustSync()

	ld, err := limited.db.KPIData(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	fd, err := full.db.KPIData(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ld.Cases) != len(fd.Cases) || len(ld.Cases) < 80 || len(ld.Events) != len(fd.Events) ||
		len(ld.Participants) != len(fd.Participants) || len(ld.Attendance) != len(fd.Attendance) {
		t.Fatalf("the limited laptop holds %d cases, %d steps, %d participants; the full one %d, %d, %d",
			len(ld.Cases), len(ld.Events), len(ld.Participants), len(fd.Cases), len(fd.Events), len(fd.Participants))
	}
	// The limited copy is limited: names, phones, addresses, free text
	// are gone from the cases not referred to a provincial body, and kept
	// in those that are.
	referred := map[string]bool{}
	for _, e := range fd.Events {
		if a, ok := refs.Agency(e.Agency); e.Kind == app.EventReferred && ok && a.Level == "province" {
			referred[e.CaseID] = true
		}
	}
	whole := map[string]app.Case{}
	for _, c := range fd.Cases {
		whole[c.ID] = c
	}
	limitedCases := 0
	for _, c := range ld.Cases {
		w := whole[c.ID]
		switch {
		case referred[c.ID]:
			if c.ConsumerName != w.ConsumerName || c.Summary != w.Summary {
				t.Errorf("case %s referred to the province arrived limited", c.Number)
			}
		case c.ConsumerName != "" || c.ConsumerPhone != "" || c.ConsumerAddress != "" || c.Summary != "" || c.VulnerableEvidence != "":
			t.Errorf("case %s (not referred to the province) holds personal data on the limited laptop", c.Number)
		case w.ConsumerName != "":
			limitedCases++
		}
	}
	if limitedCases < 40 || len(referred) == 0 {
		t.Fatalf("%d cases limited, %d referred to the province: the demo does not exercise both", limitedCases, len(referred))
	}
	for _, p := range ld.Participants {
		if p.FullName != "" || p.Phone != "" {
			t.Fatalf("participant %s holds a name or phone on the limited laptop", p.ID)
		}
	}

	for _, year := range []int{demoYear(t, fd), app.ReportYearOf(clock.Now())} {
		period := app.ReportYear(year)
		a, _ := json.Marshal(app.ComputeKPIs(ld, period, refs.Targets))
		b, _ := json.Marshal(app.ComputeKPIs(fd, period, refs.Targets))
		if string(a) != string(b) {
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			from := max(0, i-300)
			t.Fatalf("year %d: the limited laptop's figures differ at byte %d:\nlimited …%s\nfull    …%s",
				year, i, a[from:min(len(a), i+200)], b[from:min(len(b), i+200)])
		}
	}
}

// A case referred to the province later comes whole to the limited
// laptop on its next sync, with the steps it had before.
func TestProvinceCopy_LaptopGetsTheCaseWholeWhenReferred(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	p := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	x := a.newCase("Lê Thị Hạnh Phúc")
	a.edit(x.ID, func(c *app.Case) { c.ConsumerPhone = "0912345678" })
	if err := a.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventAccepted, Note: "Đã gọi bà Hạnh Phúc."}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	p.mustSync()
	if c := p.get(x.ID); c.ConsumerName != "" || c.ConsumerPhone != "" || c.Summary != "" || c.Number != x.Number || c.Status != app.StatusAccepted {
		t.Fatalf("the limited laptop's case: %q %q %q %q %q", c.ConsumerName, c.ConsumerPhone, c.Summary, c.Number, c.Status)
	}
	if strings.Contains(p.dump(), "Hạnh Phúc") || strings.Contains(p.dump(), "0912345678") {
		t.Fatal("the limited laptop holds the consumer's name or phone")
	}
	// The Sở notes something on the case: its step is its own, the
	// case's status step carries no personal field, the commune gets it.
	clock.Advance(time.Minute)
	if err := p.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventNote, Note: "Sở Công Thương đã xem hồ sơ."}); err != nil {
		t.Fatal(err)
	}
	if err := p.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventProcessingStarted}); err != nil {
		t.Fatal(err)
	}
	if c := p.get(x.ID); c.Status != app.StatusInProgress || c.ConsumerName != "" {
		t.Fatalf("the province's step: status %q, name %q", c.Status, c.ConsumerName)
	}
	p.mustSync()
	if n, parked, err := p.db.OutboxCount(ctx); err != nil || n+parked != 0 {
		t.Fatalf("the province's step: %d pending, %d parked, %v", n, parked, err)
	}
	a.mustSync()
	if c := a.get(x.ID); !strings.Contains(a.dump(), "Sở Công Thương đã xem hồ sơ.") || c.ConsumerName != "Lê Thị Hạnh Phúc" ||
		c.ConsumerPhone != "0912345678" || c.Status != app.StatusInProgress {
		t.Fatalf("the commune's case after the province's steps: %q %q %q", c.ConsumerName, c.ConsumerPhone, c.Status)
	}

	clock.Advance(time.Hour)
	if err := a.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventReferred, Agency: "sct",
		DocumentNo: "12/UBND-KT", ConsumerNotified: true}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	p.mustSync()
	if c := p.get(x.ID); c.ConsumerName != "Lê Thị Hạnh Phúc" || c.ConsumerPhone != "0912345678" || c.Summary == "" {
		t.Fatalf("after the referral to Sở Công Thương: %q %q %q", c.ConsumerName, c.ConsumerPhone, c.Summary)
	}
	if !strings.Contains(p.dump(), "Đã gọi bà Hạnh Phúc.") {
		t.Fatal("the step recorded before the referral is still limited")
	}
	if a.dump() != p.dump() {
		t.Fatalf("the commune's and the province's copies differ:\n%s\n%s", a.dump(), p.dump())
	}
}

// bvntd-server province-copy gives a device the full copy or the limited
// one, shown by devices; the choice is refused for a commune's device.
func TestProvinceCopy_Command(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	p := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	c := newLaptop(t, srv, "28261", 0)
	srv.store.Close()
	db := srv.path
	defer srv.open()
	if _, _, err := run(t, "province-copy", "--db", db, "--device", p.db.DeviceID()); err == nil ||
		!strings.Contains(app.ErrorMessage(err), "--full") {
		t.Fatalf("no choice: %v", err)
	}
	out, _, err := run(t, "devices", "--db", db)
	if err != nil || !strings.Contains(out, "BẢN SAO") || !lineOf(out, p.db.DeviceID(), "rút gọn") {
		t.Fatalf("devices: %v\n%s", err, out)
	}
	if _, msg, err := run(t, "province-copy", "--db", db, "--device", p.db.DeviceID(), "--full"); err != nil ||
		!strings.Contains(msg, "bản đầy đủ") {
		t.Fatalf("full: %v %s", err, msg)
	}
	if out, _, _ = run(t, "devices", "--db", db); !lineOf(out, p.db.DeviceID(), "đầy đủ") || lineOf(out, p.db.DeviceID(), "rút gọn") {
		t.Fatalf("devices after --full:\n%s", out)
	}
	if _, _, err := run(t, "province-copy", "--db", db, "--device", c.db.DeviceID(), "--full"); app.ErrorCode(err) != app.EINVALID ||
		!strings.Contains(app.ErrorMessage(err), "chỉ áp dụng cho thiết bị cấp tỉnh") {
		t.Fatalf("a commune's device: %v", err)
	}
}

// lineOf reports whether the line of out that holds id also holds want.
func lineOf(out, id, want string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, id) {
			return strings.Contains(l, want)
		}
	}
	return false
}

// A provincial laptop that holds the communes whole (the full copy, or
// every provincial laptop synced before the limited copy existed) and is
// given the limited copy downloads the communes again on its next sync:
// the personal data of the cases not referred to the province leave it,
// what it wrote itself stays, and nothing it sent is lost or sent twice.
func TestProvinceCopy_LaptopGivenTheLimitedCopyLetsThePersonalDataGo(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	p := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	if _, err := srv.store.SetFullCopy(ctx, p.db.DeviceID(), true); err != nil {
		t.Fatal(err)
	}
	x := a.newCase("Lê Thị Hạnh Phúc")
	a.mustSync()
	own := p.newCase("Phạm Minh Khôi") // the Sở's own case, recorded for commune 28261
	p.mustSync()
	if c := p.get(x.ID); c.ConsumerName != "Lê Thị Hạnh Phúc" {
		t.Fatalf("the full copy: %q", c.ConsumerName)
	}

	if _, err := srv.store.SetFullCopy(ctx, p.db.DeviceID(), false); err != nil {
		t.Fatal(err)
	}
	p.mustSync()
	if c := p.get(x.ID); c.ConsumerName != "" || c.Summary != "" || !c.Limited || c.Number != x.Number {
		t.Fatalf("after the limited copy: %q %q limited %v", c.ConsumerName, c.Summary, c.Limited)
	}
	if strings.Contains(p.dump(), "Hạnh Phúc") {
		t.Fatal("the laptop still holds the consumer's name")
	}
	if c := p.get(own.ID); c.ConsumerName != "Phạm Minh Khôi" || c.Limited {
		t.Fatalf("the province's own case: %q limited %v", c.ConsumerName, c.Limited)
	}
	if b, err := p.db.PendingBatch(ctx, 100); err != nil || len(b) != 0 {
		t.Fatalf("outbox after the sync: %d %v", len(b), err)
	}
	a.mustSync()
	if c := a.get(own.ID); c.ConsumerName != "Phạm Minh Khôi" {
		t.Fatalf("the commune's copy of the province's case: %q", c.ConsumerName)
	}
}

// newFullProvinceLaptop is a provincial laptop with the full copy: a
// replica of the whole server, as the tests that compare its dump with the
// server's need.
func newFullProvinceLaptop(t *testing.T, srv *fieldServer) *laptop {
	t.Helper()
	l := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	if _, err := srv.store.SetFullCopy(context.Background(), l.db.DeviceID(), true); err != nil {
		t.Fatal(err)
	}
	return l
}
