package ui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"bvntd/app"
)

// Defaults of a new session: organised by the commune's People's
// Committee, under plan task IV.1 (training), in person, planned.
const (
	defaultOrganiser = "ubnd_xa"
	defaultPlanTask  = "IV.1"
)

// sessionForm records a new training session or edits one (domain.md
// §5.2 TrainingSession), usable with the keyboard alone: Tab moves on,
// Space ticks and opens lists, ← → step through choices.
type sessionForm struct {
	formDeps
	*recordForm
	orig *app.TrainingSession

	titleIn   *formEntry
	topics    *formEntry
	organiser *codeSelect
	coOrgs    []*formCheck
	coCodes   []string
	tasks     []*formCheck
	taskCodes []string
	venue     *formEntry
	start     *formEntry
	end       *formEntry
	format    *codeSelect
	audiences []*formCheck // parallel to app.ParticipantTypes
	trainers  *formEntry
	planned   *formEntry
	status    *codeSelect

	onDone func(saved *app.TrainingSession) // nil when cancelled
}

func newSessionForm(d formDeps, orig *app.TrainingSession) *sessionForm {
	f := &sessionForm{formDeps: d, orig: orig}
	title := lang.X("session.form.new", "Thêm lớp tập huấn")
	if orig != nil {
		title = lang.X("session.form.edit", "Sửa lớp tập huấn")
	}
	f.recordForm = newRecordForm(d.win, title, f.onSave, f.onCancel)
	datePH := lang.X("form.date.placeholder", "ngày/tháng/năm")

	f.titleIn = f.entry(lang.X("session.title.placeholder", "Ví dụ: Tập huấn Luật Bảo vệ quyền lợi người tiêu dùng năm 2023"))
	f.topics = f.area(3, lang.X("session.topics.placeholder", "Các nội dung chính, mỗi dòng một nội dung"))
	agencies := allAgencies(d.refs)
	f.organiser = f.pick(agencies)
	coBox, coOrgs := f.checks(agencies, 2)
	f.coOrgs = coOrgs
	for _, a := range agencies {
		f.coCodes = append(f.coCodes, a.Code)
	}
	taskList := sessionTaskList(d.refs, orig)
	taskBox, tasks := f.checks(taskList, 1)
	f.tasks = tasks
	for _, t := range taskList {
		f.taskCodes = append(f.taskCodes, t.Code)
	}
	f.venue = f.entry(lang.X("session.venue.placeholder", "Ví dụ: Hội trường UBND phường"))
	f.start = f.entry(datePH)
	f.end = f.entry(datePH)
	f.format = f.pick(app.TrainingFormats)
	audBox, aud := f.checks(app.ParticipantTypes, 2)
	f.audiences = aud
	f.trainers = f.entry(lang.X("session.trainers.placeholder", "Họ tên, đơn vị của báo cáo viên"))
	f.planned = f.entry(lang.X("session.planned.placeholder", "Ví dụ: 50"))
	f.status = f.pick(app.ActivityStatuses)

	req := func(s string) string { return s + " *" }
	var firstCo, firstTask fyne.Focusable
	if len(f.coOrgs) > 0 {
		firstCo = f.coOrgs[0]
	}
	if len(f.tasks) > 0 {
		firstTask = f.tasks[0]
	}
	body := container.NewVBox(
		f.cell("title", req(lang.X("session.title", "Tên lớp tập huấn, hội nghị")), f.titleIn, f.titleIn),
		f.cell("topics", lang.X("session.topics", "Nội dung"), f.topics, f.topics),
		container.NewGridWithColumns(2,
			f.cell("start_date", req(lang.X("session.start", "Ngày bắt đầu")), f.start, f.start),
			f.cell("end_date", lang.X("session.end", "Ngày kết thúc"), f.end, f.end),
			f.cell("venue", lang.X("session.venue", "Địa điểm"), f.venue, f.venue),
			f.cell("format", lang.X("session.format", "Hình thức"), f.format.sel, f.format.sel),
			f.cell("trainers", lang.X("session.trainers", "Báo cáo viên"), f.trainers, f.trainers),
			f.cell("planned_participants", lang.X("session.planned", "Số người dự kiến"), f.planned, f.planned),
			f.cell("organiser", lang.X("session.organiser", "Đơn vị tổ chức"), f.organiser.sel, f.organiser.sel),
			f.cell("status", req(lang.X("session.status", "Tình trạng")), f.status.sel, f.status.sel),
		),
		f.cell("audiences", lang.X("session.audiences", "Đối tượng tham dự"), audBox, firstOf(f.audiences)),
		f.cell("co_organisers", lang.X("session.co_organisers", "Đơn vị phối hợp"), coBox, firstCo),
		f.cell("plan_tasks", lang.X("session.plan_tasks", "Nhiệm vụ của Kế hoạch 395/KH-UBND"), taskBox, firstTask),
	)
	f.layout(body)
	f.fill(orig)
	f.markClean()
	return f
}

func firstOf(cs []*formCheck) fyne.Focusable {
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}

