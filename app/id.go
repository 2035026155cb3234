package app

import (
	"crypto/rand"
	"encoding/binary"

	"github.com/google/uuid"
)

// NewID returns a new record or mutation id: a UUIDv7, made on the device,
// time-ordered so that B-trees stay local.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		// uuid.NewV7 fails only if the system random source fails.
		panic("app: cannot read random bytes for a UUID: " + err.Error())
	}
	return id.String()
}

// ValidID reports whether s is a canonical UUID string.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewDeviceTag returns a random 4-character tag (Crockford base32, about a
// million values) that a device puts in the human numbers it allocates, so
// that numbers are unique without coordination.
func NewDeviceTag() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("app: cannot read random bytes: " + err.Error())
	}
	v := binary.BigEndian.Uint32(b[:])
	tag := make([]byte, 4)
	for i := range tag {
		tag[i] = crockford[v&31]
		v >>= 5
	}
	return string(tag)
}

// ValidDeviceTag reports whether s looks like a tag made by NewDeviceTag.
func ValidDeviceTag(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !containsByte(crockford, s[i]) {
			return false
		}
	}
	return true
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
