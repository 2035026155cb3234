package blobstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"testing"
)

func TestStore_PutOpenVerifyRemove(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	content := bytes.Repeat([]byte("biên lai mua hàng "), 5000)
	sum := sha256.Sum256(content)
	want := hex.EncodeToString(sum[:])
	if _, _, err := s.Put(bytes.NewReader(content[1:]), want); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong content under a hash: %v", err)
	}
	if s.Has(want) {
		t.Fatal("a refused content was stored")
	}
	h, n, err := s.Put(bytes.NewReader(content), want)
	if err != nil || h != want || n != int64(len(content)) {
		t.Fatalf("Put = %s, %d, %v", h, n, err)
	}
	if h2, _, err := s.Put(bytes.NewReader(content), ""); err != nil || h2 != h { // stored once
		t.Fatalf("second Put = %s, %v", h2, err)
	}
	if hs, total, err := s.List(); err != nil || len(hs) != 1 || total != int64(len(content)) {
		t.Fatalf("List = %v, %d, %v", hs, total, err)
	}
	f, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, content) || s.Verify(h) != nil {
		t.Fatal("read back differs")
	}
	// A damaged file is found and removed, to be fetched again.
	if err := os.WriteFile(s.path(h), []byte("hỏng"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(h); !errors.Is(err, ErrMismatch) || s.Has(h) {
		t.Fatalf("damaged file: %v, still held %v", err, s.Has(h))
	}
	if err := s.Verify(h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := s.Open("../../etc/passwd"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a path as a hash: %v", err)
	}
}

// Drop removes the content and the note that the server holds it, so
// that the same content attached again is asked about again.
func TestStore_DropForgetsTheServer(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := s.Put(bytes.NewReader([]byte("ảnh hóa đơn")), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOnServer(h); err != nil {
		t.Fatal(err)
	}
	if err := s.Drop(h); err != nil {
		t.Fatal(err)
	}
	if s.Has(h) || s.OnServer(h) {
		t.Fatalf("after Drop: held %v, on the server %v", s.Has(h), s.OnServer(h))
	}
	if err := s.Drop(h); err != nil { // nothing left: no error
		t.Fatal(err)
	}
}
