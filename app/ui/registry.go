package ui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// registryScreen is the "Danh mục" tab: the officers of the commune, the
// organisations relevant to consumer protection and the people who attend
// sessions, each a searchable list with a form. People who may be the same
// person (app.PossibleDuplicatePeople) are marked "Có thể trùng" with the
// other record, for an officer to review; nothing is merged.
type registryScreen struct {
	formDeps

	tabs     *container.AppTabs
	pane     *fyne.Container // the tabs, or a form
	errMsg   *widget.Label
	info     *widget.Label // what the last merge or check did
	officers *regList
	orgs     *regList
	people   *regList
	onlyDups *widget.Check

	officerRecs []app.Officer
	orgRecs     []app.Organisation
	peopleRecs  []app.Participant
	dups        map[string][]app.PersonPair
	orgMembers  map[string]int // participants by organisation id
	gen         int

	// The open form, or nil.
	officerForm *officerForm
	orgForm     *orgForm
	personForm  *personForm

	// onChanged, if set, is called on the Fyne goroutine after a record
	// was saved.
	onChanged func()

	content fyne.CanvasObject
}

// regList is one list of the registry: search, add, count, table.
type regList struct {
	search  *widget.Entry
	add     *widget.Button
	count   *widget.Label
	empty   *widget.Label
	table   *recordTable
	shown   []int // index in the screen's records of each row
	content fyne.CanvasObject
}

func newRegList(placeholder, addText string, cols []tableColumn, cell func(i, col int) string,
	open func(i int), onAdd func(), onSearch func(), extra ...fyne.CanvasObject) *regList {
	l := &regList{}
	l.search = widget.NewEntry()
	l.search.SetPlaceHolder(placeholder)
	l.search.OnChanged = func(string) { onSearch() }
	l.search.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { l.search.SetText("") })
	l.add = &widget.Button{Text: addText, Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: onAdd}
	l.count = widget.NewLabel("")
	l.empty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	l.empty.Hide()
	l.table = newRecordTable(cols, func() int { return len(l.shown) },
		func(row, col int) string {
			if row < 0 || row >= len(l.shown) {
				return ""
			}
			return cell(l.shown[row], col)
		},
		func(row int) { open(l.shown[row]) })
	top := container.NewVBox(container.NewBorder(nil, nil, nil, l.add, l.search),
		container.NewHBox(append([]fyne.CanvasObject{l.count}, extra...)...))
	l.content = container.NewBorder(top, nil, nil, nil, container.NewStack(l.table, container.NewVBox(l.empty)))
	return l
}

// setShown shows rows, or the empty message: emptyText with no search,
// a "nothing found" text with one.
func (l *regList) setShown(rows []int, total int, emptyText string) {
	l.shown = rows
	l.count.SetText(lang.X("registry.count", "{{.N}} / {{.Total}} bản ghi", map[string]any{
		"N": FormatInt(int64(len(rows))), "Total": FormatInt(int64(total))}))
	if len(rows) > 0 {
		l.empty.Hide()
		l.table.Show()
	} else {
		if q := app.NFC(l.search.Text); q != "" {
			emptyText = lang.X("registry.empty_search", "Không tìm thấy ai phù hợp với “{{.Q}}”.", map[string]any{"Q": q})
		}
		l.empty.SetText(emptyText)
		l.empty.Show()
		l.table.Hide()
	}
	l.table.Refresh()
}

