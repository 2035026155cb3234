package serverstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// The province's copy (least access: Luật Bảo vệ dữ liệu cá nhân
// 91/2025/QH15 Điều 3 khoản 2 — personal data collected and processed only
// within the scope and purpose of the task; NĐ 356/2025/NĐ-CP Điều 4
// khoản 2 — sensitive data seen only by those whose task needs them).
//
// The province's tasks on its laptops are the province-wide figures of Kế
// hoạch 395 (app.ComputeKPIs, the annual report), which need codes, dates
// and amounts, not who the consumers are; and the cases referred to a
// provincial body, which it handles itself. So a provincial device gets,
// by default, a limited copy of the communes' data: every record, but
// without the personal fields (app.PersonalFieldsOf: names, contacts,
// sensitive details, free text) of cases, their steps and participants,
// nor the values of a conflict over one of those fields —
// except the records the province holds whole (province_held):
//
//   - a case referred to a provincial agency (a step app.EventReferred
//     whose Agency is of level "province" in the seeds: Sở Công Thương,
//     the other Sở, Công an tỉnh, Hội Bảo vệ người tiêu dùng tỉnh…), with
//     all its steps. When the referral reaches the server, the case and
//     its steps get new sequence numbers, so that every provincial device
//     takes them whole on its next pull;
//   - a case, step or participant a provincial device made.
//
// A limited record comes with syncproto.Record.Limited; the laptop keeps
// the flag and shows that the personal data stay with the commune. A
// limited device cannot write the personal fields of a record it holds
// limited (refusePersonal). The server's operator gives one provincial
// device the full copy (SetFullCopy: `bvntd-server province-copy`), for
// the Sở's inspectors, say.
//
// A provincial device pulls its communes' scopes under an epoch of its
// own copy (copyEpoch): when its copy changes (full to limited or back,
// or a device that pulled everything before this rule), its next pull
// starts those scopes again from 0, so that what it holds is what its
// copy allows (its personal data replaced by the limited records, or
// completed).

// Reasons of province_held.
const (
	heldReferred = "referred"
	heldOwn      = "own"
)

// limitedEpoch marks the epoch a limited provincial device pulls the
// communes' scopes under (copyEpoch).
const limitedEpoch = "-han-che"

// Device events of the province's copy.
const (
	eventFullCopy    = "full_copy"
	eventLimitedCopy = "limited_copy"
)

// msgPersonalLimited refuses a limited provincial device's write of a
// personal field of a record it holds limited.
const msgPersonalLimited = "Máy cấp tỉnh giữ bản rút gọn của hồ sơ này (không có thông tin cá nhân): " +
	"thông tin cá nhân do UBND xã, phường lưu giữ và cập nhật. Các thay đổi khác của hồ sơ vẫn được ghi."

// access is what a device may read and write.
type access struct {
	scope   string // commune code or syncproto.ScopeProvince
	limited bool   // a provincial device with the limited copy
}

// copyEpoch is the epoch device a pulls the communes' scopes under: the
// store's, or for a limited provincial device the store's marked as such.
func (s *Store) copyEpoch(a access, scope string) string {
	if a.limited && scope != syncproto.ScopeShared {
		return s.epoch + limitedEpoch
	}
	return s.epoch
}

