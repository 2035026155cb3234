package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"bvntd/app"
	"bvntd/storage/stmt"
)

// A pulled page is stored in a few statements instead of a few per record
// (ApplyPull): the records the store already holds are read in one query
// per kind, the new ones are decoded and indexed in parallel (pure work),
// and the documents and list rows are written by multi-row upserts. One
// statement for many case_list rows also means one flush of the full-text
// index's pending terms per statement, not per row (an FTS5 table flushes
// them at every statement's savepoint). The triggers on case_list keep
// cases_fts right, whoever writes.

// storedDoc is a record the store holds: its fields document and server
// version.
type storedDoc struct {
	fields  []byte
	version int64
}

// docKey keys a record by entity and id.
func docKey(entity, id string) string { return entity + "\x00" + id }

// storedDocs reads, in one query per kind, the records of recs the store
// holds. Records of unknown kinds, withheld ones and holiday years are
// left out (they take other paths).
func (db *DB) storedDocs(ctx context.Context, tx *sql.Tx, recs []app.PulledRecord) (map[string]storedDoc, error) {
	ids := map[*kind][]string{}
	var order []*kind
	for _, r := range recs {
		if r.Withheld != "" || r.Entity == app.EntityHolidayYear {
			continue
		}
		k, ok := kindOf(r.Entity)
		if !ok {
			continue
		}
		if _, seen := ids[k]; !seen {
			order = append(order, k)
		}
		ids[k] = append(ids[k], r.ID)
	}
	out := map[string]storedDoc{}
	for _, k := range order {
		all := ids[k]
		for len(all) > 0 {
			n := min(len(all), 500)
			chunk := all[:n]
			all = all[n:]
			q := "SELECT id, fields, server_version FROM " + k.table + " WHERE "
			args := make([]any, 0, n+1)
			if k.keyed {
				q += "entity = ? AND "
				args = append(args, k.entity)
			}
			q += "id IN (?" + strings.Repeat(", ?", n-1) + ")"
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", k.entity, err)
			}
			for rows.Next() {
				var id string
				var d storedDoc
				if err := rows.Scan(&id, &d.fields, &d.version); err != nil {
					rows.Close()
					return nil, fmt.Errorf("read %s: %w", k.entity, err)
				}
				out[docKey(k.entity, id)] = d
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("read %s: %w", k.entity, err)
			}
		}
	}
	return out, nil
}

// preparedDoc is a pulled record decoded, encoded as the store keeps it
// and indexed: what is written for it unless a local change overlays it.
type preparedDoc struct {
	ok    bool // decoded; false: take the sequential path
	d     doc
	json  []byte
	index []any
}

// prepChunk is the number of records prepared, then written, at a time:
// the store writes a chunk while the next ones are prepared.
const prepChunk = 128

// preparation is the work of prepareNew: a record's preparedDoc is ready
// once its chunk is done.
type preparation struct {
	docs []preparedDoc
	done []chan struct{} // by chunk of prepChunk records
}

// get returns the preparedDoc of record i, waiting for its chunk.
func (p *preparation) get(i int) preparedDoc {
	<-p.done[i/prepChunk]
	return p.docs[i]
}

// prepareNew decodes, encodes and indexes the records of recs the store
// does not hold (nothing local overlays them), chunk after chunk, in
// goroutines of their own (pure work) while the caller writes what is
// ready. The others, and any that fail, are left for the sequential path.
func prepareNew(recs []app.PulledRecord, stored map[string]storedDoc) *preparation {
	p := &preparation{docs: make([]preparedDoc, len(recs))}
	chunks := (len(recs) + prepChunk - 1) / prepChunk
	p.done = make([]chan struct{}, chunks)
	for c := range p.done {
		p.done[c] = make(chan struct{})
	}
	work := func(c int) {
		defer close(p.done[c])
		for i := c * prepChunk; i < min(len(recs), (c+1)*prepChunk); i++ {
			r := recs[i]
			if r.Withheld != "" || r.Entity == app.EntityHolidayYear {
				continue
			}
			if _, found := stored[docKey(r.Entity, r.ID)]; found {
				continue
			}
			k, ok := kindOf(r.Entity)
			if !ok {
				continue
			}
			var d doc
			var err error
			if r.Fields == nil && r.Raw != nil {
				d, err = decodeRaw(k, r.ID, r.Raw)
			} else {
				d, err = decodePulled(k, r.ID, r.Fields)
			}
			if err != nil {
				continue
			}
			b, err := app.Marshal(d)
			if err != nil {
				continue
			}
			p.docs[i] = preparedDoc{ok: true, d: d, json: b, index: k.index(d)}
		}
	}
	if len(recs) < 2*prepChunk {
		for c := range chunks {
			work(c)
		}
		return p
	}
	// One goroutine fewer than the processors: the caller writes.
	workers := min(chunks, max(1, runtime.GOMAXPROCS(0)-1))
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				work(c)
			}
		}()
	}
	return p
}

