package ui

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/storage"
)

// newOutreachFixture shows the "Truyền thông" screen of commune 28261 on a
// real store with the seeds, loaded.
func newOutreachFixture(t *testing.T) (*storeFixture, *outreachScreen) {
	t.Helper()
	fx := newStoreFixture(t)
	s := newOutreachScreen(formDeps{ctx: context.Background(), win: fx.win, svc: fx.db, records: fx.db,
		refs: fx.ui.svc.Refs, unit: "28261", officer: "Lê Văn Tâm", run: inline, now: fx.clock.Now})
	fx.win.SetContent(s.content)
	fx.win.Resize(fyne.NewSize(1280, 800))
	s.reload()
	return fx, s
}

func outreachEvents(t *testing.T, db *storage.DB, voided bool) []app.OutreachEvent {
	t.Helper()
	rows, err := storage.ListRecords[app.OutreachEvent](context.Background(), db, storage.RecordQuery{IncludeVoided: voided})
	must(t, err == nil, "list events: %v", err)
	return rows
}

func outreachPubs(t *testing.T, db *storage.DB, voided bool) []app.Publication {
	t.Helper()
	rows, err := storage.ListRecords[app.Publication](context.Background(), db, storage.RecordQuery{IncludeVoided: voided})
	must(t, err == nil, "list publications: %v", err)
	return rows
}

func outreachOutboxCount(t *testing.T, db *storage.DB) int {
	t.Helper()
	n, _, err := db.OutboxCount(context.Background())
	must(t, err == nil, "outbox: %v", err)
	return n
}

// TestOutreach_Rally15_3WithKeyboardOnly records a 15/3 rally without the
// mouse; choosing the type ticks "linked to 15/3", and the list shows the
// event with the 15/3 mark.
func TestOutreach_Rally15_3WithKeyboardOnly(t *testing.T) {
	fx, s := newOutreachFixture(t)
	must(t, s.eventEmpty.Visible() && s.eventCount.Text == "(0)", "an empty store shows %q", s.eventCount.Text)
	saved := 0
	s.onSaved = func() { saved++ }
	k := keyboard{t, fx.win.Canvas()}
	test.Tap(mustButton(t, fx.win.Content(), "Thêm sự kiện"))
	f := s.eventForm
	must(t, f != nil, "the event form did not open")
	must(t, fx.win.Canvas().Focused() == f.choice("event_type").sel, "the form opens on %T, not the event type", fx.win.Canvas().Focused())
	must(t, f.choice("status").Code() == "ke_hoach" && f.choice("organiser").Code() == "ubnd_xa", "defaults: status %q, organiser %q",
		f.choice("status").Code(), f.choice("organiser").Code())
	must(t, slices.Equal(f.ticks("plan_tasks").ticked(), []string{"III.3", "III.4"}), "tasks ticked %v",
		f.ticks("plan_tasks").ticked())

	k.key(fyne.KeyRight) // the first type: the 15/3 rally
	must(t, f.choice("event_type").Code() == "mit_tinh_15_3", "type %q", f.choice("event_type").Code())
	must(t, f.check("linked_to_15_3").Checked && f.check("linked_to_15_3").Disabled(), "choosing the rally does not tick and fix the 15/3 box")
	k.tab()
	k.typ("Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam năm 2026")
	k.to(f.entry("theme"), 3) // the fixed 15/3 box is skipped
	k.typ("Tiêu dùng an toàn, minh bạch trên môi trường số")
	k.to(f.entry("start_date"), 6)
	k.typ("15/03/2026")
	k.to(f.entry("venue"), 3)
	k.typ("Hội trường UBND phường Mỹ Tho")
	hoi := f.ticks("partners").box("hoi_bvntd")
	must(t, hoi != nil, "no partner Hội Bảo vệ người tiêu dùng tỉnh")
	k.to(hoi, 40)
	k.typ(" ")
	k.to(f.entry("estimated_attendance"), 60)
	k.typ("350")
	k.tab()
	k.typ("12")
	k.tab()
	k.typ("1.000")
	k.to(f.save, 10)
	k.key(fyne.KeySpace)

	must(t, s.eventForm == nil, "not saved: %q", f.formErr.Text)
	must(t, saved == 1, "onSaved called %d times", saved)
	rows := outreachEvents(t, fx.db, false)
	must(t, len(rows) == 1, "%d events stored", len(rows))
	e := rows[0]
	if e.Type != "mit_tinh_15_3" || !e.Linked153 || e.Title != "Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam năm 2026" ||
		e.Theme != "Tiêu dùng an toàn, minh bạch trên môi trường số" || e.StartDate != "2026-03-15" || e.EndDate != "" ||
		e.Venue != "Hội trường UBND phường Mỹ Tho" || !slices.Equal(e.Partners, []string{"hoi_bvntd"}) ||
		!slices.Equal(e.PlanTasks, []string{"III.3", "III.4"}) || e.Organiser != "ubnd_xa" || e.Status != "ke_hoach" ||
		e.Attendance != 350 || e.Businesses != 12 || e.Leaflets != 1000 || e.UnitCode != "28261" || e.CreatedBy != "Lê Văn Tâm" {
		t.Fatalf("stored %+v", e)
	}

	must(t, len(s.events) == 1 && s.eventTable.Visible() && !s.eventEmpty.Visible(), "list shows %d events", len(s.events))
	var cells []string
	for c := 0; c < outreachNumCols; c++ {
		cells = append(cells, s.eventCell(0, c))
	}
	want := "Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam 15/3 | Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam năm 2026 | 15/03/2026 | 15/3 | Kế hoạch | 350"
	must(t, strings.Join(cells, " | ") == want, "row\n%s\nwant\n%s", strings.Join(cells, " | "), want)
	must(t, s.eventCount.Text == "(1)", "count %q", s.eventCount.Text)
}

