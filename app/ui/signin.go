package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// signInView is the sign-in screen (đăng nhập) and, locked, the lock
// screen (màn hình khóa) of the signed-in officer, who unlocks it with the
// PIN; another officer may pick their own name and sign in instead.
type signInView struct {
	s        *session
	locked   bool
	profiles []app.Profile

	who    *formSelect // parallel to profiles
	secret *formEntry
	msg    *widget.Label
	button *widget.Button
	busy   bool

	content fyne.CanvasObject
}

func newSignInView(s *session, profiles []app.Profile, locked bool) *signInView {
	v := &signInView{s: s, locked: locked, profiles: profiles}
	v.who = newFormSelect()
	// The signed-in officer, else whoever signed in last.
	pick := 0
	for i, p := range profiles {
		v.who.Options = append(v.who.Options, p.FullName+" – "+listLabel(app.ProfileRoles, p.Role))
		if p.LastSignInAt.After(profiles[pick].LastSignInAt) {
			pick = i
		}
	}
	for i, p := range profiles {
		if s.officer != nil && p.ID == s.officer.ID {
			pick = i
		}
	}
	if len(profiles) > 0 {
		v.who.SetSelectedIndex(pick)
	}
	v.who.OnChanged = func(string) {
		v.msg.Hide()
		v.s.win.Canvas().Focus(v.secret)
	}
	v.secret = newFormEntry(false)
	v.secret.Password = true
	v.secret.OnSubmitted = func(string) { v.submit() }
	v.msg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.msg.Hide()

	title := &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	intro := &widget.Label{Wrapping: fyne.TextWrapWord}
	if locked {
		title.Text = lang.X("signin.title.locked", "Màn hình đã khóa")
		intro.Text = lang.X("signin.intro.locked", "Màn hình khóa khi không sử dụng (hoặc khi bấm Khóa) để bảo vệ dữ liệu. Nhập mã PIN để mở khóa, hoặc chọn tên cán bộ khác để đăng nhập.")
		v.button = widget.NewButtonWithIcon(lang.X("signin.unlock", "Mở khóa"), theme.LoginIcon(), v.submit)
	} else {
		title.Text = lang.X("signin.title", "Đăng nhập")
		intro.Text = lang.X("signin.intro", "Chọn tên của bạn và nhập mã PIN hoặc mật khẩu.")
		v.button = widget.NewButtonWithIcon(lang.X("signin.submit", "Đăng nhập"), theme.LoginIcon(), v.submit)
	}
	v.button.Importance = widget.HighImportance
	name := widget.NewLabel(lang.X("app.title", "BVNTD Đồng Tháp"))
	if unit, ok := lookupUnit(s.refs, s.unit); ok {
		name.SetText(name.Text + " – " + unit.Name)
	}
	v.content = container.NewVBox(name, title, intro,
		widget.NewLabel(lang.X("signin.officer", "Cán bộ")), v.who,
		widget.NewLabel(lang.X("signin.secret", "Mã PIN hoặc mật khẩu")), v.secret,
		v.msg, container.NewHBox(v.button))
	return v
}

// submit checks the PIN off the Fyne goroutine (the hash takes a moment).
func (v *signInView) submit() {
	i := v.who.SelectedIndex()
	if v.busy || i < 0 || i >= len(v.profiles) {
		return
	}
	id, secret := v.profiles[i].ID, v.secret.Text
	if secret == "" {
		v.showMessage(lang.X("signin.empty", "Chưa nhập mã PIN hoặc mật khẩu."))
		return
	}
	v.busy = true
	v.button.Disable()
	v.s.run(func() {
		p, err := v.s.svc.SignIn(context.Background(), id, secret)
		fyne.Do(func() {
			v.busy = false
			v.button.Enable()
			v.secret.SetText("")
			if err != nil {
				if app.ErrorCode(err) == app.EINTERNAL {
					logError("sign in", err)
				}
				v.showMessage(userMessage(err))
				v.s.win.Canvas().Focus(v.secret)
				return
			}
			v.s.signedIn(p)
		})
	})
}

func (v *signInView) showMessage(msg string) {
	v.msg.SetText(msg)
	v.msg.Show()
}
