package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// book builds an .xlsx whose first sheet holds rows from row 1 (nil cells
// stay empty; time.Time cells get a dd/mm/yyyy format), then applies edit
// (merges, styles) if given.
func book(t testing.TB, rows [][]any, edit func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: impPtr("dd/mm/yyyy")})
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
			if _, ok := v.(time.Time); ok {
				if err := f.SetCellStyle(sheet, cell, cell, dateStyle); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if edit != nil {
		edit(f, sheet)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustRead(t testing.TB, b []byte) *Sheet {
	t.Helper()
	s, err := ReadSheet(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Synthetic people: no real person.
var (
	testFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"}
	testMiddle = []string{"Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu"}
	testGiven  = []string{"An", "Bình", "Cúc", "Dũng", "Đào", "Giang", "Hạnh", "Khoa", "Lộc", "Mai", "Nhân", "Phúc", "Quyên"}
)

func testName(i int) string {
	return testFamily[i%len(testFamily)] + " " + testMiddle[i%len(testMiddle)] + " " + testGiven[i%len(testGiven)] + fmt.Sprintf(" Thử %d", i)
}

// RosterWithThreeBadRows is a roster as a commune keeps it: two title
// rows, a header on row 4, 40 people (rows 5–44) written in several ways,
// of whom row 11 has no name, row 23 a bad phone and row 37 a group not
// in the list, then a total and a signature.
func rosterWithThreeBadRows(t testing.TB) []byte {
	rows := [][]any{
		{"ỦY BAN NHÂN DÂN PHƯỜNG MỸ THO"},
		{"DANH SÁCH ĐẠI BIỂU THAM DỰ HỘI NGHỊ TẬP HUẤN LUẬT BẢO VỆ QUYỀN LỢI NGƯỜI TIÊU DÙNG"},
		{},
		{"STT", "Họ và tên", "Năm sinh", "Giới tính", "Đơn vị công tác", "Đối tượng", "Số điện thoại", "Ký tên"},
	}
	types := []any{"Người dân", "nguoi dan", "Doanh nghiệp", "ho_kinh_doanh_tieu_thuong", "Cán bộ, công chức xã, phường",
		"Hội viên đoàn thể", "hoc sinh", "Tiểu thương", "HTX", "Khác"}
	for i := 1; i <= 40; i++ {
		excelRow := 4 + i
		var phone any = fmt.Sprintf("09%08d", 10000000+i)
		switch i % 4 {
		case 1:
			phone = 912000000 + i // a number cell: Excel drops the 0
		case 2:
			phone = fmt.Sprintf("+84 91 200 %04d", i)
		case 3:
			phone = ""
		}
		var birth any = 1960 + i
		if i%5 == 0 {
			birth = time.Date(1970+i, 3, 15, 0, 0, 0, 0, time.UTC) // a real date cell
		}
		gender := []string{"Nam", "Nữ", "nu", "nam"}[i%4]
		row := []any{i, testName(i), birth, gender, fmt.Sprintf("Ấp Tân Thuận %d", i%3), types[i%len(types)], phone, nil}
		switch excelRow {
		case 11:
			row[1] = nil
		case 23:
			row[6] = "09123"
		case 37:
			row[5] = "Người nước ngoài"
		}
		rows = append(rows, row)
	}
	rows = append(rows, []any{"Tổng cộng: 40 người"}, []any{}, []any{nil, "NGƯỜI LẬP DANH SÁCH"}, []any{}, []any{nil, "Trần Thị Ký Tên"})
	return book(t, rows, nil)
}

func TestRoster_FortyRowsThreeBad(t *testing.T) {
	s := mustRead(t, rosterWithThreeBadRows(t))
	m := Propose(s, KindRoster)
	if m.HeaderRow != 4 || m.FirstRow != 5 {
		t.Fatalf("header row %d, first row %d; want 4, 5", m.HeaderRow, m.FirstRow)
	}
	want := map[Field]int{FieldFullName: 1, FieldBirth: 2, FieldGender: 3, FieldWorkplace: 4, FieldType: 5, FieldPhone: 6}
	if fmt.Sprint(m.Columns) != fmt.Sprint(want) {
		t.Fatalf("columns %v, want %v", m.Columns, want)
	}
	on := time.Date(2026, 11, 20, 0, 0, 0, 0, app.ICT)
	rows, errs := ParseRoster(s, m, on)
	if len(rows) != 37 {
		t.Fatalf("%d valid rows, want 37; errors %v", len(rows), errs)
	}
	if got := ErrorRows(errs); fmt.Sprint(got) != "[11 23 37]" || len(errs) != 3 {
		t.Fatalf("error rows %v (%v), want [11 23 37]", got, errs)
	}
	for i, want := range []string{
		"Dòng 11, cột Họ và tên: Thiếu họ và tên.",
		"Dòng 23, cột Số điện thoại: Số điện thoại không hợp lệ: 09123",
		"Dòng 37, cột Đối tượng: Đối tượng không có trong danh mục: Người nước ngoài.",
	} {
		if !strings.HasPrefix(errs[i].String(), want) {
			t.Errorf("error %d: %q, want %q…", i, errs[i].String(), want)
		}
	}
	byRow := map[int]app.Participant{}
	for _, r := range rows {
		byRow[r.Row] = r.Participant
		p := r.Participant
		if !app.ParticipantTypes.Has(p.Type) || p.FullName == "" || p.Gender == "" || p.AgeBand == "" {
			t.Errorf("row %d: %+v", r.Row, p)
		}
		if p.Phone != "" && !impPhoneRE.MatchString(p.Phone) {
			t.Errorf("row %d: phone %q", r.Row, p.Phone)
		}
	}
	// Row 5 (i = 1): phone typed as a number, group with diacritics.
	if p := byRow[5]; p.Phone != "0912000001" || p.Type != "nguoi_dan" || p.Gender != "nu" || p.AgeBand != "tu_60" ||
		p.FullName != testName(1) || p.Workplace != "Ấp Tân Thuận 1" {
		t.Errorf("row 5: %+v", p)
	}
	// Every way of writing a group and a phone number comes out the same.
	typeCodes := []string{"nguoi_dan", "nguoi_dan", "doanh_nghiep", "ho_kinh_doanh_tieu_thuong", "can_bo_cong_chuc_xa",
		"hoi_vien_doan_the", "hoc_sinh_sinh_vien", "ho_kinh_doanh_tieu_thuong", "htx", "khac"}
	for row, p := range byRow {
		i := row - 4
		phone := []string{fmt.Sprintf("09%08d", 10000000+i), fmt.Sprintf("0912%06d", i), fmt.Sprintf("091200%04d", i), ""}[i%4]
		if p.Phone != phone || p.Type != typeCodes[i%10] {
			t.Errorf("row %d: phone %q type %q, want %q %q", row, p.Phone, p.Type, phone, typeCodes[i%10])
		}
	}
	if p := byRow[9]; p.AgeBand != "tu_36_den_59" { // born 15/03/1975, 51 on 20/11/2026
		t.Errorf("row 9 (date of birth 1975): age band %q", p.AgeBand)
	}
	if _, ok := byRow[44]; !ok {
		t.Error("the last person (row 44) is missing")
	}
	for _, r := range rows { // the signature below the total is not a person
		if strings.Contains(r.Participant.FullName, "Ký Tên") {
			t.Errorf("row %d imported the signer", r.Row)
		}
	}
}

// The invalid rows come back as a workbook with a "Lỗi" column, which
// imports again with the same header and the same errors.
func TestWriteErrors_RoundTrip(t *testing.T) {
	s := mustRead(t, rosterWithThreeBadRows(t))
	m := Propose(s, KindRoster)
	on := time.Date(2026, 11, 20, 0, 0, 0, 0, app.ICT)
	_, errs := ParseRoster(s, m, on)
	var buf bytes.Buffer
	n, err := WriteErrors(&buf, s, m, errs)
	if err != nil || n != 3 {
		t.Fatalf("WriteErrors: %d rows, %v", n, err)
	}
	back := mustRead(t, buf.Bytes())
	if back.Name != ErrorsSheet || len(back.Rows) != 4 {
		t.Fatalf("sheet %q with %d rows, want header + 3", back.Name, len(back.Rows))
	}
	head := back.Rows[0]
	if head[1] != "Họ và tên" || head[len(head)-1] != "Lỗi" || len(head) != 9 {
		t.Fatalf("header %q", head)
	}
	for i, want := range []string{"Dòng 11 – Họ và tên: Thiếu họ và tên.", "Dòng 23 – Số điện thoại: Số điện thoại không hợp lệ: 09123",
		"Dòng 37 – Đối tượng: Đối tượng không có trong danh mục"} {
		if got := back.Cell(i+2, 8); !strings.HasPrefix(got, want) {
			t.Errorf("Lỗi of row %d: %q, want %q…", i+2, got, want)
		}
	}
	if raw := back.rawCell(2, 2); raw != "1967" {
		t.Errorf("birth year of row 11 written as %q", raw)
	}
	m2 := Propose(back, KindRoster)
	if m2.HeaderRow != 1 || fmt.Sprint(m2.Columns) != fmt.Sprint(m.Columns) {
		t.Fatalf("errors workbook mapping %+v, want the original's columns %v", m2, m.Columns)
	}
	rows, errs2 := ParseRoster(back, m2, on)
	if len(rows) != 0 || fmt.Sprint(ErrorRows(errs2)) != "[2 3 4]" {
		t.Fatalf("re-read: %d rows, errors %v", len(rows), errs2)
	}
}

func testRefs() *app.RefData {
	return &app.RefData{
		Units: []app.AdminUnit{{Code: "28261", Name: "Phường Mỹ Tho"}},
		Sectors: []app.Sector{
			{Code: "thuc_pham_do_uong", VI: "Thực phẩm, đồ uống, an toàn thực phẩm", Order: 1},
			{Code: "vien_thong_internet", VI: "Điện thoại, viễn thông, internet, truyền hình trả tiền", Order: 2},
			{Code: "thuong_mai_dien_tu", VI: "Thương mại điện tử, mua sắm trực tuyến, mạng xã hội", Order: 3},
			{Code: "khac", VI: "Khác", Order: 4},
		},
	}
}

// A register typed without diacritics, with its columns in another order
// than the app's, maps field by field.
func TestRegister_HeadersInAnotherOrderWithoutDiacritics(t *testing.T) {
	rows := [][]any{
		{"SO THEO DOI TIEP NHAN PHAN ANH NAM 2026"},
		{"Noi dung", "Ngay tiep nhan", "SDT", "Ho ten nguoi phan anh", "Linh vuc", "Kenh", "Loai", "Doanh nghiep", "Dia chi", "So vu viec", "Tinh trang"},
		{"(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)"},
		{"Mua sua het han tai cua hang", "05/11/2026", "0912 345 678", "Nguyen Thi Thu", "thuc pham", "truc tiep", "khieu nai", "Tap hoa Phu Quy", "Ap Tan Thuan", "12/2026", "Da giai quyet"},
		{"Goi cuoc bi tru tien", time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC), 912345679, "Tran Van Hai", "Vien thong", "dien thoai", "Phan anh", "Nha mang X", "", "13/2026", nil},
		{"Dat hang online nhan hang gia", "2026-09-30", "", "Le Thi Lan", "TMDT", "Zalo", "tu van", "Shop Y", "", "", "dang xu ly"},
		{"Khong ro", "31/02/2026", "abc", "", "Bat dong san", "Bo cau", "Khac", "", "", "14/2026", ""},
		{nil, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), nil, "Vo Van Thu", "khac", "truc tiep", "phan anh"},
	}
	s := mustRead(t, book(t, rows, nil))
	m := Propose(s, KindRegister)
	want := map[Field]int{FieldSummary: 0, FieldReceivedAt: 1, FieldConsumerPhone: 2, FieldConsumerName: 3, FieldSector: 4,
		FieldChannel: 5, FieldKind: 6, FieldBusinessName: 7, FieldConsumerAddress: 8, FieldNumber: 9, FieldStatus: 10}
	if m.HeaderRow != 2 || fmt.Sprint(m.Columns) != fmt.Sprint(want) {
		t.Fatalf("header row %d, columns %v; want 2, %v", m.HeaderRow, m.Columns, want)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, app.ICT)
	cases, errs := ParseRegister(s, m, testRefs(), "28261", now)
	if len(cases) != 3 {
		t.Fatalf("%d cases, want 3; errors %v", len(cases), errs)
	}
	c := cases[0]
	if c.Row != 4 || c.Source != "12/2026" || c.Case.UnitCode != "28261" || c.Case.ConsumerName != "Nguyen Thi Thu" ||
		c.Case.ConsumerPhone != "0912345678" || c.Case.Sector != "thuc_pham_do_uong" || c.Case.Channel != "truc_tiep" ||
		c.Case.Kind != "khieu_nai" || c.Case.Status != "da_giai_quyet" || c.Case.BusinessName != "Tap hoa Phu Quy" ||
		c.Case.ConsumerAddress != "Ap Tan Thuan" || !c.Case.ReceivedAt.Equal(time.Date(2026, 11, 5, 0, 0, 0, 0, app.ICT)) {
		t.Errorf("row 4: %+v", c)
	}
	c = cases[1]
	if !c.Case.ReceivedAt.Equal(time.Date(2026, 10, 7, 0, 0, 0, 0, app.ICT)) || c.Case.ConsumerPhone != "0912345679" ||
		c.Case.Sector != "vien_thong_internet" || c.Case.Channel != "dien_thoai" || c.Case.Kind != "phan_anh" ||
		c.Case.Status != app.StatusReceived {
		t.Errorf("row 5 (a real date cell, a number phone): %+v", c.Case)
	}
	c = cases[2]
	if c.Source != "" || c.Case.Sector != "thuong_mai_dien_tu" || c.Case.Channel != "mang_xa_hoi" || c.Case.Kind != "tu_van" ||
		c.Case.Status != "dang_xu_ly" || !c.Case.ReceivedAt.Equal(time.Date(2026, 9, 30, 0, 0, 0, 0, app.ICT)) {
		t.Errorf("row 6: %+v", c)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.String())
	}
	wantErrs := []string{
		"Dòng 7, cột Ngay tiep nhan: Ngày tiếp nhận không hợp lệ: 31/02/2026 (cần ngày dạng dd/mm/yyyy).",
		"Dòng 7, cột SDT: Số điện thoại không hợp lệ: abc (cần 10 hoặc 11 chữ số, bắt đầu bằng 0).",
		"Dòng 7, cột Kenh: Kênh tiếp nhận không có trong danh mục: Bo cau.",
		"Dòng 7, cột Loai: Loại vụ việc không có trong danh mục: Khac.",
		"Dòng 7, cột Linh vuc: Lĩnh vực không có trong danh mục: Bat dong san.",
		"Dòng 7, cột Ho ten nguoi phan anh: Chưa nhập họ và tên người tiêu dùng.",
		"Dòng 8, cột Noi dung: Chưa nhập nội dung vụ việc.",
	}
	if strings.Join(got, "\n") != strings.Join(wantErrs, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantErrs, "\n"))
	}
	// Written back, a date stays a real date and a bad one its text.
	var buf bytes.Buffer
	if n, err := WriteErrors(&buf, s, m, errs); err != nil || n != 2 {
		t.Fatalf("WriteErrors: %d, %v", n, err)
	}
	back := mustRead(t, buf.Bytes())
	if back.rawCell(2, 1) != "31/02/2026" || back.rawCell(3, 1) != "46328" || back.Cell(3, 1) != "02/11/2026" {
		t.Errorf("dates written back: %q, %q (%q)", back.rawCell(2, 1), back.rawCell(3, 1), back.Cell(3, 1))
	}
	if !strings.HasPrefix(back.Cell(3, 11), "Dòng 8 – Noi dung: Chưa nhập") || back.Cell(1, 11) != "Lỗi" {
		t.Errorf("Lỗi column: %q / %q", back.Cell(1, 11), back.Cell(3, 11))
	}
}

