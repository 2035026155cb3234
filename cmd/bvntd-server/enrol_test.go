package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/storage"
	"bvntd/storage/pgtest"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// The enrolment takeover of issue 16, played with real laptops against a
// real server: the server, not the request, decides a device's id; an id
// that exists keeps its device (its token, or the operator's allowance);
// a revocation is final; writes are the authenticated device's.

// enrolByHand sends an enrolment request as a client that writes what it
// likes: a new code for scope, the device id id, the bearer token ("" for
// none). It returns the status and the answer.
func enrolByHand(t *testing.T, srv *fieldServer, scope, id, token string, adopts bool) (int, syncproto.EnrollResponse) {
	t.Helper()
	code, _, err := srv.store.CreateEnrolCode(context.Background(), scope, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := &hostile{t: t, srv: srv, token: token}
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: code, DeviceID: id, DeviceTag: "KE01", AppVersion: cli.AppVersion,
		AdoptsDeviceID: adopts})
	status, b := h.post(syncproto.PathEnroll, body, nil)
	var resp syncproto.EnrollResponse
	if status == http.StatusOK {
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Fatalf("enrol answer: %v %s", err, b)
		}
	}
	return status, resp
}

// deviceOf returns the server's row of a device.
func (s *fieldServer) deviceOf(id string) (scope, tag string, revoked bool) {
	s.t.Helper()
	devs, err := s.store.Devices(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	for _, d := range devs {
		if d.ID == id {
			return d.Scope, d.Tag, d.Revoked()
		}
	}
	s.t.Fatalf("no device %s on the server", id)
	return "", "", false
}

// TestTakeover_CodeOfAnotherCommuneAndAnID: the reproduction. A
// fresh code for commune 29905 and laptop A's id (seen in a conflict
// record, or the log): the server answers with a new id; A keeps its id,
// commune, tag and token, and syncs on; the attacker's device writes
// nothing into A's commune.
func TestTakeover_CodeOfAnotherCommuneAndAnID(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	x := a.newCase("Trần Thị Bị Mạo Danh")
	a.mustSync()
	aID := a.db.DeviceID()
	_, aTag, _ := srv.deviceOf(aID)
	aToken := mustEnrollment(t, a.db).Token

	// An older app's request (it would keep the id) is refused outright.
	if status, _ := enrolByHand(t, srv, "29905", aID, "", false); status != http.StatusUpgradeRequired {
		t.Fatalf("takeover as an older app: %d, want 426", status)
	}
	status, resp := enrolByHand(t, srv, "29905", aID, "", true)
	if status != http.StatusOK || resp.DeviceID == aID || !app.ValidID(resp.DeviceID) || resp.Scope != "29905" {
		t.Fatalf("takeover: %d %+v; want 200 and a new id", status, resp)
	}
	if scope, tag, revoked := srv.deviceOf(aID); scope != "28261" || tag != aTag || revoked {
		t.Fatalf("A after the attempt: %s %s revoked %v", scope, tag, revoked)
	}
	if id, scope, err := srv.store.Authenticate(context.Background(), aToken); err != nil || id != aID || scope != "28261" {
		t.Fatalf("A's token after the attempt: %s %s %v", id, scope, err)
	}
	// A goes on working.
	clock.Advance(time.Minute)
	a.edit(x.ID, func(c *app.Case) { c.Summary = "Sau lần thử chiếm mã thiết bị" })
	a.newCase("Vẫn Đồng Bộ")
	a.mustSync()
	// The attacker's token is its own device's, of 29905: A's case is out
	// of its reach.
	h := &hostile{t: t, srv: srv, id: resp.DeviceID, token: resp.Token, scope: "29905"}
	m := h.newMutation(`{"summary":"ghi đè"}`)
	m.RecordID, m.Scope = x.ID, "28261"
	if got := h.push(m); got != "rejected:forbidden" {
		t.Fatalf("the attacker writing A's case: %s", got)
	}
	// A body naming A is refused, not taken as A.
	if got := h.answer(h.post(syncproto.PathPush, []byte(`{"device_id":"`+aID+`","mutations":[]}`), nil)); got != "403 forbidden" {
		t.Fatalf("the attacker pushing as A: %s", got)
	}
	sameDump(t, "A", a.dump(), srv.dumpScope("28261"))
}

// TestRevokedID_StaysRevokedWhateverTheCode: a revoked laptop's id, with
// its token or without, with a code of its commune, another or the
// province, never comes back; the laptop that enrols again with a new
// code gets a new id and sends what it kept.
func TestRevokedID_StaysRevokedWhateverTheCode(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	a.newCase("Trước Thu Hồi")
	a.mustSync()
	old, oldToken := a.db.DeviceID(), mustEnrollment(t, a.db).Token
	srv.cmd("revoke", "--db", srv.path, "--device", old)

	for _, scope := range []string{"28261", "29905", syncproto.ScopeProvince} {
		for _, token := range []string{"", oldToken} {
			status, resp := enrolByHand(t, srv, scope, old, token, true)
			if status != http.StatusOK || resp.DeviceID == old {
				t.Fatalf("code for %s, token %v: %d %s; want a new id", scope, token != "", status, resp.DeviceID)
			}
		}
	}
	if _, _, err := runAt(t, srv.clock.Now, "allow-reenrol", "--db", srv.path, "--device", old); app.ErrorCode(err) != app.EFORBIDDEN ||
		!strings.Contains(app.ErrorMessage(err), "thu hồi") {
		t.Fatalf("allow-reenrol of a revoked id: %v", err)
	}
	if _, _, revoked := srv.deviceOf(old); !revoked {
		t.Fatal("the revoked id is live again")
	}
	if _, _, err := srv.store.Authenticate(context.Background(), oldToken); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Fatalf("the revoked token: %v", err)
	}

	// The officer gets a new code: the laptop gets a new id, keeps its
	// outbox, and sends it.
	a.newCase("Sau Thu Hồi")
	a.enroll(srv, "28261")
	if a.db.DeviceID() == old || !app.ValidID(a.db.DeviceID()) {
		t.Fatalf("the re-enrolled laptop's id: %s", a.db.DeviceID())
	}
	a.mustSync()
	if _, _, revoked := srv.deviceOf(old); !revoked {
		t.Fatal("the revoked id is live again")
	}
	assertConverged(t, srv, a)
}

