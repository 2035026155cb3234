package xlsx

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"

	"bvntd/app"
)

// Field is what an imported column holds. The register's fields are the
// JSON names of app.Case.
type Field string

// Fields of a participants roster.
const (
	FieldFullName  Field = "full_name"
	FieldPhone     Field = "phone"
	FieldType      Field = "participant_type" // app.ParticipantTypes, by label or code
	FieldWorkplace Field = "workplace"
	FieldGender    Field = "gender"
	FieldBirth     Field = "birth" // year or date of birth
	FieldAge       Field = "age"   // age in years, or an age band
	// FieldMale and FieldFemale are the "Nam" and "Nữ" columns of a roster
	// that writes the birth year (or a mark) under the person's gender.
	FieldMale   Field = "male"
	FieldFemale Field = "female"
)

// Fields of a complaint register.
const (
	FieldNumber          Field = "number" // the register's own number, kept to recognise the row again
	FieldReceivedAt      Field = "received_at"
	FieldConsumerName    Field = "consumer_name"
	FieldConsumerPhone   Field = "consumer_phone"
	FieldConsumerAddress Field = "consumer_address"
	FieldBusinessName    Field = "business_name"
	FieldBusinessAddress Field = "business_address"
	FieldSector          Field = "sector"  // seeded sectors, by label or code
	FieldSummary         Field = "summary" // nội dung
	FieldChannel         Field = "channel" // app.Channels
	FieldKind            Field = "kind"    // app.CaseKinds
	FieldStatus          Field = "status"  // app.CaseStatuses; default moi_tiep_nhan
)

// Kind is what a workbook is imported as.
type Kind int

const (
	KindRoster   Kind = 1 // participants of a training session
	KindRegister Kind = 2 // complaint register: cases
)

// FieldInfo describes a field for the column-mapping step.
type FieldInfo struct {
	Field    Field
	Label    string // Vietnamese, as the mapping step shows it
	Required bool   // a row without a value is an error (unless a default stands in)
	// Defaultable fields may take a value from Mapping.Defaults when the
	// file has no such column or the cell is empty.
	Defaultable bool
	synonyms    []string // header texts, with diacritics
	strict      bool     // the header must match with its diacritics (Nam ≠ Năm)
}

var rosterFields = []FieldInfo{
	{Field: FieldFullName, Label: "Họ và tên", Required: true, synonyms: []string{"Họ và tên", "Họ tên", "Tên",
		"Họ và tên đại biểu", "Họ tên đại biểu", "Đại biểu", "Họ và tên học viên", "Họ tên học viên", "Học viên",
		"Họ và tên người tham dự", "Người tham dự", "Tên đại biểu", "Họ và tên người tham gia"}},
	{Field: FieldPhone, Label: "Điện thoại", synonyms: []string{"Điện thoại", "Số điện thoại", "SĐT", "Số ĐT", "ĐT",
		"ĐTDĐ", "Di động", "Điện thoại liên hệ", "Số điện thoại liên hệ", "SĐT liên hệ", "Điện thoại di động"}},
	{Field: FieldType, Label: "Đối tượng", synonyms: []string{"Đối tượng", "Thành phần", "Loại đối tượng",
		"Nhóm đối tượng", "Thành phần tham dự", "Đối tượng tham dự", "Đối tượng tham gia", "Thành phần đại biểu"}},
	{Field: FieldWorkplace, Label: "Đơn vị, nơi công tác", synonyms: []string{"Đơn vị", "Nơi công tác", "Cơ quan",
		"Đơn vị công tác", "Cơ quan, đơn vị", "Chức vụ, đơn vị", "Chức vụ, đơn vị công tác", "Chức vụ, nơi công tác",
		"Tổ chức", "Nơi làm việc", "Cơ quan công tác", "Đơn vị, nơi công tác", "Tên đơn vị", "Doanh nghiệp, cơ sở"}},
	{Field: FieldGender, Label: "Giới tính", synonyms: []string{"Giới tính", "Giới", "Phái"}},
	{Field: FieldBirth, Label: "Năm sinh", synonyms: []string{"Năm sinh", "Ngày sinh", "Ngày tháng năm sinh",
		"Ngày, tháng, năm sinh", "Sinh năm"}},
	{Field: FieldAge, Label: "Tuổi", synonyms: []string{"Tuổi", "Độ tuổi", "Nhóm tuổi"}},
	{Field: FieldMale, Label: "Nam (năm sinh hoặc đánh dấu)", synonyms: []string{"Nam"}, strict: true},
	{Field: FieldFemale, Label: "Nữ (năm sinh hoặc đánh dấu)", synonyms: []string{"Nữ"}, strict: true},
}

