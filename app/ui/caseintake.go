package ui

import (
	"encoding/json"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// The online intake channel on the case screen (issue 21, Kế hoạch
// 395/KH-UBND III.2.a): a case the consumer filed on the provincial
// server's public form shows its tracking code, is marked opened the first
// time an officer opens it (the list's "Mới từ cổng trực tuyến" goes), and
// has a "Trả lời người tiêu dùng" section: the text the consumer will see on
// the status page, sent only when the officer presses the button. A case
// sent to the wrong commune, or any case still "mới tiếp nhận", can be
// forwarded to another commune: the officer sets Case.ForwardedTo, an
// ordinary edit; the server moves the case at the next sync.

// intakePanel is that part of a caseDetail.
type intakePanel struct {
	v *caseDetail

	tracking     *widget.Label  // "Mã tra cứu: …", selectable to copy
	forwardState *widget.Label  // waiting to move, moved, or moved from
	forward      *widget.Button // "Chuyển sang xã, phường khác…", among the steps

	section    *fyne.Container // "Trả lời người tiêu dùng"; shown with a tracking code
	reply      *formEntry
	replyState *widget.Label // sent on …, or not sent, or changed since
	replyErr   *widget.Label
	send       *widget.Button
	// sent is the reply as the store holds it (Case.ConsumerReply): the
	// box holds a draft when its text differs.
	sent    string
	sending bool

	// opening is the case id whose IntakeOpenedAt is being stamped, so
	// that a reload meanwhile does not stamp it twice.
	opening string
	asking  dialog.Dialog // the open question, or nil
	fwd     *forwardDialog
}

func newIntakePanel(v *caseDetail) *intakePanel {
	p := &intakePanel{v: v}
	p.tracking = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Selectable: true}
	p.tracking.Hide()
	p.forwardState = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	p.forwardState.Hide()
	p.forward = &widget.Button{Text: lang.X("online.forward", "Chuyển sang xã, phường khác…"), Icon: theme.MailForwardIcon(),
		OnTapped: p.openForward}

	p.reply = newFormEntry(true)
	p.reply.SetMinRowsVisible(4)
	p.reply.SetPlaceHolder(lang.X("online.reply.placeholder",
		"Ví dụ: UBND phường đã tiếp nhận phản ánh, đã liên hệ cửa hàng và hẹn làm việc ngày …"))
	p.reply.OnChanged = func(string) { p.showReplyState() }
	p.replyState = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.replyErr = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	p.replyErr.Hide()
	p.send = &widget.Button{Text: lang.X("online.reply.send", "Gửi trả lời lên cổng tra cứu"), Icon: theme.MailSendIcon(),
		Importance: widget.HighImportance, OnTapped: p.confirmSend}
	hint := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.MediumImportance,
		Text: lang.X("online.reply.hint", "Người tiêu dùng xem được đúng nội dung này trên trang tra cứu (bằng mã tra cứu và 4 số cuối điện thoại). Không ghi ghi chú nội bộ, tên cán bộ hay thông tin của người khác. Nội dung chỉ hiện cho người tiêu dùng sau khi bấm gửi.")}
	head := &widget.Label{Text: lang.X("online.reply.title", "Trả lời người tiêu dùng"), TextStyle: fyne.TextStyle{Bold: true}}
	p.section = container.NewVBox(widget.NewSeparator(), head, hint, p.reply, p.replyErr,
		container.NewBorder(nil, nil, nil, p.send, p.replyState))
	p.section.Hide()
	return p
}

// show shows c's tracking code, forwarding and reply. A draft typed in the
// reply box is kept across reloads; the box follows the store only while
// it holds no draft.
func (p *intakePanel) show(c *app.Case) {
	if c.TrackingCode != "" {
		p.tracking.SetText(lang.X("online.tracking", "Mã tra cứu của người tiêu dùng: {{.Code}}", map[string]any{"Code": c.TrackingCode}))
		p.tracking.Show()
	} else {
		p.tracking.Hide()
	}
	if text := p.forwardText(c); text != "" {
		p.forwardState.SetText(text)
		p.forwardState.Show()
	} else {
		p.forwardState.Hide()
	}
	if c.TrackingCode == "" || c.Limited || c.Voided {
		p.section.Hide()
		return
	}
	draft := p.dirty()
	p.sent = c.ConsumerReply
	if !draft {
		p.reply.SetText(c.ConsumerReply)
	}
	if c.ForwardedTo != "" { // the commune it goes to answers the consumer
		p.reply.Disable()
	} else {
		p.reply.Enable()
	}
	p.section.Show()
	p.showReplyState()
}

