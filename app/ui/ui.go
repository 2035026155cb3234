// Package ui is the desktop user interface: the case list, the case form,
// the conflicts to review, the sync panel and the sync status line, built
// with Fyne. Syncs are run by a scheduler below it (SyncScheduler, wired by
// the desktop program), which the UI asks for syncs and listens to. Every
// form that records or edits one record (cases, outreach, registries,
// training sessions) is built on one frame, form.go, where each field is
// declared once. It reaches storage and sync only through the small
// interfaces declared here, so that tests can fill them with fakes and so
// that it never imports those packages (nor Fyne's app package, which
// needs a real display).
//
// Every text a user sees goes through lang.X with a dotted key and the
// Vietnamese text as fallback; assets/translation holds vi.json and en.json.
// All I/O runs off the Fyne goroutine, and its result is applied with one
// fyne.Do.
package ui

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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
	Editor
	// VoidCase marks a case recorded by mistake as voided, with the
	// reason (required). ListCases leaves voided cases out.
	VoidCase(ctx context.Context, id, reason string) error
	// CaseRows lists the cases matching q with their running deadlines
	// at now; q.Sort may be app.SortDue.
	CaseRows(ctx context.Context, q app.CaseQuery, now time.Time) ([]app.CaseRow, error)
	// WorkingCalendar is the calendar deadlines are counted on (nil
	// without reference data).
	WorkingCalendar(ctx context.Context) (*app.Calendar, error)
	// PossibleDuplicates lists the cases of the commune with the same
	// consumer phone and business within 30 days of c (c need not be
	// saved): a warning, never a block.
	PossibleDuplicates(ctx context.Context, c *app.Case) ([]app.Case, error)
	// ListCaseEvents returns a case's timeline, oldest first.
	ListCaseEvents(ctx context.Context, caseID string) ([]app.CaseEvent, error)
	// AddCaseEvent records a step of a case if the workflow allows it
	// from the case's status (else an *app.Error in Vietnamese), and
	// moves the status.
	AddCaseEvent(ctx context.Context, caseID string, e *app.CaseEvent) error
	// CaseDeadlines returns the running deadlines of a case at now.
	CaseDeadlines(ctx context.Context, c *app.Case, now time.Time) ([]app.Deadline, error)
}

// RecordService reads and writes the registries (officers, organisations,
// participants), training sessions with their attendance, outreach events
// and publications in the local store.
type RecordService interface {
	// Records lists the records of an app.RecordEntities entity.
	Records(ctx context.Context, entity string, q app.RecordQuery) ([]app.Record, error)
	// GetRecord reads the record of r's entity with the given id into r.
	GetRecord(ctx context.Context, id string, r app.Record) error
	// SaveRecord creates or updates r (filling id, commune, provenance),
	// validating it: an *app.Error with Vietnamese messages by field on bad
	// input. Forms editing an existing record use Edit.
	SaveRecord(ctx context.Context, r app.Record) error
	Editor
}

// Editor saves the changes an officer made to a record.
type Editor interface {
	// Edit applies changes (the fields the officer changed, by their JSON
	// names) to the record entity/id as the store holds it now, in one
	// transaction, so that what a sync brought meanwhile is kept; base is
	// the Version of the copy the officer edited. An *app.Error with
	// Vietnamese messages by field on bad input.
	Edit(ctx context.Context, entity, id string, base int64, changes map[string]json.RawMessage) error
}

// ReportService writes the .xlsx reports (the Báo cáo screen) and the
// printable intake record of a case.
type ReportService interface {
	// WriteReport writes the report q asks for to w and returns how many
	// rows it wrote; it stops with ctx.
	WriteReport(ctx context.Context, q app.ReportRequest, w io.Writer) (int, error)
	WriteIntake(ctx context.Context, c *app.Case, officer string, w io.Writer) error
}

// SyncService reports on the synchronisation with the provincial server;
// the syncs themselves are the SyncScheduler's.
type SyncService interface {
	Status(ctx context.Context) (app.SyncStatus, error)
}