// sessionTaskList returns the plan tasks a commune session may serve: the
// ones where UBND xã, phường leads or takes part, IV.1, and any the
// session already names.
func sessionTaskList(refs *app.RefData, orig *app.TrainingSession) app.CodeList {
	if refs == nil {
		return app.CodeList{{Code: defaultPlanTask, VI: defaultPlanTask, EN: defaultPlanTask}}
	}
	var keep []string
	if orig != nil {
		keep = orig.PlanTasks
	}
	var out app.CodeList
	for _, t := range refs.Tasks {
		if t.ID == defaultPlanTask || slices.Contains(t.LeadIDs, defaultOrganiser) ||
			slices.Contains(t.PartnerIDs, defaultOrganiser) || slices.Contains(keep, t.ID) {
			text := t.TextVI
			if r := []rune(text); len(r) > 160 {
				text = string(r[:160]) + "…"
			}
			out = append(out, app.Code{Code: t.ID, VI: t.ID + " – " + text, EN: t.ID + " – " + text})
		}
	}
	return out
}

// fill puts s into the inputs, or the defaults of a new session.
func (f *sessionForm) fill(s *app.TrainingSession) {
	if s == nil {
		s = &app.TrainingSession{Organiser: defaultOrganiser, PlanTasks: []string{defaultPlanTask},
			Format: "truc_tiep", Status: "ke_hoach", StartDate: f.now().In(ICT).Format(time.DateOnly)}
		if f.refs != nil {
			if _, ok := f.refs.Agency(defaultOrganiser); !ok {
				s.Organiser = ""
			}
		}
	}
	f.titleIn.SetText(s.Title)
	f.topics.SetText(s.Topics)
	f.organiser.SetCode(s.Organiser)
	for i, c := range f.coCodes {
		f.coOrgs[i].SetChecked(slices.Contains(s.CoOrganisers, c))
	}
	for i, c := range f.taskCodes {
		f.tasks[i].SetChecked(slices.Contains(s.PlanTasks, c))
	}
	f.venue.SetText(s.Venue)
	f.start.SetText(formatDay(s.StartDate))
	f.end.SetText(formatDay(s.EndDate))
	f.format.SetCode(s.Format)
	for i, c := range app.ParticipantTypes {
		f.audiences[i].SetChecked(slices.Contains(s.Audiences, c.Code))
	}
	f.trainers.SetText(s.Trainers)
	if s.Planned > 0 {
		f.planned.SetText(strconv.Itoa(s.Planned))
	} else {
		f.planned.SetText("")
	}
	f.status.SetCode(s.Status)
}

// collect reads the inputs into a session and checks it.
func (f *sessionForm) collect() (app.TrainingSession, map[string]string) {
	var s app.TrainingSession
	if f.orig != nil {
		s = *f.orig
	} else {
		s.UnitCode = f.unit
	}
	now := f.now()
	bad := map[string]string{}
	s.Title = f.titleIn.Text
	s.Topics = f.topics.Text
	s.Organiser = f.organiser.Code()
	s.CoOrganisers = ticked(f.coOrgs, f.coCodes)
	s.PlanTasks = ticked(f.tasks, f.taskCodes)
	s.Venue = f.venue.Text
	s.StartDate = parseDayInput("start_date", f.start.Text, now, bad)
	s.EndDate = parseDayInput("end_date", f.end.Text, now, bad)
	s.Format = f.format.Code()
	var aud []string
	for i, c := range app.ParticipantTypes {
		if f.audiences[i].Checked {
			aud = append(aud, c.Code)
		}
	}
	s.Audiences = aud
	s.Trainers = f.trainers.Text
	s.Planned = 0
	if text := strings.TrimSpace(f.planned.Text); text != "" {
		n, ok := parseAmount(text)
		if !ok || n > 1_000_000 {
			bad["planned_participants"] = lang.X("session.planned.bad", "Số người dự kiến chỉ gồm chữ số, ví dụ 50.")
		} else {
			s.Planned = int(n)
		}
	}
	s.Status = f.status.Code()
	for k, v := range checkRecord(&s, f.refs, now) {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	return s, bad
}

// ticked returns the codes whose box is ticked; nil for none.
func ticked(checks []*formCheck, codes []string) []string {
	var out []string
	for i, c := range checks {
		if c.Checked {
			out = append(out, codes[i])
		}
	}
	return out
}

// onSave checks the inputs and saves the session off the Fyne goroutine.
func (f *sessionForm) onSave() {
	if f.saving {
		return
	}
	s, bad := f.collect()
	if len(bad) > 0 {
		f.showErrors(notSaved(), bad)
		return
	}
	f.showErrors("", nil)
	f.setSaving(true)
	var orig app.Record
	if f.orig != nil {
		o := *f.orig
		orig = &o
	}
	f.run(func() {
		saved, err := saveEdit(f.ctx, f.records, orig, &s)
		fyne.Do(func() {
			f.setSaving(false)
			if err != nil {
				logError("save training session", err)
				f.showErrors(lang.X("session.save_failed", "Chưa lưu được lớp tập huấn: {{.Reason}}",
					map[string]any{"Reason": userMessage(err)}), app.FieldErrors(err))
				return
			}
			if f.onDone != nil {
				f.onDone(saved.(*app.TrainingSession))
			}
		})
	})
}

func (f *sessionForm) onCancel() {
	if f.onDone != nil {
		f.leave(func() { f.onDone(nil) })
	}
}
