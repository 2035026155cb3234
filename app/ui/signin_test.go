package ui

// Sign-in, the idle lock and the first run, on a real SQLite store (package
// storage is imported by tests only), driven from the keyboard.

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds"
	"bvntd/storage"
)

const (
	pinLan = "482915"
	pinTam = "739164"
)

// signInFixture is a store with the seeds, and the window; the store, the
// sign-in slowdown and the idle lock share one clock, at the simulated
// today, which the tests move on by hand.
type signInFixture struct {
	t     *testing.T
	clock *clocktest.Clock
	db    *storage.DB
	refs  *app.RefData
	win   fyne.Window
	ui    *UI
	kb    keyboard
	facts FactsKeeper // Services.Facts, if set before open
}

func newSignInFixture(t *testing.T, unit string) *signInFixture {
	t.Helper()
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bvntd.sqlite"), storage.Options{Now: clock.Now, DeviceTag: seededTag(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		t.Fatal(err)
	}
	db.SetRefs(refs)
	if unit != "" {
		if err := db.SetUnitCode(ctx, unit); err != nil {
			t.Fatal(err)
		}
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1024, 640))
	return &signInFixture{t: t, clock: clock, db: db, refs: refs, win: w, kb: keyboard{t: t, c: w.Canvas()}}
}

// addProfile creates a profile in the store directly.
func (fx *signInFixture) addProfile(name, role, pin string) app.Profile {
	fx.t.Helper()
	p := app.Profile{FullName: name, Role: role, UnitCode: "28261"}
	if err := fx.db.CreateProfile(context.Background(), &p, pin, pin); err != nil {
		fx.t.Fatal(err)
	}
	return p
}

// open opens the window as main.go does, on the fixture's clock.
func (fx *signInFixture) open(enroll EnrollService) {
	fx.t.Helper()
	unit, _ := fx.db.UnitCode(context.Background())
	svc := Services{Cases: fx.db, Records: fx.db, Sync: &fakeSync{}, Refs: fx.refs, UnitCode: unit,
		SignIn: fx.db, Enroll: enroll, Now: fx.clock.Now, Facts: fx.facts}
	err := open(fx.win, svc, inline, 0, false, func(u *UI) {
		fx.ui = u
		fx.t.Cleanup(u.Close)
	})
	if err != nil {
		fx.t.Fatal(err)
	}
}

// gate returns the view in front of the main screens, or nil.
func (fx *signInFixture) gate() any {
	if fx.ui == nil || !fx.ui.session.shown {
		return nil
	}
	if fx.win.Canvas().Overlays().Top() != fx.ui.session.gate {
		fx.t.Fatal("the gate is not the top overlay")
	}
	return fx.ui.session.view
}

func (fx *signInFixture) signInView() *signInView {
	fx.t.Helper()
	v, ok := fx.gate().(*signInView)
	if !ok {
		fx.t.Fatalf("the gate shows %T, want the sign-in screen", fx.gate())
	}
	return v
}

// typePIN types pin into the focused input and presses Enter.
func (fx *signInFixture) typePIN(pin string) {
	fx.t.Helper()
	fx.kb.typ(pin)
	fx.kb.key(fyne.KeyReturn)
}

