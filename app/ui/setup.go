package ui

import (
	"context"
	"strings"

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
		title.Text = lang.X("setup.title.add", "Thêm người dùng máy này")
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

// enrolView binds the device to the provincial server with the one-time
// code from Sở Công Thương: the optional second step of the first run
// (newEnrolView, left with "Bỏ qua"), and the form the sync tab opens to
// enrol or enrol again at any time (newEnrolForm, left with "Đóng"). An
// attempt shows its progress, can be cancelled with "Hủy" (which ends its
// context), and ends within syncclient.EnrollTimeout when the server cannot
// be reached; leaving the form cancels it too.
type enrolView struct {
	ctx      context.Context
	svc      EnrollService
	run      func(func())
	server   *formEntry
	code     *formEntry
	msg      *widget.Label // the outcome of the last attempt
	progress *widget.Label
	bar      *busyBar
	enrol    *widget.Button
	cancel   *widget.Button // "Hủy": shown while an attempt runs
	leave    *widget.Button // "Bỏ qua" or "Đóng"
	buttons  *fyne.Container
	firstRun bool
	busy     bool
	attempt  int                // the running attempt's number; a result of another is dropped
	stop     context.CancelFunc // ends the running attempt

	onEnrolled func(app.Enrollment) // on the Fyne goroutine, after a successful attempt
	onLeave    func()               // on the Fyne goroutine, when the officer leaves the form

	content fyne.CanvasObject
}

// prefServer is the preference that keeps the server address last used to
// enrol, for the next enrolment.
const prefServer = "enrol.server"

// rememberedServer returns the address last used to enrol on this
// computer, else enrolled ("" if neither).
func rememberedServer(enrolled string) string {
	if a := fyne.CurrentApp(); a != nil {
		if s := a.Preferences().String(prefServer); s != "" {
			return s
		}
	}
	return enrolled
}

func rememberServer(server string) {
	if a := fyne.CurrentApp(); a != nil {
		a.Preferences().SetString(prefServer, server)
	}
}

// newEnrolView is the enrolment step of the first run: "Bỏ qua" leaves it
// for the main screens, which an enrolment does too.
func newEnrolView(s *session, svc EnrollService) *enrolView {
	v := newEnrolForm(context.Background(), svc, s.run, "", false, true)
	done := func() {
		s.hide()
		if s.u != nil {
			s.u.syncPanel.refresh() // an enrolled device starts syncing
		}
	}
	v.onEnrolled = func(app.Enrollment) { done() }
	v.onLeave = done
	return v
}

// newEnrolForm returns the enrolment form, its server address prefilled
// with the one last used (else enrolled: the status's). again: the device
// is enrolled already (re-enrolment); firstRun: the first run's step.
func newEnrolForm(ctx context.Context, svc EnrollService, run func(func()), enrolled string, again, firstRun bool) *enrolView {
	v := &enrolView{ctx: ctx, svc: svc, run: run, firstRun: firstRun}
	v.server, v.code = newFormEntry(false), newFormEntry(false)
	v.server.PlaceHolder = "https://bvntd.dongthap.gov.vn"
	v.server.SetText(rememberedServer(enrolled))
	v.code.OnSubmitted = func(string) { v.submit() }
	v.msg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.msg.Hide()
	v.progress = &widget.Label{Wrapping: fyne.TextWrapWord}
	v.progress.Hide()
	v.bar = newBusyBar()
	title := &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText,
		Text: lang.X("enrol.title", "Đăng ký máy với máy chủ tỉnh")}
	intro := &widget.Label{Wrapping: fyne.TextWrapWord}
	switch {
	case again:
		title.Text = lang.X("enrol.title.again", "Đăng ký lại với máy chủ tỉnh")
		intro.Text = lang.X("enrol.intro.again",
			"Đăng ký lại khi Sở Công Thương cấp mã mới, ví dụ khi máy chuyển sang xã, phường khác hoặc đổi máy chủ. Các thay đổi chưa gửi vẫn được giữ trên máy và sẽ được gửi sau khi đăng ký.")
	case firstRun:
		intro.Text = lang.X("enrol.intro",
			"Nhập địa chỉ máy chủ và mã đăng ký một lần do Sở Công Thương cấp để đồng bộ dữ liệu. Có thể bỏ qua và đăng ký sau ở thẻ Đồng bộ; máy vẫn làm việc bình thường khi chưa đăng ký.")
	default:
		intro.Text = lang.X("enrol.intro.sync",
			"Nhập địa chỉ máy chủ và mã đăng ký một lần do Sở Công Thương cấp. Máy vẫn làm việc bình thường trong lúc đăng ký.")
	}
	v.enrol = widget.NewButtonWithIcon(lang.X("enrol.submit", "Đăng ký"), theme.ConfirmIcon(), v.submit)
	v.enrol.Importance = widget.HighImportance
	v.cancel = widget.NewButtonWithIcon(lang.X("enrol.cancel", "Hủy"), theme.CancelIcon(), v.cancelAttempt)
	v.cancel.Hide()
	leave := lang.X("enrol.close", "Đóng")
	if firstRun {
		leave = lang.X("enrol.skip", "Bỏ qua")
	}
	v.leave = widget.NewButton(leave, v.onLeaveTapped)
	v.buttons = container.NewHBox(v.enrol, v.cancel, v.leave)
	v.content = container.NewVBox(title, intro,
		widget.NewLabel(lang.X("enrol.server", "Địa chỉ máy chủ")), v.server,
		widget.NewLabel(lang.X("enrol.code", "Mã đăng ký")), v.code,
		v.msg, v.bar.box, v.progress, v.buttons)
	return v
}