func newRegistryScreen(d formDeps) *registryScreen {
	r := &registryScreen{formDeps: d, dups: map[string][]app.PersonPair{}, orgMembers: map[string]int{}}
	r.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	r.errMsg.Hide()

	r.officers = newRegList(lang.X("registry.officers.search", "Tìm cán bộ theo tên, số điện thoại, chức vụ…"),
		lang.X("registry.officers.add", "Thêm cán bộ vào danh sách"), []tableColumn{
			{lang.X("registry.officers.col.name", "Họ và tên"), 0.24, 140},
			{lang.X("registry.officers.col.position", "Chức vụ"), 0.2, 100},
			{lang.X("registry.officers.col.role", "Vai trò"), 0.22, 110},
			{lang.X("registry.officers.col.phone", "Điện thoại"), 0.12, 100},
			{lang.X("registry.officers.col.t5", "Tính cho T5"), 0.1, 80},
			{lang.X("registry.officers.col.active", "Đang công tác"), 0.12, 90},
		}, r.officerCell, func(i int) { r.openOfficer(&r.officerRecs[i]) }, func() { r.openOfficer(nil) }, r.filterOfficers)

	r.orgs = newRegList(lang.X("registry.orgs.search", "Tìm tổ chức theo tên…"),
		lang.X("registry.orgs.add", "Thêm tổ chức"), []tableColumn{
			{lang.X("registry.orgs.col.name", "Tên tổ chức"), 0.42, 160},
			{lang.X("registry.orgs.col.kind", "Loại"), 0.3, 120},
			{lang.X("registry.orgs.col.relevant", "Liên quan BVQLNTD"), 0.14, 100},
			{lang.X("registry.orgs.col.members", "Người tham dự"), 0.14, 90},
		}, r.orgCell, func(i int) { r.openOrg(&r.orgRecs[i]) }, func() { r.openOrg(nil) }, r.filterOrgs)

	r.onlyDups = widget.NewCheck(lang.X("registry.people.only_dups", "Chỉ hiện người có thể trùng"), func(bool) { r.filterPeople() })
	r.people = newRegList(lang.X("registry.people.search", "Tìm người tham dự theo tên, nơi công tác, số điện thoại…"),
		lang.X("registry.people.add", "Thêm người tham dự"), []tableColumn{
			{lang.X("registry.people.col.name", "Họ và tên"), 0.2, 130},
			{lang.X("registry.people.col.type", "Đối tượng"), 0.18, 110},
			{lang.X("registry.people.col.workplace", "Nơi công tác, tổ chức"), 0.2, 120},
			{lang.X("registry.people.col.phone", "Điện thoại"), 0.12, 100},
			{lang.X("registry.people.col.dup", "Có thể trùng"), 0.3, 160},
		}, r.personCell, func(i int) { r.openPerson(&r.peopleRecs[i]) }, func() { r.openPerson(nil) }, r.filterPeople, r.onlyDups)

	r.tabs = container.NewAppTabs(
		container.NewTabItem(lang.X("registry.tab.officers", "Cán bộ"), r.officers.content),
		container.NewTabItem(lang.X("registry.tab.orgs", "Tổ chức"), r.orgs.content),
		container.NewTabItem(lang.X("registry.tab.people", "Người tham dự"), r.people.content),
	)
	r.info = &widget.Label{Importance: widget.SuccessImportance, Wrapping: fyne.TextWrapWord}
	r.info.Hide()
	r.pane = container.NewStack(container.NewBorder(container.NewVBox(r.errMsg, r.info), nil, nil, nil, r.tabs))
	r.content = r.pane
	return r
}

// registryData is what the registry loads.
type registryData struct {
	officers []app.Officer
	orgs     []app.Organisation
	people   []app.Participant
}

// reload reads the three lists off the Fyne goroutine and shows them.
func (r *registryScreen) reload() {
	r.gen++
	gen := r.gen
	hide := r.hidesRestricted()
	r.run(func() {
		data, err := loadRegistry(r.ctx, r.records, hide)
		fyne.Do(func() { r.apply(gen, data, err) })
	})
}

// loadRegistry reads officers, organisations and participants (without
// those whose processing is restricted, with hide). It touches no widget.
func loadRegistry(ctx context.Context, svc RecordService, hide bool) (registryData, error) {
	var data registryData
	if svc == nil {
		return data, errNoRecords
	}
	recs, err := svc.Records(ctx, app.EntityOfficer, app.RecordQuery{})
	if err != nil {
		return data, err
	}
	for _, rec := range recs {
		if o, ok := rec.(*app.Officer); ok {
			data.officers = append(data.officers, *o)
		}
	}
	data.people, data.orgs, err = loadPeopleWith(ctx, svc, hide)
	return data, err
}

