package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/storage"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// pullBench is the number of mutations one device pushes while others
// pull (issue 15: pulls waited behind pushes). 0 skips the measure:
//
//	go test -tags ci -count=1 -run PullLatency -v ./cmd/bvntd-server -pullbench 60000
var pullBench = flag.Int("pullbench", 0, "measure pull latency while one device pushes this many mutations (0: skip)")

// benchDevice talks to the server over HTTP as the app does: gzipped JSON
// bodies, its token.
type benchDevice struct {
	url, token string
	client     *http.Client
}

func (d *benchDevice) call(path string, req, resp any) error {
	body, err := syncproto.Encode(req, true)
	if err != nil {
		return err
	}
	r, err := http.NewRequest(http.MethodPost, d.url+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Content-Encoding", "gzip")
	r.Header.Set("Accept-Encoding", "gzip")
	r.Header.Set(syncproto.HeaderProtocol, "1")
	r.Header.Set(syncproto.HeaderAppVersion, cli.AppVersion)
	if d.token != "" {
		r.Header.Set("Authorization", "Bearer "+d.token)
	}
	res, err := d.client.Do(r)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", path, res.StatusCode, raw)
	}
	return syncproto.Decode(bytes.NewReader(raw), res.Header.Get("Content-Encoding") == "gzip", syncproto.MaxBodyBytes, resp)
}

