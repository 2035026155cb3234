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

// The notice-board list of off-premises sales (danh sách công khai thông
// báo bán hàng không tại địa điểm giao dịch thường xuyên): the commune
// publishes the full content of each notice before and during the sale
// (NĐ 55/2024/NĐ-CP Điều 27 khoản 3); the contents are those of Luật
// 19/2023/QH15 Điều 47 khoản 1 điểm a.

// NoticeBoardSheet is the name of the list's sheet.
const NoticeBoardSheet = "Thong bao ban hang"

// NoticeBoardTitle is the title printed on top of the list.
const NoticeBoardTitle = "DANH SÁCH CÔNG KHAI THÔNG BÁO BÁN HÀNG KHÔNG TẠI ĐỊA ĐIỂM GIAO DỊCH THƯỜNG XUYÊN"

// noticeColumns are the list's columns and their widths (Excel character
// units), for A4 landscape.
var noticeColumns = []struct {
	title string
	width float64
	align string
}{
	{"STT", 5, "center"},
	{"Thời gian bán hàng", 14, "center"},
	{"Tổ chức, cá nhân kinh doanh (địa chỉ, điện thoại)", 28, "left"},
	{"Nội dung chương trình, phương thức bán hàng", 26, "left"},
	{"Địa điểm", 18, "left"},
	{"Sản phẩm, hàng hóa, dịch vụ và giá", 30, "left"},
	{"Người tiêu dùng liên hệ, phản ánh", 18, "left"},
}

// NoticeBoardOptions choose what the list holds.
type NoticeBoardOptions struct {
	UnitName string    // the commune, for the header ("" leaves a dotted line)
	From, To time.Time // the sales on any day of From..To (days in Vietnam) are listed
	Printed  time.Time // the day printed under the list
}

// NoticesOnBoard returns the notices of sales with a day in from..to (days
// in Vietnam), not voided, soonest first.
func NoticesOnBoard(ns []app.OffPremisesNotice, from, to time.Time) []app.OffPremisesNotice {
	f, t := from.In(app.ICT).Format(time.DateOnly), to.In(app.ICT).Format(time.DateOnly)
	var out []app.OffPremisesNotice
	for _, n := range ns {
		end := n.EndDate
		if end == "" {
			end = n.StartDate
		}
		if n.Voided || n.StartDate == "" || n.StartDate > t || end < f {
			continue
		}
		out = append(out, n)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].StartDate != out[j].StartDate {
			return out[i].StartDate < out[j].StartDate
		}
		return out[i].BusinessName < out[j].BusinessName
	})
	return out
}

