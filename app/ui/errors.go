package ui

import (
	"errors"
	"log/slog"
	"sort"
	"strings"

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

// logError records a failed operation for a bug report: the operation, the
// error code and the names of the fields in error. The technical text is
// logged for unexpected (internal) errors only; an expected error's message
// is not, as it may quote what the officer typed (names, phones, a void
// reason), and personal data never goes into the log.
func logError(op string, err error) {
	code := app.ErrorCode(err)
	if code == app.EINTERNAL {
		slog.Error("ui: operation failed", "op", op, "code", code, "error", err.Error())
		return
	}
	fields := make([]string, 0, len(app.FieldErrors(err)))
	for f := range app.FieldErrors(err) {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	slog.Warn("ui: operation failed", "op", op, "code", code, "fields", strings.Join(fields, ","))
}

// showError logs err and shows its user message in a dialog (title "Lỗi").
// Call it on the Fyne goroutine.
func showError(w fyne.Window, op string, err error) {
	logError(op, err)
	dialog.ShowError(errors.New(userMessage(err)), w)
}
