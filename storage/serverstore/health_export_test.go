package serverstore

import "context"

// SetWriteFault makes every write transaction of the store fail with the
// error f returns (nil: succeed), as a full disk would; nil removes it.
func (s *Store) SetWriteFault(f func() error) {
	s.faultMu.Lock()
	s.writeFault = f
	s.faultMu.Unlock()
}

// SetMaxRecordBytes replaces the largest record a pull sends
// (maxRecordBytes), so that tests need no 32 MB records.
func (s *Store) SetMaxRecordBytes(n int) { s.maxRecord = n }

// FlushSeen writes the last-seen times noted by pulls now.
func (s *Store) FlushSeen(ctx context.Context) error { return s.flushSeen(ctx) }

// PendingSeen returns the last-seen times noted and not yet written.
func (s *Store) PendingSeen() map[string]int64 { return s.seenTimes() }
