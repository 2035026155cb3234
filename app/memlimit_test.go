package app

import (
	"runtime/debug"
	"testing"
)

func TestLowerMemoryLimit_OnlyLowersAndPutsBack(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(orig)
	debug.SetMemoryLimit(1 << 40)
	restore := LowerMemoryLimit(450 << 20)
	if got := debug.SetMemoryLimit(-1); got != 450<<20 {
		t.Errorf("during: %d, want %d", got, 450<<20)
	}
	inner := LowerMemoryLimit(900 << 20) // higher: left alone
	if got := debug.SetMemoryLimit(-1); got != 450<<20 {
		t.Errorf("a higher limit raised it: %d", got)
	}
	inner()
	restore()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("after: %d, want %d", got, int64(1<<40))
	}
}
