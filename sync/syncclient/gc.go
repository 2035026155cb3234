package syncclient

import (
	"runtime/debug"
	"sync"
)

// syncGCPercent is the garbage collector's target while a sync runs. A
// bulk sync allocates and drops its batches as fast as it can; at Go's
// default (100) the collector took about a sixth of a first push's CPU on
// both sides (bvntd-bench side, issue 22: the laptop 1.45 → 1.18 s, the
// server 3.40 → 2.94 s at 300). The heap a sync holds at once is a few
// batches, so three times more of it between collections is a few
// megabytes on an old laptop. The setting is the process's: it is set by
// the first sync to start and put back by the last to end.
const syncGCPercent = 300

var gcTune struct {
	sync.Mutex
	users int
	saved int
}

// tuneGC sets syncGCPercent for the time of a sync and returns the
// function that puts the setting back.
func tuneGC() (restore func()) {
	gcTune.Lock()
	defer gcTune.Unlock()
	if gcTune.users == 0 {
		gcTune.saved = debug.SetGCPercent(syncGCPercent)
	}
	gcTune.users++
	return func() {
		gcTune.Lock()
		defer gcTune.Unlock()
		if gcTune.users--; gcTune.users == 0 {
			debug.SetGCPercent(gcTune.saved)
		}
	}
}