// TestPullLatencyDuringBigPush measures what a pull costs while another
// device pushes a large outbox: one device of commune 28261 pushes
// -pullbench new cases (the fields a laptop sends for a new case) in
// batches of 250, back to back; meanwhile 8 devices of other communes
// (nothing new for them) and 2 of 28261 (pulling what arrives) pull every
// 200 ms. It logs the pulls' latency percentiles and the push rate. The
// server is in-process behind real HTTP on loopback, SQLite by default,
// PostgreSQL with BVNTD_TEST_ENGINE=postgres.
func TestPullLatencyDuringBigPush(t *testing.T) {
	if *pullBench <= 0 {
		t.Skip("a measure, not a test: -pullbench N")
	}
	ctx := context.Background()
	now := clocktest.Running(t)
	st, err := serverstore.Open(ctx, pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite")), serverstore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(syncserver.New(st, syncserver.Options{Now: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 5 * time.Minute}

	tags := []string{"PB00", "PB01", "PB02", "PB03", "PB04", "PB05", "PB06", "PB07", "PB08", "PB09", "PB10"}
	enrol := func(scope, tag string) *benchDevice {
		code, _, err := st.CreateEnrolCode(ctx, scope, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		d := &benchDevice{url: srv.URL, client: httpc}
		var resp syncproto.EnrollResponse
		if err := d.call(syncproto.PathEnroll, syncproto.EnrollRequest{Code: code, DeviceTag: tag,
			AppVersion: cli.AppVersion, AdoptsDeviceID: true}, &resp); err != nil {
			t.Fatal(err)
		}
		d.token = resp.Token
		return d
	}
	pusher := enrol("28261", tags[0])
	var pullers []*benchDevice
	for i, scope := range []string{"28261", "28261", "28249", "28273", "28270", "28285", "28306", "28297", "28729", "28315"} {
		pullers = append(pullers, enrol(scope, tags[i+1]))
	}

	// The fields of a new case as the app sends them, made by a real store.
	local, err := storage.Open(ctx, filepath.Join(t.TempDir(), "laptop.sqlite"), storage.Options{Now: now, DeviceTag: tags[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	c := &app.Case{ReceivedAt: now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: "Nguyễn Thị Mẫu",
		Sector: "thuc_pham_do_uong", Summary: "Mua bánh kẹo hết hạn sử dụng tại cửa hàng tạp hóa gần chợ.", RecordHead: app.RecordHead{UnitCode: "28261"}}
	if err := local.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	if err := local.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	batch, err := local.PendingBatch(ctx, 1<<20)
	if err != nil || len(batch) == 0 {
		t.Fatalf("template: %v", err)
	}
	tmpl := batch[0]

	var (
		mu    sync.Mutex
		lat   []time.Duration
		fails int
		done  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for _, d := range pullers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cursors []syncproto.Cursor
			for {
				select {
				case <-done:
					return
				case <-time.After(200 * time.Millisecond):
				}
				var resp syncproto.PullResponse
				t0 := now()
				err := d.call(syncproto.PathPull, syncproto.PullRequest{Cursors: cursors, MaxBytes: 512 << 10}, &resp)
				took := now().Sub(t0)
				mu.Lock()
				if err != nil {
					fails++
				} else {
					lat = append(lat, took)
				}
				mu.Unlock()
				for _, p := range resp.Scopes {
					cursors = setBenchCursor(cursors, syncproto.Cursor{Scope: p.Scope, Epoch: p.Epoch, Seq: p.NextSeq})
				}
			}
		}()
	}

	const perBatch = 250
	t0 := now()
	var pushLat []time.Duration
	for sent := 0; sent < *pullBench; {
		req := syncproto.PushRequest{DeviceNowMS: now().UnixMilli()}
		for i := 0; i < perBatch && sent < *pullBench; i++ {
			id := app.NewID()
			f := make(map[string]json.RawMessage, len(tmpl.Fields))
			for k, v := range tmpl.Fields {
				f[k] = v
			}
			f["id"], _ = json.Marshal(id)
			f["consumer_name"], _ = json.Marshal(fmt.Sprintf("Nguyễn Thị Mẫu %d", sent))
			req.Mutations = append(req.Mutations, syncproto.Mutation{ID: app.NewID(), Entity: app.EntityCase, RecordID: id,
				Scope: "28261", Op: app.OpUpsert, Fields: f, HLC: app.HLC{Wall: now().UnixMilli()}.String(), DeviceTimeMS: now().UnixMilli()})
			sent++
		}
		var resp syncproto.PushResponse
		p0 := now()
		if err := pusher.call(syncproto.PathPush, req, &resp); err != nil {
			t.Fatal(err)
		}
		pushLat = append(pushLat, now().Sub(p0))
		for _, r := range resp.Results {
			if r.Status != syncproto.StatusApplied {
				t.Fatalf("mutation %s: %s %s %s", r.MutationID, r.Status, r.Code, r.Message)
			}
		}
	}
	pushFor := now().Sub(t0)
	close(done)
	wg.Wait()

	pct := func(d []time.Duration, p float64) time.Duration {
		if len(d) == 0 {
			return 0
		}
		return d[min(len(d)-1, int(float64(len(d))*p))]
	}
	slices.Sort(lat)
	slices.Sort(pushLat)
	engine := "SQLite"
	if pgtest.Postgres() {
		engine = "PostgreSQL"
	}
	t.Logf("%s: %d mutations pushed in %d batches in %v (%.0f mutations/s; push p50 %v, p95 %v, max %v)",
		engine, *pullBench, len(pushLat), pushFor.Round(time.Millisecond), float64(*pullBench)/pushFor.Seconds(),
		pct(pushLat, 0.5).Round(time.Millisecond), pct(pushLat, 0.95).Round(time.Millisecond), pushLat[len(pushLat)-1].Round(time.Millisecond))
	t.Logf("%s: %d pulls meanwhile, %d failed: p50 %v, p95 %v, p99 %v, max %v", engine, len(lat), fails,
		pct(lat, 0.5).Round(time.Millisecond), pct(lat, 0.95).Round(time.Millisecond), pct(lat, 0.99).Round(time.Millisecond),
		lat[len(lat)-1].Round(time.Millisecond))
}

func setBenchCursor(cs []syncproto.Cursor, c syncproto.Cursor) []syncproto.Cursor {
	for i := range cs {
		if cs[i].Scope == c.Scope {
			cs[i] = c
			return cs
		}
	}
	return append(cs, c)
}
