// Package demotest reads back what seeds/demo wrote into a laptop's store,
// for the tests of the generator and of `bvntd demo` (cmd/cli): the cases
// with their timelines, checked against the workflow, and the records of
// the year's training and outreach work.
package demotest

import (
	"context"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage"
)

// Case is a case with its timeline.
type Case struct {
	app.Case
	Events []app.CaseEvent
}

// LoadCases returns the cases of the store with their timelines.
func LoadCases(t testing.TB, db *storage.DB) []Case {
	t.Helper()
	ctx := context.Background()
	cases, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Case, len(cases))
	for i, c := range cases {
		evs, err := db.ListCaseEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = Case{c, evs}
	}
	return out
}

// CheckTimelines checks that every case is valid and that its timeline
// replays through the workflow from moi_tiep_nhan to its status, with
// times that never go back, from its reception to now at the latest.
func CheckTimelines(t testing.TB, cases []Case, refs *app.RefData, now time.Time) {
	t.Helper()
	for _, c := range cases {
		if err := c.Validate(refs, now); err != nil {
			t.Fatalf("case %s is invalid: %v", c.Number, err)
		}
		status, prev := app.StatusReceived, c.ReceivedAt
		for i, e := range c.Events {
			if err := e.Validate(); err != nil {
				t.Fatalf("case %s, step %d (%s) is invalid: %v", c.Number, i+1, e.Kind, err)
			}
			next, err := app.NextStatus(status, e.Kind)
			if err != nil {
				t.Fatalf("case %s, step %d: %s from %s: %v", c.Number, i+1, e.Kind, status, err)
			}
			if e.FromStatus != status || e.ToStatus != next {
				t.Fatalf("case %s, step %d (%s): recorded %s → %s, replayed %s → %s",
					c.Number, i+1, e.Kind, e.FromStatus, e.ToStatus, status, next)
			}
			if e.At.Before(prev) {
				t.Fatalf("case %s, step %d (%s) at %v, before %v (received %v)", c.Number, i+1, e.Kind, e.At, prev, c.ReceivedAt)
			}
			if e.At.After(now) {
				t.Fatalf("case %s, step %d (%s) at %v, after now %v", c.Number, i+1, e.Kind, e.At, now)
			}
			status, prev = next, e.At
		}
		if status != c.Status {
			t.Fatalf("case %s: the timeline leads to %s, the case is %s", c.Number, status, c.Status)
		}
	}
}

// Year is what a store holds of the training and outreach work.
type Year struct {
	Officers     []app.Officer
	Orgs         []app.Organisation
	People       []app.Participant
	Sessions     []app.TrainingSession
	Rows         []app.Attendance
	Events       []app.OutreachEvent
	Publications []app.Publication
}

// LoadYear returns the store's records of the training and outreach work.
func LoadYear(t testing.TB, db *storage.DB) Year {
	t.Helper()
	ctx := context.Background()
	var y Year
	var err error
	q := storage.RecordQuery{}
	if y.Officers, err = storage.ListRecords[app.Officer](ctx, db, q); err != nil {
		t.Fatal(err)
	}
	if y.Orgs, err = storage.ListRecords[app.Organisation](ctx, db, q); err != nil {
		t.Fatal(err)
	}
	if y.People, err = storage.ListRecords[app.Participant](ctx, db, q); err != nil {
		t.Fatal(err)
	}
	if y.Sessions, err = storage.ListRecords[app.TrainingSession](ctx, db, q); err != nil {
		t.Fatal(err)
	}
	if y.Rows, err = storage.ListRecords[app.Attendance](ctx, db, q); err != nil {
		t.Fatal(err)
	}
	if y.Events, err = storage.ListRecords[app.OutreachEvent](ctx, db, q); err != nil {
		t.Fatal(err)
	}
	if y.Publications, err = storage.ListRecords[app.Publication](ctx, db, q); err != nil {
		t.Fatal(err)
	}
	return y
}

// Day reads a day YYYY-MM-DD as midnight in Vietnam.
func Day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, app.ICT)
	if err != nil {
		panic(err)
	}
	return t
}
