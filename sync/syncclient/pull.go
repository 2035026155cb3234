package syncclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"bvntd/app"
	"bvntd/sync/syncproto"

	"github.com/klauspost/compress/zstd"
)

// The pull streams. A goroutine fetches pages and decodes each answer as
// it arrives, record by record, handing groups of records to the sync's
// goroutine, which stores each group with its cursor in one transaction
// (Store.ApplyPull) while the next group, or the next page, downloads: the
// network, the server and the store work at the same time.
//
// Records come in sequence order within a scope's page, so the cursor of a
// group is the sequence number of its last record (the page's NextSeq once
// the page is complete): never ahead of what is stored. When the link
// breaks in the middle of an answer, the complete records received are
// stored and the next request starts after them: a cut wastes at most the
// record it cut, whatever the page size. Pages halve after a failed attempt
// and double after a complete one, as before; with the default page size,
// up to 4 MB of records (8 times the first page).
//
// The answer's format is the one of every server version (syncproto): the
// page's scope, epoch and reset come before its records (the field order of
// syncproto.ScopePage), so a page of an older server streams too. A page
// whose records come first, or out of order, is stored whole at its end.

// maxZstdMemory bounds what a zstd answer may make the device allocate
// (its window): more than a body holds decoded is never needed.
const maxZstdMemory = 2 * syncproto.MaxBodyBytes

// maxAutoPageBytes is the largest page a client with the default page
// size asks for: the largest a server sends (serverstore.MaxPullBytes).
const maxAutoPageBytes = 4 << 20

// pullGroup is the most records handed over for one transaction while a
// page streams.
const pullGroup = 256

// pullEvent is what the fetching goroutine hands over, in order: a group
// of a scope's records with the cursor that covers them, or the end of an
// answer (its server time, minimum version and recovery key).
type pullEvent struct {
	page *app.PulledPage
	end  *syncproto.PullResponse
}

// pullPosition is how far the fetching goroutine has received each scope:
// the cursors of its next request.
type pullPosition struct {
	cursors []syncproto.Cursor
}

func (p *pullPosition) get(scope string) (syncproto.Cursor, bool) {
	for _, c := range p.cursors {
		if c.Scope == scope {
			return c, true
		}
	}
	return syncproto.Cursor{}, false
}

func (p *pullPosition) set(c syncproto.Cursor) {
	for i := range p.cursors {
		if p.cursors[i].Scope == c.Scope {
			p.cursors[i] = c
			return
		}
	}
	p.cursors = append(p.cursors, c)
}

func (c *Client) pull(ctx context.Context, e app.Enrollment, res *Result) error {
	full, err := c.Store.NeedsFullPull(ctx)
	if err != nil {
		return err
	}
	stored, err := c.Store.Cursors(ctx)
	if err != nil {
		return err
	}
	pos := &pullPosition{}
	for _, cur := range stored {
		pos.cursors = append(pos.cursors, syncproto.Cursor{Scope: cur.Scope, Epoch: cur.Epoch, Seq: cur.Seq})
	}

	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan pullEvent, pullQueue)
	fetched := make(chan error, 1)
	var pulled atomic.Int64 // records stored, for the progress of retries
	pulled.Store(int64(res.Pulled))
	go func() {
		defer close(events)
		fetched <- c.fetchPages(fctx, e, pos, full, events, &pulled)
	}()
	applyErr := c.applyPulled(ctx, events, res, &pulled)
	if applyErr != nil {
		cancel()
		for range events { // let the fetching goroutine end
		}
	}
	ferr := <-fetched
	if applyErr != nil {
		return applyErr
	}
	if ferr != nil {
		return ferr
	}
	if full {
		return c.Store.FullPullDone(ctx)
	}
	return nil
}

// applyCoalesce is the most records stored in one transaction: the groups
// that arrived while the previous transaction ran are stored together, up
// to this many. Fewer commits write fewer log frames and full-text
// segments: each commit writes again every page of the random-keyed
// indexes it touched (ids, names, the list's order), so 10,240 new cases
// stored 512, 1,024, 2,048 and 4,096 a transaction wrote 95, 52, 41 and
// 28 MB to the log in 21,424, 13,362, 10,594 and 7,196 writes, for a
// store of 31 MB (and 1,024 cost 15% less each than 256 in
// BenchmarkApplyPull_Page500). A cut loses no more than before, the
// groups' cursors being stored with them; a crash loses at most this many
// records' progress (pulled again), and the window's own writes wait for
// one transaction at most (about 0.4 s at 4,096).
const applyCoalesce = 4096

