package syncserver

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

	"golang.org/x/time/rate"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// What a stranger can make the server spend. A request without a token
// (enrolment, health, an unknown path) reads at most a few kilobytes and
// must arrive within seconds; a push or pull is read only after its token
// is checked, by at most Limits.MaxDecoding requests at once, gunzipped
// under a ratio and an absolute bound; every body must keep arriving at a
// minimal rate; enrolment failures are limited per address.
const (
	// DefaultOpenBodyBytes bounds the body of a request without a token
	// (an enrolment request is about 200 bytes), raw and decompressed.
	DefaultOpenBodyBytes = 4 << 10
	// DefaultMaxRatio bounds decompressed/compressed bytes of a gzipped
	// body past ratioSlack: the protocol's JSON compresses 3–15 times, a
	// gzip bomb about 1,000 times.
	DefaultMaxRatio = 100
	// ratioSlack is decompressed without regard to the ratio, so that a
	// small body made of one repeated character (one write is at most
	// 150 KB with every text at its limit, app.MaxWriteBytes 256 KB) is
	// never refused for its ratio.
	ratioSlack = 320 << 10
	// DefaultDecodeMemory is the memory the decoding of bodies may take at
	// once; DefaultMaxDecoding requests, each at most
	// syncproto.MaxBodyBytes decoded, fit in it.
	DefaultDecodeMemory = 256 << 20
	DefaultMaxDecoding  = DefaultDecodeMemory / syncproto.MaxBodyBytes
	// DefaultDecodeWait is how long a push or pull waits for a decoding
	// slot before it is answered 503 (the laptop tries again later).
	DefaultDecodeWait = 2 * time.Second
	// DefaultEnrollRate and DefaultEnrollBurst limit failed enrolment
	// attempts per address (a wrong code, a malformed request): a burst of
	// 5, then 2 a second; past that, 429 without looking at the code.
	DefaultEnrollRate  = 2
	DefaultEnrollBurst = 5
	// DefaultOpenBodyTimeout: the body of a request without a token must
	// have arrived in full this long after its headers.
	DefaultOpenBodyTimeout = 10 * time.Second
	// DefaultBodyGrace and DefaultMinBodyRate: a push or pull body must
	// arrive at DefaultMinBodyRate bytes a second on average once
	// DefaultBodyGrace has passed since its headers. A 2G link carries
	// 5–20 KB/s; a push is 40–80 KB gzipped.
	DefaultBodyGrace   = 15 * time.Second
	DefaultMinBodyRate = 1 << 10
	// DefaultMaxConns bounds the open connections of LimitListener.
	DefaultMaxConns = 1024
	// maxEnrollAddrs bounds the addresses the enrolment limiter tracks.
	maxEnrollAddrs = 100_000
	// maxDecodeRead bounds one read of decompressed bytes, so that the
	// ratio is checked at least that often.
	maxDecodeRead = 64 << 10
	// maxDrain is what is read of a body after its answer (net/http's own
	// tolerance), so that the connection can serve the next request.
	maxDrain = 256 << 10
	// slotFree is what a push or pull body may decode without a decoding
	// slot: about 2 MB of memory each, bounded by the connections
	// (LimitListener) and by needing a token.
	slotFree = 1 << 20
	// retryAfterBusy is the Retry-After of a 503 for want of a slot.
	retryAfterBusy = 2
)

// Limits bound what one client, or many, can make the server spend. Zero
// fields take the defaults above.
type Limits struct {
	// OpenBodyBytes bounds a body sent without a token, raw and
	// decompressed.
	OpenBodyBytes int64
	// MaxRatio bounds a gzipped body's decompressed/compressed bytes past
	// the first 320 KB.
	MaxRatio int64
	// MaxDecoding bounds the pushes and pulls being read, decoded and
	// handled at once; DecodeWait is how long one waits for a slot before
	// 503 with Retry-After.
	MaxDecoding int
	DecodeWait  time.Duration
	// EnrollRate (per second) and EnrollBurst limit failed enrolment
	// attempts per remote address (IPv6: per /64).
	EnrollRate  float64
	EnrollBurst int
	// OpenBodyTimeout bounds the arrival of a body sent without a token.
	OpenBodyTimeout time.Duration
	// BodyGrace and MinBodyRate (bytes a second): a push or pull body that
	// has arrived at less than MinBodyRate on average after BodyGrace is
	// cut (408).
	BodyGrace   time.Duration
	MinBodyRate int64
}

