package xlsx

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// The annual report workbook (báo cáo kết quả thực hiện Kế hoạch
// 395/KH-UBND, Mục V: sent to Sở Công Thương before 15/12 every year) of
// one commune, or of the province with a table per commune. The sheets are
// the "biểu" an office files; docs/domain.md §5.7 gives their content.

// Sheet names of the annual report (at most 31 characters, without
// diacritics so that any reader or formula can name them).
const (
	AnnualSheetReport       = "1. Bao cao, chi tieu"
	AnnualSheetComplaints   = "2. Phan anh, khieu nai"
	AnnualSheetCommunes     = "2b. Theo xa, phuong"
	AnnualSheetActivities   = "3. Tap huan, truyen thong"
	AnnualSheetPublications = "4. Tai lieu, tin bai"
	AnnualSheetTasks        = "5. Nhiem vu KH 395"
)

// TaskStatuses are the choices of the status column of the plan-task
// table (TaskProgress.status of docs/domain.md §5.2).
var TaskStatuses = taskStatusLabels()

func taskStatusLabels() []string {
	out := make([]string, len(app.TaskStatuses))
	for i, c := range app.TaskStatuses {
		out[i] = c.VI
	}
	return out
}

// CommuneAgency is the agency of the plan's task table that stands for the
// communes and wards (UBND xã, phường).
const CommuneAgency = app.CommuneAgency

// AnnualOptions describe the unit a report is for.
type AnnualOptions struct {
	// UnitName is the reporting unit: the commune ("Phường Mỹ Tho") or,
	// for the province version, the province ("Tỉnh Đồng Tháp").
	UnitName string
	// Province marks the province version, compiled by Sở Công Thương for
	// UBND tỉnh from every commune's data, with the per-commune table
	// (PerCommune, in the order given).
	Province bool
	// AdHoc marks a report of a period other than a report year (báo cáo
	// đột xuất, Kế hoạch 395 Mục V): titled so, with no 15/12 deadline.
	AdHoc      bool
	PerCommune []CommuneReport
	// Prepared is the day the report is made (the date line and "Ngày lập
	// báo cáo"); the zero time leaves dotted gaps to fill by hand.
	Prepared time.Time
}

// CommuneReport is one commune's figures in the province version.
type CommuneReport struct {
	Code, Name string
	Report     app.KPIReport
	// LastSync is the commune's last successful sync with the provincial
	// server, or zero.
	LastSync time.Time
}

