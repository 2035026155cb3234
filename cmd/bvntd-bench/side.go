package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app/xlsx"
)

// runSide runs the sync scenarios with the server in its own process, so
// that each side's CPU is measured apart, optionally on a given set of
// records (the ones another system is measured on, fed to
// `bvntd import --register`):
//
//	go run ./cmd/bvntd-bench side [--records FILE.xlsx] [--scenarios a,b,c,d128k,e256,b256] [--out FILE.md]
//
// `bvntd-bench records --out FILE.xlsx` writes a synthetic register to
// feed it (makeRecords).
func runSide(args []string, stdout, stderr io.Writer) int {
	return runSync("bvntd-bench side", true, args, stdout, stderr)
}

// importRecords fills the template device d with the register
// Config.Records: a commune set up with no case, then the import.
func (b *Bench) importRecords(d *device) error {
	if err := d.run(nil, "demo", "--commune", Commune, "--complaints", "0", "--plain"); err != nil {
		return err
	}
	if err := d.run(nil, "import", "--register", b.cfg.Records,
		"--default", "channel=truc_tiep,kind=khieu_nai,sector=khac"); err != nil {
		return err
	}
	n, err := d.count()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: no row imported", b.cfg.Records)
	}
	b.cfg.Cases = n
	b.logf("  (imported %d cases from %s)", n, b.cfg.Records)
	return nil
}

// runRecords writes a synthetic complaint register (makeRecords).
func runRecords(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bvntd-bench records", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "the register to write (.xlsx)")
	rows := fs.Int("rows", refCases, "rows")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil || *out == "" || *rows < 1 {
		fmt.Fprintln(stderr, "usage: bvntd-bench records --out FILE.xlsx [--rows 10000] [--seed 1]")
		return 2
	}
	if err := makeRecords(*out, *rows, *seed, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %d rows\n", *out, *rows)
	return 0
}

// makeRecords writes rows synthetic cases, received over the 300 days
// from day on (in the past, or the import refuses them), as a
// complaint register the importer reads (its column names): a consumer, a
// business, and a summary of a few sentences of Vietnamese, so that a
// case's JSON is about 1.3 KB — the size of the records the issue's
// side-by-side measured (issue 22), about 1.6 times the demo cases.
func makeRecords(path string, rows int, seed uint64, day time.Time) error {
	rng := rand.New(rand.NewPCG(seed, 22))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương"}
	middle := []string{"Văn", "Thị", "Hoàng", "Minh", "Ngọc", "Thanh", "Hữu", "Kim", "Quốc", "Bảo"}
	given := []string{"An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quyên", "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến"}
	hamlet := []string{"Ấp Mỹ Hưng", "Ấp Tân Thuận", "Khóm 3", "Ấp Hòa Long", "Ấp Bình Thạnh", "Khóm Mỹ Phú", "Ấp An Hòa"}
	shops := []string{"Cửa hàng Điện máy", "Siêu thị mini", "Nhà thuốc", "Cửa hàng tạp hóa", "Đại lý vật tư nông nghiệp", "Cửa hàng điện thoại", "Công ty TNHH Thương mại", "Hộ kinh doanh"}
	goods := []string{"nồi cơm điện", "tủ lạnh", "điện thoại di động", "phân bón", "thuốc bảo vệ thực vật", "sữa bột trẻ em", "bánh kẹo", "nước mắm", "máy bơm nước", "xe máy điện", "gói cước internet"}
	faults := []string{"bị lỗi ngay sau khi mua", "hết hạn sử dụng", "không đúng chất lượng đã quảng cáo", "bị tính giá cao hơn giá niêm yết",
		"không có hóa đơn chứng từ", "không được bảo hành theo cam kết", "giao thiếu số lượng", "có dấu hiệu hàng giả"}
	asks := []string{"Đề nghị cửa hàng đổi sản phẩm mới và hoàn lại chi phí đi lại.", "Đề nghị hoàn trả tiền và bồi thường thiệt hại theo quy định.",
		"Đề nghị cơ quan chức năng kiểm tra, xử lý và hỗ trợ thương lượng.", "Người tiêu dùng đã liên hệ nhiều lần nhưng cửa hàng không giải quyết."}

	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cols := []xlsx.Field{xlsx.FieldNumber, xlsx.FieldReceivedAt, xlsx.FieldConsumerName, xlsx.FieldConsumerAddress,
		xlsx.FieldConsumerPhone, xlsx.FieldBusinessName, xlsx.FieldBusinessAddress, xlsx.FieldSummary}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = xlsx.FieldLabel(c)
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i := range rows {
		at := day.AddDate(0, 0, i*300/rows)
		name := pick(family) + " " + pick(middle) + " " + pick(given)
		item := pick(goods)
		var summary strings.Builder
		fmt.Fprintf(&summary, "Ngày %s, ông/bà %s mua %s tại %s %s với giá %d.000 đồng. ", at.Format("02/01/2006"), name, item,
			pick(shops), pick(given), 50+rng.IntN(9000))
		fmt.Fprintf(&summary, "Sau khi sử dụng, người tiêu dùng phát hiện sản phẩm %s, %s. ", pick(faults), pick(faults))
		fmt.Fprintf(&summary, "Người tiêu dùng đã mang sản phẩm và hóa đơn đến cửa hàng ngày %s nhưng chưa được giải quyết thỏa đáng. %s %s",
			at.AddDate(0, 0, 2).Format("02/01/2006"), pick(asks), pick(asks))
		row := []any{
			fmt.Sprintf("%s-%d-BEN%d-%05d", Commune, at.Year(), i%10, i+1), at.Format("02/01/2006"), name,
			fmt.Sprintf("Số %d, %s, xã Thử Nghiệm, tỉnh Đồng Tháp", 1+rng.IntN(300), pick(hamlet)),
			fmt.Sprintf("09%08d", rng.IntN(100_000_000)),
			pick(shops) + " " + pick(given) + " " + pick(family),
			fmt.Sprintf("Số %d đường %s, %s", 1+rng.IntN(500), pick(given), pick(hamlet)),
			summary.String(),
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return f.SaveAs(path)
}
