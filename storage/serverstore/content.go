package serverstore

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"bvntd/storage/blobstore"
)

// ContentStore keeps the evidence files' content by its SHA-256: the
// folder of storage/blobstore (beside the SQLite file, or the folder the
// operator gives with --files), or PostgreSQL's tables (pgcontent.go) on
// the PostgreSQL engine without --files. A file counts as stored only
// once its whole content has been checked against its hash; its pieces
// arrive in chunks of blobstore.ChunkSize, each checked and kept as it
// arrives, per transfer (part), so that a cut resumes from the last one.
type ContentStore interface {
	// Has reports whether the whole content of h is stored.
	Has(h string) bool
	// Size is the size of the stored content of h (blobstore.ErrNotFound).
	Size(h string) (int64, error)
	// ReadSection opens n bytes of the content of h from off.
	ReadSection(h string, off, n int64) (io.ReadCloser, error)
	// ChunkSums are the hex SHA-256 of each chunk of the content of h.
	ChunkSums(h string) ([]string, error)
	// PartialOf is how many bytes of h the transfer part has brought.
	PartialOf(h, part string) (int64, error)
	// ReceivePart appends what r brings from off to the transfer part of
	// h (see blobstore.Store.ReceivePart): the new offset and whether the
	// content is now stored whole; done is called once it is.
	ReceivePart(h, part string, size, off int64, r io.Reader, sum func(k int64) (string, bool), done func() error) (int64, bool, error)
	// Put stores the content r brings, which must have the hash want
	// (blobstore.ErrMismatch, nothing stored, if not).
	Put(r io.Reader, want string) (string, int64, error)
	// Verify reads the content of h again against its hash
	// (blobstore.ErrNotFound, blobstore.ErrMismatch: it is then removed).
	Verify(h string) error
	// Remove deletes the content of h and its transfers (nothing if
	// absent).
	Remove(h string) error
	// List returns the hashes stored whole and their total size.
	List() ([]string, int64, error)
	// Where says where the content is kept, for the operator.
	Where() string
}

// folderContent is the content in a folder (storage/blobstore).
type folderContent struct{ *blobstore.Store }

func (f folderContent) ReadSection(h string, off, n int64) (io.ReadCloser, error) {
	file, err := f.Open(h)
	if err != nil {
		return nil, err
	}
	return &sectionFile{Reader: io.NewSectionReader(file, off, n), f: file}, nil
}

// Remove deletes the file and the partial files of its transfers.
func (f folderContent) Remove(h string) error {
	if !blobstore.ValidHash(h) {
		return nil
	}
	err := f.Store.Remove(h)
	parts, _ := filepath.Glob(filepath.Join(f.Dir(), h[:2], h+"*.part"))
	for _, p := range parts {
		if rerr := os.Remove(p); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
	}
	return err
}

func (f folderContent) Where() string { return f.Dir() }

type sectionFile struct {
	io.Reader
	f io.Closer
}

func (s *sectionFile) Close() error { return s.f.Close() }
