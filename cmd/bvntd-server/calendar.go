package main

// bvntd-server calendar import|list: the holiday calendar that every device
// counts working days on. The Prime Minister fixes the exact Tết and Quốc
// khánh days each year (Bộ luật Lao động 2019, Điều 112 khoản 3); the app
// ships a calendar derived from the law and the lunar calendar, and Sở Công
// Thương imports the official one here, a year at a time. Each year is a
// record of the shared reference scope: every device pulls it at its next
// sync and counts deadlines on it instead of that year's seeded days.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"bvntd/app"
	"bvntd/seeds"
)

// maxCalendarFile bounds an import file: a year is a few kilobytes.
const maxCalendarFile = 1 << 20

// seededBasis is the basis shown for a year the server has not imported:
// the app's own calendar, derived from the law.
const seededBasis = "Lịch suy ra từ Điều 112 Bộ luật Lao động 2019 và lịch âm, kèm theo ứng dụng; " +
	"thay bằng số, ngày của thông báo chính thức trước khi nhập."

const calendarUsage = `Cách dùng (usage):
  bvntd-server calendar import --db PATH --file TỆP.json
      nhập lịch nghỉ lễ, Tết chính thức của một hoặc nhiều năm; mỗi năm thay
      toàn bộ lịch năm đó trên mọi máy ở lần đồng bộ tới
  bvntd-server calendar list   --db PATH [--year NĂM]
      liệt kê các năm; với --year: in lịch năm đó dạng tệp nhập (JSON) ra stdout
Tệp nhập: {"year": 2027, "basis": "Thông báo số …", "published_at": "2026-11-20",
  "days": [{"date": "2027-02-04", "name": "Tết Âm lịch", "kind": "holiday|make_up_workday",
  "status": "official|derived"}, …]}, hoặc một mảng các năm như vậy.
`

// parseCalendar reads `calendar import|list` and their flags.
func (m *Main) parseCalendar(args []string) error {
	if len(args) == 0 {
		return app.Errorf(app.EINVALID, "Thiếu lệnh con của calendar: import hoặc list; xem calendar --help (missing sub-command).")
	}
	m.CalendarAction = args[0]
	switch m.CalendarAction {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(m.Stderr, calendarUsage)
		return flag.ErrHelp
	case "import", "list":
	default:
		return app.Errorf(app.EINVALID, "Lệnh con %q không hợp lệ: dùng calendar import hoặc calendar list (unknown sub-command).", m.CalendarAction)
	}
	fs := flag.NewFlagSet("bvntd-server calendar "+m.CalendarAction, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&m.DB, "db", DefaultDB, "database file")
	if m.CalendarAction == "import" {
		fs.StringVar(&m.File, "file", "", "calendar file (JSON)")
	} else {
		fs.IntVar(&m.Year, "year", 0, "year to print as an import file")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(m.Stderr, calendarUsage)
			return err
		}
		return app.Errorf(app.EINVALID, "Tham số không hợp lệ (bad flag): %v", err)
	}
	switch {
	case fs.NArg() > 0:
		return app.Errorf(app.EINVALID, "Tham số thừa (unexpected argument): %q", fs.Arg(0))
	case m.DB == "":
		return app.Errorf(app.EINVALID, "Thiếu --db (missing --db).")
	case m.CalendarAction == "import" && m.File == "":
		return app.Errorf(app.EINVALID, "Thiếu --file: tệp lịch nghỉ lễ, Tết (JSON) cần nhập (missing --file).")
	case m.Year != 0 && (m.Year < app.MinHolidayYear || m.Year > app.MaxHolidayYear):
		return app.Errorf(app.EINVALID, "Năm %d không hợp lệ: cần từ %d đến %d (bad --year).", m.Year, app.MinHolidayYear, app.MaxHolidayYear)
	}
	return nil
}

// calendar runs calendar import or list on the open store.
func (m *Main) calendar(ctx context.Context) error {
	if m.CalendarAction == "import" {
		return m.calendarImport(ctx)
	}
	return m.calendarList(ctx)
}

