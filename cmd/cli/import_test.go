package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// writeBook writes rows (from row 1) as the first sheet of an .xlsx file.
func writeBook(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// importStore makes a store for commune 28261 with one training session
// held today, and returns the session's id.
func importStore(t *testing.T, dir string) string {
	t.Helper()
	ctx := context.Background()
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	s := &app.TrainingSession{Title: "Tập huấn thử", Format: "truc_tiep", Status: "da_to_chuc",
		StartDate: clockOf(t).Peek().In(app.ICT).Format(time.DateOnly)}
	if err := db.SaveRecord(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func withImportStore(t *testing.T, dir string, fn func(*storage.DB)) {
	t.Helper()
	db, _, err := OpenStore(context.Background(), dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn(db)
}

// A roster of 40 with 3 bad rows: 37 are imported, the 3 listed by row and
// written back; importing it again adds nothing.
func TestImport_Roster(t *testing.T) {
	dir := t.TempDir()
	session := importStore(t, dir)
	rows := [][]any{
		{"DANH SÁCH NGƯỜI THAM DỰ"},
		{"STT", "Ho va ten", "Dien thoai", "Doi tuong", "Noi cong tac"},
	}
	for i := 1; i <= 40; i++ {
		row := []any{i, fmt.Sprintf("Nguyễn Văn Thử %d", i), fmt.Sprintf("0912%06d", i), "nguoi dan", "Ấp Thử"}
		switch i {
		case 5:
			row[1] = ""
		case 20:
			row[2] = "12345"
		case 33:
			row[3] = "Du khách"
		}
		rows = append(rows, row)
	}
	file := filepath.Join(dir, "roster.xlsx")
	writeBook(t, file, rows)
	errFile := filepath.Join(dir, "loi.xlsx")
	stdout, stderr, err := run(t, "import", "--data", dir, "--roster", file, "--session", session, "--errors", errFile)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.HasPrefix(stdout, "Đã nhập 37 dòng, bỏ qua 3 dòng lỗi") {
		t.Fatalf("stdout %q", stdout)
	}
	for _, want := range []string{
		"Dòng 7, cột Ho va ten: Thiếu họ và tên.",
		"Dòng 22, cột Dien thoai: Số điện thoại không hợp lệ: 12345",
		"Dòng 35, cột Doi tuong: Đối tượng không có trong danh mục: Du khách.",
		"Đã ghi 3 dòng lỗi vào " + errFile,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	b, err := os.ReadFile(errFile)
	if err != nil {
		t.Fatal(err)
	}
	back, err := xlsx.ReadSheet(bytes.NewReader(b))
	if err != nil || len(back.Rows) != 4 || back.Cell(1, 5) != "Lỗi" || !strings.HasPrefix(back.Cell(3, 5), "Dòng 22 – ") {
		t.Fatalf("errors workbook: %v %q", err, back.Rows)
	}
	var outbox int
	withImportStore(t, dir, func(db *storage.DB) {
		as, err := storage.ListRecords[app.Attendance](context.Background(), db, storage.RecordQuery{SessionID: session})
		if err != nil || len(as) != 37 {
			t.Fatalf("%d attendance rows, %v", len(as), err)
		}
		outbox, _, _ = db.OutboxCount(context.Background())
	})
	stdout, _, err = run(t, "import", "--data", dir, "--roster", file, "--session", session)
	if err != nil || !strings.HasPrefix(stdout, "Đã nhập 0 dòng, bỏ qua 3 dòng lỗi (0 người mới, 37 người đã có trong danh sách; 37 dòng đã điểm danh từ trước)") {
		t.Fatalf("second import: %q, %v", stdout, err)
	}
	withImportStore(t, dir, func(db *storage.DB) {
		ps, _ := storage.ListRecords[app.Participant](context.Background(), db, storage.RecordQuery{})
		n, _, _ := db.OutboxCount(context.Background())
		if len(ps) != 37 || n != outbox {
			t.Fatalf("after the second import: %d participants, outbox %d → %d", len(ps), outbox, n)
		}
	})
}

// A register with its own column order, without diacritics, and without
// a channel column (given by --default): imported once.
func TestImport_Register(t *testing.T) {
	dir := t.TempDir()
	importStore(t, dir)
	file := filepath.Join(dir, "so.xlsx")
	today := clocktest.Day(clockOf(t).Peek())
	day := func(n int) string { return today.AddDate(0, 0, -n).Format("02/01/2006") }
	writeBook(t, file, [][]any{
		{"SO THEO DOI"},
		{},
		{"Tom tat noi dung", "Ho ten nguoi phan anh", "Ngay tiep nhan", "Loai", "Linh vuc", "So dien thoai", "Doanh nghiep", "So vu viec"},
		{"Mua sua het han", "Nguyen Thi Thu", day(30), "khieu nai", "thuc pham", "0912000001", "Tap hoa A", "1"},
		{"Hoi ve bao hanh", "Le Van Thu", day(20), "tu van", "khac", "", "", "2"},
		{"", "Pham Van Thu", day(10), "phan anh", "khac", "", "", "3"},
	})
	args := []string{"import", "--data", dir, "--register", file}
	_, stderr, err := run(t, args...)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "Kênh tiếp nhận") || Exit(&bytes.Buffer{}, err) != 2 {
		t.Fatalf("no channel column: %v\n%s", err, stderr)
	}
	args = append(args, "--default", "channel=Trực tiếp")
	stdout, stderr, err := run(t, args...)
	if err != nil || !strings.HasPrefix(stdout, "Đã nhập 2 dòng, bỏ qua 1 dòng lỗi") ||
		!strings.Contains(stderr, "Dòng 6, cột Tom tat noi dung: Chưa nhập nội dung vụ việc.") {
		t.Fatalf("import: %q %q %v", stdout, stderr, err)
	}
	stdout, _, err = run(t, args...)
	if err != nil || !strings.HasPrefix(stdout, "Đã nhập 0 dòng, bỏ qua 1 dòng lỗi (2 dòng đã nhập trước đó)") {
		t.Fatalf("second import: %q %v", stdout, err)
	}
	withImportStore(t, dir, func(db *storage.DB) {
		cases, _ := db.ListCases(context.Background(), app.CaseQuery{})
		if len(cases) != 2 || cases[1].ConsumerName != "Nguyen Thi Thu" || cases[1].Channel != "truc_tiep" || cases[1].Kind != "khieu_nai" {
			t.Fatalf("cases %+v", cases)
		}
	})
	// A dry run reads and checks, and writes nothing.
	stdout, _, err = run(t, append(args, "--dry-run")...)
	if err != nil || !strings.HasPrefix(stdout, "Kiểm tra (chưa ghi): sẽ nhập 0 dòng") {
		t.Fatalf("dry run: %q %v", stdout, err)
	}
}

func TestImport_BadFileAndUsage(t *testing.T) {
	dir := t.TempDir()
	session := importStore(t, dir)
	bad := filepath.Join(dir, "hong.xlsx")
	if err := os.WriteFile(bad, []byte("PK\x03\x04 không phải tệp Excel"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--roster", bad, "--session", session}, "hong.xlsx: Tệp Excel bị hỏng"},
		{[]string{"--roster", filepath.Join(dir, "khong-co.xlsx"), "--session", session}, "Không mở được tệp"},
		{[]string{"--roster", bad}, "Cần --session"},
		{[]string{"--register", bad, "--roster", bad}, "Cần một trong hai"},
		{[]string{}, "Cần một trong hai"},
	} {
		_, _, err := run(t, append([]string{"import", "--data", dir}, c.args...)...)
		var stderr bytes.Buffer
		if code := Exit(&stderr, err); code != 2 || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr.String(), c.msg)
		}
	}
	noHeader := filepath.Join(dir, "khong-tieu-de.xlsx")
	writeBook(t, noHeader, [][]any{{"a", "b"}, {"c", "d"}})
	_, _, err := run(t, "import", "--data", dir, "--roster", noHeader, "--session", session)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "Không tìm thấy dòng tiêu đề") {
		t.Errorf("no header: %v", err)
	}
	// --columns maps a file without a header row.
	stdout, _, err := run(t, "import", "--data", dir, "--roster", noHeader, "--session", session, "--header", "0",
		"--columns", "full_name=A")
	if err != nil || !strings.HasPrefix(stdout, "Đã nhập 2 dòng, bỏ qua 0 dòng lỗi") {
		t.Errorf("--columns: %q %v", stdout, err)
	}
}
