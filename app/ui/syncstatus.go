package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// syncPanel shows the state of synchronisation and runs it on demand.
type syncPanel struct {
	ctx  context.Context
	svc  SyncService
	refs *app.RefData
	run  func(func())

	enrolled  *widget.Label
	howTo     *widget.Label // why to enrol, shown when not enrolled
	server    *widget.Label
	scope     *widget.Label
	pending   *widget.Label
	parked    *widget.Label
	parkedMsg *widget.Label
	lastSync  *widget.Label
	lastError *widget.Label
	loadErr   *widget.Label

	button   *widget.Button
	stop     *widget.Button
	progress *widget.Label
	bar      *widget.ProgressBarInfinite

	// enroll binds the device to the server: "Đăng ký với máy chủ tỉnh"
	// (or "Đăng ký lại") opens the enrolment form in the panel; nil hides
	// the button.
	enroll   EnrollService
	enrolBtn *widget.Button
	enrolBox *fyne.Container // the enrolment form while it is open
	form     *enrolView

	status     app.SyncStatus
	gen        int
	running    bool // a sync started with the button runs
	background bool // a background sync runs
	stopped    bool // the user stopped the running sync
	cancelRun  context.CancelFunc
	// failShown: the progress line shows the failure of the button's
	// sync; failLastSync is the last successful sync then. A status with a
	// later one and no error (a background sync went through) clears it.
	failShown    bool
	failLastSync time.Time
	// retrying is the reason of the running sync's last failed attempt.
	retrying string

	// sched runs the sync of the button (the UI's scheduler, so that syncs
	// never overlap); the UI calls manualFinished when it has run.
	sched SyncScheduler

	onStatus func(app.SyncStatus) // after every status load
	now      func() time.Time

	body    *fyne.Container // the panel's parts, top to bottom; the backups go below
	content fyne.CanvasObject
}

