package xlsx

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// attSession is a synthetic one-day session of Phường Mỹ Tho.
func attSession() *app.TrainingSession {
	return &app.TrainingSession{
		RecordHead: app.RecordHead{ID: "s-1", UnitCode: "28261"},
		Title:      "Tập huấn nghiệp vụ bảo vệ quyền lợi người tiêu dùng năm 2026",
		Organiser:  "sct", CoOrganisers: []string{"ubnd_xa"},
		Venue:     "Hội trường UBND Phường Mỹ Tho",
		StartDate: "2026-11-05", EndDate: "2026-11-05",
		Format: "truc_tiep", Trainers: "Báo cáo viên Sở Công Thương",
		Status: "da_to_chuc",
	}
}

// attPeople are participants in no particular order, with the order a
// Vietnamese list keeps them in (by given name, then the whole name):
// a < á (tone) < â, d < đ, o < ơ.
func attPeople() ([]Attendee, []string) {
	mk := func(id, name, typ, gender, phone, status string) Attendee {
		return Attendee{
			Participant: app.Participant{RecordHead: app.RecordHead{ID: id, UnitCode: "28261"}, FullName: name,
				Type: typ, Gender: gender, Phone: phone, Workplace: "Khu phố " + id},
			Attendance: app.Attendance{RecordHead: app.RecordHead{ID: app.AttendanceID("s-1", id)}, SessionID: "s-1",
				ParticipantID: id, Status: status},
		}
	}
	people := []Attendee{
		mk("p1", "Võ Thị Ơn", "nguoi_dan", "nu", "0912345678", "co_mat"),
		mk("p2", "Đỗ Văn Đức", "doanh_nghiep", "nam", "", "co_mat"),
		mk("p3", "Trần Văn Ánh", "can_bo_cong_chuc_xa", "nam", "0987654321", "vang"),
		mk("p4", "Nguyễn Văn An", "hoi_vien_doan_the", "nam", "", "co_mat"),
		mk("p5", "Hồ Văn Dũng", "htx", "nam", "", "vang_co_phep"),
		mk("p6", "Phạm Thị Ân", "nguoi_dan", "nu", "", "dang_ky"),
		mk("p7", "Lê Thị An", "to_chuc_xa_hoi", "nu", "", "co_mat"),
		mk("p8", "Nguyễn Thị Anh", "ho_kinh_doanh_tieu_thuong", "nu", "", "co_mat"),
		mk("p9", "Lê Văn Bình", "can_bo_so_nganh", "nam", "", "co_mat"),
	}
	people[1].Participant.Workplace, people[1].Organisation = "", "Công ty TNHH Thương mại Phú Quý"
	order := []string{"Lê Thị An", "Nguyễn Văn An", "Nguyễn Thị Anh", "Trần Văn Ánh", "Phạm Thị Ân",
		"Lê Văn Bình", "Hồ Văn Dũng", "Đỗ Văn Đức", "Võ Thị Ơn"}
	return people, order
}

func openAttendance(t *testing.T, s *app.TrainingSession, people []Attendee, mask bool) (*excelize.File, []byte, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := WriteAttendance(&buf, s, people, loadRefs(t), "Phường Mỹ Tho", mask)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes(), n
}

// attHeadRow returns the 1-based row of the table's header.
func attHeadRow(t *testing.T, rows [][]string) int {
	t.Helper()
	for i, r := range rows {
		if len(r) >= 8 && r[0] == "STT" && r[7] == "Ký tên" {
			return i + 1
		}
	}
	t.Fatal("no header row STT … Ký tên")
	return 0
}