var registerFields = []FieldInfo{
	{Field: FieldNumber, Label: "Số vụ việc", synonyms: []string{"Số vụ việc", "Mã vụ việc", "Số hồ sơ", "Mã hồ sơ",
		"Số tiếp nhận", "Số phiếu", "Số sổ", "Số thụ lý", "Số vào sổ"}},
	{Field: FieldReceivedAt, Label: "Ngày tiếp nhận", Required: true, synonyms: []string{"Ngày tiếp nhận", "Ngày nhận",
		"Ngày", "Thời gian tiếp nhận", "Ngày tháng", "Ngày nhận đơn", "Ngày tiếp nhận đơn", "Ngày phản ánh",
		"Ngày tiếp nhận phản ánh"}},
	{Field: FieldConsumerName, Label: "Người tiêu dùng", Required: true, synonyms: []string{"Người tiêu dùng",
		"Họ tên người phản ánh", "Họ và tên người phản ánh", "Người phản ánh", "Người khiếu nại",
		"Họ tên người tiêu dùng", "Họ và tên người tiêu dùng", "Tên người tiêu dùng", "Họ và tên", "Họ tên",
		"Người gửi", "Người yêu cầu", "Họ tên người khiếu nại", "Họ và tên người khiếu nại", "Người đề nghị",
		"Người phản ánh, khiếu nại"}},
	{Field: FieldConsumerAddress, Label: "Địa chỉ người tiêu dùng", synonyms: []string{"Địa chỉ", "Địa chỉ người tiêu dùng",
		"Địa chỉ người phản ánh", "Nơi ở", "Địa chỉ liên hệ", "Địa chỉ thường trú", "Nơi cư trú"}},
	{Field: FieldConsumerPhone, Label: "Số điện thoại", synonyms: []string{"Số điện thoại", "Điện thoại", "SĐT", "Số ĐT",
		"ĐT", "Điện thoại liên hệ", "Số điện thoại liên hệ", "Số điện thoại người tiêu dùng"}},
	{Field: FieldBusinessName, Label: "Tổ chức, cá nhân kinh doanh", synonyms: []string{"Doanh nghiệp",
		"Tổ chức, cá nhân kinh doanh", "Tên doanh nghiệp", "Cơ sở kinh doanh", "Đơn vị bị phản ánh",
		"Đối tượng bị phản ánh", "Doanh nghiệp bị phản ánh", "Tên tổ chức, cá nhân kinh doanh", "Bên bị khiếu nại",
		"Tổ chức, cá nhân kinh doanh bị phản ánh", "Thương nhân", "Cửa hàng", "Tên cơ sở", "Cơ sở"}},
	{Field: FieldBusinessAddress, Label: "Địa chỉ kinh doanh", synonyms: []string{"Địa chỉ kinh doanh",
		"Địa chỉ doanh nghiệp", "Địa chỉ tổ chức, cá nhân kinh doanh", "Địa chỉ cơ sở kinh doanh", "Địa chỉ cơ sở",
		"Địa chỉ cửa hàng"}},
	{Field: FieldSector, Label: "Lĩnh vực", Required: true, Defaultable: true, synonyms: []string{"Lĩnh vực",
		"Lĩnh vực hàng hóa, dịch vụ", "Ngành hàng", "Lĩnh vực phản ánh", "Lĩnh vực hàng hóa dịch vụ"}},
	{Field: FieldSummary, Label: "Nội dung", Required: true, synonyms: []string{"Nội dung", "Tóm tắt", "Nội dung vụ việc",
		"Tóm tắt nội dung", "Nội dung phản ánh", "Nội dung khiếu nại", "Nội dung yêu cầu", "Nội dung sự việc",
		"Nội dung phản ánh, khiếu nại", "Tóm tắt nội dung vụ việc"}},
	{Field: FieldChannel, Label: "Kênh tiếp nhận", Required: true, Defaultable: true, synonyms: []string{"Kênh",
		"Kênh tiếp nhận", "Hình thức tiếp nhận", "Nguồn tiếp nhận", "Hình thức", "Nguồn"}},
	{Field: FieldKind, Label: "Loại vụ việc", Required: true, Defaultable: true, synonyms: []string{"Loại",
		"Loại vụ việc", "Phân loại", "Loại đơn", "Loại yêu cầu", "Tính chất", "Phân loại vụ việc"}},
	{Field: FieldStatus, Label: "Trạng thái", Defaultable: true, synonyms: []string{"Trạng thái", "Tình trạng",
		"Tình trạng giải quyết", "Tình trạng xử lý", "Trạng thái xử lý", "Trạng thái giải quyết"}},
}

