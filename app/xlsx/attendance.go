package xlsx

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// AttendanceSheet is the name of the sign-in sheet's sheet.
const AttendanceSheet = "Danh sach diem danh"

// AttendanceBlankRows are the empty, unnumbered rows left under the
// participants for people who come without registering.
const AttendanceBlankRows = 5

// Attendee is one row of a sign-in sheet: a participant of the register
// and their attendance at the session.
type Attendee struct {
	Participant app.Participant
	Attendance  app.Attendance
	// Organisation is the name of Participant.OrganisationID, shown when
	// the participant has no workplace written.
	Organisation string
}

// The columns of the sign-in sheet and their widths in Excel's character
// units. Together they take about the 17.5 cm between the margins of A4
// portrait; the sheet is fitted to the page width anyway.
var attColumns = []struct {
	title string
	width float64
	align string
}{
	{"STT", 4.5, "center"},
	{"Họ và tên", 21, "left"},
	{"Đối tượng", 12, "left"},
	{"Đơn vị, nơi công tác", 17, "left"},
	{"Giới tính", 5.5, "center"},
	{"Điện thoại", 10.5, "center"},
	{"Tình trạng", 8, "center"},
	{"Ký tên", 15, "center"},
}

// attendanceSize is the type size of the table; the header and the details
// above it use bodySize.
const attendanceSize = 11.0

// attendanceRowHeight is the least height of a participant's row, in
// points: room for a signature.
const attendanceRowHeight = 30.0

