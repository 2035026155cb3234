// Package stmt caches prepared SQL statements of a single-writer SQLite
// handle, so that hot write paths (applying a push, storing a pulled page)
// parse each statement once instead of once per row.
package stmt

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Cache holds statements prepared on one *sql.DB.
type Cache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// Prepare prepares queries on db. Call it before any transaction: with a
// single-connection writer, preparing on the handle waits for the
// connection a transaction holds.
func Prepare(ctx context.Context, db *sql.DB, queries ...string) (*Cache, error) {
	c := &Cache{m: make(map[string]*sql.Stmt, len(queries))}
	for _, q := range queries {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		c.m[q] = s
	}
	return c, nil
}

// In returns the statement for query bound to tx. A query that was not
// prepared is prepared in tx (and closed with it).
func (c *Cache) In(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	s, ok := c.m[query]
	c.mu.Unlock()
	if !ok {
		return tx.PrepareContext(ctx, query)
	}
	return tx.StmtContext(ctx, s), nil
}

// Exec runs query with args in tx.
func (c *Cache) Exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	s, err := c.In(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

// QueryRow runs query with args in tx.
func (c *Cache) QueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	s, err := c.In(ctx, tx, query)
	if err != nil {
		// The caller sees the error at Scan, as with tx.QueryRowContext.
		return tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// Close closes every statement.
func (c *Cache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, s := range c.m {
		errs = append(errs, s.Close())
		delete(c.m, q)
	}
	return errors.Join(errs...)
}

// Tx holds the statements prepared in one transaction, by their SQL, for
// the statements a transaction runs many times that no Cache holds (a
// pull's multi-row upserts, whose shape depends on how many rows each
// writes). They are closed with the transaction.
type Tx struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

// InTx returns an empty set of statements of tx.
func InTx(tx *sql.Tx) *Tx { return &Tx{tx: tx, m: map[string]*sql.Stmt{}} }

// Tx returns the transaction.
func (t *Tx) Tx() *sql.Tx { return t.tx }

// Exec runs query with args, preparing it the first time.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) error {
	s, ok := t.m[query]
	if !ok {
		var err error
		if s, err = t.tx.PrepareContext(ctx, query); err != nil {
			return err
		}
		t.m[query] = s
	}
	_, err := s.ExecContext(ctx, args...)
	return err
}
