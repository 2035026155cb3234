package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

func TestWriteRegister_ReadBack(t *testing.T) {
	refs := &app.RefData{Sectors: []app.Sector{{Code: "thuc_pham_do_uong", VI: "Thực phẩm, đồ uống", Order: 1}}}
	cases := []app.Case{
		{Number: "28261-2026-A7K3-0001", ReceivedAt: time.Date(2026, 11, 4, 18, 30, 0, 0, time.UTC), // 05/11 in ICT
			Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912345678",
			ConsumerAddress: "Ấp Tân Thuận, Xã Tân Hương", BusinessName: "Cửa hàng tạp hóa Phú Quý",
			Sector: "thuc_pham_do_uong", Summary: "Sữa hết hạn.\nĐã liên hệ cửa hàng.", Status: "dang_xu_ly"},
		{Number: "28261-2026-A7K3-0002", ReceivedAt: time.Date(2026, 11, 6, 2, 0, 0, 0, time.UTC),
			Channel: "tong_dai_1800_6838", Kind: "tu_van", ConsumerName: "Đặng Văn Ân", Sector: "khac",
			Summary: "Hỏi thủ tục.", Status: "moi_tiep_nhan"},
	}
	var buf bytes.Buffer
	n, err := WriteRegister(&buf, "SỔ THEO DÕI VỤ VIỆC — Phường Mỹ Tho", cases, refs)
	if err != nil || n != 2 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(RegisterSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want title + header + 2", len(rows))
	}
	if rows[0][0] != "SỔ THEO DÕI VỤ VIỆC — Phường Mỹ Tho" || rows[1][1] != "Số vụ việc" || rows[1][12] != "Trạng thái" {
		t.Fatalf("title/header: %q / %q", rows[0], rows[1])
	}
	want := []string{"1", "28261-2026-A7K3-0001", "05/11/2026", "Trực tiếp tại trụ sở", "Khiếu nại doanh nghiệp",
		"Nguyễn Thị Hồng Đào", "0912345678", "Ấp Tân Thuận, Xã Tân Hương", "Cửa hàng tạp hóa Phú Quý", "",
		"Thực phẩm, đồ uống", "Sữa hết hạn.\nĐã liên hệ cửa hàng.", "Đang xử lý"}
	if strings.Join(rows[2], "|") != strings.Join(want, "|") {
		t.Fatalf("row 3:\n got %q\nwant %q", rows[2], want)
	}
	if rows[3][10] != "khac" { // an unknown sector keeps its code rather than vanish
		t.Fatalf("unknown sector shown as %q", rows[3][10])
	}
	// The date is a real date (a serial number), so the province can filter
	// and sort by it.
	raw, err := f.GetCellValue(RegisterSheet, "C3", excelize.Options{RawCellValue: true})
	if err != nil || raw != "46331" {
		t.Fatalf("C3 raw value %q (%v), want the serial of 05/11/2026", raw, err)
	}
	dim, err := f.GetSheetDimension(RegisterSheet)
	if err != nil || dim != "A1:M4" {
		t.Fatalf("dimension %q (%v)", dim, err)
	}
}

func TestWriteRegister_Empty(t *testing.T) {
	var buf bytes.Buffer
	if n, err := WriteRegister(&buf, "Trống", nil, nil); err != nil || n != 0 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(RegisterSheet)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
}
