package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/storage"
)

// recordsFixture is a real store of commune 28261 with the seeds, and the
// dependencies the training and registry screens are built with.
type recordsFixture struct {
	*storeFixture
	d formDeps
}

func newRecordsFixture(t *testing.T) *recordsFixture {
	t.Helper()
	fx := &recordsFixture{storeFixture: newStoreFixture(t)}
	fx.d = fx.ui.deps()
	fx.d.records = fx.db
	return fx
}

// trainingScreen builds the training tab in the window, loaded.
func (fx *recordsFixture) training() *trainingScreen {
	s := newTrainingScreen(fx.d)
	fx.win.SetContent(s.content)
	fx.win.Resize(fyne.NewSize(1280, 800))
	s.reload()
	return s
}

func (fx *recordsFixture) save(t *testing.T, r app.Record) {
	t.Helper()
	if err := fx.db.SaveRecord(context.Background(), r); err != nil {
		t.Fatalf("save %s: %v", r.Entity(), err)
	}
}

// today is the date of the fixture's clock, as records store it.
func (fx *storeFixture) today() string { return fx.daysAgo(0) }

// daysAgo is the date n days before the fixture's today, as records store it.
func (fx *storeFixture) daysAgo(n int) string {
	return fx.clock.Peek().In(ICT).AddDate(0, 0, -n).Format(time.DateOnly)
}

// syntheticPeople are made-up residents of the commune.
var syntheticPeople = []struct{ name, phone, workplace, ptype string }{
	{"Nguyễn Văn An", "0912000101", "Chợ Mỹ Tho", "ho_kinh_doanh_tieu_thuong"},
	{"Nguyễn Văn Anh", "0912000102", "", "nguoi_dan"},
	{"Trần Thị Bích", "", "Hội Liên hiệp Phụ nữ phường", "hoi_vien_doan_the"},
	{"Lê Hoàng Cường", "0912000104", "", "nguoi_dan"},
	{"Phạm Thị Dung", "", "Hợp tác xã Tân Thành", "htx"},
	{"Huỳnh Văn Đức", "0912000106", "", "nguoi_dan"},
	{"Võ Thị Giang", "", "Trường THCS Lê Lợi", "khac"},
	{"Đặng Minh Hải", "0912000108", "Tiệm tạp hóa Minh Hải", "ho_kinh_doanh_tieu_thuong"},
	{"Bùi Thị Hạnh", "", "", "nguoi_dan"},
	{"Đỗ Quang Huy", "0912000110", "", "nguoi_dan"},
	{"Hồ Thị Kim", "", "Chợ Mỹ Tho", "ho_kinh_doanh_tieu_thuong"},
	{"Ngô Văn Lâm", "0912000112", "", "nguoi_dan"},
	{"Dương Thị Lan", "", "Hội Nông dân phường", "hoi_vien_doan_the"},
	{"Lý Văn Lộc", "0912000114", "", "nguoi_dan"},
	{"Trương Thị Mai", "", "", "nguoi_dan"},
	{"Phan Văn Nam", "0912000116", "Công ty TNHH Nam Phát", "doanh_nghiep"},
	{"Trần Thị Ngọc", "", "Chợ Mỹ Tho", "ho_kinh_doanh_tieu_thuong"},
	{"Lê Văn Phúc", "0912000118", "", "nguoi_dan"},
	{"Nguyễn Thị Quyên", "", "Đoàn Thanh niên phường", "hoi_vien_doan_the"},
	{"Châu Văn Sang", "0912000120", "", "nguoi_dan"},
	{"Nguyễn Văn Ân", "0912000121", "", "nguoi_dan"}, // never attends: folds like "An"
	{"Trần Thị Bích Ngọc", "", "", "nguoi_dan"},      // never attends
}

// addPeople stores syntheticPeople and returns them by name.
func (fx *recordsFixture) addPeople(t *testing.T) map[string]app.Participant {
	t.Helper()
	out := map[string]app.Participant{}
	for _, s := range syntheticPeople {
		p := &app.Participant{FullName: s.name, Phone: s.phone, Workplace: s.workplace, Type: s.ptype}
		fx.save(t, p)
		out[s.name] = *p
	}
	return out
}

