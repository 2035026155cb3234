package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/seeds"
)

// annualData is a small commune year, counted by hand: report year 2026
// (15/12/2025–14/12/2026) of 28261.
//
//   - 4 cases received in the year (one the day before it starts is not):
//     c1 resolved fully with 1.500.000 đ, c2 partly with 250.000 đ, c3
//     advice only, c4 still being handled (resolved only on 20/12/2026,
//     after the year); c1 and c4 are of vulnerable consumers.
//   - 2 sessions held (one planned), 3 people present 4 times.
//   - a 15/3 rally and a compliance workshop; 4 publications of which 2
//     news items on the website section.
func annualData() *app.KPIData {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, app.ICT) }
	c := func(id string, at time.Time, kind, channel, sector, status string, vul ...string) app.Case {
		return app.Case{RecordHead: app.RecordHead{ID: id, UnitCode: "28261"}, Number: "28261-2026-" + id, ReceivedAt: at, Kind: kind, Channel: channel,
			Sector: sector, Status: status, VulnerableGroups: vul, TransactionType: "truc_tiep"}
	}
	ev := func(id, caseID string, at time.Time, kind, from, to, outcome string, amount int64) app.CaseEvent {
		return app.CaseEvent{ID: id, UnitCode: "28261", CaseID: caseID, At: at, Kind: kind, FromStatus: from, ToStatus: to,
			Outcome: outcome, AmountRecovered: amount}
	}
	head := func(id string) app.RecordHead { return app.RecordHead{ID: id, UnitCode: "28261"} }
	return &app.KPIData{
		Units:       []string{"28261"},
		SyncedUnits: map[string]time.Time{"28261": day(2026, 11, 20)},
		Cases: []app.Case{
			c("c0", day(2025, 12, 14), "phan_anh", "truc_tiep", "thuc_pham_do_uong", "moi_tiep_nhan"),
			c("c1", day(2026, 1, 10), "khieu_nai", "dien_thoai", "thuc_pham_do_uong", app.StatusClosed, "nguoi_cao_tuoi"),
			c("c2", day(2026, 3, 5), "yeu_cau_ho_tro_thuong_luong", "truc_tiep", "thuong_mai_dien_tu", app.StatusResolved),
			c("c3", day(2026, 6, 1), "tu_van", "truc_tiep", "thuc_pham_do_uong", app.StatusResolved),
			c("c4", day(2026, 12, 1), "khieu_nai", "mang_xa_hoi", "thuong_mai_dien_tu", app.StatusResolved, "nguoi_cao_tuoi", "ho_ngheo"),
		},
		Events: []app.CaseEvent{
			ev("e1", "c1", day(2026, 1, 20), app.EventResolved, "dang_xu_ly", app.StatusResolved, "thanh_cong_toan_bo", 1_500_000),
			ev("e2", "c1", day(2026, 1, 25), app.EventClosed, app.StatusResolved, app.StatusClosed, "", 0),
			ev("e3", "c2", day(2026, 4, 1), app.EventResolved, "dang_xu_ly", app.StatusResolved, "thanh_cong_mot_phan", 250_000),
			ev("e4", "c3", day(2026, 6, 1).Add(time.Hour), app.EventResolved, app.StatusReceived, app.StatusResolved, "tu_van_xong", 0),
			ev("e5", "c4", day(2026, 12, 2), app.EventAccepted, app.StatusReceived, "da_thu_ly", "", 0),
			ev("e6", "c4", day(2026, 12, 20), app.EventResolved, "da_thu_ly", app.StatusResolved, "thanh_cong_toan_bo", 100_000),
		},
		Officers: []app.Officer{
			{RecordHead: head("o1"), FullName: "Cán bộ A", CountsForT5: true, Active: true, ParticipantID: "p1"},
			{RecordHead: head("o2"), FullName: "Cán bộ B", CountsForT5: true, Active: true},
		},
		Organisations: []app.Organisation{{RecordHead: head("g1"), Name: "Hội Phụ nữ", Relevant: true}},
		Participants: []app.Participant{
			{RecordHead: head("p1"), FullName: "Cán bộ A", Type: "can_bo_cong_chuc_xa"},
			{RecordHead: head("p2"), FullName: "Người dân B", Type: "nguoi_dan", OrganisationID: "g1"},
			{RecordHead: head("p3"), FullName: "Doanh nghiệp C", Type: "doanh_nghiep"},
		},
		Sessions: []app.TrainingSession{
			{RecordHead: head("s1"), Title: "Lớp 1", StartDate: "2026-04-10", Format: "truc_tiep", Status: "da_to_chuc"},
			{RecordHead: head("s2"), Title: "Lớp 2", StartDate: "2026-09-10", Format: "truc_tiep", Status: "da_bao_cao"},
			{RecordHead: head("s3"), Title: "Lớp 3", StartDate: "2026-12-10", Format: "truc_tuyen", Status: "ke_hoach"},
		},
		Attendance: []app.Attendance{
			{RecordHead: head("a1"), SessionID: "s1", ParticipantID: "p1", Status: "co_mat"},
			{RecordHead: head("a2"), SessionID: "s1", ParticipantID: "p2", Status: "co_mat"},
			{RecordHead: head("a3"), SessionID: "s2", ParticipantID: "p2", Status: "co_mat"},
			{RecordHead: head("a4"), SessionID: "s2", ParticipantID: "p3", Status: "co_mat"},
			{RecordHead: head("a5"), SessionID: "s2", ParticipantID: "p1", Status: "vang"},
		},
		Outreach: []app.OutreachEvent{
			{RecordHead: head("v1"), Type: "mit_tinh_15_3", Title: "Mít tinh 15/3", StartDate: "2026-03-14", Status: "da_to_chuc", Attendance: 300, Leaflets: 500},
			{RecordHead: head("v2"), Type: "hoi_thao", Title: "Hội thảo", Topic: "tuan_thu_phap_luat", StartDate: "2026-05-20", Status: "da_to_chuc", Attendance: 60, Businesses: 25},
		},
		Publications: []app.Publication{
			{RecordHead: head("b1"), Type: "to_roi", Origin: "tu_phat_hanh", Format: "giay", Date: "2026-03-01", Quantity: 1000, Channel: "phat_truc_tiep"},
			{RecordHead: head("b2"), Type: "so_tay", Origin: "tiep_nhan_trung_uong", Format: "giay", Date: "2026-04-01", Quantity: 50, Channel: "phat_truc_tiep"},
			{RecordHead: head("b3"), Type: "tin_bai", Origin: "tu_phat_hanh", Format: "dien_tu", Date: "2026-05-01", Channel: "chuyen_muc_website"},
			{RecordHead: head("b4"), Type: "tin_bai", Origin: "tu_phat_hanh", Format: "dien_tu", Date: "2026-07-01", Channel: "chuyen_muc_website"},
		},
		Now: day(2026, 11, 27),
	}
}