// pullQueue is how many groups the fetching goroutine may hand over ahead
// of the one being stored: enough to gather applyCoalesce records.
const pullQueue = applyCoalesce / pullGroup

// applyPulled stores what the fetching goroutine hands over, in order.
func (c *Client) applyPulled(ctx context.Context, events <-chan pullEvent, res *Result, pulled *atomic.Int64) error {
	var held *pullEvent // an answer's end taken while gathering groups
	for {
		var ev pullEvent
		if held != nil {
			ev, held = *held, nil
		} else {
			var ok bool
			if ev, ok = <-events; !ok {
				return nil
			}
		}
		if ev.end != nil {
			if err := c.pulledAnswer(ctx, ev.end); err != nil {
				return err
			}
			continue
		}
		pages := []app.PulledPage{*ev.page}
		n := len(ev.page.Records)
	gather:
		for n < applyCoalesce {
			select {
			case more, ok := <-events:
				if !ok {
					break gather // the next receive says so again
				}
				if more.end != nil {
					held = &more
					break gather
				}
				pages = append(pages, *more.page)
				n += len(more.page.Records)
			default:
				break gather
			}
		}
		requeued, err := c.Store.ApplyPull(ctx, pages)
		if err != nil {
			return err
		}
		res.Requeued += requeued
		res.Pulled += n
		pulled.Store(int64(res.Pulled))
		for _, p := range pages {
			slog.Debug("sync: pulled", "scope", p.Scope, "records", len(p.Records), "reset", p.Reset, "next_seq", p.NextSeq)
		}
		c.report(Progress{Phase: "pull", Pulled: res.Pulled})
	}
}

// pulledAnswer takes what a complete answer says besides its pages.
func (c *Client) pulledAnswer(ctx context.Context, resp *syncproto.PullResponse) error {
	if err := c.observe(ctx, resp.ServerTimeMS); err != nil {
		return err
	}
	if err := c.recoveryKey(ctx, resp.RecoveryKey); err != nil {
		return err
	}
	if resp.MinAppVersion == "" || syncproto.CompareVersions(c.AppVersion, resp.MinAppVersion) >= 0 {
		return c.Store.SetUpdateRequired(ctx, "")
	}
	return nil
}

// fetchPages requests pages from pos until the server has nothing more,
// handing their records over as they arrive; it retries failed attempts
// from what was received.
func (c *Client) fetchPages(ctx context.Context, e app.Enrollment, pos *pullPosition, full bool, out chan<- pullEvent, pulled *atomic.Int64) error {
	page, ceil := c.PageBytes, c.PageBytes
	if page <= 0 {
		// The first page as before; then, while answers come whole, up
		// to the largest a server sends: fewer round trips on a slow
		// link, and a cut costs no more (it keeps what came).
		page, ceil = DefaultPageBytes, maxAutoPageBytes
	}
	attempt := 0
	for {
		req := syncproto.PullRequest{MaxBytes: page, Cursors: append([]syncproto.Cursor(nil), pos.cursors...), SkipOwn: !full,
			AcceptWithheld: true}
		slog.Debug("sync: pull page", "cursors", len(req.Cursors), "budget_bytes", page, "full", full, "attempt", attempt+1)
		more, got, err := c.pullOnce(ctx, e, req, pos, out)
		if err != nil {
			if errors.Is(err, syncproto.ErrTooLarge) && page > minPageBytes {
				// A smaller page may fit; a single record too large for
				// a body (an older server sends one whole) fails below,
				// once, with what happened.
				slog.Info("sync: pull page too large for this device; halved", "budget_bytes", page/2)
				page = max(minPageBytes, page/2)
				continue
			}
			if got > 0 {
				attempt = 0 // the link works: the records received are kept
			}
			attempt++
			slog.Debug("sync: pull answer cut", "records_kept", got)
			if err := c.backoff(ctx, attempt, err, Progress{Phase: "pull", Pulled: int(pulled.Load())}); err != nil {
				return err
			}
			page = max(minPageBytes, page/2)
			continue
		}
		attempt, page = 0, min(ceil, page*2)
		if !more {
			return nil
		}
	}
}

