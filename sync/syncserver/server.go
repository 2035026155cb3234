// Package syncserver is the provincial server's HTTP side of the sync
// protocol (package syncproto): enrolment, push and pull. It declares the
// Store it needs; package serverstore implements it on SQLite.
package syncserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// DefaultMaxBodyBytes bounds a raw (possibly gzipped) request body.
const DefaultMaxBodyBytes = 8 << 20

// pushTimeout bounds the work on a pushed batch once it is read. The batch
// is applied even if the device hangs up meanwhile: its resend is then
// answered "duplicate", which costs less than applying it again.
const pushTimeout = 2 * time.Minute

// Store is what the handlers need from the server's store.
type Store interface {
	// EnrollDevice exchanges a one-time code for a token; it answers the
	// device's id, token, scope and tag (ServerTimeMS is the handler's). A
	// bad code is app.EUNAUTHORIZED. token is the request's bearer token
	// ("" if none): with a device's current token, that device enrols
	// again; the store, not the request, decides the device's id.
	EnrollDevice(ctx context.Context, token string, req syncproto.EnrollRequest) (syncproto.EnrollResponse, error)
	// Authenticate returns the device a token belongs to; unknown or
	// revoked is app.EUNAUTHORIZED.
	Authenticate(ctx context.Context, token string) (deviceID, scope string, err error)
	// ApplyPush applies a batch in one transaction and answers every
	// mutation, in order.
	ApplyPush(ctx context.Context, deviceID string, req syncproto.PushRequest) ([]syncproto.PushResult, error)
	// Pull returns a page of changes after the request's cursors.
	Pull(ctx context.Context, deviceID string, req syncproto.PullRequest) (syncproto.PullResponse, error)
}

// Options configure the handler. Now is required.
type Options struct {
	// MaxBodyBytes bounds a raw request body; DefaultMaxBodyBytes when 0.
	MaxBodyBytes int64
	// Logger receives one line per request (ids, scopes and counts, never
	// field values); slog.Default() when nil.
	Logger *slog.Logger
	// Now is the program's clock (app/clock.go), for ServerTimeMS and the
	// log's durations; required.
	Now func() time.Time
	// MinAppVersion, if set, is the oldest app version whose pushes are
	// accepted; older apps get 426 upgrade_required and keep their changes.
	MinAppVersion string
	// Limits bound what clients, strangers above all, can make the server
	// spend (limits.go); zero fields take the defaults.
	Limits Limits
}

// Log attribute keys.
const (
	logKeyPath     = "path"
	logKeyStatus   = "status"
	logKeyCode     = "code"
	logKeyDevice   = "device"
	logKeyScope    = "scope"
	logKeyDuration = "duration_ms"
	logKeyError    = "error"
	// logKeyBodyBytes: the raw bytes of the body read.
	logKeyBodyBytes = "body_bytes"
)

type server struct {
	store   Store
	maxBody int64
	log     *slog.Logger
	now     func() time.Time
	minApp  string
	lim     Limits
	slots   chan struct{} // decoding slots (Limits.MaxDecoding)
	enrolls *enrollLimiter
}

// New returns the handler of POST /v1/enroll, /v1/push, /v1/pull and the
// evidence files' /v1/files/… (files.go). It is
// safe for concurrent requests. Every other request gets a JSON 404 or 405.
func New(store Store, opts Options) http.Handler {
	s := &server{store: store, maxBody: opts.MaxBodyBytes, log: opts.Logger, now: app.MustClock(opts.Now, "syncserver.New"),
		minApp: opts.MinAppVersion}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	s.lim = opts.Limits.withDefaults()
	s.slots = make(chan struct{}, s.lim.MaxDecoding)
	s.enrolls = newEnrollLimiter(s.lim.EnrollRate, s.lim.EnrollBurst)
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "syncserver")
	mux := http.NewServeMux()
	mux.Handle("POST "+syncproto.PathEnroll, s.endpoint(false, s.enroll))
	mux.Handle("POST "+syncproto.PathPush, s.endpoint(true, s.push))
	mux.Handle("POST "+syncproto.PathPull, s.endpoint(true, s.pull))
	mux.Handle("POST "+syncproto.PathFileStatus, s.endpoint(true, s.fileStatus))
	mux.Handle("POST "+syncproto.PathFilePut, s.putInFlight(s.endpoint(true, s.filePut)))
	mux.Handle("POST "+syncproto.PathFileGet, s.endpoint(true, s.fileGet))
	mux.HandleFunc("GET "+syncproto.PathHealth, s.health)
	mux.HandleFunc("/", s.notFound)
	return s.recoverer(s.guard(mux))
}

