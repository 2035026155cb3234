// Package passhash hashes officers' PINs and passwords with Argon2id and
// checks them. A hash is a PHC string that carries its parameters and salt,
//
//	$argon2id$v=19$m=32768,t=2,p=2$<salt, base64>$<key, base64>
//
// so that the parameters can be raised later without breaking old hashes
// (NeedsRehash tells when a stored hash is weaker than the current ones).
package passhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// Default costs 32 MiB and 2 passes over 2 lanes (above OWASP's 19 MiB,
// t=2 minimum): about 0.1 s on a busy two-core machine, once per sign-in,
// so that the old laptops of the communes unlock without a wait while a
// copied store file still costs an attacker that much per guess.
var Default = Params{Memory: 32 * 1024, Time: 2, Threads: 2, SaltLen: 16, KeyLen: 32}

// ErrMalformed is returned for a stored string that is not an Argon2id PHC
// hash this package can read.
var ErrMalformed = errors.New("passhash: malformed argon2id hash")

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of secret with a new random salt.
func Hash(secret string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passhash: salt: %w", err)
	}
	key := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether secret matches the PHC string encoded, in
// constant time.
func Verify(secret, encoded string) (bool, error) {
	p, salt, key, err := Decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// Decode splits a PHC string into its parameters, salt and key.
func Decode(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrMalformed
	}
	// Bounds that keep a tampered file from asking for absurd work.
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<21 || p.Time < 1 || p.Time > 20 || p.Threads < 1 {
		return p, nil, nil, ErrMalformed
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformed
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, ErrMalformed
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// NeedsRehash reports whether encoded was made with weaker parameters than
// p (or cannot be read).
func NeedsRehash(encoded string, p Params) bool {
	q, _, _, err := Decode(encoded)
	return err != nil || q.Memory < p.Memory || q.Time < p.Time || q.KeyLen < p.KeyLen
}
