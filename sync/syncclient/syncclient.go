// Package syncclient sends the device's outbox to the provincial server and
// pulls the changes of its scopes: push first, then pull, in batches and
// pages bounded by bytes, retrying with backoff and jitter until the outbox
// is empty and the pull complete or the context ends (Client). `bvntd sync`
// makes one such sync; in the window a Scheduler makes them all: after a
// save, periodically, again while the network is down, and when the
// officer asks, never two at once.
package syncclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// Store is the local store as the client needs it.
type Store interface {
	DeviceID() string
	DeviceTag() string
	Enrollment(ctx context.Context) (app.Enrollment, error)
	SetEnrollment(ctx context.Context, e app.Enrollment) error
	PendingBatch(ctx context.Context, maxBytes int) ([]app.Mutation, error)
	ApplyResults(ctx context.Context, results []app.MutationResult) error
	Cursors(ctx context.Context) ([]app.Cursor, error)
	// ApplyPull stores pages with their cursors and returns how many sent
	// mutations a reset (a restored server) put back into the outbox.
	ApplyPull(ctx context.Context, pages []app.PulledPage) (requeued int, err error)
	RecordServerTime(ctx context.Context, t time.Time) error
	SetUpdateRequired(ctx context.Context, minVersion string) error
	RecordSyncResult(ctx context.Context, at time.Time, errMsg string) error
	// NeedsFullPull is true for a store restored from a backup: its next
	// pull asks for its own records too. FullPullDone clears it.
	NeedsFullPull(ctx context.Context) (bool, error)
	FullPullDone(ctx context.Context) error
}

// Defaults.
const (
	DefaultBatchBytes = 960 << 10 // a push's JSON at most (about 60 KB gzipped for a commune's cases; under the server's slotFree)
	DefaultPageBytes  = 512 << 10 // records JSON of the first pull page
	minBatchBytes     = 1 << 10
	// maxPushBody bounds a push body (gzipped): a batch that came to more
	// lowers the budget of the ones after it in proportion (records that
	// compress less than cases do), so that a link that cuts out every
	// hundred kilobytes or so still carries most bodies whole. A push of
	// 10,000 cases in batches of about 1 MB of JSON instead of 256 KB costs
	// the server a fifth less CPU and the laptop a quarter less (issue
	// 22); under 1 MB decoded, a push needs no decoding slot of the
	// server (syncserver's slotFree).
	maxPushBody = 96 << 10
)

// Client syncs one local store with the server it is enrolled with.
type Client struct {
	Store      Store
	HTTP       *http.Client // nil: a client with a 60 s timeout per request
	AppVersion string
	BatchBytes int // 0: DefaultBatchBytes
	PageBytes  int // 0: DefaultPageBytes first, then up to 4 MB (pull.go)

	// Backoff between failed attempts: full jitter over Base·2^n, at most
	// Max. Zero values: 250 ms and 30 s.
	BackoffBase, BackoffMax time.Duration

	// Sleep waits d or until ctx ends (returning its error) between two
	// attempts; nil: a timer. Tests pass one that moves their clock.
	Sleep func(ctx context.Context, d time.Duration) error

	// Progress, if set, is called after every batch and page.
	Progress func(Progress)

	// Now is the program's clock (app/clock.go): the store's clock in the
	// app; required.
	Now func() time.Time

	// InsecureHTTP lets the client talk to a server over plain http:// on
	// an address other than loopback (a lab). Without it, such a server is
	// refused before any connection (CheckServerURL).
	InsecureHTTP bool

	// Files, if set, is the device's store of evidence files; with
	// Attachments, which lists the attachment records the device holds
	// (not voided), a sync sends the content the server lacks after the
	// records, at most FileBytes a run (0: DefaultFileBytes; < 0: no
	// bound), in pieces of PieceBytes (0: DefaultPieceBytes). See
	// files.go and FetchAttachment.
	Files       FileStore
	Attachments func(ctx context.Context) ([]app.Attachment, error)
	FileBytes   int64
	PieceBytes  int64

	sent, received atomic.Int64
	reportMu       sync.Mutex // Progress is called by one goroutine at a time
}

func (c *Client) now() time.Time { return app.MustClock(c.Now, "syncclient.Client")() }

// Progress reports how a sync is going.
type Progress struct {
	Phase    string // "push", "pull" or "files"
	Pushed   int    // mutations acknowledged so far
	Pulled   int    // records received so far
	Attempt  int    // >1 while retrying
	LastFail string // Vietnamese reason of the last failed attempt
}

