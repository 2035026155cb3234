package xlsx

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// ErrorsSheet is the name of the sheet WriteErrors writes.
const ErrorsSheet = "Dong loi"

// WriteErrors writes the rows of s that errs name back as an .xlsx: the
// header row(s) of m, then each such row with its cells as the file shows
// them (dates as real dates) and an extra last column "Lỗi" giving the
// original row number and every reason. The officer corrects the rows and
// imports this file again: its header is found like the original's. It
// returns the number of rows written.
func WriteErrors(w io.Writer, s *Sheet, m Mapping, errs []RowError) (int, error) {
	byRow := map[int][]RowError{}
	for _, e := range errs {
		byRow[e.Row] = append(byRow[e.Row], e)
	}
	rows := ErrorRows(errs)
	var head []int
	if m.HeaderRow > 0 && m.HeaderRow <= len(s.Rows) {
		for r := m.HeaderRow; r < m.FirstRow && r <= len(s.Rows); r++ {
			head = append(head, r)
		}
	}
	width := 0
	for _, r := range append(append([]int(nil), head...), rows...) {
		if r >= 1 && r <= len(s.Rows) {
			width = max(width, len(s.Rows[r-1]))
		}
	}
	for _, c := range m.Columns {
		width = max(width, c+1)
	}
	errCol := width // the "Lỗi" column, from 0

	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ErrorsSheet); err != nil {
		return 0, err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return 0, err
	}
	errHeadStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FCE4D6"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return 0, err
	}
	errStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return 0, err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: impPtr("dd/mm/yyyy")})
	if err != nil {
		return 0, err
	}
	dateCols := map[int]bool{}
	for _, fld := range []Field{FieldReceivedAt, FieldBirth} {
		if c, ok := m.Columns[fld]; ok {
			dateCols[c] = true
		}
	}
	out := 0 // rows written
	put := func(src int, isHead bool, note string) error {
		out++
		for c := 0; c < width; c++ {
			v := s.Cell(src, c)
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, out)
			if !isHead && dateCols[c] {
				if t, ok := s.dateCell(src, c); ok && !t.IsZero() && strings.ContainsAny(v, "/-.") {
					// A real date again, at midnight as written.
					d := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
					if err := f.SetCellValue(ErrorsSheet, cell, d); err != nil {
						return err
					}
					if err := f.SetCellStyle(ErrorsSheet, cell, cell, dateStyle); err != nil {
						return err
					}
					continue
				}
			}
			if err := f.SetCellValue(ErrorsSheet, cell, v); err != nil {
				return err
			}
		}
		cell, _ := excelize.CoordinatesToCellName(errCol+1, out)
		if err := f.SetCellValue(ErrorsSheet, cell, note); err != nil {
			return err
		}
		if isHead {
			first, _ := excelize.CoordinatesToCellName(1, out)
			if err := f.SetCellStyle(ErrorsSheet, first, cell, headStyle); err != nil {
				return err
			}
			return f.SetCellStyle(ErrorsSheet, cell, cell, errHeadStyle)
		}
		return f.SetCellStyle(ErrorsSheet, cell, cell, errStyle)
	}
	for i, r := range head {
		note := ""
		if i == 0 {
			note = "Lỗi"
		}
		if err := put(r, true, note); err != nil {
			return 0, err
		}
	}
	if len(head) == 0 { // no header row in the file: name the columns
		out++
		for fld, c := range m.Columns {
			cell, _ := excelize.CoordinatesToCellName(c+1, out)
			if err := f.SetCellValue(ErrorsSheet, cell, FieldLabel(fld)); err != nil {
				return 0, err
			}
		}
		cell, _ := excelize.CoordinatesToCellName(errCol+1, out)
		if err := f.SetCellValue(ErrorsSheet, cell, "Lỗi"); err != nil {
			return 0, err
		}
	}
	headRows := out
	for _, r := range rows {
		reasons := byRow[r]
		var parts []string
		for _, e := range reasons {
			if e.Column != "" {
				parts = append(parts, e.Column+": "+e.Reason)
			} else {
				parts = append(parts, e.Reason)
			}
		}
		note := fmt.Sprintf("Dòng %d – %s", r, strings.Join(parts, "; "))
		if err := put(r, false, note); err != nil {
			return 0, err
		}
	}
	errName := ColumnName(errCol)
	if err := f.SetColWidth(ErrorsSheet, errName, errName, 70); err != nil {
		return 0, err
	}
	if width > 0 {
		if err := f.SetColWidth(ErrorsSheet, "A", ColumnName(width-1), 18); err != nil {
			return 0, err
		}
	}
	if headRows > 0 {
		if err := f.SetPanes(ErrorsSheet, &excelize.Panes{Freeze: true, YSplit: headRows,
			TopLeftCell: fmt.Sprintf("A%d", headRows+1), ActivePane: "bottomLeft"}); err != nil {
			return 0, err
		}
	}
	if err := f.Write(w); err != nil {
		return 0, err
	}
	return len(rows), nil
}

func impPtr[T any](v T) *T { return &v }
