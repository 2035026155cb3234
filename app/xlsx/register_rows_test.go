package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// trickyTexts are texts a cell must carry as excelize writes them: XML's
// special characters, line breaks, tabs and carriage returns, spaces at
// either end, control characters XML does not allow, invalid UTF-8,
// "_xHHHH_" (which Excel reads as a character), characters outside the
// BMP, and a text longer than a cell holds.
var trickyTexts = []string{
	`Ông "A" & bà 'B' <mua> hàng`, "dòng 1\ndòng 2\r\ndòng 3", "\ttab đầu", " cách đầu", "cách cuối ", "\n",
	"điều khiển \x01\x02\x1f\x7f", "sai \xff\xfe UTF-8 \xe1\x80", "_x0041_ và _x005F_x0041_ và _x005F_ và _xZZZZ_ và _x12_",
	"ngoài BMP 😀 𝔸", "\uFFFD thay thế", "\uFFFE\uFFFF ngoài XML", strings.Repeat("Dài ", 9000) + "😀" + strings.Repeat("x", 30),
	strings.Repeat("ạ", 40000), "",
}

// trickyRegister is the synthetic register of n cases with tricky texts
// in the consumer's, the business's and the summary's cells, and a case
// received before 1900 (a date Excel cannot count).
func trickyRegister(t testing.TB, n int) *app.KPIData {
	d := syntheticRegister(t, n)
	r := rand.New(rand.NewPCG(22, 7))
	for i := range d.Cases {
		c := &d.Cases[i]
		c.Summary = "Ông " + c.ConsumerName + " (" + c.ConsumerPhone + ") mua hàng tại " + c.BusinessName
		if i%3 == 0 {
			c.Summary = trickyTexts[r.IntN(len(trickyTexts))] + c.Summary + trickyTexts[r.IntN(len(trickyTexts))]
			c.BusinessName = trickyTexts[r.IntN(len(trickyTexts))]
			if name := trickyTexts[r.IntN(len(trickyTexts))]; len(name) < 100 { // (the scrubber is quadratic in a name's words)
				c.ConsumerName = name
			}
		}
	}
	return d
}

// The register whose rows are written straight into the zip is the file
// excelize's stream writer wrote (excelizeRows): the same parts in the same
// order, each byte for byte, for the province and for one commune, masked
// or not, with texts that need escaping; and excelize reads the same
// cells, styles, heights and widths back.
func TestWriteRegister_SameFileAsExcelize(t *testing.T) {
	d := trickyRegister(t, 900)
	refs := mustRefs(t)
	periods := []app.KPIPeriod{app.ReportYear(2026), {From: ict(2026, 3, 1, 0, 0), To: ict(2026, 3, 1, 0, 0)}, app.ReportYear(2020)}
	for pi, p := range periods {
		for _, unit := range []string{"", d.Cases[0].UnitCode} {
			for _, mask := range []bool{false, true} {
				name := fmt.Sprintf("period %d unit %q mask %v", pi, unit, mask)
				opt := RegisterOptions{Unit: unit, Period: p, Mask: mask, Refs: refs}
				write := func(slow bool) []byte {
					excelizeRows = slow
					defer func() { excelizeRows = false }()
					var b bytes.Buffer
					if _, err := WriteRegister(context.Background(), &b, d, opt); err != nil {
						t.Fatal(name, err)
					}
					return b.Bytes()
				}
				slow, fast := write(true), write(false)
				if names(t, slow) != names(t, fast) {
					t.Fatalf("%s: parts %s by excelize, %s now", name, names(t, slow), names(t, fast))
				}
				a, b := partsOf(t, slow), partsOf(t, fast)
				for part, x := range a {
					if y := b[part]; !bytes.Equal(x, y) {
						i := 0
						for i < min(len(x), len(y)) && x[i] == y[i] {
							i++
						}
						t.Fatalf("%s: part %s differs at byte %d:\n%q\n%q", name, part, i, x[max(0, i-200):min(len(x), i+200)], y[max(0, i-200):min(len(y), i+200)])
					}
				}
				if pi == 0 {
					sameCells(t, name, slow, fast)
				}
			}
		}
	}
}

// names lists the parts of a zip file in their order.
func names(t *testing.T, b []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range z.File {
		out = append(out, f.Name)
	}
	return strings.Join(out, " ")
}

