package cli

import (
	"context"
	"os"
	"sync"
	"time"

	"bvntd/app"
	"bvntd/storage"
	"bvntd/sync/syncclient"
)

// SyncService runs syncs for the desktop window: one at a time, with a
// time limit, and reports the status the sync panel shows.
type SyncService struct {
	DB      *storage.DB
	Client  *syncclient.Client
	Timeout time.Duration // per sync; 0: 5 minutes

	mu sync.Mutex // one sync at a time
}

// NewSyncService returns a service syncing db.
func NewSyncService(db *storage.DB, progress func(syncclient.Progress)) *SyncService {
	return &SyncService{DB: db, Client: &syncclient.Client{Store: db, AppVersion: AppVersion, Progress: progress, Now: db.Now}}
}

// Status returns the enrolment, outbox and last-sync state.
func (s *SyncService) Status(ctx context.Context) (app.SyncStatus, error) {
	return s.DB.SyncStatus(ctx)
}

// SyncNow pushes then pulls. A sync already running is waited for and
// counts as this one.
func (s *SyncService) SyncNow(ctx context.Context) error {
	if !s.mu.TryLock() {
		s.mu.Lock() // wait for the running one, then run again: new edits may have come
	}
	defer s.mu.Unlock()
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if s.Client.HTTP == nil {
		hc, err := HTTPClient(ctx, s.DB)
		if err != nil {
			return err
		}
		s.Client.HTTP = hc
	}
	_, err := s.Client.Sync(ctx)
	return err
}

// Enroll binds the device to the provincial server with a one-time code,
// as `bvntd enroll` does without --ca (the window's first run): HTTPS is
// checked against the system's roots.
func (s *SyncService) Enroll(ctx context.Context, serverURL, code string) (app.Enrollment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hc, err := httpClientFor("")
	if err != nil {
		return app.Enrollment{}, err
	}
	name, _ := os.Hostname()
	e, err := enrollDevice(ctx, s.DB, hc, serverURL, code, name, "")
	if err == nil {
		s.Client.HTTP = nil // the next sync builds its client for the new server
	}
	return e, err
}

// Exclusive runs fn while no sync runs: it waits for the running one and
// keeps the next from starting until fn returns (a restore from a backup
// must not meet a pull writing cursors into the store it replaces).
func (s *SyncService) Exclusive(fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn()
}