func (l Limits) withDefaults() Limits {
	if l.OpenBodyBytes <= 0 {
		l.OpenBodyBytes = DefaultOpenBodyBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	if l.MaxDecoding <= 0 {
		l.MaxDecoding = DefaultMaxDecoding
	}
	if l.DecodeWait <= 0 {
		l.DecodeWait = DefaultDecodeWait
	}
	if l.EnrollRate <= 0 {
		l.EnrollRate = DefaultEnrollRate
	}
	if l.EnrollBurst <= 0 {
		l.EnrollBurst = DefaultEnrollBurst
	}
	if l.OpenBodyTimeout <= 0 {
		l.OpenBodyTimeout = DefaultOpenBodyTimeout
	}
	if l.BodyGrace <= 0 {
		l.BodyGrace = DefaultBodyGrace
	}
	if l.MinBodyRate <= 0 {
		l.MinBodyRate = DefaultMinBodyRate
	}
	return l
}

// Codes of answers that are not syncproto codes: the laptop acts on their
// status (408 and 429 are tried again later).
const (
	codeSlowBody    = "request_timeout" // 408
	codeRateLimited = "rate_limited"    // 429
)

// Messages of the limits.
const (
	msgBusy        = "Máy chủ tỉnh đang bận; ứng dụng sẽ tự gửi lại sau ít phút. Dữ liệu vẫn được giữ trên máy."
	msgSlowBody    = "Đường truyền quá chậm nên máy chủ tỉnh không nhận kịp dữ liệu; ứng dụng sẽ gửi lại sau. Dữ liệu vẫn được giữ trên máy."
	msgRateLimited = "Đã thử đăng ký sai quá nhiều lần; vui lòng chờ %d giây rồi thử lại."
	msgBomb        = "Dữ liệu gửi lên giải nén ra quá lớn so với kích thước nén; máy chủ tỉnh không nhận (request body expands too much)."
)

// errBomb is a gzipped body that expands past the ratio.
var errBomb = errors.New("syncserver: decompressed body over the ratio")

// pastDeadline, set as a connection's read deadline, ends every read on it
// at once (an instant long gone; no clock is read).
var pastDeadline = time.Unix(1, 0)

// meter is a request body that counts the bytes read, notes its end, and
// says whether the watchdog cut it.
type meter struct {
	io.ReadCloser
	n   atomic.Int64
	eof atomic.Bool
	cut atomic.Bool
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := m.ReadCloser.Read(p)
	m.n.Add(int64(n))
	if err == io.EOF {
		m.eof.Store(true)
	}
	return n, err
}

// bodyOf returns the request's meter, if guard put one.
func bodyOf(r *http.Request) *meter {
	m, _ := r.Body.(*meter)
	return m
}

// bodyUnread reports whether the request has a body not read to its end.
func bodyUnread(r *http.Request) bool {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return false
	}
	m := bodyOf(r)
	return m == nil || !m.eof.Load()
}

// guard meters every request's body and cuts it when it arrives too
// slowly: a push or pull body after BodyGrace at less than MinBodyRate on
// average, any other body after OpenBodyTimeout. Of a body the handler did
// not read to its end, at most maxDrain more bytes are read, still watched;
// past that the connection is cut.
func (s *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		m := &meter{ReadCloser: r.Body}
		r.Body = m
		rc := http.NewResponseController(w)
		var stop func()
		switch r.URL.Path {
		case syncproto.PathPush, syncproto.PathPull, syncproto.PathFilePut, syncproto.PathFileStatus, syncproto.PathFileGet:
			stop = s.watch(rc, m, s.lim.BodyGrace, s.lim.MinBodyRate)
		default:
			stop = s.watch(rc, m, s.lim.OpenBodyTimeout, math.MaxInt64)
		}
		next.ServeHTTP(w, r)
		if bodyUnread(r) {
			// The server reads what is left of a small body when it sends
			// the answer, so that the connection serves again: send it
			// now, while the body is watched; read what is left here,
			// still watched, and cut the connection if it goes on.
			// (ErrBodyReadAfterClose: the server read it to its end.)
			_ = rc.Flush()
			_, err := io.CopyN(io.Discard, m, maxDrain)
			if !m.eof.Load() && !errors.Is(err, http.ErrBodyReadAfterClose) {
				_ = rc.SetReadDeadline(pastDeadline)
			}
		}
		stop()
	})
}

// watch checks the body's progress after grace, then every step, until
// stop: a body not read to its end that has brought less than minRate
// bytes a second since grace is cut (its reads fail at once). It counts
// durations of timers; it reads no clock.
func (s *server) watch(rc *http.ResponseController, m *meter, grace time.Duration, minRate int64) (stop func()) {
	step := min(grace, time.Second)
	var (
		mu      sync.Mutex
		stopped bool
		elapsed = grace
		t       *time.Timer
	)
	check := func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped || m.eof.Load() {
			return
		}
		want := float64(minRate) * (elapsed - grace).Seconds()
		if minRate == math.MaxInt64 || float64(m.n.Load()) < want {
			m.cut.Store(true)
			_ = rc.SetReadDeadline(pastDeadline)
			return
		}
		elapsed += step
		t.Reset(step)
	}
	mu.Lock()
	t = time.AfterFunc(grace, check)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// errBusy: no decoding slot freed within DecodeWait.
var errBusy = errors.New("syncserver: no decoding slot")

// slotReader is a push or pull body, decompressed, on its way to the
// decoder: past slotFree bytes it takes a decoding slot, waiting at most
// DecodeWait (errBusy when none frees). Small bodies, the most (a pull
// request, a laptop's push of at most 960 KB), need none; a body cut slowly costs no slot
// while it is small.
type slotReader struct {
	r    io.Reader
	s    *server
	c    *call
	n    int64
	held bool
}