// TestReenrol_MoveWithTokenOrOperatorAllowance: the two ways an existing
// id enrols again. A laptop moving to another commune sends its token and
// keeps its id; a laptop that lost its token keeps its id only after the
// operator's `allow-reenrol --device ID`, recorded in the device's
// history.
func TestReenrol_MoveWithTokenOrOperatorAllowance(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	id := a.db.DeviceID()
	oldToken := mustEnrollment(t, a.db).Token

	a.enroll(srv, "29905") // the laptop goes to another commune
	if a.db.DeviceID() != id {
		t.Fatalf("moved laptop's id %s, want %s", a.db.DeviceID(), id)
	}
	if scope, _, _ := srv.deviceOf(id); scope != "29905" {
		t.Fatalf("moved laptop's scope on the server: %s", scope)
	}
	if _, _, err := srv.store.Authenticate(context.Background(), oldToken); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Fatalf("the token before the move: %v", err)
	}
	a.mustSync()

	// The token is lost (here: cleared; a restored copy without it).
	if err := a.db.SetEnrollment(context.Background(), app.Enrollment{}); err != nil {
		t.Fatal(err)
	}
	// Without the operator: a new id.
	if status, resp := enrolByHand(t, srv, "29905", id, "", true); status != http.StatusOK || resp.DeviceID == id {
		t.Fatalf("without the allowance: %d %s", status, resp.DeviceID)
	}
	_, out, err := runAt(t, srv.clock.Now, "allow-reenrol", "--db", srv.path, "--device", id, "--ttl", "2h")
	if err != nil || !strings.Contains(out, id) {
		t.Fatalf("allow-reenrol: %v %q", err, out)
	}
	a.enroll(srv, "29905")
	if a.db.DeviceID() != id {
		t.Fatalf("allowed laptop's id %s, want %s", a.db.DeviceID(), id)
	}
	a.newCase("Sau Khi Đăng Ký Lại")
	a.mustSync()
	// The allowance was used up.
	if status, resp := enrolByHand(t, srv, "29905", id, "", true); status != http.StatusOK || resp.DeviceID == id {
		t.Fatalf("a second use of the allowance: %d %s", status, resp.DeviceID)
	}
	ev, err := srv.store.DeviceEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ev {
		got = append(got, e.Event+":"+e.Scope)
	}
	if strings.Join(got, " ") != "enrolled:28261 moved:29905 reenrol_allowed:29905 reenrolled:29905" {
		t.Fatalf("history %v", got)
	}
}

