package netsim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"
)

// These tests run real TCP on loopback: a listener plays the server, the
// link wraps the client's end.

// listen starts a TCP server that runs serve on every connection.
func listen(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().String()
}

func dial(t *testing.T, l *Link, addr string) net.Conn {
	t.Helper()
	c, err := l.Dial(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// within fails unless got is within tol (a fraction) of want.
func within(t *testing.T, what string, got, want time.Duration, tol float64) {
	t.Helper()
	lo, hi := time.Duration(float64(want)*(1-tol)), time.Duration(float64(want)*(1+tol))
	if got < lo || got > hi {
		t.Errorf("%s took %v, want %v ± %.0f%% [%v, %v]", what, got, want, tol*100, lo, hi)
	} else {
		t.Logf("%s took %v (ideal %v)", what, got, want)
	}
}

const (
	rate256k = 256_000
	size64k  = 64 << 10
)

// ideal is the time n bytes take at rate bits/s.
func ideal(n int, rate int64) time.Duration {
	return time.Duration(int64(n) * 8 * int64(time.Second) / rate)
}

// The rate checks take 2 s each (64 KB at 256 kbit/s), so they run at
// once, each on its own link.
func TestRate(t *testing.T) {
	t.Parallel()
	checks := []struct {
		name string
		run  func(t *testing.T) (took time.Duration, err error)
	}{
		{"64 KB up at 256 kbit/s", rateUpload},
		{"64 KB down at 256 kbit/s", rateDownload},
		// Two connections of one link share its rate: two 32 KB downloads
		// at once take as long as one of 64 KB.
		{"2 × 32 KB down at once at 256 kbit/s", rateShared},
	}
	type result struct {
		took time.Duration
		err  error
	}
	results := make([]result, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i].took, results[i].err = c.run(t)
		}()
	}
	wg.Wait()
	for i, c := range checks {
		if results[i].err != nil {
			t.Errorf("%s: %v", c.name, results[i].err)
			continue
		}
		within(t, c.name, results[i].took, ideal(size64k, rate256k), 0.15)
	}
}

