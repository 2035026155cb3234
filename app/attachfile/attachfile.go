// Package attachfile prepares an evidence file before it is stored: its
// type found by sniffing the content (JPEG, PNG, PDF; a phone's HEIC photo
// is refused with a way to convert it), its size checked, and a photo
// re-encoded to at most MaxSide pixels on its long side as a JPEG, which
// drops its EXIF data (location, device) — unless the officer keeps the
// original. Thumb makes the small image the case screen shows.
package attachfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/draw"

	"bvntd/app"
)

const (
	// MaxSide is the long side of a re-encoded photo, in pixels.
	MaxSide = 1600
	// Quality is the JPEG quality of a re-encoded photo.
	Quality = 82
	// ThumbSide is the long side of a thumbnail.
	ThumbSide = 160
	// maxPixels bounds the image a photo may decode to (a small file
	// claiming a huge picture would fill the memory).
	maxPixels = 60_000_000
)

// Prepared is a file ready to be stored.
type Prepared struct {
	Content []byte
	Type    string // app.TypeJPEG, TypePNG, TypePDF
	Width   int    // of an image, after re-encoding
	Height  int
	// Reencoded: the content is the photo re-encoded (EXIF removed).
	Reencoded bool
}

// Sniff returns the content type of data (app.TypeJPEG, TypePNG, TypePDF)
// or an *app.Error saying why it is refused.
func Sniff(data []byte) (string, error) {
	if len(data) == 0 {
		return "", app.Errorf(app.EINVALID, "Tệp rỗng; không đính kèm được.")
	}
	if isHEIC(data) {
		return "", app.Errorf(app.EINVALID, "Ảnh HEIC (ảnh chụp của iPhone và một số điện thoại) chưa được hỗ trợ. "+
			"Hãy chuyển ảnh sang JPEG rồi đính kèm lại: trên iPhone chọn Cài đặt → Camera → Định dạng → \"Tương thích nhất\", "+
			"hoặc mở ảnh trên máy tính (Windows: ứng dụng Ảnh) và chọn Lưu thành JPEG.")
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}) && http.DetectContentType(data) == app.TypeJPEG:
		return app.TypeJPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) && http.DetectContentType(data) == app.TypePNG:
		return app.TypePNG, nil
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return app.TypePDF, nil
	}
	return "", app.Errorf(app.EINVALID, "Loại tệp này không đính kèm được (%s). Chỉ nhận ảnh JPEG, PNG hoặc tài liệu PDF; "+
		"tài liệu Word hay Excel hãy in ra PDF trước.", describe(data))
}

// describe names what a refused file seems to be, for the message.
func describe(data []byte) string {
	t := http.DetectContentType(data)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "tệp nén hoặc tài liệu Office"
	case bytes.HasPrefix(data, []byte("GIF8")):
		return "ảnh GIF"
	case t == "image/webp":
		return "ảnh WebP"
	case len(t) > 5 && t[:5] == "text/":
		return "tệp văn bản"
	}
	return "không rõ loại"
}

// isHEIC reports an ISO media file whose brand is a HEIF image (ftypheic,
// ftypheix, ftypmif1, ftypmsf1, ftyphevc…).
func isHEIC(data []byte) bool {
	if len(data) < 12 || string(data[4:8]) != "ftyp" {
		return false
	}
	switch string(data[8:12]) {
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif":
		return true
	}
	return false
}

