package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/seeds"
)

func ict(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, app.ICT)
}

// registerData is a small data set: three cases of Phường Mỹ Tho in report
// year 2026 (one open and overdue, of an older consumer; one closed with
// money recovered; one rejected), one received before the year, one voided,
// and one case each in Phường Đạo Thạnh and Xã An Hữu.
func registerData(t testing.TB) (*app.KPIData, *app.RefData) {
	t.Helper()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := refs.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	d := &app.KPIData{SlaRules: refs.SlaRules, Calendar: cal, Now: ict(2026, 11, 27, 9, 0).UTC()}
	for _, u := range refs.Units {
		d.Units = append(d.Units, u.Code)
	}
	add := func(c app.Case, evs ...app.CaseEvent) {
		c.ID = fmt.Sprintf("case-%02d", len(d.Cases)+1)
		if c.UnitCode == "" {
			c.UnitCode = "28261"
		}
		c.UpdatedAt = c.ReceivedAt
		for i := range evs {
			evs[i].ID = fmt.Sprintf("%s-ev%d", c.ID, i)
			evs[i].CaseID = c.ID
			c.UpdatedAt = evs[i].At
		}
		d.Cases = append(d.Cases, c)
		d.Events = append(d.Events, evs...)
	}
	add(app.Case{Number: "28261-2026-A7K3-0003", ReceivedAt: ict(2026, 11, 5, 1, 30).UTC(), // 05/11 in ICT
		Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678",
		ConsumerAddress: "Số 12 đường Lê Lợi, khu phố 3, Phường Mỹ Tho", ConsumerUnitCode: "28261",
		BusinessName: "Cửa hàng tạp hóa Phú Quý", Sector: "thuc_pham_do_uong", Status: "moi_tiep_nhan",
		Summary: "Bánh kẹo hết hạn sử dụng", VulnerableGroups: []string{"nguoi_cao_tuoi"}})
	add(app.Case{Number: "28261-2026-A7K3-0002", ReceivedAt: ict(2026, 2, 10, 8, 0).UTC(),
		Channel: "dien_thoai", Kind: "yeu_cau_ho_tro_thuong_luong", ConsumerName: "Trần Văn Bình", ConsumerPhone: "0987654321",
		ConsumerAddress: "Ấp Mỹ Hòa", BusinessName: "Điện máy Xanh Mỹ Tho", Sector: "dien_tu_dien_may", Status: "dong"},
		app.CaseEvent{Kind: app.EventAccepted, At: ict(2026, 2, 11, 9, 0).UTC(), FromStatus: "moi_tiep_nhan", ToStatus: "da_thu_ly"},
		app.CaseEvent{Kind: app.EventResolved, At: ict(2026, 3, 2, 9, 0).UTC(), FromStatus: "da_thu_ly", ToStatus: "da_giai_quyet",
			Outcome: "thanh_cong_toan_bo", AmountRecovered: 1_250_000},
		app.CaseEvent{Kind: app.EventClosed, At: ict(2026, 3, 5, 9, 0).UTC(), FromStatus: "da_giai_quyet", ToStatus: "dong"})
	add(app.Case{Number: "28261-2025-A7K3-0040", ReceivedAt: ict(2025, 12, 20, 10, 0).UTC(),
		Channel: "truc_tiep", Kind: "phan_anh", ConsumerName: "Lê Ân", Sector: "khac", Status: "tu_choi"},
		app.CaseEvent{Kind: app.EventRejected, At: ict(2025, 12, 22, 10, 0).UTC(), FromStatus: "moi_tiep_nhan", ToStatus: "tu_choi"})
	add(app.Case{Number: "28261-2025-A7K3-0039", ReceivedAt: ict(2025, 12, 14, 23, 0).UTC(), // report year 2025
		Channel: "truc_tiep", Kind: "tu_van", ConsumerName: "Ngoài Kỳ", Status: "moi_tiep_nhan"})
	add(app.Case{Number: "28261-2026-A7K3-0009", ReceivedAt: ict(2026, 5, 1, 8, 0).UTC(),
		Channel: "truc_tiep", Kind: "tu_van", ConsumerName: "Đã Hủy", Status: "moi_tiep_nhan", RecordHead: app.RecordHead{Voided: true}})
	add(app.Case{RecordHead: app.RecordHead{UnitCode: "28249"}, Number: "28249-2026-B2C4-0001", ReceivedAt: ict(2026, 6, 1, 8, 0).UTC(),
		Channel: "zalo", Kind: "khieu_nai", ConsumerName: "Phạm Thị Lan", ConsumerPhone: "0901000111",
		Sector: "thuc_pham_do_uong", Status: "da_giai_quyet"},
		app.CaseEvent{Kind: app.EventResolved, At: ict(2026, 6, 20, 9, 0).UTC(), FromStatus: "dang_xu_ly", ToStatus: "da_giai_quyet",
			Outcome: "thanh_cong_mot_phan", AmountRecovered: 300_000})
	add(app.Case{RecordHead: app.RecordHead{UnitCode: "28429"}, Number: "28429-2026-C9D1-0001", ReceivedAt: ict(2026, 11, 20, 8, 0).UTC(),
		Channel: "truc_tiep", Kind: "tu_van", ConsumerName: "Đặng Văn Ân", Status: "moi_tiep_nhan"})
	return d, refs
}

