package blobstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

// A file that arrives in pieces (a transfer over a link that drops) is
// kept as a partial file, PREFIX/HASH.part, beside where it will live: its
// size is how far it has arrived, written and synced before it is
// acknowledged, so that a transfer cut, or a process killed, resumes from
// there. Its content is checked in chunks of ChunkSize against their
// SHA-256 as each chunk is completed (a chunk that does not match is cut
// off and must come again) and, once whole, against the file's hash before
// it is moved into the store. List, Has and Size never see a partial file.

// ChunkSize is the unit of a transfer whose SHA-256 is checked (256 KiB).
const ChunkSize = 256 << 10

// ChunkCount returns how many chunks a file of size bytes has.
func ChunkCount(size int64) int64 { return (size + ChunkSize - 1) / ChunkSize }

// ErrChunkMismatch: a chunk received does not have its SHA-256; it was
// cut off the partial file, which ends at the chunk's start.
var ErrChunkMismatch = errors.New("blobstore: a chunk does not match its hash")

// ErrOffset: a piece was sent for another offset than where the partial
// file ends.
var ErrOffset = errors.New("blobstore: the piece does not start where the partial file ends")

// ErrBusy: another transfer of the same file is writing its partial file.
var ErrBusy = errors.New("blobstore: the file is being received by another transfer")

// partialPath is where the partial file of h lives; part, if not "",
// keeps apart the transfers of one file by different senders (the server
// keeps one per scope: each proves it holds the content).
func (s *Store) partialPath(h, part string) string {
	if part != "" {
		return filepath.Join(s.dir, h[:2], h+"."+part+".part")
	}
	return filepath.Join(s.dir, h[:2], h+".part")
}

// receiving holds the partial files being written, so that two transfers
// of one file never write it at once: each maps to a channel closed when
// its writer is done.
var (
	receivingMu sync.Mutex
	receiving   = map[string]chan struct{}{}
)

// busyWait is how long a transfer, or a question about how far one has
// come, waits for the transfer writing the same partial file to end (one
// whose link was just cut ends at once).
const busyWait = 5 * time.Second

// waitIdle waits until no transfer writes the partial file p, at most
// busyWait; it reports whether none does.
func waitIdle(p string) bool {
	receivingMu.Lock()
	ch := receiving[p]
	receivingMu.Unlock()
	if ch == nil {
		return true
	}
	t := time.NewTimer(busyWait)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

// claim marks p as written by the caller, waiting at most busyWait for
// the transfer writing it; release ends the claim.
func claim(p string) (release func(), ok bool) {
	deadline := time.NewTimer(busyWait)
	defer deadline.Stop()
	for {
		receivingMu.Lock()
		ch := receiving[p]
		if ch == nil {
			ch = make(chan struct{})
			receiving[p] = ch
			receivingMu.Unlock()
			return func() {
				receivingMu.Lock()
				delete(receiving, p)
				receivingMu.Unlock()
				close(ch)
			}, true
		}
		receivingMu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return nil, false
		}
	}
}

// Partial returns how many bytes of the file of hash h have arrived in
// its partial file (0 when there is none).
func (s *Store) Partial(h string) (int64, error) { return s.PartialOf(h, "") }

