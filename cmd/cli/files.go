package cli

import (
	"context"

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
	c.Attachments = func(ctx context.Context) ([]app.Attachment, error) {
		return storage.ListRecords[app.Attachment](ctx, db, storage.RecordQuery{})
	}
	return nil
}
