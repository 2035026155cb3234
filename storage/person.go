package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"bvntd/app"
)

// FindPerson returns every record about the person q describes (issue 19,
// "Dữ liệu của một người"): the cases where they are the consumer or the
// representative, their participant records with their attendance rows,
// and the requests they made about their data. Every criterion given must
// match (app.PersonQuery). Restricted and voided records are included:
// this is where a person's requests are answered and restrictions
// managed.
//
// The cases are chosen on case_list's columns (the indexed phone, the
// folded names and addresses of migration 16) before a document is read:
// a province's store holds hundreds of thousands of cases.
func (db *DB) FindPerson(ctx context.Context, q app.PersonQuery) (app.PersonData, error) {
	var d app.PersonData
	name, phone, addr := q.Keys()
	if name == "" && phone == "" && addr == "" {
		return d, app.Errorf(app.EINVALID, "Nhập họ tên, số điện thoại hoặc địa chỉ của người cần tìm.")
	}
	var conds []string
	var args []any
	if phone != "" {
		conds, args = append(conds, `c.consumer_phone = ?`), append(args, phone)
	}
	if name != "" {
		conds, args = append(conds, `instr(c.person_names, ?) > 0`), append(args, app.PersonNameNeedle(name))
	}
	if addr != "" {
		conds, args = append(conds, `instr(c.person_addresses, ?) > 0`), append(args, addr)
	}
	// No ORDER BY: it would lead SQLite to walk the received_at index
	// rather than look the phone up; the few cases found are sorted below.
	rows, err := db.r.QueryContext(ctx, `SELECT d.fields, d.server_version FROM case_list c JOIN cases d ON d.id = c.id
		WHERE `+strings.Join(conds, " AND ")+fmt.Sprintf(` LIMIT %d`, app.PersonCaseLimit+1), args...)
	if err != nil {
		return d, fmt.Errorf("find person: cases: %w", err)
	}
	if d.Cases, err = scanCases(rows); err != nil {
		return d, err
	}
	if len(d.Cases) > app.PersonCaseLimit {
		d.Cases, d.Truncated = d.Cases[:app.PersonCaseLimit], true
	}
	sort.SliceStable(d.Cases, func(i, j int) bool {
		a, b := &d.Cases[i], &d.Cases[j]
		if !a.ReceivedAt.Equal(b.ReceivedAt) {
			return a.ReceivedAt.Before(b.ReceivedAt)
		}
		return a.Number < b.Number
	})

	// Participants hold no address: an address given leaves them out.
	if addr == "" {
		if d.Participants, err = db.findParticipants(ctx, name, phone); err != nil {
			return d, err
		}
		if d.Attendance, err = db.personAttendance(ctx, d.Participants); err != nil {
			return d, err
		}
	}
	if d.Requests, err = db.findRequests(ctx, name, phone, addr); err != nil {
		return d, err
	}
	return d, nil
}

// findParticipants returns the participants of the folded name key and
// normalised phone (either may be empty), in the order recorded.
func (db *DB) findParticipants(ctx context.Context, name, phone string) ([]app.Participant, error) {
	conds := []string{`entity = ?`}
	args := []any{app.EntityParticipant}
	if phone != "" {
		conds, args = append(conds, `json_extract(fields, '$.phone') = ?`), append(args, phone)
	}
	if name != "" {
		// A first cut on the folded search text; the name is checked below.
		conds, args = append(conds, `instr(search_folded, ?) > 0`), append(args, strings.Fields(name)[0])
	}
	var out []app.Participant
	err := db.scanRecords(ctx, `SELECT fields FROM records WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY json_extract(fields, '$.created_at'), id`, args, func(s string) error {
		var p app.Participant
		if err := decodeRecord(s, &p); err != nil {
			return err
		}
		if app.MatchesPersonName(name, p.FullName) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// personAttendance returns the attendance rows of people, with their
// sessions' titles and days, the earliest session first.
func (db *DB) personAttendance(ctx context.Context, people []app.Participant) ([]app.PersonAttendance, error) {
	if len(people) == 0 {
		return nil, nil
	}
	names := map[string]string{}
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i], names[p.ID] = p.ID, p.FullName
	}
	idList, _ := json.Marshal(ids) // strings always marshal
	var out []app.PersonAttendance
	sessions := map[string]bool{}
	err := db.scanRecords(ctx, `SELECT fields FROM records WHERE entity = ?
		AND json_extract(fields, '$.participant_id') IN (SELECT value FROM json_each(?))`,
		[]any{app.EntityAttendance, string(idList)}, func(s string) error {
			var a app.Attendance
			if err := decodeRecord(s, &a); err != nil {
				return err
			}
			out = append(out, app.PersonAttendance{Attendance: a, Person: names[a.ParticipantID]})
			sessions[a.SessionID] = true
			return nil
		})
	if err != nil || len(out) == 0 {
		return out, err
	}
	sids := make([]string, 0, len(sessions))
	for id := range sessions {
		sids = append(sids, id)
	}
	sidList, _ := json.Marshal(sids)
	byID := map[string]app.TrainingSession{}
	err = db.scanRecords(ctx, `SELECT fields FROM records WHERE entity = ? AND id IN (SELECT value FROM json_each(?))`,
		[]any{app.EntityTraining, string(sidList)}, func(s string) error {
			var t app.TrainingSession
			if err := decodeRecord(s, &t); err != nil {
				return err
			}
			byID[t.ID] = t
			return nil
		})
	if err != nil {
		return nil, err
	}
	for i := range out {
		t := byID[out[i].SessionID]
		out[i].SessionTitle, out[i].SessionDate = t.Title, t.StartDate
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SessionDate < out[j].SessionDate })
	return out, nil
}

