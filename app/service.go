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
}
