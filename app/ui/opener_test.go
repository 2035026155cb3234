package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/cmd/cli"
)

// fakeOpener records what the UI opens; nothing is launched.
type fakeOpener struct {
	dir    string // the print folder
	opened []string
	err    error // returned by Open
}

func (o *fakeOpener) Open(path string) error {
	o.opened = append(o.opened, path)
	return o.err
}

func (o *fakeOpener) PrintDir() (string, error) { return o.dir, nil }

// intakeReports writes a recognisable intake record.
type intakeReports struct{ fakeReports }

func (intakeReports) WriteIntake(_ context.Context, c *app.Case, officer string, w io.Writer) error {
	_, err := io.WriteString(w, "PK phiếu "+c.Number+" "+officer)
	return err
}

// newOpenerFixture is the UI on a real store with reports, the import
// service and a fake opener.
func newOpenerFixture(t *testing.T) (*storeFixture, *fakeOpener) {
	t.Helper()
	fx := newStoreFixture(t)
	o := &fakeOpener{dir: t.TempDir()}
	svc := fx.ui.svc
	svc.Reports = &intakeReports{fakeReports{rows: 7}}
	svc.Imports = cli.ImportService{DB: fx.db, Refs: svc.Refs}
	svc.Opener = o
	fx.ui.Close()
	fx.ui = newUI(fx.win, svc, inline, 0)
	fx.win.SetContent(fx.ui.Content())
	fx.win.Resize(fyne.NewSize(1280, 800))
	fx.ui.Refresh()
	t.Cleanup(fx.ui.Close)
	return fx, o
}

// "In phiếu tiếp nhận" writes the record to the print folder and opens it
// at once (no file dialog); the dialog after it opens the folder and saves
// a copy where the officer chooses, which it then offers to open.
func TestIntake_PrintOpensTheRecord(t *testing.T) {
	fx, o := newOpenerFixture(t)
	c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Phan Thị Ký", Sector: "thuc_pham_do_uong", Summary: "Mua dầu ăn giả."}
	must(t, fx.db.CreateCase(context.Background(), c) == nil, "create")
	fx.ui.openCase(c.ID)
	test.Tap(mustButton(t, fx.win.Content(), "In phiếu tiếp nhận"))

	want := filepath.Join(o.dir, intakeFileName(c))
	must(t, len(o.opened) == 1 && o.opened[0] == want, "opened %q, want the record %s", o.opened, want)
	b, err := os.ReadFile(want)
	must(t, err == nil && string(b) == "PK phiếu "+c.Number+" Lê Văn Tâm", "the printed file holds %q (%v)", b, err)
	dlg := topOverlay(t, fx.win)
	must(t, strings.Contains(strings.Join(texts(dlg), "\n"), "Chọn In (Ctrl+P)"), "dialog %q", texts(dlg))
	test.Tap(mustButton(t, dlg, "Mở thư mục"))
	must(t, len(o.opened) == 2 && o.opened[1] == o.dir, "opened %q, want the folder", o.opened)

	// Printed again while the first file cannot be written (Excel holds
	// it on Windows; here a folder of that name stands in): another name.
	must(t, os.Remove(want) == nil && os.Mkdir(want, 0o700) == nil, "make the name unwritable")
	test.Tap(mustButton(t, fx.win.Content(), "In phiếu tiếp nhận"))
	last := o.opened[len(o.opened)-1]
	must(t, last != want && strings.HasPrefix(filepath.Base(last), "phieu-tiep-nhan-") && filepath.Dir(last) == o.dir,
		"second print opened %q", last)

	// "Lưu bản sao…": the file dialog, then "Mở tệp".
	var saved bytes.Buffer
	fx.ui.reports.saveTo = func(name string, write func(io.Writer) error, done func(string, error)) {
		err := write(&saved)
		done("/tmp/luu/"+name, err)
	}
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Lưu bản sao…"))
	must(t, strings.HasPrefix(saved.String(), "PK phiếu "+c.Number), "saved %q", saved.String())
	dlg = topOverlay(t, fx.win)
	must(t, strings.Contains(strings.Join(texts(dlg), "\n"), "Đã lưu /tmp/luu/"+intakeFileName(c)), "dialog %q", texts(dlg))
	test.Tap(mustButton(t, dlg, "Mở tệp"))
	must(t, o.opened[len(o.opened)-1] == "/tmp/luu/"+intakeFileName(c), "opened %q", o.opened)
}