// forwardText says where c is going or went, or where it came from.
func (p *intakePanel) forwardText(c *app.Case) string {
	switch {
	case c.ForwardedTo != "" && c.Status == app.StatusReferred:
		return lang.X("online.forwarded", "Đã chuyển đến {{.Unit}}.", map[string]any{"Unit": p.unitName(c.ForwardedTo)})
	case c.ForwardedTo != "":
		return lang.X("online.forward_pending", "Đang chờ chuyển đến {{.Unit}}: vụ việc được chuyển khi máy đồng bộ với máy chủ của tỉnh.",
			map[string]any{"Unit": p.unitName(c.ForwardedTo)})
	case c.ForwardedFrom != "":
		if from := p.v.forwardedFrom; from != "" {
			return lang.X("online.forwarded_from", "Chuyển từ {{.Unit}}.", map[string]any{"Unit": from})
		}
		return lang.X("online.forwarded_from_other", "Chuyển từ xã, phường khác.")
	}
	return ""
}

// unitName names a commune by its code (the code itself if unknown).
func (p *intakePanel) unitName(code string) string {
	if u, ok := lookupUnit(p.v.refs, code); ok {
		return u.Name
	}
	return code
}

// canForward reports whether c may be forwarded to another commune: an
// online case, or any case still "mới tiếp nhận", held whole here, not
// already forwarded.
func canForward(c *app.Case) bool {
	return !c.Voided && !c.Limited && c.ForwardedTo == "" &&
		(c.Channel == app.ChannelOnlineIntake && c.Status != app.StatusReferred || c.Status == app.StatusReceived)
}

// dirty reports whether the reply box holds text not sent as it is.
func (p *intakePanel) dirty() bool {
	return p.section.Visible() && app.NFCText(p.reply.Text) != p.sent
}

// showReplyState says whether the reply was sent, and enables the button
// when there is something new to send.
func (p *intakePanel) showReplyState() {
	c := &p.v.c
	text := app.NFCText(p.reply.Text)
	switch {
	case c.ForwardedTo != "":
		p.replyState.SetText(lang.X("online.reply.forwarded", "Vụ việc được chuyển sang xã, phường khác: xã, phường nhận vụ việc sẽ trả lời người tiêu dùng."))
	case !c.ConsumerReplyAt.IsZero() && text != p.sent:
		p.replyState.SetText(lang.X("online.reply.changed", "Đã sửa, chưa gửi: người tiêu dùng vẫn thấy nội dung đã gửi ngày {{.At}}. Bấm “Gửi trả lời lên cổng tra cứu” để gửi nội dung mới.",
			map[string]any{"At": FormatDateTime(c.ConsumerReplyAt)}))
	case !c.ConsumerReplyAt.IsZero():
		p.replyState.SetText(lang.X("online.reply.sent", "Đã gửi lên cổng tra cứu ngày {{.At}}.", map[string]any{"At": FormatDateTime(c.ConsumerReplyAt)}))
	default:
		p.replyState.SetText(lang.X("online.reply.not_sent", "Chưa gửi: người tiêu dùng chưa thấy trả lời nào."))
	}
	if p.sending || c.ForwardedTo != "" || text == "" || text == p.sent && !c.ConsumerReplyAt.IsZero() {
		p.send.Disable()
	} else {
		p.send.Enable()
	}
}

// confirmSend shows the officer exactly what the consumer will read and
// sends it if they confirm.
func (p *intakePanel) confirmSend() {
	text := app.NFCText(p.reply.Text)
	if text == "" || p.sending {
		return
	}
	msg := lang.X("online.reply.confirm.message", "Người tiêu dùng sẽ thấy đúng nội dung dưới đây trên trang tra cứu tình trạng vụ việc. Không gửi ghi chú nội bộ, tên cán bộ hay thông tin của người khác.")
	quoted := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Italic: true}}
	// The text fills the dialog, scrolling when long.
	body := container.NewBorder(container.NewVBox(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}, widget.NewSeparator()),
		nil, nil, nil, container.NewVScroll(quoted))
	p.ask(lang.X("online.reply.confirm.title", "Gửi trả lời lên cổng tra cứu?"), body,
		lang.X("online.reply.confirm.send", "Gửi"), lang.X("online.reply.confirm.back", "Quay lại"),
		fyne.NewSize(560, 360), func() { p.sendReply(text) })
}

