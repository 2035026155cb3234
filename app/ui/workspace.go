package ui

import (
	"fyne.io/fyne/v2"
)

// When the window locks, what the officer had open (a half-typed form, a
// case, a dialog) must neither show to the next officer nor be lost
// (issue 17, item 7). The lock takes it off the screens into a workspace
// kept for that officer, and the screens go back to their lists: whoever
// signs in next sees a clean window, and the officer who locked gets the
// workspace back, as it was, on signing in again.

// workspace is what an officer had open when the window locked.
type workspace struct {
	tab      int
	panes    [][]fyne.CanvasObject // what each of UI.panes showed
	overlays []fyne.CanvasObject   // dialogs, oldest first
	focus    fyne.Focusable

	form    *caseForm
	detail  *caseDetail
	trView  *sessionView
	trForm  *sessionForm
	hasWork bool
}

// pane is a container whose screen swaps a list for a record or a form in
// it, and the list it shows when nothing is open.
type pane struct {
	c    *fyne.Container
	home []fyne.CanvasObject
}

// workPanes returns the panes of the main screens, their lists as built.
func (u *UI) workPanes() []pane {
	cs := []*fyne.Container{u.casePane}
	if u.training != nil {
		cs = append(cs, u.training.pane)
	}
	if u.outreach != nil {
		cs = append(cs, u.outreach.stack)
	}
	if u.registry != nil {
		cs = append(cs, u.registry.pane)
	}
	ps := make([]pane, len(cs))
	for i, c := range cs {
		ps[i] = pane{c: c, home: append([]fyne.CanvasObject(nil), c.Objects...)}
	}
	return ps
}

// park takes what is open off the screens, keeping it in the workspace it
// returns, and shows the lists; keep is an overlay that stays (the lock's
// gate). The workspace's hasWork is false when only lists were shown.
func (u *UI) park(keep fyne.CanvasObject) *workspace {
	c := u.win.Canvas()
	ws := &workspace{tab: u.tabs.SelectedIndex(), focus: c.Focused(),
		form: u.form, detail: u.detail}
	if u.training != nil {
		ws.trView, ws.trForm = u.training.view, u.training.form
		u.training.view, u.training.form = nil, nil
	}
	u.form, u.detail = nil, nil
	for _, p := range u.panes {
		shown := append([]fyne.CanvasObject(nil), p.c.Objects...)
		ws.panes = append(ws.panes, shown)
		if !sameObjects(shown, p.home) {
			ws.hasWork = true
			p.c.Objects = append([]fyne.CanvasObject(nil), p.home...)
			p.c.Refresh()
		}
	}
	for _, o := range c.Overlays().List() {
		if o != keep {
			ws.overlays = append(ws.overlays, o)
		}
	}
	for _, o := range ws.overlays {
		c.Overlays().Remove(o)
	}
	ws.hasWork = ws.hasWork || len(ws.overlays) > 0
	c.Unfocus()
	u.tabs.SelectIndex(0)
	return ws
}

// unpark shows a parked workspace again, as it was: its records and forms
// in their tabs, its dialogs over them, the tab it was on.
func (u *UI) unpark(ws *workspace) {
	for i, p := range u.panes {
		if i < len(ws.panes) {
			p.c.Objects = ws.panes[i]
			p.c.Refresh()
		}
	}
	u.form, u.detail = ws.form, ws.detail
	if u.training != nil {
		u.training.view, u.training.form = ws.trView, ws.trForm
	}
	c := u.win.Canvas()
	for _, o := range ws.overlays {
		c.Overlays().Add(o)
	}
	if ws.tab >= 0 && ws.tab < len(u.tabs.Items) {
		u.tabs.SelectIndex(ws.tab)
	}
	if ws.focus != nil {
		c.Focus(ws.focus)
	}
}

func sameObjects(a, b []fyne.CanvasObject) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