// Fields returns the fields of an import kind, in the order the mapping
// step lists them.
func Fields(k Kind) []FieldInfo {
	switch k {
	case KindRoster:
		return rosterFields
	case KindRegister:
		return registerFields
	}
	return nil
}

func impFieldInfo(k Kind, f Field) (FieldInfo, bool) {
	for _, fi := range Fields(k) {
		if fi.Field == f {
			return fi, true
		}
	}
	return FieldInfo{}, false
}

// FieldLabel returns the Vietnamese name of a field.
func FieldLabel(f Field) string {
	for _, k := range []Kind{KindRoster, KindRegister} {
		if fi, ok := impFieldInfo(k, f); ok {
			return fi.Label
		}
	}
	return string(f)
}

// Mapping says where each field is in a worksheet: the column-mapping
// step. Propose makes one; the officer may change it (Set, Defaults,
// HeaderRow and FirstRow) before parsing.
type Mapping struct {
	Kind Kind
	// HeaderRow is the Excel row number of the header row, 0 if the sheet
	// has none; FirstRow the row number of the first data row.
	HeaderRow, FirstRow int
	// Columns gives the column (from 0: A = 0) of each field found; a
	// field not in it is not imported.
	Columns map[Field]int
	// Defaults gives the value (a code or a label) of a Defaultable field
	// for rows whose cell is empty or when the file has no such column:
	// for a register kept without a "Kênh" column, the officer picks
	// "Trực tiếp tại trụ sở" once.
	Defaults map[Field]string
}

// Clone returns a copy of m that shares no map with it.
func (m Mapping) Clone() Mapping {
	c := m
	c.Columns = make(map[Field]int, len(m.Columns))
	for k, v := range m.Columns {
		c.Columns[k] = v
	}
	c.Defaults = make(map[Field]string, len(m.Defaults))
	for k, v := range m.Defaults {
		c.Defaults[k] = v
	}
	return c
}

// Set puts field f in column col (from 0), taking the column away from
// any other field; col < 0 removes f.
func (m *Mapping) Set(f Field, col int) {
	if m.Columns == nil {
		m.Columns = map[Field]int{}
	}
	delete(m.Columns, f)
	if col < 0 {
		return
	}
	for g, c := range m.Columns {
		if c == col {
			delete(m.Columns, g)
		}
	}
	m.Columns[f] = col
}

