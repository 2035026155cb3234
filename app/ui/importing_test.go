package ui

// The import dialog on a real store, with the service of the desktop
// program (cmd/cli.ImportService); the workbooks are made here with
// excelize, with synthetic people.

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/cmd/cli"
)

// importFixture is the UI on a real store with the import service, the
// file dialogs replaced: the next file "opened" is file, the error
// workbook is written to saved.
type importFixture struct {
	*storeFixture
	im    *importer
	file  []byte
	saved bytes.Buffer
	path  string // the file the last save went to
}

func newImportFixture(t *testing.T) *importFixture {
	t.Helper()
	fx := &importFixture{storeFixture: newStoreFixture(t)}
	svc := fx.ui.svc
	svc.Imports = cli.ImportService{DB: fx.db, Refs: svc.Refs}
	fx.ui = newUI(fx.win, svc, inline, 0)
	fx.win.SetContent(fx.ui.Content())
	fx.win.Resize(fyne.NewSize(1280, 800))
	fx.ui.Refresh()
	t.Cleanup(fx.ui.Close)
	fx.im = fx.ui.cases.imports
	must(t, fx.im != nil && fx.ui.training.imports == fx.im, "the importer is not wired")
	fx.im.openFile = func(done func(string, []byte, error)) { done("danh-sach.xlsx", fx.file, nil) }
	fx.im.saveTo = func(name string, write func(io.Writer) error, done func(string, error)) {
		fx.saved.Reset()
		err := write(&fx.saved)
		fx.path = "/tmp/" + name
		done(fx.path, err)
	}
	return fx
}

// workbook returns the .xlsx bytes of rows (Excel row i+1 is rows[i]).
func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tableColumn returns the texts of the preview table's column titled
// title, without the header line; nil if there is no such column.
func previewColumn(v *importView, title string) []string {
	rows, cols := v.tableSize()
	for c := 0; c < cols; c++ {
		if v.cellText(0, c) != title {
			continue
		}
		var out []string
		for r := 1; r < rows; r++ {
			out = append(out, v.cellText(r, c))
		}
		return out
	}
	return nil
}

// rosterRows is a roster as offices keep them: two title lines, the
// header in row 3, one bad phone (row 6).
var rosterRows = [][]any{
	{"DANH SÁCH ĐẠI BIỂU THAM DỰ LỚP TẬP HUẤN"},
	{"Phường Mỹ Tho, ngày 20 tháng 11 năm 2026"},
	{"STT", "Họ và tên", "Đơn vị", "Điện thoại", "Đối tượng"},
	{1, "Nguyễn Văn Bình", "Chợ Mỹ Tho", "0912000201", "Hộ kinh doanh, tiểu thương"},
	{2, "Trần Thị Cúc", "Hội Liên hiệp Phụ nữ phường", "0912000202", "người dân"},
	{3, "Lê Văn Dũng", "", "12ab", "Người dân"},
	{4, "Phạm Thị Én", "Hợp tác xã Tân Thành", "", "Người dân"},
}

