package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/netsim"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// seedCases records n cases on l with text drawn from rng (names,
// addresses, phones, summaries of syllables that repeat little, as real
// complaints: they compress about 5× rather than the demo's 17×), and
// pushes them.
func seedCases(t *testing.T, l *laptop, n int, rng *rand.Rand) {
	t.Helper()
	onsets := strings.Fields("b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x")
	vowels := []rune("aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵ")
	codas := []string{"", "", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
	syllable := func() string {
		return onsets[rng.IntN(len(onsets))] + string(vowels[rng.IntN(len(vowels))]) + codas[rng.IntN(len(codas))]
	}
	words := func(k int) string {
		out := make([]string, k)
		for i := range out {
			out[i] = syllable()
		}
		return strings.Join(out, " ")
	}
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"}
	for i := range n {
		c := &app.Case{ReceivedAt: l.db.Now().Add(-time.Duration(rng.IntN(5000)) * time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
			ConsumerName:    family[rng.IntN(len(family))] + " " + words(2),
			ConsumerPhone:   fmt.Sprintf("09%08d", rng.IntN(1e8)),
			ConsumerAddress: fmt.Sprintf("Số %d đường %s, ấp %d", rng.IntN(999), words(2), rng.IntN(30)),
			BusinessName:    "Cửa hàng " + words(2), BusinessAddress: fmt.Sprintf("Số %d %s", rng.IntN(999), words(3)),
			Sector: "thuc_pham_do_uong", Summary: fmt.Sprintf("%s (đơn %d).", words(20+rng.IntN(20)), i),
			RecordHead: app.RecordHead{UnitCode: "28261"}}
		if err := l.db.CreateCase(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	l.mustSync()
}

// cutAnswers is a transport that cuts pull answers at random byte offsets
// (seeded): each answer, with probability 1/2, ends with an error after a
// number of bytes drawn below its length.
type cutAnswers struct {
	next http.RoundTripper
	mu   sync.Mutex
	rng  *rand.Rand
	cuts int
}

func (c *cutAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil || r.URL.Path != syncproto.PathPull || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	cut := len(body)
	if c.rng.IntN(2) == 0 && len(body) > 1 {
		cut = c.rng.IntN(len(body))
		c.cuts++
	}
	c.mu.Unlock()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:cut]), &failAfter{cut < len(body)}))
	resp.ContentLength = -1
	return resp, nil
}

type failAfter struct{ cut bool }

func (f *failAfter) Read([]byte) (int, error) {
	if f.cut {
		return 0, io.ErrUnexpectedEOF
	}
	return 0, io.EOF
}

// pullCutSize is the number of cases of the pull tests: enough for
// several pages and several cuts of 128 KB.
func pullCutSize() int {
	if testing.Short() {
		return 600
	}
	return 2000
}

// A fresh laptop pulls its commune's cases across answers cut at random
// byte offsets (seeded, a different draw per round): it ends with exactly
// the server's records, none lost, none twice, whatever the cuts; the
// records before a cut are kept (the pull asks again after them).
func TestPull_CutAtRandomOffsetsEndsWithExactlyTheServersRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("heavy and about cut links, not dates: runs in the full runs (.ci/test)")
	}
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	src := newLaptop(t, srv, "28261", 0)
	rng := clocktest.Rand(t)
	const cases = 500
	seedCases(t, src, cases, rng)
	want := srv.dump()
	assertUniqueCases(t, want, cases)
	for round := range 5 {
		l := newLaptop(t, srv, "28261", 0)
		cuts := &cutAnswers{next: http.DefaultTransport, rng: rand.New(rand.NewPCG(rng.Uint64(), uint64(round)))}
		l.client.HTTP = &http.Client{Transport: cuts}
		l.client.PageBytes = 48 << 10 // many answers, many cuts
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		res, err := l.client.Sync(ctx)
		cancel()
		if err != nil {
			t.Fatalf("round %d: sync: %v", round, err)
		}
		var got strings.Builder
		if _, err := l.db.Dump(context.Background(), &got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Fatalf("round %d (%d cuts): the laptop's records differ from the server's", round, cuts.cuts)
		}
		if res.Pulled < cases || cuts.cuts == 0 {
			t.Fatalf("round %d: %d records pulled, %d cuts", round, res.Pulled, cuts.cuts)
		}
		t.Logf("round %d: %d answers cut, %d records stored (%d again after a cut)", round, cuts.cuts, res.Pulled, res.Pulled-cases)
	}
}

// A link that drops every 128 KB costs a fresh pull at most 1.3× the bytes
// of a clean one (a cut wastes the record it cuts, not the page), against
// the new server and against a server of today (Pull, encoding/json).
func TestPull_LinkCutEvery128KBCostsAtMost1_3xACleanPull(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	src := newLaptop(t, srv, "28261", 0)
	seedCases(t, src, pullCutSize(), clocktest.Rand(t))
	want := srv.dump()
	pull := func(link *netsim.Link) int64 {
		t.Helper()
		l := newLaptop(t, srv, "28261", 0)
		l.client.HTTP = link.Client(30 * time.Second)
		l.client.PageBytes = 2 << 20 // answers larger than what the link carries between two cuts
		before := srv.served(syncproto.PathPull)
		defer func() { t.Logf("%d pull requests", srv.served(syncproto.PathPull)-before) }()
		if err := l.sync(); err != nil {
			t.Fatalf("sync: %v", err)
		}
		var got strings.Builder
		if _, err := l.db.Dump(context.Background(), &got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Fatal("the laptop's records differ from the server's")
		}
		t.Logf("pull: %d bytes down, %d up, %d cuts, %d dials", link.Received(), link.Sent(), link.Cuts(), link.Dials())
		return link.Received()
	}
	for _, server := range []string{"new", "today"} {
		t.Run(server, func(t *testing.T) {
			if server == "today" {
				srv.mu.Lock()
				o := srv.opts
				o.Now = srv.clock.Now
				srv.h = syncserver.New(todayStore{srv.store}, o)
				srv.mu.Unlock()
				t.Cleanup(srv.open)
			}
			clean := pull(&netsim.Link{})
			cut := &netsim.Link{CutEvery: 128_000}
			down := pull(cut)
			t.Logf("%s server: clean pull %d bytes down, cut every 128 KB %d bytes (%.2f×, %d cuts)",
				server, clean, down, float64(down)/float64(clean), cut.Cuts())
			if cut.Cuts() == 0 && !testing.Short() {
				t.Fatal("the link was never cut")
			}
			if float64(down) > 1.3*float64(clean) {
				t.Fatalf("%d bytes down across the cuts, %.2f× a clean pull (%d)", down, float64(down)/float64(clean), clean)
			}
		})
	}
}

// todayStore is the server's store as the handler of today sees it: Pull
// only (no PullRaw), its answers encoded by encoding/json.
type todayStore struct{ syncserver.Store }
