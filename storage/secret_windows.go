//go:build windows

package storage

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// secretEntropy binds the protected data to this use.
var secretEntropy = []byte("bvntd token v1")

// protectSecret encrypts b with DPAPI for the current user
// (CryptProtectData): only this Windows user on this machine can read it
// back, whatever the file's permissions.
func protectSecret(b []byte) ([]byte, error) {
	return dpapi(b, func(in, entropy, out *windows.DataBlob) error {
		return windows.CryptProtectData(in, nil, entropy, 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, out)
	})
}

// unprotectSecret decrypts what protectSecret wrote (CryptUnprotectData).
func unprotectSecret(b []byte) ([]byte, error) {
	return dpapi(b, func(in, entropy, out *windows.DataBlob) error {
		return windows.CryptUnprotectData(in, nil, entropy, 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, out)
	})
}

func dpapi(b []byte, call func(in, entropy, out *windows.DataBlob) error) ([]byte, error) {
	in := windows.DataBlob{Size: uint32(len(b))}
	if len(b) > 0 {
		in.Data = &b[0]
	}
	entropy := windows.DataBlob{Size: uint32(len(secretEntropy)), Data: &secretEntropy[0]}
	var out windows.DataBlob
	if err := call(&in, &entropy, &out); err != nil {
		return nil, err
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}
