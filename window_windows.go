//go:build windows

package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"golang.org/x/sys/windows"
)

var (
	user32       = windows.NewLazySystemDLL("user32.dll")
	procShowWin  = user32.NewProc("ShowWindow")
	procIsZoomed = user32.NewProc("IsZoomed")
)

const swMaximize = 3 // SW_MAXIMIZE

// hwnd returns the window's handle, 0 if it has none (not shown yet).
func hwnd(w fyne.Window) uintptr {
	var h uintptr
	if nw, ok := w.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.WindowsWindowContext); ok {
				h = c.HWND
			}
		})
	}
	return h
}

// maximiseWindow maximises the shown window.
func maximiseWindow(w fyne.Window) {
	if h := hwnd(w); h != 0 {
		procShowWin.Call(h, swMaximize)
	}
}

// isMaximised says whether the window is maximised.
func isMaximised(w fyne.Window) bool {
	h := hwnd(w)
	if h == 0 {
		return false
	}
	r, _, _ := procIsZoomed.Call(h)
	return r != 0
}