func rateUpload(t *testing.T) (time.Duration, error) {
	data := payload(size64k)
	got := make(chan []byte, 1)
	addr := listen(t, func(c net.Conn) {
		b, _ := io.ReadAll(io.LimitReader(c, size64k))
		got <- b
		c.Write([]byte{1})
	})
	l := &Link{Rate: rate256k}
	c, err := l.Dial(context.Background(), "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	if _, err := c.Write(data); err != nil {
		return 0, err
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if b := <-got; !bytes.Equal(b, data) {
		return 0, errors.New("the server received other bytes than were sent")
	}
	if l.Sent() != size64k || l.Received() != 1 {
		return 0, fmt.Errorf("sent %d, received %d; want %d and 1", l.Sent(), l.Received(), size64k)
	}
	return took, nil
}

func rateDownload(t *testing.T) (time.Duration, error) {
	data := payload(size64k)
	addr := listen(t, func(c net.Conn) { c.Write(data) })
	l := &Link{Rate: rate256k}
	start := time.Now()
	c, err := l.Dial(context.Background(), "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	b, err := io.ReadAll(c)
	if err != nil {
		return 0, err
	}
	took := time.Since(start)
	if !bytes.Equal(b, data) {
		return 0, errors.New("the client received other bytes than were sent")
	}
	if l.Received() != size64k || l.Sent() != 0 {
		return 0, fmt.Errorf("received %d, sent %d; want %d and 0", l.Received(), l.Sent(), size64k)
	}
	return took, nil
}

func rateShared(t *testing.T) (time.Duration, error) {
	data := payload(size64k / 2)
	addr := listen(t, func(c net.Conn) { c.Write(data) })
	l := &Link{Rate: rate256k}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		c, err := l.Dial(context.Background(), "tcp", addr)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := io.ReadAll(c)
			if err == nil && !bytes.Equal(b, data) {
				err = errors.New("wrong bytes")
			}
			errs <- err
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	if l.Received() != size64k {
		return 0, fmt.Errorf("received %d, want %d", l.Received(), size64k)
	}
	return took, nil
}

func TestLatency_RoundTrips(t *testing.T) {
	t.Parallel()
	const lat = 100 * time.Millisecond
	addr := listen(t, func(c net.Conn) {
		b := make([]byte, 4)
		for {
			if _, err := io.ReadFull(c, b); err != nil {
				return
			}
			c.Write(b)
		}
	})
	l := &Link{Latency: lat}
	start := time.Now()
	c := dial(t, l, addr)
	connect := time.Since(start)
	if connect < 2*lat || connect > 2*lat+80*time.Millisecond {
		t.Errorf("connect took %v, want one round trip (%v)", connect, 2*lat)
	}
	for i := range 2 {
		start = time.Now()
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 4)
		if _, err := io.ReadFull(c, b); err != nil {
			t.Fatal(err)
		}
		rtt := time.Since(start)
		if string(b) != "ping" {
			t.Fatalf("echo %q", b)
		}
		if rtt < 2*lat || rtt > 2*lat+80*time.Millisecond {
			t.Errorf("request/response %d took %v, want %v", i, rtt, 2*lat)
		}
	}
	if l.Sent() != 8 || l.Received() != 8 {
		t.Errorf("sent %d, received %d; want 8 and 8", l.Sent(), l.Received())
	}
}

// An HTTP request over a fresh connection costs the handshake and the
// exchange: two round trips; a second request on the kept-alive
// connection costs one.
func TestLatency_HTTP(t *testing.T) {
	t.Parallel()
	const lat = 50 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	l := &Link{Latency: lat, Rate: 10_000_000}
	hc := l.Client(5 * time.Second)
	for i, want := range []time.Duration{4 * lat, 2 * lat} {
		start := time.Now()
		resp, err := hc.Post(srv.URL, "text/plain", bytes.NewReader(payload(3000)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil || string(b) != "ok" {
			t.Fatalf("body %q, %v", b, err)
		}
		if took < want || took > want+80*time.Millisecond {
			t.Errorf("request %d took %v, want %v", i, took, want)
		}
	}
	if l.Dials() != 1 {
		t.Errorf("%d connections, want 1 (keep-alive)", l.Dials())
	}
	if l.Sent() < 2*3000 || l.Received() == 0 {
		t.Errorf("sent %d, received %d", l.Sent(), l.Received())
	}
}

// A connection is cut after exactly CutEvery bytes, in either direction and
// whether or not the link is shaped, and the counts stop there.
func TestCut_AfterNBytes(t *testing.T) {
	t.Parallel()
	const every = 10_000
	for _, shaped := range []bool{false, true} {
		name := "loopback"
		if shaped {
			name = "shaped"
		}
		t.Run(name+"/up", func(t *testing.T) {
			t.Parallel()
			got := make(chan int, 1)
			addr := listen(t, func(c net.Conn) {
				n, _ := io.Copy(io.Discard, c)
				got <- int(n)
			})
			l := &Link{CutEvery: every}
			if shaped {
				l.Latency, l.Rate = 5*time.Millisecond, 50_000_000
			}
			c := dial(t, l, addr)
			n, err := c.Write(payload(25_000))
			if !errors.Is(err, ErrCut) || n != every {
				t.Fatalf("Write = %d, %v; want %d, ErrCut", n, err, every)
			}
			if _, err := c.Write([]byte{1}); !errors.Is(err, ErrCut) {
				t.Fatalf("Write after the cut: %v, want ErrCut", err)
			}
			if l.Sent() != every || l.Cuts() != 1 {
				t.Fatalf("sent %d with %d cuts; want %d and 1", l.Sent(), l.Cuts(), every)
			}
			// Without shaping every byte accepted reaches the server; with
			// it, what was still on its way is lost, as on a real link.
			if srv := <-got; srv > every || (!shaped && srv != every) {
				t.Fatalf("the server received %d bytes, want at most %d", srv, every)
			}
		})
		t.Run(name+"/down", func(t *testing.T) {
			t.Parallel()
			addr := listen(t, func(c net.Conn) { c.Write(payload(25_000)) })
			l := &Link{CutEvery: every, MaxCuts: 1}
			if shaped {
				l.Latency, l.Rate = 5*time.Millisecond, 50_000_000
			}
			c := dial(t, l, addr)
			b, err := io.ReadAll(c)
			if !errors.Is(err, ErrCut) || len(b) != every {
				t.Fatalf("read %d bytes, %v; want %d, ErrCut", len(b), err, every)
			}
			if !bytes.Equal(b, payload(every)) {
				t.Fatal("wrong bytes before the cut")
			}
			if l.Received() != every || l.Cuts() != 1 {
				t.Fatalf("received %d with %d cuts; want %d and 1", l.Received(), l.Cuts(), every)
			}
			// MaxCuts reached: the next connection is not cut.
			b, err = io.ReadAll(dial(t, l, addr))
			if err != nil || len(b) != 25_000 {
				t.Fatalf("second connection: %d bytes, %v", len(b), err)
			}
			if l.Received() != every+25_000 || l.Cuts() != 1 {
				t.Fatalf("received %d with %d cuts", l.Received(), l.Cuts())
			}
		})
	}
}

// Both directions together count towards CutEvery.
func TestCut_BothDirections(t *testing.T) {
	t.Parallel()
	addr := listen(t, func(c net.Conn) {
		b := make([]byte, 1000)
		for {
			if _, err := io.ReadFull(c, b); err != nil {
				return
			}
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	})
	l := &Link{CutEvery: 4500}
	c := dial(t, l, addr)
	var err error
	exchanges := 0
	for ; err == nil; exchanges++ {
		if _, err = c.Write(payload(1000)); err == nil {
			_, err = io.ReadFull(c, make([]byte, 1000))
		}
	}
	if !errors.Is(err, ErrCut) || l.Sent()+l.Received() != 4500 {
		t.Fatalf("after %d exchanges: %v, %d + %d bytes; want ErrCut at 4500", exchanges, err, l.Sent(), l.Received())
	}
}

// Close unblocks a read waiting on a shaped link, and a read deadline is
// honoured.
func TestClose_AndDeadline(t *testing.T) {
	t.Parallel()
	addr := listen(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	l := &Link{Latency: 10 * time.Millisecond}
	c := dial(t, l, addr)
	c.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	if _, err := c.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v", err)
	}
	c.SetReadDeadline(time.Time{})
	done := make(chan error, 1)
	go func() { _, err := c.Read(make([]byte, 10)); done <- err }()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("read after Close: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Close did not unblock Read")
	}
}