// Pinger is implemented by stores that can say whether they answer; the
// health endpoint uses it when the store has it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// StorageChecker is implemented by stores that know whether they can
// write. The health endpoint reports it, and a request that failed because
// the store could not write is answered 503 with
// syncproto.CodeServerStorage instead of a generic 500.
type StorageChecker interface {
	// CheckStorage reports whether the store can write now (an *app.Error
	// with syncproto.CodeServerStorage and the reason when not) and the
	// free space of its disk (-1 when unknown).
	CheckStorage(ctx context.Context) (free int64, err error)
	// StorageFault reports whether err, met by a request, is the store
	// failing to write for want of storage.
	StorageFault(err error) bool
}

// health answers GET /v1/health: 200 and "ok" when the store answers and
// can write (within 2 s), else 503 with the reason (and, when writes fail,
// syncproto.CodeServerStorage). It reports the free space of the store's
// disk when known. It needs no token and says nothing of the data.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	resp := syncproto.HealthResponse{Status: "ok", Protocol: syncproto.ProtocolVersion, Store: "ok",
		Time: s.now().UTC().Format(time.RFC3339), Writable: true}
	code := http.StatusOK
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if p, ok := s.store.(Pinger); ok {
		if err := p.Ping(ctx); err != nil {
			s.log.Error("health: store does not answer", logKeyError, err)
			resp.Status, resp.Store, code = "unavailable", "không truy cập được cơ sở dữ liệu (store unavailable)", http.StatusServiceUnavailable
			resp.Writable = false
		}
	}
	if c, ok := s.store.(StorageChecker); ok && code == http.StatusOK {
		free, err := c.CheckStorage(ctx)
		if free >= 0 {
			resp.FreeBytes = &free
		}
		if err != nil {
			s.log.Error("health: store cannot write", logKeyError, app.ErrorCause(err), "free_bytes", free)
			resp.Status, resp.Store, code = "unavailable", app.ErrorMessage(err), http.StatusServiceUnavailable
			resp.Writable, resp.Code = false, app.ErrorCode(err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(resp)
}

// device is the authenticated caller of a request.
type device struct{ id, scope string }

// call is one request in progress, for its handler and its log line.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	dev    device
	attrs  []any
	status int
	// open: the request has no token to check (enrolment): its body is
	// small, and its failures count against its address.
	open bool
	// release gives back the decoding slot taken by decode, if any.
	release func()
}

func (c *call) releaseSlot() {
	if c.release != nil {
		c.release()
		c.release = nil
	}
}

// endpoint wraps a handler with the checks every request gets: protocol
// version, token (when auth), then the handler's answer, encoded and
// logged.
func (s *server) endpoint(auth bool, h func(*call) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		c := &call{w: w, r: r, open: !auth}
		err := s.serve(c, auth, h)
		attrs := append([]any{logKeyPath, r.URL.Path, logKeyStatus, c.status,
			logKeyDuration, s.now().Sub(start).Milliseconds()}, c.attrs...)
		if c.dev.id != "" {
			attrs = append(attrs, logKeyDevice, c.dev.id, logKeyScope, c.dev.scope)
		}
		if m := bodyOf(r); m != nil {
			attrs = append(attrs, logKeyBodyBytes, m.n.Load())
		}
		switch {
		case err == nil:
			s.log.Info("request", attrs...)
		case r.Context().Err() != nil:
			// The client went away (a cut link): nothing was committed
			// for it, and it will retry.
			s.log.Info("request abandoned by the client", attrs...)
		case c.status >= 500:
			s.log.Error("request failed", append(attrs, logKeyError, err.Error())...)
		default:
			s.log.Warn("request refused", append(attrs, logKeyCode, app.ErrorCode(err))...)
		}
	})
}

