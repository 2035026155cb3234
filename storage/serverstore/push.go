package serverstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// knownEntities are the record types the server accepts.
var knownEntities = map[string]bool{
	app.EntityCase: true,
}

// Reserved field names. "id" and "unit_code" must agree with the mutation;
// "type" is written by the dump and may not be a field.
const (
	fieldID       = "id"
	fieldUnitCode = "unit_code"
	fieldType     = "type"
)

// Messages of rejected mutations.
const (
	msgIDReuse        = "Mã thay đổi này đã được gửi trước đó với nội dung khác."
	msgBadMutationID  = "Mã thay đổi không hợp lệ."
	msgBadEntity      = "Loại dữ liệu không được hỗ trợ."
	msgBadRecordID    = "Mã bản ghi không hợp lệ."
	msgBadOp          = "Thao tác không được hỗ trợ."
	msgBadHLC         = "Dấu thời gian của thay đổi không hợp lệ."
	msgBadScope       = "Mã xã, phường phải gồm 5 chữ số."
	msgBadField       = "Tên trường không hợp lệ."
	msgIDMismatch     = "Trường id không khớp với mã bản ghi."
	msgUnitMismatch   = "Mã xã, phường của bản ghi không khớp với phạm vi của thay đổi."
	msgForbiddenScope = "Thiết bị không được ghi dữ liệu của xã, phường khác."
	msgRecordMoved    = "Bản ghi thuộc xã, phường khác; không thể chuyển bản ghi sang phạm vi này."
)

// ApplyPush applies a batch of mutations from a device in one transaction,
// in order, and answers each one. A mutation id seen before is answered
// from the audit trail: StatusDuplicate if it was applied with the same
// content, the stored rejection if it was rejected, and a rejection with
// syncproto.CodeIDReuse if the content differs. A rejected mutation does not
// stop the batch. Every applied mutation gives its record the next sequence
// number of its scope, even when none of its fields won the merge, so that
// the device gets the merged record back on its next pull.
//
// An unknown or revoked device is app.EUNAUTHORIZED; any other error aborts
// the whole batch and nothing is applied.
func (s *Store) ApplyPush(ctx context.Context, deviceID string, muts []syncproto.Mutation) ([]syncproto.PushResult, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin push: %w", err)
	}
	defer tx.Rollback()

	devScope, err := deviceScope(ctx, tx, deviceID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := pusher{s: s, tx: tx, device: deviceID, devScope: devScope, now: now}
	results := make([]syncproto.PushResult, len(muts))
	for i, m := range muts {
		r, err := p.apply(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("mutation %d: %w", i, err)
		}
		results[i] = r
	}
	if err := touchDevice(ctx, tx, deviceID, now); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit push: %w", err)
	}
	return results, nil
}

type pusher struct {
	s        *Store
	tx       *sql.Tx
	device   string
	devScope string
	now      time.Time
}

// rejection is a mutation that will never apply.
type rejection struct{ code, message string }

func reject(code, message string) *rejection { return &rejection{code, message} }

func (p *pusher) apply(ctx context.Context, m syncproto.Mutation) (syncproto.PushResult, error) {
	res := syncproto.PushResult{MutationID: m.ID}
	if !app.ValidID(m.ID) {
		// Without a valid id the mutation cannot be keyed in the audit trail.
		res.Status, res.Code, res.Message = syncproto.StatusRejected, syncproto.CodeInvalid, msgBadMutationID
		return res, nil
	}
	payload, hash, err := canonicalPayload(m)
	if err != nil {
		res.Status, res.Code, res.Message = syncproto.StatusRejected, syncproto.CodeInvalid, msgBadField
		return res, nil
	}

	// Seen before?
	var prevHash, prevStatus, prevCode, prevMessage string
	err = p.tx.QueryRowContext(ctx,
		`SELECT payload_sha256, status, code, message FROM applied_mutations WHERE mutation_id = ?`, m.ID).
		Scan(&prevHash, &prevStatus, &prevCode, &prevMessage)
	switch {
	case err == nil:
		switch {
		case prevHash != hash:
			res.Status, res.Code, res.Message = syncproto.StatusRejected, syncproto.CodeIDReuse, msgIDReuse
		case prevStatus == syncproto.StatusRejected:
			res.Status, res.Code, res.Message = prevStatus, prevCode, prevMessage
		default:
			res.Status = syncproto.StatusDuplicate
		}
		return res, nil
	case !errors.Is(err, sql.ErrNoRows):
		return res, fmt.Errorf("read applied mutation: %w", err)
	}

	audit := auditRow{m: m, payload: payload, hash: hash}
	h, rej := p.validate(m)
	if rej == nil {
		audit.stamp, audit.seq, rej, err = p.merge(ctx, m, h)
		if err != nil {
			return res, err
		}
	}
	if rej != nil {
		res.Status, res.Code, res.Message = syncproto.StatusRejected, rej.code, rej.message
	} else {
		res.Status = syncproto.StatusApplied
	}
	audit.status, audit.code, audit.message = res.Status, res.Code, res.Message
	if err := p.record(ctx, audit); err != nil {
		return res, err
	}
	return res, nil
}