// A register without a "Kênh" column needs a default, which the mapping
// step (or --default) gives.
func TestRegister_MissingColumnAndDefaults(t *testing.T) {
	rows := [][]any{
		{"Ngày tiếp nhận", "Họ và tên người tiêu dùng", "Nội dung phản ánh", "Lĩnh vực"},
		{"01/11/2026", "Phạm Văn Thử", "Mua phải hàng giả", ""},
	}
	s := mustRead(t, book(t, rows, nil))
	m := Propose(s, KindRegister)
	err := m.Check()
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "Kênh tiếp nhận, Loại vụ việc") {
		t.Fatalf("check: %v", err)
	}
	m.SetDefault(FieldChannel, "Trực tiếp tại trụ sở")
	m.SetDefault(FieldKind, "phan_anh")
	m.SetDefault(FieldSector, "khac")
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	cases, errs := ParseRegister(s, m, testRefs(), "28261", time.Date(2026, 11, 20, 0, 0, 0, 0, app.ICT))
	if len(errs) != 0 || len(cases) != 1 || cases[0].Case.Channel != "truc_tiep" || cases[0].Case.Kind != "phan_anh" ||
		cases[0].Case.Sector != "khac" {
		t.Fatalf("cases %+v, errors %v", cases, errs)
	}
	// The officer moves a column by hand.
	m.Set(FieldBusinessName, 3)
	if _, ok := m.Column(FieldSector); ok {
		t.Fatal("Set left two fields on one column")
	}
}