func (s *server) serve(c *call, auth bool, h func(*call) (any, error)) error {
	if v := c.r.Header.Get(syncproto.HeaderProtocol); v != strconv.Itoa(syncproto.ProtocolVersion) {
		err := app.Errorf(app.EINVALID,
			"Phiên bản giao thức đồng bộ không được hỗ trợ; vui lòng cập nhật ứng dụng (protocol %q, want %d).",
			v, syncproto.ProtocolVersion)
		s.writeError(c, err)
		return err
	}
	if c.open {
		done, err := s.admitOpen(c)
		if err != nil {
			s.writeError(c, err)
			return err
		}
		defer func() { done(c.status) }()
	}
	if auth {
		token, ok := bearer(c.r)
		if !ok {
			err := app.Errorf(app.EUNAUTHORIZED, msgUnauthorized)
			s.writeError(c, err)
			return err
		}
		id, scope, err := s.store.Authenticate(c.r.Context(), token)
		if err != nil {
			s.writeError(c, err)
			return err
		}
		c.dev = device{id, scope}
	}
	defer c.releaseSlot() // even if h panics
	v, err := h(c)
	c.releaseSlot()
	if err != nil {
		err = s.storageError(err)
		s.writeError(c, err)
		return err
	}
	if b, ok := v.(*rawBody); ok {
		return s.writeRaw(c, b)
	}
	if a, ok := v.(*pullAnswer); ok {
		return s.writePull(c, a)
	}
	return s.write(c, http.StatusOK, v)
}

// msgServerStorage is the answer of a request that failed because the
// store cannot write.
const msgServerStorage = "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy. Dữ liệu sẽ được gửi lại khi máy chủ được khắc phục."

// storageError turns an internal error that is the store failing to write
// (a full disk…) into syncproto.CodeServerStorage (503), so that devices
// say what happened and keep their data; other errors are returned as
// they are.
func (s *server) storageError(err error) error {
	if StatusCode(app.ErrorCode(err)) != http.StatusInternalServerError {
		return err
	}
	if c, ok := s.store.(StorageChecker); ok && c.StorageFault(err) {
		return app.WrapError(syncproto.CodeServerStorage, msgServerStorage, err)
	}
	return err
}

// msgUnauthorized is shown when a request has no valid token.
const msgUnauthorized = "Thiết bị chưa được đăng ký hoặc đã bị thu hồi. Vui lòng đăng ký lại."

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

func (s *server) enroll(c *call) (any, error) {
	var req syncproto.EnrollRequest
	if err := s.decode(c, &req); err != nil {
		return nil, err
	}
	token, _ := bearer(c.r) // a laptop moving to another commune proves it is itself
	resp, err := s.store.EnrollDevice(c.r.Context(), token, req)
	if err != nil {
		return nil, err
	}
	resp.RecoveryKey = s.recoveryKey(c.r.Context())
	c.dev = device{resp.DeviceID, resp.Scope}
	if req.DeviceID != "" && req.DeviceID != resp.DeviceID {
		c.attrs = append(c.attrs, "id_assigned", true)
	}
	if resp.DeviceTag != "" && resp.DeviceTag != req.DeviceTag {
		c.attrs = append(c.attrs, "tag_assigned", true)
	}
	resp.ServerTimeMS = s.nowMS()
	return resp, nil
}

