package storage

import (
	"context"

	"bvntd/app"
)

// CommandLineOfficer names who acted in an audit record written from the
// command line, where nobody signs in and no officer was saved.
const CommandLineOfficer = "Người dùng dòng lệnh (chưa ghi tên cán bộ)"

// Audit records e, an append-only app.AuditEntry that syncs to the
// province like any record. Its instant and officer default to the store's
// clock and officer.
func (db *DB) Audit(ctx context.Context, e *app.AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.Now()
	}
	if e.Officer == "" {
		e.Officer = db.currentOfficer()
	}
	if e.Officer == "" {
		e.Officer = CommandLineOfficer
	}
	if e.UnitCode == "" {
		unit, err := db.UnitCode(ctx)
		if err != nil {
			return err
		}
		if unit == "" { // a provincial device: its own scope
			unit = app.ScopeProvince
		}
		e.UnitCode = unit
	}
	return db.SaveRecord(ctx, e)
}
