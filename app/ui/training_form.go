package ui

import (
	"slices"
	"time"

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

// sessionForm records a new training session or edits one (docs/domain.md
// §5.2 TrainingSession).
type sessionForm = form[app.TrainingSession, *app.TrainingSession]

func newSessionForm(d formDeps, orig *app.TrainingSession) *sessionForm {
	title := lang.X("session.form.new", "Thêm lớp tập huấn")
	if orig != nil {
		title = lang.X("session.form.edit", "Sửa lớp tập huấn")
	}
	f := newForm[app.TrainingSession](d, orig, title, "training session")
	f.failed = func(reason string) string {
		return lang.X("session.save_failed", "Chưa lưu được lớp tập huấn: {{.Reason}}", map[string]any{"Reason": reason})
	}
	f.store = recordStore[app.TrainingSession](d.records)

	req := func(s string) string { return s + " *" }
	agencies, tasks := allAgencies(d.refs), sessionTaskList(d.refs, orig)
	body := container.NewVBox(
		f.textField("title", req(lang.X("session.title", "Tên lớp tập huấn, hội nghị")), 1,
			lang.X("session.title.placeholder", "Ví dụ: Tập huấn Luật Bảo vệ quyền lợi người tiêu dùng năm 2023"),
			func(s *app.TrainingSession) *string { return &s.Title }),
		f.textField("topics", lang.X("session.topics", "Nội dung"), 3,
			lang.X("session.topics.placeholder", "Các nội dung chính, mỗi dòng một nội dung"),
			func(s *app.TrainingSession) *string { return &s.Topics }),
		container.NewGridWithColumns(2,
			f.dayField("start_date", req(lang.X("session.start", "Ngày bắt đầu")),
				func(s *app.TrainingSession) *string { return &s.StartDate }),
			f.dayField("end_date", lang.X("session.end", "Ngày kết thúc"),
				func(s *app.TrainingSession) *string { return &s.EndDate }),
			f.textField("venue", lang.X("session.venue", "Địa điểm"), 1,
				lang.X("session.venue.placeholder", "Ví dụ: Hội trường UBND phường"),
				func(s *app.TrainingSession) *string { return &s.Venue }),
			f.codeField("format", lang.X("session.format", "Hình thức"), app.TrainingFormats,
				func(s *app.TrainingSession) *string { return &s.Format }),
			f.textField("trainers", lang.X("session.trainers", "Báo cáo viên"), 1,
				lang.X("session.trainers.placeholder", "Họ tên, đơn vị của báo cáo viên"),
				func(s *app.TrainingSession) *string { return &s.Trainers }),
			f.countField("planned_participants", lang.X("session.planned", "Số người dự kiến"),
				lang.X("session.planned.placeholder", "Ví dụ: 50"),
				lang.X("session.planned.bad", "Số người dự kiến chỉ gồm chữ số, ví dụ 50."), 1_000_000,
				func(s *app.TrainingSession) *int { return &s.Planned }),
			f.codeField("organiser", lang.X("session.organiser", "Đơn vị tổ chức"), agencies,
				func(s *app.TrainingSession) *string { return &s.Organiser }),
			f.codeField("status", req(lang.X("session.status", "Tình trạng")), app.ActivityStatuses,
				func(s *app.TrainingSession) *string { return &s.Status }),
		),
		f.codesField("audiences", lang.X("session.audiences", "Đối tượng tham dự"), app.ParticipantTypes, 2,
			func(s *app.TrainingSession) *[]string { return &s.Audiences }),
		f.codesField("co_organisers", lang.X("session.co_organisers", "Đơn vị phối hợp"), agencies, 2,
			func(s *app.TrainingSession) *[]string { return &s.CoOrganisers }),
		f.codesField("plan_tasks", lang.X("session.plan_tasks", "Nhiệm vụ của Kế hoạch 395/KH-UBND"), tasks, 1,
			func(s *app.TrainingSession) *[]string { return &s.PlanTasks }),
	)

	start := app.TrainingSession{Format: "truc_tiep", Status: "ke_hoach", StartDate: f.now().In(ICT).Format(time.DateOnly)}
	start.UnitCode = d.unit
	if d.refs == nil || slices.ContainsFunc(agencies, func(c app.Code) bool { return c.Code == defaultOrganiser }) {
		start.Organiser = defaultOrganiser
	}
	if slices.ContainsFunc(tasks, func(c app.Code) bool { return c.Code == defaultPlanTask }) {
		start.PlanTasks = []string{defaultPlanTask}
	}
	f.finish(body, start)
	return f
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
