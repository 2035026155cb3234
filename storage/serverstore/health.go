package serverstore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// The store's writability, for /v1/health and for the answer a device gets
// when a write fails for want of storage (a full disk, a read-only or
// failing file system, a database refusing writes): 503 with
// syncproto.CodeServerStorage instead of a generic 500.
//
// What the store knows comes from its writes. A write transaction that
// commits (a push, an enrolment, a calendar import) says the store can
// write; a write that fails with a storage fault (push, last-seen flush,
// the health probe) says it cannot, and keeps saying so for faultWindow
// unless a write transaction commits after it. Health adds a probe: a
// one-row write, at most every probeEvery. A small write can still succeed
// on a full disk (SQLite reuses its write-ahead log, PostgreSQL its pages),
// which is why the probe alone never clears a fault a push met.

const (
	// faultWindow is how long a storage fault keeps the store reported as
	// unwritable when no write has committed since.
	faultWindow = time.Minute
	// probeEvery bounds how often Health writes its probe, so that polling
	// the health endpoint never loads the writer.
	probeEvery = 5 * time.Second
	// probeTimeout bounds a probe waiting for the writer.
	probeTimeout = 2 * time.Second
)

// storageHealth is what the store knows of its writes.
type storageHealth struct {
	mu       sync.Mutex
	faultAt  time.Time // the last storage fault a write met
	fault    error
	okAt     time.Time // the last write transaction committed
	probeAt  time.Time // the last probe
	probeErr error     // its storage fault, if it met one
}

// StorageFault reports whether err is the store failing to write for want
// of storage: a full disk, a read-only or failing file system, a database
// refusing writes (SQLite's FULL, IOERR, READONLY, CANTOPEN; PostgreSQL's
// insufficient resources, system errors and read-only transactions; the
// system's ENOSPC, EDQUOT, EROFS, EIO). The request that met it is answered
// 503 with syncproto.CodeServerStorage; the store remembers it for Health.
func (s *Store) StorageFault(err error) bool {
	if !storageFault(err) {
		return false
	}
	s.noteFault(err)
	return true
}

func storageFault(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53300": // too_many_connections: not storage
			return false
		case len(pe.Code) == 5 && (pe.Code[:2] == "53" || pe.Code[:2] == "58"), pe.Code == "25006":
			return true
		}
		return false
	}
	for _, e := range []error{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EIO} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// faultReason says in a few words what a storage fault is, for the health
// answer and the operator (Vietnamese, with the English in brackets).
func faultReason(err error) string {
	var se *sqlite.Error
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT),
		errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL,
		errors.As(err, &pe) && pe.Code == "53100":
		return "ổ đĩa của máy chủ đã đầy (disk full)"
	case errors.Is(err, syscall.EROFS),
		errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_READONLY,
		errors.As(err, &pe) && pe.Code == "25006":
		return "cơ sở dữ liệu chỉ cho đọc (read-only)"
	case errors.Is(err, syscall.EIO),
		errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_IOERR,
		errors.As(err, &pe) && len(pe.Code) == 5 && pe.Code[:2] == "58":
		return "lỗi đọc ghi ổ đĩa (I/O error)"
	}
	return "không ghi được vào cơ sở dữ liệu (write failed)"
}

// noteFault remembers a write's error if it is a storage fault.
func (s *Store) noteFault(err error) {
	if !storageFault(err) {
		return
	}
	h := &s.health
	h.mu.Lock()
	h.faultAt, h.fault = s.now(), err
	h.mu.Unlock()
}

// commit commits a write transaction of the writer (the handle's commit
// hook, so every txn.Commit goes through it): a commit says the store can
// write; a storage fault is remembered. The test hook writeFault fails it
// as a full disk would.
func (s *Store) commit(tx *sql.Tx) error {
	if err := s.injectedFault(); err != nil {
		tx.Rollback()
		s.noteFault(err)
		return err
	}
	if err := tx.Commit(); err != nil {
		s.noteFault(err)
		return err
	}
	s.ckpt.Committed()
	h := &s.health
	h.mu.Lock()
	h.okAt = s.now()
	h.mu.Unlock()
	return nil
}

// commitQuiet commits a small write of the store's own (the last-seen
// flush, the probe): its caller remembers a fault; a success says nothing.
func (s *Store) commitQuiet(tx *sql.Tx) error {
	if err := s.injectedFault(); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.ckpt.Committed()
	return nil
}

func (s *Store) injectedFault() error {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.writeFault == nil {
		return nil
	}
	return s.writeFault()
}

// CheckStorage reports whether the store can write now and the free space
// of the disk holding it (-1 when unknown: PostgreSQL, or a system without
// the query). When it cannot write, the error is an *app.Error with
// syncproto.CodeServerStorage and the reason.
func (s *Store) CheckStorage(ctx context.Context) (free int64, err error) {
	free = -1
	if s.d == sqliteDialect && s.path != "" {
		if n, err := freeSpace(filepath.Dir(s.path)); err == nil {
			free = int64(min(n, 1<<62))
		}
	}
	now := s.now()
	h := &s.health
	h.mu.Lock()
	probe := h.probeAt.IsZero() || now.Sub(h.probeAt) >= probeEvery || now.Before(h.probeAt)
	if probe {
		h.probeAt = now // one probe at a time: the others read its result
	}
	h.mu.Unlock()
	if probe {
		perr := s.probe(ctx)
		h.mu.Lock()
		switch {
		case perr == nil:
			h.probeErr = nil
		case storageFault(perr):
			h.probeErr = perr
		default:
			// Busy (the writer held by a long push) or gone: not a
			// storage fault; what the writes said stands.
		}
		h.mu.Unlock()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.probeErr != nil:
		return free, storageError(h.probeErr)
	case h.fault != nil && !h.okAt.After(h.faultAt) && now.Sub(h.faultAt) < faultWindow:
		return free, storageError(h.fault)
	}
	return free, nil
}

// storageError is the answer of a request that met the storage fault err.
func storageError(err error) error {
	return app.WrapError(syncproto.CodeServerStorage,
		"Máy chủ tỉnh đang lỗi lưu trữ: "+faultReason(err)+". Dữ liệu của bạn vẫn an toàn trên máy và sẽ được gửi lại sau.", err)
}

// probe writes one row of meta on the writer, waiting at most probeTimeout
// for it.
func (s *Store) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		s.noteFault(err)
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('health_probe', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, s.now().UTC().Format(time.RFC3339Nano)); err != nil {
		s.noteFault(err)
		return err
	}
	if err := s.commitQuiet(tx.Tx); err != nil {
		s.noteFault(err)
		return err
	}
	return nil
}
