package app

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. They are part of the wire contract (syncproto mirrors them by
// value): add new ones at the end, never rename.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EOFFLINE      = "offline"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ENEWERDATA    = "newer_data"
	EINTERNAL     = "internal"
	// ESERVERSTORAGE: the provincial server cannot write to its store (a
	// full disk…); what the device sent is still on the device.
	ESERVERSTORAGE = "server_storage"
)

// Error is an application error: a machine code, a message a user can read
// (Vietnamese), optional per-field messages, and the technical cause, which
// is logged but never shown.
type Error struct {
	Code    string
	Message string
	// Fields maps a field name (the JSON name of the record field) to a
	// Vietnamese message meant to be shown next to that field.
	Fields map[string]string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" [")
		b.WriteString(strings.Join(keys, ", "))
		b.WriteString("]")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted user message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with a user message that keeps err as its cause.
func WrapError(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// InternalMessage is what a user sees for an unexpected error.
const InternalMessage = "Lỗi hệ thống. Vui lòng thử lại hoặc liên hệ quản trị viên."

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user message of the first *Error in err's chain,
// or InternalMessage for any other error, so that technical text never
// reaches a user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return InternalMessage
}

// ErrorCause returns the technical text of err for a log: the cause of its
// first *Error (the wrapped Go error: a network, SQL or file error), or the
// whole text of any other error; "" for an *Error without a cause. It
// leaves out the user message, which may quote what was typed (a name, a
// void reason), so a log line never carries it.
func ErrorCause(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Err == nil {
			return ""
		}
		return e.Err.Error()
	}
	return err.Error()
}

// FieldErrors returns the per-field messages of err, or nil.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