func writeAnnual(t *testing.T, rep *app.KPIReport, d *app.KPIData, refs *app.RefData, opt AnnualOptions) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteAnnual(&buf, rep, d, refs, opt); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// rowsOf returns the rows of a sheet, each padded to n cells.
func rowsOf(t *testing.T, f *excelize.File, sheet string, raw bool) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		for len(rows[i]) < 16 {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

// tableAfter returns the rows of the table titled title on a sheet: from
// its header to its total line "Tổng số" (or the next title).
func tableAfter(t *testing.T, rows [][]string, title string) [][]string {
	t.Helper()
	for i, r := range rows {
		if !strings.HasPrefix(r[0], title) {
			continue
		}
		var out [][]string
		for _, x := range rows[i+2:] {
			if x[0] == "STT" { // the header again on a new page
				continue
			}
			out = append(out, x)
			if strings.HasPrefix(x[1], "Tổng số") {
				break
			}
		}
		return out
	}
	t.Fatalf("no table %q", title)
	return nil
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%q is not a whole number: %v", s, err)
	}
	return n
}

func TestWriteAnnual_CommuneWorkbook(t *testing.T) {
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := annualData()
	period := app.ReportYear(2026)
	rep := app.ComputeKPIs(d, period, refs.Targets)
	prepared := time.Date(2026, 11, 27, 15, 0, 0, 0, app.ICT)
	f, file := writeAnnual(t, &rep, d, refs, AnnualOptions{UnitName: "Phường Mỹ Tho", Prepared: prepared})

	want := []string{AnnualSheetReport, AnnualSheetComplaints, AnnualSheetActivities, AnnualSheetPublications, AnnualSheetTasks}
	if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	for _, s := range append(want, AnnualSheetCommunes) {
		if utf8.RuneCountInString(s) > 31 {
			t.Errorf("sheet name %q is longer than 31 characters", s)
		}
	}

	// The cover block: dates are date cells shown dd/mm/yyyy.
	shown := rowsOf(t, f, AnnualSheetReport, false)
	raw := rowsOf(t, f, AnnualSheetReport, true)
	cover := map[string]int{}
	for i, r := range shown {
		cover[r[0]] = i
	}
	for label, want := range map[string]string{"Đơn vị báo cáo:": "Phường Mỹ Tho", "Năm báo cáo:": "2026",
		"Kỳ báo cáo từ ngày:": "15/12/2025", "đến hết ngày:": "14/12/2026", "Hạn gửi báo cáo:": "trước ngày 15/12/2026",
		"Ngày lập báo cáo:": "27/11/2026"} {
		i, ok := cover[label]
		if !ok || shown[i][3] != want {
			t.Errorf("%s %q, want %q", label, shown[i][3], want)
		}
	}
	if i := cover["Kỳ báo cáo từ ngày:"]; raw[i][3] != "46006" { // 15/12/2025 as an Excel day
		t.Errorf("the period's start is stored as %q, not a date", raw[i][3])
	}
	if !strings.Contains(strings.Join(shown[3], " "), "Mỹ Tho, ngày 27 tháng 11 năm 2026") {
		t.Errorf("date line %q", shown[3])
	}

	// T1–T7: value, numerator, denominator, target and verdict as
	// ComputeKPIs counts them; numbers are numbers.
	seen := 0
	for i, r := range raw {
		tr, ok := rep.Target(r[0])
		if !ok || len(r[0]) != 2 {
			continue
		}
		seen++
		v, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			t.Fatalf("%s value %q is not a number", r[0], r[3])
		}
		if tr.Share {
			if math.Abs(v-tr.Value/100) > 1e-9 || atoi(t, r[4]) != int64(tr.Num) || atoi(t, r[5]) != int64(tr.Den) {
				t.Errorf("%s: %q %q %q, want %v%% %d/%d", r[0], r[3], r[4], r[5], tr.Value, tr.Num, tr.Den)
			}
		} else if v != float64(tr.Num) || r[4] != "" {
			t.Errorf("%s: %q, want %d", r[0], r[3], tr.Num)
		}
		if r[7] != Verdict(tr) {
			t.Errorf("%s verdict %q, want %q", r[0], r[7], Verdict(tr))
		}
		if tr.ID == "T3" && !strings.Contains(shown[i][6], "≥ 3–5") {
			t.Errorf("T3 target shown %q", shown[i][6])
		}
	}
	if seen != 7 {
		t.Fatalf("%d target rows", seen)
	}
	// Hand counts: T2 the rally, T3 2 documents (the leaflet and the
	// handbook; the news items are T7's), T5 1 of 2 officers, T6 the
	// workshop, T7 2 news items.
	for id, want := range map[string]int{"T2": 1, "T3": 2, "T5": 1, "T6": 1, "T7": 2} {
		if tr, _ := rep.Target(id); tr.Num != want {
			t.Errorf("%s counts %d, want %d", id, tr.Num, want)
		}
	}

	// Complaints: the breakdowns add up to their totals.
	c := rawComplaints(t, f)
	if c.received != 4 || c.sectors != 4 || c.kinds != 4 || c.channels != 4 || c.statuses != 4 {
		t.Errorf("received %d; by sector %d, kind %d, channel %d, status %d; want 4", c.received, c.sectors, c.kinds, c.channels, c.statuses)
	}
	if c.finished != 3 || c.outcomes != 3 || c.money != 1_750_000 {
		t.Errorf("finished %d (outcomes %d), recovered %d; want 3, 3, 1.750.000", c.finished, c.outcomes, c.money)
	}
	// c4 was only accepted by 14/12; it is resolved on 20/12.
	if c.status["Đã thụ lý"] != 1 || c.status["Đã giải quyết"] != 2 || c.status["Đã đóng"] != 1 {
		t.Errorf("status at the end of the year %v", c.status)
	}
	if c.vulnerable != 2 || c.vulGroups["Người cao tuổi (từ đủ 60 tuổi)"] != 2 || c.vulGroups["Thành viên hộ nghèo"] != 1 {
		t.Errorf("vulnerable %d, groups %v", c.vulnerable, c.vulGroups)
	}

	// Training: 2 sessions, 4 person-times, 3 people; events with reach.
	act := rowsOf(t, f, AnnualSheetActivities, true)
	if l := lineOf(t, act, "Số lượt người tham dự (lượt người có mặt)"); atoi(t, l[2]) != 4 {
		t.Errorf("person-times %q", l[2])
	}
	if l := lineOf(t, act, "Số người tham dự (không tính trùng)"); atoi(t, l[2]) != 3 {
		t.Errorf("distinct persons %q", l[2])
	}
	groups := tableAfter(t, act, "2. Lượt người tham dự tập huấn theo nhóm")
	if g := groups[len(groups)-1]; atoi(t, g[2]) != 4 || groups[0][1] != "Cán bộ" || atoi(t, groups[0][2]) != 1 {
		t.Errorf("groups %q", groups)
	}
	events := tableAfter(t, act, "4. Sự kiện tuyên truyền")
	if tot := events[len(events)-1]; atoi(t, tot[2]) != 2 || atoi(t, tot[3]) != 360 {
		t.Errorf("events total %q", tot)
	}

	// Publications: 4 items, 1.050 copies.
	pub := rowsOf(t, f, AnnualSheetPublications, true)
	for _, title := range []string{"1. Theo loại", "2. Theo nguồn", "3. Theo hình thức", "4. Theo kênh"} {
		tb := tableAfter(t, pub, title)
		if tot := tb[len(tb)-1]; atoi(t, tot[2]) != 4 || atoi(t, tot[3]) != 1050 {
			t.Errorf("%s total %q", title, tot)
		}
	}

	// The plan tasks: those of "ubnd_xa", each with a status list.
	tasks := UnitTasks(refs, 2026, app.UnitPhuong) // 28261 is Phường Mỹ Tho
	if len(tasks) < 10 {
		t.Fatalf("%d tasks for the communes", len(tasks))
	}
	trows := rowsOf(t, f, AnnualSheetTasks, false)
	var ids []string
	taskID := regexp.MustCompile(`^[IV]+\.[0-9]+$`)
	for i, r := range trows {
		if taskID.MatchString(r[0]) {
			ids = append(ids, r[0])
			if r[3] != "Phối hợp" && r[3] != "Chủ trì" {
				t.Errorf("task %s role %q", r[0], r[3])
			}
			if !hasValidation(t, f, fmt.Sprintf("G%d", i+1)) {
				t.Errorf("task %s: no status list on G%d", r[0], i+1)
			}
		}
	}
	var wantIDs []string
	for _, x := range tasks {
		wantIDs = append(wantIDs, x.ID)
		if role(x, app.UnitPhuong) == "" {
			t.Errorf("task %s listed without the communes", x.ID)
		}
	}
	if fmt.Sprint(ids) != fmt.Sprint(wantIDs) {
		t.Errorf("task rows %v, want %v", ids, wantIDs)
	}
	for _, r := range trows {
		if r[0] == "III.3" && !strings.Contains(r[5], "1 sự kiện hưởng ứng Ngày 15/3, khoảng 300 người") {
			t.Errorf("III.3 figures %q", r[5])
		}
	}

	CheckAnnualPrint(t, f, file)
}

