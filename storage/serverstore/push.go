package serverstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"bvntd/app"
	"bvntd/sync/syncproto"

	"golang.org/x/text/unicode/norm"
)

// serverDevice is the device id of the writes the server makes itself.
const serverDevice = "server"

// The statements of the push path, prepared once (see Store.st).
const (
	sqlSeenMutation = `SELECT device_id, payload_sha256, status, code, message FROM applied_mutations WHERE mutation_id = ?`
	sqlReadRecord   = `SELECT scope, fields, stamps, version FROM records WHERE entity = ? AND id = ?`
	// sqlLockScope locks a scope's counter until the transaction ends and
	// returns it (see lockScopes).
	sqlLockScope = `INSERT INTO scope_seq (scope, seq) VALUES (?, 0)
		ON CONFLICT (scope) DO UPDATE SET seq = scope_seq.seq RETURNING seq`
	sqlSaveScopeSeq = `INSERT INTO scope_seq (scope, seq) VALUES (?, ?)
		ON CONFLICT (scope) DO UPDATE SET seq = excluded.seq`
	// sqlSaveScopeSeqPlain is the head of the unlocked, plain-sequence
	// mode that tests use to show why lockScopes exists (PostgreSQL only).
	sqlSaveScopeSeqPlain = `INSERT INTO scope_seq (scope, seq) VALUES (?, ?)
		ON CONFLICT (scope) DO UPDATE SET seq = greatest(scope_seq.seq, excluded.seq)`
	sqlPutRecord = `INSERT INTO records (entity, id, scope, fields, stamps, seq, version, created_at, updated_at, sole_writer)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
		ON CONFLICT (entity, id) DO UPDATE SET
		  fields = excluded.fields, stamps = excluded.stamps, seq = excluded.seq,
		  version = records.version + 1, updated_at = excluded.updated_at, sole_writer = excluded.sole_writer`
	sqlRecordMutation = `INSERT INTO applied_mutations (mutation_id, device_id, entity, record_id, scope, op,
		  payload_sha256, payload, status, code, message, seq, hlc, stamp_hlc, officer, device_time, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// sqlRecordRefusal audits a mutation refused before the duplicate
	// check (its scope): its id may be another device's, whose row stays.
	sqlRecordRefusal = sqlRecordMutation + ` ON CONFLICT (mutation_id) DO NOTHING`
)

var pushStatements = []string{sqlSeenMutation, sqlReadRecord, sqlLockScope, sqlSaveScopeSeq, sqlPutRecord, sqlRecordMutation, sqlRecordRefusal}

// maxSkewIgnored is the clock error below which stamps are used as sent,
// and the drift a device's clock may be ahead of both the server's and
// its own reading of it when its dates are checked (see checkAt).
const maxSkewIgnored = 2 * time.Minute

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
	msgSharedScope    = "Dữ liệu dùng chung của tỉnh (lịch nghỉ lễ, Tết) chỉ được Sở Công Thương cập nhật trên máy chủ tỉnh."
	msgScopeUnknown   = msgUnknownCommune + " Vui lòng đăng ký lại thiết bị với mã xã, phường đúng."
	msgBadOfficer     = "Tên cán bộ ghi thay đổi không hợp lệ: "
)

// ApplyPush applies a batch of mutations from a device in one transaction,
// in order, and answers each one. A rejected mutation does not stop the
// batch. Each mutation goes through, in this order:
//
//  1. its id (without a valid one it cannot be answered twice alike);
//  2. scope and authorisation (authorise): a device writes only its
//     commune, a commune of the catalogue, never the shared scope. This
//     comes before anything that reads what is stored, so that a device
//     learns nothing about another commune, not even whether a mutation
//     id exists there;
//  3. the audit trail: a mutation id this device sent before is answered
//     StatusDuplicate if it was applied with the same content, with the
//     stored rejection if it was rejected, and with syncproto.CodeIDReuse
//     if the content differs; an id another device used is CodeIDReuse
//     whatever the content. A resend is answered as the first sending
//     was, even if a later version of the server checks more;
//  4. its form (validate) and the size and names of its fields
//     (app.CheckWriteShape);
//  5. its values (app.ValidateWrite, the validator of the laptop's forms,
//     with the catalogue and the device's clock, see checkAt), then the
//     merge (app.MergeWrite) with the values as the record type writes
//     them (every text in NFC).
//
// Every applied mutation gives its record the next sequence number of its
// scope, even when none of its fields won the merge, so that the device
// gets the merged record back on its next pull.
//
// An unknown or revoked device is app.EUNAUTHORIZED; any other error aborts
// the whole batch and nothing is applied.
//
// Stamps are sent in the device's clock. When the request says what the
// device's clock read when it was sent (DeviceNowMS) and that differs from
// the server's by more than maxSkewIgnored, the server translates the
// batch's stamps by the difference; any stamp still ahead of the server is
// bounded by the server's clock; and each device's stamps are kept
// increasing in its outbox order.
func (s *Store) ApplyPush(ctx context.Context, deviceID string, req syncproto.PushRequest) ([]syncproto.PushResult, error) {
	apply, err := s.PreparePush(deviceID, req)
	if err != nil {
		return nil, err
	}
	return apply(ctx)
}

// PreparePush is the part of ApplyPush that reads nothing a batch before
// it writes: the catalogue, the clock (the batch's time of receipt) and,
// on every core, the validation, merge and encoding of the records the
// store does not hold yet (prepare; the apply uses them only for a record
// it still does not hold). It returns the rest, the apply in one
// transaction. syncserver prepares a pipelined push before it waits for
// the batch before it (PushRequest.After), so a laptop's next batch is
// validated while the one before is written.
func (s *Store) PreparePush(deviceID string, req syncproto.PushRequest) (func(context.Context) ([]syncproto.PushResult, error), error) {
	refs, err := s.catalogue()
	if err != nil {
		return nil, err
	}
	now := s.now()
	pre := prepare(req, refs, checkAt(now, req.DeviceNowMS))
	return func(ctx context.Context) ([]syncproto.PushResult, error) {
		return s.applyPrepared(ctx, deviceID, req, refs, now, pre)
	}, nil
}

// applyPrepared runs the batch's transaction, again when PostgreSQL
// aborted it for a race with another push.
func (s *Store) applyPrepared(ctx context.Context, deviceID string, req syncproto.PushRequest, refs app.Refs, now time.Time,
	pre []prepared) ([]syncproto.PushResult, error) {
	for attempt := 1; ; attempt++ {
		res, err := s.applyPush(ctx, deviceID, req, refs, now, pre)
		if err == nil || s.d != postgresDialect || attempt == maxPushAttempts || !retryable(err) {
			return res, err
		}
		select { // another push won a race; run the batch again
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

// maxPushAttempts bounds the runs of a batch PostgreSQL aborted (retryable).
const maxPushAttempts = 5

func (s *Store) applyPush(ctx context.Context, deviceID string, req syncproto.PushRequest, refs app.Refs, now time.Time,
	pre []prepared) ([]syncproto.PushResult, error) {
	muts := req.Mutations
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin push: %w", err)
	}
	defer tx.Rollback()

	acc, err := deviceAccess(ctx, tx, deviceID)
	if err != nil {
		return nil, err
	}
	p := pusher{s: s, tx: tx, device: deviceID, devScope: acc.scope, acc: acc, now: now, refs: refs,
		checkAt: checkAt(now, req.DeviceNowMS), seqs: map[string]int64{}}
	if req.DeviceNowMS > 0 {
		if skew := now.UnixMilli() - req.DeviceNowMS; skew > maxSkewIgnored.Milliseconds() || -skew > maxSkewIgnored.Milliseconds() {
			p.skewMS = skew
		}
	}
	var last string
	if err := tx.QueryRowContext(ctx, "SELECT last_stamp FROM devices WHERE id = ?", deviceID).Scan(&last); err != nil {
		return nil, fmt.Errorf("read device stamp: %w", err)
	}
	if last != "" {
		if p.last, err = app.ParseHLC(last); err != nil {
			return nil, fmt.Errorf("device stamp: %w", err)
		}
	}
	if err := p.lockScopes(ctx, muts); err != nil {
		return nil, err
	}
	if s.d == sqliteDialect {
		if p.unheld, err = readUnheld(ctx, tx, muts); err != nil {
			return nil, err
		}
	}
	results := make([]syncproto.PushResult, len(muts))
	for i, m := range muts {
		p.pre = nil
		if pre != nil {
			p.pre = &pre[i]
		}
		r, err := p.apply(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("mutation %d: %w", i, err)
		}
		results[i] = r
	}
	if err := p.saveSeqs(ctx); err != nil {
		return nil, err
	}
	if err := touchDevice(ctx, tx, deviceID, now); err != nil {
		return nil, err
	}
	if !p.last.IsZero() {
		if _, err := tx.ExecContext(ctx, "UPDATE devices SET last_stamp = ? WHERE id = ?", p.last.String(), deviceID); err != nil {
			return nil, fmt.Errorf("save device stamp: %w", err)
		}
	}
	if s.beforeCommit != nil {
		s.beforeCommit()
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit push: %w", err)
	}
	return results, nil
}

// checkAt is the latest instant a pushed date may be: the later of the
// server's clock and the device's as the push reports it (deviceNowMS, 0
// if not said), plus maxSkewIgnored. The laptop's forms checked the dates
// against its own clock; a laptop whose clock is ahead (by minutes, or by
// years after its clock battery died) has its edits ordered by when they
// were really made (bound), and its dates, which no clock of the server can
// tell wrong, are not refused for being "in the future".
func checkAt(now time.Time, deviceNowMS int64) time.Time {
	at := now
	if d := time.UnixMilli(deviceNowMS); deviceNowMS > 0 && d.After(at) {
		at = d
	}
	return at.Add(maxSkewIgnored)
}

type pusher struct {
	s        *Store
	tx       *txn
	device   string
	devScope string
	acc      access // the device's scope and copy (provincecopy.go)
	now      time.Time
	refs     app.Refs  // the catalogue
	checkAt  time.Time // the latest date a value may hold (checkAt)
	skewMS   int64     // server clock minus device clock, if it matters
	last     app.HLC   // the last stamp used for this device
	// seqs holds each scope's last sequence number handed out in this
	// batch; saved once at the end.
	seqs map[string]int64
	// pre is what was worked out for the mutation being applied before
	// the transaction (prepare), or nil.
	pre *prepared
	// unheld is what the transaction knows the store did not hold when
	// it began (pushunheld.go; SQLite only, else nil).
	unheld *unheld
}

// lockScopes takes, in scope order, the counter row of every scope the
// batch may write, and reads its number. This is what keeps the pull
// cursor gap-free in commit order:
//
// A puller reads the records of a scope with seq > its cursor and moves the
// cursor to the last seq it read. That is only safe if no record with a
// smaller seq can appear after it has read: a number must never be handed
// out to a transaction that commits after another one with a higher number
// of the same scope. With a plain sequence (nextval, or a counter read
// without a lock) that happens whenever two pushes overlap: A takes 41, B
// takes 42 and commits, a puller reads 42 and moves its cursor to 42, then
// A commits 41 — which that puller never sees. TestGapFree… shows it.
//
// Here the counter row of a scope is locked (an upsert) before the first
// number is taken and stays locked until the push commits or rolls back:
// another push of the same scope waits at this statement, and then reads
// the committed counter. The numbers of a scope are thus handed out in
// commit order, with no holes: a snapshot that shows seq n shows every
// seq below it. (On PostgreSQL a transaction is visible to new snapshots
// before its locks are released, so the next holder's commit comes
// strictly later.) On SQLite the single writer already serialises pushes;
// the same statement is then simply a read. Locking the scopes in sorted
// order means two pushes that write several scopes (a provincial device)
// cannot deadlock each other; PostgreSQL's deadlock detector and the
// retry in ApplyPush cover anything else.
//
// The cost: pushes of one commune are serialised, pushes of different
// communes run in parallel. One commune's few laptops never push at the
// same rate that would make this matter.
func (p *pusher) lockScopes(ctx context.Context, muts []syncproto.Mutation) error {
	var scopes []string
	seen := map[string]bool{}
	for _, m := range muts {
		if seen[m.Scope] || p.authorise(m) != nil {
			continue // rejected: never written
		}
		seen[m.Scope] = true
		scopes = append(scopes, m.Scope)
	}
	sort.Strings(scopes)
	for _, scope := range scopes {
		if err := p.lockScope(ctx, scope); err != nil {
			return err
		}
	}
	return nil
}

func (p *pusher) lockScope(ctx context.Context, scope string) error {
	if p.s.plainSeq {
		p.seqs[scope] = 0
		return nil
	}
	var cur int64
	if err := p.s.row(ctx, p.tx, sqlLockScope, scope).Scan(&cur); err != nil {
		return fmt.Errorf("lock scope: %w", err)
	}
	p.seqs[scope] = cur
	return nil
}

// nextSeq returns the next sequence number of scope in this batch.
func (p *pusher) nextSeq(ctx context.Context, scope string) (int64, error) {
	cur, ok := p.seqs[scope]
	if !ok { // not foreseen by lockScopes; cannot happen, but stay correct
		if err := p.lockScope(ctx, scope); err != nil {
			return 0, err
		}
		cur = p.seqs[scope]
	}
	if p.s.plainSeq {
		if err := p.tx.QueryRowContext(ctx, "SELECT nextval('plain_seq')").Scan(&cur); err != nil {
			return 0, fmt.Errorf("plain seq: %w", err)
		}
		p.seqs[scope] = max(p.seqs[scope], cur)
		return cur, nil
	}
	p.seqs[scope] = cur + 1
	return cur + 1, nil
}

// saveSeqs stores the scopes' last sequence numbers.
func (p *pusher) saveSeqs(ctx context.Context) error {
	for scope, seq := range p.seqs {
		var err error
		if p.s.plainSeq {
			// Outside the transaction, holding no lock: the plain design.
			_, err = p.s.w.ExecContext(ctx, sqlSaveScopeSeqPlain, scope, seq)
		} else {
			_, err = p.s.exec(ctx, p.tx, sqlSaveScopeSeq, scope, seq)
		}
		if err != nil {
			return fmt.Errorf("save seq: %w", err)
		}
	}
	return nil
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
	var payload, hash string
	var err error
	if p.pre != nil {
		payload, hash, err = p.pre.payload, p.pre.hash, p.pre.payloadErr
	} else {
		payload, hash, err = canonicalPayload(m)
	}
	if err != nil {
		res.Status, res.Code, res.Message = syncproto.StatusRejected, syncproto.CodeInvalid, msgBadField
		return res, nil
	}
	audit := auditRow{m: m, payload: payload, hash: hash}

	// Scope first: nothing stored is read for a write the device may not make.
	if rej := p.authorise(m); rej != nil {
		res.Status, res.Code, res.Message = syncproto.StatusRejected, rej.code, rej.message
		audit.status, audit.code, audit.message = res.Status, res.Code, res.Message
		return res, p.record(ctx, audit, sqlRecordRefusal)
	}

	// Seen before?
	var prevDevice, prevHash, prevStatus, prevCode, prevMessage string
	if p.unheld.mutationUnheld(m.ID) {
		err = sql.ErrNoRows
	} else {
		err = p.s.row(ctx, p.tx, sqlSeenMutation, m.ID).
			Scan(&prevDevice, &prevHash, &prevStatus, &prevCode, &prevMessage)
	}
	switch {
	case err == nil:
		switch {
		case prevDevice != p.device || prevHash != hash:
			// Another device's id is answered as this device's own id
			// with other content: nothing about the other is told.
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

	h, rej := p.validate(&m)
	if rej == nil {
		audit.m = m // the officer's name in NFC
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
	if err := p.record(ctx, audit, sqlRecordMutation); err != nil {
		return res, err
	}
	return res, nil
}

// authorise is the scope and authorisation check of a mutation: not the
// shared reference scope (its one writer is the operator, on the server:
// PutHolidayYears; no device, not even a provincial one, writes it), a
// 5-digit commune code, the device's own commune (a provincial device may
// write any), and a commune of the catalogue (a device enrolled with a
// code the catalogue no longer has writes nothing until enrolled again).
// A provincial device keeps its own audit records (app.AuditEntry: what
// it exported unmasked) under the province's scope, which only the
// provincial devices pull.
func (p *pusher) authorise(m syncproto.Mutation) *rejection {
	switch {
	case m.Scope == syncproto.ScopeProvince && p.devScope == syncproto.ScopeProvince && m.Entity == app.EntityAuditEntry:
		return nil
	case m.Scope == syncproto.ScopeShared:
		return reject(syncproto.CodeForbidden, msgSharedScope)
	case !scopeRE.MatchString(m.Scope):
		return reject(syncproto.CodeInvalid, msgBadScope)
	case p.devScope != syncproto.ScopeProvince && p.devScope != m.Scope:
		return reject(syncproto.CodeForbidden, msgForbiddenScope)
	case !p.refs.HasUnit(m.Scope):
		return reject(syncproto.CodeInvalid, fmt.Sprintf(msgScopeUnknown, m.Scope))
	}
	return nil
}

// validate checks what can be checked without reading the record: the
// mutation's form, the officer's name (put in NFC: it is kept in the audit
// trail and in conflict records), and the number, size, names and UTF-8 of
// its fields.
func (p *pusher) validate(m *syncproto.Mutation) (app.HLC, *rejection) {
	if p.pre != nil && p.pre.formed { // checked ahead (prepare)
		m.Officer = p.pre.officer
		return p.pre.hlc, nil
	}
	return checkForm(m)
}

// checkForm is validate: it reads nothing but m.
func checkForm(m *syncproto.Mutation) (app.HLC, *rejection) {
	if !app.IsEntity(m.Entity) { // a case, a step, a conflict or a declared app.Kind
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
	if msg := app.CheckText(m.Officer, app.MaxShortText); msg != "" {
		return app.HLC{}, reject(syncproto.CodeInvalidValue, msgBadOfficer+msg)
	}
	m.Officer = norm.NFC.String(m.Officer)
	shapeErr := app.CheckWriteShape(m.Entity, m.Fields)
	if shapeErr != nil && app.ErrorCode(shapeErr) == app.ETOOLARGE {
		return app.HLC{}, refusal(shapeErr) // before anything reads a value of a huge write
	}
	for name, v := range m.Fields {
		if name == "" || name == fieldType || len(name) > app.MaxFieldName {
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
	if shapeErr != nil {
		return app.HLC{}, refusal(shapeErr)
	}
	return h, nil
}

// merge reads m's record, applies m to it as app.MergeWrite decides, and
// writes the record, with the next sequence number of its scope, and the
// conflict records the decision keeps. It returns the stamp used.
func (p *pusher) merge(ctx context.Context, m syncproto.Mutation, h app.HLC) (app.HLC, int64, *rejection, error) {
	rec, err := p.readRecord(ctx, m.Entity, m.RecordID)
	if err != nil {
		return app.HLC{}, 0, nil, err
	}
	if rec.exists && rec.scope != m.Scope {
		return app.HLC{}, 0, reject(syncproto.CodeForbidden, msgRecordMoved), nil
	}
	if rej, err := p.refusePersonal(ctx, m, rec); rej != nil || err != nil {
		return app.HLC{}, 0, rej, err
	}
	existed := rec.exists
	held := app.HeldRecord{Exists: rec.exists, Fields: rec.fields, Stamps: rec.stamps, Version: rec.version}
	w := app.IncomingWrite{Entity: m.Entity, RecordID: m.RecordID, UnitCode: m.Scope, Fields: m.Fields, BaseVersion: m.BaseVersion}
	if rej := refusal(app.CheckWrite(held, w)); rej != nil {
		return app.HLC{}, 0, rej, nil // before bound: a refused write takes no stamp
	}
	if p.pre != nil && p.pre.newFieldsJSON != nil && !rec.exists {
		// A new record, merged and encoded ahead (prepare): what the
		// lines below make of it, but the stamps.
		stamp := p.bound(h)
		st := app.Stamp{HLC: stamp, Device: p.device, Version: 1}
		rec.fields, rec.notSole = p.pre.newFields, p.pre.newNotSole
		rec.fieldsJSON, rec.stampsJSON = p.pre.newFieldsJSON, app.EncodeSharedStamp(p.pre.newKeys, st)
		if len(p.pre.newKeys) > 0 {
			rec.sole = p.device
		}
		return p.stored(ctx, m, rec, false, stamp)
	}
	var fields map[string]json.RawMessage
	if p.pre != nil && p.pre.validated && !rec.exists {
		fields, err = p.pre.fields, p.pre.validateErr // the same call, made ahead
	} else {
		fields, err = app.ValidateWrite(held, w, p.refs, p.checkAt)
	}
	if rej := refusal(err); rej != nil {
		return app.HLC{}, 0, rej, nil
	} else if err != nil {
		return app.HLC{}, 0, nil, err
	}
	for name, v := range fields {
		if !app.JSONEqual(v, m.Fields[name]) {
			// The server wrote a value otherwise than the device sent it
			// (not in NFC, say): the device must pull the record back,
			// even though it wrote every field.
			rec.notSole = true
		}
	}
	w.Fields = fields
	stamp := p.bound(h)
	w.Stamp = app.Stamp{HLC: stamp, Device: p.device, Version: rec.version + 1}
	d, err := app.MergeWrite(held, w)
	if rej := refusal(err); rej != nil {
		return app.HLC{}, 0, rej, nil
	} else if err != nil {
		return app.HLC{}, 0, nil, err
	}
	for _, c := range d.Conflicts {
		if err := p.addConflict(ctx, m, c); err != nil {
			return app.HLC{}, 0, nil, err
		}
	}
	rec.fields, rec.stamps = d.Fields, d.Stamps
	return p.stored(ctx, m, rec, existed, stamp)
}

// stored writes the merged record rec (merge) and what follows from it.
func (p *pusher) stored(ctx context.Context, m syncproto.Mutation, rec record, existed bool, stamp app.HLC) (app.HLC, int64, *rejection, error) {
	seq, err := p.putRecord(ctx, m.Entity, m.RecordID, m.Scope, rec)
	if err != nil {
		return app.HLC{}, 0, nil, err
	}
	if err := p.afterMerge(ctx, m, existed, rec.fields); err != nil {
		return app.HLC{}, 0, nil, err
	}
	if err := p.forwardAfterMerge(ctx, m, rec.fields); err != nil { // intakeforward.go
		return app.HLC{}, 0, nil, err
	}
	return stamp, seq, nil, nil
}

// refusal returns the rejection of a write the merge refuses (an
// *app.Error), or nil.
func refusal(err error) *rejection {
	var e *app.Error
	if errors.As(err, &e) {
		return reject(e.Code, e.Message)
	}
	return nil
}

// record is a record as the merge sees it.
type record struct {
	exists  bool
	scope   string
	fields  map[string]json.RawMessage
	stamps  map[string]app.Stamp
	version int64
	// notSole: no device has the record as stored, not even the one that
	// wrote every field (see merge); a pull never skips it.
	notSole bool
	// fieldsJSON, stampsJSON and sole, when set, are fields and stamps
	// encoded and their sole writer (a new record merged ahead: merge).
	fieldsJSON, stampsJSON []byte
	sole                   string
}

func (p *pusher) readRecord(ctx context.Context, entity, id string) (record, error) {
	r := record{fields: map[string]json.RawMessage{}, stamps: map[string]app.Stamp{}}
	if p.unheld.recordUnheld(entity, id) {
		return r, nil
	}
	var fieldsJSON, stampsJSON string
	err := p.s.row(ctx, p.tx, sqlReadRecord, entity, id).
		Scan(&r.scope, &fieldsJSON, &stampsJSON, &r.version)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("read record: %w", err)
	}
	r.exists = true
	if err := json.Unmarshal([]byte(fieldsJSON), &r.fields); err != nil {
		return r, fmt.Errorf("record %s: fields: %w", id, err)
	}
	if r.stamps, err = app.DecodeRecordStamps([]byte(stampsJSON), r.fields); err != nil {
		return r, fmt.Errorf("record %s: stamps: %w", id, err)
	}
	return r, nil
}

// putRecord writes a record with the next sequence number of its scope and
// returns that number.
func (p *pusher) putRecord(ctx context.Context, entity, id, scope string, r record) (int64, error) {
	seq, err := p.nextSeq(ctx, scope)
	if err != nil {
		return 0, err
	}
	fb, sb, sole := r.fieldsJSON, r.stampsJSON, r.sole
	if fb == nil {
		fb, sb, sole = app.EncodeFields(r.fields), app.EncodeRecordStamps(r.stamps, r.fields), soleWriter(r.stamps)
	}
	now := ms(p.now)
	if r.notSole {
		sole = ""
	}
	if _, err := p.s.exec(ctx, p.tx, sqlPutRecord,
		entity, id, scope, string(fb), string(sb), seq, now, now, sole); err != nil {
		return 0, fmt.Errorf("write record: %w", err)
	}
	p.unheld.wroteRecord(entity, id)
	if entity == app.EntityAttachment {
		if err := indexAttachment(ctx, p.tx, id, scope, r.fields); err != nil {
			return 0, err
		}
	}
	return seq, nil
}

// addConflict writes mc, a conflict the merge of m keeps, as a new open
// conflict record in the mutation's scope.
func (p *pusher) addConflict(ctx context.Context, m syncproto.Mutation, mc app.MergeConflict) error {
	keptOfficer, err := p.officerOf(ctx, m, mc.KeptStamp)
	if err != nil {
		return err
	}
	otherOfficer, err := p.officerOf(ctx, m, mc.OtherStamp)
	if err != nil {
		return err
	}
	c := app.Conflict{
		ID: app.NewID(), UnitCode: m.Scope, Kind: mc.Kind, Entity: m.Entity, RecordID: m.RecordID, Field: mc.Field,
		KeptValue: mc.Kept, OtherValue: mc.Other, KeptDevice: mc.KeptStamp.Device, OtherDevice: mc.OtherStamp.Device,
		KeptOfficer: keptOfficer, OtherOfficer: otherOfficer,
		KeptAt: mc.KeptStamp.HLC.Time(), OtherAt: mc.OtherStamp.HLC.Time(),
		DetectedAt: p.now.UTC().Truncate(time.Second), Status: app.ConflictOpen,
	}
	fields := c.Fields()
	r := record{fields: map[string]json.RawMessage{}, stamps: map[string]app.Stamp{}}
	app.MergeFields(r.fields, r.stamps, fields, app.Stamp{HLC: p.s.clock.Tick(), Device: serverDevice, Version: 1})
	_, err = p.putRecord(ctx, app.EntityConflict, c.ID, m.Scope, r)
	return err
}

// officerOf returns the officer of the write stamped st: the mutation being
// applied, or the latest applied one of that device on the record.
func (p *pusher) officerOf(ctx context.Context, m syncproto.Mutation, st app.Stamp) (string, error) {
	if st.Device == p.device {
		return m.Officer, nil
	}
	var officer string
	err := p.tx.QueryRowContext(ctx,
		`SELECT officer FROM applied_mutations WHERE entity = ? AND record_id = ? AND device_id = ?
		   AND status = 'applied' AND stamp_hlc = ? LIMIT 1`,
		m.Entity, m.RecordID, st.Device, st.HLC.String()).Scan(&officer)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return officer, err
}

// bound returns the stamp to merge with: h translated into the server's
// time by the device's measured clock error, bounded by the server's own
// clock (a stamp can never be ahead of the server), and after the device's
// previous stamp. A laptop whose clock is years ahead or behind thus has its
// edits ordered by when they were really made, neither winning nor losing
// every conflict, and never drags other clocks: no stamp leaves the server.
func (p *pusher) bound(h app.HLC) app.HLC {
	h.Wall += p.skewMS
	if h.Wall < 0 {
		h = app.HLC{}
	}
	if h.Wall > p.now.UnixMilli() {
		h = p.s.clock.Tick()
	} else {
		p.s.clock.Observe(h)
	}
	if !p.last.IsZero() && h.Compare(p.last) <= 0 {
		h = app.HLC{Wall: p.last.Wall, Logical: p.last.Logical + 1}
		p.s.clock.Observe(h)
	}
	p.last = h
	return h
}

type auditRow struct {
	m                     syncproto.Mutation
	payload, hash         string
	status, code, message string
	stamp                 app.HLC
	seq                   int64
}

// record writes the audit row of a mutation with the statement q
// (sqlRecordMutation, or sqlRecordRefusal). The texts of a refused
// mutation are stored as text either engine takes (valid UTF-8, no NUL,
// bounded): a refused write is kept as evidence, never in full when it is
// huge.
func (p *pusher) record(ctx context.Context, a auditRow, q string) error {
	var stamp string
	var seq sql.NullInt64
	if a.status == syncproto.StatusApplied {
		stamp = a.stamp.String()
		seq = sql.NullInt64{Int64: a.seq, Valid: true}
	}
	_, err := p.s.exec(ctx, p.tx, q,
		a.m.ID, p.device, auditText(a.m.Entity), auditText(a.m.RecordID), auditText(a.m.Scope), auditText(a.m.Op),
		a.hash, auditPayload(a.payload), a.status, a.code, a.message, seq, auditText(a.m.HLC), stamp,
		auditText(a.m.Officer), a.m.DeviceTimeMS, ms(p.now))
	if err != nil {
		return fmt.Errorf("record mutation: %w", err)
	}
	p.unheld.wroteMutation(a.m.ID)
	return nil
}

// canonicalPayload returns the content of a mutation that a resend must
// repeat exactly (as compact JSON with sorted keys, nothing HTML-escaped)
// and its SHA-256. The officer and the device time are audit data, not
// content. The hash is that of the same JSON with "<", ">" and "&"
// escaped, as json.Marshal writes it: the payloads hashed by earlier
// versions, so that a mutation applied before an upgrade and resent after
// it is still a duplicate.
func canonicalPayload(m syncproto.Mutation) (payload, hash string, err error) {
	return canonicalPayloadKeys(m, slices.Sorted(maps.Keys(m.Fields)))
}

// canonicalPayloadKeys is canonicalPayload of m whose fields' names,
// sorted, are keys.
func canonicalPayloadKeys(m syncproto.Mutation, keys []string) (payload, hash string, err error) {
	b, ok := plainCanonical(m, keys)
	if !ok {
		if b, err = marshalCanonical(m); err != nil {
			return "", "", err
		}
	}
	sum := sha256.Sum256(htmlEscaped(b))
	return string(b), hex.EncodeToString(sum[:]), nil
}

// plainCanonical writes marshalCanonical's bytes by hand, a fifth of a
// bulk push's cost through encoding/json's reflection (issue 22), when
// every name and text is plain ASCII (what a laptop sends); it reports
// false for anything else, which marshalCanonical then writes.
func plainCanonical(m syncproto.Mutation, keys []string) ([]byte, bool) {
	for _, s := range [...]string{m.Entity, m.RecordID, m.Scope, m.Op, m.HLC} {
		if !plainASCII(s) {
			return nil, false
		}
	}
	size := 128
	for _, k := range keys {
		v := m.Fields[k]
		if !plainASCII(k) || len(v) == 0 {
			return nil, false
		}
		size += len(k) + len(v) + 4
	}
	b := make([]byte, 0, size)
	b = appendMember(b, `{"entity":`, m.Entity)
	b = appendMember(b, `,"record_id":`, m.RecordID)
	b = appendMember(b, `,"scope":`, m.Scope)
	b = appendMember(b, `,"op":`, m.Op)
	b = append(b, `,"fields":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":`...)
		if v := m.Fields[k]; compactScalar(v) {
			b = append(b, v...)
			continue
		}
		buf := bytes.NewBuffer(b)
		if json.Compact(buf, m.Fields[k]) != nil {
			return nil, false
		}
		b = buf.Bytes()
	}
	b = append(b, '}')
	b = appendMember(b, `,"hlc":`, m.HLC)
	return append(b, '}'), true
}