func (s *server) push(c *call) (any, error) {
	var req syncproto.PushRequest
	if err := s.decode(c, &req); err != nil {
		return nil, err
	}
	if v := c.r.Header.Get(syncproto.HeaderAppVersion); s.minApp != "" && syncproto.CompareVersions(v, s.minApp) < 0 {
		return nil, &app.Error{Code: syncproto.CodeUpgradeRequired, Message: fmt.Sprintf(
			"Phiên bản ứng dụng %s đã cũ; máy chủ tỉnh cần phiên bản %s trở lên. Vui lòng cập nhật ứng dụng. Dữ liệu vẫn được giữ trên máy.", v, s.minApp)}
	}
	if req.DeviceID != "" && req.DeviceID != c.dev.id {
		return nil, app.Errorf(app.EFORBIDDEN, "Mã thiết bị trong yêu cầu không khớp với thiết bị đã đăng ký.")
	}
	ordered, canOrder := s.store.(orderedStore)
	if req.After != "" && !canOrder {
		return nil, app.Errorf(app.ECONFLICT, msgOutOfOrder)
	}
	apply := func(ctx context.Context) ([]syncproto.PushResult, error) {
		return s.store.ApplyPush(ctx, c.dev.id, req)
	}
	if ps, ok := s.store.(preparingStore); ok && req.After != "" {
		// Validated while the batch before is written.
		var err error
		if apply, err = ps.PreparePush(c.dev.id, req); err != nil {
			return nil, err
		}
	}
	if req.After != "" {
		if err := waitAnswered(c.r.Context(), ordered, c.dev.id, req.After); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.r.Context()), pushTimeout)
	defer cancel()
	results, err := apply(ctx)
	if err != nil {
		return nil, err
	}
	if len(results) != len(req.Mutations) {
		return nil, fmt.Errorf("store answered %d of %d mutations", len(results), len(req.Mutations))
	}
	var applied, dup, rejected int
	codes := map[string]int{}
	for _, r := range results {
		switch r.Status {
		case syncproto.StatusApplied:
			applied++
		case syncproto.StatusDuplicate:
			dup++
		default:
			rejected++
			codes[r.Code]++
		}
	}
	c.attrs = append(c.attrs, "mutations", len(results), "applied", applied, "duplicate", dup, "rejected", rejected)
	if rejected > 0 {
		// The codes only: a rejection's message may quote a field.
		c.attrs = append(c.attrs, "rejected_codes", countCodes(codes))
	}
	return syncproto.PushResponse{Results: results, ServerTimeMS: s.nowMS(), Ordered: canOrder}, nil
}

// countCodes writes rejection counts by code, sorted: "forbidden=1 invalid_value=2".
func countCodes(codes map[string]int) string {
	keys := make([]string, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%d", k, codes[k])
	}
	return b.String()
}

func (s *server) pull(c *call) (any, error) {
	var req syncproto.PullRequest
	if err := s.decode(c, &req); err != nil {
		return nil, err
	}
	var resp syncproto.PullResponse
	var raw [][]json.RawMessage
	var err error
	if rp, ok := s.store.(RawPuller); ok {
		resp, raw, err = rp.PullRaw(c.r.Context(), c.dev.id, req)
	} else {
		resp, err = s.store.Pull(c.r.Context(), c.dev.id, req)
	}
	if err != nil {
		return nil, err
	}
	if resp.Scopes == nil {
		resp.Scopes = []syncproto.ScopePage{}
	}
	records, resets := 0, 0
	for _, p := range resp.Scopes {
		records += len(p.Records)
		if p.Reset {
			resets++
		}
	}
	c.attrs = append(c.attrs, "scopes", len(resp.Scopes), "records", records, "resets", resets, "has_more", resp.HasMore)
	resp.ServerTimeMS = s.nowMS()
	resp.MinAppVersion = s.minApp
	resp.RecoveryKey = s.recoveryKey(c.r.Context())
	return &pullAnswer{resp: resp, raw: raw}, nil
}

// RecoveryKeyer is implemented by stores that keep the province's backup
// recovery key; enrolment and pull answers carry it (a rotated key
// reaches every laptop at its next sync).
type RecoveryKeyer interface {
	RecoveryKey(ctx context.Context) (string, error)
}

// recoveryKey returns the province's recovery key, "" when the store has
// none or cannot read it (the answer goes on without: laptops keep the
// last one they had).
func (s *server) recoveryKey(ctx context.Context) string {
	k, ok := s.store.(RecoveryKeyer)
	if !ok {
		return ""
	}
	key, err := k.RecoveryKey(ctx)
	if err != nil {
		s.log.Warn("recovery key unreadable", logKeyError, err)
		return ""
	}
	return key
}

