package serverstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// stepMut is a step of caseID, as a laptop sends it when it records one.
func stepMut(id, caseID, scope, kind, agency, note string, sec int64) syncproto.Mutation {
	f := map[string]any{"id": id, "unit_code": scope, "case_id": caseID, "kind": kind,
		"at": "2026-03-15T01:00:00Z", "officer": "Cán bộ xã", "note": note}
	if agency != "" {
		f["agency"] = agency
	}
	m := mut(id, scope, hlc(sec), f)
	m.Entity = app.EntityCaseEvent
	return m
}

// pulledByID pulls everything a device may read, from cursors, and
// returns the records by id and the new cursors.
func pulledByID(t *testing.T, s interface {
	Pull(context.Context, string, syncproto.PullRequest) (syncproto.PullResponse, error)
}, d device, cursors []syncproto.Cursor) (map[string]syncproto.Record, []syncproto.Cursor) {
	t.Helper()
	out := map[string]syncproto.Record{}
	for range 100 {
		resp, err := s.Pull(context.Background(), d.ID, syncproto.PullRequest{Cursors: cursors})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range resp.Scopes {
			for _, r := range p.Records {
				out[r.ID] = r
			}
			cursors = setCursor(cursors, syncproto.Cursor{Scope: p.Scope, Epoch: p.Epoch, Seq: p.NextSeq})
		}
		if !resp.HasMore {
			return out, cursors
		}
	}
	t.Fatal("pull does not end")
	return nil, nil
}

func fieldString(r syncproto.Record, name string) string {
	var v string
	json.Unmarshal(r.Fields[name], &v)
	return v
}

// A provincial device gets a commune's case and its steps without the
// personal fields by default; the case comes whole, with every step, once
// it is referred to a provincial body (Sở Y tế here), also for a device
// that pulled it limited before; a referral to a body that is not
// provincial (Bộ Công Thương) changes nothing; a device with the full copy
// gets everything.
func TestProvinceCopy_LimitedUntilReferredToTheProvince(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	ctx := context.Background()
	a := MustEnroll(t, s, "28261")
	limited := MustEnroll(t, s, syncproto.ScopeProvince)
	full := MustEnroll(t, s, syncproto.ScopeProvince)
	if changed, err := s.SetFullCopy(ctx, full.ID, true); err != nil || !changed {
		t.Fatalf("full copy: %v %v", changed, err)
	}
	x, y := app.NewID(), app.NewID()
	note := app.NewID()
	res := mustPush(t, s, a,
		mut(x, "28261", hlc(1), map[string]any{"id": x, "unit_code": "28261", "consumer_name": "Lê Thị Hạnh Phúc",
			"consumer_phone": "0912345678", "consumer_address": "Ấp 3, xã Mỹ Hiệp", "summary": "Bà Hạnh Phúc mua phải sữa giả.",
			"sector": "thuc_pham_do_uong", "status": "da_thu_ly"}),
		stepMut(note, x, "28261", app.EventNote, "", "Gọi bà Hạnh Phúc số 0912345678.", 2),
		mut(y, "28261", hlc(3), map[string]any{"id": y, "unit_code": "28261", "consumer_name": "Trần Văn Tâm", "sector": "vien_thong_internet"}),
		stepMut(app.NewID(), y, "28261", app.EventReferred, "bct", "Chuyển Bộ Công Thương.", 4),
	)
	for _, r := range res {
		if r.Status != syncproto.StatusApplied {
			t.Fatalf("push: %+v", r)
		}
	}

	got, cursors := pulledByID(t, s, limited, nil)
	for _, id := range []string{x, note, y} {
		r := got[id]
		if !r.Limited {
			t.Errorf("%s %s not limited: %v", r.Entity, id, r.Fields)
		}
		for name, v := range r.Fields {
			if strings.Contains(string(v), "Hạnh Phúc") || strings.Contains(string(v), "0912345678") || strings.Contains(string(v), "Tâm") {
				t.Errorf("%s %s: %s = %s sent to the limited copy", r.Entity, id, name, v)
			}
		}
	}
	if r := got[x]; fieldString(r, "sector") != "thuc_pham_do_uong" || fieldString(r, "status") != "da_thu_ly" || r.Version != 1 {
		t.Errorf("the limited case lost its codes: %+v", r)
	}
	if r := got[note]; fieldString(r, "kind") != app.EventNote || fieldString(r, "case_id") != x {
		t.Errorf("the limited step lost its codes: %+v", r)
	}
	whole, _ := pulledByID(t, s, full, nil)
	if r := whole[x]; r.Limited || fieldString(r, "consumer_name") != "Lê Thị Hạnh Phúc" || fieldString(whole[note], "note") == "" {
		t.Errorf("the full copy: %+v %+v", r, whole[note])
	}

	// The commune refers x to Sở Y tế: the limited device's next pull
	// brings x and both its steps whole.
	referral := app.NewID()
	mustPush(t, s, a, stepMut(referral, x, "28261", app.EventReferred, "syt", "Chuyển Sở Y tế.", 5))
	got, _ = pulledByID(t, s, limited, cursors)
	for _, id := range []string{x, note, referral} {
		if r, ok := got[id]; !ok || r.Limited {
			t.Fatalf("after the referral, %s: %+v (sent: %v)", id, r, ok)
		}
	}
	if fieldString(got[x], "consumer_phone") != "0912345678" || fieldString(got[note], "note") != "Gọi bà Hạnh Phúc số 0912345678." {
		t.Fatalf("after the referral: %v %v", got[x].Fields, got[note].Fields)
	}
	if _, ok := got[y]; ok {
		t.Fatalf("y was sent again: %+v", got[y])
	}
	// And a device that pulls for the first time gets it whole too.
	first := MustEnroll(t, s, syncproto.ScopeProvince)
	got, _ = pulledByID(t, s, first, nil)
	if got[x].Limited || !got[y].Limited {
		t.Fatalf("a new limited device: x limited %v, y limited %v", got[x].Limited, got[y].Limited)
	}
}

