package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"bvntd/app"
)

// AddCaseEvent records a step of a case: it checks the step against the
// workflow (app.NextStatus), appends the event, and moves the case to its
// new status, with their outbox mutations, in one transaction. It fills
// the event's id, commune, case, officer and statuses, and its time unless
// e.At is set to when the step was done (not before the day the case was
// received, not in the future).
func (db *DB) AddCaseEvent(ctx context.Context, caseID string, e *app.CaseEvent) error {
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	return db.tx(ctx, func(tx *sql.Tx) error {
		c, err := getCase(ctx, db, tx, caseID)
		if err != nil {
			return err
		}
		done, err := stepKinds(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		to, err := app.NextStatusAfter(c.Status, e.Kind, done)
		if err != nil {
			return err
		}
		// A step done earlier (the business was phoned yesterday) keeps
		// its day; it cannot predate the case nor lie in the future.
		at := e.At.UTC().Truncate(time.Second)
		r := c.ReceivedAt.In(app.ICT)
		receivedDay := time.Date(r.Year(), r.Month(), r.Day(), 0, 0, 0, 0, app.ICT)
		switch {
		case e.At.IsZero():
			at = now
		case at.After(now):
			return &app.Error{Code: app.EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.",
				Fields: map[string]string{"at": "Ngày thực hiện không được ở tương lai."}}
		case at.Before(receivedDay):
			return &app.Error{Code: app.EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.",
				Fields: map[string]string{"at": "Ngày thực hiện không được trước ngày tiếp nhận vụ việc."}}
		}
		e.ID, e.UnitCode, e.CaseID, e.At, e.Officer = app.NewID(), c.UnitCode, c.ID, at, officer
		e.FromStatus, e.ToStatus = c.Status, to
		e.Normalize()
		if err := e.Validate(); err != nil {
			return err
		}
		if err := e.CheckForCase(&c); err != nil {
			return err
		}
		if err := db.put(ctx, tx, eventKind, e); err != nil {
			return err
		}
		if err := db.appendMutation(ctx, tx, app.EntityCaseEvent, e.ID, e.UnitCode, e.Fields(), officer, now); err != nil {
			return err
		}
		if to == c.Status {
			return nil
		}
		status, _ := json.Marshal(to)
		return db.write(ctx, tx, app.EntityCase, c.ID, edit{base: -1, changes: map[string]json.RawMessage{"status": status}, now: now, officer: officer})
	})
}

// stepKinds returns the kinds of the steps recorded for a case.
func stepKinds(ctx context.Context, tx *sql.Tx, caseID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT kind FROM case_events WHERE case_id = ?`, caseID)
	if err != nil {
		return nil, fmt.Errorf("read steps: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ListCaseEvents returns a case's timeline, oldest first (ties by id, which
// is time-ordered).
func (db *DB) ListCaseEvents(ctx context.Context, caseID string) ([]app.CaseEvent, error) {
	return db.caseEvents(ctx, "SELECT fields FROM case_events WHERE case_id = ? ORDER BY at, id", caseID)
}

func (db *DB) caseEvents(ctx context.Context, query string, args ...any) ([]app.CaseEvent, error) {
	return db.caseEventsOf(ctx, nil, query, args...)
}

// caseEventsOf is caseEvents keeping the steps of the cases in of only
// (all when of is nil).
func (db *DB) caseEventsOf(ctx context.Context, of map[string]bool, query string, args ...any) ([]app.CaseEvent, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("case events: %w", err)
	}
	defer rows.Close()
	var out []app.CaseEvent
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var e app.CaseEvent
		if err := decodeCaseEvent(s, &e); err != nil {
			return nil, err
		}
		if of == nil || of[e.CaseID] {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}

// decodeCaseEvent decodes a stored event's fields straight into e: the
// same result as SetFields on a fresh event (which re-encodes the map and
// decodes it into the struct), without the map and the second pass.
func decodeCaseEvent(s string, e *app.CaseEvent) error {
	if err := json.Unmarshal([]byte(s), e); err != nil {
		return fmt.Errorf("case event: %w", err)
	}
	return nil
}

// stepColumns are the columns copied from each step (migration 0011) that
// deadlines and reports read: no JSON to decode. The query must name
// case_events "e".
const stepColumns = `e.case_id, e.id, e.at, e.kind, e.from_status, e.to_status, e.outcome, e.amount_recovered`

// stepsByCase runs a query selecting stepColumns and returns the steps by
// case, in the query's order. The steps carry what deadlines and the
// indicators of a case read, not their notes or records.
func (db *DB) stepsByCase(ctx context.Context, query string, args ...any) (map[string][]app.CaseEvent, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("case steps: %w", err)
	}
	defer rows.Close()
	out := map[string][]app.CaseEvent{}
	for rows.Next() {
		var e app.CaseEvent
		var at string
		if err := rows.Scan(&e.CaseID, &e.ID, &at, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Outcome, &e.AmountRecovered); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out[e.CaseID] = append(out[e.CaseID], e)
	}
	return out, rows.Err()
}
