package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// openNewForm taps "Thêm vụ việc" and returns the form.
// openEdit opens the case in row of the list, then its form.
func openEdit(t *testing.T, fx *fixture, row int) *caseForm {
	t.Helper()
	fx.ui.cases.table.Select(widget.TableCellID{Row: row, Col: colConsumer})
	must(t, fx.ui.detail != nil, "tapping the row did not open the case")
	test.Tap(mustButton(t, fx.win.Content(), "Sửa thông tin"))
	must(t, fx.ui.form != nil, "the form did not open")
	return fx.ui.form
}

func openNewForm(t *testing.T, fx *fixture) *caseForm {
	t.Helper()
	test.Tap(mustButton(t, fx.win.Content(), "Thêm vụ việc"))
	must(t, fx.ui.form != nil, "the form did not open")
	return fx.ui.form
}

// fillRequired fills every required field but the consumer's name: for a
// new case, the notice given too.
func fillRequired(f *caseForm) {
	if f.orig == nil {
		f.choice("privacy_notice").sel.SetSelected(app.PrivacyNoticeWays.Label("da_thong_bao"))
	}
	f.choice("channel").sel.SetSelected("Điện thoại")
	f.choice("kind").sel.SetSelected("Khiếu nại doanh nghiệp")
	f.choice("sector").sel.SetSelected("Thực phẩm, đồ uống, an toàn thực phẩm")
	test.Type(f.entry("summary"), "Mua sữa bột đã hết hạn sử dụng, cửa hàng không đồng ý đổi trả.")
}

// searchFor replaces the search text the way a user types it.
func searchFor(s *casesScreen, text string) {
	s.search.SetText("")
	test.Type(s.search, text)
}

func TestCaseForm_SaveThenFindWithoutDiacritics(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Trần Văn Dũng", BusinessName: "Siêu thị Co.op Mỹ Tho"})
	saved := 0
	fx.ui.OnSaved = func() { saved++ }
	fx.ui.Refresh()
	_, statusBefore := fx.sync.calls()

	f := openNewForm(t, fx)
	must(t, f.entry("received_at").Text == FormatDate(fx.clock.Peek()), "date defaults to %q, want today", f.entry("received_at").Text)
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	test.Type(f.entry("consumer_phone"), "0912 345 678")
	test.Type(f.entry("business_name"), "Cửa hàng Bách Hóa Xanh")
	fillRequired(f)
	test.Tap(mustButton(t, fx.win.Content(), "Lưu"))

	must(t, fx.ui.form == nil, "the form is still open after saving: %q", f.formErr.Text)
	must(t, fx.cases.count() == 2, "store holds %d cases, want 2", fx.cases.count())
	got := fx.cases.get(1)
	if got.ConsumerName != "Nguyễn Thị Hồng Đào" || got.Channel != "dien_thoai" || got.Kind != "khieu_nai" ||
		got.Sector != "thuc_pham_do_uong" || got.Status != app.StatusReceived || got.ConsumerPhone != "0912345678" ||
		got.CreatedBy != "Lê Văn Tâm" || got.UnitCode != "28261" {
		t.Errorf("saved case = %+v", got)
	}
	if saved != 1 {
		t.Errorf("OnSaved called %d times, want 1", saved)
	}
	if _, statusAfter := fx.sync.calls(); statusAfter <= statusBefore {
		t.Error("the sync panel was not refreshed after the save")
	}

	s := fx.ui.cases
	must(t, len(s.rows) == 2 && s.count.Text == "2 vụ việc", "list after save: %v, count %q", consumers(s), s.count.Text)
	for _, q := range []string{"nguyen thi hong dao", "Đào", "dao", "NGUYỄN hồng", "bach hoa"} {
		searchFor(s, q)
		if got := consumers(s); len(got) != 1 || got[0] != "Nguyễn Thị Hồng Đào" {
			t.Errorf("search %q found %v, want only Nguyễn Thị Hồng Đào", q, got)
		}
		if s.count.Text != "1 vụ việc" {
			t.Errorf("search %q: count line %q", q, s.count.Text)
		}
	}
	row := rowTexts(s)[0]
	for _, want := range []string{got.Number, FormatDate(got.ReceivedAt), "Nguyễn Thị Hồng Đào", "Cửa hàng Bách Hóa Xanh",
		"Thực phẩm, đồ uống, an toàn thực phẩm", "Mới tiếp nhận"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}

	searchFor(s, "dao xyz")
	must(t, len(s.rows) == 0 && s.empty.Visible(), "search for a missing word: rows %v, empty message shown %v", consumers(s), s.empty.Visible())
	if !strings.Contains(s.empty.Text, "dao xyz") {
		t.Errorf("empty message %q", s.empty.Text)
	}
	searchFor(s, "")
	must(t, len(s.rows) == 2 && !s.empty.Visible(), "clearing the search shows %v", consumers(s))
}

