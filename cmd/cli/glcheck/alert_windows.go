//go:build windows

package glcheck

import "golang.org/x/sys/windows"

// Alert shows msg in a Windows message box and waits for "OK": the
// window program has no console to print it to.
func Alert(msg string) {
	text, err := windows.UTF16PtrFromString(msg)
	if err != nil {
		return
	}
	title, _ := windows.UTF16PtrFromString(Title)
	windows.MessageBox(0, text, title, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND)
}
