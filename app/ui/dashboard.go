package ui

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// KPIService loads what the indicators of the dashboard are computed from.
type KPIService interface {
	// KPIData loads the cases, their timelines and the training and
	// outreach records of commune unit, or of every commune the store
	// holds for unit == "" (a provincial device).
	KPIData(ctx context.Context, unit string) (*app.KPIData, error)
}

// kpiFactsService is a KPIService that can also load each case as its
// facts (app.CaseFacts) rather than with its steps: the same indicators,
// in a fraction of the time and memory on a province's store. The
// dashboard uses it when the service has it (the store does).
type kpiFactsService interface {
	KPIFacts(ctx context.Context, unit string) (*app.KPIData, error)
}

// loadKPI loads the data of unit, as facts when the service can.
func loadKPI(ctx context.Context, svc KPIService, unit string) (*app.KPIData, error) {
	if f, ok := svc.(kpiFactsService); ok {
		return f.KPIFacts(ctx, unit)
	}
	return svc.KPIData(ctx, unit)
}

// planStartYear is the first year of Kế hoạch 395 (2026–2030): the first
// period offered.
const planStartYear = 2026

// dashboard is the "Tổng quan" screen: the targets T1–T7 of Kế hoạch 395
// over a report year or a calendar year, the complaint, training, event
// and publication figures, and three bar charts. Every figure opens the
// list of the records behind it. On a provincial device (no commune set)
// the officer picks a commune or the whole province.
type dashboard struct {
	formDeps
	kpi KPIService
	// indexHides: the index was built without the names of restricted
	// people (for an officer who does not see them).
	indexHides bool

	period    *widget.Select
	unitSel   *widget.Select // nil on a commune's device
	reloadBtn *widget.Button
	status    *widget.Label
	errMsg    *widget.Label
	calWarn   *widget.Label // the holiday calendar lacks a year (app.CalendarGaps)
	body      *fyne.Container

	periods []app.KPIPeriod
	listed  [2]int   // the report year and calendar year periods was listed for
	units   []string // parallel to unitSel.Options; "" is the whole province

	// hold, while the data loads, stops the case facts' keeping in the
	// background (factsKeeping.hold), which loading computes itself.
	hold func() (release func())

	gen      int          // generation of the latest load; older answers are dropped
	data     *app.KPIData // the data last loaded, for dataUnit
	dataUnit string
	loadedAt time.Time
	report   *app.KPIReport
	index    map[app.KPIRef]dashRow // the records of data, built on first use

	// What tests look at: the tiles and target rows by id, the charts,
	// and the rows of the list last opened.
	tiles   map[string]*dashTile
	targets map[string]*dashTargetRow
	charts  map[string]*dashBarChart
	drill   []dashRow
	drillUp dialog.Dialog
	defUp   dialog.Dialog // the definition of a target last opened ("Cách tính")

	content fyne.CanvasObject
}

// newDashboard builds the screen without loading anything; call reload.
func newDashboard(d formDeps, kpi KPIService) *dashboard {
	v := &dashboard{formDeps: d, kpi: kpi, hold: func() func() { return func() {} }}
	v.now = app.MustClock(v.now, "ui.newDashboard")
	if v.run == nil {
		v.run = goRunner
	}
	if v.ctx == nil {
		v.ctx = context.Background()
	}

	v.period = widget.NewSelect(nil, nil)
	v.setPeriods()
	v.period.OnChanged = func(string) { v.recompute() }

	controls := []fyne.CanvasObject{widget.NewLabel(lang.X("dashboard.period.label", "Kỳ báo cáo:")),
		container.NewGridWrap(fyne.NewSize(380, v.period.MinSize().Height), v.period)}
	if v.unit == "" {
		v.units = []string{""}
		names := []string{lang.X("dashboard.unit.province", "Toàn tỉnh")}
		if v.refs != nil {
			us := append([]app.AdminUnit(nil), v.refs.Units...)
			col := app.NewCollator()
			sort.SliceStable(us, func(i, j int) bool { return col.CompareString(us[i].Name, us[j].Name) < 0 })
			for _, u := range us {
				v.units = append(v.units, u.Code)
				names = append(names, u.Name)
			}
		}
		v.unitSel = widget.NewSelect(names, nil)
		v.unitSel.SetSelectedIndex(0)
		v.unitSel.OnChanged = func(string) { v.reload() }
		controls = append(controls, widget.NewLabel(lang.X("dashboard.unit.label", "Địa bàn:")),
			container.NewGridWrap(fyne.NewSize(240, v.unitSel.MinSize().Height), v.unitSel))
	}
	v.reloadBtn = &widget.Button{Text: lang.X("dashboard.reload", "Tải lại"), Icon: theme.ViewRefreshIcon(), OnTapped: v.reload}
	controls = append(controls, v.reloadBtn)
	v.status = &widget.Label{TextStyle: fyne.TextStyle{Italic: true}, Truncation: fyne.TextTruncateEllipsis}
	v.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.errMsg.Hide()
	v.calWarn = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	v.calWarn.Hide()
	v.body = container.NewVBox()
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(controls...), nil, v.status), v.errMsg, v.calWarn)
	v.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(v.body)))
	return v
}

// setPeriods lists the report years and calendar years of the plan up to
// the ones under way at now, newest first, and selects the current report
// year. A window left open across 15/12 or 1/1 gets the new year at the
// next reload (the officer's own choice of an older period is kept). Call
// it on the Fyne goroutine.
func (v *dashboard) setPeriods() {
	now := v.now()
	cur, year := app.ReportYearOf(now), now.In(ICT).Year()
	if v.listed == [2]int{cur, year} {
		return
	}
	v.listed = [2]int{cur, year}
	var keep app.KPIPeriod // an older period the officer chose, if any
	if i := v.period.SelectedIndex(); i > 0 && i < len(v.periods) {
		keep = v.periods[i]
	}
	first := min(planStartYear, cur, year)
	v.periods = nil
	var labels []string
	for y := cur; y >= first; y-- {
		p := app.ReportYear(y)
		v.periods = append(v.periods, p)
		labels = append(labels, lang.X("dashboard.period.report_year", "Năm báo cáo {{.Year}} ({{.From}} – {{.To}})",
			map[string]any{"Year": y, "From": FormatDate(p.From), "To": FormatDate(p.To)}))
	}
	for y := year; y >= first; y-- {
		v.periods = append(v.periods, app.CalendarYear(y))
		labels = append(labels, lang.X("dashboard.period.calendar_year", "Năm {{.Year}} (01/01 – 31/12)", map[string]any{"Year": y}))
	}
	sel := 0 // the current report year
	for i, p := range v.periods {
		if !keep.From.IsZero() && p.From.Equal(keep.From) && p.To.Equal(keep.To) {
			sel = i
		}
	}
	onChanged := v.period.OnChanged
	v.period.OnChanged = nil // the caller loads once
	v.period.Options = labels
	v.period.SetSelectedIndex(sel)
	v.period.OnChanged = onChanged
}

