package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"bvntd/app"
	"bvntd/storage/blobstore"
)

// A backup carries the evidence files: prepareCopy puts the content of
// every file of the store into a table of the copy (backup_files), which
// is then encrypted with the rest; whichever way a backup comes back (a
// restore while the app runs, into a fresh data folder, the recovery of a
// damaged store at start), the store unpacks that table into its file
// store when it opens or right after the restore, and drops it.

// backupFilesTable is the table of a backup's evidence files.
const backupFilesTable = "backup_files"

// filesSize is the total size of the file store in dir (0 if none).
func filesSize(dir string) int64 {
	if _, err := os.Stat(dir); err != nil {
		return 0
	}
	s, err := blobstore.Open(dir)
	if err != nil {
		return 0
	}
	_, total, _ := s.List()
	return total
}

// packFiles copies the contents of the file store in dir into the copy
// cp. A content that no longer matches its hash is left out (the server
// has it).
func packFiles(ctx context.Context, cp *sql.DB, dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	s, err := blobstore.Open(dir)
	if err != nil {
		return err
	}
	hashes, _, err := s.List()
	if err != nil {
		return fmt.Errorf("backup files: %w", err)
	}
	if _, err := cp.ExecContext(ctx, `CREATE TABLE `+backupFilesTable+` (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)`); err != nil {
		return err
	}
	for _, h := range hashes {
		f, err := s.Open(h)
		if err != nil {
			return fmt.Errorf("backup files: %w", err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("backup files: %w", err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != h {
			slog.Warn("backup: a damaged evidence file left out", "file", app.ShortHash(h))
			continue
		}
		if _, err := cp.ExecContext(ctx, `INSERT INTO `+backupFilesTable+` (sha256, content) VALUES (?, ?)`, h, b); err != nil {
			return err
		}
	}
	return nil
}

// unpackFiles moves the evidence files a restored backup holds into the
// file store, each checked against its hash, and drops their table.
func (db *DB) unpackFiles(ctx context.Context) error {
	var n int
	if err := db.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", backupFilesTable).Scan(&n); err != nil || n == 0 {
		return err
	}
	blobs, err := db.Blobs()
	if err != nil {
		return err
	}
	rows, err := db.w.QueryContext(ctx, "SELECT sha256 FROM "+backupFilesTable)
	if err != nil {
		return err
	}
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return err
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := db.Now().UTC().Truncate(time.Second)
	for _, h := range hashes {
		if !blobs.Has(h) {
			var b []byte
			if err := db.w.QueryRowContext(ctx, "SELECT content FROM "+backupFilesTable+" WHERE sha256 = ?", h).Scan(&b); err != nil {
				return err
			}
			if _, _, err := blobs.Put(bytes.NewReader(b), h); err != nil {
				slog.Warn("restore: evidence file not restored", "file", app.ShortHash(h), "error", err)
				continue
			}
		}
		if err := db.tx(ctx, func(tx *sql.Tx) error { return noteHeld(ctx, tx, h, now) }); err != nil {
			return err
		}
	}
	_, err = db.w.ExecContext(ctx, "DROP TABLE "+backupFilesTable)
	if err == nil {
		slog.Info("evidence files restored from the backup", "files", len(hashes))
	}
	return err
}
