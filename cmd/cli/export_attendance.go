package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// `bvntd export --report attendance`:
//
//   - with --session (the session's id, or its title, unique, in any case,
//     with or without diacritics): the printable sign-in sheet of that
//     session (danh sách điểm danh), phones masked with --mask;
//   - without: the training summary of the report year (--year; default
//     app.DefaultReportYear) or of --from/--to: sessions held × person-times by
//     participant group, of the device's commune (or --commune); on a
//     provincial device without --commune, one row per commune.
func init() {
	reportWriters["attendance"] = writeAttendanceReport
}

func writeAttendanceReport(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (reportOut, error) {
	if strings.TrimSpace(q.Session) != "" {
		if q.Year != 0 || !q.From.IsZero() || !q.To.IsZero() {
			return reportOut{}, app.Errorf(app.EINVALID, "Danh sách điểm danh (--session) in theo một lớp; --year, --from và --to chỉ dùng cho bảng tổng hợp tập huấn (bỏ --session).")
		}
		return writeSignInSheet(ctx, db, refs, w, strings.TrimSpace(q.Session), q)
	}
	n, err := writeTrainingSummary(ctx, db, refs, w, q)
	return reportOut{rows: n}, err
}

// writeTrainingSummary writes the training summary of q's period: figures
// only (person-times by group; the restricted people are counted as the
// dashboards count them, and named nowhere).
func writeTrainingSummary(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (int, error) {
	p, err := attendancePeriod(q, db.Now())
	if err != nil {
		return 0, err
	}
	unit := strings.TrimSpace(q.Commune)
	own, err := db.UnitCode(ctx)
	if err != nil {
		return 0, err
	}
	switch {
	case unit == "":
		unit = own
	case own != "" && unit != own:
		return 0, app.Errorf(app.EINVALID, "Máy này ghi nhận cho xã, phường mã %s; không xuất được số liệu của mã %s.", own, unit)
	case !refs.HasUnit(unit):
		return 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục.", unit)
	}
	// The summary reads no case: each is read as its facts, the cheap way.
	d, err := db.KPIFacts(ctx, unit)
	if err != nil {
		return 0, err
	}
	if unit == "" {
		return xlsx.WriteProvinceTrainingSummary(w, d, refs, p)
	}
	name := unit
	if u, ok := refs.Unit(unit); ok {
		name = u.Name
	}
	return xlsx.WriteTrainingSummary(w, d.Sessions, d.Attendance, d.Participants, p, name)
}

// attendancePeriod is the period of the training summary: the days from
// q.From to q.To (both needed, both included), else report year q.Year,
// else app.DefaultReportYear of now.
func attendancePeriod(q app.ReportRequest, now time.Time) (app.KPIPeriod, error) {
	if q.From.IsZero() && q.To.IsZero() {
		y := q.Year
		if y == 0 {
			y = app.DefaultReportYear(now)
		}
		return app.ReportYear(y), nil
	}
	if q.Year != 0 {
		return app.KPIPeriod{}, app.Errorf(app.EINVALID, "Dùng --year hoặc --from/--to, không dùng cả hai.")
	}
	if q.From.IsZero() || q.To.IsZero() {
		return app.KPIPeriod{}, app.Errorf(app.EINVALID, "Cần cả --from và --to (dd/mm/yyyy).")
	}
	from, to := dayIn(q.From), dayIn(q.To)
	if to.Before(from) {
		return app.KPIPeriod{}, app.Errorf(app.EINVALID, "--to (%s) trước --from (%s).", to.Format(dayVI), from.Format(dayVI))
	}
	return app.KPIPeriod{From: from, To: to,
		Label: fmt.Sprintf("Từ %s đến %s", from.Format(dayVI), to.Format(dayVI))}, nil
}

// writeSignInSheet writes the sign-in sheet of the session named by key,
// masked unless q.Unmask; the participants whose data is restricted are
// left out unless q.SeesRestricted.
func writeSignInSheet(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, key string, q app.ReportRequest) (reportOut, error) {
	s, err := findAttendanceSession(ctx, db, key)
	if err != nil {
		return reportOut{}, err
	}
	rows, err := storage.ListRecords[app.Attendance](ctx, db, storage.RecordQuery{SessionID: s.ID})
	if err != nil {
		return reportOut{}, err
	}
	people, err := storage.ListRecords[app.Participant](ctx, db, storage.RecordQuery{IncludeVoided: true})
	if err != nil {
		return reportOut{}, err
	}
	orgs, err := storage.ListRecords[app.Organisation](ctx, db, storage.RecordQuery{IncludeVoided: true})
	if err != nil {
		return reportOut{}, err
	}
	byID := map[string]app.Participant{}
	for _, p := range people {
		byID[p.ID] = p
	}
	orgName := map[string]string{}
	for _, o := range orgs {
		orgName[o.ID] = o.Name
	}
	attendees := make([]xlsx.Attendee, 0, len(rows))
	named := map[string]bool{}
	for _, a := range rows {
		p, ok := byID[a.ParticipantID]
		if ok && p.Voided {
			continue // recorded by mistake: not on the list
		}
		if ok && p.Restricted && !q.SeesRestricted {
			continue // restricted: only for who may see it
		}
		named[a.ParticipantID] = true
		attendees = append(attendees, xlsx.Attendee{Participant: p, Attendance: a, Organisation: orgName[p.OrganisationID]})
	}
	unitName := ""
	if u, ok := refs.Unit(s.UnitCode); ok {
		unitName = u.Name
	}
	n, err := xlsx.WriteAttendance(w, &s, attendees, refs, unitName, !q.Unmask)
	return reportOut{rows: n, people: len(named),
		what: fmt.Sprintf("Danh sách điểm danh lớp tập huấn %q ngày %s (mã lớp %s); %s", s.Title, attendanceDay(s.StartDate), s.ID, unitLabel(refs, s.UnitCode))}, err
}

// findAttendanceSession returns the session whose id is key or, failing that, whose
// title is key in any case, or else without diacritics (app.Fold). Several
// sessions of that title are an error that lists their ids; a voided
// session is not printed.
func findAttendanceSession(ctx context.Context, db *storage.DB, key string) (app.TrainingSession, error) {
	all, err := storage.ListRecords[app.TrainingSession](ctx, db, storage.RecordQuery{IncludeVoided: true})
	if err != nil {
		return app.TrainingSession{}, err
	}
	pick := func(s app.TrainingSession) (app.TrainingSession, error) {
		if s.Voided {
			return app.TrainingSession{}, app.Errorf(app.EINVALID, "Lớp %q (mã %s) đã bị hủy; không in danh sách điểm danh.", s.Title, s.ID)
		}
		return s, nil
	}
	for _, s := range all {
		if s.ID == key {
			return pick(s)
		}
	}
	nfc := app.NFC(key)
	for _, match := range []func(app.TrainingSession) bool{
		func(s app.TrainingSession) bool { return strings.EqualFold(s.Title, nfc) },
		func(s app.TrainingSession) bool { return app.Fold(s.Title) == app.Fold(nfc) },
	} {
		var found []app.TrainingSession
		for _, s := range all {
			if match(s) && !s.Voided {
				found = append(found, s)
			}
		}
		if len(found) == 0 {
			for _, s := range all {
				if match(s) {
					found = append(found, s) // only voided ones: say so
				}
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return pick(found[0])
		}
		ids := make([]string, 0, len(found))
		for _, s := range found {
			ids = append(ids, fmt.Sprintf("%s (%s)", s.ID, attendanceDay(s.StartDate)))
		}
		return app.TrainingSession{}, app.Errorf(app.EINVALID, "Có %d lớp tên %q; chọn theo mã lớp với --session: %s.",
			len(found), found[0].Title, strings.Join(ids, ", "))
	}
	return app.TrainingSession{}, app.Errorf(app.ENOTFOUND,
		"Không tìm thấy lớp tập huấn có mã hoặc tên %q. Bỏ --session để xuất bảng tổng hợp tập huấn của năm báo cáo.", key)
}

// attendanceDay turns YYYY-MM-DD into dd/mm/yyyy.
func attendanceDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}