// SetDefault sets the default value of a Defaultable field ("" removes it).
func (m *Mapping) SetDefault(f Field, value string) {
	if m.Defaults == nil {
		m.Defaults = map[Field]string{}
	}
	if value = strings.TrimSpace(value); value == "" {
		delete(m.Defaults, f)
		return
	}
	m.Defaults[f] = value
}

// Column returns the column of f.
func (m Mapping) Column(f Field) (int, bool) {
	c, ok := m.Columns[f]
	return c, ok
}

// Header returns the header of f's column as the file writes it, else the
// field's label: the Column of a RowError.
func (m Mapping) Header(s *Sheet, f Field) string {
	if c, ok := m.Columns[f]; ok && m.HeaderRow > 0 {
		if h := strings.Join(strings.Fields(s.Cell(m.HeaderRow, c)), " "); h != "" {
			return h
		}
	}
	return FieldLabel(f)
}

// Missing returns the required fields that have neither a column nor a
// default.
func (m Mapping) Missing() []Field {
	var out []Field
	for _, fi := range Fields(m.Kind) {
		if !fi.Required {
			continue
		}
		if _, ok := m.Columns[fi.Field]; ok {
			continue
		}
		if fi.Defaultable && m.Defaults[fi.Field] != "" {
			continue
		}
		out = append(out, fi.Field)
	}
	return out
}

// Check returns an *app.Error (EINVALID) naming the required fields
// without a column, or nil.
func (m Mapping) Check() error {
	if Fields(m.Kind) == nil {
		return app.Errorf(app.EINVALID, "Chưa chọn loại dữ liệu cần nhập.")
	}
	miss := m.Missing()
	if len(miss) == 0 {
		return nil
	}
	var names []string
	defaults := false
	for _, f := range miss {
		names = append(names, FieldLabel(f))
		if fi, _ := impFieldInfo(m.Kind, f); fi.Defaultable {
			defaults = true
		}
	}
	msg := fmt.Sprintf("Không tìm thấy cột %s trong tệp. Hãy chọn cột tương ứng", strings.Join(names, ", "))
	if defaults {
		msg += " hoặc chọn giá trị mặc định"
	}
	return app.Errorf(app.EINVALID, "%s.", msg)
}

// headerScanRows is how many rows from the top may hold the header.
const headerScanRows = 30

// Propose finds the header row of s (the row among the first 30 whose
// cells match most known headers, with or without diacritics; title rows
// above it are skipped) and proposes the column of each field. A second
// header row below it ("Nam", "Nữ" under "Năm sinh") is merged in. With no
// header found, HeaderRow is 0, FirstRow 1 and Columns empty: the
// mapping step then asks.
func Propose(s *Sheet, k Kind) Mapping {
	best, bestN := 0, 0
	for r := 1; r <= min(len(s.Rows), headerScanRows); r++ {
		cols := impAssign(s.Rows[r-1], Fields(k))
		if !impHeaderLike(k, cols) {
			continue
		}
		if len(cols) > bestN {
			best, bestN = r, len(cols)
		}
	}
	if best == 0 {
		return Mapping{Kind: k, FirstRow: 1, Columns: map[Field]int{}, Defaults: map[Field]string{}}
	}
	return ProposeAt(s, k, best)
}

// impHeaderLike reports whether the fields matched in a row make it a
// header: the roster's name, or three fields of a register.
func impHeaderLike(k Kind, cols map[Field]int) bool {
	switch k {
	case KindRoster:
		_, ok := cols[FieldFullName]
		return ok && len(cols) >= 2
	case KindRegister:
		_, name := cols[FieldConsumerName]
		_, sum := cols[FieldSummary]
		return (name || sum) && len(cols) >= 3
	}
	return false
}