// A limited provincial device cannot write the personal fields of a
// commune's record it holds limited: that one write is refused with a
// message, the rest of the push is applied. What it makes itself is its
// own, written and sent back whole. The full copy writes anything.
func TestProvinceCopy_LimitedWritesOfPersonalFieldsRefused(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	ctx := context.Background()
	a := MustEnroll(t, s, "28261")
	p := MustEnroll(t, s, syncproto.ScopeProvince)
	f := MustEnroll(t, s, syncproto.ScopeProvince)
	if _, err := s.SetFullCopy(ctx, f.ID, true); err != nil {
		t.Fatal(err)
	}
	x, own := app.NewID(), app.NewID()
	mustPush(t, s, a, mut(x, "28261", hlc(1), map[string]any{"id": x, "unit_code": "28261", "consumer_name": "Lê Thị Hạnh Phúc",
		"consumer_phone": "0912345678", "sector": "thuc_pham_do_uong"}))

	phone := mut(x, "28261", hlc(2), map[string]any{"consumer_phone": "0987654321"})
	phone.BaseVersion = 1
	sector := mut(x, "28261", hlc(3), map[string]any{"sector": "vien_thong_internet"})
	sector.BaseVersion = 1
	res := mustPush(t, s, p, phone, sector,
		mut(own, "28261", hlc(4), map[string]any{"id": own, "unit_code": "28261", "consumer_name": "Phạm Minh Khôi", "consumer_phone": "0901111222"}),
		mut(own, "28261", hlc(5), map[string]any{"consumer_phone": "0901111333"}),
	)
	if res[0].Status != syncproto.StatusRejected || res[0].Code != syncproto.CodeForbidden || !strings.Contains(res[0].Message, "UBND xã, phường") {
		t.Fatalf("the limited device's write of a phone: %+v", res[0])
	}
	for _, r := range res[1:] {
		if r.Status != syncproto.StatusApplied {
			t.Fatalf("the rest of the push: %+v", res)
		}
	}
	// The full copy writes the phone; the stored record has it, and the
	// sector the limited device wrote.
	phone2 := mut(x, "28261", hlc(6), map[string]any{"consumer_phone": "0987654321"})
	phone2.BaseVersion = 2
	if r := mustPush(t, s, f, phone2); r[0].Status != syncproto.StatusApplied {
		t.Fatalf("the full copy's write: %+v", r[0])
	}
	got, _ := pulledByID(t, s, a, nil)
	if fieldString(got[x], "consumer_phone") != "0987654321" || fieldString(got[x], "sector") != "vien_thong_internet" ||
		fieldString(got[x], "consumer_name") != "Lê Thị Hạnh Phúc" {
		t.Fatalf("the commune's case: %v", got[x].Fields)
	}
	// The limited device gets its own record whole, the commune's limited.
	got, _ = pulledByID(t, s, p, nil)
	if got[own].Limited || fieldString(got[own], "consumer_phone") != "0901111333" {
		t.Fatalf("the province's own case: %+v", got[own])
	}
	if !got[x].Limited || fieldString(got[x], "sector") != "vien_thong_internet" {
		t.Fatalf("the commune's case: %+v", got[x])
	}
	// A resend of the refused write is answered as before.
	if r := mustPush(t, s, p, phone); r[0].Status != syncproto.StatusRejected || r[0].Code != syncproto.CodeForbidden {
		t.Fatalf("resend: %+v", r[0])
	}
}

