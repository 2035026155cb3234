package serverstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

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

// PutAuditEntries records entries the server itself makes (an unmasked
// export of the merged data, `bvntd-server export --unmask`): each goes
// into its commune's scope as a new append-only record (app.AuditEntry)
// stamped by the server, so that it is in the province's audit export and
// reaches the commune's laptops on their next pull, like the laptops' own.
// The entries are validated first (nil refs: the commune's code is
// checked for its shape); the first problem stops them all.
func (s *Store) PutAuditEntries(ctx context.Context, entries []app.AuditEntry) error {
	now := s.now()
	entries = slices.Clone(entries)
	for i := range entries {
		e := &entries[i]
		if e.ID == "" {
			e.ID = app.NewID()
		}
		if e.At.IsZero() {
			e.At = now
		}
		e.CreatedAt, e.UpdatedAt = now, now
		e.CreatedBy, e.UpdatedBy = e.Officer, e.Officer
		e.Normalize()
		if err := e.Validate(nil, now); err != nil {
			return err
		}
	}
	// Scopes are locked in one order, as pushes lock them (lockScopes).
	slices.SortFunc(entries, func(a, b app.AuditEntry) int { return strings.Compare(a.UnitCode, b.UnitCode) })
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin audit entries: %w", err)
	}
	defer tx.Rollback()
	var seq int64
	scope := ""
	save := func() error {
		if scope == "" {
			return nil
		}
		_, err := s.exec(ctx, tx, sqlSaveScopeSeq, scope, seq)
		return err
	}
	for _, e := range entries {
		if e.UnitCode != scope {
			if err := save(); err != nil {
				return fmt.Errorf("save seq: %w", err)
			}
			scope = e.UnitCode
			if err := s.row(ctx, tx, sqlLockScope, scope).Scan(&seq); err != nil {
				return fmt.Errorf("lock seq: %w", err)
			}
		}
		seq++
		fields := e.Fields()
		st := app.Stamp{HLC: s.clock.Tick(), Device: serverDevice, Version: 1}
		stamps := make(map[string]app.Stamp, len(fields))
		for name := range fields {
			stamps[name] = st
		}
		if _, err := s.exec(ctx, tx, sqlPutRecord, app.EntityAuditEntry, e.ID, scope,
			string(app.EncodeFields(fields)), string(app.EncodeRecordStamps(stamps, fields)), seq, ms(now), ms(now), serverDevice); err != nil {
			return fmt.Errorf("write audit entry: %w", err)
		}
	}
	if err := save(); err != nil {
		return fmt.Errorf("save seq: %w", err)
	}
	return tx.Commit()
}