func (r *registryScreen) apply(gen int, data registryData, err error) {
	if gen != r.gen {
		return
	}
	if err != nil {
		logError("load registry", err)
		r.errMsg.SetText(lang.X("registry.load_failed", "Không tải được danh mục: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		r.errMsg.Show()
		return
	}
	r.errMsg.Hide()
	// In Vietnamese alphabetical order, so that namesakes sit together.
	coll := app.NewCollator()
	sort.SliceStable(data.officers, func(i, j int) bool {
		return coll.CompareString(data.officers[i].FullName, data.officers[j].FullName) < 0
	})
	sort.SliceStable(data.orgs, func(i, j int) bool { return coll.CompareString(data.orgs[i].Name, data.orgs[j].Name) < 0 })
	sort.SliceStable(data.people, func(i, j int) bool {
		return coll.CompareString(data.people[i].FullName, data.people[j].FullName) < 0
	})
	r.officerRecs, r.orgRecs, r.peopleRecs = data.officers, data.orgs, data.people
	r.dups = app.DuplicatesOf(app.PossibleDuplicatePeople(r.peopleRecs, r.orgRecs))
	r.orgMembers = map[string]int{}
	for _, p := range r.peopleRecs {
		if p.OrganisationID != "" {
			r.orgMembers[p.OrganisationID]++
		}
	}
	r.filterOfficers()
	r.filterOrgs()
	r.filterPeople()
}

func (r *registryScreen) filterOfficers() {
	q := r.officers.search.Text
	var rows []int
	for i, o := range r.officerRecs {
		if app.MatchesWords(q, o.FullName+" "+o.Phone+" "+o.Position) {
			rows = append(rows, i)
		}
	}
	r.officers.setShown(rows, len(r.officerRecs),
		lang.X("registry.officers.empty", "Chưa có cán bộ nào. Bấm “Thêm cán bộ vào danh sách” để ghi cán bộ làm công tác bảo vệ quyền lợi người tiêu dùng."))
}

func (r *registryScreen) filterOrgs() {
	q := r.orgs.search.Text
	var rows []int
	for i, o := range r.orgRecs {
		if app.MatchesWords(q, o.Name) {
			rows = append(rows, i)
		}
	}
	r.orgs.setShown(rows, len(r.orgRecs),
		lang.X("registry.orgs.empty", "Chưa có tổ chức nào. Bấm “Thêm tổ chức” để ghi đoàn thể, hiệp hội, doanh nghiệp…"))
}

func (r *registryScreen) filterPeople() {
	q := r.people.search.Text
	var rows []int
	for i := range r.peopleRecs {
		p := &r.peopleRecs[i]
		if r.onlyDups.Checked && len(r.dups[p.ID]) == 0 {
			continue
		}
		if app.MatchesWords(q, p.FullName+" "+p.Phone+" "+r.workplace(p)) {
			rows = append(rows, i)
		}
	}
	n := 0
	for _, p := range r.peopleRecs {
		if len(r.dups[p.ID]) > 0 {
			n++
		}
	}
	text := lang.X("registry.people.only_dups", "Chỉ hiện người có thể trùng")
	if n > 0 {
		text = lang.X("registry.people.only_dups_count", "Chỉ hiện người có thể trùng ({{.N}})", map[string]any{"N": FormatInt(int64(n))})
	}
	if r.onlyDups.Text != text {
		r.onlyDups.Text = text
		r.onlyDups.Refresh()
	}
	r.people.setShown(rows, len(r.peopleRecs),
		lang.X("registry.people.empty", "Chưa có người tham dự nào. Người được ghi có mặt ở lớp tập huấn sẽ có trong danh sách này."))
}

// workplace returns where p works: the organisation's name, else the
// workplace typed.
func (r *registryScreen) workplace(p *app.Participant) string {
	if p.OrganisationID != "" {
		for _, o := range r.orgRecs {
			if o.ID == p.OrganisationID {
				if p.Workplace != "" && app.PersonKey(p.Workplace) != app.PersonKey(o.Name) {
					return o.Name + " – " + p.Workplace
				}
				return o.Name
			}
		}
	}
	return p.Workplace
}

func (r *registryScreen) officerCell(i, col int) string {
	o := &r.officerRecs[i]
	switch col {
	case 0:
		return o.FullName
	case 1:
		return o.Position
	case 2:
		return listLabel(app.OfficerRoles, o.Role)
	case 3:
		return o.Phone
	case 4:
		return yesNo(o.CountsForT5)
	case 5:
		return yesNo(o.Active)
	}
	return ""
}

func (r *registryScreen) orgCell(i, col int) string {
	o := &r.orgRecs[i]
	switch col {
	case 0:
		return o.Name
	case 1:
		return listLabel(app.OrganisationKinds, o.Kind)
	case 2:
		return yesNo(o.Relevant)
	case 3:
		return FormatInt(int64(r.orgMembers[o.ID]))
	}
	return ""
}

func (r *registryScreen) personCell(i, col int) string {
	p := &r.peopleRecs[i]
	switch col {
	case 0:
		return personName(p)
	case 1:
		return listLabel(app.ParticipantTypes, p.Type)
	case 2:
		return r.workplace(p)
	case 3:
		return p.Phone
	case 4:
		return r.dupText(p.ID)
	}
	return ""
}

// dupText says which other records p may be the same person as.
func (r *registryScreen) dupText(id string) string {
	pairs := r.dups[id]
	if len(pairs) == 0 {
		return ""
	}
	var parts []string
	for _, d := range pairs {
		parts = append(parts, r.otherLabel(d))
	}
	return lang.X("registry.people.dup", "⚠ Có thể trùng với: {{.Others}}", map[string]any{"Others": strings.Join(parts, "; ")})
}

// otherLabel describes the other record of a pair and why it may be the
// same person.
func (r *registryScreen) otherLabel(d app.PersonPair) string {
	for i := range r.peopleRecs {
		o := &r.peopleRecs[i]
		if o.ID != d.OtherID {
			continue
		}
		who := o.FullName
		if w := r.workplace(o); w != "" {
			who += ", " + w
		}
		if o.Phone != "" {
			who += ", " + o.Phone
		}
		why := lang.X("registry.people.dup.same_workplace", "cùng nơi công tác")
		if d.Reason == app.DupSamePhone {
			why = lang.X("registry.people.dup.same_phone", "cùng số điện thoại")
		}
		return fmt.Sprintf("%s (%s)", who, why)
	}
	return d.OtherID
}

// show puts o in the tab: a form, or the lists.
func (r *registryScreen) show(o fyne.CanvasObject) {
	if o == nil {
		o = container.NewBorder(container.NewVBox(r.errMsg, r.info), nil, nil, nil, r.tabs)
	} else {
		r.info.Hide()
	}
	r.pane.Objects = []fyne.CanvasObject{o}
	r.pane.Refresh()
}

// showInfo says what was done, above the lists.
func (r *registryScreen) showInfo(text string) {
	r.info.SetText(text)
	r.info.Show()
}

// closeForm goes back to the lists; saved tells whether something was
// saved.
func (r *registryScreen) closeForm(saved bool) {
	r.officerForm, r.orgForm, r.personForm = nil, nil, nil
	r.show(nil)
	if saved {
		r.reload()
		if r.onChanged != nil {
			r.onChanged()
		}
	}
}

// officerWorkplace is where the commune's officers work: "UBND phường Mỹ
// Tho".
func officerWorkplace(refs *app.RefData, unit string) string {
	u, ok := lookupUnit(refs, unit)
	if !ok {
		return ""
	}
	name := u.Name
	if c, size := utf8.DecodeRuneInString(name); size > 0 {
		name = string(unicode.ToLower(c)) + name[size:]
	}
	return "UBND " + name
}

// The forms of the registry: an officer of the commune, an organisation, a
// participant.
type (
	officerForm = form[app.Officer, *app.Officer]
	orgForm     = form[app.Organisation, *app.Organisation]
)

// personForm records a participant. It shows the records the person may
// be the same as, each with what an officer may do about it (open it,
// merge it into this one, mark the two checked as different people), and
// asks before saving a new one that looks like one of them.
type personForm struct {
	*form[app.Participant, *app.Participant]
	dupMsg  *widget.Label
	dupOpen *fyne.Container // a row of buttons per other record
}

// PeopleService corrects possible duplicate people (storage.DB has it):
// a RecordService that also has it offers "Gộp" and "Đã kiểm tra: hai
// người khác nhau" beside each possible duplicate.
type PeopleService interface {
	// MergePeople merges participant dupID into keepID: the duplicate's
	// attendance moves to the kept person and the duplicate is voided.
	MergePeople(ctx context.Context, keepID, dupID string) (app.MergeResult, error)
	// MarkDistinctPeople records that a and b were checked to be two
	// people.
	MarkDistinctPeople(ctx context.Context, a, b string) error
}

// openOfficer shows the form of an officer of the commune (nil: a new
// one); saving also makes or links the participant record through which
// their attendance counts.
func (r *registryScreen) openOfficer(orig *app.Officer) {
	title := lang.X("officer.form.new", "Thêm cán bộ vào danh sách")
	if orig != nil {
		title = lang.X("officer.form.edit", "Sửa thông tin cán bộ")
	}
	f := newForm[app.Officer](r.formDeps, orig, title, "officer")
	f.failed = func(reason string) string {
		return lang.X("officer.save_failed", "Chưa lưu được cán bộ: {{.Reason}}", map[string]any{"Reason": reason})
	}
	workplace := officerWorkplace(r.refs, r.unit)
	f.store = func(ctx context.Context, orig, o *app.Officer) (*app.Officer, error) {
		return o, saveOfficer(ctx, r.records, orig, o, workplace)
	}
	f.saveAlways = true // the participant record follows the officer's
	f.onDone = func(saved *app.Officer) { r.closeForm(saved != nil) }
	start := app.Officer{Active: true, CountsForT5: true, Role: "can_bo_cong_thuong_xa"}
	start.UnitCode = r.unit
	link := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance,
		Text: lang.X("officer.will_link", "Khi lưu, cán bộ được thêm vào (hoặc liên kết với) danh sách người tham dự để tính số lần tập huấn.")}
	if orig != nil && orig.ParticipantID != "" {
		link.Text = lang.X("officer.linked", "Đã liên kết với danh sách người tham dự: số lần có mặt ở lớp tập huấn được tính cho cán bộ này.")
	}
	body := container.NewVBox(
		container.NewGridWithColumns(2,
			f.textField("full_name", lang.X("officer.name", "Họ và tên")+" *", 1, "",
				func(o *app.Officer) *string { return &o.FullName }),
			f.textField("position", lang.X("officer.position", "Chức vụ"), 1,
				lang.X("officer.position.placeholder", "Ví dụ: Công chức Văn phòng – Thống kê"),
				func(o *app.Officer) *string { return &o.Position }),
			f.codeField("role", lang.X("officer.role", "Vai trò"), app.OfficerRoles,
				func(o *app.Officer) *string { return &o.Role }),
			f.textField("phone", lang.X("officer.phone", "Số điện thoại"), 1, lang.X("form.phone.placeholder", "Ví dụ: 0912 345 678"),
				func(o *app.Officer) *string { return &o.Phone }),
		),
		f.flagField("counts_for_t5", "", lang.X("officer.t5", "Tính cho chỉ tiêu T5 (cán bộ thực thi được tập huấn; cán bộ đoàn thể, Hội Bảo vệ người tiêu dùng luôn được tính)"),
			func(o *app.Officer) *bool { return &o.CountsForT5 }),
		f.flagField("active", "", lang.X("officer.active", "Đang công tác"), func(o *app.Officer) *bool { return &o.Active }),
		link,
	)
	f.finish(body, start)
	r.officerForm = f
	r.show(f.content)
	f.focusFirst()
}

// saveOfficer saves o (orig: as the form first showed it, nil for a new
// officer) and the participant record their attendance is counted by: the
// linked one, brought up to date; else the one the officer matches
// (app.MatchPerson), else a new one. It touches no widget.
func saveOfficer(ctx context.Context, svc RecordService, orig, o *app.Officer, workplace string) error {
	var linked *app.Participant
	if o.ParticipantID != "" {
		var p app.Participant
		switch err := svc.GetRecord(ctx, o.ParticipantID, &p); {
		case err == nil:
			linked = &p
		case app.ErrorCode(err) != app.ENOTFOUND:
			return err
		}
	}
	if linked == nil {
		people, orgs, err := loadPeople(ctx, svc)
		if err != nil {
			return err
		}
		row := app.Participant{FullName: o.FullName, Phone: o.Phone, Workplace: workplace}
		if i, ok := app.MatchPerson(row, people, orgs); ok {
			linked = &people[i]
		}
	}
	p := app.OfficerAsParticipant(o, linked, workplace)
	if p.UnitCode == "" {
		p.UnitCode = o.UnitCode
	}
	if err := svc.SaveRecord(ctx, &p); err != nil {
		return err
	}
	o.ParticipantID = p.ID
	_, err := recordStore[app.Officer](svc)(ctx, orig, o)
	return err
}

// openOrg shows the form of an organisation (nil: a new one).
func (r *registryScreen) openOrg(orig *app.Organisation) {
	title := lang.X("org.form.new", "Thêm tổ chức")
	if orig != nil {
		title = lang.X("org.form.edit", "Sửa thông tin tổ chức")
	}
	f := newForm[app.Organisation](r.formDeps, orig, title, "organisation")
	f.failed = func(reason string) string {
		return lang.X("org.save_failed", "Chưa lưu được tổ chức: {{.Reason}}", map[string]any{"Reason": reason})
	}
	f.store = recordStore[app.Organisation](r.records)
	f.onDone = func(saved *app.Organisation) { r.closeForm(saved != nil) }
	body := container.NewVBox(
		f.textField("name", lang.X("org.name", "Tên tổ chức")+" *", 1,
			lang.X("org.name.placeholder", "Ví dụ: Hội Liên hiệp Phụ nữ phường Mỹ Tho"),
			func(o *app.Organisation) *string { return &o.Name }),
		f.codeField("kind", lang.X("org.kind", "Loại tổ chức")+" *", app.OrganisationKinds,
			func(o *app.Organisation) *string { return &o.Kind }),
		f.flagField("relevant", "", lang.X("org.relevant", "Liên quan đến bảo vệ quyền lợi người tiêu dùng (tính cho chỉ tiêu T4)"),
			func(o *app.Organisation) *bool { return &o.Relevant }),
		f.textField("note", lang.X("org.note", "Ghi chú"), 2, "", func(o *app.Organisation) *string { return &o.Note }),
	)
	start := app.Organisation{Relevant: true}
	start.UnitCode = r.unit
	f.finish(body, start)
	r.orgForm = f
	r.show(f.content)
	f.focusFirst()
}

// openPerson shows the form of a participant (nil: a new one).
func (r *registryScreen) openPerson(orig *app.Participant) {
	title := lang.X("person.form.new", "Thêm người tham dự")
	if orig != nil {
		title = lang.X("person.form.edit", "Sửa thông tin người tham dự")
	}
	f := &personForm{form: newForm[app.Participant](r.formDeps, orig, title, "participant")}
	f.failed = func(reason string) string {
		return lang.X("person.save_failed", "Chưa lưu được người tham dự: {{.Reason}}", map[string]any{"Reason": reason})
	}
	f.store = recordStore[app.Participant](r.records)
	if orig != nil {
		f.voider = personVoid(r.records, orig.FullName)
	}
	f.checkNew = func(p app.Participant, proceed func()) { f.checkDuplicates(r, p, proceed) }
	f.onDone = func(saved *app.Participant) { r.closeForm(saved != nil) }
	none := lang.X("person.org.none", "(Không thuộc tổ chức trong danh mục)")
	orgList := app.CodeList{{Code: "", VI: none, EN: none}}
	for _, o := range r.orgRecs {
		orgList = append(orgList, app.Code{Code: o.ID, VI: o.Name, EN: o.Name})
	}
	f.dupMsg = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	f.dupMsg.Hide()
	f.dupOpen = container.NewVBox()
	body := container.NewVBox(
		f.dupMsg, f.dupOpen,
		container.NewGridWithColumns(2,
			f.textField("full_name", lang.X("person.name", "Họ và tên")+" *", 1, "",
				func(p *app.Participant) *string { return &p.FullName }),
			f.codeField("participant_type", lang.X("person.type", "Đối tượng")+" *", app.ParticipantTypes,
				func(p *app.Participant) *string { return &p.Type }),
			f.codeField("organisation_id", lang.X("person.org", "Tổ chức"), orgList,
				func(p *app.Participant) *string { return &p.OrganisationID }),
			f.textField("workplace", lang.X("person.workplace", "Nơi công tác"), 1,
				lang.X("person.workplace.placeholder", "Cơ quan, cửa hàng, trường học… nếu không có trong danh mục"),
				func(p *app.Participant) *string { return &p.Workplace }),
			f.codeField("gender", lang.X("person.gender", "Giới tính"), app.Genders,
				func(p *app.Participant) *string { return &p.Gender }),
			f.codeField("age_band", lang.X("person.age_band", "Nhóm tuổi"), app.AgeBands,
				func(p *app.Participant) *string { return &p.AgeBand }),
			f.textField("phone", lang.X("person.phone", "Số điện thoại"), 1, lang.X("form.phone.placeholder", "Ví dụ: 0912 345 678"),
				func(p *app.Participant) *string { return &p.Phone }),
		),
	)
	var start app.Participant
	start.UnitCode = r.unit
	f.finish(body, start)
	if orig != nil {
		f.showDuplicates(r, r.dups[orig.ID])
	}
	r.personForm = f
	r.show(f.content)
	f.focusFirst()
}

// showDuplicates tells which records the person may be the same as, with,
// for each, buttons to open it, to merge it into this record (its
// attendance moves here and it is voided) and to mark the two checked as
// different people.
func (f *personForm) showDuplicates(r *registryScreen, pairs []app.PersonPair) {
	f.dupOpen.Objects = nil
	if len(pairs) == 0 {
		f.dupMsg.Hide()
		f.dupOpen.Refresh()
		return
	}
	ps, _ := r.records.(PeopleService)
	var parts []string
	for _, d := range pairs {
		parts = append(parts, r.otherLabel(d))
		for i := range r.peopleRecs {
			other := &r.peopleRecs[i]
			if other.ID != d.OtherID {
				continue
			}
			row := container.NewHBox(&widget.Button{Text: lang.X("person.dup.open", "Mở bản ghi: {{.Name}}", map[string]any{"Name": other.FullName}),
				Icon: theme.SearchIcon(), OnTapped: func() { r.openPerson(other) }})
			if ps != nil {
				label := r.otherLabel(d)
				row.Add(&widget.Button{Text: lang.X("person.merge", "Gộp vào bản ghi này"), Icon: theme.ContentPasteIcon(),
					OnTapped: func() { f.merge(r, ps, other, label) }})
				row.Add(&widget.Button{Text: lang.X("person.distinct", "Đã kiểm tra: hai người khác nhau"), Icon: theme.ConfirmIcon(),
					OnTapped: func() { f.markDistinct(r, ps, other, label) }})
			}
			f.dupOpen.Add(row)
		}
	}
	text := lang.X("person.dup.message", "Có thể trùng với: {{.Others}}. Nếu là cùng một người, bấm “Gộp vào bản ghi này” (các lượt tham dự chuyển sang bản ghi này, bản ghi kia bị hủy); nếu là hai người khác nhau, bấm “Đã kiểm tra: hai người khác nhau”.",
		map[string]any{"Others": strings.Join(parts, "; ")})
	if ps == nil {
		text = lang.X("person.dup.message_manual", "Có thể trùng với: {{.Others}}. Nếu là cùng một người, hãy hủy bản ghi nhập nhầm.",
			map[string]any{"Others": strings.Join(parts, "; ")})
	}
	f.dupMsg.SetText(text)
	f.dupMsg.Show()
	f.dupOpen.Refresh()
}

// unsaved reports, with a message, that the form holds changes not saved:
// a merge or a check acts on the records as stored, so they are saved or
// dropped first.
func (f *personForm) unsaved() bool {
	if f.snapshot() == f.initial {
		return false
	}
	f.showErrors(lang.X("person.dup.unsaved", "Hãy lưu hoặc bỏ các thay đổi trong biểu mẫu trước."), nil)
	return true
}

// merge asks, then merges other (described by label) into the record of
// the form, and goes back to the list with what was done.
func (f *personForm) merge(r *registryScreen, ps PeopleService, other *app.Participant, label string) {
	if f.saving || f.orig == nil || f.unsaved() {
		return
	}
	keep, dup := *f.orig, *other
	text := lang.X("person.merge.ask", "Gộp “{{.Other}}” vào bản ghi đang mở (“{{.Name}}”)?\nCác lượt tham dự của bản ghi kia chuyển sang bản ghi này; bản ghi kia bị hủy với lý do “gộp vào {{.Name}}”. Việc gộp được đồng bộ sang các máy khác.",
		map[string]any{"Other": label, "Name": keep.FullName})
	f.ask(lang.X("person.merge.title", "Gộp hai bản ghi của một người?"), text,
		lang.X("person.merge.confirm", "Gộp"), lang.X("form.void.back", "Quay lại"), fyne.NewSize(560, 260), func() {
			f.setSaving(true)
			f.run(func() {
				res, err := ps.MergePeople(f.ctx, keep.ID, dup.ID)
				fyne.Do(func() {
					f.setSaving(false)
					if err != nil {
						logError("merge people", err)
						f.showErrors(lang.X("person.merge.failed", "Chưa gộp được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), nil)
						return
					}
					r.closeForm(true)
					r.showInfo(lang.X("person.merge.done", "Đã gộp vào “{{.Name}}”: chuyển {{.N}} lượt tham dự.",
						map[string]any{"Name": keep.FullName, "N": FormatInt(int64(res.Moved))}))
				})
			})
		})
}

// markDistinct asks, then records that the record of the form and other
// are two people: the warning stops for the pair.
func (f *personForm) markDistinct(r *registryScreen, ps PeopleService, other *app.Participant, label string) {
	if f.saving || f.orig == nil || f.unsaved() {
		return
	}
	a, b := f.orig.ID, other.ID
	name := f.orig.FullName
	text := lang.X("person.distinct.ask", "Xác nhận “{{.Name}}” (bản ghi đang mở) và “{{.Other}}” là hai người khác nhau? Cảnh báo có thể trùng sẽ không hiện nữa cho hai bản ghi này.",
		map[string]any{"Name": name, "Other": label})
	f.ask(lang.X("person.distinct.title", "Hai người khác nhau?"), text,
		lang.X("person.distinct.confirm", "Đúng, hai người khác nhau"), lang.X("form.void.back", "Quay lại"), fyne.NewSize(520, 220), func() {
			f.setSaving(true)
			f.run(func() {
				err := ps.MarkDistinctPeople(f.ctx, a, b)
				fyne.Do(func() {
					f.setSaving(false)
					if err != nil {
						logError("mark people distinct", err)
						f.showErrors(lang.X("person.distinct.failed", "Chưa ghi được: {{.Reason}}", map[string]any{"Reason": userMessage(err)}), nil)
						return
					}
					r.closeForm(true)
					r.showInfo(lang.X("person.distinct.done", "Đã ghi: “{{.Name}}” và “{{.Other}}” là hai người khác nhau.",
						map[string]any{"Name": name, "Other": other.FullName}))
				})
			})
		})
}

// personVoid is the void dialog of a participant recorded by mistake; the
// note keeps the reason.
func personVoid(svc RecordService, name string) *voidSpec[app.Participant] {
	return &voidSpec[app.Participant]{
		button: lang.X("person.void", "Hủy bản ghi nhập nhầm"),
		title:  lang.X("person.void.title", "Hủy bản ghi người tham dự nhập nhầm?"),
		message: lang.X("person.void.message", "Chỉ hủy bản ghi nhập nhầm (ghi trùng, ghi thử). “{{.Name}}” sẽ không còn trong danh sách và các lượt có mặt của bản ghi này không còn được tính, nhưng bản ghi vẫn được lưu cùng lý do hủy. Nếu đây là cùng một người với bản ghi khác đã có lượt tham dự, hãy dùng “Gộp vào bản ghi này” ở bản ghi giữ lại.",
			map[string]any{"Name": name}),
		hint:    lang.X("person.void.placeholder", "Ví dụ: ghi trùng, nhập thử"),
		confirm: lang.X("person.void.confirm", "Hủy bản ghi"),
		missing: lang.X("outreach.void.reason_required", "Cần ghi lý do hủy."),
		failed: func(reason string) string {
			return lang.X("outreach.void.failed", "Chưa hủy được bản ghi: {{.Reason}}", map[string]any{"Reason": reason})
		},
		void: recordVoider[app.Participant](svc, func(p *app.Participant) *string { return &p.Note }),
	}
}

// checkDuplicates compares the new person p with everyone on the register
// and asks before adding someone who may already be there; it never
// blocks.
func (f *personForm) checkDuplicates(r *registryScreen, p app.Participant, proceed func()) {
	p.ID = "new"
	pairs := app.DuplicatesOf(app.PossibleDuplicatePeople(append(slices.Clip(r.peopleRecs), p), r.orgRecs))["new"]
	if len(pairs) == 0 {
		proceed()
		return
	}
	var parts []string
	for _, d := range pairs {
		parts = append(parts, "• "+r.otherLabel(d))
	}
	text := lang.X("person.dup.ask", "Người này có thể đã có trong danh sách:") + "\n" + strings.Join(parts, "\n") + "\n" +
		lang.X("person.dup.question", "Nếu là người khác, vẫn lưu; nếu là cùng một người, quay lại và dùng bản ghi đã có.")
	f.ask(lang.X("person.dup.title", "Có thể trùng người"), text,
		lang.X("form.dup.save", "Vẫn lưu"), lang.X("form.dup.back", "Quay lại"), fyne.NewSize(520, 260), proceed)
}
