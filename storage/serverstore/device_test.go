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
		token, scope, err := s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: id, DeviceTag: "A7K3"})
		if err != nil {
			t.Fatal(err)
		}
		if scope != "28261" || len(token) != 43 {
			t.Fatalf("scope %q, token length %d; want 28261, 43", scope, len(token))
		}
		_, _, err = s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "B2"})
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
		_, _, err = s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7K3"})
		if !isAppCode(err, app.EUNAUTHORIZED) || !strings.Contains(app.ErrorMessage(err), "hết hạn") {
			t.Fatalf("err = %v, want unauthorized 'hết hạn'", err)
		}
	})
	t.Run("ErrUnknownCode", func(t *testing.T) {
		for _, code := range []string{"", "0000-0000-00", "not a code", "K7QM-3XPA-9D-EXTRA"} {
			_, _, err := s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7K3"})
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
		if _, _, err := s.Enroll(ctx, syncproto.EnrollRequest{Code: typed, DeviceID: app.NewID(), DeviceTag: "a7k3"}); err != nil {
			t.Fatalf("code typed as %q: %v", typed, err)
		}
	})
	t.Run("ErrBadDevice", func(t *testing.T) {
		code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: "laptop-1", DeviceTag: "A7-!"})
		if !isAppCode(err, app.EINVALID) {
			t.Fatalf("err = %v, want invalid", err)
		}
		fe := app.FieldErrors(err)
		if fe["device_id"] == "" || fe["device_tag"] == "" {
			t.Fatalf("field errors = %v, want device_id and device_tag", fe)
		}
		// A failed enrolment does not use up the code.
		if _, _, err := s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7"}); err != nil {
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

	t.Run("Reenrol", func(t *testing.T) {
		code, _, err := s.CreateEnrolCode(ctx, "28262", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		token, scope, err := s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: d.ID, DeviceTag: "A7K3"})
		if err != nil {
			t.Fatal(err)
		}
		if token == d.Token || scope != "28262" {
			t.Fatalf("re-enrol: same token or scope %q", scope)
		}
		if _, _, err := s.Authenticate(ctx, d.Token); !isAppCode(err, app.EUNAUTHORIZED) {
			t.Fatalf("old token after re-enrolment: err = %v, want unauthorized", err)
		}
		if id, scope, err := s.Authenticate(ctx, token); err != nil || id != d.ID || scope != "28262" {
			t.Fatalf("new token: %q %q %v", id, scope, err)
		}
		devs, err := s.Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) != 1 || devs[0].Revoked() || devs[0].Scope != "28262" {
			t.Fatalf("devices = %+v, want one active device in 28262", devs)
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
	token, _, err := s.Enroll(ctx, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7K3"})
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