// The copy is the device's: a commune's device has none to set, the change
// is in the device's history, and the device's next pull starts the
// communes again (its cursors' epoch is no longer its copy's).
func TestProvinceCopy_SetFullCopy(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	ctx := context.Background()
	a := MustEnroll(t, s, "28261")
	p := MustEnroll(t, s, syncproto.ScopeProvince)
	x := app.NewID()
	mustPush(t, s, a, mut(x, "28261", hlc(1), map[string]any{"id": x, "unit_code": "28261", "consumer_name": "Lê Thị Hạnh Phúc"}))
	if _, err := s.SetFullCopy(ctx, a.ID, true); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a commune's device: %v", err)
	}
	if _, err := s.SetFullCopy(ctx, app.NewID(), true); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("an unknown device: %v", err)
	}
	got, cursors := pulledByID(t, s, p, nil)
	if !got[x].Limited {
		t.Fatal("not limited by default")
	}
	if changed, err := s.SetFullCopy(ctx, p.ID, true); err != nil || !changed {
		t.Fatalf("full: %v %v", changed, err)
	}
	if changed, err := s.SetFullCopy(ctx, p.ID, true); err != nil || changed {
		t.Fatalf("full again: %v %v", changed, err)
	}
	resp := mustPull(t, s, p, syncproto.PullRequest{Cursors: cursors})
	reset := false
	for _, pg := range resp.Scopes {
		if pg.Scope == "28261" {
			reset = pg.Reset
			for _, r := range pg.Records {
				if r.ID == x && (r.Limited || fieldString(r, "consumer_name") == "") {
					t.Fatalf("the full copy: %+v", r)
				}
			}
		}
	}
	if !reset {
		t.Fatalf("the commune's scope did not start again: %+v", resp.Scopes)
	}
	if _, err := s.SetFullCopy(ctx, p.ID, false); err != nil {
		t.Fatal(err)
	}
	devs, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		if d.ID == p.ID && d.FullCopy {
			t.Fatal("still the full copy")
		}
	}
	evs, err := s.DeviceEvents(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range evs {
		names = append(names, e.Event)
	}
	if strings.Join(names, " ") != "enrolled full_copy limited_copy" {
		t.Fatalf("events: %v", names)
	}
}

// A database upgraded from a version without the province's copy lists,
// when it opens, the cases referred to a provincial body and the records
// a provincial device made, from the records it holds.
func TestProvinceCopy_FilledFromRecordsStoredBefore(t *testing.T) {
	clock := newTestClock()
	s, path := MustOpen(t, clock)
	a := MustEnroll(t, s, "28261")
	p := MustEnroll(t, s, syncproto.ScopeProvince)
	x, y, own := app.NewID(), app.NewID(), app.NewID()
	mustPush(t, s, a,
		mut(x, "28261", hlc(1), map[string]any{"id": x, "unit_code": "28261", "consumer_name": "Lê Thị Hạnh Phúc"}),
		stepMut(app.NewID(), x, "28261", app.EventReferred, "sct", "", 2),
		mut(y, "28261", hlc(3), map[string]any{"id": y, "unit_code": "28261", "consumer_name": "Trần Văn Tâm"}))
	mustPush(t, s, p, mut(own, "28261", hlc(4), map[string]any{"id": own, "unit_code": "28261", "consumer_name": "Phạm Minh Khôi"}))
	// As before the table existed.
	for _, q := range []string{`DELETE FROM province_held`, `DELETE FROM meta WHERE key = 'province_held_filled'`} {
		if _, err := s.RawDB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err := serverstore.Open(context.Background(), path, serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetRefs(mustTestRefs(t))
	got, _ := pulledByID(t, s, MustEnroll(t, s, syncproto.ScopeProvince), nil)
	if got[x].Limited || !got[y].Limited || got[own].Limited {
		t.Fatalf("limited: referred %v, other %v, the province's own %v", got[x].Limited, got[y].Limited, got[own].Limited)
	}
}

// Two laptops of a commune write a consumer's phone concurrently: the
// conflict record reaches the limited provincial device without the two
// phones; a conflict over a field that is not personal comes whole.
func TestProvinceCopy_ConflictOverAPersonalFieldLimited(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	a, b := MustEnroll(t, s, "28261"), MustEnroll(t, s, "28261")
	p := MustEnroll(t, s, syncproto.ScopeProvince)
	x := app.NewID()
	mustPush(t, s, a, mut(x, "28261", hlc(1), map[string]any{"id": x, "unit_code": "28261", "consumer_phone": "0912345678",
		"business_name": "Cửa hàng A"}))
	mustPush(t, s, b, mut(x, "28261", hlc(2), map[string]any{"consumer_phone": "0987654321", "business_name": "Cửa hàng B"}))
	got, _ := pulledByID(t, s, p, nil)
	conflicts := map[string]syncproto.Record{}
	for _, r := range got {
		if r.Entity == app.EntityConflict {
			conflicts[fieldString(r, "field")] = r
		}
	}
	phone, business := conflicts["consumer_phone"], conflicts["business_name"]
	if !phone.Limited || phone.Fields["kept_value"] != nil || phone.Fields["other_value"] != nil || fieldString(phone, "record_id") != x {
		t.Fatalf("the conflict over the phone: %+v", phone)
	}
	if business.Limited || business.Fields["kept_value"] == nil {
		t.Fatalf("the conflict over the business: %+v", business)
	}
}
