package xlsx

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"bvntd/app"
)

// The audit log for an inspection (nhật ký truy xuất dữ liệu cá nhân):
// every unmasked export, export of a person's data, restriction and
// anonymisation the devices recorded (app.AuditEntry), as the province's
// server holds them (`bvntd-server export --report audit`): for the
// periodic compliance checks of the supervision Luật Bảo vệ dữ liệu cá
// nhân 91/2025/QH15 Điều 19 khoản 2 asks of processing without consent;
// docs/privacy.md.

// AuditSheet is the name of the log's sheet.
const AuditSheet = "Nhat ky truy xuat"

// AuditTitle is the title printed on top of the log.
const AuditTitle = "NHẬT KÝ TRUY XUẤT DỮ LIỆU CÁ NHÂN"

// AuditColumns are the log's column titles, in order.
var AuditColumns = []string{"STT", "Thời điểm", "Xã, phường", "Cán bộ thực hiện", "Việc đã làm", "Nội dung",
	"Số người", "Số bản ghi", "Lý do"}

// auditWidths are the widths of AuditColumns (Excel character units), for
// A4 landscape.
var auditWidths = []float64{5, 15, 16, 18, 20, 38, 8, 8, 30}

// AuditOptions choose what the log says around its rows.
type AuditOptions struct {
	// Scope is what the log covers: a commune's name, or "" for the
	// whole province.
	Scope string
	// From and To, when set, are the first and last days listed (days in
	// Vietnam); zero is open.
	From, To time.Time
	// UnitName names a commune by its code ("" leaves the code).
	UnitName func(code string) string
	// Printed is the day printed under the log.
	Printed time.Time
}

