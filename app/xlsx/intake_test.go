package xlsx

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/seeds"
)

// fullCase is a synthetic case with every field of the record filled in.
func fullCase() *app.Case {
	return &app.Case{
		RecordHead: app.RecordHead{
			UnitCode: "28261",
		},
		Number:     "28261-2026-A7K3-0012",
		ReceivedAt: time.Date(2026, 11, 4, 19, 30, 0, 0, time.UTC), // 05/11/2026 02:30 in ICT
		Channel:    "truc_tiep", Kind: "yeu_cau_ho_tro_thuong_luong",
		ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678", ConsumerGender: "nu",
		ConsumerBirthDate: "1950-03-05", ConsumerAddress: "Số 12, đường Lê Lợi, khu phố 3",
		ConsumerUnitCode: "28261", ConsumerOldAddress: "Phường 1, thành phố Mỹ Tho, tỉnh Tiền Giang",
		RequesterRole: "ntd", VulnerableGroups: []string{"nguoi_cao_tuoi", "ho_ngheo"},
		VulnerableEvidence: "Căn cước công dân; giấy chứng nhận hộ nghèo năm 2026 do UBND phường cấp",
		BusinessName:       "Cửa hàng điện máy Phú Quý", BusinessKind: "ho_kinh_doanh",
		BusinessTaxCode: "0312345678", BusinessAddress: "Số 45, đường Ấp Bắc, Phường Mỹ Tho",
		BusinessPhone: "02733851234", BusinessOnlineChannel: "facebook.com/dienmayphuquy",
		Sector: "dien_tu_gia_dung", IssueTypes: []string{"chat_luong_so_luong_giao_hang", "bao_hanh_doi_tra_hoan_tien"},
		TransactionType: "truc_tiep", ProductOrService: "Máy giặt cửa trên 9 kg",
		TransactionDate: "2026-10-20", TransactionValue: 1_250_000, DamageClaimed: 6_500_000,
		Summary: "Ngày 20/10/2026 tôi mua một máy giặt tại cửa hàng. Sau hai tuần sử dụng máy không vắt được, " +
			"cửa hàng hẹn đến sửa nhưng không đến.\nTôi đã gọi điện ba lần nhưng cửa hàng không trả lời.",
		SpecificRequest: "Đề nghị cửa hàng đổi máy giặt mới hoặc hoàn lại tiền.",
		PriorContact:    true, PriorContactDate: "2026-11-01",
		Evidence:   []string{"Hóa đơn bán lẻ số 0001234 ngày 20/10/2026", "Phiếu bảo hành"},
		AssignedTo: "Trần Văn Bình", Status: "moi_tiep_nhan",
	}
}

