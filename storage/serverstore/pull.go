package serverstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"bvntd/sync/syncproto"
)

// Bounds of PullRequest.MaxBytes.
const (
	DefaultPullBytes = 256 << 10
	MinPullBytes     = 4 << 10
	MaxPullBytes     = 4 << 20
)

// maxRecordBytes is the largest record a pull sends: what a device takes
// in one body (syncproto.MaxBodyBytes), less room for the rest of the
// page. A larger record (only a database written around the server's
// checks holds one) is sent withheld, without its fields.
const maxRecordBytes = syncproto.MaxBodyBytes - 1<<20

// clampPullBytes applies the default and the bounds to a requested page size.
func clampPullBytes(n int) int {
	switch {
	case n <= 0:
		return DefaultPullBytes
	case n < MinPullBytes:
		return MinPullBytes
	case n > MaxPullBytes:
		return MaxPullBytes
	}
	return n
}

// Pull returns the records changed after the device's cursors, in sequence
// order per scope, for every scope the device may read: its commune and the
// shared reference scope (syncproto.ScopeShared), or every scope for a
// provincial device, which receives the communes' personal data only as
// its copy allows (provincecopy.go). Cursors naming other scopes are
// ignored. A cursor from another epoch, or ahead of the server (a server
// restored from backup), gets Reset and starts again from 0. The records'
// JSON, as encoded on the wire, is bounded by req.MaxBytes, except that a
// response always carries at least one record when there is one to send.
//
// A record that cannot be sent as it is stored — larger than a device
// takes in one body (maxRecordBytes), or fields that are not a JSON object
// — is sent without its fields, Withheld saying why, to a device that
// accepts such records (req.AcceptWithheld: it keeps them aside for
// review); to an older app it is not sent, and its cursor moves past it.
// Either way no device is stopped by it, and a newer version of the record
// reaches every device as usual.
//
// A pull only reads: the device's last-seen time is noted in memory and
// written in the background (lastseen.go), so a pull never waits for the
// writer and answers on a full disk.
func (s *Store) Pull(ctx context.Context, deviceID string, req syncproto.PullRequest) (syncproto.PullResponse, error) {
	resp, _, err := s.pull(ctx, deviceID, req, false)
	if err != nil {
		return syncproto.PullResponse{}, err
	}
	s.seen.note(deviceID, s.now())
	return resp, nil
}

// PullRaw is Pull for the server's answer (syncserver): the records whose
// fields are stored exactly as the wire writes them
// (syncproto.CanonicalObject; every record the server stored itself) come
// without Fields, their stored document in raw[page][record] instead, to
// be copied into the answer as it is (syncproto.AppendPull): no decoding
// and encoding again. The others (a limited copy's records, records stored
// otherwise) have their Fields and a nil raw.
func (s *Store) PullRaw(ctx context.Context, deviceID string, req syncproto.PullRequest) (syncproto.PullResponse, [][]json.RawMessage, error) {
	resp, raw, err := s.pull(ctx, deviceID, req, true)
	if err != nil {
		return syncproto.PullResponse{}, nil, err
	}
	s.seen.note(deviceID, s.now())
	return resp, raw, nil
}

// pullOpts are what a pull asks beyond its cursors.
type pullOpts struct {
	skipFor  string // skip the records this device alone wrote ("": none)
	withheld bool   // send withheld records (PullRequest.AcceptWithheld)
	// held, for a limited provincial device, lists the records of the
	// scope it receives whole (provincecopy.go); the others go without
	// their personal fields. nil: every record whole.
	held map[string]bool
	// raw: the fields of a record stored as the wire writes them are kept
	// as they are (PullRaw), in the page's raw slice.
	raw bool
}