func writeRegisterFile(t testing.TB, d *app.KPIData, opt RegisterOptions) (*excelize.File, []byte, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := WriteRegister(context.Background(), &buf, d, opt)
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

// sheetXML returns the XML of the n-th worksheet of an .xlsx file.
func sheetXML(t testing.TB, b []byte, n int) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := z.Open(fmt.Sprintf("xl/worksheets/sheet%d.xml", n))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(x)
}

func colOf(t testing.TB, province bool, title string) string {
	t.Helper()
	for i, h := range RegisterColumnTitles(province) {
		if h == title {
			c, _ := excelize.ColumnNumberToName(i + 1)
			return c
		}
	}
	t.Fatalf("no column %q", title)
	return ""
}

func TestWriteRegister_Commune(t *testing.T) {
	d, refs := registerData(t)
	opt := RegisterOptions{Unit: "28261", Period: app.ReportYear(2026), Refs: refs}
	f, raw, n := writeRegisterFile(t, d, opt)
	if n != 3 {
		t.Fatalf("%d cases written, want the 3 of Mỹ Tho received in report year 2026", n)
	}
	if names := f.GetSheetList(); len(names) != 1 || names[0] != RegisterSheet {
		t.Fatalf("sheets %q", names)
	}
	rows, err := f.GetRows(RegisterSheet)
	if err != nil {
		t.Fatal(err)
	}
	hr := RegisterHeaderRow
	if len(rows) != hr+3+1 {
		t.Fatalf("%d rows, want header block + headings + 3 cases + totals", len(rows))
	}
	if rows[0][0] != "UBND PHƯỜNG MỸ THO" || rows[1][0] != RegisterTitle ||
		rows[2][0] != "Đơn vị: Phường Mỹ Tho (mã 28261)" ||
		rows[3][0] != "Kỳ báo cáo: Năm báo cáo 2026 (15/12/2025 – 14/12/2026)" ||
		!strings.Contains(rows[4][0], "27/11/2026") {
		t.Fatalf("header block %q", rows[:5])
	}
	if got, want := strings.Join(rows[hr-1], "|"), strings.Join(RegisterColumnTitles(false), "|"); got != want {
		t.Fatalf("headings\n got %s\nwant %s", got, want)
	}
	// Oldest first: 20/12/2025, 10/02/2026, 05/11/2026.
	for i, num := range []string{"28261-2025-A7K3-0040", "28261-2026-A7K3-0002", "28261-2026-A7K3-0003"} {
		if rows[hr+i][0] != fmt.Sprint(i+1) || rows[hr+i][1] != num {
			t.Fatalf("row %d: %q, want STT %d and case %s", hr+1+i, rows[hr+i][:2], i+1, num)
		}
	}
	open := rows[hr+2]
	deadlines := app.Deadlines(&d.Cases[0], nil, d.SlaRules, d.Calendar, d.Now)
	if len(deadlines) == 0 || !deadlines[0].Overdue {
		t.Fatalf("test data: the open case should be overdue: %+v", deadlines)
	}
	want := []string{"3", "28261-2026-A7K3-0003", "05/11/2026", "Trực tiếp tại trụ sở", "Khiếu nại doanh nghiệp",
		"Nguyễn Thị Hồng Đào", "0912345678", "Số 12 đường Lê Lợi, khu phố 3, Phường Mỹ Tho", "Cửa hàng tạp hóa Phú Quý",
		refs.SectorLabel("thuc_pham_do_uong"), "Bánh kẹo hết hạn sử dụng", "Mới tiếp nhận", deadlines[0].Due.Format("02/01/2006") + " (quá hạn)", "", "", "", "x"}
	if strings.Join(open, "|") != strings.Join(want, "|") {
		t.Fatalf("open case:\n got %q\nwant %q", open, want)
	}
	closed := rows[hr+1]
	if closed[12] != "" || closed[13] != "02/03/2026" || closed[14] != "Yêu cầu được đáp ứng toàn bộ" || closed[15] != "1,250,000" {
		t.Fatalf("closed case: deadline %q, finished %q, outcome %q, amount %q", closed[12], closed[13], closed[14], closed[15])
	}
	if rejected := rows[hr]; rejected[14] != "Từ chối: không đủ điều kiện giải quyết" || rejected[13] != "22/12/2025" {
		t.Fatalf("rejected case: %q", rejected)
	}
	// Real dates and numbers, not text.
	for ref, wantRaw := range map[string]string{
		fmt.Sprintf("%s%d", colOf(t, false, "Ngày tiếp nhận"), hr+3):                 "46331", // 05/11/2026
		fmt.Sprintf("%s%d", colOf(t, false, "Số tiền thu hồi cho NTD (đồng)"), hr+2): "1250000",
	} {
		if v, err := f.GetCellValue(RegisterSheet, ref, excelize.Options{RawCellValue: true}); err != nil || v != wantRaw {
			t.Fatalf("%s raw %q (%v), want %s", ref, v, err, wantRaw)
		}
	}
	total := rows[hr+3]
	if total[0] != "Cộng" || total[1] != "3 vụ việc" || total[12] != "1 quá hạn" || total[13] != "2 đã kết thúc" ||
		total[15] != "1,250,000" || total[16] != "1" {
		t.Fatalf("totals row %q", total)
	}
	checkPrintSetup(t, f, raw, 1, RegisterSheet, "landscape", hr, fmt.Sprintf("A%d:Q%d", hr, hr+3))
	if dim, _ := f.GetSheetDimension(RegisterSheet); dim != fmt.Sprintf("A1:Q%d", hr+4) {
		t.Fatalf("dimension %s", dim)
	}
}

