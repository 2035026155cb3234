package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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
	// typing: a form or a dialog was open, not only a record to read;
	// closing the program would lose it.
	typing  bool
	officer string // whose work it is, for the question on closing
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
	if u.notices != nil {
		cs = append(cs, u.notices.stack)
	}
	if u.registry != nil {
		cs = append(cs, u.registry.pane)
	}
	if u.reports != nil {
		cs = append(cs, u.reports.pane)
	}
	if u.person != nil {
		cs = append(cs, u.person.stack)
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
	// Forms and dialogs; a case or a session shown is only read.
	ws.typing = ws.form != nil || ws.trForm != nil || len(ws.overlays) > 0 ||
		ws.detail != nil && ws.detail.intake.dirty() // a reply to the consumer not sent
	for i, p := range u.panes {
		read := p.c == u.casePane || u.training != nil && p.c == u.training.pane // u.form, trForm above
		if !read && !sameObjects(ws.panes[i], p.home) {
			ws.typing = true // outreach and registry show only forms in place of their lists
		}
	}
	if u.person != nil {
		u.person.clear() // a person's records are not left for the next officer
	}
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

// ConfirmClose calls close, or first asks, when officers who locked the
// window left forms or dialogs open that closing the program would lose
// (they are kept in memory only): "Quay lại" (the default) keeps the
// program open for them to sign in and save.
func (u *UI) ConfirmClose(close func()) {
	var names []string
	if s := u.session; s != nil {
		for _, ws := range s.parked {
			if ws.typing && !contains(names, ws.officer) {
				names = append(names, ws.officer)
			}
		}
	}
	if len(names) == 0 {
		close()
		return
	}
	s := u.session
	var d *dialog.CustomDialog
	back := &widget.Button{Text: lang.X("close.parked.back", "Quay lại"), Icon: theme.CancelIcon(),
		Importance: widget.HighImportance, OnTapped: func() { d.Hide() }}
	ahead := &widget.Button{Text: lang.X("close.parked.close", "Vẫn đóng ứng dụng"), Icon: theme.ConfirmIcon(),
		Importance: widget.DangerImportance, OnTapped: func() { d.Hide(); close() }}
	text := lang.X("close.parked.message", "{{.Names}} đang nhập dở, chưa lưu (màn hình đã khóa khi đang nhập). Nếu đóng ứng dụng bây giờ, phần đang nhập dở sẽ mất. Hãy để cán bộ đó đăng nhập và lưu trước.",
		map[string]any{"Names": strings.Join(names, ", ")})
	d = dialog.NewCustomWithoutButtons(lang.X("close.parked.title", "Còn phần nhập dở chưa lưu"),
		&widget.Label{Text: text, Wrapping: fyne.TextWrapWord}, u.win)
	d.SetButtons([]fyne.CanvasObject{back, ahead})
	d.SetOnClosed(func() { s.asking = nil })
	d.Resize(fyne.NewSize(460, 200))
	s.asking = d // above the lock's gate: tick does not raise the gate over it
	d.Show()
	u.win.Canvas().Focus(back)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
