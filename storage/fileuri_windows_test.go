package storage

import (
	"path/filepath"
	"strings"
	"testing"
)

// On Windows itself (built by CI's cross-compile of the tests, run on a
// Windows machine): drive letters and relative paths through the real
// filepath.
func TestFileURIWindows(t *testing.T) {
	if got, want := fileURI(`C:\Users\An\AppData\Local\bvntd\bvntd.sqlite`), "file:///C:/Users/An/AppData/Local/bvntd/bvntd.sqlite"; got != want {
		t.Errorf("fileURI = %q, want %q", got, want)
	}
	abs, err := filepath.Abs("bvntd.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	got := fileURI("bvntd.sqlite")
	if vol := filepath.VolumeName(abs); len(vol) == 2 && !strings.HasPrefix(got, "file:///"+vol+"/") {
		t.Errorf("fileURI of a relative path = %q, want it under %s", got, vol)
	}
}