// submit starts an attempt: the last outcome goes, the progress shows, and
// the service runs off the Fyne goroutine with a context "Hủy" ends.
func (v *enrolView) submit() {
	if v.busy {
		return
	}
	server, code := strings.TrimSpace(v.server.Text), strings.TrimSpace(v.code.Text)
	v.msg.Hide()
	if server == "" || code == "" {
		missing := lang.X("enrol.missing.sync", "Cần nhập địa chỉ máy chủ và mã đăng ký.")
		if v.firstRun {
			missing = lang.X("enrol.missing", "Cần nhập địa chỉ máy chủ và mã đăng ký, hoặc chọn Bỏ qua.")
		}
		v.showMsg(missing, widget.DangerImportance)
		return
	}
	rememberServer(server)
	v.setBusy(true)
	v.progress.Importance = widget.MediumImportance
	v.progress.SetText(lang.X("enrol.running", "Đang kết nối máy chủ tỉnh tại {{.Server}}… Có thể bấm Hủy để dừng.",
		map[string]any{"Server": server}))
	v.progress.Show()
	v.attempt++
	n := v.attempt
	ctx, stop := context.WithCancel(v.ctx)
	v.stop = stop
	v.run(func() {
		e, err := v.svc.Enroll(ctx, server, code)
		stop()
		fyne.Do(func() { v.finish(n, e, err) })
	})
}

// finish shows how attempt n ended, unless it was cancelled meanwhile.
func (v *enrolView) finish(n int, e app.Enrollment, err error) {
	if n != v.attempt || !v.busy {
		return
	}
	v.setBusy(false)
	v.progress.Hide()
	if err != nil {
		logError("enrol", err)
		v.showMsg(userMessage(err), widget.DangerImportance)
		return
	}
	v.code.SetText("")
	if v.onEnrolled != nil {
		v.onEnrolled(e)
	}
}

// cancelAttempt ends the running attempt: its context ends, and its result,
// should it come, is dropped.
func (v *enrolView) cancelAttempt() {
	if !v.busy {
		return
	}
	v.endAttempt()
	v.showMsg(lang.X("enrol.cancelled", "Đã hủy đăng ký. Có thể sửa địa chỉ hoặc mã rồi bấm Đăng ký lại."), widget.WarningImportance)
}

// onLeaveTapped leaves the form ("Bỏ qua", "Đóng"): nothing keeps running.
func (v *enrolView) onLeaveTapped() {
	if v.busy {
		v.endAttempt()
	}
	if v.onLeave != nil {
		v.onLeave()
	}
}

// endAttempt drops the running attempt's result (the number moves on
// before its context ends, so that its finish sees it) and ends it.
func (v *enrolView) endAttempt() {
	v.attempt++
	v.stop()
	v.setBusy(false)
	v.progress.Hide()
}

func (v *enrolView) setBusy(b bool) {
	v.busy = b
	if b {
		v.enrol.Disable()
		v.cancel.Show()
		v.bar.Start()
	} else {
		v.enrol.Enable()
		v.cancel.Hide()
		v.bar.Stop()
	}
	v.buttons.Refresh() // "Hủy" came or went
}

func (v *enrolView) showMsg(text string, imp widget.Importance) {
	v.msg.Importance = imp
	v.msg.SetText(text)
	v.msg.Show()
}