func (s *Store) pull(ctx context.Context, deviceID string, req syncproto.PullRequest, raw bool) (syncproto.PullResponse, [][]json.RawMessage, error) {
	// One read transaction: a consistent snapshot of every scope.
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d == postgresDialect {
		// One snapshot for the heads and every page, as SQLite's read
		// transaction gives.
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return syncproto.PullResponse{}, nil, fmt.Errorf("begin pull: %w", err)
	}
	defer tx.Rollback()

	acc, err := deviceAccess(ctx, tx, deviceID)
	if err != nil {
		return syncproto.PullResponse{}, nil, err
	}
	heads, err := scopeHeads(ctx, tx, acc.scope)
	if err != nil {
		return syncproto.PullResponse{}, nil, err
	}
	cursors := make(map[string]syncproto.Cursor, len(req.Cursors))
	for _, c := range req.Cursors {
		cursors[c.Scope] = c
	}

	resp := syncproto.PullResponse{Scopes: []syncproto.ScopePage{}}
	var raws [][]json.RawMessage
	budget := clampPullBytes(req.MaxBytes)
	used, sent := 0, 0
	for _, h := range heads {
		epoch := s.copyEpoch(acc, h.scope)
		page := syncproto.ScopePage{Scope: h.scope, Epoch: epoch, Records: []syncproto.Record{}}
		start := int64(0)
		if c, ok := cursors[h.scope]; ok && c.Epoch != "" {
			if c.Epoch != epoch || c.Seq > h.seq {
				page.Reset = true
			} else if c.Seq > 0 {
				start = c.Seq
				s.cursors.note(deviceID, h.scope, c.Seq) // it holds them (fileprune.go)
			}
		}
		page.NextSeq = start
		var pageRaw []json.RawMessage
		if start < h.seq {
			if used >= budget && sent > 0 {
				page.HasMore = true
			} else {
				o := pullOpts{withheld: req.AcceptWithheld, raw: raw}
				if req.SkipOwn {
					o.skipFor = deviceID
				}
				if acc.limited && h.scope != syncproto.ScopeShared {
					if o.held, err = heldSet(ctx, tx, h.scope); err != nil {
						return syncproto.PullResponse{}, nil, err
					}
				}
				more, err := s.readPage(ctx, tx, o, &page, &pageRaw, start, budget, &used, &sent)
				if err != nil {
					return syncproto.PullResponse{}, nil, err
				}
				page.HasMore = more
			}
		}
		resp.HasMore = resp.HasMore || page.HasMore
		if len(page.Records) > 0 || page.Reset || page.NextSeq > start {
			resp.Scopes = append(resp.Scopes, page)
			raws = append(raws, pageRaw)
		}
	}
	return resp, raws, nil
}

// readPage appends to page the records of its scope after start, while the
// budget lasts. It reports whether records are left.
//
// A record whose every field was written by o.skipFor (the requesting
// device, when it asks for it) is not sent (the device has it: its own push
// coming back), but the cursor moves past it.
func (s *Store) readPage(ctx context.Context, tx *txn, o pullOpts, page *syncproto.ScopePage, raw *[]json.RawMessage, start int64, budget int, used, sent *int) (bool, error) {
	// The rows come in chunks: each query walks the (scope, seq) index for
	// a chunk, so a page costs the same whatever the scope's backlog (one
	// query for the whole backlog makes PostgreSQL read and sort all of
	// it on every pull of a first sync).
	for after := start; ; {
		n, full, err := s.readChunk(ctx, tx, o, page, raw, after, budget, used, sent)
		if err != nil || full {
			return full, err
		}
		if n < pullChunk {
			return false, nil
		}
		after = page.NextSeq
	}
}

// pullChunk is the number of rows a page reads per query.
const pullChunk = 128

