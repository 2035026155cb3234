package app

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Profile is an officer's account on this device (tài khoản cán bộ trên
// máy): who signs in on a laptop the commune's officers share, and whose
// name every change they make records (CreatedBy, UpdatedBy, the outbox
// mutation's Officer).
//
// Profiles are device-local and never synced: they hold a secret's hash,
// and a laptop's sign-in list is a property of that laptop (an officer who
// uses two laptops has a profile on each). What the province needs of an
// officer travels already: the name on every change, and the officer
// registry record (Officer, synced), which a profile may link to.
type Profile struct {
	ID       string
	FullName string
	Role     string // ProfileRoles
	UnitCode string // the commune or ward the officer works for
	// OfficerID is the synced officer registry record (Officer) of the same
	// person in the commune, if any.
	OfficerID string
	CreatedAt time.Time
	// LastSignInAt is when the officer last signed in (zero: never).
	LastSignInAt time.Time
}

// Profile roles. They say who may add officers to the device (ManagesProfiles).
var ProfileRoles = CodeList{
	{"tiep_nhan", "Cán bộ tiếp nhận, xử lý", "Receiving officer"},
	{"lanh_dao", "Lãnh đạo xã, phường", "Commune leader"},
	{"quan_tri", "Quản trị", "Administrator"},
}

// ManagesProfiles reports whether an officer of role may add officers to
// the device.
func ManagesProfiles(role string) bool { return role == "quan_tri" || role == "lanh_dao" }

// Normalize puts the profile's text into NFC and trims it.
func (p *Profile) Normalize() {
	p.FullName = NFC(strings.Join(strings.Fields(p.FullName), " "))
	p.Role = strings.TrimSpace(p.Role)
	p.UnitCode = strings.TrimSpace(p.UnitCode)
}

// Validate checks the profile; refs (may be nil) knows the communes.
func (p *Profile) Validate(refs Refs) error {
	c := checker{}
	c.required("full_name", p.FullName, "Chưa nhập họ và tên.")
	c.short("full_name", p.FullName, "Họ và tên")
	c.required("role", p.Role, "Chưa chọn vai trò.")
	c.code("role", p.Role, ProfileRoles, "Vai trò")
	c.required("unit_code", p.UnitCode, "Chưa chọn xã, phường.")
	if p.UnitCode != "" && refs != nil && !refs.HasUnit(p.UnitCode) {
		c["unit_code"] = "Không có xã, phường này trong danh mục."
	}
	return c.err()
}

// Secret rules: a PIN is digits only, at least MinPINLength of them; any
// other secret is a password of at least MinPasswordLength characters.
const (
	MinPINLength      = 6
	MinPasswordLength = 8
	MaxSecretLength   = 128
)

// ValidateSecret checks a new PIN or password (what the officer typed, and
// typed again in confirm). Its message is Vietnamese, for field "secret" or
// "confirm".
func ValidateSecret(secret, confirm string) error {
	c := checker{}
	n := utf8.RuneCountInString(secret)
	switch {
	case secret == "":
		c["secret"] = "Chưa nhập mã PIN hoặc mật khẩu."
	case n > MaxSecretLength:
		c["secret"] = fmt.Sprintf("Mật khẩu quá dài (tối đa %d ký tự).", MaxSecretLength)
	case isDigits(secret) && n < MinPINLength:
		c["secret"] = fmt.Sprintf("Mã PIN phải có ít nhất %d chữ số.", MinPINLength)
	case isDigits(secret) && guessablePIN(secret):
		c["secret"] = "Mã PIN quá dễ đoán (các số giống nhau hoặc liên tiếp); hãy chọn mã khác."
	case !isDigits(secret) && n < MinPasswordLength:
		c["secret"] = fmt.Sprintf("Mật khẩu phải có ít nhất %d ký tự (hoặc dùng mã PIN từ %d chữ số).", MinPasswordLength, MinPINLength)
	case strings.TrimSpace(secret) != secret:
		c["secret"] = "Mã PIN, mật khẩu không được bắt đầu hay kết thúc bằng dấu cách."
	}
	if len(c) == 0 && confirm != secret {
		c["confirm"] = "Hai lần nhập không khớp nhau."
	}
	return c.err()
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// guessablePIN reports a PIN of one repeated digit or a run of consecutive
// digits (123456, 987654).
func guessablePIN(s string) bool {
	same, up, down := true, true, true
	for i := 1; i < len(s); i++ {
		d := int(s[i]) - int(s[i-1])
		same = same && d == 0
		up = up && (d == 1 || d == -9)
		down = down && (d == -1 || d == 9)
	}
	return same || up || down
}

// SignInPolicy says how wrong secrets are slowed down: the first
// FreeAttempts in a row cost nothing; each further one locks the profile
// for Delay, doubled at each failure, at most MaxDelay. The count and the
// lock are kept in the store, so restarting the app resets neither; a
// right secret resets both.
type SignInPolicy struct {
	FreeAttempts int
	Delay        time.Duration
	MaxDelay     time.Duration
}

// DefaultSignInPolicy: 5 free attempts, then 30 s, 1 min, 2 min … 30 min.
var DefaultSignInPolicy = SignInPolicy{FreeAttempts: 5, Delay: 30 * time.Second, MaxDelay: 30 * time.Minute}

// LockFor returns how long a profile stays locked after its failures-th
// wrong secret in a row (0: not locked).
func (p SignInPolicy) LockFor(failures int) time.Duration {
	if failures < p.FreeAttempts {
		return 0
	}
	d := p.Delay
	for i := p.FreeAttempts; i < failures && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// LockedMessage is the Vietnamese message for a profile locked until
// until (a time in UTC), as seen at now.
func LockedMessage(until, now time.Time) string {
	wait := until.Sub(now)
	var in string
	if wait < time.Minute {
		in = fmt.Sprintf("%d giây", max(1, int((wait+time.Second-1)/time.Second)))
	} else {
		in = fmt.Sprintf("%d phút", int((wait+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("Đã nhập sai nhiều lần. Vui lòng thử lại sau %s (lúc %s).", in, until.In(ICT).Format("15:04:05"))
}