func TestWriteAttendance_Contents(t *testing.T) {
	people, order := attPeople()
	f, _, n := openAttendance(t, attSession(), people, false)
	if n != len(people) {
		t.Fatalf("returned %d, want %d", n, len(people))
	}
	rows, err := f.GetRows(AttendanceSheet)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for i, r := range rows {
		fmt.Fprintf(&all, "%2d: %s\n", i+1, strings.Join(r, " | "))
	}
	text := all.String()
	for _, want := range []string{
		"UBND PHƯỜNG MỸ THO |  |  | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc",
		"DANH SÁCH ĐẠI BIỂU/HỌC VIÊN THAM DỰ",
		"Tập huấn nghiệp vụ bảo vệ quyền lợi người tiêu dùng năm 2026",
		"Thời gian: ngày 05/11/2026",
		"Địa điểm: Hội trường UBND Phường Mỹ Tho",
		"Đơn vị tổ chức: Sở Công Thương; phối hợp: UBND Phường Mỹ Tho",
		"Báo cáo viên: Báo cáo viên Sở Công Thương",
		"Hình thức: Trực tiếp",
		"Tổng số: 9 người trong danh sách; có mặt: 6 người.",
		"Mỹ Tho, ngày 05 tháng 11 năm 2026",
		"ĐẠI DIỆN ĐƠN VỊ TỔ CHỨC", "NGƯỜI LẬP DANH SÁCH",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("sheet lacks %q:\n%s", want, text)
		}
	}
	head := attHeadRow(t, rows)
	if got := strings.Join(rows[head-1], "|"); got != "STT|Họ và tên|Đối tượng|Đơn vị, nơi công tác|Giới tính|Điện thoại|Tình trạng|Ký tên" {
		t.Fatalf("header %q", got)
	}
	// One row per participant, numbered, in Vietnamese order, with the
	// signature column left empty.
	var names []string
	for i := 0; i < len(people); i++ {
		r := rows[head+i]
		if r[0] != strconv.Itoa(i+1) {
			t.Fatalf("row %d: STT %q", head+i+1, r[0])
		}
		names = append(names, r[1])
		if len(r) > 7 && r[7] != "" {
			t.Fatalf("signature cell of %s holds %q", r[1], r[7])
		}
	}
	if strings.Join(names, ", ") != strings.Join(order, ", ") {
		t.Fatalf("order\n got %v\nwant %v", names, order)
	}
	// After them, empty rows for walk-ins, framed like the others, then no
	// more numbered rows.
	for i := 0; i < AttendanceBlankRows; i++ {
		r := head + len(people) + i + 1
		if v, _ := f.GetCellValue(AttendanceSheet, fmt.Sprintf("B%d", r)); v != "" {
			t.Fatalf("walk-in row %d holds %q", r, v)
		}
		id, _ := f.GetCellStyle(AttendanceSheet, fmt.Sprintf("H%d", r))
		st, _ := f.GetStyle(id)
		if len(st.Border) != 4 {
			t.Fatalf("walk-in row %d has %d borders", r, len(st.Border))
		}
	}
	numbered := 0
	for _, r := range rows[head:] {
		if len(r) > 0 {
			if _, err := strconv.Atoi(r[0]); err == nil {
				numbered++
			}
		}
	}
	if numbered != len(people) {
		t.Fatalf("%d numbered rows, want %d", numbered, len(people))
	}
	// The row of Đỗ Văn Đức: type label, organisation as workplace, labels.
	duc := rows[head+7]
	if want := "8|Đỗ Văn Đức|Doanh nghiệp|Công ty TNHH Thương mại Phú Quý|Nam||Có mặt"; strings.Join(duc[:7], "|") != want {
		t.Fatalf("row of Đức %q", duc)
	}
	// A long label is shortened to what precedes its explanation.
	if r := rows[head+1]; r[2] != "Hội viên đoàn thể" || r[6] != "Có mặt" {
		t.Fatalf("row of Nguyễn Văn An %q", r)
	}
	if r := rows[head+3]; r[5] != "0987654321" || r[6] != "Vắng" {
		t.Fatalf("row of Trần Văn Ánh %q", r)
	}
	// Times New Roman everywhere.
	for _, ref := range []string{"A1", fmt.Sprintf("B%d", head+1), fmt.Sprintf("A%d", head)} {
		id, _ := f.GetCellStyle(AttendanceSheet, ref)
		st, _ := f.GetStyle(id)
		if st.Font == nil || st.Font.Family != "Times New Roman" {
			t.Fatalf("%s font %+v", ref, st.Font)
		}
	}
	if dn, _ := f.GetDefaultFont(); dn != "Times New Roman" {
		t.Fatalf("default font %q", dn)
	}
}

