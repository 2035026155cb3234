package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/app/attachfile"
	"bvntd/storage/blobstore"
)

// Evidence files on the laptop: the content in the file store (Blobs),
// prepared first (app/attachfile: sniffed, photos re-encoded), the
// metadata an ordinary synced record (app.Attachment) whose commune is the
// case's. Removing a file is a void with a reason; the content stays.

// MsgNotHere is what the screens say of a file whose content this laptop
// does not hold (attached on another laptop, not downloaded yet).
const MsgNotHere = "Chưa tải về máy này."

// Attach stores the evidence file content (named name as the officer chose
// it) for the case caseID: it checks and prepares it (attachfile.Prepare;
// keepOriginal stores a photo as it came), puts the content into the file
// store and saves its app.Attachment record, synced like any record. The
// same content attached twice is stored once.
func (db *DB) Attach(ctx context.Context, caseID, name string, content io.Reader, keepOriginal bool, note string) (app.Attachment, error) {
	c, err := db.GetCase(ctx, caseID)
	if err != nil {
		return app.Attachment{}, err
	}
	if c.Voided {
		return app.Attachment{}, app.Errorf(app.EINVALID, "Vụ việc đã bị hủy; không đính kèm tệp được.")
	}
	if c.Limited {
		return app.Attachment{}, &app.Error{Code: app.EFORBIDDEN, Message: MsgLimited}
	}
	data, err := io.ReadAll(io.LimitReader(content, app.MaxAttachmentSize+1))
	if err != nil {
		return app.Attachment{}, app.WrapError(app.EINVALID, "Không đọc được tệp "+baseName(name)+".", err)
	}
	p, err := attachfile.Prepare(data, keepOriginal)
	if err != nil {
		return app.Attachment{}, err
	}
	blobs, err := db.Blobs()
	if err != nil {
		return app.Attachment{}, app.WrapError(app.EINTERNAL, "Không mở được thư mục tệp chứng cứ.", err)
	}
	hash, size, err := blobs.Put(bytes.NewReader(p.Content), "")
	if err != nil {
		return app.Attachment{}, app.WrapError(app.EINTERNAL, "Không lưu được tệp "+baseName(name)+" (ổ đĩa đầy hoặc không ghi được).", err)
	}
	// The same content attached before may have been removed everywhere
	// and pruned from the server since: the next sync asks about it again.
	if err := blobs.ForgetServer(hash); err != nil {
		return app.Attachment{}, app.WrapError(app.EINTERNAL, "Không ghi được trạng thái tệp "+baseName(name)+".", err)
	}
	a := app.Attachment{CaseID: c.ID, Name: fileName(name, p), Type: p.Type, Size: size, SHA256: hash,
		Width: p.Width, Height: p.Height, Original: keepOriginal && p.Type != app.TypePDF, Note: note}
	a.UnitCode, a.ID = c.UnitCode, app.NewID()
	a.Normalize()
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.saveRecord(ctx, tx, &a, now, officer); err != nil {
			return err
		}
		if err := noteOpened(ctx, tx, hash, db.Now().UnixMilli()); err != nil {
			return err
		}
		return noteHeld(ctx, tx, hash, now)
	})
	return a, err
}

// noteHeld records that this device holds the content hash (local_files).
func noteHeld(ctx context.Context, tx *sql.Tx, hash string, now time.Time) error {
	_, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO local_files (sha256, held_at) VALUES (?, ?)", hash, formatTime(now))
	return err
}

// NoteHeld records that the file store holds the content of hash (a
// download put it there), so that the check at start reports it if it goes
// missing.
func (db *DB) NoteHeld(ctx context.Context, hash string) error {
	now := db.Now().UTC().Truncate(time.Second)
	return db.tx(ctx, func(tx *sql.Tx) error { return noteHeld(ctx, tx, hash, now) })
}

// baseName is the last element of a path written with / or \.
func baseName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	return path.Base(strings.TrimRight(name, "/"))
}

// fileName is the name an attachment keeps: the file's own (no folder);
// a re-encoded photo ends in .jpg.
func fileName(name string, p attachfile.Prepared) string {
	n := strings.TrimSpace(baseName(name))
	if n == "" || n == "." || n == "/" {
		n = "tep"
	}
	if p.Reencoded {
		ext := strings.ToLower(path.Ext(n))
		if ext != ".jpg" && ext != ".jpeg" {
			n = strings.TrimSuffix(n, path.Ext(n)) + ".jpg"
		}
	}
	return n
}

