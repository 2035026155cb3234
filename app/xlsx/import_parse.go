package xlsx

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"bvntd/app"
)

// RowError is why one cell (or row) of an imported sheet was not taken.
type RowError struct {
	Row    int    // Excel row number
	Column string // the column's header as the file writes it (or the field's name)
	Reason string // Vietnamese
}

// String formats e as the command line lists it: "Dòng 7, cột Điện
// thoại: …".
func (e RowError) String() string {
	if e.Column == "" {
		return fmt.Sprintf("Dòng %d: %s", e.Row, e.Reason)
	}
	return fmt.Sprintf("Dòng %d, cột %s: %s", e.Row, e.Column, e.Reason)
}

// ErrorRows returns the distinct row numbers of errs, in order.
func ErrorRows(errs []RowError) []int {
	seen := map[int]bool{}
	var out []int
	for _, e := range errs {
		if !seen[e.Row] {
			seen[e.Row] = true
			out = append(out, e.Row)
		}
	}
	sort.Ints(out)
	return out
}

// RosterEntry is a valid row of a participants roster.
type RosterEntry struct {
	Row int // Excel row number
	// Participant holds what the row gives: FullName (NFC), Phone
	// (normalised), Type (a ParticipantTypes code, or "" if the roster
	// does not say: the importer fills a default), Workplace, Gender and
	// AgeBand. It has no ID and no commune yet.
	Participant app.Participant
}

// RegisterEntry is a valid row of a complaint register.
type RegisterEntry struct {
	Row int // Excel row number
	// Source is the case's number in the register ("" if none): it
	// recognises the row when the same register is imported again.
	Source string
	// Case is ready for storage: validated against the reference data,
	// with the commune given to ParseRegister; no ID or number yet.
	Case app.Case
	// Masked: the row comes from a register exported with personal data
	// hidden (initials, a starred phone). Such a row only recognises a
	// case already in the store by its number; Case then holds the day
	// received and the commune alone, never the masked texts, and is not
	// validated: it must not become a case (storage.ImportCases refuses
	// it) nor overwrite one.
	Masked bool
}

// MsgMaskedRow is why a row of a masked register is not imported as a new
// case.
const MsgMaskedRow = "Dòng này thuộc sổ đã che thông tin cá nhân (tên viết tắt, số điện thoại bị che) nên không nhập thành vụ việc mới. Hãy xuất lại sổ theo dõi không chọn “Che thông tin cá nhân” rồi nhập tệp đó."

// ParseRoster reads the data rows of a roster with mapping m. on is the
// day the roster is of (the session's date): a birth year or date, or an
// age, becomes an age band at that day. It returns the valid rows and, for
// every other row, one RowError per bad cell: a missing name, a bad phone,
// a participant group not in the list (matched by label or code, with or
// without diacritics), a bad gender or birth year. Blank rows, a repeated
// header, a row of column numbers ((1), (2)…) and section titles ("I. ĐẠI
// BIỂU CẤP XÃ", whose group, if it names one, is the default of the rows
// below) are skipped; a totals or signature line ("Tổng cộng", "Người lập
// biểu", "…, ngày 20 tháng 11 năm 2026") ends the data.
func ParseRoster(s *Sheet, m Mapping, on time.Time) ([]RosterEntry, []RowError) {
	var (
		rows    []RosterEntry
		errs    []RowError
		section string // participant type named by the last section title
		memo    = impCodeMemo{}
	)
	for r := max(m.FirstRow, 1); r <= len(s.Rows); r++ {
		switch k, title := impRowKind(s, m, r); k {
		case impBlank, impNumbering, impHeader:
			continue
		case impFooter:
			return rows, errs
		case impSection:
			if code, ok := impMatchCode(app.ParticipantTypes, impTypeAliases, title); ok {
				section = code
			}
			continue
		}
		p, rowErrs := parseRosterRow(s, m, r, memo, on)
		if p.Type == "" {
			p.Type = section
		}
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			continue
		}
		rows = append(rows, RosterEntry{Row: r, Participant: p})
	}
	return rows, errs
}