// readChunk reads up to pullChunk records after after into page. It
// returns how many rows it read and whether the budget was reached. The
// budget counts each record as encoded on the wire (wireSize).
func (s *Store) readChunk(ctx context.Context, tx *txn, o pullOpts, page *syncproto.ScopePage, raw *[]json.RawMessage, after int64, budget int, used, sent *int) (int, bool, error) {
	// A record too large to send is not even read: only its length.
	rows, err := tx.QueryContext(ctx,
		`SELECT entity, id, seq, version, octet_length(fields) > ?,
		   CASE WHEN octet_length(fields) > ? THEN NULL ELSE fields END, (? <> '' AND sole_writer = ?)
		 FROM records WHERE scope = ? AND seq > ? ORDER BY seq LIMIT ?`,
		s.maxRecord, s.maxRecord, o.skipFor, o.skipFor, page.Scope, after, pullChunk)
	if err != nil {
		return 0, false, fmt.Errorf("read scope %s: %w", page.Scope, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		var r syncproto.Record
		var fields []byte
		var big, own bool
		if err := rows.Scan(&r.Entity, &r.ID, &r.Seq, &r.Version, &big, &fields, &own); err != nil {
			return n, false, fmt.Errorf("read scope %s: %w", page.Scope, err)
		}
		if own {
			page.NextSeq = r.Seq
			continue
		}
		var asStored json.RawMessage
		switch {
		case big:
			r.Withheld = syncproto.WithheldTooLarge
		case o.raw && o.held == nil && syncproto.CanonicalObject(fields):
			asStored = fields
		case json.Unmarshal(fields, &r.Fields) != nil || r.Fields == nil:
			r.Withheld, r.Fields = syncproto.WithheldMalformed, nil
		}
		if r.Withheld != "" {
			// Stored around the server's checks: the operator is told
			// (ids only), each device keeps it aside or skips it.
			slog.Warn("pull: record cannot be sent as stored; sent withheld", "entity", r.Entity, "id", r.ID,
				"scope", page.Scope, "seq", r.Seq, "reason", r.Withheld, "device_keeps_it_aside", o.withheld)
			if !o.withheld {
				page.NextSeq = r.Seq
				continue
			}
			fields = nil
		} else if o.held != nil && limitRecord(&r, o.held) {
			// Sent shorter than stored: counted as sent.
			if fields, err = syncproto.Marshal(r.Fields); err != nil {
				return n, false, fmt.Errorf("limit %s %s: %w", r.Entity, r.ID, err)
			}
		}
		size := wireSize(&r, len(fields))
		if *sent > 0 && *used+size > budget {
			return n, true, nil
		}
		page.Records = append(page.Records, r)
		if o.raw {
			*raw = append(*raw, asStored)
		}
		page.NextSeq = r.Seq
		*used += size
		*sent++
	}
	return n, false, rows.Err()
}

// wireSize is the length of r's JSON in a pull page, with the comma that
// separates it from the next one: `{"entity":…,"id":…,"seq":…,"fields":…,
// "version":…,"withheld":…}`. The fields count as stored (fieldsLen; 0 for
// none: null): their encoding on the wire, compact and not HTML-escaped, is
// never longer (syncproto.Encode).
func wireSize(r *syncproto.Record, fieldsLen int) int {
	n := len(`{"entity":,"id":,"seq":,"fields":},`) + jsonStringLen(r.Entity) + jsonStringLen(r.ID) +
		len(strconv.FormatInt(r.Seq, 10))
	if fieldsLen == 0 {
		fieldsLen = len("null")
	}
	n += fieldsLen
	if r.Version != 0 {
		n += len(`,"version":`) + len(strconv.FormatInt(r.Version, 10))
	}
	if r.Withheld != "" {
		n += len(`,"withheld":`) + jsonStringLen(r.Withheld)
	}
	if r.Limited {
		n += len(`,"limited":true`)
	}
	return n
}

// jsonStringLen is the length of s as a JSON string on the wire.
func jsonStringLen(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			b, _ := syncproto.Marshal(s) // a string always marshals
			return len(b)
		}
	}
	return len(s) + 2
}

type scopeHead struct {
	scope string
	seq   int64
}

// scopeHeads returns the scopes a device may read with their latest
// sequence numbers: a commune device's commune then the shared reference
// scope; every scope, in scope order, for a provincial device.
func scopeHeads(ctx context.Context, tx *txn, devScope string) ([]scopeHead, error) {
	if devScope != syncproto.ScopeProvince {
		out := []scopeHead{{scope: devScope}, {scope: syncproto.ScopeShared}}
		for i := range out {
			err := tx.QueryRowContext(ctx, `SELECT seq FROM scope_seq WHERE scope = ?`, out[i].scope).Scan(&out[i].seq)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("read scope head: %w", err)
			}
		}
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT scope, seq FROM scope_seq ORDER BY scope`)
	if err != nil {
		return nil, fmt.Errorf("read scope heads: %w", err)
	}
	defer rows.Close()
	var out []scopeHead
	for rows.Next() {
		var h scopeHead
		if err := rows.Scan(&h.scope, &h.seq); err != nil {
			return nil, fmt.Errorf("read scope heads: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
