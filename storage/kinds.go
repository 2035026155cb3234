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

	sqlPut, sqlGet, sqlVersion, sqlList string
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
	key, keyCols := "id", "id"
	if keyed {
		key, keyCols = "entity = ? AND id", "entity, id"
	}
	all := append([]string{"id", "fields"}, cols...)
	if keyed {
		all = append([]string{"entity"}, all...)
	}
	set := []string{"fields = excluded.fields"}
	for _, c := range cols {
		set = append(set, c+" = excluded."+c)
	}
	k.sqlPut = fmt.Sprintf("INSERT INTO %s (%s) VALUES (?%s) ON CONFLICT (%s) DO UPDATE SET %s",
		table, strings.Join(all, ", "), strings.Repeat(", ?", len(all)-1), keyCols, strings.Join(set, ", "))
	k.sqlGet = fmt.Sprintf("SELECT fields, server_version FROM %s WHERE %s = ?", table, key)
	k.sqlVersion = fmt.Sprintf("UPDATE %s SET server_version = ? WHERE %s = ?", table, key)
	return k
}

// withList moves k's index columns to the table list (see kind.list).
func (k *kind) withList(list string) *kind {
	set := make([]string, len(k.cols))
	for i, c := range k.cols {
		set[i] = c + " = excluded." + c
	}
	k.list = list
	k.sqlList = fmt.Sprintf("INSERT INTO %s (id, %s) VALUES (?%s) ON CONFLICT (id) DO UPDATE SET %s",
		list, strings.Join(k.cols, ", "), strings.Repeat(", ?", len(k.cols)), strings.Join(set, ", "))
	k.sqlPut = fmt.Sprintf("INSERT INTO %s (id, fields) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET fields = excluded.fields",
		k.table)
	return k
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

// preparedKinds are the statements of the kinds with tables of their own
// and of the records table, prepared when the store opens.
func preparedKinds() []string {
	var qs []string
	rec, _ := kindOf(app.EntityOfficer)
	for _, k := range []*kind{caseKind, eventKind, conflictKind, rec} {
		qs = append(qs, k.sqlPut, k.sqlGet, k.sqlVersion)
		if k.list != "" {
			qs = append(qs, k.sqlList)
		}
	}
	return qs
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

// put writes d, a record of k, with its index columns.
func (db *DB) put(ctx context.Context, tx *sql.Tx, k *kind, d doc) error {
	f := d.Fields()
	var id string
	if err := json.Unmarshal(f["id"], &id); err != nil || id == "" {
		return fmt.Errorf("put %s: no id", k.entity)
	}
	b, err := json.Marshal(f)
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
	if _, err := db.st.Exec(ctx, tx, k.sqlPut, args...); err != nil {
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