func (sr *slotReader) Read(p []byte) (int, error) {
	if !sr.held {
		room := slotFree - sr.n
		if room <= 0 {
			if err := sr.s.acquire(sr.c); err != nil {
				return 0, err
			}
			sr.held = true
		} else if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := sr.r.Read(p)
	sr.n += int64(n)
	return n, err
}

// acquire takes a decoding slot, waiting at most DecodeWait.
func (s *server) acquire(c *call) error {
	select {
	case s.slots <- struct{}{}:
	default:
		t := time.NewTimer(s.lim.DecodeWait)
		defer t.Stop()
		select {
		case s.slots <- struct{}{}:
		case <-t.C:
			return errBusy
		case <-c.r.Context().Done():
			return c.r.Context().Err()
		}
	}
	c.release = func() { <-s.slots }
	return nil
}

// gunzip is a gzip reader bounded while it streams: it fails with
// syncproto.ErrTooLarge past limit decompressed bytes and with errBomb
// past ratioSlack + ratio × the compressed bytes read so far.
type gunzip struct {
	zr           *gzip.Reader
	in           *countReader
	out          int64
	limit, ratio int64
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func newGunzip(r io.Reader, limit, ratio int64) (*gunzip, error) {
	in := &countReader{r: r}
	zr, err := gzip.NewReader(in)
	if err != nil {
		return nil, fmt.Errorf("syncserver: gzip: %w", err)
	}
	return &gunzip{zr: zr, in: in, limit: limit, ratio: ratio}, nil
}

func (g *gunzip) Read(p []byte) (int, error) {
	if len(p) > maxDecodeRead {
		p = p[:maxDecodeRead]
	}
	n, err := g.zr.Read(p)
	g.out += int64(n)
	if g.out > g.limit {
		return n, syncproto.ErrTooLarge
	}
	if g.out > ratioSlack && g.out > ratioSlack+g.ratio*g.in.n {
		return n, errBomb
	}
	return n, err
}

// enrollLimiter limits failed enrolment attempts per remote address.
type enrollLimiter struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	ttl   time.Duration // an entry unused this long is full again: dropped
	addrs map[string]*addrEntry
	swept time.Time
}

type addrEntry struct {
	lim      *rate.Limiter
	seen     time.Time
	inflight int // attempts admitted, not yet done
}

func newEnrollLimiter(perSecond float64, burst int) *enrollLimiter {
	full := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &enrollLimiter{limit: rate.Limit(perSecond), burst: burst, ttl: full + time.Minute, addrs: map[string]*addrEntry{}}
}

// admit lets one attempt from addr in at now if the attempts in progress
// and one more fit in what is left of its allowance; otherwise it answers
// false and the seconds to wait. An admitted attempt is then done: only a
// failed one is charged.
func (l *enrollLimiter) admit(addr string, now time.Time) (*addrEntry, bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.ttl || len(l.addrs) >= maxEnrollAddrs {
		for k, e := range l.addrs {
			if e.inflight == 0 && now.Sub(e.seen) > l.ttl {
				delete(l.addrs, k)
			}
		}
		l.swept = now
	}
	e := l.addrs[addr]
	if e == nil {
		if len(l.addrs) >= maxEnrollAddrs {
			return nil, false, int(l.ttl / time.Second)
		}
		e = &addrEntry{lim: rate.NewLimiter(l.limit, l.burst)}
		l.addrs[addr] = e
	}
	e.seen = now
	if short := 1 + float64(e.inflight) - e.lim.TokensAt(now); short > 0 {
		return nil, false, max(1, int(math.Ceil(short/float64(l.limit))))
	}
	e.inflight++
	return e, true, 0
}

// done ends an admitted attempt, charging it when it failed.
func (l *enrollLimiter) done(e *addrEntry, failed bool, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.inflight--
	if failed {
		e.lim.ReserveN(now, 1) // may go below zero: the next attempt waits longer
	}
}

// clientAddr is the key of a request's remote address: the IP, or its /64
// for IPv6 (one subscriber's block).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// admitOpen applies the enrolment limiter to a request without a token.
// It returns a function to call with the request's status: a refusal
// (4xx: a wrong code, a malformed request) is charged to the address.
func (s *server) admitOpen(c *call) (done func(status int), err error) {
	e, ok, wait := s.enrolls.admit(clientAddr(c.r), s.now())
	if !ok {
		c.w.Header().Set("Retry-After", strconv.Itoa(wait))
		c.attrs = append(c.attrs, "rate_limited", true)
		return nil, app.Errorf(codeRateLimited, msgRateLimited, wait)
	}
	return func(status int) {
		s.enrolls.done(e, status >= 400 && status < 500, s.now())
	}, nil
}

// LimitListener returns a listener that holds at most n connections open
// at once (DefaultMaxConns when n <= 0): past that, Accept waits until one
// closes, and new clients wait in the system's queue.
func LimitListener(l net.Listener, n int) net.Listener {
	if n <= 0 {
		n = DefaultMaxConns
	}
	return &limitListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	sem       chan struct{}
	closeOnce sync.Once
	done      chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
