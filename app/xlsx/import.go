package xlsx

// Imports of workbooks an office already keeps: a participants roster
// (danh sách đại biểu, học viên) into a training session and an existing
// complaint register (sổ theo dõi) into cases. This file reads a worksheet
// into memory; import_mapping.go finds the header row and proposes which
// column holds which field; import_parse.go turns rows into participants
// and cases with the row errors of the others; import_errors.go writes the
// invalid rows back with a "Lỗi" column. Nothing here touches the store:
// the caller previews, lets the officer fix the mapping, then applies
// (storage.ImportRoster, storage.ImportCases).

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// MaxImportSize is the largest workbook ReadSheet accepts, in bytes.
const MaxImportSize = 64 << 20

// maxImportRows bounds the rows read from one worksheet.
const maxImportRows = 200_000

// impUnzipLimit bounds what a workbook may unpack to (a zip bomb guard).
const impUnzipLimit = 512 << 20

// Sheet is one worksheet of an imported workbook, as text.
type Sheet struct {
	Name  string   // the worksheet read
	Names []string // every worksheet of the workbook, in order (to offer another)
	// Rows holds each cell as Excel shows it: Rows[i] is Excel row i+1,
	// Rows[i][j] column j (A = 0). Rows may be shorter than the widest.
	// A merged range holds its value in every cell it covers.
	Rows [][]string

	raw      [][]string // raw values: the serial number of a date cell
	date1904 bool
}

// Cell returns the text of the cell at Excel row (from 1) and column
// (from 0), or "".
func (s *Sheet) Cell(row, col int) string {
	return impAt(s.Rows, row, col)
}

func (s *Sheet) rawCell(row, col int) string {
	return impAt(s.raw, row, col)
}

func impAt(rows [][]string, row, col int) string {
	if row < 1 || row > len(rows) || col < 0 || col >= len(rows[row-1]) {
		return ""
	}
	return rows[row-1][col]
}

// Width returns the number of columns of the widest row.
func (s *Sheet) Width() int {
	n := 0
	for _, r := range s.Rows {
		n = max(n, len(r))
	}
	return n
}

// ColumnName returns the letters of column col (from 0): 0 → "A".
func ColumnName(col int) string {
	name, err := excelize.ColumnNumberToName(col + 1)
	if err != nil {
		return "?"
	}
	return name
}

// Messages of a workbook that cannot be read.
const (
	msgEmptyFile  = "Tệp rỗng, không có dữ liệu."
	msgTooLarge   = "Tệp quá lớn (tối đa 64 MB)."
	msgOldFormat  = "Tệp là bảng tính Excel 97–2003 (.xls) hoặc được đặt mật khẩu. Hãy mở tệp bằng Excel, bỏ mật khẩu nếu có, rồi lưu lại dạng Excel Workbook (.xlsx)."
	msgNotXLSX    = "Tệp không phải bảng tính Excel (.xlsx). Hãy mở tệp bằng Excel rồi lưu lại dạng Excel Workbook (.xlsx)."
	msgBroken     = "Tệp Excel bị hỏng hoặc không đầy đủ, không đọc được. Hãy mở tệp bằng Excel, lưu lại rồi thử lại."
	msgNoData     = "Bảng tính không có dữ liệu."
	msgReadFailed = "Không đọc được tệp."
)

// ReadSheet reads the first worksheet holding data (visible ones first)
// of the .xlsx workbook in r. A file that is not an .xlsx workbook, is
// damaged or is empty gives an *app.Error (EINVALID) with a Vietnamese
// message; it never panics.
func ReadSheet(r io.Reader) (*Sheet, error) {
	return readSheet(r, "")
}

// ReadSheetNamed reads the worksheet called name (from Sheet.Names) of the
// workbook in r.
func ReadSheetNamed(r io.Reader, name string) (*Sheet, error) {
	if name == "" {
		return nil, app.Errorf(app.EINVALID, "Chưa chọn trang tính.")
	}
	return readSheet(r, name)
}

