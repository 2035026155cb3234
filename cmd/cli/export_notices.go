package cli

import (
	"context"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

func init() {
	reportWriters[app.ReportNotices] = writeNotices
}

// NoticeBoardDays is the default period of the notice-board list: the
// sales of today and the next 7 days.
const NoticeBoardDays = 7

// writeNotices writes the notice-board list of the off-premises sales
// (NĐ 55/2024/NĐ-CP Điều 27 khoản 3) of the device's commune, or of
// q.Commune on a provincial device, with a day in q.From..q.To (default:
// today and the next NoticeBoardDays days). It returns how many sales it
// lists.
func writeNotices(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (reportOut, error) {
	n, err := writeNoticeBoard(ctx, db, refs, w, q)
	return reportOut{rows: n}, err
}

// writeNoticeBoard is writeNotices.
func writeNoticeBoard(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (int, error) {
	if q.Year != 0 {
		return 0, app.Errorf(app.EINVALID, "Danh sách công khai thông báo bán hàng tính theo ngày: dùng --from, --to, không dùng --year.")
	}
	unit, err := db.UnitCode(ctx)
	if err != nil {
		return 0, err
	}
	if q.Commune != "" {
		if !refs.HasUnit(q.Commune) {
			return 0, app.Errorf(app.EINVALID, "Mã xã, phường %q không có trong danh mục.", q.Commune)
		}
		if unit != "" && q.Commune != unit {
			return 0, app.Errorf(app.EINVALID, "Máy này chỉ ghi số liệu của xã, phường %s; không lập danh sách cho %s.", unit, q.Commune)
		}
		unit = q.Commune
	}
	if unit == "" {
		return 0, app.Errorf(app.EINVALID, "Danh sách công khai là của một xã, phường: chọn xã, phường (--commune).")
	}
	now := db.Now()
	from, to := q.From, q.To
	if from.IsZero() {
		from = now
	}
	if to.IsZero() {
		to = from.AddDate(0, 0, NoticeBoardDays)
	}
	if to.Before(from) {
		return 0, app.Errorf(app.EINVALID, "Ngày kết thúc không được trước ngày bắt đầu.")
	}
	ns, err := storage.ListRecords[app.OffPremisesNotice](ctx, db, storage.RecordQuery{Unit: unit})
	if err != nil {
		return 0, err
	}
	opt := xlsx.NoticeBoardOptions{From: from, To: to, Printed: now, UnitName: unit}
	if u, ok := refs.Unit(unit); ok {
		opt.UnitName = u.Name
	}
	return xlsx.WriteNoticeBoard(w, ns, opt)
}
