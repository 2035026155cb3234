//go:build unix

package cli

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// An export to a device or a pipe (--out /dev/null) writes into it; the old
// way, a temporary file renamed over the path, replaced /dev/null itself
// with a regular file when run as root.
func TestWriteOutToAPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no fifo:", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if err := writeOut(fifo, io.Discard, func(w io.Writer) error {
		_, err := io.WriteString(w, "dữ liệu")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
	select {
	case s := <-got:
		if s != "dữ liệu" {
			t.Fatalf("read %q from the pipe", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing written into the pipe")
	}
}
