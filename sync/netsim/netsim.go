// Package netsim simulates the links commune officers sync over: a
// connection that is cut after a number of bytes, and counts of the bytes
// that crossed. Tests and benchmarks plug it into an http.Client.
package netsim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ErrCut is returned by a connection the link has cut.
var ErrCut = errors.New("netsim: connection cut")

// Link is a simulated network link. Its zero value passes everything.
type Link struct {
	// CutEvery, if > 0, cuts each connection once it has carried this many
	// bytes (both directions together), as a 2G/3G link that drops every
	// few hundred kilobytes.
	CutEvery int64
	// MaxCuts, if > 0, stops cutting after this many cuts.
	MaxCuts int64

	sent, received, cuts atomic.Int64
}

// Sent returns the bytes written by the client across the link.
func (l *Link) Sent() int64 { return l.sent.Load() }

// Received returns the bytes read by the client across the link.
func (l *Link) Received() int64 { return l.received.Load() }

// Cuts returns how many connections the link has cut.
func (l *Link) Cuts() int64 { return l.cuts.Load() }

// Client returns an http.Client whose connections cross the link, with a
// fresh connection pool.
func (l *Link) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &conn{Conn: c, link: l}, nil
		},
		DisableCompression: true,
		MaxIdleConns:       4,
		IdleConnTimeout:    30 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

type conn struct {
	net.Conn
	link *Link

	mu      sync.Mutex
	carried int64
	cut     bool
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
		c.Conn.Close()
		return 0, ErrCut
	}
	if int64(n) > left {
		n = int(left)
	}
	c.carried += int64(n)
	return n, nil
}

func (c *conn) Write(p []byte) (int, error) {
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

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.budget(len(p))
	if err != nil {
		return 0, err
	}
	m, err := c.Conn.Read(p[:n])
	c.link.received.Add(int64(m))
	if m < n {
		// Return the unused budget.
		c.mu.Lock()
		c.carried -= int64(n - m)
		c.mu.Unlock()
	}
	return m, err
}
