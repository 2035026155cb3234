package ui

import (
	"context"
	"errors"
	"slices"
	"time"

	"fyne.io/fyne/v2/lang"

	"bvntd/app"
)

// Attendance status codes (app.AttendanceStatuses).
const (
	attRegistered = "dang_ky"
	attPresent    = "co_mat"
	attAbsent     = "vang"
	attExcused    = "vang_co_phep"
)

// markResult is what became of one roster row.
type markResult struct {
	Participant app.Participant // the person, as stored
	Attendance  app.Attendance  // their row of the register, as stored
	Created     bool            // a new participant record was made for the row
	Unchanged   bool            // the person already had that status: nothing saved
}

// markAttendance puts rows on the register of session with status, saving
// each at once: a row with an ID is that participant; a row without one is
// matched against known (app.MatchPerson; with known nil, the store's
// participants and organisations are read) and, if nobody matches, saved
// as a new participant (so such a row needs its participant type; an
// import fills in a default). Marking someone present records the check-in
// time, now, unless they were already present; a row already holding the
// status is left as it is (a signature stays).
//
// It is the one way people get onto a register: the trainer's fast entry
// passes the person picked or the new one typed; an Excel roster import
// passes its rows. It refuses a closed register (app.AttendanceLocked),
// stops at the first error and returns what was marked until then. It
// touches no widget.
func markAttendance(ctx context.Context, svc RecordService, session *app.TrainingSession, rows []app.Participant,
	known []app.Participant, orgs []app.Organisation, status string, now time.Time) ([]markResult, error) {
	if app.AttendanceLocked(session, now) {
		return nil, &app.Error{Code: app.EINVALID, Message: lang.X("attendance.locked_error",
			"Danh sách tham dự của lớp này đã khóa, không thể ghi thêm.")}
	}
	if msg := app.AttendanceNotYet(session, status, now); msg != "" {
		return nil, &app.Error{Code: app.EINVALID, Message: msg}
	}
	if known == nil {
		var err error
		if known, orgs, err = loadPeople(ctx, svc); err != nil {
			return nil, err
		}
	}
	known = slices.Clip(known) // new people are appended to a copy, never into the caller's array
	var out []markResult
	for _, row := range rows {
		res := markResult{Participant: row}
		p := &res.Participant
		if p.ID == "" {
			if i, ok := app.MatchPerson(*p, known, orgs); ok {
				*p = known[i]
			} else {
				if p.UnitCode == "" {
					p.UnitCode = session.UnitCode
				}
				if err := svc.SaveRecord(ctx, p); err != nil {
					return out, err
				}
				res.Created = true
				known = append(known, *p)
			}
		}
		a := &res.Attendance
		err := svc.GetRecord(ctx, app.AttendanceID(session.ID, p.ID), a)
		switch {
		case err == nil:
			if a.Status == status && !a.Voided {
				res.Unchanged = true
				out = append(out, res)
				continue
			}
		case app.ErrorCode(err) == app.ENOTFOUND:
			*a = app.Attendance{SessionID: session.ID, ParticipantID: p.ID}
			a.UnitCode = session.UnitCode
		default:
			return out, err
		}
		a.Status, a.Voided = status, false
		if status == attPresent && a.CheckedInAt.IsZero() {
			a.CheckedInAt = now
		}
		if err := svc.SaveRecord(ctx, a); err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// errNoRecords is returned when the UI was built without a RecordService;
// the user sees the generic "system error" text.
var errNoRecords = app.WrapError(app.EINTERNAL, "", errors.New("ui: no record service"))

// loadPeople reads the participants and organisations of the store.
func loadPeople(ctx context.Context, svc RecordService) ([]app.Participant, []app.Organisation, error) {
	return loadPeopleWith(ctx, svc, false)
}

// loadPeopleWith is loadPeople without the participants whose processing
// is restricted, with hide (a list shown to an officer who does not see
// them).
func loadPeopleWith(ctx context.Context, svc RecordService, hide bool) ([]app.Participant, []app.Organisation, error) {
	recs, err := svc.Records(ctx, app.EntityParticipant, app.RecordQuery{HideRestricted: hide})
	if err != nil {
		return nil, nil, err
	}
	people := make([]app.Participant, 0, len(recs))
	for _, r := range recs {
		if p, ok := r.(*app.Participant); ok {
			people = append(people, *p)
		}
	}
	recs, err = svc.Records(ctx, app.EntityOrganisation, app.RecordQuery{})
	if err != nil {
		return nil, nil, err
	}
	orgs := make([]app.Organisation, 0, len(recs))
	for _, r := range recs {
		if o, ok := r.(*app.Organisation); ok {
			orgs = append(orgs, *o)
		}
	}
	return people, orgs, nil
}

// setAttendance saves a change of one register row (its status or its
// signature) off the caller's hands: the row is read afresh and only the
// changed values are written, so that a sync meanwhile is not undone.
func setAttendance(ctx context.Context, svc RecordService, session *app.TrainingSession, participantID string,
	status *string, signed *bool, now time.Time) (app.Attendance, error) {
	var a app.Attendance
	if app.AttendanceLocked(session, now) {
		return a, &app.Error{Code: app.EINVALID, Message: lang.X("attendance.locked_error",
			"Danh sách tham dự của lớp này đã khóa, không thể ghi thêm.")}
	}
	if status != nil {
		if msg := app.AttendanceNotYet(session, *status, now); msg != "" {
			return a, &app.Error{Code: app.EINVALID, Message: msg}
		}
	}
	err := svc.GetRecord(ctx, app.AttendanceID(session.ID, participantID), &a)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND:
		a = app.Attendance{SessionID: session.ID, ParticipantID: participantID, Status: attRegistered}
		a.UnitCode = session.UnitCode
	case err != nil:
		return a, err
	}
	if status != nil {
		a.Status = *status
		if a.Status == attPresent && a.CheckedInAt.IsZero() {
			a.CheckedInAt = now
		}
	}
	if signed != nil {
		a.Signed = *signed
	}
	err = svc.SaveRecord(ctx, &a)
	return a, err
}