// complaintFigures are the totals read back from the complaints sheet.
type complaintFigures struct {
	received, sectors, kinds, channels, statuses, finished, outcomes, vulnerable int64
	money                                                                        int64
	status, vulGroups                                                            map[string]int64
}

func rawComplaints(t *testing.T, f *excelize.File) complaintFigures {
	t.Helper()
	rows := rowsOf(t, f, AnnualSheetComplaints, true)
	var c complaintFigures
	c.received = atoi(t, lineOf(t, rows, "Số vụ việc tiếp nhận trong kỳ")[2])
	c.finished = atoi(t, lineOf(t, rows, "Số vụ việc kết thúc xử lý trong kỳ (kể cả vụ việc nhận từ kỳ trước)")[2])
	c.money = atoi(t, lineOf(t, rows, "Số tiền thu hồi, bồi hoàn cho người tiêu dùng (đồng)")[2])
	sum := func(title string, total *int64) map[string]int64 {
		tb := tableAfter(t, rows, title)
		by := map[string]int64{}
		var s int64
		for _, r := range tb[:len(tb)-1] {
			n := atoi(t, r[2])
			by[r[1]] = n
			s += n
		}
		if tot := atoi(t, tb[len(tb)-1][2]); tot != s && !strings.Contains(title, "dễ bị tổn thương") {
			t.Errorf("%s: lines add up to %d, total %d", title, s, tot)
		}
		*total = atoi(t, tb[len(tb)-1][2])
		return by
	}
	sum("2. Vụ việc tiếp nhận theo lĩnh vực", &c.sectors)
	sum("3. Vụ việc tiếp nhận theo loại", &c.kinds)
	sum("4. Vụ việc tiếp nhận theo kênh", &c.channels)
	c.status = sum("6. Tình trạng xử lý", &c.statuses)
	sum("7. Vụ việc kết thúc xử lý trong kỳ theo kết quả", &c.outcomes)
	c.vulGroups = sum("8. Vụ việc tiếp nhận theo nhóm người tiêu dùng dễ bị tổn thương", &c.vulnerable)
	return c
}