func (m *Main) calendarImport(ctx context.Context) error {
	f, err := os.Open(m.File)
	if err != nil {
		return app.WrapError(app.EINVALID, fmt.Sprintf("Không đọc được tệp %s (cannot read file).", m.File), err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxCalendarFile+1))
	f.Close()
	if err != nil {
		return app.WrapError(app.EINVALID, fmt.Sprintf("Không đọc được tệp %s (cannot read file).", m.File), err)
	}
	years, err := decodeCalendarFile(filepath.Base(m.File), data)
	if err != nil {
		return err
	}
	res, err := m.store.PutHolidayYears(ctx, years)
	if err != nil {
		return err
	}
	for i, r := range res {
		off, makeUp, _ := years[i].Counts()
		if !r.Changed {
			fmt.Fprintf(m.Stderr, "Năm %d: không thay đổi (phiên bản %d), không có gì mới để gửi.\n", r.Year, r.Version)
			continue
		}
		fmt.Fprintf(m.Stderr, "Năm %d: đã nhập phiên bản %d (%d ngày nghỉ, %d ngày làm bù; căn cứ: %s). "+
			"Các máy nhận lịch này ở lần đồng bộ tới.\n", r.Year, r.Version, off, makeUp, years[i].Basis)
	}
	return nil
}

// calendarYear is a row of calendar list: a year as the devices count it.
type calendarYear struct {
	year     app.HolidayYear
	imported bool
	version  int64
	updated  string
}

