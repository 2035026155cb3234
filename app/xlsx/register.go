// Package xlsx writes the Excel files a commune office files with the
// province. Big sheets go through excelize's stream writer, so a register
// of 100,000 cases stays within a few tens of megabytes of memory.
package xlsx

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/collate"

	"bvntd/app"
)

// The complaint register (sổ theo dõi tiếp nhận, giải quyết phản ánh,
// khiếu nại của người tiêu dùng).
const (
	// RegisterSheet is the name of the register's sheet.
	RegisterSheet = "Sổ theo dõi"
	// RegisterUnitSheet is the name of the per-commune sheet of the
	// province's register.
	RegisterUnitSheet = "Theo xã, phường"
	// RegisterTitle is the title printed on top of the register.
	RegisterTitle = "SỔ THEO DÕI TIẾP NHẬN, GIẢI QUYẾT PHẢN ÁNH, KHIẾU NẠI CỦA NGƯỜI TIÊU DÙNG"
	// RegisterHeaderRow is the row of the column headings; the cases
	// start on the row below it, and the totals row follows the last case.
	RegisterHeaderRow = 7
	// RegisterUnitHeaderRow is the header row of the per-commune sheet.
	RegisterUnitHeaderRow = 5
)

// Vietnamese texts of the register that tests and readers look for.
const (
	registerTotalLabel = "Cộng"
	overdueFormat      = `dd/mm/yyyy" (quá hạn)"`
)

// RegisterOptions choose what the register holds.
type RegisterOptions struct {
	// Unit is the commune whose cases are listed. "" lists the cases of
	// every commune in the data (the province's register): it adds a
	// "Xã, phường" column and a second sheet with the figures of each
	// commune.
	Unit string
	// Period: the cases received on a day of the period are listed.
	Period app.KPIPeriod
	// Mask hides personal data: the consumer's name becomes initials
	// (MaskName), the phone its last 3 digits (MaskPhone), the address
	// its commune (MaskAddress).
	Mask bool
	// Refs give the labels of sectors and the names of communes; nil
	// shows codes.
	Refs *app.RefData
	// Printed is the date printed in the header; zero takes the data's
	// Now, or else the current time.
	Printed time.Time
	// Progress, if set, is told every 1,000 cases how many are written.
	Progress func(done, total int)
}

// RegisterCase is one case of the register, with what its timeline says at
// the data's Now.
type RegisterCase struct {
	*app.Case
	// NextDue is the last day (00:00 ICT) of the soonest running time
	// limit, NextRule its code; zero and "" when none runs (a finished
	// case, or no time limits in the data).
	NextDue  time.Time
	NextRule string
	// Overdue: a running time limit has passed (the soonest has, then).
	Overdue bool
	// Finished: the handling has ended (resolved, closed, rejected or
	// withdrawn); FinishedAt is when, as the indicators count it.
	Finished   bool
	FinishedAt time.Time
	// Outcome is the last recorded outcome (an app.Outcomes code) and
	// Recovered the money recovered for the consumer, once per case: as
	// app.ComputeKPIs counts them (Recovered).
	Outcome   string
	Recovered int64

	unitRank int // position of the commune in Vietnamese order
}