// lineOf returns the first row whose label (column B) is label.
func lineOf(t *testing.T, rows [][]string, label string) []string {
	t.Helper()
	for _, r := range rows {
		if r[1] == label {
			return r
		}
	}
	t.Fatalf("no line %q", label)
	return nil
}

func hasValidation(t *testing.T, f *excelize.File, cell string) bool {
	t.Helper()
	dvs, err := f.GetDataValidations(AnnualSheetTasks)
	if err != nil {
		t.Fatal(err)
	}
	for _, dv := range dvs {
		for _, ref := range strings.Fields(dv.Sqref) {
			if ref == cell && dv.Type == "list" && strings.Contains(dv.Formula1, "Chưa triển khai,Đang thực hiện,Hoàn thành,Không phát sinh") {
				return true
			}
		}
	}
	return false
}

// CheckAnnualPrint checks every sheet's page: A4, one page wide, columns
// within the page, Times New Roman, and, page by page between the manual
// breaks, rows that fit the page (so that no spreadsheet adds a break of
// its own inside a table or the signature block).
func CheckAnnualPrint(t *testing.T, f *excelize.File, file []byte) {
	t.Helper()
	for i, sheet := range f.GetSheetList() {
		pl, err := f.GetPageLayout(sheet)
		if err != nil || pl.Size == nil || *pl.Size != paperA4 || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
			t.Errorf("%s: page layout %+v (%v)", sheet, pl, err)
			continue
		}
		landscape := *pl.Orientation == "landscape"
		width, height := portraitWidth, portraitHeight
		if landscape {
			width, height = landscapeWidth, landscapeHeight
		}
		total := 0.0
		cols, _ := f.GetCols(sheet)
		for c := range cols {
			name, _ := excelize.ColumnNumberToName(c + 1)
			w, _ := f.GetColWidth(sheet, name)
			total += w
		}
		if total > width+0.5 {
			t.Errorf("%s: columns %.1f wide, the page %.0f", sheet, total, width)
		}
		rows, _ := f.GetRows(sheet)
		breaks := map[int]bool{}
		for _, b := range rowBreaks(t, file, i) {
			breaks[b] = true
		}
		titles := 0.0
		for _, n := range f.GetDefinedName() {
			if n.Name == "_xlnm.Print_Titles" && n.Scope == sheet {
				var from, to int
				fmt.Sscanf(n.RefersTo[strings.LastIndex(n.RefersTo, "!")+1:], "$%d:$%d", &from, &to)
				for r := from; r <= to; r++ {
					h, _ := f.GetRowHeight(sheet, r)
					titles += h
				}
			}
		}
		used, page := 0.0, 1
		for r := 1; r <= len(rows); r++ {
			if breaks[r-1] {
				used, page = titles, page+1
			}
			h, _ := f.GetRowHeight(sheet, r)
			used += h
			if used > height+0.01 {
				t.Errorf("%s: page %d runs over at row %d (%.0f of %.0f points)", sheet, page, r, used, height)
				break
			}
		}
		style, _ := f.GetCellStyle(sheet, "A1")
		st, _ := f.GetStyle(style)
		if st == nil || st.Font == nil || st.Font.Family != "Times New Roman" {
			t.Errorf("%s: A1 font %+v", sheet, st)
		}
	}
}

