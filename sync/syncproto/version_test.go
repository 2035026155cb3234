package syncproto_test

import (
	"testing"

	"bvntd/sync/syncproto"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"Equal", "1.2.0", "1.2.0", 0},
		{"PatchOlder", "1.2.0", "1.2.1", -1},
		{"MinorNumericNotLexical", "1.10.0", "1.9.9", 1},
		{"MajorDecides", "2.0.0", "1.99.99", 1},
		{"MissingPartsAreZero", "1.2", "1.2.0", 0},
		{"MissingPatchOlder", "1.2", "1.2.1", -1},
		{"LeadingV", "v1.2.0", "1.2.0", 0},
		{"SurroundingSpaces", " 1.2.0\n", "1.2.0", 0},
		{"PreReleaseIgnored", "1.2.0-beta.1", "1.2.0", 0},
		{"BuildIgnored", "1.2.0+20260304", "1.2.0", 0},
		{"NotANumberIsZero", "1.x.5", "1.0.5", 0},
		{"EmptyIsZero", "", "0.0.0", 0},
		{"EmptyOlderThanAny", "", "0.0.1", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := syncproto.CompareVersions(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := syncproto.CompareVersions(tt.b, tt.a); got != -tt.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}