// validate checks what can be checked without reading the record.
func (p *pusher) validate(m syncproto.Mutation) (app.HLC, *rejection) {
	if !knownEntities[m.Entity] {
		return app.HLC{}, reject(syncproto.CodeInvalid, msgBadEntity)
	}
	if !app.ValidID(m.RecordID) {
		return app.HLC{}, reject(syncproto.CodeInvalid, msgBadRecordID)
	}
	if m.Op != app.OpUpsert {
		return app.HLC{}, reject(syncproto.CodeInvalid, msgBadOp)
	}
	h, err := app.ParseHLC(m.HLC)
	if err != nil {
		return app.HLC{}, reject(syncproto.CodeInvalid, msgBadHLC)
	}
	if !scopeRE.MatchString(m.Scope) {
		return app.HLC{}, reject(syncproto.CodeInvalid, msgBadScope)
	}
	for name, v := range m.Fields {
		if name == "" || name == fieldType || len(name) > 64 {
			return app.HLC{}, reject(syncproto.CodeInvalid, msgBadField)
		}
		switch name {
		case fieldID:
			var id string
			if json.Unmarshal(v, &id) != nil || id != m.RecordID {
				return app.HLC{}, reject(syncproto.CodeInvalid, msgIDMismatch)
			}
		case fieldUnitCode:
			var unit string
			if json.Unmarshal(v, &unit) != nil || unit != m.Scope {
				return app.HLC{}, reject(syncproto.CodeInvalid, msgUnitMismatch)
			}
		}
	}
	if p.devScope != syncproto.ScopeProvince && p.devScope != m.Scope {
		return app.HLC{}, reject(syncproto.CodeForbidden, msgForbiddenScope)
	}
	return h, nil
}

