//go:build !unix

package main

import "os"

// interrupt stops a process (no graceful signal here).
func interrupt(p *os.Process) { p.Kill() }

// childMaxRSS is not measured on this system.
func childMaxRSS(*os.ProcessState) int64 { return 0 }

// selfMaxRSS is not measured on this system.
func selfMaxRSS() int64 { return 0 }
