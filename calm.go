package main

import "fyne.io/fyne/v2"

// calm turns the window's animations off and returns the app to use. A
// focused entry's blinking cursor is a Fyne animation (fyne v2.7
// widget/entry.go, entryCursorAnimation) that repaints the whole window at
// the display's rate for as long as the entry has the focus: the lock
// screen's PIN field, the list's search box, any form. Under software
// OpenGL on an old laptop that kept a window nobody touched at 6–14% of a
// core (.ci/idlecpu.sh; the profile showed drawSingleFrame, repaintWindow
// and glDrawArrays). Without animations the cursor is steady, a button does
// not ripple and tabs switch at once; everything else is the same. Fyne
// reads the setting from the current app (fyne.CurrentApp().Settings()),
// hence the wrapper set as the current app.
func calm(a fyne.App) fyne.App {
	c := calmApp{a}
	fyne.SetCurrentApp(c)
	return c
}

type calmApp struct{ fyne.App }

func (a calmApp) Settings() fyne.Settings { return calmSettings{a.App.Settings()} }

type calmSettings struct{ fyne.Settings }

// ShowAnimations is false: see calm.
func (calmSettings) ShowAnimations() bool { return false }
