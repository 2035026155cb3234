package xlsx

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"bvntd/app"
)

// The export of a person's data for them (issue 19): what the commune
// holds about one person, readable, to answer their request to see or
// obtain their data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Nghị định
// 356/2025/NĐ-CP). A cover sheet says who asked, when and by which
// commune; a sheet per kind of record follows, each record as its fields'
// Vietnamese labels and values.

// The sheets of the person's export, in order.
const (
	PersonCoverSheet    = "Thông tin chung"
	PersonCasesSheet    = "Vụ việc"
	PersonTrainingSheet = "Tham gia tập huấn, sự kiện"
	PersonRequestsSheet = "Yêu cầu về dữ liệu"
)

// PersonTitle is the title of the cover sheet.
const PersonTitle = "DỮ LIỆU CÁ NHÂN CUNG CẤP CHO NGƯỜI YÊU CẦU"

// personSkip are the fields of a record the person's export leaves out:
// identifiers and bookkeeping that say nothing about the person.
var personSkip = map[string]bool{"id": true, "unit_code": true, "created_by": true, "updated_by": true,
	"distinct_from": true, "session_id": true, "participant_id": true, "off_premises_notice_id": true, "case_id": true}

// personWidths are the two columns of a record: the label and the value.
var personWidths = [2]float64{34, 70}

// PersonOptions is what the cover of a person's export says.
type PersonOptions struct {
	app.PersonExport
	Printed time.Time // when it was written
	// Steps are the steps of each case, by the case's id, oldest first:
	// they may quote the person (notes, the records of a negotiation).
	Steps map[string][]app.CaseEvent
}