// deviceAccess reads a device's scope and copy inside tx; unknown or
// revoked is app.EUNAUTHORIZED.
func deviceAccess(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, deviceID string) (access, error) {
	var a access
	var full int
	var revoked sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT scope, full_copy, revoked_at FROM devices WHERE id = ?`, deviceID).
		Scan(&a.scope, &full, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return access{}, app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
	case err != nil:
		return access{}, fmt.Errorf("read device: %w", err)
	case revoked.Valid:
		return access{}, app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
	}
	a.limited = a.scope == syncproto.ScopeProvince && full == 0
	return a, nil
}

// SetFullCopy gives a provincial device the full copy of the communes'
// data (full) or the limited one, the default. The change is recorded in
// the device's history; the device's next pull downloads the communes
// again as its copy now allows. A commune's device is app.EINVALID (it
// holds its own commune whole), an unknown one app.ENOTFOUND, a revoked one
// app.EFORBIDDEN. It reports whether anything changed.
func (s *Store) SetFullCopy(ctx context.Context, deviceID string, full bool) (bool, error) {
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin set copy: %w", err)
	}
	defer tx.Rollback()
	var scope string
	var was int
	var revoked sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT scope, full_copy, revoked_at FROM devices WHERE id = ?`, deviceID).
		Scan(&scope, &was, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, app.Errorf(app.ENOTFOUND, "Không tìm thấy thiết bị %s.", deviceID)
	case err != nil:
		return false, fmt.Errorf("read device: %w", err)
	case revoked.Valid:
		return false, app.Errorf(app.EFORBIDDEN, "Thiết bị %s đã bị thu hồi.", deviceID)
	case scope != syncproto.ScopeProvince:
		return false, app.Errorf(app.EINVALID,
			"Thiết bị %s thuộc xã, phường %s: bản đầy đủ hay rút gọn chỉ áp dụng cho thiết bị cấp tỉnh (máy của xã, phường luôn giữ đầy đủ dữ liệu của xã, phường mình).",
			deviceID, scope)
	}
	want, event := 0, eventLimitedCopy
	if full {
		want, event = 1, eventFullCopy
	}
	if was == want {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE devices SET full_copy = ? WHERE id = ?`, want, deviceID); err != nil {
		return false, fmt.Errorf("set copy: %w", err)
	}
	if err := deviceEvent(ctx, tx, deviceID, now, event, scope); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit set copy: %w", err)
	}
	return true, nil
}

// heldSet returns the records of scope that provincial devices receive
// whole, keyed heldKey(entity, id).
func heldSet(ctx context.Context, tx *txn, scope string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT entity, id FROM province_held WHERE scope = ?`, scope)
	if err != nil {
		return nil, fmt.Errorf("read province_held: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var entity, id string
		if err := rows.Scan(&entity, &id); err != nil {
			return nil, fmt.Errorf("read province_held: %w", err)
		}
		out[heldKey(entity, id)] = true
	}
	return out, rows.Err()
}

func heldKey(entity, id string) string { return entity + "/" + id }

// isHeld reports whether the record (entity, id) with fields is held
// whole: listed itself, or a step of a listed case.
func isHeld(held map[string]bool, entity, id string, fields map[string]json.RawMessage) bool {
	if held[heldKey(entity, id)] {
		return true
	}
	if entity == app.EntityCaseEvent {
		var caseID string
		if json.Unmarshal(fields["case_id"], &caseID) == nil && caseID != "" {
			return held[heldKey(app.EntityCase, caseID)]
		}
	}
	return false
}

// limitRecord leaves out the personal fields of r, a record of a commune
// going to a limited provincial device, unless it is held whole. It
// reports whether it did.
func limitRecord(r *syncproto.Record, held map[string]bool) bool {
	if r.Entity == app.EntityConflict {
		return limitConflict(r, held)
	}
	p, ok := app.PersonalFieldsOf[r.Entity]
	if !ok || r.Fields == nil || isHeld(held, r.Entity, r.ID, r.Fields) {
		return false
	}
	for _, f := range p.All() {
		delete(r.Fields, f)
	}
	r.Limited = true
	return true
}

// limitConflict leaves out the two values of a conflict record (r) over a
// personal field of a record not held whole: they are that field's values.
func limitConflict(r *syncproto.Record, held map[string]bool) bool {
	if r.Fields == nil {
		return false
	}
	var entity, id, field string
	json.Unmarshal(r.Fields["entity"], &entity)
	json.Unmarshal(r.Fields["record_id"], &id)
	json.Unmarshal(r.Fields["field"], &field)
	p, ok := app.PersonalFieldsOf[entity]
	if !ok || !slices.Contains(p.All(), field) || held[heldKey(entity, id)] {
		return false
	}
	delete(r.Fields, "kept_value")
	delete(r.Fields, "other_value")
	r.Limited = true
	return true
}

