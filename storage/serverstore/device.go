package serverstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// MaxEnrolTTL bounds how long an enrolment code stays valid.
const MaxEnrolTTL = 30 * 24 * time.Hour

// crockford is the Crockford base32 alphabet: no I, L, O or U, so a code
// read aloud or typed from paper is not misread.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeLen is the number of characters of an enrolment code (50 bits).
const codeLen = 10

// tokenBytes is the number of random bytes in a device token.
const tokenBytes = 32

var (
	scopeRE = regexp.MustCompile(`^[0-9]{5}$`)
	tagRE   = regexp.MustCompile(`^[0-9A-Z]{1,8}$`)
)

// Messages shown to officers.
const (
	msgCodeUnknown  = "Mã đăng ký không đúng. Vui lòng kiểm tra lại."
	msgCodeUsed     = "Mã đăng ký đã được sử dụng. Vui lòng xin mã mới."
	msgCodeExpired  = "Mã đăng ký đã hết hạn. Vui lòng xin mã mới."
	msgUnauthorized = "Thiết bị chưa được đăng ký hoặc đã bị thu hồi. Vui lòng đăng ký lại."
	msgScope        = "Phạm vi phải là mã xã, phường gồm 5 chữ số hoặc \"province\"."
)

// Device is an enrolled laptop. Zero times mean "never".
type Device struct {
	ID         string
	Tag        string
	Name       string
	Scope      string // commune code or syncproto.ScopeProvince
	AppVersion string
	CreatedAt  time.Time
	EnrolledAt time.Time
	LastSeenAt time.Time
	LastSyncAt time.Time
	RevokedAt  time.Time
}

// Revoked reports whether the device's token no longer works.
func (d Device) Revoked() bool { return !d.RevokedAt.IsZero() }

// ValidScope reports whether s is a 5-digit commune code or
// syncproto.ScopeProvince.
func ValidScope(s string) bool {
	return s == syncproto.ScopeProvince || scopeRE.MatchString(s)
}