// checkPrintSetup checks that sheet (the n-th) prints on A4 in orientation,
// one page wide, repeating row titleRow, with that row frozen and filtered
// over filter.
func checkPrintSetup(t *testing.T, f *excelize.File, raw []byte, n int, sheet, orientation string, titleRow int, filter string) {
	t.Helper()
	pl, err := f.GetPageLayout(sheet)
	if err != nil || pl.Orientation == nil || *pl.Orientation != orientation || pl.Size == nil || *pl.Size != paperA4 ||
		pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Fatalf("%s: page layout %+v (%v)", sheet, pl, err)
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Fatalf("%s: not fitted to the page (%v)", sheet, err)
	}
	titles, filterName := false, false
	for _, dn := range f.GetDefinedName() {
		switch {
		case dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet:
			titles = dn.RefersTo == fmt.Sprintf("'%s'!$%d:$%d", sheet, titleRow, titleRow)
		case dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet:
			filterName = dn.RefersTo == fmt.Sprintf("'%s'!%s", sheet, absolute(filter))
		}
	}
	if !titles || !filterName {
		t.Fatalf("%s: print titles %v, filter name %v: %+v", sheet, titles, filterName, f.GetDefinedName())
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != titleRow || panes.XSplit != 0 {
		t.Fatalf("%s: panes %+v (%v)", sheet, panes, err)
	}
	// excelize writes the range with "$" signs, which Excel and LibreOffice
	// read as the same range.
	if x := sheetXML(t, raw, n); !strings.Contains(x, `<autoFilter ref="`+filter+`"`) &&
		!strings.Contains(x, `<autoFilter ref="`+absolute(filter)+`"`) {
		t.Fatalf("%s: no autofilter over %s", sheet, filter)
	}
}