// RegisterCases returns the rows of the register of d: the cases of
// opt.Unit ("" for all) received in opt.Period, voided ones left out,
// oldest first; on the province's register, commune by commune in
// Vietnamese alphabetical order of their names (without "Xã", "Phường"),
// oldest first within each. The rows point into d.Cases.
func RegisterCases(d *app.KPIData, opt RegisterOptions) []RegisterCase {
	n := 0
	for i := range d.Cases {
		if c := &d.Cases[i]; registerListed(c, opt) {
			n++
		}
	}
	rows := make([]RegisterCase, 0, n)
	want := make(map[string]bool, n)
	for i := range d.Cases {
		if c := &d.Cases[i]; registerListed(c, opt) {
			want[c.ID] = true
			rows = append(rows, RegisterCase{Case: c})
		}
	}
	events, spans := timelines(d.Events, want)
	for i := range rows {
		var evs []app.CaseEvent
		if sp, ok := spans[rows[i].ID]; ok {
			evs = events[sp[0]:sp[1]]
		}
		rows[i].read(evs, d)
	}
	if opt.Unit == "" {
		rank := unitRanks(rows, opt.Refs)
		for i := range rows {
			rows[i].unitRank = rank[rows[i].UnitCode]
		}
	}
	slices.SortFunc(rows, func(a, b RegisterCase) int {
		if c := cmp.Compare(a.unitRank, b.unitRank); c != 0 {
			return c
		}
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		if c := strings.Compare(a.Number, b.Number); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return rows
}

// read fills what r's timeline evs (in time order) says at d.Now, with
// d's time limits and calendar.
func (r *RegisterCase) read(evs []app.CaseEvent, d *app.KPIData) {
	r.fate(evs)
	if d.Calendar == nil || len(d.SlaRules) == 0 || d.Now.IsZero() {
		return
	}
	if dls := app.Deadlines(r.Case, evs, d.SlaRules, d.Calendar, d.Now); len(dls) > 0 {
		r.NextDue, r.NextRule, r.Overdue = dls[0].Due, dls[0].Rule.Code, dls[0].Overdue
		for _, dl := range dls {
			r.Overdue = r.Overdue || dl.Overdue
		}
	}
}

func registerListed(c *app.Case, opt RegisterOptions) bool {
	return !c.Voided && (opt.Unit == "" || c.UnitCode == opt.Unit) && opt.Period.Contains(c.ReceivedAt)
}

// timelines returns the steps of the wanted cases in time order, each
// case's steps together, and the span of each case's steps. The stores
// give the steps in that order already (by case, time and id); then the
// spans point into evs and nothing is copied.
func timelines(evs []app.CaseEvent, want map[string]bool) ([]app.CaseEvent, map[string][2]int) {
	before := func(a, b *app.CaseEvent) int {
		if c := strings.Compare(a.CaseID, b.CaseID); c != 0 {
			return c
		}
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	sorted := true
	for i := 1; i < len(evs) && sorted; i++ {
		sorted = before(&evs[i-1], &evs[i]) <= 0
	}
	if !sorted {
		var mine []app.CaseEvent
		for i := range evs {
			if want[evs[i].CaseID] {
				mine = append(mine, evs[i])
			}
		}
		slices.SortStableFunc(mine, func(a, b app.CaseEvent) int { return before(&a, &b) })
		evs = mine
	}
	spans := make(map[string][2]int, len(want))
	for i := 0; i < len(evs); {
		j := i + 1
		for j < len(evs) && evs[j].CaseID == evs[i].CaseID {
			j++
		}
		if want[evs[i].CaseID] {
			spans[evs[i].CaseID] = [2]int{i, j}
		}
		i = j
	}
	return evs, spans
}

// fate reads the case's timeline (in time order) exactly as the
// indicators do (app.OutcomeOf): when the handling ended, the outcome and
// the amount recovered, once per case.
func (r *RegisterCase) fate(evs []app.CaseEvent) {
	o := app.OutcomeOf(r.Case, evs)
	r.Finished, r.FinishedAt, r.Outcome, r.Recovered = o.Finished, o.FinishedAt, o.Outcome, o.Amount
}

// unitSortName is what communes are sorted by: the name without "Xã" or
// "Phường" ("Đạo Thạnh"), then the full name.
func unitSortName(refs *app.RefData, code string) string {
	if refs != nil {
		if u, ok := refs.Unit(code); ok && u.ShortName != "" {
			return u.ShortName + " " + u.Name
		}
	}
	return unitName(refs, code)
}

// unitRanks returns the position of each commune of rows in Vietnamese
// alphabetical order of the names (unitSortName).
func unitRanks(rows []RegisterCase, refs *app.RefData) map[string]int {
	var codes []string
	seen := map[string]bool{}
	for i := range rows {
		if u := rows[i].UnitCode; !seen[u] {
			seen[u] = true
			codes = append(codes, u)
		}
	}
	sortUnits(codes, refs)
	rank := make(map[string]int, len(codes))
	for i, u := range codes {
		rank[u] = i
	}
	return rank
}

// sortUnits sorts commune codes in Vietnamese alphabetical order of their
// names (unitSortName), then by code.
func sortUnits(codes []string, refs *app.RefData) {
	col := app.NewCollator()
	var buf collate.Buffer
	keys := make(map[string][]byte, len(codes))
	for _, u := range codes {
		keys[u] = append([]byte(nil), col.KeyFromString(&buf, unitSortName(refs, u))...)
		buf.Reset()
	}
	slices.SortStableFunc(codes, func(a, b string) int {
		if c := bytes.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}

// registerColumn is a column of the register.
type registerColumn struct {
	id    string
	title string
	width float64
}

// Column ids.
const (
	rcSTT        = "stt"
	rcUnit       = "unit"
	rcNumber     = "number"
	rcReceived   = "received"
	rcChannel    = "channel"
	rcKind       = "kind"
	rcConsumer   = "consumer"
	rcPhone      = "phone"
	rcAddress    = "address"
	rcBusiness   = "business"
	rcSector     = "sector"
	rcSummary    = "summary"
	rcStatus     = "status"
	rcDeadline   = "deadline"
	rcFinished   = "finished"
	rcOutcome    = "outcome"
	rcAmount     = "amount"
	rcVulnerable = "vulnerable"
)

// registerColumns returns the columns of a commune's register, or with
// province set, of the province's (with the commune of each case).
func registerColumns(province bool) []registerColumn {
	// Widths in Excel's character units: about 225 in all, so that one
	// page wide on A4 landscape prints at about 70 %; long texts wrap.
	cols := []registerColumn{{rcSTT, "STT", 4.5}}
	if province {
		cols = append(cols, registerColumn{rcUnit, "Xã, phường", 13})
	}
	return append(cols,
		registerColumn{rcNumber, "Số vụ việc", 17.5},
		registerColumn{rcReceived, "Ngày tiếp nhận", 10.5},
		registerColumn{rcChannel, "Kênh tiếp nhận", 12},
		registerColumn{rcKind, "Loại vụ việc", 11},
		registerColumn{rcConsumer, "Người tiêu dùng", 15},
		registerColumn{rcPhone, "Số điện thoại", 11},
		registerColumn{rcAddress, "Địa chỉ", 18},
		registerColumn{rcBusiness, "Tổ chức, cá nhân kinh doanh", 18},
		registerColumn{rcSector, "Lĩnh vực", 14},
		// The facts: without them the register could not be imported
		// again (xlsx.ParseRegister needs "Nội dung").
		registerColumn{rcSummary, "Nội dung", 26},
		registerColumn{rcStatus, "Trạng thái", 10.5},
		registerColumn{rcDeadline, "Hạn xử lý gần nhất", 15},
		registerColumn{rcFinished, "Ngày kết thúc", 10.5},
		registerColumn{rcOutcome, "Kết quả giải quyết", 14},
		registerColumn{rcAmount, "Số tiền thu hồi cho NTD (đồng)", 11.5},
		registerColumn{rcVulnerable, "NTD dễ bị tổn thương", 7.5},
	)
}

// RegisterColumnTitles returns the column headings of a commune's
// register, or with province set, of the province's.
func RegisterColumnTitles(province bool) []string {
	var out []string
	for _, c := range registerColumns(province) {
		out = append(out, c.title)
	}
	return out
}

// registerStyles are the cell styles of the register.
type registerStyles struct {
	agency, title, subtitle, note                     int
	head, text, center, date, overdue, money, count   int
	totalLabel, totalCount, totalMoney, totalBlank    int
	countCases, countUnits, countOverdue, countClosed int
}

func newRegisterStyles(f *excelize.File) (*registerStyles, error) {
	var s registerStyles
	var err error
	mk := func(dst *int, st *excelize.Style) {
		if err != nil {
			return
		}
		*dst, err = f.NewStyle(st)
	}
	font := func(size float64, bold, italic bool) *excelize.Font {
		return &excelize.Font{Family: intakeFont, Size: size, Bold: bold, Italic: italic}
	}
	cell := func(h string) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: "top", WrapText: true}
	}
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	totalFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	mk(&s.agency, &excelize.Style{Font: font(12, true, false), Alignment: &excelize.Alignment{Horizontal: "center"}})
	mk(&s.title, &excelize.Style{Font: font(14, true, false), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	mk(&s.subtitle, &excelize.Style{Font: font(12, false, false), Alignment: &excelize.Alignment{Horizontal: "center"}})
	mk(&s.note, &excelize.Style{Font: font(10, false, true), Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	mk(&s.head, &excelize.Style{Font: font(10, true, false), Fill: fill, Border: borders(),
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	mk(&s.text, &excelize.Style{Font: font(10, false, false), Border: borders(), Alignment: cell("left")})
	mk(&s.center, &excelize.Style{Font: font(10, false, false), Border: borders(), Alignment: cell("center")})
	mk(&s.date, &excelize.Style{Font: font(10, false, false), Border: borders(), Alignment: cell("center"),
		CustomNumFmt: ptr("dd/mm/yyyy")})
	mk(&s.overdue, &excelize.Style{Font: &excelize.Font{Family: intakeFont, Size: 10, Bold: true, Color: "C00000"},
		Border: borders(), Alignment: cell("center"), CustomNumFmt: ptr(overdueFormat)})
	mk(&s.money, &excelize.Style{Font: font(10, false, false), Border: borders(), Alignment: cell("right"), NumFmt: 3}) // #,##0
	mk(&s.count, &excelize.Style{Font: font(10, false, false), Border: borders(), Alignment: cell("center"), NumFmt: 3})
	total := func(format string, h string) *excelize.Style {
		st := &excelize.Style{Font: font(10, true, false), Fill: totalFill, Border: borders(), Alignment: cell(h)}
		if format != "" {
			st.CustomNumFmt = ptr(format)
		}
		return st
	}
	mk(&s.totalLabel, total("", "center"))
	mk(&s.totalBlank, total("", "left"))
	mk(&s.totalMoney, total("#,##0", "right"))
	mk(&s.totalCount, total("#,##0", "center"))
	mk(&s.countCases, total(`#,##0" vụ việc"`, "left"))
	mk(&s.countUnits, total(`#,##0" xã, phường"`, "left"))
	mk(&s.countOverdue, total(`#,##0" quá hạn"`, "center"))
	mk(&s.countClosed, total(`#,##0" đã kết thúc"`, "center"))
	return &s, err
}

// registerTotals are the figures of the totals row.
type registerTotals struct {
	cases, units, overdue, finished, vulnerable int
	recovered                                   int64
}

// WriteRegister writes the complaint register of d to w (the rows of
// RegisterCases) and returns the number of cases written.
//
// The sheet RegisterSheet has a header block (the unit, the title, the
// unit and period, the date printed and, if masked, a note), the column
// headings on row RegisterHeaderRow, one row per case and a totals row:
// the number of cases (and, for the province, of communes), of cases
// overdue, finished and of vulnerable consumers, and the money recovered.
// Dates are date cells shown dd/mm/yyyy; the soonest running time limit
// is shown in red with "(quá hạn)" once passed; the amount recovered is a
// number shown with thousands separators. The headings are frozen and
// filtered, and repeat on every printed page (A4 landscape, one page
// wide).
//
// The province's register (opt.Unit == "") adds the commune of each case
// and a sheet RegisterUnitSheet with, for every commune of d.Units (and
// any other commune the cases name), in Vietnamese alphabetical order:
// cases received, finished, still open, overdue, of vulnerable consumers,
// and the money recovered, over the same cases, with a totals row.
//
// The writer stops with ctx's error when ctx is cancelled.
func WriteRegister(ctx context.Context, w io.Writer, d *app.KPIData, opt RegisterOptions) (int, error) {
	rows := RegisterCases(d, opt)
	var units []string
	seen := map[string]bool{}
	for i := range rows {
		if u := rows[i].UnitCode; !seen[u] {
			seen[u] = true
			units = append(units, u)
		}
	}
	return writeRegister(ctx, w, d, opt, len(rows), units, func(fn func(*RegisterCase) error) error {
		for i := range rows {
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// RegisterSource gives the cases of a register a batch at a time, so
// that a register of 100,000 cases need not be held in memory; the
// store's storage.Register is one.
type RegisterSource interface {
	// Data returns what the rows need besides the cases: Units (the
	// communes covered), SlaRules, Calendar and Now; its Cases and
	// Events are not read.
	Data() *app.KPIData
	// Listed returns the number of cases of the register (those of
	// opt.Unit received in opt.Period, voided ones left out: the source
	// chooses them) and the communes they belong to.
	Listed(ctx context.Context) (int, []string, error)
	// Each calls fn with each case of the register and its steps in
	// time order (ties by id), commune by commune in the order of units,
	// each commune's cases by time received, number and id. fn does not
	// keep c or evs.
	Each(ctx context.Context, units []string, fn func(c *app.Case, evs []app.CaseEvent) error) error
}

// WriteRegisterStream writes the register of the cases src gives, as
// WriteRegister writes that of a KPIData with the same cases: the same
// rows, totals and per-commune sheet. opt.Unit and opt.Period must be
// those src chooses its cases by.
func WriteRegisterStream(ctx context.Context, w io.Writer, src RegisterSource, opt RegisterOptions) (int, error) {
	d := src.Data()
	n, units, err := src.Listed(ctx)
	if err != nil {
		return 0, err
	}
	order := slices.Clone(units)
	if opt.Unit == "" {
		sortUnits(order, opt.Refs)
	}
	return writeRegister(ctx, w, d, opt, n, units, func(fn func(*RegisterCase) error) error {
		return src.Each(ctx, order, func(c *app.Case, evs []app.CaseEvent) error {
			r := RegisterCase{Case: c}
			r.read(evs, d)
			return fn(&r)
		})
	})
}

// writeRegister writes the register of n cases, which each gives one
// after the other in the register's order, belonging to the communes
// units; d gives the communes covered, the time limits and Now.
//
// The register's sheet is the first part of the file and is written to w
// as the rows come (register_rows.go): when writeRegister fails, w may
// hold the beginning of a file.
func writeRegister(ctx context.Context, w io.Writer, d *app.KPIData, opt RegisterOptions, n int, units []string,
	each func(fn func(*RegisterCase) error) error) (int, error) {
	printed := opt.Printed
	if printed.IsZero() {
		printed = d.Now
	}
	if printed.IsZero() {
		return 0, errors.New("xlsx: the register needs the day it is printed (RegisterOptions.Printed or KPIData.Now)")
	}
	province := opt.Unit == ""
	cols := registerColumns(province)
	first := RegisterHeaderRow + 1
	totalRow := RegisterHeaderRow + n + 1
	byExcelize := excelizeRows || legacySheetOrder

	f, st, sw, err := newRegisterBook(d, opt, printed, n)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	// The rows go straight into the zip on w, between excelize's XML of the
	// register's sheet without its rows (that of a second workbook made the
	// same way: f's is written when its other sheet is filled, after the
	// rows); or, for the tests' oracle, through excelize's stream writer.
	var zw *zip.Writer
	var rw *rowWriter
	var part string
	var tail []byte
	if !byExcelize {
		tmpl, _, tsw, err := newRegisterBook(d, opt, printed, n)
		if err != nil {
			return 0, err
		}
		var b bytes.Buffer
		if err = tsw.Flush(); err == nil {
			_, err = tmpl.WriteTo(&b)
		}
		tmpl.Close()
		if err != nil {
			return 0, err
		}
		var head []byte
		if part, head, tail, err = streamedSheet(b.Bytes()); err != nil {
			return 0, err
		}
		zw = newRegisterZip(w)
		entry, err := zw.Create(part)
		if err != nil {
			return 0, err
		}
		rw = newRowWriter(entry, len(cols))
		defer func() {
			if rw != nil {
				rw.abort()
			}
		}()
		rw.raw(head)
	}

	var tot registerTotals
	var figs *unitFigures
	if province {
		figs = newUnitFigures(d.Units, opt.Refs)
	}
	cells := make([]regCell, len(cols))
	i := 0
	err = each(func(r *RegisterCase) error {
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if opt.Progress != nil && i > 0 {
				opt.Progress(i, n)
			}
		}
		if i >= n {
			return fmt.Errorf("xlsx: register: more than the %d cases listed", n)
		}
		tot.cases++
		if r.Overdue {
			tot.overdue++
		}
		if r.Finished {
			tot.finished++
		}
		if r.IsVulnerable() {
			tot.vulnerable++
		}
		tot.recovered += r.Recovered
		if figs != nil {
			figs.add(r)
		}
		lines := 1
		for j, c := range cols {
			cells[j] = registerCell(c.id, i, r, opt, st)
			if cells[j].kind == cellText {
				lines = max(lines, wrappedLines(cells[j].text, c.width))
			}
		}
		if byExcelize {
			if err := sw.SetRow(fmt.Sprintf("A%d", first+i), excelizeValues(cells), excelize.RowOpts{Height: rowHeight(lines)}); err != nil {
				return err
			}
		} else {
			rw.row(first+i, rowHeight(lines), cells)
		}
		i++
		return nil
	})
	if err != nil {
		return 0, err
	}
	if i != n {
		return 0, fmt.Errorf("xlsx: register: %d cases written, %d listed", i, n)
	}
	tot.units = len(units)
	totals := regTotalsRow(cols, tot, st)
	if byExcelize {
		if err := sw.SetRow(fmt.Sprintf("A%d", totalRow), excelizeValues(totals), excelize.RowOpts{Height: 18}); err != nil {
			return 0, err
		}
	} else {
		rw.row(totalRow, 18, totals)
		rw.raw(tail)
		err, rw = rw.close(), nil
		if err != nil {
			return 0, err
		}
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	if opt.Progress != nil {
		opt.Progress(n, n)
	}
	if province {
		if legacySheetOrder {
			if _, err := f.NewSheet(RegisterUnitSheet); err != nil {
				return 0, err
			}
		}
		if err := writeUnitSheet(f, st, d, opt, figs.sorted(), printed); err != nil {
			return 0, err
		}
	}
	if legacySheetOrder {
		f.SetActiveSheet(0)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if byExcelize {
		if _, err := f.WriteTo(w); err != nil {
			return 0, err
		}
		return n, nil
	}
	// The workbook's other parts, as excelize writes them, after the sheet.
	var rest bytes.Buffer
	if _, err := f.WriteTo(&rest); err != nil {
		return 0, err
	}
	if err := copyParts(zw, rest.Bytes(), part); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return n, nil
}

// newRegisterBook makes the register's workbook for n cases: the styles,
// the register's sheet with all its settings and, through the stream
// writer it returns, its header rows; the province's sheet per commune,
// empty. Everything but the rows is set before the stream writer starts:
// it writes the sheet's settings as they are then, and a change to the
// sheet after Flush would make excelize read the whole sheet back.
func newRegisterBook(d *app.KPIData, opt RegisterOptions, printed time.Time, n int) (*excelize.File, *registerStyles, *excelize.StreamWriter, error) {
	province := opt.Unit == ""
	cols := registerColumns(province)
	last, _ := excelize.ColumnNumberToName(len(cols))
	first := RegisterHeaderRow + 1
	lastData := RegisterHeaderRow + n
	totalRow := lastData + 1

	f := excelize.NewFile()
	fail := func(err error) (*excelize.File, *registerStyles, *excelize.StreamWriter, error) {
		f.Close()
		return nil, nil, nil, err
	}
	// Deflate fast, as the rows (newRegisterZip).
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return newRegisterZip(w) })
	if err := f.SetSheetName("Sheet1", RegisterSheet); err != nil {
		return fail(err)
	}
	st, err := newRegisterStyles(f)
	if err != nil {
		return fail(err)
	}
	// The stream writer writes <dimension ref="A1">; readers that trust
	// it (openpyxl in read-only mode) would see one cell. Set it first.
	if err := f.SetSheetDimension(RegisterSheet, fmt.Sprintf("A1:%s%d", last, totalRow)); err != nil {
		return fail(err)
	}
	if err := f.AutoFilter(RegisterSheet, fmt.Sprintf("A%d:%s%d", RegisterHeaderRow, last, max(lastData, RegisterHeaderRow+1)), nil); err != nil {
		return fail(err)
	}
	footer := RegisterTitle
	if err := regPrintSetup(f, RegisterSheet, "landscape", RegisterHeaderRow, footer); err != nil {
		return fail(err)
	}
	// The province's sheet per commune is made now, filled after the rows
	// (writeUnitSheet), and the first sheet is the one selected: selecting
	// it after Flush would read every row back into memory (hundreds of
	// megabytes for a province's five years) and write them again.
	if !legacySheetOrder {
		if province {
			if _, err := f.NewSheet(RegisterUnitSheet); err != nil {
				return fail(err)
			}
		}
		f.SetActiveSheet(0)
	}

	sw, err := f.NewStreamWriter(RegisterSheet)
	if err != nil {
		return fail(err)
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: RegisterHeaderRow,
		TopLeftCell: fmt.Sprintf("A%d", first), ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	header := registerHeader(d, opt, printed)
	for i, h := range header {
		row := i + 1
		style := []int{st.agency, st.title, st.subtitle, st.subtitle, st.note}[i]
		if h == "" {
			continue
		}
		opts := excelize.RowOpts{}
		if i == 1 {
			opts.Height = 22
		}
		if i == 4 && opt.Mask {
			opts.Height = 28
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", row), []any{excelize.Cell{StyleID: style, Value: h}}, opts); err != nil {
			return fail(err)
		}
		to := last
		if i == 0 { // the agency, top left, over about a third of the width
			to, _ = excelize.ColumnNumberToName(min(len(cols), 5))
		}
		if err := sw.MergeCell(fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", to, row)); err != nil {
			return fail(err)
		}
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: st.head, Value: c.title}
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", RegisterHeaderRow), head, excelize.RowOpts{Height: 42}); err != nil {
		return fail(err)
	}
	return f, st, sw, nil
}

// excelizeValues returns cells as excelize's stream writer takes them.
func excelizeValues(cells []regCell) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c.value()
	}
	return out
}

// legacySheetOrder writes the register as before (the sheet per commune
// made after the rows, the first sheet selected at the end, which reads
// the rows back): TestWriteRegister_SameCellsAsBefore's oracle only. It
// writes the rows through excelize (excelizeRows).
var legacySheetOrder = false

// excelizeRows writes the register's rows through excelize's stream
// writer, as before register_rows.go: TestWriteRegister_SameFileAsExcelize's
// oracle only.
var excelizeRows = false

// registerHeader returns the five lines of the header block: the agency,
// the title, the unit, the period and a note.
func registerHeader(d *app.KPIData, opt RegisterOptions, printed time.Time) []string {
	agency, unit := "TỈNH ĐỒNG THÁP", fmt.Sprintf("Đơn vị: toàn tỉnh Đồng Tháp (%d xã, phường)", len(d.Units))
	if opt.Unit != "" {
		name := unitName(opt.Refs, opt.Unit)
		agency = "UBND " + strings.ToUpper(name)
		if name == opt.Unit {
			agency = "UBND XÃ, PHƯỜNG MÃ " + opt.Unit
		}
		unit = fmt.Sprintf("Đơn vị: %s (mã %s)", name, opt.Unit)
	}
	period := opt.Period.Label
	if period == "" {
		period = fmt.Sprintf("Từ ngày %s đến ngày %s", opt.Period.From.In(app.ICT).Format(regDay),
			opt.Period.To.In(app.ICT).Format(regDay))
	}
	note := fmt.Sprintf("Các vụ việc tiếp nhận trong kỳ; trạng thái, hạn xử lý và kết quả tính đến ngày %s (ngày in).",
		printed.In(app.ICT).Format(regDay))
	if opt.Mask {
		note += " " + maskNote + ": họ tên viết tắt, số điện thoại chỉ giữ 3 số cuối, địa chỉ chỉ ghi xã, phường."
	}
	return []string{agency, RegisterTitle, unit, "Kỳ báo cáo: " + period, note}
}

const regDay = "02/01/2006"

// maskNote begins the note of a masked register; an import recognises
// such a register by it (maskedRegister).
const maskNote = "Thông tin cá nhân đã được che"

// registerCell returns the cell of column id for row r (the i-th).
func registerCell(id string, i int, r *RegisterCase, opt RegisterOptions, st *registerStyles) regCell {
	text := func(s string) regCell {
		if s == "" { // an empty cell with its borders, not an empty string
			return regCell{style: st.text}
		}
		return regCell{style: st.text, kind: cellText, text: s}
	}
	switch id {
	case rcSTT:
		return regCell{style: st.center, kind: cellInt, num: int64(i + 1)}
	case rcUnit:
		return text(unitName(opt.Refs, r.UnitCode))
	case rcNumber:
		return text(r.Number)
	case rcReceived:
		return regDateCell(r.ReceivedAt, st.date)
	case rcChannel:
		return text(label(app.Channels, r.Channel))
	case rcKind:
		return text(label(app.CaseKinds, r.Kind))
	case rcConsumer:
		if opt.Mask {
			return text(MaskName(r.ConsumerName))
		}
		return text(r.ConsumerName)
	case rcPhone:
		if opt.Mask {
			return text(MaskPhone(r.ConsumerPhone))
		}
		return text(r.ConsumerPhone)
	case rcAddress:
		if opt.Mask {
			return text(MaskAddress(r.ConsumerAddress, unitName(opt.Refs, r.ConsumerUnitCode)))
		}
		return text(r.ConsumerAddress)
	case rcBusiness:
		return text(r.BusinessName)
	case rcSector:
		if r.Sector != "" && opt.Refs != nil {
			return text(opt.Refs.SectorLabel(r.Sector))
		}
		return text(r.Sector)
	case rcSummary:
		if opt.Mask {
			return text(app.ScrubCaseText(r.Case, r.Summary))
		}
		return text(r.Summary)
	case rcStatus:
		return text(label(app.CaseStatuses, r.Status))
	case rcDeadline:
		if r.NextDue.IsZero() {
			return regCell{style: st.date}
		}
		if r.Overdue {
			return regDateCell(r.NextDue, st.overdue)
		}
		return regDateCell(r.NextDue, st.date)
	case rcFinished:
		if !r.Finished {
			return regCell{style: st.date}
		}
		return regDateCell(r.FinishedAt, st.date)
	case rcOutcome:
		return text(label(app.Outcomes, r.Outcome))
	case rcAmount:
		if r.Recovered == 0 {
			return regCell{style: st.money}
		}
		return regCell{style: st.money, kind: cellInt, num: r.Recovered}
	case rcVulnerable:
		if r.IsVulnerable() {
			return regCell{style: st.center, kind: cellText, text: "x"}
		}
		return regCell{style: st.center}
	}
	return text("")
}

// wrappedLines estimates how many lines s takes in a column width
// characters wide, in the register's font (Times New Roman 10, about 4.6
// pixels a letter on average), wrapping between words as Excel and
// LibreOffice do. Neither fits the height of rows a stream writes, so the
// register sets them.
func wrappedLines(s string, width float64) int {
	perLine := max(1, int((7*width+5-8)/4.6))
	lines, cur, word := 1, 0, 0
	flush := func() {
		switch {
		case word == 0:
		case cur == 0:
			cur = word
		case cur+1+word <= perLine:
			cur += 1 + word
		default:
			lines++
			cur = word
		}
		for cur > perLine { // a word longer than the line is cut
			lines++
			cur -= perLine
		}
		word = 0
	}
	for _, r := range s {
		switch r {
		case ' ':
			flush()
		case '\n':
			flush()
			lines++
			cur = 0
		default:
			word++
		}
	}
	flush()
	return lines
}

// rowHeight is the height in points of a row of lines of the register's
// text (Times New Roman 10).
func rowHeight(lines int) float64 {
	return min(409, float64(lines)*lineHeight(10)+2)
}

// regDateCell is the day of t in Vietnam as a date cell, or an empty cell for
// the zero time.
func regDateCell(t time.Time, style int) regCell {
	if t.IsZero() {
		return regCell{style: style}
	}
	return regCell{style: style, kind: cellDate, day: dateOnly(t)}
}

// regTotalsRow returns the totals row of the register.
func regTotalsRow(cols []registerColumn, t registerTotals, st *registerStyles) []regCell {
	out := make([]regCell, len(cols))
	for i, c := range cols {
		cell := regCell{style: st.totalBlank}
		count := func(style int, v int64) regCell { return regCell{style: style, kind: cellInt, num: v} }
		switch c.id {
		case rcSTT:
			cell = regCell{style: st.totalLabel, kind: cellText, text: registerTotalLabel}
		case rcUnit:
			cell = count(st.countUnits, int64(t.units))
		case rcNumber:
			cell = count(st.countCases, int64(t.cases))
		case rcDeadline:
			cell = count(st.countOverdue, int64(t.overdue))
		case rcFinished:
			cell = count(st.countClosed, int64(t.finished))
		case rcAmount:
			cell = count(st.totalMoney, t.recovered)
		case rcVulnerable:
			cell = count(st.totalCount, int64(t.vulnerable))
		}
		out[i] = cell
	}
	return out
}

// regPrintSetup sets a sheet to print on A4 in orientation, one page wide,
// with the row titleRow repeated on every page and the page number in the
// footer.
func regPrintSetup(f *excelize.File, sheet, orientation string, titleRow int, footer string) error {
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: ptr(paperA4), Orientation: ptr(orientation), FitToWidth: ptr(1), FitToHeight: ptr(0),
	}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	m := 1.5 / 2.54
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: ptr(m), Right: ptr(1.0 / 2.54), Top: ptr(m), Bottom: ptr(m),
		Header: ptr(marginFooter), Footer: ptr(marginFooter),
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: `&L&"Times New Roman,Italic"&8` + strings.ReplaceAll(footer, "&", "&&") +
			`&R&"Times New Roman,Italic"&8Trang &P/&N`,
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, titleRow, titleRow),
		Scope:    sheet,
	})
}

// dateOnly returns the calendar day of t in Vietnam time, as a time that
// Excel stores as that day.
func dateOnly(t time.Time) time.Time {
	l := t.In(app.ICT)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

func borders() []excelize.Border {
	out := make([]excelize.Border, 0, 4)
	for _, side := range []string{"left", "top", "right", "bottom"} {
		out = append(out, excelize.Border{Type: side, Color: "A6A6A6", Style: 1})
	}
	return out
}

func ptr[T any](v T) *T { return &v }
