package xlsx

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"bvntd/app"
)

// IntakeSheet is the name of the intake record's sheet.
const IntakeSheet = "Phieu tiep nhan"

// Page and type of the intake record: A4 portrait, margins of 2 cm on the
// left and 1.5 cm elsewhere (in inches, as Excel stores them), Times New
// Roman.
const (
	paperA4      = 9
	marginLeft   = 2.0 / 2.54
	marginOther  = 1.5 / 2.54
	marginFooter = 0.8 / 2.54
	intakeFont   = "Times New Roman"
	bodySize     = 12.0
	titleSize    = 13.0
	// printableHeight is the height of A4 inside the margins, in points.
	printableHeight = (29.7 - 2*1.5) / 2.54 * 72
)

// The two columns of the record. A row is either one merged cell across
// both (full width) or two halves, as the national header and the
// signature block are. Widths are in Excel's character units; together
// they fill the 17.5 cm between the margins.
const (
	colA = 40.0
	colB = 52.0
)

// WriteIntake writes the printable intake record (phiếu tiếp nhận) of c to
// w: the record a commune officer makes of a consumer's request (a request
// for negotiation support is sent "trực tiếp hoặc qua đường bưu điện hoặc
// trực tuyến", Luật 19/2023 Điều 57 khoản 3). The consumer signs or
// fingerprints it to confirm what was written down: that is practice, not a
// requirement of the law, and the record says so (IntakeSignatureNote); the
// law asks for the parties' signatures or fingerprints on the written result
// of a negotiation (Điều 60 khoản 3), which is another record. (The repealed
// NĐ 99/2011 Điều 21 had the officer write an oral request down for the
// consumer to sign; nothing replaces it.) It holds, in order, the national header,
// the title by case kind, the number, time and channel of receipt, then
// I. the requester and consumer, II. the business, III. the facts,
// IV. the specific request, V. prior contact with the business, VI. the
// evidence, the officer in charge, and the two signature blocks under
// "<commune>, ngày … tháng … năm …".
//
// Code lists are shown by their Vietnamese labels (sectors and issue types
// from refs, which may be nil), dates as dd/mm/yyyy in Vietnam time, and
// amounts as "1.250.000 đồng". An empty field is printed as a dotted line
// so that the paper can be completed by hand. officer is the receiving
// officer printed under the signature; "" leaves a dotted line.
//
// The sheet prints on A4 portrait, one page wide; a record of usual length
// is also scaled to one page tall, while a very long one flows onto more
// pages rather than shrink to an unreadable size. The notice of the
// processing of the consumer's data follows on a page of its own, with
// the consumer's signature that it was given (privacyNotice).
// IntakeSignatureNote is printed above the signatures of the intake record:
// the consumer's signature there is the commune's practice, not the law's
// requirement, which is on the result of a negotiation (Luật 19/2023 Điều 60
// khoản 3).
const IntakeSignatureNote = "Ký xác nhận phiếu tiếp nhận là thực tiễn nghiệp vụ của xã, phường, không phải thủ tục bắt buộc; " +
	"chữ ký hoặc điểm chỉ của các bên là bắt buộc trên văn bản kết quả thương lượng (Luật Bảo vệ quyền lợi người tiêu dùng 2023, Điều 60 khoản 3)."

func WriteIntake(w io.Writer, c *app.Case, refs *app.RefData, officer string) error {
	return WriteIntakeWithFiles(w, c, refs, officer, nil)
}