// sendReply writes the reply and the time it was sent in one edit.
func (p *intakePanel) sendReply(text string) {
	v := p.v
	at, err := json.Marshal(v.now().UTC().Truncate(time.Second))
	if err != nil {
		return
	}
	body, _ := json.Marshal(text) // a string always marshals
	changes := map[string]json.RawMessage{"consumer_reply": body, "consumer_reply_at": at}
	p.sending = true
	p.replyErr.Hide()
	p.showReplyState()
	id, base := v.id, v.c.Version
	v.run(func() {
		err := v.svc.Edit(v.ctx, app.EntityCase, id, base, changes)
		fyne.Do(func() {
			p.sending = false
			if err != nil {
				logError("send the reply to the consumer", err)
				p.replyErr.SetText(lang.X("online.reply.failed", "Chưa gửi được trả lời: {{.Reason}}",
					map[string]any{"Reason": fieldOrMessage(err, "consumer_reply")}))
				p.replyErr.Show()
				p.showReplyState()
				return
			}
			p.sent = text // the box holds what was sent: no draft left
			v.load()
			if v.onStep != nil {
				v.onStep()
			}
		})
	})
}

// fieldOrMessage is the message of err for field, or its whole message.
func fieldOrMessage(err error, field string) string {
	if m, ok := app.FieldErrors(err)[field]; ok {
		return m
	}
	return userMessage(err)
}

// markOpened records, once, that an officer opened a case that came
// through the public form: an ordinary edit (it syncs), stamped with the
// clock. A case held limited (the province's copy), voided, or opened by
// the device's administrator is not marked: the commune's officers still
// need to see it as new.
func (p *intakePanel) markOpened(c *app.Case) {
	v := p.v
	if !app.NewFromOnlineIntake(c) || c.Limited || !handlesCases(v.role) || p.opening == c.ID {
		return
	}
	if v.unit != "" && c.UnitCode != v.unit {
		return // another commune's case (a provincial laptop): theirs to open
	}
	now := v.now().UTC().Truncate(time.Second)
	at, err := json.Marshal(now)
	if err != nil {
		return
	}
	p.opening = c.ID
	id, base := c.ID, c.Version
	v.run(func() {
		err := v.svc.Edit(v.ctx, app.EntityCase, id, base, map[string]json.RawMessage{"intake_opened_at": at})
		fyne.Do(func() {
			if err != nil {
				// The mark stays in the list; the case is shown anyway.
				logError("mark an online case opened", err)
				p.opening = ""
				return
			}
			if v.c.ID == id {
				v.c.IntakeOpenedAt = now
			}
			if v.onOpened != nil {
				v.onOpened()
			}
		})
	})
}

// handlesCases reports whether an officer of role receives and settles
// cases (app.ProfileRoles): not the device's administrator, whose task is
// the laptop. "" (no sign-in) does.
func handlesCases(role string) bool { return role != "quan_tri" }

// ask puts a question over the case screen: go ahead (proceed) or go
// back, the safe answer, highlighted and focused (as forms ask).
func (p *intakePanel) ask(title string, body fyne.CanvasObject, ahead, back string, size fyne.Size, proceed func()) {
	var d *dialog.CustomDialog
	backBtn := newKeyButton(back, theme.CancelIcon(), widget.HighImportance, func() { d.Hide() })
	aheadBtn := newKeyButton(ahead, theme.ConfirmIcon(), widget.MediumImportance, func() { d.Hide(); proceed() })
	d = dialog.NewCustomWithoutButtons(title, body, p.v.win)
	d.SetButtons([]fyne.CanvasObject{backBtn, aheadBtn})
	d.SetOnClosed(func() { p.asking = nil })
	d.Resize(size)
	d.Show()
	p.v.win.Canvas().Focus(backBtn)
	p.asking = d
}

// leave runs proceed, asking first when the reply box holds a draft that
// leaving the case screen would lose.
func (p *intakePanel) leave(proceed func()) {
	if !p.dirty() || p.v.win == nil {
		proceed()
		return
	}
	p.ask(lang.X("online.reply.discard.title", "Bỏ trả lời chưa gửi?"),
		&widget.Label{Text: lang.X("online.reply.discard.message", "Nội dung trả lời người tiêu dùng vừa viết chưa được gửi và sẽ không được lưu."), Wrapping: fyne.TextWrapWord},
		lang.X("form.discard.confirm", "Bỏ thay đổi"), lang.X("form.discard.keep", "Tiếp tục nhập"),
		fyne.NewSize(420, 180), proceed)
}

// forwardDialog asks for the commune a case goes to and why.
type forwardDialog struct {
	p      *intakePanel
	d      *dialog.CustomDialog
	unit   *codeSelect
	reason *formEntry
	errs   map[string]*widget.Label
	save   *widget.Button
}