// Result sums up a sync.
type Result struct {
	Pushed, Rejected, Pulled int
	// Requeued counts acknowledged changes sent again because the server
	// was restored from a backup.
	Requeued int
	// Files sums up the evidence files sent after the records.
	Files FileResult
}

// BytesSent and BytesReceived count body bytes on the wire (compressed).
func (c *Client) BytesSent() int64     { return c.sent.Load() }
func (c *Client) BytesReceived() int64 { return c.received.Load() }

var errNotEnrolled = app.Errorf(app.EUNAUTHORIZED,
	"Thiết bị chưa đăng ký với máy chủ tỉnh. Hãy đăng ký bằng mã do Sở Công Thương cấp.")

// Sync pushes the whole outbox, then pulls until nothing is left, and
// records the outcome in the store. It retries transient failures until ctx
// ends.
//
// It logs counts, ids, codes and durations only (slog.Default): never a
// field value, an officer or a server message, which may quote one.
func (c *Client) Sync(ctx context.Context) (Result, error) {
	start := c.now()
	slog.Debug("sync: start")
	defer tuneGC()()
	res, err := c.sync(ctx)
	msg := ""
	if err != nil {
		msg = app.ErrorMessage(err)
	}
	attrs := []any{"pushed", res.Pushed, "rejected", res.Rejected, "pulled", res.Pulled, "requeued", res.Requeued,
		"bytes_sent", c.BytesSent(), "bytes_received", c.BytesReceived(), "duration", c.now().Sub(start).Round(time.Millisecond)}
	if err != nil {
		slog.Warn("sync: failed", append(attrs, "code", app.ErrorCode(err))...)
	} else {
		slog.Info("sync: done", attrs...)
	}
	// Record the outcome even if ctx has ended.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if rerr := c.Store.RecordSyncResult(rctx, c.now(), msg); rerr != nil && err == nil {
		err = rerr
	}
	return res, err
}

func (c *Client) sync(ctx context.Context) (Result, error) {
	var res Result
	e, err := c.Store.Enrollment(ctx)
	if err != nil {
		return res, err
	}
	if e.Token == "" {
		return res, errNotEnrolled
	}
	if _, err := CheckServerURL(e.ServerURL, c.InsecureHTTP); err != nil {
		return res, err
	}
	// Push, then pull. A pull that found the server restored from a backup
	// queues this device's acknowledged changes again: push and pull once
	// more, so that the restored server gets them back.
	for round := 0; round < 2; round++ {
		before := res.Requeued
		if err := c.push(ctx, e, &res); err != nil {
			if app.ErrorCode(err) != app.ESERVERSTORAGE {
				return res, err
			}
			// The server cannot store what this device sends, but its
			// pulls only read: take what the others sent, then say why
			// nothing was sent. The outbox waits for the next sync.
			if perr := c.pull(ctx, e, &res); perr != nil {
				return res, perr
			}
			return res, err
		}
		if err := c.pull(ctx, e, &res); err != nil {
			return res, err
		}
		if res.Requeued == before {
			break
		}
	}
	// The files after the records, within their own budget.
	if err := c.sendFiles(ctx, e, &res); err != nil {
		return res, err
	}
	return res, nil
}

// The batch and page budgets adapt to the link: halved after a failed
// attempt (down to these floors), doubled after a success (up to the
// configured size), so that a link that cuts every few kilobytes still makes
// progress.
const (
	minPageBytes = 4 << 10
)

// pendingAfter is the outbox read of a store that can read the batch
// after one being sent (storage.DB): push then prepares the next batch
// while the server applies the current one.
type pendingAfter interface {
	PendingAfter(ctx context.Context, afterID string, maxBytes int) ([]app.Mutation, error)
}

// preparedPush is a batch of the outbox ready to send: its gzipped body
// but for the device's clock, which is read when it is sent.
type preparedPush struct {
	batch []app.Mutation
	head  []byte
	err   error
}

