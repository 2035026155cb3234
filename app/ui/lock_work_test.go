package ui

// The lock and what an officer had open (issue 17, item 7): the next
// officer sees a clean window; the officer who locked gets it back.

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"bvntd/app"
)

// signInAs picks name on the sign-in (or lock) screen and types pin.
func (fx *signInFixture) signInAs(name, pin string) {
	fx.t.Helper()
	v := fx.signInView()
	for v.profiles[v.who.SelectedIndex()].FullName != name {
		fx.kb.c.Focus(v.who)
		fx.kb.key(fyne.KeyRight)
	}
	fx.kb.c.Focus(v.secret)
	fx.typePIN(pin)
	if fx.gate() != nil {
		fx.t.Fatalf("%s not signed in: %q", name, v.msg.Text)
	}
}

// shownTexts is every text of the window: the screens and the dialogs
// over them.
func (fx *signInFixture) shownTexts() string {
	all := texts(fx.win.Content())
	for _, o := range fx.win.Canvas().Overlays().List() {
		all = append(all, texts(o)...)
	}
	return strings.Join(all, "\n")
}

func TestLock_OpenWorkIsHiddenFromTheNextOfficerAndKept(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	fx.addProfile("Lê Văn Tâm", "lanh_dao", pinTam)
	fx.open(nil)
	fx.signInAs("Phạm Thị Lan", pinLan)
	u := fx.ui

	// Lan starts a case, types, and a training session too.
	u.openForm(nil)
	lanForm := u.form
	fx.kb.c.Focus(lanForm.entry("consumer_name"))
	fx.kb.typ("Huỳnh Văn Nghĩa")
	lanForm.entry("summary").SetText("Mua máy lọc nước không đúng quảng cáo")
	u.training.openForm(nil)
	trForm := u.training.form
	// "Đóng" on the case form asks whether to discard what was typed.
	u.tabs.Select(u.casesTab)
	lanForm.onCancel()
	if lanForm.asking == nil {
		t.Fatal("closing a typed form asked nothing")
	}

	u.session.lockBtn.OnTapped()
	lock := fx.signInView()
	if !lock.locked {
		t.Fatal("Khóa did not lock")
	}
	fx.signInAs("Lê Văn Tâm", pinTam)

	// Tâm: the case list, no form, no dialog, nothing Lan typed.
	shown := fx.shownTexts()
	for _, lan := range []string{"Huỳnh Văn Nghĩa", "máy lọc nước", "Phạm Thị Lan"} {
		if strings.Contains(shown, lan) {
			t.Errorf("Tâm sees %q of Lan's work", lan)
		}
	}
	if u.form != nil || u.casePane.Objects[0] != u.cases.content || u.training.form != nil ||
		u.training.pane.Objects[0] != u.training.list || len(fx.win.Canvas().Overlays().List()) != 0 {
		t.Fatalf("Tâm does not see a clean window: form %v, overlays %d", u.form != nil, len(fx.win.Canvas().Overlays().List()))
	}
	if u.tabs.Selected() != u.casesTab {
		t.Errorf("Tâm starts on %q", u.tabs.Selected().Text)
	}
	// Tâm's own form is Tâm's.
	u.openForm(nil)
	if got := u.form.entry("assigned_to").Text; got != "Lê Văn Tâm" {
		t.Errorf("Tâm's form proposes %q in charge", got)
	}
	u.form.entry("consumer_name").SetText("Trần Thị Bé")

	// Tâm locks; Lan signs in again and finds her work as she left it.
	u.session.lock()
	fx.signInAs("Phạm Thị Lan", pinLan)
	if u.form != lanForm || u.casePane.Objects[0] != lanForm.content {
		t.Fatal("Lan's case form is not back")
	}
	if got := lanForm.entry("consumer_name").Text; got != "Huỳnh Văn Nghĩa" {
		t.Errorf("Lan's form holds %q", got)
	}
	if lanForm.entry("assigned_to").Text != "Phạm Thị Lan" {
		t.Errorf("Lan's form names %q in charge", lanForm.entry("assigned_to").Text)
	}
	if top := fx.win.Canvas().Overlays().Top(); top == nil || lanForm.asking == nil {
		t.Error("the question Lan was asked is not back")
	}
	if u.training.form != trForm || u.training.pane.Objects[0] != trForm.content {
		t.Error("Lan's training form is not back")
	}
	if strings.Contains(fx.shownTexts(), "Trần Thị Bé") {
		t.Error("Lan sees Tâm's form")
	}

	// Tâm's form waits for Tâm.
	u.session.lock()
	fx.signInAs("Lê Văn Tâm", pinTam)
	if u.form == nil || u.form.entry("consumer_name").Text != "Trần Thị Bé" {
		t.Fatal("Tâm's form is not back")
	}
	if slices.Contains(texts(fx.win.Content()), "Huỳnh Văn Nghĩa") {
		t.Error("Tâm sees Lan's form after Lan locked again")
	}
}