// decodePulled reads fields, with id, into a new record of k: what
// SetFields(fields) then SetFields({"id": id}) give, in one decoding of
// one document (each value checked to be one JSON value, the keys in
// sorted order, as json.Marshal of the map writes them; "id" last).
func decodePulled(k *kind, id string, fields map[string]json.RawMessage) (doc, error) {
	for name, v := range fields {
		if len(v) > 0 && !json.Valid(v) {
			return nil, fmt.Errorf("field %q: invalid JSON", name)
		}
	}
	buf := app.EncodeFields(fields) // a nil value as null, as json.Marshal writes it
	buf = buf[:len(buf)-1]
	if len(fields) > 0 {
		buf = append(buf, ',')
	}
	return decodeWithID(k, buf, id)
}

// decodeWithID ends buf, an object's members each followed by a comma (or
// "{" alone), with "id": id and decodes it into a new record of k.
func decodeWithID(k *kind, buf []byte, id string) (doc, error) {
	buf = appendJSONKey(buf, "id")
	buf = appendJSONKey(buf, id)
	buf[len(buf)-1] = '}'
	d := k.new()
	if err := json.Unmarshal(buf, d); err != nil {
		return nil, err
	}
	return d, nil
}

// decodeRaw is decodePulled for fields given as one JSON object whose keys
// are unique and in ascending order (app.PulledRecord.Raw): the object
// itself, with "id" added last.
func decodeRaw(k *kind, id string, raw []byte) (doc, error) {
	if len(raw) < 2 || raw[0] != '{' || raw[len(raw)-1] != '}' {
		return nil, fmt.Errorf("fields: not a JSON object")
	}
	d := k.new()
	if handled, err := app.DecodeObjectInto(d, raw); handled {
		// Member by member, without json.Unmarshal's second pass over
		// the object (BenchmarkDecodeRaw); "id" last, as in the object
		// below.
		if err != nil {
			return nil, err
		}
		idField := map[string]json.RawMessage{"id": app.AppendJSONText(make([]byte, 0, len(id)+2), id)}
		if err := app.DecodeFieldsInto(d, idField); err != nil {
			return nil, err
		}
		return d, nil
	}
	buf := make([]byte, 0, len(raw)+len(id)+8)
	buf = append(buf, raw[:len(raw)-1]...)
	if len(bytesTrimSpace(raw[1:len(raw)-1])) > 0 {
		buf = append(buf, ',')
	}
	return decodeWithID(k, buf, id)
}

func bytesTrimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// withFields returns r with its Fields decoded from Raw, if it came so;
// false if Raw is not a JSON object.
func withFields(r app.PulledRecord) (app.PulledRecord, bool) {
	if r.Fields == nil && r.Raw != nil {
		if json.Unmarshal(r.Raw, &r.Fields) != nil || r.Fields == nil {
			return r, false
		}
		r.Raw = nil
	}
	return r, true
}

// ReadsRawFields says that ApplyPull takes records with their fields in
// app.PulledRecord.Raw (app.RawFieldsReader).
func (db *DB) ReadsRawFields() bool { return true }

// appendJSONKey appends s as a JSON string followed by a colon.
func appendJSONKey(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(append(buf, b...), ':')
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"', ':')
}

// docWriter gathers the documents and list rows of pulled records and
// writes them in multi-row upserts (flush). A record staged twice is
// written once, as staged last.
type docWriter struct {
	stmts *stmt.Tx
	kinds []*kind
	rows  map[*kind]*stagedRows
}

type stagedRows struct {
	at   map[string]int // id → index in docs and lists
	docs [][]any        // key…, fields, server_version
	list [][]any        // id, index columns… (kinds with a list table)
	flat [][]any        // key…, fields, index columns…, server_version (kinds without)
}

// newDocWriter writes in stmts' transaction, with its statements: a
// pull's multi-row upserts come in a few shapes (a whole chunk of
// prepChunk records, a page's last one), each parsed once a transaction
// instead of once a chunk (parsing a statement of 128 rows, with the code
// of the triggers it fires, took about a fifth of the writes' time).
func newDocWriter(stmts *stmt.Tx) *docWriter {
	return &docWriter{stmts: stmts, rows: map[*kind]*stagedRows{}}
}

