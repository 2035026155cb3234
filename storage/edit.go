package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"bvntd/app"
)

// protectedFields are the identity and provenance of a record: no edit
// changes them (the store sets updated_at and updated_by itself).
var protectedFields = map[string]bool{"id": true, "unit_code": true, "number": true,
	"created_at": true, "created_by": true, "updated_at": true, "updated_by": true}

// Edit applies the changes an officer made to one record (the fields they
// changed, by their JSON names, with the new values) to the record as it is
// now, in one transaction: it reads the record, applies the changes,
// normalises and validates the result, writes it and queues one outbox
// mutation holding the fields that changed. A value a sync brought while
// the officer was editing is kept unless the officer changed that field
// too; and only the officer's own changes are sent.
//
// baseVersion is the server version of the copy the officer edited
// (app.Case.Version, app.RecordHead.Version; -1: the version stored now):
// the server keeps a conflict to review when another device changed one of
// these fields in a version the officer had not seen. An edit that changes
// nothing writes nothing.
func (db *DB) Edit(ctx context.Context, entity, id string, baseVersion int64, changes map[string]json.RawMessage) error {
	for k := range changes {
		if protectedFields[k] {
			return app.Errorf(app.EINVALID, "Không sửa được trường %s: mã, xã và người ghi nhận của bản ghi không thay đổi được.", k)
		}
	}
	if len(changes) == 0 {
		return nil
	}
	if app.IsAppendOnly(entity) {
		return &app.Error{Code: app.EINVALID, Message: app.MsgAppendOnly}
	}
	if err := refuseLimited(ctx, db.r, entity, id, changes); err != nil {
		return err
	}
	e := edit{base: baseVersion, changes: changes, now: db.Now().UTC().Truncate(time.Second), officer: db.currentOfficer(), check: true}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.write(ctx, tx, entity, id, e) })
}

// edit is a change of some fields of one record, as Edit and the store's
// own steps (a workflow step's new status, a conflict resolved) make it.
type edit struct {
	base    int64 // the version the change was made on; -1: the stored one
	changes map[string]json.RawMessage
	now     time.Time
	officer string
	// check validates the record as changed, as for an officer's edit; the
	// store's own steps change one field of a record that was valid when
	// written and are not held up by the rest of it.
	check bool
}

// write applies e to the record entity/id in tx and queues its outbox
// mutation with the fields that changed: the one edit path of every kind of
// record (an officer's edit, a workflow step's status, a conflict resolved).
func (db *DB) write(ctx context.Context, tx *sql.Tx, entity, id string, e edit) error {
	k, ok := kindOf(entity)
	if !ok || entity == app.EntityCaseEvent || entity == app.EntityConflict {
		return fmt.Errorf("edit: %q records are not edited", entity)
	}
	stored, _, found, err := db.get(ctx, tx, k, id)
	switch {
	case err != nil:
		return err
	case !found && entity == app.EntityCase:
		return app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
	case !found:
		return app.Errorf(app.ENOTFOUND, "Không tìm thấy bản ghi.")
	}
	old, err := k.decode(stored)
	if err != nil {
		return err
	}
	was := old.Fields()
	r := k.new().(app.Record)
	if err := r.SetFields(apply(was, e.changes)); err != nil {
		return errBadValue
	}
	r.Normalize()
	if len(app.DiffFields(was, r.Fields())) == 0 {
		return nil
	}
	if e.check {
		if err := db.validateEdit(ctx, tx, old.(app.Record), r, e.now); err != nil {
			return err
		}
	}
	h := r.Head()
	h.UpdatedAt, h.UpdatedBy = e.now, e.officer
	if err := db.put(ctx, tx, k, r); err != nil {
		return err
	}
	return db.appendMutationAt(ctx, tx, entity, id, h.UnitCode, app.DiffFields(was, r.Fields()), e.officer, e.now, e.base)
}

// validateEdit checks r, old as changed, as the officer's form does; and
// an attendance row's register is still open.
func (db *DB) validateEdit(ctx context.Context, tx *sql.Tx, old, r app.Record, now time.Time) error {
	checkAt := now
	if c, ok := r.(*app.Case); ok {
		// A date received earlier stays valid even on a laptop whose clock
		// is behind: only a changed date is checked against this clock.
		if was := old.(*app.Case); c.ReceivedAt.Equal(was.ReceivedAt) && was.ReceivedAt.After(now) {
			checkAt = was.ReceivedAt
		}
	}
	if err := r.Validate(db.currentRefs(), checkAt); err != nil {
		return err
	}
	return db.checkAttendanceOpen(ctx, tx, r, now)
}

// checkAttendanceOpen refuses a change to an attendance row once its
// session's register is closed (app.AttendanceLocked).
func (db *DB) checkAttendanceOpen(ctx context.Context, tx *sql.Tx, r app.Record, now time.Time) error {
	a, ok := r.(*app.Attendance)
	if !ok {
		return nil
	}
	var s app.TrainingSession
	if err := getRecord(ctx, db, tx, app.EntityTraining, a.SessionID, &s); err != nil {
		return err
	}
	if app.AttendanceLocked(&s, now) {
		return app.Errorf(app.EINVALID, "Danh sách tham dự của lớp này đã khóa: lớp đã báo cáo hoặc đã tổ chức quá %d ngày.", app.AttendanceLockDays)
	}
	if msg := app.AttendanceNotYet(&s, a.Status, now); msg != "" {
		return &app.Error{Code: app.EINVALID, Message: msg, Fields: map[string]string{"status": msg}}
	}
	return nil
}

// mustJSON encodes a string value.
func mustJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// apply returns the fields of old with changes applied.
func apply(old, changes map[string]json.RawMessage) map[string]json.RawMessage {
	out := maps.Clone(old)
	maps.Copy(out, changes)
	return out
}

var errBadValue = app.Errorf(app.EINVALID, "Giá trị không hợp lệ.")
