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
	// FullCopy: a provincial device given the communes' personal data
	// whole (SetFullCopy); otherwise it has the limited copy
	// (provincecopy.go).
	FullCopy bool
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

// Device events, in device_events.
const (
	eventEnrolled       = "enrolled"        // a new id
	eventMoved          = "moved"           // enrolled again with its own token
	eventReenrolled     = "reenrolled"      // enrolled again with the operator's allowance
	eventReenrolAllowed = "reenrol_allowed" // bvntd-server allow-reenrol
	eventRevoked        = "revoked"
)

// Messages of enrolment refusals.
const (
	msgOldApp = "Phiên bản ứng dụng này đã cũ: từ nay máy chủ tỉnh tự cấp mã thiết bị khi đăng ký. " +
		"Vui lòng cập nhật ứng dụng rồi đăng ký lại; mã đăng ký vẫn dùng được."
	msgOtherDevice = "Mã thiết bị trong yêu cầu không khớp với thiết bị của khóa đăng ký."
)

// EnrollDevice exchanges a one-time code for a device token. The code must
// exist, be unexpired and unused, and name a commune of the catalogue (or
// the province); it is then marked used. The token is returned once and
// stored only as its SHA-256.
//
// The server decides which device enrols, never the id in the request:
//   - token, the bearer token of the request ("" if none), when it is a
//     device's current token: that device enrols again (a laptop moving to
//     another commune) and keeps its id; its old token stops working. A
//     request naming another id is app.EFORBIDDEN.
//   - otherwise, req.DeviceID when the operator allowed that id to enrol
//     again (AllowReenrol) and the allowance has not expired: that device,
//     which keeps its id; the allowance is used up.
//   - otherwise a new device with a new id, whatever id the request names
//     (one that exists, revoked or not, is left as it is). A request of an
//     older app, which would not adopt the id (req.AdoptsDeviceID unset),
//     is refused with syncproto.CodeUpgradeRequired and leaves the code
//     unused.
//
// A revoked device is never live again: its token no longer authenticates
// and it cannot be allowed to enrol again.
//
// The answer says the device's id and tag (assignTag): the tag it asked
// for, or a free one when another device of its commune has it.
// ServerTimeMS is left to the caller.
func (s *Store) EnrollDevice(ctx context.Context, token string, req syncproto.EnrollRequest) (syncproto.EnrollResponse, error) {
	raw, ok := normalizeCode(req.Code)
	if !ok {
		return syncproto.EnrollResponse{}, app.Errorf(app.EUNAUTHORIZED, msgCodeUnknown)
	}
	fe := map[string]string{}
	if req.DeviceID != "" && !app.ValidID(req.DeviceID) {
		fe["device_id"] = "Mã thiết bị phải là một UUID."
	}
	tag := strings.ToUpper(strings.TrimSpace(req.DeviceTag))
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
		return syncproto.EnrollResponse{}, &app.Error{Code: app.EINVALID, Message: "Thông tin thiết bị không hợp lệ.", Fields: fe}
	}

	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return syncproto.EnrollResponse{}, fmt.Errorf("random token: %w", err)
	}
	newToken := base64.RawURLEncoding.EncodeToString(b[:])

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return syncproto.EnrollResponse{}, fmt.Errorf("begin enroll: %w", err)
	}
	defer tx.Rollback()
	if s.d == postgresDialect {
		// Enrolments one at a time, so that two cannot take the same tag
		// (SQLite's single writer does this already). Reads of the devices
		// (tokens) go on; their updates wait the few milliseconds.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE devices IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return syncproto.EnrollResponse{}, fmt.Errorf("lock devices: %w", err)
		}
	}

	now := s.now()
	codeHash := hashString(raw)
	var scope string
	var expiresAt int64
	var usedAt sql.NullInt64
	err = tx.QueryRowContext(ctx,
		`SELECT scope, expires_at, used_at FROM enrol_codes WHERE code_hash = ?`, codeHash).
		Scan(&scope, &expiresAt, &usedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return syncproto.EnrollResponse{}, app.Errorf(app.EUNAUTHORIZED, msgCodeUnknown)
	case err != nil:
		return syncproto.EnrollResponse{}, fmt.Errorf("read enrol code: %w", err)
	case usedAt.Valid:
		return syncproto.EnrollResponse{}, app.Errorf(app.EUNAUTHORIZED, msgCodeUsed)
	case ms(now) >= expiresAt:
		return syncproto.EnrollResponse{}, app.Errorf(app.EUNAUTHORIZED, msgCodeExpired)
	}
	if scope != syncproto.ScopeProvince {
		if ok, err := s.knownCommune(scope); err != nil {
			return syncproto.EnrollResponse{}, err
		} else if !ok { // a code made before the catalogue was checked
			return syncproto.EnrollResponse{}, app.Errorf(app.EINVALID, msgCodeCommune, scope)
		}
	}

	id, event, err := enrollingDevice(ctx, tx, token, req, now)
	if err != nil {
		return syncproto.EnrollResponse{}, err
	}
	if tag, err = assignTag(ctx, tx, id, scope, tag); err != nil {
		return syncproto.EnrollResponse{}, err
	}
	var res sql.Result
	if event == eventEnrolled {
		res, err = tx.ExecContext(ctx,
			`INSERT INTO devices (id, tag, name, scope, token_hash, app_version, created_at, enrolled_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, tag, name, scope, hashString(newToken), appVersion, ms(now), ms(now))
	} else {
		// Never a revoked device: enrollingDevice checked it, and the
		// condition holds under the lock (PostgreSQL) or the single writer.
		res, err = tx.ExecContext(ctx,
			`UPDATE devices SET tag = ?, name = ?, scope = ?, token_hash = ?, app_version = ?, enrolled_at = ?,
			   reenrol_until = NULL
			 WHERE id = ? AND revoked_at IS NULL`,
			tag, name, scope, hashString(newToken), appVersion, ms(now), id)
	}
	if err != nil {
		return syncproto.EnrollResponse{}, fmt.Errorf("save device: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return syncproto.EnrollResponse{}, fmt.Errorf("save device: %d rows, %v", n, err)
	}
	if err := deviceEvent(ctx, tx, id, now, event, scope); err != nil {
		return syncproto.EnrollResponse{}, err
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE enrol_codes SET used_at = ?, used_by_device = ? WHERE code_hash = ?`,
		ms(now), id, codeHash); err != nil {
		return syncproto.EnrollResponse{}, fmt.Errorf("mark enrol code used: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return syncproto.EnrollResponse{}, fmt.Errorf("commit enroll: %w", err)
	}
	return syncproto.EnrollResponse{DeviceID: id, Token: newToken, Scope: scope, DeviceTag: tag}, nil
}

// enrollingDevice decides which device an enrolment binds (see
// EnrollDevice): the id and the event to record (eventEnrolled for a new
// id).
func enrollingDevice(ctx context.Context, tx *txn, token string, req syncproto.EnrollRequest, now time.Time) (id, event string, err error) {
	if token != "" {
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, revoked_at FROM devices WHERE token_hash = ?`, hashString(token)).
			Scan(&id, &revoked)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// Not a current token (revoked, or of a restored server): the
			// rules of a request without one.
		case err != nil:
			return "", "", fmt.Errorf("read device of token: %w", err)
		case revoked.Valid:
		default:
			if req.DeviceID != "" && req.DeviceID != id {
				return "", "", app.Errorf(app.EFORBIDDEN, msgOtherDevice)
			}
			return id, eventMoved, nil
		}
	}
	if !req.AdoptsDeviceID {
		return "", "", &app.Error{Code: syncproto.CodeUpgradeRequired, Message: msgOldApp}
	}
	if req.DeviceID != "" {
		var until sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT reenrol_until FROM devices WHERE id = ? AND revoked_at IS NULL`, req.DeviceID).
			Scan(&until)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return "", "", fmt.Errorf("read device: %w", err)
		case until.Valid && ms(now) < until.Int64:
			return req.DeviceID, eventReenrolled, nil
		}
	}
	return app.NewID(), eventEnrolled, nil
}

