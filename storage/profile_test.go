package storage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds"
)

// openProfileStore opens (or reopens) the store at path with the seeds and clock.
func openProfileStore(tb testing.TB, path string, clock *clocktest.Clock) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path, Options{Now: clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	refs, err := seeds.Load()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		tb.Fatal(err)
	}
	db.SetRefs(refs)
	return db
}

const testPIN = "482915"

func TestCreateProfile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bvntd.sqlite")
	clock := clocktest.New(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	db := openProfileStore(t, path, clock)
	defer db.Close()

	t.Run("ErrInvalid", func(t *testing.T) {
		p := &app.Profile{FullName: "", Role: "tiep_nhan", UnitCode: "99999"}
		f := app.FieldErrors(db.CreateProfile(ctx, p, "12345", "12345"))
		for _, k := range []string{"full_name", "unit_code", "secret"} {
			if f[k] == "" {
				t.Errorf("no message for %s: %v", k, f)
			}
		}
	})
	p := &app.Profile{FullName: "Nguyễn Thị Ánh", Role: "quan_tri", UnitCode: "28261"}
	if err := db.CreateProfile(ctx, p, testPIN, testPIN); err != nil {
		t.Fatal(err)
	}
	if !app.ValidID(p.ID) {
		t.Fatalf("id %q", p.ID)
	}
	t.Run("DeviceTakesTheCommune", func(t *testing.T) {
		if u, _ := db.UnitCode(ctx); u != "28261" {
			t.Fatalf("device commune %q, want 28261", u)
		}
	})
	t.Run("ErrSameName", func(t *testing.T) {
		q := &app.Profile{FullName: "nguyen thi anh", Role: "tiep_nhan", UnitCode: "28261"}
		if err := db.CreateProfile(ctx, q, "739164", "739164"); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("same name: %v, want conflict", err)
		}
	})
	t.Run("HashIsArgon2idNotTheSecret", func(t *testing.T) {
		if _, err := db.SignIn(ctx, p.ID, testPIN); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := db.r.QueryRow(`SELECT secret_hash FROM officer_profiles WHERE id = ?`, p.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=32768,t=2,p=2$") || strings.Count(hash, "$") != 5 {
			t.Fatalf("stored hash %q is not an argon2id PHC string", hash)
		}
		// Nowhere in the files of the store: the database, its WAL.
		if _, err := db.w.Exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(path + "*")
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(testPIN)) {
				t.Fatalf("%s holds the PIN in clear", filepath.Base(f))
			}
		}
	})
	t.Run("Listed", func(t *testing.T) {
		ps, err := db.Profiles(ctx)
		if err != nil || len(ps) != 1 || ps[0].FullName != "Nguyễn Thị Ánh" || ps[0].Role != "quan_tri" || ps[0].LastSignInAt.IsZero() {
			t.Fatalf("Profiles = %+v, %v", ps, err)
		}
	})
}

func TestCreateProfile_LinksOfficerRecord(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	o := &app.Officer{FullName: "Lê Văn Tâm", Role: "can_bo_cong_thuong_xa", Active: true}
	if err := db.SaveRecord(ctx, o); err != nil {
		t.Fatal(err)
	}
	p := &app.Profile{FullName: "LÊ VĂN TÂM", Role: "tiep_nhan", UnitCode: "28261"}
	if err := db.CreateProfile(ctx, p, testPIN, testPIN); err != nil {
		t.Fatal(err)
	}
	if p.OfficerID != o.ID {
		t.Fatalf("profile linked to %q, want the registry record %q", p.OfficerID, o.ID)
	}
}