// preparePush reads the batch after the mutation afterID ("": the oldest)
// within budget and encodes it.
func (c *Client) preparePush(ctx context.Context, afterID string, budget int) preparedPush {
	var p preparedPush
	if pa, ok := c.Store.(pendingAfter); ok {
		p.batch, p.err = pa.PendingAfter(ctx, afterID, budget) // the fields in FieldsJSON only
	} else {
		p.batch, p.err = c.Store.PendingBatch(ctx, budget)
	}
	if p.err != nil || len(p.batch) == 0 {
		return p
	}
	muts := make([]wireMutation, len(p.batch))
	size := 2
	for i, m := range p.batch {
		muts[i] = wireMutation{Mutation: toWire(m), Fields: m.FieldsJSON}
		if m.FieldsJSON == nil {
			muts[i].Fields = app.EncodeFields(m.Fields)
		}
		size += len(muts[i].Fields) + 320
	}
	p.head, p.err = syncproto.EncodePushHeadJSON(c.Store.DeviceID(), appendWireMutations(make([]byte, 0, size), muts))
	return p
}

// wireMutation is a syncproto.Mutation whose fields are sent as the outbox
// holds them, one JSON object, instead of a map encoded again (sorted,
// each value checked): the same JSON.
type wireMutation struct {
	syncproto.Mutation
	Fields json.RawMessage `json:"fields"`
}

// pushCall is a push request on its way.
type pushCall struct {
	p      *preparedPush
	done   chan struct{}
	resp   syncproto.PushResponse
	err    error
	cancel context.CancelFunc
}

// sendPush starts sending p, behind the batch whose last mutation is
// after ("": none in flight).
func (c *Client) sendPush(ctx context.Context, e app.Enrollment, p *preparedPush, after string) *pushCall {
	cctx, cancel := context.WithCancel(ctx)
	call := &pushCall{p: p, done: make(chan struct{}), cancel: cancel}
	body, err := syncproto.EncodePushTail(p.head, c.now().UnixMilli(), after)
	go func() {
		defer close(call.done)
		if call.err = err; err == nil {
			call.err = c.send(cctx, e, syncproto.PathPush, body, &call.resp)
		}
	}()
	return call
}

// wait waits for the answer of call.
func (call *pushCall) wait() error {
	<-call.done
	call.cancel()
	return call.err
}

// disjoint reports whether no record of b is in a.
func disjoint(a, b []app.Mutation) bool {
	in := make(map[string]bool, len(a))
	for _, m := range a {
		in[m.Entity+"/"+m.RecordID] = true
	}
	for _, m := range b {
		if in[m.Entity+"/"+m.RecordID] {
			return false
		}
	}
	return true
}

