// Package xlsx writes the Excel files a commune office files with the
// province. It uses excelize's stream writer, so large registers stay within
// a few tens of megabytes of memory.
package xlsx

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// registerColumns are the columns of the complaint register (sổ theo dõi
// vụ việc), with their widths.
var registerColumns = []struct {
	title string
	width float64
}{
	{"STT", 6}, {"Số vụ việc", 22}, {"Ngày tiếp nhận", 14}, {"Kênh tiếp nhận", 22},
	{"Loại vụ việc", 24}, {"Người tiêu dùng", 24}, {"Số điện thoại", 14}, {"Địa chỉ", 36},
	{"Tổ chức, cá nhân kinh doanh", 32}, {"Địa chỉ kinh doanh", 30}, {"Lĩnh vực", 30},
	{"Nội dung", 60}, {"Trạng thái", 20},
}

// RegisterSheet is the name of the register's sheet.
const RegisterSheet = "So theo doi vu viec"

// WriteRegister writes the complaint register of cases, in the given
// order, to w: a title row, a header row, one row per case with the date as
// a real date cell (dd/mm/yyyy) and the code lists as their Vietnamese
// labels. It returns the number of cases written.
func WriteRegister(w io.Writer, title string, cases []app.Case, refs *app.RefData) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", RegisterSheet); err != nil {
		return 0, err
	}
	last, _ := excelize.ColumnNumberToName(len(registerColumns))
	// The stream writer writes <dimension ref="A1">; readers that trust it
	// (openpyxl in read-only mode) would see one cell. Set it first.
	if err := f.SetSheetDimension(RegisterSheet, fmt.Sprintf("A1:%s%d", last, len(cases)+2)); err != nil {
		return 0, err
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return 0, err
	}
	headStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Border:    borders(),
	})
	if err != nil {
		return 0, err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy"), Border: borders(),
		Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return 0, err
	}
	textStyle, err := f.NewStyle(&excelize.Style{Border: borders(),
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(RegisterSheet)
	if err != nil {
		return 0, err
	}
	for i, c := range registerColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return 0, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}); err != nil {
		return 0, err
	}
	head := make([]any, len(registerColumns))
	for i, c := range registerColumns {
		head[i] = excelize.Cell{StyleID: headStyle, Value: c.title}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 30}); err != nil {
		return 0, err
	}
	for i, c := range cases {
		cell := func(v any) excelize.Cell { return excelize.Cell{StyleID: textStyle, Value: v} }
		sector := c.Sector
		if refs != nil {
			sector = refs.SectorLabel(c.Sector)
		}
		row := []any{
			cell(i + 1),
			cell(c.Number),
			excelize.Cell{StyleID: dateStyle, Value: dateOnly(c.ReceivedAt)},
			cell(app.Channels.Label(c.Channel)),
			cell(app.CaseKinds.Label(c.Kind)),
			cell(c.ConsumerName),
			cell(c.ConsumerPhone),
			cell(c.ConsumerAddress),
			cell(c.BusinessName),
			cell(c.BusinessAddress),
			cell(sector),
			cell(c.Summary),
			cell(app.CaseStatuses.Label(c.Status)),
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(ref, row); err != nil {
			return i, err
		}
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	if len(cases) > 0 {
		if err := f.AutoFilter(RegisterSheet, fmt.Sprintf("A2:%s%d", last, len(cases)+2), nil); err != nil {
			return 0, err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return 0, err
	}
	return len(cases), nil
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
