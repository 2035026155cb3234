package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"bvntd/app"
)

// A pulled record this version cannot read (a value of the wrong type, a
// kind it does not know, a record the server sent without its fields) is
// quarantined: kept raw in the quarantine table, listed for review, logged
// by entity, id and field names only, and the pull goes on with its cursor.
// The record is taken again when a newer version of it arrives (ApplyPull
// stores it, or quarantines the newer version in place of the older) or
// when a newer version of the app opens the store (retryQuarantine). The
// store keeps, meanwhile, the last version of the record it could read, if
// it had one.

// unreadable is why a pulled record could not be stored.
type unreadable struct {
	reason string   // an app.Quarantine… reason
	fields []string // the fields that could not be read, when known
}

func (u *unreadable) Error() string {
	if len(u.fields) == 0 {
		return "pulled record " + u.reason
	}
	return "pulled record " + u.reason + ": " + strings.Join(u.fields, ", ")
}

// badFields returns, sorted, the fields that do not decode on their own
// into a new record (made by newDoc): the fields an unreadable record is
// reported by.
func badFields(newDoc func() doc, fields map[string]json.RawMessage) []string {
	var out []string
	for name, v := range fields {
		if err := newDoc().SetFields(map[string]json.RawMessage{name: v}); err != nil {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// withheldReason is the quarantine reason of a record the server sent
// without its fields.
func withheldReason(w string) string {
	switch w {
	case app.WithheldTooLarge:
		return app.QuarantineTooLarge
	case app.WithheldMalformed:
		return app.QuarantineMalformed
	}
	return app.QuarantineMalformed // a reason of a newer server: it could not send the record
}

const (
	sqlQuarantine = `INSERT INTO quarantine (entity, id, scope, version, fields, reason, bad_fields, app_version, first_at, last_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (entity, id) DO UPDATE SET scope = excluded.scope, version = excluded.version,
			fields = excluded.fields, reason = excluded.reason, bad_fields = excluded.bad_fields,
			app_version = excluded.app_version, last_at = excluded.last_at`
	sqlUnquarantine = `DELETE FROM quarantine WHERE entity = ? AND id = ?`
)

// heldKeys returns the records in quarantine, as quarantineKey.
func heldKeys(ctx context.Context, q querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT entity, id FROM quarantine")
	if err != nil {
		return nil, fmt.Errorf("read quarantine: %w", err)
	}
	defer rows.Close()
	held := map[string]bool{}
	for rows.Next() {
		var entity, id string
		if err := rows.Scan(&entity, &id); err != nil {
			return nil, err
		}
		held[quarantineKey(entity, id)] = true
	}
	return held, rows.Err()
}

func quarantineKey(entity, id string) string { return entity + "\x00" + id }

// quarantine keeps r aside, in place of any older version of it kept
// before, and logs it without its content.
func (db *DB) quarantine(ctx context.Context, tx *sql.Tx, scope string, r app.PulledRecord, u *unreadable, held map[string]bool) error {
	var fields any // NULL: the server sent none
	if r.Withheld == "" && r.Fields != nil {
		b, err := app.Marshal(r.Fields)
		if err != nil {
			return fmt.Errorf("quarantine %s %s: %w", r.Entity, r.ID, err)
		}
		fields = string(b)
	}
	bad, _ := json.Marshal(append([]string{}, u.fields...)) // names always marshal
	now := db.Now().UTC().Format(time.RFC3339)
	if _, err := tx.ExecContext(ctx, sqlQuarantine, r.Entity, r.ID, scope, r.Version, fields, u.reason,
		string(bad), db.appVersion, now, now); err != nil {
		return fmt.Errorf("quarantine %s %s: %w", r.Entity, r.ID, err)
	}
	held[quarantineKey(r.Entity, r.ID)] = true
	slog.Warn("pull: record could not be read; kept aside for review, the pull goes on",
		"entity", r.Entity, "id", r.ID, "scope", scope, "version", r.Version, "reason", u.reason,
		"fields", strings.Join(u.fields, ","))
	return nil
}

// unquarantine drops the kept-aside copy of a record that was just stored.
func (db *DB) unquarantine(ctx context.Context, tx *sql.Tx, r app.PulledRecord, held map[string]bool) error {
	key := quarantineKey(r.Entity, r.ID)
	if !held[key] {
		return nil
	}
	if _, err := tx.ExecContext(ctx, sqlUnquarantine, r.Entity, r.ID); err != nil {
		return fmt.Errorf("unquarantine %s %s: %w", r.Entity, r.ID, err)
	}
	delete(held, key)
	slog.Info("pull: record kept aside is now read and stored", "entity", r.Entity, "id", r.ID, "version", r.Version)
	return nil
}

// ListQuarantined returns the records kept aside, oldest first.
func (db *DB) ListQuarantined(ctx context.Context) ([]app.QuarantinedRecord, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT entity, id, scope, version, reason, bad_fields, first_at, last_at
		FROM quarantine ORDER BY first_at, entity, id`)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	defer rows.Close()
	var out []app.QuarantinedRecord
	for rows.Next() {
		var q app.QuarantinedRecord
		var bad, first, last string
		if err := rows.Scan(&q.Entity, &q.ID, &q.Scope, &q.Version, &q.Reason, &bad, &first, &last); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(bad), &q.Fields); err != nil {
			return nil, fmt.Errorf("quarantine %s %s: %w", q.Entity, q.ID, err)
		}
		q.FirstAt, q.LastAt = parseTime(first), parseTime(last)
		out = append(out, q)
	}
	return out, rows.Err()
}

// retryQuarantine tries the records kept aside by another version of the
// app again, as if they had just been pulled: those it can read now are
// stored (with the local value of any field changed here and not yet sent)
// and leave the quarantine; the others stay, marked as tried by this
// version. Records the server withheld stay as they are: only a newer
// version of them from the server can help.
func (db *DB) retryQuarantine(ctx context.Context) error {
	if db.appVersion == "" {
		return nil
	}
	calendar := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT entity, id, scope, version, fields FROM quarantine
			WHERE app_version <> ? ORDER BY first_at, entity, id`, db.appVersion)
		if err != nil {
			return err
		}
		type kept struct {
			scope string
			r     app.PulledRecord
			raw   sql.NullString
		}
		var all []kept
		for rows.Next() {
			var k kept
			if err := rows.Scan(&k.r.Entity, &k.r.ID, &k.scope, &k.r.Version, &k.raw); err != nil {
				rows.Close()
				return err
			}
			all = append(all, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		held := map[string]bool{}
		taken := 0
		for _, k := range all {
			held[quarantineKey(k.r.Entity, k.r.ID)] = true
			if !k.raw.Valid {
				if _, err := tx.ExecContext(ctx, `UPDATE quarantine SET app_version = ? WHERE entity = ? AND id = ?`,
					db.appVersion, k.r.Entity, k.r.ID); err != nil {
					return err
				}
				continue
			}
			if err := json.Unmarshal([]byte(k.raw.String), &k.r.Fields); err != nil {
				return fmt.Errorf("quarantine %s %s: %w", k.r.Entity, k.r.ID, err)
			}
			changed, stored, err := db.applyPulled(ctx, tx, k.scope, k.r, held)
			if err != nil {
				return err
			}
			calendar = calendar || changed
			if stored {
				taken++
			}
		}
		if len(all) > 0 {
			slog.Info("quarantine tried again by a new version of the app", "version", db.appVersion,
				"records", len(all), "taken", taken)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retry quarantine: %w", err)
	}
	if calendar {
		years, err := loadHolidayYears(ctx, db.w)
		if err != nil {
			return err
		}
		db.setSyncedHolidays(years)
	}
	return nil
}

// errUnreadable reports whether err says a pulled record cannot be read.
func errUnreadable(err error) (*unreadable, bool) {
	var u *unreadable
	ok := errors.As(err, &u)
	return u, ok
}
