package storage

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
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
// A record this version cannot read is quarantined (quarantine.go): kept
// aside, raw, for review; the rest of the page is stored and the cursor
// moves on. A later version of the record that can be read replaces it.
//
// A page with Reset (the server's epoch changed: it was restored from a
// backup) puts the scope's acknowledged mutations back into the outbox,
// and ApplyPull reports how many, so that the client pushes them again.
// The shared reference scope has none (no device writes into it); its
// pulled years are kept until the server sends them again.
//
// A record the server sent without its personal fields (Limited: a
// provincial laptop's limited copy) is stored without them and listed in
// limited_records (limited.go); a later version that comes whole takes
// its place and the listing away.
//
// Years of the holiday calendar (app.EntityHolidayYear, in
// app.ScopeShared) are stored in holiday_years and take effect at once:
// the store's reference data, and so every deadline it counts, use them
// from the commit on.
func (db *DB) ApplyPull(ctx context.Context, pages []app.PulledPage) (requeued int, err error) {
	calendar, reset := false, false
	err = db.tx(ctx, func(tx *sql.Tx) error {
		held, err := heldKeys(ctx, tx)
		if err != nil {
			return err
		}
		limited, err := limitedKeys(ctx, tx)
		if err != nil {
			return err
		}
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
				reset = true
				slog.Warn("server epoch changed: scope downloaded again, sent changes queued again",
					"scope", p.Scope, "requeued", n)
			}
			for _, r := range p.Records {
				changed, stored, err := db.applyPulled(ctx, tx, p.Scope, r, held)
				if err != nil {
					return err
				}
				if stored {
					if err := markLimited(ctx, tx, r, limited); err != nil {
						return err
					}
				}
				calendar = calendar || changed
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
	if reset {
		// The server restored from a backup may lack files it had: the
		// notes that it holds them go, so the next sync asks again and
		// sends what it lacks (the files of the restore's backup are there).
		if blobs, err := db.Blobs(); err == nil {
			if n, err := blobs.ForgetAllServer(); err != nil {
				slog.Warn("server epoch changed: could not forget which files it held", "error", err)
			} else if n > 0 {
				slog.Warn("server epoch changed: the files it held are asked again", "files", n)
			}
		}
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

// applyPulled stores one pulled record of scope, or quarantines it when it
// cannot be read (and drops a copy kept aside before when it can). It
// reports whether the record changed the holiday calendar, and whether it
// was stored.
func (db *DB) applyPulled(ctx context.Context, tx *sql.Tx, scope string, r app.PulledRecord, held map[string]bool) (calendar, stored bool, err error) {
	switch {
	case r.Withheld != "":
		err = &unreadable{reason: withheldReason(r.Withheld)}
	case r.Entity == app.EntityHolidayYear:
		calendar, err = db.applyHolidayYear(ctx, tx, scope, r)
	default:
		err = db.applyRecord(ctx, tx, r)
	}
	if u, ok := errUnreadable(err); ok {
		return false, false, db.quarantine(ctx, tx, scope, r, u, held)
	}
	if err != nil {
		return false, false, err
	}
	return calendar, true, db.unquarantine(ctx, tx, r, held)
}

// applyRecord stores one pulled record, of any kind: the server's fields,
// with the local value of every field that has a change not yet
// acknowledged, written only when they differ from the stored ones; then
// the record's server version.
func (db *DB) applyRecord(ctx context.Context, tx *sql.Tx, r app.PulledRecord) error {
	k, ok := kindOf(r.Entity)
	if !ok {
		// A newer server may send entities this build does not know: a
		// newer version of the app takes them.
		return &unreadable{reason: app.QuarantineUnknownEntity}
	}
	stored, _, found, err := db.get(ctx, tx, k, r.ID)
	if err != nil {
		return err
	}
	var local map[string]json.RawMessage
	if found {
		if err := json.Unmarshal(stored, &local); err != nil {
			return fmt.Errorf("stored %s %s: %w", r.Entity, r.ID, err)
		}
	}
	fields, err := overlay(ctx, tx, db, r, local)
	if err != nil {
		return err
	}
	d := k.new()
	if err := d.SetFields(fields); err != nil {
		// Never wrapped: the decoder's message may quote a value.
		return &unreadable{reason: app.QuarantineUnreadable, fields: badFields(k.new, fields)}
	}
	if err := d.SetFields(map[string]json.RawMessage{"id": mustJSON(r.ID)}); err != nil {
		return err
	}
	// A record that comes back as this device has it (its own pushes,
	// pulled back) only needs its version: no row or index rewrite.
	if local == nil || !sameFields(local, d.Fields()) {
		return db.putVersion(ctx, tx, k, d, r.Version)
	}
	return db.setVersion(ctx, tx, k, r.ID, r.Version)
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

// Dump writes every record in the store, synced or pending, as canonical
// JSON lines sorted by id (app.DumpLine), and returns how many it wrote.
func (db *DB) Dump(ctx context.Context, w io.Writer) (int, error) {
	type line struct {
		id string
		b  []byte
	}
	var lines []line
	for _, k := range kinds() {
		err := db.each(ctx, k, func(id string, f []byte) error {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(f, &m); err != nil {
				return fmt.Errorf("%s %s: %w", k.entity, id, err)
			}
			b, err := app.DumpLine(k.entity, m)
			if err != nil {
				return err
			}
			lines = append(lines, line{id, b})
			return nil
		})
		if err != nil {
			return 0, err
		}
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
