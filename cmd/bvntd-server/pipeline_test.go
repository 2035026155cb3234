package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// A push in many small batches reads and encodes each batch while the
// server applies the one before (issue 22): every case still arrives, and a change refused in one batch holds back the later
// change of the same record that the next batch, read ahead, held — it is
// read again after the refusal, without it.
func TestPush_BatchesReadAheadKeepOrderAndHoldBehindARefusal(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	a.client.BatchBytes = 1500 // one or two cases a batch
	ctx := context.Background()

	var want []string
	add := func(n int) {
		for range n {
			want = append(want, a.newCase("Người Thử Nghiệm").ID)
		}
	}
	add(4)
	// A case of another commune: the server refuses it (scope).
	intruder := &app.Case{RecordHead: app.RecordHead{UnitCode: "29905"}, ReceivedAt: a.db.Now().Add(-3600e9), Channel: "truc_tiep",
		Kind: "phan_anh", ConsumerName: "Người Ghi Nhầm Xã", Sector: "khac", Summary: strings.Repeat("Ghi vào xã khác. ", 100)}
	if err := a.db.CreateCase(ctx, intruder); err != nil {
		t.Fatal(err)
	}
	// Its edit comes next: a batch of its own (the case fills one), the
	// one read while the case is sent.
	a.edit(intruder.ID, func(c *app.Case) { c.Summary = "Bổ sung sau khi ghi nhầm." })
	add(11)

	before := srv.served(syncproto.PathPush)
	res, err := a.client.Sync(ctx)
	if err != nil || res.Rejected != 1 || res.Pushed != len(want) {
		t.Fatalf("sync: %+v %v (want %d pushed, 1 rejected)", res, err, len(want))
	}
	if n := srv.served(syncproto.PathPush) - before; n < 8 {
		t.Fatalf("%d pushes: the test needs many small batches", n)
	}
	if pending, parked, _ := a.db.OutboxCount(ctx); pending != 1 || parked != 1 {
		t.Fatalf("outbox: %d pending, %d parked; want the edit held behind the refused case", pending, parked)
	}
	dump := srv.dump()
	if strings.Contains(dump, intruder.ID) {
		t.Fatal("the server stored the refused case or its later edit")
	}
	for _, id := range want {
		if n := strings.Count(dump, id); n == 0 {
			t.Fatalf("case %s is not on the server", id)
		}
	}
	// A second sync sends nothing more: the held edit stays held.
	res, err = a.client.Sync(ctx)
	if err != nil || res.Pushed != 0 || res.Rejected != 0 {
		t.Fatalf("second sync: %+v %v", res, err)
	}
}

// bodySizes records the size of each push body a laptop sends, as sent
// and decompressed.
type bodySizes struct {
	next    http.RoundTripper
	mu      sync.Mutex
	push    []int64
	decoded []int64
}

func (b *bodySizes) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == syncproto.PathPush && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var n int64
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
			n, _ = io.Copy(io.Discard, zr)
		}
		b.mu.Lock()
		b.push = append(b.push, int64(len(body)))
		b.decoded = append(b.decoded, n)
		b.mu.Unlock()
	}
	return b.next.RoundTrip(r)
}

// measuredLaptop is a laptop enrolled with a field server whose push
// bodies it sends are measured.
func measuredLaptop(t *testing.T) (*fieldServer, *laptop, *bodySizes) {
	srv := newFieldServer(t, clocktest.AtToday(t), syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	sizes := &bodySizes{next: http.DefaultTransport}
	a.client.HTTP = &http.Client{Transport: sizes}
	return srv, a, sizes
}

// A laptop's push of the default budget decodes to less than a megabyte:
// it never waits for one of the server's decoding slots (syncserver's
// slotFree), which big bodies share.
func TestPush_DefaultBatchNeedsNoDecodingSlot(t *testing.T) {
	_, a, sizes := measuredLaptop(t)
	text := strings.Repeat("Người tiêu dùng mua sản phẩm hết hạn sử dụng, đề nghị đổi hàng. ", 40)
	for i := range 450 {
		c := a.newCase("Người Thử Nghiệm")
		a.edit(c.ID, func(c *app.Case) { c.Summary = fmt.Sprintf("%d. %s", i, text) })
	}
	if res, err := a.client.Sync(context.Background()); err != nil || res.Pushed != 900 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	if len(sizes.decoded) < 2 || sizes.decoded[0] < 900<<10 {
		t.Fatalf("decoded push bodies %v: the test needs full batches", sizes.decoded)
	}
	for i, n := range sizes.decoded {
		if n >= 1<<20 {
			t.Errorf("push %d decodes to %d bytes: it needs a decoding slot (bodies %v)", i+1, n, sizes.decoded)
		}
	}
}

// Records that compress little (long texts of no language) make a batch of
// the default budget a large body: the batches after it are cut to about
// maxPushBody (gzipped), so that a link that cuts out carries them whole,
// and every case still arrives.
func TestPush_BodiesOfRecordsThatCompressLittleStaySmall(t *testing.T) {
	srv, a, sizes := measuredLaptop(t)
	rng := clocktest.Rand(t)
	const letters = "abcdeghiklmnopqrstuvxyACDEGHIKLMNOPQRSTUVXY0123456789 "
	var ids []string
	for range 300 {
		c := a.newCase("Người Thử Nghiệm")
		ids = append(ids, c.ID)
		a.edit(c.ID, func(c *app.Case) {
			b := make([]byte, 8000)
			for i := range b {
				b[i] = letters[rng.IntN(len(letters))]
			}
			c.Summary = string(b)
		})
	}
	res, err := a.client.Sync(context.Background())
	if err != nil || res.Pushed != 600 || res.Rejected != 0 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	if len(sizes.push) < 5 || sizes.push[0] < 4*96<<10 {
		t.Fatalf("push bodies %v: the test needs a first body well over the bound", sizes.push)
	}
	for i, n := range sizes.push[1:] {
		if n > 96<<10*5/4 {
			t.Errorf("push %d: %d bytes, over the bound (bodies %v)", i+2, n, sizes.push)
		}
	}
	dump := srv.dump()
	for _, id := range ids {
		if !strings.Contains(dump, id) {
			t.Fatalf("case %s is not on the server", id)
		}
	}
}