// openForward asks where to forward the case: the communes (typing part
// of a name finds it, diacritics optional), this one left out, and the
// reason, recorded in the case's timeline.
func (p *intakePanel) openForward() {
	v := p.v
	if !canForward(&v.c) {
		return
	}
	var units app.CodeList
	for _, u := range unitList(v.refs) {
		if u.Code != v.c.UnitCode {
			units = append(units, u)
		}
	}
	f := &forwardDialog{p: p, unit: newCodeSelect(units, lang.X("online.forward.choose", "(Chọn hoặc gõ tên xã, phường)")),
		reason: newFormEntry(true), errs: map[string]*widget.Label{}}
	f.reason.SetMinRowsVisible(2)
	f.reason.SetPlaceHolder(lang.X("online.forward.reason.placeholder", "Ví dụ: cửa hàng và người tiêu dùng ở phường Mỹ Tho, không thuộc địa bàn xã"))
	msg := func(key string) *widget.Label {
		l := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
		l.Hide()
		f.errs[key] = l
		return l
	}
	intro := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("online.forward.intro",
		"Vụ việc {{.Number}} sẽ được chuyển sang xã, phường được chọn khi máy đồng bộ với máy chủ của tỉnh; ở đây vụ việc còn lại với trạng thái “Đã chuyển cơ quan khác”.",
		map[string]any{"Number": v.c.Number})}
	body := container.NewVBox(intro,
		widget.NewLabel(lang.X("online.forward.unit", "Chuyển đến xã, phường")+" *"), f.unit.sel, msg("forwarded_to"),
		widget.NewLabel(lang.X("online.forward.reason", "Lý do chuyển")+" *"), f.reason, msg("reason"),
		msg(""))
	cancel := &widget.Button{Text: lang.X("form.cancel", "Hủy"), Icon: theme.CancelIcon(), OnTapped: f.close}
	f.save = &widget.Button{Text: lang.X("online.forward.confirm", "Chuyển"), Icon: theme.MailForwardIcon(),
		Importance: widget.HighImportance, OnTapped: f.submit}
	f.d = dialog.NewCustomWithoutButtons(lang.X("online.forward.title", "Chuyển sang xã, phường khác"), body, v.win)
	f.d.SetButtons([]fyne.CanvasObject{cancel, f.save})
	f.d.Resize(fyne.NewSize(560, 380))
	p.fwd = f
	f.d.Show()
	v.win.Canvas().Focus(f.unit.sel)
}

func (f *forwardDialog) close() {
	f.d.Hide()
	if f.p.fwd == f {
		f.p.fwd = nil
	}
}

// submit records the reason as a note in the case's timeline and sets
// ForwardedTo; the dialog stays open, with the messages, if anything is
// wrong.
func (f *forwardDialog) submit() {
	for _, l := range f.errs {
		l.Hide()
	}
	unit, reason := f.unit.Code(), app.NFCText(f.reason.Text)
	bad := false
	if unit == "" {
		f.errs["forwarded_to"].SetText(lang.X("online.forward.unit.required", "Chưa chọn xã, phường nhận vụ việc."))
		f.errs["forwarded_to"].Show()
		bad = true
	}
	if reason == "" {
		f.errs["reason"].SetText(lang.X("online.forward.reason.required", "Cần ghi lý do chuyển."))
		f.errs["reason"].Show()
		bad = true
	} else if len([]rune(reason)) > app.MaxShortText*5 {
		f.errs["reason"].SetText(lang.X("online.forward.reason.long", "Lý do quá dài (tối đa 1.000 ký tự)."))
		f.errs["reason"].Show()
		bad = true
	}
	if bad {
		return
	}
	p, v := f.p, f.p.v
	name := p.unitName(unit)
	to, _ := json.Marshal(unit) // a string always marshals
	note := app.CaseEvent{Kind: app.EventNote, Note: lang.X("online.forward.note", "Chuyển sang {{.Unit}}. Lý do: {{.Reason}}",
		map[string]any{"Unit": name, "Reason": reason})}
	f.save.Disable()
	id, base := v.id, v.c.Version
	v.run(func() {
		err := v.svc.Edit(v.ctx, app.EntityCase, id, base, map[string]json.RawMessage{"forwarded_to": to})
		if err == nil {
			if nerr := v.svc.AddCaseEvent(v.ctx, id, &note); nerr != nil {
				// The forward stands; only the note of why is missing.
				logError("note the forward's reason", nerr)
			}
		}
		fyne.Do(func() {
			f.save.Enable()
			if err != nil {
				logError("forward a case", err)
				l := f.errs[""]
				l.SetText(lang.X("online.forward.failed", "Chưa chuyển được: {{.Reason}}", map[string]any{"Reason": fieldOrMessage(err, "forwarded_to")}))
				l.Show()
				return
			}
			f.close()
			v.load()
			if v.onStep != nil {
				v.onStep()
			}
		})
	})
}
