package storage

import (
	"context"
	"time"

	"bvntd/app"
)

// CaseRows returns the cases matching q with their running deadlines at
// now, computed from each timeline with the seeded time limits and the
// working-day calendar. q.Sort may be app.SortDue.
func (db *DB) CaseRows(ctx context.Context, q app.CaseQuery, now time.Time) ([]app.CaseRow, error) {
	lq := q
	if q.Sort == app.SortDue {
		lq.Sort, lq.Limit = app.SortNewest, 0
	}
	cases, err := db.ListCases(ctx, lq)
	if err != nil {
		return nil, err
	}
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		return nil, err
	}
	events := map[string][]app.CaseEvent{}
	if len(cases) > 0 && len(rules) > 0 {
		// Every list reload reads the steps: their columns, not their JSON.
		events, err = db.stepsByCase(ctx, `SELECT `+stepColumns+` FROM case_events e JOIN cases c ON c.id = e.case_id
			WHERE NOT c.voided ORDER BY e.case_id, e.at, e.id`)
		if err != nil {
			return nil, err
		}
	}
	rows := make([]app.CaseRow, len(cases))
	for i := range cases {
		rows[i].Case = cases[i]
		if cal != nil {
			rows[i].Deadlines = app.Deadlines(&cases[i], events[cases[i].ID], rules, cal, now)
		}
	}
	if q.Sort == app.SortDue {
		app.SortByDue(rows)
		if q.Limit > 0 && len(rows) > q.Limit {
			rows = rows[:q.Limit]
		}
	}
	return rows, nil
}

// CaseDeadlines returns the running deadlines of one case at now.
func (db *DB) CaseDeadlines(ctx context.Context, c *app.Case, now time.Time) ([]app.Deadline, error) {
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil || cal == nil {
		return nil, err
	}
	events, err := db.ListCaseEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return app.Deadlines(c, events, rules, cal, now), nil
}

// WorkingCalendar returns the calendar deadlines are counted on, or nil
// without reference data.
func (db *DB) WorkingCalendar(ctx context.Context) (*app.Calendar, error) {
	_, cal, err := db.deadlineRules(ctx)
	return cal, err
}

// deadlineRules returns the time limits of the reference data and the
// working-day calendar (the seeds with the years the province synced,
// read afresh so that a sync by another process counts at once); none
// without reference data.
func (db *DB) deadlineRules(ctx context.Context) ([]app.SlaRule, *app.Calendar, error) {
	rd, ok := db.currentRefs().(*app.RefData)
	if !ok || rd == nil {
		return nil, nil, nil
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, nil, err
	}
	return rd.SlaRules, cal, nil
}
