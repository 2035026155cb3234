package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"bvntd/app"
)

// Retention (issue 19 item 3, app/retention.go): the device's retention
// period, and the run that anonymises the records whose period has ended.

// Meta keys of retention.
const (
	metaRetention        = "retention"          // app.Retention as JSON; unset: app.DefaultRetention
	metaRetentionLastRun = "retention_last_run" // the day (YYYY-MM-DD, Vietnam) of the last daily run
	metaRetentionResult  = "retention_result"   // app.RetentionRun of the last run, as JSON
)

// retentionJSON is how the setting is kept in the meta table.
type retentionJSON struct {
	CaseYears        int `json:"case_years"`
	ParticipantYears int `json:"participant_years"`
}

// Retention returns the retention period set on this device, or
// app.DefaultRetention if none was set.
func (db *DB) Retention(ctx context.Context) (app.Retention, error) {
	v, err := getMeta(ctx, db.r, metaRetention)
	if err != nil || v == "" {
		return app.DefaultRetention, err
	}
	var j retentionJSON
	if err := json.Unmarshal([]byte(v), &j); err != nil {
		return app.DefaultRetention, fmt.Errorf("retention setting: %w", err)
	}
	r := app.Retention{CaseYears: j.CaseYears, ParticipantYears: j.ParticipantYears}
	if r.Validate() != nil {
		return app.DefaultRetention, nil
	}
	return r, nil
}

// SetRetention sets this device's retention period (a device setting, not
// synced: each commune's leader decides for its laptop).
func (db *DB) SetRetention(ctx context.Context, r app.Retention) error {
	if err := r.Validate(); err != nil {
		return err
	}
	b, _ := json.Marshal(retentionJSON{CaseYears: r.CaseYears, ParticipantYears: r.ParticipantYears}) // ints always marshal
	return db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaRetention, string(b)) })
}

// AnonymiseResult is what a retention run did (or, dry, would do).
type AnonymiseResult struct {
	Retention app.Retention
	DryRun    bool
	// Cases are the numbers of the cases anonymised (due, in a dry run);
	// Participants, how many participant records.
	Cases        []string
	Participants int
	// People is how many people's data: the consumers and representatives
	// of the cases, and the participants.
	People int
	// Held are the cases whose period has ended but which are kept as they
	// are: their timeline shows no closing step, so the indicators date
	// their end by their last change, which an edit would move
	// (app.RetentionNoFinalStep).
	Held []string
	// Failed are the records an edit refused (a record no longer valid
	// under today's rules), with the message: left for an officer to fix.
	Failed []AnonymiseFailure
}

// AnonymiseFailure is a record a retention run could not anonymise.
type AnonymiseFailure struct {
	Entity  string
	Ref     string // the case number, or the participant's id
	Message string
}

// String names the record (a case by its number, a participant by its id,
// never by name) and why it was refused, in Vietnamese.
func (f AnonymiseFailure) String() string {
	what := "Vụ việc " + f.Ref
	if f.Entity == app.EntityParticipant {
		what = "Người tham dự (mã " + f.Ref + ")"
	}
	return what + ": " + f.Message
}

// Records returns how many records were anonymised.
func (r AnonymiseResult) Records() int { return len(r.Cases) + r.Participants }

// anonymiseBatch is how many records one transaction anonymises: a long
// run (thousands of records on the first day) lets the officer's own
// edits and the sync in between.
const anonymiseBatch = 200

// maxAuditNumbers is how many case numbers the audit record lists; more
// are counted.
const maxAuditNumbers = 300

// dueRecord is a record a run anonymises.
type dueRecord struct {
	entity, id, ref string
	people          int
	on              time.Time // the day its period ended: its AnonymisedOn
}

// Anonymise anonymises the personal fields of every record whose retention
// period r has ended at the store's clock (app.CaseRetention,
// app.ParticipantRetention): each as an ordinary edit (Edit: validated,
// queued in the outbox, so the server and every other device anonymise it
// too), in batches, then one audit record (app.AuditAnonymise) with the
// counts and the case numbers, never a name. The free text of a case's
// steps is scrubbed too (anonymiseSteps). A run with nothing due writes
// nothing.
func (db *DB) Anonymise(ctx context.Context, r app.Retention) (AnonymiseResult, error) {
	return db.anonymise(ctx, r, false, "")
}

// AutoRetentionOfficer names who acted in a run the desktop app made by
// itself (DailyAnonymise): not the officer who happens to be signed in.
const AutoRetentionOfficer = "Ứng dụng (tự ẩn danh hóa hằng ngày)"

