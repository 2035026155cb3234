package ui

import (
	"context"
	"fmt"
	"hash/fnv"
	"image/color"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// SignInService holds the officers' profiles on this device (app.Profile)
// and checks their PINs and passwords.
type SignInService interface {
	// Profiles lists the profiles, in Vietnamese alphabetical order.
	Profiles(ctx context.Context) ([]app.Profile, error)
	// CreateProfile adds a profile with its secret (checked against
	// confirm; an *app.Error with Vietnamese messages by field on bad
	// input). A device without a commune takes the profile's.
	CreateProfile(ctx context.Context, p *app.Profile, secret, confirm string) error
	// SignIn checks the secret of profile id (an *app.Error when it is
	// wrong or the profile is locked after too many wrong ones) and makes
	// the officer the author of every later change.
	SignIn(ctx context.Context, id, secret string) (app.Profile, error)
}

// EnrollService binds the device to the provincial server with a one-time
// code (what `bvntd enroll` does).
type EnrollService interface {
	Enroll(ctx context.Context, serverURL, code string) (app.Enrollment, error)
}

// DefaultIdleLock is how long the window stays unlocked without a key
// press or a mouse move.
const DefaultIdleLock = 10 * time.Minute

// idleCheck is how often the session looks for activity and idleness.
const idleCheck = 5 * time.Second

// Open shows the user interface in w. Without svc.SignIn it is New. With
// it, a device with no officer profile first shows the setup screen (the
// first officer, then optionally the enrolment), and the main screens are
// built once that officer exists; otherwise they are built at once, under
// the sign-in screen. started is called on the Fyne goroutine with the UI
// when its main screens exist, to wire it (title, sync progress, close).
func Open(w fyne.Window, svc Services, started func(*UI)) error {
	return open(w, svc, goRunner, searchDelay, true, started)
}

// open is Open with the I/O runner and the search delay given; ticking
// starts the periodic idle check (tests call tick themselves).
func open(w fyne.Window, svc Services, run func(func()), delay time.Duration, ticking bool,
	started func(*UI)) error {
	now := app.MustClock(svc.Now, "ui.Services")
	if svc.SignIn == nil {
		u := newUI(w, svc, run, delay)
		w.SetContent(u.Content())
		u.Refresh()
		started(u)
		return nil
	}
	profiles, err := svc.SignIn.Profiles(context.Background())
	if err != nil {
		return err
	}
	build := func(p *app.Profile) *UI {
		if p != nil {
			svc.Officer, svc.Role = p.FullName, p.Role
			if svc.UnitCode == "" {
				svc.UnitCode = p.UnitCode // CreateProfile gave the device its commune
			}
		}
		u := newUI(w, svc, run, delay)
		u.session.now = now
		w.SetContent(u.Content())
		u.Refresh()
		if ticking {
			u.session.start()
		}
		return u
	}
	if len(profiles) > 0 {
		u := build(nil)
		u.session.last = now()
		u.session.showSignIn(profiles, false)
		started(u)
		return nil
	}
	// First run: the setup screen alone; the main screens come after.
	first := &session{now: now, svc: svc.SignIn, win: w, run: run, refs: svc.Refs, unit: svc.UnitCode}
	v := newSetupView(first, false)
	v.onCreated = func(p app.Profile) {
		u := build(&p)
		u.session.signedIn(p)
		started(u)
		if svc.Enroll != nil {
			u.session.showEnrol(svc.Enroll)
		}
	}
	w.SetContent(first.gateFor(v.content))
	w.Canvas().Focus(v.name)
	return nil
}

// session is who works at the window: the signed-in officer, the screens
// that stand in front of the main ones (sign-in, lock, setup, enrolment),
// and the idle lock.
type session struct {
	u    *UI // nil during the first-run setup
	win  fyne.Window
	svc  SignInService
	run  func(func())
	refs *app.RefData
	unit string

	now  func() time.Time
	idle time.Duration // 0: never locks

	officer *app.Profile // signed in, or nil
	last    time.Time    // last activity
	seen    uint64       // fingerprint of the focused input at the last check

	gate  *fyne.Container // the overlay over the main screens
	card  *fyne.Container // what the gate shows
	shown bool
	view  any // the view in the gate, for tests

	bar     *fyne.Container // "Cán bộ: …" and its buttons, in the status line
	who     *widget.Label
	lockBtn *widget.Button
	addBtn  *widget.Button

	// parked holds, by profile id, what each officer had open when the
	// window locked, until that officer signs in again (workspace.go).
	parked map[string]*workspace
	// asking is the question on closing the program (UI.ConfirmClose),
	// shown above the gate while open.
	asking dialog.Dialog

	stopOnce sync.Once
	stop     chan struct{}
}

func newSession(u *UI, svc Services) *session {
	s := &session{u: u, win: u.win, svc: svc.SignIn, run: u.run, refs: svc.Refs, unit: svc.UnitCode,
		now: svc.Now, idle: svc.IdleLock, stop: make(chan struct{})}
	if s.idle == 0 {
		s.idle = DefaultIdleLock
	}
	s.who = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	s.lockBtn = widget.NewButtonWithIcon(lang.X("session.lock", "Khóa"), theme.VisibilityOffIcon(), s.lock)
	s.addBtn = widget.NewButtonWithIcon(lang.X("session.add_officer", "Thêm người dùng máy này"), theme.ContentAddIcon(), s.addOfficer)
	s.addBtn.Hide()
	s.bar = container.NewHBox(s.who, s.addBtn, s.lockBtn)
	s.bar.Hide()
	return s
}

// gateFor puts content in the middle of an opaque screen: nothing of the
// main screens shows through.
func (s *session) gateFor(content fyne.CanvasObject) *fyne.Container {
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(440, 0))
	s.card = container.NewVBox(width, content)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	s.gate = container.NewStack(bg, container.NewVScroll(container.NewCenter(container.NewPadded(s.card))))
	return s.gate
}

