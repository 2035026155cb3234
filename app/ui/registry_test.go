package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/storage"
)

// registry builds the registry tab in the window, loaded.
func (fx *recordsFixture) registry() *registryScreen {
	r := newRegistryScreen(fx.d)
	fx.win.SetContent(r.content)
	fx.win.Resize(fyne.NewSize(1280, 800))
	r.reload()
	return r
}

func listPeople(t *testing.T, db *storage.DB) []app.Participant {
	t.Helper()
	people, err := storage.ListRecords[app.Participant](context.Background(), db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return people
}

// An officer is recorded with the keyboard; saving makes the participant
// record their attendance counts by, and edits keep it up to date.
func TestRegistry_OfficerGetsParticipant(t *testing.T) {
	fx := newRecordsFixture(t)
	r := fx.registry()
	must(t, r.officers.empty.Visible(), "no empty message")
	test.Tap(r.officers.add)
	f := r.officerForm
	c := fx.win.Canvas()
	k := keyboard{t, c}
	must(t, f != nil && c.Focused() == f.entry("full_name"), "the form does not open on the name")
	must(t, f.check("active").Checked && f.check("counts_for_t5").Checked && f.choice("role").Code() == "can_bo_cong_thuong_xa", "defaults")
	k.typ("Võ Thành Công")
	k.tab()
	k.typ("Công chức Kinh tế")
	k.tab()
	k.tab()
	k.typ("0912 5555")
	k.to(f.save, 6)
	k.key(fyne.KeySpace)
	must(t, r.officerForm == f && f.errs["phone"].Visible() && strings.HasPrefix(f.errs["phone"].Text, "Số điện thoại không hợp lệ"),
		"bad phone not shown: %q", f.errs["phone"].Text)
	must(t, c.Focused() == f.entry("phone"), "the bad field does not get the focus")
	f.entry("phone").SetText("0912 555 666")
	test.Tap(f.save)
	must(t, r.officerForm == nil, "not saved: %q", f.formErr.Text)

	ctx := context.Background()
	officers, err := storage.ListRecords[app.Officer](ctx, fx.db, storage.RecordQuery{})
	must(t, err == nil && len(officers) == 1, "%d officers, %v", len(officers), err)
	o := officers[0]
	people := listPeople(t, fx.db)
	must(t, len(people) == 1 && o.ParticipantID == people[0].ID, "officer %+v, people %+v", o, people)
	p := people[0]
	if p.FullName != "Võ Thành Công" || p.Phone != "0912555666" || p.Type != "can_bo_cong_chuc_xa" || p.Workplace != "UBND phường Mỹ Tho" {
		t.Fatalf("participant %+v", p)
	}
	must(t, len(r.officers.shown) == 1 && r.officerCell(0, 2) == "Công chức phụ trách công thương, kinh tế", "list %q", r.officerCell(0, 2))

	// Editing the officer's name and phone follows on the participant
	// record, which keeps its id (and so the attendance already counted).
	r.officers.table.Select(widget.TableCellID{Row: 0, Col: 0})
	f = r.officerForm
	must(t, f != nil && f.entry("full_name").Text == "Võ Thành Công", "edit form")
	f.entry("full_name").SetText("Võ Thành Công Minh")
	f.entry("phone").SetText("0912555777")
	test.Tap(f.save)
	must(t, r.officerForm == nil, "edit not saved: %q", f.formErr.Text)
	people = listPeople(t, fx.db)
	must(t, len(people) == 1 && people[0].ID == p.ID && people[0].FullName == "Võ Thành Công Minh" && people[0].Phone == "0912555777",
		"participant after edit %+v", people)
}

// An officer who already attended as a participant is linked to that
// record, not given a second one.
func TestRegistry_OfficerLinksExistingParticipant(t *testing.T) {
	fx := newRecordsFixture(t)
	known := &app.Participant{FullName: "Lê Thị Thu", Type: "can_bo_cong_chuc_xa"}
	fx.save(t, known)
	r := fx.registry()
	test.Tap(r.officers.add)
	f := r.officerForm
	f.entry("full_name").SetText("Lê Thị Thu")
	f.choice("role").SetCode("lanh_dao_ubnd")
	test.Tap(f.save)
	must(t, r.officerForm == nil, "not saved: %q", f.formErr.Text)
	people := listPeople(t, fx.db)
	officers, _ := storage.ListRecords[app.Officer](context.Background(), fx.db, storage.RecordQuery{})
	must(t, len(people) == 1 && len(officers) == 1 && officers[0].ParticipantID == known.ID, "people %d, officer %+v", len(people), officers)
}

// Two records that may be one person are marked in the list with the
// other record; nothing is merged.
func TestRegistry_PossibleDuplicatesFlagged(t *testing.T) {
	fx := newRecordsFixture(t)
	org := &app.Organisation{Name: "Hội Liên hiệp Phụ nữ phường Mỹ Tho", Kind: "to_chuc_ct_xh", Relevant: true}
	fx.save(t, org)
	for _, p := range []*app.Participant{
		{FullName: "Nguyễn Thị Hồng", Phone: "0939 111 222", Type: "nguoi_dan"},
		{FullName: "Nguyen Thi Hong", Phone: "0939111222", Type: "nguoi_dan", Workplace: "Chợ Mỹ Tho"},
		{FullName: "Trần Văn Sơn", Type: "hoi_vien_doan_the", OrganisationID: org.ID},
		{FullName: "Trần Văn Sơn", Type: "hoi_vien_doan_the", Workplace: "hội liên hiệp phụ nữ phường mỹ tho"},
		{FullName: "Trần Văn Sơn", Type: "nguoi_dan", Workplace: "Ấp Mỹ Hòa"}, // a namesake
		{FullName: "Lê Văn Tư", Type: "nguoi_dan"},
	} {
		fx.save(t, p)
	}
	r := fx.registry()
	must(t, len(r.people.shown) == 6, "%d people", len(r.people.shown))
	flagged := 0
	for _, i := range r.people.shown {
		p := r.peopleRecs[i]
		text := r.personCell(i, 4)
		switch {
		case p.FullName == "Nguyễn Thị Hồng":
			must(t, text == "⚠ Có thể trùng với: Nguyen Thi Hong, Chợ Mỹ Tho, 0939111222 (cùng số điện thoại)", "%s: %q", p.FullName, text)
		case p.FullName == "Trần Văn Sơn" && p.OrganisationID != "":
			must(t, text == "⚠ Có thể trùng với: Trần Văn Sơn, hội liên hiệp phụ nữ phường mỹ tho (cùng nơi công tác)", "%s: %q", p.FullName, text)
		case p.Workplace == "Ấp Mỹ Hòa" || p.FullName == "Lê Văn Tư":
			must(t, text == "", "%s flagged: %q", p.FullName, text)
		}
		if text != "" {
			flagged++
		}
	}
	names := make([]string, len(r.people.shown))
	for row, i := range r.people.shown {
		names[row] = r.peopleRecs[i].FullName
	}
	must(t, strings.Join(names, ", ") == "Lê Văn Tư, Nguyen Thi Hong, Nguyễn Thị Hồng, Trần Văn Sơn, Trần Văn Sơn, Trần Văn Sơn",
		"not in alphabetical order: %v", names)
	must(t, flagged == 4, "%d flagged", flagged)
	must(t, r.onlyDups.Text == "Chỉ hiện người có thể trùng (4)", "filter says %q", r.onlyDups.Text)
	test.Tap(r.onlyDups)
	must(t, len(r.people.shown) == 4, "filter shows %d", len(r.people.shown))
	r.people.search.SetText("tran van son")
	must(t, len(r.people.shown) == 2, "filtered search shows %d", len(r.people.shown))

	// The person's form shows the other record and opens it.
	r.people.table.Select(widget.TableCellID{Row: 0, Col: 0})
	f := r.personForm
	must(t, f != nil && f.dupMsg.Visible() && strings.Contains(f.dupMsg.Text, "Gộp vào bản ghi này"), "form warning %q", f.dupMsg.Text)
	other := r.peopleRecs[r.people.shown[1]]
	test.Tap(mustButton(t, fx.win.Content(), "Mở bản ghi: "+other.FullName))
	must(t, r.personForm != nil && r.personForm.orig.ID == other.ID, "the other record did not open")
	must(t, len(listPeople(t, fx.db)) == 6, "records merged")
}

// A new person who looks like someone on the register is saved only after
// the officer says so.
func TestRegistry_NewPersonAsksBeforeDuplicate(t *testing.T) {
	fx := newRecordsFixture(t)
	fx.save(t, &app.Participant{FullName: "Phạm Văn Hùng", Phone: "0918 222 333", Type: "nguoi_dan"})
	r := fx.registry()
	r.tabs.SelectIndex(2)
	test.Tap(r.people.add)
	f := r.personForm
	test.Tap(f.save)
	must(t, f.errs["full_name"].Text == "Chưa nhập họ và tên." && f.errs["participant_type"].Text == "Chưa chọn đối tượng.",
		"messages %q %q", f.errs["full_name"].Text, f.errs["participant_type"].Text)
	f.entry("full_name").SetText("pham van hung")
	f.choice("participant_type").SetCode("ho_kinh_doanh_tieu_thuong")
	f.entry("phone").SetText("0918222333")
	test.Tap(f.save)
	must(t, f.asking != nil, "no question about the possible duplicate")
	msg := strings.Join(texts(topOverlay(t, fx.win)), "\n")
	must(t, strings.Contains(msg, "Phạm Văn Hùng") && strings.Contains(msg, "cùng số điện thoại"), "question says %q", msg)
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Quay lại"))
	must(t, len(listPeople(t, fx.db)) == 1 && r.personForm == f, "saved after “Quay lại”")
	test.Tap(f.save)
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Vẫn lưu"))
	must(t, r.personForm == nil && len(listPeople(t, fx.db)) == 2, "not saved after “Vẫn lưu”")
	for _, i := range r.people.shown {
		must(t, strings.Contains(r.personCell(i, 4), "Có thể trùng"), "%s is not flagged", r.peopleRecs[i].FullName)
	}
}

// Organisations: messages under the fields, then saved and listed with
// the people who belong to them.
func TestRegistry_Organisation(t *testing.T) {
	fx := newRecordsFixture(t)
	r := fx.registry()
	r.tabs.SelectIndex(1)
	test.Tap(r.orgs.add)
	f := r.orgForm
	must(t, f.check("relevant").Checked, "relevant by default")
	test.Tap(f.save)
	must(t, f.errs["name"].Text == "Chưa nhập tên tổ chức." && f.errs["kind"].Text == "Chưa chọn loại tổ chức.",
		"messages %q %q", f.errs["name"].Text, f.errs["kind"].Text)
	f.entry("name").SetText("Hợp tác xã Nông nghiệp Tân Thành")
	f.choice("kind").SetCode("htx")
	test.Tap(f.save)
	must(t, r.orgForm == nil && len(r.orgRecs) == 1, "not saved: %q", f.formErr.Text)
	fx.save(t, &app.Participant{FullName: "Đinh Văn Lực", Type: "htx", OrganisationID: r.orgRecs[0].ID})
	r.reload()
	must(t, r.orgCell(0, 1) == "Hợp tác xã" && r.orgCell(0, 2) == "Có" && r.orgCell(0, 3) == "1",
		"row %q %q %q", r.orgCell(0, 1), r.orgCell(0, 2), r.orgCell(0, 3))
	must(t, r.personCell(0, 2) == "Hợp tác xã Nông nghiệp Tân Thành", "workplace %q", r.personCell(0, 2))
}

// An officer linked to a participant is found by the trainer's fast entry,
// so their attendance counts for T5.
func TestRegistry_OfficerAttendsSession(t *testing.T) {
	fx := newRecordsFixture(t)
	r := fx.registry()
	test.Tap(r.officers.add)
	r.officerForm.entry("full_name").SetText("Trịnh Công Lý")
	test.Tap(r.officerForm.save)
	session := &app.TrainingSession{Title: "Tập huấn cho cán bộ", StartDate: fx.today(), Status: "ke_hoach"}
	fx.save(t, session)
	s := fx.training()
	s.openSession(session.ID)
	k := keyboard{t, fx.win.Canvas()}
	k.typ("trinh ly")
	k.key(fyne.KeyReturn)
	officers, _ := storage.ListRecords[app.Officer](context.Background(), fx.db, storage.RecordQuery{})
	must(t, len(officers) == 1, "%d officers", len(officers))
	a, ok := s.view.att[officers[0].ParticipantID]
	must(t, ok && a.Status == "co_mat", "the officer is not present: %+v", s.view.att)
}

// openPersonByID opens the form of the participant id, as a tap on its row.
func openPersonByID(t *testing.T, r *registryScreen, id string) *personForm {
	t.Helper()
	for i := range r.peopleRecs {
		if r.peopleRecs[i].ID == id {
			r.openPerson(&r.peopleRecs[i])
			must(t, r.personForm != nil, "no form")
			return r.personForm
		}
	}
	t.Fatalf("person %s not listed", id)
	return nil
}

// "Gộp vào bản ghi này": the other record's attendance moves to the one
// open, the other is voided "gộp vào …", and the warning is gone.
func TestRegistry_MergeDuplicatePerson(t *testing.T) {
	ctx := context.Background()
	fx := newRecordsFixture(t)
	s := &app.TrainingSession{Title: "Tập huấn nhận biết hàng giả", StartDate: fx.today(), Status: "da_to_chuc",
		Format: "truc_tiep", PlanTasks: []string{"IV.1"}, Audiences: []string{"nguoi_dan"}}
	keep := &app.Participant{FullName: "Nguyễn Thị Hồng", Phone: "0939111222", Type: "nguoi_dan", Workplace: "Chợ Mỹ Tho"}
	dup := &app.Participant{FullName: "Nguyen Thi Hong", Phone: "0939 111 222", Type: "nguoi_dan"}
	fx.save(t, s)
	fx.save(t, keep)
	fx.save(t, dup)
	fx.save(t, &app.Attendance{SessionID: s.ID, ParticipantID: dup.ID, Status: "co_mat"})
	r := fx.registry()
	f := openPersonByID(t, r, keep.ID)
	must(t, f.dupMsg.Visible(), "no warning")

	// With a change typed, the form says to save or drop it first.
	f.entry("workplace").SetText("Chợ Mỹ Tho, sạp 12")
	test.Tap(mustButton(t, f.content, "Gộp vào bản ghi này"))
	must(t, fx.win.Canvas().Overlays().Top() == nil && strings.Contains(f.formErr.Text, "Hãy lưu hoặc bỏ các thay đổi"),
		"merge with unsaved changes: %q", f.formErr.Text)
	f.entry("workplace").SetText("Chợ Mỹ Tho")

	test.Tap(mustButton(t, f.content, "Gộp vào bản ghi này"))
	d := topOverlay(t, fx.win)
	must(t, strings.Contains(strings.Join(texts(d), "\n"), "Gộp “Nguyen Thi Hong, 0939111222 (cùng số điện thoại)” vào bản ghi đang mở (“Nguyễn Thị Hồng”)"),
		"question %q", texts(d))
	test.Tap(mustButton(t, d, "Gộp"))
	must(t, r.personForm == nil, "the form stays open: %q", f.formErr.Text)
	must(t, r.info.Visible() && r.info.Text == "Đã gộp vào “Nguyễn Thị Hồng”: chuyển 1 lượt tham dự.", "info %q", r.info.Text)
	people := listPeople(t, fx.db)
	must(t, len(people) == 1 && people[0].ID == keep.ID, "people after the merge: %+v", people)
	var moved, old app.Attendance
	must(t, fx.db.GetRecord(ctx, app.AttendanceID(s.ID, keep.ID), &moved) == nil && moved.Status == "co_mat" && !moved.Voided,
		"the kept person's attendance %+v", moved)
	must(t, fx.db.GetRecord(ctx, app.AttendanceID(s.ID, dup.ID), &old) == nil && old.Voided, "the duplicate's row %+v", old)
	var gone app.Participant
	must(t, fx.db.GetRecord(ctx, dup.ID, &gone) == nil && gone.Voided && strings.Contains(gone.Note, "gộp vào “Nguyễn Thị Hồng”"),
		"the duplicate %+v", gone)
	must(t, len(r.people.shown) == 1 && r.personCell(r.people.shown[0], 4) == "", "the list still warns: %q", r.personCell(r.people.shown[0], 4))
}

// "Đã kiểm tra: hai người khác nhau": both records stay, the warning stops
// for the pair.
func TestRegistry_MarkPeopleDistinct(t *testing.T) {
	fx := newRecordsFixture(t)
	a := &app.Participant{FullName: "Trần Văn Sơn", Type: "nguoi_dan", Workplace: "Ấp Mỹ Hòa"}
	b := &app.Participant{FullName: "Trần Văn Sơn", Type: "nguoi_dan", Workplace: "ấp mỹ hòa", Phone: "0912000444"}
	fx.save(t, a)
	fx.save(t, b)
	r := fx.registry()
	must(t, r.onlyDups.Text == "Chỉ hiện người có thể trùng (2)", "filter %q", r.onlyDups.Text)
	f := openPersonByID(t, r, a.ID)
	test.Tap(mustButton(t, f.content, "Đã kiểm tra: hai người khác nhau"))
	d := topOverlay(t, fx.win)
	test.Tap(mustButton(t, d, "Đúng, hai người khác nhau"))
	must(t, r.personForm == nil, "the form stays open: %q", f.formErr.Text)
	must(t, strings.HasPrefix(r.info.Text, "Đã ghi: “Trần Văn Sơn” và “Trần Văn Sơn” là hai người khác nhau."), "info %q", r.info.Text)
	must(t, len(listPeople(t, fx.db)) == 2, "a record was lost")
	for _, i := range r.people.shown {
		must(t, r.personCell(i, 4) == "", "still flagged: %q", r.personCell(i, 4))
	}
	must(t, r.onlyDups.Text == "Chỉ hiện người có thể trùng", "filter %q", r.onlyDups.Text)
	f = openPersonByID(t, r, b.ID)
	must(t, !f.dupMsg.Visible() && findButton(f.content, "Gộp vào bản ghi này") == nil, "the form still warns: %q", f.dupMsg.Text)
}

// "Hủy bản ghi nhập nhầm" voids a participant with a reason, kept in its
// note; a new person's form has no such button.
func TestRegistry_VoidPerson(t *testing.T) {
	fx := newRecordsFixture(t)
	p := &app.Participant{FullName: "Người Nhập Thử", Type: "nguoi_dan"}
	keep := &app.Participant{FullName: "Lê Văn Tư", Type: "nguoi_dan"}
	fx.save(t, p)
	fx.save(t, keep)
	r := fx.registry()
	test.Tap(r.people.add)
	must(t, findButton(r.personForm.content, "Hủy bản ghi nhập nhầm") == nil, "a new person offers voiding")
	r.closeForm(false)
	f := openPersonByID(t, r, p.ID)
	test.Tap(mustButton(t, f.content, "Hủy bản ghi nhập nhầm"))
	d := topOverlay(t, fx.win)
	must(t, strings.Contains(strings.Join(texts(d), "\n"), "“Người Nhập Thử” sẽ không còn trong danh sách"), "dialog %q", texts(d))
	test.Tap(mustButton(t, d, "Hủy bản ghi"))
	must(t, f.voiding != nil && f.voiding.msg.Text == "Cần ghi lý do hủy.", "reason message %q", f.voiding.msg.Text)
	f.voiding.reason.SetText("Nhập thử khi tập huấn phần mềm")
	test.Tap(f.voiding.confirm)
	must(t, r.personForm == nil, "the form stays open: %q", f.formErr.Text)
	people := listPeople(t, fx.db)
	must(t, len(people) == 1 && people[0].ID == keep.ID, "people after the void: %+v", people)
	var voided app.Participant
	must(t, fx.db.GetRecord(context.Background(), p.ID, &voided) == nil && voided.Voided &&
		voided.Note == "Hủy bản ghi ngày "+FormatDate(fx.clock.Peek())+": Nhập thử khi tập huấn phần mềm", "voided %+v", voided)
	must(t, len(r.people.shown) == 1, "the list shows %d", len(r.people.shown))
}
