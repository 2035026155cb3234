package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"bvntd/app"
)

// KPIData loads what the indicators are computed from (app.ComputeKPIs):
// every case with its timeline and every record of the training and
// outreach work of commune unit, or of every commune the store holds for
// unit == "" (a provincial device), with the time limits, the working-day
// calendar and the current time. Voided cases and records are left out.
//
// Units are the communes covered: unit itself, or for "" every seeded
// commune (the denominator of T1: all 102 communes of the province), or,
// without seeds, those present in the data.
//
// SyncedUnits (T1) is a proxy, as a device does not see other devices'
// syncs:
//   - this device's own commune (the commune it is set to record for) has
//     the time of this device's last successful sync;
//   - any other commune has the time of its latest change this device
//     pulled from the provincial server (the newest updated_at of its
//     cases and records, or step of its cases, that came back through a
//     pull). That change reached the server, so the commune synced at or
//     after that time; a sync that carried no change is not seen, and
//     another laptop of the same commune counts for it.
func (db *DB) KPIData(ctx context.Context, unit string) (*app.KPIData, error) {
	d := &app.KPIData{Now: db.Now()}
	var err error
	if d.Cases, err = db.kpiCases(ctx, unit); err != nil {
		return nil, err
	}
	// The steps of the cases loaded (not voided, of the commune): all of
	// them, or by id for one commune's, and those of other cases dropped.
	q, args := `SELECT e.fields FROM case_events e`, []any(nil)
	if unit != "" {
		q, args = q+` WHERE e.case_id IN (SELECT value FROM json_each(?))`, []any{caseIDs(d.Cases)}
	}
	loaded := make(map[string]bool, len(d.Cases))
	for i := range d.Cases {
		loaded[d.Cases[i].ID] = true
	}
	d.Events, err = db.caseEventsOf(ctx, loaded, q+` ORDER BY e.case_id, e.at, e.id`, args...)
	if err != nil {
		return nil, err
	}
	if err := db.kpiRecords(ctx, unit, d); err != nil {
		return nil, err
	}
	return d, nil
}

// kpiRecords loads into d what the indicators read besides the cases:
// the records of the training and outreach work, the communes covered,
// their last syncs, the time limits and the calendar.
func (db *DB) kpiRecords(ctx context.Context, unit string, d *app.KPIData) error {
	if err := db.kpiLists(ctx, unit, d); err != nil {
		return err
	}
	return db.kpiOthers(ctx, unit, d)
}

// kpiLists loads into d the records of the training and outreach work of
// unit ("" for all), the narratives and the notices: it reads and writes
// those fields of d only.
func (db *DB) kpiLists(ctx context.Context, unit string, d *app.KPIData) error {
	var err error
	rq := RecordQuery{Unit: unit}
	if d.Officers, err = ListRecords[app.Officer](ctx, db, rq); err != nil {
		return err
	}
	if d.Organisations, err = ListRecords[app.Organisation](ctx, db, rq); err != nil {
		return err
	}
	if d.Participants, err = db.kpiParticipants(ctx, unit); err != nil {
		return err
	}
	if d.Sessions, err = ListRecords[app.TrainingSession](ctx, db, rq); err != nil {
		return err
	}
	// A province's attendance rows repeat a few thousand sessions, people,
	// communes and officers: each text held once.
	if d.Attendance, err = db.kpiAttendance(ctx, unit, heldStrings{}); err != nil {
		return err
	}
	if d.Outreach, err = ListRecords[app.OutreachEvent](ctx, db, rq); err != nil {
		return err
	}
	if d.Publications, err = db.kpiPublications(ctx, unit); err != nil {
		return err
	}
	if d.Narratives, err = ListRecords[app.ReportNarrative](ctx, db, rq); err != nil {
		return err
	}
	if d.Notices, err = ListRecords[app.OffPremisesNotice](ctx, db, rq); err != nil {
		return err
	}
	return nil
}

// kpiOthers loads into d, once its cases and records are in it, the
// communes covered, their last syncs, the time limits and the calendar.
func (db *DB) kpiOthers(ctx context.Context, unit string, d *app.KPIData) error {
	var err error
	if d.Units, err = db.kpiUnits(ctx, unit, d); err != nil {
		return err
	}
	if d.SyncedUnits, err = db.syncedUnits(ctx, unit); err != nil {
		return err
	}
	if d.SlaRules, d.Calendar, err = db.deadlineRules(ctx); err != nil {
		return err
	}
	return nil
}

