package netsim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// The timing tests run in a testing/synctest bubble, on its fake clock:
// the link's waits take no real time, and a transfer takes exactly what the
// model says, however busy the machine. Their server is the other end of
// an in-memory pipe (a goroutine waiting on a real socket would keep the
// bubble's clock from moving).

// pipeServer makes l's connections in-memory pipes whose other end serve
// runs on, in the bubble. Each server end is closed when serve returns, or
// when the test ends.
func pipeServer(t *testing.T, l *Link, serve func(net.Conn)) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ends []net.Conn
	)
	l.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		client, server := net.Pipe()
		mu.Lock()
		ends = append(ends, server)
		mu.Unlock()
		wg.Go(func() {
			defer server.Close()
			serve(server)
		})
		return client, nil
	}
	t.Cleanup(func() {
		mu.Lock()
		for _, c := range ends {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

// pipeListener hands the server ends of in-memory pipes to an http.Server.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (pl *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-pl.conns:
		return c, nil
	case <-pl.done:
		return nil, net.ErrClosed
	}
}

func (pl *pipeListener) Close() error {
	pl.once.Do(func() { close(pl.done) })
	return nil
}

func (pl *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

// httpServer serves h to l's connections, over in-memory pipes, in the
// bubble, until the test ends. Requests go to http://netsim.test/.
func httpServer(t *testing.T, l *Link, h http.Handler) {
	t.Helper()
	pl := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	l.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		client, server := net.Pipe()
		select {
		case pl.conns <- server:
			return client, nil
		case <-pl.done:
			return nil, net.ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	srv := &http.Server{Handler: h}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(pl)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-served
	})
}

// stopwatch runs f in the bubble and returns how long it took on the
// bubble's clock, to the millisecond above, and f's error. It reads no
// clock: it counts the milliseconds it sleeps until f is done.
func stopwatch(f func() error) (time.Duration, error) {
	done := make(chan error, 1)
	go func() { done <- f() }()
	for took := time.Duration(0); ; took += time.Millisecond {
		synctest.Wait() // everything due by now has run
		select {
		case err := <-done:
			return took, err
		default:
		}
		time.Sleep(time.Millisecond)
	}
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

// 64 KB at 256 kbit/s take 2 s of the bubble's clock, each check on its
// own link.
func TestRate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		run  func(t *testing.T) (took time.Duration, err error)
	}{
		{"64 KB up at 256 kbit/s", rateUpload},
		{"64 KB down at 256 kbit/s", rateDownload},
		// Two connections of one link share its rate: two 32 KB downloads
		// at once take as long as one of 64 KB.
		{"2 × 32 KB down at once at 256 kbit/s", rateShared},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				took, err := c.run(t)
				if err != nil {
					t.Fatal(err)
				}
				within(t, c.name, took, ideal(size64k, rate256k), 0.02)
			})
		})
	}
}