// CommuneReports computes, for the province version, the report of each
// commune of d.Units over p: d is split by commune (cases with their steps,
// and each record by its commune; participants are shared, as people
// attend sessions elsewhere). The reports are in Vietnamese order of the
// communes' names (refs may be nil: then by code). They count without
// listing the records (KPIReport.DropRefs): the workbook prints counts,
// and a province's reports would otherwise hold every record's id again.
func CommuneReports(d *app.KPIData, p app.KPIPeriod, targets []app.Target, refs *app.RefData) []CommuneReport {
	parts := map[string]*app.KPIData{}
	for _, u := range d.Units {
		parts[u] = &app.KPIData{Units: []string{u}, SyncedUnits: map[string]time.Time{},
			Participants: d.Participants, SlaRules: d.SlaRules, Calendar: d.Calendar, Now: d.Now}
		if t, ok := d.SyncedUnits[u]; ok {
			parts[u].SyncedUnits[u] = t
		}
	}
	// Each case as its facts (app.FactsOf): what the figures read of the
	// case and its steps, a commune's copied while its report is computed.
	facts := app.FactsOf(d)
	caseIdx := map[string][]int{}
	for i := range facts {
		if parts[facts[i].UnitCode] != nil {
			caseIdx[facts[i].UnitCode] = append(caseIdx[facts[i].UnitCode], i)
		}
	}
	for _, r := range d.Officers {
		if x := parts[r.UnitCode]; x != nil {
			x.Officers = append(x.Officers, r)
		}
	}
	for _, r := range d.Organisations {
		if x := parts[r.UnitCode]; x != nil {
			x.Organisations = append(x.Organisations, r)
		}
	}
	for _, r := range d.Sessions {
		if x := parts[r.UnitCode]; x != nil {
			x.Sessions = append(x.Sessions, r)
		}
	}
	// An attendance row belongs to the commune of its session.
	sessionUnit := map[string]string{}
	for _, s := range d.Sessions {
		sessionUnit[s.ID] = s.UnitCode
	}
	for _, e := range d.Outreach {
		sessionUnit[e.ID] = e.UnitCode
	}
	for _, r := range d.Attendance {
		u, ok := sessionUnit[r.SessionID]
		if !ok {
			u = r.UnitCode
		}
		if x := parts[u]; x != nil {
			x.Attendance = append(x.Attendance, r)
		}
	}
	for _, r := range d.Outreach {
		if x := parts[r.UnitCode]; x != nil {
			x.Outreach = append(x.Outreach, r)
		}
	}
	for _, r := range d.Publications {
		if x := parts[r.UnitCode]; x != nil {
			x.Publications = append(x.Publications, r)
		}
	}
	out := make([]CommuneReport, 0, len(d.Units))
	for _, u := range d.Units {
		name := u
		if refs != nil {
			if au, ok := refs.Unit(u); ok {
				name = au.Name
			}
		}
		x := parts[u]
		x.Facts = make([]app.CaseFacts, len(caseIdx[u]))
		for j, i := range caseIdx[u] {
			x.Facts[j] = facts[i]
		}
		rep := app.ComputeKPIs(x, p, targets)
		rep.DropRefs()
		x.Facts = nil
		out = append(out, CommuneReport{Code: u, Name: name, Report: rep, LastSync: d.SyncedUnits[u]})
	}
	coll := app.NewCollator()
	sort.SliceStable(out, func(i, j int) bool {
		if c := coll.CompareString(out[i].Name, out[j].Name); c != 0 {
			return c < 0
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// WriteAnnual writes the annual report workbook of rep (computed by
// app.ComputeKPIs from d over the report year) to w:
//
//  1. the report: the national header, the title, the cover block (unit,
//     report year, period, due date, date prepared), the targets T1–T7
//     (value, numerator and denominator of a share, target, met or not),
//     the main figures, the list of annexes and the signature block;
//  2. complaints: totals, success rate and money recovered, then cases by
//     sector, kind, channel, transaction, status at the end of the period,
//     outcome and vulnerable group; 2b (province version) one row per
//     commune;
//  3. training (sessions, person-times by group and by type, distinct
//     persons) and outreach (events by type with their reach);
//  4. publications by type, origin, format and channel;
//  5. the tasks of the plan where the communes (UBND xã, phường) lead or
//     take part, active in the year, with the app's figures, a status to
//     choose from a list and a narrative for the officer to fill.
//
// Numbers are number cells (money with thousands separators), dates are
// date cells shown dd/mm/yyyy. Every sheet prints on A4 one page wide at
// 100 % in Times New Roman, with a footer and page numbers; long tables
// repeat their header. refs gives labels, agencies and tasks; d gives the
// status of each case at the end of the period.
func WriteAnnual(w io.Writer, rep *app.KPIReport, d *app.KPIData, refs *app.RefData, opt AnnualOptions) error {
	if rep == nil {
		return fmt.Errorf("annual report: no figures")
	}
	if refs == nil {
		refs = &app.RefData{}
	}
	if d == nil {
		d = &app.KPIData{}
	}
	if d.Facts == nil && len(d.Cases) > 0 { // read the cases' facts once for every sheet
		x := *d
		x.Facts, x.Cases, x.Events = app.FactsOf(d), nil, nil
		d = &x
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDefaultFont(intakeFont); err != nil {
		return err
	}
	a := &annual{f: f, rep: rep, d: d, refs: refs, opt: opt, styles: map[cellStyle]int{}}
	a.year = rep.Period.To.Year()
	if opt.AdHoc {
		a.year = app.ReportYearOf(rep.Period.To) // its narrative and Biểu 5: the report year it falls in
	}
	sheets := []struct {
		name  string
		write func(*sheetWriter)
		wide  bool
		skip  bool
	}{
		{AnnualSheetReport, a.reportSheet, false, false},
		{AnnualSheetComplaints, a.complaintSheet, false, false},
		{AnnualSheetCommunes, a.communeSheet, true, len(opt.PerCommune) == 0},
		{AnnualSheetActivities, a.activitySheet, false, false},
		{AnnualSheetPublications, a.publicationSheet, false, false},
		{AnnualSheetTasks, a.taskSheet, true, false},
	}
	first := true
	for _, sh := range sheets {
		if sh.skip {
			continue
		}
		if first {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return err
		}
		widths := portraitCols
		switch sh.name {
		case AnnualSheetReport:
			widths = reportCols
		case AnnualSheetCommunes:
			widths = communeCols
		case AnnualSheetTasks:
			widths = taskCols
		}
		s := newSheetWriter(f, sh.name, widths, sh.wide, a.styles)
		sh.write(s)
		if s.err != nil {
			return s.err
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   fmt.Sprintf("Báo cáo %s kết quả thực hiện Kế hoạch 395/KH-UBND – %s", a.which(), opt.UnitName),
		Subject: "Bảo vệ quyền lợi người tiêu dùng",
		Creator: "BVNTD Đồng Tháp",
	}); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}

// annual holds what every sheet of the report needs.
type annual struct {
	f      *excelize.File
	rep    *app.KPIReport
	d      *app.KPIData
	refs   *app.RefData
	opt    AnnualOptions
	year   int
	styles map[cellStyle]int
	narrs  []app.ReportNarrative // the narratives of the year (narratives), once read
	read   bool
}

// Column widths of the sheets, in Excel's character units: portrait sheets
// fill the 92 units between the margins of A4 portrait, landscape ones the
// 138 of A4 landscape.
var (
	// A: STT; B–C: the text; D: value; E, F: numerator and denominator;
	// G: target; H: verdict. The national header splits after B.
	reportCols = []float64{5, 30, 10, 9, 8, 8, 8, 14}
	// A: STT; B: the text; C, D: two figures.
	portraitCols = []float64{6, 58, 14, 14}
	// STT, commune, then 12 figures.
	communeCols = []float64{5, 23, 9, 9, 9, 9, 8, 13, 8, 8, 9, 8, 8, 11}
	// Code, task, lead, role, outputs, app figures, status, narrative.
	taskCols = []float64{5, 38, 13, 8, 24, 18, 12, 20}
)

// Looks used throughout.
var (
	stText     = cellStyle{border: true}
	stTextC    = cellStyle{border: true, align: "center"}
	stHead     = cellStyle{border: true, fill: true, bold: true, align: "center", valign: "center"}
	stNum      = cellStyle{border: true, align: "right", numFmt: fmtInt}
	stPct      = cellStyle{border: true, align: "right", numFmt: fmtPercent}
	stTotal    = cellStyle{border: true, bold: true, fill: true}
	stTotalNum = cellStyle{border: true, bold: true, fill: true, align: "right", numFmt: fmtInt}
	stTotalPct = cellStyle{border: true, bold: true, fill: true, align: "right", numFmt: fmtPercent}
)

func txt(span int, v string, st cellStyle) cell { return cell{span: span, value: v, style: st} }

// num is a count or an amount; pct a share (0.25 for 25 %), or empty when
// there is nothing to divide by.
func num(v int64, st cellStyle) cell { return cell{value: v, style: st} }

func pct(n, of int64, st cellStyle) cell {
	if of == 0 {
		return cell{style: st}
	}
	return cell{value: float64(n) / float64(of), style: st}
}

// unitLine names the unit in the annexes' subtitles: "Phường Mỹ Tho",
// "toàn tỉnh".
func (a *annual) unitLine() string {
	if a.opt.UnitName == "" {
		return "đơn vị"
	}
	return a.opt.UnitName
}

// periodText is "từ ngày 15/12/2025 đến ngày 14/12/2026".
func (a *annual) periodText() string {
	p := a.rep.Period
	return "từ ngày " + p.From.In(app.ICT).Format("02/01/2006") + " đến ngày " + p.To.In(app.ICT).Format("02/01/2006")
}

// annexTitle writes the two title rows of an annex sheet, which are
// repeated on every page.
func (a *annual) annexTitle(s *sheetWriter, title string) {
	n := len(s.widths)
	s.put(txt(n, title, cellStyle{bold: true, size: titleSize, align: "center"}))
	s.put(txt(n, fmt.Sprintf("(Kèm theo Báo cáo %s kết quả thực hiện Kế hoạch 395/KH-UBND của %s; kỳ báo cáo %s)",
		a.which(), a.unitLine(), a.periodText()), cellStyle{italic: true, align: "center"}))
	s.titleH = s.used
	s.space(6)
}

// footer is the left part of a sheet's footer.
func (a *annual) footer(what string) string {
	return fmt.Sprintf("Báo cáo KH 395 %s – %s – %s", a.which(), a.unitLine(), what)
}

// which names the report: "năm 2026", or "đột xuất" for a report of any
// period asked for outside the year's (Kế hoạch 395 Mục V: "hoặc đột xuất
// theo yêu cầu").
func (a *annual) which() string {
	if a.opt.AdHoc {
		return "đột xuất"
	}
	return fmt.Sprintf("năm %d", a.year)
}

// ---- 1. The report and the targets ----------------------------------

// targetPlan is the plan's wording of each target (Kế hoạch 395, Mục II.2),
// shortened for the table; what the app counts and how it judges are
// app.TargetDefinitions, the dashboard's own.
var targetPlan = map[string]string{
	"T1": "100% cơ quan quản lý nhà nước và Hội Bảo vệ người tiêu dùng tỉnh kết nối, chia sẻ thông tin với Cơ sở dữ liệu quốc gia, tích hợp Tổng đài 1800.6838",
	"T2": "Hằng năm tổ chức ít nhất 01 sự kiện, chương trình gắn với Ngày Quyền của Người tiêu dùng Việt Nam (15/3)",
	"T3": "Mỗi năm phát hành (hoặc tiếp nhận từ Trung ương) ít nhất 03-05 tài liệu, ấn phẩm tuyên truyền",
	"T4": "100% cơ quan, tổ chức, hiệp hội liên quan tham gia tuyên truyền, tập huấn về bảo vệ quyền lợi người tiêu dùng",
	"T5": "100% cán bộ thực thi, tổ chức chính trị - xã hội, tổ chức xã hội được tham gia hội nghị, hội thảo, tập huấn nâng cao năng lực",
	"T6": "Hằng năm tổ chức ít nhất 01 hội nghị, hội thảo, tọa đàm về tuân thủ pháp luật bảo vệ quyền lợi người tiêu dùng",
	"T7": "Xây dựng chuyên mục và đăng tải ít nhất 10 tin bài về hoạt động bảo vệ quyền lợi người tiêu dùng (đến năm 2030)",
}

// Verdicts of a target (app.TargetResult.VerdictVI).
const (
	VerdictMet     = app.VerdictMetVI
	VerdictNotMet  = app.VerdictNotMetVI
	VerdictUnknown = app.VerdictUnknownVI
)

// Verdict is how the report judges a target: the dashboard's verdict
// (app.TargetResult.VerdictVI).
func Verdict(t app.TargetResult) string { return t.VerdictVI() }

// targetNote sums up how the targets are judged, from
// app.TargetDefinitions.
func targetNote() string {
	var province, by2030, proxy []string
	for _, d := range app.TargetDefinitions {
		switch {
		case d.Proxy:
			proxy = append(proxy, d.ID)
		case d.Scope == app.ScopeProvince:
			province = append(province, d.ID)
		case d.Horizon == app.HorizonBy2030:
			by2030 = append(by2030, d.ID)
		}
	}
	return fmt.Sprintf("Ghi chú: %s là chỉ tiêu toàn tỉnh, chỉ đánh giá ở báo cáo toàn tỉnh; báo cáo của xã, phường nêu phần đóng góp. "+
		"%s là mục tiêu đến năm %d: trước năm %d nêu kết quả của năm và tiến độ so với mức mục tiêu. %s là chỉ số thay thế, không đánh giá. "+
		"Căn cứ của từng chỉ tiêu: Kế hoạch 395/KH-UBND, Mục II.2.",
		strings.Join(province, ", "), strings.Join(by2030, ", "), app.PlanEndYear, app.PlanEndYear, strings.Join(proxy, ", "))
}

// place is the place name of the date line: the commune without "Xã" or
// "Phường", or the province without "Tỉnh".
func (a *annual) place() string {
	n := strings.TrimSpace(a.opt.UnitName)
	for _, p := range []string{"Xã ", "Phường ", "Tỉnh ", "xã ", "phường ", "tỉnh "} {
		if strings.HasPrefix(n, p) {
			return strings.TrimPrefix(n, p)
		}
	}
	if n == "" || a.opt.Province {
		return "Đồng Tháp"
	}
	return n
}

func (a *annual) reportSheet(s *sheetWriter) {
	rep, opt := a.rep, a.opt
	left, right := 2, len(s.widths)-2 // the national header's halves: A–B and C–H
	all := len(s.widths)
	agency1, agency2, number, to, signer := "ỦY BAN NHÂN DÂN", strings.ToUpper(opt.UnitName), "Số: ……/BC-UBND",
		"Sở Công Thương tỉnh Đồng Tháp", []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}
	if opt.Province {
		agency1, agency2, number, to, signer = "UBND TỈNH ĐỒNG THÁP", "SỞ CÔNG THƯƠNG", "Số: ……/BC-SCT",
			"Ủy ban nhân dân tỉnh Đồng Tháp", []string{"GIÁM ĐỐC"}
	}
	if agency2 == "" {
		agency2 = "XÃ, PHƯỜNG ………………"
	}
	center := cellStyle{align: "center", bold: true}
	s.put(txt(left, agency1, center), txt(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center))
	s.put(cell{span: left, runs: []run{{text: agency2, bold: true, underline: true}}, style: cellStyle{align: "center"}},
		cell{span: right, runs: []run{{text: "Độc lập - Tự do - Hạnh phúc", bold: true, underline: true, size: 13}}, style: cellStyle{align: "center"}})
	s.space(4)
	s.put(txt(left, number, cellStyle{align: "center"}),
		txt(right, a.place()+", "+longDate(opt.Prepared), cellStyle{align: "center", italic: true}))
	s.space(14)
	s.put(txt(all, "BÁO CÁO", cellStyle{align: "center", bold: true, size: 14}))
	title := fmt.Sprintf("Kết quả thực hiện Kế hoạch số 395/KH-UBND ngày 02/4/2026 của Ủy ban nhân dân tỉnh về hoạt động bảo vệ quyền lợi người tiêu dùng trên địa bàn tỉnh Đồng Tháp năm %d", a.year)
	if opt.AdHoc {
		title = "Báo cáo đột xuất kết quả thực hiện Kế hoạch số 395/KH-UBND ngày 02/4/2026 của Ủy ban nhân dân tỉnh về hoạt động bảo vệ quyền lợi người tiêu dùng trên địa bàn tỉnh Đồng Tháp, " + a.periodText()
	}
	s.put(txt(all, title,
		cellStyle{align: "center", bold: true, size: 13}))
	s.space(8)
	s.put(cell{span: all, runs: []run{plain("Kính gửi: "), {text: to, bold: false}}, style: cellStyle{align: "center", size: 13}})
	s.space(10)

	// The cover block: label on A–C, value on D–H.
	label := cellStyle{indent: 1}
	value := cellStyle{bold: true}
	date := cellStyle{bold: true, numFmt: fmtDate, align: "left"}
	unit := opt.UnitName
	if opt.Province {
		unit = fmt.Sprintf("%s (%d xã, phường)", opt.UnitName, len(rep.Units))
	}
	cover := []rowSpec{
		{cells: []cell{txt(3, "Đơn vị báo cáo:", label), txt(all-3, unit, value)}},
		{cells: []cell{txt(3, "Năm báo cáo:", label), {span: all - 3, value: a.year, style: cellStyle{bold: true, numFmt: fmtYear, align: "left"}}}},
		{cells: []cell{txt(3, "Kỳ báo cáo từ ngày:", label), {span: all - 3, value: excelDay(rep.Period.From), style: date}}},
		{cells: []cell{txt(3, "đến hết ngày:", label), {span: all - 3, value: excelDay(rep.Period.To), style: date}}},
		{cells: []cell{txt(3, "Hạn gửi báo cáo:", label), txt(all-3, fmt.Sprintf("trước ngày 15/12/%d", a.year), value)}},
		{cells: []cell{txt(3, "Nơi nhận báo cáo:", label), txt(all-3, to, value)}},
		{cells: []cell{txt(3, "Ngày lập báo cáo:", label), {span: all - 3, value: excelDay(opt.Prepared), style: date}}},
	}
	if opt.AdHoc { // no report year, no 15/12 deadline: the period asked for
		cover = append(cover[:1:1], cover[2:]...)
		for k := range cover {
			if cover[k].cells[0].value == "Hạn gửi báo cáo:" {
				cover[k].cells[1] = txt(all-3, "Đột xuất, theo yêu cầu (Kế hoạch 395, Mục V)", value)
			}
		}
	}
	for i := range cover {
		cover[i].minH = 18
	}
	s.block(keepWhole, cover...)
	s.space(10)

	// I. Main figures, with the list of annexes.
	c, tr, o, pub := rep.Complaints, rep.Training, rep.Outreach, rep.Publications
	type fig struct {
		label string
		v     cell
	}
	figs := []fig{
		{"Số vụ việc tiếp nhận trong kỳ", num(int64(c.Received.Count), stNum)},
		{"Số vụ việc kết thúc xử lý trong kỳ", num(int64(c.Finished.Count), stNum)},
		{"Tỷ lệ giải quyết thành công (toàn bộ hoặc một phần)", pct(int64(c.Successful.Count), int64(c.RateBase.Count), stPct)},
		{"Số tiền thu hồi, bồi hoàn cho người tiêu dùng (đồng)", num(c.Recovered.Sum, stNum)},
		{"Số vụ việc chưa giải quyết xong, chuyển sang kỳ sau", num(int64(c.CarriedOver.Count), stNum)},
		{"Số lớp tập huấn, bồi dưỡng đã tổ chức", num(int64(tr.Sessions.Count), stNum)},
		{"Số lượt người được tập huấn", num(int64(tr.PersonTimes.Count), stNum)},
		{"Số sự kiện tuyên truyền đã tổ chức", num(int64(o.Events.Count), stNum)},
		{"Số tài liệu, ấn phẩm, tin bài", num(int64(pub.All.Count), stNum)},
	}
	rows := []rowSpec{
		{cells: []cell{txt(all, "I. SỐ LIỆU CHỦ YẾU", cellStyle{bold: true})}, minH: 20},
		{cells: []cell{txt(1, "STT", stHead), txt(all-3, "Nội dung", stHead), txt(2, "Số liệu", stHead)}, minH: 22},
	}
	for i, x := range figs {
		x.v.span = 2
		rows = append(rows, rowSpec{cells: []cell{txt(1, fmt.Sprint(i+1), stTextC), txt(all-3, x.label, stText), x.v}})
	}
	s.block(keepWhole, rows...)
	s.space(6)
	annexes := []string{"Biểu 2. Tình hình tiếp nhận, giải quyết yêu cầu, phản ánh, khiếu nại của người tiêu dùng"}
	if len(opt.PerCommune) > 0 {
		annexes = append(annexes, "Biểu 2b. Số liệu theo từng xã, phường")
	}
	annexes = append(annexes, "Biểu 3. Tập huấn, bồi dưỡng và sự kiện tuyên truyền",
		"Biểu 4. Tài liệu, ấn phẩm, tin bài tuyên truyền",
		"Biểu 5. Kết quả thực hiện các nhiệm vụ của Kế hoạch 395/KH-UBND")
	rows = []rowSpec{{cells: []cell{txt(all, "Chi tiết tại các biểu kèm theo:", cellStyle{italic: true})}}}
	for _, x := range annexes {
		rows = append(rows, rowSpec{cells: []cell{txt(all, "- "+x, cellStyle{indent: 1})}})
	}
	s.block(keepWhole, rows...)
	s.space(10)

	// II. The targets.
	head := []cell{txt(1, "Mã", stHead), txt(2, "Chỉ tiêu (Kế hoạch 395, Mục II.2)", stHead), txt(1, "Kết quả", stHead),
		txt(1, "Số đạt", stHead), txt(1, "Tổng số", stHead), txt(1, "Mục tiêu", stHead), txt(1, "Đánh giá", stHead)}
	rows = []rowSpec{
		{cells: []cell{txt(all, "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA KẾ HOẠCH", cellStyle{bold: true})}, minH: 20},
		{cells: head, minH: 22},
	}
	for _, t := range rep.Targets {
		rows = append(rows, rowSpec{cells: a.targetRow(t)})
	}
	rows = append(rows, rowSpec{cells: []cell{txt(all, targetNote(), cellStyle{italic: true, size: 11})}})
	s.block(keepWhole, rows...)
	s.space(12)
	a.narrativeSections(s)

	// The signature block, kept on one page.
	note := cellStyle{align: "center", italic: true}
	lefts := []cell{txt(left, "NGƯỜI LẬP BIỂU", center), txt(left, "(Ký, ghi rõ họ tên)", note)}
	rights := []cell{}
	for _, x := range signer {
		rights = append(rights, txt(right, x, center))
	}
	rights = append(rights, txt(right, "(Ký, ghi rõ họ tên, đóng dấu)", note))
	var sig []rowSpec
	for i := 0; i < max(len(lefts), len(rights)); i++ {
		l, r := txt(left, "", center), txt(right, "", center)
		if i < len(lefts) {
			l = lefts[i]
		}
		if i < len(rights) {
			r = rights[i]
		}
		sig = append(sig, rowSpec{cells: []cell{l, r}})
	}
	sig = append(sig, rowSpec{minH: 66},
		rowSpec{cells: []cell{txt(left, "………………………………", cellStyle{align: "center"}), txt(right, "………………………………", cellStyle{align: "center"})}})
	s.block(keepWhole, sig...)
	s.setup(false, a.footer("Báo cáo"), 0, 0)
}

// targetRow is the line of one target: code, the plan's wording and what
// is counted, the value, numerator and denominator (shares), the target
// and the verdict.
func (a *annual) targetRow(t app.TargetResult) []cell {
	plan := targetPlan[t.ID]
	if plan == "" {
		plan = t.Target.TextVI
	}
	text := []run{{text: plan}}
	if m := t.Def.Counts; m != "" {
		m = "Cách tính: " + m
		if t.Def.Cumulative {
			m += fmt.Sprintf(" Trong kỳ: %s; lũy kế: %s.", FormatCount(int64(t.Period.Count)), FormatCount(int64(t.Num)))
		}
		text = append(text, run{text: "\n" + m, italic: true, size: 11})
	}
	value := cell{style: stNum}
	numer, denom := cell{style: stNum}, cell{style: stNum}
	goal := cell{style: cellStyle{border: true, align: "right"}}
	if t.Share {
		if t.Known {
			value = cell{value: t.Value / 100, style: stPct}
		}
		numer.value, denom.value = int64(t.Num), int64(t.Den)
		goal.value, goal.style.numFmt = t.Threshold/100, fmtWhole
	} else {
		value.value = int64(t.Num)
		goal.value = t.Threshold
		goal.style.numFmt = `"≥ "0_)`
		if t.Upper > t.Threshold {
			goal.style.numFmt = fmt.Sprintf(`"≥ "0"–%g"_)`, t.Upper)
		}
	}
	verdict := cellStyle{border: true, align: "center", bold: t.Known}
	return []cell{txt(1, t.ID, cellStyle{border: true, align: "center", bold: true}),
		{span: 2, runs: text, style: stText}, value, numer, denom, goal, txt(1, Verdict(t), verdict)}
}

// FormatCount writes n with dots between thousands, the Vietnamese way:
// 1250000 → "1.250.000".
func FormatCount(n int64) string {
	if n == 0 {
		return "0"
	}
	return strings.TrimSuffix(vnd(n), " đồng")
}

// ---- Tables of counts -------------------------------------------------

// line is one row of a table of counts: a label and its figures.
type line struct {
	stt    string
	label  string
	values []cell
	total  bool
	indent int
}

// countTable writes a titled table: STT, the label, and one column per
// figure (head names them), kept on one page when it fits.
func countTable(s *sheetWriter, title string, head []string, lines []line, notes ...string) {
	all := len(s.widths)
	labelSpan := all - 1 - len(head)
	rows := []rowSpec{{cells: []cell{txt(all, title, cellStyle{bold: true})}, minH: 20, keepNext: true}}
	hc := []cell{txt(1, "STT", stHead), txt(labelSpan, "Nội dung", stHead)}
	for _, h := range head {
		hc = append(hc, txt(1, h, stHead))
	}
	rows = append(rows, rowSpec{cells: hc, minH: 22, keepNext: true})
	for _, l := range lines {
		st, sc := stText, stTextC
		if l.total {
			st, sc = stTotal, cellStyle{border: true, bold: true, fill: true, align: "center"}
		}
		st.indent = l.indent
		cells := []cell{txt(1, l.stt, sc), txt(labelSpan, l.label, st)}
		for _, v := range l.values {
			if l.total {
				v.style.bold, v.style.fill = true, true
			}
			cells = append(cells, v)
		}
		rows = append(rows, rowSpec{cells: cells})
	}
	// No line, nor total, alone at the top or the bottom of a page: the
	// first two lines stay with the header, the last three together.
	rows[2].keepNext = len(rows) > 4
	if n := len(rows); n > 6 {
		rows[n-3].keepNext, rows[n-2].keepNext = true, true
	}
	// Notes go below, on the same page as the last line.
	for _, note := range notes {
		rows[len(rows)-1].keepNext = true
		rows = append(rows, rowSpec{cells: []cell{txt(all, note, cellStyle{italic: true, size: 11})}, minH: 18})
	}
	// The title and header with the first line; then the lines, with the
	// header again on a page the table continues on.
	s.prepare(keepSmall, rows...)
	rows[1].header = true
	s.block(flow, rows...)
	s.repeat = nil
	s.space(10)
}

// tallyLines turns a breakdown into lines in the order of list (every code
// of it, with 0 where nothing was counted), then any other code, and a
// total line: the count, the share of total and, with withSum, the sum.
func tallyLines(ts []app.Tally, list app.CodeList, labelOf func(string) string, total app.Figure, withSum bool) []line {
	by := map[string]app.Tally{}
	for _, t := range ts {
		by[t.Code] = t
	}
	var out []line
	add := func(label string, t app.Tally) {
		v := []cell{num(int64(t.Count), stNum)}
		if withSum {
			v = append(v, num(t.Sum, stNum))
		} else {
			v = append(v, pct(int64(t.Count), int64(total.Count), stPct))
		}
		out = append(out, line{stt: fmt.Sprint(len(out) + 1), label: label, values: v})
	}
	seen := map[string]bool{}
	for _, c := range list {
		seen[c.Code] = true
		add(labelOf(c.Code), by[c.Code])
	}
	var other app.Tally
	for _, t := range ts {
		if !seen[t.Code] {
			other.Count += t.Count
			other.Sum += t.Sum
		}
	}
	if other.Count > 0 {
		add("Khác, chưa xác định", other)
	}
	tv := []cell{num(int64(total.Count), stTotalNum)}
	if withSum {
		tv = append(tv, num(total.Sum, stTotalNum))
	} else {
		tv = append(tv, pct(int64(total.Count), int64(total.Count), stTotalPct))
	}
	return append(out, line{label: "Tổng số", values: tv, total: true})
}

// ---- 2. Complaints ------------------------------------------------------

func (a *annual) complaintSheet(s *sheetWriter) {
	a.annexTitle(s, "Biểu 2. TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT YÊU CẦU, PHẢN ÁNH, KHIẾU NẠI CỦA NGƯỜI TIÊU DÙNG")
	c := a.rep.Complaints
	n := func(v int) cell { return num(int64(v), stNum) }
	none := cell{style: stNum}
	sum := []line{
		{stt: "1", label: "Số vụ việc tiếp nhận trong kỳ", values: []cell{n(c.Received.Count), none}},
		{stt: "", label: "Trong đó: người tiêu dùng dễ bị tổn thương (Điều 8)", values: []cell{n(c.Vulnerable.Count), pct(int64(c.Vulnerable.Count), int64(c.Received.Count), stPct)}, indent: 2},
		{stt: "", label: "Trong đó: giao dịch thương mại điện tử, mạng xã hội", values: []cell{n(c.ECommerce.Count), pct(int64(c.ECommerce.Count), int64(c.Received.Count), stPct)}, indent: 2},
		{stt: "", label: "Trong đó: tiếp nhận qua kênh tiếp nhận phản ánh, khiếu nại trực tuyến (cổng tiếp nhận trực tuyến, trang web, ứng dụng của tỉnh, Cổng Dịch vụ công; Mục III.2.a Kế hoạch 395)",
			values: []cell{n(c.Online.Count), pct(int64(c.Online.Count), int64(c.Received.Count), stPct)}, indent: 2},
		{stt: "", label: "Riêng cổng tiếp nhận trực tuyến của tỉnh", values: []cell{n(c.OnlineForm.Count), pct(int64(c.OnlineForm.Count), int64(c.Received.Count), stPct)}, indent: 4},
		{stt: "2", label: "Số vụ việc kết thúc xử lý trong kỳ (kể cả vụ việc nhận từ kỳ trước)", values: []cell{n(c.Finished.Count), none}},
		{stt: "", label: "Trong đó: giải quyết thành công (toàn bộ hoặc một phần)", values: []cell{n(c.Successful.Count), none}, indent: 2},
		{stt: "3", label: "Tỷ lệ giải quyết thành công (trên số vụ việc kết thúc có kết quả, không kể vụ việc chỉ tư vấn, chuyển cơ quan khác, không đủ điều kiện, người tiêu dùng rút yêu cầu hoặc không liên lạc được; cách tính của địa phương)",
			values: []cell{n(c.RateBase.Count), pct(int64(c.Successful.Count), int64(c.RateBase.Count), stPct)}},
		{stt: "", label: "Số vụ việc kết thúc chưa ghi kết quả (không tính vào tỷ lệ)", values: []cell{n(c.NoOutcome.Count), none}, indent: 2},
		{stt: "4", label: "Số tiền thu hồi, bồi hoàn cho người tiêu dùng (đồng)", values: []cell{num(c.Recovered.Sum, stNum), none}},
		{stt: "", label: "Số vụ việc có tiền thu hồi", values: []cell{n(c.Recovered.Count), none}, indent: 2},
		{stt: "5", label: "Số vụ việc chưa giải quyết xong, chuyển sang kỳ sau", values: []cell{n(c.CarriedOver.Count), none}},
	}
	if c.TimingKnown {
		sum = append(sum,
			line{stt: "6", label: "Số vụ việc kết thúc đúng thời hạn", values: []cell{n(c.OnTime.Count), pct(int64(c.OnTime.Count), int64(c.OnTime.Count+c.Late.Count), stPct)}},
			line{stt: "7", label: "Số vụ việc kết thúc quá thời hạn", values: []cell{n(c.Late.Count), pct(int64(c.Late.Count), int64(c.OnTime.Count+c.Late.Count), stPct)}})
	}
	// The register of off-premises sales notices (NĐ 55/2024/NĐ-CP Điều
	// 26–27), numbered after the case lines.
	nc, next := app.NoticeCountsOf(a.d, a.rep.Period), 1
	for _, l := range sum {
		if l.stt != "" {
			next++
		}
	}
	sum = append(sum,
		line{stt: strconv.Itoa(next), label: "Số thông báo bán hàng không tại địa điểm giao dịch thường xuyên UBND nhận trong kỳ (Điều 26 Nghị định 55/2024/NĐ-CP)", values: []cell{n(nc.Received), none}},
		line{label: "Trong đó: nhận chưa đủ 03 ngày làm việc trước khi bán hàng (khoản 3 Điều 26)", values: []cell{n(nc.Late), pct(int64(nc.Late), int64(nc.Received), stPct)}, indent: 2},
		line{label: "Trong đó: chưa ghi nhận việc công khai (khoản 3 Điều 27)", values: []cell{n(nc.Unpublished), pct(int64(nc.Unpublished), int64(nc.Received), stPct)}, indent: 2})
	countTable(s, "1. Tổng hợp", []string{"Số liệu", "Tỷ lệ"}, sum)

	head := []string{"Số vụ việc", "Tỷ lệ"}
	sectors := a.refs.SectorCodes()
	countTable(s, "2. Vụ việc tiếp nhận theo lĩnh vực", head,
		tallyLines(c.BySector, sectors, labelOr(sectors), c.Received, false))
	countTable(s, "3. Vụ việc tiếp nhận theo loại yêu cầu", head,
		tallyLines(c.ByKind, app.CaseKinds, labelOr(app.CaseKinds), c.Received, false))
	countTable(s, "4. Vụ việc tiếp nhận theo kênh tiếp nhận", head,
		tallyLines(c.ByChannel, app.Channels, labelOr(app.Channels), c.Received, false))
	countTable(s, "5. Vụ việc tiếp nhận theo hình thức giao dịch", head,
		tallyLines(c.ByTransaction, app.TransactionTypes, labelOr(app.TransactionTypes), c.Received, false))
	countTable(s, fmt.Sprintf("6. Tình trạng xử lý đến hết ngày %s của các vụ việc tiếp nhận trong kỳ", a.rep.Period.To.In(app.ICT).Format("02/01/2006")), head,
		tallyLines(StatusAtEnd(a.d, a.rep.Period), app.CaseStatuses, labelOr(app.CaseStatuses), c.Received, false))
	outcomes := tallyLines(c.ByOutcome, app.Outcomes, func(code string) string {
		if code == "" {
			return "Chưa ghi kết quả"
		}
		return app.Outcomes.Label(code)
	}, c.Finished, false)
	countTable(s, "7. Vụ việc kết thúc xử lý trong kỳ theo kết quả", head, outcomes)
	vul := tallyLines(c.ByVulnerable, app.VulnerableGroups, labelOr(app.VulnerableGroups), c.Vulnerable, false)
	// A case may be in several groups: the total is of cases, and the
	// shares are of them too.
	vul[len(vul)-1].label = "Tổng số vụ việc có người tiêu dùng dễ bị tổn thương"
	vul[len(vul)-1].values[1] = pct(int64(c.Vulnerable.Count), int64(c.Received.Count), stTotalPct)
	countTable(s, "8. Vụ việc tiếp nhận theo nhóm người tiêu dùng dễ bị tổn thương (Điều 8 Luật Bảo vệ quyền lợi người tiêu dùng)", head, vul,
		"Ghi chú: một vụ việc có thể thuộc nhiều nhóm người tiêu dùng dễ bị tổn thương; tỷ lệ ở dòng tổng là trên số vụ việc tiếp nhận.")
	s.setup(false, a.footer("Biểu 2"), 1, 2)
}

// labelOr labels a code of list, "Chưa xác định" for none.
func labelOr(list app.CodeList) func(string) string {
	return func(code string) string {
		if code == "" {
			return "Chưa xác định"
		}
		return list.Label(code)
	}
}

// StatusAtEnd counts the cases received in p (not voided, nor forwarded
// away: app.ForwardedAway) by their status
// at the end of p, replaying each case's steps up to then (a case without
// steps keeps its status), in the order statuses were first met.
func StatusAtEnd(d *app.KPIData, p app.KPIPeriod) []app.Tally {
	if d == nil {
		return nil
	}
	to := p.To.In(app.ICT)
	end := time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, app.ICT)
	idx := map[string]int{}
	var out []app.Tally
	for _, c := range app.FactsOf(d) {
		if !c.Counts() || !p.Contains(c.ReceivedAt) {
			continue
		}
		st := c.Status
		if c.HasSteps {
			st = c.StatusAt(end)
		}
		i, ok := idx[st]
		if !ok {
			i = len(out)
			idx[st] = i
			out = append(out, app.Tally{Code: st})
		}
		out[i].Count++
		out[i].Refs = append(out[i].Refs, app.KPIRef{Entity: app.EntityCase, ID: c.ID})
	}
	return out
}

// ---- 2b. Per commune ------------------------------------------------------

func (a *annual) communeSheet(s *sheetWriter) {
	all := len(s.widths)
	a.annexTitle(s, "Biểu 2b. SỐ LIỆU THEO TỪNG XÃ, PHƯỜNG")
	heads := []string{"STT", "Xã, phường", "Vụ việc tiếp nhận", "NTD dễ bị tổn thương", "Kết thúc xử lý",
		"Thành công", "Tỷ lệ thành công", "Tiền thu hồi (đồng)", "Tồn cuối kỳ", "Lớp tập huấn", "Lượt người tập huấn",
		"Sự kiện tuyên truyền", "Tài liệu, tin bài", "Đồng bộ lần cuối"}
	hc := make([]cell, len(heads))
	for i, h := range heads {
		hc[i] = txt(1, h, stHead)
	}
	header := rowSpec{cells: hc, minH: 22}
	s.block(keepWhole, header)
	// The header row alone repeats on the following pages.
	s.titleH = s.height(header)
	headerRow := s.row
	row := func(stt, name string, r *app.KPIReport, last time.Time, total bool) []cell {
		c := r.Complaints
		ns, ps, ts := stNum, stPct, stText
		if total {
			ns, ps, ts = stTotalNum, stTotalPct, stTotal
		}
		n := func(v int) cell { return num(int64(v), ns) }
		sync := cell{value: excelDay(last), style: cellStyle{border: true, align: "center", numFmt: fmtDate, fill: total}}
		if total {
			if t1, ok := r.Target("T1"); ok {
				sync = cell{value: fmt.Sprintf("%d/%d xã", t1.Num, t1.Den), style: cellStyle{border: true, align: "center", bold: true, fill: true}}
			}
		}
		return []cell{txt(1, stt, cellStyle{border: true, align: "center", bold: total, fill: total}), txt(1, name, ts),
			n(c.Received.Count), n(c.Vulnerable.Count), n(c.Finished.Count), n(c.Successful.Count),
			pct(int64(c.Successful.Count), int64(c.RateBase.Count), ps), num(c.Recovered.Sum, ns), n(c.CarriedOver.Count),
			n(r.Training.Sessions.Count), n(r.Training.PersonTimes.Count), n(r.Outreach.Events.Count),
			n(r.Publications.All.Count), sync}
	}
	rows := make([]rowSpec, 0, len(a.opt.PerCommune)+1)
	for i, cr := range a.opt.PerCommune {
		rows = append(rows, rowSpec{cells: row(fmt.Sprint(i+1), cr.Name, &cr.Report, cr.LastSync, false)})
	}
	s.block(flow, rows...)
	s.block(flow, rowSpec{cells: row("", "Toàn tỉnh", a.rep, time.Time{}, true)})
	s.space(6)
	s.put(txt(all, "Ghi chú: tỷ lệ thành công tính trên số vụ việc kết thúc, không kể vụ việc chỉ tư vấn, chuyển cơ quan khác hoặc không đủ điều kiện; "+
		"\"Đồng bộ lần cuối\" là lần đồng bộ thành công gần nhất của xã, phường với máy chủ tỉnh (để trống: chưa đồng bộ); dòng Toàn tỉnh ghi số xã, phường đã đồng bộ trong kỳ.",
		cellStyle{italic: true, size: 11}))
	s.setup(true, a.footer("Biểu 2b"), headerRow, headerRow)
	s.check(s.f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}))
}

// ---- 3. Training and outreach ------------------------------------------

func (a *annual) activitySheet(s *sheetWriter) {
	a.annexTitle(s, "Biểu 3. TẬP HUẤN, BỒI DƯỠNG VÀ SỰ KIỆN TUYÊN TRUYỀN")
	t, o := a.rep.Training, a.rep.Outreach
	n := func(v int) cell { return num(int64(v), stNum) }
	none := cell{style: stNum}
	lines := []line{{stt: "1", label: "Số lớp tập huấn, bồi dưỡng đã tổ chức", values: []cell{n(t.Sessions.Count), none}}}
	by := map[string]int{}
	for _, x := range t.ByFormat {
		by[x.Code] = x.Count
	}
	for _, f := range app.TrainingFormats {
		lines = append(lines, line{label: "Hình thức " + strings.ToLower(f.VI), values: []cell{n(by[f.Code]), pct(int64(by[f.Code]), int64(t.Sessions.Count), stPct)}, indent: 2})
	}
	lines = append(lines,
		line{stt: "2", label: "Số lượt người tham dự (lượt người có mặt)", values: []cell{n(t.PersonTimes.Count), none}},
		line{stt: "3", label: "Số người tham dự (không tính trùng)", values: []cell{n(t.DistinctPersons.Count), none}},
		line{stt: "4", label: "Số lớp đã lên kế hoạch, chưa tổ chức (không tính)", values: []cell{n(t.Planned.Count), none}})
	countTable(s, "1. Tập huấn, bồi dưỡng (nhiệm vụ IV.1 của Kế hoạch)", []string{"Số liệu", "Tỷ lệ"}, lines)
	countTable(s, "2. Lượt người tham dự tập huấn theo nhóm", []string{"Lượt người", "Tỷ lệ"},
		tallyLines(t.ByGroup, app.ParticipantGroups, labelOr(app.ParticipantGroups), t.PersonTimes, false))
	countTable(s, "3. Lượt người tham dự tập huấn theo đối tượng", []string{"Lượt người", "Tỷ lệ"},
		tallyLines(t.ByType, app.ParticipantTypes, func(code string) string {
			if code == "" {
				return "Không có trong danh sách người tham dự"
			}
			return app.ParticipantTypes.Label(code)
		}, t.PersonTimes, false))
	ev := tallyLines(o.ByType, app.OutreachTypes, labelOr(app.OutreachTypes), o.Events, true)
	ev = append(ev,
		line{label: "Trong đó: hưởng ứng Ngày Quyền của Người tiêu dùng Việt Nam 15/3", values: []cell{n(o.Linked153.Count), num(o.Linked153.Sum, stNum)}, indent: 2},
		line{label: "Lượt doanh nghiệp tham gia", values: []cell{none, num(o.Businesses.Sum, stNum)}, indent: 2},
		line{label: "Số tờ rơi đã phát", values: []cell{none, num(o.Leaflets.Sum, stNum)}, indent: 2},
		line{label: "Sự kiện đã lên kế hoạch, chưa tổ chức (không tính)", values: []cell{n(o.Planned.Count), none}, indent: 2})
	countTable(s, "4. Sự kiện tuyên truyền đã tổ chức theo loại (nhiệm vụ III.3, III.4)", []string{"Số sự kiện", "Số người tham dự (ước tính)"}, ev)
	s.setup(false, a.footer("Biểu 3"), 1, 2)
}

// ---- 4. Publications ------------------------------------------------------

func (a *annual) publicationSheet(s *sheetWriter) {
	a.annexTitle(s, "Biểu 4. TÀI LIỆU, ẤN PHẨM, TIN BÀI TUYÊN TRUYỀN")
	p := a.rep.Publications
	head := []string{"Số tài liệu, tin bài", "Số bản"}
	countTable(s, "1. Theo loại", head, tallyLines(p.ByType, app.PublicationTypes, labelOr(app.PublicationTypes), p.All, true))
	countTable(s, "2. Theo nguồn", head, tallyLines(p.ByOrigin, app.PublicationOrigins, labelOr(app.PublicationOrigins), p.All, true))
	countTable(s, "3. Theo hình thức", head, tallyLines(p.ByFormat, app.PublicationFormats, labelOr(app.PublicationFormats), p.All, true))
	countTable(s, "4. Theo kênh đăng tải, phát hành", head, tallyLines(p.ByChannel, app.PublicationChannels, labelOr(app.PublicationChannels), p.All, true),
		"Ghi chú: \"Số bản\" là số bản in, phát hành của tài liệu bản giấy (tin bài điện tử không tính bản).")
	s.setup(false, a.footer("Biểu 4"), 1, 2)
}

// ---- 5. Plan tasks ------------------------------------------------------

// planSections are the titles of the plan's sections (Kế hoạch 395, Phụ
// lục).
var planSections = map[string]string{
	"I":   "Hoàn thiện chính sách, thể chế về bảo vệ quyền lợi người tiêu dùng",
	"II":  "Nâng cao hiệu quả bảo vệ người tiêu dùng trong bối cảnh chuyển đổi số, chuyển đổi xanh",
	"III": "Đẩy mạnh công tác tuyên truyền, phổ biến chính sách về bảo vệ quyền lợi người tiêu dùng; tăng cường vai trò của các tổ chức trong công tác bảo vệ quyền lợi người tiêu dùng",
	"IV":  "Nâng cao hiệu quả thực thi pháp luật về bảo vệ quyền lợi người tiêu dùng",
	"V":   "Tăng cường chuyển đổi số, ứng dụng khoa học, công nghệ, hội nhập, hợp tác quốc tế trong công tác bảo vệ quyền lợi của người tiêu dùng",
}

// WardAgency stands for the wards alone (UBND phường): the plan names it,
// not "xã, phường", as a partner of task IV.4.
const WardAgency = app.WardAgency

// UnitTasks are the tasks of the plan that run in year where the unit
// leads or takes part, in the plan's order: unitType is the reporting
// unit's (app.UnitXa, app.UnitPhuong), or "" for the province, which
// lists the tasks of every commune and ward.
func UnitTasks(refs *app.RefData, year int, unitType string) []app.PlanTask {
	return app.CommuneTasks(refs, year, unitType)
}

// role is the unit's part in a task (app.CommuneRole).
func role(t app.PlanTask, unitType string) string { return app.CommuneRole(t, unitType) }

// unitType is the type of the unit reported on (app.UnitXa,
// app.UnitPhuong), or "" for the province's report.
func (a *annual) unitType() string {
	if a.opt.Province || len(a.rep.Units) != 1 {
		return ""
	}
	if u, ok := a.refs.Unit(a.rep.Units[0]); ok {
		return u.Type
	}
	return app.UnitXa
}

// taskFigures are the app's figures for a task, as a sentence, or "".
func (a *annual) taskFigures(id string) string {
	r := a.rep
	c, tr, o, p := r.Complaints, r.Training, r.Outreach, r.Publications
	f := FormatCount
	switch id {
	case "II.3":
		// T1's line (tasks II.1–II.3; II.1, whose output is the online
		// intake channel, has no commune part and is not listed).
		online := fmt.Sprintf("%s vụ việc tiếp nhận qua kênh tiếp nhận phản ánh, khiếu nại trực tuyến (Mục III.2.a), trong đó %s qua cổng tiếp nhận trực tuyến của tỉnh.",
			f(int64(c.Online.Count)), f(int64(c.OnlineForm.Count)))
		if t, ok := r.Target("T1"); ok {
			return fmt.Sprintf("%d/%d xã, phường đồng bộ dữ liệu với máy chủ tỉnh trong kỳ. ", t.Num, t.Den) + online
		}
		return online
	case "III.1":
		t3, _ := r.Target("T3")
		t7, _ := r.Target("T7")
		return fmt.Sprintf("%s tài liệu, ấn phẩm, tin bài; trong đó %s tài liệu, ấn phẩm (T3) và %s tin bài đăng tải trực tuyến (T7; lũy kế từ năm 2026: %s).",
			f(int64(p.All.Count)), f(int64(t3.Num)), f(int64(t7.Period.Count)), f(int64(t7.Num)))
	case "III.2":
		loa := 0
		for _, x := range o.ByType {
			if x.Code == "truyen_thong_loa_xa" {
				loa = x.Count
			}
		}
		for _, x := range p.ByChannel {
			if x.Code == "loa_truyen_thanh" {
				loa += x.Count
			}
		}
		return fmt.Sprintf("%s lượt tuyên truyền trên loa truyền thanh xã.", f(int64(loa)))
	case "III.3":
		return fmt.Sprintf("%s sự kiện hưởng ứng Ngày 15/3, khoảng %s người tham dự.", f(int64(o.Linked153.Count)), f(o.Linked153.Sum))
	case "III.4":
		if t, ok := r.Target("T6"); ok {
			return fmt.Sprintf("%s hội nghị, hội thảo, tọa đàm về tuân thủ pháp luật.", f(int64(t.Num)))
		}
	case "IV.1":
		g := map[string]int{}
		for _, x := range tr.ByGroup {
			g[x.Code] = x.Count
		}
		return fmt.Sprintf("%s lớp tập huấn, %s lượt người (cán bộ %s, người dân %s, doanh nghiệp %s).",
			f(int64(tr.Sessions.Count)), f(int64(tr.PersonTimes.Count)), f(int64(g["can_bo"])), f(int64(g["nguoi_dan"])), f(int64(g["doanh_nghiep"])))
	case "IV.2":
		k := 0
		for _, x := range c.ByKind {
			if x.Code == "yeu_cau_xu_ly_vi_pham" {
				k = x.Count
			}
		}
		return fmt.Sprintf("%s yêu cầu xử lý vi phạm tiếp nhận.", f(int64(k)))
	case "IV.8":
		s := fmt.Sprintf("%s vụ việc tiếp nhận, %s kết thúc xử lý", f(int64(c.Received.Count)), f(int64(c.Finished.Count)))
		if c.RateBase.Count > 0 {
			s += fmt.Sprintf(", thành công %s%%", strings.Replace(fmt.Sprintf("%.1f", c.SuccessRate), ".", ",", 1))
		}
		if c.Recovered.Sum > 0 {
			s += ", thu hồi " + vnd(c.Recovered.Sum)
		}
		return s + "."
	}
	return ""
}

func (a *annual) taskSheet(s *sheetWriter) {
	all := len(s.widths)
	a.annexTitle(s, "Biểu 5. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CỦA KẾ HOẠCH 395/KH-UBND")
	heads := []string{"Mã", "Nhiệm vụ", "Cơ quan chủ trì", "Vai trò của xã, phường", "Sản phẩm đầu ra",
		"Số liệu từ ứng dụng", "Tình trạng", "Kết quả thực hiện (đơn vị ghi)"}
	hc := make([]cell, len(heads))
	for i, h := range heads {
		hc[i] = txt(1, h, stHead)
	}
	header := rowSpec{cells: hc, minH: 22}
	s.block(keepWhole, header)
	// The header row alone repeats on the following pages.
	s.titleH = s.height(header)
	headerRow := s.row
	small := func(st cellStyle) cellStyle { st.size = 11; return st }
	var rows []rowSpec
	ut := a.unitType()
	tasks := UnitTasks(a.refs, a.year, ut)
	marks := make([]int, len(tasks))
	section := ""
	for i, t := range tasks {
		if t.Section != section {
			section = t.Section
			rows = append(rows, rowSpec{cells: []cell{txt(1, section, cellStyle{border: true, bold: true, align: "center", fill: true}),
				txt(all-1, planSections[section], cellStyle{border: true, bold: true, fill: true})}, keepNext: true})
		}
		var leads []string
		for _, id := range t.LeadIDs {
			if ag, ok := a.refs.Agency(id); ok {
				leads = append(leads, ag.NameVI)
			} else {
				leads = append(leads, id)
			}
		}
		status, result := a.taskLine(t.ID) // what the communes wrote in the app (app.ReportNarrative)
		rows = append(rows, rowSpec{cells: []cell{
			txt(1, t.ID, small(stTextC)), txt(1, t.TextVI, small(stText)), txt(1, strings.Join(leads, "; "), small(stText)),
			txt(1, role(t, ut), small(stTextC)), txt(1, strings.Join(t.Outputs, "; "), small(stText)),
			txt(1, a.taskFigures(t.ID), cellStyle{border: true, italic: true, size: 11}),
			txt(1, status, small(stTextC)), txt(1, result, small(stText)),
		}, minH: 3*lineHeight(11) + 4, mark: &marks[i]})
	}
	s.block(flow, rows...)
	s.space(6)
	s.put(txt(all, "Ghi chú: cột \"Tình trạng\" chọn một trong: "+strings.Join(TaskStatuses, "; ")+
		". Cột \"Kết quả thực hiện\" do đơn vị ghi: nội dung đã làm, sản phẩm, khó khăn, kiến nghị.", cellStyle{italic: true, size: 11}))
	if len(marks) > 0 {
		cells := make([]string, len(marks))
		for i, r := range marks {
			cells[i] = fmt.Sprintf("G%d", r)
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(strings.Join(cells, " "))
		s.check(dv.SetDropList(TaskStatuses))
		dv.SetError(excelize.DataValidationErrorStyleStop, "Tình trạng", "Chọn một tình trạng trong danh sách.")
		dv.SetInput("Tình trạng", "Chọn: "+strings.Join(TaskStatuses, ", "))
		s.check(s.f.AddDataValidation(s.name, dv))
	}
	s.setup(true, a.footer("Biểu 5"), headerRow, headerRow)
	s.check(s.f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}))
}
