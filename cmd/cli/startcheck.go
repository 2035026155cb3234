package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"time"

	"bvntd/app"
	"bvntd/storage"
)

// closedMark is the file of the data folder that says the window closed
// its store cleanly, with the store file's size and time then.
const closedMark = "dong-binh-thuong.json"

type closeMark struct {
	Size    int64 `json:"size"`
	ModNano int64 `json:"mod_unix_nano"`
}

// MarkClosed records, once the window has closed the store cleanly (its
// write-ahead log checkpointed and removed), the store file's size and
// time, so that the next start may check it in the background
// (StartCheck).
func MarkClosed(dataDir string) error {
	fi, err := os.Stat(filepath.Join(dataDir, StoreFile))
	if err != nil {
		return err
	}
	b, _ := json.Marshal(closeMark{Size: fi.Size(), ModNano: fi.ModTime().UnixNano()})
	return os.WriteFile(filepath.Join(dataDir, closedMark), b, 0o600)
}

// StartCheck is the window's check of its store at start. A full check
// (PRAGMA quick_check) reads the whole file: 13 s for a province's five
// years (4 GB, issue 22). So it blocks the start only when the store may
// have been damaged since the window last closed it: after a crash, a
// power cut or a killed process (no mark), or when the file is not as the
// window left it (another size or time, a write-ahead log); then it is
// RecoverStore, which restores the newest good backup of a damaged store.
// Otherwise it returns background=true and the caller checks the store
// while the officer works (CheckInBackground). The mark is removed here
// either way: only the next clean close writes it again. Where to check a
// store is a local choice (no law sets it).
func StartCheck(ctx context.Context, dataDir string, now func() time.Time) (rec app.Recovery, recovered, background bool, err error) {
	clean, err := takeCloseMark(dataDir)
	if err != nil {
		return rec, false, false, err
	}
	if clean {
		return rec, false, true, nil
	}
	rec, recovered, err = RecoverStore(ctx, dataDir, now)
	return rec, recovered, false, err
}

// takeCloseMark reports whether the store of dataDir is as a clean close
// left it, and removes the mark: only the next clean close writes it
// again.
func takeCloseMark(dataDir string) (clean bool, err error) {
	markPath := filepath.Join(dataDir, closedMark)
	clean = closedCleanly(dataDir, markPath)
	if err := os.Remove(markPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	return clean, nil
}

// closedCleanly reports whether the store is as the window left it at a
// clean close.
func closedCleanly(dataDir, markPath string) bool {
	b, err := os.ReadFile(markPath)
	if err != nil {
		return false
	}
	var m closeMark
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	store := filepath.Join(dataDir, StoreFile)
	fi, err := os.Stat(store)
	if err != nil || fi.Size() != m.Size || fi.ModTime().UnixNano() != m.ModNano {
		return false
	}
	if wi, err := os.Stat(store + "-wal"); err == nil && wi.Size() > 0 {
		return false
	}
	return true
}

// CheckInBackground is the full check StartCheck left for later, on the
// open store (a read of its own): a damaged store is reported as
// checkStore reports it, and the next start checks it fully (no mark) and
// restores the newest good backup.
func CheckInBackground(ctx context.Context, dataDir string) error {
	return checkStore(ctx, dataDir)
}

// OpenCheckedStore is OpenStore without its check of the file: for a
// caller that has just checked it (RecoverStore) or checks it in the
// background (StartCheck).
func OpenCheckedStore(ctx context.Context, dir string, now func() time.Time) (*storage.DB, *app.RefData, error) {
	return openStore(ctx, dir, now, false)
}