// absolute turns "A7:Q12" into "$A$7:$Q$12".
func absolute(ref string) string {
	var out []string
	for _, cell := range strings.Split(ref, ":") {
		col, row, _ := excelize.SplitCellName(cell)
		out = append(out, fmt.Sprintf("$%s$%d", col, row))
	}
	return strings.Join(out, ":")
}

func TestWriteRegister_Masked(t *testing.T) {
	d, refs := registerData(t)
	f, _, _ := writeRegisterFile(t, d, RegisterOptions{Unit: "28261", Period: app.ReportYear(2026), Refs: refs, Mask: true})
	rows, _ := f.GetRows(RegisterSheet)
	hr := RegisterHeaderRow
	if !strings.Contains(rows[4][0], "Thông tin cá nhân đã được che") {
		t.Fatalf("no masking note: %q", rows[4])
	}
	for i, want := range [][3]string{
		{"L. Â.", "", ""},
		{"T. V. B.", "*******321", ""}, // "Ấp Mỹ Hòa" names no commune
		{"N. T. H. Đ.", "*******678", "Phường Mỹ Tho"},
	} {
		r := rows[hr+i]
		if r[5] != want[0] || r[6] != want[1] || r[7] != want[2] {
			t.Fatalf("row %d masked as %q %q %q, want %q", hr+1+i, r[5], r[6], r[7], want)
		}
	}
	b := new(bytes.Buffer)
	if _, err := f.WriteTo(b); err != nil {
		t.Fatal(err)
	}
	text := unzipped(t, b.Bytes()) // the parts are compressed: search what they hold
	for _, secret := range []string{"Nguyễn", "0912345678", "Lê Lợi", "Bình"} {
		if bytes.Contains(text, []byte(secret)) {
			t.Fatalf("the masked file still holds %q", secret)
		}
	}
}