// Services is what the user interface works with.
type Services struct {
	Cases CaseService
	Sync  SyncService
	// Scheduler runs the syncs, in the background and for "Đồng bộ ngay";
	// nil (with no Sync) shows the device as not enrolled.
	Scheduler SyncScheduler
	// Review lists and resolves conflicts; nil hides the "Cần xem xét"
	// tab and the marks in the case list.
	Review ReviewService
	// Records holds the registries, training and outreach work; nil hides
	// those tabs.
	Records RecordService
	// KPI loads what the dashboard (Tổng quan) counts; nil hides it.
	KPI KPIService
	// Reports writes the reports; nil hides the Báo cáo tab and the
	// intake record button.
	Reports ReportService
	// Imports reads Excel rosters and registers; nil hides the import
	// buttons of the session screen and the case list.
	Imports ImportService
	// Opener opens the files written ("Mở tệp", "Mở thư mục" after an
	// export) and prints the intake record straight away; nil offers
	// neither (the intake record is then saved through a file dialog).
	Opener Opener
	// Persons finds a person's records, restricts them and exports them
	// for the person (the "Dữ liệu của một người" tab, with the log of
	// requests: it needs Records too); nil hides the tab.
	Persons PersonService
	// Files keeps the cases' evidence files (the "Tệp chứng cứ" section
	// of the case screen, a file dropped onto the window, the check of the
	// file store at start); nil hides them.
	Files FileService
	// Fetch downloads from the provincial server the content of a file
	// this laptop does not hold, when an officer opens it (a file attached
	// on another laptop); nil: not enrolled, such files cannot be opened.
	Fetch FileFetcher
	// Views is the session's folder of the copies of evidence files
	// opened with the system's viewer (emptied at exit and at start); nil:
	// the print folder.
	Views *ViewFolder
	// Backups keeps the local backups (the "Sao lưu" part of the sync
	// tab) and warns of a full disk; nil hides both.
	Backups BackupService
	// Retention is the retention period and the list of what was
	// anonymised (in the sync tab); nil hides them.
	Retention RetentionService
	Refs      *app.RefData // seeded reference data; nil means none
	// UnitCode is this device's commune or ward, "" if not set.
	UnitCode string
	Officer  string // the officer using this device, recorded on edits
	// Role is the signed-in officer's role (app.ProfileRoles), "" without
	// sign-in: it says who sees restricted people and sensitive details
	// (app.SeesRestricted, app.SeesSensitive).
	Role string
	// SignIn holds the officers' profiles; with it, the window opens on
	// the sign-in screen (see Open) and locks when idle. nil: no sign-in.
	SignIn SignInService
	// Enroll, with SignIn, adds the enrolment step to the first run.
	Enroll EnrollService
	// IdleLock is how long the window stays unlocked without activity
	// (0: DefaultIdleLock; negative: it never locks by itself).
	IdleLock time.Duration
	// Now is the program's clock (app/clock.go): dates shown and
	// defaulted, deadlines, the idle lock; required.
	Now func() time.Time
	// Facts keeps the cases' facts for the dashboard in the background,
	// after a sync that stored pulled records and at start
	// (UI.KeepCaseFacts); nil: the dashboard keeps them as it reads them.
	Facts FactsKeeper
}

// searchDelay is how long the case list waits after the last keystroke in
// the search box before it queries the store.
const searchDelay = 250 * time.Millisecond

// UI is the main window's content.
type UI struct {
	// PrintIntake, if set, replaces the "In phiếu tiếp nhận" button's
	// action (by default: ask for a file and write the .xlsx there).
	PrintIntake func(c *app.Case)

	// OnSaved, if set, is called on the Fyne goroutine after a local
	// change (a case saved or voided, a conflict resolved). It must not
	// block. The scheduler hears of every save without it.
	OnSaved func()

	win    fyne.Window
	svc    Services
	ctx    context.Context
	cancel context.CancelFunc
	run    func(func()) // runs I/O off the Fyne goroutine

	cases      *casesScreen
	training   *trainingScreen // nil without a RecordService
	outreach   *outreachScreen
	notices    *noticeScreen
	registry   *registryScreen
	dashboard  *dashboard     // nil without a KPIService
	reports    *reportsScreen // nil without a ReportService
	workTabs   []*workTab     // the tabs of the training and outreach work, and the dashboard
	detail     *caseDetail    // the open case, or nil
	form       *caseForm      // the open case form, or nil
	casePane   *fyne.Container
	review     *reviewScreen // nil without a ReviewService
	syncPanel  *syncPanel
	backups    *backupPanel    // nil without a BackupService
	cache      *cachePanel     // the limit of the files downloaded; nil without a FileCacheService
	retention  *retentionPanel // nil without a RetentionService
	diskBanner *widget.Label   // the low-disk warning above the tabs
	// filesBanner lists the evidence files found missing or damaged at
	// start (CheckFiles).
	filesBanner *widget.Label
	line        *statusLine
	sched       SyncScheduler
	casesTab    *container.TabItem
	reviewTab   *container.TabItem // nil without a ReviewService
	syncTab     *container.TabItem
	reviewPane  *deferred // nil without a ReviewService
	syncPane    *deferred
	tabs        *container.AppTabs
	root        fyne.CanvasObject
	session     *session // nil without a SignInService
	panes       []pane   // the main screens' panes, for the lock (workspace.go)
	facts       *factsKeeping

	// "Dữ liệu của một người": nil without a PersonService and a
	// RecordService.
	person     *personScreen
	personTab  *container.TabItem
	personPane *deferred
}

