package app

import (
	"strings"
	"testing"
	"time"
)

func TestValidateSecret(t *testing.T) {
	for _, tc := range []struct {
		name, secret, confirm, field string
	}{
		{"PIN", "482915", "482915", ""},
		{"Password", "đồng tháp 2026", "đồng tháp 2026", ""},
		{"ErrEmpty", "", "", "secret"},
		{"ErrShortPIN", "48291", "48291", "secret"},
		{"ErrSameDigits", "777777", "777777", "secret"},
		{"ErrAscending", "345678", "345678", "secret"},
		{"ErrDescending", "987654", "987654", "secret"},
		{"ErrWrapping", "890123", "890123", "secret"},
		{"ErrShortPassword", "abc1234", "abc1234", "secret"},
		{"ErrSpaces", " 4829150x", " 4829150x", "secret"},
		{"ErrLong", strings.Repeat("a", 129), strings.Repeat("a", 129), "secret"},
		{"ErrMismatch", "482915", "482916", "confirm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateSecret(tc.secret, tc.confirm)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("ValidateSecret: %v", err)
				}
				return
			}
			f := FieldErrors(err)
			if f[tc.field] == "" {
				t.Fatalf("ValidateSecret(%q, %q) = %v; want a message for %s", tc.secret, tc.confirm, err, tc.field)
			}
		})
	}
}

func TestSignInPolicy(t *testing.T) {
	p := DefaultSignInPolicy
	want := map[int]time.Duration{0: 0, 4: 0, 5: 30 * time.Second, 6: time.Minute, 7: 2 * time.Minute,
		10: 16 * time.Minute, 11: 30 * time.Minute, 50: 30 * time.Minute}
	for n, d := range want {
		if got := p.LockFor(n); got != d {
			t.Errorf("LockFor(%d) = %v, want %v", n, got, d)
		}
	}
}

func TestProfileValidate(t *testing.T) {
	p := Profile{FullName: "  Nguyễn   Thị Ánh ", Role: "tiep_nhan", UnitCode: "28261"}
	p.Normalize()
	if p.FullName != "Nguyễn Thị Ánh" {
		t.Fatalf("Normalize: %q", p.FullName)
	}
	if err := p.Validate(nil); err != nil {
		t.Fatal(err)
	}
	bad := Profile{Role: "giam_doc"}
	f := FieldErrors(bad.Validate(nil))
	for _, k := range []string{"full_name", "role", "unit_code"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
}
