package storage

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sort"
	"strconv"

	"bvntd/app"
)

// The file store of a laptop holds two kinds of content. What this laptop
// attached and the server does not hold yet (blobstore.Store.OnServer is
// false) exists nowhere else: it is never removed here. What the server
// holds (downloaded when an officer opened it, or attached here and
// uploaded since) is a cache: when the store grows past the laptop's limit
// (FileCacheLimit, 1 GiB unless an officer changes it), the least recently
// opened of those files are removed (file_opens), and the case screen
// shows them "Chưa tải về máy này" again, to be downloaded when opened.
// The content of a removed attachment goes too, once the removal has
// reached the server and no other live attachment names it
// (DropVoidedFiles).

// DefaultFileCacheLimit: see app/filecache.go.
const DefaultFileCacheLimit = app.DefaultFileCacheLimit

// metaFileCacheLimit keeps the limit an officer set, in bytes.
const metaFileCacheLimit = "file_cache_limit"

// FileCacheLimit returns the file store's limit in bytes.
func (db *DB) FileCacheLimit(ctx context.Context) (int64, error) {
	v, err := getMeta(ctx, db.r, metaFileCacheLimit)
	if err != nil || v == "" {
		return DefaultFileCacheLimit, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return DefaultFileCacheLimit, nil
	}
	return n, nil
}

// SetFileCacheLimit changes the file store's limit (n bytes, above 0; the
// settings screen offers from 256 MB) and removes at once what it leaves
// over (EvictFiles).
func (db *DB) SetFileCacheLimit(ctx context.Context, n int64) (Evicted, error) {
	if n <= 0 {
		return Evicted{}, app.Errorf(app.EINVALID, "Giới hạn dung lượng tệp tải về phải lớn hơn 0.")
	}
	if err := db.tx(ctx, func(tx *sql.Tx) error {
		return setMeta(ctx, tx, metaFileCacheLimit, strconv.FormatInt(n, 10))
	}); err != nil {
		return Evicted{}, app.WrapError(app.EINTERNAL, "Không lưu được giới hạn dung lượng tệp tải về.", err)
	}
	return db.EvictFiles(ctx)
}