// New builds the user interface for w and starts loading the case list,
// the conflicts and the sync status. Put (*UI).Content() into the window,
// start svc.Scheduler, and call Close when the window closes.
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
	svc.Now = app.MustClock(svc.Now, "ui.Services")
	u := &UI{win: w, svc: svc, run: run}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	// With sign-in, the window opens on the sign-in screen: the facts
	// are kept once an officer signs in.
	u.facts = newFactsKeeping(u.ctx, svc.Facts, run, svc.SignIn != nil)

	u.cases = newCasesScreen(u.ctx, svc.Cases, svc.Refs, w, run, delay, svc.Now)
	u.cases.onAdd = func() { u.openForm(nil) }
	u.cases.onOpen = u.openCase
	u.cases.hideRestricted = u.hidesRestricted
	u.casePane = container.NewStack(u.cases.content)

	u.syncPanel = newSyncPanel(u.ctx, svc.Sync, svc.Refs, run, svc.Now)
	u.syncPanel.onStatus = u.onStatus
	u.syncPanel.enroll = svc.Enroll // issue 17: enrol from the sync tab
	u.line = newStatusLine()

	u.sched = svc.Scheduler
	if u.sched == nil {
		u.sched = noScheduler{l: &SyncListener{}}
	}
	u.syncPanel.sched = u.sched
	u.listenToSync()

	u.diskBanner = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance, TextStyle: fyne.TextStyle{Bold: true}}
	u.diskBanner.Hide()
	u.filesBanner = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	u.filesBanner.Hide()
	banners := container.NewVBox(u.diskBanner, u.filesBanner)
	if w != nil && svc.Files != nil {
		w.SetOnDropped(u.dropped)
	}
	if svc.Backups != nil {
		u.backups = newBackupPanel(u.ctx, svc.Backups, w, run)
		u.backups.onRestored = u.restored
		u.backups.onDisk = u.showDisk
		u.syncPanel.body.Add(widget.NewSeparator())
		u.syncPanel.body.Add(u.backups.content)
	}
	if fc, ok := svc.Files.(FileCacheService); ok {
		u.cache = newCachePanel(u.ctx, fc, run)
		u.cache.onFreed = func() {
			if u.backups != nil {
				u.backups.refresh() // the disk figures count the files' store
			}
		}
		u.syncPanel.body.Add(widget.NewSeparator())
		u.syncPanel.body.Add(u.cache.content)
	}
	if svc.Retention != nil {
		u.retention = newRetentionPanel(u.ctx, svc.Retention, run, func() string { return u.svc.Role })
		u.syncPanel.body.Add(widget.NewSeparator())
		u.syncPanel.body.Add(u.retention.content)
	}

	u.casesTab = container.NewTabItemWithIcon(lang.X("tab.cases", "Vụ việc"), theme.DocumentIcon(), u.casePane)
	u.syncPane = newDeferred(u.syncPanel.content)
	u.syncTab = container.NewTabItemWithIcon(lang.X("tab.sync", "Đồng bộ"), theme.ViewRefreshIcon(), u.syncPane.Container)
	items := []*container.TabItem{u.casesTab}
	if svc.Records != nil {
		d := u.deps()
		u.training, u.outreach, u.registry = newTrainingScreen(d), newOutreachScreen(d), newRegistryScreen(d)
		u.training.onChanged, u.outreach.onSaved, u.registry.onChanged = u.changed, u.changed, u.changed
		u.notices = newNoticeScreen(d)
		u.notices.onSaved = u.changed
		u.workTabs = []*workTab{
			newWorkTab(lang.X("tab.training", "Tập huấn"), theme.AccountIcon(), u.training.content, u.training.reload),
			newWorkTab(lang.X("tab.outreach", "Truyền thông"), theme.MailSendIcon(), u.outreach.content, u.outreach.reload),
			newWorkTab(lang.X("tab.registry", "Danh bạ"), theme.ListIcon(), u.registry.content, u.registry.reload),
		}
	}
	if svc.KPI != nil {
		u.dashboard = newDashboard(u.deps(), svc.KPI)
		u.dashboard.hold = u.facts.hold
		u.workTabs = append(u.workTabs, newWorkTab(lang.X("tab.dashboard", "Tổng quan"), theme.GridIcon(),
			u.dashboard.content, u.dashboard.reload))
	}
	if svc.Reports != nil {
		u.reports = newReportsScreen(u.deps(), svc.Reports)
		u.reports.role = func() string { return u.svc.Role }
		u.reports.officer = func() string { return u.svc.Officer }
		u.workTabs = append(u.workTabs, newWorkTab(lang.X("tab.reports", "Báo cáo"), theme.DocumentPrintIcon(),
			u.reports.content, u.reports.reload))
	}
	if u.notices != nil {
		// Last of the work tabs: the register of off-premises sales
		// notices (NĐ 55/2024/NĐ-CP Điều 26–27).
		u.workTabs = append(u.workTabs, newWorkTab(lang.X("tab.notices", "Thông báo bán hàng"), theme.StorageIcon(),
			u.notices.content, u.notices.reload))
	}
	if u.notices != nil && u.reports != nil {
		u.notices.setBoard(func() {
			for _, w := range u.workTabs {
				if w.body() == u.reports.content {
					u.tabs.Select(w.item)
				}
			}
			u.reports.chooseNotices()
		})
	}
	if svc.Imports != nil {
		im := newImporter(u.deps(), svc.Imports)
		u.cases.setImporter(im, u.changed)
		if u.training != nil {
			u.training.imports = im
		}
	}
	for _, w := range u.workTabs {
		items = append(items, w.item)
	}
	if svc.Review != nil {
		u.review = newReviewScreen(u.ctx, svc.Review, svc.Cases, svc.Refs, w, run)
		u.review.onLoaded = u.showReview
		u.review.role = func() string { return u.svc.Role }
		u.review.onResolved = u.changed
		u.reviewPane = newDeferred(u.review.content)
		u.reviewTab = container.NewTabItemWithIcon(lang.X("tab.review", "Cần xem xét"), theme.WarningIcon(), u.reviewPane.Container)
		items = append(items, u.reviewTab)
	}
	items = append(items, u.syncTab)
	if svc.Persons != nil && svc.Records != nil {
		// Last, after the sync tab, so that the tabs before keep their
		// Alt+1…9; it has Alt+0.
		u.person = newPersonScreen(u.deps(), svc.Persons, func() string { return u.svc.Role }, func() string { return u.svc.Officer })
		u.person.onChanged = u.changed
		u.person.onEditCase = u.openForm
		u.person.onEditPerson = u.editParticipant
		u.personPane = newDeferred(u.person.content)
		u.personTab = container.NewTabItemWithIcon(lang.X("tab.person", "Dữ liệu của một người"), theme.AccountIcon(), u.personPane.Container)
		items = append(items, u.personTab)
	}
	u.tabs = container.NewAppTabs(items...)
	u.tabs.OnSelected = func(t *container.TabItem) {
		switch {
		case t == u.syncTab:
			u.syncPane.show()
			u.syncPanel.refresh()
			if u.backups != nil {
				u.backups.refresh()
			}
			if u.retention != nil {
				u.retention.refresh()
			}
		case t == u.reviewTab && u.review != nil:
			u.reviewPane.show()
			u.review.reload()
		case t == u.personTab && u.person != nil:
			u.personPane.show()
			u.person.reload()
			if u.person.form == nil && u.win != nil {
				u.win.Canvas().Focus(u.person.name) // type the name at once
			}
		}
		for _, w := range u.workTabs {
			if t == w.item {
				w.show()
			}
		}
	}
	u.addTabShortcuts()
	u.panes = u.workPanes()
	if svc.SignIn == nil {
		u.root = container.NewBorder(banners, u.line.content, nil, nil, u.tabs)
		return u
	}
	u.session = newSession(u, svc)
	bottom := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, u.session.bar, u.line.row))
	u.root = newActivityWatch(container.NewBorder(banners, bottom, nil, nil, u.tabs), func() { u.session.activity() })
	return u
}