// A printed roster: a two-row header (Năm sinh over Nam | Nữ, the
// year written under the person's gender), a row of column numbers,
// section titles that give the group, and a unit merged over its people.
func TestRoster_TwoRowHeaderSectionsAndMerges(t *testing.T) {
	rows := [][]any{
		{"DANH SÁCH HỌC VIÊN"},
		{"STT", "Họ và tên", "Năm sinh", nil, "Chức vụ, đơn vị", "SĐT"},
		{nil, nil, "Nam", "Nữ", nil, nil},
		{"1", "2", "3", "4", "5", "6"},
		{"I. CÁN BỘ XÃ"},
		{1, "Võ Minh Thử", 1980, nil, "UBND phường", "0909000001"},
		{2, "Đỗ Thị Thử", nil, 1999, nil, "0909000002"},
		{"II. NGƯỜI DÂN"},
		{3, "Hồ Văn Thử", "x", nil, "Ấp 1", nil},
		{4, "Bùi Thị Thử", nil, "x", "Ấp 2", nil},
		{"Mỹ Tho, ngày 20 tháng 11 năm 2026"},
		{nil, "Lê Văn Ký"},
	}
	data := [][2]string{{"E6", "E7"}, {"A5", "F5"}, {"A8", "F8"}}
	for _, c := range []struct {
		name   string
		merges [][2]string
		header int
	}{
		// Headers merged down over both rows: row 3 repeats them and is
		// the header.
		{"merged down", [][2]string{{"A2", "A3"}, {"B2", "B3"}, {"C2", "D2"}, {"E2", "E3"}, {"F2", "F3"}}, 3},
		// Only "Năm sinh" merged across: row 3 is a second header row.
		{"second header row", [][2]string{{"C2", "D2"}}, 2},
	} {
		s := mustRead(t, book(t, rows, func(f *excelize.File, sh string) {
			for _, r := range append(c.merges, data...) {
				if err := f.MergeCell(sh, r[0], r[1]); err != nil {
					t.Fatal(err)
				}
			}
		}))
		m := Propose(s, KindRoster)
		want := map[Field]int{FieldFullName: 1, FieldMale: 2, FieldFemale: 3, FieldWorkplace: 4, FieldPhone: 5}
		if m.HeaderRow != c.header || m.FirstRow != 4 || fmt.Sprint(m.Columns) != fmt.Sprint(want) {
			t.Fatalf("%s: mapping %+v, want header %d, first 4, %v", c.name, m, c.header, want)
		}
		got, errs := ParseRoster(s, m, time.Date(2026, 11, 20, 0, 0, 0, 0, app.ICT))
		if len(errs) != 0 || len(got) != 4 {
			t.Fatalf("%s: %d rows, errors %v", c.name, len(got), errs)
		}
		wantRows := []string{
			"6 Võ Minh Thử nam tu_36_den_59 can_bo_cong_chuc_xa UBND phường",
			"7 Đỗ Thị Thử nu tu_16_den_35 can_bo_cong_chuc_xa UBND phường",
			"9 Hồ Văn Thử nam  nguoi_dan Ấp 1",
			"10 Bùi Thị Thử nu  nguoi_dan Ấp 2",
		}
		for i, r := range got {
			p := r.Participant
			if s := fmt.Sprintf("%d %s %s %s %s %s", r.Row, p.FullName, p.Gender, p.AgeBand, p.Type, p.Workplace); s != wantRows[i] {
				t.Errorf("%s: row %d: %q, want %q", c.name, i, s, wantRows[i])
			}
		}
	}
}

