// Package netsim simulates the links commune officers sync over: a rate in
// bits per second shared by every connection of the link, a one-way
// latency, a connection that is cut after a number of bytes, and counts of
// the bytes that crossed. Tests and benchmarks plug it into an http.Client.
//
// Only the client's end of each connection is wrapped, so the simulator
// works against any real server on loopback. The model, per direction:
//
//   - Rate: the bytes are serialised onto the link one segment (1460 bytes,
//     a TCP MSS) at a time, in a FIFO queue shared by every connection of
//     the link (a token bucket without burst). A segment is "sent" when the
//     queue reaches its end.
//   - Latency: a segment reaches the other end Latency after it was sent (a
//     delay line), so a request/response costs one round trip (2×Latency)
//     on top of the transfer time, and a long transfer is pipelined instead
//     of paying the latency per write. Opening a connection costs one round
//     trip (the TCP handshake). End of stream and errors arrive late too.
//   - CutEvery: the connection is closed once it has carried that many bytes
//     (both directions together), and its reads and writes fail with
//     ErrCut.
//
// With Rate and Latency both zero a connection passes its bytes straight
// through, as loopback.
package netsim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ErrCut is returned by a connection the link has cut.
var ErrCut = errors.New("netsim: connection cut")

// errClosed is returned by a connection closed by its user.
var errClosed = net.ErrClosed

// Segment is the unit the link serialises and delivers: a TCP MSS.
const Segment = 1460

// window bounds how many segments of the server's answer are read ahead of
// the client, as a TCP receive window (about 90 KB).
const window = 64

// Link is a simulated network link. Its zero value passes everything. Set
// its fields before the first connection and do not change them after.
type Link struct {
	// Rate, if > 0, is the capacity of each direction in bits per second,
	// shared by every connection of the link (256_000 for a good 2G/EDGE
	// or a poor 3G link).
	Rate int64
	// Latency is the one-way delay of the link (150 ms on 2G/3G).
	Latency time.Duration
	// CutEvery, if > 0, cuts each connection once it has carried this many
	// bytes (both directions together), as a 2G/3G link that drops every
	// few hundred kilobytes.
	CutEvery int64
	// MaxCuts, if > 0, stops cutting after this many cuts.
	MaxCuts int64

	sent, received, cuts, dials atomic.Int64

	up, down bucket

	// dial, if set, opens the connection under the link instead of the
	// network: the tests plug in an in-memory pipe, so that they can run
	// on the fake clock of testing/synctest.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Sent returns the bytes written by the client across the link (on a
// shaped link, as the link accepts them: bytes still on their way when the
// connection closes count, though they are lost).
func (l *Link) Sent() int64 { return l.sent.Load() }

// Received returns the bytes read by the client across the link.
func (l *Link) Received() int64 { return l.received.Load() }

// Cuts returns how many connections the link has cut.
func (l *Link) Cuts() int64 { return l.cuts.Load() }

// Dials returns how many connections were opened across the link.
func (l *Link) Dials() int64 { return l.dials.Load() }

// shaped reports whether connections need the delay line.
func (l *Link) shaped() bool { return l.Rate > 0 || l.Latency > 0 }

// Dial opens a connection across the link: the handshake costs one round
// trip.
func (l *Link) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	dial := l.dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	}
	c, err := dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if l.Latency > 0 {
		if err := sleepCtx(ctx, 2*l.Latency); err != nil {
			c.Close()
			return nil, err
		}
	}
	l.dials.Add(1)
	return l.wrap(c), nil
}

