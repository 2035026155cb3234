package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"bvntd/app"
)

// doc is a synced record as the store handles it: fields by JSON name. The
// record types of package app are plain JSON structs, so a stored fields
// document decodes straight into one.
type doc interface {
	Fields() map[string]json.RawMessage
	SetFields(map[string]json.RawMessage) error
}

// kind is how the store keeps the records of one entity: a table of
// (id, fields, server_version) — the fields as synced, the one source of
// truth — plus the index columns its lists, search, registers and
// indicators read, derived from the record in one place (index). The
// declared app.Kinds share the records table (keyed by entity too); the
// cases, their steps and the conflicts have tables of their own for their
// lists.
type kind struct {
	entity string
	table  string
	keyed  bool // the table holds several entities: its key is (entity, id)
	new    func() doc
	cols   []string        // the index columns, in the order index returns them
	index  func(doc) []any // their values for a record
	// list, if set, is a table of its own for the index columns (keyed by
	// id): what the lists read without touching the documents.
	list string

	sqlPut, sqlPutVersion, sqlGet, sqlVersion, sqlList string
}

// the kinds with tables of their own (cases, steps, conflicts); the
// declared app.Kinds are made on first use (kindOf), as a test package may
// declare one after this package started.
var (
	caseKind = newKind(app.EntityCase, "cases", false, func() doc { return &app.Case{} }, caseIndexColumns, caseIndex).withList("case_list")

	eventKind = newKind(app.EntityCaseEvent, "case_events", false, func() doc { return &app.CaseEvent{} },
		[]string{"case_id", "at", "kind", "from_status", "to_status", "outcome", "amount_recovered"},
		func(d doc) []any {
			e := d.(*app.CaseEvent)
			return []any{e.CaseID, formatTime(e.At), e.Kind, e.FromStatus, e.ToStatus, e.Outcome, e.AmountRecovered}
		})

	conflictKind = newKind(app.EntityConflict, "conflicts", false, func() doc { return &app.Conflict{} },
		[]string{"unit_code", "record_id", "status", "detected_at"},
		func(d doc) []any {
			c := d.(*app.Conflict)
			return []any{c.UnitCode, c.RecordID, c.Status, formatTime(c.DetectedAt)}
		})

	recordKinds sync.Map // entity → *kind, for the declared app.Kinds
)

// recordColumns are the index columns of the records table.
var recordColumns = []string{"unit_code", "search_folded"}

func newKind(entity, table string, keyed bool, new func() doc, cols []string, index func(doc) []any) *kind {
	k := &kind{entity: entity, table: table, keyed: keyed, new: new, cols: cols, index: index}
	k.build()
	return k
}

// withList moves k's index columns to the table list (see kind.list).
func (k *kind) withList(list string) *kind {
	k.list = list
	k.build()
	return k
}

// build writes k's statements.
func (k *kind) build() {
	key, keyCols := "id", "id"
	if k.keyed {
		key, keyCols = "entity = ? AND id", "entity, id"
	}
	upsert := func(table string, cols []string) string {
		set := make([]string, 0, len(cols))
		for _, c := range cols {
			if c != "id" && c != "entity" {
				set = append(set, c+" = excluded."+c)
			}
		}
		return fmt.Sprintf("INSERT INTO %s (%s) VALUES (?%s) ON CONFLICT (%s) DO UPDATE SET %s",
			table, strings.Join(cols, ", "), strings.Repeat(", ?", len(cols)-1), keyCols, strings.Join(set, ", "))
	}
	doc := []string{"id", "fields"}
	if k.keyed {
		doc = append([]string{"entity"}, doc...)
	}
	if k.list == "" {
		doc = append(doc, k.cols...)
	} else {
		k.sqlList = upsert(k.list, append([]string{"id"}, k.cols...))
	}
	k.sqlPut = upsert(k.table, doc)
	k.sqlPutVersion = upsert(k.table, append(doc, "server_version"))
	k.sqlGet = fmt.Sprintf("SELECT fields, server_version FROM %s WHERE %s = ?", k.table, key)
	k.sqlVersion = fmt.Sprintf("UPDATE %s SET server_version = ? WHERE %s = ?", k.table, key)
}

// kindOf returns how the store keeps entity, or false for an entity this
// build does not know.
func kindOf(entity string) (*kind, bool) {
	switch entity {
	case app.EntityCase:
		return caseKind, true
	case app.EntityCaseEvent:
		return eventKind, true
	case app.EntityConflict:
		return conflictKind, true
	}
	if k, ok := recordKinds.Load(entity); ok {
		return k.(*kind), true
	}
	decl, ok := app.KindOf(entity)
	if !ok {
		return nil, false
	}
	k := newKind(entity, "records", true, func() doc { return decl.New() }, recordColumns, func(d doc) []any {
		r := d.(app.Record)
		return []any{r.Head().UnitCode, app.Fold(app.SearchText(r))}
	})
	got, _ := recordKinds.LoadOrStore(entity, k)
	return got.(*kind), true
}

