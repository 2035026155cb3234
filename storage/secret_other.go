//go:build !windows

package storage

// protectSecret returns b as it is: outside Windows the token file is
// protected by its mode (0600, in a 0700 folder) only.
func protectSecret(b []byte) ([]byte, error) { return b, nil }

// unprotectSecret is protectSecret's inverse.
func unprotectSecret(b []byte) ([]byte, error) { return b, nil }
