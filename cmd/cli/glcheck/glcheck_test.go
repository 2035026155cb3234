package glcheck

import (
	"bytes"
	"errors"
	"log"
	"strings"
	"testing"

	"bvntd/app"
)

// What Fyne 2.7.1 logs (fyne.LogError) when GLFW cannot make an OpenGL
// 2.1 context, as on a Windows laptop with the basic display driver.
const windowCreationLog = "Fyne error:  window creation error\n" +
	"  Cause: VersionUnavailable: WGL: OpenGL version 2.1 is not supported\n" +
	"  At: /root/go/pkg/mod/fyne.io/fyne/v2@v2.7.1/internal/driver/glfw/window_desktop.go:760\n"

func TestWatcher_MissingOpenGLGivesTheMessage(t *testing.T) {
	var out bytes.Buffer
	old, flags := log.Writer(), log.Flags()
	log.SetOutput(&out)
	log.SetFlags(log.LstdFlags)
	t.Cleanup(func() { log.SetOutput(old); log.SetFlags(flags) })

	w := Watch()
	log.Println("Fyne error:  Error parsing user locale C") // not a failed start
	if err := w.Err(); err != nil {
		t.Fatalf("a locale warning gives %v", err)
	}
	// As fyne.LogError writes it: one Println per line.
	for _, line := range strings.SplitAfter(strings.TrimSuffix(windowCreationLog, "\n"), "\n") {
		log.Println(strings.TrimSuffix(line, "\n"))
	}
	w.Stop()
	err := w.Err()
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != app.EINTERNAL || ae.Message != Message {
		t.Fatalf("Err = %#v, want the OpenGL message", err)
	}
	if !strings.Contains(app.ErrorCause(err), "window creation error: VersionUnavailable: WGL") {
		t.Errorf("the cause for the log is %q", app.ErrorCause(err))
	}
	if !strings.Contains(out.String(), "window creation error") || log.Writer() != &out {
		t.Errorf("the log did not get the lines, or its output was not given back: %q", out.String())
	}
	for _, want := range []string{"OpenGL 2.1", "trình điều khiển card màn hình", "Dữ liệu trên máy vẫn an toàn"} {
		if !strings.Contains(Message, want) {
			t.Errorf("the message lacks %q", want)
		}
	}
}

func TestReason(t *testing.T) {
	for line, want := range map[string]string{
		"Fyne error:  window creation error":                "window creation error",
		"2026/12/06 Fyne error:  failed to initialise GLFW": "failed to initialise GLFW",
		"Fyne error:  failed to initialise OpenGL":          "failed to initialise OpenGL",
		"Fyne error:  Preferences load error:":              "",
		"window creation error":                             "", // not Fyne's report
	} {
		if got := Reason(line); got != want {
			t.Errorf("Reason(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestFromPanic(t *testing.T) {
	if err := FromPanic("failed to link OpenGL program:\nerror"); app.ErrorCode(err) != app.EINTERNAL || !strings.Contains(err.(*app.Error).Message, "OpenGL 2.1") {
		t.Errorf("a painter panic gives %v", err)
	}
	if err := FromPanic(errors.New("index out of range")); err != nil {
		t.Errorf("another panic gives %v, want nil (it stays a panic)", err)
	}
}