func TestReadSheet_BadFiles(t *testing.T) {
	valid := rosterWithThreeBadRows(t)
	var notWorkbook bytes.Buffer
	zw := zip.NewWriter(&notWorkbook)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("xin chào"))
	zw.Close()
	empty := book(t, nil, nil)
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "Tệp rỗng"},
		{"text", []byte("Họ và tên,Điện thoại\nNguyễn Văn A,0912345678\n"), "không phải bảng tính Excel (.xlsx)"},
		{"xls", append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 600)...), "Excel 97–2003 (.xls)"},
		{"truncated", valid[:len(valid)/2], "bị hỏng"},
		{"zip of text", notWorkbook.Bytes(), "bị hỏng"},
		{"no data", empty, "không có dữ liệu"},
		{"html", []byte("<html><table><tr><td>Họ và tên</td></tr></table></html>"), "không phải bảng tính Excel"},
	}
	for _, c := range cases {
		_, err := ReadSheet(bytes.NewReader(c.data))
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), c.msg) {
			t.Errorf("%s: %v, want EINVALID with %q", c.name, err, c.msg)
		}
	}
	if _, err := ReadSheetNamed(bytes.NewReader(valid), "Không có"); app.ErrorCode(err) != app.EINVALID ||
		!strings.Contains(app.ErrorMessage(err), "không có trang tính “Không có”") {
		t.Errorf("missing sheet: %v", err)
	}
}

