package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"bvntd/app"
)

// Evidence files of the demo: photos of receipts and warranty cards drawn
// by the program, and a business's letter as a PDF written by hand, all
// from the seed — nothing copied. Both print without diacritics, as a shop's
// thermal printer does (the image font and the PDF's standard font have
// only Latin letters).

// Attacher is the store's Attach (*storage.DB).
type Attacher interface {
	Attach(ctx context.Context, caseID, name string, content io.Reader, keepOriginal bool, note string) (app.Attachment, error)
}

// maxEvidenceCases bounds how many cases get sample files.
const maxEvidenceCases = 12

// Evidence attaches sample evidence to some of the commune's cases (about
// one in three complaints naming a business, at most maxEvidenceCases):
// the photo of a receipt to each, a warranty card to some, and to those the
// business answered the business's letter as a PDF. The first case chosen
// (the newest naming a business) gets all three. It returns how many files it attached.
func Evidence(ctx context.Context, st Store, at Attacher, clock *func() time.Time, o Options) (int, error) {
	now := nowOf(clock)
	stand, restore := standAt(clock)
	defer restore()
	cases, err := st.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		return 0, err
	}
	// Newest first: the case on top of the list (the walkthrough's) is the
	// one with three files.
	sort.Slice(cases, func(i, j int) bool {
		if !cases[i].ReceivedAt.Equal(cases[j].ReceivedAt) {
			return cases[i].ReceivedAt.After(cases[j].ReceivedAt)
		}
		return cases[i].Number < cases[j].Number
	})
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5eed0f11e5))
	n, chosen := 0, 0
	for _, c := range cases {
		if chosen == maxEvidenceCases {
			break
		}
		if c.UnitCode != o.Unit || c.BusinessName == "" || c.Limited || (chosen > 0 && r.IntN(3) != 0) {
			continue
		}
		first := chosen == 0
		chosen++
		when := c.ReceivedAt.Add(20 * time.Minute)
		if when.After(now) {
			when = now
		}
		stand(when)
		files := []struct {
			name string
			data []byte
			note string
		}{{"hoa-don-mua-hang.jpg", ReceiptJPEG(r, c, false), "Ảnh chụp hóa đơn người tiêu dùng mang đến."}}
		if first || r.IntN(2) == 0 {
			files = append(files, struct {
				name string
				data []byte
				note string
			}{"phieu-bao-hanh.jpg", ReceiptJPEG(r, c, true), ""})
		}
		for _, f := range files {
			if _, err := at.Attach(ctx, c.ID, f.name, bytes.NewReader(f.data), false, f.note); err != nil {
				return n, fmt.Errorf("demo evidence %s: %w", c.Number, err)
			}
			n++
		}
		events, err := st.ListCaseEvents(ctx, c.ID)
		if err != nil {
			return n, err
		}
		answered := time.Time{}
		for _, e := range events {
			if e.Kind == app.EventBusinessResponded {
				answered = e.At
				break
			}
		}
		if answered.IsZero() && first {
			answered = when
		}
		if !answered.IsZero() {
			if answered.After(now) {
				answered = now
			}
			stand(answered)
			if _, err := at.Attach(ctx, c.ID, "cong-van-tra-loi.pdf", bytes.NewReader(LetterPDF(c, answered)), false,
				"Văn bản trả lời của tổ chức, cá nhân kinh doanh."); err != nil {
				return n, fmt.Errorf("demo evidence %s: %w", c.Number, err)
			}
			n++
		}
	}
	return n, nil
}

// plainASCII drops the diacritics (đ becomes d) and anything else outside
// printable ASCII: what the image font and the PDF's standard font print.
func plainASCII(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(func(r rune) rune {
		switch {
		case r == 'đ':
			return 'd'
		case r == 'Đ':
			return 'D'
		case r < 32 || r > 126:
			return '?'
		}
		return r
	}))
	out, _, err := transform.String(t, s)
	if err != nil {
		return ""
	}
	return out
}

// cut shortens s to n characters.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "."
}

// money writes an amount as 1.250.000.
func money(v int64) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