func TestWriteRegister_Province(t *testing.T) {
	d, refs := registerData(t)
	f, raw, n := writeRegisterFile(t, d, RegisterOptions{Period: app.ReportYear(2026), Refs: refs})
	if n != 5 {
		t.Fatalf("%d cases, want 5", n)
	}
	if names := f.GetSheetList(); strings.Join(names, "|") != RegisterSheet+"|"+RegisterUnitSheet {
		t.Fatalf("sheets %q", names)
	}
	rows, _ := f.GetRows(RegisterSheet)
	hr := RegisterHeaderRow
	if rows[0][0] != "TỈNH ĐỒNG THÁP" || rows[2][0] != fmt.Sprintf("Đơn vị: toàn tỉnh Đồng Tháp (%d xã, phường)", len(refs.Units)) {
		t.Fatalf("header %q", rows[:3])
	}
	if rows[hr-1][1] != "Xã, phường" {
		t.Fatalf("headings %q", rows[hr-1])
	}
	// Communes in Vietnamese order of their names: An Hữu, Đạo Thạnh
	// (Đ after D, before M), Mỹ Tho; byte order would put Đạo Thạnh last.
	var got []string
	for _, r := range rows[hr : hr+5] {
		got = append(got, r[1]+" "+r[2])
	}
	want := []string{"Xã An Hữu 28429-2026-C9D1-0001", "Phường Đạo Thạnh 28249-2026-B2C4-0001",
		"Phường Mỹ Tho 28261-2025-A7K3-0040", "Phường Mỹ Tho 28261-2026-A7K3-0002", "Phường Mỹ Tho 28261-2026-A7K3-0003"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("order\n got %q\nwant %q", got, want)
	}
	total := rows[hr+5]
	if total[1] != "3 xã, phường" || total[2] != "5 vụ việc" || total[16] != "1,550,000" {
		t.Fatalf("totals %q", total)
	}
	checkPrintSetup(t, f, raw, 1, RegisterSheet, "landscape", hr, fmt.Sprintf("A%d:R%d", hr, hr+5))

	// The per-commune sheet: every commune of the province, in Vietnamese
	// order, with the same cases.
	urows, err := f.GetRows(RegisterUnitSheet)
	if err != nil {
		t.Fatal(err)
	}
	uh := RegisterUnitHeaderRow
	if strings.Join(urows[uh-1], "|") != strings.Join(RegisterUnitTitles, "|") {
		t.Fatalf("per-commune headings %q", urows[uh-1])
	}
	units := urows[uh : len(urows)-1]
	if len(units) != len(refs.Units) {
		t.Fatalf("%d communes listed, want %d", len(units), len(refs.Units))
	}
	pos := map[string]int{}
	for i, r := range units {
		pos[r[1]] = i
		if r[0] != fmt.Sprint(i+1) {
			t.Fatalf("STT %q on row %d", r[0], uh+1+i)
		}
	}
	if !(pos["28429"] < pos["28249"] && pos["28249"] < pos["28261"]) {
		t.Fatalf("An Hữu %d, Đạo Thạnh %d, Mỹ Tho %d: not in Vietnamese order", pos["28429"], pos["28249"], pos["28261"])
	}
	// Received, finished, open, overdue, vulnerable, recovered.
	for code, want := range map[string]string{
		"28261": "3|2|1|1|1|1,250,000",
		"28249": "1|1|0|0|0|300,000",
		"28429": "1|0|1|1|0|0", // advice asked on 20/11: acknowledged within 3 working days
		"29905": "0|0|0|0|0|0",
	} {
		if got := strings.Join(units[pos[code]][3:], "|"); got != want {
			t.Fatalf("commune %s: %s, want %s", code, got, want)
		}
	}
	utotal := urows[len(urows)-1]
	if got := strings.Join(utotal[2:], "|"); got != fmt.Sprintf("%d xã, phường|5|3|2|2|1|1,550,000", len(refs.Units)) {
		t.Fatalf("per-commune totals %q", utotal)
	}
	last := uh + len(refs.Units)
	checkPrintSetup(t, f, raw, 2, RegisterUnitSheet, "portrait", uh, fmt.Sprintf("A%d:I%d", uh, last))
	if dim, _ := f.GetSheetDimension(RegisterUnitSheet); dim != fmt.Sprintf("A1:I%d", last+1) {
		t.Fatalf("per-commune sheet dimension %s", dim)
	}
	if v, _ := f.GetCellValue(RegisterUnitSheet, fmt.Sprintf("I%d", last+1), excelize.Options{RawCellValue: true}); v != "1550000" {
		t.Fatalf("total recovered raw %q", v)
	}
}

