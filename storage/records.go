package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"bvntd/app"
)

// recordSearchText is what a record is found by (folded, app.Fold).
func recordSearchText(r app.Record) string {
	switch v := r.(type) {
	case *app.Officer:
		return v.FullName + " " + v.Phone + " " + v.Position
	case *app.Organisation:
		return v.Name
	case *app.Participant:
		return v.FullName + " " + v.Phone + " " + v.Workplace
	case *app.TrainingSession:
		return v.Title + " " + v.Venue
	case *app.OutreachEvent:
		return v.Title + " " + v.Venue + " " + v.Theme
	case *app.Publication:
		return v.Title
	}
	return ""
}

func putRecord(ctx context.Context, tx *sql.Tx, r app.Record) error {
	b, err := json.Marshal(r.Fields())
	if err != nil {
		return err
	}
	h := r.Head()
	_, err = tx.ExecContext(ctx, `INSERT INTO records (entity, id, unit_code, fields, search_folded) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (entity, id) DO UPDATE SET unit_code = excluded.unit_code, fields = excluded.fields,
			search_folded = excluded.search_folded`,
		r.Entity(), h.ID, h.UnitCode, string(b), app.Fold(recordSearchText(r)))
	if err != nil {
		return fmt.Errorf("put %s %s: %w", r.Entity(), h.ID, err)
	}
	return nil
}

func getRecord(ctx context.Context, q querier, entity, id string, dst app.Record) error {
	var s string
	var version int64
	err := q.QueryRowContext(ctx, `SELECT fields, server_version FROM records WHERE entity = ? AND id = ?`, entity, id).Scan(&s, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return app.Errorf(app.ENOTFOUND, "Không tìm thấy bản ghi.")
	}
	if err != nil {
		return err
	}
	if err := decodeRecord(s, dst); err != nil {
		return err
	}
	dst.Head().Version = version
	return nil
}

func decodeRecord(s string, dst app.Record) error {
	var f map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return err
	}
	return dst.SetFields(f)
}

// GetRecord reads the record of r's entity with the given id into r.
func (db *DB) GetRecord(ctx context.Context, id string, r app.Record) error {
	return getRecord(ctx, db.r, r.Entity(), id, r)
}

// SaveRecord creates r (no such id in the store; an empty id gets a new
// UUIDv7, an attendance row its derived id) or saves the fields of r that
// changed, with one outbox mutation, in one transaction. It fills the
// commune (if empty) and the provenance, normalises and validates;
// identity and provenance of an existing record are not editable.
func (db *DB) SaveRecord(ctx context.Context, r app.Record) error {
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	h := r.Head()
	if h.UnitCode == "" {
		unit, err := db.UnitCode(ctx)
		if err != nil {
			return err
		}
		h.UnitCode = unit
	}
	if a, ok := r.(*app.Attendance); ok && a.SessionID != "" && a.ParticipantID != "" {
		a.ID = app.AttendanceID(a.SessionID, a.ParticipantID)
	}
	if h.ID == "" {
		h.ID = app.NewID()
	}
	r.Normalize()
	return db.tx(ctx, func(tx *sql.Tx) error {
		old := app.NewRecord(r.Entity())
		err := getRecord(ctx, tx, r.Entity(), h.ID, old)
		exists := err == nil
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return err
		}
		if exists {
			oh := old.Head()
			h.UnitCode, h.CreatedAt, h.CreatedBy = oh.UnitCode, oh.CreatedAt, oh.CreatedBy
			h.UpdatedAt, h.UpdatedBy = oh.UpdatedAt, oh.UpdatedBy
			if len(diffFields(old.Fields(), r.Fields())) == 0 {
				return nil
			}
		} else {
			h.CreatedAt, h.CreatedBy = now, officer
		}
		if err := r.Validate(db.currentRefs(), now); err != nil {
			return err
		}
		if a, ok := r.(*app.Attendance); ok {
			var s app.TrainingSession
			if err := getRecord(ctx, tx, app.EntityTraining, a.SessionID, &s); err != nil {
				return err
			}
			if app.AttendanceLocked(&s, now) {
				return app.Errorf(app.EINVALID, "Danh sách tham dự của lớp này đã khóa: lớp đã báo cáo hoặc đã tổ chức quá %d ngày.", app.AttendanceLockDays)
			}
		}
		h.UpdatedAt, h.UpdatedBy = now, officer
		changed := r.Fields()
		if exists {
			changed = diffFields(old.Fields(), changed)
		}
		if err := putRecord(ctx, tx, r); err != nil {
			return err
		}
		return db.appendMutation(ctx, tx, r.Entity(), h.ID, h.UnitCode, changed, officer, now)
	})
}

