package sqlitefile

import (
	"context"
	"database/sql"
	"sync"
)

// CheckpointEvery is how many commits of the writer a Checkpointer lets
// into the log before it copies them back: about SQLite's own automatic
// checkpoint (1,000 pages) for a pushed or pulled batch of a hundred
// records, and small checkpoints for small commits.
const CheckpointEvery = 16

// CheckpointChanges is how many rows a writer may change before a commit
// starts a checkpoint however few commits made them, for a writer that
// tells its changes (CommittedChanges): a pull stores thousands of records
// a transaction (a fresh laptop's 10,000 cases in three commits, 28 MB of
// log), which were all copied back at Close, after the last one — a fifth
// of a second at the end of `bvntd sync` (issue 22, the trace of scenario
// b). Copied while the pull goes on, only the last commit's pages are left
// for Close. A case changes two rows or so (its document and its list
// row), an officer's edit a few.
const CheckpointChanges = 2000

// NoAutoCheckpoint is the DSN parameter that turns SQLite's automatic
// checkpoint off on the writer's connection, when a Checkpointer does it.
const NoAutoCheckpoint = "_pragma=wal_autocheckpoint(0)"

// WriterMemory is the DSN parameters of a writer's connection that keep a
// bulk write's work in memory (issue 22, BenchmarkApplyPull_Page500 and
// BenchmarkApplyPush_LaptopCases):
//   - temp_store(MEMORY): the statement journal of an upsert with triggers
//     (SQLite copies each page a multi-row statement changes, to undo it
//     alone) and the sorter's overflow stay in memory, not in temporary
//     files of the system's temp folder — write(2) calls saved, and no
//     copy of a consumer's page left in a file outside the store;
//   - cache_size(-32000): 32 MB of page cache instead of SQLite's 2 MB, so
//     that a page of 500 pulled cases (documents, list row, full-text
//     index) no longer spills dirty pages into the log before its commit.
//
// Together they halve a pulled case's cost on the laptop (139 → 71 µs,
// BenchmarkApplyPull_Page500/raw, 2026-12-07).
const WriterMemory = "_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"

// Checkpointer copies a WAL database's log back into the database file on
// a connection of its own, so that no commit pays for it. SQLite's
// automatic checkpoint runs inside the commit that crosses 1,000 pages of
// log: the writer, holding the one write lock, then copies the log, reads
// it back and flushes the file to disk — a third of a bulk push's commit
// time on the server (bvntd-bench side, issue 22), and the flushes' wait on
// a slow disk. A PASSIVE checkpoint on another connection does the same
// work while the writer goes on (SQLite allows one checkpointer beside one
// writer); the log restarts from its beginning once all of it is copied.
//
// The writer's connection must be opened with NoAutoCheckpoint and call
// Committed after each commit. The log grows between checkpoints by at
// most CheckpointEvery commits, and by what is written while a checkpoint
// runs; Close copies what is left.
type Checkpointer struct {
	db    *sql.DB
	nudge chan struct{}
	stop  chan struct{}
	done  chan struct{}

	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	pending int   // commits since the last checkpoint began
	changes int64 // the writer's changes when it last told them (CommittedChanges)
	since   int64 // its changes when the last checkpoint began
	err     error // the last checkpoint's failure, if any
	runs    int   // checkpoints made (tests)
}

// NewCheckpointer starts a checkpointer on the database file at path, on
// a connection of its own.
func NewCheckpointer(path string) (*Checkpointer, error) {
	db, err := sql.Open("sqlite", URI(path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	c := &Checkpointer{db: db, nudge: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c, nil
}

// Committed notes one commit of the writer; every CheckpointEvery of them
// start a checkpoint in the background (one at a time: commits made while
// one runs count toward the next).
func (c *Checkpointer) Committed() { c.committed(-1) }

// CommittedChanges is Committed for a writer that also tells its
// connection's total_changes() after the commit: one whose rows changed
// since the last checkpoint began reach CheckpointChanges starts one too.
func (c *Checkpointer) CommittedChanges(total int64) { c.committed(total) }

func (c *Checkpointer) committed(total int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.pending++
	if total >= 0 {
		c.changes = total
	}
	due := c.pending >= CheckpointEvery || total >= 0 && total-c.since >= CheckpointChanges
	c.mu.Unlock()
	if due {
		select {
		case c.nudge <- struct{}{}:
		default: // one is already asked for
		}
	}
}

func (c *Checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.nudge:
			c.run("PASSIVE")
		}
	}
}

// run makes one checkpoint of the given mode.
func (c *Checkpointer) run(mode string) {
	c.mu.Lock()
	c.pending, c.since = 0, c.changes
	c.mu.Unlock()
	var busy, log, done int
	err := c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done)
	c.mu.Lock()
	c.err = err
	c.runs++
	c.mu.Unlock()
}

// Err is the last checkpoint's failure, or nil: a failed checkpoint loses
// nothing (the log keeps every commit; the next one copies them).
func (c *Checkpointer) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close stops the checkpointer and copies back what the log still holds
// (a TRUNCATE checkpoint: the log file is emptied when no reader uses it).
// The writer must be idle. Closing again returns the first Close's error.
func (c *Checkpointer) Close() error {
	if c == nil {
		return nil
	}
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.done
		c.run("TRUNCATE")
		c.closeErr = c.Err()
		if err := c.db.Close(); c.closeErr == nil {
			c.closeErr = err
		}
	})
	return c.closeErr
}