// highlighted returns the suggestion the highlight is on.
func highlighted(v *sessionView) string {
	if v.hi >= len(v.sugs) {
		return ""
	}
	return v.people[v.sugs[v.hi]].p.FullName
}

// TestAttendance_ThirtyWithKeyboardOnly is the trainer at the door: 20
// people already known are found by a few letters without diacritics (↓
// where the first suggestion is someone else), 10 newcomers are typed in
// full and added with the small form; nothing but keys, the focus always
// back in the search box.
func TestAttendance_ThirtyWithKeyboardOnly(t *testing.T) {
	fx := newRecordsFixture(t)
	fx.addPeople(t)
	session := &app.TrainingSession{Title: "Tập huấn kỹ năng nhận biết hàng giả cho tiểu thương", StartDate: fx.today(),
		Status: "ke_hoach", Planned: 30, Format: "truc_tiep", PlanTasks: []string{"IV.1"},
		Audiences: []string{"ho_kinh_doanh_tieu_thuong", "nguoi_dan"}}
	fx.save(t, session)
	s := fx.training()
	s.openSession(session.ID)
	v := s.view
	c := fx.win.Canvas()
	k := keyboard{t, c}
	must(t, c.Focused() == v.search, "the session opens with the focus in the search box, not %T", c.Focused())

	// query typed for each known person; want is who it must mark.
	known := []struct{ query, want string }{
		{"nguyen van a", "Nguyễn Văn An"}, {"tran thi b", "Trần Thị Bích"}, {"le hoang", "Lê Hoàng Cường"},
		{"pham dung", "Phạm Thị Dung"}, {"huynh duc", "Huỳnh Văn Đức"}, {"vo giang", "Võ Thị Giang"},
		{"dang hai", "Đặng Minh Hải"}, {"bui hanh", "Bùi Thị Hạnh"}, {"do huy", "Đỗ Quang Huy"},
		{"ho kim", "Hồ Thị Kim"}, {"ngo lam", "Ngô Văn Lâm"}, {"duong lan", "Dương Thị Lan"},
		{"ly loc", "Lý Văn Lộc"}, {"truong mai", "Trương Thị Mai"}, {"phan nam", "Phan Văn Nam"},
		{"tran thi ngoc", "Trần Thị Ngọc"}, {"le van phuc", "Lê Văn Phúc"}, {"quyen", "Nguyễn Thị Quyên"},
		{"chau sang", "Châu Văn Sang"},
		{"nguyen van an", "Nguyễn Văn Anh"}, // An is present now, Ân and Anh come next: ↓ to Anh
	}
	newcomers := []struct{ name, workplace string }{
		{"Lâm Thị Thu Hà", ""}, {"Tạ Văn Khải", "Chợ Mỹ Tho"}, {"Mai Thị Xuân", ""}, {"Kiều Văn Tài", ""},
		{"Quách Thị Yến", "Hợp tác xã Tân Thành"}, {"Lưu Văn Toàn", ""}, {"Tô Thị Nhung", ""},
		{"Thái Văn Thắng", "Công ty TNHH Thắng Lợi"}, {"Văn Thị Út", ""}, {"Cao Văn Vũ", ""},
	}

	for i, p := range known {
		k.typ(p.query)
		for j := 0; highlighted(v) != p.want; j++ {
			must(t, j < maxSuggestions, "%q: %s is not offered; offered %v", p.query, p.want, suggestionNames(v))
			k.key(fyne.KeyDown)
		}
		k.key(fyne.KeyReturn)
		must(t, v.search.Text == "" && c.Focused() == v.search, "after %s the box is not clear and focused", p.want)
		must(t, strings.Contains(v.note.Text, p.want), "note %q after %s", v.note.Text, p.want)
		must(t, strings.HasPrefix(v.counts.Text, fmt.Sprintf("Có mặt: %d ", i+1)), "counts %q", v.counts.Text)
	}
	for i, p := range newcomers {
		k.typ(p.name)
		must(t, len(v.sugs) == 0 && v.noMatch.Visible(), "%s: someone matches: %v", p.name, suggestionNames(v))
		k.key(fyne.KeyReturn) // nobody: the small form, name filled in
		f := v.newForm
		must(t, f != nil && c.Focused() == f.name && f.name.Text == p.name, "no small form for %s", p.name)
		// Two audiences: no type is guessed, the session's come first.
		must(t, f.ptype.Code() == "", "type defaults to %q", f.ptype.Code())
		k.tab()
		k.key(fyne.KeyRight) // the first audience: household business
		if i%2 == 1 {
			k.key(fyne.KeyRight) // the second: resident
		}
		if p.workplace != "" {
			k.to(f.workplace, 3)
			k.typ(p.workplace)
		}
		k.key(fyne.KeyReturn)
		must(t, v.newForm == nil && c.Focused() == v.search, "%s: the form stays open (%v) or the box lost the focus", p.name, v.newForm != nil)
		must(t, strings.Contains(v.note.Text, p.name), "note %q after %s", v.note.Text, p.name)
	}

	ctx := context.Background()
	rows, err := storage.ListRecords[app.Attendance](ctx, fx.db, storage.RecordQuery{SessionID: session.ID})
	must(t, err == nil && len(rows) == 30, "%d attendance rows, %v", len(rows), err)
	for _, a := range rows {
		if a.Status != "co_mat" || a.CheckedInAt.IsZero() || a.ID != app.AttendanceID(session.ID, a.ParticipantID) {
			t.Fatalf("row %+v", a)
		}
	}
	people, err := storage.ListRecords[app.Participant](ctx, fx.db, storage.RecordQuery{})
	must(t, err == nil && len(people) == len(syntheticPeople)+10, "%d participants, %v", len(people), err)
	present := map[string]bool{}
	for _, a := range rows {
		present[a.ParticipantID] = true
	}
	for _, p := range people {
		switch p.FullName {
		case "Nguyễn Văn Ân", "Trần Thị Bích Ngọc":
			must(t, !present[p.ID], "%s was marked present", p.FullName)
		case "Tạ Văn Khải":
			must(t, p.Workplace == "Chợ Mỹ Tho" && p.Type == "nguoi_dan", "→ in the small form did not change the type: %+v", p)
		case "Mai Thị Xuân":
			must(t, p.Type == "ho_kinh_doanh_tieu_thuong" && p.Workplace == "", "newcomer %+v", p)
		}
	}
	must(t, v.counts.Text == "Có mặt: 30 · Trong danh sách: 30 · Dự kiến: 30", "counts %q", v.counts.Text)
	must(t, len(v.reg.Objects) == 30, "%d rows on the register", len(v.reg.Objects))
	// The list shows the count against the plan.
	s.closeSession()
	must(t, s.cellText(0, trColPresent) == "30 / 30", "list shows %q", s.cellText(0, trColPresent))
}

