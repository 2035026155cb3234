package serverstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"bvntd/app"
	"bvntd/storage/blobstore"
	"bvntd/sync/syncproto"
)

// The evidence files' content (app.Attachment's, by its SHA-256) is kept
// in a content-addressed store (ContentStore, content.go): on SQLite the
// folder DefaultFilesDir beside the database file (storage/blobstore); on
// PostgreSQL in the database itself (pgcontent.go); on either, the folder
// the operator gives (`serve --files`). The records say who may see or
// send a file (fileAccess); the content moves in pieces that resume
// (syncproto/files.go).

// DefaultFilesDir is the evidence files' folder of the SQLite database at
// path: "<path>.tep".
func DefaultFilesDir(path string) string { return path + ".tep" }

// fileStore opens the server's file store on first use.
type fileStore struct {
	dir  string
	once sync.Once
	st   ContentStore
	err  error
}

// msgNoFiles: the server keeps no files (PostgreSQL without --files).
const msgNoFiles = "Máy chủ tỉnh chưa được cấu hình thư mục lưu tệp chứng cứ (--files); tệp vẫn được giữ trên máy và sẽ được gửi khi máy chủ sẵn sàng."

// Files returns the server's store of evidence files, opened (the folder
// made) on first use; app.ENOTFOUND when the server has none (404, as a
// server older than the files: the devices keep their files).
func (s *Store) Files() (ContentStore, error) {
	if s.files.dir == "" && s.d == postgresDialect {
		return pgContent{h: s.w, now: s.now}, nil
	}
	if s.files.dir == "" {
		return nil, app.Errorf(app.ENOTFOUND, msgNoFiles)
	}
	s.files.once.Do(func() {
		var st *blobstore.Store
		if st, s.files.err = blobstore.Open(s.files.dir); s.files.err == nil {
			s.files.st = folderContent{st}
		}
	})
	return s.files.st, s.files.err
}

// FilesDir returns the folder of the evidence files ("" when none).
func (s *Store) FilesDir() string { return s.files.dir }

// Messages of the files.
const (
	msgFileForbidden = "Thiết bị không có quyền với tệp này: tệp không thuộc hồ sơ nào trong phạm vi dữ liệu của thiết bị (403)."
	msgFileNotStored = "Máy chủ tỉnh chưa có đủ nội dung tệp này: máy đã đính kèm tệp chưa gửi xong. Vui lòng thử lại sau."
	msgFileOffset    = "Phần tệp gửi lên không nối tiếp phần máy chủ đã nhận; ứng dụng sẽ hỏi lại và gửi tiếp."
	msgFileChunk     = "Một phần của tệp bị hỏng trên đường truyền (mã băm không khớp); ứng dụng sẽ gửi lại phần đó."
	msgFileBusy      = "Máy chủ tỉnh đang nhận tệp này từ một lần gửi khác; ứng dụng sẽ thử lại sau ít phút."
)

// fileRight is what a device may do with a file.
type fileRight struct {
	// read: the device may download the file; write: it may send it.
	read, write bool
	// stored: the server holds the content and the device need not send
	// it (its scope, or every scope it sends for, proved it holds it).
	stored bool
	size   int64 // the size its attachment records say (the largest)
	// part names the device's transfer (its scope); prove lists the
	// scopes its whole upload proves.
	part  string
	prove []string
}

// fileAccess decides what deviceID may do with the file of hash h. A hash
// is not a capability: a record names a file, and the content must have
// been sent whole for the record's scope (file_scopes) before a device of
// that scope may download it, so that knowing a hash, or writing a record
// that names it, is not enough.
//
//   - A commune's device: its commune's attachment records naming h (not
//     voided) let it send the content (proving it holds it for its
//     commune), and let it download it once its commune has proved it.
//   - A provincial device: the records of every commune; it sends for all
//     their communes and the province; it downloads through a record whose
//     commune has proved it — with the limited copy, only a record of a
//     case it holds whole (referred to a provincial body, or its own).
func (s *Store) fileAccess(ctx context.Context, deviceID, h string) (fileRight, error) {
	var r fileRight
	acc, err := deviceAccess(ctx, s.r, deviceID)
	if err != nil {
		return r, err
	}
	if !app.ValidSHA256(h) {
		return r, nil
	}
	// The records naming h, through their index (fileindex.go).
	q := `SELECT r.scope, r.fields FROM attachment_files a JOIN records r ON r.entity = ? AND r.id = a.id
		WHERE a.sha256 = ? AND a.voided = 0`
	args := []any{app.EntityAttachment, h}
	if acc.scope != syncproto.ScopeProvince {
		q += ` AND a.scope = ?`
		args = append(args, acc.scope)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return r, fmt.Errorf("read attachments: %w", err)
	}
	type ref struct {
		scope string
		a     app.Attachment
	}
	var refs []ref
	for rows.Next() {
		var scope, fields string
		if err := rows.Scan(&scope, &fields); err != nil {
			rows.Close()
			return r, fmt.Errorf("read attachments: %w", err)
		}
		var a app.Attachment
		if json.Unmarshal([]byte(fields), &a) != nil || a.Voided || a.SHA256 != h {
			continue
		}
		refs = append(refs, ref{scope, a})
	}
	if err := rows.Close(); err != nil {
		return r, err
	}
	if len(refs) == 0 {
		return r, nil
	}
	proven, err := s.provenScopes(ctx, h)
	if err != nil {
		return r, err
	}
	r.part, r.write, r.stored = acc.scope, true, true
	scopes := map[string]bool{}
	for _, x := range refs {
		r.size = max(r.size, x.a.Size)
		scopes[x.scope] = true
		r.stored = r.stored && proven[x.scope]
		if !proven[x.scope] || r.read {
			continue
		}
		if acc.limited {
			held, err := s.caseHeld(ctx, x.a.CaseID)
			if err != nil {
				return r, err
			}
			r.read = held
		} else {
			r.read = true
		}
	}
	for sc := range scopes {
		r.prove = append(r.prove, sc)
	}
	sort.Strings(r.prove)
	if r.size <= 0 || r.size > app.MaxAttachmentSize {
		return fileRight{}, nil
	}
	return r, nil
}