// diffFields returns the fields of b whose JSON differs from a's.
func diffFields(a, b map[string]json.RawMessage) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range b {
		if string(a[k]) != string(v) {
			out[k] = v
		}
	}
	return out
}

// RecordQuery selects records of one entity (app.RecordQuery).
type RecordQuery = app.RecordQuery

// Records returns the records of entity matching q, oldest first, for
// callers that cannot name the type (the user interface).
func (db *DB) Records(ctx context.Context, entity string, q app.RecordQuery) ([]app.Record, error) {
	if !app.IsRecordEntity(entity) {
		return nil, fmt.Errorf("records: unknown entity %q", entity)
	}
	rows, err := db.recordRows(ctx, entity, q)
	if err != nil {
		return nil, err
	}
	out := make([]app.Record, 0, len(rows))
	for _, s := range rows {
		r := app.NewRecord(entity)
		if err := decodeRecord(s, r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ListRecords returns the records of one entity matching q, oldest first.
func ListRecords[T any, P interface {
	*T
	app.Record
}](ctx context.Context, db *DB, q RecordQuery) ([]T, error) {
	var zero P = new(T)
	rows, err := db.recordRows(ctx, zero.Entity(), q)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i, s := range rows {
		if err := decodeRecord(s, P(&out[i])); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recordRows returns the fields JSON of the records of entity matching q.
func (db *DB) recordRows(ctx context.Context, entity string, q RecordQuery) ([]string, error) {
	conds := []string{"entity = ?"}
	args := []any{entity}
	if q.Unit != "" {
		conds = append(conds, "unit_code = ?")
		args = append(args, q.Unit)
	}
	if q.SessionID != "" {
		conds = append(conds, "json_extract(fields, '$.session_id') = ?")
		args = append(args, q.SessionID)
	}
	if !q.IncludeVoided {
		conds = append(conds, "NOT coalesce(json_extract(fields, '$.voided'), 0)")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT fields, search_folded FROM records WHERE `+
		strings.Join(conds, " AND ")+` ORDER BY json_extract(fields, '$.created_at'), id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", entity, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s, folded string
		if err := rows.Scan(&s, &folded); err != nil {
			return nil, err
		}
		if q.Text != "" && !app.MatchesWords(q.Text, folded) {
			continue
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// applyGenericRecord stores a pulled record of app.RecordEntities, keeping
// the local value of fields with a change not yet acknowledged.
func (db *DB) applyGenericRecord(ctx context.Context, tx *sql.Tx, r app.PulledRecord) error {
	rec := app.NewRecord(r.Entity)
	var local map[string]json.RawMessage
	old := app.NewRecord(r.Entity)
	if err := getRecord(ctx, tx, r.Entity, r.ID, old); err == nil {
		local = old.Fields()
	} else if app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	fields, err := overlay(ctx, tx, db, r, local)
	if err != nil {
		return err
	}
	if err := rec.SetFields(fields); err != nil {
		return fmt.Errorf("pulled %s %s: %w", r.Entity, r.ID, err)
	}
	rec.Head().ID = r.ID
	if local == nil || !sameFields(local, rec.Fields()) {
		if err := putRecord(ctx, tx, rec); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE records SET server_version = ? WHERE entity = ? AND id = ?`, r.Version, r.Entity, r.ID)
	return err
}

// dumpRecords returns the dump lines of every generic record, with ids.
func (db *DB) dumpRecords(ctx context.Context) (ids []string, lines [][]byte, err error) {
	rows, err := db.r.QueryContext(ctx, `SELECT entity, id, fields FROM records`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var entity, id, s string
		if err := rows.Scan(&entity, &id, &s); err != nil {
			return nil, nil, err
		}
		var f map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			return nil, nil, err
		}
		b, err := app.DumpLine(entity, f)
		if err != nil {
			return nil, nil, err
		}
		ids, lines = append(ids, id), append(lines, b)
	}
	return ids, lines, rows.Err()
}