// WriteIntakeWithFiles is WriteIntake listing, under VI, the evidence
// files attached to the case (app.Attachment: name, type, size), those not
// removed.
func WriteIntakeWithFiles(w io.Writer, c *app.Case, refs *app.RefData, officer string, files []app.Attachment) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", IntakeSheet); err != nil {
		return err
	}
	if err := f.SetDefaultFont(intakeFont); err != nil {
		return err
	}
	iw := &intakeWriter{f: f, styles: map[string]int{}}
	iw.write(c, refs, strings.TrimSpace(officer), files)
	if iw.err != nil {
		return iw.err
	}
	if err := iw.pageSetup(c); err != nil {
		return err
	}
	// excelize leaves <dimension ref="A1">; a reader that trusts it
	// (openpyxl read-only) would see one cell.
	rows, err := f.GetRows(IntakeSheet)
	if err != nil {
		return err
	}
	if err := f.SetSheetDimension(IntakeSheet, fmt.Sprintf("A1:B%d", max(len(rows), 1))); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// A run is a piece of text in one font.
type run struct {
	text                    string
	bold, italic, underline bool
	size                    float64 // 0: bodySize
}

func (r run) fontSize() float64 {
	if r.size == 0 {
		return bodySize
	}
	return r.size
}

func plain(s string) run  { return run{text: s} }
func bold(s string) run   { return run{text: s, bold: true} }
func italic(s string) run { return run{text: s, italic: true} }

// A part is what one row holds in one place: columns A to B merged
// ("full"), or A or B alone.
type part struct {
	from, to string // "A", "B"
	runs     []run
	align    string // "left" or "center"
}

type intakeWriter struct {
	f      *excelize.File
	row    int
	height float64 // of all rows written, in points
	// recordHeight is the height of the record itself, before the
	// notice's page, which begins on row noticeRow.
	recordHeight float64
	noticeRow    int
	styles       map[string]int
	err          error
}

// Widths of the parts, in pixels at 100 %: Excel draws a column of w
// character units as 7w+5 pixels for a font whose digits are 7 pixels wide
// (Times New Roman 11 at 96 dpi), less a little padding on each side.
func partWidth(from, to string) float64 {
	px := func(w float64) float64 { return w*7 + 5 }
	switch {
	case from == "A" && to == "B":
		return px(colA) + px(colB) - 6
	case from == "A":
		return px(colA) - 6
	}
	return px(colB) - 6
}

// lineHeight is the height of one line of text of the given size, in
// points, with the spacing Excel gives Times New Roman.
func lineHeight(size float64) float64 { return math.Ceil(size*1.3125*4) / 4 }

// Advances of the letters a–z and A–Z in Times New Roman, regular and
// bold, in thousandths of an em.
var (
	tnrLower     = [26]int{444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444}
	tnrUpper     = [26]int{722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611}
	tnrBoldLower = [26]int{500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444}
	tnrBoldUpper = [26]int{722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667}
)

// emWidth estimates the advance of r in ems of Times New Roman: a
// Vietnamese letter as wide as its base letter (ơ and ư a little wider).
func emWidth(r rune, isBold bool) float64 {
	switch r {
	case ' ', ',', '.':
		return 0.25
	case ':', ';', '/', '!', '\'', '|':
		return 0.33
	case '(', ')', '-', '[', ']':
		return 0.333
	case '…', '—', '%', '@':
		return 1.0
	case 'đ':
		r = 'd'
	case 'Đ':
		r = 'D'
	}
	extra := 0.0
	if r > 0x7f && unicode.IsLetter(r) {
		d := []rune(norm.NFD.String(string(r)))
		if len(d) > 1 && d[1] == '\u031b' { // horn: ơ, ư
			extra = 0.06
		}
		r = d[0]
	}
	switch {
	case r >= 'a' && r <= 'z':
		if isBold {
			return float64(tnrBoldLower[r-'a'])/1000 + extra
		}
		return float64(tnrLower[r-'a'])/1000 + extra
	case r >= 'A' && r <= 'Z':
		if isBold {
			return float64(tnrBoldUpper[r-'A'])/1000 + extra
		}
		return float64(tnrUpper[r-'A'])/1000 + extra
	case r >= '0' && r <= '9', r == '–':
		return 0.5
	case unicode.IsLetter(r):
		return 0.78 // another script: as wide as the widest letters
	}
	return 0.56
}