// addTabShortcuts lets the keyboard reach every tab: Alt+1 … Alt+9 select
// the tabs in their order (Vụ việc is Alt+1), for officers who work from
// the keyboard and for the scripted walkthrough (.ci/screenshots.sh). The
// canvas has them while no input has the focus; MainMenu gives the same
// shortcuts a menu, which the driver tries first, even when an input has
// the focus (an input takes every shortcut otherwise).
func (u *UI) addTabShortcuts() {
	if u.win == nil {
		return
	}
	for i := range min(10, len(u.tabs.Items)) {
		u.win.Canvas().AddShortcut(tabShortcut(i), func(fyne.Shortcut) { u.selectTab(i) })
	}
}

// tabShortcut is Alt+1 … Alt+9 for the first nine tabs, Alt+0 for the
// tenth.
func tabShortcut(i int) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyName(strconv.Itoa((i + 1) % 10)), Modifier: fyne.KeyModifierAlt}
}

// selectTab shows the i-th tab, unless the window is signed out or locked.
func (u *UI) selectTab(i int) {
	if u.session != nil && u.session.shown {
		return
	}
	u.tabs.SelectIndex(i)
}

// MainMenu is the window's menu: "Màn hình" lists the tabs with their
// shortcuts. Set it with w.SetMainMenu.
func (u *UI) MainMenu() *fyne.MainMenu {
	var items []*fyne.MenuItem
	for i, t := range u.tabs.Items {
		item := fyne.NewMenuItem(t.Text, func() { u.selectTab(i) })
		item.Icon = t.Icon
		if i < 10 {
			item.Shortcut = tabShortcut(i)
		}
		items = append(items, item)
	}
	return fyne.NewMainMenu(fyne.NewMenu(lang.X("menu.screens", "Màn hình"), items...))
}