// provenScopes returns the scopes that proved they hold the file h.
func (s *Store) provenScopes(ctx context.Context, h string) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT scope FROM file_scopes WHERE sha256 = ?`, h)
	if err != nil {
		return nil, fmt.Errorf("read file_scopes: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var sc string
		if err := rows.Scan(&sc); err != nil {
			return nil, fmt.Errorf("read file_scopes: %w", err)
		}
		out[sc] = true
	}
	return out, rows.Err()
}

// proveScopes records that deviceID sent the whole content of h for
// scopes.
func (s *Store) proveScopes(ctx context.Context, h, deviceID string, scopes []string) error {
	at := ms(s.now())
	for _, sc := range scopes {
		if _, err := s.w.ExecContext(ctx, `INSERT INTO file_scopes (sha256, scope, device_id, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (sha256, scope) DO NOTHING`, h, sc, deviceID, at); err != nil {
			return fmt.Errorf("write file_scopes: %w", err)
		}
	}
	return nil
}

// caseHeld reports whether the province holds the case whole.
func (s *Store) caseHeld(ctx context.Context, caseID string) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM province_held WHERE entity = ? AND id = ?`,
		app.EntityCase, caseID).Scan(&n); err != nil {
		return false, fmt.Errorf("read province_held: %w", err)
	}
	return n > 0, nil
}

// FileStatus answers what the server holds of each file asked, for the
// device: FileForbidden for one it may neither see nor send.
func (s *Store) FileStatus(ctx context.Context, deviceID string, req syncproto.FileStatusRequest) ([]syncproto.FileStatus, error) {
	files, err := s.Files()
	if err != nil {
		return nil, err
	}
	out := make([]syncproto.FileStatus, len(req.Hashes))
	for i, h := range req.Hashes {
		out[i] = syncproto.FileStatus{SHA256: h, Status: syncproto.FileForbidden}
		right, err := s.fileAccess(ctx, deviceID, h)
		if err != nil {
			return nil, err
		}
		off := int64(0)
		if right.write {
			// Where this scope's transfer is, once a transfer of it that
			// is ending (a cut link) has ended; then what it proved.
			if off, err = files.PartialOf(h, right.part); err != nil {
				return nil, err
			}
			if !right.stored && files.Has(h) {
				if right, err = s.fileAccess(ctx, deviceID, h); err != nil {
					return nil, err
				}
			}
		}
		if !right.read && (!right.write || req.Chunks) {
			continue // asked to download (Chunks) what it may not read
		}
		st := &out[i]
		st.Size, st.Writable = right.size, right.write
		switch {
		case files.Has(h) && (right.stored || right.read && !right.write):
			st.Status, st.Offset = syncproto.FileStored, right.size
			if req.Chunks && right.read {
				if st.ChunkSums, err = files.ChunkSums(h); err != nil {
					return nil, err
				}
			}
		case files.Has(h) && right.read && req.Chunks:
			// Readable (another scope proved it), not proved by this one.
			st.Status, st.Offset = syncproto.FileStored, right.size
			if st.ChunkSums, err = files.ChunkSums(h); err != nil {
				return nil, err
			}
		default:
			st.Status, st.Offset = syncproto.FileMissing, min(off, right.size)
			if off > 0 {
				st.Status = syncproto.FilePartial
			}
		}
	}
	return out, nil
}

