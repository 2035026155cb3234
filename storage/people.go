package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"bvntd/app"
)

// The people register's corrections of possible duplicates
// (app.PossibleDuplicatePeople): merging two records of one person, and
// marking two records checked as two people. Both write through the usual
// edit path (write, saveRecord): each change is an outbox mutation, so the
// other laptops of the commune converge on the same register.

// attendanceRank orders attendance statuses: a merge keeps, for a session
// both records attended, the better of the two.
var attendanceRank = map[string]int{"dang_ky": 1, "vang": 2, "vang_co_phep": 3, "co_mat": 4}

// MergePeople merges the participant dupID into keepID, in one
// transaction: every attendance row of the duplicate becomes the kept
// person's (a session both attended keeps the better status: present over
// excused, absent or registered) and is voided; officers linked to the
// duplicate are linked to the kept person; the kept record takes the
// phone, organisation, workplace, gender and age band it lacks from the
// duplicate; and the duplicate is voided, its note saying into whom it was
// merged. A merge that would change a closed register (the duplicate
// present at a session whose register is locked, app.AttendanceLocked) is
// refused, naming the sessions: merging the other way may then be
// possible.
func (db *DB) MergePeople(ctx context.Context, keepID, dupID string) (app.MergeResult, error) {
	var res app.MergeResult
	if keepID == "" || dupID == "" || keepID == dupID {
		return res, app.Errorf(app.EINVALID, "Chọn hai bản ghi khác nhau để gộp.")
	}
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res = app.MergeResult{}
		var keep, dup app.Participant
		for _, p := range []struct {
			id  string
			dst *app.Participant
		}{{keepID, &keep}, {dupID, &dup}} {
			if err := getRecord(ctx, db, tx, app.EntityParticipant, p.id, p.dst); err != nil {
				if app.ErrorCode(err) == app.ENOTFOUND {
					return app.Errorf(app.ENOTFOUND, "Không tìm thấy người tham dự cần gộp.")
				}
				return err
			}
			if p.dst.Voided {
				return app.Errorf(app.EINVALID, "Bản ghi “%s” đã bị hủy, không gộp được.", p.dst.FullName)
			}
		}
		rows, err := participantRows[app.Attendance](ctx, tx, app.EntityAttendance, dupID)
		if err != nil {
			return err
		}
		sessions := map[string]*app.TrainingSession{}
		var locked []string
		for i := range rows {
			a := &rows[i]
			var s app.TrainingSession
			if err := getRecord(ctx, db, tx, app.EntityTraining, a.SessionID, &s); err != nil {
				return err
			}
			sessions[a.SessionID] = &s
			if a.Status == "co_mat" && app.AttendanceLocked(&s, now) {
				locked = append(locked, fmt.Sprintf("“%s” (%s)", s.Title, sessionDay(s.StartDate)))
			}
		}
		if len(locked) > 0 {
			return app.Errorf(app.EINVALID, "Không gộp được: “%s” có mặt ở lớp đã khóa danh sách tham dự %s; danh sách đã khóa không sửa được. Có thể gộp theo chiều ngược lại (giữ bản ghi “%s”) nếu bản ghi kia không có mặt ở lớp đã khóa.",
				dup.FullName, strings.Join(locked, ", "), dup.FullName)
		}
		for i := range rows {
			a := &rows[i]
			if app.AttendanceLocked(sessions[a.SessionID], now) {
				continue // a registration or an absence of a closed register: it counts nowhere, and stays
			}
			moved, err := db.moveAttendance(ctx, tx, a, keepID, now, officer)
			if err != nil {
				return err
			}
			if moved {
				res.Moved++
			}
			if err := db.write(ctx, tx, app.EntityAttendance, a.ID, edit{base: -1, now: now, officer: officer, check: true,
				changes: map[string]json.RawMessage{"voided": json.RawMessage("true")}}); err != nil {
				return err
			}
		}
		officers, err := participantRows[app.Officer](ctx, tx, app.EntityOfficer, dupID)
		if err != nil {
			return err
		}
		for i := range officers {
			if err := db.write(ctx, tx, app.EntityOfficer, officers[i].ID, edit{base: -1, now: now, officer: officer, check: true,
				changes: map[string]json.RawMessage{"participant_id": mustJSON(keepID)}}); err != nil {
				return err
			}
			res.Relinked++
		}
		// What the kept record lacks, from the duplicate.
		fill := map[string]json.RawMessage{}
		for _, f := range []struct {
			name      string
			have, add string
		}{{"phone", keep.Phone, dup.Phone}, {"organisation_id", keep.OrganisationID, dup.OrganisationID},
			{"workplace", keep.Workplace, dup.Workplace}, {"gender", keep.Gender, dup.Gender}, {"age_band", keep.AgeBand, dup.AgeBand}} {
			if f.have == "" && f.add != "" {
				fill[f.name] = mustJSON(f.add)
			}
		}
		if len(fill) > 0 {
			if err := db.write(ctx, tx, app.EntityParticipant, keepID, edit{base: -1, now: now, officer: officer, check: true, changes: fill}); err != nil {
				return err
			}
		}
		line := fmt.Sprintf("Hủy bản ghi ngày %s: gộp vào “%s” (mã %s).", now.In(app.ICT).Format("02/01/2006"), keep.FullName, keepID)
		if dup.Note != "" {
			line = dup.Note + "\n" + line
		}
		return db.write(ctx, tx, app.EntityParticipant, dupID, edit{base: dup.Version, now: now, officer: officer, check: true,
			changes: map[string]json.RawMessage{"voided": json.RawMessage("true"), "note": mustJSON(line)}})
	})
	return res, err
}

