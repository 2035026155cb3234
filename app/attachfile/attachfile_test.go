package attachfile

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"bvntd/app"
)

// photo is a w×h JPEG whose left half is red and right half blue.
func photo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{200, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIF inserts an EXIF segment (orientation o, and a made-up GPS
// marker text) after the JPEG's start.
func withEXIF(j []byte, o uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("II*\x00")
	binary.Write(&tiff, binary.LittleEndian, uint32(8))
	binary.Write(&tiff, binary.LittleEndian, uint16(1))
	binary.Write(&tiff, binary.LittleEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.LittleEndian, uint32(1))
	binary.Write(&tiff, binary.LittleEndian, []uint16{o, 0})
	binary.Write(&tiff, binary.LittleEndian, uint32(0))
	tiff.WriteString("GPS-10.4567N-105.6321E-DEVICE-PHONE")
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1}
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, j[2:]...)
}

func TestSniff(t *testing.T) {
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4)))
	for _, c := range []struct {
		name string
		data []byte
		want string
		msg  string
	}{
		{"jpeg", photo(t, 8, 8), app.TypeJPEG, ""},
		{"png", pngBuf.Bytes(), app.TypePNG, ""},
		{"pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"), app.TypePDF, ""},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...), "", "HEIC"},
		{"mif1", append([]byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic"), make([]byte, 64)...), "", "Tương thích nhất"},
		{"docx", []byte("PK\x03\x04\x14\x00\x06\x00rest"), "", "tài liệu Office"},
		{"text", []byte("hóa đơn bán hàng"), "", "Chỉ nhận ảnh JPEG, PNG hoặc tài liệu PDF"},
		{"jpeg named but text", []byte("\xFF\xD8 not really"), "", "Chỉ nhận"},
		{"empty", nil, "", "Tệp rỗng"},
	} {
		got, err := Sniff(c.data)
		if got != c.want {
			t.Errorf("%s: type %q, want %q", c.name, got, c.want)
		}
		if c.msg != "" && (err == nil || !strings.Contains(app.ErrorMessage(err), c.msg) || app.ErrorCode(err) != app.EINVALID) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.msg)
		}
		if c.msg == "" && err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestPrepareReencodesAndDropsEXIF(t *testing.T) {
	orig := withEXIF(photo(t, 2400, 1800), 1)
	p, err := Prepare(orig, false)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Reencoded || p.Type != app.TypeJPEG || p.Width != 1600 || p.Height != 1200 {
		t.Fatalf("prepared %v reencoded=%v, want a 1600×1200 JPEG", p, p.Reencoded)
	}
	if bytes.Contains(p.Content, []byte("Exif")) || bytes.Contains(p.Content, []byte("GPS-10.4567N")) {
		t.Error("the re-encoded photo still carries its EXIF data")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.Content))
	if err != nil || cfg.Width != 1600 || cfg.Height != 1200 {
		t.Fatalf("decoded %+v %v", cfg, err)
	}

	// Kept as it came: the very bytes, EXIF and all.
	k, err := Prepare(orig, true)
	if err != nil || !bytes.Equal(k.Content, orig) || k.Reencoded || k.Width != 2400 || k.Height != 1800 {
		t.Fatalf("kept original: %v %v", k, err)
	}

	// A small photo is not enlarged.
	s, err := Prepare(photo(t, 640, 480), false)
	if err != nil || s.Width != 640 || s.Height != 480 {
		t.Fatalf("small photo: %v %v", s, err)
	}
}

func TestPrepareTurnsUpright(t *testing.T) {
	// Taken holding the phone upright: stored 400×200 with orientation 6
	// (rotate 90° clockwise to view): upright it is 200×400, the red half
	// (left as stored) on top.
	p, err := Prepare(withEXIF(photo(t, 400, 200), 6), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 200 || p.Height != 400 {
		t.Fatalf("upright size %d×%d, want 200×400", p.Width, p.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Content))
	if err != nil {
		t.Fatal(err)
	}
	top, bottom := img.At(100, 50), img.At(100, 350)
	if r, _, b, _ := top.RGBA(); r < b {
		t.Errorf("top is not red: %v", top)
	}
	if r, _, b, _ := bottom.RGBA(); b < r {
		t.Errorf("bottom is not blue: %v", bottom)
	}
}

func TestPrepareRefuses(t *testing.T) {
	big := make([]byte, app.MaxAttachmentSize+1)
	copy(big, "%PDF-1.4")
	if _, err := Prepare(big, false); err == nil || !strings.Contains(app.ErrorMessage(err), "tối đa 10 MB") {
		t.Errorf("an 10 MB + 1 file: %v", err)
	}
	// A JPEG header over a broken body.
	broken := photo(t, 50, 50)[:200]
	if _, err := Prepare(broken, false); err == nil || !strings.Contains(app.ErrorMessage(err), "bị hỏng") {
		t.Errorf("a broken JPEG: %v", err)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
	p, err := Prepare(pdf, false)
	if err != nil || !bytes.Equal(p.Content, pdf) || p.Type != app.TypePDF {
		t.Errorf("a PDF is stored as it came: %v %v", p, err)
	}
}

func TestThumb(t *testing.T) {
	th, err := Thumb(withEXIF(photo(t, 800, 400), 6))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(th))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 80 || b.Dy() != 160 {
		t.Errorf("thumbnail %v, want 80×160 (upright)", b)
	}
	if th, err := Thumb([]byte("%PDF-1.4\n")); th != nil || err != nil {
		t.Errorf("a PDF has no thumbnail (an icon): %v %v", th, err)
	}
}