func newSyncPanel(ctx context.Context, svc SyncService, refs *app.RefData, run func(func()), now func() time.Time) *syncPanel {
	if svc == nil {
		svc = noSync{}
	}
	p := &syncPanel{ctx: ctx, svc: svc, refs: refs, run: run, now: now}

	value := func() *widget.Label { return &widget.Label{Wrapping: fyne.TextWrapWord} }
	p.enrolled = value()
	p.server = value()
	p.scope = value()
	p.pending = value()
	p.parked = value()
	p.lastSync = value()
	p.lastError = value()
	p.parkedMsg = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance,
		Text: lang.X("sync.parked_help", "Có thay đổi bị máy chủ từ chối. Dữ liệu vẫn được giữ trên máy này và không chặn các thay đổi khác; vui lòng báo Sở Công Thương để kiểm tra.")}
	p.parkedMsg.Hide()
	p.loadErr = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	p.loadErr.Hide()

	p.howTo = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance,
		Text: lang.X("sync.howto.intro", "Máy này chưa được đăng ký với máy chủ của Sở Công Thương nên chưa thể đồng bộ. Mọi vụ việc vẫn được lưu an toàn trên máy và sẽ được gửi lên sau khi đăng ký.")}
	p.howTo.Hide()

	p.button = &widget.Button{Text: lang.X("sync.now", "Đồng bộ ngay"), Icon: theme.ViewRefreshIcon(),
		Importance: widget.HighImportance, OnTapped: p.onSyncNow}
	p.stop = &widget.Button{Text: lang.X("sync.stop", "Dừng"), Icon: theme.MediaStopIcon(), OnTapped: p.onStop}
	p.stop.Hide()
	p.enrolBtn = &widget.Button{Icon: theme.LoginIcon(), OnTapped: p.openEnrol}
	p.enrolBtn.Hide()
	p.enrolBox = container.NewVBox()
	p.enrolBox.Hide()
	p.progress = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.bar = widget.NewProgressBarInfinite()
	p.bar.Stop()
	p.bar.Hide()

	title := &widget.Label{Text: lang.X("sync.title", "Đồng bộ dữ liệu với Sở Công Thương"),
		TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	key := func(text string) fyne.CanvasObject {
		return container.NewVBox(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	grid := container.New(layout.NewFormLayout(),
		key(lang.X("sync.enrolled", "Đăng ký")), p.enrolled,
		key(lang.X("sync.server", "Máy chủ")), p.server,
		key(lang.X("sync.scope", "Phạm vi dữ liệu")), p.scope,
		key(lang.X("sync.pending", "Thay đổi chờ gửi")), p.pending,
		key(lang.X("sync.parked", "Thay đổi bị từ chối")), container.NewVBox(p.parked, p.parkedMsg),
		key(lang.X("sync.last_sync", "Lần đồng bộ gần nhất")), p.lastSync,
		key(lang.X("sync.last_error", "Lỗi lần gần nhất")), p.lastError,
	)
	actions := container.NewHBox(p.button, p.stop, p.enrolBtn)
	p.body = container.NewVBox(title, p.loadErr, p.howTo, p.enrolBox, grid, widget.NewSeparator(), actions, p.bar, p.progress)
	p.content = container.NewVScroll(container.NewPadded(p.body))
	p.show(app.SyncStatus{})
	return p
}

// refresh loads the status off the Fyne goroutine and shows it.
func (p *syncPanel) refresh() {
	p.gen++
	gen := p.gen
	p.run(func() {
		st, err := p.load(p.ctx)
		fyne.Do(func() { p.apply(gen, st, err) })
	})
}

// load asks the sync service for its status. It touches no widget.
func (p *syncPanel) load(ctx context.Context) (app.SyncStatus, error) {
	return p.svc.Status(ctx)
}

// applyNow shows a status read just now; loads still in flight are
// dropped.
func (p *syncPanel) applyNow(st app.SyncStatus, err error) {
	p.gen++
	p.apply(p.gen, st, err)
}

// setBackground shows whether a background sync runs: the button waits
// for it.
func (p *syncPanel) setBackground(on bool) {
	p.background = on
	p.updateButtons()
}

// apply shows status number gen, unless a newer one was asked for.
func (p *syncPanel) apply(gen int, st app.SyncStatus, err error) {
	if gen != p.gen {
		return
	}
	if err != nil {
		logError("sync status", err)
		p.loadErr.SetText(lang.X("sync.status_failed", "Không đọc được trạng thái đồng bộ: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		p.loadErr.Show()
		return
	}
	p.loadErr.Hide()
	p.show(st)
}

// show fills the panel from st.
func (p *syncPanel) show(st app.SyncStatus) {
	p.status = st
	dash := lang.X("sync.none", "—")
	if st.Enrolled {
		p.enrolled.SetText(lang.X("sync.enrolled.yes", "Đã đăng ký"))
		p.howTo.Hide()
	} else {
		p.enrolled.SetText(lang.X("sync.enrolled.no", "Chưa đăng ký"))
		p.howTo.Show()
	}
	p.server.SetText(orText(st.ServerURL, dash))
	p.scope.SetText(p.scopeText(st.Scope, dash))
	p.pending.SetText(FormatInt(int64(st.Pending)))
	p.parked.SetText(FormatInt(int64(st.Parked)))
	if st.Parked > 0 {
		p.parked.Importance = widget.DangerImportance
		p.parkedMsg.Show()
	} else {
		p.parked.Importance = widget.MediumImportance
		p.parkedMsg.Hide()
	}
	p.parked.Refresh()
	if st.LastSyncAt.IsZero() {
		p.lastSync.SetText(lang.X("sync.never", "Chưa đồng bộ"))
	} else {
		p.lastSync.SetText(FormatDateTime(st.LastSyncAt))
	}
	if !p.running && p.failShown && st.LastError == "" && st.LastSyncAt.After(p.failLastSync) {
		// The failure shown was followed by a sync that went through
		// (in the background): one story, not a red line beside "Không có".
		p.failShown = false
		p.progress.Importance = widget.SuccessImportance
		p.progress.SetText(lang.X("sync.done", "Đồng bộ xong lúc {{.Time}}.", map[string]any{"Time": FormatDateTime(st.LastSyncAt)}))
	}
	switch {
	case p.running && p.retrying != "":
		p.lastError.Importance = widget.DangerImportance
		p.lastError.SetText(p.retrying)
	case st.LastError == "":
		p.lastError.Importance = widget.MediumImportance
		p.lastError.SetText(lang.X("sync.no_error", "Không có"))
	default:
		p.lastError.Importance = widget.DangerImportance
		p.lastError.SetText(st.LastError)
	}
	p.updateButtons()
	if p.onStatus != nil {
		p.onStatus(st)
	}
}

// scopeText names the commune (or the province) whose data this device
// holds.
func (p *syncPanel) scopeText(scope, dash string) string {
	switch {
	case scope == "":
		return dash
	case scope == "province":
		return lang.X("sync.scope.province", "Toàn tỉnh Đồng Tháp")
	}
	if u, ok := lookupUnit(p.refs, scope); ok {
		return u.Name + " (" + scope + ")"
	}
	return scope
}

func (p *syncPanel) updateButtons() {
	if p.running || p.background || !p.status.Enrolled {
		p.button.Disable()
	} else {
		p.button.Enable()
	}
	switch {
	case p.enroll == nil || p.form != nil:
		p.enrolBtn.Hide()
	case p.status.Enrolled:
		p.enrolBtn.SetText(lang.X("sync.enrol.again", "Đăng ký lại"))
		p.enrolBtn.Importance = widget.MediumImportance
		p.enrolBtn.Show()
	default:
		p.enrolBtn.SetText(lang.X("sync.enrol", "Đăng ký với máy chủ tỉnh"))
		p.enrolBtn.Importance = widget.HighImportance
		p.enrolBtn.Show()
	}
	p.enrolBtn.Refresh()
	if p.running {
		p.stop.Show()
	} else {
		p.stop.Hide()
	}
}

// onSyncNow asks the scheduler for a sync; when it has run, the UI shows
// its outcome and the new status, and reloads the lists.
func (p *syncPanel) onSyncNow() {
	if p.running {
		return
	}
	p.running = true
	p.stopped = false
	p.retrying = ""
	ctx, cancel := context.WithCancel(p.ctx)
	p.cancelRun = cancel
	p.updateButtons()
	p.progress.Importance = widget.MediumImportance
	p.progress.SetText(lang.X("sync.running", "Đang đồng bộ: gửi các thay đổi lên máy chủ rồi nhận dữ liệu mới… Có thể tiếp tục làm việc trong lúc chờ."))
	p.bar.Show()
	p.bar.Start()
	p.gen++ // a status load started before this sync is out of date
	p.sched.Manual(ctx)
}

// manualFinished shows how the sync of the button ended (the status it
// read comes through applyNow); stopped: "Dừng", or an enrolment, ended it.
func (p *syncPanel) manualFinished(err error, stopped bool) {
	if p.cancelRun != nil {
		p.cancelRun()
	}
	p.finish(err, p.stopped || stopped)
}

// finish shows how a sync ended. stopped is true when the user stopped it.
func (p *syncPanel) finish(err error, stopped bool) {
	p.running = false
	p.cancelRun = nil
	p.retrying = ""
	p.failShown = false
	p.bar.Stop()
	p.bar.Hide()
	p.updateButtons()
	switch {
	case stopped:
		p.progress.Importance = widget.WarningImportance
		p.progress.SetText(lang.X("sync.stopped", "Đã dừng đồng bộ. Các thay đổi chưa gửi vẫn được giữ và sẽ gửi ở lần sau."))
	case err != nil:
		logError("sync now", err)
		p.progress.Importance = widget.DangerImportance
		if app.ErrorCode(err) == app.EOFFLINE {
			// The scheduler goes on trying in the background: the button
			// is free at once, and a later success clears this line.
			p.progress.SetText(lang.X("sync.failed.offline", "Đồng bộ chưa thành công: không kết nối được máy chủ tỉnh tại {{.Server}}: kiểm tra mạng hoặc địa chỉ. Máy sẽ tự thử lại trong nền; dữ liệu trên máy vẫn an toàn và có thể tiếp tục làm việc.",
				map[string]any{"Server": orText(p.status.ServerURL, lang.X("sync.none", "—"))}))
		} else {
			p.progress.SetText(lang.X("sync.failed", "Đồng bộ chưa thành công: {{.Reason}} Dữ liệu trên máy vẫn an toàn; hãy thử lại khi có mạng.",
				map[string]any{"Reason": userMessage(err)}))
		}
		p.failShown, p.failLastSync = true, p.status.LastSyncAt
	default:
		p.progress.Importance = widget.SuccessImportance
		p.progress.SetText(lang.X("sync.done", "Đồng bộ xong lúc {{.Time}}.", map[string]any{"Time": FormatDateTime(p.now())}))
	}
}

// setProgress shows how the sync of the button goes: from its first
// failed attempt on, why it failed and that it goes on trying, in the
// progress line and as the last error — not "Không có" while it fails.
func (p *syncPanel) setProgress(sp SyncProgress) {
	if !p.running || sp.Attempt < 2 || sp.LastFail == "" {
		return
	}
	p.retrying = sp.LastFail
	p.progress.Importance = widget.WarningImportance
	p.progress.SetText(lang.X("sync.retrying", "Chưa kết nối được máy chủ tỉnh: {{.Reason}} Đang thử lại (lần {{.N}}); có thể tiếp tục làm việc hoặc bấm Dừng, dữ liệu trên máy vẫn an toàn.",
		map[string]any{"Reason": sp.LastFail, "N": sp.Attempt}))
	p.lastError.Importance = widget.DangerImportance
	p.lastError.SetText(sp.LastFail)
}

// openEnrol opens the enrolment form in the panel, its server address
// prefilled with the one last used or enrolled with.
func (p *syncPanel) openEnrol() {
	if p.enroll == nil || p.form != nil {
		return
	}
	f := newEnrolForm(p.ctx, p.enroll, p.run, p.status.ServerURL, p.status.Enrolled, false)
	f.onEnrolled = func(e app.Enrollment) {
		p.closeEnrol()
		p.progress.Importance = widget.SuccessImportance
		p.progress.SetText(lang.X("sync.enrolled.done", "Đã đăng ký máy với máy chủ tỉnh tại {{.Server}} (phạm vi: {{.Scope}}). Máy sẽ tự đồng bộ.",
			map[string]any{"Server": e.ServerURL, "Scope": p.scopeText(e.Scope, lang.X("sync.none", "—"))}))
		p.failShown = false
		p.refresh() // the scheduler hears the new status and syncs
	}
	f.onLeave = func() {
		p.closeEnrol()
		p.refresh() // a cancelled attempt may have gone through
	}
	p.form = f
	p.enrolBox.Objects = []fyne.CanvasObject{f.content, widget.NewSeparator()}
	p.enrolBox.Show()
	p.updateButtons()
	p.relayout()
	if a := fyne.CurrentApp(); a == nil {
		return
	} else if c := a.Driver().CanvasForObject(p.enrolBox); c != nil {
		if f.server.Text == "" {
			c.Focus(f.server)
		} else {
			c.Focus(f.code)
		}
	}
}

// closeEnrol takes the enrolment form away.
func (p *syncPanel) closeEnrol() {
	p.form = nil
	p.enrolBox.Objects = nil
	p.enrolBox.Hide()
	p.updateButtons()
	p.relayout()
}

// relayout lays the panel out again after a part came or went.
func (p *syncPanel) relayout() {
	p.body.Refresh()
	p.content.Refresh()
	if p.form != nil { // the form is at the top: in view
		p.content.(*container.Scroll).ScrollToTop()
	}
}

// onStop cancels the running sync.
func (p *syncPanel) onStop() {
	if p.cancelRun != nil {
		p.stopped = true
		p.cancelRun()
		p.progress.SetText(lang.X("sync.stopping", "Đang dừng…"))
	}
}

// noSync stands in when no sync service is wired: the device is shown as
// not enrolled.
type noSync struct{}

func (noSync) Status(context.Context) (app.SyncStatus, error) { return app.SyncStatus{}, nil }

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