// touchesPersonal returns the personal fields a write of entity sets, in
// order.
func touchesPersonal(entity string, fields map[string]json.RawMessage) []string {
	p, ok := app.PersonalFieldsOf[entity]
	if !ok {
		return nil
	}
	var out []string
	for _, f := range p.All() {
		if _, ok := fields[f]; ok {
			out = append(out, f)
		}
	}
	return out
}

// refusePersonal refuses m, a limited provincial device's write, when it
// sets a personal field of an existing record of a commune that the
// province does not hold whole. A record the device makes is its own
// (holdOwn) and written as sent.
func (p *pusher) refusePersonal(ctx context.Context, m syncproto.Mutation, rec record) (*rejection, error) {
	if !p.acc.limited || !rec.exists || len(touchesPersonal(m.Entity, m.Fields)) == 0 {
		return nil, nil
	}
	held, err := p.heldOf(ctx, m.Entity, m.RecordID, rec.fields)
	if err != nil || held {
		return nil, err
	}
	return reject(syncproto.CodeForbidden, msgPersonalLimited), nil
}

// heldOf reports whether the record is held whole (a step: or its case).
func (p *pusher) heldOf(ctx context.Context, entity, id string, fields map[string]json.RawMessage) (bool, error) {
	keys := [][2]string{{entity, id}}
	if entity == app.EntityCaseEvent {
		var caseID string
		if json.Unmarshal(fields["case_id"], &caseID) == nil && caseID != "" {
			keys = append(keys, [2]string{app.EntityCase, caseID})
		}
	}
	for _, k := range keys {
		var n int
		if err := p.tx.QueryRowContext(ctx, `SELECT count(*) FROM province_held WHERE entity = ? AND id = ?`, k[0], k[1]).Scan(&n); err != nil {
			return false, fmt.Errorf("read province_held: %w", err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// hold lists a record as held whole for reason; it reports whether it was
// not listed before.
func hold(ctx context.Context, tx *txn, entity, id, scope, reason string, at int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO province_held (entity, id, scope, reason, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (entity, id) DO NOTHING`, entity, id, scope, reason, at)
	if err != nil {
		return false, fmt.Errorf("write province_held: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// provincialAgency reports whether the agency id is a provincial body in
// the seeds (level "province").
func provincialAgency(id string) bool {
	refs, err := seedRefs()
	if err != nil || id == "" {
		return false
	}
	a, ok := refs.Agency(id)
	return ok && a.Level == "province"
}

// referralToProvince returns the case a step refers to a provincial body,
// or "".
func referralToProvince(entity string, fields map[string]json.RawMessage) string {
	if entity != app.EntityCaseEvent {
		return ""
	}
	var kind, agency, caseID string
	json.Unmarshal(fields["kind"], &kind)
	json.Unmarshal(fields["agency"], &agency)
	json.Unmarshal(fields["case_id"], &caseID)
	if kind != app.EventReferred || caseID == "" || !provincialAgency(agency) {
		return ""
	}
	return caseID
}

// afterMerge keeps province_held up to date after m was merged into rec:
// a record a provincial device made is its own; a case referred to a
// provincial body is held with its steps, which get new sequence numbers
// (requeue) so that every provincial device pulls them whole.
func (p *pusher) afterMerge(ctx context.Context, m syncproto.Mutation, existed bool, fields map[string]json.RawMessage) error {
	if _, personal := app.PersonalFieldsOf[m.Entity]; !personal {
		return nil
	}
	at := ms(p.now)
	if !existed && p.acc.scope == syncproto.ScopeProvince {
		if _, err := hold(ctx, p.tx, m.Entity, m.RecordID, m.Scope, heldOwn, at); err != nil {
			return err
		}
	}
	caseID := referralToProvince(m.Entity, fields)
	if caseID == "" {
		return nil
	}
	added, err := hold(ctx, p.tx, app.EntityCase, caseID, m.Scope, heldReferred, at)
	if err != nil || !added {
		return err
	}
	return p.requeueCase(ctx, m.Scope, caseID)
}

// requeueCase gives a case and its steps new sequence numbers of scope,
// so that every device pulls them again (a device that has them as they
// are only records their version).
func (p *pusher) requeueCase(ctx context.Context, scope, caseID string) error {
	rows, err := p.tx.QueryContext(ctx,
		`SELECT entity, id, fields FROM records WHERE scope = ? AND (entity = ? AND id = ? OR entity = ?)`,
		scope, app.EntityCase, caseID, app.EntityCaseEvent)
	if err != nil {
		return fmt.Errorf("read case to requeue: %w", err)
	}
	type key struct{ entity, id string }
	var keys []key
	for rows.Next() {
		var k key
		var fields string
		if err := rows.Scan(&k.entity, &k.id, &fields); err != nil {
			rows.Close()
			return fmt.Errorf("read case to requeue: %w", err)
		}
		if k.entity == app.EntityCaseEvent {
			var f struct {
				CaseID string `json:"case_id"`
			}
			if json.Unmarshal([]byte(fields), &f) != nil || f.CaseID != caseID {
				continue
			}
		}
		keys = append(keys, k)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read case to requeue: %w", err)
	}
	// The case first, then its steps by id (UUIDv7: as made).
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i].entity == app.EntityCase) != (keys[j].entity == app.EntityCase) {
			return keys[i].entity == app.EntityCase
		}
		return keys[i].id < keys[j].id
	})
	for _, k := range keys {
		seq, err := p.nextSeq(ctx, scope)
		if err != nil {
			return err
		}
		if _, err := p.tx.ExecContext(ctx, `UPDATE records SET seq = ? WHERE entity = ? AND id = ?`, seq, k.entity, k.id); err != nil {
			return fmt.Errorf("requeue %s: %w", k.entity, err)
		}
	}
	return nil
}

// metaHeldFilled marks a database whose province_held was filled from the
// records it held before the table existed.
const metaHeldFilled = "province_held_filled"

// fillProvinceHeld fills province_held, once, from the records stored
// before it existed: the cases referred to a provincial body, and the
// records a provincial device made (the device of the stamp of "id").
func (s *Store) fillProvinceHeld(ctx context.Context) error {
	var v string
	err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaHeldFilled).Scan(&v)
	if err == nil {
		return nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read meta: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin fill province_held: %w", err)
	}
	defer tx.Rollback()
	province := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM devices WHERE scope = ?`, syncproto.ScopeProvince)
	if err != nil {
		return fmt.Errorf("read devices: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("read devices: %w", err)
		}
		province[id] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	type held struct{ entity, id, scope, reason string }
	var out []held
	rows, err = tx.QueryContext(ctx, `SELECT entity, id, scope, fields, stamps FROM records WHERE entity IN (?, ?, ?)`,
		app.EntityCase, app.EntityCaseEvent, app.EntityParticipant)
	if err != nil {
		return fmt.Errorf("read records: %w", err)
	}
	for rows.Next() {
		var entity, id, scope, fieldsJSON, stampsJSON string
		if err := rows.Scan(&entity, &id, &scope, &fieldsJSON, &stampsJSON); err != nil {
			rows.Close()
			return fmt.Errorf("read records: %w", err)
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal([]byte(fieldsJSON), &fields) != nil {
			continue // kept aside by every pull (Withheld)
		}
		stamps, err := app.DecodeRecordStamps([]byte(stampsJSON), fields)
		if err != nil {
			continue
		}
		if st, ok := stamps["id"]; ok && province[st.Device] {
			out = append(out, held{entity, id, scope, heldOwn})
		}
		if caseID := referralToProvince(entity, fields); caseID != "" {
			out = append(out, held{app.EntityCase, caseID, scope, heldReferred})
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read records: %w", err)
	}
	at := ms(s.now())
	for _, h := range out {
		if _, err := hold(ctx, tx, h.entity, h.id, h.scope, h.reason, at); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
		metaHeldFilled, fmt.Sprint(len(out))); err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	return tx.Commit()
}
