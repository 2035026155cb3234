package main

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The window opens at the default size, maximised, the first time; then
// at the size it was closed at, or maximised if it was.
func TestWindowState_RemembersTheLastSize(t *testing.T) {
	p := test.NewTempApp(t).Preferences()
	size, maximise := windowState(p)
	if size != defaultWindowSize || !maximise {
		t.Fatalf("first run: %v maximised %v, want %v maximised", size, maximise, defaultWindowSize)
	}
	if size.Width > 1024 || size.Height > 600 {
		t.Fatalf("the default %v does not fit a 1024×600 screen", size)
	}
	rememberWindow(p, fyne.NewSize(1300, 700), false)
	if size, maximise = windowState(p); size != fyne.NewSize(1300, 700) || maximise {
		t.Fatalf("after closing at 1300×700: %v maximised %v", size, maximise)
	}
	rememberWindow(p, fyne.NewSize(1366, 740), true)
	if size, maximise = windowState(p); size != fyne.NewSize(1300, 700) || !maximise {
		t.Fatalf("after closing maximised: %v maximised %v, want the last size, maximised", size, maximise)
	}
	rememberWindow(p, fyne.NewSize(100, 50), false)
	if size, _ = windowState(p); size != fyne.NewSize(1300, 700) {
		t.Fatalf("a tiny window was remembered: %v", size)
	}
}
