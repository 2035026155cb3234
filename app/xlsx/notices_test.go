package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// The notice-board list (NĐ 55/2024/NĐ-CP Điều 27 khoản 3) holds the sales
// with a day in the period, soonest first, with the contents of Luật
// 19/2023 Điều 47 khoản 1 điểm a; read back with excelize.
func TestWriteNoticeBoard_ReadBack(t *testing.T) {
	n := func(name, start, end string) app.OffPremisesNotice {
		return app.OffPremisesNotice{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261"},
			BusinessName: name, StartDate: start, EndDate: end, ReceivedDate: "2026-03-01", ReceivedVia: "truc_tiep"}
	}
	gold := n("Công ty TNHH Sức Khỏe Vàng", "2026-03-12", "2026-03-13")
	gold.BusinessAddress, gold.BusinessPhone, gold.BusinessTaxCode = "12 Nguyễn Huệ, phường Mỹ Tho", "0912345678", "1801234567"
	gold.Title, gold.SalesMethod, gold.Place, gold.Hours = "Hội thảo giới thiệu sản phẩm chăm sóc sức khỏe", "Bán trực tiếp tại hội trường", "Nhà văn hóa ấp 3", "07:30–11:00"
	gold.Goods, gold.Prices, gold.ConsumerContact = "Máy massage", "3.500.000 đồng/máy", "Đường dây nóng 0912 345 678"
	running := n("Hộ kinh doanh Bình An", "2026-03-05", "2026-03-11") // began before, still on
	past := n("Công ty Cũ", "2026-03-01", "")
	later := n("Công ty Sau", "2026-03-20", "")
	voided := n("Công ty Nhầm", "2026-03-12", "")
	voided.Voided = true
	var buf bytes.Buffer
	got, err := WriteNoticeBoard(&buf, []app.OffPremisesNotice{later, gold, past, voided, running}, NoticeBoardOptions{
		UnitName: "Phường Mỹ Tho", From: time.Date(2026, 3, 10, 9, 0, 0, 0, app.ICT), To: time.Date(2026, 3, 17, 9, 0, 0, 0, app.ICT),
		Printed: time.Date(2026, 3, 10, 9, 0, 0, 0, app.ICT)})
	if err != nil || got != 2 {
		t.Fatalf("WriteNoticeBoard = %d, %v; want 2 sales", got, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(NoticeBoardSheet)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(func() []string {
		var s []string
		for _, r := range rows {
			s = append(s, strings.Join(r, "|"))
		}
		return s
	}(), "\n")
	for _, want := range []string{"UBND PHƯỜNG MỸ THO", NoticeBoardTitle, "Các buổi bán hàng từ ngày 10/03/2026 đến ngày 17/03/2026",
		"khoản 3 Điều 27 Nghị định số 55/2024/NĐ-CP", "Mỹ Tho, ngày 10 tháng 03 năm 2026", "TM. ỦY BAN NHÂN DÂN"} {
		if !strings.Contains(all, want) {
			t.Errorf("the list does not say %q:\n%s", want, all)
		}
	}
	head := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "STT" {
			head = i
		}
	}
	if head < 0 || len(rows) < head+3 {
		t.Fatalf("no table:\n%s", all)
	}
	first, second := rows[head+1], rows[head+2]
	if first[0] != "1" || !strings.HasPrefix(first[2], "Hộ kinh doanh Bình An") || first[1] != "05/03/2026 – 11/03/2026" {
		t.Errorf("row 1 = %q, want the sale running since 05/03", first)
	}
	want := []string{"2", "12/03/2026 – 13/03/2026\n07:30–11:00",
		"Công ty TNHH Sức Khỏe Vàng\n12 Nguyễn Huệ, phường Mỹ Tho\nĐT: 0912345678\nMST/Số ĐKKD: 1801234567",
		"Hội thảo giới thiệu sản phẩm chăm sóc sức khỏe\nBán trực tiếp tại hội trường", "Nhà văn hóa ấp 3",
		"Máy massage\nGiá: 3.500.000 đồng/máy", "Đường dây nóng 0912 345 678"}
	if strings.Join(second, "¦") != strings.Join(want, "¦") {
		t.Errorf("row 2 =\n%q\nwant\n%q", second, want)
	}
	if len(rows) > head+3 && len(rows[head+3]) > 0 && rows[head+3][0] == "3" {
		t.Errorf("a third sale is listed: %q", rows[head+3])
	}
	if strings.Contains(all, "Công ty Cũ") || strings.Contains(all, "Công ty Sau") || strings.Contains(all, "Công ty Nhầm") {
		t.Errorf("a sale outside the period, or voided, is listed:\n%s", all)
	}
}