func TestWriteAttendance_PageSetup(t *testing.T) {
	people, _ := attPeople()
	f, _, _ := openAttendance(t, attSession(), people, false)
	pl, err := f.GetPageLayout(AttendanceSheet)
	if err != nil {
		t.Fatal(err)
	}
	if *pl.Size != 9 || *pl.Orientation != "portrait" || deref(pl.FitToWidth) != 1 || deref(pl.FitToHeight) != 0 {
		t.Fatalf("page layout: size %v, %v, fit %v×%v", *pl.Size, *pl.Orientation, deref(pl.FitToWidth), deref(pl.FitToHeight))
	}
	if props, err := f.GetSheetProps(AttendanceSheet); err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Fatalf("fit to page not enabled (%v)", err)
	}
	rows, _ := f.GetRows(AttendanceSheet)
	head := attHeadRow(t, rows)
	var area, titles string
	for _, dn := range f.GetDefinedName() {
		switch {
		case dn.Name == "_xlnm.Print_Area" && dn.Scope == AttendanceSheet:
			area = dn.RefersTo
		case dn.Name == "_xlnm.Print_Titles" && dn.Scope == AttendanceSheet:
			titles = dn.RefersTo
		}
	}
	if want := fmt.Sprintf("'%s'!$%d:$%d", AttendanceSheet, head, head); titles != want {
		t.Fatalf("print titles %q, want %q", titles, want)
	}
	if want := fmt.Sprintf("'%s'!$A$1:$H$", AttendanceSheet); !strings.HasPrefix(area, want) {
		t.Fatalf("print area %q", area)
	}
	// The dimension covers the sheet, for readers that trust it.
	if dim, _ := f.GetSheetDimension(AttendanceSheet); "'"+AttendanceSheet+"'!$A$1:$H$"+strings.TrimPrefix(dim, "A1:H") != area {
		t.Fatalf("dimension %q, print area %q", dim, area)
	}
	// The columns take about the width between the margins (17.5 cm =
	// 661 px), so that fitting to the width barely shrinks the text.
	px := 0.0
	for i := range attColumns {
		w, _ := f.GetColWidth(AttendanceSheet, attCol(i+1))
		px += w*7 + 5
	}
	if px < 600 || px > 720 {
		t.Fatalf("columns %.0f px wide, want about 661", px)
	}
	// The signature column is the widest but for the name and workplace,
	// and each person's row leaves room to sign.
	if w, _ := f.GetColWidth(AttendanceSheet, "H"); w < 12 {
		t.Fatalf("signature column %.1f wide", w)
	}
	if h, _ := f.GetRowHeight(AttendanceSheet, head+1); h < attendanceRowHeight {
		t.Fatalf("participant row %.1f pt tall", h)
	}
}

func TestWriteAttendance_MaskVoidedAndMissing(t *testing.T) {
	people, _ := attPeople()
	people[2].Attendance.Voided = true  // Trần Văn Ánh: recorded by mistake
	people[5].Participant.Voided = true // Phạm Thị Ân
	people = append(people, Attendee{Attendance: app.Attendance{SessionID: "s-1", ParticipantID: "gone", Status: "co_mat"}})
	s := attSession()
	s.EndDate = "2026-11-06"
	f, _, n := openAttendance(t, s, people, true)
	if n != len(people)-2 {
		t.Fatalf("returned %d, want %d", n, len(people)-2)
	}
	rows, _ := f.GetRows(AttendanceSheet)
	head := attHeadRow(t, rows)
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, gone := range []string{"Trần Văn Ánh", "Phạm Thị Ân", "0912345678"} {
		if strings.Contains(text.String(), gone) {
			t.Fatalf("sheet shows %q:\n%s", gone, text.String())
		}
	}
	for _, want := range []string{"*******678", "(chưa có trong danh sách người tham dự)",
		"Thời gian: từ ngày 05/11/2026 đến ngày 06/11/2026", "Mỹ Tho, ngày …… tháng …… năm ………"} {
		if !strings.Contains(text.String(), want) {
			t.Fatalf("sheet lacks %q:\n%s", want, text.String())
		}
	}
	// The person missing from the register sorts first (no name) and is
	// still numbered.
	if rows[head][0] != "1" || rows[head][1] != "(chưa có trong danh sách người tham dự)" {
		t.Fatalf("first row %q", rows[head])
	}
}

