package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/storage"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncproto"
)

// dosBench is how long the server is attacked (0 skips the measure):
//
//	go test -tags ci -count=1 -run DoSMemory -v ./cmd/bvntd-server -dosbench 30s
//
// The real server runs in a child process (go build of this package), so
// that its peak resident memory (VmHWM of /proc/<pid>/status, Linux) is its
// own. Meanwhile 50 clients send 4.2 MB gzip bombs (expanding to 4.2 GB
// of JSON) back to back, in turn to /v1/enroll, to /v1/push without a
// token and to /v1/push with a device's token; 200 slow clients send
// headers and then a body at 2 bytes a second (half to /v1/enroll, half
// to /v1/push with the token), reconnecting when cut; and a laptop (a
// storage.DB with syncclient, default backoff) makes a case and syncs
// every 200 ms. It logs the server's peak memory before and during the
// attack, the laptop's sync latency percentiles and what the attackers
// were answered.
var dosBench = flag.Duration("dosbench", 0, "attack a child server this long and measure its peak memory and a laptop's sync latency (0: skip)")

const (
	dosBombs        = 50
	dosSlow         = 200
	dosBombMember   = 100 << 20 // zeros per gzip member
	dosBombMembers  = 42        // ≈ 4.2 MB of gzip, 4.2 GB of JSON
	dosSlowInterval = 500 * time.Millisecond
)

func TestDoSMemory(t *testing.T) {
	if *dosBench <= 0 {
		t.Skip("measure: run with -dosbench 30s")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc (Linux)")
	}
	now := clocktest.Running(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bvntd-server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "server.sqlite")
	newCode := func() string {
		out, err := exec.Command(bin, "enroll", "--db", db, "--scope", "28261").Output()
		if err != nil {
			t.Fatalf("enroll: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	laptopCode, attackerCode := newCode(), newCode()

	srv := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
	})
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				listening <- u
			}
		}
	}()
	var base string
	select {
	case base = <-listening:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	pid := srv.Process.Pid
	u, _ := url.Parse(base)

	// The laptop.
	ctx := context.Background()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	ldb, err := storage.Open(ctx, filepath.Join(dir, cli.StoreFile), storage.Options{Now: now, DeviceTag: "A7K3"})
	if err != nil {
		t.Fatal(err)
	}
	defer ldb.Close()
	if _, err := ldb.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		t.Fatal(err)
	}
	ldb.SetRefs(refs)
	ldb.SetOfficer("Cán bộ thử")
	laptop := &syncclient.Client{Store: ldb, AppVersion: cli.AppVersion, Now: now}
	if _, err := laptop.Enroll(ctx, base, laptopCode, "máy thử"); err != nil {
		t.Fatal(err)
	}
	syncOnce := func(i int) (time.Duration, error) {
		c := &app.Case{ReceivedAt: ldb.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
			ConsumerName: fmt.Sprintf("Người thử %d", i), Sector: "thuc_pham_do_uong", Summary: "Mua bánh kẹo hết hạn.",
			RecordHead: app.RecordHead{UnitCode: "28261"}}
		if err := ldb.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		t0 := now()
		_, err := laptop.Sync(sctx)
		return now().Sub(t0), err
	}

	// The attacker's device (a stolen or insider token).
	token := dosEnroll(t, base, attackerCode)

	// Memory: the kernel's peak (VmHWM) and sampled VmRSS.
	var peakRSS atomic.Int64
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		for {
			if rss := procStatusKB(pid, "VmRSS"); rss > peakRSS.Load() {
				peakRSS.Store(rss)
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})

	// Warm-up: the laptop alone.
	var quiet []time.Duration
	for i := range 20 {
		d, err := syncOnce(i)
		if err != nil {
			t.Fatalf("sync before the attack: %v", err)
		}
		quiet = append(quiet, d)
	}
	hwmBefore := procStatusKB(pid, "VmHWM")

	bomb := dosBomb(t)
	t.Logf("bomb: %d bytes of gzip, %d MB of JSON", len(bomb), dosBombMember*dosBombMembers>>20)

	attackCtx, stopAttack := context.WithTimeout(ctx, *dosBench)
	defer stopAttack()
	var (
		mu        sync.Mutex
		answers   = map[string]int{}
		cuts      []time.Duration
		slowConns int
	)
	count := func(k string) {
		mu.Lock()
		answers[k]++
		mu.Unlock()
	}
	var attackers sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: dosBombs, DisableCompression: true}}
	targets := []struct{ name, path, token string }{
		{"enroll", syncproto.PathEnroll, ""},
		{"push-no-token", syncproto.PathPush, ""},
		{"push-token", syncproto.PathPush, token},
	}
	for w := range dosBombs {
		attackers.Go(func() {
			for i := w; attackCtx.Err() == nil; i++ {
				tg := targets[i%len(targets)]
				r, _ := http.NewRequestWithContext(attackCtx, http.MethodPost, base+tg.path, bytes.NewReader(bomb))
				r.Header.Set("Content-Encoding", "gzip")
				r.Header.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
				if tg.token != "" {
					r.Header.Set("Authorization", "Bearer "+tg.token)
				}
				res, err := client.Do(r)
				if err != nil {
					if attackCtx.Err() == nil {
						count(tg.name + " error")
					}
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				count(fmt.Sprintf("%s %d", tg.name, res.StatusCode))
			}
		})
	}
	for w := range dosSlow {
		attackers.Go(func() {
			path, auth := syncproto.PathEnroll, ""
			if w%2 == 1 {
				path, auth = syncproto.PathPush, "Authorization: Bearer "+token+"\r\n"
			}
			for attackCtx.Err() == nil {
				d, ok := slowClient(attackCtx, u.Host, path, auth, now)
				mu.Lock()
				slowConns++
				if ok {
					cuts = append(cuts, d)
				}
				mu.Unlock()
			}
		})
	}

	// The laptop syncs during the attack.
	var during []time.Duration
	var syncErrs []string
	for i := 100; attackCtx.Err() == nil; i++ {
		d, err := syncOnce(i)
		if err != nil {
			syncErrs = append(syncErrs, app.ErrorCode(err))
		} else {
			during = append(during, d)
		}
		select {
		case <-attackCtx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	attackers.Wait()
	hwmAfter := procStatusKB(pid, "VmHWM")
	close(stopSampling)
	sampler.Wait()

	// After the attack the laptop still syncs.
	if _, err := syncOnce(99999); err != nil {
		t.Errorf("sync after the attack: %v", err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range answers {
			if !yield(k) {
				return
			}
		}
	})
	t.Logf("server peak memory (VmHWM): %d MB after warm-up, %d MB after %s of attack; sampled VmRSS peak %d MB",
		hwmBefore>>10, hwmAfter>>10, *dosBench, peakRSS.Load()>>10)
	t.Logf("laptop syncs before the attack: %d, p50 %v, p95 %v, max %v", len(quiet), pct(quiet, 50), pct(quiet, 95), pct(quiet, 100))
	t.Logf("laptop syncs during the attack: %d ok, %d failed %v, p50 %v, p95 %v, max %v",
		len(during), len(syncErrs), syncErrs, pct(during, 50), pct(during, 95), pct(during, 100))
	for _, k := range keys {
		t.Logf("bomb answers %s: %d", k, answers[k])
	}
	t.Logf("slow clients: %d connections, %d cut by the server (p50 %v, max %v after the headers)",
		slowConns, len(cuts), pct(cuts, 50), pct(cuts, 100))
}

// dosEnroll enrols a device by a plain request and returns its token.
func dosEnroll(t *testing.T, base, code string) string {
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "Z9X8", AppVersion: cli.AppVersion, AdoptsDeviceID: true})
	r, _ := http.NewRequest(http.MethodPost, base+syncproto.PathEnroll, bytes.NewReader(body))
	r.Header.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e syncproto.EnrollResponse
	if err := json.NewDecoder(res.Body).Decode(&e); err != nil || e.Token == "" {
		t.Fatalf("enroll: %d %v", res.StatusCode, err)
	}
	return e.Token
}