func parseRosterRow(s *Sheet, m Mapping, r int, memo impCodeMemo, on time.Time) (app.Participant, []RowError) {
	var p app.Participant
	var errs []RowError
	bad := func(f Field, format string, args ...any) {
		errs = append(errs, RowError{Row: r, Column: m.Header(s, f), Reason: fmt.Sprintf(format, args...)})
	}
	cell := func(f Field) string {
		if c, ok := m.Columns[f]; ok {
			return s.Cell(r, c)
		}
		return ""
	}
	p.FullName = app.NFC(cell(FieldFullName))
	switch n := len([]rune(p.FullName)); {
	case n == 0:
		bad(FieldFullName, "Thiếu họ và tên.")
	case n > 200:
		bad(FieldFullName, "Họ và tên quá dài (tối đa 200 ký tự).")
	}
	if phone, msg := impPhone(s, m, r, FieldPhone); msg != "" {
		bad(FieldPhone, "%s", msg)
	} else {
		p.Phone = phone
	}
	if v := app.NFC(cell(FieldType)); v != "" {
		if code, ok := memo.match(app.ParticipantTypes, impTypeAliases, "type", v); ok {
			p.Type = code
		} else {
			bad(FieldType, "Đối tượng không có trong danh mục: %s.", v)
		}
	}
	p.Workplace = app.NFC(cell(FieldWorkplace))
	if len([]rune(p.Workplace)) > 200 {
		bad(FieldWorkplace, "Nơi công tác quá dài (tối đa 200 ký tự).")
	}
	if v := app.NFC(cell(FieldGender)); v != "" {
		if code, ok := memo.match(app.Genders, impGenderAliases, "gender", v); ok {
			p.Gender = code
		} else {
			bad(FieldGender, "Giới tính không hợp lệ: %s (Nam, Nữ hoặc Khác).", v)
		}
	}
	// Age: a "Năm sinh" column, a "Tuổi" column, or the birth year
	// written under "Nam" or "Nữ".
	birth := func(f Field) {
		c, ok := m.Columns[f]
		if !ok || s.Cell(r, c) == "" {
			return
		}
		band, ok := impBirthBand(s, r, c, on)
		if !ok {
			bad(f, "Năm sinh không hợp lệ: %s (cần năm, ví dụ 1985, hoặc ngày dd/mm/yyyy).", s.Cell(r, c))
			return
		}
		if band != "" {
			p.AgeBand = band
		}
	}
	for _, g := range []struct {
		f    Field
		code string
	}{{FieldMale, "nam"}, {FieldFemale, "nu"}} {
		if v := cell(g.f); v != "" {
			if p.Gender == "" {
				p.Gender = g.code
			}
			if _, isNum := s.numberCell(r, m.Columns[g.f]); isNum || strings.ContainsAny(v, "/-.") {
				birth(g.f)
			}
		}
	}
	birth(FieldBirth)
	if v := app.NFC(cell(FieldAge)); v != "" && p.AgeBand == "" {
		if n, ok := s.numberCell(r, m.Columns[FieldAge]); ok && n >= 0 && n <= 120 {
			p.AgeBand = impAgeBand(n)
		} else if code, ok := impMatchCode(app.AgeBands, impAgeAliases, v); ok {
			p.AgeBand = code
		} else {
			bad(FieldAge, "Tuổi không hợp lệ: %s.", v)
		}
	}
	return p, errs
}

// ParseRegister reads the data rows of a complaint register with mapping m
// into cases of commune unit (received by the date on the row; channel,
// kind, sector and status matched by label or code, with or without
// diacritics, or taken from m.Defaults), each validated as CreateCase
// would at now against refs (nil skips the reference checks and matches
// sectors by code only). It returns the valid rows and, for every other
// row, one RowError per bad cell. Rows are skipped and the data ends as in
// ParseRoster.
func ParseRegister(s *Sheet, m Mapping, refs *app.RefData, unit string, now time.Time) ([]RegisterEntry, []RowError) {
	var (
		rows    []RegisterEntry
		errs    []RowError
		sectors app.CodeList
		vrefs   app.Refs // nil, not a nil *RefData
		memo    = impCodeMemo{}
	)
	if refs != nil {
		sectors, vrefs = refs.SectorCodes(), refs
	}
	masked := maskedRegister(s, m)
	for r := max(m.FirstRow, 1); r <= len(s.Rows); r++ {
		switch k, _ := impRowKind(s, m, r); k {
		case impBlank, impNumbering, impHeader, impSection:
			continue
		case impFooter:
			return rows, errs
		}
		if masked || maskedRow(s, m, r) {
			row, rowErrs := parseMaskedRow(s, m, r, unit)
			if len(rowErrs) > 0 {
				errs = append(errs, rowErrs...)
				continue
			}
			rows = append(rows, row)
			continue
		}
		row, rowErrs := parseRegisterRow(s, m, r, memo, sectors, vrefs, unit, now)
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			continue
		}
		rows = append(rows, row)
	}
	return rows, errs
}