// TestInsiderOverwrite_ConflictAndReachesA: the insider variant. An
// officer of A's own commune enrols a laptop claiming A's id and edits A's
// case. The laptop gets its own id, so the merge sees two devices: the
// field both changed is a conflict record, and the changes reach A on its
// next sync (before, they were A's own writes, skipped by A's pulls).
func TestInsiderOverwrite_ConflictAndReachesA(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	x := a.newCase("Phạm Văn Bị Ghi Đè")
	a.mustSync()

	// The insider's laptop: a real store and client, whose store claims
	// A's id when it enrols.
	b := newIdleLaptop(t, srv, "28261", 0)
	b.client.Store = claimingStore{DB: b.db, id: a.db.DeviceID()}
	b.enroll(srv, "28261")
	b.client.Store = b.db
	if b.db.DeviceID() == a.db.DeviceID() {
		t.Fatal("the insider's laptop took A's id")
	}
	b.mustSync()

	// A edits the summary offline; the insider, later, the summary and
	// the phone.
	clock.Advance(time.Minute)
	a.edit(x.ID, func(c *app.Case) { c.Summary = "Bản của cán bộ A" })
	clock.Advance(time.Minute)
	b.edit(x.ID, func(c *app.Case) { c.Summary = "Bản của người ghi đè"; c.ConsumerPhone = "0987654321" })
	b.mustSync()
	a.mustSync()
	b.mustSync()

	got := a.get(x.ID)
	if got.Summary != "Bản của người ghi đè" || got.ConsumerPhone != "0987654321" {
		t.Fatalf("A did not receive the insider's change: summary %q phone %q", got.Summary, got.ConsumerPhone)
	}
	for name, l := range map[string]*laptop{"A": a, "insider": b} {
		cs := l.openConflicts()
		if len(cs) != 1 || cs[0].Field != "summary" || cs[0].RecordID != x.ID ||
			string(cs[0].KeptValue) != `"Bản của người ghi đè"` || string(cs[0].OtherValue) != `"Bản của cán bộ A"` {
			t.Fatalf("%s: conflicts %+v, want one on the summary keeping the later value", name, cs)
		}
	}
	assertConverged(t, srv, a, b)
}

// claimingStore is a laptop's store that says it is another device.
type claimingStore struct {
	*storage.DB
	id string
}

func (s claimingStore) DeviceID() string { return s.id }

func mustEnrollment(t *testing.T, db *storage.DB) app.Enrollment {
	t.Helper()
	e, err := db.Enrollment(context.Background())
	if err != nil || e.Token == "" {
		t.Fatalf("enrolment: %+v %v", e, err)
	}
	return e
}

// TestServe_WarnsWithoutTLSOutsideLoopback: `serve` on an address other
// than loopback without TLS says so in its log at start; on loopback, or
// with TLS, it does not.
func TestServe_WarnsWithoutTLSOutsideLoopback(t *testing.T) {
	db := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	serve := func(addr string) string {
		t.Helper()
		var out, errOut syncBuffer
		m := NewMain(clocktest.AtToday(t).Now)
		m.Stdout, m.Stderr = &out, &errOut
		if err := m.ParseFlags([]string{"serve", "--db", db, "--addr", addr}); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			t.Fatalf("serve --addr %s: %v", addr, err)
		}
		m.Close()
		return errOut.String()
	}
	if log := serve("127.0.0.1:0"); strings.Contains(log, "không mã hóa") {
		t.Fatalf("a loopback server warned: %s", log)
	}
	log := serve("0.0.0.0:0")
	var line struct {
		Level, Msg, Addr string
	}
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "không mã hóa") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatalf("warning is not a log line: %q", l)
			}
		}
	}
	if line.Level != "WARN" || !strings.Contains(line.Msg, "--tls-cert") {
		t.Fatalf("serve on 0.0.0.0 without TLS: log %q", log)
	}
}