func suggestionNames(v *sessionView) []string {
	var out []string
	for _, i := range v.sugs {
		out = append(out, v.people[i].p.FullName)
	}
	return out
}

// The register's status and signature change from the keyboard: Tab from
// the search box reaches the rows, → steps the status, Space signs.
func TestAttendance_StatusAndSignatureFromKeyboard(t *testing.T) {
	fx := newRecordsFixture(t)
	people := fx.addPeople(t)
	session := &app.TrainingSession{Title: "Hội nghị phổ biến Luật Bảo vệ quyền lợi người tiêu dùng", StartDate: fx.today(),
		Status: "da_to_chuc", Planned: 10}
	fx.save(t, session)
	s := fx.training()
	s.openSession(session.ID)
	v := s.view
	c := fx.win.Canvas()
	k := keyboard{t, c}
	k.typ("bui hanh")
	k.key(fyne.KeyEnter)
	row := v.regRows[people["Bùi Thị Hạnh"].ID]
	must(t, row != nil && row.status.Code() == "co_mat", "no present row")
	k.to(row.status, 4)
	k.key(fyne.KeyRight) // co_mat → vang
	k.tab()
	must(t, c.Focused() == row.signed, "Tab does not reach the signature")
	k.typ(" ")
	var a app.Attendance
	must(t, fx.db.GetRecord(context.Background(), app.AttendanceID(session.ID, people["Bùi Thị Hạnh"].ID), &a) == nil, "get")
	must(t, a.Status == "vang" && a.Signed && !a.CheckedInAt.IsZero(), "stored %+v", a)
	must(t, v.counts.Text == "Có mặt: 0 · Trong danh sách: 1 · Dự kiến: 10", "counts %q", v.counts.Text)
	// Back in the box: picking her makes her present again; picking her
	// once more says so and saves nothing.
	k.to(v.search, 10)
	k.typ("bui hanh")
	k.key(fyne.KeyEnter)
	must(t, v.att[people["Bùi Thị Hạnh"].ID].Status == "co_mat", "marking again did not make her present")
	k.typ("bui hanh")
	k.key(fyne.KeyEnter)
	must(t, strings.Contains(v.note.Text, "đã có mặt từ"), "note %q", v.note.Text)
}

