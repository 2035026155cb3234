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
	"bvntd/storage/stmt"
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
		limited, err := limitedOfPages(ctx, tx, pages)
		if err != nil {
			return err
		}
		stmts := stmt.InTx(tx)
		above, err := deferIndexing(ctx, tx)
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
			changed, err := db.applyPage(ctx, stmts, p, held, limited)
			if err != nil {
				return err
			}
			calendar = calendar || changed
			if _, err := db.st.Exec(ctx, tx, sqlPutCursor, p.Scope, p.Epoch, p.NextSeq); err != nil {
				return fmt.Errorf("save cursor: %w", err)
			}
		}
		return indexDeferred(ctx, tx, above)
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

// applyPage stores the records of one pulled page (pullapply.go): the
// records the store holds are read at once, the new ones decoded in
// parallel, and the documents written together at the end. It reports
// whether a record changed the holiday calendar.
func (db *DB) applyPage(ctx context.Context, stmts *stmt.Tx, p app.PulledPage, held, limited map[string]bool) (bool, error) {
	tx := stmts.Tx()
	stored, err := db.storedDocs(ctx, tx, p.Records)
	if err != nil {
		return false, err
	}
	prepared := prepareNew(p.Records, stored)
	w := newDocWriter(stmts)
	seen := make(map[string]bool, len(p.Records))
	calendar := false
	for i, r := range p.Records {
		if i > 0 && i%prepChunk == 0 {
			// Write what is ready while the next records are prepared.
			if err := w.flush(ctx); err != nil {
				return false, err
			}
		}
		key := docKey(r.Entity, r.ID)
		st, found := stored[key]
		prep := prepared.get(i)
		if seen[key] {
			// The same record twice in a page: the second sees the
			// first as stored.
			if err := w.flush(ctx); err != nil {
				return false, err
			}
			if st, found, err = db.storedDoc(ctx, tx, r); err != nil {
				return false, err
			}
			prep = preparedDoc{}
		}
		seen[key] = true
		changed, ok, err := db.stagePulled(ctx, tx, w, p.Scope, r, prep, st, found, held)
		if err != nil {
			return false, err
		}
		if ok {
			if err := markLimited(ctx, tx, r, limited); err != nil {
				return false, err
			}
		}
		calendar = calendar || changed
	}
	return calendar, w.flush(ctx)
}

// storedDoc reads what the store holds of the pulled record r.
func (db *DB) storedDoc(ctx context.Context, tx *sql.Tx, r app.PulledRecord) (storedDoc, bool, error) {
	k, ok := kindOf(r.Entity)
	if !ok || r.Withheld != "" || r.Entity == app.EntityHolidayYear {
		return storedDoc{}, false, nil
	}
	f, v, found, err := db.get(ctx, tx, k, r.ID)
	return storedDoc{fields: f, version: v}, found, err
}

// applyPulled stores one pulled record of scope, or quarantines it when it
// cannot be read (and drops a copy kept aside before when it can). It
// reports whether the record changed the holiday calendar, and whether it
// was stored.
func (db *DB) applyPulled(ctx context.Context, tx *sql.Tx, scope string, r app.PulledRecord, held map[string]bool) (calendar, stored bool, err error) {
	st, found, err := db.storedDoc(ctx, tx, r)
	if err != nil {
		return false, false, err
	}
	w := newDocWriter(stmt.InTx(tx))
	if calendar, stored, err = db.stagePulled(ctx, tx, w, scope, r, preparedDoc{}, st, found, held); err != nil {
		return false, false, err
	}
	return calendar, stored, w.flush(ctx)
}

// stagePulled stores one pulled record of scope (its document staged in
// w, prepared when prep.ok; st is what the store holds of it, if found),
// or quarantines it when it cannot be read (and drops a copy kept aside
// before when it can). It reports whether the record changed the holiday
// calendar, and whether it was stored.
func (db *DB) stagePulled(ctx context.Context, tx *sql.Tx, w *docWriter, scope string, r app.PulledRecord, prep preparedDoc, st storedDoc, found bool, held map[string]bool) (calendar, stored bool, err error) {
	readable := true
	if !prep.ok || found {
		r, readable = withFields(r) // the paths below read the fields by name
	}
	switch {
	case !readable:
		err = &unreadable{reason: app.QuarantineMalformed}
	case r.Withheld != "":
		err = &unreadable{reason: withheldReason(r.Withheld)}
	case r.Entity == app.EntityHolidayYear:
		calendar, err = db.applyHolidayYear(ctx, tx, scope, r)
	default:
		err = db.stageRecord(ctx, tx, w, r, prep, st, found)
	}
	if u, ok := errUnreadable(err); ok {
		return false, false, db.quarantine(ctx, tx, scope, r, u, held)
	}
	if err != nil {
		return false, false, err
	}
	return calendar, true, db.unquarantine(ctx, tx, r, held)
}

// stageRecord stores one pulled record, of any kind: the server's fields,
// with the local value of every field that has a change not yet
// acknowledged, written only when they differ from the stored ones; then
// the record's server version.
func (db *DB) stageRecord(ctx context.Context, tx *sql.Tx, w *docWriter, r app.PulledRecord, prep preparedDoc, st storedDoc, found bool) error {
	k, ok := kindOf(r.Entity)
	if !ok {
		// A newer server may send entities this build does not know: a
		// newer version of the app takes them.
		return &unreadable{reason: app.QuarantineUnknownEntity}
	}
	if r.ID == "" {
		return fmt.Errorf("put %s: no id", k.entity)
	}
	if prep.ok && !found {
		w.stage(k, r.ID, prep.json, prep.index, r.Version)
		return nil
	}
	var local map[string]json.RawMessage
	if found {
		if err := json.Unmarshal(st.fields, &local); err != nil {
			return fmt.Errorf("stored %s %s: %w", r.Entity, r.ID, err)
		}
	}
	fields, err := overlay(ctx, tx, db, r, local)
	if err != nil {
		return err
	}
	d, err := decodePulled(k, r.ID, fields)
	if err != nil {
		// Never wrapped: the decoder's message may quote a value.
		return &unreadable{reason: app.QuarantineUnreadable, fields: badFields(k.new, fields)}
	}
	// A record that comes back as this device has it (its own pushes,
	// pulled back) only needs its version: no row or index rewrite.
	if local == nil || !sameFields(local, d.Fields()) {
		b, err := app.Marshal(d)
		if err != nil {
			return err
		}
		w.stage(k, r.ID, b, k.index(d), r.Version)
		return nil
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
