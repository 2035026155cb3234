package sqlitefile_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/storage/sqlitefile"

	_ "modernc.org/sqlite"
)

// openWriter opens a writer's connection, as the stores open theirs, on a
// new WAL database at path holding table t (closed with the test).
func openWriter(t *testing.T) (w *sql.DB, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "t.sqlite")
	w, err := sql.Open("sqlite", sqlitefile.URI(path)+"?_pragma=journal_mode(wal)&_pragma=synchronous(NORMAL)&"+sqlitefile.NoAutoCheckpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	w.SetMaxOpenConns(1)
	if _, err := w.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	return w, path
}

// TestCheckpointer_CopiesTheLogBesideTheWriter: with SQLite's automatic
// checkpoint off, the log is copied back by the checkpointer as commits
// come, every row stays readable, and Close leaves an empty log.
func TestCheckpointer_CopiesTheLogBesideTheWriter(t *testing.T) {
	w, path := openWriter(t)
	ctx := context.Background()
	var auto int
	if err := w.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("wal_autocheckpoint %d, %v: want 0", auto, err)
	}
	c, err := sqlitefile.NewCheckpointer(path)
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 3000) // a page a row or so
	const commits = 5 * sqlitefile.CheckpointEvery
	for i := range commits {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 20 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", i*20+j, big); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		c.Committed()
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if n := sqlitefile.CheckpointRuns(c); n < 2 {
		t.Errorf("%d checkpoints for %d commits: want at least 2 (one per %d commits, one at Close)", n, commits, sqlitefile.CheckpointEvery)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("log after Close: %d bytes, want 0", fi.Size())
	}
	// Every row is in the database file itself: read it with the log gone.
	var n int
	if err := w.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != commits*20 {
		t.Fatalf("%d rows, %v: want %d", n, err, commits*20)
	}
}

// TestCheckpointer_ABigCommitIsCopiedBeforeClose: fewer commits than
// CheckpointEvery, each of more than CheckpointChanges rows (a pull's
// transactions of thousands of records), start checkpoints as they come,
// so that Close does not copy the whole log after the last one.
func TestCheckpointer_ABigCommitIsCopiedBeforeClose(t *testing.T) {
	w, path := openWriter(t)
	ctx := context.Background()
	c, err := sqlitefile.NewCheckpointer(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	big := strings.Repeat("x", 3000)
	rows := sqlitefile.CheckpointChanges + 100
	for i := range 2 {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for j := range rows {
			if _, err := tx.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", i*rows+j, big); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var total int64
		if err := w.QueryRowContext(ctx, "SELECT total_changes()").Scan(&total); err != nil {
			t.Fatal(err)
		}
		c.CommittedChanges(total)
		// The checkpoint runs in the background: wait for it (a minute at
		// most, on a loaded machine).
		for wait := 0; sqlitefile.CheckpointRuns(c) <= i; wait++ {
			if wait == 6000 {
				t.Fatalf("commit %d of %d rows: no checkpoint after a minute", i+1, rows)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestCheckpointer_NilIsANoOp: a store without a checkpointer (PostgreSQL)
// calls it all the same.
func TestCheckpointer_NilIsANoOp(t *testing.T) {
	var c *sqlitefile.Checkpointer
	c.Committed()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}