// Escape closes the small form and clears the box; a newcomer without a
// type gets the message under the field and nothing is saved.
func TestAttendance_NewPersonNeedsType(t *testing.T) {
	fx := newRecordsFixture(t)
	session := &app.TrainingSession{Title: "Tập huấn thương mại điện tử", StartDate: fx.today(), Status: "ke_hoach"}
	fx.save(t, session)
	s := fx.training()
	s.openSession(session.ID)
	v := s.view
	c := fx.win.Canvas()
	k := keyboard{t, c}
	k.typ("Lê Thị Mơ")
	k.key(fyne.KeyReturn)
	must(t, v.newForm != nil, "no small form")
	k.key(fyne.KeyReturn)
	must(t, v.newForm != nil && v.newForm.errs["participant_type"].Visible() &&
		v.newForm.errs["participant_type"].Text == "Chưa chọn đối tượng.", "no message under the type")
	must(t, c.Focused() == v.newForm.ptype, "the type does not get the focus")
	k.key(fyne.KeyEscape)
	must(t, v.newForm == nil && c.Focused() == v.search && v.search.Text == "Lê Thị Mơ", "Escape does not go back to the box")
	k.key(fyne.KeyEscape)
	must(t, v.search.Text == "", "Escape does not clear the box")
	n, err := storage.ListRecords[app.Participant](context.Background(), fx.db, storage.RecordQuery{})
	must(t, err == nil && len(n) == 0, "%d participants saved", len(n))
}

// A session for officials and residents: a newcomer's type is not guessed
// (two Enters would class a resident as an official, counted toward T5);
// a session for one audience proposes it (issue 17, item 11).
func TestAttendance_NewPersonTypeDefaultsOnlyToTheOneAudience(t *testing.T) {
	fx := newRecordsFixture(t)
	for _, c := range []struct {
		audiences []string
		want      string
	}{
		{[]string{"can_bo_cong_chuc_xa", "nguoi_dan"}, ""},
		{[]string{"nguoi_dan"}, "nguoi_dan"},
	} {
		session := &app.TrainingSession{Title: "Tập huấn " + strings.Join(c.audiences, ","), StartDate: fx.today(), Status: "ke_hoach",
			Audiences: c.audiences}
		fx.save(t, session)
		s := fx.training()
		s.openSession(session.ID)
		v := s.view
		k := keyboard{t, fx.win.Canvas()}
		k.typ("Lê Thị Mơ")
		k.key(fyne.KeyReturn)
		must(t, v.newForm != nil && v.newForm.ptype.Code() == c.want, "audiences %v: type %q, want %q", c.audiences, v.newForm.ptype.Code(), c.want)
		k.key(fyne.KeyEscape)
		k.key(fyne.KeyEscape)
	}
}

