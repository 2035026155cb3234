package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
)

// fakeTimer records the search timers the case list starts.
type fakeTimer struct {
	delay   time.Duration
	fire    func()
	stopped bool
}

// TestCases_SearchWaitsForTypingPause checks the debounce: every key
// restarts a 250 ms timer and only the last one, when it fires, queries
// the store, with the whole text.
func TestCases_SearchWaitsForTypingPause(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Nguyễn Thị Hồng Đào"})
	fx.cases.add(t, app.Case{ConsumerName: "Trần Văn Dũng"})
	s := fx.ui.cases
	s.refresh(t.Context())
	s.delay = searchDelay
	var timers []*fakeTimer
	s.afterFunc = func(d time.Duration, f func()) func() bool {
		tm := &fakeTimer{delay: d, fire: f}
		timers = append(timers, tm)
		return func() bool { tm.stopped = true; return true }
	}
	loads := len(fx.cases.lists)

	test.Type(s.search, "nguyen dao")
	if n := len(fx.cases.lists) - loads; n != 0 {
		t.Fatalf("%d queries while typing, want 0", n)
	}
	if len(timers) != len("nguyen dao") {
		t.Fatalf("%d timers for %d keys", len(timers), len("nguyen dao"))
	}
	for i, tm := range timers {
		if tm.delay != 250*time.Millisecond {
			t.Errorf("timer %d waits %v, want 250ms", i, tm.delay)
		}
		if last := i == len(timers)-1; tm.stopped == last {
			t.Errorf("timer %d stopped = %v", i, tm.stopped)
		}
	}

	timers[len(timers)-1].fire() // the pause after the last key
	if n := len(fx.cases.lists) - loads; n != 1 {
		t.Fatalf("%d queries after the pause, want 1", n)
	}
	if q := fx.cases.lists[len(fx.cases.lists)-1]; q.Text != "nguyen dao" {
		t.Errorf("query text %q", q.Text)
	}
	if got := consumers(s); len(got) != 1 || got[0] != "Nguyễn Thị Hồng Đào" {
		t.Errorf("rows %v", got)
	}

	// Enter searches at once.
	s.search.SetText("")
	timers[len(timers)-1].fire()
	test.Type(s.search, "dung")
	before := len(fx.cases.lists)
	s.search.OnSubmitted(s.search.Text)
	if len(fx.cases.lists) != before+1 || len(s.rows) != 1 || s.rows[0].ConsumerName != "Trần Văn Dũng" {
		t.Errorf("Enter: rows %v", consumers(s))
	}
}