func TestSignIn_WrongPINRefusedAndRateLimited(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	fx.open(nil)
	v := fx.signInView()
	if v.locked || fx.win.Canvas().Focused() != v.secret {
		t.Fatalf("locked %v, focus on %T; want the sign-in screen with the PIN focused", v.locked, fx.win.Canvas().Focused())
	}
	for i := 1; i <= 4; i++ {
		fx.typePIN("000000")
		if fx.gate() == nil || !strings.Contains(v.msg.Text, "không đúng") {
			t.Fatalf("wrong PIN %d: gate %T, message %q", i, fx.gate(), v.msg.Text)
		}
		if v.secret.Text != "" {
			t.Fatal("the wrong PIN stays in the box")
		}
	}
	fx.typePIN("000000")
	if !strings.Contains(v.msg.Text, "thử lại sau 30 giây") {
		t.Fatalf("5th wrong PIN: %q, want a 30 s wait", v.msg.Text)
	}
	fx.typePIN(pinLan)
	if fx.gate() == nil || !strings.Contains(v.msg.Text, "Đã nhập sai nhiều lần") {
		t.Fatalf("right PIN while locked: gate %T, message %q", fx.gate(), v.msg.Text)
	}
	fx.clock.Advance(31 * time.Second)
	fx.typePIN(pinLan)
	if fx.gate() != nil {
		t.Fatalf("right PIN after the wait: still %T (%q)", fx.gate(), v.msg.Text)
	}
	if fx.ui.svc.Officer != "Phạm Thị Lan" || !strings.Contains(fx.ui.session.who.Text, "Phạm Thị Lan") {
		t.Fatalf("officer %q, bar %q", fx.ui.svc.Officer, fx.ui.session.who.Text)
	}
}

// A change made after signing in at the window records that officer on
// the record and in its outbox mutation; the case form proposes the
// officer as the one in charge.
func TestSignIn_ChangesRecordTheSignedInOfficer(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	fx.addProfile("Lê Văn Tâm", "lanh_dao", pinTam)
	fx.db.SetOfficer("Cán bộ mặc định")
	fx.open(nil)
	v := fx.signInView()
	for v.profiles[v.who.SelectedIndex()].FullName != "Lê Văn Tâm" {
		fx.kb.c.Focus(v.who)
		fx.kb.key(fyne.KeyRight)
	}
	fx.kb.c.Focus(v.secret)
	fx.typePIN(pinTam)
	if fx.gate() != nil {
		t.Fatalf("not signed in: %q", v.msg.Text)
	}
	ctx := context.Background()
	c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Võ Thị Sáu", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.ui.svc.Cases.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := fx.db.GetCase(ctx, c.ID)
	if err != nil || got.CreatedBy != "Lê Văn Tâm" || got.UpdatedBy != "Lê Văn Tâm" {
		t.Fatalf("case by %q/%q (%v), want Lê Văn Tâm", got.CreatedBy, got.UpdatedBy, err)
	}
	ms, err := fx.db.PendingBatch(ctx, 1<<20)
	if err != nil || len(ms) != 1 || ms[0].Officer != "Lê Văn Tâm" {
		t.Fatalf("outbox %+v (%v), want one mutation by Lê Văn Tâm", ms, err)
	}
	fx.ui.openForm(nil)
	if fx.ui.form.entry("assigned_to").Text != "Lê Văn Tâm" {
		t.Fatalf("the form proposes %q as the officer in charge", fx.ui.form.entry("assigned_to").Text)
	}
}

