package cli

import (
	"sync"
	"testing"
	"time"

	"bvntd/app/clocktest"
)

// testClocks holds the clock of each running test (testing.TB →
// *clocktest.Clock): every command a test runs and every store it opens
// read that one clock, so that `demo`, `export` and the checks agree on
// what "today" is.
var testClocks sync.Map

// clockOf returns t's clock: at the simulated today (clocktest.AtToday)
// unless the test set another with setClock. A subtest has a clock of its
// own.
func clockOf(t testing.TB) *clocktest.Clock {
	t.Helper()
	if c, ok := testClocks.Load(t); ok {
		return c.(*clocktest.Clock)
	}
	c := clocktest.AtToday(t)
	testClocks.Store(t, c)
	t.Cleanup(func() { testClocks.Delete(t) })
	return c
}

// setClock makes c the clock of t's commands and stores from now on.
func setClock(t testing.TB, c *clocktest.Clock) {
	t.Helper()
	if _, loaded := testClocks.Swap(t, c); !loaded {
		t.Cleanup(func() { testClocks.Delete(t) })
	}
}

// testNow is t's clock as the program takes it (Main.Now, OpenStore,
// storage.Options.Now).
func testNow(t testing.TB) func() time.Time {
	t.Helper()
	return clockOf(t).Now
}

// deviceTag returns a device tag (4 characters of Crockford base32) drawn
// from the test's seed (clocktest.Rand), for the stores a test opens with
// storage.Open: the human numbers then do not depend on luck.
func deviceTag(t testing.TB) string {
	t.Helper()
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	r := clocktest.Rand(t)
	tag := make([]byte, 4)
	for i := range tag {
		tag[i] = crockford[r.IntN(len(crockford))]
	}
	return string(tag)
}