// lines estimates how many lines runs take when wrapped in width pixels.
func lines(runs []run, width float64) int {
	n, cur := 0, 0.0
	end := func() {
		switch {
		case cur <= width*0.97: // a line that fits is not wrapped
			n++
		default: // wrapping at spaces leaves the ends of lines short
			n += int(math.Ceil(cur / (width * 0.9)))
		}
		cur = 0
	}
	for _, r := range runs {
		px := r.fontSize() * 96 / 72
		for _, ch := range r.text {
			if ch == '\n' {
				end()
				continue
			}
			cur += emWidth(ch, r.bold) * px
		}
	}
	end()
	return n
}

// textWidth is the width of runs on one line, in pixels.
func textWidth(runs []run) float64 {
	w := 0.0
	for _, r := range runs {
		for _, ch := range r.text {
			w += emWidth(ch, r.bold) * r.fontSize() * 96 / 72
		}
	}
	return w
}

// dots returns a dotted line for handwriting that fills what is left of a
// line of width pixels after the text before it.
func dots(width, before float64) string {
	ellipsis := bodySize * 96 / 72 // "…" is one em wide
	n := int((width*0.95 - math.Mod(before, width*0.9)) * 0.85 / ellipsis)
	return strings.Repeat("…", max(n, 6))
}

// style returns the cell style for an alignment, made once.
func (iw *intakeWriter) style(align string) int {
	if id, ok := iw.styles[align]; ok {
		return id
	}
	vert := "top"
	if align == "center" {
		vert = "center"
	}
	id, err := iw.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Family: intakeFont, Size: bodySize},
		Alignment: &excelize.Alignment{Horizontal: align, Vertical: vert, WrapText: true},
	})
	if err != nil && iw.err == nil {
		iw.err = err
	}
	iw.styles[align] = id
	return id
}

// put writes one row of parts and sets its height to fit the tallest.
func (iw *intakeWriter) put(parts ...part) {
	if iw.err != nil {
		return
	}
	iw.row++
	h := 0.0
	for _, p := range parts {
		first := fmt.Sprintf("%s%d", p.from, iw.row)
		last := fmt.Sprintf("%s%d", p.to, iw.row)
		align := p.align
		if align == "" {
			align = "left"
		}
		if first != last {
			iw.check(iw.f.MergeCell(IntakeSheet, first, last))
		}
		iw.check(iw.f.SetCellStyle(IntakeSheet, first, last, iw.style(align)))
		rt := make([]excelize.RichTextRun, 0, len(p.runs))
		size := 0.0
		for _, r := range p.runs {
			if r.text == "" {
				continue
			}
			font := &excelize.Font{Family: intakeFont, Size: r.fontSize(), Bold: r.bold, Italic: r.italic}
			if r.underline {
				font.Underline = "single"
			}
			rt = append(rt, excelize.RichTextRun{Text: r.text, Font: font})
			size = max(size, r.fontSize())
		}
		if len(rt) > 0 {
			iw.check(iw.f.SetCellRichText(IntakeSheet, first, rt))
		}
		if size == 0 {
			size = bodySize
		}
		h = max(h, float64(lines(p.runs, partWidth(p.from, p.to)))*lineHeight(size))
	}
	iw.setHeight(h)
}

// space writes an empty row of the given height in points.
func (iw *intakeWriter) space(h float64) {
	if iw.err != nil {
		return
	}
	iw.row++
	iw.setHeight(h)
}

func (iw *intakeWriter) setHeight(h float64) {
	h = math.Min(409, math.Ceil(h*4)/4) // Excel's limit
	iw.check(iw.f.SetRowHeight(IntakeSheet, iw.row, h))
	iw.height += h
}

func (iw *intakeWriter) check(err error) {
	if err != nil && iw.err == nil {
		iw.err = err
	}
}