// noteOpened records in tx that the content of hash was opened now.
func noteOpened(ctx context.Context, tx *sql.Tx, hash string, ms int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO file_opens (sha256, opened_at) VALUES (?, ?)
		ON CONFLICT (sha256) DO UPDATE SET opened_at = max(opened_at, excluded.opened_at)`, hash, ms)
	return err
}

// NoteOpened records that the content of hash was opened now (shown or
// opened in the case screen, downloaded to be opened): the cache keeps it
// longer than the files opened before.
func (db *DB) NoteOpened(ctx context.Context, hash string) error {
	if !app.ValidSHA256(hash) {
		return nil
	}
	ms := db.Now().UnixMilli()
	return db.tx(ctx, func(tx *sql.Tx) error { return noteOpened(ctx, tx, hash, ms) })
}

// Evicted sums up the files removed from the store.
type Evicted = app.FilesFreed

// HasContent reports whether the file store holds the content of hash.
func (db *DB) HasContent(hash string) bool {
	blobs, err := db.Blobs()
	return err == nil && blobs.Has(hash)
}

// EvictFiles brings the file store within its limit: while it is larger,
// the least recently opened file that the server holds is removed (keep
// are never: the file being opened). A file attached here and not yet on
// the server is never removed, whatever the limit. It runs at start and
// after a download.
func (db *DB) EvictFiles(ctx context.Context, keep ...string) (Evicted, error) {
	limit, err := db.FileCacheLimit(ctx)
	if err != nil {
		return Evicted{}, err
	}
	blobs, err := db.Blobs()
	if err != nil {
		return Evicted{}, err
	}
	hashes, total, err := blobs.List()
	if err != nil || total <= limit {
		return Evicted{}, err
	}
	opened := map[string]int64{}
	rows, err := db.r.QueryContext(ctx, "SELECT sha256, opened_at FROM file_opens")
	if err != nil {
		return Evicted{}, fmt.Errorf("file opens: %w", err)
	}
	for rows.Next() {
		var h string
		var ms int64
		if err := rows.Scan(&h, &ms); err != nil {
			rows.Close()
			return Evicted{}, err
		}
		opened[h] = ms
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Evicted{}, err
	}
	kept := map[string]bool{}
	for _, h := range keep {
		kept[h] = true
	}
	var cands []string
	for _, h := range hashes {
		if !kept[h] && blobs.OnServer(h) {
			cands = append(cands, h)
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if opened[cands[i]] != opened[cands[j]] {
			return opened[cands[i]] < opened[cands[j]]
		}
		return cands[i] < cands[j]
	})
	var out Evicted
	for _, h := range cands {
		if total <= limit {
			break
		}
		size, err := blobs.Size(h)
		if err != nil {
			continue
		}
		if err := db.dropContent(ctx, h); err != nil {
			return out, err
		}
		total -= size
		out.Files++
		out.Bytes += size
	}
	if out.Files > 0 {
		slog.Info("evidence files removed from the laptop's cache", "files", out.Files, "bytes", out.Bytes, "limit", limit)
	}
	return out, nil
}

// dropContent removes the content of hash from the file store, and its
// notes: held here (so that the check at start does not report it
// missing) and opened.
func (db *DB) dropContent(ctx context.Context, hash string) error {
	blobs, err := db.Blobs()
	if err != nil {
		return err
	}
	if err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM local_files WHERE sha256 = ?", hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM file_opens WHERE sha256 = ?", hash)
		return err
	}); err != nil {
		return err
	}
	return blobs.Drop(hash)
}

// AfterFetch is what follows the download of the content of hash: it is
// noted as opened now, and the store brought within its limit, that file
// kept.
func (db *DB) AfterFetch(ctx context.Context, hash string) (Evicted, error) {
	if err := db.NoteOpened(ctx, hash); err != nil {
		return Evicted{}, err
	}
	return db.EvictFiles(ctx, hash)
}

// DropVoidedFiles removes from the file store the content of the removed
// (voided) attachments once that is settled: every attachment record that
// names the content is voided and none has a change waiting in the outbox
// (the void has reached the server, which keeps the content until every
// device has seen it). A file removed before it was ever uploaded goes
// too, once its void is pushed. It runs after every sync and at start.
func (db *DB) DropVoidedFiles(ctx context.Context) (Evicted, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT json_extract(r.fields, '$.sha256') AS h FROM records r
		WHERE r.entity = ? GROUP BY h
		HAVING min(coalesce(json_extract(r.fields, '$.voided'), 0)) = 1
			AND NOT EXISTS (SELECT 1 FROM records p JOIN outbox o ON o.entity = p.entity AND o.record_id = p.id
				WHERE p.entity = ? AND json_extract(p.fields, '$.sha256') = h)`, app.EntityAttachment, app.EntityAttachment)
	if err != nil {
		return Evicted{}, fmt.Errorf("voided files: %w", err)
	}
	var hashes []string
	for rows.Next() {
		var h sql.NullString
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return Evicted{}, err
		}
		if app.ValidSHA256(h.String) {
			hashes = append(hashes, h.String)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Evicted{}, err
	}
	blobs, err := db.Blobs()
	if err != nil {
		return Evicted{}, err
	}
	var out Evicted
	for _, h := range hashes {
		size, err := blobs.Size(h)
		if err != nil {
			continue // not held here
		}
		if err := db.dropContent(ctx, h); err != nil {
			return out, err
		}
		out.Files++
		out.Bytes += size
	}
	if out.Files > 0 {
		slog.Info("removed evidence files dropped from the laptop", "files", out.Files, "bytes", out.Bytes)
	}
	return out, nil
}
