package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// The written part of the annual report (issue 18 item 7): what the
// commune writes besides the figures — difficulties, proposals, next
// year's direction, the typical cases it picks and each plan task's status
// and result (Biểu 5) — kept as a synced record (app.ReportNarrative) the
// annual workbook prints, on the laptop and on the province's server.

type narrativeForm = form[app.ReportNarrative, *app.ReportNarrative]

// newNarrativeForm edits the narrative of year (orig: as stored; nil when
// none is written yet). cases are the commune's cases to pick typical ones
// from.
func newNarrativeForm(d formDeps, year int, orig *app.ReportNarrative, cases []app.Case) *narrativeForm {
	heading := lang.X("narrative.title", "Nội dung báo cáo năm {{.Year}}", map[string]any{"Year": year})
	f := newForm[app.ReportNarrative](d, orig, heading, "report narrative")
	f.discardText = lang.X("narrative.discard", "Những gì vừa viết cho báo cáo năm sẽ không được lưu.")
	f.failed = outreachSaveFailed
	f.store = recordStore[app.ReportNarrative](d.records)

	// The typical cases: the commune's cases received in the report year,
	// newest first.
	var list app.CodeList
	period := app.ReportYear(year)
	sort.SliceStable(cases, func(i, j int) bool { return cases[i].ReceivedAt.After(cases[j].ReceivedAt) })
	for _, c := range cases {
		if !period.Contains(c.ReceivedAt) {
			continue
		}
		list = append(list, app.Code{Code: c.ID, VI: c.Number + " – " + app.CaseKinds.Label(c.Kind) + ", " + d.refs.SectorLabel(c.Sector),
			EN: c.Number})
	}
	wrap := func(text string, style fyne.TextStyle) *widget.Label {
		return &widget.Label{Text: text, TextStyle: style, Wrapping: fyne.TextWrapWord}
	}
	body := container.NewVBox(
		f.section(lang.X("narrative.section.text", "Phần viết của báo cáo (in vào mục IV–VI của báo cáo năm)"),
			f.textField("difficulties", lang.X("narrative.difficulties", "Khó khăn, vướng mắc"), 4,
				lang.X("narrative.difficulties.placeholder", "Ví dụ: thiếu cán bộ chuyên trách; người dân ngại phản ánh…"),
				func(n *app.ReportNarrative) *string { return &n.Difficulties }),
			f.textField("proposals", lang.X("narrative.proposals", "Kiến nghị, đề xuất"), 4, "",
				func(n *app.ReportNarrative) *string { return &n.Proposals }),
			f.textField("next_year", lang.X("narrative.next_year", "Phương hướng, nhiệm vụ năm {{.Year}}", map[string]any{"Year": year + 1}), 4, "",
				func(n *app.ReportNarrative) *string { return &n.NextYear }),
		),
		widget.NewSeparator(),
		wrap(lang.X("narrative.section.cases", "Vụ việc điển hình (nhiệm vụ IV.2; in số vụ việc, loại, lĩnh vực và kết quả, không in tên, số điện thoại)"), fyne.TextStyle{Bold: true}),
		f.codesField("typical_cases", "", list, 1, func(n *app.ReportNarrative) *[]string { return &n.TypicalCases }),
		widget.NewSeparator(),
		wrap(lang.X("narrative.section.tasks", "Kết quả thực hiện các nhiệm vụ của Kế hoạch 395 (Biểu 5)"), fyne.TextStyle{Bold: true}),
	)
	for _, t := range app.CommuneTasks(d.refs, year, unitTypeOf(d.refs, d.unit)) {
		body.Add(wrap(t.ID+". "+t.TextVI, fyne.TextStyle{Italic: true}))
		body.Add(container.NewGridWithColumns(2, taskFields(f, t.ID)...))
	}
	start := app.ReportNarrative{Year: year}
	start.ID, start.UnitCode = app.NarrativeID(d.unit, year), d.unit
	f.finish(body, start)
	return f
}

// unitTypeOf returns the type of unit (app.UnitXa, app.UnitPhuong), or ""
// for a provincial device.
func unitTypeOf(refs *app.RefData, unit string) string {
	if u, ok := refs.Unit(unit); ok && unit != "" {
		return u.Type
	}
	return ""
}

// taskFields declares the status and the result of plan task id. They
// read and write the task's line of the narrative without touching the
// record they were filled from (a line is copied before it is changed).
func taskFields(f *narrativeForm, id string) []fyne.CanvasObject {
	status := newCodeSelect(app.TaskStatuses, lang.X("form.choose", "(Chọn)"))
	status.sel.onFocus = f.reveal
	result := f.newEntry(2, "")
	line := func(r *app.ReportNarrative) *app.TaskReport {
		r.Tasks = append([]app.TaskReport(nil), r.Tasks...)
		return r.TaskLine(id)
	}
	return []fyne.CanvasObject{
		f.add(lang.X("narrative.task.status", "Tình trạng"), status.sel, &field[app.ReportNarrative]{key: "tasks", input: status, focus: status.sel,
			fill: func(r *app.ReportNarrative) { t, _ := r.Task(id); status.SetCode(t.Status) },
			read: func(r *app.ReportNarrative, _ map[string]string) {
				if t, _ := r.Task(id); t.Status != status.Code() {
					line(r).Status = status.Code()
				}
			}}),
		f.add(lang.X("narrative.task.result", "Kết quả thực hiện"), result, &field[app.ReportNarrative]{key: "tasks", input: result, focus: result,
			fill: func(r *app.ReportNarrative) { t, _ := r.Task(id); result.SetText(t.Result) },
			read: func(r *app.ReportNarrative, _ map[string]string) {
				if t, _ := r.Task(id); t.Result != result.Text {
					line(r).Result = result.Text
				}
			}}),
	}
}