// AnonymiseDryRun lists what Anonymise would anonymise now, changing
// nothing.
func (db *DB) AnonymiseDryRun(ctx context.Context, r app.Retention) (AnonymiseResult, error) {
	return db.anonymise(ctx, r, true, "")
}

// DailyAnonymise runs Anonymise with the device's retention period once
// a day (Vietnam time), in the name of AutoRetentionOfficer: ran is false
// if it already ran today.
func (db *DB) DailyAnonymise(ctx context.Context) (res AnonymiseResult, ran bool, err error) {
	today := db.Now().In(app.ICT).Format(time.DateOnly)
	last, err := getMeta(ctx, db.r, metaRetentionLastRun)
	if err != nil || last == today {
		return res, false, err
	}
	if unit, err := db.UnitCode(ctx); err != nil || unit == "" {
		return res, false, err // a provincial device: see MsgRetentionNoCommune
	}
	r, err := db.Retention(ctx)
	if err != nil {
		return res, false, err
	}
	if res, err = db.anonymise(ctx, r, false, AutoRetentionOfficer); err != nil {
		return res, true, err
	}
	return res, true, db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaRetentionLastRun, today) })
}

// MsgRetentionNoCommune refuses a retention run on a device that records
// for no commune (the province's): each commune's devices anonymise their
// own records, and the province's copy follows through the sync.
const MsgRetentionNoCommune = "Máy này không gắn với xã, phường nào (máy cấp tỉnh): việc ẩn danh hóa khi hết thời hạn lưu trữ do máy của từng xã, phường thực hiện và đồng bộ về máy chủ."

// anonymise is Anonymise (dry: AnonymiseDryRun) with the officer the edits
// and the audit record name ("": the store's officer).
func (db *DB) anonymise(ctx context.Context, r app.Retention, dry bool, officer string) (AnonymiseResult, error) {
	res := AnonymiseResult{Retention: r, DryRun: dry}
	if err := r.Validate(); err != nil {
		return res, err
	}
	unit, err := db.UnitCode(ctx)
	if err != nil {
		return res, err
	}
	if unit == "" {
		return res, app.Errorf(app.EINVALID, "%s", MsgRetentionNoCommune)
	}
	now := db.Now()
	due, err := db.dueCases(ctx, unit, r, now, &res)
	if err != nil {
		return res, err
	}
	people, err := db.dueParticipants(ctx, unit, r, now)
	if err != nil {
		return res, err
	}
	due = append(due, people...)
	if dry {
		for _, d := range due {
			res.add(d)
		}
		return res, nil
	}
	for start := 0; start < len(due); start += anonymiseBatch {
		batch := due[start:min(start+anonymiseBatch, len(due))]
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var done []dueRecord
		var failed []AnonymiseFailure
		err := db.tx(ctx, func(tx *sql.Tx) error {
			done, failed = nil, nil
			for _, d := range batch {
				switch err := db.anonymiseOne(ctx, tx, d, officer); {
				case err == nil:
					done = append(done, d)
				case app.ErrorCode(err) == app.EINVALID:
					failed = append(failed, AnonymiseFailure{Entity: d.entity, Ref: d.ref, Message: errMessage(err)})
				default:
					return err
				}
			}
			return nil
		})
		if err != nil {
			if res.Records() > 0 { // the batches already written are audited
				err = errors.Join(err, db.auditAnonymise(ctx, res, officer))
			}
			return res, err
		}
		for _, d := range done {
			res.add(d)
		}
		res.Failed = append(res.Failed, failed...)
	}
	if err := db.saveRetentionRun(ctx, now, res); err != nil {
		return res, err
	}
	if res.Records() == 0 {
		return res, nil
	}
	return res, db.auditAnonymise(ctx, res, officer)
}

// saveRetentionRun keeps what the run at left for an officer (the cases
// held back, the records refused), for the sync tab to show.
func (db *DB) saveRetentionRun(ctx context.Context, at time.Time, res AnonymiseResult) error {
	run := app.RetentionRun{At: at.UTC().Truncate(time.Second), Held: res.Held}
	for _, f := range res.Failed {
		run.Failed = append(run.Failed, f.String())
	}
	b, err := json.Marshal(run)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaRetentionResult, string(b)) })
}

