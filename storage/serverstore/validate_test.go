package serverstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"

	"golang.org/x/text/unicode/norm"
)

// These tests are the server's side of issue 15: every value of every
// mutation is checked with the validator of the laptop's forms, a scope
// before anything else, tags unique in a commune, commune codes from the
// catalogue.

// rawMut is mut with its fields as JSON text, as a hostile client may send
// them.
func rawMut(recordID, scope string, h app.HLC, kv ...string) syncproto.Mutation {
	m := mut(recordID, scope, h, nil)
	for i := 0; i < len(kv); i += 2 {
		m.Fields[kv[i]] = json.RawMessage(kv[i+1])
	}
	return m
}

// The reproductions of the issue, and raw invalid UTF-8, are refused at
// push, each alone; the rest of the batch goes on, and nothing of them is
// stored.
func TestPush_PoisonRefused(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	good := mut(app.NewID(), "28261", hlc(1), map[string]any{"summary": "Hàng giả"})
	bad := []syncproto.Mutation{
		rawMut(app.NewID(), "28261", hlc(2), "transaction_value", `1e999`),
		rawMut(app.NewID(), "28261", hlc(3), "status", `12345`, "voided", `"yes"`),
		rawMut(app.NewID(), "28261", hlc(4), "summary", `"`+strings.Repeat("<", 6<<20)+`"`),
		rawMut(app.NewID(), "28261", hlc(5), "summary", "\"H\xe0ng gi\xe1\""),
	}
	res := mustPush(t, s, d, append([]syncproto.Mutation{good}, bad...)...)
	want := []string{"applied", "rejected:invalid_value", "rejected:invalid_value", "rejected:too_large", "rejected:invalid_value"}
	if got := statuses(res); !equal(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	for _, r := range res[1:] {
		if !strings.HasPrefix(r.Message, "Máy chủ tỉnh không nhận thay đổi này") {
			t.Errorf("message %q", r.Message)
		}
	}
	for _, m := range bad {
		if _, ok := recordOf(t, s, d, "28261", m.RecordID); ok {
			t.Errorf("refused mutation %s stored its record", m.ID)
		}
	}
	// The audit keeps the refusals, the 6 MB one without its content.
	var n int
	if err := s.RawDB().QueryRow(s.Bind(`SELECT length(payload) FROM applied_mutations WHERE mutation_id = ?`), bad[2].ID).Scan(&n); err != nil || n > 1000 {
		t.Fatalf("audit of the 6 MB mutation: %d bytes, %v", n, err)
	}
	// Resent, each gets the same answer.
	if got := statuses(mustPush(t, s, d, bad...)); !equal(got, want[1:]) {
		t.Fatalf("resent: %v", got)
	}
}

// A mutation's scope is checked before its id is looked up: a device of
// another commune resending a mutation learns nothing of it, and a device
// reusing another's mutation id is told no more than "id reused".
func TestPush_ScopeBeforeDuplicate(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	a := MustEnroll(t, s, "28261")
	b := MustEnroll(t, s, "29905")
	m := mut(app.NewID(), "28261", hlc(1), map[string]any{"summary": "Của xã A"})
	mustPush(t, s, a, m)

	// B replays A's mutation: refused as a write into another commune, as
	// any such write, not "duplicate".
	res := mustPush(t, s, b, m)
	if got := statuses(res); !equal(got, []string{"rejected:forbidden"}) {
		t.Fatalf("replay by another commune = %v", got)
	}
	// B uses A's mutation id for a write of its own: id_reuse, whatever the
	// content, and nothing of A's mutation changes.
	own := mut(app.NewID(), "29905", hlc(2), map[string]any{"summary": "Của xã B"})
	own.ID = m.ID
	res = mustPush(t, s, b, own)
	if got := statuses(res); !equal(got, []string{"rejected:id_reuse"}) {
		t.Fatalf("another device's id = %v", got)
	}
	var device, status string
	if err := s.RawDB().QueryRow(s.Bind(`SELECT device_id, status FROM applied_mutations WHERE mutation_id = ?`), m.ID).Scan(&device, &status); err != nil ||
		device != a.ID || status != syncproto.StatusApplied {
		t.Fatalf("audit of A's mutation: %s %s %v", device, status, err)
	}
	// A's own resend is still a duplicate.
	if got := statuses(mustPush(t, s, a, m)); !equal(got, []string{"duplicate"}) {
		t.Fatalf("A resends = %v", got)
	}
}

func TestPush_CommuneFromTheCatalogue(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	prov := MustEnroll(t, s, syncproto.ScopeProvince)
	res := mustPush(t, s, prov, mut(app.NewID(), "99999", hlc(1), map[string]any{"summary": "xã không có"}))
	if got := statuses(res); !equal(got, []string{"rejected:invalid"}) || !strings.Contains(res[0].Message, "99999") {
		t.Fatalf("push into a commune not in the catalogue = %v %q", got, res[0].Message)
	}
	res = mustPush(t, s, prov, rawMut(app.NewID(), "28261", hlc(2), "consumer_unit_code", `"99999"`))
	if got := statuses(res); !equal(got, []string{"rejected:invalid_value"}) {
		t.Fatalf("a consumer's commune not in the catalogue = %v", got)
	}
}

// A laptop whose clock is ahead has the dates its forms accepted taken:
// the server checks them against the later of the two clocks.
func TestPush_DeviceClockAheadTolerated(t *testing.T) {
	clock := newTestClock()
	s, _ := MustOpen(t, clock)
	d := MustEnroll(t, s, "28261")
	ahead := clock.Now().AddDate(10, 0, 0)
	m := rawMut(app.NewID(), "28261", app.HLC{Wall: ahead.UnixMilli()},
		"received_at", `"`+ahead.Add(-time.Hour).UTC().Format(time.RFC3339)+`"`)
	push := func(deviceNow time.Time, m syncproto.Mutation) syncproto.PushResult {
		t.Helper()
		req := syncproto.PushRequest{Mutations: []syncproto.Mutation{m}}
		if !deviceNow.IsZero() {
			req.DeviceNowMS = deviceNow.UnixMilli()
		}
		res, err := s.ApplyPush(context.Background(), d.ID, req)
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	if r := push(ahead, m); r.Status != syncproto.StatusApplied {
		t.Fatalf("a date of a laptop ten years ahead: %+v", r)
	}
	m2 := m
	m2.ID, m2.RecordID = app.NewID(), app.NewID()
	if r := push(time.Time{}, m2); r.Code != syncproto.CodeInvalidValue {
		t.Fatalf("the same date without the device's clock: %+v", r)
	}
	// A few minutes of drift past both clocks are tolerated.
	m3 := rawMut(app.NewID(), "28261", hlc(3), "received_at", `"`+clock.Now().Add(24*time.Hour+time.Minute).UTC().Format(time.RFC3339)+`"`)
	if r := push(time.Time{}, m3); r.Status != syncproto.StatusApplied {
		t.Fatalf("a minute of drift: %+v", r)
	}
}

// Text is stored in NFC; a device whose value the server changed gets the
// record back even though it wrote every field.
func TestPush_NFCStoredAndSentBack(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	nfc, nfd := app.NewID(), app.NewID()
	mustPush(t, s, d,
		mut(nfc, "28261", hlc(1), map[string]any{"consumer_name": "Nguyễn Thị Đào"}),
		mut(nfd, "28261", hlc(2), map[string]any{"consumer_name": norm.NFD.String("Nguyễn Thị Đào")}))
	r, _ := recordOf(t, s, d, "28261", nfd)
	if got := string(r.Fields["consumer_name"]); got != `"Nguyễn Thị Đào"` {
		t.Fatalf("stored %s, want NFC", got)
	}
	resp := mustPull(t, s, d, syncproto.PullRequest{SkipOwn: true})
	var got []string
	for _, p := range resp.Scopes {
		for _, r := range p.Records {
			got = append(got, r.ID)
		}
	}
	if len(got) != 1 || got[0] != nfd {
		t.Fatalf("records sent back to their writer = %v, want only the normalised one %s", got, nfd)
	}
}

// The audit trail takes whatever a refused mutation carries, on both
// engines: a NUL, a huge officer name, text that is not UTF-8.
func TestPush_HostileAuditFields(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	m1 := mut(app.NewID(), "28261", hlc(1), map[string]any{"summary": "a"})
	m1.Entity = "case\x00"
	m2 := mut(app.NewID(), "28261", hlc(2), map[string]any{"summary": "b"})
	m2.Officer = strings.Repeat("Ô", 100_000)
	m3 := mut(app.NewID(), "28261", hlc(3), map[string]any{"summary": "c"})
	m3.Officer = "Cán bộ\x00"
	m4 := rawMut(app.NewID(), "28261", hlc(4), "summary", "\"\xff\\u0000\"")
	m5 := mut("not-a-uuid\x00\xff", "28261", hlc(5), map[string]any{"summary": "d"})
	res := mustPush(t, s, d, m1, m2, m3, m4, m5)
	want := []string{"rejected:invalid", "rejected:invalid_value", "rejected:invalid_value", "rejected:invalid_value", "rejected:invalid"}
	if got := statuses(res); !equal(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
}

func TestEnroll_TagUniqueInCommune(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, newTestClock())
	// enrol enrols a device into scope asking for tag: a new one (token
	// ""), or the device of token enrolling again.
	enrol := func(scope, token, tag string) syncproto.EnrollResponse {
		t.Helper()
		code, _, err := s.CreateEnrolCode(ctx, scope, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := s.EnrollDevice(ctx, token, syncproto.EnrollRequest{Code: code, DeviceTag: tag, AppVersion: "test", AdoptsDeviceID: true})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	first := enrol("28261", "", "A7K3")
	if first.DeviceTag != "A7K3" {
		t.Fatalf("first device's tag = %q", first.DeviceTag)
	}
	second := enrol("28261", "", "A7K3")
	assigned := second.DeviceTag
	if assigned == "A7K3" || !app.ValidDeviceTag(assigned) {
		t.Fatalf("second device of the commune asking for a taken tag got %q", assigned)
	}
	// The same answer on every attempt (re-enrolling with its token).
	again := enrol("28261", second.Token, "A7K3")
	if again.DeviceTag != assigned || again.DeviceID != second.DeviceID {
		t.Fatalf("re-enrolled: %q %s, then %q %s", assigned, second.DeviceID, again.DeviceTag, again.DeviceID)
	}
	// Once adopted, the tag stays.
	if got := enrol("28261", again.Token, assigned).DeviceTag; got != assigned {
		t.Fatalf("re-enrolled with the assigned tag: %q", got)
	}
	// Another commune may have it; a provincial device, which writes
	// everywhere, may not.
	if got := enrol("29905", "", "A7K3").DeviceTag; got != "A7K3" {
		t.Fatalf("another commune: %q", got)
	}
	if got := enrol(syncproto.ScopeProvince, "", "A7K3").DeviceTag; got == "A7K3" {
		t.Fatal("a provincial device took a commune's tag")
	}
	// The first device keeps its tag on enrolling again.
	if got := enrol("28261", first.Token, "A7K3"); got.DeviceTag != "A7K3" || got.DeviceID != first.DeviceID {
		t.Fatalf("first device re-enrolled: %q %s", got.DeviceTag, got.DeviceID)
	}
}

func TestEnrol_CommuneFromTheCatalogue(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, newTestClock())
	s.SetRefs(nil) // the seeds
	for _, scope := range []string{"99999", "28262"} {
		if _, _, err := s.CreateEnrolCode(ctx, scope, time.Hour); !isAppCode(err, app.EINVALID) || !strings.Contains(app.ErrorMessage(err), scope) {
			t.Errorf("code for %s: %v", scope, err)
		}
	}
	// A code an older server made for a commune not in the catalogue.
	code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RawDB().Exec(s.Bind(`UPDATE enrol_codes SET scope = ?`), "28262"); err != nil {
		t.Fatal(err)
	}
	_, err = s.EnrollDevice(ctx, "", syncproto.EnrollRequest{Code: code, DeviceTag: "A7K3", AdoptsDeviceID: true})
	if !isAppCode(err, app.EINVALID) {
		t.Fatalf("enrolling with an old code for 28262: %v", err)
	}
}

var _ = serverstore.ValidScope