func loadRefs(t *testing.T) *app.RefData {
	t.Helper()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

func openIntake(t *testing.T, c *app.Case, refs *app.RefData, officer string) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteIntake(&buf, c, refs, officer); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// sheetText returns the cells of the sheet, one row per line, the two
// columns separated by " | ".
func sheetText(t *testing.T, f *excelize.File) (string, [][]string) {
	t.Helper()
	rows, err := f.GetRows(IntakeSheet)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, r := range rows {
		fmt.Fprintf(&b, "%2d: %s\n", i+1, strings.Join(r, " | "))
	}
	return b.String(), rows
}

// cellWith returns the first cell whose value starts with prefix.
func cellWith(rows [][]string, prefix string) string {
	for _, r := range rows {
		for _, c := range r {
			if strings.HasPrefix(c, prefix) {
				return c
			}
		}
	}
	return ""
}

func TestWriteIntake_Contents(t *testing.T) {
	f, _ := openIntake(t, fullCase(), loadRefs(t), "Lê Thị Mai")
	all, rows := sheetText(t, f)
	if testing.Verbose() {
		t.Log("\n" + all)
	}
	if rows[0][0] != "UBND PHƯỜNG MỸ THO" || rows[0][1] != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" ||
		rows[1][1] != "Độc lập - Tự do - Hạnh phúc" {
		t.Fatalf("national header: %q %q", rows[0], rows[1])
	}
	for _, want := range []string{
		"PHIẾU TIẾP NHẬN",
		"Yêu cầu hỗ trợ thương lượng của người tiêu dùng",
		"Số: 28261-2026-A7K3-0012",
		"Thời gian tiếp nhận: 02 giờ 30 phút, ngày 05/11/2026",
		"Hình thức tiếp nhận: Trực tiếp tại trụ sở",
		"I. NGƯỜI YÊU CẦU / NGƯỜI TIÊU DÙNG",
		"Họ và tên: Nguyễn Thị Hồng Đào",
		"Giới tính: Nữ",
		"Ngày sinh: 05/03/1950 (76 tuổi)",
		"Xã, phường: Phường Mỹ Tho",
		"Địa chỉ cũ (trước 01/7/2025): Phường 1, thành phố Mỹ Tho, tỉnh Tiền Giang",
		"Người yêu cầu: Người tiêu dùng",
		"Thuộc nhóm người tiêu dùng dễ bị tổn thương (Điều 8): Người cao tuổi (từ đủ 60 tuổi); Thành viên hộ nghèo",
		"II. TỔ CHỨC, CÁ NHÂN KINH DOANH",
		"Loại hình: Hộ kinh doanh, tiểu thương",
		"Mã số thuế: 0312345678",
		"Kênh bán hàng trực tuyến: facebook.com/dienmayphuquy",
		"III. NỘI DUNG VỤ VIỆC",
		"Lĩnh vực: Đồ điện tử, điện gia dụng, máy tính",
		"Hành vi vi phạm: Chất lượng, số lượng, thời gian giao hàng; hàng kém chất lượng; Bảo hành, đổi trả, hoàn tiền",
		"Hình thức giao dịch: Mua bán trực tiếp tại cửa hàng, chợ",
		"Ngày giao dịch: 20/10/2026",
		"Giá trị giao dịch: 1.250.000 đồng",
		"Số tiền yêu cầu bồi thường: 6.500.000 đồng",
		"Sự việc (người tiêu dùng trình bày): Ngày 20/10/2026 tôi mua một máy giặt",
		"Người đại diện hợp pháp (nếu có): Không",
		"IV. YÊU CẦU CỤ THỂ",
		"Đề nghị cửa hàng đổi máy giặt mới hoặc hoàn lại tiền.",
		"V. ĐÃ LIÊN HỆ",
		"Đã liên hệ trước khi gửi yêu cầu: Có, ngày 01/11/2026",
		"VI. TÀI LIỆU, CHỨNG CỨ KÈM THEO",
		"1. Hóa đơn bán lẻ số 0001234 ngày 20/10/2026",
		"2. Phiếu bảo hành",
		"Cán bộ phụ trách: Trần Văn Bình",
		"Mỹ Tho, ngày 05 tháng 11 năm 2026",
		"NGƯỜI TIÊU DÙNG",
		"(Ký, ghi rõ họ tên hoặc điểm chỉ)",
		"CÁN BỘ TIẾP NHẬN",
		"(Ký, ghi rõ họ tên)",
		// The consumer's signature here is practice; the law's is on the
		// result of a negotiation (Luật 19/2023 Điều 60 khoản 3; issue 18
		// item 9).
		"Ký xác nhận phiếu tiếp nhận là thực tiễn nghiệp vụ của xã, phường, không phải thủ tục bắt buộc",
	} {
		if cellWith(rows, want) == "" {
			t.Errorf("no cell starts with %q", want)
		}
	}
	if s := cellWith(rows, "Ký xác nhận phiếu"); !strings.Contains(s, "Điều 60 khoản 3") || strings.Contains(all, "99/2011") {
		t.Errorf("the basis of the signature: %q", s)
	}
	// The summary keeps its line break; the signature block ends with the
	// consumer's and the officer's names side by side.
	if s := cellWith(rows, "Sự việc"); !strings.Contains(s, "không đến.\nTôi đã gọi") {
		t.Errorf("summary %q", s)
	}
	last := rows[len(rows)-1]
	if len(last) != 2 || last[0] != "Nguyễn Thị Hồng Đào" || last[1] != "Lê Thị Mai" {
		t.Errorf("last row %q, want the two signers' names", last)
	}
	if strings.Contains(all, "……") {
		t.Errorf("a fully filled case shows dotted lines:\n%s", all)
	}
	// Side by side: the titles of the signature blocks share a row.
	for _, r := range rows {
		if len(r) > 0 && r[0] == "NGƯỜI TIÊU DÙNG" && (len(r) < 2 || r[1] != "CÁN BỘ TIẾP NHẬN") {
			t.Errorf("signature titles not side by side: %q", r)
		}
	}
	// Fonts: Times New Roman throughout, 12 to 13 points.
	runs, err := f.GetCellRichText(IntakeSheet, "A1")
	if err != nil || len(runs) == 0 || runs[0].Font == nil || runs[0].Font.Family != "Times New Roman" || !runs[0].Font.Bold {
		t.Errorf("A1 runs %+v (%v)", runs, err)
	}
}

func TestWriteIntake_PageSetup(t *testing.T) {
	f, _ := openIntake(t, fullCase(), loadRefs(t), "Lê Thị Mai")
	pl, err := f.GetPageLayout(IntakeSheet)
	if err != nil {
		t.Fatal(err)
	}
	// Scaled to one page, not "fit to page" (under which a program may drop
	// the page break before the notice): at 80 % or more.
	if *pl.Size != 9 || *pl.Orientation != "portrait" || pl.AdjustTo == nil || *pl.AdjustTo < 80 || *pl.AdjustTo > 100 {
		t.Fatalf("page layout: size %v, %v, scale %v", *pl.Size, *pl.Orientation, pl.AdjustTo)
	}
	props, err := f.GetSheetProps(IntakeSheet)
	if err != nil || (props.FitToPage != nil && *props.FitToPage) {
		t.Fatalf("fit to page enabled (%v)", err)
	}
	m, err := f.GetPageMargins(IntakeSheet)
	if err != nil {
		t.Fatal(err)
	}
	cm := func(in *float64) float64 { return *in * 2.54 }
	if d := cm(m.Left) - 2; d < -0.01 || d > 0.01 {
		t.Errorf("left margin %.2f cm", cm(m.Left))
	}
	for _, v := range []*float64{m.Right, m.Top, m.Bottom} {
		if d := cm(v) - 1.5; d < -0.01 || d > 0.01 {
			t.Errorf("margin %.2f cm, want 1.5", cm(v))
		}
	}
	rows, _ := f.GetRows(IntakeSheet)
	var area string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Area" && dn.Scope == IntakeSheet {
			area = dn.RefersTo
		}
	}
	if want := fmt.Sprintf("'%s'!$A$1:$B$%d", IntakeSheet, len(rows)); area != want {
		t.Fatalf("print area %q, want %q", area, want)
	}
	// The columns fill the width between the margins (17.5 cm): about 90
	// character units, and no more than fits.
	wa, _ := f.GetColWidth(IntakeSheet, "A")
	wb, _ := f.GetColWidth(IntakeSheet, "B")
	if px := wa*7 + 5 + wb*7 + 5; px < 600 || px > 662 {
		t.Fatalf("columns %.0f + %.0f = %.0f px, want about 661 (17.5 cm)", wa, wb, px)
	}
	// The record's rows, up to the notice's page, fit one page at the
	// scale set, which is 80 % or more; the notice's page fits one page.
	brk := noticeBreak(t, f)
	record, notice := 0.0, 0.0
	for i := range rows {
		h, _ := f.GetRowHeight(IntakeSheet, i+1)
		if i+1 < brk {
			record += h
		} else {
			notice += h
		}
	}
	if scale := float64(*pl.AdjustTo) / 100; record*scale > printableHeight || notice*scale > printableHeight {
		t.Fatalf("record %.0f pt, notice %.0f pt at %.0f %%, page %.0f pt", record, notice, scale*100, printableHeight)
	}
}