// Content returns the root object of the window: the tabs, and the sync
// status line at the bottom.
func (u *UI) Content() fyne.CanvasObject { return u.root }

// Title returns the window title: the app name and, when this device belongs
// to a commune, its name.
func (u *UI) Title() string {
	name := lang.X("app.title", "BVNTD Đồng Tháp")
	if unit, ok := lookupUnit(u.svc.Refs, u.svc.UnitCode); ok {
		return name + " – " + unit.Name
	}
	return name
}

// Refresh reloads the case list, the conflicts and the sync status. Every
// background sync does it by itself. Call it on the Fyne goroutine (from
// another goroutine: fyne.Do(u.Refresh)).
func (u *UI) Refresh() {
	u.cases.reload()
	if u.review != nil {
		u.review.reload()
	}
	u.syncPanel.refresh()
}

// dropped attaches the files dropped onto the window to the case open in
// the cases tab, if one is shown (nothing otherwise).
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	if u.detail != nil && u.detail.files != nil && (u.tabs == nil || u.tabs.Selected() == u.casesTab) {
		u.detail.files.dropped(uris)
	}
}

// CheckFiles checks the evidence files' store off the Fyne goroutine (at
// start, as the SQLite file is checked), lists above the tabs the files
// missing or damaged, and downloads them again from the provincial server
// (Services.Fetch; each within fetchWait): the banner then lists those
// still missing. Without a FileService it does nothing.
func (u *UI) CheckFiles() {
	if u.svc.Files == nil {
		return
	}
	u.run(func() {
		bad, err := u.svc.Files.CheckFiles(u.ctx)
		if err != nil {
			logError("check files", err)
			return
		}
		fyne.Do(func() { u.showMissingFiles(bad) })
		if len(bad) == 0 || u.svc.Fetch == nil {
			return
		}
		var still []app.Attachment
		for _, a := range bad {
			ctx, cancel := context.WithTimeout(u.ctx, fetchWait)
			if err := u.svc.Fetch.FetchAttachment(ctx, a.SHA256); err != nil {
				logError("fetch a missing file", err)
				still = append(still, a)
			}
			cancel()
		}
		fyne.Do(func() { u.showMissingFiles(still) })
	})
}