// push sends the outbox, oldest first, in batches of at most the budget.
//
// With a store that reads the batch after another (pendingAfter), the
// next batch is read and encoded while the current one is on its way. To
// a server that applies a device's batches in order (PushResponse.Ordered,
// learnt from its first answer), the next batch is sent at once, naming
// the one still unanswered (PushRequest.After): its upload and the
// server's work overlap the answer's round trip, at most two batches in
// flight. A batch is sent that way only if it has no record in common with
// the one in flight, and a batch read ahead is read again after an answer
// that parked a change (the later changes of that record wait behind it).
// After a failure the batches in flight are cancelled and the outbox is
// read again: nothing is lost (a batch the server applied comes back as
// duplicates).
func (c *Client) push(ctx context.Context, e app.Enrollment, res *Result) error {
	ceil := c.BatchBytes
	if ceil <= 0 {
		ceil = DefaultBatchBytes
	}
	_, ahead := c.Store.(pendingAfter)
	budget, attempt := ceil, 0
	ordered := false
	var (
		cur     *preparedPush // the next batch to send
		flight  *pushCall     // a batch sent, not yet answered
		reading chan preparedPush
	)
	defer func() {
		if flight != nil {
			flight.cancel()
			<-flight.done
		}
		if reading != nil {
			<-reading
		}
	}()
	readAfter := func(p *preparedPush) {
		ch := make(chan preparedPush, 1)
		last, b := p.batch[len(p.batch)-1].ID, budget
		go func() { ch <- c.preparePush(ctx, last, b) }()
		reading = ch
	}
	// answer handles the answer of call; parked reports a rejection.
	answer := func(call *pushCall) (parked bool, err error) {
		resp, batch := call.resp, call.p.batch
		if resp.Ordered {
			ordered = true
		}
		if err := c.observe(ctx, resp.ServerTimeMS); err != nil {
			return false, err
		}
		results := make([]app.MutationResult, 0, len(resp.Results))
		sent := make(map[string]bool, len(batch))
		for _, m := range batch {
			sent[m.ID] = true
		}
		for _, r := range resp.Results {
			if !sent[r.MutationID] {
				continue
			}
			results = append(results, app.MutationResult{MutationID: r.MutationID, Status: r.Status, Code: r.Code, Message: r.Message})
			switch r.Status {
			case syncproto.StatusApplied, syncproto.StatusDuplicate:
				res.Pushed++
			case syncproto.StatusRejected:
				res.Rejected++
				parked = true
				slog.Warn("mutation rejected", "mutation", r.MutationID, "code", r.Code)
			}
		}
		if len(results) == 0 {
			return false, app.WrapError(app.EINTERNAL, "Máy chủ trả lời không đúng giao thức.", errors.New("push: no result for any mutation"))
		}
		slog.Debug("sync: push answered", "results", len(results), "pushed_total", res.Pushed, "rejected_total", res.Rejected)
		if err := c.Store.ApplyResults(ctx, results); err != nil {
			return false, err
		}
		c.report(Progress{Phase: "push", Pushed: res.Pushed})
		return parked, nil
	}
	// failed handles a failed push of batch: a smaller budget, and a pause
	// unless the batch was only too large.
	failed := func(err error, batch []app.Mutation) error {
		var se *statusError
		if errors.As(err, &se) && se.status == http.StatusRequestEntityTooLarge && len(batch) > 1 {
			slog.Debug("sync: push batch too large; halved", "budget_bytes", budget/2)
			budget = max(minBatchBytes, budget/2)
			return nil
		}
		attempt++
		if err := c.backoff(ctx, attempt, err, Progress{Phase: "push", Pushed: res.Pushed}); err != nil {
			return err
		}
		budget = max(minBatchBytes, budget/2)
		return nil
	}
	for {
		if cur == nil && reading != nil {
			p := <-reading
			reading = nil
			if len(p.batch) > 0 || p.err != nil {
				cur = &p
			}
		}
		if cur == nil && flight == nil {
			p := c.preparePush(ctx, "", budget)
			cur = &p
		}
		if cur != nil && cur.err != nil {
			return cur.err
		}
		if cur != nil && len(cur.batch) == 0 {
			cur = nil // nothing left to send
		}
		if cur != nil && (flight == nil || (ordered && disjoint(flight.p.batch, cur.batch))) {
			ceil, budget = bodyBound(ceil, budget, len(cur.head), len(cur.batch))
			after := ""
			if flight != nil {
				after = flight.p.batch[len(flight.p.batch)-1].ID
			}
			slog.Debug("sync: push batch", "mutations", len(cur.batch), "budget_bytes", budget, "attempt", attempt+1, "behind", after != "")
			call := c.sendPush(ctx, e, cur, after)
			if ahead {
				readAfter(cur)
			}
			cur = nil
			if flight == nil {
				flight = call
				continue // its answer, or the next batch to send behind it
			}
			// Two in flight: the older one's answer first.
			older := flight
			flight = call
			if err := older.wait(); err != nil {
				flight.cancel()
				flight.wait()
				flight = nil
				cur = c.discard(&reading)
				if err := failed(err, older.p.batch); err != nil {
					return err
				}
				continue
			}
			attempt, budget = 0, min(ceil, budget*2)
			parked, err := answer(older)
			if err != nil {
				return err
			}
			if parked {
				cur = c.discard(&reading)
			}
			continue
		}
		if flight == nil {
			return nil // nothing in flight, nothing to send
		}
		// One in flight and the next cannot go behind it: its answer.
		call := flight
		flight = nil
		if err := call.wait(); err != nil {
			cur = c.discard(&reading)
			if err := failed(err, call.p.batch); err != nil {
				return err
			}
			continue
		}
		attempt, budget = 0, min(ceil, budget*2)
		parked, err := answer(call)
		if err != nil {
			return err
		}
		if parked {
			cur = c.discard(&reading)
		}
	}
}

// bodyBound returns the budget ceiling and budget after a batch of n
// mutations came to a body of size bytes: lowered in proportion when the
// body is over maxPushBody (a batch of one is what it is).
func bodyBound(ceil, budget, size, n int) (int, int) {
	if size <= maxPushBody || n < 2 {
		return ceil, budget
	}
	ceil = max(minBatchBytes, int(int64(budget)*maxPushBody/int64(size)))
	return ceil, min(budget, ceil)
}

