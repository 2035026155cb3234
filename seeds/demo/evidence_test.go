package demo

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/attachfile"
)

func sampleCase() app.Case {
	return app.Case{Number: "28261-2026-A7K3-0012", ReceivedAt: time.Date(2026, 11, 4, 2, 30, 0, 0, time.UTC),
		ConsumerName: "Nguyễn Thị Đào", BusinessName: "Cửa hàng điện máy Phú Quý (Đồng Tháp)", BusinessAddress: "Số 5, đường 30/4",
		ProductOrService: "Nồi cơm điện", TransactionDate: "2026-10-20", TransactionValue: 1250000}
}

func TestReceiptJPEG_DrawnFromTheSeed(t *testing.T) {
	for _, warranty := range []bool{false, true} {
		a := ReceiptJPEG(rand.New(rand.NewPCG(1, 2)), sampleCase(), warranty)
		b := ReceiptJPEG(rand.New(rand.NewPCG(1, 2)), sampleCase(), warranty)
		if !bytes.Equal(a, b) {
			t.Fatal("the same seed drew another receipt")
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(a))
		if err != nil || cfg.Width != 1200 || cfg.Height != 1600 {
			t.Fatalf("receipt %+v %v", cfg, err)
		}
		if p, err := attachfile.Prepare(a, false); err != nil || p.Width != 1200 {
			t.Fatalf("prepared %v %v", p, err)
		}
	}
}

// The letter is a PDF whose cross-reference table points at its objects,
// its text in the standard font, without diacritics.
func TestLetterPDF_Valid(t *testing.T) {
	pdf := LetterPDF(sampleCase(), time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC))
	if typ, err := attachfile.Sniff(pdf); err != nil || typ != app.TypePDF {
		t.Fatalf("sniffed %q %v", typ, err)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 7\n")) {
		t.Fatalf("startxref %d does not point at the table", xref)
	}
	rows := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(pdf[xref:], -1)
	if len(rows) != 6 {
		t.Fatalf("%d objects in the table", len(rows))
	}
	for i, r := range rows {
		off, _ := strconv.Atoi(string(r[1]))
		if !bytes.HasPrefix(pdf[off:], []byte(fmt.Sprintf("%d 0 obj\n", i+1))) {
			t.Fatalf("object %d is not at %d", i+1, off)
		}
	}
	l := regexp.MustCompile(`/Length (\d+) >>\nstream\n`).FindSubmatchIndex(pdf)
	n, _ := strconv.Atoi(string(pdf[l[2]:l[3]]))
	if !bytes.HasPrefix(pdf[l[1]+n:], []byte("endstream")) {
		t.Fatal("the stream's length is wrong")
	}
	for _, want := range []string{"(CUA HANG DIEN MAY PHU QUY \\(DONG THAP\\)) Tj", "Nguyen Thi Dao", "Ngay 10/11/2026"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("no %q in the letter", want)
		}
	}
}