// Attachments returns the evidence files of the case caseID that are not
// removed, oldest first.
func (db *DB) Attachments(ctx context.Context, caseID string) ([]app.Attachment, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT fields FROM records WHERE entity = ?
		AND json_extract(fields, '$.case_id') = ? AND NOT coalesce(json_extract(fields, '$.voided'), 0)
		ORDER BY json_extract(fields, '$.created_at'), id`, app.EntityAttachment, caseID)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	defer rows.Close()
	var out []app.Attachment
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var a app.Attachment
		if err := decodeRecord(s, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// RemoveAttachment removes an evidence file from its case: a void with a
// reason, an ordinary edit (synced). The content stays in the store.
func (db *DB) RemoveAttachment(ctx context.Context, id, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return &app.Error{Code: app.EINVALID, Message: "Cần ghi lý do gỡ tệp.", Fields: map[string]string{"void_reason": "Cần ghi lý do gỡ tệp."}}
	}
	r, _ := json.Marshal(reason)
	return db.Edit(ctx, app.EntityAttachment, id, -1, map[string]json.RawMessage{"voided": json.RawMessage("true"), "void_reason": r})
}

// AttachmentContent returns the content of a's file, checked against its
// hash, and notes it opened now (the cache of files keeps the files
// opened last, filecache.go). A content this laptop does not hold is
// ENOTFOUND (MsgNotHere); a damaged one is removed from the store (fetched
// again at the next sync) and reported.
func (db *DB) AttachmentContent(ctx context.Context, a app.Attachment) ([]byte, error) {
	blobs, err := db.Blobs()
	if err != nil {
		return nil, err
	}
	f, err := blobs.Open(a.SHA256)
	if errors.Is(err, blobstore.ErrNotFound) {
		return nil, &app.Error{Code: app.ENOTFOUND, Message: MsgNotHere}
	}
	if err != nil {
		return nil, app.WrapError(app.EINTERNAL, "Không đọc được tệp "+a.Name+".", err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, app.WrapError(app.EINTERNAL, "Không đọc được tệp "+a.Name+".", err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != a.SHA256 {
		blobs.Verify(a.SHA256) // removes it
		return nil, app.Errorf(app.EINTERNAL, "Tệp %s bị hỏng trên máy này; mở lại để tải lại từ máy chủ tỉnh.", a.Name)
	}
	if err := db.NoteOpened(ctx, a.SHA256); err != nil {
		slog.Warn("note a file opened", "file", app.ShortHash(a.SHA256), "error", err)
	}
	return data, nil
}

// CheckFiles checks the file store at start, as the SQLite file is
// checked: every evidence file not removed whose content this laptop held
// and is now missing, or whose content no longer matches its hash (it is
// then removed from the store), is returned, to be shown to the officer
// and fetched again from the server at the next sync. A file never held
// here (another laptop's, not downloaded) is not reported.
func (db *DB) CheckFiles(ctx context.Context) ([]app.Attachment, error) {
	blobs, err := db.Blobs()
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT r.fields, l.sha256 IS NOT NULL FROM records r
		LEFT JOIN local_files l ON l.sha256 = json_extract(r.fields, '$.sha256')
		WHERE r.entity = ? AND NOT coalesce(json_extract(r.fields, '$.voided'), 0)
		ORDER BY json_extract(r.fields, '$.created_at'), r.id`, app.EntityAttachment)
	if err != nil {
		return nil, fmt.Errorf("check files: %w", err)
	}
	type row struct {
		a    app.Attachment
		held bool
	}
	var all []row
	for rows.Next() {
		var s string
		var r row
		if err := rows.Scan(&s, &r.held); err != nil {
			rows.Close()
			return nil, err
		}
		if err := decodeRecord(s, &r.a); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	bad := map[string]bool{}
	checked := map[string]bool{}
	var out []app.Attachment
	for _, r := range all {
		h := r.a.SHA256
		if !checked[h] {
			checked[h] = true
			switch err := blobs.Verify(h); {
			case errors.Is(err, blobstore.ErrNotFound):
				bad[h] = r.held
			case err != nil:
				bad[h] = true
			}
		}
		if bad[h] {
			out = append(out, r.a)
		}
	}
	return out, nil
}

// FilesSize is the total size of the file store in bytes.
func (db *DB) FilesSize() int64 {
	blobs, err := db.Blobs()
	if err != nil {
		return 0
	}
	_, total, _ := blobs.List()
	return total
}