// stage adds a record of k: its document and index columns, with the
// server version.
func (w *docWriter) stage(k *kind, id string, fields []byte, index []any, version int64) {
	s := w.rows[k]
	if s == nil {
		s = &stagedRows{at: map[string]int{}}
		w.rows[k] = s
		w.kinds = append(w.kinds, k)
	}
	var doc, list []any
	if k.list != "" {
		doc = append(append(k.key(id), string(fields)), version)
		list = append([]any{id}, index...)
	} else {
		doc = append(append(append(k.key(id), string(fields)), index...), version)
	}
	if i, ok := s.at[id]; ok {
		s.docs[i] = doc
		if list != nil {
			s.list[i] = list
		}
		return
	}
	s.at[id] = len(s.docs)
	s.docs = append(s.docs, doc)
	if list != nil {
		s.list = append(s.list, list)
	}
}

// maxSQLVariables bounds the parameters of one statement (SQLite's
// default limit is 32766).
const maxSQLVariables = 30000

// flush writes what was staged.
func (w *docWriter) flush(ctx context.Context) error {
	for _, k := range w.kinds {
		s := w.rows[k]
		if len(s.docs) == 0 {
			continue
		}
		docCols := []string{"id", "fields"}
		if k.keyed {
			docCols = append([]string{"entity"}, docCols...)
		}
		if k.list == "" {
			docCols = append(docCols, k.cols...)
		}
		docCols = append(docCols, "server_version")
		if err := w.upsert(ctx, k.table, docCols, k.keyed, s.docs); err != nil {
			return fmt.Errorf("put %s: %w", k.entity, err)
		}
		if k.list != "" {
			if err := w.upsert(ctx, k.list, append([]string{"id"}, k.cols...), false, s.list); err != nil {
				return fmt.Errorf("list %s: %w", k.entity, err)
			}
		}
		delete(w.rows, k)
	}
	w.kinds = w.kinds[:0]
	return nil
}

// upsert writes rows into table's cols, keyed by id (and entity when
// keyed), in statements of as many rows as the parameters allow.
func (w *docWriter) upsert(ctx context.Context, table string, cols []string, keyed bool, rows [][]any) error {
	per := max(1, min(256, maxSQLVariables/len(cols)))
	for len(rows) > 0 {
		n := min(per, len(rows))
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if err := w.stmts.Exec(ctx, multiUpsert(table, cols, keyed, n), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

var multiUpserts sync.Map // "table cols n" → SQL

// multiUpsert is the statement that upserts n rows of cols into table.
func multiUpsert(table string, cols []string, keyed bool, n int) string {
	key := fmt.Sprintf("%s %s %d", table, strings.Join(cols, ","), n)
	if q, ok := multiUpserts.Load(key); ok {
		return q.(string)
	}
	tuple := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	set := make([]string, 0, len(cols))
	for _, c := range cols {
		if c != "id" && c != "entity" {
			set = append(set, c+" = excluded."+c)
		}
	}
	conflict := "id"
	if keyed {
		conflict = "entity, id"
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s%s ON CONFLICT (%s) DO UPDATE SET %s",
		table, strings.Join(cols, ", "), tuple, strings.Repeat(", "+tuple, n-1), conflict, strings.Join(set, ", "))
	multiUpserts.Store(key, q)
	return q
}

// deferIndexing starts a pull's transaction: the rows of case_list it
// adds from now on (those above the rowid it returns) are indexed by
// indexDeferred at its end, not by the triggers row by row (migration
// 0026).
func deferIndexing(ctx context.Context, tx *sql.Tx) (above int64, err error) {
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM case_list`).Scan(&above); err != nil {
		return 0, fmt.Errorf("defer indexing: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO pull_deferred (only, above) VALUES (1, ?)`, above); err != nil {
		return 0, fmt.Errorf("defer indexing: %w", err)
	}
	return above, nil
}

// indexDeferred ends what deferIndexing began, in the same transaction:
// the rows added since go into the full-text index in one statement, any
// cached facts of theirs go and the facts' generation rises once, as the
// triggers would have done row by row.
func indexDeferred(ctx context.Context, tx *sql.Tx, above int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM pull_deferred`); err != nil {
		return fmt.Errorf("index pulled cases: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO cases_fts (rowid, search_folded)
		SELECT rowid, search_folded FROM case_list WHERE rowid > ?`, above)
	if err != nil {
		return fmt.Errorf("index pulled cases: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM case_facts WHERE case_id IN (SELECT id FROM case_list WHERE rowid > ?)`, above); err != nil {
		return fmt.Errorf("index pulled cases: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE case_facts_basis SET generation = generation + 1`); err != nil {
		return fmt.Errorf("index pulled cases: %w", err)
	}
	return nil
}
