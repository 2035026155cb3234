package app

import (
	"fmt"
	"strings"
	"time"
)

// Reasons a local backup was taken; they end its file name.
const (
	BackupDaily         = "daily"          // the automatic daily copy
	BackupManual        = "manual"         // "Sao lưu ngay" or `bvntd backup`
	BackupBeforeRestore = "before-restore" // the current file, before a restore replaced it
	BackupBeforeUpgrade = "before-upgrade" // before a new version's migrations
)

// BackupInfo describes one backup of the local store.
type BackupInfo struct {
	Path   string
	Name   string    // file name
	At     time.Time // when it was taken (from the name), UTC
	Reason string    // BackupDaily, …
	Size   int64     // bytes
	// Encrypted is true for a backup encrypted to the laptop's and the
	// province's keys (false: a plain one from an earlier version).
	Encrypted bool
	// What the copy holds; unknown (zero) when Err is set.
	Schema    int // schema version (PRAGMA user_version)
	Cases     int // cases, voided ones included
	Records   int // training, outreach and registry records
	Pending   int // changes waiting to be sent (outbox)
	Conflicts int // open conflicts
	// Err is why the copy cannot be restored (damaged, not ours, from a
	// newer version), or nil.
	Err error
}

// RestorePlan is what restoring a backup would do to the current store,
// shown before the officer confirms.
type RestorePlan struct {
	Backup  BackupInfo
	Current BackupInfo // the counts of the store in use
	// Unsent is how many changes of the store in use have not reached the
	// server and are not in the backup: restoring drops them from the
	// store (they stay in the copy taken before the restore).
	Unsent int
}

// Recovery tells what happened when the store was found damaged at start.
type Recovery struct {
	// DamagedPath is where the damaged file was moved (never deleted).
	DamagedPath string
	// Reason is the integrity check's finding, for the log.
	Reason string
	// From is the backup restored; From.Path is "" when no good backup
	// existed and an empty store was started.
	From BackupInfo
}

// DiskSpace is the free space of the data folder's disk.
type DiskSpace struct {
	Free  uint64 // bytes available to this user
	Limit uint64 // below this the officer is warned
	Known bool   // false when the system could not tell
	// Files is the size of the evidence files' store (the "tep" folder):
	// a backup copies it, so it raises Limit.
	Files int64
}

// Low reports whether the free space is known and below the limit.
func (d DiskSpace) Low() bool { return d.Known && d.Free < d.Limit }

// FormatBytes writes a size the way the officer reads it: 1,5 GB, 230 MB.
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.Replace(fmt.Sprintf("%.1f GB", float64(n)/(1<<30)), ".", ",", 1)
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	default:
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
}