// field returns a "label: value" part, with the value in bold or, when
// empty, a dotted line to the end of the cell.
func field(from, to, label, value string) part {
	lr := plain(label + ": ")
	if value == "" {
		return part{from: from, to: to, runs: []run{lr, plain(dots(partWidth(from, to), textWidth([]run{lr})))}}
	}
	return part{from: from, to: to, runs: []run{lr, bold(value)}}
}

func full(label, value string) part  { return field("A", "B", label, value) }
func left(label, value string) part  { return field("A", "A", label, value) }
func right(label, value string) part { return field("B", "B", label, value) }

// maxLines is the most lines of body text put in one row: Excel cannot
// make a row taller than 409 points.
const maxLines = 24

// text writes a long text after its label, if any, across the page, or n
// dotted lines when it is empty. A text too long for one row goes on as
// many rows as it needs, split between words.
func (iw *intakeWriter) text(label, value string, n int) {
	var head []run
	if label != "" {
		head = append(head, plain(label+": "))
	}
	width := partWidth("A", "B")
	if value == "" {
		ls := make([]string, n)
		for i := range ls {
			ls[i] = dots(width, 0)
		}
		ls[0] = dots(width, textWidth(head))
		iw.put(part{from: "A", to: "B", runs: append(head, plain(strings.Join(ls, "\n")))})
		return
	}
	chunk := ""
	emit := func() {
		iw.put(part{from: "A", to: "B", runs: append(head, plain(strings.TrimRight(chunk, " \n")))})
		head, chunk = nil, ""
	}
	for i, para := range strings.Split(value, "\n") {
		if i > 0 && chunk != "" {
			chunk += "\n"
		}
		for _, word := range strings.SplitAfter(para, " ") {
			if chunk != "" && lines(append(head, plain(chunk+word)), width) > maxLines {
				emit()
			}
			chunk += word
		}
	}
	emit()
}

func heading(s string) part {
	return part{from: "A", to: "B", runs: []run{bold(s)}}
}

func centered(from, to string, runs ...run) part {
	return part{from: from, to: to, runs: runs, align: "center"}
}