// showMissingFiles shows or hides the list of missing or damaged files.
func (u *UI) showMissingFiles(bad []app.Attachment) {
	if len(bad) == 0 {
		u.filesBanner.Hide()
		return
	}
	names := make([]string, 0, 5)
	for i, a := range bad {
		if i == 5 {
			names = append(names, lang.X("files.missing.more", "và {{.N}} tệp khác", map[string]any{"N": len(bad) - 5}))
			break
		}
		names = append(names, a.Name)
	}
	u.filesBanner.SetText(lang.X("files.missing", "Tệp {{.Names}} bị thiếu hoặc hỏng trên máy này: đang tải lại từ máy chủ tỉnh.",
		map[string]any{"Names": strings.Join(names, ", ")}))
	u.filesBanner.Show()
}

// diskCheckEvery is how often the free space of the data disk is read.
const diskCheckEvery = 5 * time.Minute

// StartDiskWatch reads the free space of the data disk now and every
// diskCheckEvery until Close, and shows a warning above the tabs while it
// is low. Without a BackupService it does nothing.
func (u *UI) StartDiskWatch() {
	if u.svc.Backups == nil {
		return
	}
	u.checkDisk()
	go func() {
		t := time.NewTicker(diskCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-u.ctx.Done():
				return
			case <-t.C:
				fyne.Do(u.checkDisk)
			}
		}
	}()
}

// checkDisk reads the free space off the Fyne goroutine and shows it.
func (u *UI) checkDisk() {
	u.run(func() {
		ds := u.svc.Backups.DiskSpace(u.ctx)
		fyne.Do(func() { u.showDisk(ds) })
	})
}

// showDisk shows or hides the low-disk warning.
func (u *UI) showDisk(ds app.DiskSpace) {
	if !ds.Low() {
		u.diskBanner.Hide()
		return
	}
	u.diskBanner.SetText(lang.X("disk.low", "Ổ đĩa chứa dữ liệu sắp đầy: chỉ còn {{.Free}} trống. Hãy xóa bớt tệp không cần thiết hoặc chép bớt sang USB, để ứng dụng tiếp tục lưu được dữ liệu; bản sao lưu không đủ chỗ sẽ bị từ chối.",
		map[string]any{"Free": app.FormatBytes(int64(ds.Free))}))
	u.diskBanner.Show()
}

// restored follows a restore from a backup: every screen reloads, and the
// restored outbox is sent soon.
func (u *UI) restored() {
	u.Refresh()
	u.reloadWork()
	u.sched.Saved()
}

// Close cancels work in flight (a manual sync, a pending load) and the
// session's timers. Call it when the window closes; the desktop program
// stops the scheduler.
func (u *UI) Close() {
	if u.session != nil {
		u.session.close()
	}
	u.cancel()
}

// reloadWork reloads the training and outreach tabs already shown: a sync
// may have brought another laptop's register or events.
func (u *UI) reloadWork() {
	for _, w := range u.workTabs {
		if w.shown() {
			w.reload()
		}
	}
}

// workTab is a tab of the training and outreach work, built at once and
// loaded when first shown.
type workTab struct {
	item   *container.TabItem
	pane   *deferred
	reload func()
}

func newWorkTab(title string, icon fyne.Resource, body fyne.CanvasObject, reload func()) *workTab {
	w := &workTab{pane: newDeferred(body), reload: reload}
	w.item = container.NewTabItemWithIcon(title, icon, w.pane.Container)
	return w
}

// show attaches the body (once) and reloads it.
func (w *workTab) show() {
	w.pane.show()
	w.reload()
}

func (w *workTab) shown() bool { return len(w.pane.Objects) > 0 }

// body is what the tab shows.
func (w *workTab) body() fyne.CanvasObject { return w.pane.body }

// changed follows a local change: the list, the counts and a sync soon.
func (u *UI) changed() {
	u.cases.reload()
	u.syncPanel.refresh()
	u.sched.Saved()
	if u.OnSaved != nil {
		u.OnSaved()
	}
}

// deps returns what the case screens need.
func (u *UI) deps() formDeps {
	return formDeps{
		ctx:       u.ctx,
		win:       u.win,
		svc:       u.svc.Cases,
		records:   u.svc.Records,
		refs:      u.svc.Refs,
		unit:      u.svc.UnitCode,
		officer:   u.svc.Officer,
		role:      u.svc.Role,
		run:       u.run,
		now:       u.svc.Now,
		opener:    u.svc.Opener,
		files:     u.svc.Files,
		fetchFile: u.svc.Fetch,
		views:     u.svc.Views,

		hideRestricted: u.hidesRestricted,
	}
}

