package app

import "time"

// The program has one clock. Every part that needs the current time takes a
// func() time.Time from its caller (a field named Now or an argument named
// now); only the programs' entry points (main.go, cmd/bvntd-server,
// cmd/bvntd-bench) pass WallClock, and tests pass a clock that they set to
// the day they test (app/clocktest). Durations for logs and timeouts are
// differences of two readings of the same clock, or timers, which read no
// date. .ci/test fails when time.Now, time.Since or time.Until appears
// anywhere else.

// WallClock is the real clock: the operating system's time. Only the
// programs' entry points use it.
func WallClock() time.Time { return time.Now() }

// MustClock returns now, or panics when it is nil: a part built without a
// clock is a programming error, never a reason to read the wall clock
// behind the caller's back.
func MustClock(now func() time.Time, who string) func() time.Time {
	if now == nil {
		panic(who + ": no clock given (pass the program's clock)")
	}
	return now
}
