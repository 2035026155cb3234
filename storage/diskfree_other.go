//go:build !linux && !darwin && !freebsd && !windows

package storage

import "errors"

// freeSpace is unknown on this system: no warning, no refusal.
func freeSpace(string) (uint64, error) {
	return 0, errors.New("free space unknown on this system")
}