// Each kind of cell, written by rowWriter, is what excelize's stream
// writer writes for it: texts (tricky ones, and random runes of every
// kind), integers, dates (before 1900, on Excel's leap day bug, after
// 2100, not at midnight) and empty cells, with and without a style.
func TestRowWriter_CellsAsExcelize(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 8))
	var cells [][]regCell
	for _, s := range trickyTexts {
		cells = append(cells, []regCell{{kind: cellText, text: s, style: 3}, {kind: cellText, text: s}})
	}
	for range 2000 {
		var b strings.Builder
		for range r.IntN(30) {
			switch r.IntN(4) {
			case 0:
				b.WriteByte(byte(r.IntN(256)))
			case 1:
				b.WriteRune(rune(r.IntN(0x80)))
			case 2:
				b.WriteRune(rune(r.IntN(0x110000)))
			default:
				b.WriteString([]string{"_x", "00", "5F", "_", "41", "&", "\n", " "}[r.IntN(8)])
			}
		}
		cells = append(cells, []regCell{{kind: cellText, text: b.String(), style: 1 + r.IntN(30)}})
	}
	for _, day := range []time.Time{time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC), time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 7, 13, 45, 10, 500, time.UTC), time.Date(2230, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 7, 8, 0, 0, 0, app.ICT)} {
		cells = append(cells, []regCell{{kind: cellDate, day: day, style: 4}})
	}
	cells = append(cells, []regCell{{kind: cellInt, num: 0, style: 2}, {kind: cellInt, num: -12345678901}, {style: 5}, {}})
	for range 20 {
		row := make([]regCell, 18)
		for j := range row {
			row[j] = regCell{kind: cellInt, num: r.Int64(), style: j}
		}
		cells = append(cells, row)
	}

	f := excelize.NewFile()
	defer f.Close()
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14}) // styles up to 30 exist
	for range 30 {
		style, _ = f.NewStyle(&excelize.Style{NumFmt: 14, Font: &excelize.Font{Size: float64(8 + style)}})
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	var fast bytes.Buffer
	rw := newRowWriter(&fast, 18)
	for i, row := range cells {
		h := 12.75 + float64(i%7)
		if err := sw.SetRow(fmt.Sprintf("A%d", i+1), excelizeValues(row), excelize.RowOpts{Height: h}); err != nil {
			t.Fatal(err)
		}
		rw.row(i+1, h, row)
	}
	if err := rw.close(); err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	_, head, _, err := streamedSheet(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	slow := head[bytes.Index(head, []byte("<sheetData>"))+len("<sheetData>"):]
	if !bytes.Equal(slow, fast.Bytes()) {
		sr, fr := bytes.Split(slow, []byte("</row>")), bytes.Split(fast.Bytes(), []byte("</row>"))
		for i := range min(len(sr), len(fr)) {
			if !bytes.Equal(sr[i], fr[i]) {
				t.Fatalf("row %d (%+v):\nexcelize %q\nnow      %q", i+1, cells[i], sr[i], fr[i])
			}
		}
		t.Fatalf("%d rows by excelize, %d now", len(sr), len(fr))
	}
}

// A register written into a writer that fails returns the writer's error.
func TestWriteRegister_WriterFails(t *testing.T) {
	d := syntheticRegister(t, 3000)
	opt := RegisterOptions{Period: app.ReportYear(2026), Refs: mustRefs(t)}
	for _, after := range []int{0, 100, 300 << 10} {
		w := &failingWriter{after: after}
		if _, err := WriteRegister(context.Background(), w, d, opt); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("failing after %d bytes: %v", after, err)
		}
	}
	// And a register stopped half way stops the goroutine that compresses
	// its rows (no leak: the test's race and leak checks would see it).
	ctx, cancel := context.WithCancel(context.Background())
	opt.Progress = func(done, _ int) {
		if done >= 1000 {
			cancel()
		}
	}
	if _, err := WriteRegister(ctx, &bytes.Buffer{}, d, opt); err == nil {
		t.Error("a cancelled register was written")
	}
}

type failingWriter struct{ after, n int }

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.n+len(b) > w.after {
		return 0, fmt.Errorf("disk full")
	}
	w.n += len(b)
	return len(b), nil
}