// CreateEnrolCode makes a one-time enrolment code for scope (a commune code
// or syncproto.ScopeProvince), valid for ttl. It returns the code as the
// officer types it ("K7QM-3XPA-9D") and when it expires; only its hash is
// stored.
func (s *Store) CreateEnrolCode(ctx context.Context, scope string, ttl time.Duration) (code string, expires time.Time, err error) {
	if !ValidScope(scope) {
		return "", time.Time{}, app.Errorf(app.EINVALID, msgScope)
	}
	if ttl <= 0 || ttl > MaxEnrolTTL {
		return "", time.Time{}, app.Errorf(app.EINVALID, "Thời hạn của mã phải lớn hơn 0 và không quá 30 ngày (720h).")
	}
	now := s.now()
	expires = now.Add(ttl).UTC()
	for range 3 { // a collision of 50 random bits is next to impossible; retry anyway
		raw, err := randomCode()
		if err != nil {
			return "", time.Time{}, err
		}
		res, err := s.w.ExecContext(ctx,
			`INSERT INTO enrol_codes (code_hash, scope, created_at, expires_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (code_hash) DO NOTHING`,
			hashString(raw), scope, ms(now), ms(expires))
		if err != nil {
			return "", time.Time{}, fmt.Errorf("insert enrol code: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return "", time.Time{}, fmt.Errorf("insert enrol code: %w", err)
		} else if n == 1 {
			return formatCode(raw), expires, nil
		}
	}
	return "", time.Time{}, errors.New("could not make a unique enrolment code")
}

func randomCode() (string, error) {
	var b [codeLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random code: %w", err)
	}
	for i := range b {
		b[i] = crockford[b[i]&31] // 256 is a multiple of 32: no bias
	}
	return string(b[:]), nil
}

// formatCode groups a raw code as XXXX-XXXX-XX.
func formatCode(raw string) string {
	return raw[:4] + "-" + raw[4:8] + "-" + raw[8:]
}

// normalizeCode undoes typing variations: case, dashes and spaces, and the
// letters Crockford maps to digits (O→0, I and L→1). It reports false if
// what is left cannot be a code.
func normalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '\t', '.':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(crockford, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != codeLen {
		return "", false
	}
	return b.String(), true
}

func hashString(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Enroll exchanges a one-time code for a device token. The code must exist,
// be unexpired and unused; it is then marked used. A device already
// enrolled (even revoked) gets a new token and the code's scope: the old
// token stops working. The token is returned once and stored only as its
// SHA-256.
func (s *Store) Enroll(ctx context.Context, req syncproto.EnrollRequest) (token, scope string, err error) {
	raw, ok := normalizeCode(req.Code)
	if !ok {
		return "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeUnknown)
	}
	fe := map[string]string{}
	if !app.ValidID(req.DeviceID) {
		fe["device_id"] = "Mã thiết bị phải là một UUID."
	}
	tag := strings.ToUpper(strings.TrimSpace(req.DeviceTag))
	if !tagRE.MatchString(tag) {
		fe["device_tag"] = "Ký hiệu thiết bị phải gồm 1 đến 8 chữ cái hoặc chữ số."
	}
	name := app.NFC(req.DeviceName)
	if !utf8.ValidString(req.DeviceName) || utf8.RuneCountInString(name) > 200 {
		fe["device_name"] = "Tên thiết bị không hợp lệ (tối đa 200 ký tự)."
	}
	appVersion := app.NFC(req.AppVersion)
	if len(appVersion) > 64 {
		appVersion = appVersion[:64]
	}
	if len(fe) > 0 {
		return "", "", &app.Error{Code: app.EINVALID, Message: "Thông tin thiết bị không hợp lệ.", Fields: fe}
	}

	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return "", "", fmt.Errorf("begin enroll: %w", err)
	}
	defer tx.Rollback()

	now := s.now()
	codeHash := hashString(raw)
	var expiresAt int64
	var usedAt sql.NullInt64
	err = tx.QueryRowContext(ctx,
		`SELECT scope, expires_at, used_at FROM enrol_codes WHERE code_hash = ?`, codeHash).
		Scan(&scope, &expiresAt, &usedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeUnknown)
	case err != nil:
		return "", "", fmt.Errorf("read enrol code: %w", err)
	case usedAt.Valid:
		return "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeUsed)
	case ms(now) >= expiresAt:
		return "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeExpired)
	}

	_, err = tx.ExecContext(ctx,
		`INSERT INTO devices (id, tag, name, scope, token_hash, app_version, created_at, enrolled_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (id) DO UPDATE SET
		   tag = excluded.tag, name = excluded.name, scope = excluded.scope,
		   token_hash = excluded.token_hash, app_version = excluded.app_version,
		   enrolled_at = excluded.enrolled_at, revoked_at = NULL`,
		req.DeviceID, tag, name, scope, hashString(token), appVersion, ms(now), ms(now))
	if err != nil {
		return "", "", fmt.Errorf("upsert device: %w", err)
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE enrol_codes SET used_at = ?, used_by_device = ? WHERE code_hash = ?`,
		ms(now), req.DeviceID, codeHash); err != nil {
		return "", "", fmt.Errorf("mark enrol code used: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", "", fmt.Errorf("commit enroll: %w", err)
	}
	return token, scope, nil
}

// Authenticate returns the device a token belongs to. An unknown token or
// a revoked device is app.EUNAUTHORIZED.
func (s *Store) Authenticate(ctx context.Context, token string) (deviceID, scope string, err error) {
	if token == "" {
		return "", "", app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
	}
	var revoked sql.NullInt64
	err = s.r.QueryRowContext(ctx,
		`SELECT id, scope, revoked_at FROM devices WHERE token_hash = ?`, hashString(token)).
		Scan(&deviceID, &scope, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
	case err != nil:
		return "", "", fmt.Errorf("authenticate: %w", err)
	case revoked.Valid:
		return "", "", app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
	}
	return deviceID, scope, nil
}

// deviceScope reads a device's scope inside tx; unknown or revoked is
// app.EUNAUTHORIZED.
func deviceScope(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, deviceID string) (string, error) {
	var scope string
	var revoked sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT scope, revoked_at FROM devices WHERE id = ?`, deviceID).
		Scan(&scope, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
	case err != nil:
		return "", fmt.Errorf("read device: %w", err)
	case revoked.Valid:
		return "", app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
	}
	return scope, nil
}

// Devices lists every device, by scope then id.
func (s *Store) Devices(ctx context.Context) ([]Device, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT id, tag, name, scope, app_version, created_at, enrolled_at, last_seen_at, last_sync_at, revoked_at
		 FROM devices ORDER BY scope, id`)
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		var d Device
		var created, enrolled int64
		var seen, synced, revoked sql.NullInt64
		if err := rows.Scan(&d.ID, &d.Tag, &d.Name, &d.Scope, &d.AppVersion,
			&created, &enrolled, &seen, &synced, &revoked); err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		d.CreatedAt = time.UnixMilli(created).UTC()
		d.EnrolledAt = time.UnixMilli(enrolled).UTC()
		d.LastSeenAt, d.LastSyncAt, d.RevokedAt = fromMS(seen), fromMS(synced), fromMS(revoked)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Revoke stops a device's token from working. Revoking a revoked device
// keeps the first revocation time. An unknown device is app.ENOTFOUND.
func (s *Store) Revoke(ctx context.Context, deviceID string) error {
	res, err := s.w.ExecContext(ctx,
		`UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, ms(s.now()), deviceID)
	if err != nil {
		return fmt.Errorf("revoke device: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("revoke device: %w", err)
	} else if n == 0 {
		return app.Errorf(app.ENOTFOUND, "Không tìm thấy thiết bị %s.", deviceID)
	}
	return nil
}

// touchDevice records that a device synced (push or pull) at now.
func touchDevice(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, deviceID string, now time.Time) error {
	_, err := q.ExecContext(ctx,
		`UPDATE devices SET last_seen_at = ?, last_sync_at = ? WHERE id = ?`, ms(now), ms(now), deviceID)
	if err != nil {
		return fmt.Errorf("touch device: %w", err)
	}
	return nil
}