func readSheet(r io.Reader, name string) (s *Sheet, err error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, app.WrapError(app.EINVALID, msgReadFailed, err)
	}
	if len(b) == 0 {
		return nil, app.Errorf(app.EINVALID, msgEmptyFile)
	}
	if len(b) > MaxImportSize {
		return nil, app.Errorf(app.EINVALID, msgTooLarge)
	}
	if bytes.HasPrefix(b, []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}) {
		return nil, app.Errorf(app.EINVALID, msgOldFormat)
	}
	if !bytes.HasPrefix(b, []byte("PK")) {
		return nil, app.Errorf(app.EINVALID, msgNotXLSX)
	}
	// excelize is not written for hostile input; a damaged file must give
	// the officer a message, never take the app down.
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, app.WrapError(app.EINVALID, msgBroken, fmt.Errorf("excelize panic: %v", p))
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: impUnzipLimit})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, impOpenError(err)
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) == 0 {
		return nil, app.Errorf(app.EINVALID, msgBroken)
	}
	var date1904 bool
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	read := func(n string) (*Sheet, error) {
		s := &Sheet{Name: n, Names: names, date1904: date1904}
		var err error
		if s.Rows, err = f.GetRows(n); err != nil {
			return nil, app.WrapError(app.EINVALID, msgBroken, err)
		}
		if s.raw, err = f.GetRows(n, excelize.Options{RawCellValue: true}); err != nil {
			return nil, app.WrapError(app.EINVALID, msgBroken, err)
		}
		if len(s.Rows) > maxImportRows {
			return nil, app.Errorf(app.EINVALID, "Trang tính “%s” có quá nhiều dòng (tối đa %d).", n, maxImportRows)
		}
		if merges, err := f.GetMergeCells(n, true); err == nil {
			s.fillMerges(merges)
		}
		for i := range s.Rows {
			for j := range s.Rows[i] {
				s.Rows[i][j] = strings.TrimSpace(s.Rows[i][j])
			}
		}
		return s, nil
	}
	if name != "" {
		for _, n := range names {
			if n == name {
				s, err := read(n)
				if err != nil {
					return nil, err
				}
				if !s.hasData() {
					return nil, app.Errorf(app.EINVALID, "Trang tính “%s” không có dữ liệu.", n)
				}
				return s, nil
			}
		}
		return nil, app.Errorf(app.EINVALID, "Tệp không có trang tính “%s”.", name)
	}
	// The first visible sheet with data, else the first hidden one.
	order := make([]string, 0, len(names))
	var hidden []string
	for _, n := range names {
		if v, err := f.GetSheetVisible(n); err == nil && !v {
			hidden = append(hidden, n)
			continue
		}
		order = append(order, n)
	}
	for _, n := range append(order, hidden...) {
		s, err := read(n)
		if err != nil {
			return nil, err
		}
		if s.hasData() {
			return s, nil
		}
	}
	return nil, app.Errorf(app.EINVALID, msgNoData)
}

// impOpenError turns an error of excelize.OpenReader into a message.
func impOpenError(err error) error {
	switch {
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return app.WrapError(app.EINVALID, msgOldFormat, err)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), errors.Is(err, zip.ErrChecksum):
		return app.WrapError(app.EINVALID, msgBroken, err)
	case strings.Contains(err.Error(), "unzip size"):
		return app.WrapError(app.EINVALID, msgTooLarge, err)
	}
	return app.WrapError(app.EINVALID, msgBroken, err)
}

func (s *Sheet) hasData() bool {
	for _, r := range s.Rows {
		for _, c := range r {
			if c != "" {
				return true
			}
		}
	}
	return false
}

// fillMerges copies the value of each merged range's first cell into every
// cell of the range, so that a "Đơn vị" merged over five people is the
// unit of each of them.
func (s *Sheet) fillMerges(merges []excelize.MergeCell) {
	budget := 2_000_000 // cells filled at most, whatever the file claims
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 || r1 > len(s.Rows) {
			continue
		}
		r2 = min(r2, len(s.Rows), r1+10_000)
		c2 = min(c2, c1+200)
		text, raw := s.Cell(r1, c1-1), s.rawCell(r1, c1-1)
		if text == "" {
			continue
		}
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				if r == r1 && c == c1 {
					continue
				}
				if budget--; budget < 0 {
					return
				}
				impSet(&s.Rows, r, c-1, text)
				impSet(&s.raw, r, c-1, raw)
			}
		}
	}
}

