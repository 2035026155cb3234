package blobstore_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"bvntd/storage/blobstore"
)

func content(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242) // xorshift, fixed seed
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func sumsOf(b []byte) func(int64) (string, bool) {
	var sums []string
	for off := 0; off < len(b); off += blobstore.ChunkSize {
		s := sha256.Sum256(b[off:min(len(b), off+blobstore.ChunkSize)])
		sums = append(sums, hex.EncodeToString(s[:]))
	}
	return func(k int64) (string, bool) {
		if k < 0 || k >= int64(len(sums)) {
			return "", false
		}
		return sums[k], true
	}
}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// cutReader gives n bytes, then fails as a cut link.
type cutReader struct {
	r io.Reader
	n int
}

var errCut = errors.New("cut")

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errCut
	}
	if len(p) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= n
	return n, err
}

// A transfer cut at several points resumes from the bytes kept, and the
// file lands in the store whole.
func TestReceive_ResumesAfterCuts(t *testing.T) {
	s, err := blobstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := content(3*blobstore.ChunkSize + 777)
	h, size := hashOf(data), int64(len(data))
	for _, cut := range []int{1000, 300000, 5, 200000} {
		off, err := s.Partial(h)
		if err != nil {
			t.Fatal(err)
		}
		got, done, err := s.Receive(h, size, off, &cutReader{r: bytes.NewReader(data[off:]), n: cut}, sumsOf(data))
		if !errors.Is(err, errCut) || done || got != off+int64(cut) {
			t.Fatalf("cut after %d: offset %d done %v err %v, want %d", cut, got, done, err, off+int64(cut))
		}
	}
	off, _ := s.Partial(h)
	if _, _, err := s.Receive(h, size, off+1, bytes.NewReader(nil), sumsOf(data)); !errors.Is(err, blobstore.ErrOffset) {
		t.Fatalf("a piece at the wrong offset: %v", err)
	}
	got, done, err := s.Receive(h, size, off, bytes.NewReader(data[off:]), sumsOf(data))
	if err != nil || !done || got != size {
		t.Fatalf("the rest: %d %v %v", got, done, err)
	}
	if err := s.Verify(h); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Partial(h); p != 0 {
		t.Fatalf("the partial file is left: %d bytes", p)
	}
}

// A chunk that does not match is cut off: the partial file ends at its
// start; a damaged partial file (a crash that left garbage) is caught the
// same way when its chunk completes.
func TestReceive_ChunkMismatch(t *testing.T) {
	dir := t.TempDir()
	s, err := blobstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := content(2*blobstore.ChunkSize + 10)
	h, size := hashOf(data), int64(len(data))
	bad := bytes.Clone(data)
	bad[blobstore.ChunkSize+5] ^= 1
	got, done, err := s.Receive(h, size, 0, bytes.NewReader(bad), sumsOf(data))
	if !errors.Is(err, blobstore.ErrChunkMismatch) || done || got != blobstore.ChunkSize {
		t.Fatalf("bad second chunk: offset %d done %v err %v", got, done, err)
	}
	// A crash left garbage after the first chunk.
	f, err := os.OpenFile(filepath.Join(dir, h[:2], h+".part"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 1000))
	f.Close()
	off, _ := s.Partial(h)
	got, _, err = s.Receive(h, size, off, bytes.NewReader(data[off:]), sumsOf(data))
	if !errors.Is(err, blobstore.ErrChunkMismatch) || got != blobstore.ChunkSize {
		t.Fatalf("garbage in the partial file: offset %d err %v", got, err)
	}
	got, done, err = s.Receive(h, size, got, bytes.NewReader(data[got:]), sumsOf(data))
	if err != nil || !done || got != size {
		t.Fatalf("sent again: %d %v %v", got, done, err)
	}
	if err := s.Verify(h); err != nil {
		t.Fatal(err)
	}
	hashes, _, err := s.List()
	if err != nil || len(hashes) != 1 {
		t.Fatalf("List: %v %v", hashes, err)
	}
}