// Another type frees the 15/3 box again, ticked until the officer unticks
// it; a conference not linked to 15/3 has no mark in the list.
func TestOutreach_OtherTypesLeave15_3ToTheOfficer(t *testing.T) {
	fx, s := newOutreachFixture(t)
	test.Tap(mustButton(t, fx.win.Content(), "Thêm sự kiện"))
	f := s.eventForm
	f.choice("event_type").SetCode("mit_tinh_15_3")
	f.choice("event_type").SetCode("hoi_nghi")
	must(t, f.check("linked_to_15_3").Checked && !f.check("linked_to_15_3").Disabled(), "after a conference: checked %v, disabled %v", f.check("linked_to_15_3").Checked, f.check("linked_to_15_3").Disabled())
	test.Tap(f.check("linked_to_15_3"))
	test.Type(f.entry("title"), "Hội nghị phổ biến pháp luật bảo vệ người tiêu dùng cho tiểu thương chợ")
	test.Type(f.entry("start_date"), "20/5/2026")
	test.Type(f.entry("end_date"), "21/5/2026")
	f.ticks("plan_tasks").box("III.3").SetChecked(false)
	test.Tap(f.save)
	must(t, s.eventForm == nil, "not saved: %q", f.formErr.Text)
	must(t, s.eventCell(0, outreachColMark) == "" && s.eventCell(0, outreachColDates) == "20/05/2026 – 21/05/2026",
		"mark %q, dates %q", s.eventCell(0, outreachColMark), s.eventCell(0, outreachColDates))
	e := outreachEvents(t, fx.db, false)[0]
	must(t, !e.Linked153 && slices.Equal(e.PlanTasks, []string{"III.4"}), "stored linked %v, tasks %v", e.Linked153, e.PlanTasks)
}

// An event without its type, title and date gets a Vietnamese message under
// each, and a malformed number or date its own.
func TestOutreach_EventMessagesUnderFields(t *testing.T) {
	fx, s := newOutreachFixture(t)
	test.Tap(mustButton(t, fx.win.Content(), "Thêm sự kiện"))
	f := s.eventForm
	test.Type(f.entry("end_date"), "31/02/2026")
	test.Type(f.entry("estimated_attendance"), "khoảng 200")
	test.Tap(f.save)
	for field, msg := range map[string]string{
		"event_type":           "Chưa chọn loại sự kiện.",
		"title":                "Chưa nhập tên sự kiện.",
		"start_date":           "Chưa nhập ngày.",
		"end_date":             "Không có ngày này. Vui lòng kiểm tra ngày và tháng.",
		"estimated_attendance": "Chỉ nhập số, ví dụ 1.200.",
	} {
		l := f.errs[field]
		must(t, l.Visible() && l.Text == msg, "%s: %q (shown %v), want %q", field, l.Text, l.Visible(), msg)
	}
	must(t, !f.errs["venue"].Visible(), "a message under the venue")
	must(t, fx.win.Canvas().Focused() == f.choice("event_type").sel, "the cursor is not on the first bad field")
	must(t, s.eventForm == f && len(outreachEvents(t, fx.db, true)) == 0 && outreachOutboxCount(t, fx.db) == 0, "something was saved")
}

