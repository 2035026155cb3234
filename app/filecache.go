package app

// The laptop's evidence files downloaded from the server (or attached and
// uploaded since) are a cache within a limit an officer may change
// (storage/filecache.go): the least recently opened go first; a file
// attached on the laptop and not yet on the server never goes.

// DefaultFileCacheLimit is the file store's limit unless changed (1 GiB).
const DefaultFileCacheLimit = 1 << 30

// FilesFreed sums up the evidence files removed from a laptop's store.
type FilesFreed struct {
	Files int
	Bytes int64
}