func TestImport_RosterIntoSession(t *testing.T) {
	fx := newImportFixture(t)
	ctx := context.Background()
	session := &app.TrainingSession{Title: "Tập huấn nhận biết hàng giả", StartDate: fx.today(), Status: "ke_hoach",
		Planned: 30, Format: "truc_tiep", PlanTasks: []string{"IV.1"}, Audiences: []string{"nguoi_dan"}}
	if err := fx.db.SaveRecord(ctx, session); err != nil {
		t.Fatal(err)
	}
	fx.file = workbook(t, rosterRows)
	fx.ui.training.openSession(session.ID)
	sv := fx.ui.training.view
	must(t, sv != nil && sv.loaded && sv.imp.Visible(), "the session shows no import button")
	must(t, sv.imp.Text == "Nhập danh sách từ Excel…", "button %q", sv.imp.Text)

	counts := func(v *importView, valid, invalid int) {
		t.Helper()
		must(t, v.check.Valid == valid && v.check.Invalid == invalid, "%d valid, %d invalid rows; want %d, %d (%v)",
			v.check.Valid, v.check.Invalid, valid, invalid, v.check.Errors)
	}
	sv.imp.OnTapped()
	v := fx.im.view
	must(t, v != nil, "no import dialog")
	must(t, v.mapping.HeaderRow == 3 && v.header.SelectedIndex() == 2, "header row %d, select %d; want row 3",
		v.mapping.HeaderRow, v.header.SelectedIndex())
	must(t, v.columns["phone"].Selected == "D – Điện thoại", "phone maps to %q", v.columns["phone"].Selected)
	counts(v, 3, 1)
	must(t, strings.Join(previewColumn(v, "Dòng"), " ") == "4 5 6 7", "rows %v", previewColumn(v, "Dòng"))
	must(t, strings.Join(previewColumn(v, "Họ và tên"), ", ") == "Nguyễn Văn Bình, Trần Thị Cúc, Lê Văn Dũng, Phạm Thị Én",
		"names %v", previewColumn(v, "Họ và tên"))
	must(t, previewColumn(v, "Tình trạng")[2] == "Lỗi" && previewColumn(v, "Tình trạng")[0] == "Người mới",
		"statuses %v", previewColumn(v, "Tình trạng"))
	must(t, strings.HasPrefix(v.errList.Text, "Dòng 6, cột Điện thoại: "), "errors %q", v.errList.Text)
	must(t, v.apply.Text == "Nhập 3 dòng hợp lệ" && !v.apply.Disabled(), "apply %q", v.apply.Text)
	must(t, !v.saveErrs.Disabled(), "nothing to save")
	// Keyboard alone: the dialog opens on the header row, Tab walks the
	// mapping to the import button.
	k := keyboard{t, fx.win.Canvas()}
	must(t, k.c.Focused() == v.header, "the dialog opens with the focus on %T", k.c.Focused())
	k.to(v.columns["phone"], 20)
	k.to(v.apply, 40)

	// The mapping step: without the phone column the row is good, and
	// the preview follows; with it back, the error is back.
	v.columns["phone"].SetSelectedIndex(0)
	counts(v, 4, 0)
	must(t, previewColumn(v, "Điện thoại") == nil, "the phone column is still previewed")
	must(t, v.errList.Text == "Không có dòng lỗi.", "errors %q", v.errList.Text)
	v.columns["phone"].SetSelected("D – Điện thoại")
	counts(v, 3, 1)
	// A column holds one field: the workplace column given to the
	// phone takes it from the workplace.
	v.columns["phone"].SetSelected("C – Đơn vị")
	must(t, v.columns["workplace"].SelectedIndex() == 0, "column C still holds the workplace")
	v.columns["phone"].SetSelected("D – Điện thoại")
	v.columns["workplace"].SetSelected("C – Đơn vị")
	counts(v, 3, 1)

	v.apply.OnTapped()
	must(t, strings.HasPrefix(v.msg.Text, "Đã nhập 3 người vào danh sách tham dự (3 người mới"), "outcome %q", v.msg.Text)
	must(t, strings.Contains(v.msg.Text, "và 1 dòng lỗi"), "outcome %q", v.msg.Text)
	att, err := fx.db.Records(ctx, app.EntityAttendance, app.RecordQuery{SessionID: session.ID})
	must(t, err == nil && len(att) == 3, "%d attendance rows (%v), want 3", len(att), err)
	must(t, len(sv.att) == 3, "the session screen shows %d on the register, want 3", len(sv.att))
	must(t, strings.Join(previewColumn(v, "Tình trạng"), ",") == "Đã điểm danh,Đã điểm danh,Lỗi,Đã điểm danh",
		"statuses after the import %v", previewColumn(v, "Tình trạng"))
	v.close()

	// The same file again adds nothing.
	sv.imp.OnTapped()
	v = fx.im.view
	must(t, v != nil, "no import dialog")
	v.apply.OnTapped()
	must(t, strings.HasPrefix(v.msg.Text, "Đã nhập 0 người vào danh sách tham dự (0 người mới"), "outcome %q", v.msg.Text)
	att, _ = fx.db.Records(ctx, app.EntityAttendance, app.RecordQuery{SessionID: session.ID})
	people, _ := fx.db.Records(ctx, app.EntityParticipant, app.RecordQuery{})
	must(t, len(att) == 3 && len(people) == 3, "%d attendance rows, %d people after the second import; want 3, 3", len(att), len(people))

	// The invalid row back as a workbook with a "Lỗi" column.
	v.saveErrs.OnTapped()
	must(t, strings.HasPrefix(v.msg.Text, "Đã lưu 1 dòng lỗi vào /tmp/danh-sach-dong-loi.xlsx"), "save %q", v.msg.Text)
	f, err := excelize.OpenReader(bytes.NewReader(fx.saved.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	must(t, len(rows) == 2, "%d rows in the error workbook, want the header and one: %v", len(rows), rows)
	errCol := len(rows[0]) - 1
	must(t, rows[0][errCol] == "Lỗi" && rows[0][1] == "Họ và tên", "header %v", rows[0])
	must(t, rows[1][1] == "Lê Văn Dũng" && strings.Contains(rows[1][errCol], "Dòng 6") &&
		strings.Contains(rows[1][errCol], "Điện thoại"), "error row %v", rows[1])
}

func TestImport_RosterButtonHiddenWhenLocked(t *testing.T) {
	fx := newImportFixture(t)
	old := fx.daysAgo(30)
	session := &app.TrainingSession{Title: "Lớp cũ", StartDate: old, Status: "da_to_chuc", Planned: 10,
		Format: "truc_tiep", PlanTasks: []string{"IV.1"}, Audiences: []string{"nguoi_dan"}}
	if err := fx.db.SaveRecord(context.Background(), session); err != nil {
		t.Fatal(err)
	}
	fx.ui.training.openSession(session.ID)
	sv := fx.ui.training.view
	must(t, sv.loaded && sv.locked && !sv.imp.Visible(), "a locked register offers the import (locked %v)", sv.locked)
}

func TestImport_RegisterIntoCases(t *testing.T) {
	fx := newImportFixture(t)
	day := func(n int) string { return FormatDate(fx.clock.Peek().In(ICT).AddDate(0, 0, -n)) }
	fx.file = workbook(t, [][]any{
		{"SO THEO DOI TIEP NHAN PHAN ANH"},
		{"Noi dung", "Ngay tiep nhan", "SDT", "Ho ten nguoi phan anh", "Linh vuc", "Doanh nghiep", "So vu viec"},
		{"Mua sua het han tai cua hang", day(20), "0912 000 301", "Nguyen Thi Thu", "thuc pham", "Tap hoa Phu Quy", "IMP-01"},
		{"Goi cuoc bi tru tien", day(15), "0912000302", "Tran Van Hai", "Vien thong", "Nha mang X", "IMP-02"},
		{"Khong ro", "31/02/2026", "abc", "Le Van Cu", "thuc pham", "", "IMP-03"},
		{"Dat hang online nhan hang gia", day(3), "", "Le Thi Lan", "TMDT", "Shop Y", "IMP-04"},
	})
	before := fx.ui.cases.allN
	b := mustButton(t, fx.win.Content(), "Nhập sổ từ Excel…")
	b.OnTapped()
	v := fx.im.view
	must(t, v != nil, "no import dialog")
	must(t, v.mapping.HeaderRow == 2, "header row %d", v.mapping.HeaderRow)
	for f, want := range map[string]string{"summary": "A – Noi dung", "received_at": "B – Ngay tiep nhan",
		"consumer_phone": "C – SDT", "consumer_name": "D – Ho ten nguoi phan anh", "sector": "E – Linh vuc",
		"business_name": "F – Doanh nghiep", "number": "G – So vu viec"} {
		must(t, v.columns[f].Selected == want, "%s maps to %q, want %q", f, v.columns[f].Selected, want)
	}
	// No channel nor kind column: the mapping step asks for defaults.
	must(t, v.apply.Disabled() && strings.Contains(v.msg.Text, "Kênh tiếp nhận"), "message %q", v.msg.Text)
	v.defaults["channel"].SetSelectedIndex(1 + indexOf(app.Channels, "truc_tiep"))
	v.defaults["kind"].SetSelectedIndex(1 + indexOf(app.CaseKinds, "phan_anh"))
	must(t, v.check.Valid == 3 && v.check.Invalid == 1, "%d valid, %d invalid: %v", v.check.Valid, v.check.Invalid, v.check.Errors)
	must(t, strings.Contains(v.errList.Text, "Dòng 5, cột Ngay tiep nhan: "), "errors %q", v.errList.Text)
	must(t, v.apply.Text == "Nhập 3 dòng hợp lệ" && !v.apply.Disabled(), "apply %q", v.apply.Text)
	v.apply.OnTapped()
	must(t, v.msg.Text == "Đã nhập 3 vụ việc; bỏ qua 0 dòng đã nhập trước đó và 1 dòng lỗi.", "outcome %q", v.msg.Text)
	must(t, fx.ui.cases.allN == before+3, "the list shows %d cases, want %d", fx.ui.cases.allN, before+3)
	names := map[string]bool{}
	for _, r := range fx.ui.cases.rows {
		names[r.Case.ConsumerName] = true
	}
	must(t, names["Nguyen Thi Thu"] && names["Tran Van Hai"] && names["Le Thi Lan"], "cases listed: %v", names)

	// Again: nothing added.
	v.apply.OnTapped()
	must(t, v.msg.Text == "Đã nhập 0 vụ việc; bỏ qua 3 dòng đã nhập trước đó và 1 dòng lỗi.", "outcome %q", v.msg.Text)
	must(t, fx.ui.cases.allN == before+3, "the list shows %d cases after a second import", fx.ui.cases.allN)
}

func TestImport_NotAWorkbook(t *testing.T) {
	fx := newImportFixture(t)
	fx.file = []byte("Họ và tên,Điện thoại\n")
	mustButton(t, fx.win.Content(), "Nhập sổ từ Excel…").OnTapped()
	v := fx.im.view
	must(t, v != nil && strings.Contains(v.msg.Text, "không phải bảng tính Excel"), "message %q", v.msg.Text)
	must(t, v.apply.Disabled() && v.saveErrs.Disabled(), "buttons enabled on a bad file")
}

func indexOf(l app.CodeList, code string) int {
	for i, c := range l {
		if c.Code == code {
			return i
		}
	}
	return -1
}

// The register the app exports is imported again by the dialog with the
// columns it proposes: no "Chưa chọn cột", every case recognised (nothing
// added to the same store).
func TestImport_OwnRegisterRoundTrip(t *testing.T) {
	ctx := context.Background()
	fx := newImportFixture(t)
	for i, name := range []string{"Nguyễn Thị Hồng Đào", "Trần Văn Bình"} {
		c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour - time.Duration(i)*time.Minute), Channel: "truc_tiep", Kind: "khieu_nai",
			ConsumerName: name, ConsumerPhone: "091234567" + strconv.Itoa(i), Sector: "thuc_pham_do_uong",
			Summary: "Mua sữa hết hạn sử dụng, đề nghị đổi hàng."}
		if err := fx.db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	fx.ui.Refresh()
	var buf bytes.Buffer
	n, err := cli.WriteReport(ctx, fx.db, fx.ui.svc.Refs, &buf, app.ReportRequest{Report: app.ReportRegister,
		Year: app.ReportYearOf(fx.clock.Now().Add(-time.Hour)), Unmask: true, Reason: "Nhập lại sổ vào máy"})
	must(t, err == nil && n == 2, "register of %d cases (%v)", n, err)
	fx.file = buf.Bytes()
	before := fx.ui.cases.allN
	mustButton(t, fx.win.Content(), "Nhập sổ từ Excel…").OnTapped()
	v := fx.im.view
	must(t, v != nil, "no import dialog")
	must(t, !strings.Contains(v.msg.Text, "Chưa chọn cột"), "the register's own columns are not found: %q", v.msg.Text)
	for f, title := range map[string]string{"summary": "Nội dung", "received_at": "Ngày tiếp nhận", "consumer_name": "Người tiêu dùng",
		"channel": "Kênh tiếp nhận", "kind": "Loại vụ việc", "sector": "Lĩnh vực", "status": "Trạng thái", "number": "Số vụ việc"} {
		must(t, strings.HasSuffix(v.columns[f].Selected, "– "+title), "%s maps to %q, want the column %q", f, v.columns[f].Selected, title)
	}
	must(t, v.check.Valid == 2 && v.check.Invalid == 0, "%d valid, %d invalid: %v", v.check.Valid, v.check.Invalid, v.check.Errors)
	must(t, strings.Join(previewColumn(v, "Tình trạng"), ",") == "Đã nhập trước đó,Đã nhập trước đó", "statuses %v", previewColumn(v, "Tình trạng"))
	v.apply.OnTapped()
	must(t, strings.HasPrefix(v.msg.Text, "Đã nhập 0 vụ việc; bỏ qua 2 dòng đã nhập trước đó"), "outcome %q", v.msg.Text)
	must(t, fx.ui.cases.allN == before, "the list shows %d cases, want %d", fx.ui.cases.allN, before)
}