func rateUpload(t *testing.T) (time.Duration, error) {
	data := payload(size64k)
	got := make(chan []byte, 1)
	l := &Link{Rate: rate256k}
	pipeServer(t, l, func(c net.Conn) {
		b, _ := io.ReadAll(io.LimitReader(c, size64k))
		got <- b
		c.Write([]byte{1})
	})
	c, err := l.Dial(context.Background(), "tcp", "netsim.test:1")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	took, err := stopwatch(func() error {
		if _, err := c.Write(data); err != nil {
			return err
		}
		_, err := io.ReadFull(c, make([]byte, 1))
		return err
	})
	if err != nil {
		return 0, err
	}
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
	l := &Link{Rate: rate256k}
	pipeServer(t, l, func(c net.Conn) { c.Write(data) })
	var b []byte
	took, err := stopwatch(func() error {
		c, err := l.Dial(context.Background(), "tcp", "netsim.test:1")
		if err != nil {
			return err
		}
		defer c.Close()
		b, err = io.ReadAll(c)
		return err
	})
	if err != nil {
		return 0, err
	}
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
	l := &Link{Rate: rate256k}
	pipeServer(t, l, func(c net.Conn) { c.Write(data) })
	took, err := stopwatch(func() error {
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for range 2 {
			c, err := l.Dial(context.Background(), "tcp", "netsim.test:1")
			if err != nil {
				return err
			}
			defer c.Close()
			wg.Go(func() {
				b, err := io.ReadAll(c)
				if err == nil && !bytes.Equal(b, data) {
					err = errors.New("wrong bytes")
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		return errors.Join(<-errs, <-errs)
	})
	if err != nil {
		return 0, err
	}
	if l.Received() != size64k {
		return 0, fmt.Errorf("received %d, want %d", l.Received(), size64k)
	}
	return took, nil
}

func TestLatency_RoundTrips(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const lat = 100 * time.Millisecond
		l := &Link{Latency: lat}
		pipeServer(t, l, func(c net.Conn) {
			b := make([]byte, 4)
			for {
				if _, err := io.ReadFull(c, b); err != nil {
					return
				}
				c.Write(b)
			}
		})
		var c net.Conn
		connect, err := stopwatch(func() (err error) {
			c, err = l.Dial(context.Background(), "tcp", "netsim.test:1")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if connect < 2*lat || connect > 2*lat+time.Millisecond {
			t.Errorf("connect took %v, want one round trip (%v)", connect, 2*lat)
		}
		for i := range 2 {
			b := make([]byte, 4)
			rtt, err := stopwatch(func() error {
				if _, err := c.Write([]byte("ping")); err != nil {
					return err
				}
				_, err := io.ReadFull(c, b)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != "ping" {
				t.Fatalf("echo %q", b)
			}
			if rtt < 2*lat || rtt > 2*lat+time.Millisecond {
				t.Errorf("request/response %d took %v, want %v", i, rtt, 2*lat)
			}
		}
		if l.Sent() != 8 || l.Received() != 8 {
			t.Errorf("sent %d, received %d; want 8 and 8", l.Sent(), l.Received())
		}
	})
}

// An HTTP request over a fresh connection costs the handshake and the
// exchange: two round trips; a second request on the kept-alive
// connection costs one.
func TestLatency_HTTP(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const lat = 50 * time.Millisecond
		l := &Link{Latency: lat, Rate: 10_000_000}
		httpServer(t, l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Write([]byte("ok"))
		}))
		hc := l.Client(5 * time.Second)
		defer hc.CloseIdleConnections()
		// The transfer of the 3000-byte body and of the answer at 10 Mbit/s
		// takes about 3 ms more.
		for i, want := range []time.Duration{4 * lat, 2 * lat} {
			var b []byte
			took, err := stopwatch(func() error {
				resp, err := hc.Post("http://netsim.test/", "text/plain", bytes.NewReader(payload(3000)))
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				b, err = io.ReadAll(resp.Body)
				return err
			})
			if err != nil || string(b) != "ok" {
				t.Fatalf("body %q, %v", b, err)
			}
			if took < want || took > want+10*time.Millisecond {
				t.Errorf("request %d took %v, want %v", i, took, want)
			}
		}
		if l.Dials() != 1 {
			t.Errorf("%d connections, want 1 (keep-alive)", l.Dials())
		}
		if l.Sent() < 2*3000 || l.Received() == 0 {
			t.Errorf("sent %d, received %d", l.Sent(), l.Received())
		}
	})
}

// The tests of cuts run on real TCP on loopback (they measure no time):
// a listener plays the server, the link wraps the client's end.

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
// honoured: the read fails when it passes, not before.
func TestClose_AndDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := &Link{Latency: 10 * time.Millisecond}
		pipeServer(t, l, func(c net.Conn) { io.Copy(io.Discard, c) })
		c, err := l.Dial(context.Background(), "tcp", "netsim.test:1")
		if err != nil {
			t.Fatal(err)
		}
		// The bubble's clock starts at midnight UTC on 1 January 2000
		// (testing/synctest); the dial took one round trip.
		now := time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC).Add(2 * l.Latency)
		c.SetReadDeadline(now.Add(30 * time.Millisecond))
		took, err := stopwatch(func() error {
			_, err := c.Read(make([]byte, 10))
			return err
		})
		if !errors.Is(err, os.ErrDeadlineExceeded) || took != 30*time.Millisecond {
			t.Fatalf("read past the deadline: %v after %v, want a deadline error after 30ms", err, took)
		}
		c.SetReadDeadline(time.Time{})
		done := make(chan error, 1)
		go func() { _, err := c.Read(make([]byte, 10)); done <- err }()
		time.Sleep(20 * time.Millisecond)
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("a read without a deadline returned before Close: %v", err)
		default:
		}
		c.Close()
		synctest.Wait()
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Fatalf("read after Close: %v", err)
			}
		default:
			t.Fatal("Close did not unblock Read")
		}
	})
}