func parseRegisterRow(s *Sheet, m Mapping, r int, memo impCodeMemo, sectors app.CodeList, refs app.Refs, unit string, now time.Time) (RegisterEntry, []RowError) {
	var errs []RowError
	reported := map[Field]bool{}
	bad := func(f Field, format string, args ...any) {
		reported[f] = true
		errs = append(errs, RowError{Row: r, Column: m.Header(s, f), Reason: fmt.Sprintf(format, args...)})
	}
	cell := func(f Field) string {
		if c, ok := m.Columns[f]; ok {
			return s.Cell(r, c)
		}
		return ""
	}
	row := RegisterEntry{Row: r, Source: app.NFC(cell(FieldNumber))}
	c := &row.Case
	c.UnitCode = unit
	if col, ok := m.Columns[FieldReceivedAt]; ok {
		if t, ok := s.dateCell(r, col); ok {
			c.ReceivedAt = t
		} else {
			bad(FieldReceivedAt, "Ngày tiếp nhận không hợp lệ: %s (cần ngày dạng dd/mm/yyyy).", s.Cell(r, col))
		}
	}
	c.ConsumerName = cell(FieldConsumerName)
	c.ConsumerAddress = cell(FieldConsumerAddress)
	if phone, msg := impPhone(s, m, r, FieldConsumerPhone); msg != "" {
		bad(FieldConsumerPhone, "%s", msg)
	} else {
		c.ConsumerPhone = phone
	}
	c.BusinessName = cell(FieldBusinessName)
	c.BusinessAddress = cell(FieldBusinessAddress)
	c.Summary = cell(FieldSummary)
	for _, x := range []struct {
		f       Field
		dst     *string
		list    app.CodeList
		aliases map[string]string
		what    string
	}{
		{FieldChannel, &c.Channel, app.Channels, impChannelAliases, "Kênh tiếp nhận"},
		{FieldKind, &c.Kind, app.CaseKinds, impKindAliases, "Loại vụ việc"},
		{FieldSector, &c.Sector, sectors, impSectorAliases, "Lĩnh vực"},
		{FieldStatus, &c.Status, app.CaseStatuses, impStatusAliases, "Trạng thái"},
	} {
		v := app.NFC(cell(x.f))
		if v == "" {
			v = app.NFC(m.Defaults[x.f])
		}
		if v == "" {
			continue
		}
		code, ok := memo.match(x.list, x.aliases, string(x.f), v)
		if !ok && x.list == nil && x.f == FieldSector { // no reference data: codes as they are
			code, ok = v, true
		}
		if !ok {
			bad(x.f, "%s không có trong danh mục: %s.", x.what, v)
			continue
		}
		*x.dst = code
	}
	if c.Status == "" {
		c.Status = app.StatusReceived
	}
	c.Normalize()
	if err := c.Validate(refs, now); err != nil {
		fe := app.FieldErrors(err)
		if len(fe) == 0 {
			bad("", "%s", app.ErrorMessage(err))
		}
		// In the order of the mapping step, then the others by name.
		order := map[string]int{}
		for i, fi := range registerFields {
			order[string(fi.Field)] = i
		}
		keys := make([]string, 0, len(fe))
		for k := range fe {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool {
			oa, okA := order[keys[a]]
			ob, okB := order[keys[b]]
			if okA != okB {
				return okA
			}
			if oa != ob {
				return oa < ob
			}
			return keys[a] < keys[b]
		})
		for _, k := range keys {
			if !reported[Field(k)] {
				bad(Field(k), "%s", fe[k])
			}
		}
	}
	return row, errs
}

// maskedRegister reports whether s is a register this app exported with
// personal data hidden: its header block (above the header row) carries
// the note WriteRegister prints.
func maskedRegister(s *Sheet, m Mapping) bool {
	for r := 1; r < m.HeaderRow; r++ {
		for c := range s.Rows[r-1] {
			if strings.Contains(s.Cell(r, c), maskNote) {
				return true
			}
		}
	}
	return false
}