// pullOnce makes one pull request and streams its answer (see the top of
// this file). It returns whether the server has more, and how many
// records it handed over (kept even when the answer breaks off).
func (c *Client) pullOnce(ctx context.Context, e app.Enrollment, req syncproto.PullRequest, pos *pullPosition, out chan<- pullEvent) (more bool, got int, err error) {
	body, err := syncproto.Encode(req, true)
	if err != nil {
		return false, 0, err
	}
	hr, err := c.post(ctx, e, syncproto.PathPull, body, "zstd, gzip") // a server of before answers gzip
	if err != nil {
		return false, 0, err
	}
	defer hr.Body.Close()
	enc := hr.Header.Get("Content-Encoding")
	gz := strings.Contains(enc, "gzip")
	lim := &io.LimitedReader{R: hr.Body, N: syncproto.MaxBodyBytes + 1}
	raw := &countingReader{r: lim, n: &c.received}
	if hr.StatusCode != http.StatusOK {
		se := &statusError{status: hr.StatusCode}
		b, err := io.ReadAll(raw)
		if err != nil {
			return false, 0, err
		}
		if derr := syncproto.Decode(bytes.NewReader(b), gz, 1<<16, &se.body); derr != nil {
			se.body.Message = ""
		}
		return false, 0, se
	}
	var src io.Reader = raw
	switch {
	case strings.Contains(enc, "zstd"):
		zr, err := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxZstdMemory))
		if err != nil {
			return false, 0, err
		}
		defer zr.Close()
		src = zr
	case gz:
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return false, 0, err
		}
		defer zr.Close()
		src = zr
	}
	lr := &io.LimitedReader{R: src, N: syncproto.MaxBodyBytes + 1}
	s := &pullStream{dec: json.NewDecoder(lr), pos: pos, out: out, ctx: ctx}
	if rr, ok := c.Store.(app.RawFieldsReader); ok {
		s.raw = rr.ReadsRawFields()
	}
	resp, err := s.answer()
	if err == nil {
		if _, terr := s.dec.Token(); terr != io.EOF {
			err = errors.New("syncproto: trailing data after the JSON body")
			if terr != nil {
				err = terr // a broken stream (a cut, a bad checksum)
			}
		}
	}
	if lr.N <= 0 || lim.N <= 0 {
		err = syncproto.ErrTooLarge // more than this device takes: never read whole
	}
	if err != nil {
		return false, s.got, err
	}
	if err := s.send(pullEvent{end: &resp}); err != nil {
		return false, s.got, err
	}
	return resp.HasMore, s.got, nil
}

// wireRecord is a syncproto.Record with its fields left undecoded.
type wireRecord struct {
	Entity   string          `json:"entity"`
	ID       string          `json:"id"`
	Seq      int64           `json:"seq"`
	Fields   json.RawMessage `json:"fields"`
	Version  int64           `json:"version"`
	Withheld string          `json:"withheld"`
	Limited  bool            `json:"limited"`
}

// pullStream decodes one pull answer, handing its records over as they
// come.
type pullStream struct {
	dec *json.Decoder
	pos *pullPosition
	out chan<- pullEvent
	ctx context.Context
	raw bool // the store reads PulledRecord.Raw (app.RawFieldsReader)
	got int
}

func (s *pullStream) send(ev pullEvent) error {
	select {
	case s.out <- ev:
		return nil
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
}

func (s *pullStream) delim(want json.Delim) error {
	t, err := s.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("syncproto: decode: want %q, got %v", want, t)
	}
	return nil
}

func (s *pullStream) key() (string, error) {
	t, err := s.dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("syncproto: decode: want a key, got %v", t)
	}
	return k, nil
}

// answer decodes a PullResponse, its pages handed over as they come (its
// Scopes left empty).
func (s *pullStream) answer() (syncproto.PullResponse, error) {
	var resp syncproto.PullResponse
	if err := s.delim('{'); err != nil {
		return resp, err
	}
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return resp, err
		}
		switch k {
		case "scopes":
			if err := s.pages(); err != nil {
				return resp, err
			}
		case "has_more":
			err = s.dec.Decode(&resp.HasMore)
		case "server_time_ms":
			err = s.dec.Decode(&resp.ServerTimeMS)
		case "min_app_version":
			err = s.dec.Decode(&resp.MinAppVersion)
		case "recovery_key":
			err = s.dec.Decode(&resp.RecoveryKey)
		default:
			var skip json.RawMessage
			err = s.dec.Decode(&skip)
		}
		if err != nil {
			return resp, err
		}
	}
	return resp, s.delim('}')
}