// deviceEvent records an event of a device's identity.
func deviceEvent(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, id string, now time.Time, event, scope string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO device_events (device_id, at, event, scope) VALUES (?, ?, ?, ?)`,
		id, ms(now), event, scope); err != nil {
		return fmt.Errorf("record device event: %w", err)
	}
	return nil
}

// AllowReenrol lets the device id enrol again without its token, with any
// valid code, until now+ttl (once): for a laptop that lost its token, which
// is to keep its id. The allowance is recorded in the device's history. A
// revoked device cannot be allowed (app.EFORBIDDEN): a revocation is final.
// An unknown device is app.ENOTFOUND.
func (s *Store) AllowReenrol(ctx context.Context, deviceID string, ttl time.Duration) (time.Time, error) {
	if ttl <= 0 || ttl > MaxEnrolTTL {
		return time.Time{}, app.Errorf(app.EINVALID, "Thời hạn cho phép phải lớn hơn 0 và không quá 30 ngày (720h).")
	}
	now := s.now()
	until := now.Add(ttl).UTC()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("begin allow re-enrolment: %w", err)
	}
	defer tx.Rollback()
	var scope string
	var revoked sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT scope, revoked_at FROM devices WHERE id = ?`, deviceID).Scan(&scope, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, app.Errorf(app.ENOTFOUND, "Không tìm thấy thiết bị %s.", deviceID)
	case err != nil:
		return time.Time{}, fmt.Errorf("read device: %w", err)
	case revoked.Valid:
		return time.Time{}, app.Errorf(app.EFORBIDDEN,
			"Thiết bị %s đã bị thu hồi; việc thu hồi là vĩnh viễn. Hãy cấp mã đăng ký mới: máy sẽ nhận một mã thiết bị mới.", deviceID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE devices SET reenrol_until = ? WHERE id = ?`, ms(until), deviceID); err != nil {
		return time.Time{}, fmt.Errorf("allow re-enrolment: %w", err)
	}
	if err := deviceEvent(ctx, tx, deviceID, now, eventReenrolAllowed, scope); err != nil {
		return time.Time{}, err
	}
	if err := tx.Commit(); err != nil {
		return time.Time{}, fmt.Errorf("commit allow re-enrolment: %w", err)
	}
	return until, nil
}

// DeviceEvent is one event of a device's history.
type DeviceEvent struct {
	DeviceID string
	At       time.Time
	Event    string // enrolled, moved, reenrolled, reenrol_allowed, revoked, full_copy, limited_copy
	Scope    string
}

// DeviceEvents returns the history of a device's identity, oldest first.
func (s *Store) DeviceEvents(ctx context.Context, deviceID string) ([]DeviceEvent, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT device_id, at, event, scope FROM device_events WHERE device_id = ? ORDER BY at, event`, deviceID)
	if err != nil {
		return nil, fmt.Errorf("device events: %w", err)
	}
	defer rows.Close()
	var out []DeviceEvent
	for rows.Next() {
		var e DeviceEvent
		var at int64
		if err := rows.Scan(&e.DeviceID, &at, &e.Event, &e.Scope); err != nil {
			return nil, fmt.Errorf("device events: %w", err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
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

// Devices lists every device, by scope then id.
func (s *Store) Devices(ctx context.Context) ([]Device, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT id, tag, name, scope, app_version, created_at, enrolled_at, last_seen_at, last_sync_at, revoked_at, full_copy
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
		var full int
		if err := rows.Scan(&d.ID, &d.Tag, &d.Name, &d.Scope, &d.AppVersion,
			&created, &enrolled, &seen, &synced, &revoked, &full); err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		d.CreatedAt = time.UnixMilli(created).UTC()
		d.EnrolledAt = time.UnixMilli(enrolled).UTC()
		d.LastSeenAt, d.LastSyncAt, d.RevokedAt = fromMS(seen), fromMS(synced), fromMS(revoked)
		d.FullCopy = full != 0
		s.seen.latest(&d) // a pull's time not yet written (lastseen.go)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Revoke stops a device's token from working. Revoking a revoked device
// keeps the first revocation time. An unknown device is app.ENOTFOUND.
//
// A revocation is final: the device's token stops working, any allowance to
// enrol again is withdrawn, and the id never enrols again (EnrollDevice).
func (s *Store) Revoke(ctx context.Context, deviceID string) error {
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin revoke: %w", err)
	}
	defer tx.Rollback()
	var scope string
	var revoked sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT scope, revoked_at FROM devices WHERE id = ?`, deviceID).Scan(&scope, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return app.Errorf(app.ENOTFOUND, "Không tìm thấy thiết bị %s.", deviceID)
	case err != nil:
		return fmt.Errorf("revoke device: %w", err)
	case revoked.Valid:
		return nil
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE devices SET revoked_at = coalesce(revoked_at, ?), reenrol_until = NULL WHERE id = ?`, ms(now), deviceID); err != nil {
		return fmt.Errorf("revoke device: %w", err)
	}
	if err := deviceEvent(ctx, tx, deviceID, now, eventRevoked, scope); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit revoke: %w", err)
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