// hidesRestricted reports whether the signed-in officer's lists leave out
// the records of people who asked to restrict their processing: all but
// the leader's (app.SeesRestricted).
func (u *UI) hidesRestricted() bool { return !app.SeesRestricted(u.svc.Role) }

// followRole reloads what depends on the signed-in officer's role after
// another officer signed in: the case list and the work tabs shown (which
// hide restricted people from all but the leader).
func (u *UI) followRole() {
	u.cases.reload()
	u.reloadWork()
	if u.person != nil && u.personPane.shown() {
		u.person.reload()
	}
}

// editParticipant opens a participant found in "Dữ liệu của một người" in
// the registry's form, in the registry's tab.
func (u *UI) editParticipant(p *app.Participant) {
	if u.registry == nil {
		return
	}
	for _, w := range u.workTabs {
		if w.body() == u.registry.content {
			u.tabs.Select(w.item)
		}
	}
	u.registry.openPerson(p)
}

// openCase shows a case: its record, deadline, timeline and next steps.
func (u *UI) openCase(id string) {
	d := newCaseDetail(u.deps(), id)
	d.onBack = u.closeDetail
	d.onEdit = u.openForm
	d.onStep = u.changed
	d.onOpened = u.changed
	printIntake := u.saveIntake
	if u.PrintIntake != nil {
		printIntake = u.PrintIntake
	}
	if u.PrintIntake != nil || u.svc.Reports != nil {
		d.onPrint = func(c *app.Case) { printIntake(u.printable(c)) }
	} else {
		d.print.Hide()
	}
	u.detail = d
	u.show(d.content)
	d.load()
}

// closeDetail goes back to the list.
func (u *UI) closeDetail() {
	u.detail = nil
	u.show(u.cases.content)
}

// show puts o in the cases tab and brings the tab forward.
func (u *UI) show(o fyne.CanvasObject) {
	u.casePane.Objects = []fyne.CanvasObject{o}
	u.casePane.Refresh()
	u.tabs.Select(u.casesTab)
}

// openForm shows the case form in the cases tab: empty for orig == nil,
// else filled with orig for editing.
func (u *UI) openForm(orig *app.Case) {
	u.form = newCaseForm(u.deps(), orig)
	u.form.onDone = u.closeForm
	u.show(u.form.content)
	u.form.focusFirst()
}

// closeForm leaves the form; saved is the saved case, or nil when the
// form was cancelled. A new case opens, so that the officer can print its
// intake record and record the next step; an edited one shows again.
func (u *UI) closeForm(saved *app.Case) {
	u.form = nil
	switch {
	case saved != nil && !saved.Voided:
		u.openCase(saved.ID)
	case u.detail != nil && saved == nil:
		u.show(u.detail.content)
	default:
		u.closeDetail()
	}
	if saved != nil {
		u.changed()
	}
}

// onStatus follows every status load: the status line, the sync tab's
// count, and the scheduler (which resumes after an enrolment).
func (u *UI) onStatus(st app.SyncStatus) {
	u.line.setStatus(st)
	u.showPending(st)
	u.sched.NoteStatus(st)
}

// showReview puts the number of open conflicts and records kept aside into
// the review tab's title and marks the conflicts' cases in the list.
func (u *UI) showReview(items []reviewItem, held int) {
	ids := make(map[string]bool, len(items))
	for _, it := range items {
		if it.c.Entity == app.EntityCase {
			ids[it.c.RecordID] = true
		}
	}
	u.cases.setFlagged(ids)
	text := lang.X("tab.review", "Cần xem xét")
	if n := len(items) + held; n > 0 {
		text = lang.X("tab.review_count", "Cần xem xét ({{.N}})", map[string]any{"N": FormatInt(int64(n))})
	}
	if u.reviewTab.Text != text {
		u.reviewTab.Text = text
		u.tabs.Refresh()
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

// deferred is the content of a tab that is attached, and so laid out, only
// when the tab is first shown: laying out a hidden tab full of wrapped text
// at the sizes it gets while hidden costs more than building it.
type deferred struct {
	*fyne.Container
	body fyne.CanvasObject
}

func newDeferred(body fyne.CanvasObject) *deferred {
	return &deferred{Container: container.NewStack(), body: body}
}

// shown reports whether the body was attached.
func (d *deferred) shown() bool { return len(d.Objects) > 0 }

// show attaches the body, once.
func (d *deferred) show() {
	if len(d.Objects) == 0 {
		d.Objects = []fyne.CanvasObject{d.body}
		d.Refresh()
	}
}