// A held session's register closes 7 days after its last day.
func TestAttendance_LockedAfterSevenDays(t *testing.T) {
	fx := newRecordsFixture(t)
	people := fx.addPeople(t)
	held := fx.daysAgo(10)
	session := &app.TrainingSession{Title: "Tập huấn cho cán bộ", StartDate: held, Status: "ke_hoach"}
	fx.save(t, session)
	fx.save(t, &app.Attendance{SessionID: session.ID, ParticipantID: people["Lê Văn Phúc"].ID, Status: "co_mat"})
	session.Status = "da_to_chuc" // held 10 days ago: the store too refuses changes now
	fx.save(t, session)
	s := fx.training()
	s.openSession(session.ID)
	v := s.view
	must(t, v.locked && v.lockMsg.Visible() && strings.Contains(v.lockMsg.Text, "quá 7 ngày"), "not locked: %q", v.lockMsg.Text)
	must(t, v.search.Disabled() && v.addNew.Disabled(), "fast entry still open")
	row := v.regRows[people["Lê Văn Phúc"].ID]
	must(t, row != nil && row.status.Disabled() && row.signed.Disabled(), "the row can still be changed")
	_, err := markAttendance(context.Background(), fx.db, &v.s, []app.Participant{people["Bùi Thị Hạnh"]}, nil, nil, attPresent, fx.clock.Now())
	must(t, app.ErrorCode(err) == app.EINVALID, "the seam marks a locked register: %v", err)
}

// A session planned for next month: its register takes registrations but
// no one can be marked present or absent yet — on the screen, in the seam
// and in the store (issue 17, item 10). On its day it opens.
func TestAttendance_NotBeforeTheSessionDay(t *testing.T) {
	fx := newRecordsFixture(t)
	people := fx.addPeople(t)
	ctx := context.Background()
	day := fx.clock.Now().In(app.ICT).AddDate(0, 1, 0).Format(time.DateOnly)
	session := &app.TrainingSession{Title: "Tập huấn tháng sau", StartDate: day, Status: "ke_hoach"}
	fx.save(t, session)
	s := fx.training()
	s.openSession(session.ID)
	v := s.view
	must(t, v.lockMsg.Visible() && strings.Contains(v.lockMsg.Text, "chưa đến ngày tổ chức"), "no word of the date: %q", v.lockMsg.Text)
	must(t, v.search.Disabled() && v.addNew.Disabled(), "fast entry open before the session")
	_, err := markAttendance(ctx, fx.db, &v.s, []app.Participant{people["Bùi Thị Hạnh"]}, nil, nil, attPresent, fx.clock.Now())
	must(t, app.ErrorCode(err) == app.EINVALID, "the seam marks present before the day: %v", err)
	// The store refuses it too, and takes a registration.
	err = fx.db.SaveRecord(ctx, &app.Attendance{SessionID: session.ID, ParticipantID: people["Bùi Thị Hạnh"].ID, Status: "co_mat"})
	must(t, app.ErrorCode(err) == app.EINVALID && strings.Contains(app.ErrorMessage(err), "chưa đến ngày tổ chức"), "store: %v", err)
	fx.save(t, &app.Attendance{SessionID: session.ID, ParticipantID: people["Lê Văn Phúc"].ID, Status: "dang_ky"})

	// On the day the register opens.
	first, _ := time.ParseInLocation(time.DateOnly, day, app.ICT)
	fx.clock.Set(first.Add(8 * time.Hour))
	s.openSession(session.ID)
	v = s.view
	must(t, !v.lockMsg.Visible() && !v.search.Disabled(), "closed on its day: %q", v.lockMsg.Text)
	_, err = markAttendance(ctx, fx.db, &v.s, []app.Participant{people["Bùi Thị Hạnh"]}, nil, nil, attPresent, fx.clock.Now())
	must(t, err == nil, "on the day: %v", err)
}

