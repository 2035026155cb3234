package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"bvntd/app"
	"bvntd/app/passhash"
)

// The officer profiles of the device (app.Profile): sign-in with a PIN or
// password kept as an Argon2id hash, wrong secrets slowed down by
// app.DefaultSignInPolicy with the count kept in the store. A successful
// SignIn makes the profile's name the author of every later change
// (SetOfficer).

const profileColumns = `id, full_name, role, unit_code, officer_id, created_at, last_signin_at`

func scanProfile(s interface{ Scan(...any) error }) (app.Profile, error) {
	var p app.Profile
	var created, last string
	if err := s.Scan(&p.ID, &p.FullName, &p.Role, &p.UnitCode, &p.OfficerID, &created, &last); err != nil {
		return p, err
	}
	p.CreatedAt, _ = time.Parse(time.RFC3339, created)
	p.LastSignInAt, _ = time.Parse(time.RFC3339, last)
	return p, nil
}

// Profiles lists the officer profiles of the device in Vietnamese
// alphabetical order.
func (db *DB) Profiles(ctx context.Context) ([]app.Profile, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+profileColumns+` FROM officer_profiles ORDER BY full_name COLLATE vi, id`)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	defer rows.Close()
	var out []app.Profile
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreateProfile adds an officer profile with its PIN or password (checked
// by app.ValidateSecret against confirm, stored only as a hash). It fills
// the id and the creation time, links the profile to the active officer
// registry record of the same name in its commune, if there is one, and
// makes the profile's commune the device's if the device has none yet.
func (db *DB) CreateProfile(ctx context.Context, p *app.Profile, secret, confirm string) error {
	p.Normalize()
	verr := p.Validate(db.currentRefs())
	serr := app.ValidateSecret(secret, confirm)
	if verr != nil || serr != nil {
		fields := app.FieldErrors(verr)
		for k, v := range app.FieldErrors(serr) {
			if fields == nil {
				fields = map[string]string{}
			}
			fields[k] = v
		}
		return &app.Error{Code: app.EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fields}
	}
	hash, err := passhash.Hash(secret, passhash.Default)
	if err != nil {
		return app.WrapError(app.EINTERNAL, app.InternalMessage, err)
	}
	if p.OfficerID == "" {
		if p.OfficerID, err = db.matchOfficer(ctx, p); err != nil {
			return err
		}
	}
	p.ID = app.NewID()
	p.CreatedAt = db.Now().UTC().Truncate(time.Second)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM officer_profiles WHERE name_folded = ?`, app.Fold(p.FullName)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &app.Error{Code: app.ECONFLICT, Message: "Máy này đã có cán bộ cùng tên.",
				Fields: map[string]string{"full_name": "Máy này đã có cán bộ cùng tên; thêm chữ đệm hoặc chức vụ để phân biệt."}}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO officer_profiles
			(id, full_name, name_folded, role, unit_code, officer_id, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.FullName, app.Fold(p.FullName), p.Role, p.UnitCode, p.OfficerID, hash, p.CreatedAt.Format(time.RFC3339)); err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		unit, err := getMeta(ctx, tx, metaUnitCode)
		if err != nil || unit != "" {
			return err
		}
		return setMeta(ctx, tx, metaUnitCode, p.UnitCode)
	})
}

// matchOfficer returns the id of the active officer registry record of p's
// commune with p's name (diacritics and case aside), or "".
func (db *DB) matchOfficer(ctx context.Context, p *app.Profile) (string, error) {
	officers, err := ListRecords[app.Officer](ctx, db, RecordQuery{Unit: p.UnitCode})
	if err != nil {
		return "", err
	}
	for _, o := range officers {
		if o.Active && app.Fold(o.FullName) == app.Fold(p.FullName) {
			return o.ID, nil
		}
	}
	return "", nil
}

// msgWrongSecret is what a wrong PIN or password gets.
const msgWrongSecret = "Mã PIN hoặc mật khẩu không đúng."

// SignIn checks an officer's PIN or password. A right one resets the count
// of wrong ones, records the time and makes the officer the author of every
// later change; a wrong one is counted, and past the policy's free attempts
// locks the profile for a growing time (an *app.Error, EUNAUTHORIZED). While
// locked, every attempt is refused without checking it (EFORBIDDEN, with
// the time it ends).
func (db *DB) SignIn(ctx context.Context, id, secret string) (app.Profile, error) {
	now := db.Now().UTC()
	var hash string
	var failed int
	var lockedUntil int64
	row := db.r.QueryRowContext(ctx, `SELECT `+profileColumns+`, secret_hash, failed_attempts, locked_until
		FROM officer_profiles WHERE id = ?`, id)
	var p app.Profile
	var created, last string
	err := row.Scan(&p.ID, &p.FullName, &p.Role, &p.UnitCode, &p.OfficerID, &created, &last, &hash, &failed, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return p, app.Errorf(app.ENOTFOUND, "Không có cán bộ này trên máy.")
	}
	if err != nil {
		return p, fmt.Errorf("sign in: %w", err)
	}
	p.CreatedAt, _ = time.Parse(time.RFC3339, created)
	if until := time.Unix(lockedUntil, 0); lockedUntil > 0 && now.Before(until) {
		msg := app.LockedMessage(until, now)
		return p, &app.Error{Code: app.EFORBIDDEN, Message: msg, Fields: map[string]string{"secret": msg}}
	}
	ok, err := passhash.Verify(secret, hash)
	if err != nil {
		return p, app.WrapError(app.EINTERNAL, app.InternalMessage, err)
	}
	if !ok {
		return p, db.signInFailed(ctx, id, now)
	}
	rehash := ""
	if passhash.NeedsRehash(hash, passhash.Default) {
		if rehash, err = passhash.Hash(secret, passhash.Default); err != nil {
			return p, app.WrapError(app.EINTERNAL, app.InternalMessage, err)
		}
	}
	p.LastSignInAt = now.Truncate(time.Second)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE officer_profiles SET failed_attempts = 0, locked_until = 0, last_signin_at = ?,
			secret_hash = CASE WHEN ? = '' THEN secret_hash ELSE ? END WHERE id = ?`,
			p.LastSignInAt.Format(time.RFC3339), rehash, rehash, id)
		return err
	})
	if err != nil {
		return p, fmt.Errorf("sign in: %w", err)
	}
	db.SetOfficer(p.FullName)
	return p, nil
}

// signInFailed counts a wrong secret and locks the profile past the free
// attempts.
func (db *DB) signInFailed(ctx context.Context, id string, now time.Time) error {
	policy := app.DefaultSignInPolicy
	var n int
	var lock time.Duration
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `UPDATE officer_profiles SET failed_attempts = failed_attempts + 1
			WHERE id = ? RETURNING failed_attempts`, id).Scan(&n); err != nil {
			return err
		}
		if lock = policy.LockFor(n); lock > 0 {
			_, err := tx.ExecContext(ctx, `UPDATE officer_profiles SET locked_until = ? WHERE id = ?`,
				now.Add(lock).Unix(), id)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	msg := msgWrongSecret
	switch left := policy.FreeAttempts - n; {
	case lock > 0:
		msg += " " + app.LockedMessage(now.Add(lock), now)
	case left > 0:
		// Every time, not only near the end: the officer knows what is at
		// stake before guessing again (issue 17).
		msg += fmt.Sprintf(" Còn %d lần thử trước khi bị tạm khóa.", left)
	}
	return &app.Error{Code: app.EUNAUTHORIZED, Message: msg, Fields: map[string]string{"secret": msg}}
}