// kinds returns every kind the store keeps: the cases, steps and conflicts,
// then the declared app.Kinds in their order.
func kinds() []*kind {
	out := []*kind{caseKind, eventKind, conflictKind}
	for _, e := range app.RecordEntities {
		if k, ok := kindOf(e); ok {
			out = append(out, k)
		}
	}
	return out
}

// preparedKinds are the statements of the hot paths (a pulled page, an
// edit), prepared when the store opens; the others are prepared in the
// transaction that runs them.
func preparedKinds() []string {
	rec, _ := kindOf(app.EntityOfficer)
	return []string{caseKind.sqlGet, caseKind.sqlPut, caseKind.sqlPutVersion, caseKind.sqlList, caseKind.sqlVersion,
		eventKind.sqlGet, eventKind.sqlPutVersion, rec.sqlGet, rec.sqlPutVersion, rec.sqlVersion}
}

func (k *kind) key(id string) []any {
	if k.keyed {
		return []any{k.entity, id}
	}
	return []any{id}
}

// decode reads a stored or sent fields document into a new record of k.
func (k *kind) decode(b []byte) (doc, error) {
	d := k.new()
	if err := json.Unmarshal(b, d); err != nil {
		return nil, fmt.Errorf("%s: %w", k.entity, err)
	}
	return d, nil
}

// get reads the record id of k in tx (or the read pool): its fields
// document and server version; found is false when there is none.
func (db *DB) get(ctx context.Context, q querier, k *kind, id string) (fields []byte, version int64, found bool, err error) {
	var row *sql.Row
	if tx, ok := q.(*sql.Tx); ok {
		row = db.st.QueryRow(ctx, tx, k.sqlGet, k.key(id)...)
	} else {
		row = q.QueryRowContext(ctx, k.sqlGet, k.key(id)...)
	}
	err = row.Scan(&fields, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("read %s %s: %w", k.entity, id, err)
	}
	return fields, version, true, nil
}

// docID returns the id of a record.
func docID(d doc) string {
	switch v := d.(type) {
	case app.Record:
		return v.Head().ID
	case *app.CaseEvent:
		return v.ID
	case *app.Conflict:
		return v.ID
	}
	var id string
	json.Unmarshal(d.Fields()["id"], &id)
	return id
}

// put writes d, a record of k, with its index columns. The document is the
// record's JSON: its fields by name (the record types are plain JSON
// structs, so this is what Fields holds).
func (db *DB) put(ctx context.Context, tx *sql.Tx, k *kind, d doc) error {
	return db.putVersion(ctx, tx, k, d, -1)
}

// putVersion is put with the record's server version too (a pulled record;
// -1 keeps the stored version).
func (db *DB) putVersion(ctx context.Context, tx *sql.Tx, k *kind, d doc, version int64) error {
	id := docID(d)
	if id == "" {
		return fmt.Errorf("put %s: no id", k.entity)
	}
	b, err := app.Marshal(d)
	if err != nil {
		return err
	}
	args := append(k.key(id), string(b))
	if k.list != "" {
		if _, err := db.st.Exec(ctx, tx, k.sqlList, append([]any{id}, k.index(d)...)...); err != nil {
			return fmt.Errorf("list %s %s: %w", k.entity, id, err)
		}
	} else {
		args = append(args, k.index(d)...)
	}
	q := k.sqlPut
	if version >= 0 {
		q, args = k.sqlPutVersion, append(args, version)
	}
	if _, err := db.st.Exec(ctx, tx, q, args...); err != nil {
		return fmt.Errorf("put %s %s: %w", k.entity, id, err)
	}
	return nil
}

// setVersion records the server version of the record id of k.
func (db *DB) setVersion(ctx context.Context, tx *sql.Tx, k *kind, id string, version int64) error {
	_, err := db.st.Exec(ctx, tx, k.sqlVersion, append([]any{version}, k.key(id)...)...)
	return err
}

// each calls fn with the id and the fields document of every record of k.
func (db *DB) each(ctx context.Context, k *kind, fn func(id string, fields []byte) error) error {
	q := "SELECT id, fields FROM " + k.table
	var args []any
	if k.keyed {
		q += " WHERE entity = ?"
		args = append(args, k.entity)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", k.entity, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var f []byte
		if err := rows.Scan(&id, &f); err != nil {
			return err
		}
		if err := fn(id, f); err != nil {
			return err
		}
	}
	return rows.Err()
}
