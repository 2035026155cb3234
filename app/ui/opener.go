package ui

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// Opener opens files and folders in the programs the system gives them:
// an .xlsx in Excel or LibreOffice Calc (to print it), a folder in the file
// manager. Tests replace it with one that records what was opened.
type Opener interface {
	// Open opens the file or folder at path (an operating-system path).
	Open(path string) error
	// PrintDir returns the folder (created if need be) that a record
	// printed straight away ("In phiếu tiếp nhận") is written to.
	PrintDir() (string, error)
}

// SystemOpener opens files with the system's default programs: Windows'
// file associations (through Explorer), macOS' open, xdg-open elsewhere.
// It does not wait for the program to end.
type SystemOpener struct {
	// Dir is the folder of printed records; "" is a folder "bvntd-in" of
	// the system's temporary folder.
	Dir string
}

var _ Opener = SystemOpener{}

// Open opens path with the program the system associates with it.
func (o SystemOpener) Open(path string) error {
	path = filepath.Clean(filepath.FromSlash(path))
	if _, err := os.Stat(path); err != nil { // not wrapped: the log would carry the path, which may hold a user's name
		return app.Errorf(app.ENOTFOUND, "Không tìm thấy tệp hoặc thư mục %s.", path)
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		// Explorer opens a folder, and a file in the program Windows
		// associates with it (Excel or LibreOffice Calc for .xlsx); it
		// takes a quoted path with spaces or Vietnamese letters as it is.
		cmd = exec.Command("explorer.exe", path)
	case "darwin":
		cmd = exec.Command("open", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	if err := cmd.Start(); err != nil {
		return app.WrapError(app.EINTERNAL, "Máy không mở được tệp bằng chương trình mặc định: hãy mở "+path+" bằng Excel hoặc LibreOffice.", err)
	}
	go func() { _ = cmd.Wait() }() // reap it; its exit status says nothing useful (Explorer's is 1)
	return nil
}

// PrintDir returns o.Dir, or the temporary folder's "bvntd-in", created
// if need be.
func (o SystemOpener) PrintDir() (string, error) {
	dir := o.Dir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "bvntd-in")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", app.Errorf(app.EINTERNAL, "Không tạo được thư mục %s để ghi phiếu cần in.", dir)
	}
	return dir, nil
}

// writePrintFile writes a file called name into the opener's print folder
// with write and returns its path. When a file of that name cannot be
// written (still open in Excel, which locks it on Windows), a new name is
// taken ("name-123.xlsx").
func writePrintFile(o Opener, name string, write func(f *os.File) error) (string, error) {
	dir, err := o.PrintDir()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		ext := filepath.Ext(name)
		f, err = os.CreateTemp(dir, name[:len(name)-len(ext)]+"-*"+ext)
		if err != nil {
			return "", err
		}
	}
	path := f.Name()
	werr := write(f)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(path)
		return "", werr
	}
	return path, nil
}

// fileActions are the "Mở tệp" and "Mở thư mục" buttons offered once a
// file is written (an export, the error rows of an import, an intake
// record). They stay hidden without an Opener or a file.
type fileActions struct {
	opener Opener
	// report shows the outcome of a failed opening, where the screen
	// shows its messages.
	report func(text string, bad bool)
	path   string
	open   *widget.Button
	folder *widget.Button
	box    *fyne.Container
	// parent, if set, is the container box sits in: it is laid out again
	// when the buttons come or go.
	parent *fyne.Container
}

func newFileActions(o Opener, report func(text string, bad bool)) *fileActions {
	a := &fileActions{opener: o, report: report}
	a.open = &widget.Button{Text: lang.X("export.open", "Mở tệp"), Icon: theme.FileIcon(), OnTapped: func() { a.openPath(a.path) }}
	a.folder = &widget.Button{Text: lang.X("export.open_folder", "Mở thư mục"), Icon: theme.FolderOpenIcon(),
		OnTapped: func() { a.openPath(filepath.Dir(a.path)) }}
	a.box = container.NewHBox(a.open, a.folder)
	a.box.Hide()
	return a
}

// set offers the file at path ("" hides the buttons).
func (a *fileActions) set(path string) {
	a.path = path
	if a.opener == nil || path == "" {
		a.box.Hide()
	} else {
		a.box.Show()
	}
	if a.parent != nil {
		a.parent.Refresh()
	}
}

func (a *fileActions) openPath(path string) {
	if err := openPath(a.opener, path); err != nil && a.report != nil {
		a.report(err.Error(), true)
	}
}

// openPath opens path with o; the error, if any, is a Vietnamese sentence
// to show.
func openPath(o Opener, path string) error {
	if o == nil || path == "" {
		return nil
	}
	if err := o.Open(path); err != nil {
		logError("open file", err)
		return errors.New(lang.X("export.open_failed", "Không mở được {{.File}}: {{.Reason}}",
			map[string]any{"File": path, "Reason": userMessage(err)}))
	}
	return nil
}