func (m *Main) calendarList(ctx context.Context) error {
	imported, err := m.store.HolidayYears(ctx)
	if err != nil {
		return err
	}
	refs, err := seeds.Load()
	if err != nil {
		return app.WrapError(app.EINTERNAL, "Dữ liệu danh mục kèm theo chương trình bị hỏng.", err)
	}
	rows := map[int]*calendarYear{}
	for _, h := range refs.Holidays {
		y := 0
		fmt.Sscanf(h.Date, "%d-", &y)
		r := rows[y]
		if r == nil {
			r = &calendarYear{year: app.HolidayYear{Year: y, Basis: seededBasis}}
			rows[y] = r
		}
		r.year.Days = append(r.year.Days, h)
	}
	for _, y := range imported {
		rows[y.Year] = &calendarYear{year: y.HolidayYear, imported: true, version: y.Version,
			updated: y.UpdatedAt.In(ict).Format("02/01/2006 15:04")}
	}
	if m.Year != 0 {
		r := rows[m.Year]
		if r == nil {
			return app.Errorf(app.ENOTFOUND, "Chưa có lịch nghỉ năm %d, cả trên máy chủ lẫn kèm ứng dụng; hãy soạn tệp theo calendar --help (no calendar for this year).", m.Year)
		}
		return writeCalendarFile(m.Stdout, r.year)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NĂM\tNGUỒN\tPHIÊN BẢN\tNGÀY NGHỈ\tLÀM BÙ\tTRẠNG THÁI\tCẬP NHẬT\tCĂN CỨ")
	for _, y := range slices.Sorted(maps.Keys(rows)) {
		r := rows[y]
		off, makeUp, official := r.year.Counts()
		source, version, updated, basis := "kèm ứng dụng", "-", "-", "-"
		if r.imported {
			source, version, updated, basis = "máy chủ tỉnh", fmt.Sprint(r.version), r.updated, r.year.Basis
		}
		status := "suy ra"
		switch {
		case official:
			status = "chính thức"
		case slices.ContainsFunc(r.year.Days, func(d app.Holiday) bool { return d.Status == app.DayOfficial }):
			status = "một phần chính thức"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", y, source, version, off, makeUp, status, updated, basis)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "%d năm đã nhập trên máy chủ; các năm khác dùng lịch kèm ứng dụng.\n", len(imported))
	return nil
}

// calendarFileYear is one year of an import file.
type calendarFileYear struct {
	Year        *int              `json:"year"`
	Basis       string            `json:"basis"`
	PublishedAt string            `json:"published_at"`
	Days        []calendarFileDay `json:"days"`
}

type calendarFileDay struct {
	Date   string `json:"date"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status,omitempty"`
}

// writeCalendarFile writes a year in the import file's form.
func writeCalendarFile(w io.Writer, y app.HolidayYear) error {
	year := y.Year
	f := calendarFileYear{Year: &year, Basis: y.Basis, PublishedAt: y.PublishedAt, Days: make([]calendarFileDay, len(y.Days))}
	for i, d := range y.Days {
		f.Days[i] = calendarFileDay(d)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// decodeCalendarFile reads an import file: one year as a JSON object, or
// an array of them. Every year is normalized and validated. A problem is an
// *app.Error (app.EINVALID) with one Vietnamese line naming the file and
// the item at fault.
func decodeCalendarFile(name string, data []byte) ([]app.HolidayYear, error) {
	bad := func(format string, args ...any) error {
		return app.Errorf(app.EINVALID, "Tệp %s: "+format, append([]any{name}, args...)...)
	}
	if len(data) > maxCalendarFile {
		return nil, bad("quá lớn (tối đa %d KB).", maxCalendarFile>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // the BOM Notepad writes
	if !utf8.Valid(data) {
		return nil, bad("không ở mã UTF-8; hãy lưu lại tệp với mã hóa UTF-8 (not UTF-8).")
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, bad("rỗng (empty file).")
	}
	var raw []calendarFileYear
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var err error
	switch trimmed[0] {
	case '[':
		err = dec.Decode(&raw)
	case '{':
		var one calendarFileYear
		if err = dec.Decode(&one); err == nil {
			raw = []calendarFileYear{one}
		}
	default:
		return nil, bad("không phải JSON dạng {…} hoặc […] (bad JSON).")
	}
	if err != nil {
		return nil, jsonError(name, data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := position(data, dec.InputOffset())
		return nil, bad("có dữ liệu thừa sau phần JSON, ở dòng %d, cột %d (trailing data).", line, col)
	}
	if len(raw) == 0 {
		return nil, bad("không có năm nào (no year).")
	}
	years := make([]app.HolidayYear, len(raw))
	seen := map[int]bool{}
	for i, r := range raw {
		if r.Year == nil {
			return nil, bad("mục thứ %d: thiếu năm (year).", i+1)
		}
		y := app.HolidayYear{Year: *r.Year, Basis: r.Basis, PublishedAt: r.PublishedAt, Days: make([]app.Holiday, len(r.Days))}
		for j, d := range r.Days {
			y.Days[j] = app.Holiday(d)
		}
		y.Normalize()
		if err := y.Validate(); err != nil {
			msg := app.ErrorMessage(err)
			if rest, ok := strings.CutPrefix(msg, "Năm "); ok {
				msg = "năm " + rest
			}
			return nil, bad("%s", msg)
		}
		if y.Basis == app.NFC(seededBasis) {
			return nil, bad("năm %d: căn cứ (basis) vẫn là câu mẫu của calendar list; hãy ghi số, ngày của thông báo chính thức.", y.Year)
		}
		if seen[y.Year] {
			return nil, bad("năm %d có hai lần (year given twice).", y.Year)
		}
		seen[y.Year] = true
		years[i] = y
	}
	return years, nil
}

// jsonError turns a decoding error into a Vietnamese line with the place.
func jsonError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset-1) // Offset is just after the bad byte
		return app.WrapError(app.EINVALID, fmt.Sprintf("Tệp %s: JSON không hợp lệ ở dòng %d, cột %d (bad JSON).", name, line, col), err)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset-1) // Offset is just after the value
		field := typ.Field
		if field == "" {
			field = "gốc"
		}
		return app.WrapError(app.EINVALID, fmt.Sprintf("Tệp %s: trường %q ở dòng %d, cột %d phải là %s (wrong type).",
			name, field, line, col, kindVI(typ.Type)), err)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return app.WrapError(app.EINVALID, fmt.Sprintf("Tệp %s: JSON bị cắt cụt, chưa kết thúc (truncated).", name), err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return app.WrapError(app.EINVALID, fmt.Sprintf("Tệp %s: trường %s không được hỗ trợ; các trường: year, basis, published_at, "+
			"days (date, name, kind, status) (unknown field).", name, field), err)
	}
	return app.WrapError(app.EINVALID, fmt.Sprintf("Tệp %s: không đọc được JSON (bad JSON).", name), err)
}

// kindVI names a Go type for the operator.
func kindVI(t reflect.Type) string {
	if t == nil {
		return "giá trị khác"
	}
	switch t.Kind() {
	case reflect.String:
		return "chuỗi (string)"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "số nguyên (integer)"
	case reflect.Slice:
		return "mảng […] (array)"
	case reflect.Struct, reflect.Pointer:
		return "đối tượng {…} (object)"
	}
	return t.Kind().String()
}

// position returns the 1-based line and column of a byte offset.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}