func (iw *intakeWriter) write(c *app.Case, refs *app.RefData, officer string, files []app.Attachment) {
	unit, commune := app.AdminUnit{}, false
	if refs != nil {
		unit, commune = refs.Unit(c.UnitCode)
	}
	agency := "UBND XÃ, PHƯỜNG " + dots(partWidth("A", "A")/2, 0)
	if commune {
		agency = "UBND " + strings.ToUpper(unit.Name)
	}
	iw.put(centered("A", "A", bold(agency)),
		centered("B", "B", bold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")))
	number := []run{plain("Số: "), plain(c.Number)}
	if c.Number == "" {
		number[1] = plain(dots(partWidth("A", "A")*0.7, textWidth(number[:1])))
	}
	iw.put(centered("A", "A", number...),
		centered("B", "B", run{text: "Độc lập - Tự do - Hạnh phúc", bold: true, underline: true, size: 13}))
	iw.space(10)
	iw.put(centered("A", "B", run{text: "PHIẾU TIẾP NHẬN", bold: true, size: titleSize}))
	iw.put(centered("A", "B", bold(intakeSubtitle(c.Kind))))
	iw.space(6)

	iw.put(full("Thời gian tiếp nhận", receivedAt(c.ReceivedAt)))
	iw.put(full("Hình thức tiếp nhận", label(app.Channels, c.Channel)))
	if c.ReferredFrom != "" || c.Channel == "chuyen_tu_co_quan_khac" || c.Channel == "tong_dai_1800_6838" {
		from := c.ReferredFrom
		if refs != nil {
			if a, ok := refs.Agency(from); ok {
				from = a.NameVI
			}
		}
		iw.put(full("Cơ quan, tổ chức chuyển đến", from))
	}

	iw.space(4)
	iw.put(heading("I. NGƯỜI YÊU CẦU / NGƯỜI TIÊU DÙNG"))
	iw.put(left("Họ và tên", c.ConsumerName), right("Giới tính", label(app.Genders, c.ConsumerGender)))
	iw.put(left(birthLabel(c), birth(c)), right("Số điện thoại", c.ConsumerPhone))
	iw.put(full("Địa chỉ", c.ConsumerAddress))
	iw.put(left("Xã, phường", unitName(refs, c.ConsumerUnitCode)),
		right("Địa chỉ cũ (trước 01/7/2025)", c.ConsumerOldAddress))
	iw.put(full("Người yêu cầu", label(app.RequesterRoles, c.RequesterRole)))
	iw.put(representative(c))
	iw.put(full("Thuộc nhóm người tiêu dùng dễ bị tổn thương (Điều 8)", labels(app.VulnerableGroups.Label, c.VulnerableGroups)))
	iw.put(full("Giấy tờ, chứng cứ về tình trạng dễ bị tổn thương", c.VulnerableEvidence))

	iw.space(4)
	iw.put(heading("II. TỔ CHỨC, CÁ NHÂN KINH DOANH"))
	iw.put(full("Tên tổ chức, cá nhân kinh doanh", c.BusinessName))
	iw.put(left("Loại hình", label(app.BusinessKinds, c.BusinessKind)), right("Mã số thuế", c.BusinessTaxCode))
	iw.put(full("Địa chỉ", c.BusinessAddress))
	iw.put(left("Số điện thoại", c.BusinessPhone), right("Kênh bán hàng trực tuyến", c.BusinessOnlineChannel))

	iw.space(4)
	iw.put(heading("III. NỘI DUNG VỤ VIỆC"))
	sector, issues := c.Sector, labels(func(s string) string { return s }, c.IssueTypes)
	if refs != nil {
		if c.Sector != "" {
			sector = refs.SectorLabel(c.Sector)
		}
		issues = labels(refs.IssueTypeLabel, c.IssueTypes)
	}
	iw.put(full("Lĩnh vực", sector))
	iw.put(full("Hành vi vi phạm", issues))
	iw.put(full("Hình thức giao dịch", label(app.TransactionTypes, c.TransactionType)))
	iw.put(left("Hàng hóa, dịch vụ", c.ProductOrService), right("Ngày giao dịch", day(c.TransactionDate)))
	iw.put(left("Giá trị giao dịch", vnd(c.TransactionValue)), right("Số tiền yêu cầu bồi thường", vnd(c.DamageClaimed)))
	iw.text("Sự việc (người tiêu dùng trình bày)", c.Summary, 3)

	iw.space(4)
	iw.put(heading("IV. YÊU CẦU CỤ THỂ"))
	iw.text("", c.SpecificRequest, 2)

	iw.space(4)
	iw.put(heading("V. ĐÃ LIÊN HỆ VỚI TỔ CHỨC, CÁ NHÂN KINH DOANH TRƯỚC CHƯA"))
	switch prior := full("Đã liên hệ trước khi gửi yêu cầu", "Chưa"); {
	case !c.PriorContact:
		iw.put(prior)
	case c.PriorContactDate == "":
		prior.runs = append(prior.runs[:1], bold("Có"), plain(", ngày "+dots(partWidth("A", "A")/2, 0)))
		iw.put(prior)
	default:
		iw.put(full("Đã liên hệ trước khi gửi yêu cầu", "Có, ngày "+day(c.PriorContactDate)))
	}

	iw.space(4)
	iw.put(heading("VI. TÀI LIỆU, CHỨNG CỨ KÈM THEO"))
	evidence := c.Evidence
	if len(evidence) == 0 {
		evidence = []string{"", ""}
	}
	for i, e := range evidence {
		num := plain(strconv.Itoa(i+1) + ". ")
		if e == "" {
			e = dots(partWidth("A", "B"), textWidth([]run{num}))
		}
		iw.put(part{from: "A", to: "B", runs: []run{num, plain(e)}})
	}
	n := 0
	for _, a := range files {
		if a.Voided {
			continue
		}
		if n == 0 {
			iw.put(part{from: "A", to: "B", runs: []run{italic("Tệp điện tử đính kèm hồ sơ:")}})
		}
		n++
		iw.put(part{from: "A", to: "B", runs: []run{plain(strconv.Itoa(n) + ". "), plain(a.Name),
			plain(" (" + label(app.AttachmentTypes, a.Type) + ", " + app.FormatBytes(a.Size) + ")")}})
	}

	iw.space(4)
	iw.put(full("Cán bộ phụ trách", c.AssignedTo))
	iw.put(part{from: "A", to: "B", runs: []run{italic("Người tiêu dùng đã đọc lại (hoặc nghe đọc lại) nội dung trên và xác nhận là đúng.")}})
	iw.put(part{from: "A", to: "B", runs: []run{italic(IntakeSignatureNote)}})

	iw.space(6)
	place := dots(partWidth("B", "B")/4, 0)
	if commune {
		place = unit.ShortName
	}
	iw.put(centered("A", "A"), centered("B", "B", italic(place+", "+longDate(c.ReceivedAt))))
	signer, signerName := "NGƯỜI TIÊU DÙNG", c.ConsumerName
	switch c.RequesterRole {
	case "", "ntd":
	case app.RoleRepresentative:
		signer, signerName = "NGƯỜI YÊU CẦU", c.RepresentativeName
	default:
		signer, signerName = "NGƯỜI YÊU CẦU", ""
	}
	iw.put(centered("A", "A", bold(signer)), centered("B", "B", bold("CÁN BỘ TIẾP NHẬN")))
	iw.put(centered("A", "A", italic("(Ký, ghi rõ họ tên hoặc điểm chỉ)")), centered("B", "B", italic("(Ký, ghi rõ họ tên)")))
	iw.space(60)
	iw.put(centered("A", "A", signName(signerName)), centered("B", "B", signName(officer)))

	iw.recordHeight = iw.height
	iw.privacyNotice(c, unit.Name, signer, signerName, officer)
}

// signName is a name under a signature, or a dotted line to write it.
func signName(s string) run {
	if s == "" {
		return plain(dots(partWidth("A", "A")*0.7, 0))
	}
	return bold(s)
}

// privacyNotice writes the record's last page: the notice of the
// processing of the consumer's data (app.PrivacyNotice; Luật Bảo vệ dữ
// liệu cá nhân 91/2025/QH15, Nghị định 356/2025/NĐ-CP), how it was given
// as recorded (Case.PrivacyNotice) or, if not recorded, the ways to tick
// by hand, and the signature of the consumer (or requester, signer) that
// they were given it. It begins a page of its own (pageSetup), so that the
// record keeps its one page. unitName is the commune's full name, "" if
// unknown.
func (iw *intakeWriter) privacyNotice(c *app.Case, unitName, signer, signerName, officer string) {
	iw.noticeRow = iw.row + 1
	iw.put(centered("A", "B", run{text: strings.ToUpper(app.PrivacyNoticeTitle), bold: true, size: titleSize}))
	number := []run{italic("Kèm theo Phiếu tiếp nhận số " + c.Number)}
	if c.Number == "" {
		number = append(number, italic(dots(partWidth("A", "A")*0.7, 0)))
	}
	iw.put(centered("A", "B", number...))
	iw.space(10)
	iw.put(part{from: "A", to: "B", runs: []run{plain(app.PrivacyNotice(unitName))}})
	iw.space(6)
	if c.PrivacyNotice != "" {
		iw.put(full(IntakeNoticeGiven, label(app.PrivacyNoticeWays, c.PrivacyNotice)))
	} else {
		runs := []run{plain(IntakeNoticeGiven + ":")}
		for _, w := range app.PrivacyNoticeWays {
			if w.Code == app.NoticeAcknowledgedOnline {
				continue // on paper, the officer ticks how it was given
			}
			runs = append(runs, plain("\n□ "+w.VI))
		}
		iw.put(part{from: "A", to: "B", runs: runs})
	}
	iw.space(10)
	iw.put(centered("A", "A", bold(signer)), centered("B", "B", bold("CÁN BỘ TIẾP NHẬN")))
	iw.put(centered("A", "A", italic(IntakeNoticeSigned)), centered("B", "B", italic("(Ký, ghi rõ họ tên)")))
	iw.space(60)
	iw.put(centered("A", "A", signName(signerName)), centered("B", "B", signName(officer)))
}

// Texts of the notice's page of the intake record.
const (
	IntakeNoticeGiven  = "Đã thông báo"
	IntakeNoticeSigned = "(Ký xác nhận đã được thông báo, ghi rõ họ tên)"
)

func (iw *intakeWriter) pageSetup(c *app.Case) error {
	f := iw.f
	if err := f.SetColWidth(IntakeSheet, "A", "A", colA); err != nil {
		return err
	}
	if err := f.SetColWidth(IntakeSheet, "B", "B", colB); err != nil {
		return err
	}
	// The record on one page unless that would shrink the text below
	// about 80 % (a very long account of the facts: it then flows at full
	// size), and the notice on a page of its own after it. The scale is
	// set, not "fit to page", under which a spreadsheet program may move
	// or drop a manual page break. The columns fill the width between the
	// margins at 100 %; the rows' heights are set, so the scale that fits
	// is known.
	scale := 100
	if h := iw.recordHeight; h > printableHeight && h <= printableHeight*1.25 {
		scale = int(printableHeight / h * 100) // rounded down: it fits
	}
	if err := f.SetPageLayout(IntakeSheet, &excelize.PageLayoutOptions{
		Size: ptr(paperA4), Orientation: ptr("portrait"), AdjustTo: ptr(uint(scale)),
	}); err != nil {
		return err
	}
	if err := f.SetSheetProps(IntakeSheet, &excelize.SheetPropsOptions{FitToPage: ptr(false)}); err != nil {
		return err
	}
	if iw.noticeRow > 1 {
		if err := f.InsertPageBreak(IntakeSheet, fmt.Sprintf("A%d", iw.noticeRow)); err != nil {
			return err
		}
	}
	if err := f.SetPageMargins(IntakeSheet, &excelize.PageLayoutMarginsOptions{
		Left: ptr(marginLeft), Right: ptr(marginOther), Top: ptr(marginOther), Bottom: ptr(marginOther),
		Header: ptr(marginFooter), Footer: ptr(marginFooter),
	}); err != nil {
		return err
	}
	foot := `&L&"Times New Roman,Italic"&9Phiếu tiếp nhận`
	if c.Number != "" {
		foot += " – số vụ việc " + c.Number
	}
	foot += `&R&"Times New Roman,Italic"&9Trang &P/&N`
	if err := f.SetHeaderFooter(IntakeSheet, &excelize.HeaderFooterOptions{OddFooter: foot}); err != nil {
		return err
	}
	if err := f.SetSheetView(IntakeSheet, 0, &excelize.ViewOptions{ShowGridLines: ptr(false)}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("'%s'!$A$1:$B$%d", IntakeSheet, iw.row),
		Scope:    IntakeSheet,
	})
}

// intakeSubtitle names what the record receives, by case kind.
func intakeSubtitle(kind string) string {
	switch kind {
	case "tu_van":
		return "Yêu cầu tư vấn, hướng dẫn của người tiêu dùng"
	case "phan_anh":
		return "Phản ánh của người tiêu dùng"
	case "yeu_cau_ho_tro_thuong_luong":
		return "Yêu cầu hỗ trợ thương lượng của người tiêu dùng"
	case "khieu_nai":
		return "Khiếu nại của người tiêu dùng đối với tổ chức, cá nhân kinh doanh"
	case "yeu_cau_xu_ly_vi_pham":
		return "Yêu cầu xử lý hành vi vi phạm quyền lợi người tiêu dùng"
	case "kien_nghi":
		return "Kiến nghị của người tiêu dùng"
	}
	return "Yêu cầu hỗ trợ thương lượng, khiếu nại, phản ánh của người tiêu dùng"
}

// label returns the Vietnamese label of code, or "" for no code.
func label(l app.CodeList, code string) string {
	if code == "" {
		return ""
	}
	return l.Label(code)
}

// labels joins the labels of codes with "; ".
func labels(lf func(string) string, codes []string) string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, lf(c))
	}
	return strings.Join(out, "; ")
}

