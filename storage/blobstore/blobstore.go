// Package blobstore is a content-addressed file store: each file is kept
// once under the hex SHA-256 of its content, in a folder of its own
// (laptop: "tep" beside the SQLite file; server: beside its database), as
// PREFIX/HASH where PREFIX is the hash's first two characters. A file is
// written to a temporary name, synced, checked against its hash and then
// renamed, so a crash never leaves a file under a name its content does
// not match; Verify finds one that was damaged or removed later.
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
	"strings"
)

// Store is a content-addressed store rooted at a folder.
type Store struct {
	dir string
}

// ErrNotFound: no file of that hash in the store.
var ErrNotFound = errors.New("blobstore: not found")

// ErrMismatch: the content does not have the hash it was given under.
var ErrMismatch = errors.New("blobstore: content does not match its hash")

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidHash reports whether h is a lower-case hex SHA-256.
func ValidHash(h string) bool { return hashRE.MatchString(h) }

// Open returns the store in dir, creating the folder (0700) if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// path returns where the file of hash h lives.
func (s *Store) path(h string) string { return filepath.Join(s.dir, h[:2], h) }

// Has reports whether the store holds a file of hash h (without reading
// it; Verify reads it).
func (s *Store) Has(h string) bool {
	if !ValidHash(h) {
		return false
	}
	_, err := os.Stat(s.path(h))
	return err == nil
}

// Put stores the content read from r, and returns its hash and size. If
// want is not "", the content must have that hash (ErrMismatch, and
// nothing stored, if not). Storing a content the store holds already
// changes nothing.
func (s *Store) Put(r io.Reader, want string) (hash string, size int64, err error) {
	if want != "" && !ValidHash(want) {
		return "", 0, fmt.Errorf("blobstore: bad hash %q", want)
	}
	// The folder may have been removed since Open (a user cleaning up).
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("blobstore: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, ".put-*")
	if err != nil {
		return "", 0, fmt.Errorf("blobstore: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename: nothing
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("blobstore: write: %w", err)
	}
	hash = hex.EncodeToString(h.Sum(nil))
	if want != "" && hash != want {
		return "", 0, ErrMismatch
	}
	if s.Has(hash) {
		return hash, size, nil
	}
	if err := os.MkdirAll(filepath.Dir(s.path(hash)), 0o700); err != nil {
		return "", 0, fmt.Errorf("blobstore: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path(hash)); err != nil {
		return "", 0, fmt.Errorf("blobstore: %w", err)
	}
	return hash, size, nil
}

// Open opens the file of hash h for reading (ErrNotFound if absent).
func (s *Store) Open(h string) (*os.File, error) {
	if !ValidHash(h) {
		return nil, ErrNotFound
	}
	f, err := os.Open(s.path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Size returns the size of the file of hash h.
func (s *Store) Size(h string) (int64, error) {
	if !ValidHash(h) {
		return 0, ErrNotFound
	}
	st, err := os.Stat(s.path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// Verify reads the file of hash h and reports ErrNotFound if it is
// missing and ErrMismatch if its content no longer has its hash (the file
// is then removed, so that it is fetched again).
func (s *Store) Verify(h string) error {
	f, err := s.Open(h)
	if err != nil {
		return err
	}
	sum := sha256.New()
	_, err = io.Copy(sum, f)
	f.Close()
	if err != nil {
		return fmt.Errorf("blobstore: read %s: %w", h, err)
	}
	if hex.EncodeToString(sum.Sum(nil)) != h {
		os.Remove(s.path(h))
		return ErrMismatch
	}
	return nil
}

// Remove deletes the file of hash h (nothing if absent).
func (s *Store) Remove(h string) error {
	if !ValidHash(h) {
		return nil
	}
	err := os.Remove(s.path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// List returns the hashes the store holds and their total size in bytes.
func (s *Store) List() (hashes []string, total int64, err error) {
	err = filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") || !ValidHash(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hashes = append(hashes, d.Name())
		total += info.Size()
		return nil
	})
	return hashes, total, err
}