// Client returns an http.Client whose connections cross the link, with a
// fresh connection pool.
func (l *Link) Client(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		DialContext:        l.Dial,
		DisableCompression: true,
		MaxIdleConns:       4,
		IdleConnTimeout:    30 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

func (l *Link) wrap(c net.Conn) net.Conn {
	cn := &conn{Conn: c, link: l, done: make(chan struct{})}
	if l.shaped() {
		cn.out = make(chan segment, window)
		cn.in = make(chan segment, window)
		go cn.deliverOut()
		go cn.readIn()
	}
	return cn
}

// bucket serialises the segments of one direction of a link: next is when
// the link is free again. It is a token bucket whose burst is slack: the
// few hundred microseconds a woken sleeper is late are not lost to the
// rate.
type bucket struct {
	mu   sync.Mutex
	next time.Time
}

const slack = 2 * time.Millisecond

// reserve queues n bytes at rate bits/s and returns when their last bit
// leaves.
func (b *bucket) reserve(n int, rate int64) time.Time {
	now := time.Now()
	if rate <= 0 {
		return now
	}
	d := time.Duration(int64(n) * 8 * int64(time.Second) / rate)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.next.Before(now.Add(-slack)) {
		b.next = now.Add(-slack)
	}
	b.next = b.next.Add(d)
	return b.next
}

// arrival is when a segment sent at sent (which the bucket's slack may
// put a little in the past) reaches the other end.
func arrival(sent time.Time, latency time.Duration) time.Time {
	if now := time.Now(); sent.Before(now) {
		sent = now
	}
	return sent.Add(latency)
}

// segment is a piece of data (or an error) on its way, due at at.
type segment struct {
	data []byte
	err  error
	at   time.Time
}

type conn struct {
	net.Conn
	link *Link

	mu      sync.Mutex
	carried int64
	cut     bool

	closeOnce sync.Once
	done      chan struct{} // closed by Close or a cut

	// The delay line, when the link is shaped.
	out  chan segment          // client → server, drained by deliverOut
	werr atomic.Pointer[error] // the first failure of deliverOut
	in   chan segment          // server → client, filled by readIn
	rest segment               // what is left of the segment being read
	rdl  atomic.Pointer[time.Time]
}

// budget returns how many of n bytes may still cross, and cuts the
// connection when the budget is used up.
func (c *conn) budget(n int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return 0, ErrCut
	}
	l := c.link
	if l.CutEvery <= 0 || (l.MaxCuts > 0 && l.cuts.Load() >= l.MaxCuts) {
		c.carried += int64(n)
		return n, nil
	}
	left := l.CutEvery - c.carried
	if left <= 0 {
		c.cut = true
		l.cuts.Add(1)
		c.shut()
		return 0, ErrCut
	}
	if int64(n) > left {
		n = int(left)
	}
	c.carried += int64(n)
	return n, nil
}

// refund returns budget taken for bytes that did not cross.
func (c *conn) refund(n int) {
	if n <= 0 {
		return
	}
	c.mu.Lock()
	c.carried -= int64(n)
	c.mu.Unlock()
}

func (c *conn) shut() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.Conn.Close()
	})
}

// Close closes the connection; what is still on its way is lost.
func (c *conn) Close() error {
	c.shut()
	return nil
}

func (c *conn) Write(p []byte) (int, error) {
	if c.out == nil {
		return c.writeDirect(p)
	}
	written := 0
	var last time.Time
	for written < len(p) {
		if err := c.writeErr(); err != nil {
			return written, err
		}
		n, err := c.budget(min(len(p)-written, Segment))
		if err != nil {
			return written, err
		}
		sent := c.link.up.reserve(n, c.link.Rate)
		s := segment{data: append([]byte(nil), p[written:written+n]...), at: arrival(sent, c.link.Latency)}
		select {
		case c.out <- s:
		case <-c.done:
			c.refund(n)
			return written, c.closedErr()
		}
		written += n
		c.link.sent.Add(int64(n))
		last = sent
	}
	// Write returns once its bytes are on the link, as a socket with a
	// small send buffer: the sender feels the rate.
	if err := c.sleepUntil(last, nil); err != nil {
		return written, err
	}
	return written, nil
}

func (c *conn) writeDirect(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := c.budget(len(p) - written)
		if err != nil {
			return written, err
		}
		m, err := c.Conn.Write(p[written : written+n])
		written += m
		c.link.sent.Add(int64(m))
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

func (c *conn) writeErr() error {
	if e := c.werr.Load(); e != nil {
		return *e
	}
	return nil
}

// closedErr is the error of an operation on a closed or cut connection.
func (c *conn) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return ErrCut
	}
	return errClosed
}