// The window locks after 10 minutes without activity (mouse moves and
// typing reset the wait), asks for the PIN of the signed-in officer, and
// opens again with it; another officer can sign in from the lock screen.
func TestIdleLock(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	fx.addProfile("Lê Văn Tâm", "lanh_dao", pinTam)
	fx.open(nil)
	v := fx.signInView()
	for v.profiles[v.who.SelectedIndex()].FullName != "Phạm Thị Lan" {
		fx.kb.c.Focus(v.who)
		fx.kb.key(fyne.KeyRight)
	}
	fx.kb.c.Focus(v.secret)
	fx.typePIN(pinLan)
	s := fx.ui.session
	if fx.gate() != nil || s.idle != DefaultIdleLock {
		t.Fatalf("not signed in (%q) or idle %v", v.msg.Text, s.idle)
	}

	s.tick()
	fx.clock.Advance(9 * time.Minute)
	s.tick()
	if fx.gate() != nil {
		t.Fatal("locked after 9 minutes")
	}
	// A mouse move: the driver asks the root for its cursor.
	fx.win.Content().(*activityWatch).Cursor()
	fx.clock.Advance(9 * time.Minute)
	s.tick()
	if fx.gate() != nil {
		t.Fatal("locked 9 minutes after a mouse move")
	}
	// Typing into the search box.
	fx.kb.c.Focus(fx.ui.cases.search)
	fx.kb.typ("sữa")
	fx.clock.Advance(2 * time.Minute)
	s.tick()
	if fx.gate() != nil {
		t.Fatal("locked right after typing")
	}
	fx.clock.Advance(10 * time.Minute)
	s.tick()
	lock := fx.signInView()
	if !lock.locked || lock.profiles[lock.who.SelectedIndex()].FullName != "Phạm Thị Lan" || fx.kb.c.Focused() != lock.secret {
		t.Fatalf("after 10 idle minutes: locked %v, officer %q, focus %T", lock.locked,
			lock.profiles[lock.who.SelectedIndex()].FullName, fx.kb.c.Focused())
	}
	// The lock stays above a dialog opened behind it.
	fx.kb.c.Overlays().Add(test.NewTempWindow(t, nil).Content())
	s.tick()
	fx.gate()

	fx.typePIN(pinTam)
	if fx.gate() == nil {
		t.Fatal("unlocked with another officer's PIN")
	}
	fx.typePIN(pinLan)
	if fx.gate() != nil {
		t.Fatalf("not unlocked with the right PIN: %q", lock.msg.Text)
	}
	if fx.ui.svc.Officer != "Phạm Thị Lan" {
		t.Fatalf("officer %q after unlocking", fx.ui.svc.Officer)
	}

	// Locked again by the button; Lê Văn Tâm signs in instead.
	test.Tap(s.lockBtn)
	lock = fx.signInView()
	fx.kb.c.Focus(lock.who)
	fx.kb.key(fyne.KeyLeft)
	if lock.profiles[lock.who.SelectedIndex()].FullName != "Lê Văn Tâm" {
		t.Fatalf("picked %q", lock.profiles[lock.who.SelectedIndex()].FullName)
	}
	if fx.kb.c.Focused() != lock.secret {
		t.Fatal("picking an officer does not move to the PIN")
	}
	fx.typePIN(pinTam)
	if fx.gate() != nil || fx.ui.svc.Officer != "Lê Văn Tâm" {
		t.Fatalf("switch officer: gate %T, officer %q", fx.gate(), fx.ui.svc.Officer)
	}
}

// fakeEnroll records the enrolment asked for.
type fakeEnroll struct{ server, code string }

func (f *fakeEnroll) Enroll(_ context.Context, server, code string) (app.Enrollment, error) {
	f.server, f.code = server, code
	return app.Enrollment{ServerURL: server, Scope: "28261"}, nil
}

