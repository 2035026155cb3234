//go:build !windows

package main

import "fyne.io/fyne/v2"

// Fyne 2.7 has no way to maximise a window, nor to ask whether it is,
// outside Windows: there the window opens at its last size.

func maximiseWindow(fyne.Window) {}

func isMaximised(fyne.Window) bool { return false }
