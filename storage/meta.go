package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"bvntd/app"
)

// Meta keys.
const (
	metaDeviceID    = "device_id"
	metaDeviceTag   = "device_tag"
	metaHLC         = "hlc"
	metaCreatedAt   = "created_at"
	metaServerURL   = "server_url"
	metaToken       = "token" // earlier versions only: now in KEYS/token (token.go)
	metaScope       = "scope"
	metaEnrolledAt  = "enrolled_at"
	metaLastSyncAt  = "last_sync_at"
	metaLastSyncErr = "last_sync_error"
	metaSeedVersion = "seed_version"
	metaUnitCode    = "unit_code"
	metaOfficer     = "officer"

	metaClockOffset    = "clock_offset_ms"
	metaServerCA       = "server_ca_pem"
	metaFullPull       = "full_pull_needed"
	metaUpdateRequired = "update_required"
)

// metaServerDeviceID is the id the provincial server gave at enrolment,
// which the device uses from then on. metaDeviceID is the one made with the
// store, which its backups carry (a store enrolled before the server
// decided ids has no metaServerDeviceID: metaDeviceID is that one).
const metaServerDeviceID = "server_device_id"

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func getMeta(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func setMeta(ctx context.Context, q querier, key, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// loadIdentity reads the device id, tag and clock, making them on first use.
func (db *DB) loadIdentity(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		id, err := getMeta(ctx, tx, metaDeviceID)
		if err != nil {
			return err
		}
		if id == "" {
			id = app.NewID()
			tag := db.tag // Options.DeviceTag
			if tag == "" {
				tag = app.NewDeviceTag()
			}
			for _, kv := range [][2]string{
				{metaDeviceID, id},
				{metaDeviceTag, tag},
				{metaCreatedAt, db.Now().UTC().Format(time.RFC3339)},
			} {
				if err := setMeta(ctx, tx, kv[0], kv[1]); err != nil {
					return err
				}
			}
		}
		tag, err := getMeta(ctx, tx, metaDeviceTag)
		if err != nil {
			return err
		}
		var last app.HLC
		if s, err := getMeta(ctx, tx, metaHLC); err != nil {
			return err
		} else if s != "" {
			if last, err = app.ParseHLC(s); err != nil {
				return fmt.Errorf("stored clock: %w", err)
			}
		}
		officer, err := getMeta(ctx, tx, metaOfficer)
		if err != nil {
			return err
		}
		device, err := getMeta(ctx, tx, metaServerDeviceID)
		if err != nil {
			return err
		}
		if device == "" {
			device = id
		}
		db.device, db.install, db.tag, db.officer = device, id, tag, officer
		db.clock = app.NewClock(last, db.Now)
		return nil
	})
}

// saveClock persists the clock inside tx, so that it never goes back after
// a restart.
func (db *DB) saveClock(ctx context.Context, tx *sql.Tx) error {
	return setMeta(ctx, tx, metaHLC, db.clock.Last().String())
}

// RecordServerTime stores how far the server's clock (t, read from an
// answer) is from this device's. The device's stamps stay in its own clock:
// the server translates them (see syncproto.PushRequest.DeviceNowMS), and
// the officer is warned when the offset passes app.ClockWarning.
func (db *DB) RecordServerTime(ctx context.Context, t time.Time) error {
	offset := t.Sub(db.Now())
	return db.tx(ctx, func(tx *sql.Tx) error {
		return setMeta(ctx, tx, metaClockOffset, strconv.FormatInt(offset.Milliseconds(), 10))
	})
}

// SetUpdateRequired records that the server refuses this app version
// (minVersion is the oldest it accepts; "" clears the flag).
func (db *DB) SetUpdateRequired(ctx context.Context, minVersion string) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaUpdateRequired, minVersion) })
}

// Enrollment returns the device's enrolment, or a zero value if it is not
// enrolled.
func (db *DB) Enrollment(ctx context.Context) (app.Enrollment, error) {
	var e app.Enrollment
	var at string
	for _, kv := range []struct {
		key string
		dst *string
	}{{metaServerURL, &e.ServerURL}, {metaScope, &e.Scope}, {metaEnrolledAt, &at}} {
		v, err := getMeta(ctx, db.r, kv.key)
		if err != nil {
			return e, err
		}
		*kv.dst = v
	}
	e.At, _ = time.Parse(time.RFC3339, at)
	tok, err := db.readToken() // outside the store: token.go
	e.Token = tok
	if e.Token != "" {
		e.DeviceID = db.device
	}
	return e, err
}