// The roster seam: rows without ids are matched to people already known
// or created once, marked present; marking again keeps the check-in time
// and the signature.
func TestMarkAttendance_RosterRows(t *testing.T) {
	fx := newRecordsFixture(t)
	people := fx.addPeople(t)
	ctx := context.Background()
	session := &app.TrainingSession{Title: "Tập huấn cho hộ kinh doanh", StartDate: fx.today(), Status: "ke_hoach"}
	fx.save(t, session)
	// An hour ago, but on the session's day (at 00:00 the day before is
	// before the session: nobody can be marked present then).
	now := fx.clock.Now().In(app.ICT)
	first := now.Add(-time.Hour).Truncate(time.Second)
	if day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, app.ICT); first.Before(day) {
		first = day
	}
	rows := []app.Participant{
		{FullName: "nguyen van an", Phone: "0912 000 101"},                     // known by phone
		{FullName: "Trần Thị Ngọc", Workplace: "chợ mỹ tho"},                   // known by workplace
		{FullName: "Tăng Thị Mới", Type: "nguoi_dan", Workplace: "Ấp Tân Hòa"}, // new
		{FullName: "Tang Thi Moi", Type: "nguoi_dan", Workplace: "ấp tân hòa"}, // the same newcomer twice on the sheet
		{FullName: "Nguyễn Văn An", Phone: "0900 999 888", Type: "nguoi_dan"},  // a namesake with another phone: new
	}
	res, err := markAttendance(ctx, fx.db, session, rows, nil, nil, attPresent, first)
	must(t, err == nil && len(res) == 5, "%d results, %v", len(res), err)
	must(t, res[0].Participant.ID == people["Nguyễn Văn An"].ID && !res[0].Created, "row 1 → %+v", res[0].Participant)
	must(t, res[1].Participant.ID == people["Trần Thị Ngọc"].ID, "row 2 → %+v", res[1].Participant)
	must(t, res[2].Created && res[3].Participant.ID == res[2].Participant.ID && res[3].Unchanged, "the newcomer twice: %+v / %+v", res[2], res[3])
	must(t, res[4].Created && res[4].Participant.ID != people["Nguyễn Văn An"].ID, "the namesake was matched")

	// Signed, then marked present again: the time and signature stay.
	signed := true
	_, err = setAttendance(ctx, fx.db, session, res[0].Participant.ID, nil, &signed, first)
	must(t, err == nil, "sign: %v", err)
	again, err := markAttendance(ctx, fx.db, session, []app.Participant{res[0].Participant}, nil, nil, attPresent, fx.clock.Now())
	must(t, err == nil && again[0].Unchanged && again[0].Attendance.Signed && again[0].Attendance.CheckedInAt.Equal(first),
		"marked again: %+v, %v", again, err)
	all, err := storage.ListRecords[app.Attendance](ctx, fx.db, storage.RecordQuery{SessionID: session.ID})
	must(t, err == nil && len(all) == 4, "%d rows, %v", len(all), err)
}