// WriteNoticeBoard writes the printable list of the notices ns (as
// NoticesOnBoard selects them for opt.From..opt.To) to w and returns how
// many it lists: the national header, the title and period, the legal
// basis, one row per sale (days and hours; business with its address,
// phone and tax code; programme and sales method; place; goods and prices;
// the consumers' contact) and the signature of the commune. A4 landscape,
// fitted to the width, the header row repeated on every page.
func WriteNoticeBoard(w io.Writer, ns []app.OffPremisesNotice, opt NoticeBoardOptions) (int, error) {
	b := newAttBook()
	defer b.f.Close()
	sh := NoticeBoardSheet
	if err := b.f.SetSheetName("Sheet1", sh); err != nil {
		return 0, err
	}
	px := func(from, to int) float64 {
		w := 0.0
		for i := from; i <= to; i++ {
			w += noticeColumns[i-1].width*7 + 5
		}
		return w - 6
	}
	for i, c := range noticeColumns {
		col := attCol(i + 1)
		b.check(b.f.SetColWidth(sh, col, col, c.width))
	}
	last := attCol(len(noticeColumns))
	row := 0
	next := func() int { row++; return row }

	unit := strings.TrimSpace(opt.UnitName)
	b.nationalHeader(sh, last, unit, px(1, 3), next)
	r := next()
	b.mergeText(sh, "A", last, r, NoticeBoardTitle, attStyle{bold: true, size: 14, h: "center", v: "center", wrap: true})
	b.height(sh, r, b.linesHeight(NoticeBoardTitle, true, 14, px(1, len(noticeColumns))))
	r = next()
	period := fmt.Sprintf("Các buổi bán hàng từ ngày %s đến ngày %s", boardDay(opt.From), boardDay(opt.To))
	b.mergeText(sh, "A", last, r, period, attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	r = next()
	basis := "UBND xã, phường công khai nội dung thông báo của tổ chức, cá nhân kinh doanh theo khoản 3 Điều 27 Nghị định số 55/2024/NĐ-CP; " +
		"người tiêu dùng có quyền trả lại hàng trong 30 ngày và có 03 ngày làm việc để quyết định thực hiện hợp đồng bằng văn bản (điểm đ, g khoản 1 Điều 47 Luật Bảo vệ quyền lợi người tiêu dùng năm 2023)."
	b.mergeText(sh, "A", last, r, basis, attStyle{size: 11, h: "left", v: "top", wrap: true})
	b.height(sh, r, b.linesHeight(basis, false, 11, px(1, len(noticeColumns))))
	b.height(sh, next(), 6)

	head := next()
	for i, c := range noticeColumns {
		b.cell(sh, attCol(i+1), head, c.title, attStyle{bold: true, size: 11, h: "center", v: "center", wrap: true, border: true})
	}
	b.height(sh, head, 3*lineHeight(11))

	listed := NoticesOnBoard(ns, opt.From, opt.To)
	for i := range listed {
		n := &listed[i]
		r = next()
		values := []any{i + 1, noticeWhen(n), noticeBusiness(n), joinLines(n.Title, n.SalesMethod), n.Place,
			joinLines(n.Goods, prefixed("Giá: ", n.Prices)), noticeContact(n)}
		h := 2 * lineHeight(11)
		for j, v := range values {
			c := noticeColumns[j]
			b.cell(sh, attCol(j+1), r, v, attStyle{size: 11, h: c.align, v: "top", wrap: true, border: true})
			if t, ok := v.(string); ok && t != "" {
				h = math.Max(h, b.linesHeight(t, false, 11, px(j+1, j+1)))
			}
		}
		b.height(sh, r, h)
	}
	if len(listed) == 0 {
		r = next()
		b.mergeText(sh, "A", last, r, "Không có thông báo bán hàng nào trong thời gian này.",
			attStyle{italic: true, size: 11, h: "center", v: "center", border: true})
		b.height(sh, r, 2*lineHeight(11))
	}
	b.height(sh, next(), 8)

	r = next()
	printed := opt.Printed
	place := attPlace(unit)
	date := "ngày …… tháng …… năm ………"
	if !printed.IsZero() {
		p := printed.In(app.ICT)
		date = fmt.Sprintf("ngày %02d tháng %02d năm %d", p.Day(), p.Month(), p.Year())
	}
	b.mergeText(sh, "E", last, r, place+", "+date, attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	r = next()
	b.mergeText(sh, "E", last, r, "TM. ỦY BAN NHÂN DÂN", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	r = next()
	b.mergeText(sh, "E", last, r, "(Ký, ghi rõ họ tên, đóng dấu)", attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, r, lineHeight(bodySize))
	b.height(sh, next(), 60)

	b.pageSetup(sh, "landscape", row, last, fmt.Sprintf("$%d:$%d", head, head), "Danh sách công khai thông báo bán hàng – "+period)
	if b.err != nil {
		return 0, b.err
	}
	if _, err := b.f.WriteTo(w); err != nil {
		return 0, err
	}
	return len(listed), nil
}

// boardDay shows t's day in Vietnam as dd/mm/yyyy.
func boardDay(t time.Time) string { return t.In(app.ICT).Format("02/01/2006") }

func noticeWhen(n *app.OffPremisesNotice) string {
	s := day(n.StartDate)
	if n.EndDate != "" && n.EndDate != n.StartDate {
		s += " – " + day(n.EndDate)
	}
	return joinLines(s, n.Hours)
}

func noticeBusiness(n *app.OffPremisesNotice) string {
	return joinLines(n.BusinessName, n.BusinessAddress, prefixed("ĐT: ", n.BusinessPhone), prefixed("MST/Số ĐKKD: ", n.BusinessTaxCode))
}

func noticeContact(n *app.OffPremisesNotice) string {
	if c := strings.TrimSpace(n.ConsumerContact); c != "" {
		return c
	}
	return prefixed("ĐT: ", n.BusinessPhone)
}

// joinLines joins the non-empty parts, one a line.
func joinLines(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n")
}

func prefixed(prefix, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return prefix + s
}