// On a new device the window opens on the setup screen; the first officer
// is created from the keyboard (a mistyped confirmation is caught), signed
// in, the device takes the officer's commune, and the enrolment step
// follows.
func TestFirstRun_CreatesTheFirstOfficerFromTheKeyboard(t *testing.T) {
	fx := newSignInFixture(t, "")
	enroll := &fakeEnroll{}
	fx.open(enroll)
	if fx.ui != nil {
		t.Fatal("the main screens are built before the first officer exists")
	}
	c := fx.kb.c
	if _, ok := c.Focused().(*formEntry); !ok {
		t.Fatalf("focus on %T, want the name box", c.Focused())
	}
	fx.kb.typ("Nguyễn Thị Ánh")
	fx.kb.tab() // role: Quản trị already
	fx.kb.tab() // commune, found by typing its name
	fx.kb.typ("my tho")
	fx.kb.tab()
	fx.kb.typ(pinLan)
	fx.kb.tab()
	fx.typePIN("482916")
	if fx.ui != nil {
		t.Fatal("created with a mistyped confirmation")
	}
	if shown := strings.Join(texts(fx.win.Content()), "|"); !strings.Contains(shown, "Hai lần nhập không khớp nhau.") {
		t.Fatalf("no mismatch message: %s", shown)
	}
	if _, ok := c.Focused().(*formEntry); !ok || c.Focused().(*formEntry).Text != "" {
		t.Fatal("after a mismatch the focus is not back on an empty PIN box")
	}
	fx.kb.typ(pinLan)
	fx.kb.tab()
	fx.typePIN(pinLan)
	if fx.ui == nil {
		t.Fatal("no main screens after the setup")
	}
	ps, err := fx.db.Profiles(context.Background())
	first, _ := fx.refs.Unit("28261") // Phường Mỹ Tho
	if err != nil || len(ps) != 1 || ps[0].FullName != "Nguyễn Thị Ánh" || ps[0].Role != "quan_tri" || ps[0].UnitCode != first.Code {
		t.Fatalf("profiles %+v (%v), want Nguyễn Thị Ánh, quan_tri, %s", ps, err, first.Code)
	}
	if unit, _ := fx.db.UnitCode(context.Background()); unit != first.Code || fx.ui.svc.UnitCode != first.Code {
		t.Fatalf("device commune %q, UI %q, want %s", unit, fx.ui.svc.UnitCode, first.Code)
	}
	if fx.ui.svc.Officer != "Nguyễn Thị Ánh" || !strings.Contains(fx.ui.Title(), first.Name) {
		t.Fatalf("officer %q, title %q", fx.ui.svc.Officer, fx.ui.Title())
	}
	ev, ok := fx.gate().(*enrolView)
	if !ok || c.Focused() != ev.server {
		t.Fatalf("after the setup: %T, want the enrolment step with the server focused", fx.gate())
	}
	fx.kb.typ("https://bvntd.dongthap.example")
	fx.kb.tab()
	fx.typePIN("K7Q2-9XWD")
	if enroll.server != "https://bvntd.dongthap.example" || enroll.code != "K7Q2-9XWD" || fx.gate() != nil {
		t.Fatalf("enrolment %+v, gate %T", enroll, fx.gate())
	}
}

// A leader adds another officer from the status line; a receiving officer
// has no such button.
func TestAddOfficer_ByAManagerOnly(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Lê Văn Tâm", "lanh_dao", pinTam)
	fx.open(nil)
	fx.typePIN(pinTam)
	s := fx.ui.session
	if fx.gate() != nil || !s.addBtn.Visible() {
		t.Fatalf("gate %T, add button visible %v", fx.gate(), s.addBtn.Visible())
	}
	test.Tap(s.addBtn)
	v, ok := fx.gate().(*setupView)
	if !ok || v.unit.Code() != "28261" || v.role.Code() != "tiep_nhan" {
		t.Fatalf("gate %T, want the add-officer screen for 28261", fx.gate())
	}
	fx.kb.typ("Phạm Thị Lan")
	fx.kb.to(v.secret, 4)
	fx.kb.typ(pinLan)
	fx.kb.tab()
	fx.typePIN(pinLan)
	if fx.gate() != nil || fx.ui.svc.Officer != "Lê Văn Tâm" {
		t.Fatalf("after adding: gate %T, officer %q (the leader stays signed in)", fx.gate(), fx.ui.svc.Officer)
	}
	ps, _ := fx.db.Profiles(context.Background())
	if len(ps) != 2 {
		t.Fatalf("%d profiles, want 2", len(ps))
	}
	test.Tap(s.lockBtn)
	lock := fx.signInView()
	fx.kb.c.Focus(lock.who)
	for lock.profiles[lock.who.SelectedIndex()].FullName != "Phạm Thị Lan" {
		fx.kb.key(fyne.KeyRight)
	}
	fx.kb.c.Focus(lock.secret)
	fx.typePIN(pinLan)
	if fx.gate() != nil || s.addBtn.Visible() {
		t.Fatalf("a receiving officer: gate %T, add button visible %v", fx.gate(), s.addBtn.Visible())
	}
}
