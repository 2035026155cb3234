package serverstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

func TestIntake_ForwardMovesTheCaseAndTheStatusFollows(t *testing.T) {
	s, clock := mustOpenIntake(t)
	from := MustEnroll(t, s, "28261")
	to := MustEnroll(t, s, "28249")
	third := MustEnroll(t, s, "28270")
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	sub := submission("28261")
	sub.Files = []app.SubmittedFile{{Name: "hoa-don.pdf", Data: pdf}}
	rc := mustSubmit(t, s, sub)
	cases, _, _ := casesOf(t, s, from)
	old := onlyCase(t, cases)
	ctx := context.Background()

	// Forwarding to its own commune is refused by the case's validator.
	bad := mut(old.ID, "28261", app.HLC{Wall: intakeDay.UnixMilli() + 60_000}, map[string]any{"forwarded_to": "28261"})
	if got := statuses(mustPush(t, s, from, bad)); !equal(got, []string{"rejected:invalid_value"}) {
		t.Fatalf("forward to itself: %v", got)
	}

	at := intakeDay.Add(26 * time.Hour) // Tuesday 17/3, 11:00 in Vietnam
	clock.Set(at)
	fwd := mut(old.ID, "28261", app.HLC{Wall: at.UnixMilli()}, map[string]any{"forwarded_to": "28249", "intake_opened_at": intakeDay.Add(time.Hour)})
	fwd.BaseVersion, fwd.Officer = 1, "Cán bộ Mỹ Tho"
	if got := statuses(mustPush(t, s, from, fwd)); !equal(got, []string{"applied"}) {
		t.Fatalf("forward: %v", got)
	}
	if got := statuses(mustPush(t, s, from, fwd)); !equal(got, []string{"duplicate"}) {
		t.Fatalf("forward resent: %v", got)
	}

	// The old commune: the case is "da_chuyen", with a step saying where.
	cases, _, evs := casesOf(t, s, from)
	o := cases[old.ID]
	if o.Status != app.StatusReferred || o.ForwardedTo != "28249" || len(cases) != 1 {
		t.Fatalf("old case %+v (%d cases)", o, len(cases))
	}
	var step app.CaseEvent
	for _, e := range evs {
		step = e
	}
	if len(evs) != 1 || step.Kind != app.EventReferred || step.CaseID != old.ID || step.Officer != "Cán bộ Mỹ Tho" ||
		step.ToStatus != app.StatusReferred || !strings.Contains(step.Note, "Phường Đạo Thạnh") || !step.At.Equal(at) {
		t.Fatalf("steps %+v", evs)
	}

	// The new commune: the same content, received at the forwarding.
	cases, atts, _ := casesOf(t, s, to)
	n := onlyCase(t, cases)
	if n.ID == old.ID || n.ForwardedFrom != old.ID || n.UnitCode != "28249" || n.Status != app.StatusReceived ||
		!n.ReceivedAt.Equal(at) || n.Summary != old.Summary || n.ConsumerName != old.ConsumerName ||
		n.TrackingCode != rc.TrackingCode || !n.IntakeOpenedAt.IsZero() || n.ForwardedTo != "" ||
		n.Number != "28249-2026-WEB-0001" || n.Channel != app.ChannelOnlineIntake {
		t.Fatalf("new case %+v", n)
	}
	if len(atts) != 1 {
		t.Fatalf("%d attachments at the new commune", len(atts))
	}
	for _, a := range atts {
		if a.CaseID != n.ID || a.UnitCode != "28249" {
			t.Fatalf("attachment %+v", a)
		}
		if _, _, err := s.GetFile(ctx, to.ID, syncproto.FileGetRequest{SHA256: a.SHA256}); err != nil {
			t.Fatalf("new commune's download: %v", err)
		}
		if _, _, err := s.GetFile(ctx, third.ID, syncproto.FileGetRequest{SHA256: a.SHA256}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("a third commune's download: %v", err)
		}
	}

	// The status page follows the new case; received when the consumer sent it.
	st, err := s.IntakeStatus(ctx, rc.TrackingCode, "5678")
	if err != nil || st.UnitName != "Phường Đạo Thạnh" || !st.ReceivedAt.Equal(intakeDay) ||
		st.Status != "Đã gửi đến UBND xã, phường, đang chờ cán bộ tiếp nhận" ||
		!st.NextDue.Equal(time.Date(2026, 3, 20, 0, 0, 0, 0, app.ICT)) {
		t.Fatalf("status %+v, %v", st, err)
	}
	// A resent submission is answered with the commune handling it now.
	again := *sub
	if r := mustSubmit(t, s, &again); !r.Repeated || r.UnitName != "Phường Đạo Thạnh" || r.TrackingCode != rc.TrackingCode {
		t.Fatalf("resent receipt %+v", r)
	}

	// A later edit of the old case moves nothing again.
	later := mut(old.ID, "28261", app.HLC{Wall: at.UnixMilli() + 60_000}, map[string]any{"summary": "Bổ sung."})
	later.BaseVersion = 3
	mustPush(t, s, from, later)
	if cases, _, _ := casesOf(t, s, to); len(cases) != 1 {
		t.Fatalf("%d cases at the new commune after a later edit", len(cases))
	}
}
