//go:build !windows

package glcheck

import (
	"os/exec"
)

// Alert shows msg with zenity, if it is installed (it shows Vietnamese
// text whole, where xmessage's core fonts would not), and waits for "OK";
// the desktop program writes it to its standard error and its log as
// well.
func Alert(msg string) {
	if p, err := exec.LookPath("zenity"); err == nil {
		_ = exec.Command(p, "--error", "--title="+Title, "--width=480", "--text="+msg).Run()
	}
}
