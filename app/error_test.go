package app

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"testing"
)

func TestErrorMessage(t *testing.T) {
	notFound := Errorf(ENOTFOUND, "Không tìm thấy vụ việc %s.", "28261-2026-A7K3-0012")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"Nil", nil, ""},
		{"AppError", notFound, "Không tìm thấy vụ việc 28261-2026-A7K3-0012."},
		{"WrappedAppError", fmt.Errorf("open case: %w", notFound), "Không tìm thấy vụ việc 28261-2026-A7K3-0012."},
		{"TwiceWrappedAppError", fmt.Errorf("ui: %w", fmt.Errorf("storage: %w", notFound)), "Không tìm thấy vụ việc 28261-2026-A7K3-0012."},
		{"JoinedAppError", errors.Join(io.EOF, notFound), "Không tìm thấy vụ việc 28261-2026-A7K3-0012."},
		{"WrapErrorHidesCause", WrapError(EINTERNAL, "Không lưu được vụ việc.", errors.New("sqlite: disk I/O error")), "Không lưu được vụ việc."},
		{"PlainErrorIsHidden", sql.ErrNoRows, InternalMessage},
		{"WrappedPlainErrorIsHidden", fmt.Errorf("read case 42: %w", sql.ErrNoRows), InternalMessage},
		{"AppErrorWithoutMessage", &Error{Code: ECONFLICT}, InternalMessage},
		{"FirstAppErrorDecides", &Error{Code: EINTERNAL, Err: notFound}, InternalMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorMessage(tt.err); got != tt.want {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessageNeverShowsTechnicalText(t *testing.T) {
	errs := []error{
		errors.New("database is locked (5) (SQLITE_BUSY)"),
		fmt.Errorf("sync: %w", errors.New("dial tcp 10.0.0.1:443: i/o timeout")),
		WrapError(EOFFLINE, "", errors.New("connection refused")),
	}
	for _, err := range errs {
		if got := ErrorMessage(err); got != InternalMessage {
			t.Errorf("ErrorMessage(%q) = %q, want InternalMessage", err, got)
		}
	}
}

func TestErrorCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"Nil", nil, ""},
		{"AppError", Errorf(ENOTFOUND, "Không tìm thấy."), ENOTFOUND},
		{"WrappedAppError", fmt.Errorf("save: %w", &Error{Code: ECONFLICT}), ECONFLICT},
		{"OuterAppErrorWins", WrapError(EOFFLINE, "Mất kết nối.", Errorf(EUNAUTHORIZED, "Hết hạn.")), EOFFLINE},
		{"PlainError", io.ErrUnexpectedEOF, EINTERNAL},
		{"WrappedPlainError", fmt.Errorf("x: %w", io.EOF), EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	fields := map[string]string{"consumer_name": "Chưa nhập họ và tên người tiêu dùng."}
	invalid := &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fields}
	tests := []struct {
		name string
		err  error
		want map[string]string
	}{
		{"Nil", nil, nil},
		{"AppError", invalid, fields},
		{"WrappedAppError", fmt.Errorf("save case: %w", invalid), fields},
		{"AppErrorWithoutFields", Errorf(ENOTFOUND, "Không tìm thấy."), nil},
		{"PlainError", errors.New("boom"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FieldErrors(tt.err)
			if !maps.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("FieldErrors = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	cause := errors.New("constraint failed")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"CodeOnly", &Error{Code: ECONFLICT}, "conflict"},
		{"WithMessage", Errorf(ENOTFOUND, "Không tìm thấy vụ việc."), "not_found: Không tìm thấy vụ việc."},
		{"FieldsSorted", &Error{Code: EINVALID, Message: "Sửa.", Fields: map[string]string{"summary": "x", "channel": "y", "kind": "z"}},
			"invalid: Sửa. [channel, kind, summary]"},
		{"WithCause", WrapError(EINTERNAL, "Lỗi.", cause), "internal: Lỗi.: constraint failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	if !errors.Is(WrapError(EINTERNAL, "Lỗi.", cause), cause) {
		t.Error("errors.Is does not find the cause through Unwrap")
	}
}

func TestErrorCause(t *testing.T) {
	typed := Errorf(EINVALID, "Vụ việc số 28261-2026-A7-0001 đã bị hủy (Nguyễn Văn An gọi nhầm).")
	wrapped := WrapError(EOFFLINE, "Không kết nối được máy chủ tỉnh.", errors.New("dial tcp 10.0.0.1:443: connection refused"))
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{typed, ""},
		{wrapped, "dial tcp 10.0.0.1:443: connection refused"},
		{fmt.Errorf("sync: %w", wrapped), "dial tcp 10.0.0.1:443: connection refused"},
		{errors.New("sql: database is closed"), "sql: database is closed"},
	} {
		if got := ErrorCause(tc.err); got != tc.want {
			t.Errorf("ErrorCause(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
