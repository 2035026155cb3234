package xlsx

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// RegisterUnitTitles are the column headings of the per-commune sheet of
// the province's register.
var RegisterUnitTitles = []string{"STT", "Mã", "Xã, phường", "Tiếp nhận", "Đã kết thúc", "Đang giải quyết",
	"Quá hạn", "NTD dễ bị tổn thương", "Số tiền thu hồi cho NTD (đồng)"}

var registerUnitWidths = []float64{6, 8, 26, 11, 11, 12, 10, 12, 18}

// RegisterUnitFigure is the figures of one commune on the per-commune sheet,
// over the register's cases.
type RegisterUnitFigure struct {
	Code, Name                                    string
	Received, Finished, Open, Overdue, Vulnerable int
	Recovered                                     int64
}

// RegisterUnitFigures returns the figures of every commune of units and
// of any other commune rows name, in Vietnamese alphabetical order of
// their names: the cases of rows (received in the period), those
// finished and still open, those overdue now, those of a vulnerable
// consumer, and the money recovered.
func RegisterUnitFigures(rows []RegisterCase, units []string, refs *app.RefData) []RegisterUnitFigure {
	figs := newUnitFigures(units, refs)
	for i := range rows {
		figs.add(&rows[i])
	}
	return figs.sorted()
}

// unitFigures adds up the figures of each commune, case by case.
type unitFigures struct {
	refs *app.RefData
	idx  map[string]int
	out  []RegisterUnitFigure
}

// newUnitFigures starts the figures of the communes units, all zero.
func newUnitFigures(units []string, refs *app.RefData) *unitFigures {
	u := &unitFigures{refs: refs, idx: map[string]int{}}
	for _, c := range units {
		u.unit(c)
	}
	return u
}

func (u *unitFigures) unit(code string) *RegisterUnitFigure {
	i, ok := u.idx[code]
	if !ok {
		i = len(u.out)
		u.idx[code] = i
		u.out = append(u.out, RegisterUnitFigure{Code: code, Name: unitName(u.refs, code)})
	}
	return &u.out[i]
}

// add counts case r in its commune's figures.
func (u *unitFigures) add(r *RegisterCase) {
	f := u.unit(r.UnitCode)
	f.Received++
	if r.Finished {
		f.Finished++
	} else {
		f.Open++
	}
	if r.Overdue {
		f.Overdue++
	}
	if r.IsVulnerable() {
		f.Vulnerable++
	}
	f.Recovered += r.Recovered
}

// sorted returns the figures in Vietnamese alphabetical order of the
// communes' names.
func (u *unitFigures) sorted() []RegisterUnitFigure {
	codes := make([]string, len(u.out))
	for i := range u.out {
		codes[i] = u.out[i].Code
	}
	sortUnits(codes, u.refs)
	out := make([]RegisterUnitFigure, len(u.out))
	for i, c := range codes {
		out[i] = u.out[u.idx[c]]
	}
	return out
}

// writeUnitSheet fills the per-commune sheet of the province's register.
func writeUnitSheet(f *excelize.File, st *registerStyles, d *app.KPIData, opt RegisterOptions, figs []RegisterUnitFigure, printed time.Time) error {
	const sheet = RegisterUnitSheet // made by writeRegister
	ncols := len(RegisterUnitTitles)
	last, _ := excelize.ColumnNumberToName(ncols)
	header := registerHeader(d, opt, printed)
	lines := []struct {
		text  string
		style int
	}{
		{"TỔNG HỢP VỤ VIỆC THEO XÃ, PHƯỜNG", st.title},
		{header[3], st.subtitle}, // the period
		{"Số vụ việc tiếp nhận trong kỳ của mỗi xã, phường (như trang " + RegisterSheet + "); " +
			"trạng thái, quá hạn và số tiền tính đến ngày " + printed.In(app.ICT).Format(regDay) + ".", st.note},
	}
	for i, l := range lines {
		ref := fmt.Sprintf("A%d", i+1)
		if err := f.SetCellValue(sheet, ref, l.text); err != nil {
			return err
		}
		if err := f.MergeCell(sheet, ref, fmt.Sprintf("%s%d", last, i+1)); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, ref, ref, l.style); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sheet, 1, 22); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 3, 28); err != nil {
		return err
	}
	hr := RegisterUnitHeaderRow
	for i, t := range RegisterUnitTitles {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, registerUnitWidths[i]); err != nil {
			return err
		}
		ref := fmt.Sprintf("%s%d", col, hr)
		if err := f.SetCellValue(sheet, ref, t); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", hr), fmt.Sprintf("%s%d", last, hr), st.head); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, hr, 32); err != nil {
		return err
	}
	var tot RegisterUnitFigure
	for i, u := range figs {
		row := hr + 1 + i
		vals := []any{i + 1, u.Code, u.Name, u.Received, u.Finished, u.Open, u.Overdue, u.Vulnerable, u.Recovered}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", row), &vals); err != nil {
			return err
		}
		tot.Received += u.Received
		tot.Finished += u.Finished
		tot.Open += u.Open
		tot.Overdue += u.Overdue
		tot.Vulnerable += u.Vulnerable
		tot.Recovered += u.Recovered
	}
	lastData := hr + len(figs)
	if len(figs) > 0 {
		for _, s := range []struct {
			from, to string
			style    int
		}{{"A", "B", st.center}, {"C", "C", st.text}, {"D", "H", st.count}, {"I", "I", st.money}} {
			if err := f.SetCellStyle(sheet, fmt.Sprintf("%s%d", s.from, hr+1), fmt.Sprintf("%s%d", s.to, lastData), s.style); err != nil {
				return err
			}
		}
	}
	totalRow := lastData + 1
	vals := []any{registerTotalLabel, nil, fmt.Sprintf("%d xã, phường", len(figs)), tot.Received, tot.Finished,
		tot.Open, tot.Overdue, tot.Vulnerable, tot.Recovered}
	if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", totalRow), &vals); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, fmt.Sprintf("A%d", totalRow), fmt.Sprintf("B%d", totalRow)); err != nil {
		return err
	}
	for _, s := range []struct {
		from, to string
		style    int
	}{{"A", "B", st.totalLabel}, {"C", "C", st.totalBlank}, {"D", "H", st.totalCount}, {"I", "I", st.totalMoney}} {
		if err := f.SetCellStyle(sheet, fmt.Sprintf("%s%d", s.from, totalRow), fmt.Sprintf("%s%d", s.to, totalRow), s.style); err != nil {
			return err
		}
	}
	// excelize leaves a new sheet's <dimension ref="A1"> as it is, and
	// readers that trust it (openpyxl in read-only mode) would see one
	// cell.
	if err := f.SetSheetDimension(sheet, fmt.Sprintf("A1:%s%d", last, totalRow)); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: hr, TopLeftCell: fmt.Sprintf("A%d", hr+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, fmt.Sprintf("A%d:%s%d", hr, last, max(lastData, hr+1)), nil); err != nil {
		return err
	}
	return regPrintSetup(f, sheet, "portrait", hr, "Tổng hợp vụ việc theo xã, phường – "+header[3])
}