// A publication without a title shows the message under the title and
// saves nothing; with the title it is saved and listed.
func TestOutreach_PublicationNeedsTitle(t *testing.T) {
	fx, s := newOutreachFixture(t)
	test.Tap(mustButton(t, fx.win.Content(), "Thêm tài liệu, tin bài"))
	f := s.pubForm
	must(t, f != nil, "the publication form did not open")
	must(t, f.entry("date").Text == FormatDate(fx.clock.Peek()), "date defaults to %q", f.entry("date").Text)
	f.choice("publication_type").SetCode("to_roi")
	f.choice("origin").SetCode("tiep_nhan_trung_uong")
	f.choice("format").SetCode("giay")
	test.Type(f.entry("quantity"), "500")
	f.choice("channel").SetCode("phat_truc_tiep")
	test.Tap(mustButton(t, fx.win.Content(), "Lưu"))

	msg := f.errs["title"]
	must(t, msg.Visible() && msg.Text == "Chưa nhập tên tài liệu, tin bài.", "title message %q (shown %v)", msg.Text, msg.Visible())
	for k, l := range f.errs {
		must(t, k == "title" || !l.Visible(), "a message under %s: %q", k, l.Text)
	}
	must(t, f.formErr.Visible() && strings.HasPrefix(f.formErr.Text, "Chưa lưu."), "summary %q", f.formErr.Text)
	must(t, fx.win.Canvas().Focused() == f.entry("title"), "the cursor is not in the title")
	must(t, s.pubForm == f, "the form closed")
	must(t, len(outreachPubs(t, fx.db, true)) == 0 && outreachOutboxCount(t, fx.db) == 0, "something was saved")

	test.Type(f.entry("title"), "Tờ rơi “Mua sắm trực tuyến an toàn”")
	test.Tap(mustButton(t, fx.win.Content(), "Lưu"))
	must(t, s.pubForm == nil, "not saved: %q", f.formErr.Text)
	pubs := outreachPubs(t, fx.db, false)
	must(t, len(pubs) == 1, "%d publications", len(pubs))
	p := pubs[0]
	if p.Type != "to_roi" || p.Origin != "tiep_nhan_trung_uong" || p.Format != "giay" || p.Quantity != 500 ||
		p.Channel != "phat_truc_tiep" || p.Date != fx.today() || p.Title != "Tờ rơi “Mua sắm trực tuyến an toàn”" {
		t.Fatalf("stored %+v", p)
	}
	var cells []string
	for c := 0; c < outreachPubNumCols; c++ {
		cells = append(cells, s.pubCell(0, c))
	}
	want := "Tờ rơi | Tiếp nhận từ trung ương | Bản giấy | Tờ rơi “Mua sắm trực tuyến an toàn” | " + FormatDate(fx.clock.Peek()) +
		" | 500 | Phát trực tiếp cho người dân"
	must(t, strings.Join(cells, " | ") == want, "row\n%s\nwant\n%s", strings.Join(cells, " | "), want)
}

