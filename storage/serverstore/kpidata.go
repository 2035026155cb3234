package serverstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// KPIData loads the merged records of one commune, or of every commune for
// commune == "", as the province's reports count them (app.ComputeKPIs):
// cases with their steps and the records of the training and outreach
// work, voided ones left out. Units are the commune, or every commune of
// refs (the 102 of the province). SyncedUnits (T1) is, for each commune,
// the last successful sync of any of its devices — what the server itself
// saw, not a proxy. refs also gives the time limits and the working-day
// calendar (with the synced holiday years), now the current time.
func (s *Store) KPIData(ctx context.Context, commune string, refs *app.RefData, now time.Time) (*app.KPIData, error) {
	d := &app.KPIData{Now: now, SyncedUnits: map[string]time.Time{}}
	rows, err := s.r.QueryContext(ctx,
		`SELECT entity, fields FROM records WHERE scope <> ? AND (? = '' OR scope = ?)
		ORDER BY `+s.d.jsonText("fields", "created_at")+`, id`,
		syncproto.ScopeShared, commune, commune)
	if err != nil {
		return nil, fmt.Errorf("kpi data: %w", err)
	}
	defer rows.Close()
	voidedCases := map[string]bool{}
	for rows.Next() {
		var entity string
		var raw []byte
		if err := rows.Scan(&entity, &raw); err != nil {
			return nil, fmt.Errorf("kpi data: %w", err)
		}
		var f map[string]json.RawMessage
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("kpi data: %w", err)
		}
		switch entity {
		case app.EntityCase:
			var c app.Case
			if err := c.SetFields(f); err != nil {
				return nil, fmt.Errorf("kpi data: case: %w", err)
			}
			if c.Voided {
				voidedCases[c.ID] = true
				continue
			}
			d.Cases = append(d.Cases, c)
		case app.EntityCaseEvent:
			var e app.CaseEvent
			if err := e.SetFields(f); err != nil {
				return nil, fmt.Errorf("kpi data: step: %w", err)
			}
			d.Events = append(d.Events, e)
		default:
			r := app.NewRecord(entity)
			if r == nil {
				continue // conflicts, and entities of a newer app
			}
			if err := r.SetFields(f); err != nil {
				return nil, fmt.Errorf("kpi data: %s: %w", entity, err)
			}
			if !r.Head().Voided {
				appendRecord(d, r)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	events := d.Events[:0]
	for _, e := range d.Events {
		if !voidedCases[e.CaseID] {
			events = append(events, e)
		}
	}
	d.Events = events
	// The orders of the device's store (storage.DB.KPIData), so that both
	// list the records behind a figure alike.
	sort.SliceStable(d.Cases, func(i, j int) bool {
		a, b := &d.Cases[i], &d.Cases[j]
		if !a.ReceivedAt.Equal(b.ReceivedAt) {
			return a.ReceivedAt.Before(b.ReceivedAt)
		}
		return a.Number < b.Number
	})
	sort.SliceStable(d.Events, func(i, j int) bool {
		a, b := &d.Events[i], &d.Events[j]
		switch {
		case a.CaseID != b.CaseID:
			return a.CaseID < b.CaseID
		case !a.At.Equal(b.At):
			return a.At.Before(b.At)
		}
		return a.ID < b.ID
	})

	if commune != "" {
		d.Units = []string{commune}
	} else if refs != nil {
		for _, u := range refs.Units {
			d.Units = append(d.Units, u.Code)
		}
	}
	devs, err := s.r.QueryContext(ctx, `SELECT scope, max(last_sync_at) FROM devices
		WHERE last_sync_at IS NOT NULL AND (? = '' OR scope = ?) GROUP BY scope`, commune, commune)
	if err != nil {
		return nil, fmt.Errorf("kpi data: devices: %w", err)
	}
	defer devs.Close()
	for devs.Next() {
		var scope string
		var at int64
		if err := devs.Scan(&scope, &at); err != nil {
			return nil, err
		}
		if scope != syncproto.ScopeProvince {
			d.SyncedUnits[scope] = time.UnixMilli(at).UTC()
		}
	}
	if err := devs.Err(); err != nil {
		return nil, err
	}
	if refs != nil {
		d.SlaRules = refs.SlaRules
		cal, err := s.calendar(ctx, refs)
		if err != nil {
			return nil, err
		}
		d.Calendar = cal
	}
	return d, nil
}

// calendar is the working-day calendar of refs with the holiday years the
// province imported.
func (s *Store) calendar(ctx context.Context, refs *app.RefData) (*app.Calendar, error) {
	years, err := s.HolidayYears(ctx)
	if err != nil {
		return nil, err
	}
	plain := make([]app.HolidayYear, len(years))
	for i, y := range years {
		plain[i] = y.HolidayYear
	}
	return app.NewCalendar(app.MergeHolidays(refs.Holidays, plain))
}

func appendRecord(d *app.KPIData, r app.Record) {
	switch v := r.(type) {
	case *app.Officer:
		d.Officers = append(d.Officers, *v)
	case *app.Organisation:
		d.Organisations = append(d.Organisations, *v)
	case *app.Participant:
		d.Participants = append(d.Participants, *v)
	case *app.TrainingSession:
		d.Sessions = append(d.Sessions, *v)
	case *app.Attendance:
		d.Attendance = append(d.Attendance, *v)
	case *app.OutreachEvent:
		d.Outreach = append(d.Outreach, *v)
	case *app.Publication:
		d.Publications = append(d.Publications, *v)
	case *app.ReportNarrative:
		d.Narratives = append(d.Narratives, *v)
	case *app.OffPremisesNotice:
		d.Notices = append(d.Notices, *v)
	}
}