// noticeBreak returns the row the notice's page begins on (the page
// break before it), or fails.
func noticeBreak(t *testing.T, f *excelize.File) int {
	t.Helper()
	rows, _ := f.GetRows(IntakeSheet)
	for i, r := range rows {
		if len(r) > 0 && r[0] == "THÔNG BÁO VỀ XỬ LÝ DỮ LIỆU CÁ NHÂN" {
			return i + 1
		}
	}
	t.Fatal("no notice")
	return 0
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestWriteIntake_EmptyFieldsGetDottedLines(t *testing.T) {
	c := &app.Case{RecordHead: app.RecordHead{UnitCode: "28261"}, Number: "28261-2026-A7K3-0013",
		ReceivedAt: time.Date(2026, 11, 5, 2, 0, 0, 0, time.UTC), Channel: "dien_thoai", Kind: "phan_anh",
		ConsumerName: "Đặng Văn Ân", Sector: "khac", Summary: "Phản ánh giá gas tăng.", Status: "moi_tiep_nhan"}
	f, _ := openIntake(t, c, loadRefs(t), "")
	all, rows := sheetText(t, f)
	if testing.Verbose() {
		t.Log("\n" + all)
	}
	for _, prefix := range []string{
		"Giới tính: …", "Ngày sinh (hoặc tuổi): …", "Số điện thoại: …", "Địa chỉ: …", "Xã, phường: …",
		"Người đại diện hợp pháp (nếu có): …", "Thuộc nhóm người tiêu dùng dễ bị tổn thương (Điều 8): …",
		"Tên tổ chức, cá nhân kinh doanh: …", "Mã số thuế: …", "Hành vi vi phạm: …",
		"Giá trị giao dịch: …", "Số tiền yêu cầu bồi thường: …", "Ngày giao dịch: …",
		"1. …", "2. …", "Cán bộ phụ trách: …",
	} {
		if s := cellWith(rows, prefix); !strings.Contains(s, "……………") {
			t.Errorf("no dotted line after %q: %q", prefix, s)
		}
	}
	if cellWith(rows, "Yêu cầu hỗ trợ") != "" || cellWith(rows, "Phản ánh của người tiêu dùng") == "" {
		t.Error("subtitle does not follow the case kind")
	}
	if cellWith(rows, "Đã liên hệ trước khi gửi yêu cầu: Chưa") == "" {
		t.Error("no prior contact is not shown as Chưa")
	}
	// The specific request is blank: dotted lines to write it by hand.
	for i, r := range rows {
		if len(r) > 0 && r[0] == "IV. YÊU CẦU CỤ THỂ" {
			if next := rows[i+1][0]; strings.Count(next, "\n") < 1 || !strings.HasPrefix(next, "……") {
				t.Errorf("request lines %q", next)
			}
		}
	}
	// No officer given: a dotted line under the signature.
	last := rows[len(rows)-1]
	if last[0] != "Đặng Văn Ân" || !strings.HasPrefix(last[1], "……") {
		t.Errorf("last row %q", last)
	}
}

func TestWriteIntake_NoRefsAndZeroCase(t *testing.T) {
	// Without reference data or any field, the form is a blank to fill in.
	f, _ := openIntake(t, &app.Case{}, nil, "")
	_, rows := sheetText(t, f)
	if !strings.HasPrefix(rows[0][0], "UBND XÃ, PHƯỜNG ……") || cellWith(rows, "Số: ……") == "" ||
		cellWith(rows, "Thời gian tiếp nhận: ……") == "" || cellWith(rows, "……") == "" {
		t.Fatalf("blank form: %q", rows[:8])
	}
	if s := cellWith(rows, "Sự việc (người tiêu dùng trình bày): ……"); strings.Count(s, "\n") != 2 {
		t.Fatalf("no three dotted lines for the facts: %q", s)
	}
	if cellWith(rows, "Yêu cầu hỗ trợ thương lượng, khiếu nại, phản ánh của người tiêu dùng") == "" {
		t.Fatal("no generic subtitle")
	}
	if !strings.Contains(strings.Join(rows[noticeBreak(t, f)-6], "|"), ", ngày …… tháng …… năm ………") {
		t.Fatal("no blank date line")
	}
	// A birth date without a day of receipt: the date, and no age (an age
	// needs the day it is counted on; the form never takes today's).
	f, _ = openIntake(t, &app.Case{ConsumerBirthDate: "1950-03-05"}, nil, "")
	if _, rows := sheetText(t, f); cellWith(rows, "Ngày sinh: 05/03/1950") == "" || strings.Contains(cellWith(rows, "Ngày sinh: "), "tuổi") {
		t.Fatalf("birth date without a day of receipt: %q", cellWith(rows, "Ngày sinh"))
	}
}

func TestWriteIntake_RepresentativeSigns(t *testing.T) {
	c := fullCase()
	c.RequesterRole, c.RepresentativeName, c.RepresentativeRelation = app.RoleRepresentative, "Nguyễn Văn Hùng", "Con trai"
	c.PriorContactDate = "" // contacted, day not known
	f, _ := openIntake(t, c, loadRefs(t), "Lê Thị Mai")
	_, rows := sheetText(t, f)
	if cellWith(rows, "Người đại diện hợp pháp (nếu có): Nguyễn Văn Hùng; quan hệ với người tiêu dùng: Con trai") == "" {
		t.Error("representative line")
	}
	if cellWith(rows, "Đã liên hệ trước khi gửi yêu cầu: Có, ngày ……") == "" {
		t.Error("prior contact without a day")
	}
	if cellWith(rows, "NGƯỜI YÊU CẦU") == "" || rows[len(rows)-1][0] != "Nguyễn Văn Hùng" {
		t.Errorf("signer: %q", rows[len(rows)-1])
	}
}

func TestWriteIntake_LongTextWrapsAndFlows(t *testing.T) {
	c := fullCase()
	sentence := "Cửa hàng giao máy giặt không đúng mẫu đã đặt, nhân viên hẹn đổi nhưng không thực hiện. "
	c.Summary = strings.TrimSpace(strings.Repeat(sentence, 55) + "\n" + strings.Repeat(sentence, 55)) // 9,800 characters
	f, _ := openIntake(t, c, loadRefs(t), "Lê Thị Mai")
	_, rows := sheetText(t, f)
	first := 0
	for i, r := range rows {
		if len(r) > 0 && strings.HasPrefix(r[0], "Sự việc (người tiêu dùng trình bày): Cửa hàng giao máy giặt") {
			first = i + 1
		}
	}
	if first == 0 {
		t.Fatal("summary not found")
	}
	// Excel cannot make a row taller than 409 points, so the text goes on
	// over several rows, each merged across the page, wrapped, and tall
	// enough for its lines (about 95 characters a line at 12 points).
	merged, _ := f.GetMergeCells(IntakeSheet)
	var got []string
	for row := first; len(rows[row-1]) > 0 && rows[row-1][0] != ""; row++ {
		text := rows[row-1][0]
		got = append(got, text)
		h, _ := f.GetRowHeight(IntakeSheet, row)
		if n := len([]rune(text)); h > 409 || h < float64(n)/95*15.75 {
			t.Errorf("row %d: %d characters in %.0f pt", row, n, h)
		}
		st, _ := f.GetCellStyle(IntakeSheet, fmt.Sprintf("A%d", row))
		if style, err := f.GetStyle(st); err != nil || style.Alignment == nil || !style.Alignment.WrapText {
			t.Errorf("row %d not wrapped (%v)", row, err)
		}
		if !hasMerge(merged, fmt.Sprintf("A%d:B%d", row, row)) {
			t.Errorf("row %d not merged across the page", row)
		}
	}
	if len(got) < 4 {
		t.Fatalf("summary in %d rows", len(got))
	}
	joined := strings.TrimPrefix(strings.Join(got, " "), "Sự việc (người tiêu dùng trình bày): ")
	if norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }; norm(joined) != norm(c.Summary) {
		t.Fatal("the summary split over rows lost or changed text")
	}
	// Too long for one page at a readable size: it flows onto more pages.
	pl, _ := f.GetPageLayout(IntakeSheet)
	if pl.AdjustTo == nil || *pl.AdjustTo != 100 {
		t.Errorf("scale %v, want 100", pl.AdjustTo)
	}
}

