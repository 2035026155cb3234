package app

import "testing"

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 KB", 1: "1 KB", 1024: "1 KB", 1025: "2 KB",
		230 << 20: "230 MB", 3 << 29: "1,5 GB", 40 << 30: "40,0 GB",
	} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
