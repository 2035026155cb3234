package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"bvntd/app"
)

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
func (db *DB) ApplyPull(ctx context.Context, pages []app.PulledPage) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range pages {
			for _, r := range p.Records {
				if err := db.applyRecord(ctx, tx, r); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_cursors (scope, epoch, seq) VALUES (?, ?, ?)
				ON CONFLICT (scope) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq`,
				p.Scope, p.Epoch, p.NextSeq); err != nil {
				return fmt.Errorf("save cursor: %w", err)
			}
		}
		return nil
	})
}

func (db *DB) applyRecord(ctx context.Context, tx *sql.Tx, r app.PulledRecord) error {
	if r.Entity != app.EntityCase {
		// A newer server may send entities this build does not know.
		slog.Warn("pull: unknown entity skipped", "entity", r.Entity, "id", r.ID)
		return nil
	}
	pending, err := pendingFields(ctx, tx, r.Entity, r.ID)
	if err != nil {
		return err
	}
	var c app.Case
	local, err := getCase(ctx, tx, r.ID)
	exists := err == nil
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	if err := c.SetFields(r.Fields); err != nil {
		return fmt.Errorf("pulled case %s: %w", r.ID, err)
	}
	if exists && len(pending) > 0 {
		lf := local.Fields()
		over := make(map[string]json.RawMessage, len(pending))
		for k := range pending {
			if v, ok := lf[k]; ok {
				over[k] = v
			}
		}
		if err := c.SetFields(over); err != nil {
			return err
		}
	}
	c.ID = r.ID
	return putCase(ctx, tx, &c)
}

// Dump writes every record in the store, synced or pending, as canonical
// JSON lines sorted by id (app.DumpLine), and returns how many it wrote.
func (db *DB) Dump(ctx context.Context, w io.Writer) (int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases ORDER BY id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return n, err
		}
		line, err := app.DumpLine(app.EntityCase, c.Fields())
		if err != nil {
			return n, err
		}
		if _, err := w.Write(line); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
