package app

import "time"

// Case list orders.
const (
	SortNewest = "newest" // received_at descending (the default)
	SortName   = "name"   // consumer name, Vietnamese alphabetical order
)

// CaseQuery selects cases for a list.
type CaseQuery struct {
	// Text is matched without diacritics (đ = d) against the number, the
	// consumer, the business and the summary; every word must match, as a
	// word prefix. Empty matches all.
	Text  string
	Sort  string // SortNewest or SortName
	Limit int    // 0: no limit
	// IncludeVoided lists voided cases too.
	IncludeVoided bool
}

// SyncStatus is what the sync panel shows.
type SyncStatus struct {
	Enrolled   bool
	ServerURL  string
	Scope      string // commune code or "province"
	DeviceID   string
	Pending    int       // outbox mutations not yet acknowledged
	Parked     int       // mutations the server rejected
	LastSyncAt time.Time // zero if never
	LastError  string    // Vietnamese, "" if the last sync succeeded
	// ClockOffset is the server's clock minus this device's, as measured
	// at the last sync (0 if unknown).
	ClockOffset time.Duration
	// OpenConflicts is the number of conflicts waiting for review.
	OpenConflicts int
	// UpdateRequired is set when the server refuses this app's version:
	// the app keeps working offline and keeps its changes.
	UpdateRequired string
}

// ClockWarning is how far the device's clock may be off before the officer
// is warned.
const ClockWarning = 5 * time.Minute
