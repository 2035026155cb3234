// Package ui is the desktop user interface: the case list, the case form and
// the sync panel, built with Fyne. It reaches storage and sync only through
// the small interfaces declared here, so that tests can fill them with fakes
// and so that it never imports those packages (nor Fyne's app package, which
// needs a real display).
//
// Every text a user sees goes through lang.X with a dotted key and the
// Vietnamese text as fallback; assets/translation holds vi.json and en.json.
// All I/O runs off the Fyne goroutine, and its result is applied with one
// fyne.Do.
package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"bvntd/app"
)

// CaseService reads and writes cases in the local store.
type CaseService interface {
	ListCases(ctx context.Context, q app.CaseQuery) ([]app.Case, error)
	GetCase(ctx context.Context, id string) (app.Case, error)
	// CreateCase fills ID, Number, Status (if empty), UnitCode (if empty),
	// Created*/Updated*; validates and returns *app.Error (code invalid,
	// Fields) on bad input.
	CreateCase(ctx context.Context, c *app.Case) error
	UpdateCase(ctx context.Context, c *app.Case) error
}

// SyncService reports on and runs the synchronisation with the provincial
// server.
type SyncService interface {
	Status(ctx context.Context) (app.SyncStatus, error)
	// SyncNow pushes then pulls; it returns an *app.Error with a Vietnamese
	// message on failure.
	SyncNow(ctx context.Context) error
}

// Services is what the user interface works with.
type Services struct {
	Cases CaseService
	Sync  SyncService
	Refs  *app.RefData // seeded reference data; nil means none
	// UnitCode is this device's commune or ward, "" if not set.
	UnitCode string
	Officer  string // the officer using this device, recorded on edits
}

// searchDelay is how long the case list waits after the last keystroke in
// the search box before it queries the store.
const searchDelay = 250 * time.Millisecond

// UI is the main window's content.
type UI struct {
	// OnSaved, if set, is called on the Fyne goroutine after a case was
	// saved, e.g. to schedule a sync. It must not block.
	OnSaved func()

	win    fyne.Window
	svc    Services
	ctx    context.Context
	cancel context.CancelFunc
	run    func(func()) // runs I/O off the Fyne goroutine

	cases     *casesScreen
	form      *caseForm // the open case form, or nil
	casePane  *fyne.Container
	syncPanel *syncPanel
	casesTab  *container.TabItem
	syncTab   *container.TabItem
	tabs      *container.AppTabs
}

// New builds the user interface for w and starts loading the case list and
// the sync status. Put (*UI).Content() into the window.
func New(w fyne.Window, svc Services) *UI {
	u := newUI(w, svc, goRunner, searchDelay)
	u.Refresh()
	return u
}

// goRunner runs I/O work on a new goroutine.
func goRunner(f func()) { go f() }

// newUI builds the screens without loading anything. run executes I/O work;
// tests pass one that runs it inline, so that no test needs to sleep.
func newUI(w fyne.Window, svc Services, run func(func()), delay time.Duration) *UI {
	u := &UI{win: w, svc: svc, run: run}
	u.ctx, u.cancel = context.WithCancel(context.Background())

	u.cases = newCasesScreen(u.ctx, svc.Cases, svc.Refs, w, run, delay)
	u.cases.onAdd = func() { u.openForm(nil) }
	u.cases.onOpen = u.openCase
	u.casePane = container.NewStack(u.cases.content)

	u.syncPanel = newSyncPanel(u.ctx, svc.Sync, svc.Refs, run)
	u.syncPanel.onSynced = u.cases.reload
	u.syncPanel.onStatus = u.showPending

	u.casesTab = container.NewTabItemWithIcon(lang.X("tab.cases", "Vụ việc"), theme.DocumentIcon(), u.casePane)
	u.syncTab = container.NewTabItemWithIcon(lang.X("tab.sync", "Đồng bộ"), theme.ViewRefreshIcon(), u.syncPanel.content)
	u.tabs = container.NewAppTabs(u.casesTab, u.syncTab)
	u.tabs.OnSelected = func(t *container.TabItem) {
		if t == u.syncTab {
			u.syncPanel.refresh()
		}
	}
	return u
}

// Content returns the root object of the window.
func (u *UI) Content() fyne.CanvasObject { return u.tabs }

// Title returns the window title: the app name and, when this device belongs
// to a commune, its name.
func (u *UI) Title() string {
	name := lang.X("app.title", "BVNTD Đồng Tháp")
	if unit, ok := lookupUnit(u.svc.Refs, u.svc.UnitCode); ok {
		return name + " – " + unit.Name
	}
	return name
}

// Refresh reloads the case list and the sync status, e.g. after a
// background sync pulled new data. Call it on the Fyne goroutine (from
// another goroutine: fyne.Do(u.Refresh)).
func (u *UI) Refresh() {
	u.cases.reload()
	u.syncPanel.refresh()
}

// Close cancels work in flight (a running sync, a pending load). Call it
// when the window closes.
func (u *UI) Close() { u.cancel() }

// openCase fetches the current version of a case and opens it in the form.
func (u *UI) openCase(id string) {
	u.run(func() {
		c, err := u.svc.Cases.GetCase(u.ctx, id)
		fyne.Do(func() {
			if err != nil {
				showError(u.win, "open case", err)
				return
			}
			u.openForm(&c)
		})
	})
}

// openForm shows the case form in the cases tab: empty for orig == nil,
// else filled with orig for editing.
func (u *UI) openForm(orig *app.Case) {
	u.form = newCaseForm(formDeps{
		ctx:     u.ctx,
		win:     u.win,
		svc:     u.svc.Cases,
		refs:    u.svc.Refs,
		unit:    u.svc.UnitCode,
		officer: u.svc.Officer,
		run:     u.run,
		now:     time.Now,
	}, orig)
	u.form.onDone = u.closeForm
	u.casePane.Objects = []fyne.CanvasObject{u.form.content}
	u.casePane.Refresh()
	u.tabs.Select(u.casesTab)
	u.form.focusFirst()
}

// closeForm goes back to the list; saved is the saved case, or nil when the
// form was cancelled.
func (u *UI) closeForm(saved *app.Case) {
	u.form = nil
	u.casePane.Objects = []fyne.CanvasObject{u.cases.content}
	u.casePane.Refresh()
	if saved == nil {
		return
	}
	u.cases.reload()
	u.syncPanel.refresh()
	if u.OnSaved != nil {
		u.OnSaved()
	}
}

// showPending puts the number of unsent changes into the sync tab's title.
func (u *UI) showPending(st app.SyncStatus) {
	text := lang.X("tab.sync", "Đồng bộ")
	if st.Pending > 0 {
		text = lang.X("tab.sync_pending", "Đồng bộ ({{.N}})", map[string]any{"N": FormatInt(int64(st.Pending))})
	}
	if u.syncTab.Text != text {
		u.syncTab.Text = text
		u.tabs.Refresh()
	}
}

// lookupUnit finds a commune in refs, which may be nil.
func lookupUnit(refs *app.RefData, code string) (app.AdminUnit, bool) {
	if refs == nil || code == "" {
		return app.AdminUnit{}, false
	}
	return refs.Unit(code)
}
