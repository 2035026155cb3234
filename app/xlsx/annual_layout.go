package xlsx

import (
	"fmt"
	"math"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// The layout of the annual report's sheets: each sheet is a column grid of
// fixed widths that fits the width of A4 at 100 %, and rows whose heights
// are estimated from their text (with the Times New Roman metrics of the
// intake record), so that the sheet prints the same in Excel and in
// LibreOffice, and so that a table or the signature block is moved to the
// next page whole instead of being cut by the page break.

// Page geometry, in points: the height of A4 inside the top and bottom
// margins (1.5 cm each), portrait and landscape, less a margin of safety
// for the estimate.
const (
	portraitHeight  = (29.7 - 2*1.5) / 2.54 * 72 * 0.98
	landscapeHeight = (21.0 - 2*1.5) / 2.54 * 72 * 0.98
	// Widths available between the margins (2 cm left, 1.5 cm right), in
	// Excel's character units (7 pixels each plus 5 per column).
	portraitWidth  = 92.0
	landscapeWidth = 138.0
)

// Number formats.
const (
	// Numbers keep the width of ")" free at the right border.
	fmtInt     = "#,##0_)"
	fmtPercent = "0.0%_)"
	fmtWhole   = "0%_)"
	fmtDate    = "dd/mm/yyyy"
	fmtYear    = "0"
)

// cellStyle is the look of a cell; equal looks share one excelize style.
type cellStyle struct {
	bold, italic bool
	size         float64 // 0: bodySize
	align        string  // "left" (default), "center", "right"
	valign       string  // "top" (default), "center"
	border       bool
	fill         bool // the shading of table headers and totals
	numFmt       string
	indent       int
	underline    bool
}

func (s cellStyle) fontSize() float64 {
	if s.size == 0 {
		return bodySize
	}
	return s.size
}

// cell is what a row holds in span columns (1 if 0): a value (string,
// number, time.Time, nil) or rich text runs.
type cell struct {
	span  int
	value any
	runs  []run
	style cellStyle
}

// rowSpec is one row of a block: its cells from column A, and a minimum
// height in points.
type rowSpec struct {
	cells []cell
	minH  float64
	// keepNext keeps the row on the same page as the next one (a section
	// heading above its first line).
	keepNext bool
	// mark, if set, receives the row's number once written.
	mark *int
	// header marks a table's header row: from then on it is written again
	// at the top of each page the table continues on (until repeat is
	// reset).
	header bool
}

// sheetWriter writes one printable sheet top to bottom.
type sheetWriter struct {
	f      *excelize.File
	name   string
	widths []float64
	pageH  float64 // printable height, points
	row    int
	used   float64 // height used on the current page, points
	titleH float64 // height of the print-title rows, repeated on every page
	styles map[cellStyle]int
	breaks int // manual page breaks inserted
	// pageBreakNext: a space did not fit; the next row starts a page.
	pageBreakNext bool
	// repeat, while a table is written, is its header row: written again
	// at the top of a page the table continues on.
	repeat *rowSpec
	err    error
}

func newSheetWriter(f *excelize.File, name string, widths []float64, landscape bool, styles map[cellStyle]int) *sheetWriter {
	h := portraitHeight
	if landscape {
		h = landscapeHeight
	}
	return &sheetWriter{f: f, name: name, widths: widths, pageH: h, styles: styles}
}

func (s *sheetWriter) check(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

// style returns the excelize style of a look, made once per file.
func (s *sheetWriter) style(cs cellStyle) int {
	if id, ok := s.styles[cs]; ok {
		return id
	}
	st := &excelize.Style{
		Font: &excelize.Font{Family: intakeFont, Size: cs.fontSize(), Bold: cs.bold, Italic: cs.italic},
		Alignment: &excelize.Alignment{Horizontal: cs.align, Vertical: cs.valign, WrapText: true,
			Indent: cs.indent},
	}
	if cs.underline {
		st.Font.Underline = "single"
	}
	if st.Alignment.Horizontal == "" {
		st.Alignment.Horizontal = "left"
	}
	if st.Alignment.Vertical == "" {
		st.Alignment.Vertical = "top"
	}
	if cs.border {
		for _, side := range []string{"left", "top", "right", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	if cs.fill {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}
	}
	if cs.numFmt != "" {
		st.CustomNumFmt = ptr(cs.numFmt)
	}
	id, err := s.f.NewStyle(st)
	s.check(err)
	s.styles[cs] = id
	return id
}

// spanWidth is the width of columns [from, from+n) in pixels at 100 %, less
// the cell's padding.
func (s *sheetWriter) spanWidth(from, n int) float64 {
	w := 0.0
	for i := from; i < from+n && i < len(s.widths); i++ {
		w += s.widths[i]*7 + 5
	}
	return w - 6
}

// height estimates the height of a row in points.
func (s *sheetWriter) height(r rowSpec) float64 {
	h := r.minH
	col := 0
	for _, c := range r.cells {
		n := max(c.span, 1)
		runs := c.runs
		if runs == nil {
			if str, ok := c.value.(string); ok && str != "" {
				runs = []run{{text: str, bold: c.style.bold, italic: c.style.italic, size: c.style.fontSize()}}
			}
		}
		size := c.style.fontSize()
		for _, r := range runs {
			size = max(size, r.fontSize())
		}
		ch := lineHeight(size)
		if len(runs) > 0 {
			w := s.spanWidth(col, n) - float64(c.style.indent)*9
			if n := wrapLines(runs, w); n > 1 {
				// Excel's height of one line already has room for the
				// borders; a few lines get a little more.
				ch = float64(n)*lineHeight(size) + 3
			}
		}
		h = max(h, ch)
		col += n
	}
	return math.Min(409, math.Ceil(h*4)/4)
}

// How block places its rows on pages.
const (
	// flow: a page break comes before the first row that does not fit
	// (and before a row kept with the next when the two do not fit).
	flow = iota
	// keepSmall: rows taking at most 40 % of a page go on one page; a
	// longer table flows, its rows kept with the next staying together.
	keepSmall
	// keepWhole: the rows go on one page whenever they fit on one.
	keepWhole
)

// put writes one row now, breaking the page first if it does not fit.
func (s *sheetWriter) put(cells ...cell) { s.block(flow, rowSpec{cells: cells}) }

// space writes an empty row of h points; at the top of a page it is left
// out.
func (s *sheetWriter) space(h float64) {
	if s.used+h > s.pageH {
		s.pageBreakNext = true
		return
	}
	s.block(flow, rowSpec{minH: h})
}

// block writes rows, placed on pages as mode says.
func (s *sheetWriter) block(mode int, rows ...rowSpec) {
	hs := s.prepare(mode, rows...)
	for i, r := range rows {
		if s.err != nil {
			return
		}
		need := hs[i]
		for j := i; j+1 < len(rows) && rows[j].keepNext; j++ {
			need += hs[j+1]
		}
		s.fit(need)
		s.write(r, hs[i])
	}
}

// prepare starts a new page if mode asks for rows to be together and they
// do not fit on the current one, and returns their heights.
func (s *sheetWriter) prepare(mode int, rows ...rowSpec) []float64 {
	hs := make([]float64, len(rows))
	total := 0.0
	for i, r := range rows {
		hs[i] = s.height(r)
		total += hs[i]
	}
	if s.err != nil {
		return hs
	}
	if s.pageBreakNext {
		s.pageBreakNext = false
		s.pageBreak()
	}
	page := s.pageH - s.titleH
	switch {
	case mode == keepWhole && total <= page, mode == keepSmall && total <= 0.4*page:
		s.fit(total)
	}
	return hs
}

// fit starts a new page if h points do not fit on the current one (and the
// current one holds more than its titles).
func (s *sheetWriter) fit(h float64) {
	top := s.titleH + 1
	if s.repeat != nil {
		top += s.height(*s.repeat)
	}
	if s.used+h <= s.pageH || s.used <= top {
		return
	}
	s.pageBreak()
}

// pageBreak starts a new page at the next row.
func (s *sheetWriter) pageBreak() {
	if s.row == 0 {
		return
	}
	s.check(s.f.InsertPageBreak(s.name, fmt.Sprintf("A%d", s.row+1)))
	s.breaks++
	s.used = s.titleH
	if s.repeat != nil {
		s.write(*s.repeat, s.height(*s.repeat))
	}
}

func (s *sheetWriter) write(r rowSpec, h float64) {
	s.row++
	col := 1
	for _, c := range r.cells {
		n := max(c.span, 1)
		first, _ := excelize.CoordinatesToCellName(col, s.row)
		last, _ := excelize.CoordinatesToCellName(col+n-1, s.row)
		if n > 1 {
			s.check(s.f.MergeCell(s.name, first, last))
		}
		s.check(s.f.SetCellStyle(s.name, first, last, s.style(c.style)))
		switch {
		case c.runs != nil:
			rt := make([]excelize.RichTextRun, 0, len(c.runs))
			for _, r := range c.runs {
				if r.text == "" {
					continue
				}
				font := &excelize.Font{Family: intakeFont, Size: r.fontSize(), Bold: r.bold, Italic: r.italic}
				if r.underline {
					font.Underline = "single"
				}
				rt = append(rt, excelize.RichTextRun{Text: r.text, Font: font})
			}
			if len(rt) > 0 {
				s.check(s.f.SetCellRichText(s.name, first, rt))
			}
		case c.value != nil:
			s.check(s.f.SetCellValue(s.name, first, c.value))
		}
		col += n
	}
	s.check(s.f.SetRowHeight(s.name, s.row, h))
	s.used += h
	if r.mark != nil {
		*r.mark = s.row
	}
	if r.header {
		hr := r
		hr.header, hr.keepNext, hr.mark = false, false, nil
		s.repeat = &hr
	}
}

// setup sets the columns, the page (A4, margins, footer, one page wide),
// the print area and, if titleRows > 0, rows 1..titleRows as print titles
// repeated at the top of every page.
func (s *sheetWriter) setup(landscape bool, footer string, titleFrom, titleTo int) {
	if s.err != nil {
		return
	}
	for i, w := range s.widths {
		c, _ := excelize.ColumnNumberToName(i + 1)
		s.check(s.f.SetColWidth(s.name, c, c, w))
	}
	orient := "portrait"
	if landscape {
		orient = "landscape"
	}
	s.check(s.f.SetPageLayout(s.name, &excelize.PageLayoutOptions{
		Size: ptr(paperA4), Orientation: ptr(orient), FitToWidth: ptr(1), FitToHeight: ptr(0),
	}))
	s.check(s.f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: ptr(true)}))
	s.check(s.f.SetPageMargins(s.name, &excelize.PageLayoutMarginsOptions{
		Left: ptr(marginLeft), Right: ptr(marginOther), Top: ptr(marginOther), Bottom: ptr(marginOther),
		Header: ptr(marginFooter), Footer: ptr(marginFooter), Horizontally: ptr(true),
	}))
	foot := `&L&"Times New Roman,Italic"&9` + footer + `&R&"Times New Roman,Italic"&9Trang &P/&N`
	s.check(s.f.SetHeaderFooter(s.name, &excelize.HeaderFooterOptions{OddFooter: foot}))
	s.check(s.f.SetSheetView(s.name, 0, &excelize.ViewOptions{ShowGridLines: ptr(false)}))
	last, _ := excelize.ColumnNumberToName(len(s.widths))
	// excelize leaves <dimension ref="A1">; readers that trust it (openpyxl
	// in read-only mode) would see one cell.
	s.check(s.f.SetSheetDimension(s.name, fmt.Sprintf("A1:%s%d", last, max(s.row, 1))))
	s.check(s.f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("'%s'!$A$1:$%s$%d", s.name, last, max(s.row, 1)),
		Scope:    s.name,
	}))
	if titleFrom > 0 {
		s.check(s.f.SetDefinedName(&excelize.DefinedName{
			Name:     "_xlnm.Print_Titles",
			RefersTo: fmt.Sprintf("'%s'!$%d:$%d", s.name, titleFrom, titleTo),
			Scope:    s.name,
		}))
	}
}

// wrapLines counts the lines runs take when wrapped at spaces in width
// pixels, as a spreadsheet wraps a cell: a word that does not fit goes to
// the next line, a word longer than a line is cut, "\n" starts a line.
func wrapLines(runs []run, width float64) int {
	width *= 0.97 // the metrics are estimates
	n, cur, word := 1, 0.0, 0.0
	// wordStart is whether cur holds anything before the current word.
	flushWord := func() {
		switch {
		case cur+word <= width:
			cur += word
		case word > width: // a word longer than a line
			if cur > 0 {
				n++
			}
			n += int(word / width)
			cur = word - float64(int(word/width))*width
		default:
			n++
			cur = word
		}
		word = 0
	}
	for _, r := range runs {
		px := r.fontSize() * 96 / 72
		for _, ch := range r.text {
			switch ch {
			case '\n':
				flushWord()
				n++
				cur = 0
			case ' ':
				flushWord()
				cur += emWidth(ch, r.bold) * px
			default:
				word += emWidth(ch, r.bold) * px
			}
		}
	}
	flushWord()
	return n
}

// excelDay is the calendar day of t in Vietnam time, as a time Excel stores
// as that day; the zero time stays zero.
func excelDay(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	l := t.In(app.ICT)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}