// The first sheet with data is read; another one by name.
func TestReadSheet_ChoosesSheet(t *testing.T) {
	b := book(t, nil, func(f *excelize.File, _ string) {
		f.NewSheet("Danh sách")
		f.SetCellValue("Danh sách", "B3", "Họ và tên")
		f.NewSheet("Khác")
		f.SetCellValue("Khác", "A1", "x")
	})
	s := mustRead(t, b)
	if s.Name != "Danh sách" || fmt.Sprint(s.Names) != "[Sheet1 Danh sách Khác]" || s.Cell(3, 1) != "Họ và tên" || s.Width() != 2 {
		t.Fatalf("read %q of %v: %q", s.Name, s.Names, s.Rows)
	}
	s, err := ReadSheetNamed(bytes.NewReader(b), "Khác")
	if err != nil || s.Cell(1, 0) != "x" {
		t.Fatalf("named: %v", err)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"05/11/2026": "2026-11-05 00:00", "5/1/2026": "2026-01-05 00:00", "05-11-2026": "2026-11-05 00:00",
		"05.11.2026": "2026-11-05 00:00", "2026-11-05": "2026-11-05 00:00", "05/11/26": "2026-11-05 00:00",
		"05/11/85": "1985-11-05 00:00", "05/11/2026 08:30": "2026-11-05 08:30", "2026-11-05T08:30:00Z": "2026-11-05 08:30",
		"31/02/2026": "", "11/2026": "", "hôm qua": "", "32/01/2026": "", "05/13/2026": "", "05/11/2026 25:00": "",
	} {
		got, ok := ParseDate(in)
		s := ""
		if ok {
			s = got.Format("2006-01-02 15:04")
			if got.Location() != app.ICT {
				t.Errorf("%q: location %v", in, got.Location())
			}
		}
		if s != want {
			t.Errorf("ParseDate(%q) = %q, want %q", in, s, want)
		}
	}
}