// Editing an event writes only the field the officer changed: the outbox
// carries it alone, and a value a sync brought for another field while the
// form was open is kept. Saving without a change writes nothing.
func TestOutreach_EditChangesOnlyWhatChanged(t *testing.T) {
	fx, s := newOutreachFixture(t)
	ctx := context.Background()
	e := &app.OutreachEvent{Type: "hoi_thao", Title: "Hội thảo tuân thủ pháp luật về bảo vệ người tiêu dùng cho doanh nghiệp",
		Topic: "tuan_thu_phap_luat", Organiser: "sct", Partners: []string{"ubnd_xa", "hhdn"}, PlanTasks: []string{"III.4"},
		Venue: "Hội trường UBND phường Mỹ Tho", StartDate: "2026-06-10", Attendance: 120, Businesses: 40, Status: "da_to_chuc",
		MediaCoverage: "Báo và Phát thanh, Truyền hình Đồng Tháp"}
	must(t, fx.db.SaveRecord(ctx, e) == nil, "save")
	s.reload()
	before := outreachOutboxCount(t, fx.db)

	// Open and save without a change: nothing is written.
	s.eventTable.Select(widget.TableCellID{Row: 0, Col: outreachColTitle})
	f := s.eventForm
	must(t, f != nil && f.orig.ID == e.ID, "tapping the row did not open the event")
	must(t, f.entry("title").Text == e.Title && f.entry("start_date").Text == "10/06/2026" && f.entry("estimated_attendance").Text == "120" && f.entry("business_participants").Text == "40" &&
		f.choice("organiser").Code() == "sct" && slices.Equal(f.ticks("partners").ticked(), []string{"hhdn", "ubnd_xa"}) &&
		slices.Equal(f.ticks("plan_tasks").ticked(), []string{"III.4"}) && !f.check("linked_to_15_3").Checked,
		"form shows %q %q %q %v", f.entry("title").Text, f.entry("start_date").Text, f.entry("estimated_attendance").Text, f.ticks("partners").ticked())
	test.Tap(f.save)
	must(t, s.eventForm == nil && outreachOutboxCount(t, fx.db) == before, "an unchanged event was written")

	// Open, and meanwhile a sync changes the venue.
	s.eventTable.Select(widget.TableCellID{Row: 0, Col: outreachColTitle})
	f = s.eventForm
	synced := &app.OutreachEvent{}
	must(t, fx.db.GetRecord(ctx, e.ID, synced) == nil, "get")
	synced.Venue = "Nhà văn hóa khu phố 3"
	must(t, fx.db.SaveRecord(ctx, synced) == nil, "concurrent save")
	f.entry("estimated_attendance").SetText("150")
	test.Tap(f.save)
	must(t, s.eventForm == nil, "not saved: %q", f.formErr.Text)

	batch, err := fx.db.PendingBatch(ctx, 1<<20)
	must(t, err == nil && len(batch) == before+2, "%d mutations, %v", len(batch), err)
	var keys []string
	for k := range batch[len(batch)-1].Fields {
		if k != "updated_at" { // the save's time, when it falls in a new second
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	must(t, slices.Equal(keys, []string{"estimated_attendance"}), "the edit sent %v", keys)
	got := outreachEvents(t, fx.db, false)[0]
	must(t, got.Attendance == 150 && got.Venue == "Nhà văn hóa khu phố 3" && got.Businesses == 40 &&
		got.MediaCoverage == e.MediaCoverage && slices.Equal(got.Partners, []string{"ubnd_xa", "hhdn"}),
		"stored %+v", got)
	must(t, s.eventCell(0, outreachColAttendance) == "150", "list shows %q", s.eventCell(0, outreachColAttendance))
}

// Voiding a publication recorded by mistake needs a reason, which the
// record keeps in its note; it leaves the list but stays in the store.
func TestOutreach_VoidKeepsTheReason(t *testing.T) {
	fx, s := newOutreachFixture(t)
	ctx := context.Background()
	p := &app.Publication{Type: "tin_bai", Origin: "tu_phat_hanh", Format: "dien_tu", Title: "Tin hưởng ứng Ngày 15/3 trên trang phường",
		Date: "2026-03-16", Quantity: 1, Channel: "chuyen_muc_website", URL: "https://mytho.dongthap.example/tin/15-3",
		Note: "Đăng kèm ảnh buổi mít tinh."}
	must(t, fx.db.SaveRecord(ctx, p) == nil, "save")
	s.reload()
	saved := 0
	s.onSaved = func() { saved++ }
	s.pubTable.Select(widget.TableCellID{Row: 0, Col: outreachPubColTitle})
	f := s.pubForm
	must(t, f != nil && f.entry("url").Text == p.URL && f.entry("note").Text == p.Note, "the item did not open")
	must(t, findButton(fx.win.Content(), "Hủy bản ghi nhập nhầm").Importance == widget.DangerImportance, "the void button is not marked")
	test.Tap(mustButton(t, fx.win.Content(), "Hủy bản ghi nhập nhầm"))
	d := topOverlay(t, fx.win)
	must(t, strings.Contains(strings.Join(texts(d), "\n"), p.Title), "the dialog does not name the item")

	test.Tap(mustButton(t, d, "Hủy bản ghi"))
	must(t, f.voiding != nil && f.voiding.msg.Text == "Cần ghi lý do hủy.", "reason message %q", f.voiding.msg.Text)
	must(t, len(outreachPubs(t, fx.db, false)) == 1, "voided without a reason")

	// The dialog works from the keyboard: the cursor waits in the reason,
	// Tab leaves it for the buttons, Space confirms.
	k := keyboard{t, fx.win.Canvas()}
	must(t, fx.win.Canvas().Focused() == f.voiding.reason, "the cursor is not in the reason")
	k.typ("Ghi trùng với tin đã nhập hôm 16/3")
	k.to(f.voiding.confirm, 3)
	k.key(fyne.KeySpace)
	must(t, s.pubForm == nil, "the form is still open: %q", f.formErr.Text)
	must(t, len(s.pubs) == 0 && s.pubEmpty.Visible(), "the list still shows %d items", len(s.pubs))
	must(t, saved == 1, "onSaved called %d times", saved)
	all := outreachPubs(t, fx.db, true)
	must(t, len(all) == 1 && all[0].Voided, "stored %+v", all)
	wantNote := "Đăng kèm ảnh buổi mít tinh.\nHủy bản ghi ngày " + FormatDate(fx.clock.Peek()) + ": Ghi trùng với tin đã nhập hôm 16/3"
	must(t, all[0].Note == wantNote, "note %q", all[0].Note)
	must(t, all[0].Title == p.Title && all[0].URL == p.URL, "voiding changed the item: %+v", all[0])
}

// From the first field, Tab visits the event form's fields in screen
// order, then reaches the buttons.
func TestOutreach_TabFollowsTheScreen(t *testing.T) {
	fx, s := newOutreachFixture(t)
	test.Tap(mustButton(t, fx.win.Content(), "Thêm sự kiện"))
	f := s.eventForm
	byObject := map[fyne.Focusable]string{}
	for name, in := range f.inputs() {
		byObject[in] = name
	}
	for _, c := range f.ticks("partners").boxes {
		byObject[c] = "partners"
	}
	for _, c := range f.ticks("plan_tasks").boxes {
		byObject[c] = "plan_tasks"
	}
	c := fx.win.Canvas()
	var seen []string
	for i := 0; i < 100 && c.Focused() != f.save; i++ {
		if name, ok := byObject[c.Focused()]; ok && (len(seen) == 0 || seen[len(seen)-1] != name) {
			seen = append(seen, name)
		}
		c.FocusNext()
	}
	must(t, c.Focused() == f.save, "Tab never reached the save button")
	if strings.Join(seen, " ") != strings.Join(f.order(), " ") {
		t.Fatalf("Tab order\n%v\nwant the screen order\n%v", seen, f.order())
	}
	must(t, f.content.MinSize().Width <= 1000, "the form needs %v px: wider than an old laptop's window", f.content.MinSize().Width)
}

// Leaving a form with typed changes asks first; without changes it just
// goes back to the lists.
func TestOutreach_CancelAsksBeforeDropping(t *testing.T) {
	fx, s := newOutreachFixture(t)
	test.Tap(mustButton(t, fx.win.Content(), "Thêm tài liệu, tin bài"))
	test.Tap(mustButton(t, fx.win.Content(), "Đóng"))
	must(t, s.pubForm == nil, "an untouched form did not close")
	test.Tap(mustButton(t, fx.win.Content(), "Thêm tài liệu, tin bài"))
	test.Type(s.pubForm.entry("title"), "Sổ tay")
	test.Tap(mustButton(t, fx.win.Content(), "Đóng"))
	d := topOverlay(t, fx.win)
	test.Tap(mustButton(t, d, "Tiếp tục nhập"))
	must(t, s.pubForm != nil && s.pubForm.entry("title").Text == "Sổ tay", "keeping on typing lost the form")
	test.Tap(mustButton(t, fx.win.Content(), "Đóng"))
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Bỏ thay đổi"))
	must(t, s.pubForm == nil && len(outreachPubs(t, fx.db, true)) == 0, "discarding kept the form or saved")
}