var maskedNameRE = regexp.MustCompile(`^(\pL\.\s*)+$`)

// maskedRow reports whether row r holds masked personal data: a phone
// with stars ("*******678") or a name written as initials ("N. T. H. Đ.").
func maskedRow(s *Sheet, m Mapping, r int) bool {
	if c, ok := m.Columns[FieldConsumerPhone]; ok && strings.Contains(s.Cell(r, c), "*") {
		return true
	}
	if c, ok := m.Columns[FieldConsumerName]; ok && maskedNameRE.MatchString(app.NFC(s.Cell(r, c))) {
		return true
	}
	return false
}

// parseMaskedRow reads a row of a masked register: its number and day
// received only, to recognise a case already in the store. A row without
// a number cannot be recognised and is an error.
func parseMaskedRow(s *Sheet, m Mapping, r int, unit string) (RegisterEntry, []RowError) {
	row := RegisterEntry{Row: r, Masked: true}
	if c, ok := m.Columns[FieldNumber]; ok {
		row.Source = app.NFC(s.Cell(r, c))
	}
	if row.Source == "" {
		return row, []RowError{{Row: r, Reason: MsgMaskedRow}}
	}
	row.Case.UnitCode = unit
	if col, ok := m.Columns[FieldReceivedAt]; ok {
		t, ok := s.dateCell(r, col)
		if !ok || t.IsZero() {
			return row, []RowError{{Row: r, Column: m.Header(s, FieldReceivedAt),
				Reason: fmt.Sprintf("Ngày tiếp nhận không hợp lệ: %s (cần ngày dạng dd/mm/yyyy).", s.Cell(r, col))}}
		}
		row.Case.ReceivedAt = t
	}
	return row, nil
}

var impPhoneRE = regexp.MustCompile(`^0[0-9]{9,10}$`)

// impPhone reads a phone cell: the first number if several are written
// ("0912 345 678 / 0987…"), normalised, with the leading 0 Excel drops
// from a number cell put back. msg is the reason it is not valid.
func impPhone(s *Sheet, m Mapping, r int, f Field) (phone, msg string) {
	c, ok := m.Columns[f]
	if !ok {
		return "", ""
	}
	text := s.Cell(r, c)
	if text == "" {
		return "", ""
	}
	v := text
	if raw := strings.TrimSpace(s.rawCell(r, c)); raw != "" && raw != text {
		if n, err := strconv.ParseFloat(raw, 64); err == nil && n == float64(int64(n)) && n > 0 {
			v = strconv.FormatInt(int64(n), 10) // 9.12E+08 shown, 912345678 stored
		}
	}
	if i := strings.IndexAny(v, "/;,"); i > 0 {
		v = v[:i]
	}
	if i := strings.Index(impKey(v), " hoac "); i > 0 { // "0912… hoặc 0987…"
		v = strings.Fields(v)[0]
	}
	v = app.NormalizePhone(v)
	if (len(v) == 9 || len(v) == 10) && v[0] != '0' && impDigits(v) {
		v = "0" + v
	}
	if !impPhoneRE.MatchString(v) {
		return "", fmt.Sprintf("Số điện thoại không hợp lệ: %s (cần 10 hoặc 11 chữ số, bắt đầu bằng 0).", text)
	}
	return v, ""
}

func impDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// impBirthBand reads a birth year or date and returns the age band at on
// ("" if on is zero or the year is in the future of on); ok is false for a
// value that is neither.
func impBirthBand(s *Sheet, r, c int, on time.Time) (string, bool) {
	var age int
	if n, ok := s.numberCell(r, c); ok && n >= 1900 && n <= 2100 {
		if on.IsZero() {
			return "", true
		}
		if n > on.Year() {
			return "", false
		}
		age = on.Year() - n
	} else if t, ok := s.dateCell(r, c); ok && !t.IsZero() && t.Year() >= 1900 {
		if on.IsZero() {
			return "", true
		}
		if t.After(on) {
			return "", false
		}
		age = on.Year() - t.Year()
		if on.YearDay() < t.YearDay() {
			age--
		}
	} else {
		return "", false
	}
	if age > 120 {
		return "", false
	}
	return impAgeBand(age), true
}

// impAgeBand returns the AgeBands code of an age in years.
func impAgeBand(age int) string {
	switch {
	case age < 16:
		return "duoi_16"
	case age <= 35:
		return "tu_16_den_35"
	case age <= 59:
		return "tu_36_den_59"
	}
	return "tu_60"
}

