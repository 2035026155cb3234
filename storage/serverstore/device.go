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
	msgCodeCommune  = "Mã đăng ký này cấp cho xã, phường mã %s, không có trong danh mục của máy chủ tỉnh. Vui lòng xin mã mới."
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
	if scope != syncproto.ScopeProvince {
		if ok, err := s.knownCommune(scope); err != nil {
			return "", time.Time{}, err
		} else if !ok {
			// An old code (before the 2025 merger) or a typo: a device
			// enrolled with it could write nowhere.
			return "", time.Time{}, app.Errorf(app.EINVALID, msgUnknownCommune, scope)
		}
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

// Enroll is EnrollDevice returning the token and the scope only.
func (s *Store) Enroll(ctx context.Context, req syncproto.EnrollRequest) (token, scope string, err error) {
	resp, err := s.EnrollDevice(ctx, req)
	return resp.Token, resp.Scope, err
}

// EnrollDevice exchanges a one-time code for a device token. The code must
// exist, be unexpired and unused, and name a commune of the catalogue (or
// the province); it is then marked used. A device already enrolled (even
// revoked) gets a new token and the code's scope: the old token stops
// working. The token is returned once and stored only as its SHA-256.
//
// The answer also says the device's tag (assignTag): the one it asked
// for, or a free one when another device of its commune has it.
// ServerTimeMS is left to the caller.
func (s *Store) EnrollDevice(ctx context.Context, req syncproto.EnrollRequest) (syncproto.EnrollResponse, error) {
	token, scope, tag, err := s.enroll(ctx, req)
	if err != nil {
		return syncproto.EnrollResponse{}, err
	}
	return syncproto.EnrollResponse{DeviceID: req.DeviceID, Token: token, Scope: scope, DeviceTag: tag}, nil
}

func (s *Store) enroll(ctx context.Context, req syncproto.EnrollRequest) (token, scope, tag string, err error) {
	raw, ok := normalizeCode(req.Code)
	if !ok {
		return "", "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeUnknown)
	}
	fe := map[string]string{}
	if !app.ValidID(req.DeviceID) {
		fe["device_id"] = "Mã thiết bị phải là một UUID."
	}
	tag = strings.ToUpper(strings.TrimSpace(req.DeviceTag))
	if !tagRE.MatchString(tag) {
		fe["device_tag"] = "Ký hiệu thiết bị phải gồm 1 đến 8 chữ cái hoặc chữ số."
	}
	name := app.NFC(req.DeviceName)
	if !utf8.ValidString(req.DeviceName) || app.CheckText(name, app.MaxShortText) != "" {
		fe["device_name"] = "Tên thiết bị không hợp lệ (tối đa 200 ký tự)."
	}
	appVersion := app.NFC(req.AppVersion)
	if len(appVersion) > 64 {
		appVersion = strings.ToValidUTF8(appVersion[:64], "")
	}
	if app.CheckText(appVersion, 64) != "" {
		fe["app_version"] = "Phiên bản ứng dụng không hợp lệ."
	}
	if len(fe) > 0 {
		return "", "", "", &app.Error{Code: app.EINVALID, Message: "Thông tin thiết bị không hợp lệ.", Fields: fe}
	}

	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", "", fmt.Errorf("random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return "", "", "", fmt.Errorf("begin enroll: %w", err)
	}
	defer tx.Rollback()
	if s.d == postgresDialect {
		// Enrolments one at a time, so that two cannot take the same tag
		// (SQLite's single writer does this already). Reads of the devices
		// (tokens) go on; their updates wait the few milliseconds.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE devices IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return "", "", "", fmt.Errorf("lock devices: %w", err)
		}
	}

	now := s.now()
	codeHash := hashString(raw)
	var expiresAt int64
	var usedAt sql.NullInt64
	err = tx.QueryRowContext(ctx,
		`SELECT scope, expires_at, used_at FROM enrol_codes WHERE code_hash = ?`, codeHash).
		Scan(&scope, &expiresAt, &usedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeUnknown)
	case err != nil:
		return "", "", "", fmt.Errorf("read enrol code: %w", err)
	case usedAt.Valid:
		return "", "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeUsed)
	case ms(now) >= expiresAt:
		return "", "", "", app.Errorf(app.EUNAUTHORIZED, msgCodeExpired)
	}
	if scope != syncproto.ScopeProvince {
		if ok, err := s.knownCommune(scope); err != nil {
			return "", "", "", err
		} else if !ok { // a code made before the catalogue was checked
			return "", "", "", app.Errorf(app.EINVALID, msgCodeCommune, scope)
		}
	}
	if tag, err = assignTag(ctx, tx, req.DeviceID, scope, tag); err != nil {
		return "", "", "", err
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
		return "", "", "", fmt.Errorf("upsert device: %w", err)
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE enrol_codes SET used_at = ?, used_by_device = ? WHERE code_hash = ?`,
		ms(now), req.DeviceID, codeHash); err != nil {
		return "", "", "", fmt.Errorf("mark enrol code used: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", "", "", fmt.Errorf("commit enroll: %w", err)
	}
	return token, scope, tag, nil
}

// assignTag returns the tag device (enrolling into scope, asking for
// want) is to use. Device tags are in the human numbers (case numbers:
// 28261-2026-A7K3-0012), so two devices that write into the same commune
// must not share one: a commune's devices, and the provincial ones, which
// write into every commune. want is kept when no other device (revoked
// ones included: their numbers exist) that writes where this one writes
// has it; otherwise the tag is the first free one drawn from the device's
// id (the same on every attempt), in the laptops' form (app.NewDeviceTag).
// Devices already enrolled keep their tags; a laptop adopts the tag of the
// answer for the numbers it makes from then on.
func assignTag(ctx context.Context, tx *txn, device, scope, want string) (string, error) {
	taken := func(tag string) (bool, error) {
		var n int
		err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM devices WHERE tag = ? AND id <> ? AND (scope = ? OR scope = ? OR ? = ?)`,
			tag, device, scope, syncproto.ScopeProvince, scope, syncproto.ScopeProvince).Scan(&n)
		if err != nil {
			return false, fmt.Errorf("read device tags: %w", err)
		}
		return n > 0, nil
	}
	if t, err := taken(want); err != nil || !t {
		return want, err
	}
	for i := 0; ; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", device, i)))
		b := make([]byte, 4)
		for j := range b {
			b[j] = crockford[sum[j]&31]
		}
		if t, err := taken(string(b)); err != nil || !t {
			return string(b), err
		}
	}
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
		s.seen.latest(&d) // a pull's time not yet written (lastseen.go)
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

// touchDevice records that a device synced at now: in a push's transaction,
// or when the last-seen times of pulls are flushed (lastseen.go). A time
// never moves the device's times back.
func touchDevice(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, deviceID string, now time.Time) error {
	_, err := q.ExecContext(ctx,
		`UPDATE devices SET last_seen_at = ?, last_sync_at = ?
		 WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)`, ms(now), ms(now), deviceID, ms(now))
	if err != nil {
		return fmt.Errorf("touch device: %w", err)
	}
	return nil
}
