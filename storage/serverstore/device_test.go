package serverstore_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncproto"
)

func TestCreateEnrolCode(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	s, _ := MustOpen(t, clock)
	t.Run("Format", func(t *testing.T) {
		code, exp, err := s.CreateEnrolCode(ctx, "28261", 72*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != 12 || code[4] != '-' || code[9] != '-' {
			t.Fatalf("code %q: want XXXX-XXXX-XX", code)
		}
		if strings.ContainsAny(code, "ILOU") || strings.ToUpper(code) != code {
			t.Fatalf("code %q: want upper-case Crockford base32", code)
		}
		if d := exp.Sub(clock.Peek()); d < 71*time.Hour || d > 73*time.Hour {
			t.Fatalf("expires in %v, want 72h", d)
		}
	})
	t.Run("ErrBadScope", func(t *testing.T) {
		for _, scope := range []string{"", "2826", "282611", "abcde", "Province", "all"} {
			if _, _, err := s.CreateEnrolCode(ctx, scope, time.Hour); !isAppCode(err, app.EINVALID) {
				t.Errorf("scope %q: err = %v, want invalid", scope, err)
			}
		}
	})
	t.Run("Province", func(t *testing.T) {
		if _, _, err := s.CreateEnrolCode(ctx, syncproto.ScopeProvince, time.Hour); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrBadTTL", func(t *testing.T) {
		for _, ttl := range []time.Duration{0, -time.Hour, 31 * 24 * time.Hour} {
			if _, _, err := s.CreateEnrolCode(ctx, "28261", ttl); !isAppCode(err, app.EINVALID) {
				t.Errorf("ttl %v: err = %v, want invalid", ttl, err)
			}
		}
	})
}

func TestEnroll(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	s, _ := MustOpen(t, clock)

	t.Run("CodeSingleUse", func(t *testing.T) {
		code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		id := app.NewID()
		token, scope, err := enrollNew(ctx, s, syncproto.EnrollRequest{Code: code, DeviceID: id, DeviceTag: "A7K3"})
		if err != nil {
			t.Fatal(err)
		}
		if scope != "28261" || len(token) != 43 {
			t.Fatalf("scope %q, token length %d; want 28261, 43", scope, len(token))
		}
		_, _, err = enrollNew(ctx, s, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "B2"})
		if !isAppCode(err, app.EUNAUTHORIZED) || !strings.Contains(app.ErrorMessage(err), "đã được sử dụng") {
			t.Fatalf("second use: err = %v, want unauthorized 'đã được sử dụng'", err)
		}
	})
	t.Run("ErrExpiredCode", func(t *testing.T) {
		code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		_, _, err = enrollNew(ctx, s, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7K3"})
		if !isAppCode(err, app.EUNAUTHORIZED) || !strings.Contains(app.ErrorMessage(err), "hết hạn") {
			t.Fatalf("err = %v, want unauthorized 'hết hạn'", err)
		}
	})
	t.Run("ErrUnknownCode", func(t *testing.T) {
		for _, code := range []string{"", "0000-0000-00", "not a code", "K7QM-3XPA-9D-EXTRA"} {
			_, _, err := enrollNew(ctx, s, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7K3"})
			if !isAppCode(err, app.EUNAUTHORIZED) {
				t.Errorf("code %q: err = %v, want unauthorized", code, err)
			}
		}
	})
	t.Run("CodeAsTyped", func(t *testing.T) {
		code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		typed := " " + strings.ToLower(strings.ReplaceAll(code, "-", " ")) + " "
		typed = strings.NewReplacer("0", "o", "1", "l").Replace(typed)
		if _, _, err := enrollNew(ctx, s, syncproto.EnrollRequest{Code: typed, DeviceID: app.NewID(), DeviceTag: "a7k3"}); err != nil {
			t.Fatalf("code typed as %q: %v", typed, err)
		}
	})
	t.Run("ErrBadDevice", func(t *testing.T) {
		code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = enrollNew(ctx, s, syncproto.EnrollRequest{Code: code, DeviceID: "laptop-1", DeviceTag: "A7-!"})
		if !isAppCode(err, app.EINVALID) {
			t.Fatalf("err = %v, want invalid", err)
		}
		fe := app.FieldErrors(err)
		if fe["device_id"] == "" || fe["device_tag"] == "" {
			t.Fatalf("field errors = %v, want device_id and device_tag", fe)
		}
		// A failed enrolment does not use up the code.
		if _, _, err := enrollNew(ctx, s, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7"}); err != nil {
			t.Fatalf("code after a failed enrolment: %v", err)
		}
	})
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, clocktest.AtToday(t))
	d := MustEnroll(t, s, "28261")

	id, scope, err := s.Authenticate(ctx, d.Token)
	if err != nil || id != d.ID || scope != "28261" {
		t.Fatalf("Authenticate = %q, %q, %v; want %q, 28261", id, scope, err, d.ID)
	}
	for _, bad := range []string{"", "x", d.Token + "x", strings.ToUpper(d.Token)} {
		if _, _, err := s.Authenticate(ctx, bad); !isAppCode(err, app.EUNAUTHORIZED) {
			t.Errorf("token %q: err = %v, want unauthorized", bad, err)
		}
	}

	t.Run("Revoked", func(t *testing.T) {
		if err := s.Revoke(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, d.Token); !isAppCode(err, app.EUNAUTHORIZED) {
			t.Fatalf("revoked: err = %v, want unauthorized", err)
		}
		if _, err := s.ApplyPush(ctx, d.ID, syncproto.PushRequest{}); !isAppCode(err, app.EUNAUTHORIZED) {
			t.Fatalf("push by revoked: err = %v, want unauthorized", err)
		}
		if _, err := s.Pull(ctx, d.ID, syncproto.PullRequest{}); !isAppCode(err, app.EUNAUTHORIZED) {
			t.Fatalf("pull by revoked: err = %v, want unauthorized", err)
		}
		if err := s.Revoke(ctx, app.NewID()); !isAppCode(err, app.ENOTFOUND) {
			t.Fatalf("revoke unknown: err = %v, want not_found", err)
		}
	})

	t.Run("RevokedStaysRevoked", func(t *testing.T) {
		// d is revoked above: no code, no token, no allowance brings its
		// id back.
		for _, scope := range []string{"28261", "29905", syncproto.ScopeProvince} {
			code, _, err := s.CreateEnrolCode(ctx, scope, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := s.EnrollDevice(ctx, d.Token, syncproto.EnrollRequest{Code: code, DeviceID: d.ID, DeviceTag: "A7K3", AdoptsDeviceID: true})
			if err != nil {
				t.Fatal(err)
			}
			if resp.DeviceID == d.ID || !app.ValidID(resp.DeviceID) {
				t.Fatalf("code for %s with the revoked id and token: got id %s, want a new one", scope, resp.DeviceID)
			}
		}
		if _, err := s.AllowReenrol(ctx, d.ID, time.Hour); !isAppCode(err, app.EFORBIDDEN) {
			t.Fatalf("allow-reenrol of a revoked device: %v, want forbidden", err)
		}
		if _, _, err := s.Authenticate(ctx, d.Token); !isAppCode(err, app.EUNAUTHORIZED) {
			t.Fatalf("revoked token: %v", err)
		}
		devs, err := s.Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, dev := range devs {
			if dev.ID == d.ID && (!dev.Revoked() || dev.Scope != "28261") {
				t.Fatalf("revoked device now %+v", dev)
			}
		}
	})
}

// TestEnroll_IdentityRules: the server, not the request, decides which
// device enrols (issue 16).
func TestEnroll_IdentityRules(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	s, _ := MustOpen(t, clock)
	code := func(scope string) string {
		t.Helper()
		c, _, err := s.CreateEnrolCode(ctx, scope, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	enrol := func(token string, req syncproto.EnrollRequest) (syncproto.EnrollResponse, error) {
		req.DeviceTag, req.AppVersion = "A7K3", "test"
		return s.EnrollDevice(ctx, token, req)
	}
	authenticates := func(token, id, scope string) {
		t.Helper()
		if gotID, gotScope, err := s.Authenticate(ctx, token); err != nil || gotID != id || gotScope != scope {
			t.Fatalf("token: %q %q %v; want %s in %s", gotID, gotScope, err, id, scope)
		}
	}

	t.Run("NewIDWhateverTheRequestSays", func(t *testing.T) {
		asked := app.NewID()
		resp, err := enrol("", syncproto.EnrollRequest{Code: code("28261"), DeviceID: asked, AdoptsDeviceID: true})
		if err != nil {
			t.Fatal(err)
		}
		if resp.DeviceID == asked || !app.ValidID(resp.DeviceID) {
			t.Fatalf("id %q for a request asking %q: want a new id of the server's", resp.DeviceID, asked)
		}
		authenticates(resp.Token, resp.DeviceID, "28261")
	})

	t.Run("TakeoverGetsANewID", func(t *testing.T) {
		a := MustEnroll(t, s, "28261")
		// A code of another commune, and of A's own (the insider), with
		// A's id: each a new device; A unchanged.
		for _, scope := range []string{"29905", "28261"} {
			resp, err := enrol("", syncproto.EnrollRequest{Code: code(scope), DeviceID: a.ID, AdoptsDeviceID: true})
			if err != nil {
				t.Fatal(err)
			}
			if resp.DeviceID == a.ID {
				t.Fatalf("a code for %s with A's id took A's id", scope)
			}
			authenticates(resp.Token, resp.DeviceID, scope)
		}
		authenticates(a.Token, a.ID, "28261")
		// A token that is not A's current one does not help either.
		resp, err := enrol("forged-"+a.Token, syncproto.EnrollRequest{Code: code("29905"), DeviceID: a.ID, AdoptsDeviceID: true})
		if err != nil || resp.DeviceID == a.ID {
			t.Fatalf("forged token: %s %v", resp.DeviceID, err)
		}
		authenticates(a.Token, a.ID, "28261")
		ev, err := s.DeviceEvents(ctx, a.ID)
		if err != nil || len(ev) != 1 || ev[0].Event != "enrolled" {
			t.Fatalf("A's history: %+v %v", ev, err)
		}
	})

	t.Run("OldAppRefusedCodeKept", func(t *testing.T) {
		c := code("28261")
		_, err := enrol("", syncproto.EnrollRequest{Code: c, DeviceID: app.NewID()})
		if !isAppCode(err, syncproto.CodeUpgradeRequired) || !strings.Contains(app.ErrorMessage(err), "cập nhật") {
			t.Fatalf("request of an app that keeps its own id: %v, want upgrade_required", err)
		}
		if _, err := enrol("", syncproto.EnrollRequest{Code: c, AdoptsDeviceID: true}); err != nil {
			t.Fatalf("the code after the refusal: %v", err)
		}
	})

	t.Run("MoveWithItsToken", func(t *testing.T) {
		a := MustEnroll(t, s, "28261")
		resp, err := enrol(a.Token, syncproto.EnrollRequest{Code: code("29905"), DeviceID: a.ID, AdoptsDeviceID: true})
		if err != nil {
			t.Fatal(err)
		}
		if resp.DeviceID != a.ID || resp.Scope != "29905" || resp.Token == a.Token {
			t.Fatalf("move: %+v", resp)
		}
		if _, _, err := s.Authenticate(ctx, a.Token); !isAppCode(err, app.EUNAUTHORIZED) {
			t.Fatalf("old token after the move: %v", err)
		}
		authenticates(resp.Token, a.ID, "29905")
		// A token names its device: another id in the request is refused.
		other := MustEnroll(t, s, "28261")
		if _, err := enrol(resp.Token, syncproto.EnrollRequest{Code: code("28261"), DeviceID: other.ID, AdoptsDeviceID: true}); !isAppCode(err, app.EFORBIDDEN) {
			t.Fatalf("a token with another device's id: %v, want forbidden", err)
		}
		authenticates(other.Token, other.ID, "28261")
		ev, err := s.DeviceEvents(ctx, a.ID)
		if err != nil || len(ev) != 2 || ev[1].Event != "moved" || ev[1].Scope != "29905" {
			t.Fatalf("history: %+v %v", ev, err)
		}
	})

	t.Run("AfterTheOperatorAllows", func(t *testing.T) {
		a := MustEnroll(t, s, "28261")
		if _, err := s.AllowReenrol(ctx, app.NewID(), time.Hour); !isAppCode(err, app.ENOTFOUND) {
			t.Fatalf("allow an unknown id: %v", err)
		}
		if _, err := s.AllowReenrol(ctx, a.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		resp, err := enrol("", syncproto.EnrollRequest{Code: code("28261"), DeviceID: a.ID, AdoptsDeviceID: true})
		if err != nil || resp.DeviceID != a.ID {
			t.Fatalf("allowed re-enrolment: %s %v, want %s", resp.DeviceID, err, a.ID)
		}
		authenticates(resp.Token, a.ID, "28261")
		// Used up: the next request with the id gets a new one.
		again, err := enrol("", syncproto.EnrollRequest{Code: code("28261"), DeviceID: a.ID, AdoptsDeviceID: true})
		if err != nil || again.DeviceID == a.ID {
			t.Fatalf("second use of an allowance: %s %v", again.DeviceID, err)
		}
		authenticates(resp.Token, a.ID, "28261")
		// An allowance expires.
		b := MustEnroll(t, s, "28261")
		if _, err := s.AllowReenrol(ctx, b.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		late, err := enrol("", syncproto.EnrollRequest{Code: code("28261"), DeviceID: b.ID, AdoptsDeviceID: true})
		if err != nil || late.DeviceID == b.ID {
			t.Fatalf("expired allowance: %s %v", late.DeviceID, err)
		}
		ev, err := s.DeviceEvents(ctx, a.ID)
		if err != nil || len(ev) != 3 || ev[1].Event != "reenrol_allowed" || ev[2].Event != "reenrolled" {
			t.Fatalf("history: %+v %v", ev, err)
		}
	})
}

func TestEnroll_SecretsNotStored(t *testing.T) {
	ctx := context.Background()
	s, path := MustOpen(t, clocktest.AtToday(t))
	code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := enrollNew(ctx, s, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7K3"})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{token, strings.ReplaceAll(code, "-", ""), code}
	if s.IsPostgresStore() { // every row of every table, as text
		var all string
		err := s.RawDB().QueryRow(`SELECT concat_ws(' ',
			(SELECT string_agg(t::text, ' ') FROM devices t), (SELECT string_agg(t::text, ' ') FROM enrol_codes t),
			(SELECT string_agg(t::text, ' ') FROM meta t))`).Scan(&all)
		if err != nil || !strings.Contains(all, "A7K3") {
			t.Fatalf("read tables: %v (%q)", err, all)
		}
		for _, secret := range secrets {
			if strings.Contains(all, secret) {
				t.Errorf("the database contains a plaintext secret")
			}
		}
		return
	}
	check := func(when string) {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			b, err := os.ReadFile(p)
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range secrets {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s: %s contains a plaintext secret", when, p)
				}
			}
		}
	}
	check("open")
	s.Close()
	check("closed")
}

func TestDevices(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	s, _ := MustOpen(t, clock)
	a := MustEnroll(t, s, "28261")
	p := MustEnroll(t, s, syncproto.ScopeProvince)
	clock.Advance(time.Minute)
	mustPull(t, s, a, syncproto.PullRequest{})
	devs, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 2 || devs[0].ID != a.ID || devs[1].ID != p.ID {
		t.Fatalf("devices = %+v", devs)
	}
	if !devs[0].LastSyncAt.Equal(clock.Now()) || !devs[1].LastSyncAt.IsZero() {
		t.Fatalf("last sync = %v, %v", devs[0].LastSyncAt, devs[1].LastSyncAt)
	}
	if devs[0].Tag != "A7K3" || devs[0].AppVersion != "test" {
		t.Fatalf("device = %+v", devs[0])
	}
}
