package serverstore

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Pulls only read (docs/DESIGN.md §4). A pull notes when its device was
// last seen in memory; a background goroutine writes the noted times every
// seenFlushEvery, in one short transaction, and once more when the store
// closes. So a pull never waits for the writer (SQLite's single connection,
// busy with a push), and keeps answering on a full disk; a failed flush
// keeps its times for the next one. A push records the time in its own
// transaction (touchDevice), as before. `bvntd-server devices`, run as
// another process, sees a pull at most seenFlushEvery late.

// seenFlushEvery is how often the last-seen times noted by pulls are
// written.
const seenFlushEvery = 5 * time.Second

// seenFlusher holds the last-seen times not yet written and the goroutine
// that writes them.
type seenFlusher struct {
	mu      sync.Mutex
	pending map[string]int64 // device id → Unix ms of its latest pull

	stop chan struct{}
	done chan struct{}
}

func newSeenFlusher() *seenFlusher {
	return &seenFlusher{pending: map[string]int64{}}
}

// note records that device pulled at t.
func (f *seenFlusher) note(device string, t time.Time) {
	at := ms(t)
	f.mu.Lock()
	if at > f.pending[device] {
		f.pending[device] = at
	}
	f.mu.Unlock()
}

// latest puts into d the time of its latest pull, if noted later than
// the times d was read with.
func (f *seenFlusher) latest(d *Device) {
	f.mu.Lock()
	at, ok := f.pending[d.ID]
	f.mu.Unlock()
	if !ok {
		return
	}
	if t := time.UnixMilli(at).UTC(); t.After(d.LastSeenAt) {
		d.LastSeenAt, d.LastSyncAt = t, t
	}
}

// take returns the pending times and forgets them.
func (f *seenFlusher) take() map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pending) == 0 {
		return nil
	}
	out := f.pending
	f.pending = map[string]int64{}
	return out
}

// putBack returns times a failed flush could not write, keeping any later
// time noted meanwhile.
func (f *seenFlusher) putBack(m map[string]int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for d, at := range m {
		if at > f.pending[d] {
			f.pending[d] = at
		}
	}
}

// startSeenFlusher starts the goroutine that writes the noted times.
func (s *Store) startSeenFlusher() {
	f := s.seen
	f.stop, f.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(f.done)
		t := time.NewTicker(seenFlushEvery)
		defer t.Stop()
		for {
			select {
			case <-f.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), seenFlushEvery)
				if err := s.flushSeen(ctx); err != nil {
					slog.Warn("last-seen times not written; kept for the next flush", "error", err)
				}
				cancel()
			}
		}
	}()
}

// stopSeenFlusher stops the goroutine and writes what is left (a failure
// is logged: only last-seen times are lost).
func (s *Store) stopSeenFlusher() {
	f := s.seen
	if f == nil || f.stop == nil {
		return
	}
	close(f.stop)
	<-f.done
	f.stop = nil
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.flushSeen(ctx); err != nil {
		slog.Warn("last-seen times not written at close", "error", err)
	}
}

// flushSeen writes the noted last-seen times in one transaction. A time
// never moves a device's last-seen time back (a push may have written a
// later one meanwhile). On failure the times are kept for the next flush.
func (s *Store) flushSeen(ctx context.Context) (err error) {
	if err := s.flushCursors(ctx); err != nil {
		s.noteFault(err)
		return err
	}
	pending := s.seen.take()
	if len(pending) == 0 {
		return nil
	}
	defer func() {
		if err != nil {
			s.seen.putBack(pending)
			s.noteFault(err)
		}
	}()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin last-seen flush: %w", err)
	}
	defer tx.Rollback()
	for device, at := range pending {
		if err := touchDevice(ctx, tx, device, time.UnixMilli(at)); err != nil {
			return err
		}
	}
	// Not a push: a small update may still fit on a full disk, so its
	// success says nothing of the store's health (commitQuiet).
	return s.commitQuiet(tx.Tx)
}

// seenTimes are the last-seen times noted and not yet written (tests).
func (s *Store) seenTimes() map[string]int64 {
	s.seen.mu.Lock()
	defer s.seen.mu.Unlock()
	out := make(map[string]int64, len(s.seen.pending))
	for d, at := range s.seen.pending {
		out[d] = at
	}
	return out
}