// The session form: defaults, Vietnamese messages under the fields,
// nothing saved until they are fixed; then the session opens.
func TestTraining_FormCreatesSession(t *testing.T) {
	fx := newRecordsFixture(t)
	s := fx.training()
	must(t, s.empty.Visible() && strings.Contains(s.empty.Text, "Thêm lớp tập huấn"), "empty list says %q", s.empty.Text)
	test.Tap(mustButton(t, fx.win.Content(), "Thêm lớp tập huấn"))
	f := s.form
	must(t, f != nil && fx.win.Canvas().Focused() == f.entry("title"), "the form does not open on the title")
	must(t, f.choice("organiser").Code() == "ubnd_xa" && f.choice("status").Code() == "ke_hoach" && f.choice("format").Code() == "truc_tiep",
		"defaults %s %s %s", f.choice("organiser").Code(), f.choice("status").Code(), f.choice("format").Code())
	must(t, slices.Equal(f.ticks("plan_tasks").ticked(), []string{"IV.1"}), "tasks %v", f.ticks("plan_tasks").ticked())
	must(t, f.entry("start_date").Text == FormatDate(fx.clock.Peek()), "start %q", f.entry("start_date").Text)

	f.entry("start_date").SetText("31/02/2026")
	f.entry("end_date").SetText("1/1/2026")
	f.entry("planned_participants").SetText("năm mươi")
	test.Tap(f.save)
	for field, want := range map[string]string{
		"title":                "Chưa nhập tên lớp tập huấn, hội nghị.",
		"start_date":           "Không có ngày này. Vui lòng kiểm tra ngày và tháng.",
		"planned_participants": "Số người dự kiến chỉ gồm chữ số, ví dụ 50.",
	} {
		l := f.errs[field]
		must(t, l.Visible() && l.Text == want, "%s says %q, want %q", field, l.Text, want)
	}
	must(t, fx.win.Canvas().Focused() == f.entry("title"), "the first bad field does not get the focus")
	f.entry("title").SetText("Tập huấn Luật Bảo vệ quyền lợi người tiêu dùng 2023")
	f.entry("start_date").SetText("20/11/2026")
	f.entry("end_date").SetText("19/11/2026")
	f.entry("planned_participants").SetText("40")
	test.Tap(f.save)
	must(t, f.errs["end_date"].Visible() && f.errs["end_date"].Text == "Ngày kết thúc không được trước ngày bắt đầu.",
		"end date says %q", f.errs["end_date"].Text)
	f.entry("end_date").SetText("21/11/2026")
	f.ticks("audiences").boxes[0].SetChecked(true)
	f.entry("venue").SetText("Hội trường UBND phường Mỹ Tho")
	test.Tap(f.save)
	must(t, s.form == nil && s.view != nil, "not saved: %q", f.formErr.Text)
	sessions, err := storage.ListRecords[app.TrainingSession](context.Background(), fx.db, storage.RecordQuery{})
	must(t, err == nil && len(sessions) == 1, "%d sessions, %v", len(sessions), err)
	got := sessions[0]
	if got.StartDate != "2026-11-20" || got.EndDate != "2026-11-21" || got.Planned != 40 || got.Organiser != "ubnd_xa" ||
		!slices.Equal(got.PlanTasks, []string{"IV.1"}) || !slices.Equal(got.Audiences, []string{"can_bo_cong_chuc_xa"}) || got.UnitCode != "28261" {
		t.Fatalf("saved %+v", got)
	}
	must(t, strings.Contains(s.view.info.Text, "20/11/2026 – 21/11/2026"), "session info %q", s.view.info.Text)

	// Edit: only the changed field is written.
	test.Tap(s.view.edit)
	f = s.form
	must(t, f != nil && f.entry("title").Text == got.Title, "edit form %v", f != nil)
	f.choice("status").SetCode("da_to_chuc")
	test.Tap(f.save)
	must(t, s.form == nil && s.view != nil && s.view.s.Status == "da_to_chuc", "edit not saved")
	test.Tap(s.view.back)
	must(t, len(s.rows) == 1 && s.cellText(0, trColStatus) == "Đã tổ chức" && s.cellText(0, trColPresent) == "0 / 40",
		"list row %q %q", s.cellText(0, trColStatus), s.cellText(0, trColPresent))
}

