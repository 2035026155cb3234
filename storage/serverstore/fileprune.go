package serverstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"bvntd/app"
	"bvntd/storage/blobstore"
	"bvntd/sync/syncproto"
)

// The content of an evidence file is kept until every device has seen its
// removal (issue 20): a file whose attachment records, in every scope, are
// all voided is removed from the content store (and its proofs from
// file_scopes) once every device that receives those records — the
// commune's devices and the provincial ones, not revoked — has
// acknowledged the voids: its latest pull sent a cursor at or past the
// void's sequence number (device_cursors). A file any live record names
// is never removed. `bvntd-server files --prune` runs it; `serve` runs it
// once a day.

// cursorNotes holds the cursors noted by pulls, written with the last-seen
// times (lastseen.go).
type cursorNotes struct {
	mu      sync.Mutex
	pending map[[2]string]int64 // (device, scope) → seq
}

// note records that device holds scope's changes up to seq.
func (c *cursorNotes) note(device, scope string, seq int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[[2]string]int64{}
	}
	k := [2]string{device, scope}
	if seq > c.pending[k] {
		c.pending[k] = seq
	}
}

func (c *cursorNotes) take() map[[2]string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.pending
	c.pending = nil
	return out
}

func (c *cursorNotes) putBack(m map[[2]string]int64) {
	for k, seq := range m {
		c.note(k[0], k[1], seq)
	}
}

// flushCursors writes the noted cursors (never moving one back). On
// failure they are kept for the next flush.
func (s *Store) flushCursors(ctx context.Context) (err error) {
	pending := s.cursors.take()
	if len(pending) == 0 {
		return nil
	}
	defer func() {
		if err != nil {
			s.cursors.putBack(pending)
		}
	}()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin cursor flush: %w", err)
	}
	defer tx.Rollback()
	at := ms(s.now())
	for k, seq := range pending {
		if _, err := tx.ExecContext(ctx, `INSERT INTO device_cursors (device_id, scope, seq, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (device_id, scope) DO UPDATE SET seq = excluded.seq, at = excluded.at
			WHERE device_cursors.seq < excluded.seq`, k[0], k[1], seq, at); err != nil {
			return fmt.Errorf("write device_cursors: %w", err)
		}
	}
	return s.commitQuiet(tx.Tx)
}

// PrunedFiles is what a prune removed in one commune (a file named in two
// communes counts in each).
type PrunedFiles struct {
	Scope string
	Files int
	Bytes int64
}

