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

// setupView creates an officer profile: the first officer of a new device
// (thiết lập lần đầu), who is then signed in, or another officer added by a
// signed-in one who manages the device.
type setupView struct {
	s      *session
	adding bool

	name            *formEntry
	role            *codeSelect
	unit            *codeSelect
	secret, confirm *formEntry
	errs            map[string]*widget.Label
	formErr         *widget.Label
	save, cancel    *widget.Button
	busy            bool

	onCreated func(app.Profile) // on the Fyne goroutine, once created (and, first run, signed in)
	onCancel  func()

	content fyne.CanvasObject
}

func newSetupView(s *session, adding bool) *setupView {
	v := &setupView{s: s, adding: adding, errs: map[string]*widget.Label{}}
	v.name = newFormEntry(false)
	v.role = newCodeSelect(profileRoleList(), lang.X("form.choose", "(Chọn)"))
	v.unit = newCodeSelect(unitList(s.refs), lang.X("form.choose", "(Chọn)"))
	v.secret, v.confirm = newFormEntry(false), newFormEntry(false)
	v.secret.Password, v.confirm.Password = true, true
	v.confirm.OnSubmitted = func(string) { v.submit() }
	v.formErr = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.formErr.Hide()
	if adding {
		v.role.SetCode("tiep_nhan")
	} else {
		v.role.SetCode("quan_tri") // who sets the laptop up looks after it
	}
	unit := s.unit
	if adding && s.officer != nil {
		unit = s.officer.UnitCode
	}
	v.unit.SetCode(unit)

	title := &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	intro := &widget.Label{Wrapping: fyne.TextWrapWord}
	if adding {
		title.Text = lang.X("setup.title.add", "Thêm cán bộ dùng máy này")
		intro.Text = lang.X("setup.intro.add", "Mỗi cán bộ đăng nhập bằng mã PIN của mình; mọi thay đổi ghi tên người đã đăng nhập.")
	} else {
		title.Text = lang.X("setup.title.first", "Thiết lập lần đầu")
		intro.Text = lang.X("setup.intro.first", "Máy này chưa có cán bộ nào. Tạo tài khoản cho cán bộ đầu tiên; mọi thay đổi sẽ ghi tên người đã đăng nhập.")
	}
	v.save = widget.NewButtonWithIcon(lang.X("setup.save", "Tạo cán bộ"), theme.ConfirmIcon(), v.submit)
	v.save.Importance = widget.HighImportance
	buttons := []fyne.CanvasObject{v.save}
	if adding {
		v.cancel = widget.NewButton(lang.X("form.cancel", "Hủy"), func() {
			if v.onCancel != nil {
				v.onCancel()
			}
		})
		buttons = append(buttons, v.cancel)
	}
	hint := &widget.Label{Wrapping: fyne.TextWrapWord,
		Text: lang.X("setup.secret_hint", "Mã PIN từ 6 chữ số (không dùng 6 số giống nhau hay liên tiếp) hoặc mật khẩu từ 8 ký tự.")}
	v.content = container.NewVBox(
		title, intro,
		v.field("full_name", lang.X("setup.name", "Họ và tên"), v.name),
		v.field("role", lang.X("setup.role", "Vai trò trên máy này"), v.role.sel),
		v.field("unit_code", lang.X("setup.unit", "Xã, phường"), v.unit.sel),
		v.field("secret", lang.X("setup.secret", "Mã PIN hoặc mật khẩu"), v.secret),
		hint,
		v.field("confirm", lang.X("setup.confirm", "Nhập lại mã PIN hoặc mật khẩu"), v.confirm),
		v.formErr,
		container.NewHBox(buttons...),
	)
	return v
}

// field is a label, an input and the message line under it.
func (v *setupView) field(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
	msg := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	msg.Hide()
	v.errs[key] = msg
	return container.NewVBox(widget.NewLabel(label), input, msg)
}

// profileRoleList is app.ProfileRoles.
func profileRoleList() app.CodeList { return app.ProfileRoles }