// discard drops a batch read ahead (waiting for its read to end): it is
// read again from the outbox. It returns nil, the batch to send now.
func (c *Client) discard(reading *chan preparedPush) *preparedPush {
	if *reading != nil {
		<-*reading
		*reading = nil
	}
	return nil
}

func (c *Client) observe(ctx context.Context, ms int64) error {
	if ms <= 0 {
		return nil
	}
	return c.Store.RecordServerTime(ctx, time.UnixMilli(ms))
}

func (c *Client) report(p Progress) {
	c.reportMu.Lock()
	defer c.reportMu.Unlock()
	if c.Progress != nil {
		c.Progress(p)
	}
}

func toWire(m app.Mutation) syncproto.Mutation {
	return syncproto.Mutation{
		ID: m.ID, Entity: m.Entity, RecordID: m.RecordID, Scope: m.UnitCode, Op: m.Op,
		Fields: m.Fields, HLC: m.HLC.String(), Officer: m.Officer, DeviceTimeMS: m.DeviceTime.UnixMilli(),
		BaseVersion: m.BaseVersion,
	}
}

// MsgPlainHTTP is why a server on plain http:// outside loopback is
// refused (%s: the address).
const MsgPlainHTTP = "Không kết nối máy chủ %s qua http:// vì đường truyền không được mã hóa: mã đăng ký, khóa của thiết bị " +
	"và thông tin cá nhân của người tiêu dùng sẽ bị người khác đọc được trên mạng. Hãy dùng địa chỉ https:// do Sở Công Thương cung cấp. " +
	"Chỉ khi thử nghiệm trong phòng máy mới dùng thêm --insecure-http."

// CheckServerURL cleans a server address (spaces, a trailing slash) and
// checks it before any connection: http:// or https://, a host, and
// https:// unless the host is a loopback address (127.0.0.0/8, ::1,
// localhost) or insecure is set (a lab). No name is resolved.
func CheckServerURL(raw string, insecure bool) (string, error) {
	serverURL := strings.TrimRight(strings.TrimSpace(raw), "/")
	if !strings.HasPrefix(serverURL, "http://") && !strings.HasPrefix(serverURL, "https://") {
		return "", app.Errorf(app.EINVALID, "Địa chỉ máy chủ phải bắt đầu bằng http:// hoặc https:// (https:// cho mọi máy chủ không chạy trên chính máy này).")
	}
	u, err := url.Parse(serverURL)
	if err != nil || u.Hostname() == "" {
		return "", app.WrapError(app.EINVALID, "Địa chỉ máy chủ không hợp lệ.", err)
	}
	if u.Scheme == "http" && !insecure && !loopbackHost(u.Hostname()) {
		return "", app.Errorf(app.EINVALID, MsgPlainHTTP, u.Host)
	}
	return serverURL, nil
}

// loopbackHost reports whether host (no port) names this machine without
// a lookup: localhost, or a loopback IP.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Enroll exchanges a one-time code for a token and binds the store to the
// server. The server decides the device's id, which the store adopts
// (app.Enrollment.DeviceID). A device enrolled with the same server sends
// its current token, so that it keeps its id (a laptop moving to another
// commune); the token never goes to another server.
func (c *Client) Enroll(ctx context.Context, serverURL, code, deviceName string) (app.Enrollment, error) {
	serverURL, err := CheckServerURL(serverURL, c.InsecureHTTP)
	if err != nil {
		return app.Enrollment{}, err
	}
	current, err := c.Store.Enrollment(ctx)
	if err != nil {
		return app.Enrollment{}, err
	}
	auth := app.Enrollment{ServerURL: serverURL}
	if current.Token != "" && current.ServerURL == serverURL {
		auth.Token = current.Token
	}
	req := syncproto.EnrollRequest{
		Code:           strings.ToUpper(strings.TrimSpace(code)),
		DeviceID:       c.Store.DeviceID(),
		DeviceTag:      c.Store.DeviceTag(),
		DeviceName:     deviceName,
		AppVersion:     c.AppVersion,
		AdoptsDeviceID: true,
	}
	var resp syncproto.EnrollResponse
	if err := c.enrollAttempts(ctx, serverURL, auth, req, &resp); err != nil {
		return app.Enrollment{}, err
	}
	id := resp.DeviceID
	if id == "" { // an older server: the id sent
		id = req.DeviceID
	}
	if !app.ValidID(id) {
		return app.Enrollment{}, app.WrapError(app.EINTERNAL, "Máy chủ trả lời không đúng giao thức.", fmt.Errorf("enroll: device id %q", id))
	}
	if id != req.DeviceID {
		slog.Info("enroll: the server gave this device a new id", "device", id)
	}
	e := app.Enrollment{ServerURL: serverURL, Token: resp.Token, Scope: resp.Scope, At: c.now(), DeviceID: id}
	if err := c.Store.SetEnrollment(ctx, e); err != nil {
		return e, err
	}
	if err := c.recoveryKey(ctx, resp.RecoveryKey); err != nil {
		return e, err
	}
	// The server assigns another tag when a device of the commune has
	// this one (case numbers carry it); an older server says nothing.
	if t, ok := c.Store.(interface {
		SetDeviceTag(context.Context, string) error
	}); ok && resp.DeviceTag != "" && resp.DeviceTag != req.DeviceTag && app.ValidDeviceTag(resp.DeviceTag) {
		if err := t.SetDeviceTag(ctx, resp.DeviceTag); err != nil {
			return e, err
		}
	}
	return e, c.observe(ctx, resp.ServerTimeMS)
}

