package serverstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// HolidayYear is a year of the holiday calendar as the server holds it.
type HolidayYear struct {
	app.HolidayYear
	Version   int64     // counts the imports that changed it; devices pull each
	UpdatedAt time.Time // the last import that changed it
}

// HolidayImport says what PutHolidayYears did to one year.
type HolidayImport struct {
	Year    int
	Version int64
	Changed bool // false: the same calendar was already there
}

// PutHolidayYears writes years of the holiday calendar into the shared
// reference scope, all in one transaction: each year is one record (entity
// app.EntityHolidayYear, id the year) that replaces the year's previous
// record and, on every device, that year's seeded days. A year whose
// content is unchanged keeps its version and sequence number, so importing
// the same file again sends nothing; a changed year gets the next version
// and the scope's next sequence number, and every device pulls it.
//
// The years (copies: the argument is not changed) are normalized and
// validated first; the first problem is an *app.Error (app.EINVALID) and
// nothing is written.
func (s *Store) PutHolidayYears(ctx context.Context, years []app.HolidayYear) ([]HolidayImport, error) {
	years = slices.Clone(years)
	seen := map[int]bool{}
	for i := range years {
		years[i].Days = slices.Clone(years[i].Days)
		years[i].Normalize()
		if err := years[i].Validate(); err != nil {
			return nil, err
		}
		if seen[years[i].Year] {
			return nil, app.Errorf(app.EINVALID, "Năm %d có hai lần trong cùng một lần nhập (year given twice).", years[i].Year)
		}
		seen[years[i].Year] = true
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin calendar import: %w", err)
	}
	defer tx.Rollback()

	var seq int64 // locked until commit: see lockScopes
	if err := s.row(ctx, tx, sqlLockScope, syncproto.ScopeShared).Scan(&seq); err != nil {
		return nil, fmt.Errorf("lock seq: %w", err)
	}
	now := s.now()
	out := make([]HolidayImport, 0, len(years))
	for _, y := range years {
		id := app.HolidayYearID(y.Year)
		fields := y.Fields()
		res := HolidayImport{Year: y.Year}
		var scope, oldJSON string
		var version int64
		err := tx.QueryRowContext(ctx, `SELECT scope, fields, version FROM records WHERE entity = ? AND id = ?`,
			app.EntityHolidayYear, id).Scan(&scope, &oldJSON, &version)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, fmt.Errorf("read holiday year %d: %w", y.Year, err)
		case scope != syncproto.ScopeShared:
			return nil, fmt.Errorf("holiday year %d is in scope %q", y.Year, scope)
		default:
			var old map[string]json.RawMessage
			if err := json.Unmarshal([]byte(oldJSON), &old); err != nil {
				return nil, fmt.Errorf("holiday year %d: fields: %w", y.Year, err)
			}
			if sameJSONFields(old, fields) {
				res.Version = version
				out = append(out, res)
				continue
			}
		}
		seq++
		res.Version, res.Changed = version+1, true
		st := app.Stamp{HLC: s.clock.Tick(), Device: serverDevice, Version: res.Version}
		stamps := make(map[string]app.Stamp, len(fields))
		for name := range fields {
			stamps[name] = st
		}
		if _, err := s.exec(ctx, tx, sqlPutRecord, app.EntityHolidayYear, id, syncproto.ScopeShared,
			string(app.EncodeFields(fields)), string(app.EncodeRecordStamps(stamps, fields)), seq, ms(now), ms(now), serverDevice); err != nil {
			return nil, fmt.Errorf("write holiday year %d: %w", y.Year, err)
		}
		out = append(out, res)
	}
	if _, err := s.exec(ctx, tx, sqlSaveScopeSeq, syncproto.ScopeShared, seq); err != nil {
		return nil, fmt.Errorf("save seq: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit calendar import: %w", err)
	}
	return out, nil
}

// sameJSONFields reports whether two records have the same fields and values.
func sameJSONFields(a, b map[string]json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !app.JSONEqual(v, w) {
			return false
		}
	}
	return true
}

// HolidayYears returns the imported years of the holiday calendar, by year.
func (s *Store) HolidayYears(ctx context.Context) ([]HolidayYear, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT id, fields, version, updated_at FROM records WHERE entity = ? AND scope = ? ORDER BY length(id), id`,
		app.EntityHolidayYear, syncproto.ScopeShared)
	if err != nil {
		return nil, fmt.Errorf("read holiday years: %w", err)
	}
	defer rows.Close()
	var out []HolidayYear
	for rows.Next() {
		var id, raw string
		var y HolidayYear
		var updated int64
		if err := rows.Scan(&id, &raw, &y.Version, &updated); err != nil {
			return nil, fmt.Errorf("read holiday years: %w", err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(raw), &fields); err != nil {
			return nil, fmt.Errorf("holiday year %s: %w", id, err)
		}
		if err := y.SetFields(fields); err != nil {
			return nil, fmt.Errorf("holiday year %s: %w", id, err)
		}
		y.UpdatedAt = time.UnixMilli(updated).UTC()
		out = append(out, y)
	}
	return out, rows.Err()
}
