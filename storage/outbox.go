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

// appendMutation writes one outbox row in tx, stamped with the next HLC, and
// persists the clock. The change is made on the record's version in the
// store.
func (db *DB) appendMutation(ctx context.Context, tx *sql.Tx, entity, recordID, unit string,
	fields map[string]json.RawMessage, officer string, deviceTime time.Time) error {
	return db.appendMutationAt(ctx, tx, entity, recordID, unit, fields, officer, deviceTime, -1)
}

// appendMutationAt is appendMutation for a change made on version base of
// the record (the copy an officer edited, see Edit); -1 or a base above the
// store's own version means the store's.
func (db *DB) appendMutationAt(ctx context.Context, tx *sql.Tx, entity, recordID, unit string,
	fields map[string]json.RawMessage, officer string, deviceTime time.Time, edited int64) error {
	b, err := app.Marshal(fields)
	if err != nil {
		return fmt.Errorf("outbox fields: %w", err)
	}
	k, ok := kindOf(entity)
	if !ok {
		return fmt.Errorf("outbox: unknown entity %q", entity)
	}
	_, base, found, err := db.get(ctx, tx, k, recordID)
	if err != nil || !found {
		return fmt.Errorf("outbox base version of %s %s: %v", entity, recordID, err)
	}
	if edited >= 0 && edited < base {
		base = edited
	}
	stamp := db.clock.Tick()
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox
		(mutation_id, entity, record_id, unit_code, op, fields, hlc, officer, device_time, base_version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		app.NewID(), entity, recordID, unit, app.OpUpsert, string(b), stamp.String(), officer,
		deviceTime.UTC().Format(time.RFC3339Nano), base)
	if err != nil {
		return fmt.Errorf("append outbox: %w", err)
	}
	return db.saveClock(ctx, tx)
}

// PendingBatch returns the oldest pending mutations, in order, whose fields
// add up to at most maxBytes of JSON (always at least one if any is
// pending). Mutations of a record with a parked (rejected) mutation wait
// behind it, so the order of changes to one record is kept.
func (db *DB) PendingBatch(ctx context.Context, maxBytes int) ([]app.Mutation, error) {
	out, err := db.PendingAfter(ctx, "", maxBytes)
	if err != nil {
		return out, err
	}
	for i := range out {
		// Valid JSON: the table checks it (json_valid).
		if out[i].Fields, err = app.ValidObjectFields(out[i].FieldsJSON); err != nil {
			return nil, fmt.Errorf("outbox %s: %w", out[i].ID, err)
		}
	}
	return out, nil
}