func TestWriteAttendance_EmptyAndNoRefs(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteAttendance(&buf, &app.TrainingSession{}, nil, nil, "", false)
	if err != nil || n != 0 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(AttendanceSheet)
	head := attHeadRow(t, rows)
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, want := range []string{"UBND XÃ, PHƯỜNG", "Thời gian: ……", "Tổng số: 0 người trong danh sách; có mặt: ……… người."} {
		if !strings.Contains(text.String(), want) {
			t.Fatalf("sheet lacks %q:\n%s", want, text.String())
		}
	}
	if v, _ := f.GetCellValue(AttendanceSheet, fmt.Sprintf("A%d", head+1)); v != "" {
		t.Fatalf("first row after the header holds %q", v)
	}
}

func TestAttMaskPhone(t *testing.T) {
	for in, want := range map[string]string{"": "", "0912345678": "*******678", "12": "**", "0912 345 678": "*******678"} {
		if got := attMaskPhone(in); got != want {
			t.Errorf("attMaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

// trainingData is a synthetic year of two held sessions, one planned, one
// before the period and one voided, with hand-counted figures.
func trainingData() ([]app.TrainingSession, []app.Attendance, []app.Participant, app.KPIPeriod) {
	period := app.ReportYear(2026) // 15/12/2025 – 14/12/2026
	s := func(id, unit, title, start, status string, voided bool) app.TrainingSession {
		return app.TrainingSession{RecordHead: app.RecordHead{ID: id, UnitCode: unit, Voided: voided}, Title: title,
			StartDate: start, Status: status, Format: "truc_tiep", Venue: "Hội trường UBND"}
	}
	sessions := []app.TrainingSession{
		s("s2", "28261", "Hội nghị phổ biến pháp luật cho hộ kinh doanh", "2026-09-10", "da_bao_cao", false),
		s("s1", "28261", "Tập huấn nghiệp vụ cho cán bộ", "2026-03-05", "da_to_chuc", false),
		s("s3", "28261", "Lớp còn kế hoạch", "2026-12-01", "ke_hoach", false),
		s("s4", "28261", "Lớp năm trước", "2025-12-14", "da_to_chuc", false),
		s("s5", "28261", "Lớp ghi nhầm", "2026-05-05", "da_to_chuc", true),
		s("s6", "29905", "Tập huấn ở xã khác", "2026-06-01", "da_to_chuc", false),
	}
	sessions[1].EndDate = "2026-03-06"
	p := func(id, unit, typ string, voided bool) app.Participant {
		return app.Participant{RecordHead: app.RecordHead{ID: id, UnitCode: unit, Voided: voided}, FullName: "Người " + id, Type: typ}
	}
	participants := []app.Participant{
		p("cb", "28261", "can_bo_cong_chuc_xa", false),
		p("dan", "28261", "hoi_vien_doan_the", false), // a member of a mass organisation: người dân
		p("dn", "28261", "doanh_nghiep", false),
		p("htx", "28261", "htx", false),
		p("void", "28261", "nguoi_dan", true),
		p("x", "29905", "nguoi_dan", false),
	}
	a := func(session, person, status string, voided bool) app.Attendance {
		return app.Attendance{RecordHead: app.RecordHead{ID: app.AttendanceID(session, person), UnitCode: "28261", Voided: voided},
			SessionID: session, ParticipantID: person, Status: status}
	}
	attendance := []app.Attendance{
		a("s1", "cb", "co_mat", false), a("s1", "dan", "co_mat", false), a("s1", "dn", "co_mat", false),
		a("s1", "htx", "vang", false), a("s1", "x", "dang_ky", false),
		a("s2", "cb", "co_mat", false), a("s2", "htx", "co_mat", false), a("s2", "void", "co_mat", false),
		a("s2", "dan", "co_mat", true),
		a("s3", "dn", "co_mat", false), a("s4", "dn", "co_mat", false), a("s5", "dn", "co_mat", false),
		a("s6", "x", "co_mat", false), a("s6", "cb", "co_mat", false),
	}
	return sessions, attendance, participants, period
}

// rawRows returns the sheet's rows, each cell's value as Excel stores it
// (numbers and date serials unformatted).
func rawRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func findRow(rows [][]string, prefix string) []string {
	for _, r := range rows {
		for _, c := range r {
			if strings.HasPrefix(c, prefix) {
				return r
			}
		}
	}
	return nil
}

func TestWriteTrainingSummary_TotalsEqualHandCounts(t *testing.T) {
	sessions, attendance, participants, period := trainingData()
	// The commune's own records, as storage.KPIData("28261") loads them.
	var mine []app.TrainingSession
	for _, s := range sessions {
		if s.UnitCode == "28261" {
			mine = append(mine, s)
		}
	}
	var buf bytes.Buffer
	n, err := WriteTrainingSummary(&buf, mine, attendance, participants, period, "Phường Mỹ Tho")
	if err != nil || n != 2 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := rawRows(t, f, TrainingSummarySheet)
	if rows[0][0] != trainingTitle || rows[1][0] != "Đơn vị: Phường Mỹ Tho" ||
		rows[2][0] != "Kỳ báo cáo: Năm báo cáo 2026 (15/12/2025 – 14/12/2026)" {
		t.Fatalf("head %q", rows[:3])
	}
	head := strings.Join(rows[4], "|") + " / " + strings.Join(rows[5], "|")
	if want := "STT|Tên lớp tập huấn, hội nghị|Từ ngày|Đến ngày|Địa điểm|Hình thức|Số lượt người có mặt theo đối tượng|||Tổng số lượt người / ||||||Cán bộ|Người dân|Doanh nghiệp"; head != want {
		t.Fatalf("header\n got %q\nwant %q", head, want)
	}
	// Held sessions by date: s1 (05/03) then s2 (10/09). s1: cán bộ 1,
	// người dân 1, doanh nghiệp 1; s2: cán bộ 1, doanh nghiệp (htx) 1 —
	// the voided person and the voided row do not count.
	want := [][]string{
		{"1", "Tập huấn nghiệp vụ cho cán bộ", "46086", "46087", "Hội trường UBND", "Trực tiếp", "1", "1", "1", "3"},
		{"2", "Hội nghị phổ biến pháp luật cho hộ kinh doanh", "46275", "46275", "Hội trường UBND", "Trực tiếp", "1", "0", "1", "2"},
	}
	for i, w := range want {
		if got := strings.Join(rows[6+i], "|"); got != strings.Join(w, "|") {
			t.Fatalf("row %d\n got %q\nwant %q", 7+i, got, strings.Join(w, "|"))
		}
	}
	total := findRow(rows, "Tổng cộng: 2 lớp")
	if got := strings.Join(total[6:], "|"); got != "2|1|2|5" {
		t.Fatalf("totals %q", total)
	}
	people := findRow(rows, "Số người tham dự (mỗi người tính một lần)")
	if got := strings.Join(people[6:], "|"); got != "1|1|2|4" {
		t.Fatalf("distinct persons %q", people)
	}
	// Dates are date cells shown as dd/mm/yyyy.
	if v, _ := f.GetCellValue(TrainingSummarySheet, "C7"); v != "05/03/2026" {
		t.Fatalf("C7 shows %q", v)
	}
	// The totals are the dashboard's (app.ComputeKPIs).
	d := &app.KPIData{Sessions: mine, Attendance: attendance, Participants: participants}
	k := app.ComputeKPIs(d, period, nil).Training
	byGroup := map[string]int{}
	for _, g := range k.ByGroup {
		byGroup[g.Code] = g.Count
	}
	if k.Sessions.Count != 2 || k.PersonTimes.Count != 5 || k.DistinctPersons.Count != 4 ||
		byGroup["can_bo"] != 2 || byGroup["nguoi_dan"] != 1 || byGroup["doanh_nghiep"] != 2 {
		t.Fatalf("ComputeKPIs counts differently: %d sessions, %d person-times %v, %d persons",
			k.Sessions.Count, k.PersonTimes.Count, byGroup, k.DistinctPersons.Count)
	}
	if dim, _ := f.GetSheetDimension(TrainingSummarySheet); !strings.HasPrefix(dim, "A1:J") {
		t.Fatalf("dimension %q", dim)
	}
	if findRow(rows, "THỦ TRƯỞNG ĐƠN VỊ") == nil {
		t.Fatal("no signature block")
	}
	pl, _ := f.GetPageLayout(TrainingSummarySheet)
	if *pl.Size != 9 || *pl.Orientation != "landscape" || deref(pl.FitToWidth) != 1 {
		t.Fatalf("page layout %v %v", *pl.Size, *pl.Orientation)
	}
}

func TestWriteTrainingSummary_UnknownPersonAndEmpty(t *testing.T) {
	sessions, attendance, participants, period := trainingData()
	// Someone present at s1 whose record is not on this laptop.
	attendance = append(attendance, app.Attendance{RecordHead: app.RecordHead{ID: "a-ghost"}, SessionID: "s1",
		ParticipantID: "ghost", Status: "co_mat"})
	var buf bytes.Buffer
	if _, err := WriteTrainingSummary(&buf, sessions[:2], attendance, participants, period, ""); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenReader(&buf)
	defer f.Close()
	rows := rawRows(t, f, TrainingSummarySheet)
	if rows[5][9] != "Chưa xác định đối tượng" {
		t.Fatalf("header %q", rows[5])
	}
	if total := findRow(rows, "Tổng cộng"); strings.Join(total[6:], "|") != "2|1|2|1|6" {
		t.Fatalf("totals %q", total)
	}

	buf.Reset()
	n, err := WriteTrainingSummary(&buf, nil, nil, nil, period, "Xã Tân Hương")
	if err != nil || n != 0 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	f2, _ := excelize.OpenReader(&buf)
	defer f2.Close()
	rows = rawRows(t, f2, TrainingSummarySheet)
	if findRow(rows, "Không có lớp tập huấn") == nil {
		t.Fatalf("no empty notice: %q", rows)
	}
	if total := findRow(rows, "Tổng cộng: 0 lớp"); strings.Join(total[6:], "|") != "0|0|0|0" {
		t.Fatalf("totals %q", total)
	}
}

func TestWriteProvinceTrainingSummary(t *testing.T) {
	sessions, attendance, participants, period := trainingData()
	refs := loadRefs(t)
	d := &app.KPIData{Sessions: sessions, Attendance: attendance, Participants: participants,
		Units: []string{"28261", "29905", "30001"}}
	var buf bytes.Buffer
	n, err := WriteProvinceTrainingSummary(&buf, d, refs, period)
	if err != nil || n != 3 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != TrainingCommunesSheet+"|"+TrainingSessionsSheet {
		t.Fatalf("sheets %q", got)
	}
	rows := rawRows(t, f, TrainingCommunesSheet)
	name := func(code string) string {
		u, ok := refs.Unit(code)
		if !ok {
			return code
		}
		return u.Name
	}
	// 28261: s1, s2 (5 person-times, 4 people); 29905: s6 with x (người
	// dân) and cb of 28261 (cán bộ); 30001: nothing. The province counts
	// cb once: 5 people, not 4 + 2.
	want := [][]string{
		{"1", name("28261"), "2", "2", "1", "2", "5", "4"},
		{"2", name("29905"), "1", "1", "1", "0", "2", "2"},
		{"3", name("30001"), "0", "0", "0", "0", "0", "0"},
		{"", "Toàn tỉnh", "3", "3", "2", "2", "7", "5"},
	}
	for i, w := range want {
		if got := strings.Join(rows[6+i], "|"); got != strings.Join(w, "|") {
			t.Fatalf("row %d\n got %q\nwant %q", 7+i, got, strings.Join(w, "|"))
		}
	}
	k := app.ComputeKPIs(d, period, nil).Training
	if k.PersonTimes.Count != 7 || k.DistinctPersons.Count != 5 || k.Sessions.Count != 3 {
		t.Fatalf("ComputeKPIs: %d person-times, %d persons, %d sessions", k.PersonTimes.Count, k.DistinctPersons.Count, k.Sessions.Count)
	}
	list := rawRows(t, f, TrainingSessionsSheet)
	if list[4][2] != "Xã, phường" || len(list) < 9 || list[7][2] != name("29905") {
		t.Fatalf("session list %q", list)
	}
	if total := findRow(list, "Tổng cộng: 3 lớp"); strings.Join(total[7:], "|") != "3|2|2|7" {
		t.Fatalf("session list totals %q", total)
	}
}

// TestAttendance_Openpyxl checks both files with an independent reader:
// sheet names, headers, row counts, print setup, number and date cells
// (skipped where Debian's python3-openpyxl is absent).
func TestAttendance_Openpyxl(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-openpyxl is missing (.ci/deps.sh installs it): %v", err)
		}
		t.Skip("python3-openpyxl not installed")
	}
	dir := t.TempDir()
	people, order := attPeople()
	f, b, _ := openAttendance(t, attSession(), people, false)
	rows, _ := f.GetRows(AttendanceSheet)
	head := attHeadRow(t, rows)
	sheet := filepath.Join(dir, "diemdanh.xlsx")
	if err := os.WriteFile(sheet, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sessions, attendance, participants, period := trainingData()
	var buf bytes.Buffer
	if _, err := WriteTrainingSummary(&buf, sessions[:5], attendance, participants, period, "Phường Mỹ Tho"); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "tonghop.xlsx")
	if err := os.WriteFile(summary, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	script := `import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["` + AttendanceSheet + `"]
ps = ws.page_setup
print("setup", ps.paperSize, ps.orientation, ps.fitToWidth, ps.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage)
print("titles", ws.print_title_rows)
head = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT"][0]
print("header", "|".join(str(ws.cell(head, c).value) for c in range(1, 9)))
names = [ws.cell(r, 2).value for r in range(head + 1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
print("names", ", ".join(names))
print("font", ws["A1"].font.name, ws.cell(head + 1, 2).font.name)
wb = openpyxl.load_workbook(sys.argv[2], read_only=True)
ws = wb["` + TrainingSummarySheet + `"]
rows = list(ws.iter_rows(values_only=True))
data = [r for r in rows if isinstance(r[0], int)]
print("sessions", len(data), all(isinstance(r[2], datetime.datetime) for r in data), sum(r[9] for r in data))
tot = [r for r in rows if isinstance(r[0], str) and r[0].startswith("Tổng cộng")][0]
print("total", tot[6:10])
`
	out, err := exec.Command(py, "-c", script, sheet, summary).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		"setup 9 portrait 1 0 True",
		fmt.Sprintf("titles $%d:$%d", head, head),
		"header STT|Họ và tên|Đối tượng|Đơn vị, nơi công tác|Giới tính|Điện thoại|Tình trạng|Ký tên",
		"names " + strings.Join(order, ", "),
		"font Times New Roman Times New Roman",
		"sessions 2 True 5",
		"total (2, 1, 2, 5)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("openpyxl output lacks %q:\n%s", want, got)
		}
	}
}
