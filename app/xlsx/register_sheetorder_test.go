package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// The register written with its sheet per commune made before the rows
// and the first sheet selected before them (so that nothing reads the
// streamed rows back) has the cells of the register written as before
// (legacySheetOrder): every sheet's values, styles, merged cells, row
// heights, column widths and selection, and the workbook's other parts
// byte for byte; for the province and for one commune, masked or not.
func TestWriteRegister_SameCellsAsBefore(t *testing.T) {
	d := syntheticRegister(t, 700)
	for i := range d.Cases {
		d.Cases[i].Summary = "Ông " + d.Cases[i].ConsumerName + " (" + d.Cases[i].ConsumerPhone + ") mua hàng tại " + d.Cases[i].BusinessName
	}
	refs := mustRefs(t)
	p := app.ReportYear(2026)
	for _, unit := range []string{"", d.Cases[0].UnitCode} {
		for _, mask := range []bool{false, true} {
			opt := RegisterOptions{Unit: unit, Period: p, Mask: mask, Refs: refs}
			write := func(legacy bool) []byte {
				legacySheetOrder = legacy
				defer func() { legacySheetOrder = false }()
				var b bytes.Buffer
				if _, err := WriteRegister(context.Background(), &b, d, opt); err != nil {
					t.Fatal(err)
				}
				return b.Bytes()
			}
			before, after := write(true), write(false)
			name := "unit " + unit
			sameCells(t, name, before, after)
			a, b := partsOf(t, before), partsOf(t, after)
			if len(a) != len(b) {
				t.Fatalf("%s: %d parts before, %d after", name, len(a), len(b))
			}
			for part, x := range a {
				if part == "xl/worksheets/sheet1.xml" { // the rows: compared cell by cell
					continue
				}
				if y, ok := b[part]; !ok || !bytes.Equal(x, y) {
					t.Errorf("%s: part %s differs:\n%s\n%s", name, part, x, y)
				}
			}
			sel := func(x []byte) int {
				return strings.Count(string(x), `tabSelected="1"`) + strings.Count(string(x), `tabSelected="true"`)
			}
			if sel(a["xl/worksheets/sheet1.xml"]) != 1 || sel(b["xl/worksheets/sheet1.xml"]) != 1 {
				t.Errorf("%s: the register's sheet is not the one selected", name)
			}
		}
	}
}

// sameCells compares two workbooks cell by cell.
func sameCells(t *testing.T, name string, x, y []byte) {
	t.Helper()
	open := func(b []byte) *excelize.File {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	a, b := open(x), open(y)
	if !reflect.DeepEqual(a.GetSheetList(), b.GetSheetList()) || a.GetActiveSheetIndex() != b.GetActiveSheetIndex() {
		t.Fatalf("%s: sheets %v (active %d) before, %v (active %d) after", name, a.GetSheetList(), a.GetActiveSheetIndex(),
			b.GetSheetList(), b.GetActiveSheetIndex())
	}
	for _, sh := range a.GetSheetList() {
		ra, err := a.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ra, rb) {
			t.Fatalf("%s: sheet %s: other values", name, sh)
		}
		if len(ra) < 3 {
			t.Fatalf("%s: sheet %s: %d rows", name, sh, len(ra))
		}
		ma, _ := a.GetMergeCells(sh)
		mb, _ := b.GetMergeCells(sh)
		if !reflect.DeepEqual(ma, mb) {
			t.Errorf("%s: sheet %s: other merged cells", name, sh)
		}
		width := 0
		for r, row := range ra {
			width = max(width, len(row))
			ha, _ := a.GetRowHeight(sh, r+1)
			hb, _ := b.GetRowHeight(sh, r+1)
			if ha != hb {
				t.Errorf("%s: sheet %s row %d: height %v before, %v after", name, sh, r+1, ha, hb)
			}
			for c := range width {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				sa, _ := a.GetCellStyle(sh, cell)
				sb, _ := b.GetCellStyle(sh, cell)
				if sa != sb {
					t.Fatalf("%s: sheet %s cell %s: style %d before, %d after", name, sh, cell, sa, sb)
				}
			}
		}
		for c := range width {
			col, _ := excelize.ColumnNumberToName(c + 1)
			wa, _ := a.GetColWidth(sh, col)
			wb, _ := b.GetColWidth(sh, col)
			if wa != wb {
				t.Errorf("%s: sheet %s column %s: width %v before, %v after", name, sh, col, wa, wb)
			}
		}
	}
}

// partsOf returns the uncompressed parts of an .xlsx file by name.
func partsOf(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
