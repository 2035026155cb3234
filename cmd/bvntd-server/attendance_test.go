package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage"
	"bvntd/sync/syncserver"
)

// TestAttendance_TwoLaptopsTakeTheSameRegister: two trainers take the
// register of one session on two laptops, offline, with people in common;
// one person is present on one laptop and absent on the other. After sync
// the register is the union on both laptops and the server, the disputed
// person's status follows last-writer-wins, and the disagreement is kept
// for review.
func TestAttendance_TwoLaptopsTakeTheSameRegister(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a, b := newLaptop(t, srv, "28261", 0), newLaptop(t, srv, "28261", 0)
	for _, l := range []*laptop{a, b} {
		if err := l.db.SetUnitCode(ctx, "28261"); err != nil {
			t.Fatal(err)
		}
	}
	session := &app.TrainingSession{Title: "Hội nghị phổ biến Luật Bảo vệ quyền lợi người tiêu dùng",
		StartDate: clock.Peek().In(app.ICT).Format(time.DateOnly), Format: "truc_tiep", Status: "da_to_chuc"}
	save := func(l *laptop, r app.Record) {
		t.Helper()
		if err := l.db.SaveRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	save(a, session)
	var people []*app.Participant
	for i := range 6 {
		p := &app.Participant{FullName: fmt.Sprintf("Người Tham Dự %d", i+1), Type: "nguoi_dan"}
		save(a, p)
		people = append(people, p)
	}
	a.mustSync()
	b.mustSync()

	mark := func(l *laptop, p *app.Participant, status string) {
		t.Helper()
		clock.Advance(time.Second)
		save(l, &app.Attendance{SessionID: session.ID, ParticipantID: p.ID, Status: status, CheckedInAt: clock.Peek()})
	}
	// Offline: A takes people 1–4, B takes 3–6; person 4 is present on A,
	// absent on B (B marks later).
	for _, p := range people[:4] {
		mark(a, p, "co_mat")
	}
	for _, p := range people[2:] {
		status := "co_mat"
		if p == people[3] {
			status = "vang"
		}
		mark(b, p, status)
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()

	for name, l := range map[string]*laptop{"A": a, "B": b} {
		rows, err := storage.ListRecords[app.Attendance](ctx, l.db, storage.RecordQuery{SessionID: session.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 6 {
			t.Fatalf("%s: %d attendance rows, want the union of 6", name, len(rows))
		}
		for _, r := range rows {
			want := "co_mat"
			if r.ParticipantID == people[3].ID {
				want = "vang" // B wrote it last
			}
			if r.Status != want {
				t.Errorf("%s: participant %s is %s, want %s", name, r.ParticipantID, r.Status, want)
			}
		}
		cs := l.openConflicts()
		if len(cs) != 1 || cs[0].Entity != app.EntityAttendance || cs[0].Field != "status" ||
			cs[0].RecordID != app.AttendanceID(session.ID, people[3].ID) {
			t.Fatalf("%s: conflicts %+v, want one on person 4's status", name, cs)
		}
	}
	assertConverged(t, srv, a, b)

	// The trainer reviews it: person 4 was in fact present.
	cs := a.openConflicts()
	if err := a.db.ResolveConflict(ctx, cs[0].ID, app.ResolutionOther); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	b.mustSync()
	var got app.Attendance
	if err := b.db.GetRecord(ctx, app.AttendanceID(session.ID, people[3].ID), &got); err != nil || got.Status != "co_mat" {
		t.Fatalf("after review: %+v, %v", got, err)
	}
	if n := len(b.openConflicts()); n != 0 {
		t.Fatalf("%d conflicts open after review", n)
	}
	assertConverged(t, srv, a, b)
}