// findRequests returns the logged requests of the person, the earliest
// first.
func (db *DB) findRequests(ctx context.Context, name, phone, addr string) ([]app.DataRequest, error) {
	conds := []string{`entity = ?`}
	args := []any{app.EntityDataRequest}
	if phone != "" {
		conds, args = append(conds, `json_extract(fields, '$.person_phone') = ?`), append(args, phone)
	}
	var out []app.DataRequest
	err := db.scanRecords(ctx, `SELECT fields FROM records WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY json_extract(fields, '$.received_date'), id`, args, func(s string) error {
		var r app.DataRequest
		if err := decodeRecord(s, &r); err != nil {
			return err
		}
		if app.MatchesPersonName(name, r.PersonName) && app.MatchesPersonAddress(addr, r.PersonAddress) {
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// scanRecords calls fn with the fields document of each row of query.
func (db *DB) scanRecords(ctx context.Context, query string, args []any, fn func(string) error) error {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("find person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SetRestricted restricts the processing of a person's records (NĐ
// 356/2025/NĐ-CP: hạn chế xử lý dữ liệu cá nhân), or lifts the
// restriction: it sets restricted on each case and participant of r, as
// edits that sync like any other, and writes one audit record
// (app.AuditRestrict or app.AuditUnrestrict) naming the cases by number
// and the participants by id — never the person — with the reason, all in
// one transaction. Who may lift a restriction (the leader) is the screen's
// rule.
func (db *DB) SetRestricted(ctx context.Context, r app.Restriction) error {
	reason := strings.TrimSpace(r.Reason)
	if reason == "" {
		return &app.Error{Code: app.EINVALID, Message: "Cần ghi lý do.",
			Fields: map[string]string{"reason": "Cần ghi lý do (ví dụ: yêu cầu của người tiêu dùng ngày …)."}}
	}
	n := len(r.CaseIDs) + len(r.ParticipantIDs)
	if n == 0 {
		return app.Errorf(app.EINVALID, "Không có bản ghi nào để thay đổi.")
	}
	unit, err := db.UnitCode(ctx)
	if err != nil {
		return err
	}
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	if officer == "" {
		officer = CommandLineOfficer
	}
	value, _ := json.Marshal(r.Restrict)
	e := edit{base: -1, changes: map[string]json.RawMessage{"restricted": value}, now: now, officer: officer}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var numbers []string
		for _, id := range r.CaseIDs {
			c, err := getCase(ctx, db, tx, id)
			if err != nil {
				return err
			}
			numbers = append(numbers, c.Number)
			if err := db.write(ctx, tx, app.EntityCase, id, e); err != nil {
				return err
			}
		}
		for _, id := range r.ParticipantIDs {
			if err := db.write(ctx, tx, app.EntityParticipant, id, e); err != nil {
				return err
			}
		}
		action := app.AuditRestrict
		if !r.Restrict {
			action = app.AuditUnrestrict
		}
		var what []string
		if len(numbers) > 0 {
			what = append(what, "Vụ việc số: "+strings.Join(numbers, ", "))
		}
		if len(r.ParticipantIDs) > 0 {
			what = append(what, "Người tham dự (mã bản ghi): "+strings.Join(r.ParticipantIDs, ", "))
		}
		a := &app.AuditEntry{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: unit}, At: now, Officer: officer,
			Action: action, What: strings.Join(what, "; "), People: 1, Records: n, Reason: reason}
		a.Normalize()
		return db.saveRecord(ctx, tx, a, now, officer)
	})
}