// decode reads the request body into v: at most maxBody raw bytes,
// gunzipped when Content-Encoding says so (bounded while it streams by
// Limits.MaxRatio and the decoded limit), at most syncproto.MaxBodyBytes
// decoded. A request without a token is read up to Limits.OpenBodyBytes,
// raw and decoded; one with a token takes a decoding slot when its body
// grows past slotFree bytes decoded (held until its handler returns).
func (s *server) decode(c *call, v any) error {
	rawMax, limit := s.maxBody, int64(syncproto.MaxBodyBytes)
	if c.open {
		rawMax, limit = s.lim.OpenBodyBytes, s.lim.OpenBodyBytes
	}
	if c.r.ContentLength > rawMax {
		return errTooLarge(nil)
	}
	var gz bool
	switch enc := strings.ToLower(strings.TrimSpace(c.r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		gz = true
	default:
		return app.Errorf(app.EINVALID, "Kiểu nén dữ liệu %q không được hỗ trợ (unsupported Content-Encoding).", enc)
	}
	body := http.MaxBytesReader(c.w, c.r.Body, rawMax)
	var r io.Reader = body
	var err error
	if gz {
		r, err = newGunzip(body, limit, s.lim.MaxRatio)
	}
	if err == nil {
		if !c.open {
			r = &slotReader{r: r, s: s, c: c}
		}
		err = syncproto.Decode(r, false, limit, v)
	}
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errBusy):
		c.w.Header().Set("Retry-After", strconv.Itoa(retryAfterBusy))
		c.attrs = append(c.attrs, "busy", true)
		return app.WrapError(app.EOFFLINE, msgBusy, err)
	case bodyOf(c.r) != nil && bodyOf(c.r).cut.Load():
		c.attrs = append(c.attrs, "slow_body", true)
		return app.WrapError(codeSlowBody, msgSlowBody, err)
	case errors.Is(err, errBomb):
		return app.WrapError(syncproto.CodeTooLarge, msgBomb, err)
	case errors.As(err, &mbe), errors.Is(err, syncproto.ErrTooLarge):
		return errTooLarge(err)
	default:
		return app.WrapError(app.EINVALID, "Dữ liệu gửi lên không đúng định dạng (malformed request body).", err)
	}
}

func errTooLarge(err error) error {
	return app.WrapError(syncproto.CodeTooLarge,
		"Dữ liệu gửi lên quá lớn; ứng dụng sẽ gửi thành nhiều lần nhỏ hơn (request body too large).", err)
}

func (s *server) nowMS() int64 { return s.now().UnixMilli() }

// notFound answers every request the mux does not route: 405 for a known
// path with the wrong method, 404 otherwise.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r}
	var err error
	switch r.URL.Path {
	case syncproto.PathEnroll, syncproto.PathPush, syncproto.PathPull, syncproto.PathFileStatus, syncproto.PathFilePut, syncproto.PathFileGet:
		w.Header().Set("Allow", http.MethodPost)
		err = &app.Error{Code: codeMethod, Message: "Phương thức không được hỗ trợ; hãy dùng POST (method not allowed)."}
	case syncproto.PathHealth:
		w.Header().Set("Allow", http.MethodGet)
		err = &app.Error{Code: codeMethod, Message: "Phương thức không được hỗ trợ; hãy dùng GET (method not allowed)."}
	default:
		err = app.Errorf(app.ENOTFOUND, "Không có địa chỉ này trên máy chủ (not found).")
	}
	s.writeError(c, err)
	s.log.Warn("request refused", logKeyPath, r.URL.Path, "method", r.Method, logKeyStatus, c.status)
}

// recoverer turns a panic in a handler into a 500, so one bad request never
// takes the server down or leaves a connection without an answer.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in handler", logKeyPath, r.URL.Path, logKeyError, fmt.Sprint(v))
				s.writeError(&call{w: w, r: r}, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
