package ui

import (
	"errors"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"bvntd/app"
)

// userMessage returns what a user may read about err: the Vietnamese message
// of an *app.Error, or a generic "system error" text. Never err.Error(),
// which may hold SQL, paths or English.
func userMessage(err error) string {
	var e *app.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return lang.X("error.internal", app.InternalMessage)
}

// logError records a failed operation for a bug report. It logs the error
// code and the technical text only: callers never pass record contents, so
// no names, phone numbers or addresses reach the log.
func logError(op string, err error) {
	slog.Error("ui: operation failed", "op", op, "code", app.ErrorCode(err), "error", err)
}

// showError logs err and shows its user message in a dialog (title "Lỗi").
// Call it on the Fyne goroutine.
func showError(w fyne.Window, op string, err error) {
	logError(op, err)
	dialog.ShowError(errors.New(userMessage(err)), w)
}