// Bounds of an enrolment: at most EnrollAttempts attempts within
// EnrollTimeout, so that an officer waiting at the window learns within
// 15 s that the server cannot be reached (each attempt's connection is
// bounded by the HTTP client, 10 s in the programs: cli.DialTimeout).
const (
	EnrollTimeout  = 15 * time.Second
	EnrollAttempts = 4
)

// MsgEnrollUnreachable is the message of an enrolment that could not reach
// the server at the address given (%s).
const MsgEnrollUnreachable = "Không kết nối được máy chủ tỉnh tại %s: kiểm tra mạng hoặc địa chỉ."

// enrollAttempts posts req to the server until it answers, at most
// EnrollAttempts times and within EnrollTimeout; a server that cannot be
// reached is an EOFFLINE error naming the address.
func (c *Client) enrollAttempts(ctx context.Context, serverURL string, auth app.Enrollment, req syncproto.EnrollRequest, resp *syncproto.EnrollResponse) error {
	// Bounded twice: by a timer (an attempt that hangs) and by the
	// program's clock (the waits between attempts).
	actx, cancel := context.WithTimeout(ctx, EnrollTimeout)
	defer cancel()
	deadline := c.now().Add(EnrollTimeout)
	for attempt := 1; ; attempt++ {
		err := c.once(actx, auth, syncproto.PathEnroll, req, resp)
		if err == nil {
			return nil
		}
		if attempt >= EnrollAttempts || !c.now().Before(deadline) {
			err = userError(err, actx)
		} else {
			err = c.backoff(actx, attempt, err, Progress{Phase: "enroll"})
		}
		if err == nil {
			continue
		}
		if app.ErrorCode(err) == app.EOFFLINE && ctx.Err() == nil { // not cancelled by the caller
			slog.Info("enroll: the server could not be reached", "attempts", attempt)
			return app.WrapError(app.EOFFLINE, fmt.Sprintf(MsgEnrollUnreachable, serverURL), err)
		}
		return err
	}
}

// recoveryKey stores the province's backup recovery key sent by the
// server ("" changes nothing), when the store keeps one. A key the store
// refuses (not an age recipient) is logged and the sync goes on: backups
// stay encrypted to the laptop's key and the last good recovery key.
func (c *Client) recoveryKey(ctx context.Context, key string) error {
	s, ok := c.Store.(interface {
		SetRecoveryKey(context.Context, string) error
	})
	if !ok || key == "" {
		return nil
	}
	err := s.SetRecoveryKey(ctx, key)
	if app.ErrorCode(err) == app.EINVALID {
		slog.Warn("sync: the server's backup recovery key is not a valid age recipient; kept the previous one")
		return nil
	}
	return err
}

// failureAttrs describes a failed attempt for the log: the HTTP status and
// machine code of a server answer, never its message (it may quote a
// field), or the network error, whose text holds the URL and the
// transport's reason.
func failureAttrs(err error) []any {
	var se *statusError
	if errors.As(err, &se) {
		return []any{"status", se.status, "code", se.body.Code}
	}
	return []any{"error", err.Error()}
}

// statusError is an HTTP answer that is not 200.
type statusError struct {
	status int
	body   syncproto.ErrorResponse
}

