package ui

// "Dữ liệu của một người" (issue 19) on a real store, signed in as the
// officers who use it: finding a person across cases and attendance,
// correcting their records in the ordinary forms, restricting them (hidden
// from the lists of all but the leader) and logging their requests.

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/cmd/cli"
	"bvntd/storage"
)

// personFixture is the signed-in window of 28261 on a real store with a
// case of Nguyễn Thị Hồng Đào (phone 0912 345 678), another case, and her
// attendance at yesterday's session.
type personFixture struct {
	*signInFixture
	own, other *app.Case
	person     *app.Participant
	session    *app.TrainingSession
}

func newPersonFixture(t *testing.T) *personFixture {
	t.Helper()
	fx := &personFixture{signInFixture: newSignInFixture(t, "28261")}
	fx.win.Resize(fyne.NewSize(1280, 800))
	fx.addProfile("Phạm Thị Lan", "tiep_nhan", pinLan)
	fx.addProfile("Lê Văn Tâm", "lanh_dao", pinTam)
	ctx := context.Background()
	now := fx.clock.Now()
	fx.db.SetOfficer("Lê Văn Tâm") // the leader recorded them; Lan corrects them
	fx.own = &app.Case{ReceivedAt: now.Add(-2 * time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912 345 678", ConsumerAddress: "Ấp Mỹ Phú",
		Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	fx.other = &app.Case{ReceivedAt: now.Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Út", Sector: "thuc_pham_do_uong", Summary: "Mua phải hàng giả."}
	for _, c := range []*app.Case{fx.own, fx.other} {
		if err := fx.db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	yesterday := now.In(app.ICT).AddDate(0, 0, -1).Format(time.DateOnly)
	fx.session = &app.TrainingSession{Title: "Tập huấn nhận biết hàng giả", StartDate: yesterday, Format: "truc_tiep",
		Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	fx.person = &app.Participant{FullName: "Nguyễn Thị Hồng Đào", Type: "hoi_vien_doan_the", Phone: "0912.345.678"}
	for _, r := range []app.Record{fx.session, fx.person} {
		if err := fx.db.SaveRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := fx.db.SaveRecord(ctx, &app.Attendance{SessionID: fx.session.ID, ParticipantID: fx.person.ID, Status: "co_mat"}); err != nil {
		t.Fatal(err)
	}
	unit, _ := fx.db.UnitCode(ctx)
	svc := Services{Cases: fx.db, Records: fx.db, Sync: &fakeSync{}, Refs: fx.refs, UnitCode: unit,
		SignIn: fx.db, Persons: cli.PersonService{DB: fx.db, Refs: fx.refs}, Now: fx.clock.Now}
	err := open(fx.win, svc, inline, 0, false, func(u *UI) {
		fx.ui = u
		t.Cleanup(u.Close)
	})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// dashboardTitle is how the dashboard's lists name the case id for the
// signed-in officer.
func (fx *personFixture) dashboardTitle(id string) string {
	fx.t.Helper()
	v := newDashboard(fx.ui.deps(), fx.db)
	d, err := fx.db.KPIData(context.Background(), "")
	if err != nil {
		fx.t.Fatal(err)
	}
	v.data = d
	return v.describe(app.KPIRef{Entity: app.EntityCase, ID: id}).title
}

// signInAs signs name in with pin from the sign-in or lock screen.
func (fx *personFixture) signInAs(name, pin string) {
	fx.t.Helper()
	v := fx.signInView()
	for i := 0; v.profiles[v.who.SelectedIndex()].FullName != name; i++ {
		if i > 3 {
			fx.t.Fatalf("no profile %q", name)
		}
		fx.kb.c.Focus(v.who)
		fx.kb.key(fyne.KeyRight)
	}
	fx.kb.c.Focus(v.secret)
	fx.typePIN(pin)
	if fx.gate() != nil {
		fx.t.Fatalf("%s not signed in: %q", name, v.msg.Text)
	}
}

// find shows the person tab and searches with the fields given.
func (fx *personFixture) find(name, phone, address string) *personScreen {
	fx.t.Helper()
	fx.ui.tabs.Select(fx.ui.personTab)
	s := fx.ui.person
	s.name.SetText("")
	s.phone.SetText("")
	s.address.SetText("")
	test.Type(s.name, name)
	test.Type(s.phone, phone)
	test.Type(s.address, address)
	test.Tap(s.find)
	return s
}

// labels returns the texts of the labels in o.
func labels(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

func resultText(s *personScreen) string { return strings.Join(labels(s.results), "\n") }

// A person is found by a phone typed without spaces and by a name typed
// without diacritics, across a case and an attendance.
func TestPerson_FoundByPhoneAndNameAcrossCaseAndAttendance(t *testing.T) {
	fx := newPersonFixture(t)
	fx.signInAs("Phạm Thị Lan", pinLan)
	for _, q := range [][3]string{{"", "0912345678", ""}, {"nguyen thi hong dao", "", ""}, {"hong dao", "+84 912 345 678", "my phu"}} {
		s := fx.find(q[0], q[1], q[2])
		got := resultText(s)
		wantAtt := q[2] == "" // a participant has no address: an address leaves attendance out
		if !strings.Contains(got, fx.own.Number) || strings.Contains(got, fx.other.Number) ||
			strings.Contains(got, fx.session.Title) != wantAtt {
			t.Fatalf("search %q: results\n%s", q, got)
		}
		if !s.export.Visible() || s.export.Disabled() || s.restrict.Disabled() || s.unrestrict.Visible() {
			t.Fatalf("search %q: export %v restrict %v unrestrict shown %v", q, !s.export.Disabled(), !s.restrict.Disabled(), s.unrestrict.Visible())
		}
	}
	s := fx.find("nguyen van khong co", "", "")
	if !strings.Contains(s.msg.Text, "Không có bản ghi nào") || !s.export.Disabled() {
		t.Fatalf("nobody: %q", s.msg.Text)
	}
	test.Tap(fx.find("", "", "").find)
	if !strings.Contains(s.msg.Text, "Nhập họ tên, số điện thoại hoặc địa chỉ") {
		t.Fatalf("empty search: %q", s.msg.Text)
	}
}

// Restricting the person hides their case from the case list of a
// reception officer (tiep_nhan) and of the registry and attendance lists;
// the leader (lanh_dao), signing in after a lock, sees it, and may lift the
// restriction. The search does not stay on screen across the lock.
func TestPerson_RestrictionHidesExceptFromTheLeader(t *testing.T) {
	fx := newPersonFixture(t)
	ctx := context.Background()
	fx.signInAs("Phạm Thị Lan", pinLan)
	if got := consumers(fx.ui.cases); !slices.Contains(got, "Nguyễn Thị Hồng Đào") {
		t.Fatalf("before: %v", got)
	}
	s := fx.find("", "0912345678", "")
	test.Tap(s.restrict)
	d := topOverlay(t, fx.win)
	test.Tap(mustButton(t, d, "Hạn chế xử lý")) // no reason: refused at the field
	if fx.win.Canvas().Overlays().Top() != d || !slices.Contains(texts(d), "Cần ghi lý do.") {
		t.Fatalf("restricted without a reason: %v", texts(d))
	}
	test.Type(reasonEntry(t, d), "Người tiêu dùng yêu cầu hạn chế xử lý")
	test.Tap(mustButton(t, d, "Hạn chế xử lý"))
	// The reception officer now sees that restricted records exist (the
	// case, the participant, the attendance), not what they hold, and
	// cannot export them.
	if got := resultText(s); strings.Count(got, "ĐANG HẠN CHẾ XỬ LÝ") != 3 || strings.Count(got, "chỉ lãnh đạo xã, phường xem được") != 3 ||
		strings.Contains(got, "Đào") || strings.Contains(got, "0912345678") {
		t.Fatalf("after restricting, a reception officer sees:\n%s", got)
	}
	if !s.export.Disabled() {
		t.Fatal("a reception officer may export restricted records")
	}
	if !s.restrict.Disabled() {
		t.Fatal("nothing more to restrict, the button is still enabled")
	}
	if got := consumers(fx.ui.cases); slices.Contains(got, "Nguyễn Thị Hồng Đào") || !slices.Contains(got, "Trần Văn Út") {
		t.Fatalf("tiep_nhan sees %v", got)
	}
	data, err := loadRegistry(ctx, fx.db, fx.ui.hidesRestricted())
	if err != nil || len(data.people) != 0 {
		t.Fatalf("registry shows %+v (%v)", data.people, err)
	}
	v := newSessionView(fx.ui.deps(), fx.session.ID)
	if sd, err := v.fetch(fx.ui.hidesRestricted()); err != nil || len(sd.att) != 0 {
		t.Fatalf("attendance list shows %+v (%v)", sd.att, err)
	}
	if title := fx.dashboardTitle(fx.own.ID); strings.Contains(title, "Đào") || !strings.Contains(title, "hạn chế xử lý") {
		t.Fatalf("the dashboard lists the case to tiep_nhan as %q", title)
	}
	audits, err := storage.ListRecords[app.AuditEntry](ctx, fx.db, storage.RecordQuery{})
	if err != nil || len(audits) != 1 || audits[0].Action != app.AuditRestrict || audits[0].Officer != "Phạm Thị Lan" {
		t.Fatalf("audit %+v (%v)", audits, err)
	}

	// The leader signs in after a lock: the lists follow the new role.
	test.Tap(fx.ui.session.lockBtn)
	if len(s.results.Objects) != 0 || s.phone.Text != "" {
		t.Fatal("the person's records stay on screen after the lock")
	}
	fx.signInAs("Lê Văn Tâm", pinTam)
	if got := consumers(fx.ui.cases); !slices.Contains(got, "Nguyễn Thị Hồng Đào") {
		t.Fatalf("lanh_dao sees %v", got)
	}
	if got := strings.Join(rowTexts(fx.ui.cases), "\n"); !strings.Contains(got, "Nguyễn Thị Hồng Đào (hạn chế xử lý)") {
		t.Fatalf("the leader's list does not mark the restricted case:\n%s", got)
	}
	if title := fx.dashboardTitle(fx.own.ID); !strings.Contains(title, "Nguyễn Thị Hồng Đào") {
		t.Fatalf("the dashboard lists the case to lanh_dao as %q", title)
	}
	if v := newSessionView(fx.ui.deps(), fx.session.ID); true {
		if sd, err := v.fetch(fx.ui.hidesRestricted()); err != nil || len(sd.att) != 1 {
			t.Fatalf("the leader's attendance list: %+v (%v)", sd.att, err)
		}
	}
	s = fx.find("nguyen thi hong dao", "", "")
	if got := resultText(s); strings.Count(got, "ĐANG HẠN CHẾ XỬ LÝ") != 2 || !strings.Contains(got, "Nguyễn Thị Hồng Đào") || s.export.Disabled() {
		t.Fatalf("the leader sees:\n%s", got)
	}
	if !s.unrestrict.Visible() || s.unrestrict.Disabled() {
		t.Fatal("the leader has no “Bỏ hạn chế”")
	}
	test.Tap(s.unrestrict)
	d = topOverlay(t, fx.win)
	test.Type(reasonEntry(t, d), "Đã giải quyết xong")
	test.Tap(mustButton(t, d, "Bỏ hạn chế"))
	if got := resultText(s); strings.Contains(got, "ĐANG HẠN CHẾ XỬ LÝ") {
		t.Fatalf("after lifting:\n%s", got)
	}

	// Back to the reception officer: the case is listed again.
	test.Tap(fx.ui.session.lockBtn)
	fx.signInAs("Phạm Thị Lan", pinLan)
	if got := consumers(fx.ui.cases); !slices.Contains(got, "Nguyễn Thị Hồng Đào") {
		t.Fatalf("lifted, tiep_nhan sees %v", got)
	}
	if s := fx.find("nguyen thi hong dao", "", ""); s.unrestrict.Visible() {
		t.Fatal("“Bỏ hạn chế” shown to a reception officer")
	}
}

// A found record opens in its ordinary form; the correction is an edit
// like any other, in the outbox for the sync.
func TestPerson_CorrectionIsAnOrdinarySyncedEdit(t *testing.T) {
	fx := newPersonFixture(t)
	ctx := context.Background()
	fx.signInAs("Phạm Thị Lan", pinLan)
	s := fx.find("nguyen thi hong dao", "", "")
	edits := editButtons(s.results)
	if len(edits) != 2 { // the case, the participant
		t.Fatalf("%d “Sửa” buttons", len(edits))
	}
	test.Tap(edits[0])
	f := fx.ui.form
	if f == nil || fx.ui.tabs.Selected() != fx.ui.casesTab || f.orig == nil || f.orig.ID != fx.own.ID {
		t.Fatal("the case form did not open on the case")
	}
	e := f.entry("consumer_address")
	e.SetText("")
	test.Type(e, "Ấp Mỹ Phú Đông")
	test.Tap(f.save)
	if fx.ui.form != nil {
		t.Fatalf("not saved: %q", f.formErr.Text)
	}
	got, _ := fx.db.GetCase(ctx, fx.own.ID)
	if got.ConsumerAddress != "Ấp Mỹ Phú Đông" {
		t.Fatalf("address %q", got.ConsumerAddress)
	}
	if !inOutbox(t, fx.db, fx.own.ID, "consumer_address", "Ấp Mỹ Phú Đông") {
		t.Fatal("the case's correction is not in the outbox")
	}

	s = fx.find("nguyen thi hong dao", "", "")
	test.Tap(editButtons(s.results)[1])
	pf := fx.ui.registry.personForm
	if pf == nil || pf.orig == nil || pf.orig.ID != fx.person.ID {
		t.Fatal("the participant form did not open")
	}
	pe := pf.entry("phone")
	pe.SetText("")
	test.Type(pe, "0912 345 679")
	test.Tap(pf.save)
	var p app.Participant
	if err := fx.db.GetRecord(ctx, fx.person.ID, &p); err != nil || p.Phone != "0912345679" {
		t.Fatalf("participant %+v (%v)", p, err)
	}
	if !inOutbox(t, fx.db, fx.person.ID, "phone", "0912345679") {
		t.Fatal("the participant's correction is not in the outbox")
	}
}

func editButtons(o fyne.CanvasObject) []*widget.Button {
	var out []*widget.Button
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == "Sửa" {
			out = append(out, b)
		}
	}
	return out
}

// inOutbox reports whether a pending mutation of record id carries field
// with the string value.
func inOutbox(t *testing.T, db *storage.DB, id, field, value string) bool {
	t.Helper()
	ms, err := db.PendingBatch(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		var got string
		if m.RecordID == id && json.Unmarshal(m.Fields[field], &got) == nil && got == value {
			return true
		}
	}
	return false
}

// A request is logged from the found person, with its deadlines; the
// export for the person writes the file and its audit record.
func TestPerson_RequestLogAndExport(t *testing.T) {
	fx := newPersonFixture(t)
	ctx := context.Background()
	fx.signInAs("Phạm Thị Lan", pinLan)
	s := fx.find("Nguyễn Thị Hồng Đào", "0912345678", "")
	if !strings.Contains(s.logMsg.Text, "Chưa ghi nhận yêu cầu nào") {
		t.Fatalf("log: %q", s.logMsg.Text)
	}
	test.Tap(s.newRequest)
	f := s.form
	if f == nil || f.entry("person_name").Text != "Nguyễn Thị Hồng Đào" || f.entry("person_phone").Text != "0912345678" {
		t.Fatal("the request form is not filled with the person searched")
	}
	f.choice("request_kind").SetCode(app.RequestRestrict)
	if got := strings.Join(labels(f.content), "\n"); !strings.Contains(got, "Điều 10 khoản 1") {
		t.Fatalf("no hint for a restriction request:\n%s", got)
	}
	test.Tap(f.save)
	if s.form != nil {
		t.Fatalf("request not saved: %q", f.formErr.Text)
	}
	reqs, err := storage.ListRecords[app.DataRequest](ctx, fx.db, storage.RecordQuery{})
	if err != nil || len(reqs) != 1 || reqs[0].RequestKind != app.RequestRestrict || reqs[0].Officer != "Phạm Thị Lan" {
		t.Fatalf("requests %+v (%v)", reqs, err)
	}
	cal, _ := fx.db.WorkingCalendar(ctx)
	answer, _ := reqs[0].AnswerDue(cal)
	carry, _ := reqs[0].CarryOutDue()
	log := strings.Join(labels(s.log), "\n")
	if !strings.Contains(log, "Hạn trả lời: "+FormatDate(answer)) || !strings.Contains(log, "Hạn thực hiện: "+FormatDate(carry)) ||
		!strings.Contains(log, "Đang xử lý") {
		t.Fatalf("log:\n%s", log)
	}
	if !inOutbox(t, fx.db, reqs[0].ID, "request_kind", app.RequestRestrict) {
		t.Fatal("the request is not in the outbox")
	}
	// Three weeks later, still open: overdue.
	fx.clock.Advance(21 * 24 * time.Hour)
	fx.ui.person.reload()
	if log := strings.Join(labels(s.log), "\n"); !strings.Contains(log, "QUÁ HẠN") || !strings.Contains(s.logMsg.Text, "quá hạn") {
		t.Fatalf("three weeks later:\n%s\n%s", s.logMsg.Text, log)
	}

	// The export, saved where the officer chose.
	var file strings.Builder
	var saved string
	s.saveTo = func(name string, write func(io.Writer) error, done func(string, error)) {
		err := write(&file)
		saved = name
		done("/tmp/"+name, err)
	}
	s = fx.find("", "0912345678", "")
	test.Tap(s.export)
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Chọn nơi lưu…"))
	if file.Len() == 0 || !strings.HasSuffix(saved, ".xlsx") || !strings.Contains(s.msg.Text, "Đã lưu dữ liệu") {
		t.Fatalf("export: %d bytes, %q, %q", file.Len(), saved, s.msg.Text)
	}
	audits, err := storage.ListRecords[app.AuditEntry](ctx, fx.db, storage.RecordQuery{})
	if err != nil || len(audits) != 1 || audits[0].Action != app.AuditPersonExport || !strings.Contains(audits[0].What, fx.own.Number) {
		t.Fatalf("audit %+v (%v)", audits, err)
	}
}

// reasonEntry is the reason's input of a restriction dialog.
func reasonEntry(t *testing.T, d fyne.CanvasObject) *formEntry {
	t.Helper()
	for _, o := range test.LaidOutObjects(d) {
		if e, ok := o.(*formEntry); ok {
			return e
		}
	}
	t.Fatal("no reason input in the dialog")
	return nil
}
