package xlsx

import (
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/seeds"
)

// The annual workbook prints the narrative the commune wrote in the app
// (issue 18 item 7): its typical case masked (number, kind, sector,
// outcome; no name), its difficulties, proposals and direction, and its
// Biểu 5 lines; the province's workbook prints each commune's under its
// name, and says so where a commune wrote nothing.
func TestWriteAnnual_PrintsTheNarrative(t *testing.T) {
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := annualData()
	d.Cases[1].ConsumerName = "Quách Thị Điển Hình"
	d.Narratives = []app.ReportNarrative{{
		RecordHead:   app.RecordHead{ID: app.NarrativeID("28261", 2026), UnitCode: "28261"},
		Year:         2026,
		Difficulties: "Thiếu cán bộ chuyên trách.\nNgười dân còn ngại phản ánh.",
		Proposals:    "Đề nghị tỉnh cấp tờ rơi.",
		NextYear:     "Tổ chức 4 lớp tập huấn.",
		TypicalCases: []string{"c1"},
		Tasks:        []app.TaskReport{{Task: "IV.2", Status: "hoan_thanh", Result: "Tư vấn tại chợ 2 buổi."}},
	}, {
		// Another year's narrative is not this report's.
		RecordHead: app.RecordHead{ID: app.NarrativeID("28261", 2027), UnitCode: "28261"}, Year: 2027, Difficulties: "Năm sau.",
	}}
	rep := app.ComputeKPIs(d, app.ReportYear(2026), refs.Targets)
	prepared := time.Date(2026, 11, 27, 15, 0, 0, 0, app.ICT)
	f, _ := writeAnnual(t, &rep, d, refs, AnnualOptions{UnitName: "Phường Mỹ Tho", Prepared: prepared})
	var lines []string
	for _, r := range rowsOf(t, f, AnnualSheetReport, false) {
		lines = append(lines, strings.Join(r, " "))
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"III. VỤ VIỆC ĐIỂN HÌNH", "28261-2026-c1", "Khiếu nại doanh nghiệp", "Yêu cầu được đáp ứng toàn bộ",
		"1.500.000 đồng", "IV. KHÓ KHĂN, VƯỚNG MẮC", "Thiếu cán bộ chuyên trách.", "Người dân còn ngại phản ánh.",
		"V. KIẾN NGHỊ, ĐỀ XUẤT", "Đề nghị tỉnh cấp tờ rơi.", "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027", "Tổ chức 4 lớp tập huấn."} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, not := range []string{"Quách Thị Điển Hình", "Năm sau."} {
		if strings.Contains(text, not) {
			t.Errorf("the report prints %q", not)
		}
	}
	task := false
	for _, r := range rowsOf(t, f, AnnualSheetTasks, false) {
		if r[0] == "IV.2" {
			task = r[6] == "Hoàn thành" && r[7] == "Tư vấn tại chợ 2 buổi."
			if !task {
				t.Errorf("Biểu 5 IV.2: status %q, result %q", r[6], r[7])
			}
		}
	}
	if !task {
		t.Error("Biểu 5 has no row IV.2")
	}

	// The province: each commune's under its name; none written, said so.
	d.Narratives = d.Narratives[:1]
	f, _ = writeAnnual(t, &rep, d, refs, AnnualOptions{UnitName: "Sở Công Thương", Province: true, Prepared: prepared})
	lines = lines[:0]
	for _, r := range rowsOf(t, f, AnnualSheetReport, false) {
		lines = append(lines, strings.Join(r, " "))
	}
	text = strings.Join(lines, "\n")
	if !strings.Contains(text, "Phường Mỹ Tho:") || !strings.Contains(text, "Thiếu cán bộ chuyên trách.") {
		t.Errorf("the province's report lacks the commune's narrative under its name")
	}
	d.Narratives = nil
	f, _ = writeAnnual(t, &rep, d, refs, AnnualOptions{UnitName: "Phường Mỹ Tho", Prepared: prepared})
	lines = lines[:0]
	for _, r := range rowsOf(t, f, AnnualSheetReport, false) {
		lines = append(lines, strings.Join(r, " "))
	}
	if text = strings.Join(lines, "\n"); !strings.Contains(text, "(Đơn vị chưa ghi nội dung này trong ứng dụng.)") {
		t.Error("a report without a narrative does not say so")
	}
}