func (e *statusError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.status, e.body.Code, e.body.Message)
}

// transient reports whether a failed attempt may succeed if repeated.
func transient(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		if se.body.Code == syncproto.CodeServerStorage {
			return false // until the province frees space: the next sync tries again
		}
		return se.status >= 500 || se.status == http.StatusTooManyRequests || se.status == http.StatusRequestTimeout
	}
	if errors.Is(err, syncproto.ErrTooLarge) {
		return false // the same answer again
	}
	if certError(err) {
		return false // an untrusted server stays untrusted
	}
	return true // network errors, cut connections, truncated bodies
}

// certError reports whether err is a failure to verify the server's
// certificate.
func certError(err error) bool {
	var (
		verr *tls.CertificateVerificationError
		uerr x509.UnknownAuthorityError
		herr x509.HostnameError
		cerr x509.CertificateInvalidError
	)
	return errors.As(err, &verr) || errors.As(err, &uerr) || errors.As(err, &herr) || errors.As(err, &cerr)
}

// backoff decides after a failed attempt: a permanent failure (or the end
// of ctx) is returned as an *app.Error; a transient one is reported and
// waited out with exponential backoff and full jitter, then nil is returned
// so the caller tries again.
func (c *Client) backoff(ctx context.Context, attempt int, err error, p Progress) error {
	var se *statusError
	if errors.As(err, &se) && se.status == http.StatusUpgradeRequired {
		// Keep working offline, keep the outbox, tell the officer.
		if rerr := c.Store.SetUpdateRequired(context.WithoutCancel(ctx), se.body.MinAppVersion); rerr != nil {
			slog.Error("sync: recording the update required failed", "code", app.ErrorCode(rerr))
		}
	}
	if ctx.Err() != nil || !transient(err) {
		return userError(err, ctx)
	}
	if fc, ok := ctx.Value(firstContactKey{}).(*FirstContact); ok && !fc.Reached() {
		// The server was not reached by this sync: say so now and let
		// the caller try again later.
		slog.Info("sync: attempt failed before the server was reached; not retried", append([]any{"phase", p.Phase}, failureAttrs(err)...)...)
		return userError(err, ctx)
	}
	slog.Info("sync: attempt failed; will retry", append([]any{"phase", p.Phase, "attempt", attempt}, failureAttrs(err)...)...)
	p.Attempt, p.LastFail = attempt+1, app.ErrorMessage(userError(err, ctx))
	c.report(p)
	if err := c.sleep(ctx, attempt); err != nil {
		return userError(err, ctx)
	}
	return nil
}

func (c *Client) sleep(ctx context.Context, attempt int) error {
	base, ceil := c.BackoffBase, c.BackoffMax
	if base <= 0 {
		base = 250 * time.Millisecond
	}
	if ceil <= 0 {
		ceil = 30 * time.Second
	}
	d := base << min(attempt-1, 16)
	if d > ceil || d <= 0 {
		d = ceil
	}
	d = time.Duration(rand.Int64N(int64(d)) + 1) // full jitter
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

var defaultHTTP = &http.Client{Timeout: 60 * time.Second}

// once makes one attempt: POST req to path and decode the answer into resp.
func (c *Client) once(ctx context.Context, e app.Enrollment, path string, req, resp any) error {
	body, err := syncproto.Encode(req, true)
	if err != nil {
		return err
	}
	return c.send(ctx, e, path, body, resp)
}

// post posts body, gzipped JSON, to path, taking the answer in the
// encodings accept lists, and counts the bytes sent.
func (c *Client) post(ctx context.Context, e app.Enrollment, path string, body []byte, accept string) (*http.Response, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, e.ServerURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Địa chỉ máy chủ không hợp lệ.", err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Content-Encoding", "gzip")
	r.Header.Set("Accept-Encoding", accept)
	r.Header.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
	r.Header.Set(syncproto.HeaderAppVersion, c.AppVersion)
	if e.Token != "" {
		r.Header.Set("Authorization", "Bearer "+e.Token)
	}
	c.sent.Add(int64(len(body)))
	return c.httpClient().Do(r)
}

