package serverstore

import (
	"context"
	"encoding/json"
	"fmt"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// AuditEntries returns the audit records (app.AuditEntry: who took what
// personal data) the devices synced, of one commune or, for commune == "",
// of every commune and the province's devices, in no particular order. A
// record without a commune takes the scope it was stored under.
func (s *Store) AuditEntries(ctx context.Context, commune string) ([]app.AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT scope, fields FROM records WHERE entity = ? AND scope <> ? AND (? = '' OR scope = ?)`,
		app.EntityAuditEntry, syncproto.ScopeShared, commune, commune)
	if err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	defer rows.Close()
	var out []app.AuditEntry
	for rows.Next() {
		var scope string
		var raw []byte
		if err := rows.Scan(&scope, &raw); err != nil {
			return nil, fmt.Errorf("audit entries: %w", err)
		}
		var f map[string]json.RawMessage
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("audit entries: %w", err)
		}
		var e app.AuditEntry
		if err := e.SetFields(f); err != nil {
			return nil, fmt.Errorf("audit entries: %w", err)
		}
		if e.UnitCode == "" {
			e.UnitCode = scope
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
