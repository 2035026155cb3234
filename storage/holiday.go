package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"reflect"
	"strconv"
	"time"

	"bvntd/app"
)

// The holiday calendar pulled from the province (app.ScopeShared): each
// year replaces that year's seeded days. The store keeps the pulled years
// in holiday_years, and in memory for currentRefs, so that validation and
// every deadline (CaseRows, CaseDeadlines) count on the merged calendar.

// applyHolidayYear stores a pulled year of the holiday calendar. A record
// outside the shared scope is skipped with a warning; one this version
// cannot read is quarantined (an *unreadable error). Either way the seeded
// calendar stays in use for that year, and the rest of the pull goes on.
func (db *DB) applyHolidayYear(ctx context.Context, tx *sql.Tx, scope string, r app.PulledRecord) (bool, error) {
	if scope != app.ScopeShared {
		slog.Warn("pull: holiday year outside the shared scope skipped", "scope", scope, "id", r.ID)
		return false, nil
	}
	var y app.HolidayYear
	if err := y.SetFields(r.Fields); err != nil || r.ID != app.HolidayYearID(y.Year) {
		u := &unreadable{reason: app.QuarantineUnreadable}
		if err == nil {
			u.fields = []string{"year"}
		} else {
			u.fields = badFields(func() doc { return &app.HolidayYear{} }, r.Fields)
		}
		return false, u
	}
	days := y.Fields()["days"]
	_, err := tx.ExecContext(ctx, `INSERT INTO holiday_years (year, basis, published_at, days, server_version, pulled_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (year) DO UPDATE SET basis = excluded.basis, published_at = excluded.published_at,
			days = excluded.days, server_version = excluded.server_version, pulled_at = excluded.pulled_at`,
		y.Year, y.Basis, y.PublishedAt, string(days), r.Version, db.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return false, err
	}
	return true, nil
}

// HolidayYears returns the years of the holiday calendar pulled from the
// province, by year.
func (db *DB) HolidayYears(ctx context.Context) ([]app.HolidayYear, error) {
	return loadHolidayYears(ctx, db.r)
}

func loadHolidayYears(ctx context.Context, q querier) ([]app.HolidayYear, error) {
	rows, err := q.QueryContext(ctx, `SELECT year, basis, published_at, days FROM holiday_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.HolidayYear
	for rows.Next() {
		var year int
		var basis, published, days string
		if err := rows.Scan(&year, &basis, &published, &days); err != nil {
			return nil, err
		}
		var y app.HolidayYear
		err := y.SetFields(map[string]json.RawMessage{
			"year": json.RawMessage(strconv.Itoa(year)), "basis": jsonString(basis),
			"published_at": jsonString(published), "days": json.RawMessage(days),
		})
		if err != nil {
			slog.Warn("stored holiday year unreadable, seeded days used", "year", year, "err", err)
			continue
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// Calendar returns the working-day calendar deadlines are counted on: the
// seeded holidays (from the reference data given to SetRefs), with every
// year pulled from the province replacing that year's seeded days
// entirely. It reads the pulled years afresh (another process, such as a
// scheduled `bvntd sync`, may have pulled some) and brings the store's
// reference data up to date with them.
func (db *DB) Calendar(ctx context.Context) (*app.Calendar, error) {
	years, err := loadHolidayYears(ctx, db.r)
	if err != nil {
		return nil, err
	}
	db.setSyncedHolidays(years)
	var seeded []app.Holiday
	db.mu.Lock()
	if rd, ok := db.seedRefs.(*app.RefData); ok && rd != nil {
		seeded = rd.Holidays
	}
	db.mu.Unlock()
	return app.NewCalendar(app.MergeHolidays(seeded, years))
}

// setSyncedHolidays records the pulled years and rebuilds the reference
// data that currentRefs returns.
func (db *DB) setSyncedHolidays(years []app.HolidayYear) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if reflect.DeepEqual(years, db.synced) {
		return
	}
	db.synced = years
	db.refs = withSyncedHolidays(db.seedRefs, years)
}

// withSyncedHolidays returns r with the pulled years merged into its
// holiday calendar, when r is an *app.RefData (otherwise r: it has no
// calendar).
func withSyncedHolidays(r app.Refs, years []app.HolidayYear) app.Refs {
	rd, ok := r.(*app.RefData)
	if !ok || rd == nil || len(years) == 0 {
		return r
	}
	return rd.WithHolidays(app.MergeHolidays(rd.Holidays, years))
}