// Prepare checks data and readies it to be stored: a photo (JPEG, PNG)
// is decoded, turned upright (EXIF orientation) and re-encoded as a JPEG of
// at most MaxSide pixels on its long side, which drops its EXIF data;
// keepOriginal stores it as it came (only its pixel size read). A PDF is
// stored as it came.
func Prepare(data []byte, keepOriginal bool) (Prepared, error) {
	if len(data) > app.MaxAttachmentSize {
		return Prepared{}, app.Errorf(app.EINVALID, "Tệp quá lớn (%s); mỗi tệp tối đa %d MB. Hãy chụp lại với độ phân giải thấp hơn hoặc quét tài liệu ở 150–200 dpi.",
			app.FormatBytes(int64(len(data))), app.MaxAttachmentSize>>20)
	}
	t, err := Sniff(data)
	if err != nil {
		return Prepared{}, err
	}
	p := Prepared{Content: data, Type: t}
	if t == app.TypePDF {
		return p, nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Prepared{}, damaged(err)
	}
	if cfg.Width*cfg.Height > maxPixels {
		return Prepared{}, app.Errorf(app.EINVALID, "Ảnh quá lớn (%d × %d điểm ảnh); không đính kèm được.", cfg.Width, cfg.Height)
	}
	if keepOriginal {
		p.Width, p.Height = cfg.Width, cfg.Height
		if t == app.TypeJPEG && orientation(data) >= 5 {
			p.Width, p.Height = cfg.Height, cfg.Width
		}
		return p, nil
	}
	img, err := decode(data, t)
	if err != nil {
		return Prepared{}, damaged(err)
	}
	img = upright(fit(img, MaxSide), orientation(data))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: Quality}); err != nil {
		return Prepared{}, app.WrapError(app.EINTERNAL, "Không xử lý được ảnh.", err)
	}
	b := img.Bounds()
	return Prepared{Content: buf.Bytes(), Type: app.TypeJPEG, Width: b.Dx(), Height: b.Dy(), Reencoded: true}, nil
}

func damaged(err error) error {
	return app.WrapError(app.EINVALID, "Ảnh bị hỏng hoặc không đọc được; không đính kèm được.", err)
}

// decode reads a JPEG or PNG image, a PNG on a white background (its
// transparency becomes white in the JPEG). It is not yet turned upright
// (upright, after scaling down: fewer pixels to move).
func decode(data []byte, t string) (image.Image, error) {
	var img image.Image
	var err error
	if t == app.TypePNG {
		img, err = png.Decode(bytes.NewReader(data))
	} else {
		img, err = jpeg.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, err
	}
	if t == app.TypePNG {
		b := img.Bounds()
		dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
		return dst, nil
	}
	return img, nil
}

// fit scales img down so that its long side is at most side (never up).
func fit(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	if w >= h {
		w, h = side, max(1, h*side/w)
	} else {
		w, h = max(1, w*side/h), side
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// Thumb returns a small PNG of an image's content (at most ThumbSide on
// the long side), or nil for a PDF (the screen shows an icon).
func Thumb(data []byte) ([]byte, error) {
	t, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	if t == app.TypePDF {
		return nil, nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, damaged(err)
	}
	if cfg.Width*cfg.Height > maxPixels {
		return nil, app.Errorf(app.EINVALID, "Ảnh quá lớn; không tạo được ảnh thu nhỏ.")
	}
	img, err := decode(data, t)
	if err != nil {
		return nil, damaged(err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w >= h {
		w, h = min(w, ThumbSide), max(1, h*min(w, ThumbSide)/w)
	} else {
		w, h = max(1, w*min(h, ThumbSide)/h), min(h, ThumbSide)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, upright(dst, orientation(data))); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// orientation reads the EXIF orientation (1–8) of a JPEG; 1 (upright) if
// it has none.
func orientation(data []byte) int {
	r := bytes.NewReader(data)
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return 1
	}
	for {
		var m [4]byte
		if _, err := io.ReadFull(r, m[:]); err != nil || m[0] != 0xFF {
			return 1
		}
		n := int(binary.BigEndian.Uint16(m[2:]))
		if n < 2 {
			return 1
		}
		if m[1] == 0xDA || m[1] == 0xD9 { // start of scan: no EXIF before it
			return 1
		}
		seg := make([]byte, n-2)
		if _, err := io.ReadFull(r, seg); err != nil {
			return 1
		}
		if m[1] == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return exifOrientation(seg[6:])
		}
	}
}

// exifOrientation reads tag 0x0112 of IFD0 of a TIFF header.
func exifOrientation(t []byte) int {
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:8]))
	if off+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for i := 0; i < count; i++ {
		e := off + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// upright turns img as its EXIF orientation o says the camera held it.
func upright(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

// String describes p for logs (no content).
func (p Prepared) String() string {
	return fmt.Sprintf("%s %d bytes %dx%d", p.Type, len(p.Content), p.Width, p.Height)
}
