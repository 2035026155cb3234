// Package demo makes sample data for demonstrations, tests and benchmarks:
// the cases of a commune across the whole workflow (steps, referrals,
// negotiation and mediation records, outcomes), a report year of its
// training and outreach work (officers, organisations, participants,
// sessions with attendance, events, publications), or plain new cases.
// Everything is synthetic, drawn from one vocabulary (vocab.go) with a
// seeded random source: the same seed, store and clock give the same
// records.
//
// `bvntd demo` (cmd/cli), the server's tests and the sync benchmark use it.
// It writes through Store, the few service methods of the laptop's store it
// needs, so every write lands in the outbox as an officer's would; it
// imports neither the store nor the user interface.
package demo

import (
	"context"
	"encoding/json"
	"time"

	"bvntd/app"
)

// Store is what the generator writes through: the service methods of the
// laptop's store (*storage.DB, which cmd/cli asserts satisfies it).
type Store interface {
	CreateCase(ctx context.Context, c *app.Case) error
	GetCase(ctx context.Context, id string) (app.Case, error)
	ListCases(ctx context.Context, q app.CaseQuery) ([]app.Case, error)
	Edit(ctx context.Context, entity, id string, baseVersion int64, changes map[string]json.RawMessage) error
	AddCaseEvent(ctx context.Context, caseID string, e *app.CaseEvent) error
	ListCaseEvents(ctx context.Context, caseID string) ([]app.CaseEvent, error)
	SaveRecord(ctx context.Context, r app.Record) error
	Records(ctx context.Context, entity string, q app.RecordQuery) ([]app.Record, error)
}

// Defaults of `bvntd demo --trainings N --events N`: a commune's usual year.
const (
	DefaultTrainings = 6
	DefaultEvents    = 8
)

// Options say what to write.
type Options struct {
	// Unit is the commune (its 5-digit code). Seed chooses every random
	// draw.
	Unit string
	Seed uint64
	// Complaints is how many new cases to write; Edits how many changes
	// to make to the commune's cases afterwards, as a day of work does
	// (field edits, workflow steps).
	Complaints, Edits int
	// Plain writes newly received cases with the few fields of a quick
	// intake and no step (benchmarks, the kill test), and no year of work.
	Plain bool
	// Trainings and Events are how many training sessions (with their
	// registers) and outreach events (with the year's publications) of
	// the report year to write.
	Trainings, Events int
	// NoFiles leaves out the sample evidence files (Evidence), which take
	// most of a small demo's time: `bvntd demo --no-files`.
	NoFiles bool
}

// The store's clock. Every generator takes it as a pointer to the store's
// clock field (&db.Now): what it reads when the generator starts is "now",
// after which nothing is dated; meanwhile the generator stands it at the
// time each record would have been typed, so that created_at, updated_at
// and the outbox's device times tell the story too (the hybrid logical
// clock of sync keeps the real time), and puts it back before returning.

// nowOf reads the store's clock: now, to the second.
func nowOf(clock *func() time.Time) time.Time {
	if clock == nil || *clock == nil {
		panic("demo: no store clock given (pass &db.Now)")
	}
	return (*clock)().UTC().Truncate(time.Second)
}

// standAt returns a function that stands the clock at a time, and one
// that puts the clock back as it was.
func standAt(clock *func() time.Time) (at func(time.Time), restore func()) {
	was := *clock
	return func(t time.Time) { *clock = func() time.Time { return t } }, func() { *clock = was }
}

// Write writes the cases of o (Cases) and, unless o.Plain, the year of
// work (Year), as `bvntd demo` does.
func Write(ctx context.Context, st Store, clock *func() time.Time, refs *app.RefData, o Options) error {
	if _, _, err := Cases(ctx, st, clock, refs, o); err != nil || o.Plain {
		return err
	}
	_, err := Year(ctx, st, clock, refs, o)
	return err
}