// ProposeAt proposes the columns for the header in Excel row headerRow
// (the officer may pick the header row).
func ProposeAt(s *Sheet, k Kind, headerRow int) Mapping {
	m := Mapping{Kind: k, HeaderRow: headerRow, FirstRow: headerRow + 1, Defaults: map[Field]string{}}
	if headerRow < 1 || headerRow > len(s.Rows) {
		m.HeaderRow, m.FirstRow, m.Columns = 0, 1, map[Field]int{}
		return m
	}
	m.Columns = impAssign(s.Rows[headerRow-1], Fields(k))
	// A second header row: every filled cell is a known header, and one
	// names a field the first row did not (merged cells repeat the first).
	if headerRow < len(s.Rows) {
		next := s.Rows[headerRow]
		sub := impAssign(next, Fields(k))
		filled := 0
		for _, c := range next {
			if c != "" {
				filled++
			}
		}
		adds := false
		for f, c := range sub {
			if old, ok := m.Columns[f]; !ok || old != c {
				adds = true
			}
		}
		if filled > 0 && len(sub) == filled && adds {
			for f, c := range sub {
				m.Set(f, c)
			}
			m.FirstRow = headerRow + 2
		}
	}
	return m
}

// impAssign matches the cells of a row against the fields' header texts:
// an exact match first (ignoring case, diacritics, punctuation and
// spacing), then a header starting with a known one of two words or more
// ("Số điện thoại liên hệ (nếu có)"), longer matches first; each field and
// each column is used once.
func impAssign(cells []string, fields []FieldInfo) map[Field]int {
	type cand struct {
		col   int
		field Field
		score int
	}
	var cands []cand
	for j, cell := range cells {
		key := impKey(cell)
		if key == "" {
			continue
		}
		exact := impExactKey(cell)
		plain := key == exact // the cell has no diacritics
		for _, fi := range fields {
			best := 0
			for _, syn := range impSynonymKeys(fi) {
				sk := syn.key
				switch {
				case fi.strict:
					if exact == syn.exact || plain && key == sk {
						best = max(best, 1000+len(sk))
					}
				case key == sk:
					best = max(best, 1000+len(sk))
				case strings.Contains(sk, " ") && strings.HasPrefix(key, sk+" "):
					best = max(best, len(sk))
				}
			}
			if best > 0 {
				cands = append(cands, cand{j, fi.Field, best})
			}
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return cands[a].col < cands[b].col
	})
	out := map[Field]int{}
	used := map[int]bool{}
	for _, c := range cands {
		if _, ok := out[c.field]; ok || used[c.col] {
			continue
		}
		out[c.field] = c.col
		used[c.col] = true
	}
	return out
}

type impSynKey struct{ key, exact string }

var impSynCache sync.Map // Field → []impSynKey

// impSynonymKeys returns the header texts of fi in impKey and impExactKey
// forms, computed once.
func impSynonymKeys(fi FieldInfo) []impSynKey {
	if v, ok := impSynCache.Load(fi.Field); ok {
		return v.([]impSynKey)
	}
	keys := make([]impSynKey, len(fi.synonyms))
	for i, syn := range fi.synonyms {
		keys[i] = impSynKey{impKey(syn), impExactKey(syn)}
	}
	impSynCache.Store(fi.Field, keys)
	return keys
}

var impLabelCache sync.Map // label → impKey(label)

// impLabelKey is impKey of a code label or code, computed once.
func impLabelKey(s string) string {
	if v, ok := impLabelCache.Load(s); ok {
		return v.(string)
	}
	k := impKey(s)
	impLabelCache.Store(s, k)
	return k
}

// impKey is the form headers and code labels are compared in: folded (no
// diacritics, đ → d, lower case), every run of other than letters and
// digits one space. "Số ĐT (*)" → "so dt".
func impKey(s string) string {
	return impWords(app.Fold(s))
}

// impExactKey is impKey keeping the diacritics.
func impExactKey(s string) string {
	return impWords(strings.ToLower(app.NFC(s)))
}

func impWords(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}), " ")
}
