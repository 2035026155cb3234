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
// error code, the names of the fields in error and the technical cause
// (app.ErrorCause). Never the user message, which may quote what the
// officer typed (names, phones, a void reason): personal data never goes
// into the log.
func logError(op string, err error) {
	fields := make([]string, 0, len(app.FieldErrors(err)))
	for f := range app.FieldErrors(err) {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	attrs := []any{"op", op, "code", app.ErrorCode(err)}
	if len(fields) > 0 {
		attrs = append(attrs, "fields", strings.Join(fields, ","))
	}
	if cause := app.ErrorCause(err); cause != "" {
		attrs = append(attrs, "error", cause)
	}
	if app.ErrorCode(err) == app.EINTERNAL {
		slog.Error("ui: operation failed", attrs...)
	} else {
		slog.Warn("ui: operation failed", attrs...)
	}
}

// showError logs err and shows its user message in a dialog (title "Lỗi").
// Call it on the Fyne goroutine.
func showError(w fyne.Window, op string, err error) {
	logError(op, err)
	dialog.ShowError(errors.New(userMessage(err)), w)
}