// compactScalar reports whether v is a JSON text without escapes, a
// whole number written the plain way, true, false or null: valid JSON that
// json.Compact leaves as it is (most of a record's fields).
func compactScalar(v []byte) bool {
	switch {
	case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
		for _, c := range v[1 : len(v)-1] {
			if c < 0x20 || c == '"' || c == '\\' {
				return false
			}
		}
		return true
	case string(v) == "true" || string(v) == "false" || string(v) == "null":
		return true
	}
	d := v
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 1 && d[0] == '0' {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// appendMember appends head and s, plain ASCII, as a JSON string.
func appendMember(b []byte, head, s string) []byte {
	b = append(b, head...)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainASCII reports whether s is written as itself inside a JSON string
// (no quote, backslash, control character, non-ASCII byte or "<>&").
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// marshalCanonical is the canonical content of m through encoding/json.
func marshalCanonical(m syncproto.Mutation) ([]byte, error) {
	return app.Marshal(struct {
		Entity   string                     `json:"entity"`
		RecordID string                     `json:"record_id"`
		Scope    string                     `json:"scope"`
		Op       string                     `json:"op"`
		Fields   map[string]json.RawMessage `json:"fields"`
		HLC      string                     `json:"hlc"`
	}{m.Entity, m.RecordID, m.Scope, m.Op, m.Fields, m.HLC})
}

// htmlEscaped returns JSON b (as app.Marshal writes it) as json.Marshal
// writes it: "<", ">" and "&" as \u003c, \u003e and \u0026, and, inside
// raw values, U+2028 and U+2029 as \u2028 and \u2029 (json.Marshal
// escapes them in every string). They occur only inside strings.
func htmlEscaped(b []byte) []byte {
	if !needsHTMLEscape(b) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '<':
			out = append(out, `\u003c`...)
		case c == '>':
			out = append(out, `\u003e`...)
		case c == '&':
			out = append(out, `\u0026`...)
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8:
			out = append(out, `\u202`...)
			out = append(out, "89"[b[i+2]&1])
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

// needsHTMLEscape reports whether b holds "<", ">", "&", U+2028 or U+2029
// (a loop over bytes: bytes.ContainsAny decodes every rune of a
// Vietnamese text when the set has one that is not ASCII).
func needsHTMLEscape(b []byte) bool {
	for i, c := range b {
		switch c {
		case '<', '>', '&':
			return true
		case 0xE2:
			if i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8 {
				return true
			}
		}
	}
	return false
}

// maxAuditPayload bounds the payload kept of a mutation: a write within the
// limits always fits; a larger one was refused and is kept as its size.
const maxAuditPayload = 2 * app.MaxWriteBytes

// auditPayload returns the payload to keep in the audit trail.
func auditPayload(payload string) string {
	if len(payload) > maxAuditPayload {
		return fmt.Sprintf(`{"omitted":"too_large","bytes":%d}`, len(payload))
	}
	return strings.ToValidUTF8(payload, "\uFFFD")
}

// auditText returns s as kept in a text column of the audit trail: valid
// UTF-8, without NUL, at most 4 × app.MaxShortText bytes.
func auditText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) && len(s) <= 4*app.MaxShortText {
		return s
	}
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) > 4*app.MaxShortText {
		s = strings.ToValidUTF8(s[:4*app.MaxShortText], "")
	}
	return s
}

// soleWriter returns the device that wrote every field, or "".
func soleWriter(stamps map[string]app.Stamp) string {
	w := ""
	for _, st := range stamps {
		switch {
		case w == "":
			w = st.Device
		case st.Device != w:
			return ""
		}
	}
	return w
}
