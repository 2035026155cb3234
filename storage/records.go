package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"bvntd/app"
)

func putRecord(ctx context.Context, db *DB, tx *sql.Tx, r app.Record) error {
	k, ok := kindOf(r.Entity())
	if !ok {
		return fmt.Errorf("put: unknown entity %q", r.Entity())
	}
	return db.put(ctx, tx, k, r)
}

// getRecord reads the record id of dst's entity into dst, with its server
// version.
func getRecord(ctx context.Context, db *DB, q querier, entity, id string, dst app.Record) error {
	k, ok := kindOf(entity)
	if !ok {
		return fmt.Errorf("get: unknown entity %q", entity)
	}
	f, v, found, err := db.get(ctx, q, k, id)
	switch {
	case err != nil:
		return err
	case !found:
		return app.Errorf(app.ENOTFOUND, "Không tìm thấy bản ghi.")
	}
	if err := json.Unmarshal(f, dst); err != nil {
		return fmt.Errorf("%s %s: %w", entity, id, err)
	}
	dst.Head().Version = v
	if _, personal := app.PersonalFieldsOf[entity]; personal {
		if dst.Head().Limited, err = isLimited(ctx, q, entity, id); err != nil {
			return err
		}
	}
	return nil
}

func decodeRecord(s string, dst app.Record) error {
	if _, plain := dst.(app.PlainDocument); plain {
		return json.Unmarshal([]byte(s), dst) // what SetFields would do, in one pass
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return err
	}
	return dst.SetFields(f)
}

// GetRecord reads the record of r's entity with the given id into r.
func (db *DB) GetRecord(ctx context.Context, id string, r app.Record) error {
	return getRecord(ctx, db, db.r, r.Entity(), id, r)
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
	return db.tx(ctx, func(tx *sql.Tx) error { return db.saveRecord(ctx, tx, r, now, officer) })
}

// saveRecord is SaveRecord's work in tx, for r normalised, with its id.
func (db *DB) saveRecord(ctx context.Context, tx *sql.Tx, r app.Record, now time.Time, officer string) error {
	h := r.Head()
	old := app.NewRecord(r.Entity())
	err := getRecord(ctx, db, tx, r.Entity(), h.ID, old)
	exists := err == nil
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	if exists && app.IsAppendOnly(r.Entity()) {
		if len(app.DiffFields(old.Fields(), r.Fields())) == 0 {
			return nil
		}
		return &app.Error{Code: app.EINVALID, Message: app.MsgAppendOnly}
	}
	if exists {
		oh := old.Head()
		h.UnitCode, h.CreatedAt, h.CreatedBy = oh.UnitCode, oh.CreatedAt, oh.CreatedBy
		h.UpdatedAt, h.UpdatedBy = oh.UpdatedAt, oh.UpdatedBy
		if len(app.DiffFields(old.Fields(), r.Fields())) == 0 {
			return nil
		}
	} else {
		h.CreatedAt, h.CreatedBy = now, officer
	}
	if err := r.Validate(db.currentRefs(), now); err != nil {
		return err
	}
	if err := db.checkAttendanceOpen(ctx, tx, r, now); err != nil {
		return err
	}
	h.UpdatedAt, h.UpdatedBy = now, officer
	changed := r.Fields()
	if exists {
		changed = app.DiffFields(old.Fields(), changed)
	} else {
		changed = app.CreateFields(r.Entity(), changed)
	}
	if err := putRecord(ctx, db, tx, r); err != nil {
		return err
	}
	return db.appendMutation(ctx, tx, r.Entity(), h.ID, h.UnitCode, changed, officer, now)
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
	if _, personal := app.PersonalFieldsOf[zero.Entity()]; personal && len(out) > 0 {
		ids := make([]string, len(out))
		for i := range out {
			ids[i] = P(&out[i]).Head().ID
		}
		set, err := limitedSet(ctx, db.r, zero.Entity(), ids)
		if err != nil {
			return nil, err
		}
		for i := range out {
			h := P(&out[i]).Head()
			h.Limited = set[limitedKey(zero.Entity(), h.ID)]
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
	if q.HideRestricted {
		switch entity {
		case app.EntityParticipant:
			conds = append(conds, "NOT coalesce(json_extract(fields, '$.restricted'), 0)")
		case app.EntityAttendance:
			conds = append(conds, `coalesce(json_extract(fields, '$.participant_id'), '') NOT IN
				(SELECT id FROM records WHERE entity = 'participant' AND coalesce(json_extract(fields, '$.restricted'), 0))`)
		}
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