// deliverOut hands each segment to the server when it is due.
func (c *conn) deliverOut() {
	for {
		select {
		case s := <-c.out:
			if err := c.sleepUntil(s.at, nil); err != nil {
				return
			}
			if _, err := c.Conn.Write(s.data); err != nil {
				c.werr.CompareAndSwap(nil, &err)
				c.shut()
				return
			}
		case <-c.done:
			return
		}
	}
}

// readIn reads the server's bytes as they come, puts them on the link one
// segment at a time and makes each available to the client once it has
// crossed.
func (c *conn) readIn() {
	buf := make([]byte, 32<<10)
	var last time.Time
	for {
		n, err := c.Conn.Read(buf)
		for off := 0; off < n; off += Segment {
			end := min(off+Segment, n)
			sent := c.link.down.reserve(end-off, c.link.Rate)
			// Stay at most a segment ahead of the link, so that the
			// connections of the link share it in arrival order.
			if c.sleepUntil(sent, nil) != nil {
				return
			}
			last = arrival(sent, c.link.Latency)
			s := segment{data: append([]byte(nil), buf[off:end]...), at: last}
			select {
			case c.in <- s:
			case <-c.done:
				return
			}
		}
		if err != nil {
			at := time.Now().Add(c.link.Latency)
			if at.Before(last) {
				at = last
			}
			select {
			case c.in <- segment{err: err, at: at}:
			case <-c.done:
			}
			return
		}
	}
}

func (c *conn) Read(p []byte) (int, error) {
	if c.in == nil {
		return c.readDirect(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if len(c.rest.data) == 0 && c.rest.err == nil {
		var dl <-chan time.Time
		if t := c.rdl.Load(); t != nil && !t.IsZero() {
			tm := time.NewTimer(time.Until(*t))
			defer tm.Stop()
			dl = tm.C
		}
		select {
		case s := <-c.in:
			c.rest = s
		case <-c.done:
			return 0, c.closedErr()
		case <-dl:
			return 0, os.ErrDeadlineExceeded
		}
	}
	if err := c.sleepUntil(c.rest.at, c.rdl.Load()); err != nil {
		return 0, err
	}
	// Hand over what has arrived, up to len(p): this segment and those
	// behind it that are due too.
	n := 0
	for n < len(p) {
		if len(c.rest.data) == 0 {
			if c.rest.err != nil {
				break
			}
			select {
			case s := <-c.in:
				c.rest = s
			default:
			}
			if len(c.rest.data) == 0 || time.Now().Before(c.rest.at) {
				break
			}
		}
		m, err := c.budget(min(len(p)-n, len(c.rest.data)))
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		copy(p[n:], c.rest.data[:m])
		c.rest.data = c.rest.data[m:]
		c.link.received.Add(int64(m))
		n += m
	}
	if n == 0 && c.rest.err != nil {
		return 0, c.rest.err
	}
	return n, nil
}

func (c *conn) readDirect(p []byte) (int, error) {
	n, err := c.budget(len(p))
	if err != nil {
		return 0, err
	}
	m, err := c.Conn.Read(p[:n])
	c.link.received.Add(int64(m))
	c.refund(n - m)
	return m, err
}

// sleepUntil waits until t, or until the connection closes or the deadline
// dl (if any) passes.
func (c *conn) sleepUntil(t time.Time, dl *time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	var dlc <-chan time.Time
	if dl != nil && !dl.IsZero() {
		if dl.Before(t) {
			tm := time.NewTimer(time.Until(*dl))
			defer tm.Stop()
			dlc = tm.C
		}
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-c.done:
		return c.closedErr()
	case <-dlc:
		return os.ErrDeadlineExceeded
	}
}

// SetDeadline sets the read deadline of the simulated connection and the
// deadlines of the real one (only its write deadline when the link is
// shaped: see SetReadDeadline).
func (c *conn) SetDeadline(t time.Time) error {
	c.rdl.Store(&t)
	if c.in != nil {
		return c.Conn.SetWriteDeadline(t)
	}
	return c.Conn.SetDeadline(t)
}

// SetReadDeadline sets the read deadline. When the link is shaped, reads
// of the real connection run ahead in the background, so only the
// simulated reads take the deadline.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.rdl.Store(&t)
	if c.in != nil {
		return nil
	}
	return c.Conn.SetReadDeadline(t)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