// The list is searched without diacritics and opens a session.
func TestTraining_ListSearch(t *testing.T) {
	fx := newRecordsFixture(t)
	for _, title := range []string{"Tập huấn Luật Bảo vệ quyền lợi người tiêu dùng", "Hội nghị thương mại điện tử an toàn"} {
		fx.save(t, &app.TrainingSession{Title: title, StartDate: fx.today(), Status: "ke_hoach", Venue: "Hội trường ấp Mỹ Hòa"})
	}
	s := fx.training()
	must(t, len(s.rows) == 2 && s.count.Text == "2 lớp tập huấn", "count %q", s.count.Text)
	test.Type(s.search, "thuong mai dien")
	must(t, len(s.rows) == 1 && strings.HasPrefix(s.rows[0].Title, "Hội nghị"), "search shows %d", len(s.rows))
	test.Type(s.search, " xyz")
	must(t, len(s.rows) == 0 && s.empty.Visible(), "search without result")
	s.search.SetText("my hoa")
	must(t, len(s.rows) == 2, "venue search shows %d", len(s.rows))
	s.table.Select(widget.TableCellID{Row: 0, Col: trColTitle})
	must(t, s.view != nil && s.view.s.ID == s.rows[0].ID, "the row does not open")
}

// With saves running in the background, the trainer types the next names
// before the first is saved: nobody is lost, the highlight stays put.
func TestAttendance_TypingAheadOfSaves(t *testing.T) {
	fx := newRecordsFixture(t)
	people := fx.addPeople(t)
	var queue []func()
	fx.d.run = func(f func()) { queue = append(queue, f) }
	flush := func() {
		for len(queue) > 0 {
			f := queue[0]
			queue = queue[1:]
			f()
		}
	}
	session := &app.TrainingSession{Title: "Tập huấn an toàn thực phẩm", StartDate: fx.today(), Status: "ke_hoach"}
	fx.save(t, session)
	s := fx.training()
	flush()
	s.openSession(session.ID)
	flush()
	v := s.view
	k := keyboard{t, fx.win.Canvas()}
	k.typ("nguyen van an")
	k.key(fyne.KeyReturn) // Nguyễn Văn An, saved later
	k.typ("Tôn Thất Mới")
	k.key(fyne.KeyReturn)
	k.key(fyne.KeyReturn) // the small form, no type to default to: stays open
	must(t, v.newForm != nil, "the small form closed without a type")
	v.newForm.ptype.SetCode("nguoi_dan")
	k.key(fyne.KeyReturn)
	k.typ("nguyen van a")
	k.key(fyne.KeyDown)
	k.key(fyne.KeyDown)
	must(t, highlighted(v) == "Nguyễn Văn Ân", "highlight on %q, offered %v", highlighted(v), suggestionNames(v))
	must(t, len(queue) == 2, "%d saves queued", len(queue))
	flush() // An is now present and moves to the end of the suggestions
	must(t, highlighted(v) == "Nguyễn Văn Ân", "the saves moved the highlight to %q, offered %v", highlighted(v), suggestionNames(v))
	k.key(fyne.KeyReturn)
	flush()
	must(t, len(v.att) == 3 && v.att[people["Nguyễn Văn An"].ID].Status == "co_mat" &&
		v.att[people["Nguyễn Văn Ân"].ID].Status == "co_mat", "register %v", v.att)
	rows, err := storage.ListRecords[app.Attendance](context.Background(), fx.db, storage.RecordQuery{SessionID: session.ID})
	must(t, err == nil && len(rows) == 3, "%d rows stored, %v", len(rows), err)
}

// Leaving a form with something typed asks first; an untouched form just
// closes.
func TestTraining_CancelAsksBeforeDropping(t *testing.T) {
	fx := newRecordsFixture(t)
	s := fx.training()
	test.Tap(s.add)
	test.Tap(s.form.cancel)
	must(t, s.form == nil && fx.win.Canvas().Overlays().Top() == nil, "an untouched form asked or stayed")
	test.Tap(s.add)
	f := s.form
	f.entry("title").SetText("Tập huấn về hàng giả")
	test.Tap(f.cancel)
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Tiếp tục nhập"))
	must(t, s.form == f && f.entry("title").Text == "Tập huấn về hàng giả", "the form closed")
	test.Tap(f.cancel)
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Bỏ thay đổi"))
	must(t, s.form == nil, "the form stays open")
	sessions, _ := storage.ListRecords[app.TrainingSession](context.Background(), fx.db, storage.RecordQuery{})
	must(t, len(sessions) == 0, "%d sessions saved", len(sessions))
}
