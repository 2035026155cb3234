package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"bvntd/app"
)

func scanConflict(sc interface{ Scan(...any) error }) (app.Conflict, error) {
	var c app.Conflict
	var fields []byte
	if err := sc.Scan(&fields); err != nil {
		return c, err
	}
	return c, json.Unmarshal(fields, &c)
}

func getConflict(ctx context.Context, db *DB, q querier, id string) (app.Conflict, error) {
	var c app.Conflict
	f, _, found, err := db.get(ctx, q, conflictKind, id)
	switch {
	case err != nil:
		return c, err
	case !found:
		return c, app.Errorf(app.ENOTFOUND, "Không tìm thấy mục cần xem xét.")
	}
	return c, json.Unmarshal(f, &c)
}

// ListConflicts returns the conflicts, newest first; only the open ones if
// openOnly.
func (db *DB) ListConflicts(ctx context.Context, openOnly bool) ([]app.Conflict, error) {
	q := "SELECT fields FROM conflicts"
	if openOnly {
		q += " WHERE status = 'open'"
	}
	rows, err := db.r.QueryContext(ctx, q+" ORDER BY detected_at DESC, id")
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	defer rows.Close()
	var out []app.Conflict
	for rows.Next() {
		c, err := scanConflict(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResolveConflict records a supervisor's decision on an open conflict:
// ResolutionKeep leaves the record as the merge left it; ResolutionOther
// writes the other value into the record as a new edit. Both are changes
// that sync like any other.
func (db *DB) ResolveConflict(ctx context.Context, id, resolution string) error {
	if resolution != app.ResolutionKeep && resolution != app.ResolutionOther {
		return app.Errorf(app.EINVALID, "Cách xử lý không hợp lệ.")
	}
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	return db.tx(ctx, func(tx *sql.Tx) error {
		c, err := getConflict(ctx, db, tx, id)
		if err != nil {
			return err
		}
		if c.Status != app.ConflictOpen {
			return app.Errorf(app.ECONFLICT, "Mục này đã được xem xét.")
		}
		if resolution == app.ResolutionOther {
			if err := db.writeOtherValue(ctx, tx, c, officer, now); err != nil {
				return err
			}
		}
		old := c.Fields()
		c.Status, c.Resolution, c.ResolvedBy, c.ResolvedAt = app.ConflictResolved, resolution, officer, now
		if err := db.put(ctx, tx, conflictKind, &c); err != nil {
			return err
		}
		changed := map[string]json.RawMessage{}
		for k, v := range c.Fields() {
			if string(old[k]) != string(v) {
				changed[k] = v
			}
		}
		return db.appendMutation(ctx, tx, app.EntityConflict, c.ID, c.UnitCode, changed, officer, now)
	})
}

// writeOtherValue sets the conflict's field of its record to the value the
// merge did not keep.
func (db *DB) writeOtherValue(ctx context.Context, tx *sql.Tx, c app.Conflict, officer string, now time.Time) error {
	e := edit{base: -1, now: now, officer: officer, changes: map[string]json.RawMessage{c.Field: c.OtherValue}}
	switch {
	case app.IsRecordEntity(c.Entity) && c.Kind == app.ConflictField:
	case c.Entity != app.EntityCase:
		return app.Errorf(app.EINVALID, "Không hỗ trợ loại dữ liệu này.")
	case c.Kind == app.ConflictVoidEdit:
		// The other "value" is the edit made on the voided record: apply it
		// and lift the void.
		if err := json.Unmarshal(c.OtherValue, &e.changes); err != nil {
			return fmt.Errorf("conflict %s: %w", c.ID, err)
		}
		e.changes["voided"], e.changes["void_reason"] = json.RawMessage("false"), json.RawMessage(`""`)
	}
	return db.write(ctx, tx, c.Entity, c.RecordID, e)
}

// VoidCase marks a case recorded by mistake as voided, with the reason. It
// stays in the store and syncs, but leaves lists and reports.
func (db *DB) VoidCase(ctx context.Context, id, reason string) error {
	reason = app.NFC(reason)
	if reason == "" {
		return &app.Error{Code: app.EINVALID, Message: "Cần ghi lý do hủy vụ việc.",
			Fields: map[string]string{"void_reason": "Cần ghi lý do hủy vụ việc."}}
	}
	return db.Edit(ctx, app.EntityCase, id, -1, map[string]json.RawMessage{"voided": json.RawMessage("true"),
		"void_reason": mustJSON(reason)})
}

// CountOpenConflicts returns how many conflicts wait for review.
func (db *DB) CountOpenConflicts(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM conflicts WHERE status = 'open'").Scan(&n)
	return n, err
}
