package serverstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"bvntd/app"
	"bvntd/storage/blobstore"
)

// pgContent keeps the evidence files' content in PostgreSQL (migration
// 0006_file_content_pg): the server's store on that engine when it is
// given no --files folder. pg_dump's backups then carry the files.
type pgContent struct {
	h   *handle
	now func() time.Time
}

// pgStored is the part of the stored content's chunks.
const pgStored = ""

// msgPGContent: where the files are, for the operator.
const msgPGContent = "cơ sở dữ liệu PostgreSQL (bảng file_content, file_chunks)"

func (p pgContent) Where() string { return msgPGContent }

func (p pgContent) ctx() context.Context { return context.Background() }

func (p pgContent) Has(h string) bool {
	_, err := p.Size(h)
	return err == nil
}

func (p pgContent) Size(h string) (int64, error) {
	if !blobstore.ValidHash(h) {
		return 0, blobstore.ErrNotFound
	}
	var n int64
	err := p.h.QueryRowContext(p.ctx(), `SELECT size FROM file_content WHERE sha256 = ?`, h).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, blobstore.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read file_content: %w", err)
	}
	return n, nil
}

// chunks reads the chunks first..last (inclusive) of the transfer part of
// h, in order.
func (p pgContent) chunks(h, part string, first, last int64, each func(idx int64, data []byte) error) error {
	rows, err := p.h.QueryContext(p.ctx(), `SELECT idx, data FROM file_chunks WHERE sha256 = ? AND part = ? AND idx >= ? AND idx <= ? ORDER BY idx`,
		h, part, first, last)
	if err != nil {
		return fmt.Errorf("read file_chunks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var idx int64
		var data []byte
		if err := rows.Scan(&idx, &data); err != nil {
			return fmt.Errorf("read file_chunks: %w", err)
		}
		if err := each(idx, data); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (p pgContent) ReadSection(h string, off, n int64) (io.ReadCloser, error) {
	size, err := p.Size(h)
	if err != nil {
		return nil, err
	}
	if off < 0 || n < 0 || off+n > size {
		return nil, fmt.Errorf("pgcontent: section %d+%d of a file of %d bytes", off, n, size)
	}
	var buf bytes.Buffer
	if n > 0 {
		first, last := off/blobstore.ChunkSize, (off+n-1)/blobstore.ChunkSize
		next := first
		err = p.chunks(h, pgStored, first, last, func(idx int64, data []byte) error {
			if idx != next {
				return fmt.Errorf("pgcontent: chunk %d of %s missing", next, app.ShortHash(h))
			}
			next++
			buf.Write(data)
			return nil
		})
		if err == nil && next != last+1 {
			err = fmt.Errorf("pgcontent: chunk %d of %s missing", next, app.ShortHash(h))
		}
		if err != nil {
			return nil, err
		}
	}
	skip := off - off/blobstore.ChunkSize*blobstore.ChunkSize
	return io.NopCloser(bytes.NewReader(buf.Bytes()[skip : skip+n])), nil
}

func (p pgContent) ChunkSums(h string) ([]string, error) {
	if !blobstore.ValidHash(h) {
		return nil, blobstore.ErrNotFound
	}
	var sums string
	err := p.h.QueryRowContext(p.ctx(), `SELECT chunk_sums FROM file_content WHERE sha256 = ?`, h).Scan(&sums)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blobstore.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read file_content: %w", err)
	}
	return strings.Split(sums, ","), nil
}

// validPart: a transfer's name (a scope: letters, digits, '-'), never the
// stored content's.
func validPart(part string) bool {
	if part == "" || len(part) > 40 {
		return false
	}
	for _, c := range part {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// partial returns how many bytes the transfer part of h holds, and the
// bytes of its last chunk when that one is not whole (a cut).
func (p pgContent) partial(h, part string) (int64, int64, []byte, error) {
	var n, chunks int64
	if err := p.h.QueryRowContext(p.ctx(), `SELECT coalesce(sum(length(data)), 0), count(*) FROM file_chunks WHERE sha256 = ? AND part = ?`,
		h, part).Scan(&n, &chunks); err != nil {
		return 0, 0, nil, fmt.Errorf("read file_chunks: %w", err)
	}
	if n == chunks*blobstore.ChunkSize || chunks == 0 {
		return n, chunks, nil, nil
	}
	var tail []byte
	if err := p.h.QueryRowContext(p.ctx(), `SELECT data FROM file_chunks WHERE sha256 = ? AND part = ? AND idx = ?`,
		h, part, chunks-1).Scan(&tail); err != nil {
		return 0, 0, nil, fmt.Errorf("read file_chunks: %w", err)
	}
	return n, chunks, tail, nil
}

func (p pgContent) PartialOf(h, part string) (int64, error) {
	if !blobstore.ValidHash(h) || !validPart(part) {
		return 0, fmt.Errorf("pgcontent: bad hash %q or part %q", h, part)
	}
	waitPGIdle(h + "/" + part)
	n, _, _, err := p.partial(h, part)
	return n, err
}

// The transfers being received by this process, as blobstore's: two
// transfers of one part never write at once; concurrent transfers of one
// file under other parts keep their own chunks, and their copy as the
// stored content is idempotent (the same verified bytes).
var (
	pgReceivingMu sync.Mutex
	pgReceiving   = map[string]chan struct{}{}
)

const pgBusyWait = 5 * time.Second

func waitPGIdle(key string) {
	pgReceivingMu.Lock()
	ch := pgReceiving[key]
	pgReceivingMu.Unlock()
	if ch == nil {
		return
	}
	t := time.NewTimer(pgBusyWait)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
}

func claimPG(key string) (func(), bool) {
	deadline := time.NewTimer(pgBusyWait)
	defer deadline.Stop()
	for {
		pgReceivingMu.Lock()
		ch := pgReceiving[key]
		if ch == nil {
			ch = make(chan struct{})
			pgReceiving[key] = ch
			pgReceivingMu.Unlock()
			return func() {
				pgReceivingMu.Lock()
				delete(pgReceiving, key)
				pgReceivingMu.Unlock()
				close(ch)
			}, true
		}
		pgReceivingMu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return nil, false
		}
	}
}

// putChunk writes chunk idx of the transfer part (whole and checked, or
// the part of it that arrived before a cut).
func (p pgContent) putChunk(h, part string, idx int64, data []byte) error {
	_, err := p.h.ExecContext(p.ctx(), `INSERT INTO file_chunks (sha256, part, idx, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (sha256, part, idx) DO UPDATE SET data = excluded.data`, h, part, idx, data)
	if err != nil {
		return fmt.Errorf("write file_chunks: %w", err)
	}
	return nil
}

func (p pgContent) dropChunks(h, part string, from int64) error {
	_, err := p.h.ExecContext(p.ctx(), `DELETE FROM file_chunks WHERE sha256 = ? AND part = ? AND idx >= ?`, h, part, from)
	if err != nil {
		return fmt.Errorf("write file_chunks: %w", err)
	}
	return nil
}

func chunkSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ReceivePart: see ContentStore. Each chunk is committed once whole and
// checked; when the body is cut, what arrived of the chunk under way is
// committed too, and the next piece goes on from it.
func (p pgContent) ReceivePart(h, part string, size, off int64, r io.Reader, sum func(k int64) (string, bool), done func() error) (int64, bool, error) {
	if !blobstore.ValidHash(h) || size <= 0 || !validPart(part) {
		return 0, false, fmt.Errorf("pgcontent: bad hash %q, part %q or size %d", h, part, size)
	}
	release, ok := claimPG(h + "/" + part)
	if !ok {
		return 0, false, blobstore.ErrBusy
	}
	defer release()
	cur, _, tail, err := p.partial(h, part)
	if err != nil {
		return 0, false, err
	}
	if cur > size { // a transfer of another size claim: start again
		if err := p.dropChunks(h, part, 0); err != nil {
			return 0, false, err
		}
		cur, tail = 0, nil
	}
	if off != cur {
		return cur, false, blobstore.ErrOffset
	}
	k := cur / blobstore.ChunkSize // the chunk under way
	buf := make([]byte, 0, blobstore.ChunkSize)
	buf = append(buf, tail...)
	kept := len(tail) // bytes of buf committed already
	pos, rerr := cur, error(nil)
	// The whole chunks are written by a goroutine while the body goes on
	// being read, as fast as it comes (a piece is at most a few MB): a
	// link cut then loses no byte that the sender had sent while the
	// database was writing.
	type chunk struct {
		k    int64
		data []byte
	}
	queue := make(chan chunk, 32)
	var werr error
	written := k * blobstore.ChunkSize // where the committed whole chunks end
	wdone := make(chan struct{})
	go func(queue <-chan chunk) {
		defer close(wdone)
		for c := range queue {
			if werr != nil {
				continue
			}
			if werr = p.putChunk(h, part, c.k, c.data); werr == nil {
				written = (c.k + 1) * blobstore.ChunkSize
			}
		}
	}(queue)
	finish := func() error {
		if queue != nil {
			close(queue)
			queue = nil
			<-wdone
		}
		return werr
	}
	defer finish()
	rd := make([]byte, 32<<10)
	for pos < size {
		chunkEnd := min(size, (k+1)*blobstore.ChunkSize)
		n, err := r.Read(rd[:min(int64(len(rd)), chunkEnd-pos)])
		if n > 0 {
			buf = append(buf, rd[:n]...)
			pos += int64(n)
		}
		if pos == chunkEnd {
			want, ok := sum(k)
			if !ok || chunkSum(buf) != want {
				if err := finish(); err != nil {
					return min(written, k*blobstore.ChunkSize), false, err
				}
				if derr := p.dropChunks(h, part, k); derr != nil {
					return written, false, derr
				}
				return k * blobstore.ChunkSize, false, blobstore.ErrChunkMismatch
			}
			queue <- chunk{k, bytes.Clone(buf)}
			k++
			buf, kept = buf[:0], 0
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	if err := finish(); err != nil {
		return written, false, err
	}
	if pos < size {
		if len(buf) > kept { // what arrived of the chunk under way
			if werr := p.putChunk(h, part, k, buf); werr != nil {
				return k*blobstore.ChunkSize + int64(kept), false, werr
			}
		}
		return pos, false, rerr
	}
	whole, err := p.complete(h, part, size)
	if err != nil || !whole {
		return 0, false, err
	}
	if done != nil {
		if err := done(); err != nil {
			return size, true, err
		}
	}
	return size, true, nil
}

// complete checks the whole transfer part of h against the file's hash
// and makes it the stored content; a transfer that does not match is
// dropped (blobstore.ErrMismatch).
func (p pgContent) complete(h, part string, size int64) (bool, error) {
	sum := sha256.New()
	var sums []string
	var n int64
	if err := p.chunks(h, part, 0, blobstore.ChunkCount(size), func(_ int64, data []byte) error {
		sum.Write(data)
		sums = append(sums, chunkSum(data))
		n += int64(len(data))
		return nil
	}); err != nil {
		return false, err
	}
	if n != size || hex.EncodeToString(sum.Sum(nil)) != h {
		if err := p.dropChunks(h, part, 0); err != nil {
			return false, err
		}
		return false, blobstore.ErrMismatch
	}
	ctx := p.ctx()
	tx, err := p.h.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO file_chunks (sha256, part, idx, data)
		SELECT sha256, ?, idx, data FROM file_chunks WHERE sha256 = ? AND part = ?
		ON CONFLICT (sha256, part, idx) DO NOTHING`, pgStored, h, part); err != nil {
		return false, fmt.Errorf("write file_chunks: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO file_content (sha256, size, chunk_sums, stored_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, h, size, strings.Join(sums, ","), ms(p.now())); err != nil {
		return false, fmt.Errorf("write file_content: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE sha256 = ? AND part = ?`, h, part); err != nil {
		return false, fmt.Errorf("write file_chunks: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	return true, nil
}

// Put stores r's content (at most app.MaxAttachmentSize bytes) if it has
// the hash want.
func (p pgContent) Put(r io.Reader, want string) (string, int64, error) {
	if want != "" && !blobstore.ValidHash(want) {
		return "", 0, fmt.Errorf("pgcontent: bad hash %q", want)
	}
	data, err := io.ReadAll(io.LimitReader(r, app.MaxAttachmentSize+1))
	if err != nil {
		return "", 0, err
	}
	if int64(len(data)) > app.MaxAttachmentSize || len(data) == 0 {
		return "", 0, fmt.Errorf("pgcontent: a file of %d bytes", len(data))
	}
	h := chunkSum(data)
	if want != "" && h != want {
		return "", 0, blobstore.ErrMismatch
	}
	if p.Has(h) {
		return h, int64(len(data)), nil
	}
	const part = "put"
	release, ok := claimPG(h + "/" + part)
	if !ok {
		return "", 0, blobstore.ErrBusy
	}
	defer release()
	if err := p.dropChunks(h, part, 0); err != nil {
		return "", 0, err
	}
	for k := int64(0); k < blobstore.ChunkCount(int64(len(data))); k++ {
		chunk := data[k*blobstore.ChunkSize : min(int64(len(data)), (k+1)*blobstore.ChunkSize)]
		if err := p.putChunk(h, part, k, chunk); err != nil {
			return "", 0, err
		}
	}
	if _, err := p.complete(h, part, int64(len(data))); err != nil {
		return "", 0, err
	}
	return h, int64(len(data)), nil
}

func (p pgContent) Verify(h string) error {
	size, err := p.Size(h)
	if err != nil {
		return err
	}
	sum := sha256.New()
	var n int64
	if err := p.chunks(h, pgStored, 0, blobstore.ChunkCount(size), func(_ int64, data []byte) error {
		sum.Write(data)
		n += int64(len(data))
		return nil
	}); err != nil {
		return err
	}
	if n != size || hex.EncodeToString(sum.Sum(nil)) != h {
		p.Remove(h)
		return blobstore.ErrMismatch
	}
	return nil
}

// Remove deletes the stored content of h and every transfer of it.
func (p pgContent) Remove(h string) error {
	if !blobstore.ValidHash(h) {
		return nil
	}
	ctx := p.ctx()
	tx, err := p.h.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM file_content WHERE sha256 = ?`, h); err != nil {
		return fmt.Errorf("write file_content: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE sha256 = ?`, h); err != nil {
		return fmt.Errorf("write file_chunks: %w", err)
	}
	return tx.Commit()
}

func (p pgContent) List() ([]string, int64, error) {
	rows, err := p.h.QueryContext(p.ctx(), `SELECT sha256, size FROM file_content ORDER BY sha256`)
	if err != nil {
		return nil, 0, fmt.Errorf("read file_content: %w", err)
	}
	defer rows.Close()
	var hashes []string
	var total int64
	for rows.Next() {
		var h string
		var n int64
		if err := rows.Scan(&h, &n); err != nil {
			return nil, 0, err
		}
		hashes = append(hashes, h)
		total += n
	}
	return hashes, total, rows.Err()
}
