package cli

import (
	"context"
	"log/slog"
	"time"

	"bvntd/app"
	"bvntd/storage"
	"bvntd/sync/syncclient"
)

// WithFiles gives a sync client the laptop's evidence files (issue 20):
// the store's "tep" folder, and its attachment records (not voided), so
// that a sync sends the content the server lacks after the records, and
// FetchAttachment downloads a file when an officer opens it.
func WithFiles(c *syncclient.Client, db *storage.DB) error {
	blobs, err := db.Blobs()
	if err != nil {
		return err
	}
	c.Files = blobs
	if c.Store == syncclient.Store(db) {
		c.Store = filesStore{db}
	}
	c.Attachments = func(ctx context.Context) ([]app.Attachment, error) {
		return storage.ListRecords[app.Attachment](ctx, db, storage.RecordQuery{})
	}
	return nil
}

// filesStore is the store of a sync that, at the end of every run,
// removes from the laptop the content of the evidence files whose removal
// (a void) has reached the server (storage.DB.DropVoidedFiles).
type filesStore struct{ *storage.DB }

// RecordSyncResult records the outcome of a sync, then drops the content
// of the files removed.
func (s filesStore) RecordSyncResult(ctx context.Context, at time.Time, errMsg string) error {
	err := s.DB.RecordSyncResult(ctx, at, errMsg)
	if _, derr := s.DB.DropVoidedFiles(ctx); derr != nil {
		slog.Warn("files: removed files not dropped", "code", app.ErrorCode(derr), "cause", app.ErrorCause(derr))
	}
	return err
}

// FileFetcher downloads the content of an evidence file when an officer
// opens it (Client.FetchAttachment), then notes it opened and brings the
// laptop's store of files within its limit, that file kept
// (storage.DB.AfterFetch): the files downloaded are a cache.
type FileFetcher struct {
	Client *syncclient.Client
	DB     *storage.DB
}

// FetchAttachment downloads the file of hash h unless the laptop holds it.
func (f FileFetcher) FetchAttachment(ctx context.Context, h string) error {
	if err := f.Client.FetchAttachment(ctx, h); err != nil {
		return err
	}
	if _, err := f.DB.AfterFetch(ctx, h); err != nil {
		// The file is here: the cache is trimmed at the next download or start.
		slog.Warn("files: cache not trimmed after a download", "code", app.ErrorCode(err), "cause", app.ErrorCause(err))
	}
	return nil
}