// AuditInPeriod returns the entries of es on a day of from..to (days in
// Vietnam; a zero end is open), sorted by time (ties by id).
func AuditInPeriod(es []app.AuditEntry, from, to time.Time) []app.AuditEntry {
	var out []app.AuditEntry
	f, t := "", ""
	if !from.IsZero() {
		f = from.In(app.ICT).Format(time.DateOnly)
	}
	if !to.IsZero() {
		t = to.In(app.ICT).Format(time.DateOnly)
	}
	for _, e := range es {
		d := e.At.In(app.ICT).Format(time.DateOnly)
		if (f != "" && d < f) || (t != "" && d > t) {
			continue
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// WriteAuditLog writes the log of the entries es (AuditInPeriod of
// opt.From..opt.To) to w and returns how many rows it lists: the
// province's header, the title, what it covers and the period, one row per
// entry (time, commune, officer, action, what, people, records, reason),
// and who printed it. The time is a date cell (dd/mm/yyyy hh:mm); A4
// landscape, fitted to the width, the header row repeated on every page.
func WriteAuditLog(w io.Writer, es []app.AuditEntry, opt AuditOptions) (int, error) {
	b := newAttBook()
	defer b.f.Close()
	sh := AuditSheet
	if err := b.f.SetSheetName("Sheet1", sh); err != nil {
		return 0, err
	}
	px := func(from, to int) float64 {
		w := 0.0
		for i := from; i <= to; i++ {
			w += auditWidths[i-1]*7 + 5
		}
		return w - 6
	}
	for i, width := range auditWidths {
		col := attCol(i + 1)
		b.check(b.f.SetColWidth(sh, col, col, width))
	}
	n := len(AuditColumns)
	last := attCol(n)
	row := 0
	next := func() int { row++; return row }

	r := next()
	b.mergeText(sh, "A", "D", r, "SỞ CÔNG THƯƠNG TỈNH ĐỒNG THÁP", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.mergeText(sh, "E", last, r, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	r = next()
	b.mergeText(sh, "E", last, r, "Độc lập - Tự do - Hạnh phúc", attStyle{bold: true, underline: true, size: 13, h: "center", v: "center"})
	b.height(sh, r, lineHeight(13))
	b.height(sh, next(), 10)
	r = next()
	b.mergeText(sh, "A", last, r, AuditTitle, attStyle{bold: true, size: 14, h: "center", v: "center"})
	b.height(sh, r, lineHeight(14))
	scope := strings.TrimSpace(opt.Scope)
	if scope == "" {
		scope = "Toàn tỉnh Đồng Tháp"
	}
	r = next()
	cover := "Phạm vi: " + scope + "; " + auditPeriod(opt.From, opt.To)
	b.mergeText(sh, "A", last, r, cover, attStyle{italic: true, size: bodySize, h: "center", v: "center", wrap: true})
	b.height(sh, r, b.linesHeight(cover, false, bodySize, px(1, n)))
	r = next()
	basis := "Mỗi lần xuất báo cáo không che thông tin cá nhân, xuất dữ liệu của một người, hạn chế xử lý và ẩn danh hóa dữ liệu của người tiêu dùng, " +
		"người tham dự được máy của xã, phường ghi lại và đồng bộ về tỉnh; bản ghi không sửa, không hủy được " +
		"(cơ chế giám sát theo khoản 2 Điều 19 Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15; kiểm soát việc chia sẻ theo khoản 4 Điều 7 Nghị định số 356/2025/NĐ-CP)."
	b.mergeText(sh, "A", last, r, basis, attStyle{size: 11, h: "left", v: "top", wrap: true})
	b.height(sh, r, b.linesHeight(basis, false, 11, px(1, n)))
	b.height(sh, next(), 6)

	head := next()
	for i, title := range AuditColumns {
		b.cell(sh, attCol(i+1), head, title, attStyle{bold: true, size: 11, h: "center", v: "center", wrap: true, border: true})
	}
	b.height(sh, head, 2*lineHeight(11))

	listed := AuditInPeriod(es, opt.From, opt.To)
	text := attStyle{size: 11, v: "top", wrap: true, border: true}
	center := attStyle{size: 11, h: "center", v: "top", wrap: true, border: true}
	num := attStyle{size: 11, h: "right", v: "top", border: true, numFmt: "#,##0"}
	when := attStyle{size: 11, h: "center", v: "top", border: true, numFmt: "dd/mm/yyyy hh:mm"}
	for i := range listed {
		e := &listed[i]
		r = next()
		unit := e.UnitCode
		if opt.UnitName != nil {
			if name := opt.UnitName(e.UnitCode); name != "" {
				unit = name
			}
		}
		action := app.AuditActions.Label(e.Action)
		values := []any{i + 1, wallClock(e.At), unit, e.Officer, action, e.What, e.People, e.Records, e.Reason}
		styles := []attStyle{center, when, text, text, text, text, num, num, text}
		h := lineHeight(11) + 4
		for j, v := range values {
			b.cell(sh, attCol(j+1), r, v, styles[j])
			if t, ok := v.(string); ok && t != "" {
				h = math.Max(h, b.linesHeight(t, false, 11, px(j+1, j+1)))
			}
		}
		b.height(sh, r, h)
	}
	if len(listed) == 0 {
		r = next()
		b.mergeText(sh, "A", last, r, "Không có lần truy xuất nào được ghi trong thời gian này.",
			attStyle{italic: true, size: 11, h: "center", v: "center", border: true})
		b.height(sh, r, 2*lineHeight(11))
	}
	b.height(sh, next(), 8)
	r = next()
	printed := "In ngày …… tháng …… năm ………"
	if !opt.Printed.IsZero() {
		p := opt.Printed.In(app.ICT)
		printed = fmt.Sprintf("In ngày %02d tháng %02d năm %d", p.Day(), p.Month(), p.Year())
	}
	b.mergeText(sh, "F", last, r, printed, attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))

	b.pageSetup(sh, "landscape", row, last, fmt.Sprintf("$%d:$%d", head, head), "Nhật ký truy xuất dữ liệu cá nhân – "+scope)
	if b.err != nil {
		return 0, b.err
	}
	if _, err := b.f.WriteTo(w); err != nil {
		return 0, err
	}
	return len(listed), nil
}

// auditPeriod says which days a log covers.
func auditPeriod(from, to time.Time) string {
	switch {
	case from.IsZero() && to.IsZero():
		return "toàn bộ thời gian"
	case from.IsZero():
		return "đến hết ngày " + boardDay(to)
	case to.IsZero():
		return "từ ngày " + boardDay(from)
	}
	return fmt.Sprintf("từ ngày %s đến hết ngày %s", boardDay(from), boardDay(to))
}

// wallClock is t as Vietnam's wall clock, in the form a spreadsheet cell
// takes (no zone): 14:30 in Vietnam shows 14:30.
func wallClock(t time.Time) time.Time {
	w := t.In(app.ICT)
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
}