// LastRetentionRun returns what the last (not dry) retention run on this
// device left for an officer; a zero At if none ran.
func (db *DB) LastRetentionRun(ctx context.Context) (app.RetentionRun, error) {
	var run app.RetentionRun
	v, err := getMeta(ctx, db.r, metaRetentionResult)
	if err != nil || v == "" {
		return run, err
	}
	if err := json.Unmarshal([]byte(v), &run); err != nil {
		return app.RetentionRun{}, fmt.Errorf("retention result: %w", err)
	}
	return run, nil
}

func (res *AnonymiseResult) add(d dueRecord) {
	if d.entity == app.EntityCase {
		res.Cases = append(res.Cases, d.ref)
	} else {
		res.Participants++
	}
	res.People += d.people
}

// errMessage is the Vietnamese message of err, with its fields' messages.
func errMessage(err error) string {
	var e *app.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	msg := e.Message
	for _, m := range e.Fields {
		msg += " " + m
	}
	return msg
}

// anonymiseOne anonymises one record in tx as an ordinary edit (the path
// of Edit), from the record as stored now.
func (db *DB) anonymiseOne(ctx context.Context, tx *sql.Tx, d dueRecord, officer string) error {
	k, _ := kindOf(d.entity)
	stored, _, found, err := db.get(ctx, tx, k, d.id)
	if err != nil || !found {
		return err
	}
	old, err := k.decode(stored)
	if err != nil {
		return err
	}
	if officer == "" {
		officer = db.currentOfficer()
	}
	now := db.Now().UTC().Truncate(time.Second)
	var anon app.Record
	switch x := old.(type) {
	case *app.Case:
		if x.AnonymisedOn != "" {
			return nil
		}
		a := app.AnonymisedCase(*x, d.on)
		anon = &a
	case *app.Participant:
		if x.AnonymisedOn != "" {
			return nil
		}
		a := app.AnonymisedParticipant(*x, d.on)
		anon = &a
	default:
		return fmt.Errorf("anonymise: %s records are not anonymised", d.entity)
	}
	changes := app.DiffFields(old.Fields(), anon.Fields())
	for f := range changes {
		if protectedFields[f] {
			delete(changes, f)
		}
	}
	if len(changes) == 0 {
		return nil
	}
	e := edit{base: -1, changes: changes, now: now, officer: officer, check: true}
	if err := db.write(ctx, tx, d.entity, d.id, e); err != nil {
		return err // refused (validation): its steps are left as they are too
	}
	if c, ok := old.(*app.Case); ok {
		return db.anonymiseSteps(ctx, tx, c, officer, now)
	}
	return nil
}