// dosBomb is a gzip stream of JSON whose one string is 4.2 GB of zeros:
// dosBombMembers gzip members of dosBombMember zeros each.
func dosBomb(t *testing.T) []byte {
	zeros := make([]byte, 1<<20)
	for i := range zeros {
		zeros[i] = '0'
	}
	member := func(head string) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write([]byte(head))
		for range dosBombMember >> 20 {
			zw.Write(zeros)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	out := member(`{"code":"`)
	rest := member("")
	for range dosBombMembers - 1 {
		out = append(out, rest...)
	}
	return out
}

// slowClient sends a request's headers, then its body at 2 bytes a
// second, until the server answers or closes. It reports how long after
// the headers the server cut it (ok false when the attack ended first).
func slowClient(ctx context.Context, host, path, auth string, now func() time.Time) (time.Duration, bool) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return 0, false
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n%s: %d\r\n%sContent-Length: 100000\r\n\r\n",
		path, host, syncproto.HeaderProtocol, syncproto.ProtocolVersion, auth)
	if _, err := io.WriteString(c, head); err != nil {
		return 0, false
	}
	t0 := now()
	answered := make(chan struct{})
	go func() {
		io.Copy(io.Discard, c) // the answer, then EOF when the server closes
		close(answered)
	}()
	for {
		select {
		case <-answered:
			return now().Sub(t0), ctx.Err() == nil
		case <-ctx.Done():
			return 0, false
		case <-time.After(dosSlowInterval):
		}
		if _, err := c.Write([]byte{' '}); err != nil {
			<-answered
			return now().Sub(t0), ctx.Err() == nil
		}
	}
}

// procStatusKB reads a "kB" field of /proc/<pid>/status.
func procStatusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// pct is the p-th percentile of ds (p 100: the largest).
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}