// send posts body, gzipped JSON, and decodes the answer into resp.
func (c *Client) send(ctx context.Context, e app.Enrollment, path string, body []byte, resp any) error {
	hr, err := c.post(ctx, e, path, body, "gzip")
	if err != nil {
		return err
	}
	defer hr.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(hr.Body, syncproto.MaxBodyBytes+1))
	c.received.Add(int64(len(raw)))
	if err != nil {
		return err
	}
	if len(raw) > syncproto.MaxBodyBytes {
		return syncproto.ErrTooLarge // more than this device takes: never read whole
	}
	gz := strings.Contains(hr.Header.Get("Content-Encoding"), "gzip")
	if hr.StatusCode != http.StatusOK {
		se := &statusError{status: hr.StatusCode}
		if derr := syncproto.Decode(bytes.NewReader(raw), gz, 1<<16, &se.body); derr != nil {
			se.body.Message = ""
		}
		return se
	}
	if err := syncproto.Decode(bytes.NewReader(raw), gz, syncproto.MaxBodyBytes, resp); err != nil {
		return err // a truncated body: retry
	}
	return nil
}

// FirstContact follows whether a sync has reached its server (a
// connection to it was made, its TLS handshake done). A sync whose context
// carries one (WithFirstContact) returns its first failed attempt instead
// of retrying until then, so that a server down or out of reach is told at
// once (the Scheduler retries later); once the server was reached, failed
// attempts are retried as usual (a weak link that drops requests).
type FirstContact struct{ reached atomic.Bool }

type firstContactKey struct{}

// WithFirstContact returns ctx carrying a new FirstContact, which the
// client's requests with that context mark when they get a connection.
func WithFirstContact(ctx context.Context) (context.Context, *FirstContact) {
	fc := &FirstContact{}
	ctx = context.WithValue(ctx, firstContactKey{}, fc)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { fc.reached.Store(true) },
	}), fc
}

// Reached reports whether a request of the sync got a connection to the
// server.
func (fc *FirstContact) Reached() bool { return fc.reached.Load() }

// Messages of failures the device names itself, whatever the server says.
const (
	// MsgServerStorage: the server answered syncproto.CodeServerStorage.
	MsgServerStorage = "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy."
	// MsgTooLarge: an answer larger than the device takes in one body.
	MsgTooLarge = "Máy chủ tỉnh gửi một gói dữ liệu lớn hơn mức máy này nhận được (32 MB), nên việc nhận dữ liệu dừng lại thay vì thử mãi. Dữ liệu trên máy vẫn an toàn. Vui lòng báo Sở Công Thương kiểm tra máy chủ."
)

// userError turns a failure into an *app.Error with a message an officer
// can act on.
func userError(err error, ctx context.Context) error {
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, syncproto.ErrTooLarge) {
		return app.WrapError(syncproto.CodeTooLarge, MsgTooLarge, err)
	}
	var se *statusError
	if errors.As(err, &se) {
		if se.body.Code == syncproto.CodeServerStorage {
			return app.WrapError(app.ESERVERSTORAGE, MsgServerStorage, err)
		}
		msg := se.body.Message
		switch se.status {
		case http.StatusUnauthorized:
			if msg == "" {
				msg = "Thiết bị chưa được đăng ký hoặc đã bị thu hồi. Vui lòng đăng ký lại."
			}
			return app.WrapError(app.EUNAUTHORIZED, msg, err)
		case http.StatusForbidden:
			if msg == "" {
				msg = "Thiết bị không có quyền với dữ liệu này."
			}
			return app.WrapError(app.EFORBIDDEN, msg, err)
		}
		if msg == "" {
			msg = fmt.Sprintf("Máy chủ tỉnh báo lỗi (mã %d). Dữ liệu vẫn được giữ trên máy.", se.status)
		}
		code := se.body.Code
		if code == "" {
			code = app.EINTERNAL
		}
		return app.WrapError(code, msg, err)
	}
	if certError(err) {
		return app.WrapError(app.EFORBIDDEN, "Không xác thực được chứng chỉ của máy chủ tỉnh. Kiểm tra địa chỉ máy chủ, hoặc đăng ký lại với tệp chứng chỉ (--ca) do Sở Công Thương cung cấp.", err)
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return app.WrapError(app.EOFFLINE, "Hết thời gian đồng bộ: không kết nối được máy chủ tỉnh. Dữ liệu vẫn được lưu trên máy và sẽ được gửi khi có mạng.", err)
	}
	return app.WrapError(app.EOFFLINE, "Không kết nối được máy chủ tỉnh. Dữ liệu vẫn được lưu trên máy và sẽ được gửi khi có mạng.", err)
}
