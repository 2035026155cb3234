package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/xlsx"
)

// intakeStore makes a store in a temporary folder with one synthetic case
// of Phường Mỹ Tho recorded by "Lê Thị Mai", and returns the folder and
// the case number.
func intakeStore(t *testing.T) (dir, number string) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveOfficer(ctx, "Lê Thị Mai"); err != nil {
		t.Fatal(err)
	}
	c := &app.Case{
		ReceivedAt: time.Date(2025, 11, 4, 19, 30, 0, 0, time.UTC), // 05/11/2025 02:30 ICT
		Channel:    "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912 345 678", ConsumerBirthDate: "1950-03-05",
		VulnerableGroups: []string{"nguoi_cao_tuoi"},
		BusinessName:     "Cửa hàng điện máy Phú Quý", Sector: "dien_tu_gia_dung",
		TransactionValue: 1_250_000, DamageClaimed: 300_000,
		Summary: "Máy giặt mua ngày 20/10/2025 hỏng sau hai tuần.",
	}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	return dir, c.Number
}

func TestExportIntake_Xlsx(t *testing.T) {
	dir, number := intakeStore(t)
	out := filepath.Join(t.TempDir(), "phieu-tiep-nhan.xlsx")
	// The number is found whatever the letter case and spaces typed.
	_, stderr, err := run(t, "export", "--data", dir, "--report", "intake", "--case", " "+strings.ToLower(number)+" ", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, number) || !strings.Contains(stderr, out) {
		t.Fatalf("stderr %q", stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.IntakeSheet)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, r := range rows {
		all.WriteString(strings.Join(r, " | ") + "\n")
	}
	for _, want := range []string{
		"UBND PHƯỜNG MỸ THO | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Số: " + number,
		"PHIẾU TIẾP NHẬN",
		"Khiếu nại của người tiêu dùng",
		"Thời gian tiếp nhận: 02 giờ 30 phút, ngày 05/11/2025",
		"Họ và tên: Nguyễn Thị Hồng Đào",
		"Số điện thoại: 0912345678",
		"Người cao tuổi (từ đủ 60 tuổi)",
		"Giá trị giao dịch: 1.250.000 đồng | Số tiền yêu cầu bồi thường: 300.000 đồng",
		"Mỹ Tho, ngày 05 tháng 11 năm 2025",
		"NGƯỜI TIÊU DÙNG | CÁN BỘ TIẾP NHẬN",
		"Nguyễn Thị Hồng Đào | Lê Thị Mai",   // the officer who recorded the case signs by default
		"THÔNG BÁO VỀ XỬ LÝ DỮ LIỆU CÁ NHÂN", // the notice's page (issue 19)
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("sheet lacks %q", want)
		}
	}
	pl, err := f.GetPageLayout(xlsx.IntakeSheet)
	if err != nil || *pl.Size != 9 || *pl.Orientation != "portrait" || pl.AdjustTo == nil || *pl.AdjustTo > 100 || *pl.AdjustTo < 80 {
		t.Fatalf("page layout %+v (%v)", pl, err)
	}

	// Another officer may sign; "-" writes the file to stdout.
	stdout, _, err := run(t, "export", "--data", dir, "--report", "intake", "--case", number, "--officer", "Trần Văn Bình", "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(bytes.NewReader([]byte(stdout)))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rows, _ = g.GetRows(xlsx.IntakeSheet)
	if last := rows[len(rows)-1]; len(last) != 2 || last[1] != "Trần Văn Bình" {
		t.Fatalf("signing officer %q", last)
	}
}

func TestExportIntake_Errors(t *testing.T) {
	dir, number := intakeStore(t)
	out := filepath.Join(t.TempDir(), "phieu.xlsx")
	for _, tc := range []struct {
		name string
		args []string
		want string
		exit int
	}{
		{"NotFound", []string{"--report", "intake", "--case", "28261-2025-ZZZZ-0099", "--out", out},
			"Lỗi: Không tìm thấy vụ việc số 28261-2025-ZZZZ-0099.", 1},
		{"NoCase", []string{"--report", "intake", "--out", out}, "Cần --case", 2},
		{"CaseWithOtherReport", []string{"--report", "register", "--case", number, "--out", out}, "chỉ dùng với --report intake", 2},
		{"UnknownReportListsIntake", []string{"--report", "phieu", "--out", out}, "register|intake|attendance|annual|notices|dump", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, _, err := run(t, append([]string{"export", "--data", dir}, tc.args...)...)
			var stderr bytes.Buffer
			code := Exit(&stderr, err)
			if code != tc.exit || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.exit, tc.want)
			}
			if strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 || stdout != "" {
				t.Fatalf("stderr %q, stdout %d bytes", stderr.String(), len(stdout))
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("a failed export left %s (%v)", out, err)
			}
		})
	}
}
