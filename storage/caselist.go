package storage

import (
	"context"
	"encoding/json"
	"time"

	"bvntd/app"
)

// CaseRows returns the cases matching q with their running deadlines at
// now, computed from each timeline with the seeded time limits and the
// working-day calendar. q.Sort may be app.SortDue. A row's case holds its
// list columns (caseIndexColumns: number, dates, people, business, sector,
// kind, status, vulnerable groups), not the whole record (GetCase).
func (db *DB) CaseRows(ctx context.Context, q app.CaseQuery, now time.Time) ([]app.CaseRow, error) {
	lq := q
	if q.Sort == app.SortDue {
		lq.Sort, lq.Limit = app.SortNewest, 0
	}
	cases, err := db.listCases(ctx, lq)
	if err != nil {
		return nil, err
	}
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		return nil, err
	}
	events := map[string][]app.CaseEvent{}
	if len(cases) > 0 && len(rules) > 0 {
		// Every list reload reads the steps: their columns, not their JSON;
		// those of the cases listed only, when a search or a filter lists
		// a few.
		q, args := `SELECT `+stepColumns+` FROM case_events e ORDER BY e.case_id, e.at, e.id`, []any(nil)
		if len(cases) <= stepsByID {
			q, args = `SELECT `+stepColumns+` FROM case_events e WHERE e.case_id IN (SELECT value FROM json_each(?))
				ORDER BY e.case_id, e.at, e.id`, []any{caseIDs(cases)}
		}
		if events, err = db.stepsByCase(ctx, q, args...); err != nil {
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

// stepsByID is how many cases a list may hold for their steps to be read
// by id; a longer list reads every step.
const stepsByID = 5000

// caseIDs returns the ids of cases as a JSON array (for json_each).
func caseIDs(cases []app.Case) string {
	ids := make([]string, len(cases))
	for i := range cases {
		ids[i] = cases[i].ID
	}
	b, _ := json.Marshal(ids) // strings always marshal
	return string(b)
}