func TestCaseForm_EmptyNameShowsMessageAndSavesNothing(t *testing.T) {
	fx := newFixture(t)
	f := openNewForm(t, fx)
	fillRequired(f)
	test.Tap(f.save)

	must(t, fx.cases.count() == 0, "a case was saved: %d", fx.cases.count())
	must(t, fx.ui.form == f, "the form closed")
	msg := f.errs["consumer_name"]
	if !msg.Visible() || msg.Text != "Chưa nhập họ và tên người tiêu dùng." {
		t.Errorf("consumer_name message = %q (shown %v)", msg.Text, msg.Visible())
	}
	if msg.Importance != widget.DangerImportance {
		t.Errorf("the message is not red: importance %v", msg.Importance)
	}
	// The message sits right under the name field. (The GL driver re-lays
	// out a container whose content grew on the next frame; the test
	// canvas needs a refresh.)
	fx.win.Content().Refresh()
	d := fyne.CurrentApp().Driver()
	in, at := d.AbsolutePositionForObject(f.entry("consumer_name")), d.AbsolutePositionForObject(msg)
	if at.X != in.X || at.Y < in.Y+f.entry("consumer_name").Size().Height || at.Y > in.Y+f.entry("consumer_name").Size().Height+2*f.entry("consumer_name").MinSize().Height {
		t.Errorf("message at %v, name field at %v size %v: not under the field", at, in, f.entry("consumer_name").Size())
	}
	for k, l := range f.errs {
		if k != "consumer_name" && l.Visible() {
			t.Errorf("field %s shows %q, but it is fine", k, l.Text)
		}
	}
	if !f.formErr.Visible() || !strings.HasPrefix(f.formErr.Text, "Chưa lưu.") {
		t.Errorf("form message = %q (shown %v)", f.formErr.Text, f.formErr.Visible())
	}
	if fx.win.Canvas().Focused() != f.entry("consumer_name") {
		t.Error("the cursor was not put into the bad field")
	}

	// Fixing the field clears the message and saves.
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	test.Tap(f.save)
	must(t, fx.cases.count() == 1, "after fixing the name: %d cases", fx.cases.count())
	must(t, fx.ui.form == nil, "the form is still open")
}

func TestCaseForm_FieldMessages(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *caseForm)
		field string
		want  string // {today}: the date of the test's today
	}{
		{"NoSummary", func(f *caseForm) { f.entry("summary").SetText("  ") }, "summary", "Chưa nhập nội dung vụ việc."},
		{"NoChannel", func(f *caseForm) { f.choice("channel").sel.ClearSelected() }, "channel", "Chưa chọn kênh tiếp nhận."},
		{"NoSector", func(f *caseForm) { f.choice("sector").sel.ClearSelected() }, "sector", "Chưa chọn lĩnh vực."},
		{"BadPhone", func(f *caseForm) { test.Type(f.entry("consumer_phone"), "12345") }, "consumer_phone", "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."},
		{"DateNotADate", func(f *caseForm) { f.entry("received_at").SetText("hôm qua") }, "received_at", "Ngày phải có dạng ngày/tháng/năm, ví dụ {today}."},
		{"DateNoSuchDay", func(f *caseForm) { f.entry("received_at").SetText("31/02/2026") }, "received_at", "Không có ngày này. Vui lòng kiểm tra ngày và tháng."},
		{"DateInFuture", func(f *caseForm) { f.entry("received_at").SetText("01/01/2099") }, "received_at", "Ngày tiếp nhận không được sau ngày hôm nay."},
		{"DateEmpty", func(f *caseForm) { f.entry("received_at").SetText("") }, "received_at", "Chưa nhập ngày tiếp nhận."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t)
			f := openNewForm(t, fx)
			test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
			fillRequired(f)
			tt.setup(f)
			test.Tap(f.save)
			must(t, fx.cases.count() == 0, "saved despite a bad %s", tt.field)
			want := strings.ReplaceAll(tt.want, "{today}", FormatDate(fx.clock.Peek()))
			if l := f.errs[tt.field]; !l.Visible() || l.Text != want {
				t.Errorf("%s message = %q (shown %v), want %q", tt.field, l.Text, l.Visible(), want)
			}
		})
	}
}