// The idle lock keeps the open work in the same way.
func TestLock_IdleLockKeepsTheForm(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	fx.addProfile("Lê Văn Tâm", "lanh_dao", pinTam)
	fx.open(nil)
	fx.signInAs("Phạm Thị Lan", pinLan)
	u := fx.ui
	u.openForm(nil)
	f := u.form
	f.entry("consumer_name").SetText("Huỳnh Văn Nghĩa")
	u.session.tick() // notes the window as it is
	fx.clock.Advance(DefaultIdleLock + idleCheck)
	u.session.tick()
	fx.signInAs("Lê Văn Tâm", pinTam)
	if u.form != nil || strings.Contains(fx.shownTexts(), "Huỳnh Văn Nghĩa") {
		t.Fatal("after the idle lock, Tâm sees Lan's form")
	}
	u.session.lock()
	fx.signInAs("Phạm Thị Lan", pinLan)
	if u.form != f || f.entry("consumer_name").Text != "Huỳnh Văn Nghĩa" {
		t.Fatal("Lan's form is not back after the idle lock")
	}
}

// Closing the program asks first while an officer who locked the window
// has a form open (it lives in memory only); "Quay lại" is the default.
func TestLock_CloseAsksWhileALockedFormWaits(t *testing.T) {
	fx := newSignInFixture(t, "28261")
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	fx.addProfile("Lê Văn Tâm", "lanh_dao", pinTam)
	fx.open(nil)
	fx.signInAs("Phạm Thị Lan", pinLan)
	u := fx.ui
	closed := 0
	closeIt := func() { closed++ }

	c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Võ Thị Sáu", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	u.openCase(c.ID) // a case to read only
	u.session.lock()
	fx.signInAs("Lê Văn Tâm", pinTam)
	u.ConfirmClose(closeIt)
	if closed != 1 {
		t.Fatal("a case left open (nothing typed) held the close back")
	}

	fx.signInAs2(u, "Phạm Thị Lan", pinLan)
	u.openForm(nil)
	u.form.entry("consumer_name").SetText("Huỳnh Văn Nghĩa")
	u.session.lock()
	// Locked, nobody signed in: the question shows above the lock screen.
	u.ConfirmClose(closeIt)
	if closed != 1 {
		t.Fatal("closed without asking")
	}
	top := fx.win.Canvas().Overlays().Top()
	shown := strings.Join(texts(top), "\n")
	if !strings.Contains(shown, "Phạm Thị Lan đang nhập dở, chưa lưu") {
		t.Fatalf("the question says %q", shown)
	}
	u.session.tick()
	if fx.win.Canvas().Overlays().Top() != top {
		t.Fatal("the lock screen went over the question")
	}
	back := mustButton(t, top, "Quay lại")
	if fx.win.Canvas().Focused() != back {
		t.Error("Quay lại is not the default")
	}
	test.Tap(back)
	if closed != 1 || fx.gate() == nil {
		t.Fatal("Quay lại closed the program or left the lock")
	}
	u.ConfirmClose(closeIt)
	test.Tap(mustButton(t, fx.win.Canvas().Overlays().Top(), "Vẫn đóng ứng dụng"))
	if closed != 2 {
		t.Fatal("Vẫn đóng ứng dụng did not close")
	}
}

// signInAs2 locks the window first if someone is signed in, then signs in.
func (fx *signInFixture) signInAs2(u *UI, name, pin string) {
	fx.t.Helper()
	if fx.gate() == nil {
		u.session.lock()
	}
	fx.signInAs(name, pin)
}