// PutFile stores a piece of the file of hash h sent by the device from
// offset: body, whose chunks have the hex SHA-256 sums (from the chunk of
// offset on). What arrived is kept even when the body is cut.
func (s *Store) PutFile(ctx context.Context, deviceID, h string, offset int64, sums []string, body io.Reader) (syncproto.FilePutResponse, error) {
	var resp syncproto.FilePutResponse
	files, err := s.Files()
	if err != nil {
		return resp, err
	}
	right, err := s.fileAccess(ctx, deviceID, h)
	if err != nil {
		return resp, err
	}
	if !right.write {
		return resp, app.Errorf(app.EFORBIDDEN, msgFileForbidden)
	}
	first := offset / blobstore.ChunkSize
	sum := func(k int64) (string, bool) {
		if i := k - first; i >= 0 && i < int64(len(sums)) {
			return sums[i], true
		}
		return "", false
	}
	if right.stored && files.Has(h) {
		resp.Offset, resp.Stored = right.size, true
		return resp, nil
	}
	prove := func() error { return s.proveScopes(ctx, h, deviceID, right.prove) }
	off, stored, err := files.ReceivePart(h, right.part, right.size, offset, body, sum, prove)
	resp.Offset, resp.Stored = off, stored
	switch {
	case err == nil:
		return resp, nil
	case errors.Is(err, blobstore.ErrOffset):
		return resp, app.WrapError(app.ECONFLICT, msgFileOffset, err)
	case errors.Is(err, blobstore.ErrChunkMismatch), errors.Is(err, blobstore.ErrMismatch):
		return resp, app.WrapError(syncproto.CodeChunkMismatch, msgFileChunk, err)
	case errors.Is(err, blobstore.ErrBusy):
		return resp, app.WrapError(app.EOFFLINE, msgFileBusy, err)
	}
	return resp, err
}

// GetFile opens the file of hash h for the device, from offset, at most
// length bytes (0: to the end), and returns it and how many bytes it
// gives.
func (s *Store) GetFile(ctx context.Context, deviceID string, req syncproto.FileGetRequest) (io.ReadCloser, int64, error) {
	files, err := s.Files()
	if err != nil {
		return nil, 0, err
	}
	right, err := s.fileAccess(ctx, deviceID, req.SHA256)
	if err != nil {
		return nil, 0, err
	}
	if !right.read {
		return nil, 0, app.Errorf(app.EFORBIDDEN, msgFileForbidden)
	}
	size, err := files.Size(req.SHA256)
	if errors.Is(err, blobstore.ErrNotFound) {
		return nil, 0, app.Errorf(app.ENOTFOUND, msgFileNotStored)
	}
	if err != nil {
		return nil, 0, err
	}
	if req.Offset < 0 || req.Offset > size {
		return nil, 0, app.Errorf(app.EINVALID, "Vị trí đọc tệp không hợp lệ (bad offset).")
	}
	n := size - req.Offset
	if req.Length > 0 {
		n = min(n, req.Length)
	}
	n = min(n, syncproto.MaxFilePieceBytes)
	r, err := files.ReadSection(req.SHA256, req.Offset, n)
	if errors.Is(err, blobstore.ErrNotFound) {
		return nil, 0, app.Errorf(app.ENOTFOUND, msgFileNotStored)
	}
	if err != nil {
		return nil, 0, err
	}
	return r, n, nil
}

// CommuneFiles is what the server holds of one commune's evidence files.
type CommuneFiles struct {
	Scope string
	// Files counts the distinct files its attachment records (not voided)
	// name; Stored those the server holds, in StoredBytes; Missing those
	// it does not hold whole yet.
	Files, Stored, Missing int
	StoredBytes            int64
}

// FilesByCommune counts, per commune, the evidence files its attachment
// records name and what the server holds of them.
func (s *Store) FilesByCommune(ctx context.Context) ([]CommuneFiles, error) {
	files, err := s.Files()
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT scope, sha256 FROM attachment_files WHERE voided = 0`)
	if err != nil {
		return nil, fmt.Errorf("read attachment_files: %w", err)
	}
	seen := map[string]map[string]bool{}
	for rows.Next() {
		var scope, h string
		if err := rows.Scan(&scope, &h); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read attachment_files: %w", err)
		}
		if !app.ValidSHA256(h) {
			continue
		}
		if seen[scope] == nil {
			seen[scope] = map[string]bool{}
		}
		seen[scope][h] = true
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	out := make([]CommuneFiles, 0, len(seen))
	for scope, hashes := range seen {
		c := CommuneFiles{Scope: scope, Files: len(hashes)}
		for h := range hashes {
			n, err := files.Size(h)
			if errors.Is(err, blobstore.ErrNotFound) {
				c.Missing++
				continue
			}
			if err != nil {
				return nil, err
			}
			c.Stored++
			c.StoredBytes += n
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Scope < out[j].Scope })
	return out, nil
}