// A laptop without a program for .xlsx: the record is written and the
// dialog says where, and why it did not open.
func TestIntake_PrintWhenTheFileCannotBeOpened(t *testing.T) {
	fx, o := newOpenerFixture(t)
	o.err = app.Errorf(app.EINTERNAL, "Máy không mở được tệp bằng chương trình mặc định.")
	c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Phan Thị Ký", Sector: "thuc_pham_do_uong", Summary: "Mua dầu ăn giả."}
	must(t, fx.db.CreateCase(context.Background(), c) == nil, "create")
	fx.ui.openCase(c.ID)
	test.Tap(mustButton(t, fx.win.Content(), "In phiếu tiếp nhận"))
	text := strings.Join(texts(topOverlay(t, fx.win)), "\n")
	must(t, strings.Contains(text, "chưa mở được để in") && strings.Contains(text, "Máy không mở được tệp") &&
		strings.Contains(text, intakeFileName(c)), "dialog %q", text)
	_, err := os.Stat(filepath.Join(o.dir, intakeFileName(c)))
	must(t, err == nil, "the record was not written: %v", err)
}

// The Báo cáo screen offers "Mở tệp" and "Mở thư mục" once a report is
// written, and not before.
func TestReports_ExportOffersOpenFileAndFolder(t *testing.T) {
	fx, o := newOpenerFixture(t)
	s := fx.ui.reports
	s.saveTo = func(n string, write func(io.Writer) error, done func(string, error)) {
		done("/tmp/bao-cao/"+n, write(io.Discard))
	}
	fx.win.SetContent(s.content)
	must(t, !s.files.box.Visible(), "Mở tệp before any export")
	s.kind.SetSelectedIndex(3)
	test.Tap(s.export)
	must(t, strings.Contains(s.msg.Text, "Đã xuất 7 dòng"), "message %q", s.msg.Text)
	test.Tap(mustButton(t, s.content, "Mở tệp"))
	test.Tap(mustButton(t, s.content, "Mở thư mục"))
	must(t, len(o.opened) == 2 && strings.HasPrefix(o.opened[0], "/tmp/bao-cao/bao-cao-nam-") && o.opened[1] == "/tmp/bao-cao",
		"opened %q", o.opened)
	// A failure to open is said on the screen.
	o.err = errors.New("no program")
	test.Tap(mustButton(t, s.content, "Mở tệp"))
	must(t, strings.HasPrefix(s.msg.Text, "Không mở được /tmp/bao-cao/bao-cao-nam-"), "message %q", s.msg.Text)
	// Another choice of report: the buttons go.
	s.kind.SetSelectedIndex(0)
	must(t, !s.files.box.Visible(), "Mở tệp stays after the choice changed")
}

// The import dialog offers to open the workbook of the error rows it saved.
func TestImport_SavedErrorsOfferOpenFile(t *testing.T) {
	fx, o := newOpenerFixture(t)
	im := fx.ui.cases.imports
	im.openFile = func(done func(string, []byte, error)) {
		done("so.xlsx", workbook(t, [][]any{
			{"Nội dung", "Ngày tiếp nhận", "Người tiêu dùng", "Lĩnh vực", "Kênh tiếp nhận", "Loại vụ việc"},
			{"Mua sữa hết hạn", "31/02/2026", "Nguyễn Văn A", "thuc pham", "Trực tiếp", "Phản ánh"},
		}), nil)
	}
	im.saveTo = func(name string, write func(io.Writer) error, done func(string, error)) {
		done("/tmp/loi/"+name, write(io.Discard))
	}
	mustButton(t, fx.win.Content(), "Nhập sổ từ Excel…").OnTapped()
	v := im.view
	must(t, v != nil && len(v.errs) == 1, "no error row to save")
	must(t, !v.files.box.Visible(), "Mở tệp before saving")
	v.saveErrs.OnTapped()
	must(t, v.files.box.Visible(), "no Mở tệp after saving: %q", v.msg.Text)
	v.files.open.OnTapped()
	v.files.folder.OnTapped()
	must(t, len(o.opened) == 2 && o.opened[0] == "/tmp/loi/so-dong-loi.xlsx" && o.opened[1] == "/tmp/loi", "opened %q", o.opened)
}

// The system opener makes its print folder, and refuses a path that is
// not there without launching anything.
func TestSystemOpener_PrintDirAndMissingFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "phieu-in")
	o := SystemOpener{Dir: dir}
	got, err := o.PrintDir()
	st, serr := os.Stat(dir)
	must(t, err == nil && got == dir && serr == nil && st.IsDir(), "print dir %q (%v, %v)", got, err, serr)
	err = o.Open(filepath.Join(dir, "khong-co.xlsx"))
	must(t, app.ErrorCode(err) == app.ENOTFOUND && strings.Contains(app.ErrorMessage(err), "Không tìm thấy tệp"), "open a missing file: %v", err)
}