// ReceiptJPEG draws the photo of a shop's receipt (or, warranty, its
// warranty card) for c: a slip of paper on a table, printed in a small
// fixed font, as a phone would take it (1200×1600, with the grain of a
// photo).
func ReceiptJPEG(r *rand.Rand, c app.Case, warranty bool) []byte {
	const w, h = 1200, 1600
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// The table: wood-brown blocks with grain.
	for y := 0; y < h; y += 4 {
		for x := 0; x < w; x += 4 {
			d := uint8(r.IntN(18))
			fill(img, image.Rect(x, y, x+4, y+4), color.RGBA{120 + d, 82 + d, 50 + d/2, 255})
		}
	}
	// The slip, drawn small in the font and scaled up 3×.
	const sw, sh = 260, 460
	slip := image.NewRGBA(image.Rect(0, 0, sw, sh))
	fill(slip, slip.Bounds(), color.RGBA{250, 249, 242, 255})
	d := &font.Drawer{Dst: slip, Src: image.NewUniform(color.RGBA{40, 40, 48, 255}), Face: basicfont.Face7x13}
	y := 22
	line := func(s string) {
		d.Dot = fixed.P(10, y)
		d.DrawString(cut(s, 34))
		y += 16
	}
	biz := strings.ToUpper(plainASCII(c.BusinessName))
	if warranty {
		line("PHIEU BAO HANH")
	} else {
		line("HOA DON BAN LE")
	}
	line(biz)
	line("DC: " + plainASCII(c.BusinessAddress))
	if c.BusinessPhone != "" {
		line("DT: " + c.BusinessPhone)
	}
	day := c.ReceivedAt.Add(-time.Duration(3+r.IntN(20)) * 24 * time.Hour).In(app.ICT)
	if t, err := time.ParseInLocation("2006-01-02", c.TransactionDate, app.ICT); err == nil {
		day = t
	}
	line(fmt.Sprintf("Ngay: %s  So: %06d", day.Format("02/01/2006"), 1000+r.IntN(900000)))
	line(strings.Repeat("-", 34))
	product := plainASCII(c.ProductOrService)
	if product == "" {
		product = "Hang hoa"
	}
	value := c.TransactionValue
	if value <= 0 {
		value = int64(50+r.IntN(2000)) * 1000
	}
	if warranty {
		line("San pham: " + product)
		line(fmt.Sprintf("So seri: SN%08d", r.IntN(100000000)))
		line("Thoi han bao hanh: 12 thang")
		line("Tu ngay: " + day.Format("02/01/2006"))
		line("Den ngay: " + day.AddDate(1, 0, 0).Format("02/01/2006"))
		line(strings.Repeat("-", 34))
		line("Bao hanh loi ky thuat cua NSX.")
		line("Xuat trinh phieu khi bao hanh.")
	} else {
		qty := 1 + r.IntN(3)
		unit := max(1000, value/int64(qty)/1000*1000)
		line(product)
		line(fmt.Sprintf("  %d x %s", qty, money(unit)))
		line(strings.Repeat("-", 34))
		line("TONG CONG:    " + money(unit*int64(qty)) + " d")
		line("Tien mat:     " + money(unit*int64(qty)) + " d")
		line(strings.Repeat("-", 34))
		line("Cam on quy khach!")
		line("Hang da mua mien doi tra.")
	}
	// A stamp-like box and a barcode of bars.
	y += 8
	for x := 20; x < sw-20; x += 3 {
		if r.IntN(3) > 0 {
			fill(slip, image.Rect(x, y, x+2, y+30), color.RGBA{30, 30, 30, 255})
		}
	}
	dst := image.Rect(w/2-sw*3/2, 60, w/2+sw*3/2, 60+sh*3)
	draw.ApproxBiLinear.Scale(img, dst, slip, slip.Bounds(), draw.Src, nil)
	// The grain of a phone's photo over the paper.
	for i := 0; i < 40000; i++ {
		x, y := dst.Min.X+r.IntN(dst.Dx()), dst.Min.Y+r.IntN(dst.Dy())
		c := img.RGBAAt(x, y)
		k := uint8(r.IntN(14))
		if c.R > k {
			c.R, c.G, c.B = c.R-k, c.G-k, c.B-k
		}
		img.SetRGBA(x, y, c)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 88}); err != nil {
		panic(err) // an in-memory RGBA always encodes
	}
	return b.Bytes()
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r.Intersect(img.Bounds()), image.NewUniform(c), image.Point{}, draw.Src)
}

// LetterPDF writes the business's answer to the commune about c, dated
// day: a one-page A4 PDF in Helvetica (a standard font: nothing embedded),
// built by hand with its cross-reference table.
func LetterPDF(c app.Case, day time.Time) []byte {
	biz := plainASCII(c.BusinessName)
	lines := []struct {
		bold bool
		size int
		text string
	}{
		{true, 12, strings.ToUpper(biz)},
		{false, 10, "Dia chi: " + plainASCII(c.BusinessAddress)},
		{false, 10, ""},
		{true, 13, "CONG VAN"},
		{false, 11, "V/v tra loi yeu cau cua nguoi tieu dung"},
		{false, 11, ""},
		{false, 11, "Kinh gui: Uy ban nhan dan xa, phuong (bo phan bao ve quyen loi NTD)"},
		{false, 11, ""},
		{false, 11, fmt.Sprintf("Ngay %s, chung toi nhan duoc van ban de nghi cua Uy ban ve vu viec so", day.In(app.ICT).Format("02/01/2006"))},
		{false, 11, plainASCII(c.Number) + " cua nguoi tieu dung " + plainASCII(c.ConsumerName) + "."},
		{false, 11, ""},
		{false, 11, "Chung toi xin tra loi nhu sau:"},
		{false, 11, "1. Da kiem tra hoa don, chung tu giao dich cua khach hang."},
		{false, 11, "2. Dong y lam viec truc tiep voi nguoi tieu dung tai tru so Uy ban."},
		{false, 11, "3. Se phan hoi ket qua trong thoi han 07 ngay lam viec."},
		{false, 11, ""},
		{false, 11, "Tran trong."},
		{false, 11, ""},
		{true, 11, "DAI DIEN CO SO KINH DOANH"},
		{false, 10, "(Ky, ghi ro ho ten)"},
	}
	var content bytes.Buffer
	y := 790
	for _, l := range lines {
		if l.text != "" {
			f := "F1"
			if l.bold {
				f = "F2"
			}
			fmt.Fprintf(&content, "BT /%s %d Tf 56 %d Td (%s) Tj ET\n", f, l.size, y, pdfString(cut(l.text, 90)))
		}
		y -= l.size + 9
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// pdfString escapes s for a PDF literal string.
func pdfString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s)
}