func TestWriteRegister_EmptyAndCancelled(t *testing.T) {
	d, refs := registerData(t)
	f, _, n := writeRegisterFile(t, d, RegisterOptions{Unit: "28261", Period: app.ReportYear(2024), Refs: refs})
	rows, _ := f.GetRows(RegisterSheet)
	if n != 0 || len(rows) != RegisterHeaderRow+1 || rows[RegisterHeaderRow][1] != "0 vụ việc" {
		t.Fatalf("empty register: n=%d, rows %q", n, rows[RegisterHeaderRow:])
	}
	// Without reference data: codes, and no deadlines.
	f, _, _ = writeRegisterFile(t, &app.KPIData{Cases: d.Cases, Events: d.Events},
		RegisterOptions{Unit: "28261", Period: app.ReportYear(2026), Printed: d.Now})
	rows, _ = f.GetRows(RegisterSheet)
	if rows[0][0] != "UBND XÃ, PHƯỜNG MÃ 28261" || rows[RegisterHeaderRow+2][9] != "thuc_pham_do_uong" || rows[RegisterHeaderRow+2][12] != "" {
		t.Fatalf("without refs: %q / %q", rows[0], rows[RegisterHeaderRow+2])
	}
	// Without a day to print (neither Printed nor the data's Now) the
	// writer refuses: it never prints the wall clock's day.
	if _, err := WriteRegister(context.Background(), io.Discard, &app.KPIData{Cases: d.Cases, Events: d.Events},
		RegisterOptions{Unit: "28261", Period: app.ReportYear(2026)}); err == nil {
		t.Fatal("a register without the day it is printed was written")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WriteRegister(ctx, io.Discard, d, RegisterOptions{Period: app.ReportYear(2026)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: %v", err)
	}
}

// The register's outcome, amount and finishing day of each case are the
// ones the indicators count (app.ComputeKPIs), which this package cannot
// call directly.
func TestRegisterRows_AgreeWithKPIs(t *testing.T) {
	d, _ := registerData(t)
	p := app.KPIPeriod{From: ict(2020, 1, 1, 0, 0), To: ict(2030, 1, 1, 0, 0)}
	rows := RegisterCases(d, RegisterOptions{Period: p})
	k := app.ComputeKPIs(d, p, nil).Complaints
	outcome := map[string]string{}
	for _, tl := range k.ByOutcome {
		for _, r := range tl.Refs {
			outcome[r.ID] = tl.Code
		}
	}
	overdue := map[string]bool{}
	for _, r := range k.OverdueNow.Refs {
		overdue[r.ID] = true
	}
	var finished, vulnerable int
	var recovered int64
	for _, r := range rows {
		if r.Finished {
			finished++
			if outcome[r.ID] != r.Outcome {
				t.Fatalf("case %s: outcome %q, the indicators %q", r.Number, r.Outcome, outcome[r.ID])
			}
		}
		if r.Overdue != overdue[r.ID] {
			t.Fatalf("case %s: overdue %v", r.Number, r.Overdue)
		}
		if r.IsVulnerable() {
			vulnerable++
		}
		recovered += r.Recovered
	}
	if len(rows) != k.Received.Count || finished != k.Finished.Count || recovered != k.Recovered.Sum ||
		vulnerable != k.Vulnerable.Count {
		t.Fatalf("register %d/%d/%d/%d, indicators %d/%d/%d/%d", len(rows), finished, recovered, vulnerable,
			k.Received.Count, k.Finished.Count, k.Recovered.Sum, k.Vulnerable.Count)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Thị Hồng Đào": "N. T. H. Đ.",
		"  ánh   dương ":      "Á. D.",
		"Lê":                  "L.",
		"":                    "",
		"(Ông) Võ Văn Tám":    "Ô. V. V. T.",
	} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"0912345678": "*******678", "02773123456": "********456", "12": "**", "": ""} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range [][3]string{
		{"Số 5, Ấp 3, Xã Tân Hương, tỉnh Đồng Tháp", "", "Xã Tân Hương"},
		{"Số 5, Ấp 3", "Phường Mỹ Tho", "Phường Mỹ Tho"},
		{"Số 5, Ấp 3", "28261", ""},
		{"Phường 1", "", ""}, // only one part: nothing shown
	} {
		if got := MaskAddress(c[0], c[1]); got != c[2] {
			t.Errorf("MaskAddress(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestWrappedLines(t *testing.T) {
	for _, c := range []struct {
		s     string
		width float64
		want  int
	}{
		{"", 10, 1},
		{"Đã đóng", 10.5, 1},
		{"Bán hàng không tại địa điểm giao dịch thường xuyên, bán hàng tận cửa (hội thảo bán hàng, bán hàng lưu động)", 12, 7},
		{"Sữa hết hạn.\nĐã liên hệ cửa hàng.", 40, 2},
		{"28261-2026-A7K3-0001", 17.5, 1},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 5, 7}, // 40 letters, 6 a line
	} {
		if got := wrappedLines(c.s, c.width); got != c.want {
			t.Errorf("wrappedLines(%q, %v) = %d, want %d", c.s, c.width, got, c.want)
		}
	}
}