// show puts content in the gate, raises the gate over everything (the
// main screens and any dialog) and gives focus the keyboard focus.
func (s *session) show(view any, content fyne.CanvasObject, focus fyne.Focusable) {
	if s.gate == nil {
		s.gateFor(content)
	} else {
		s.card.Objects = s.card.Objects[:1]
		s.card.Objects = append(s.card.Objects, content)
		s.card.Refresh()
	}
	s.view = view
	s.raise()
	s.shown = true
	if focus != nil {
		s.win.Canvas().Focus(focus)
	}
}

// raise makes the gate the top overlay, sized to the window.
func (s *session) raise() {
	c := s.win.Canvas()
	if c.Overlays().Top() == s.gate {
		return
	}
	c.Overlays().Remove(s.gate)
	c.Overlays().Add(s.gate)
	s.gate.Resize(c.Size())
}

// hide takes the gate away.
func (s *session) hide() {
	s.win.Canvas().Overlays().Remove(s.gate)
	s.shown, s.view = false, nil
	s.last = s.now()
}

// showSignIn shows the sign-in screen; locked: the lock screen of the
// signed-in officer.
func (s *session) showSignIn(profiles []app.Profile, locked bool) {
	v := newSignInView(s, profiles, locked)
	s.show(v, v.content, v.secret)
}

// showEnrol shows the enrolment step of the first run.
func (s *session) showEnrol(svc EnrollService) {
	v := newEnrolView(s, svc)
	s.show(v, v.content, v.server)
}

// signedIn follows a successful sign-in: the officer's name goes on the
// status line and into every form, the gate goes away.
func (s *session) signedIn(p app.Profile) {
	s.officer = &p
	if s.u != nil {
		s.u.facts.wake()
		old := s.u.svc.Role
		s.u.svc.Officer, s.u.svc.Role = p.FullName, p.Role
		if old != p.Role {
			s.u.followRole() // the lists hide restricted people from all but the leader
		}
	}
	s.who.SetText(lang.X("session.officer", "Cán bộ: {{.Name}}", map[string]any{"Name": p.FullName}))
	if app.ManagesProfiles(p.Role) {
		s.addBtn.Show()
	} else {
		s.addBtn.Hide()
	}
	s.bar.Show()
	if s.shown {
		s.hide()
	}
	if ws := s.parked[p.ID]; ws != nil && s.u != nil {
		delete(s.parked, p.ID)
		s.u.unpark(ws)
		slog.Info("ui: the officer's open work shown again", "profile", p.ID)
	}
	s.last = s.now()
	slog.Info("ui: signed in", "profile", p.ID, "role", p.Role) // the id, never the name
}