// merge applies m to its record, last-writer-wins per field, and gives the
// record the next sequence number of its scope. It returns the stamp used.
func (p *pusher) merge(ctx context.Context, m syncproto.Mutation, h app.HLC) (app.HLC, int64, *rejection, error) {
	var scope, fieldsJSON, stampsJSON string
	var version int64
	err := p.tx.QueryRowContext(ctx,
		`SELECT scope, fields, stamps, version FROM records WHERE entity = ? AND id = ?`, m.Entity, m.RecordID).
		Scan(&scope, &fieldsJSON, &stampsJSON, &version)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return app.HLC{}, 0, nil, fmt.Errorf("read record: %w", err)
	}
	if exists && scope != m.Scope {
		return app.HLC{}, 0, reject(syncproto.CodeForbidden, msgRecordMoved), nil
	}

	cur := map[string]json.RawMessage{}
	stamps := map[string]app.Stamp{}
	if exists {
		if err := json.Unmarshal([]byte(fieldsJSON), &cur); err != nil {
			return app.HLC{}, 0, nil, fmt.Errorf("record %s: fields: %w", m.RecordID, err)
		}
		if err := json.Unmarshal([]byte(stampsJSON), &stamps); err != nil {
			return app.HLC{}, 0, nil, fmt.Errorf("record %s: stamps: %w", m.RecordID, err)
		}
	}
	fields := maps.Clone(m.Fields)
	if fields == nil {
		fields = map[string]json.RawMessage{}
	}
	if !exists {
		// A record always carries its id and commune, so that every replica
		// and every dump has them.
		if _, ok := fields[fieldID]; !ok {
			fields[fieldID] = mustJSON(m.RecordID)
		}
		if _, ok := fields[fieldUnitCode]; !ok {
			fields[fieldUnitCode] = mustJSON(m.Scope)
		}
	}
	stamp := p.bound(h)
	app.MergeFields(cur, stamps, fields, app.Stamp{HLC: stamp, Device: p.device})

	var seq int64
	if err := p.tx.QueryRowContext(ctx,
		`INSERT INTO scope_seq (scope, seq) VALUES (?, 1)
		 ON CONFLICT (scope) DO UPDATE SET seq = seq + 1
		 RETURNING seq`, m.Scope).Scan(&seq); err != nil {
		return app.HLC{}, 0, nil, fmt.Errorf("next seq: %w", err)
	}
	fb, err := json.Marshal(cur)
	if err != nil {
		return app.HLC{}, 0, nil, fmt.Errorf("marshal fields: %w", err)
	}
	sb, err := json.Marshal(stamps)
	if err != nil {
		return app.HLC{}, 0, nil, fmt.Errorf("marshal stamps: %w", err)
	}
	now := ms(p.now)
	if _, err := p.tx.ExecContext(ctx,
		`INSERT INTO records (entity, id, scope, fields, stamps, seq, version, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
		 ON CONFLICT (entity, id) DO UPDATE SET
		   fields = excluded.fields, stamps = excluded.stamps, seq = excluded.seq,
		   version = records.version + 1, updated_at = excluded.updated_at`,
		m.Entity, m.RecordID, m.Scope, string(fb), string(sb), seq, now, now); err != nil {
		return app.HLC{}, 0, nil, fmt.Errorf("write record: %w", err)
	}
	return stamp, seq, nil, nil
}

// bound returns the stamp to merge with: h itself, unless the device's
// clock is ahead of the server's, in which case the server's own HLC,
// after every stamp it has seen. A laptop whose clock is years ahead thus
// neither wins every conflict nor drags other clocks forward, and its
// successive writes keep their order.
func (p *pusher) bound(h app.HLC) app.HLC {
	if h.Wall > p.now.UnixMilli() {
		return p.s.clock.Tick()
	}
	p.s.clock.Observe(h)
	return h
}

type auditRow struct {
	m                     syncproto.Mutation
	payload, hash         string
	status, code, message string
	stamp                 app.HLC
	seq                   int64
}

func (p *pusher) record(ctx context.Context, a auditRow) error {
	var stamp string
	var seq sql.NullInt64
	if a.status == syncproto.StatusApplied {
		stamp = a.stamp.String()
		seq = sql.NullInt64{Int64: a.seq, Valid: true}
	}
	_, err := p.tx.ExecContext(ctx,
		`INSERT INTO applied_mutations (mutation_id, device_id, entity, record_id, scope, op,
		   payload_sha256, payload, status, code, message, seq, hlc, stamp_hlc, officer, device_time, received_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.m.ID, p.device, a.m.Entity, a.m.RecordID, a.m.Scope, a.m.Op,
		a.hash, a.payload, a.status, a.code, a.message, seq, a.m.HLC, stamp,
		a.m.Officer, a.m.DeviceTimeMS, ms(p.now))
	if err != nil {
		return fmt.Errorf("record mutation: %w", err)
	}
	return nil
}

// canonicalPayload returns the content of a mutation that a resend must
// repeat exactly (as compact JSON with sorted keys) and its SHA-256. The
// officer and the device time are audit data, not content.
func canonicalPayload(m syncproto.Mutation) (payload, hash string, err error) {
	b, err := json.Marshal(struct {
		Entity   string                     `json:"entity"`
		RecordID string                     `json:"record_id"`
		Scope    string                     `json:"scope"`
		Op       string                     `json:"op"`
		Fields   map[string]json.RawMessage `json:"fields"`
		HLC      string                     `json:"hlc"`
	}{m.Entity, m.RecordID, m.Scope, m.Op, m.Fields, m.HLC})
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(b)
	return string(b), hex.EncodeToString(sum[:]), nil
}

func mustJSON(v string) json.RawMessage {
	b, _ := json.Marshal(v) // a string always marshals
	return b
}
