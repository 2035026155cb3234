package app

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestNewID(t *testing.T) {
	const n = 2000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = NewID()
	}

	seen := make(map[string]bool, n)
	for i, id := range ids {
		if !ValidID(id) {
			t.Fatalf("NewID() = %q, not a valid id", id)
		}
		if id != strings.ToLower(id) {
			t.Fatalf("NewID() = %q, want lower-case hex", id)
		}
		u, err := uuid.Parse(id)
		if err != nil {
			t.Fatal(err)
		}
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("NewID() = %q: version %d, variant %v; want version 7, RFC 4122", id, u.Version(), u.Variant())
		}
		if seen[id] {
			t.Fatalf("NewID() returned %q twice", id)
		}
		seen[id] = true

		// The first 48 bits are Unix milliseconds of the uuid library's
		// own reading of the system clock: an ordering aid inside the id,
		// never read back as a date by the program (which takes its dates
		// from its one clock, clock.go), so it is not checked against one.
		// Time-ordered as strings at millisecond granularity: the time
		// prefix ("xxxxxxxx-xxxx") never goes back within a burst.
		if i > 0 && id[:13] < ids[i-1][:13] {
			t.Fatalf("id %d %q sorts before id %d %q", i, id, i-1, ids[i-1])
		}
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"V7", "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", true},
		{"V4", "f47ac10b-58cc-4372-a567-0e02b2c3d479", true},
		{"New", NewID(), true},
		{"Empty", "", false},
		{"NoDashes", "0195a3c45b6d7e8f9a0b1c2d3e4f5a6b", false},
		{"Braces", "{0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b}", false},
		{"URN", "urn:uuid:0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", false},
		{"NotHex", "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6g", false},
		{"Short", "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6", false},
		{"DashMoved", "0195a3c45-b6d-7e8f-9a0b-1c2d3e4f5a6b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidID(tt.in); got != tt.want {
				t.Errorf("ValidID(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNewDeviceTag(t *testing.T) {
	const n = 1000
	seen := map[string]bool{}
	for range n {
		tag := NewDeviceTag()
		if len(tag) != 4 || !ValidDeviceTag(tag) {
			t.Fatalf("NewDeviceTag() = %q, not a valid tag", tag)
		}
		for _, r := range tag {
			if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", r) {
				t.Fatalf("NewDeviceTag() = %q has %q, not Crockford base32", tag, r)
			}
		}
		seen[tag] = true
	}
	// About a million values: 1000 draws almost never collide more than a
	// few times.
	if len(seen) < n-10 {
		t.Errorf("%d distinct tags in %d draws, want nearly all distinct", len(seen), n)
	}
}

func TestValidDeviceTag(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"OK", "A7K3", true},
		{"AllDigits", "0000", true},
		{"Highest", "ZZZZ", true},
		{"Empty", "", false},
		{"TooShort", "A7K", false},
		{"TooLong", "A7K3X", false},
		{"LowerCase", "a7k3", false},
		{"LetterI", "A7I3", false},
		{"LetterL", "L7K3", false},
		{"LetterO", "A7O3", false},
		{"LetterU", "A7KU", false},
		{"Dash", "A7-3", false},
		{"Space", "A7K ", false},
		{"NonASCIIOfFourBytes", "ĐK3", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidDeviceTag(tt.in); got != tt.want {
				t.Errorf("ValidDeviceTag(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