// lock shows the lock screen of the signed-in officer (or the sign-in
// screen if nobody is signed in). What the officer had open (forms, a
// case, dialogs) is taken off the screens at once and kept for them: the
// next officer sees the lists, and the same officer gets it back on
// signing in again.
func (s *session) lock() {
	if s.u != nil {
		s.u.facts.rest() // the laptop rests with the officer
	}
	if s.u != nil && s.officer != nil {
		if ws := s.u.park(s.gate); ws.hasWork {
			ws.officer = s.officer.FullName
			if s.parked == nil {
				s.parked = make(map[string]*workspace)
			}
			s.parked[s.officer.ID] = ws
			slog.Info("ui: locked with open work kept for the officer", "profile", s.officer.ID)
		}
	}
	s.run(func() {
		profiles, err := s.svc.Profiles(context.Background())
		fyne.Do(func() {
			if err != nil {
				logError("list profiles", err)
				profiles = nil
				if s.officer != nil {
					profiles = []app.Profile{*s.officer}
				}
			}
			s.showSignIn(profiles, s.officer != nil)
		})
	})
}

// addOfficer shows the setup screen for another officer; the signed-in
// one stays signed in.
func (s *session) addOfficer() {
	v := newSetupView(s, true)
	v.onCreated = func(app.Profile) { s.hide() }
	v.onCancel = s.hide
	s.show(v, v.content, v.name)
}

// start checks for activity and idleness every few seconds until stopped.
func (s *session) start() {
	go func() {
		t := time.NewTicker(idleCheck)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fyne.Do(s.tick)
			case <-s.stop:
				return
			}
		}
	}()
}

func (s *session) close() {
	if s.stop != nil {
		s.stopOnce.Do(func() { close(s.stop) })
	}
}

// activity notes a key press or a mouse move.
func (s *session) activity() { s.last = s.now() }

// tick is the periodic check, on the Fyne goroutine: input that changed
// since the last check counts as activity; the window locks once it has
// been idle for s.idle; the gate, when shown, stays above any dialog
// opened behind it.
func (s *session) tick() {
	if s.shown {
		if s.asking == nil {
			s.raise()
		}
		return
	}
	if fp := focusPrint(s.win.Canvas()); fp != s.seen {
		s.seen = fp
		s.activity()
	}
	if s.officer != nil && s.idle > 0 && s.now().Sub(s.last) >= s.idle {
		slog.Info("ui: locked after idle time", "idle", s.idle)
		s.lock()
	}
}

// focusPrint fingerprints what the keyboard acts on: the top overlay, the
// focused input and its value and cursor. Fyne sends keys to the focused
// widget only, with no window-wide hook, so typing is seen as a change of
// this fingerprint between two checks.
func focusPrint(c fyne.Canvas) uint64 {
	h := fnv.New64a()
	f := c.Focused()
	fmt.Fprintf(h, "%p|%p", c.Overlays().Top(), f)
	if f == nil {
		return h.Sum64()
	}
	v := reflect.ValueOf(f)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return h.Sum64()
	}
	for _, name := range []string{"Text", "CursorRow", "CursorColumn", "Selected", "Checked"} {
		fv := v.FieldByName(name)
		switch {
		case !fv.IsValid():
		case fv.Kind() == reflect.String:
			fmt.Fprintf(h, "|%s", fv.String())
		case fv.Kind() == reflect.Int:
			fmt.Fprintf(h, "|%d", fv.Int())
		case fv.Kind() == reflect.Bool:
			fmt.Fprintf(h, "|%t", fv.Bool())
		}
	}
	return h.Sum64()
}

// activityWatch wraps the main screens to see the mouse: on every mouse
// move over the window, Fyne's desktop driver asks each object under the
// pointer for its cursor (desktop.Cursorable), outermost first, so this
// wrapper hears of every move without taking any event from the widgets
// inside (whose cursors win).
type activityWatch struct {
	widget.BaseWidget
	content    fyne.CanvasObject
	onActivity func()
}

func newActivityWatch(content fyne.CanvasObject, onActivity func()) *activityWatch {
	a := &activityWatch{content: content, onActivity: onActivity}
	a.ExtendBaseWidget(a)
	return a
}

func (a *activityWatch) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.content)
}

// Cursor implements desktop.Cursorable.
func (a *activityWatch) Cursor() desktop.Cursor {
	a.onActivity()
	return desktop.DefaultCursor
}