// Row kinds of a data area.
const (
	impData = iota
	impBlank
	impNumbering // (1) (2) (3)… under the header
	impHeader    // the header repeated (a printed roster pasted page by page)
	impSection   // "I. ĐẠI BIỂU CẤP TỈNH"
	impFooter    // totals, signatures, the place and date line
)

var (
	impNumberingRE = regexp.MustCompile(`^\(?[0-9]{1,2}\)?$`)
	impSectionRE   = regexp.MustCompile(`^(?:[IVXLivxl]{1,5}|[A-Za-zĐđ]|[0-9]{1,2})[.)/]\s*\S`)
	impDateLineRE  = regexp.MustCompile(`ngay\s+\S+\s+thang\s+\S+\s+nam\s+[0-9]`)
	impFooterWords = []string{"tong cong", "tong so", "nguoi lap", "xac nhan cua", "ghi chu", "tm uy ban",
		"tm ubnd", "t m uy ban", "kt chu tich", "thu truong", "noi nhan", "lanh dao don vi"}
)

// impRowKind tells what row r of the data area is; for a section title, it
// returns the title without its list marker.
func impRowKind(s *Sheet, m Mapping, r int) (int, string) {
	cells := s.Rows[r-1]
	mapped := false
	for _, c := range m.Columns {
		if s.Cell(r, c) != "" {
			mapped = true
			break
		}
	}
	var filled []string
	for _, c := range cells {
		if c != "" {
			filled = append(filled, c)
		}
	}
	if len(filled) == 0 {
		return impBlank, ""
	}
	distinct := map[string]bool{}
	for _, c := range filled {
		distinct[c] = true
	}
	if !impDigits(filled[0]) { // most data rows start with their STT
		first := impKey(filled[0])
		for _, w := range impFooterWords {
			if first == w || strings.HasPrefix(first, w+" ") {
				return impFooter, ""
			}
		}
		if first == "cong" {
			return impFooter, ""
		}
	}
	if len(distinct) <= 3 && impDateLineRE.MatchString(impKey(strings.Join(filled, " "))) {
		return impFooter, ""
	}
	if !mapped {
		return impBlank, ""
	}
	numbers := 0
	for _, c := range filled {
		if impNumberingRE.MatchString(c) {
			numbers++
		}
	}
	if numbers == len(filled) && numbers >= 3 {
		return impNumbering, ""
	}
	if m.HeaderRow > 0 && r != m.HeaderRow {
		same := 0
		for _, c := range m.Columns {
			if v := s.Cell(r, c); v != "" && strings.EqualFold(v, s.Cell(m.HeaderRow, c)) {
				same++
			}
		}
		if same >= 2 && same*2 >= len(m.Columns) {
			return impHeader, ""
		}
	}
	allSame := true
	for _, c := range filled {
		allSame = allSame && c == filled[0]
	}
	if allSame && impSectionRE.MatchString(filled[0]) {
		title := filled[0]
		if i := strings.IndexAny(title, ".)/"); i >= 0 {
			title = strings.TrimSpace(title[i+1:])
		}
		// A title is in capitals or names a group ("1. Nguyễn Văn An"
		// alone is a person).
		_, group := impMatchCode(app.ParticipantTypes, impTypeAliases, title)
		tk := impKey(title)
		if strings.ToUpper(title) == title || group || strings.Contains(tk, "dai bieu") ||
			strings.Contains(tk, "thanh phan") || strings.Contains(tk, "khach moi") {
			return impSection, title
		}
	}
	return impData, ""
}

// impMatchCode finds the code a cell means in list: its code ("nguoi_dan",
// "nguoi dan"), its label or a part of the label ("Học sinh" for "Học
// sinh, sinh viên"; "Khiếu nại" for "Khiếu nại doanh nghiệp"), or a
// known alias, all compared without diacritics, case or punctuation. A
// part must name one code only.
func impMatchCode(list app.CodeList, aliases map[string]string, value string) (string, bool) {
	return impMatchKey(list, aliases, impKey(value))
}

// impCodeMemo remembers the code of each value of a column while a sheet
// is parsed: registers repeat a few labels thousands of times.
type impCodeMemo map[string]struct {
	code string
	ok   bool
}

