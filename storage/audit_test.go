package storage

import (
	"context"
	"encoding/json"
	"testing"

	"bvntd/app"
)

func TestAudit_AppendOnly(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	e := &app.AuditEntry{Action: app.AuditUnmaskedExport, What: "Sổ theo dõi vụ việc 2026", People: 3, Records: 4, Reason: "Gửi Sở Công Thương theo công văn"}
	if err := db.Audit(ctx, e); err != nil {
		t.Fatal(err)
	}
	var got app.AuditEntry
	if err := db.GetRecord(ctx, e.ID, &got); err != nil {
		t.Fatal(err)
	}
	if got.Officer == "" || got.At.IsZero() || got.People != 3 {
		t.Fatalf("audit entry = %+v", got)
	}
	if err := db.Edit(ctx, app.EntityAuditEntry, e.ID, -1, map[string]json.RawMessage{"people": json.RawMessage("0")}); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("edit of an audit entry: %v", err)
	}
	got.Reason = "khác"
	if err := db.SaveRecord(ctx, &got); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("save over an audit entry: %v", err)
	}
	if err := db.Audit(ctx, &app.AuditEntry{Action: app.AuditRestrict}); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("restriction without a reason: %v", err)
	}
}