func hasMerge(ms []excelize.MergeCell, ref string) bool {
	for _, m := range ms {
		if m.GetStartAxis()+":"+m.GetEndAxis() == ref {
			return true
		}
	}
	return false
}

// TestWriteIntake_Openpyxl checks that an independent reader opens the file
// with its print setup (skipped where Debian's python3-openpyxl is absent).
func TestWriteIntake_Openpyxl(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-openpyxl is missing (.ci/deps.sh installs it): %v", err)
		}
		t.Skip("python3-openpyxl not installed")
	}
	_, b := openIntake(t, fullCase(), loadRefs(t), "Lê Thị Mai")
	path := filepath.Join(t.TempDir(), "phieu.xlsx")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	script := `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["` + IntakeSheet + `"]
ps = ws.page_setup
print(ps.paperSize, ps.orientation, ps.scale, ws.row_breaks.brk[0].id > 40)
print(ws.print_area)
print(ws["A1"].value, "|", ws["B1"].value)
print(ws["A1"].font.name)
ro = openpyxl.load_workbook(sys.argv[1], read_only=True)["` + IntakeSheet + `"]
print("read-only rows", sum(1 for _ in ro.iter_rows(values_only=True)) > 20)
`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{"9 portrait 8", " True", "$A$1:$B$", "UBND PHƯỜNG MỸ THO | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Times New Roman",
		"read-only rows True"} {
		if !strings.Contains(got, want) {
			t.Errorf("openpyxl output lacks %q:\n%s", want, got)
		}
	}
}