// rowBreaks returns the rows after which a manual page break comes on the
// sheet at index (excelize names the parts by creation order).
func rowBreaks(t *testing.T, file []byte, index int) []int {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := z.Open(fmt.Sprintf("xl/worksheets/sheet%d.xml", index+1))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if dim := regexp.MustCompile(`<dimension ref="A1:[A-Z]+([0-9]+)"`).FindStringSubmatch(s); dim == nil {
		t.Errorf("sheet %d: dimension %.60q…; readers that trust it see one cell", index+1, s[strings.Index(s, "<dimension"):])
	} else if n, _ := strconv.Atoi(dim[1]); n != strings.Count(s, "<row ") {
		t.Errorf("sheet %d: dimension to row %d, %d rows", index+1, n, strings.Count(s, "<row "))
	}
	var out []int
	for _, part := range strings.Split(s, `<brk id="`)[1:] {
		n, _ := strconv.Atoi(part[:strings.IndexByte(part, '"')])
		out = append(out, n)
	}
	return out
}

func TestWriteAnnual_ProvinceHasOneRowPerCommune(t *testing.T) {
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := annualData()
	// A second commune's case, and every commune of the province covered.
	d.Cases = append(d.Cases, app.Case{RecordHead: app.RecordHead{ID: "x1", UnitCode: "29905"}, ReceivedAt: time.Date(2026, 2, 2, 8, 0, 0, 0, app.ICT),
		Kind: "phan_anh", Channel: "dien_thoai", Sector: "khac", Status: app.StatusReceived})
	d.Units = nil
	for _, u := range refs.Units {
		d.Units = append(d.Units, u.Code)
	}
	period := app.ReportYear(2026)
	rep := app.ComputeKPIs(d, period, refs.Targets)
	per := CommuneReports(d, period, refs.Targets, refs)
	f, file := writeAnnual(t, &rep, d, refs, AnnualOptions{UnitName: "Tỉnh Đồng Tháp", Province: true, PerCommune: per})
	if got := f.GetSheetList(); len(got) != 6 || got[2] != AnnualSheetCommunes {
		t.Fatalf("sheets %q", got)
	}
	rows := rowsOf(t, f, AnnualSheetCommunes, true)
	var communes, received, finished int64
	var total []string
	names := map[string]bool{}
	for _, r := range rows {
		if _, err := strconv.Atoi(r[0]); err == nil && r[1] != "" {
			communes++
			names[r[1]] = true
			received += atoi(t, r[2])
			finished += atoi(t, r[4])
		}
		if r[1] == "Toàn tỉnh" {
			total = r
		}
	}
	if communes != int64(len(refs.Units)) || len(names) != len(refs.Units) {
		t.Fatalf("%d commune rows (%d names), want %d", communes, len(names), len(refs.Units))
	}
	if total == nil || atoi(t, total[2]) != 5 || received != 5 || finished != 3 || atoi(t, total[7]) != 1_750_000 {
		t.Fatalf("total %q; communes add up to %d received, %d finished", total, received, finished)
	}
	if total[13] != fmt.Sprintf("1/%d xã", len(refs.Units)) {
		t.Errorf("synced %q", total[13])
	}
	// Mỹ Tho's row is its own report.
	for _, r := range rows {
		if r[1] == "Phường Mỹ Tho" && (atoi(t, r[2]) != 4 || atoi(t, r[9]) != 2 || atoi(t, r[10]) != 4 || r[13] == "") {
			t.Errorf("Mỹ Tho %q", r)
		}
	}
	// Vietnamese order of names.
	coll := app.NewCollator()
	for i := 1; i < len(per); i++ {
		if coll.CompareString(per[i-1].Name, per[i].Name) > 0 {
			t.Fatalf("%s before %s", per[i-1].Name, per[i].Name)
		}
	}
	shown := rowsOf(t, f, AnnualSheetReport, false)
	if !strings.Contains(fmt.Sprint(shown[:4]), "SỞ CÔNG THƯƠNG") || !strings.Contains(fmt.Sprint(shown), "GIÁM ĐỐC") {
		t.Errorf("province header %q", shown[:4])
	}
	CheckAnnualPrint(t, f, file)
}