// WriteAttendance writes the printable sign-in sheet (danh sách điểm danh)
// of session s to w and returns the number of participants listed (voided
// attendance rows and participants are left out). The sheet holds, in
// order:
//
//   - the national header, with "UBND <unitName>" on the left ("" leaves
//     a dotted line);
//   - the title "DANH SÁCH ĐẠI BIỂU/HỌC VIÊN THAM DỰ" and the session's
//     title;
//   - the session details: dates (dd/mm/yyyy), venue, organiser (the
//     agency's name from refs, which may be nil) and co-organisers,
//     trainers, format;
//   - the table: STT, họ và tên, đối tượng, đơn vị/nơi công tác, giới
//     tính, điện thoại, tình trạng and an empty "Ký tên" column, one row
//     per person in Vietnamese alphabetical order of the given name (the
//     last word of the name), then of the whole name, as Vietnamese name
//     lists are kept; then AttendanceBlankRows empty rows for walk-ins;
//   - the number of people, and the signature blocks of the organiser and
//     of the person who made the list.
//
// With maskPhones the phone column shows only the last 3 digits, for a
// sheet passed around a room. The sheet prints on A4 portrait, fitted to
// the page width, in Times New Roman, with the table's header row repeated
// at the top of every page.
func WriteAttendance(w io.Writer, s *app.TrainingSession, people []Attendee, refs *app.RefData, unitName string, maskPhones bool) (int, error) {
	b := newAttBook()
	defer b.f.Close()
	sh := AttendanceSheet
	if err := b.f.SetSheetName("Sheet1", sh); err != nil {
		return 0, err
	}
	for i, c := range attColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		b.check(b.f.SetColWidth(sh, col, col, c.width))
	}
	last := attCol(len(attColumns))
	unitName = strings.TrimSpace(unitName)
	row := 0
	next := func() int { row++; return row }

	b.nationalHeader(sh, last, unitName, attPx(1, 3), next)

	r := next()
	b.mergeText(sh, "A", last, r, "DANH SÁCH ĐẠI BIỂU/HỌC VIÊN THAM DỰ", attStyle{bold: true, size: 14, h: "center", v: "center"})
	b.height(sh, r, lineHeight(14))
	title := strings.TrimSpace(s.Title)
	r = next()
	b.mergeText(sh, "A", last, r, title, attStyle{bold: true, size: 13, h: "center", v: "center", wrap: true})
	b.height(sh, r, b.linesHeight(title, true, 13, attPx(1, len(attColumns))))
	b.height(sh, next(), 6)

	// The session details, one line each.
	for _, d := range attendanceDetails(s, refs, unitName) {
		r = next()
		runs := []run{plain(d[0] + ": "), bold(d[1])}
		if d[1] == "" {
			runs[1] = plain(dots(attPx(1, len(attColumns)), textWidth(runs[:1])))
		}
		b.mergeRich(sh, "A", last, r, runs, attStyle{size: bodySize, h: "left", v: "top", wrap: true})
		b.height(sh, r, float64(lines(runs, attPx(1, len(attColumns))))*lineHeight(bodySize))
	}
	b.height(sh, next(), 8)

	// The table.
	head := next()
	for i, c := range attColumns {
		b.cell(sh, attCol(i+1), head, c.title, attStyle{bold: true, size: attendanceSize, h: "center", v: "center", wrap: true, border: true})
	}
	b.height(sh, head, 2*lineHeight(attendanceSize))

	sorted := make([]Attendee, 0, len(people))
	for _, p := range people {
		if !p.Attendance.Voided && !p.Participant.Voided {
			sorted = append(sorted, p)
		}
	}
	sortAttendees(sorted)
	present := 0
	for i, p := range sorted {
		r = next()
		name := strings.TrimSpace(p.Participant.FullName)
		if name == "" {
			name = "(chưa có trong danh sách người tham dự)"
		}
		workplace := strings.TrimSpace(p.Participant.Workplace)
		if workplace == "" {
			workplace = strings.TrimSpace(p.Organisation)
		}
		phone := p.Participant.Phone
		if maskPhones {
			phone = attMaskPhone(phone)
		}
		if p.Attendance.Status == "co_mat" {
			present++
		}
		values := []any{i + 1, name, attShortLabel(app.ParticipantTypes, p.Participant.Type), workplace,
			label(app.Genders, p.Participant.Gender), phone, label(app.AttendanceStatuses, p.Attendance.Status), nil}
		h := attendanceRowHeight
		for j, v := range values {
			c := attColumns[j]
			b.cell(sh, attCol(j+1), r, v, attStyle{size: attendanceSize, h: c.align, v: "center", wrap: true, border: true})
			if t, ok := v.(string); ok && t != "" {
				h = math.Max(h, b.linesHeight(t, false, attendanceSize, attPx(j+1, j+1)))
			}
		}
		b.height(sh, r, h)
	}
	for range AttendanceBlankRows {
		r = next()
		for j, c := range attColumns {
			b.cell(sh, attCol(j+1), r, nil, attStyle{size: attendanceSize, h: c.align, v: "center", wrap: true, border: true})
		}
		b.height(sh, r, attendanceRowHeight)
	}
	b.height(sh, next(), 8)

	r = next()
	count := fmt.Sprintf("Tổng số: %d người trong danh sách; có mặt: ", len(sorted))
	if present > 0 {
		count += fmt.Sprintf("%d người.", present)
	} else {
		count += "……… người."
	}
	b.mergeText(sh, "A", last, r, count, attStyle{size: bodySize, h: "left", v: "top", wrap: true})
	b.height(sh, r, lineHeight(bodySize))
	b.height(sh, next(), 6)

	// Signature blocks: the organiser on the left, the list's maker on the
	// right, under "<place>, ngày … tháng … năm …".
	r = next()
	b.mergeText(sh, "D", last, r, attPlace(unitName)+", "+attSignDate(s), attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	r = next()
	b.mergeText(sh, "A", "C", r, "ĐẠI DIỆN ĐƠN VỊ TỔ CHỨC", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.mergeText(sh, "D", last, r, "NGƯỜI LẬP DANH SÁCH", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	r = next()
	b.mergeText(sh, "A", "C", r, "(Ký, ghi rõ họ tên, đóng dấu)", attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.mergeText(sh, "D", last, r, "(Ký, ghi rõ họ tên)", attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	b.height(sh, next(), 60)

	foot := "Danh sách tham dự"
	if title != "" {
		foot += " – " + attTruncate(title, 70)
	}
	b.pageSetup(sh, "portrait", row, last, fmt.Sprintf("$%d:$%d", head, head), foot)
	if b.err != nil {
		return 0, b.err
	}
	if _, err := b.f.WriteTo(w); err != nil {
		return 0, err
	}
	return len(sorted), nil
}

// attendanceDetails are the session's lines above the table: label and
// value ("" for a dotted line).
func attendanceDetails(s *app.TrainingSession, refs *app.RefData, unitName string) [][2]string {
	when := ""
	switch start, end := day(s.StartDate), day(s.EndDate); {
	case start == "":
	case end == "" || end == start:
		when = "ngày " + start
	default:
		when = "từ ngày " + start + " đến ngày " + end
	}
	organiser := attAgency(refs, s.Organiser, unitName)
	if len(s.CoOrganisers) > 0 {
		co := make([]string, 0, len(s.CoOrganisers))
		for _, a := range s.CoOrganisers {
			co = append(co, attAgency(refs, a, unitName))
		}
		if organiser == "" {
			organiser = "…"
		}
		organiser += "; phối hợp: " + strings.Join(co, ", ")
	}
	return [][2]string{
		{"Thời gian", when},
		{"Địa điểm", strings.TrimSpace(s.Venue)},
		{"Đơn vị tổ chức", organiser},
		{"Báo cáo viên", strings.TrimSpace(s.Trainers)},
		{"Hình thức", label(app.TrainingFormats, s.Format)},
	}
}

// attAgency is the name of an agency by id, or the text itself when it is
// not an agency of the seeds. The communes' People's Committees
// ("ubnd_xa") are the commune's own: "UBND <unitName>".
func attAgency(refs *app.RefData, id, unitName string) string {
	id = strings.TrimSpace(id)
	switch {
	case id == "":
		return ""
	case id == "ubnd_xa" && unitName != "":
		return "UBND " + unitName
	}
	if refs != nil {
		if a, ok := refs.Agency(id); ok {
			return a.NameVI
		}
	}
	return id
}

// sortAttendees sorts people in Vietnamese alphabetical order of the given
// name (the last word), then of the whole name, as Vietnamese lists of
// names are kept; the participant's id breaks ties, so that the order is
// the same on every laptop.
func sortAttendees(people []Attendee) {
	coll := app.NewCollator()
	given := func(name string) string {
		f := strings.Fields(name)
		if len(f) == 0 {
			return ""
		}
		return f[len(f)-1]
	}
	sort.SliceStable(people, func(i, j int) bool {
		a, b := people[i].Participant, people[j].Participant
		if c := coll.CompareString(given(a.FullName), given(b.FullName)); c != 0 {
			return c < 0
		}
		if c := coll.CompareString(a.FullName, b.FullName); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	})
}

// attShortLabel is the label of a code without its explanation in
// brackets ("Hội viên đoàn thể (Mặt trận, …)" → "Hội viên đoàn thể").
func attShortLabel(l app.CodeList, code string) string {
	s := label(l, code)
	if i := strings.Index(s, " ("); i > 0 {
		s = s[:i]
	}
	return s
}

// attMaskPhone keeps the last 3 digits of a phone number.
func attMaskPhone(p string) string {
	var digits []rune
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) == 0 {
		return ""
	}
	if len(digits) <= 3 {
		return strings.Repeat("*", len(digits))
	}
	return strings.Repeat("*", len(digits)-3) + string(digits[len(digits)-3:])
}

// attPlace is the place name of "<place>, ngày …": the commune's name
// without "Xã"/"Phường", or a dotted gap.
func attPlace(unitName string) string {
	for _, p := range []string{"Xã ", "Phường ", "Đặc khu "} {
		if strings.HasPrefix(unitName, p) {
			return strings.TrimPrefix(unitName, p)
		}
	}
	if unitName == "" {
		return "……………"
	}
	return unitName
}

// attSignDate is the day of a one-day session, "ngày 05 tháng 11 năm
// 2026", or dotted gaps.
func attSignDate(s *app.TrainingSession) string {
	if s.EndDate != "" && s.EndDate != s.StartDate {
		return longDate(time.Time{})
	}
	t, err := time.ParseInLocation(time.DateOnly, s.StartDate, app.ICT)
	if err != nil {
		return longDate(time.Time{})
	}
	return longDate(t)
}

func attTruncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// attDate turns a date field (YYYY-MM-DD) into a time Excel stores as that
// day, or nil.
func attDate(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return t
}

// attCol is the letter of column n (1-based).
func attCol(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}

// attPx is the width of columns from..to (1-based) of the sign-in sheet in
// pixels, less the cell padding.
// nationalHeader writes the national header of a sheet the commune signs:
// the commune on the left (A–C, agencyWidth pixels), the motto on the
// right (D to last), and a gap; next numbers the rows.
func (b *attBook) nationalHeader(sh, last, unitName string, agencyWidth float64, next func() int) {
	agency := "UBND XÃ, PHƯỜNG …………………"
	if unitName = strings.TrimSpace(unitName); unitName != "" {
		agency = "UBND " + strings.ToUpper(unitName)
	}
	r := next()
	b.mergeText(sh, "A", "C", r, agency, attStyle{bold: true, size: bodySize, h: "center", v: "center", wrap: true})
	b.mergeText(sh, "D", last, r, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, math.Max(lineHeight(bodySize), b.linesHeight(agency, true, bodySize, agencyWidth)))
	r = next()
	b.mergeText(sh, "D", last, r, "Độc lập - Tự do - Hạnh phúc", attStyle{bold: true, underline: true, size: 13, h: "center", v: "center"})
	b.height(sh, r, lineHeight(13))
	b.height(sh, next(), 10)
}

func attPx(from, to int) float64 {
	w := 0.0
	for i := from; i <= to; i++ {
		w += attColumns[i-1].width*7 + 5
	}
	return w - 6
}

// attStyle describes a cell style of the attendance and training sheets.
type attStyle struct {
	size                    float64
	bold, italic, underline bool
	h, v                    string
	wrap, border            bool
	numFmt                  string
	fill                    string
}

// attBook is a workbook being written, with its styles made once and the
// first error kept.
type attBook struct {
	f      *excelize.File
	styles map[attStyle]int
	err    error
}

func newAttBook() *attBook {
	f := excelize.NewFile()
	b := &attBook{f: f, styles: map[attStyle]int{}}
	b.check(f.SetDefaultFont(intakeFont))
	return b
}

func (b *attBook) check(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

func (b *attBook) style(s attStyle) int {
	if id, ok := b.styles[s]; ok {
		return id
	}
	size := s.size
	if size == 0 {
		size = attendanceSize
	}
	st := &excelize.Style{
		Font:      &excelize.Font{Family: intakeFont, Size: size, Bold: s.bold, Italic: s.italic},
		Alignment: &excelize.Alignment{Horizontal: s.h, Vertical: s.v, WrapText: s.wrap},
	}
	if s.underline {
		st.Font.Underline = "single"
	}
	if s.border {
		for _, side := range []string{"left", "top", "right", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	if s.numFmt != "" {
		st.CustomNumFmt = ptr(s.numFmt)
	}
	if s.fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.fill}}
	}
	id, err := b.f.NewStyle(st)
	b.check(err)
	b.styles[s] = id
	return id
}

// cell sets one cell's value (nil for none) and style.
func (b *attBook) cell(sheet, col string, row int, v any, s attStyle) {
	ref := fmt.Sprintf("%s%d", col, row)
	if v != nil {
		b.check(b.f.SetCellValue(sheet, ref, v))
	}
	b.check(b.f.SetCellStyle(sheet, ref, ref, b.style(s)))
}

// mergeText merges columns from..to of row and writes v there.
func (b *attBook) mergeText(sheet, from, to string, row int, v any, s attStyle) {
	first, last := fmt.Sprintf("%s%d", from, row), fmt.Sprintf("%s%d", to, row)
	if first != last {
		b.check(b.f.MergeCell(sheet, first, last))
	}
	if v != nil {
		b.check(b.f.SetCellValue(sheet, first, v))
	}
	b.check(b.f.SetCellStyle(sheet, first, last, b.style(s)))
}

// mergeRich is mergeText with runs of different fonts.
func (b *attBook) mergeRich(sheet, from, to string, row int, runs []run, s attStyle) {
	b.mergeText(sheet, from, to, row, nil, s)
	rt := make([]excelize.RichTextRun, 0, len(runs))
	for _, r := range runs {
		if r.text == "" {
			continue
		}
		rt = append(rt, excelize.RichTextRun{Text: r.text,
			Font: &excelize.Font{Family: intakeFont, Size: r.fontSize(), Bold: r.bold, Italic: r.italic}})
	}
	if len(rt) > 0 {
		b.check(b.f.SetCellRichText(sheet, fmt.Sprintf("%s%d", from, row), rt))
	}
}

// linesHeight is the height in points of text wrapped in width pixels.
func (b *attBook) linesHeight(text string, isBold bool, size float64, width float64) float64 {
	n := lines([]run{{text: text, bold: isBold, size: size}}, width)
	return float64(n) * lineHeight(size)
}

func (b *attBook) height(sheet string, row int, h float64) {
	b.check(b.f.SetRowHeight(sheet, row, math.Min(409, math.Ceil(h*4)/4)))
}

// pageSetup prints sheet on A4 in the given orientation, fitted to the
// page width and as many pages tall as needed, with the margins of the
// intake record, the rows titles repeated on every page ("$9:$9"), a
// footer with foot and the page number, and no grid lines; it sets the
// sheet's dimension to A1:<lastCol><lastRow>.
func (b *attBook) pageSetup(sheet, orientation string, lastRow int, lastCol, titles, foot string) {
	f := b.f
	// excelize leaves <dimension ref="A1">, which readers in read-only
	// mode (openpyxl) trust: they would see one cell.
	b.check(f.SetSheetDimension(sheet, fmt.Sprintf("A1:%s%d", lastCol, lastRow)))
	b.check(f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: ptr(paperA4), Orientation: ptr(orientation), FitToWidth: ptr(1), FitToHeight: ptr(0),
	}))
	b.check(f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}))
	b.check(f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: ptr(marginLeft), Right: ptr(marginOther), Top: ptr(marginOther), Bottom: ptr(marginOther),
		Header: ptr(marginFooter), Footer: ptr(marginFooter), Horizontally: ptr(true),
	}))
	foot = strings.ReplaceAll(foot, "&", "&&")
	b.check(f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: `&L&"Times New Roman,Italic"&9` + foot + `&R&"Times New Roman,Italic"&9Trang &P/&N`,
	}))
	b.check(f.SetSheetView(sheet, 0, &excelize.ViewOptions{ShowGridLines: ptr(false)}))
	b.check(f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", RefersTo: fmt.Sprintf("'%s'!$A$1:$%s$%d", sheet, lastCol, lastRow), Scope: sheet,
	}))
	if titles != "" {
		b.check(f.SetDefinedName(&excelize.DefinedName{
			Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!%s", sheet, titles), Scope: sheet,
		}))
	}
}
