package serverstore

import (
	"context"
	"database/sql"
)

// RawDB is the store's own pool, for tests that look at its tables; Bind
// binds a query written with ? for the store's engine.
func (s *Store) RawDB() *sql.DB { return s.w.DB }

// Bind returns q as the store's engine takes it.
func (s *Store) Bind(q string) string { return s.d.bind(q) }

// IsPostgresStore reports whether s runs on PostgreSQL.
func (s *Store) IsPostgresStore() bool { return s.d == postgresDialect }

// UsePlainSequence replaces the locked per-scope counters by a plain
// PostgreSQL sequence (nextval, no lock): the design lockScopes explains
// is wrong. Tests use it to show the gaps it leaves.
func (s *Store) UsePlainSequence(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, "CREATE SEQUENCE IF NOT EXISTS plain_seq")
	s.plainSeq = true
	return err
}

// PrepareAhead turns on or off the validation of a batch's mutations
// ahead of its transaction (prepare), for every store of the process.
func PrepareAhead(on bool) { prepareOff.Store(!on) }

// SetBeforeCommit makes every push call f just before it commits.
func (s *Store) SetBeforeCommit(f func()) { s.beforeCommit = f }

// RebuildFileIndex fills attachment_files again from the records (tests
// that write records around the push path).
func (s *Store) RebuildFileIndex(ctx context.Context) error { return s.rebuildFileIndex(ctx) }

// LaptopCase is the n-th new case of a laptop's first push, stamped at at
// (the benchmarks' case).
var LaptopCase = laptopCase
