package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"bvntd/app"
)

func putConflict(ctx context.Context, tx *sql.Tx, c *app.Conflict) error {
	b, err := json.Marshal(c.Fields())
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO conflicts (id, unit_code, record_id, status, detected_at, fields)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET unit_code = excluded.unit_code, record_id = excluded.record_id,
			status = excluded.status, detected_at = excluded.detected_at, fields = excluded.fields`,
		c.ID, c.UnitCode, c.RecordID, c.Status, formatTime(c.DetectedAt), string(b))
	if err != nil {
		return fmt.Errorf("put conflict %s: %w", c.ID, err)
	}
	return nil
}

func scanConflict(sc interface{ Scan(...any) error }) (app.Conflict, error) {
	var c app.Conflict
	var fields string
	if err := sc.Scan(&fields); err != nil {
		return c, err
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal([]byte(fields), &f); err != nil {
		return c, err
	}
	return c, c.SetFields(f)
}

func getConflict(ctx context.Context, q querier, id string) (app.Conflict, error) {
	c, err := scanConflict(q.QueryRowContext(ctx, "SELECT fields FROM conflicts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, app.Errorf(app.ENOTFOUND, "Không tìm thấy mục cần xem xét.")
	}
	return c, err
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
		c, err := getConflict(ctx, tx, id)
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
		if err := putConflict(ctx, tx, &c); err != nil {
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
	if app.IsRecordEntity(c.Entity) && c.Kind == app.ConflictField {
		return db.writeRecordField(ctx, tx, c, officer, now)
	}
	if c.Entity != app.EntityCase {
		return app.Errorf(app.EINVALID, "Không hỗ trợ loại dữ liệu này.")
	}
	rec, err := getCase(ctx, tx, c.RecordID)
	if err != nil {
		return err
	}
	var value json.RawMessage = c.OtherValue
	if c.Kind == app.ConflictVoidEdit {
		// The other "value" is the edit made on the voided record: apply it
		// and lift the void.
		var edit map[string]json.RawMessage
		if err := json.Unmarshal(c.OtherValue, &edit); err != nil {
			return fmt.Errorf("conflict %s: %w", c.ID, err)
		}
		edit["voided"], edit["void_reason"] = json.RawMessage("false"), json.RawMessage(`""`)
		return db.writeCaseFields(ctx, tx, &rec, edit, officer, now)
	}
	return db.writeCaseFields(ctx, tx, &rec, map[string]json.RawMessage{c.Field: value}, officer, now)
}

// writeRecordField takes the other value of a record's field (an
// attendance status, a session's title…) with its outbox mutation.
func (db *DB) writeRecordField(ctx context.Context, tx *sql.Tx, c app.Conflict, officer string, now time.Time) error {
	rec := app.NewRecord(c.Entity)
	if err := getRecord(ctx, tx, c.Entity, c.RecordID, rec); err != nil {
		return err
	}
	old := rec.Fields()
	if err := rec.SetFields(map[string]json.RawMessage{c.Field: c.OtherValue}); err != nil {
		return app.WrapError(app.EINVALID, "Giá trị không hợp lệ.", err)
	}
	h := rec.Head()
	h.UpdatedAt, h.UpdatedBy = now, officer
	rec.Normalize()
	changed := diffFields(old, rec.Fields())
	if len(changed) == 0 {
		return nil
	}
	if err := putRecord(ctx, tx, rec); err != nil {
		return err
	}
	return db.appendMutation(ctx, tx, c.Entity, h.ID, h.UnitCode, changed, officer, now)
}

// writeCaseFields sets fields of a case in tx with its outbox mutation.
func (db *DB) writeCaseFields(ctx context.Context, tx *sql.Tx, c *app.Case, f map[string]json.RawMessage, officer string, now time.Time) error {
	old := *c
	if err := c.SetFields(f); err != nil {
		return app.WrapError(app.EINVALID, "Giá trị không hợp lệ.", err)
	}
	c.ID, c.UnitCode, c.Number = old.ID, old.UnitCode, old.Number
	c.UpdatedAt, c.UpdatedBy = now, officer
	c.Normalize()
	changed := c.ChangedFields(&old)
	if len(changed) == 0 {
		return nil
	}
	if err := db.putCase(ctx, tx, c); err != nil {
		return err
	}
	return db.appendMutation(ctx, tx, app.EntityCase, c.ID, c.UnitCode, changed, officer, now)
}

// VoidCase marks a case recorded by mistake as voided, with the reason. It
// stays in the store and syncs, but leaves lists and reports.
func (db *DB) VoidCase(ctx context.Context, id, reason string) error {
	reason = app.NFC(reason)
	if reason == "" {
		return &app.Error{Code: app.EINVALID, Message: "Cần ghi lý do hủy vụ việc.",
			Fields: map[string]string{"void_reason": "Cần ghi lý do hủy vụ việc."}}
	}
	c, err := db.GetCase(ctx, id)
	if err != nil {
		return err
	}
	c.Voided, c.VoidReason = true, reason
	return db.UpdateCase(ctx, &c)
}

// CountOpenConflicts returns how many conflicts wait for review.
func (db *DB) CountOpenConflicts(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM conflicts WHERE status = 'open'").Scan(&n)
	return n, err
}