// selection reads the commune and period chosen. Call it on the Fyne
// goroutine.
func (v *dashboard) selection() (string, app.KPIPeriod) {
	unit := v.unit
	if v.unitSel != nil {
		if i := v.unitSel.SelectedIndex(); i >= 0 && i < len(v.units) {
			unit = v.units[i]
		}
	}
	p := v.periods[0]
	if i := v.period.SelectedIndex(); i >= 0 && i < len(v.periods) {
		p = v.periods[i]
	}
	return unit, p
}

// reload loads the data of the chosen commune off the Fyne goroutine,
// computes the indicators and shows them.
func (v *dashboard) reload() {
	v.setPeriods()
	unit, p := v.selection()
	v.gen++
	gen := v.gen
	v.status.SetText(lang.X("dashboard.loading", "Đang tải số liệu…"))
	v.run(func() {
		release := v.hold()
		data, err := loadKPI(v.ctx, v.kpi, unit)
		release()
		var rep *app.KPIReport
		if err == nil {
			rep = v.compute(data, p)
		}
		fyne.Do(func() { v.apply(gen, unit, data, rep, err) })
	})
}

// recompute shows another period of the data already loaded (or loads it).
func (v *dashboard) recompute() {
	unit, p := v.selection()
	if v.data == nil || unit != v.dataUnit {
		v.reload()
		return
	}
	v.gen++
	gen, data := v.gen, v.data
	v.run(func() {
		rep := v.compute(data, p)
		fyne.Do(func() { v.apply(gen, unit, data, rep, nil) })
	})
}

// compute runs the indicators; it touches no widget.
func (v *dashboard) compute(data *app.KPIData, p app.KPIPeriod) *app.KPIReport {
	d := *data // the loaded data stays as it was: another period may be computed meanwhile
	d.Now = v.now()
	var targets []app.Target
	if v.refs != nil {
		targets = v.refs.Targets
	}
	r := app.ComputeKPIs(&d, p, targets)
	return &r
}

