package storage

import (
	"context"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

func TestKPIData_LoadsOneCommuneOrTheProvince(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, app.ICT)
	clock := clocktest.New(now)
	clock.SetStep(0) // a fixed clock: KPIData's now is exactly this one

	// A store of commune 28261.
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})

	// Two cases of this commune, one voided; one step on the first.
	kept, voided := newCase(db, "Nguyễn Thị Bình"), newCase(db, "Trùng Lặp")
	kept.ReceivedAt, voided.ReceivedAt = now.Add(-48*time.Hour), now.Add(-48*time.Hour)
	for _, c := range []*app.Case{kept, voided} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddCaseEvent(ctx, kept.ID, &app.CaseEvent{Kind: app.EventAccepted}); err != nil {
		t.Fatal(err)
	}
	if err := db.VoidCase(ctx, voided.ID, "Ghi trùng"); err != nil {
		t.Fatal(err)
	}
	// A session with one person present, and a voided publication.
	s := &app.TrainingSession{Title: "Tập huấn Luật Bảo vệ quyền lợi người tiêu dùng", StartDate: "2026-11-18",
		Format: "truc_tiep", Status: "da_to_chuc"}
	p := &app.Participant{FullName: "Lê Văn Năm", Type: "nguoi_dan"}
	for _, r := range []app.Record{s, p} {
		if err := db.SaveRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveRecord(ctx, &app.Attendance{SessionID: s.ID, ParticipantID: p.ID, Status: "co_mat"}); err != nil {
		t.Fatal(err)
	}
	pub := &app.Publication{Type: "to_roi", Origin: "tu_phat_hanh", Title: "Tờ rơi nhầm", Date: "2026-11-01"}
	if err := db.SaveRecord(ctx, pub); err != nil {
		t.Fatal(err)
	}
	pub.Voided = true
	if err := db.SaveRecord(ctx, pub); err != nil {
		t.Fatal(err)
	}
	// Pulled from the province: a case and an event of commune 28273,
	// last changed there on 10/11.
	other := newCase(db, "Phạm Thị Khác")
	other.ID, other.UnitCode, other.Number, other.Status = app.NewID(), "28273", "28273-2026-X-0001", app.StatusReceived
	other.ReceivedAt = time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC)
	other.CreatedAt, other.UpdatedAt = other.ReceivedAt, time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC)
	ev := &app.OutreachEvent{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28273",
		UpdatedAt: time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)}, Type: "hoi_nghi", Title: "Hội nghị", StartDate: "2026-11-05", Status: "da_to_chuc"}
	_, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "province", Epoch: "e1", NextSeq: 2, Records: []app.PulledRecord{
		{Entity: app.EntityCase, ID: other.ID, Fields: other.Fields(), Version: 1},
		{Entity: app.EntityOutreach, ID: ev.ID, Fields: ev.Fields(), Version: 2},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	// This device synced on 19/11.
	synced := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	if err := db.RecordSyncResult(ctx, synced, ""); err != nil {
		t.Fatal(err)
	}

	d, err := db.KPIData(ctx, "28261")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Cases) != 1 || d.Cases[0].ID != kept.ID || len(d.Events) != 1 || d.Events[0].CaseID != kept.ID {
		t.Fatalf("commune: %d cases, %d events", len(d.Cases), len(d.Events))
	}
	if len(d.Sessions) != 1 || len(d.Participants) != 1 || len(d.Attendance) != 1 || len(d.Publications) != 0 || len(d.Outreach) != 0 {
		t.Fatalf("commune records: %d sessions, %d people, %d present, %d publications, %d events",
			len(d.Sessions), len(d.Participants), len(d.Attendance), len(d.Publications), len(d.Outreach))
	}
	if len(d.Units) != 1 || d.Units[0] != "28261" || len(d.SyncedUnits) != 1 || !d.SyncedUnits["28261"].Equal(synced) {
		t.Fatalf("commune units %v synced %v", d.Units, d.SyncedUnits)
	}
	if d.Calendar == nil || len(d.SlaRules) == 0 || !d.Now.Equal(now) {
		t.Fatal("time limits, calendar or now missing")
	}

	all, err := db.KPIData(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Cases) != 2 || len(all.Outreach) != 1 || len(all.Units) != 102 {
		t.Fatalf("province: %d cases, %d events, %d communes", len(all.Cases), len(all.Outreach), len(all.Units))
	}
	// 28273 is known through what was pulled: its latest change, 10/11.
	if got := all.SyncedUnits["28273"]; !got.Equal(other.UpdatedAt) {
		t.Fatalf("28273 last seen %v, want %v", got, other.UpdatedAt)
	}
	if !all.SyncedUnits["28261"].Equal(synced) {
		t.Fatalf("28261 last sync %v", all.SyncedUnits["28261"])
	}
	r := app.ComputeKPIs(all, app.ReportYear(2026), nil)
	if t1, _ := r.Target("T1"); t1.Num != 2 || t1.Den != 102 {
		t.Fatalf("T1 %d/%d, want 2/102", t1.Num, t1.Den)
	}
	if r.Training.PersonTimes.Count != 1 || r.Complaints.Received.Count != 2 {
		t.Fatalf("province: %d person-times, %d cases received", r.Training.PersonTimes.Count, r.Complaints.Received.Count)
	}
}
