// Package clocktest gives tests their day. The whole suite runs at a
// simulated "today" chosen by the test runner, so that it can be run on
// any day the program will meet (a report-year boundary, New Year, Tết,
// 29/02, past the seeded holiday calendar):
//
//	BVNTD_TEST_TODAY=2027-12-15        09:00 Vietnam time that day
//	BVNTD_TEST_TODAY=2026-12-14T23:59  that minute, Vietnam time
//
// Unset, the suite runs at the real date. Only tests read the variable;
// the programs never do (they take the wall clock at their entry points,
// see app/clock.go). Tests that check a fixed rule pick a fixed day with
// New; tests that exercise the program "today" start at Today.
//
// Every reading of the simulated today names its test (Today, AtToday and
// Running take it). With BVNTD_TEST_DAYLOG set to a file, the first
// reading of each top-level test appends its package directory and name
// to that file: the runner then runs at the simulated days only the tests
// that read the day, since the others do the same on every day.
//
// The package imports the standard library only, so that every package's
// tests, app's own included, can use it.
package clocktest

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvToday is the environment variable that sets the simulated today.
const EnvToday = "BVNTD_TEST_TODAY"

// EnvDayLog names the file that lists the tests that read the simulated
// today (see the package comment).
const EnvDayLog = "BVNTD_TEST_DAYLOG"

// ict is Vietnam time (app.ICT; this package imports none of ours).
var ict = time.FixedZone("ICT", 7*60*60)

// today is read once, when the test binary starts: outside any
// testing/synctest bubble, whose fake clock starts in 2000.
var today, todayErr = readToday()

func readToday() (time.Time, error) {
	v := os.Getenv(EnvToday)
	if v == "" {
		return time.Now().Truncate(time.Second), nil
	}
	return ParseToday(v)
}

// Today returns the instant the suite runs at: BVNTD_TEST_TODAY, or the
// real time when the test binary started if it is unset. A malformed value
// panics, so that a typo in the runner cannot silently test the real day.
// tb is the test that reads it (noted in BVNTD_TEST_DAYLOG).
func Today(tb testing.TB) time.Time {
	tb.Helper()
	noteReader(tb)
	if todayErr != nil {
		panic(todayErr)
	}
	return today
}

// noted holds the top-level tests of this binary already written to
// BVNTD_TEST_DAYLOG.
var noted sync.Map

// noteReader appends tb's package directory and top-level test name to
// the file BVNTD_TEST_DAYLOG names, once per test and binary. A test
// binary a test starts (a child process) inherits the variable and notes
// its own readings; each line is one append, whole.
func noteReader(tb testing.TB) {
	path := os.Getenv(EnvDayLog)
	if path == "" {
		return
	}
	name, _, _ := strings.Cut(tb.Name(), "/")
	if _, done := noted.LoadOrStore(name, true); done {
		return
	}
	dir, err := os.Getwd()
	if err == nil {
		var f *os.File
		if f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
			_, err = f.WriteString(dir + "\t" + name + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err != nil {
		panic(fmt.Sprintf("clocktest: %s: %v", EnvDayLog, err)) // the day runs would miss this test
	}
}

// Simulated reports whether BVNTD_TEST_TODAY is set.
func Simulated() bool { return os.Getenv(EnvToday) != "" }

// ParseToday reads a value of BVNTD_TEST_TODAY: a date (09:00 Vietnam time
// that day) or a date and a time of day, Vietnam time.
func ParseToday(v string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02T15:04", v, ict); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", v, ict); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, ict)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q: want 2006-01-02 or 2006-01-02T15:04 (Vietnam time)", EnvToday, v)
	}
	return d.Add(9 * time.Hour), nil
}

// Clock is a test clock. Each reading returns the set time and then moves
// it on by the step (a microsecond by default), so that stamps taken one
// after the other differ while a whole test stays within a second of the
// day it chose; Set and Advance move it by hand. It is safe for concurrent
// use.
type Clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

// New returns a clock at t.
func New(t time.Time) *Clock { return &Clock{t: t, step: time.Microsecond} }

// AtToday returns a clock at Today, and logs the day when the test fails.
func AtToday(tb testing.TB) *Clock {
	tb.Helper()
	c := New(Today(tb))
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("clocktest: the test ran at %s (%s=%q)", today.In(ict).Format("2006-01-02 15:04 MST"), EnvToday, os.Getenv(EnvToday))
		}
	})
	return c
}

// Now returns the clock's time and moves it on by the step.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

// Peek returns the clock's time without moving it.
func (c *Clock) Peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// SetStep sets how far each reading moves the clock (0: a fixed clock).
func (c *Clock) SetStep(d time.Duration) {
	c.mu.Lock()
	c.step = d
	c.mu.Unlock()
}

// Running returns a clock that starts at Today and moves with real
// elapsed time: for tests that talk to real servers and processes, whose
// timeouts and backoffs count real seconds.
func Running(tb testing.TB) func() time.Time {
	tb.Helper()
	base, start := Today(tb), time.Now()
	return func() time.Time { return base.Add(time.Since(start)) }
}

// Day returns midnight of the day of t, Vietnam time: t's date, for tests
// that place records N days before "today".
func Day(t time.Time) time.Time {
	y, m, d := t.In(ict).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, ict)
}

// Seed returns the seed of a test's random choices: BVNTD_TEST_SEED when
// set (to try other seeds, or replay one), else one derived from the
// test's name, so that a run of the suite never depends on luck. It is
// logged when the test fails, with the command that replays it.
func Seed(tb testing.TB) uint64 {
	tb.Helper()
	var seed uint64
	if v := os.Getenv("BVNTD_TEST_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			tb.Fatalf("BVNTD_TEST_SEED=%q: want a number", v)
		}
		seed = s
	} else {
		h := fnv.New64a()
		h.Write([]byte(tb.Name()))
		seed = h.Sum64()
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("clocktest: random seed %d (replay with BVNTD_TEST_SEED=%d go test -run '^%s$')", seed, seed, tb.Name())
		}
	})
	return seed
}

// Rand returns a random source seeded by Seed.
func Rand(tb testing.TB) *rand.Rand {
	tb.Helper()
	s := Seed(tb)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}