// submit creates the profile (off the Fyne goroutine: the hash takes a
// moment) and, on the first run, signs the officer in.
func (v *setupView) submit() {
	if v.busy {
		return
	}
	p := app.Profile{FullName: v.name.Text, Role: v.role.Code(), UnitCode: v.unit.Code()}
	secret, confirm := v.secret.Text, v.confirm.Text
	v.setBusy(true)
	v.s.run(func() {
		ctx := context.Background()
		err := v.s.svc.CreateProfile(ctx, &p, secret, confirm)
		signed := p
		if err == nil && !v.adding {
			signed, err = v.s.svc.SignIn(ctx, p.ID, secret)
		}
		fyne.Do(func() {
			v.setBusy(false)
			if err != nil {
				v.showError(err)
				return
			}
			v.secret.SetText("")
			v.confirm.SetText("")
			if v.onCreated != nil {
				v.onCreated(signed)
			}
		})
	})
}

func (v *setupView) setBusy(b bool) {
	v.busy = b
	if b {
		v.save.Disable()
	} else {
		v.save.Enable()
	}
}

// showError puts the messages next to their fields and focuses the first
// bad one.
func (v *setupView) showError(err error) {
	bad := app.FieldErrors(err)
	var lead string
	if len(bad) == 0 {
		logError("create profile", err)
		lead = userMessage(err)
	} else {
		lead = lang.X("form.not_saved", "Chưa lưu. Vui lòng sửa các trường được đánh dấu màu đỏ.")
	}
	showFieldErrors(v.errs, v.formErr, lead, bad)
	order := []struct {
		key   string
		input fyne.Focusable
	}{{"full_name", v.name}, {"role", v.role.sel}, {"unit_code", v.unit.sel}, {"secret", v.secret}, {"confirm", v.confirm}}
	for _, f := range order {
		if _, ok := bad[f.key]; ok {
			if f.key == "secret" || f.key == "confirm" {
				v.secret.SetText("")
				v.confirm.SetText("")
				f.input = v.secret
			}
			v.s.win.Canvas().Focus(f.input)
			return
		}
	}
}

// enrolView is the optional second step of the first run: bind the device
// to the provincial server with the one-time code from Sở Công Thương.
type enrolView struct {
	s      *session
	svc    EnrollService
	server *formEntry
	code   *formEntry
	msg    *widget.Label
	enrol  *widget.Button
	skip   *widget.Button
	busy   bool

	content fyne.CanvasObject
}

func newEnrolView(s *session, svc EnrollService) *enrolView {
	v := &enrolView{s: s, svc: svc}
	v.server, v.code = newFormEntry(false), newFormEntry(false)
	v.server.PlaceHolder = "https://bvntd.dongthap.gov.vn"
	v.code.OnSubmitted = func(string) { v.submit() }
	v.msg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.msg.Hide()
	title := &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText,
		Text: lang.X("enrol.title", "Đăng ký máy với máy chủ tỉnh")}
	intro := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("enrol.intro",
		"Nhập địa chỉ máy chủ và mã đăng ký một lần do Sở Công Thương cấp để đồng bộ dữ liệu. Có thể bỏ qua và đăng ký sau (lệnh bvntd enroll); máy vẫn làm việc bình thường khi chưa đăng ký.")}
	v.enrol = widget.NewButtonWithIcon(lang.X("enrol.submit", "Đăng ký"), theme.ConfirmIcon(), v.submit)
	v.enrol.Importance = widget.HighImportance
	v.skip = widget.NewButton(lang.X("enrol.skip", "Bỏ qua"), v.done)
	v.content = container.NewVBox(title, intro,
		widget.NewLabel(lang.X("enrol.server", "Địa chỉ máy chủ")), v.server,
		widget.NewLabel(lang.X("enrol.code", "Mã đăng ký")), v.code,
		v.msg, container.NewHBox(v.enrol, v.skip))
	return v
}

func (v *enrolView) submit() {
	if v.busy {
		return
	}
	server, code := v.server.Text, v.code.Text
	if server == "" || code == "" {
		v.msg.SetText(lang.X("enrol.missing", "Cần nhập địa chỉ máy chủ và mã đăng ký, hoặc chọn Bỏ qua."))
		v.msg.Show()
		return
	}
	v.busy = true
	v.enrol.Disable()
	v.s.run(func() {
		_, err := v.svc.Enroll(context.Background(), server, code)
		fyne.Do(func() {
			v.busy = false
			v.enrol.Enable()
			if err != nil {
				logError("enrol", err)
				v.msg.SetText(userMessage(err))
				v.msg.Show()
				return
			}
			v.done()
		})
	})
}

// done leaves the first run for the main screens.
func (v *enrolView) done() {
	v.s.hide()
	if v.s.u != nil {
		v.s.u.syncPanel.refresh() // an enrolled device starts syncing
	}
}