// WritePerson writes the export of d for the person to w: the cover, then
// the cases, the participation in training and events, and the requests
// about their data. Restricted and voided records are marked. refs names
// the codes (nil shows them as they are).
func WritePerson(w io.Writer, d *app.PersonData, opt PersonOptions, refs *app.RefData) error {
	b := newAttBook()
	defer b.f.Close()
	b.check(b.f.SetSheetName("Sheet1", PersonCoverSheet))
	for _, sh := range []string{PersonCasesSheet, PersonTrainingSheet, PersonRequestsSheet} {
		_, err := b.f.NewSheet(sh)
		b.check(err)
	}
	px := func(w float64) float64 { return w*7 + 5 }
	full := px(personWidths[0]) + px(personWidths[1])
	for _, sh := range []string{PersonCoverSheet, PersonCasesSheet, PersonTrainingSheet, PersonRequestsSheet} {
		b.check(b.f.SetColWidth(sh, "A", "A", personWidths[0]))
		b.check(b.f.SetColWidth(sh, "B", "B", personWidths[1]))
	}
	label := attStyle{size: 11, bold: true, h: "left", v: "top", wrap: true, border: true}
	value := attStyle{size: 11, h: "left", v: "top", wrap: true, border: true}
	heading := attStyle{size: 12, bold: true, h: "left", v: "center", wrap: true, fill: "D9E1F2", border: true}
	title := attStyle{bold: true, size: 14, h: "center", v: "center", wrap: true}
	note := attStyle{italic: true, size: 11, h: "left", v: "top", wrap: true}

	// pair writes a label and its value on row r of sh.
	pair := func(sh string, r int, l, v string) {
		b.cell(sh, "A", r, l, label)
		b.cell(sh, "B", r, v, value)
		b.height(sh, r, math.Max(b.linesHeight(l, true, 11, px(personWidths[0])), b.linesHeight(v, false, 11, px(personWidths[1]))))
	}
	// record writes the non-empty fields of one record under a heading.
	record := func(sh string, row *int, head string, entity string, r any, fields map[string]string) {
		*row++
		b.mergeText(sh, "A", "B", *row, head, heading)
		b.height(sh, *row, b.linesHeight(head, true, 12, full))
		vals := app.FieldsOf(r)
		for _, f := range app.RecordFieldNames(r) {
			if personSkip[f] {
				continue
			}
			v := app.DisplayValue(entity, f, vals[f], refs)
			if v == "" {
				continue
			}
			*row++
			pair(sh, *row, app.FieldLabel(entity, f), v)
		}
		for _, l := range sortedKeys(fields) {
			*row++
			pair(sh, *row, l, fields[l])
		}
	}
	marks := func(restricted, voided bool) string {
		var m []string
		if restricted {
			m = append(m, "đang hạn chế xử lý theo yêu cầu")
		}
		if voided {
			m = append(m, "đã hủy do ghi nhầm")
		}
		if len(m) == 0 {
			return ""
		}
		return " (" + strings.Join(m, "; ") + ")"
	}

	// The cover.
	sh := PersonCoverSheet
	row := 1
	unit := strings.TrimSpace(opt.UnitName)
	if unit == "" {
		unit = "UBND xã, phường"
	}
	b.mergeText(sh, "A", "B", row, strings.ToUpper(unit), attStyle{bold: true, size: 12, h: "center", v: "center"})
	row++
	b.mergeText(sh, "A", "B", row, PersonTitle, title)
	b.height(sh, row, b.linesHeight(PersonTitle, true, 14, full))
	row++
	basis := "Cung cấp theo yêu cầu của người có dữ liệu (chủ thể dữ liệu cá nhân), theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP. " +
		"Tệp gồm mọi bản ghi về người này mà UBND lưu trong ứng dụng: vụ việc, việc tham gia tập huấn, sự kiện, và các yêu cầu về dữ liệu đã ghi nhận."
	b.mergeText(sh, "A", "B", row, basis, note)
	b.height(sh, row, b.linesHeight(basis, false, 11, full))
	row++
	name, phone, addr := opt.Query.Name, opt.Query.Phone, opt.Query.Address
	for _, p := range [][2]string{
		{"Người yêu cầu", opt.Requester},
		{"Ngày, giờ xuất dữ liệu", opt.Printed.In(app.ICT).Format("15:04 ngày 02/01/2006")},
		{"Đơn vị cung cấp", opt.UnitName},
		{"Cán bộ thực hiện", opt.Officer},
		{"Nội dung yêu cầu", opt.Reason},
		{"Tìm theo họ tên", name},
		{"Tìm theo số điện thoại", phone},
		{"Tìm theo địa chỉ", addr},
		{"Số vụ việc", fmt.Sprint(len(d.Cases))},
		{"Số hồ sơ người tham dự", fmt.Sprint(len(d.Participants))},
		{"Số lần tham gia tập huấn, sự kiện", fmt.Sprint(len(d.Attendance))},
		{"Số yêu cầu về dữ liệu", fmt.Sprint(len(d.Requests))},
	} {
		if strings.TrimSpace(p[1]) == "" {
			continue
		}
		row++
		pair(sh, row, p[0], p[1])
	}
	b.pageSetup(sh, "portrait", row, "B", "", PersonTitle)

	// The cases.
	sh, row = PersonCasesSheet, 0
	for i := range d.Cases {
		c := &d.Cases[i]
		record(sh, &row, fmt.Sprintf("Vụ việc số %s%s", c.Number, marks(c.Restricted, c.Voided)), app.EntityCase, c, nil)
		for j := range opt.Steps[c.ID] {
			e := &opt.Steps[c.ID][j]
			row++
			pair(sh, row, fmt.Sprintf("Bước xử lý %d (%s)", j+1, e.At.In(app.ICT).Format("02/01/2006")), stepText(e, refs))
		}
		row++
	}
	if len(d.Cases) == 0 {
		row++
		b.mergeText(sh, "A", "B", row, "Không có vụ việc nào về người này.", note)
	}
	b.pageSetup(sh, "portrait", max(row, 1), "B", "", PersonTitle+" – Vụ việc")

	// The participant records and the attendance.
	sh, row = PersonTrainingSheet, 0
	for i := range d.Participants {
		p := &d.Participants[i]
		record(sh, &row, "Hồ sơ người tham dự: "+p.FullName+marks(p.Restricted, p.Voided), app.EntityParticipant, p, nil)
		row++
	}
	for i := range d.Attendance {
		a := &d.Attendance[i]
		extra := map[string]string{"Lớp tập huấn, hội nghị": a.SessionTitle, "Ngày tổ chức": displayDay(a.SessionDate)}
		record(sh, &row, fmt.Sprintf("Tham gia lần %d: %s", i+1, a.SessionTitle), app.EntityAttendance, &a.Attendance, extra)
		row++
	}
	if len(d.Participants) == 0 {
		row++
		b.mergeText(sh, "A", "B", row, "Không có hồ sơ người tham dự tập huấn, sự kiện nào về người này.", note)
	}
	b.pageSetup(sh, "portrait", max(row, 1), "B", "", PersonTitle+" – Tập huấn, sự kiện")

	// The requests.
	sh, row = PersonRequestsSheet, 0
	for i := range d.Requests {
		r := &d.Requests[i]
		record(sh, &row, fmt.Sprintf("Yêu cầu nhận ngày %s%s", displayDay(r.ReceivedDate), marks(false, r.Voided)), app.EntityDataRequest, r, nil)
		row++
	}
	if len(d.Requests) == 0 {
		row++
		b.mergeText(sh, "A", "B", row, "Chưa ghi nhận yêu cầu nào về dữ liệu của người này.", note)
	}
	b.pageSetup(sh, "portrait", max(row, 1), "B", "", PersonTitle+" – Yêu cầu")

	if b.err != nil {
		return b.err
	}
	b.f.SetActiveSheet(0)
	return b.f.Write(w)
}

// stepText is a step of a case as lines "label: value" of its fields.
func stepText(e *app.CaseEvent, refs *app.RefData) string {
	vals := app.FieldsOf(e)
	var lines []string
	for _, f := range app.RecordFieldNames(e) {
		if personSkip[f] || f == "at" || (f == "from_status" || f == "to_status") && e.FromStatus == e.ToStatus {
			continue // a step that leaves the status as it was says nothing of it
		}
		if v := app.DisplayValue(app.EntityCaseEvent, f, vals[f], refs); v != "" {
			lines = append(lines, app.FieldLabel(app.EntityCaseEvent, f)+": "+v)
		}
	}
	return strings.Join(lines, "\n")
}

// displayDay shows a day YYYY-MM-DD as 02/01/2006 ("" as "").
func displayDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
