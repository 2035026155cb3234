//go:build !linux && !darwin && !freebsd && !windows

package serverstore

import "errors"

// freeSpace is unknown on this system: the health answer leaves it out.
func freeSpace(string) (uint64, error) {
	return 0, errors.New("free space unknown on this system")
}
