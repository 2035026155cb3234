//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// interrupt asks a process to stop gracefully (SIGTERM).
func interrupt(p *os.Process) { p.Signal(syscall.SIGTERM) }

// childMaxRSS is the peak resident memory of a process that has exited, in
// bytes.
func childMaxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return maxRSSBytes(int64(ru.Maxrss))
}

// selfMaxRSS is the peak resident memory of this process, in bytes.
func selfMaxRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return maxRSSBytes(int64(ru.Maxrss))
}

// maxRSSBytes converts ru_maxrss: bytes on macOS, kilobytes elsewhere.
func maxRSSBytes(v int64) int64 {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return v
	}
	return v * 1024
}