// SetEnrollment binds the device to a server. A device enrolled into a
// commune records new cases in that commune. e.DeviceID, when set, is the
// device's id from now on (the server decides it).
func (db *DB) SetEnrollment(ctx context.Context, e app.Enrollment) error {
	if e.DeviceID != "" && !app.ValidID(e.DeviceID) {
		return fmt.Errorf("storage: device id %q from the server is not a UUID", e.DeviceID)
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if e.DeviceID != "" && e.DeviceID != db.device {
			if err := setMeta(ctx, tx, metaServerDeviceID, e.DeviceID); err != nil {
				return err
			}
			db.device = e.DeviceID // under the writer, as for the tag (SetDeviceTag)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", metaToken); err != nil {
			return err
		}
		for _, kv := range [][2]string{
			{metaServerURL, e.ServerURL},
			{metaScope, e.Scope},
			{metaEnrolledAt, e.At.UTC().Format(time.RFC3339)},
		} {
			if err := setMeta(ctx, tx, kv[0], kv[1]); err != nil {
				return err
			}
		}
		if len(e.Scope) == 5 {
			return setMeta(ctx, tx, metaUnitCode, e.Scope)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Outside the store (token.go), written with the device id now in use.
	return db.writeToken(e.Token)
}

// UnitCode returns the commune this device records cases for ("" if unset).
func (db *DB) UnitCode(ctx context.Context) (string, error) {
	return getMeta(ctx, db.r, metaUnitCode)
}

// SetUnitCode sets the commune this device records cases for.
func (db *DB) SetUnitCode(ctx context.Context, code string) error {
	if refs := db.currentRefs(); refs != nil && !refs.HasUnit(code) {
		return app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục.", code)
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaUnitCode, code) })
}

// SaveOfficer sets and stores the officer's name.
func (db *DB) SaveOfficer(ctx context.Context, name string) error {
	db.SetOfficer(name)
	return db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaOfficer, db.currentOfficer()) })
}

// RecordSyncResult stores when the last sync ended and its error message
// ("" on success).
func (db *DB) RecordSyncResult(ctx context.Context, at time.Time, errMsg string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if errMsg == "" {
			if err := setMeta(ctx, tx, metaLastSyncAt, at.UTC().Format(time.RFC3339)); err != nil {
				return err
			}
		}
		return setMeta(ctx, tx, metaLastSyncErr, errMsg)
	})
}

// SyncStatus returns what the sync panel shows.
func (db *DB) SyncStatus(ctx context.Context) (app.SyncStatus, error) {
	e, err := db.Enrollment(ctx)
	if err != nil {
		return app.SyncStatus{}, err
	}
	s := app.SyncStatus{Enrolled: e.Token != "", ServerURL: e.ServerURL, Scope: e.Scope, DeviceID: db.device}
	if err := db.r.QueryRowContext(ctx, `SELECT
		coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'parked'), 0) FROM outbox`).Scan(&s.Pending, &s.Parked); err != nil {
		return s, err
	}
	at, err := getMeta(ctx, db.r, metaLastSyncAt)
	if err != nil {
		return s, err
	}
	s.LastSyncAt, _ = time.Parse(time.RFC3339, at)
	if s.LastError, err = getMeta(ctx, db.r, metaLastSyncErr); err != nil {
		return s, err
	}
	off, err := getMeta(ctx, db.r, metaClockOffset)
	if err != nil {
		return s, err
	}
	if ms, err := strconv.ParseInt(off, 10, 64); err == nil {
		s.ClockOffset = time.Duration(ms) * time.Millisecond
	}
	if s.UpdateRequired, err = getMeta(ctx, db.r, metaUpdateRequired); err != nil {
		return s, err
	}
	if s.OpenConflicts, err = db.CountOpenConflicts(ctx); err != nil {
		return s, err
	}
	cal, err := db.WorkingCalendar(ctx)
	if cal != nil { // nil: no reference data, nothing to count on
		s.CalendarGaps = app.CalendarGaps(cal, db.Now())
	}
	return s, err
}

// ServerCA returns the PEM certificate(s) of the authority the device
// trusts for the server, given at enrolment ("" means the system roots).
func (db *DB) ServerCA(ctx context.Context) (string, error) {
	return getMeta(ctx, db.r, metaServerCA)
}

// SetServerCA stores the PEM certificate(s) to trust for the server.
func (db *DB) SetServerCA(ctx context.Context, pem string) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaServerCA, pem) })
}

// NeedsFullPull reports whether the next pull must bring back even the
// records this device wrote: the store was restored from a backup and may
// lack what the device wrote after it.
func (db *DB) NeedsFullPull(ctx context.Context) (bool, error) {
	v, err := getMeta(ctx, db.r, metaFullPull)
	return v == "1", err
}

// FullPullDone records that a full pull completed.
func (db *DB) FullPullDone(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", metaFullPull)
		return err
	})
}