// PendingAfter is PendingBatch of the pending mutations queued after the
// mutation afterID (all of them for ""): the batch that follows one on its
// way to the server, read while that one is sent (issue 22). A batch
// whose mutation afterID has left the outbox meanwhile is empty.
//
// Their fields are in FieldsJSON only (Fields is nil): the push sends the
// outbox's JSON as it is, and splitting it into a map for nothing was a
// sixth of a first push's CPU on the laptop.
func (db *DB) PendingAfter(ctx context.Context, afterID string, maxBytes int) ([]app.Mutation, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT mutation_id, entity, record_id, unit_code, op, fields,
			hlc, officer, device_time, base_version
		FROM outbox o
		WHERE state = 'pending' AND NOT EXISTS (SELECT 1 FROM outbox p
			WHERE p.state = 'parked' AND p.entity = o.entity AND p.record_id = o.record_id AND p.seq < o.seq)
		  AND (? = '' OR seq > (SELECT seq FROM outbox WHERE mutation_id = ?))
		ORDER BY seq`, afterID, afterID)
	if err != nil {
		return nil, fmt.Errorf("pending batch: %w", err)
	}
	defer rows.Close()
	var (
		out  []app.Mutation
		size int
	)
	for rows.Next() {
		var m app.Mutation
		var fields, hlc, devTime string
		if err := rows.Scan(&m.ID, &m.Entity, &m.RecordID, &m.UnitCode, &m.Op, &fields, &hlc, &m.Officer, &devTime, &m.BaseVersion); err != nil {
			return nil, err
		}
		if len(out) > 0 && size+len(fields) > maxBytes {
			break
		}
		size += len(fields) + 300 // the envelope of a mutation on the wire
		m.FieldsJSON = json.RawMessage(fields)
		if m.HLC, err = app.ParseHLC(hlc); err != nil {
			return nil, fmt.Errorf("outbox %s: %w", m.ID, err)
		}
		m.DeviceTime, _ = time.Parse(time.RFC3339Nano, devTime)
		m.DeviceID = db.device
		out = append(out, m)
	}
	return out, rows.Err()
}

// SentLogRetention is how long acknowledged mutations are kept to be sent
// again if the server is restored from a backup.
const SentLogRetention = 60 * 24 * time.Hour

// ApplyResults records the server's answers to a push in one transaction:
// applied and duplicate mutations move from the outbox to the sent log,
// rejected ones are parked with the server's reason.
func (db *DB) ApplyResults(ctx context.Context, results []app.MutationResult) error {
	now := db.Now().UTC().Format(time.RFC3339)
	horizon := db.Now().Add(-SentLogRetention).UTC().Format(time.RFC3339)
	var acked []any
	for _, r := range results {
		switch r.Status {
		case app.ResultApplied, app.ResultDuplicate, app.ResultRejected:
		default:
			return fmt.Errorf("mutation %s: unknown result %q", r.MutationID, r.Status)
		}
		if r.Status != app.ResultRejected {
			acked = append(acked, r.MutationID)
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sent_log WHERE acked_at < ?", horizon); err != nil {
			return err
		}
		// The acknowledged ones move to the sent log, a few hundred at a time
		// (SQLite's limit on parameters is far above).
		for len(acked) > 0 {
			n := min(len(acked), 500)
			chunk := acked[:n]
			acked = acked[n:]
			in := "?" + strings.Repeat(", ?", n-1)
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sent_log (seq, mutation_id, entity, record_id,
					unit_code, op, fields, hlc, officer, device_time, base_version, acked_at)
				SELECT seq, mutation_id, entity, record_id, unit_code, op, fields, hlc, officer, device_time,
					base_version, '`+now+`' FROM outbox WHERE mutation_id IN (`+in+`)`, chunk...); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE mutation_id IN ("+in+")", chunk...); err != nil {
				return err
			}
		}
		for _, r := range results {
			if r.Status != app.ResultRejected {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'parked', attempts = attempts + 1,
				error_code = ?, error_msg = ? WHERE mutation_id = ?`, r.Code, r.Message, r.MutationID); err != nil {
				return err
			}
		}
		return nil
	})
}

// pendingFields returns the fields of a record that have changes not yet
// acknowledged by the server (pending or parked).
const sqlPendingFields = `SELECT fields FROM outbox WHERE entity = ? AND record_id = ?`

func (db *DB) pendingFields(ctx context.Context, tx *sql.Tx, entity, id string) (map[string]bool, error) {
	st, err := db.st.In(ctx, tx, sqlPendingFields)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out map[string]bool
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var f map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]bool{}
		}
		for k := range f {
			out[k] = true
		}
	}
	return out, rows.Err()
}

// OutboxCount returns the number of pending and parked mutations.
func (db *DB) OutboxCount(ctx context.Context) (pending, parked int, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT coalesce(sum(state = 'pending'), 0),
		coalesce(sum(state = 'parked'), 0) FROM outbox`).Scan(&pending, &parked)
	return
}

// requeueSent puts the acknowledged mutations of a scope back into the
// outbox, at their original places (before any newer pending change), to
// be sent again: the server was restored from a backup and may have lost
// them. Resending is harmless: mutation ids are idempotency keys and the
// merge is per field by stamp. ScopeAll requeues every scope.
func requeueSent(ctx context.Context, tx *sql.Tx, scope string) (int64, error) {
	where, args := "", []any{}
	if scope != scopeAll {
		where, args = " WHERE unit_code = ?", []any{scope}
	}
	res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO outbox (seq, mutation_id, entity, record_id, unit_code, op,
			fields, hlc, officer, device_time, base_version)
		SELECT seq, mutation_id, entity, record_id, unit_code, op, fields, hlc, officer, device_time, base_version
		FROM sent_log`+where, args...)
	if err != nil {
		return 0, fmt.Errorf("requeue sent log: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sent_log"+where, args...); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// scopeAll stands for every scope in requeueSent (a province device).
const scopeAll = "*"