// anonymiseSteps scrubs the free text of the steps of case c (as it is
// before it is anonymised) of c's personal values, each step changed as a
// synced upsert of the fields that changed, like a pulled change of a
// step: the server merges it per field and every device pulls it. Steps
// stay append-only for officers: no edit path reaches them (Edit and write
// refuse them); only this run rewrites their text.
func (db *DB) anonymiseSteps(ctx context.Context, tx *sql.Tx, c *app.Case, officer string, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT fields FROM case_events WHERE case_id = ? ORDER BY at, id`, c.ID)
	if err != nil {
		return fmt.Errorf("steps of case: %w", err)
	}
	var steps []app.CaseEvent
	for rows.Next() {
		var s string
		var e app.CaseEvent
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			rows.Close()
			return fmt.Errorf("case event: %w", err)
		}
		steps = append(steps, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range steps {
		e := &steps[i]
		a := app.AnonymisedEvent(*e, c)
		changes := app.DiffFields(e.Fields(), a.Fields())
		if len(changes) == 0 {
			continue
		}
		if err := db.put(ctx, tx, eventKind, &a); err != nil {
			return err
		}
		if err := db.appendMutationAt(ctx, tx, app.EntityCaseEvent, e.ID, e.UnitCode, changes, officer, now, -1); err != nil {
			return err
		}
	}
	return nil
}

// auditAnonymise records the run: how many cases and participants, the
// case numbers, how many people.
func (db *DB) auditAnonymise(ctx context.Context, res AnonymiseResult, officer string) error {
	what := fmt.Sprintf("Ẩn danh hóa khi hết thời hạn lưu trữ (vụ việc: %d năm sau khi kết thúc; người tham dự: %d năm sau lần tham dự cuối): %d vụ việc, %d người tham dự.",
		res.Retention.CaseYears, res.Retention.ParticipantYears, len(res.Cases), res.Participants)
	if n := len(res.Cases); n > 0 {
		shown := res.Cases[:min(n, maxAuditNumbers)]
		what += " Số vụ việc: " + strings.Join(shown, ", ")
		if n > len(shown) {
			what += " và " + strconv.Itoa(n-len(shown)) + " vụ việc khác"
		}
		what += "."
	}
	return db.Audit(ctx, &app.AuditEntry{Action: app.AuditAnonymise, What: what, People: res.People, Records: res.Records(), Officer: officer})
}

// AnonymisationLog returns the audit records of the retention runs
// (app.AuditAnonymise) this device holds — its own and, synced, those of
// the commune's other devices — newest first.
func (db *DB) AnonymisationLog(ctx context.Context) ([]app.AuditEntry, error) {
	all, err := ListRecords[app.AuditEntry](ctx, db, RecordQuery{})
	if err != nil {
		return nil, err
	}
	var out []app.AuditEntry
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Action == app.AuditAnonymise {
			out = append(out, all[i])
		}
	}
	slices.SortStableFunc(out, func(a, b app.AuditEntry) int { return b.At.Compare(a.At) })
	return out, nil
}

// dueCases returns the cases of the commune unit due under r at now, by
// number, and notes in res the cases held back.
func (db *DB) dueCases(ctx context.Context, unit string, r app.Retention, now time.Time, res *AnonymiseResult) ([]dueRecord, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT fields, server_version FROM cases
		WHERE coalesce(json_extract(fields, '$.anonymised_on'), '') = '' AND json_extract(fields, '$.unit_code') = ?
		ORDER BY json_extract(fields, '$.number')`, unit)
	if err != nil {
		return nil, fmt.Errorf("retention cases: %w", err)
	}
	cases, err := scanCases(rows)
	if err != nil {
		return nil, err
	}
	steps := map[string][]app.CaseEvent{}
	erows, err := db.r.QueryContext(ctx, `SELECT fields FROM case_events`)
	if err != nil {
		return nil, fmt.Errorf("retention steps: %w", err)
	}
	defer erows.Close()
	for erows.Next() {
		var s string
		var e app.CaseEvent
		if err := erows.Scan(&s); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			return nil, fmt.Errorf("case event: %w", err)
		}
		steps[e.CaseID] = append(steps[e.CaseID], e)
	}
	if err := erows.Err(); err != nil {
		return nil, err
	}
	var out []dueRecord
	for i := range cases {
		c := &cases[i]
		due, since, held := app.CaseRetention(c, steps[c.ID], r, now)
		switch {
		case held != "":
			res.Held = append(res.Held, c.Number)
		case due:
			n := 1
			if c.RepresentativeName != "" {
				n++
			}
			out = append(out, dueRecord{entity: app.EntityCase, id: c.ID, ref: c.Number, people: n,
				on: app.RetentionEnd(since, r.CaseYears)})
		}
	}
	return out, nil
}

// dueParticipants returns the participants of the commune unit due under r
// at now: their last
// attendance is the day of the session or event attended (its last day),
// or the check-in if later.
func (db *DB) dueParticipants(ctx context.Context, unit string, r app.Retention, now time.Time) ([]dueRecord, error) {
	all := RecordQuery{IncludeVoided: true}
	people, err := ListRecords[app.Participant](ctx, db, all)
	if err != nil {
		return nil, err
	}
	days := map[string]string{} // session or event id → its last day
	sessions, err := ListRecords[app.TrainingSession](ctx, db, all)
	if err != nil {
		return nil, err
	}
	for _, s := range sessions {
		days[s.ID] = max(s.StartDate, s.EndDate)
	}
	events, err := ListRecords[app.OutreachEvent](ctx, db, all)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		days[e.ID] = max(e.StartDate, e.EndDate)
	}
	rows, err := ListRecords[app.Attendance](ctx, db, RecordQuery{})
	if err != nil {
		return nil, err
	}
	last := map[string]time.Time{}
	for _, a := range rows {
		at := a.CheckedInAt
		if d, err := time.ParseInLocation(time.DateOnly, days[a.SessionID], app.ICT); err == nil && d.After(at) {
			at = d
		}
		if at.IsZero() {
			at = a.CreatedAt
		}
		if at.After(last[a.ParticipantID]) {
			last[a.ParticipantID] = at
		}
	}
	var out []dueRecord
	for i := range people {
		p := &people[i]
		if p.UnitCode != unit {
			continue
		}
		if due, since := app.ParticipantRetention(p, last[p.ID], r, now); due {
			out = append(out, dueRecord{entity: app.EntityParticipant, id: p.ID, ref: p.ID, people: 1,
				on: app.RetentionEnd(since, r.ParticipantYears)})
		}
	}
	return out, nil
}