// A message under a field goes when the officer changes that field (a
// "Chưa chọn kênh tiếp nhận." left beside the channel chosen misleads);
// the others stay until the next save (issue 17, item 11).
func TestCaseForm_MessageGoesWhenTheFieldChanges(t *testing.T) {
	fx := newFixture(t)
	f := openNewForm(t, fx)
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	fillRequired(f)
	f.choice("channel").sel.ClearSelected()
	f.entry("summary").SetText("")
	test.Tap(f.save)
	must(t, f.errs["channel"].Visible() && f.errs["summary"].Visible(), "no messages after a refused save")
	f.choice("channel").SetCode("truc_tiep")
	must(t, !f.errs["channel"].Visible(), "the channel's message stays after a channel was chosen")
	must(t, f.errs["summary"].Visible(), "the summary's message went though the summary did not change")
	test.Type(f.entry("summary"), "Mua phải sữa hết hạn.")
	must(t, !f.errs["summary"].Visible(), "the summary's message stays after typing")
	test.Tap(f.save)
	must(t, fx.cases.count() == 1, "not saved once corrected")
}

func TestCaseForm_PastDateKeepsThatDay(t *testing.T) {
	fx := newFixture(t)
	f := openNewForm(t, fx)
	test.Type(f.entry("consumer_name"), "Phạm Thị Lan")
	fillRequired(f)
	f.entry("received_at").SetText("3/2/2026")
	test.Tap(f.save)
	must(t, fx.cases.count() == 1, "not saved: %q", f.formErr.Text)
	if got := FormatDate(fx.cases.get(0).ReceivedAt); got != "03/02/2026" {
		t.Errorf("received %s, want 03/02/2026", got)
	}
}

func TestCaseForm_ServiceFieldErrorsShown(t *testing.T) {
	fx := newFixture(t)
	captureLogs(t)
	f := openNewForm(t, fx)
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	fillRequired(f)
	fx.cases.failNext = &app.Error{Code: app.EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.",
		Fields: map[string]string{
			"business_name": "Doanh nghiệp này đã bị giải thể, vui lòng kiểm tra lại.",
			"unit_code":     "Thiết bị chưa được gán xã, phường.",
		}}
	test.Tap(f.save)

	must(t, fx.cases.count() == 0, "saved despite the service's refusal")
	must(t, fx.ui.form == f, "the form closed")
	if l := f.errs["business_name"]; !l.Visible() || l.Text != "Doanh nghiệp này đã bị giải thể, vui lòng kiểm tra lại." {
		t.Errorf("business_name message = %q (shown %v)", l.Text, l.Visible())
	}
	if !strings.Contains(f.formErr.Text, "Vui lòng sửa các trường được đánh dấu.") ||
		!strings.Contains(f.formErr.Text, "Thiết bị chưa được gán xã, phường.") {
		t.Errorf("form message = %q; want the service message and the unit message", f.formErr.Text)
	}
	if f.entry("consumer_name").Text != "Nguyễn Thị Hồng Đào" || !f.save.Visible() || f.save.Disabled() {
		t.Error("the typed data or the Save button was lost")
	}
}

func TestCaseForm_TechnicalErrorNotShown(t *testing.T) {
	fx := newFixture(t)
	logs := captureLogs(t)
	f := openNewForm(t, fx)
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	fillRequired(f)
	fx.cases.failNext = errors.New("insert case: sqlite: database is locked (5) (SQLITE_BUSY)")
	test.Tap(f.save)

	must(t, fx.cases.count() == 0, "saved")
	if strings.Contains(f.formErr.Text, "sqlite") || !strings.Contains(f.formErr.Text, app.InternalMessage) {
		t.Errorf("form message = %q; want the Vietnamese system-error text only", f.formErr.Text)
	}
	if !strings.Contains(logs.String(), "SQLITE_BUSY") {
		t.Errorf("the technical cause was not logged: %s", logs)
	}
	if strings.Contains(logs.String(), "Nguyễn") || strings.Contains(logs.String(), "Nguy") {
		t.Errorf("personal data in the log: %s", logs)
	}
	// Trying again works, with nothing typed lost.
	test.Tap(f.save)
	must(t, fx.cases.count() == 1, "second try did not save")
}

