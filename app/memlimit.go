package app

import "runtime/debug"

// LowerMemoryLimit lowers the Go runtime's soft memory limit to limit
// bytes, if it is higher, for the time of a large read (a province's
// dashboard or report), and returns the function that puts it back. Near
// the limit the collector runs sooner, instead of letting the heap grow to
// twice what is live: a province laptop's 600 MB budget (issue 22) holds.
// It only lowers: a limit set lower (GOMEMLIMIT, another read) stays.
func LowerMemoryLimit(limit int64) (restore func()) {
	prev := debug.SetMemoryLimit(-1) // reads it
	if prev <= limit {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(prev) }
}