// apply shows the answer of load number gen, unless a newer one was sent.
func (v *dashboard) apply(gen int, unit string, data *app.KPIData, rep *app.KPIReport, err error) {
	if gen != v.gen {
		return
	}
	if err != nil {
		logError("load indicators", err)
		v.status.SetText("")
		v.errMsg.SetText(lang.X("dashboard.load_failed", "Không tải được số liệu: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		v.errMsg.Show()
		return
	}
	v.errMsg.Hide()
	if data != v.data {
		v.index = nil
		v.loadedAt = v.now()
	}
	v.data, v.dataUnit, v.report = data, unit, rep
	if w := app.CalendarWarning(app.CalendarGaps(data.Calendar, v.now())); w != "" && data.Calendar != nil {
		v.calWarn.SetText(w)
		v.calWarn.Show()
	} else {
		v.calWarn.Hide()
	}
	v.status.SetText(lang.X("dashboard.loaded", "Số liệu lúc {{.Time}}", map[string]any{"Time": FormatDateTime(v.loadedAt)}))
	v.build()
}

// build lays out every section from the report.
func (v *dashboard) build() {
	v.tiles, v.targets, v.charts = map[string]*dashTile{}, map[string]*dashTargetRow{}, map[string]*dashBarChart{}
	r := v.report
	v.body.Objects = []fyne.CanvasObject{
		v.targetSection(r),
		v.complaintSection(r),
		v.trainingSection(r),
		v.outreachSection(r),
	}
	v.body.Refresh()
}

// heading is the title of a section.
func dashHeading(text string) fyne.CanvasObject {
	return container.NewVBox(
		&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Wrapping: fyne.TextWrapWord},
		widget.NewSeparator())
}

// subHeading is the title of a table or chart.
func dashSubHeading(text string) *widget.Label {
	return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
}

// --- Targets ---------------------------------------------------------

// targetName is the short name of a target in the table; the plan's
// wording is shown when it is opened.
func targetName(id string) string {
	switch id {
	case "T1":
		return lang.X("dashboard.t1", "Xã, phường có đồng bộ với máy chủ tỉnh (chỉ số thay thế)")
	case "T2":
		return lang.X("dashboard.t2", "Sự kiện, chương trình hưởng ứng Ngày 15/3")
	case "T3":
		return lang.X("dashboard.t3", "Tài liệu, ấn phẩm tuyên truyền (không kể tin bài)")
	case "T4":
		return lang.X("dashboard.t4", "Tổ chức liên quan tham gia tuyên truyền, tập huấn")
	case "T5":
		return lang.X("dashboard.t5", "Cán bộ thực thi, đoàn thể dự hội nghị, hội thảo, tập huấn")
	case "T6":
		return lang.X("dashboard.t6", "Hội nghị, hội thảo, tọa đàm về tuân thủ pháp luật")
	case "T7":
		return lang.X("dashboard.t7", "Tin bài đăng tải, lũy kế đến năm 2030")
	}
	return id
}

// dashTargetRow is one line of the target table.
type dashTargetRow struct {
	id                string
	value, goal, mark *widget.Label
	icon              *widget.Icon
	open, how         *widget.Button // the records; the definition ("Cách tính")
}

// Widths of the target table's columns; the name takes the rest.
var dashTargetCols = []float32{40, 0, 140, 90, 270, 60, 90}

func (v *dashboard) targetSection(r *app.KPIReport) fyne.CanvasObject {
	header := func(s string) fyne.CanvasObject {
		return &widget.Label{Text: s, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	}
	rows := []fyne.CanvasObject{container.New(&dashColumns{widths: dashTargetCols},
		header(""), header(lang.X("dashboard.targets.name", "Chỉ tiêu")), header(lang.X("dashboard.targets.value", "Kết quả")),
		header(lang.X("dashboard.targets.goal", "Mục tiêu")), header(lang.X("dashboard.targets.verdict", "Đánh giá")), header(""), header(""))}
	for _, t := range r.Targets {
		t := t
		row := &dashTargetRow{id: t.ID,
			value: &widget.Label{Text: targetValue(t), Truncation: fyne.TextTruncateEllipsis},
			goal:  &widget.Label{Text: targetGoal(t), Truncation: fyne.TextTruncateEllipsis},
			open:  &widget.Button{Text: lang.X("dashboard.open", "Xem"), Importance: widget.LowImportance, OnTapped: func() { v.openTarget(t) }},
			how: &widget.Button{Text: lang.X("dashboard.targets.how", "Cách tính"), Importance: widget.LowImportance,
				OnTapped: func() { v.openDefinition(t) }},
		}
		row.mark = &widget.Label{Text: targetVerdict(t), Truncation: fyne.TextTruncateEllipsis}
		switch t.Status {
		case app.TargetUnknown:
			row.mark.Importance = widget.LowImportance
			row.icon = widget.NewIcon(theme.NewDisabledResource(theme.QuestionIcon()))
		case app.TargetMet:
			row.mark.Importance, row.mark.TextStyle = widget.SuccessImportance, fyne.TextStyle{Bold: true}
			row.icon = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		case app.TargetNotMet:
			row.mark.Importance, row.mark.TextStyle = widget.DangerImportance, fyne.TextStyle{Bold: true}
			row.icon = widget.NewIcon(theme.NewErrorThemedResource(theme.CancelIcon()))
		case app.TargetProgress:
			row.mark.Importance = widget.WarningImportance
			row.icon = widget.NewIcon(theme.NewWarningThemedResource(theme.MoreHorizontalIcon()))
		default: // a commune's contribution, a proxy: not judged
			row.icon = widget.NewIcon(theme.InfoIcon())
		}
		v.targets[t.ID] = row
		name := &widget.Label{Text: targetName(t.ID), Truncation: fyne.TextTruncateEllipsis}
		rows = append(rows, container.New(&dashColumns{widths: dashTargetCols},
			&widget.Label{Text: t.ID, TextStyle: fyne.TextStyle{Bold: true}}, name, row.value, row.goal,
			container.NewBorder(nil, nil, row.icon, nil, row.mark), row.open, row.how))
	}
	title := lang.X("dashboard.targets.title", "Chỉ tiêu Kế hoạch 395/KH-UBND — {{.Period}}",
		map[string]any{"Period": v.periodLabel(r.Period)})
	return container.NewVBox(dashHeading(title), container.NewVBox(rows...))
}

// periodLabel is the period as the period choice shows it.
func (v *dashboard) periodLabel(p app.KPIPeriod) string {
	for i, q := range v.periods {
		if q.From.Equal(p.From) && q.To.Equal(p.To) && i < len(v.period.Options) {
			return v.period.Options[i]
		}
	}
	return FormatDate(p.From) + " – " + FormatDate(p.To)
}

// targetValue is a target's result: "2/3 (66,7%)" for a share, "2" for a
// count; a cumulative target (T7) shows the total judged and the period's.
func targetValue(t app.TargetResult) string {
	switch {
	case t.Share && !t.Known:
		return "0/0"
	case t.Share:
		return strconv.Itoa(t.Num) + "/" + strconv.Itoa(t.Den) + " (" + formatPercent(t.Value) + ")"
	case t.Def.Cumulative:
		return lang.X("dashboard.t7.value", "lũy kế {{.Total}} (kỳ này {{.N}})",
			map[string]any{"N": FormatInt(int64(t.Period.Count)), "Total": FormatInt(int64(t.Num))})
	}
	return FormatInt(int64(t.Num))
}

// targetVerdict is a target's status in words, the same as the annual
// report's (app.TargetResult.VerdictVI).
func targetVerdict(t app.TargetResult) string {
	switch t.Status {
	case app.TargetMet:
		return lang.X("dashboard.targets.met", "Đạt")
	case app.TargetProgress:
		return lang.X("dashboard.targets.progress", "Đang tiến tới mục tiêu 2030: {{.P}}", map[string]any{"P": formatPercent(t.Progress)})
	case app.TargetContribution:
		return lang.X("dashboard.targets.contribution", "Đóng góp vào chỉ tiêu toàn tỉnh")
	case app.TargetProxy:
		return lang.X("dashboard.targets.proxy", "Chỉ số thay thế, không đánh giá")
	case app.TargetUnknown:
		return lang.X("dashboard.targets.unknown", "Chưa có dữ liệu")
	}
	return lang.X("dashboard.targets.not_met", "Chưa đạt")
}

// openDefinition shows how a target is counted and judged, with the lines
// of Kế hoạch 395 it rests on (app.TargetDefinitions).
func (v *dashboard) openDefinition(t app.TargetResult) {
	para := func(head, body string) fyne.CanvasObject {
		return container.NewVBox(&widget.Label{Text: head, TextStyle: fyne.TextStyle{Bold: true}},
			&widget.Label{Text: body, Wrapping: fyne.TextWrapWord})
	}
	parts := []fyne.CanvasObject{}
	if t.Target.TextVI != "" {
		parts = append(parts, para(lang.X("dashboard.def.plan", "Chỉ tiêu theo Kế hoạch 395/KH-UBND"), t.Target.TextVI))
	}
	parts = append(parts,
		para(lang.X("dashboard.def.counts", "Ứng dụng tính"), t.Def.Counts),
		para(lang.X("dashboard.def.judged", "Cách đánh giá"), t.Def.Judged),
		para(lang.X("dashboard.def.source", "Căn cứ"), t.Def.Source),
		para(lang.X("dashboard.def.now", "Kỳ này"), targetValue(t)+" — "+targetVerdict(t)))
	d := dialog.NewCustom(lang.X("dashboard.def.title", "{{.ID}} · Cách tính", map[string]any{"ID": t.ID}),
		lang.X("dashboard.close", "Đóng"), container.NewVScroll(container.NewVBox(parts...)), v.win)
	d.Resize(fyne.NewSize(720, 520))
	v.defUp = d
	d.Show()
}

// targetGoal is a target's threshold: "100%", "≥ 1", "≥ 3 (3–5)".
func targetGoal(t app.TargetResult) string {
	if t.Share {
		return formatPercent(t.Threshold)
	}
	s := "≥ " + formatNumber(t.Threshold)
	if t.Upper > t.Threshold {
		s += " (" + formatNumber(t.Threshold) + "–" + formatNumber(t.Upper) + ")"
	}
	return s
}

// formatPercent shows a percentage with at most one decimal, the
// Vietnamese way: 66,7%.
func formatPercent(p float64) string { return formatNumber(math.Round(p*10)/10) + "%" }

// formatNumber shows a number with at most one decimal and a decimal comma.
func formatNumber(x float64) string {
	if x == math.Trunc(x) {
		return FormatInt(int64(x))
	}
	return strings.Replace(strconv.FormatFloat(x, 'f', 1, 64), ".", ",", 1)
}

// openTarget lists the records behind a target: for a share, those counted
// and those still missing.
func (v *dashboard) openTarget(t app.TargetResult) {
	title := t.ID + " · " + targetName(t.ID)
	note := targetVerdict(t) + "\n" + t.Def.Counts
	if !t.Share {
		secs := []dashSection{{refs: t.Refs}}
		if t.Def.Cumulative {
			secs = []dashSection{
				{title: lang.X("dashboard.t7.period", "Trong kỳ ({{.N}})", map[string]any{"N": t.Period.Count}), refs: t.Period.Refs},
				{title: lang.X("dashboard.t7.cumulative", "Lũy kế từ năm 2026 đến hết kỳ ({{.N}})", map[string]any{"N": t.Num}), refs: t.Refs},
			}
		}
		v.openList(title, note, secs...)
		return
	}
	counted := map[app.KPIRef]bool{}
	for _, r := range t.Refs {
		counted[r] = true
	}
	var missing []app.KPIRef
	for _, r := range t.DenRefs {
		if !counted[r] {
			missing = append(missing, r)
		}
	}
	// The records counted and those still missing, in the words of each
	// target: never "Đạt" beside T1's wording, which the app does not measure.
	n, m := map[string]any{"N": len(t.Refs)}, map[string]any{"N": len(missing)}
	yes, no := lang.X("dashboard.share.counted", "Đã tính ({{.N}})", n), lang.X("dashboard.share.missing", "Chưa tính ({{.N}})", m)
	switch t.ID {
	case "T1":
		yes, no = lang.X("dashboard.t1.synced", "Đã đồng bộ trong kỳ ({{.N}})", n), lang.X("dashboard.t1.not_synced", "Chưa đồng bộ trong kỳ ({{.N}})", m)
	case "T4":
		yes, no = lang.X("dashboard.t4.took_part", "Đã tham gia ({{.N}})", n), lang.X("dashboard.t4.not_yet", "Chưa tham gia ({{.N}})", m)
	case "T5":
		yes, no = lang.X("dashboard.t5.attended", "Đã dự hội nghị, hội thảo, tập huấn ({{.N}})", n), lang.X("dashboard.t5.not_yet", "Chưa dự ({{.N}})", m)
	}
	if !t.Known {
		note += "\n" + lang.X("dashboard.share.empty", "Chưa có đối tượng nào trong danh sách để tính tỷ lệ.")
	}
	v.openList(title, note, dashSection{title: yes, refs: t.Refs}, dashSection{title: no, refs: missing})
}

// --- Complaints ------------------------------------------------------

func (v *dashboard) complaintSection(r *app.KPIReport) fyne.CanvasObject {
	c := r.Complaints
	casesWord := func(n int) string {
		return lang.X("dashboard.n_cases", "{{.N}} vụ việc", map[string]any{"N": FormatInt(int64(n))})
	}
	rate := "—"
	if c.RateBase.Count > 0 {
		rate = formatPercent(c.SuccessRate)
	}
	tiles := []fyne.CanvasObject{
		v.tile("complaints.received", FormatInt(int64(c.Received.Count)), lang.X("dashboard.c.received", "Vụ việc tiếp nhận trong kỳ"), "", widget.HighImportance, c.Received.Refs),
		v.tile("complaints.vulnerable", FormatInt(int64(c.Vulnerable.Count)), lang.X("dashboard.c.vulnerable", "Người tiêu dùng dễ bị tổn thương"), "", widget.MediumImportance, c.Vulnerable.Refs),
		v.tile("complaints.ecommerce", FormatInt(int64(c.ECommerce.Count)), lang.X("dashboard.c.ecommerce", "Giao dịch thương mại điện tử"), "", widget.MediumImportance, c.ECommerce.Refs),
		v.tile("complaints.online", FormatInt(int64(c.Online.Count)), lang.X("dashboard.c.online", "Tiếp nhận qua kênh trực tuyến"),
			lang.X("dashboard.c.online.note", "{{.N}} vụ qua cổng tiếp nhận trực tuyến của tỉnh", map[string]any{"N": FormatInt(int64(c.OnlineForm.Count))}),
			widget.MediumImportance, c.Online.Refs),
		v.tile("complaints.finished", FormatInt(int64(c.Finished.Count)), lang.X("dashboard.c.finished", "Đã giải quyết, kết thúc trong kỳ"), "", widget.MediumImportance, c.Finished.Refs),
		v.tileWith("complaints.success", rate, lang.X("dashboard.c.success", "Tỷ lệ giải quyết thành công"),
			lang.X("dashboard.c.success.note", "{{.N}}/{{.D}} vụ có kết quả; {{.X}} vụ kết thúc khác không tính",
				map[string]any{"N": c.Successful.Count, "D": c.RateBase.Count, "X": c.Finished.Count - c.RateBase.Count}),
			widget.SuccessImportance, func() { v.openRate(c) }),
		v.tile("complaints.recovered", FormatMoney(c.Recovered.Sum), lang.X("dashboard.c.recovered", "Tiền người tiêu dùng được nhận lại"),
			casesWord(c.Recovered.Count), widget.SuccessImportance, c.Recovered.Refs),
		v.tile("complaints.carried", FormatInt(int64(c.CarriedOver.Count)), lang.X("dashboard.c.carried", "Chuyển sang kỳ sau (tồn cuối kỳ)"), "", widget.MediumImportance, c.CarriedOver.Refs),
		v.tile("complaints.overdue", FormatInt(int64(c.OverdueNow.Count)), lang.X("dashboard.c.overdue", "Đang quá hạn (hiện nay)"),
			lang.X("dashboard.c.open_now", "{{.N}} vụ đang xử lý", map[string]any{"N": FormatInt(int64(c.OpenNow.Count))}), widget.DangerImportance, c.OverdueNow.Refs),
	}
	if c.TimingKnown {
		tiles = append(tiles,
			v.tile("complaints.on_time", FormatInt(int64(c.OnTime.Count)), lang.X("dashboard.c.on_time", "Giải quyết đúng hạn"), "", widget.SuccessImportance, c.OnTime.Refs),
			v.tile("complaints.late", FormatInt(int64(c.Late.Count)), lang.X("dashboard.c.late", "Giải quyết trễ hạn"), "", widget.WarningImportance, c.Late.Refs))
	}
	// The register of off-premises sales notices (NĐ 55/2024/NĐ-CP Điều
	// 26–27): received in the period, late, not published.
	if v.data != nil {
		n := app.NoticeCountsOf(v.data, r.Period)
		tiles = append(tiles, v.tileWith("notices.received", FormatInt(int64(n.Received)),
			lang.X("dashboard.notices", "Thông báo bán hàng ngoài địa điểm nhận trong kỳ"),
			lang.X("dashboard.notices.note", "{{.Late}} nhận chưa đủ 03 ngày làm việc; {{.Unpublished}} chưa công khai",
				map[string]any{"Late": n.Late, "Unpublished": n.Unpublished}), widget.MediumImportance, nil))
	}

	sectors := v.sectorChart(c.BySector)
	tables := []fyne.CanvasObject{
		v.tallyTable(lang.X("dashboard.c.by_kind", "Theo loại vụ việc"), c.ByKind, func(s string) string { return listLabel(app.CaseKinds, s) }),
		v.tallyTable(lang.X("dashboard.c.by_channel", "Theo kênh tiếp nhận"), c.ByChannel, func(s string) string { return listLabel(app.Channels, s) }),
		v.tallyTable(lang.X("dashboard.c.by_transaction", "Theo hình thức giao dịch"), c.ByTransaction, func(s string) string { return listLabel(app.TransactionTypes, s) }),
		v.tallyTable(lang.X("dashboard.c.by_vulnerable", "Theo nhóm dễ bị tổn thương (Điều 8)"), c.ByVulnerable, func(s string) string { return listLabel(app.VulnerableGroups, s) }),
		v.tallyTable(lang.X("dashboard.c.by_outcome", "Kết quả các vụ đã kết thúc"), c.ByOutcome, func(s string) string { return listLabel(app.Outcomes, s) }),
		v.tallyTable(lang.X("dashboard.c.by_issue", "Theo hành vi vi phạm"), c.ByIssueType, v.issueLabel),
	}
	if v.dataUnit == "" && v.unit == "" {
		tables = append(tables, v.tallyTable(lang.X("dashboard.c.by_unit", "Theo xã, phường"), topUnits(c.ByUnit), func(code string) string {
			if code == "*" {
				return lang.X("dashboard.c.other_units", "Các xã, phường khác")
			}
			return v.unitName(code)
		}))
	}
	return container.NewVBox(
		dashHeading(lang.X("dashboard.complaints.title", "Tiếp nhận, giải quyết phản ánh, khiếu nại của người tiêu dùng")),
		dashTiles(tiles...),
		dashSubHeading(lang.X("dashboard.c.by_sector", "Vụ việc tiếp nhận theo lĩnh vực")),
		sectors,
		dashTwoColumns(tables...),
	)
}

// openRate lists the cases of the success rate: the successful ones, the
// others of its base, and the finished cases it leaves out — so that "33
// đã giải quyết" beside "66,7% (6/9)" adds up.
func (v *dashboard) openRate(c app.ComplaintKPIs) {
	ok, inBase := map[app.KPIRef]bool{}, map[app.KPIRef]bool{}
	for _, r := range c.Successful.Refs {
		ok[r] = true
	}
	var others, outside []app.KPIRef
	for _, r := range c.RateBase.Refs {
		inBase[r] = true
		if !ok[r] {
			others = append(others, r)
		}
	}
	for _, r := range c.Finished.Refs {
		if !inBase[r] {
			outside = append(outside, r)
		}
	}
	v.openList(lang.X("dashboard.c.success", "Tỷ lệ giải quyết thành công"),
		lang.X("dashboard.c.success.explain", "Số vụ việc giải quyết thành công toàn bộ hoặc một phần, chia cho số vụ việc đã kết thúc trong kỳ có kết quả cho biết việc hỗ trợ thành hay không: không tính các vụ chỉ tư vấn, chuyển cơ quan khác xử lý, không đủ điều kiện giải quyết, người tiêu dùng rút yêu cầu, không liên lạc được với người tiêu dùng, và các vụ chưa ghi kết quả (đếm riêng bên dưới). Mỗi vụ việc tính theo kết quả ghi ở bước kết thúc cuối cùng. Kế hoạch 395 không đặt chỉ tiêu tỷ lệ này: đây là cách tính của ứng dụng (lựa chọn của địa phương)."),
		dashSection{title: lang.X("dashboard.c.success.yes", "Thành công ({{.N}})", map[string]any{"N": len(c.Successful.Refs)}), refs: c.Successful.Refs},
		dashSection{title: lang.X("dashboard.c.success.no", "Không thành công ({{.N}})", map[string]any{"N": len(others)}), refs: others},
		dashSection{title: lang.X("dashboard.c.success.outside", "Đã kết thúc nhưng không tính vào tỷ lệ ({{.N}}, trong đó {{.M}} vụ chưa ghi kết quả)",
			map[string]any{"N": len(outside), "M": c.NoOutcome.Count}), refs: outside})
}

// sectorChart draws the complaints by sector: the eight largest, the rest
// together.
func (v *dashboard) sectorChart(ts []app.Tally) fyne.CanvasObject {
	const top = 8
	var items []dashBar
	var rest app.Tally
	for i, t := range ts {
		if i >= top {
			rest.Count += t.Count
			rest.Refs = append(rest.Refs, t.Refs...)
			continue
		}
		t := t
		label := v.sectorLabel(t.Code)
		items = append(items, dashBar{label: label, value: float64(t.Count), text: FormatInt(int64(t.Count)),
			onTap: func() { v.openList(label, "", dashSection{refs: t.Refs}) }})
	}
	if rest.Count > 0 {
		label := lang.X("dashboard.c.other_sectors", "Các lĩnh vực khác")
		items = append(items, dashBar{label: label, value: float64(rest.Count), text: FormatInt(int64(rest.Count)),
			onTap: func() { v.openList(label, "", dashSection{refs: rest.Refs}) }})
	}
	return v.chart("complaints.by_sector", items, lang.X("dashboard.c.no_cases", "Chưa có vụ việc nào trong kỳ."))
}

// --- Training --------------------------------------------------------

func (v *dashboard) trainingSection(r *app.KPIReport) fyne.CanvasObject {
	t := r.Training
	tiles := []fyne.CanvasObject{
		v.tile("training.sessions", FormatInt(int64(t.Sessions.Count)), lang.X("dashboard.tr.sessions", "Lớp tập huấn, hội nghị đã tổ chức"), "", widget.HighImportance, t.Sessions.Refs),
		v.tile("training.person_times", FormatInt(int64(t.PersonTimes.Count)), lang.X("dashboard.tr.person_times", "Lượt người tham dự"), "", widget.HighImportance, t.PersonTimes.Refs),
		v.tile("training.persons", FormatInt(int64(t.DistinctPersons.Count)), lang.X("dashboard.tr.persons", "Số người được tập huấn (không trùng)"), "", widget.MediumImportance, t.DistinctPersons.Refs),
		v.tile("training.planned", FormatInt(int64(t.Planned.Count)), lang.X("dashboard.tr.planned", "Lớp còn ở trạng thái kế hoạch"),
			lang.X("dashboard.tr.planned.note", "chưa được tính"), plannedImportance(t.Planned.Count), t.Planned.Refs),
	}
	// The three groups of the plan, always shown, then people missing
	// from the register.
	byGroup := map[string]app.Tally{}
	for _, g := range t.ByGroup {
		byGroup[g.Code] = g
	}
	var bars []dashBar
	groups := append(app.CodeList(nil), app.ParticipantGroups...)
	if _, ok := byGroup[""]; ok {
		groups = append(groups, app.Code{Code: ""})
	}
	for _, g := range groups {
		tl := byGroup[g.Code]
		label := codeLabel(g)
		if g.Code == "" {
			label = lang.X("dashboard.unknown", "Không rõ")
		}
		bars = append(bars, dashBar{label: label, value: float64(tl.Count), text: FormatInt(int64(tl.Count)),
			onTap: func() { v.openList(label, "", dashSection{refs: tl.Refs}) }})
	}
	chart := v.chart("training.by_group", bars, "")
	return container.NewVBox(
		dashHeading(lang.X("dashboard.training.title", "Tập huấn, bồi dưỡng (nhiệm vụ IV.1)")),
		dashTiles(tiles...),
		container.NewGridWithColumns(2,
			container.NewVBox(dashSubHeading(lang.X("dashboard.tr.by_group", "Lượt người tham dự theo nhóm")), chart),
			v.tallyTable(lang.X("dashboard.tr.by_type", "Lượt người tham dự theo đối tượng"), t.ByType, func(s string) string { return listLabel(app.ParticipantTypes, s) }),
		),
	)
}

// plannedImportance shows sessions or events left as planned as a warning:
// once held, they count only after their status is updated.
func plannedImportance(n int) widget.Importance {
	if n > 0 {
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// --- Events and publications ----------------------------------------

func (v *dashboard) outreachSection(r *app.KPIReport) fyne.CanvasObject {
	o, p := r.Outreach, r.Publications
	people := func(n int64) string {
		return lang.X("dashboard.n_people", "{{.N}} người", map[string]any{"N": FormatInt(n)})
	}
	tiles := []fyne.CanvasObject{
		v.tile("outreach.events", FormatInt(int64(o.Events.Count)), lang.X("dashboard.ev.events", "Sự kiện, hội nghị đã tổ chức"),
			lang.X("dashboard.ev.reach", "ước tính {{.N}} người tham dự", map[string]any{"N": FormatInt(o.Events.Sum)}), widget.HighImportance, o.Events.Refs),
		v.tile("outreach.153", FormatInt(int64(o.Linked153.Count)), lang.X("dashboard.ev.153", "Hưởng ứng Ngày Quyền của người tiêu dùng 15/3"), "", widget.MediumImportance, o.Linked153.Refs),
		v.tile("outreach.businesses", FormatInt(o.Businesses.Sum), lang.X("dashboard.ev.businesses", "Lượt doanh nghiệp tham gia sự kiện"), "", widget.MediumImportance, o.Businesses.Refs),
		v.tile("outreach.leaflets", FormatInt(o.Leaflets.Sum), lang.X("dashboard.ev.leaflets", "Tờ rơi phát tại sự kiện"), "", widget.MediumImportance, o.Leaflets.Refs),
		v.tile("publications.all", FormatInt(int64(p.All.Count)), lang.X("dashboard.pub.all", "Tài liệu, ấn phẩm, tin bài"),
			lang.X("dashboard.pub.copies", "{{.N}} bản", map[string]any{"N": FormatInt(p.All.Sum)}), widget.HighImportance, p.All.Refs),
	}
	if o.Planned.Count > 0 {
		tiles = append(tiles, v.tile("outreach.planned", FormatInt(int64(o.Planned.Count)), lang.X("dashboard.ev.planned", "Sự kiện còn ở trạng thái kế hoạch"),
			lang.X("dashboard.tr.planned.note", "chưa được tính"), plannedImportance(o.Planned.Count), o.Planned.Refs))
	}
	var bars []dashBar
	for _, t := range p.ByType {
		t := t
		label := listLabel(app.PublicationTypes, t.Code)
		bars = append(bars, dashBar{label: label, value: float64(t.Count), text: FormatInt(int64(t.Count)),
			onTap: func() { v.openList(label, "", dashSection{refs: t.Refs}) }})
	}
	events := v.tallyTableWith(lang.X("dashboard.ev.by_type", "Sự kiện theo loại (số người ước tính)"), o.ByType,
		func(s string) string { return listLabel(app.OutreachTypes, s) },
		func(t app.Tally) string { return FormatInt(int64(t.Count)) + " · " + people(t.Sum) })
	return container.NewVBox(
		dashHeading(lang.X("dashboard.outreach.title", "Tuyên truyền: sự kiện, tài liệu, tin bài")),
		dashTiles(tiles...),
		dashTwoColumns(
			events,
			container.NewVBox(dashSubHeading(lang.X("dashboard.pub.by_type", "Tài liệu, tin bài theo loại")),
				v.chart("publications.by_type", bars, lang.X("dashboard.pub.none", "Chưa có tài liệu, tin bài nào trong kỳ."))),
			v.tallyTable(lang.X("dashboard.pub.by_origin", "Tài liệu theo nguồn"), p.ByOrigin, func(s string) string { return listLabel(app.PublicationOrigins, s) }),
			v.tallyTable(lang.X("dashboard.pub.by_format", "Tài liệu theo hình thức"), p.ByFormat, func(s string) string { return listLabel(app.PublicationFormats, s) }),
			v.tallyTable(lang.X("dashboard.pub.by_channel", "Tài liệu, tin bài theo kênh đăng tải"), p.ByChannel, func(s string) string { return listLabel(app.PublicationChannels, s) }),
		),
	)
}

// --- Building blocks -------------------------------------------------

// tile makes a figure that opens its records.
func (v *dashboard) tile(id, value, caption, note string, imp widget.Importance, refs []app.KPIRef) *dashTile {
	t := newDashTile(value, caption, note, imp, func() { v.openList(caption, note, dashSection{refs: refs}) })
	v.tiles[id] = t
	return t
}

// tileWith makes a figure with its own action.
func (v *dashboard) tileWith(id, value, caption, note string, imp widget.Importance, open func()) *dashTile {
	t := newDashTile(value, caption, note, imp, open)
	v.tiles[id] = t
	return t
}

// dashTilesPerRow is how many figure tiles a row holds. A fixed grid
// rather than one that wraps with the window: a wrapping grid's height
// depends on its width, which its parent does not know when it lays the
// sections out, and the sections would overlap.
const dashTilesPerRow = 5

// dashTiles lays tiles out in rows.
func dashTiles(tiles ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewGridWithColumns(dashTilesPerRow, tiles...)
}

// chart makes a bar chart, or the empty text when every bar is zero.
func (v *dashboard) chart(id string, bars []dashBar, empty string) fyne.CanvasObject {
	total := 0.0
	for _, b := range bars {
		total += b.value
	}
	if total == 0 && empty != "" {
		return &widget.Label{Text: empty, Importance: widget.LowImportance}
	}
	c := newDashBarChart(bars)
	v.charts[id] = c
	return c
}

// tallyTable lists a breakdown: each line a label and a count that opens
// the records.
func (v *dashboard) tallyTable(title string, ts []app.Tally, label func(string) string) fyne.CanvasObject {
	return v.tallyTableWith(title, ts, label, func(t app.Tally) string { return FormatInt(int64(t.Count)) })
}

func (v *dashboard) tallyTableWith(title string, ts []app.Tally, label func(string) string, count func(app.Tally) string) fyne.CanvasObject {
	rows := []fyne.CanvasObject{dashSubHeading(title)}
	if len(ts) == 0 {
		rows = append(rows, &widget.Label{Text: lang.X("dashboard.none", "Không có"), Importance: widget.LowImportance})
	}
	for _, t := range ts {
		t := t
		name := label(t.Code)
		if t.Code == "" {
			name = lang.X("dashboard.not_recorded", "Chưa ghi")
		}
		rows = append(rows, newDashTapRow(name, count(t), func() { v.openList(title+": "+name, "", dashSection{refs: t.Refs}) }))
	}
	return container.New(layout.NewCustomPaddedVBoxLayout(0), rows...)
}

// dashTwoColumns stacks tables in two columns, each table going to the
// shorter column, so that a short table leaves no gap beside a long one.
func dashTwoColumns(tables ...fyne.CanvasObject) fyne.CanvasObject {
	cols := [2]*fyne.Container{container.NewVBox(), container.NewVBox()}
	var h [2]float32
	for _, t := range tables {
		i := 0
		if h[1] < h[0] {
			i = 1
		}
		cols[i].Add(t)
		h[i] += t.MinSize().Height + theme.Padding()
	}
	return container.NewGridWithColumns(2, cols[0], cols[1])
}

// topUnits keeps the ten communes with most cases and puts the others
// together.
func topUnits(ts []app.Tally) []app.Tally {
	const top = 10
	if len(ts) <= top+1 {
		return ts
	}
	rest := app.Tally{Code: "*"}
	for _, t := range ts[top:] {
		rest.Count += t.Count
		rest.Refs = append(rest.Refs, t.Refs...)
	}
	return append(append([]app.Tally(nil), ts[:top]...), rest)
}

func (v *dashboard) sectorLabel(code string) string {
	if code == "" {
		return lang.X("dashboard.not_recorded", "Chưa ghi")
	}
	return listLabel(sectorList(v.refs), code)
}

func (v *dashboard) issueLabel(code string) string {
	if v.refs == nil {
		return code
	}
	return listLabel(v.refs.IssueTypeCodes(), code)
}

func (v *dashboard) unitName(code string) string {
	if u, ok := lookupUnit(v.refs, code); ok {
		return u.Name
	}
	return code
}

// --- Lists of records ------------------------------------------------

// dashSection is a titled part of a list of records.
type dashSection struct {
	title string
	refs  []app.KPIRef
}

// dashRow is a record as a list shows it; a header row has only a title.
type dashRow struct {
	header bool
	title  string
	detail string
	when   time.Time
	entity string
	id     string
}

// openList shows the records of sections in a dialog, each section sorted
// by date.
func (v *dashboard) openList(title, note string, sections ...dashSection) {
	var rows []dashRow
	for _, s := range sections {
		if s.title != "" {
			rows = append(rows, dashRow{header: true, title: s.title})
		}
		part := make([]dashRow, 0, len(s.refs))
		for _, r := range s.refs {
			part = append(part, v.describe(r))
		}
		col := app.NewCollator()
		sort.SliceStable(part, func(i, j int) bool {
			if !part[i].when.Equal(part[j].when) {
				return part[i].when.Before(part[j].when)
			}
			return col.CompareString(part[i].title, part[j].title) < 0
		})
		rows = append(rows, part...)
	}
	v.drill = rows
	var body fyne.CanvasObject
	if len(rows) == 0 || len(sections) == 1 && len(sections[0].refs) == 0 {
		body = &widget.Label{Text: lang.X("dashboard.list.empty", "Không có bản ghi nào."), Importance: widget.LowImportance}
	} else {
		list := widget.NewList(func() int { return len(rows) },
			func() fyne.CanvasObject {
				return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()),
					&widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
					&widget.Label{Truncation: fyne.TextTruncateEllipsis})
			},
			func(i widget.ListItemID, o fyne.CanvasObject) {
				box := o.(*fyne.Container)
				t, d := box.Objects[0].(*widget.Label), box.Objects[1].(*widget.Label)
				r := rows[i]
				t.Text = r.title
				if r.header {
					t.Importance = widget.HighImportance
					d.Hide()
				} else {
					t.Importance = widget.MediumImportance
					d.Text = r.detail
					d.Show()
					d.Refresh()
				}
				t.Refresh()
			})
		for i, r := range rows {
			if r.header {
				list.SetItemHeight(i, (&widget.Label{Text: r.title}).MinSize().Height)
			}
		}
		body = list
	}
	count := 0
	for _, r := range rows {
		if !r.header {
			count++
		}
	}
	top := []fyne.CanvasObject{}
	if note != "" {
		top = append(top, &widget.Label{Text: note, Wrapping: fyne.TextWrapWord})
	}
	top = append(top, &widget.Label{Text: lang.X("dashboard.list.count", "{{.N}} bản ghi", map[string]any{"N": FormatInt(int64(count))}),
		TextStyle: fyne.TextStyle{Italic: true}})
	content := container.NewBorder(container.NewVBox(top...), nil, nil, nil, body)
	d := dialog.NewCustom(title, lang.X("dashboard.close", "Đóng"), content, v.win)
	d.Resize(fyne.NewSize(760, 560))
	v.drillUp = d
	d.Show()
}

// describe returns how a record is listed: its name or number, and its
// date and kind.
func (v *dashboard) describe(r app.KPIRef) dashRow {
	if hide := v.hidesRestricted(); v.index == nil || v.indexHides != hide {
		v.index, v.indexHides = v.buildIndex(), hide
	}
	if row, ok := v.index[r]; ok {
		return row
	}
	if r.Entity == app.EntityAdminUnit {
		row := dashRow{entity: r.Entity, id: r.ID, title: v.unitName(r.ID)}
		if v.data != nil {
			if at, ok := v.data.SyncedUnits[r.ID]; ok {
				row.detail = lang.X("dashboard.row.synced", "Lần đồng bộ gần nhất được biết: {{.Time}}", map[string]any{"Time": FormatDateTime(at)})
			}
		}
		if row.detail == "" {
			row.detail = lang.X("dashboard.row.never_synced", "Chưa thấy lần đồng bộ nào")
		}
		return row
	}
	return dashRow{entity: r.Entity, id: r.ID,
		title:  lang.X("dashboard.row.missing", "Bản ghi chưa có trên máy này"),
		detail: r.ID}
}

// buildIndex describes every record loaded, by reference.
func (v *dashboard) buildIndex() map[app.KPIRef]dashRow {
	m := map[app.KPIRef]dashRow{}
	d := v.data
	if d == nil {
		return m
	}
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " · ")
	}
	day := func(s string) time.Time {
		t, _ := time.ParseInLocation(time.DateOnly, s, ICT)
		return t
	}
	put := func(entity, id, title, detail string, when time.Time) {
		m[app.KPIRef{Entity: entity, ID: id}] = dashRow{entity: entity, id: id, title: title, detail: detail, when: when}
	}
	// A restricted person still counts, but their name is not listed to
	// an officer who does not see them (app.SeesRestricted).
	hide := v.hidesRestricted()
	restricted := lang.X("dashboard.row.restricted", "(hạn chế xử lý)")
	for _, c := range app.FactsOf(d) {
		name := c.ConsumerName
		if hide && c.Restricted {
			name = restricted
		}
		put(app.EntityCase, c.ID, join(c.Number, name),
			join(FormatDate(c.ReceivedAt), listLabel(app.CaseKinds, c.Kind), v.sectorLabel(c.Sector), listLabel(app.CaseStatuses, c.Status)), c.ReceivedAt)
	}
	for _, o := range d.Officers {
		state := ""
		if !o.Active {
			state = lang.X("dashboard.row.inactive", "không còn công tác")
		}
		put(app.EntityOfficer, o.ID, o.FullName, join(o.Position, listLabel(app.OfficerRoles, o.Role), state), time.Time{})
	}
	for _, o := range d.Organisations {
		put(app.EntityOrganisation, o.ID, o.Name, listLabel(app.OrganisationKinds, o.Kind), time.Time{})
	}
	people := map[string]string{}
	for _, p := range d.Participants {
		if hide && p.Restricted {
			p.FullName = restricted
		}
		people[p.ID] = p.FullName
		put(app.EntityParticipant, p.ID, p.FullName, join(listLabel(app.ParticipantTypes, p.Type), p.Workplace), time.Time{})
	}
	activities := map[string]dashRow{}
	for _, s := range d.Sessions {
		when := day(s.StartDate)
		row := dashRow{title: s.Title, when: when}
		activities[s.ID] = row
		put(app.EntityTraining, s.ID, s.Title, join(formatDay(s.StartDate), listLabel(app.TrainingFormats, s.Format), s.Venue, listLabel(app.ActivityStatuses, s.Status)), when)
	}
	for _, e := range d.Outreach {
		when := day(e.StartDate)
		activities[e.ID] = dashRow{title: e.Title, when: when}
		reach := ""
		if e.Attendance > 0 {
			reach = lang.X("dashboard.row.reach", "khoảng {{.N}} người", map[string]any{"N": FormatInt(int64(e.Attendance))})
		}
		put(app.EntityOutreach, e.ID, e.Title, join(formatDay(e.StartDate), listLabel(app.OutreachTypes, e.Type), reach, listLabel(app.ActivityStatuses, e.Status)), when)
	}
	for _, a := range d.Attendance {
		name, ok := people[a.ParticipantID]
		if !ok {
			name = lang.X("dashboard.row.unknown_person", "Người tham dự chưa có trong danh sách")
		}
		act := activities[a.SessionID]
		put(app.EntityAttendance, a.ID, name, join(FormatDate(act.when), act.title, listLabel(app.AttendanceStatuses, a.Status)), act.when)
	}
	for _, p := range d.Publications {
		put(app.EntityPublication, p.ID, p.Title, join(formatDay(p.Date), listLabel(app.PublicationTypes, p.Type),
			listLabel(app.PublicationOrigins, p.Origin), listLabel(app.PublicationChannels, p.Channel)), day(p.Date))
	}
	return m
}
