package syncclient

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC_PutsTheSettingBack: overlapping syncs leave the collector as
// it was before the first, whatever order they end in.
func TestTuneGC_PutsTheSettingBack(t *testing.T) {
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)
	a := tuneGC()
	b := tuneGC()
	if got := debug.SetGCPercent(syncGCPercent); got != syncGCPercent {
		t.Errorf("during two syncs: %d, want %d", got, syncGCPercent)
	}
	a()
	if got := debug.SetGCPercent(syncGCPercent); got != syncGCPercent {
		t.Errorf("after the first ends: %d, want %d", got, syncGCPercent)
	}
	b()
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("after both: %d, want 137", got)
	}
}
