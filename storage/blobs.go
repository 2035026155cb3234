package storage

import (
	"path/filepath"
	"sync"

	"bvntd/storage/blobstore"
)

// BlobDirName is the folder of the evidence files' content, beside the
// SQLite file (the "tep" folder of the data folder).
const BlobDirName = "tep"

// BlobDir returns the evidence files' folder of the store at path.
func BlobDir(path string) string { return filepath.Join(filepath.Dir(path), BlobDirName) }

var blobsMu sync.Mutex

// Blobs returns the content-addressed store of the evidence files
// (app.Attachment's content), opened on first use.
func (db *DB) Blobs() (*blobstore.Store, error) {
	blobsMu.Lock()
	defer blobsMu.Unlock()
	if db.blobs == nil {
		s, err := blobstore.Open(BlobDir(db.path))
		if err != nil {
			return nil, err
		}
		db.blobs = s
	}
	return db.blobs, nil
}