func unitName(refs *app.RefData, code string) string {
	if code == "" {
		return ""
	}
	if refs != nil {
		if u, ok := refs.Unit(code); ok {
			return u.Name
		}
	}
	return code
}

// representative returns the legal representative's line.
func representative(c *app.Case) part {
	const l = "Người đại diện hợp pháp (nếu có)"
	if c.RepresentativeName == "" && c.RepresentativeRelation == "" {
		if c.RequesterRole == "ntd" { // the consumer acts in person
			return full(l, "Không")
		}
		return full(l, "")
	}
	rel := "; quan hệ với người tiêu dùng: "
	runs := []run{plain(l + ": ")}
	if c.RepresentativeName != "" {
		runs = append(runs, bold(c.RepresentativeName))
	} else {
		runs = append(runs, plain(dots(partWidth("A", "A")/2, 0)))
	}
	runs = append(runs, plain(rel))
	if c.RepresentativeRelation != "" {
		runs = append(runs, bold(c.RepresentativeRelation))
	} else {
		runs = append(runs, plain(dots(partWidth("A", "B"), textWidth(runs))))
	}
	return part{from: "A", to: "B", runs: runs}
}

func birthLabel(c *app.Case) string {
	switch {
	case c.ConsumerBirthDate != "":
		return "Ngày sinh"
	case c.ConsumerAgeBand != "":
		return "Độ tuổi"
	}
	return "Ngày sinh (hoặc tuổi)"
}

