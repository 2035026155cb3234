package main

// The window's size: it opens at the size it had when it was last closed
// (maximised if it was, on Windows), the first time at a size that fits
// the smallest screen the program supports, 1024×600 (issue 17), and
// maximised on Windows.

import (
	"fmt"

	"fyne.io/fyne/v2"
)

// prefWindow is the key of the window's last size in the app's
// preferences (Fyne's, per user): "W×H", or "W×H maximised". One key, so
// that closing the window makes one change, saved at once (Fyne saves a
// second change within 100 ms later, which a closing program may not live
// to do).
const prefWindow = "window"

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
	var w, h float32
	var flag string
	n, _ := fmt.Sscanf(p.String(prefWindow), "%f×%f %s", &w, &h, &flag)
	if n < 2 || w < smallestWindow.Width || h < smallestWindow.Height {
		return defaultWindowSize, true
	}
	return fyne.NewSize(w, h), flag == "maximised"
}

// rememberWindow keeps the window's size for the next start: its size
// unless it is maximised (then the size it had before stays).
func rememberWindow(p fyne.Preferences, size fyne.Size, maximised bool) {
	if maximised {
		last, _ := windowState(p)
		size = last
	} else if size.Width < smallestWindow.Width || size.Height < smallestWindow.Height {
		return
	}
	v := fmt.Sprintf("%.0f×%.0f", size.Width, size.Height)
	if maximised {
		v += " maximised"
	}
	p.SetString(prefWindow, v)
}