func TestCaseForm_EditChangesCase(t *testing.T) {
	fx := newFixture(t)
	orig := fx.cases.add(t, app.Case{ConsumerName: "Võ Minh Khoa", ConsumerPhone: "0987654321",
		BusinessName: "Điện máy Chợ Lớn", Sector: "thuong_mai_dien_tu"})
	fx.cases.add(t, app.Case{ConsumerName: "Lý Thị Mai", ReceivedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, ICT)})
	fx.ui.Refresh()
	s := fx.ui.cases
	must(t, len(s.rows) == 2 && s.rows[0].ID == orig.ID, "list: %v", consumers(s))

	f := openEdit(t, fx, 0)
	must(t, f != nil && f.orig != nil && f.orig.ID == orig.ID, "tapping the row did not open the case")
	if !strings.Contains(f.title.Text, orig.Number) {
		t.Errorf("title %q lacks the case number", f.title.Text)
	}
	if f.entry("consumer_name").Text != "Võ Minh Khoa" || f.entry("received_at").Text != "05/03/2026" || f.choice("sector").Code() != "thuong_mai_dien_tu" ||
		f.choice("channel").Code() != "truc_tiep" {
		t.Fatalf("form not filled: name %q date %q sector %q", f.entry("consumer_name").Text, f.entry("received_at").Text, f.choice("sector").Code())
	}
	f.entry("consumer_phone").SetText("")
	test.Type(f.entry("consumer_phone"), "0901 111 222")
	test.Tap(mustButton(t, fx.win.Content(), "Lưu"))

	must(t, fx.ui.form == nil, "the form is still open: %q", f.formErr.Text)
	must(t, fx.cases.count() == 2 && fx.cases.updates == 1, "editing made %d cases, %d updates", fx.cases.count(), fx.cases.updates)
	got := fx.cases.get(0)
	if got.ConsumerPhone != "0901111222" || got.UpdatedBy != "Lê Văn Tâm" {
		t.Errorf("after edit: phone %q updated by %q", got.ConsumerPhone, got.UpdatedBy)
	}
	if !got.ReceivedAt.Equal(orig.ReceivedAt) || got.Number != orig.Number || got.ConsumerName != orig.ConsumerName {
		t.Errorf("unchanged fields changed: %+v", got)
	}
	if row := rowTexts(s)[0]; !strings.Contains(row, "0901") && !strings.Contains(row, "Võ Minh Khoa") {
		t.Errorf("the list was not refreshed: %q", row)
	}
}

func TestCaseForm_EditKeepsValuesSyncedMeanwhile(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Võ Minh Khoa", ConsumerPhone: "0987654321"})
	fx.ui.Refresh()
	f := openEdit(t, fx, 0)
	must(t, f != nil, "the case did not open")

	// While the form is open, a sync brings the province's status change.
	fx.cases.set(0, func(c *app.Case) { c.Status = "da_thu_ly" })
	f.entry("consumer_phone").SetText("0901 111 222")
	test.Tap(f.save)

	got := fx.cases.get(0)
	if got.Status != "da_thu_ly" || got.ConsumerPhone != "0901111222" {
		t.Errorf("after save: status %q (want the synced da_thu_ly), phone %q", got.Status, got.ConsumerPhone)
	}
}

func TestCaseForm_EditWithoutChangesSavesNothing(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Võ Minh Khoa"})
	fx.ui.Refresh()
	saved := 0
	fx.ui.OnSaved = func() { saved++ }
	openEdit(t, fx, 0)
	test.Tap(mustButton(t, fx.win.Content(), "Lưu"))
	must(t, fx.ui.form == nil, "the form is still open")
	if fx.cases.updates != 0 || saved != 0 {
		t.Errorf("%d updates, OnSaved %d times; want none", fx.cases.updates, saved)
	}
}

func TestCaseForm_CancelAsksBeforeDiscarding(t *testing.T) {
	fx := newFixture(t)

	openNewForm(t, fx)
	test.Tap(mustButton(t, fx.win.Content(), "Đóng"))
	must(t, fx.ui.form == nil, "cancelling an untouched form should go straight back")
	must(t, fx.win.Canvas().Overlays().Top() == nil, "a dialog was shown for an untouched form")

	f := openNewForm(t, fx)
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	test.Tap(mustButton(t, fx.win.Content(), "Đóng"))
	d := topOverlay(t, fx.win)
	test.Tap(mustButton(t, d, "Tiếp tục nhập"))
	must(t, fx.ui.form == f && f.entry("consumer_name").Text == "Nguyễn Thị Hồng Đào", "keep editing lost the form")

	test.Tap(mustButton(t, fx.win.Content(), "Đóng"))
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Bỏ thay đổi"))
	must(t, fx.ui.form == nil, "discarding did not close the form")
	must(t, fx.cases.count() == 0, "cancel saved a case")
}