func (memo impCodeMemo) match(list app.CodeList, aliases map[string]string, what, value string) (string, bool) {
	k := what + "\x00" + value
	if v, ok := memo[k]; ok {
		return v.code, v.ok
	}
	code, ok := impMatchCode(list, aliases, value)
	memo[k] = struct {
		code string
		ok   bool
	}{code, ok}
	return code, ok
}

func impMatchKey(list app.CodeList, aliases map[string]string, key string) (string, bool) {
	if key == "" {
		return "", false
	}
	for _, c := range list {
		if key == impLabelKey(c.Code) || key == impLabelKey(c.VI) || key == impLabelKey(impStripParens(c.VI)) {
			return c.Code, true
		}
	}
	if code, ok := aliases[key]; ok && list.Has(code) {
		return code, true
	}
	found := ""
	for _, c := range list {
		if impLabelPart(c.VI, key) {
			if found != "" && found != c.Code {
				return "", false
			}
			found = c.Code
		}
	}
	return found, found != ""
}

// impLabelPart reports whether key (impKey form) is a part of label: the
// label's first segment (split at , ; ( ) …), another segment of two words
// or more, or the first two words or more of the label.
func impLabelPart(label, key string) bool {
	if !strings.Contains(key, " ") && len(key) < 4 {
		return false
	}
	lk := impLabelKey(label)
	if strings.Contains(key, " ") && strings.HasPrefix(lk, key+" ") {
		return true
	}
	segs := strings.FieldsFunc(label, func(r rune) bool { return strings.ContainsRune(",;()…:", r) })
	for i, seg := range segs {
		sk := impLabelKey(seg)
		if sk == key && (i == 0 || strings.Contains(sk, " ")) {
			return true
		}
	}
	return false
}

func impStripParens(s string) string {
	if i := strings.IndexByte(s, '('); i > 0 {
		return strings.TrimRightFunc(s[:i], unicode.IsSpace)
	}
	return s
}

