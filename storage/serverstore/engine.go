package serverstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// dialect is the SQL engine behind a Store. The queries are written once,
// with ? placeholders and SQL that both engines run alike; the few that
// differ are chosen by the dialect.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// boundQueries caches the PostgreSQL form of each query.
var boundQueries sync.Map

// bind returns q with its ? placeholders as the engine wants them: as
// written for SQLite, $1, $2… for PostgreSQL. No query of this package has
// a ? inside a string literal.
func (d dialect) bind(q string) string {
	if d == sqliteDialect {
		return q
	}
	if v, ok := boundQueries.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	boundQueries.Store(q, b.String())
	return b.String()
}

// jsonText is the SQL expression of a top-level string field of a JSON
// column, compared byte by byte on both engines.
func (d dialect) jsonText(column, field string) string {
	if d == postgresDialect {
		return "((" + column + "::jsonb) ->> '" + field + `') COLLATE "C"`
	}
	return "json_extract(" + column + ", '$." + field + "')"
}

// handle is a connection pool whose queries are bound for its dialect.
type handle struct {
	*sql.DB
	d dialect
	// commit, if set, commits the transactions begun on the handle
	// (Store.commit: the store learns whether it can write).
	commit func(*sql.Tx) error
}

func (h *handle) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return h.DB.ExecContext(ctx, h.d.bind(q), args...)
}

func (h *handle) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return h.DB.QueryContext(ctx, h.d.bind(q), args...)
}

func (h *handle) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return h.DB.QueryRowContext(ctx, h.d.bind(q), args...)
}

func (h *handle) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	t, err := h.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: t, d: h.d, commit: h.commit}, nil
}

// txn is a transaction whose queries are bound for its dialect.
type txn struct {
	*sql.Tx
	d      dialect
	commit func(*sql.Tx) error // the handle's
}

// Commit commits the transaction, through its handle's commit hook.
func (t *txn) Commit() error {
	if t.commit != nil {
		return t.commit(t.Tx)
	}
	return t.Tx.Commit()
}

func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.bind(q), args...)
}

func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.bind(q), args...)
}

func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.bind(q), args...)
}

// row runs a statement of the push path: prepared once on SQLite's single
// writer (Store.st); on PostgreSQL pgx caches the prepared statement of
// each connection itself.
func (s *Store) row(ctx context.Context, t *txn, q string, args ...any) *sql.Row {
	if s.st != nil {
		return s.st.QueryRow(ctx, t.Tx, q, args...)
	}
	return t.QueryRowContext(ctx, q, args...)
}

// exec is row for statements without results.
func (s *Store) exec(ctx context.Context, t *txn, q string, args ...any) (sql.Result, error) {
	if s.st != nil {
		return s.st.Exec(ctx, t.Tx, q, args...)
	}
	return t.ExecContext(ctx, q, args...)
}
