package main

// The window's size: it opens at the size it had when it was last closed
// (maximised if it was, on Windows), the first time at a size that fits
// the smallest screen the program supports, 1024×600 (issue 17), and
// maximised on Windows.

import (
	"fyne.io/fyne/v2"
)

// Keys of the window's size in the app's preferences (Fyne's, per user).
const (
	prefWindowWidth     = "window.width"
	prefWindowHeight    = "window.height"
	prefWindowMaximised = "window.maximised"
)

// defaultWindowSize is the first run's size: with the title bar and the
// screen's edges it fits a 1024×600 screen.
var defaultWindowSize = fyne.NewSize(1000, 540)

// smallestWindow is the smallest size remembered: a window closed smaller
// than that opens at the default.
var smallestWindow = fyne.NewSize(400, 300)

// windowState returns the size to open the window at and whether to
// maximise it: as it was last closed, or the default (maximised) the
// first time.
func windowState(p fyne.Preferences) (size fyne.Size, maximise bool) {
	w, h := p.Float(prefWindowWidth), p.Float(prefWindowHeight)
	if float32(w) < smallestWindow.Width || float32(h) < smallestWindow.Height {
		return defaultWindowSize, true
	}
	return fyne.NewSize(float32(w), float32(h)), p.Bool(prefWindowMaximised)
}

// rememberWindow keeps the window's size for the next start: its size
// unless it is maximised (then the size it had before stays).
func rememberWindow(p fyne.Preferences, size fyne.Size, maximised bool) {
	p.SetBool(prefWindowMaximised, maximised)
	if maximised || size.Width < smallestWindow.Width || size.Height < smallestWindow.Height {
		return
	}
	p.SetFloat(prefWindowWidth, float64(size.Width))
	p.SetFloat(prefWindowHeight, float64(size.Height))
}
