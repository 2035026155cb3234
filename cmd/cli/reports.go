package cli

import (
	"context"
	"io"
	"strings"

	"bvntd/app"
	"bvntd/storage"
)

// WriteReport writes the .xlsx report q asks for from the store to w and
// returns its row count: the writers of export, given the request as the
// window's Báo cáo screen makes it (the flags of export make the same).
//
// The register and a sign-in sheet are masked unless q.Unmask; an unmasked
// one needs q.Reason and leaves an audit record (app.AuditUnmaskedExport:
// who, when, which report, period and commune, how many people and rows,
// why) written here, as the file is, so that no way of exporting skips it:
// the supervision a body processing without consent keeps (Luật
// 91/2025/QH15 Điều 19 khoản 2) and the control of sharing inside it (NĐ
// 356/2025/NĐ-CP Điều 7 khoản 4); docs/privacy.md. The record is written once the
// report is complete: if it cannot be, the report fails and the caller
// keeps no file.
func WriteReport(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (int, error) {
	wr, ok := reportWriters[q.Report]
	if !ok {
		return 0, app.Errorf(app.EINVALID, "Loại báo cáo không hợp lệ: %q.", q.Report)
	}
	q.Reason = strings.TrimSpace(q.Reason)
	if q.Unmask {
		switch {
		case !holdsPersonalData(q):
			return 0, app.Errorf(app.EINVALID, "Báo cáo này chỉ có số liệu tổng hợp, không có thông tin cá nhân: không có gì để bỏ che (bỏ --unmask).")
		case q.Reason == "":
			return 0, app.Errorf(app.EINVALID, "Xuất báo cáo không che thông tin cá nhân cần ghi lý do (ví dụ: gửi cơ quan có thẩm quyền theo văn bản số …); lý do được ghi vào nhật ký truy xuất dữ liệu cá nhân.")
		case len([]rune(q.Reason)) > app.MaxNoteText:
			return 0, app.Errorf(app.EINVALID, "Lý do quá dài (tối đa 1.000 ký tự).")
		}
	}
	out, err := wr(ctx, db, refs, w, q)
	if err != nil || !q.Unmask {
		return out.rows, err
	}
	if err := ctx.Err(); err != nil {
		return out.rows, err // stopped: no file, nothing taken
	}
	e := &app.AuditEntry{Action: app.AuditUnmaskedExport, Officer: strings.TrimSpace(q.Officer), What: out.what,
		People: out.people, Records: out.rows, Reason: q.Reason}
	if err := db.Audit(context.WithoutCancel(ctx), e); err != nil {
		return out.rows, err
	}
	return out.rows, nil
}

// holdsPersonalData reports whether the report q asks for names people:
// the register and a session's sign-in sheet. The others count figures.
func holdsPersonalData(q app.ReportRequest) bool {
	return q.Report == app.ReportRegister || q.Report == app.ReportAttendance && strings.TrimSpace(q.Session) != ""
}

// reportOut is what a report writer wrote: its rows and, for the audit
// record of an unmasked report, what it is (the report, its period and
// commune — never a person's data) and how many distinct people it names.
type reportOut struct {
	rows   int
	people int
	what   string
}

// unitLabel names commune code for an audit record: its name and code,
// or the whole province for "".
func unitLabel(refs *app.RefData, code string) string {
	if code == "" {
		return "toàn tỉnh"
	}
	if refs != nil {
		if u, ok := refs.Unit(code); ok {
			return u.Name + " (" + code + ")"
		}
	}
	return code
}
