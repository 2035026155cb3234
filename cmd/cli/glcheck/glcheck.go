// Package glcheck tells the officer, in plain Vietnamese, that the window
// cannot open on this computer because OpenGL 2.1 is missing (an old
// graphics card or no driver for it), instead of a crash or a window that
// never shows.
//
// Fyne does not return that failure: it logs it through the standard
// logger ("Fyne error:  window creation error", "  Cause: VersionUnavailable:
// WGL: …") and then quits before the window is shown, or goes on with no
// painter and panics when it draws. Watch tees the standard logger and
// notes such a report; the desktop program asks Err after showing the
// window (and turns a panic of the painter into the same error with
// FromPanic), then shows the message with Alert.
package glcheck

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"

	"bvntd/app"
)

// Message is what the officer reads when the window cannot open.
const Message = "Không mở được cửa sổ của ứng dụng BVNTD Đồng Tháp: máy tính này chưa hỗ trợ OpenGL 2.1 " +
	"(card màn hình quá cũ hoặc chưa cài trình điều khiển card màn hình). " +
	"Hãy cài trình điều khiển card màn hình mới nhất từ trang của hãng máy tính, hoặc nhờ cán bộ kỹ thuật hỗ trợ. " +
	"Dữ liệu trên máy vẫn an toàn."

// Title is the title of the message's window.
const Title = "BVNTD Đồng Tháp – không mở được cửa sổ"

// fatal are the reasons Fyne logs when the window or its OpenGL context
// cannot be made (internal/driver/glfw, internal/painter/gl).
var fatal = []string{
	"window creation error",
	"failed to initialise GLFW",
	"failed to initialise OpenGL",
	"failed to link OpenGL program",
}

// Reason returns the reason of a failed start that a line of Fyne's log
// reports, or "" if the line reports none.
func Reason(line string) string {
	if !strings.Contains(line, "Fyne error:") {
		return ""
	}
	for _, r := range fatal {
		if strings.Contains(line, r) {
			return r
		}
	}
	return ""
}

// Failed is the error of a window that cannot open: Message, for the
// officer, and what Fyne reported, for the log.
func Failed(reason, cause string) error {
	return app.WrapError(app.EINTERNAL, Message, fmt.Errorf("opengl: %s: %s", reason, cause))
}

// FromPanic returns Failed for a panic of Fyne's OpenGL painter (its
// shaders cannot compile or link without OpenGL 2.1), nil for any other
// panic.
func FromPanic(v any) error {
	s := fmt.Sprint(v)
	for _, k := range []string{"OpenGL", "shader", "GLX", "WGL"} {
		if strings.Contains(s, k) {
			return Failed("panic", s)
		}
	}
	return nil
}

// Watcher passes the standard logger's output on and notes the first
// failed start it reports.
type Watcher struct {
	mu     sync.Mutex
	next   io.Writer
	reason string // "" while none was seen
	cause  string
	buf    []byte
}

// Watch makes w the standard logger's output until Stop.
func Watch() *Watcher {
	w := &Watcher{next: log.Writer()}
	log.SetOutput(w)
	return w
}

// Stop gives the standard logger its output back.
func (w *Watcher) Stop() { log.SetOutput(w.next) }

// Write notes a failed start and passes p on.
func (w *Watcher) Write(p []byte) (int, error) {
	w.note(p)
	return w.next.Write(p)
}

func (w *Watcher) note(p []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return
		}
		line := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		switch {
		case w.reason == "":
			w.reason = Reason(line)
		case w.cause == "" && strings.Contains(line, "Cause:"):
			w.cause = strings.TrimSpace(line[strings.Index(line, "Cause:")+len("Cause:"):])
		}
	}
}

// Err returns Failed if a failed start was logged, else nil.
func (w *Watcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.reason == "" {
		return nil
	}
	return Failed(w.reason, w.cause)
}