// moveAttendance gives the kept person keepID the attendance a of the
// duplicate: a new row at a's session, or the kept person's row there
// (un-voided, and brought up to a's status when a's is better). It reports
// whether anything changed.
func (db *DB) moveAttendance(ctx context.Context, tx *sql.Tx, a *app.Attendance, keepID string, now time.Time, officer string) (bool, error) {
	var cur app.Attendance
	err := getRecord(ctx, db, tx, app.EntityAttendance, app.AttendanceID(a.SessionID, keepID), &cur)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND:
		n := app.Attendance{SessionID: a.SessionID, ParticipantID: keepID, Status: a.Status, Signed: a.Signed, CheckedInAt: a.CheckedInAt}
		n.ID, n.UnitCode = app.AttendanceID(a.SessionID, keepID), a.UnitCode
		n.Normalize()
		return true, db.saveRecord(ctx, tx, &n, now, officer)
	case err != nil:
		return false, err
	}
	changes := map[string]json.RawMessage{}
	if cur.Voided {
		changes["voided"] = json.RawMessage("false")
		changes["status"] = mustJSON(a.Status)
	} else if attendanceRank[a.Status] > attendanceRank[cur.Status] {
		changes["status"] = mustJSON(a.Status)
	}
	if a.Signed && !cur.Signed {
		changes["signed"] = json.RawMessage("true")
	}
	if cur.CheckedInAt.IsZero() && !a.CheckedInAt.IsZero() {
		b, _ := json.Marshal(a.CheckedInAt)
		changes["checked_in_at"] = b
	}
	if len(changes) == 0 {
		return false, nil
	}
	return true, db.write(ctx, tx, app.EntityAttendance, cur.ID, edit{base: cur.Version, now: now, officer: officer, check: true, changes: changes})
}

// participantRows returns the records of entity (attendance, officers)
// that are not voided and name participant id, in tx.
func participantRows[T any, P interface {
	*T
	app.Record
}](ctx context.Context, tx *sql.Tx, entity, id string) ([]T, error) {
	rows, err := tx.QueryContext(ctx, `SELECT fields FROM records WHERE entity = ?
		AND json_extract(fields, '$.participant_id') = ? AND NOT coalesce(json_extract(fields, '$.voided'), 0) ORDER BY id`, entity, id)
	if err != nil {
		return nil, fmt.Errorf("%s of participant: %w", entity, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var r T
		if err := decodeRecord(s, P(&r)); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// sessionDay shows a session's YYYY-MM-DD day as dd/mm/yyyy.
func sessionDay(day string) string {
	if t, err := time.Parse(time.DateOnly, day); err == nil {
		return t.Format("02/01/2006")
	}
	return day
}

// MarkDistinctPeople records that the participants a and b were checked
// to be two people: each record's DistinctFrom names the other (two
// synced edits in one transaction), and app.PossibleDuplicatePeople no
// longer pairs them.
func (db *DB) MarkDistinctPeople(ctx context.Context, a, b string) error {
	if a == "" || b == "" || a == b {
		return app.Errorf(app.EINVALID, "Chọn hai bản ghi khác nhau.")
	}
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, pair := range [][2]string{{a, b}, {b, a}} {
			var p app.Participant
			if err := getRecord(ctx, db, tx, app.EntityParticipant, pair[0], &p); err != nil {
				if app.ErrorCode(err) == app.ENOTFOUND {
					return app.Errorf(app.ENOTFOUND, "Không tìm thấy người tham dự.")
				}
				return err
			}
			if slices.Contains(p.DistinctFrom, pair[1]) {
				continue
			}
			if len(p.DistinctFrom) >= app.MaxListItems {
				return app.Errorf(app.EINVALID, "“%s” đã được đánh dấu khác người với quá nhiều bản ghi (tối đa %d).", p.FullName, app.MaxListItems)
			}
			list, _ := json.Marshal(append(slices.Clone(p.DistinctFrom), pair[1]))
			if err := db.write(ctx, tx, app.EntityParticipant, p.ID, edit{base: p.Version, now: now, officer: officer, check: true,
				changes: map[string]json.RawMessage{"distinct_from": list}}); err != nil {
				return err
			}
		}
		return nil
	})
}
