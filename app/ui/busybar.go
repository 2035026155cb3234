package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// busyBar is an infinite progress bar that exists only while work runs.
// Fyne's ProgressBarInfinite (v2.7) sets itself running when its renderer
// is made, so one kept hidden animates from then on, 60 ticks a second for
// as long as the window is open, on a laptop that may be on battery; it was
// part of an idle window's CPU (.ci/idlecpu.sh). busyBar puts a new bar in
// its box when work starts and takes it out, stopped, when it ends.
type busyBar struct {
	box *fyne.Container // what the screen lays out
	bar *widget.ProgressBarInfinite
}

func newBusyBar() *busyBar { return &busyBar{box: container.NewStack()} }

// Start shows a running bar.
func (b *busyBar) Start() {
	if b.bar != nil {
		return
	}
	b.bar = widget.NewProgressBarInfinite()
	b.box.Objects = []fyne.CanvasObject{b.bar}
	b.box.Refresh()
}

// Stop takes the bar away.
func (b *busyBar) Stop() {
	if b.bar == nil {
		return
	}
	b.bar.Stop()
	b.bar = nil
	b.box.Objects = nil
	b.box.Refresh()
}

// Visible reports whether the bar is shown (work runs).
func (b *busyBar) Visible() bool { return b.bar != nil }