// birth returns the date of birth with the age on the day of receipt, or
// else the age band.
func birth(c *app.Case) string {
	if c.ConsumerBirthDate != "" {
		s := day(c.ConsumerBirthDate)
		if age, ok := app.AgeOn(c.ConsumerBirthDate, c.ReceivedAt); ok && age >= 0 && !c.ReceivedAt.IsZero() {
			s += fmt.Sprintf(" (%d tuổi)", age)
		}
		return s
	}
	return label(app.AgeBands, c.ConsumerAgeBand)
}

// day turns a date field (YYYY-MM-DD) into dd/mm/yyyy; anything else is
// shown as it is.
func day(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}

// receivedAt is "14 giờ 30 phút, ngày 05/11/2026" in Vietnam time.
func receivedAt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(app.ICT)
	return fmt.Sprintf("%02d giờ %02d phút, ngày %s", l.Hour(), l.Minute(), l.Format("02/01/2006"))
}

// longDate is "ngày 05 tháng 11 năm 2026" in Vietnam time, with dotted
// gaps for the zero time.
func longDate(t time.Time) string {
	if t.IsZero() {
		return "ngày …… tháng …… năm ………"
	}
	l := t.In(app.ICT)
	return fmt.Sprintf("ngày %02d tháng %02d năm %d", l.Day(), int(l.Month()), l.Year())
}

// vnd formats an amount of đồng the Vietnamese way, "1.250.000 đồng"; 0
// is taken as not given.
func vnd(n int64) string {
	if n == 0 {
		return ""
	}
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + " đồng"
}