// array reads the start of an array (what names it in errors); false for
// null.
func (s *pullStream) array(what string) (bool, error) {
	t, err := s.dec.Token()
	if err != nil || t == nil { // null
		return false, err
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return false, fmt.Errorf("syncproto: decode: want %s, got %v", what, t)
	}
	return true, nil
}

func (s *pullStream) pages() error {
	if ok, err := s.array("scopes"); !ok {
		return err
	}
	for s.dec.More() {
		if err := s.page(); err != nil {
			return err
		}
	}
	return s.delim(']')
}

// page decodes one ScopePage. Its records are handed over in groups as
// they come when its scope and epoch came before them and their sequence
// numbers rise; else at its end. When the answer breaks off, the complete
// records received are handed over with the cursor of the last one.
func (s *pullStream) page() error {
	if err := s.delim('{'); err != nil {
		return err
	}
	var hdr syncproto.ScopePage
	var group []app.PulledRecord
	streaming := false // records go out before the page ends
	var last int64     // the sequence number of the last record
	resetSent := false
	flush := func(cursor int64) error {
		if len(group) == 0 && !(hdr.Reset && !resetSent) {
			if cur, ok := s.pos.get(hdr.Scope); ok && cur.Epoch == hdr.Epoch && cur.Seq == cursor {
				return nil // nothing to store
			}
		}
		p := &app.PulledPage{Scope: hdr.Scope, Epoch: hdr.Epoch, Reset: hdr.Reset && !resetSent, NextSeq: cursor, Records: group}
		resetSent = resetSent || hdr.Reset
		if err := s.send(pullEvent{page: p}); err != nil {
			return err
		}
		s.got += len(group)
		s.pos.set(syncproto.Cursor{Scope: hdr.Scope, Epoch: hdr.Epoch, Seq: cursor})
		group = nil
		return nil
	}
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return err
		}
		switch k {
		case "scope":
			err = s.dec.Decode(&hdr.Scope)
		case "epoch":
			err = s.dec.Decode(&hdr.Epoch)
		case "reset":
			err = s.dec.Decode(&hdr.Reset)
		case "next_seq":
			err = s.dec.Decode(&hdr.NextSeq)
		case "has_more":
			err = s.dec.Decode(&hdr.HasMore)
		case "records":
			streaming = hdr.Scope != "" && hdr.Epoch != "" && len(group) == 0
			if cur, ok := s.pos.get(hdr.Scope); ok && !hdr.Reset && cur.Epoch == hdr.Epoch {
				last = cur.Seq
			}
			err = s.records(&group, &streaming, &last, flush)
		default:
			var skip json.RawMessage
			err = s.dec.Decode(&skip)
		}
		if err != nil {
			if streaming && len(group) > 0 {
				// Cut: keep the complete records received.
				if ferr := flush(last); ferr != nil {
					return ferr
				}
			}
			return err
		}
	}
	if err := s.delim('}'); err != nil {
		if streaming && len(group) > 0 {
			if ferr := flush(last); ferr != nil {
				return ferr
			}
		}
		return err
	}
	if hdr.Scope == "" {
		return errors.New("syncproto: decode: a page without its scope")
	}
	return flush(hdr.NextSeq)
}

// records decodes a page's records into group, handing them over every
// pullGroup records while streaming.
func (s *pullStream) records(group *[]app.PulledRecord, streaming *bool, last *int64, flush func(int64) error) error {
	if ok, err := s.array("records"); !ok {
		return err
	}
	for s.dec.More() {
		var r wireRecord
		if err := s.dec.Decode(&r); err != nil {
			return err
		}
		if r.Seq <= *last {
			*streaming = false // out of order: the page goes whole
		}
		*last = max(*last, r.Seq)
		p := app.PulledRecord{Entity: r.Entity, ID: r.ID, Version: r.Version, Withheld: r.Withheld, Limited: r.Limited}
		switch {
		case len(r.Fields) == 0 || string(r.Fields) == "null":
		case s.raw && syncproto.CanonicalValidObject(r.Fields): // the decoder checked it
			p.Raw = r.Fields
		default:
			if err := json.Unmarshal(r.Fields, &p.Fields); err != nil {
				return fmt.Errorf("syncproto: decode: %w", err)
			}
		}
		*group = append(*group, p)
		if *streaming && len(*group) >= pullGroup {
			if err := flush(*last); err != nil {
				return err
			}
		}
	}
	return s.delim(']')
}