// The discard question's safe answer is the default: "Tiếp tục nhập" is
// the highlighted button and has the focus, so Space keeps the form.
func TestCaseForm_DiscardDefaultsToKeepTyping(t *testing.T) {
	fx := newFixture(t)
	f := openNewForm(t, fx)
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	test.Tap(f.cancel)
	keep := mustButton(t, topOverlay(t, fx.win), "Tiếp tục nhập")
	focused, _ := fx.win.Canvas().Focused().(*keyButton)
	must(t, focused != nil && &focused.Button == keep && keep.Importance == widget.HighImportance,
		"the safe answer is not the default: focus on %T", fx.win.Canvas().Focused())
	keyboard{t, fx.win.Canvas()}.key(fyne.KeySpace)
	must(t, fx.win.Canvas().Overlays().Top() == nil && fx.ui.form == f && f.entry("consumer_name").Text == "Nguyễn Thị Hồng Đào",
		"Space did not keep the form")
	// Enter takes the focused, safe answer too (it did nothing: a Fyne
	// button answers Space only).
	test.Tap(f.cancel)
	keyboard{t, fx.win.Canvas()}.key(fyne.KeyReturn)
	must(t, fx.win.Canvas().Overlays().Top() == nil && fx.ui.form == f && f.entry("consumer_name").Text == "Nguyễn Thị Hồng Đào",
		"Enter did not keep the form")
}

func TestOpenCase_ErrorShowsVietnamese(t *testing.T) {
	fx := newFixture(t)
	captureLogs(t)
	c := fx.cases.add(t, app.Case{ConsumerName: "Lý Thị Mai"})
	fx.ui.Refresh()
	fx.cases.failNext = errors.New("select case: disk I/O error")
	fx.ui.openCase(c.ID)

	must(t, fx.ui.form == nil, "a form opened despite the error")
	d := fx.ui.detail
	must(t, d != nil && d.errMsg.Visible(), "no message")
	if shown := d.errMsg.Text; !strings.Contains(shown, app.InternalMessage) || strings.Contains(shown, "disk I/O") {
		t.Errorf("case screen shows %q", shown)
	}
}

// inputs returns where the cursor goes for each field of f, by key.
func (f *form[T, R]) inputs() map[string]fyne.Focusable {
	out := map[string]fyne.Focusable{}
	for _, fl := range f.fields {
		if fl.focus != nil {
			out[fl.key] = fl.focus
		}
	}
	return out
}

// order returns the keys of the fields the cursor can reach, in screen
// order.
func (f *form[T, R]) order() []string {
	var out []string
	for _, fl := range f.fields {
		if fl.focus != nil {
			out = append(out, fl.key)
		}
	}
	return out
}

// After a refused save the first bad field is scrolled into view with its
// message under it, not just out of view (issue 17, item 11).
func TestCaseForm_FirstBadFieldShownWithItsMessage(t *testing.T) {
	fx := newFixture(t)
	f := openNewForm(t, fx)
	fx.win.Resize(fyne.NewSize(1024, 600))
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Hồng Đào")
	fillRequired(f)
	// A field low in the form, typed wrong; scrolled back to the top.
	test.Type(f.entry("damage_claimed"), "nhiều tiền")
	f.scroll.ScrollToTop()
	test.Tap(f.save)
	msg := f.errs["damage_claimed"]
	must(t, msg.Visible(), "no message under the amount")
	drv := fyne.CurrentApp().Driver()
	top := drv.AbsolutePositionForObject(f.scroll).Y
	in := drv.AbsolutePositionForObject(f.entry("damage_claimed")).Y
	bottom := drv.AbsolutePositionForObject(msg).Y + msg.Size().Height
	must(t, in >= top && bottom <= top+f.scroll.Size().Height,
		"the field (%.0f) and its message (to %.0f) are not within the form's view (%.0f–%.0f)", in, bottom, top, top+f.scroll.Size().Height)
}

// The mouse wheel over a one-line input moves the form (Fyne gave it to
// the input's own scroller, and the form stood still). (That a click
// still reaches the input beneath is seen in the real window: the test
// driver's taps do not focus.)
func TestCaseForm_WheelOverAnInputScrollsTheForm(t *testing.T) {
	fx := newFixture(t)
	f := openNewForm(t, fx)
	fx.win.Resize(fyne.NewSize(1024, 600))
	f.scroll.ScrollToTop()
	e := f.entry("consumer_name")
	drv := fyne.CurrentApp().Driver()
	at := drv.AbsolutePositionForObject(e).Add(fyne.NewPos(20, 10))
	test.Scroll(fx.win.Canvas(), at, 0, -120)
	must(t, f.scroll.Offset.Y > 0, "the form did not move under the wheel over an input (offset %.0f)", f.scroll.Offset.Y)
}