// kpiCases returns the cases of unit ("" for all) that are not voided.
func (db *DB) kpiCases(ctx context.Context, unit string) ([]app.Case, error) {
	q := `SELECT d.fields, d.server_version FROM case_list c JOIN cases d ON d.id = c.id WHERE NOT c.voided`
	var args []any
	if unit != "" {
		q += ` AND c.unit_code = ?`
		args = append(args, unit)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY c.received_at, c.number`, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	return scanCases(rows)
}

// kpiUnits returns the communes a report on unit covers.
func (db *DB) kpiUnits(ctx context.Context, unit string, d *app.KPIData) ([]string, error) {
	if unit != "" {
		return []string{unit}, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT code FROM admin_units WHERE type IN (?, ?) ORDER BY code`, app.UnitXa, app.UnitPhuong)
	if err != nil {
		return nil, fmt.Errorf("kpi units: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil || len(out) > 0 {
		return out, err
	}
	// No seeds: the communes the data mentions.
	seen := map[string]bool{}
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, c := range d.Cases {
		add(c.UnitCode)
	}
	for _, c := range d.Facts {
		add(c.UnitCode)
	}
	var heads []*app.RecordHead
	for i := range d.Officers {
		heads = append(heads, &d.Officers[i].RecordHead)
	}
	for i := range d.Organisations {
		heads = append(heads, &d.Organisations[i].RecordHead)
	}
	for i := range d.Sessions {
		heads = append(heads, &d.Sessions[i].RecordHead)
	}
	for i := range d.Outreach {
		heads = append(heads, &d.Outreach[i].RecordHead)
	}
	for i := range d.Publications {
		heads = append(heads, &d.Publications[i].RecordHead)
	}
	for _, h := range heads {
		add(h.UnitCode)
	}
	sort.Strings(out)
	return out, nil
}

// syncedSources are the changes a commune's sync brings to this device
// (see KPIData): its cases, records and steps that came through the
// server (a server version). next is the first commune code after ? with
// such a change (NULL after the last); newest, for a commune, the time of
// its newest one (NULL or no row if none). Both use the indexes of
// migration 22 (case_list_unit_updated, records_synced_unit,
// case_events_synced_unit), so that a province's hundred communes cost a
// few hundred lookups instead of reading every case, step and record.
var syncedSources = []struct{ next, newest string }{
	{`SELECT min(unit_code) FROM case_list WHERE unit_code > ?`,
		`SELECT c.updated_at FROM case_list c JOIN cases d ON d.id = c.id
			WHERE c.unit_code = ? AND d.server_version > 0 ORDER BY c.updated_at DESC LIMIT 1`},
	{`SELECT min(unit_code) FROM records WHERE server_version > 0 AND unit_code > ?`,
		`SELECT max(json_extract(fields, '$.updated_at')) FROM records WHERE server_version > 0 AND unit_code = ?`},
	{`SELECT min(json_extract(fields, '$.unit_code')) FROM case_events
			WHERE server_version > 0 AND json_extract(fields, '$.unit_code') > ?`,
		`SELECT max(at) FROM case_events WHERE server_version > 0 AND json_extract(fields, '$.unit_code') = ?`},
}

// nextUnits returns the commune codes next finds (syncedSources), in
// order, one lookup each: a skip over the index rather than a scan.
func (db *DB) nextUnits(ctx context.Context, next string) ([]string, error) {
	var out []string
	for u := ""; ; {
		var n sql.NullString
		if err := db.r.QueryRowContext(ctx, next, u).Scan(&n); err != nil {
			return nil, fmt.Errorf("kpi synced units: %w", err)
		}
		if !n.Valid {
			return out, nil
		}
		u = n.String
		out = append(out, u)
	}
}

// syncedUnits returns, per commune (of unit, or all for ""), the last time
// it is known to have synced: see KPIData.
func (db *DB) syncedUnits(ctx context.Context, unit string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	later := func(u string, t time.Time) {
		if u == "" || t.IsZero() || unit != "" && u != unit {
			return
		}
		if t.After(out[u]) {
			out[u] = t
		}
	}
	// A commune at a time, from the indexes of migration 22: the communes
	// with such a change (all of them, or unit), then each one's newest.
	for _, src := range syncedSources {
		units := []string{unit}
		if unit == "" {
			var err error
			if units, err = db.nextUnits(ctx, src.next); err != nil {
				return nil, err
			}
		}
		for _, u := range units {
			var at sql.NullString
			err := db.r.QueryRowContext(ctx, src.newest, u).Scan(&at)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("kpi synced units: %w", err)
			}
			if at.Valid {
				later(u, parseTime(at.String))
			}
		}
	}
	own, err := db.UnitCode(ctx)
	if err != nil {
		return nil, err
	}
	last, err := getMeta(ctx, db.r, metaLastSyncAt)
	if err != nil {
		return nil, err
	}
	if own != "" && last != "" {
		later(own, parseTime(last))
	}
	return out, nil
}