// PruneFiles removes the content of the files whose every attachment
// record is voided and whose voids every device receiving them has
// acknowledged. It returns, per commune, what it removed, and how many
// files wholly voided it keeps because a device has not yet seen the void.
func (s *Store) PruneFiles(ctx context.Context) (removed []PrunedFiles, waiting int, err error) {
	files, err := s.Files()
	if err != nil {
		return nil, 0, err
	}
	if err := s.flushCursors(ctx); err != nil {
		return nil, 0, err
	}
	type ref struct {
		scope string
		seq   int64
	}
	live := map[string]bool{}
	voided := map[string][]ref{}
	rows, err := s.r.QueryContext(ctx, `SELECT scope, seq, fields FROM records WHERE entity = ?`, app.EntityAttachment)
	if err != nil {
		return nil, 0, fmt.Errorf("read attachments: %w", err)
	}
	for rows.Next() {
		var r ref
		var fields string
		if err := rows.Scan(&r.scope, &r.seq, &fields); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("read attachments: %w", err)
		}
		var a app.Attachment
		if json.Unmarshal([]byte(fields), &a) != nil || !app.ValidSHA256(a.SHA256) {
			continue
		}
		if !a.Voided {
			live[a.SHA256] = true
			continue
		}
		voided[a.SHA256] = append(voided[a.SHA256], r)
	}
	if err := rows.Close(); err != nil {
		return nil, 0, err
	}
	// Who must have seen each scope's voids: its devices and the
	// provincial ones, not revoked; and how far each has acknowledged.
	type dev struct{ id, scope string }
	var devs []dev
	drows, err := s.r.QueryContext(ctx, `SELECT id, scope FROM devices WHERE revoked_at IS NULL`)
	if err != nil {
		return nil, 0, fmt.Errorf("read devices: %w", err)
	}
	for drows.Next() {
		var d dev
		if err := drows.Scan(&d.id, &d.scope); err != nil {
			drows.Close()
			return nil, 0, fmt.Errorf("read devices: %w", err)
		}
		devs = append(devs, d)
	}
	if err := drows.Close(); err != nil {
		return nil, 0, err
	}
	acked := map[[2]string]int64{}
	crows, err := s.r.QueryContext(ctx, `SELECT device_id, scope, seq FROM device_cursors`)
	if err != nil {
		return nil, 0, fmt.Errorf("read device_cursors: %w", err)
	}
	for crows.Next() {
		var d, sc string
		var seq int64
		if err := crows.Scan(&d, &sc, &seq); err != nil {
			crows.Close()
			return nil, 0, fmt.Errorf("read device_cursors: %w", err)
		}
		acked[[2]string{d, sc}] = seq
	}
	if err := crows.Close(); err != nil {
		return nil, 0, err
	}
	seenByAll := func(r ref) bool {
		for _, d := range devs {
			if d.scope != r.scope && d.scope != syncproto.ScopeProvince {
				continue
			}
			if acked[[2]string{d.id, r.scope}] < r.seq {
				return false
			}
		}
		return true
	}
	per := map[string]*PrunedFiles{}
	hashes := make([]string, 0, len(voided))
	for h := range voided {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	for _, h := range hashes {
		if live[h] {
			continue
		}
		ok := true
		for _, r := range voided[h] {
			ok = ok && seenByAll(r)
		}
		if !ok {
			waiting++
			continue
		}
		// A record naming it may have arrived since the read: look again.
		if still, err := s.namedByLive(ctx, h); err != nil || still {
			if err != nil {
				return removed, waiting, err
			}
			continue
		}
		size, err := files.Size(h)
		held := err == nil
		if err != nil && !errors.Is(err, blobstore.ErrNotFound) {
			return removed, waiting, err
		}
		if err := files.Remove(h); err != nil {
			return removed, waiting, fmt.Errorf("remove %s: %w", app.ShortHash(h), err)
		}
		if _, err := s.w.ExecContext(ctx, `DELETE FROM file_scopes WHERE sha256 = ?`, h); err != nil {
			return removed, waiting, fmt.Errorf("write file_scopes: %w", err)
		}
		if !held {
			continue // nothing was held
		}
		scopes := map[string]bool{}
		for _, r := range voided[h] {
			scopes[r.scope] = true
		}
		for sc := range scopes {
			p := per[sc]
			if p == nil {
				p = &PrunedFiles{Scope: sc}
				per[sc] = p
			}
			p.Files++
			p.Bytes += size
		}
	}
	for _, p := range per {
		removed = append(removed, *p)
	}
	sort.Slice(removed, func(i, j int) bool { return removed[i].Scope < removed[j].Scope })
	return removed, waiting, nil
}

// namedByLive reports whether a live (not voided) attachment record names
// the file h.
func (s *Store) namedByLive(ctx context.Context, h string) (bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT fields FROM records WHERE entity = ? AND `+s.d.jsonText("fields", "sha256")+` = ?`,
		app.EntityAttachment, h)
	if err != nil {
		return false, fmt.Errorf("read attachments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fields string
		if err := rows.Scan(&fields); err != nil {
			return false, err
		}
		var a app.Attachment
		if json.Unmarshal([]byte(fields), &a) == nil && !a.Voided && a.SHA256 == h {
			return true, nil
		}
	}
	return false, rows.Err()
}