func impSet(rows *[][]string, row, col int, v string) {
	for len(*rows) < row {
		*rows = append(*rows, nil)
	}
	r := (*rows)[row-1]
	for len(r) <= col {
		r = append(r, "")
	}
	if r[col] == "" {
		r[col] = v
	}
	(*rows)[row-1] = r
}

// dateCell reads the cell as a date: a real Excel date (a serial number
// under a date format, or a plain number in the range of 1930–2100), or
// text as dd/mm/yyyy (also d/m/yy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd,
// each optionally followed by a time hh:mm[:ss]. The date is in Vietnam
// time. ok is false for text that is not a date; an empty cell is the zero
// time and ok.
func (s *Sheet) dateCell(row, col int) (time.Time, bool) {
	text, raw := s.Cell(row, col), strings.TrimSpace(s.rawCell(row, col))
	if text == "" {
		return time.Time{}, true
	}
	if v, err := strconv.ParseFloat(raw, 64); err == nil {
		formatted := text != raw
		if (formatted && v >= 1 || v >= 10959 && v < 73051) && v < 2958466 { // 10959: 1930-01-01
			t, err := excelize.ExcelDateToTime(v, s.date1904)
			if err == nil {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, app.ICT)
				return t, true
			}
		}
	}
	return ParseDate(text)
}

// ParseDate reads a date written as text: dd/mm/yyyy (also d/m/yyyy,
// dd/mm/yy with 70–99 in the 1900s, with - or . instead of /) or yyyy-mm-dd, optionally followed by
// a time hh:mm[:ss], in Vietnam time.
func ParseDate(text string) (time.Time, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, false
	}
	datePart, timePart, _ := strings.Cut(strings.Join(strings.Fields(text), " "), " ")
	if i := strings.IndexByte(datePart, 'T'); i > 0 && timePart == "" { // 2026-11-20T08:30:00Z
		datePart, timePart = datePart[:i], strings.TrimRight(datePart[i+1:], "Z")
	}
	parts := strings.FieldsFunc(datePart, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return time.Time{}, false
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return time.Time{}, false
		}
		n[i] = v
	}
	var y, m, d int
	switch {
	case len(parts[0]) == 4: // yyyy-mm-dd
		y, m, d = n[0], n[1], n[2]
	case len(parts[2]) == 4:
		d, m, y = n[0], n[1], n[2]
	case len(parts[2]) == 2:
		d, m, y = n[0], n[1], 2000+n[2]
		if n[2] >= 70 { // dd/mm/85 is 1985
			y -= 100
		}
	default:
		return time.Time{}, false
	}
	var hh, mm, ss int
	if timePart != "" {
		tp := strings.Split(timePart, ":")
		if len(tp) < 2 || len(tp) > 3 {
			return time.Time{}, false
		}
		var err error
		if hh, err = strconv.Atoi(tp[0]); err != nil || hh > 23 {
			return time.Time{}, false
		}
		if mm, err = strconv.Atoi(tp[1]); err != nil || mm > 59 {
			return time.Time{}, false
		}
		if len(tp) == 3 {
			if ss, err = strconv.Atoi(strings.SplitN(tp[2], ".", 2)[0]); err != nil || ss > 59 {
				return time.Time{}, false
			}
		}
	}
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, hh, mm, ss, 0, app.ICT)
	if t.Day() != d { // 31/02
		return time.Time{}, false
	}
	return t, true
}

// numberCell reads the cell as a whole number (a raw number or digits).
func (s *Sheet) numberCell(row, col int) (int, bool) {
	raw := strings.TrimSpace(s.rawCell(row, col))
	if raw == "" {
		raw = s.Cell(row, col)
	}
	if v, err := strconv.ParseFloat(raw, 64); err == nil && v == float64(int(v)) && v > -1e9 && v < 1e9 {
		return int(v), true
	}
	return 0, false
}