func TestVND(t *testing.T) {
	for n, want := range map[int64]string{0: "", 5: "5 đồng", 1000: "1.000 đồng", 1_250_000: "1.250.000 đồng",
		123_456_789_012: "123.456.789.012 đồng", -20_000: "-20.000 đồng"} {
		if got := vnd(n); got != want {
			t.Errorf("vnd(%d) = %q, want %q", n, got, want)
		}
	}
}

// The record ends with the notice of the processing of the consumer's
// data on a page of its own: the notice, how it was given (or the ways to
// tick), and the consumer's signature that they were given it (issue 19,
// item 1).
func TestWriteIntake_PrivacyNotice(t *testing.T) {
	refs := loadRefs(t)
	c := fullCase()
	c.PrivacyNotice = "da_ky"
	f, b := openIntake(t, c, refs, "Lê Thị Mai")
	_, rows := sheetText(t, f)
	brk := noticeBreak(t, f)
	if got := cellWith(rows, "Kèm theo Phiếu tiếp nhận số"); got != "Kèm theo Phiếu tiếp nhận số 28261-2026-A7K3-0012" {
		t.Errorf("the notice names the record as %q", got)
	}
	notice := app.PrivacyNotice("Phường Mỹ Tho")
	if cellWith(rows, notice) != notice {
		t.Errorf("the notice is not printed whole:\n%s", cellWith(rows, "Ủy ban nhân dân"))
	}
	for _, want := range []string{"xem, sửa hoặc hạn chế", "02 ngày làm việc", "10 năm kể từ khi vụ việc kết thúc"} {
		if !strings.Contains(notice, want) {
			t.Errorf("the printed notice lacks %q", want)
		}
	}
	if got := cellWith(rows, "Đã thông báo"); got != "Đã thông báo: Người tiêu dùng đã ký xác nhận trên phiếu" {
		t.Errorf("the way given: %q", got)
	}
	if r := rows[len(rows)-3]; len(r) != 2 || r[0] != "(Ký xác nhận đã được thông báo, ghi rõ họ tên)" {
		t.Errorf("no line for the consumer to sign that they were given it: %q", r)
	}
	if last := rows[len(rows)-1]; last[0] != "Nguyễn Thị Hồng Đào" || last[1] != "Lê Thị Mai" {
		t.Errorf("the notice's signers: %q", last)
	}
	// A page of its own, after the record's signatures.
	breaks := rowBreaks(t, b, 0)
	if len(breaks) != 1 || breaks[0] != brk-1 {
		t.Errorf("page breaks after rows %v, want after %d", breaks, brk-1)
	}
	if r := rows[brk-2]; len(r) != 2 || r[0] != "Nguyễn Thị Hồng Đào" {
		t.Errorf("the row before the notice's page is %q, want the record's signatures", r)
	}

	// Not recorded: the ways, to tick by hand.
	c.PrivacyNotice = ""
	f, _ = openIntake(t, c, refs, "Lê Thị Mai")
	_, rows = sheetText(t, f)
	want := "Đã thông báo:\n□ " + app.PrivacyNoticeWays[0].VI + "\n□ " + app.PrivacyNoticeWays[1].VI
	if got := cellWith(rows, "Đã thông báo"); got != want {
		t.Errorf("the ways to tick: %q, want %q", got, want)
	}
}

// The attached evidence files are listed under VI with their type and
// size; a removed one is not.
func TestWriteIntake_ListsTheAttachedFiles(t *testing.T) {
	files := []app.Attachment{
		{Name: "hoa-don.jpg", Type: app.TypeJPEG, Size: 412 << 10},
		{Name: "cong-van.pdf", Type: app.TypePDF, Size: 3 << 20},
		{RecordHead: app.RecordHead{Voided: true}, Name: "nham.jpg", Type: app.TypeJPEG, Size: 1000},
	}
	var buf bytes.Buffer
	if err := WriteIntakeWithFiles(&buf, fullCase(), loadRefs(t), "Lê Thị Mai", files); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, rows := sheetText(t, f)
	for _, want := range []string{"Tệp điện tử đính kèm hồ sơ:", "1. hoa-don.jpg (Ảnh JPEG, 412 KB)", "2. cong-van.pdf (Tài liệu PDF, 3 MB)"} {
		if cellWith(rows, want) != want {
			t.Errorf("no %q in\n%s", want, all)
		}
	}
	if strings.Contains(all, "nham.jpg") {
		t.Error("a removed file is listed")
	}
}