// A wrong PIN is refused; from the 5th in a row the profile is locked for a
// growing time, even for the right PIN, and reopening the store (restarting
// the app) does not lift it. The right PIN after the lock resets the count.
func TestSignIn_WrongPINRateLimited(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bvntd.sqlite")
	clock := clocktest.New(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	db := openProfileStore(t, path, clock)
	p := &app.Profile{FullName: "Trần Văn Bình", Role: "tiep_nhan", UnitCode: "28261"}
	if err := db.CreateProfile(ctx, p, testPIN, testPIN); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		_, err := db.SignIn(ctx, p.ID, "000001")
		if app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("wrong PIN %d: %v, want unauthorized", i, err)
		}
		// Each wrong PIN says how many tries are left.
		if want := fmt.Sprintf("Còn %d lần thử trước khi bị tạm khóa.", 5-i); !strings.Contains(app.ErrorMessage(err), want) {
			t.Fatalf("wrong PIN %d: %q, want %q", i, app.ErrorMessage(err), want)
		}
		clock.Advance(time.Second)
	}
	_, err := db.SignIn(ctx, p.ID, "000005")
	if app.ErrorCode(err) != app.EUNAUTHORIZED || !strings.Contains(app.ErrorMessage(err), "thử lại sau 30 giây") {
		t.Fatalf("5th wrong PIN: %v, want a 30 s lock", err)
	}
	if _, err := db.SignIn(ctx, p.ID, testPIN); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("right PIN while locked: %v, want forbidden", err)
	}
	if db.currentOfficer() == p.FullName {
		t.Fatal("a refused sign-in set the officer")
	}

	// Restart: the lock is in the file.
	db.Close()
	db = openProfileStore(t, path, clock)
	defer db.Close()
	clock.Advance(20 * time.Second)
	if _, err := db.SignIn(ctx, p.ID, testPIN); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("right PIN after a restart, still locked: %v, want forbidden", err)
	}
	clock.Advance(11 * time.Second)
	// The 6th wrong one doubles the lock.
	if _, err := db.SignIn(ctx, p.ID, "000006"); !strings.Contains(app.ErrorMessage(err), "1 phút") {
		t.Fatalf("6th wrong PIN: %v, want a 1 min lock", err)
	}
	clock.Advance(59 * time.Second)
	if _, err := db.SignIn(ctx, p.ID, testPIN); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("right PIN 59 s into a 1 min lock: %v", err)
	}
	clock.Advance(time.Second)
	got, err := db.SignIn(ctx, p.ID, testPIN)
	if err != nil {
		t.Fatalf("right PIN after the lock: %v", err)
	}
	if got.FullName != p.FullName || db.currentOfficer() != p.FullName {
		t.Fatalf("signed in %q, officer %q", got.FullName, db.currentOfficer())
	}
	// The count starts again: one wrong PIN does not lock.
	if _, err := db.SignIn(ctx, p.ID, "000007"); app.ErrorCode(err) != app.EUNAUTHORIZED ||
		strings.Contains(app.ErrorMessage(err), "thử lại sau") {
		t.Fatalf("wrong PIN after a reset: %v", err)
	}
}

// A change made after a sign-in records that officer on the record and in
// its outbox mutation, whatever the store's officer was before.
func TestSignIn_ChangesRecordTheOfficer(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t) // officer "Cán bộ Thử"
	p := &app.Profile{FullName: "Phạm Thị Lan", Role: "tiep_nhan", UnitCode: "28261"}
	if err := db.CreateProfile(ctx, p, testPIN, testPIN); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(ctx, p.ID, testPIN); err != nil {
		t.Fatal(err)
	}
	c := newCase(db, "Võ Văn Kiệt")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, c.ID)
	if err != nil || got.CreatedBy != "Phạm Thị Lan" || got.UpdatedBy != "Phạm Thị Lan" {
		t.Fatalf("case by %q/%q, %v", got.CreatedBy, got.UpdatedBy, err)
	}
	ms, err := db.PendingBatch(ctx, 1<<20)
	if err != nil || len(ms) != 1 || ms[0].Officer != "Phạm Thị Lan" {
		t.Fatalf("outbox %+v, %v", ms, err)
	}
}
