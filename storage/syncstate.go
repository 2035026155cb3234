package storage

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"bvntd/app"
)

const sqlPutCursor = `INSERT INTO sync_cursors (scope, epoch, seq) VALUES (?, ?, ?)
	ON CONFLICT (scope) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq`

// Cursors returns how far each scope has been pulled.
func (db *DB) Cursors(ctx context.Context) ([]app.Cursor, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT scope, epoch, seq FROM sync_cursors ORDER BY scope")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Cursor
	for rows.Next() {
		var c app.Cursor
		if err := rows.Scan(&c.Scope, &c.Epoch, &c.Seq); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ApplyPull stores pulled pages: each page's records and its new cursor in
// one transaction, so a cut connection or a killed process never leaves a
// cursor ahead of the data it covers. A field with a change not yet
// acknowledged by the server keeps its local value.
//
// A page with Reset (the server's epoch changed: it was restored from a
// backup) puts the scope's acknowledged mutations back into the outbox,
// and ApplyPull reports how many, so that the client pushes them again.
// The shared reference scope has none (no device writes into it); its
// pulled years are kept until the server sends them again.
//
// Years of the holiday calendar (app.EntityHolidayYear, in
// app.ScopeShared) are stored in holiday_years and take effect at once:
// the store's reference data, and so every deadline it counts, use them
// from the commit on.
func (db *DB) ApplyPull(ctx context.Context, pages []app.PulledPage) (requeued int, err error) {
	calendar := false
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range pages {
			if p.Reset && p.Scope != app.ScopeShared {
				scope := p.Scope
				if len(scope) != 5 {
					scope = scopeAll
				}
				n, err := requeueSent(ctx, tx, scope)
				if err != nil {
					return err
				}
				requeued += int(n)
				slog.Warn("server epoch changed: scope downloaded again, sent changes queued again",
					"scope", p.Scope, "requeued", n)
			}
			for _, r := range p.Records {
				if r.Entity == app.EntityHolidayYear {
					changed, err := db.applyHolidayYear(ctx, tx, p.Scope, r)
					if err != nil {
						return fmt.Errorf("pulled holiday year %s: %w", r.ID, err)
					}
					calendar = calendar || changed
					continue
				}
				if err := db.applyRecord(ctx, tx, r); err != nil {
					return err
				}
			}
			if _, err := db.st.Exec(ctx, tx, sqlPutCursor, p.Scope, p.Epoch, p.NextSeq); err != nil {
				return fmt.Errorf("save cursor: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if calendar {
		years, err := loadHolidayYears(ctx, db.r)
		if err != nil {
			return requeued, err
		}
		db.setSyncedHolidays(years)
	}
	return requeued, nil
}

func (db *DB) applyRecord(ctx context.Context, tx *sql.Tx, r app.PulledRecord) error {
	switch r.Entity {
	case app.EntityCase:
		return db.applyCase(ctx, tx, r)
	case app.EntityConflict:
		return db.applyConflict(ctx, tx, r)
	case app.EntityCaseEvent:
		return db.applyCaseEvent(ctx, tx, r)
	}
	if app.IsRecordEntity(r.Entity) {
		return db.applyGenericRecord(ctx, tx, r)
	}
	// A newer server may send entities this build does not know.
	slog.Warn("pull: unknown entity skipped", "entity", r.Entity, "id", r.ID)
	return nil
}

// overlay returns the server's fields of a record with the fields that have
// unacknowledged local changes replaced by their local values.
func overlay(ctx context.Context, tx *sql.Tx, db *DB, r app.PulledRecord, local map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	if local == nil {
		return r.Fields, nil
	}
	pending, err := db.pendingFields(ctx, tx, r.Entity, r.ID)
	if err != nil || len(pending) == 0 {
		return r.Fields, err
	}
	out := make(map[string]json.RawMessage, len(r.Fields))
	for k, v := range r.Fields {
		out[k] = v
	}
	for k := range pending {
		if v, ok := local[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

const sqlSetCaseVersion = "UPDATE cases SET server_version = ? WHERE id = ?"

func (db *DB) applyCase(ctx context.Context, tx *sql.Tx, r app.PulledRecord) error {
	var local map[string]json.RawMessage
	if c, err := scanCase(db.st.QueryRow(ctx, tx, sqlGetCase, r.ID)); err == nil {
		local = c.Fields()
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	fields, err := overlay(ctx, tx, db, r, local)
	if err != nil {
		return err
	}
	var c app.Case
	if err := c.SetFields(fields); err != nil {
		return fmt.Errorf("pulled case %s: %w", r.ID, err)
	}
	c.ID = r.ID
	// A record that comes back as this device has it (its own pushes,
	// pulled back) only needs its version: no row or index rewrite.
	if local == nil || !sameFields(local, c.Fields()) {
		if err := db.putCase(ctx, tx, &c); err != nil {
			return err
		}
	}
	_, err = db.st.Exec(ctx, tx, sqlSetCaseVersion, r.Version, r.ID)
	return err
}

func sameFields(a, b map[string]json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if string(b[k]) != string(v) {
			return false
		}
	}
	return true
}

func (db *DB) applyConflict(ctx context.Context, tx *sql.Tx, r app.PulledRecord) error {
	var local map[string]json.RawMessage
	if c, err := getConflict(ctx, tx, r.ID); err == nil {
		local = c.Fields()
	} else if app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	fields, err := overlay(ctx, tx, db, r, local)
	if err != nil {
		return err
	}
	var c app.Conflict
	if err := c.SetFields(fields); err != nil {
		return fmt.Errorf("pulled conflict %s: %w", r.ID, err)
	}
	c.ID = r.ID
	if err := putConflict(ctx, tx, &c); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE conflicts SET server_version = ? WHERE id = ?", r.Version, r.ID)
	return err
}

// Dump writes every record in the store, synced or pending, as canonical
// JSON lines sorted by id (app.DumpLine), and returns how many it wrote.
func (db *DB) Dump(ctx context.Context, w io.Writer) (int, error) {
	type line struct {
		id string
		b  []byte
	}
	var lines []line
	rows, err := db.r.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		b, err := app.DumpLine(app.EntityCase, c.Fields())
		if err != nil {
			rows.Close()
			return 0, err
		}
		lines = append(lines, line{c.ID, b})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	events, err := db.caseEvents(ctx, "SELECT fields FROM case_events")
	if err != nil {
		return 0, err
	}
	for _, e := range events {
		b, err := app.DumpLine(app.EntityCaseEvent, e.Fields())
		if err != nil {
			return 0, err
		}
		lines = append(lines, line{e.ID, b})
	}
	conflicts, err := db.ListConflicts(ctx, false)
	if err != nil {
		return 0, err
	}
	for _, c := range conflicts {
		b, err := app.DumpLine(app.EntityConflict, c.Fields())
		if err != nil {
			return 0, err
		}
		lines = append(lines, line{c.ID, b})
	}
	ids, recs, err := db.dumpRecords(ctx)
	if err != nil {
		return 0, err
	}
	for i := range ids {
		lines = append(lines, line{ids[i], recs[i]})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].id < lines[j].id })
	bw := bufio.NewWriterSize(w, 64<<10)
	for _, l := range lines {
		if _, err := bw.Write(l.b); err != nil {
			return 0, err
		}
	}
	return len(lines), bw.Flush()
}