func TestMatchCode(t *testing.T) {
	refs := testRefs()
	for _, c := range []struct {
		list    app.CodeList
		aliases map[string]string
		in      string
		want    string
	}{
		{app.ParticipantTypes, impTypeAliases, "nguoi dan", "nguoi_dan"},
		{app.ParticipantTypes, impTypeAliases, "NGƯỜI DÂN", "nguoi_dan"},
		{app.ParticipantTypes, impTypeAliases, "Doanh nghiệp", "doanh_nghiep"},
		{app.ParticipantTypes, impTypeAliases, "Hội viên đoàn thể", "hoi_vien_doan_the"},
		{app.ParticipantTypes, impTypeAliases, "Sinh viên", "hoc_sinh_sinh_vien"},
		{app.ParticipantTypes, impTypeAliases, "Cán bộ", "can_bo_cong_chuc_xa"},
		{app.ParticipantTypes, impTypeAliases, "can_bo_so_nganh", "can_bo_so_nganh"},
		{app.ParticipantTypes, impTypeAliases, "Người nước ngoài", ""},
		{app.ParticipantTypes, impTypeAliases, "xã", ""},
		{app.CaseKinds, impKindAliases, "Khiếu nại", "khieu_nai"},
		{app.CaseKinds, impKindAliases, "hoi dap", "tu_van"},
		{app.Channels, impChannelAliases, "Tổng đài 1800.6838", "tong_dai_1800_6838"},
		{app.Channels, impChannelAliases, "Trực tiếp", "truc_tiep"},
		{app.Channels, impChannelAliases, "facebook", "mang_xa_hoi"},
		{app.CaseStatuses, impStatusAliases, "Đã giải quyết", "da_giai_quyet"},
		{refs.SectorCodes(), impSectorAliases, "Thực phẩm", "thuc_pham_do_uong"},
		{refs.SectorCodes(), impSectorAliases, "mua sam truc tuyen", "thuong_mai_dien_tu"},
		{refs.SectorCodes(), impSectorAliases, "Internet", ""}, // one word, not the first part
		{app.Genders, impGenderAliases, "Nữ", "nu"},
		{app.Genders, impGenderAliases, "NAM", "nam"},
	} {
		got, _ := impMatchCode(c.list, c.aliases, c.in)
		if got != c.want {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAssign_NamIsNotNam(t *testing.T) {
	// "Năm" (year) is not "Nam" (male), though both fold to "nam".
	cols := impAssign([]string{"Họ và tên", "Năm", "Nam", "Nu"}, rosterFields)
	if c, ok := cols[FieldMale]; !ok || c != 2 || cols[FieldFemale] != 3 {
		t.Fatalf("columns %v", cols)
	}
}

// The register this package writes is read back: unmasked, every field it
// prints (the facts too); masked, the rows keep only the number and the
// day, to recognise cases already on file, and never the masked texts. A
// register kept by hand with a starred phone is treated as masked too.
func TestRegister_ReadsItsOwnRegister(t *testing.T) {
	d, refs := registerData(t)
	for _, mask := range []bool{false, true} {
		_, raw, n := writeRegisterFile(t, d, RegisterOptions{Unit: "28261", Period: app.ReportYear(2026), Refs: refs, Mask: mask})
		s := mustRead(t, raw)
		m := Propose(s, KindRegister)
		if err := m.Check(); err != nil || m.HeaderRow != RegisterHeaderRow {
			t.Fatalf("mask %v: header row %d, %v", mask, m.HeaderRow, err)
		}
		rows, errs := ParseRegister(s, m, refs, "28261", d.Now)
		// The test data's other cases lack facts or have a sector the
		// seeds do not list: only the open case is complete.
		if len(rows) == 0 || len(rows)+len(ErrorRows(errs)) != n || mask && len(errs) != 0 {
			t.Fatalf("mask %v: %d rows of %d, errors %v", mask, len(rows), n, errs)
		}
		last := rows[len(rows)-1]
		if last.Masked != mask || last.Source != "28261-2026-A7K3-0003" {
			t.Fatalf("mask %v: last row %+v", mask, last)
		}
		c := last.Case
		if !mask && (c.Summary != "Bánh kẹo hết hạn sử dụng" || c.ConsumerName != "Nguyễn Thị Hồng Đào" || c.ConsumerPhone != "0912345678" ||
			c.Sector != "thuc_pham_do_uong" || c.Channel != "truc_tiep" || c.Kind != "khieu_nai" || c.Status != "moi_tiep_nhan") {
			t.Fatalf("unmasked row read as %+v", c)
		}
		if mask && (c.ConsumerName != "" || c.ConsumerPhone != "" || c.ConsumerAddress != "" || c.ReceivedAt.In(app.ICT).Format("02/01/2006") != "05/11/2026") {
			t.Fatalf("masked row keeps %+v", c)
		}
	}
	hand := book(t, [][]any{
		{"Số vụ việc", "Ngày tiếp nhận", "Người tiêu dùng", "Số điện thoại", "Nội dung", "Lĩnh vực", "Kênh", "Loại"},
		{"", "05/11/2026", "N. T. H. Đ.", "*******678", "Bánh kẹo hết hạn", "khac", "Trực tiếp", "Khiếu nại"},
		{"", "06/11/2026", "Lê Văn Tư", "0912000111", "Sữa hết hạn", "khac", "Trực tiếp", "Khiếu nại"},
	}, nil)
	s := mustRead(t, hand)
	rows, errs := ParseRegister(s, Propose(s, KindRegister), testRefs(), "28261", d.Now)
	if len(rows) != 1 || rows[0].Masked || len(errs) != 1 || errs[0].Row != 2 || errs[0].Reason != MsgMaskedRow {
		t.Fatalf("a masked row without a number: rows %+v, errors %v", rows, errs)
	}
}
