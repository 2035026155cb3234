package serverstore_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sync"
	"testing"

	"bvntd/app/clocktest"
	"bvntd/storage/blobstore"
)

// cutReader gives at most n bytes of b, then fails as a cut link.
type cutReader struct {
	b []byte
	n int
}

var errCut = errors.New("đường truyền bị ngắt")

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errCut
	}
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), c.n, len(c.b))
	copy(p, c.b[:k])
	c.b, c.n = c.b[k:], c.n-k
	return k, nil
}

func sumsOf(data []byte) func(k int64) (string, bool) {
	return func(k int64) (string, bool) {
		start := k * blobstore.ChunkSize
		if start >= int64(len(data)) {
			return "", false
		}
		s := sha256.Sum256(data[start:min(int64(len(data)), start+blobstore.ChunkSize)])
		return hex.EncodeToString(s[:]), true
	}
}

// TestContentStore: the server's content store (the folder on SQLite,
// the database on PostgreSQL) takes a file from two senders at once, each
// over a link cut every 100,000 bytes, resuming where each cut left it;
// the file is stored once, whole, and reads back by sections; a damaged
// chunk is refused and cut back to its start; Remove drops it.
func TestContentStore(t *testing.T) {
	clock := clocktest.AtToday(t)
	s, _ := MustOpen(t, clock)
	files, err := s.Files()
	if err != nil {
		t.Fatal(err)
	}
	r := clocktest.Rand(t)
	data := make([]byte, 700<<10+123)
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	size := int64(len(data))

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, part := range []string{"28261", "province"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				off, err := files.PartialOf(h, part)
				if err != nil {
					errs <- err
					return
				}
				got, stored, err := files.ReceivePart(h, part, size, off, &cutReader{b: data[off:], n: 100_000}, sumsOf(data), nil)
				if stored {
					return
				}
				if !errors.Is(err, errCut) || got != min(size, off+100_000) {
					errs <- errors.Join(err, errors.New("unexpected offset"))
					return
				}
			}
			errs <- errors.New("never stored")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := files.Verify(h); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n, err := files.Size(h); err != nil || n != size {
		t.Fatalf("size %d, %v", n, err)
	}
	sums, err := files.ChunkSums(h)
	if err != nil || len(sums) != int(blobstore.ChunkCount(size)) {
		t.Fatalf("chunk sums %v, %v", sums, err)
	}
	for k, s := range sums {
		if want, _ := sumsOf(data)(int64(k)); s != want {
			t.Fatalf("chunk %d: sum %s, want %s", k, s, want)
		}
	}
	sec, err := files.ReadSection(h, 300_000, 400_000)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(sec)
	sec.Close()
	if err != nil || !bytes.Equal(got, data[300_000:700_000]) {
		t.Fatalf("section: %d bytes, %v", len(got), err)
	}
	if hashes, total, err := files.List(); err != nil || len(hashes) != 1 || total != size {
		t.Fatalf("list %v %d %v", hashes, total, err)
	}

	// A damaged chunk: refused, the transfer cut back to its start.
	other := bytes.Clone(data[:400_000])
	osum := sha256.Sum256(other)
	oh := hex.EncodeToString(osum[:])
	bad := bytes.Clone(other)
	bad[blobstore.ChunkSize+10] ^= 0xff
	off, _, err := files.ReceivePart(oh, "28261", int64(len(other)), 0, bytes.NewReader(bad), sumsOf(other), nil)
	if !errors.Is(err, blobstore.ErrChunkMismatch) || off != blobstore.ChunkSize {
		t.Fatalf("damaged chunk: offset %d, %v; want %d and a chunk mismatch", off, err, blobstore.ChunkSize)
	}
	if p, err := files.PartialOf(oh, "28261"); err != nil || p != blobstore.ChunkSize {
		t.Fatalf("after the damaged chunk the transfer holds %d (%v)", p, err)
	}
	if _, stored, err := files.ReceivePart(oh, "28261", int64(len(other)), blobstore.ChunkSize,
		bytes.NewReader(other[blobstore.ChunkSize:]), sumsOf(other), nil); err != nil || !stored {
		t.Fatalf("the chunk sent again: %v, stored %v", err, stored)
	}

	if err := files.Remove(h); err != nil {
		t.Fatal(err)
	}
	if files.Has(h) || !files.Has(oh) {
		t.Fatal("Remove removed the wrong file")
	}
	if _, err := files.Size(h); !errors.Is(err, blobstore.ErrNotFound) {
		t.Fatalf("size of a removed file: %v", err)
	}
}