// Aliases of code labels, in impKey form: what registers and rosters
// write for them.
var (
	impTypeAliases = map[string]string{
		"can bo": "can_bo_cong_chuc_xa", "cbcc": "can_bo_cong_chuc_xa", "can bo cong chuc": "can_bo_cong_chuc_xa", "cong chuc": "can_bo_cong_chuc_xa",
		"can bo xa": "can_bo_cong_chuc_xa", "can bo phuong": "can_bo_cong_chuc_xa", "can bo cap xa": "can_bo_cong_chuc_xa",
		"dai bieu cap xa": "can_bo_cong_chuc_xa", "can bo cong chuc xa": "can_bo_cong_chuc_xa",
		"can bo cong chuc phuong": "can_bo_cong_chuc_xa",
		"so nganh":                "can_bo_so_nganh", "can bo tinh": "can_bo_so_nganh", "can bo cap tinh": "can_bo_so_nganh",
		"dai bieu cap tinh": "can_bo_so_nganh", "can bo so nganh": "can_bo_so_nganh",
		"hoi vien": "hoi_vien_doan_the", "doan the": "hoi_vien_doan_the", "hoi phu nu": "hoi_vien_doan_the",
		"hoi nong dan": "hoi_vien_doan_the", "doan thanh nien": "hoi_vien_doan_the", "hoi cuu chien binh": "hoi_vien_doan_the",
		"mttq": "hoi_vien_doan_the", "hoi vien doan the": "hoi_vien_doan_the",
		"dn": "doanh_nghiep", "cong ty": "doanh_nghiep",
		"hkd": "ho_kinh_doanh_tieu_thuong", "ho kd": "ho_kinh_doanh_tieu_thuong",
		"co so kinh doanh": "ho_kinh_doanh_tieu_thuong", "tieu thuong cho": "ho_kinh_doanh_tieu_thuong",
		"hop tac xa": "htx",
		"dan":        "nguoi_dan", "nhan dan": "nguoi_dan", "cong dan": "nguoi_dan", "nguoi tieu dung": "nguoi_dan",
		"ntd": "nguoi_dan", "ho dan": "nguoi_dan",
		"hs": "hoc_sinh_sinh_vien", "sv": "hoc_sinh_sinh_vien", "hssv": "hoc_sinh_sinh_vien",
		"hoc sinh sinh vien": "hoc_sinh_sinh_vien",
	}
	impGenderAliases = map[string]string{"nam gioi": "nam", "nu gioi": "nu", "m": "nam", "f": "nu", "male": "nam", "female": "nu"}
	impAgeAliases    = map[string]string{"duoi 16": "duoi_16", "tren 60": "tu_60", "tu 60": "tu_60", "16 35": "tu_16_den_35",
		"36 59": "tu_36_den_59", "nguoi cao tuoi": "tu_60", "tre em": "duoi_16"}
	impChannelAliases = map[string]string{
		"truc tiep": "truc_tiep", "tai tru so": "truc_tiep", "tiep cong dan": "truc_tiep",
		"goi dien": "dien_thoai", "dt": "dien_thoai",
		"tong dai": "tong_dai_1800_6838", "1800 6838": "tong_dai_1800_6838", "18006838": "tong_dai_1800_6838",
		"duong day nong": "tong_dai_1800_6838",
		"buu dien":       "buu_dien_cong_van", "cong van": "buu_dien_cong_van", "van ban": "buu_dien_cong_van",
		"don thu": "buu_dien_cong_van", "thu": "buu_dien_cong_van",
		"e mail": "email", "thu dien tu": "email", "mail": "email",
		"website": "website_ung_dung", "trang web": "website_ung_dung", "ung dung": "website_ung_dung", "app": "website_ung_dung",
		"dich vu cong": "cong_dvc", "cong dich vu cong": "cong_dvc", "dvc": "cong_dvc", "cong dvc": "cong_dvc",
		"zalo": "mang_xa_hoi", "facebook": "mang_xa_hoi", "mxh": "mang_xa_hoi", "mang xa hoi": "mang_xa_hoi",
		"chuyen den": "chuyen_tu_co_quan_khac", "co quan chuyen den": "chuyen_tu_co_quan_khac",
		"co quan khac chuyen": "chuyen_tu_co_quan_khac", "chuyen tu co quan khac": "chuyen_tu_co_quan_khac",
		"luu dong": "tiep_nhan_luu_dong",
	}
	impKindAliases = map[string]string{
		"hoi": "tu_van", "tu van": "tu_van", "hoi dap": "tu_van", "tu van hoi dap": "tu_van",
		"thuong luong": "yeu_cau_ho_tro_thuong_luong", "ho tro thuong luong": "yeu_cau_ho_tro_thuong_luong",
		"yeu cau thuong luong": "yeu_cau_ho_tro_thuong_luong",
		"khieu nai":            "khieu_nai", "xu ly vi pham": "yeu_cau_xu_ly_vi_pham", "to cao": "yeu_cau_xu_ly_vi_pham",
		"de nghi": "kien_nghi", "kien nghi de nghi": "kien_nghi",
	}
	impStatusAliases = map[string]string{
		"moi": "moi_tiep_nhan", "tiep nhan": "moi_tiep_nhan", "chua giai quyet": "moi_tiep_nhan",
		"dang giai quyet": "dang_xu_ly", "dang xu ly": "dang_xu_ly",
		"da xu ly": "da_giai_quyet", "hoan thanh": "da_giai_quyet", "xong": "da_giai_quyet", "da giai quyet xong": "da_giai_quyet",
		"ket thuc": "dong", "da dong": "dong", "chuyen co quan khac": "da_chuyen",
		"rut don": "rut_yeu_cau", "tu choi thu ly": "tu_choi",
	}
	impSectorAliases = map[string]string{
		"tmdt": "thuong_mai_dien_tu", "mua hang online": "thuong_mai_dien_tu", "mua sam online": "thuong_mai_dien_tu",
		"online":  "thuong_mai_dien_tu",
		"dien tu": "dien_tu_gia_dung", "dien may": "dien_tu_gia_dung", "gia dung": "dien_tu_gia_dung",
		"van tai": "van_tai_hang_khong", "vien thong": "vien_thong_internet",
		"dien": "nang_luong_tien_ich", "nuoc": "nang_luong_tien_ich", "dien nuoc": "nang_luong_tien_ich",
		"da cap": "ban_hang_da_cap", "du lich": "du_lich_nghi_duong", "giao duc": "giao_duc_dao_tao",
		"nong nghiep": "nong_san_vat_tu_nong_nghiep", "phan bon": "nong_san_vat_tu_nong_nghiep",
		"thuoc bvtv": "nong_san_vat_tu_nong_nghiep",
	}
)