// PartialOf is Partial of the transfer named part (see Receive).
func (s *Store) PartialOf(h, part string) (int64, error) {
	if !ValidHash(h) || !partRE.MatchString(part) {
		return 0, fmt.Errorf("blobstore: bad hash %q or part %q", h, part)
	}
	p := s.partialPath(h, part)
	waitIdle(p) // the answer of a transfer just cut: where it ended
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// DropPartial removes the partial file of h (nothing if absent).
func (s *Store) DropPartial(h string) error {
	if !ValidHash(h) {
		return nil
	}
	err := os.Remove(s.partialPath(h, ""))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// ChunkSums returns the hex SHA-256 of every chunk of the stored file of
// hash h, in order.
func (s *Store) ChunkSums(h string) ([]string, error) {
	f, err := s.Open(h)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	buf := make([]byte, 64<<10)
	for {
		sum := sha256.New()
		n, err := io.CopyBuffer(sum, io.LimitReader(f, ChunkSize), buf)
		if err != nil {
			return nil, fmt.Errorf("blobstore: read %s: %w", h, err)
		}
		if n == 0 {
			return out, nil
		}
		out = append(out, hex.EncodeToString(sum.Sum(nil)))
		if n < ChunkSize {
			return out, nil
		}
	}
}

// Receive appends what r brings to the partial file of the file of hash h
// and size bytes, which must hold exactly off bytes (ErrOffset and the
// bytes it holds otherwise), and returns how many bytes it holds then,
// synced to disk, and whether the file is now whole in the store.
//
// Each chunk completed is checked against sum(k), the hex SHA-256 of chunk
// k (false: unknown, an error): a mismatch cuts the chunk off and is
// ErrChunkMismatch. When r fails (a cut link), what arrived is kept and
// the error returned with the new offset. Once size bytes have arrived the
// whole content is checked against h: it is moved into the store, or the
// partial file is removed and ErrMismatch returned. At most size-off bytes
// are read from r. A file the store holds already is whole at once.
func (s *Store) Receive(h string, size, off int64, r io.Reader, sum func(k int64) (string, bool)) (int64, bool, error) {
	if s.Has(h) {
		return size, true, nil
	}
	return s.ReceivePart(h, "", size, off, r, sum, nil)
}

// partRE: the name of a transfer (letters, digits, '-').
var partRE = regexp.MustCompile(`^[0-9A-Za-z-]{0,40}$`)

// ReceivePart is Receive into the partial file of the transfer named part
// (letters, digits and '-'), even when the store holds the file already:
// the sender proves it holds the content by sending it whole. done, if
// not nil, is called once the file is whole in the store, before another
// transfer of part may start or ask how far it came.
func (s *Store) ReceivePart(h, part string, size, off int64, r io.Reader, sum func(k int64) (string, bool), done func() error) (int64, bool, error) {
	if !ValidHash(h) || size <= 0 || !partRE.MatchString(part) {
		return 0, false, fmt.Errorf("blobstore: bad hash %q, part %q or size %d", h, part, size)
	}
	p := s.partialPath(h, part)
	release, ok := claim(p)
	if !ok {
		return 0, false, ErrBusy
	}
	defer release()
	var cur int64
	if st, err := os.Stat(p); err == nil {
		cur = st.Size()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, false, err
	}
	if cur > size { // a partial file of another size claim: start again
		if err := os.Remove(p); err != nil {
			return 0, false, err
		}
		cur = 0
	}
	if off != cur {
		return cur, false, ErrOffset
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return cur, false, fmt.Errorf("blobstore: %w", err)
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return cur, false, fmt.Errorf("blobstore: %w", err)
	}
	pos, rerr := cur, error(nil)
	buf := make([]byte, 32<<10)
	for pos < size {
		chunkEnd := min(size, (pos/ChunkSize+1)*ChunkSize)
		n, err := r.Read(buf[:min(int64(len(buf)), chunkEnd-pos)])
		if n > 0 {
			if _, werr := f.Write(buf[:n]); werr != nil {
				f.Close()
				return settle(p, pos, fmt.Errorf("blobstore: write: %w", werr))
			}
			pos += int64(n)
		}
		if pos == chunkEnd {
			if cerr := checkChunk(f, pos, sum); cerr != nil {
				f.Close()
				return settle(p, (pos-1)/ChunkSize*ChunkSize, cerr)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return settle(p, pos, fmt.Errorf("blobstore: sync: %w", err))
	}
	if err := f.Close(); err != nil {
		return settle(p, pos, fmt.Errorf("blobstore: %w", err))
	}
	if pos < size {
		return pos, false, rerr
	}
	n, whole, err := s.complete(h, p)
	if err == nil && whole && done != nil {
		err = done()
	}
	return n, whole, err
}

// checkChunk checks the chunk ending at end (the file's current end)
// against its hash.
func checkChunk(f *os.File, end int64, sum func(k int64) (string, bool)) error {
	k := (end - 1) / ChunkSize
	want, ok := sum(k)
	if !ok {
		return fmt.Errorf("blobstore: no hash for chunk %d: %w", k, ErrChunkMismatch)
	}
	start := k * ChunkSize
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, start, end-start)); err != nil {
		return fmt.Errorf("blobstore: read back: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != want {
		return ErrChunkMismatch
	}
	return nil
}

// settle cuts the partial file p back to keep bytes after a failure,
// syncs it, and returns err.
func settle(p string, keep int64, err error) (int64, bool, error) {
	if terr := os.Truncate(p, keep); terr != nil {
		os.Remove(p)
		return 0, false, err
	}
	if f, ferr := os.OpenFile(p, os.O_RDWR, 0); ferr == nil {
		f.Sync()
		f.Close()
	}
	return keep, false, err
}

// complete checks the whole partial file p of h and puts it into the
// store.
func (s *Store) complete(h, p string) (int64, bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, false, fmt.Errorf("blobstore: %w", err)
	}
	_, size, err := s.Put(f, h)
	f.Close()
	if errors.Is(err, ErrMismatch) {
		os.Remove(p)
		return 0, false, ErrMismatch
	}
	if err != nil {
		return 0, false, err
	}
	os.Remove(p)
	return size, true, nil
}

// A device notes which files its server holds (PREFIX/HASH.server, an
// empty file), so that a sync asks about each file it sends only until
// the server has it.

func (s *Store) serverMark(h string) string { return filepath.Join(s.dir, h[:2], h+".server") }

// MarkOnServer notes that the server holds the file of hash h.
func (s *Store) MarkOnServer(h string) error {
	if !ValidHash(h) {
		return fmt.Errorf("blobstore: bad hash %q", h)
	}
	p := s.serverMark(h)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// OnServer reports whether MarkOnServer noted h.
func (s *Store) OnServer(h string) bool {
	if !ValidHash(h) {
		return false
	}
	_, err := os.Stat(s.serverMark(h))
	return err == nil
}

// ForgetServer removes the note that the server holds h (if any): the
// next sync asks the server about the file again (it was attached again,
// and the server may have removed its copy since).
func (s *Store) ForgetServer(h string) error {
	if !ValidHash(h) {
		return nil
	}
	err := os.Remove(s.serverMark(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// ForgetAllServer removes every note that the server holds a file (the
// server was restored from a backup: what it holds is asked again, and
// what it lacks is sent again). It returns how many it removed.
func (s *Store) ForgetAllServer() (int, error) {
	marks, err := filepath.Glob(filepath.Join(s.dir, "*", "*.server"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range marks {
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}

// Drop removes the file of hash h and the note that the server holds it
// (a device's file removed from its cache, or after a void): should the
// same content come back, a sync asks the server about it again.
func (s *Store) Drop(h string) error {
	if !ValidHash(h) {
		return nil
	}
	if err := s.Remove(h); err != nil {
		return err
	}
	err := os.Remove(s.serverMark(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