func TestStatusAtEnd_ReplaysTheStepsToTheCutOff(t *testing.T) {
	d := annualData()
	got := map[string]int{}
	for _, x := range StatusAtEnd(d, app.ReportYear(2026)) {
		got[x.Code] = x.Count
	}
	want := map[string]int{"da_thu_ly": 1, app.StatusResolved: 2, app.StatusClosed: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	// The year before: only c0, received on 14/12/2025, no steps.
	if got := StatusAtEnd(d, app.ReportYear(2025)); len(got) != 1 || got[0].Code != "moi_tiep_nhan" {
		t.Fatalf("2025: %+v", got)
	}
}

func TestWrapLines(t *testing.T) {
	for _, c := range []struct {
		text  string
		width float64
		want  int
	}{
		{"Đạt", 60, 1},
		{"Hai dòng\nrõ ràng", 300, 2},
		{strings.Repeat("chữ ", 40), 200, 6}, // 7 words of 24 px and a space a line
		{strings.Repeat("x", 100), 200, 5},   // one word of 800 px is cut
	} {
		if got := wrapLines([]run{plain(c.text)}, c.width); got != c.want {
			t.Errorf("%q in %.0f px: %d lines, want %d", c.text, c.width, got, c.want)
		}
	}
}

// TestUnitTasks_IV4WardsOnly: task IV.4 names "UBND phường" alone as its
// partner (Kế hoạch 395, Phụ lục, IV.4: "Các sở, ngành; UBND phường"): a
// ward's report lists it, a commune's (xã) does not, the province's says
// it is the wards' (issue 18 item 9).
func TestUnitTasks_IV4WardsOnly(t *testing.T) {
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	has := func(unitType string) string {
		for _, x := range UnitTasks(refs, 2026, unitType) {
			if x.ID == "IV.4" {
				return role(x, unitType)
			}
		}
		return ""
	}
	if got := has(app.UnitPhuong); got != "Phối hợp" {
		t.Errorf("a ward: IV.4 %q, want Phối hợp", got)
	}
	if got := has(app.UnitXa); got != "" {
		t.Errorf("a commune (xã): IV.4 listed as %q", got)
	}
	if got := has(""); got != "Phối hợp (các phường)" {
		t.Errorf("the province: IV.4 %q", got)
	}
	// Tasks of "UBND (các) xã, phường" stay on every report.
	for _, typ := range []string{app.UnitXa, app.UnitPhuong, ""} {
		found := false
		for _, x := range UnitTasks(refs, 2026, typ) {
			found = found || x.ID == "IV.8"
		}
		if !found {
			t.Errorf("%q: IV.8 missing", typ)
		}
	}
}
